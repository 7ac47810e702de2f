//! `iamc diff` (`iamc_analysis::diff`): criterion group `diff`, the two targets of issue 13.
//!
//! - `policy-50`: two versions of a 50-statement policy (`AmazonRDSCustomServiceRolePolicy`,
//!   37 statements with conditions; NEW widens one action list to `ec2:Describe*`, relaxes a
//!   tag condition to `custom-*` and adds a statement), new access only and `--both`;
//! - `aws-managed`: the 1,452 AWS managed policies as one identity set against itself with one
//!   policy in its other real version (`AmazonECS_FullAccess`, `ecs/` vs `aws-managed/`).
//!
//! Each iteration is a whole diff: lowering both sets, the classes, the search, the regions
//! and their witnesses (compiling both sets for the runtime engine). Run:
//! `cargo bench -p iamc-bench --bench diff` (`IAMC_BENCH_QUICK=1` shortens it).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "a bench: a missing fixture stops it"
)]

use std::hint::black_box;
use std::time::Instant;

use iamc_analysis::diff::{diff, Options};
use iamc_grammar::ast::PolicyType;
use iamc_grammar::PolicySet;
use iamc_testkit::data::{json_files, parse_kind, policies_dir};

mod common;

/// `text` with `from` replaced by `to`, which must be there.
fn edit(text: &str, from: &str, to: &str) -> String {
    assert!(text.contains(from), "{from}");
    text.replacen(from, to, 1)
}

fn identity(name: &str, text: &str) -> PolicySet {
    PolicySet::identity(vec![parse_kind(name, text, PolicyType::Identity).unwrap()])
}

/// The 50-statement policy and a second version of it.
fn policy_50() -> (PolicySet, PolicySet) {
    let name = "AmazonRDSCustomServiceRolePolicy.json";
    let old = std::fs::read_to_string(policies_dir().join("aws-managed").join(name)).unwrap();
    let new = edit(
        &old,
        "\"ec2:AllocateAddress\"\n",
        "\"ec2:AllocateAddress\",\n                \"ec2:Describe*\"\n",
    );
    let new = edit(
        &new,
        "\"custom-sqlserver\",\n                        \"custom-oracle\"\n",
        "\"custom-*\"\n",
    );
    let new = edit(
        &new,
        "            \"Sid\": \"servicequota1\"\n        }\n",
        "            \"Sid\": \"servicequota1\"\n        },\n        {\"Sid\": \"newlogs\", \"Effect\": \"Allow\", \"Action\": [\"logs:PutLogEvents\", \"logs:CreateLogStream\"], \"Resource\": \"arn:aws:logs:*:*:log-group:/aws/rds/custom/*\"}\n",
    );
    (identity(name, &old), identity(name, &new))
}

/// The AWS managed policies as one identity set, with `AmazonECS_FullAccess` in its version
/// of `ecs/` (OLD) and of `aws-managed/` (NEW).
fn aws_managed() -> (PolicySet, PolicySet) {
    let dir = policies_dir();
    let changed = "AmazonECS_FullAccess.json";
    let mut old = Vec::new();
    let mut new = Vec::new();
    for path in json_files(&dir.join("aws-managed")) {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(&path).unwrap();
        let p = parse_kind(&name, &text, PolicyType::Identity).unwrap();
        if name == changed {
            let before = std::fs::read_to_string(dir.join("ecs").join(changed)).unwrap();
            old.push(parse_kind(&name, &before, PolicyType::Identity).unwrap());
        } else {
            old.push(p.clone());
        }
        new.push(p);
    }
    (PolicySet::identity(old), PolicySet::identity(new))
}

fn main() {
    let (old50, new50) = policy_50();
    let (old_all, new_all) = aws_managed();
    let both = Options {
        removed: true,
        ..Options::default()
    };
    for (what, old, new) in [
        ("policy-50", &old50, &new50),
        ("aws-managed", &old_all, &new_all),
    ] {
        let start = Instant::now();
        let r = diff(old, new, &both).unwrap();
        println!(
            "{what}: {} new and {} removed regions (new access: {}, exact: {}), first run {:.0} ms",
            r.added.regions.len(),
            r.removed.as_ref().map_or(0, |x| x.regions.len()),
            r.new_access(),
            r.exact(),
            start.elapsed().as_secs_f64() * 1e3
        );
    }

    let mut c = common::slow_criterion(3);
    let mut g = c.benchmark_group("diff");
    g.bench_function("policy-50/new", |b| {
        b.iter(|| diff(black_box(&old50), black_box(&new50), &Options::default()).unwrap())
    });
    g.bench_function("policy-50/both", |b| {
        b.iter(|| diff(black_box(&old50), black_box(&new50), &both).unwrap())
    });
    g.bench_function("aws-managed/new", |b| {
        b.iter(|| {
            diff(
                black_box(&old_all),
                black_box(&new_all),
                &Options::default(),
            )
            .unwrap()
        })
    });
    g.finish();
    c.final_summary();
}
