//! `Artifact::authorize` allocates nothing: a counting global allocator watches it.
//!
//! A separate test binary with its own `main` (`harness = false`), so no test-harness thread
//! allocates while the counter is armed.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test binary: a panic is how a check fails"
)]

use std::alloc::System;

use iamc_grammar::ast;
use iamc_runtime::{Decision, Request, Scalar, Value};
use iamc_testkit::builder::{allow, arn, arn_with_vars, deny, policy};
use stats_alloc::{Region, StatsAlloc, INSTRUMENTED_SYSTEM};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// Each request gets its decision from `authorize`, which allocates nothing.
fn assert_decides_without_allocating(
    artifact: &iamc_runtime::Artifact,
    requests: &[(Request, Decision)],
) {
    for (r, want) in requests {
        // Warm up (lazy statics in the standard library, if any), then count.
        let _ = artifact.authorize(r);
        let region = Region::new(GLOBAL);
        let got = artifact.authorize(r);
        let change = region.change();
        let n = change.allocations + change.reallocations;
        assert_eq!(
            got,
            *want,
            "{} on {} by {:?}: {:?}",
            r.action,
            r.resource,
            r.principal,
            artifact.explain(r)
        );
        assert_eq!(
            n, 0,
            "authorize allocated {n} times for {} on {} by {:?}",
            r.action, r.resource, r.principal
        );
    }
}

fn main() {
    use Decision::{Allow, ExplicitDeny, ImplicitDeny};
    // Enough overlapping resource patterns to overflow the matched-pattern buffer.
    let long_key: String = "0123456789".repeat(40);
    let many: Vec<ast::ResourcePattern> = (0..400)
        .map(|k| arn(&format!("arn:aws:s3:::b{}*", &long_key[..k])))
        .collect();
    let statements = vec![
        deny()
            .actions(&["s3:DeleteBucket"])
            .resources(vec![arn("arn:aws:s3:::prod-*")]),
        deny()
            .not_actions(&["s3:*", "ec2:*"])
            .resources(vec![arn("arn:aws:iam::*:role/admin*")]),
        allow()
            .actions(&["s3:Get*", "s3:List*"])
            .not_resources(vec![arn("arn:aws:s3:::secret/*")]),
        allow().actions(&["ec2:*"]).resources(vec![arn_with_vars(
            "arn:aws:ec2:*:*:instance/${aws:username, 'x'}-*",
        )]),
        allow().actions(&["iam:Get*"]).resources(vec![arn("*")]),
        // Confirmed at run time: a restricted `*` (NFA bitset path), a cut floating literal.
        allow().actions(&["ec2:Describe*"]).resources(vec![
            arn("arn:aws:ec2:us-*-1:*:instance/*"),
            arn("arn:aws:logs:*:*:log-group:a*:log-stream:*"),
        ]),
        allow().actions(&["s3:PutObject"]).resources(many),
    ];
    let policy = policy("p.json", ast::Version::V2012_10_17, statements);
    let (artifact, _) =
        iamc_compiler::compile_artifact(&[policy], &iamc_compiler::Config::default()).unwrap();
    let rows = [
        ("s3:GetObject", "arn:aws:s3:::data/k", Allow),
        ("s3:GetObject", "arn:aws:s3:::secret/k", ImplicitDeny),
        ("S3:DELETEBUCKET", "arn:aws:s3:::prod-x", ExplicitDeny),
        ("iam:PassRole", "arn:aws:iam::1:role/admin-x", ExplicitDeny),
        ("iam:GetRole", "*", Allow),
        (
            "ec2:StartInstances",
            "arn:aws:ec2:r:1:instance/bob-1",
            ImplicitDeny,
        ),
        ("ec2:StartInstances", "arn:aws:ec2:r:1:instance/x-1", Allow),
        ("s3:PutObject", "arn:aws:s3:::c", ImplicitDeny),
        ("nocolon", "*", ImplicitDeny),
        (
            "ec2:DescribeTags",
            "arn:aws:ec2:us-east-1:1:instance/i-1",
            Allow,
        ),
        (
            "ec2:DescribeTags",
            "arn:aws:ec2:us-east-2:1:instance/i-1",
            ImplicitDeny,
        ),
        (
            "ec2:DescribeTags",
            "arn:aws:logs:r:1:log-group:ab:log-stream:s",
            Allow,
        ),
        (
            "ec2:DescribeTags",
            "arn:aws:logs:r:1:log-group:ab",
            ImplicitDeny,
        ),
    ];
    let mut requests: Vec<(Request, Decision)> = rows
        .iter()
        .map(|&(action, resource, want)| (Request::new(action, resource), want))
        .collect();
    // A variable's value from the context, and a resource as long as the longest pattern.
    requests.push((
        Request::new("ec2:StartInstances", "arn:aws:ec2:r:1:instance/bob-1")
            .with_context("aws:username", Value::Single(Scalar::String("bob".into()))),
        Allow,
    ));
    requests.push((
        Request::new("s3:PutObject", format!("arn:aws:s3:::b{long_key}")),
        Allow,
    ));
    assert_decides_without_allocating(&artifact, &requests);
    let typed = typed_set_authorize_allocates_nothing();
    // The counter does see allocations: `explain` builds a list.
    let region = Region::new(GLOBAL);
    let e = artifact.explain(&requests[0].0);
    assert!(
        region.change().allocations > 0,
        "the counting allocator counts nothing"
    );
    assert_eq!(e.decision, Decision::Allow);
    println!(
        "no_alloc: {} requests decided with zero allocations ({} of them on a typed set)",
        requests.len() + typed,
        typed
    );
}

fn parse(name: &str, kind: ast::PolicyType, text: &str) -> ast::Policy {
    iamc_testkit::data::parse_kind(name, text, kind).unwrap_or_else(|e| panic!("{e}"))
}

/// A typed set: principal matching, organization levels, ceilings and the combination of spec
/// 7.3 run without allocating either.
/// Returns how many requests it decided.
fn typed_set_authorize_allocates_nothing() -> usize {
    use ast::PolicyType as K;
    use Decision::{Allow, ExplicitDeny, ImplicitDeny};
    let set = iamc_grammar::PolicySet {
        identity: vec![parse(
            "id.json",
            K::Identity,
            r#"{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}"#,
        )],
        resource: vec![parse(
            "bucket.json",
            K::Resource,
            r#"{"Statement":[
                {"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::444455556666:root","arn:aws:iam::111122223333:role/team/dev"]},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"},
                {"Effect":"Deny","NotPrincipal":{"AWS":["111122223333","arn:aws:iam::111122223333:user/alice"]},"Action":"s3:DeleteObject","Resource":"*"}]}"#,
        )],
        boundary: vec![parse(
            "pb.json",
            K::Boundary,
            r#"{"Statement":{"Effect":"Allow","Action":["s3:Get*","s3:Put*","s3:Delete*"],"Resource":"*"}}"#,
        )],
        scp: vec![
            vec![parse(
                "full.json",
                K::Scp,
                r#"{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#,
            )],
            vec![parse(
                "ou.json",
                K::Scp,
                r#"{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"s3:PutBucketPolicy","Resource":"*"}]}"#,
            )],
        ],
        ..Default::default()
    };
    let (artifact, _) =
        iamc_compiler::compile_set_artifact(&set, &iamc_compiler::Config::default()).unwrap();
    // The bucket is in 111122223333 (S3 ARNs carry no account).
    let req = |action: &str, resource: &str, principal: &str| {
        let mut r = Request::new(action, resource);
        r.principal = Some(principal.into());
        r.resource_account = Some("111122223333".into());
        r
    };
    let alice = "arn:aws:iam::111122223333:user/alice";
    let session = "arn:aws:sts::111122223333:assumed-role/dev/s1";
    let eve = "arn:aws:iam::444455556666:user/eve";
    let rows = [
        ("s3:GetObject", "arn:aws:s3:::b/k", alice, Allow),
        ("s3:ListBucket", "arn:aws:s3:::b", alice, ImplicitDeny),
        ("s3:PutBucketPolicy", "arn:aws:s3:::b", alice, ExplicitDeny),
        ("s3:DeleteObject", "arn:aws:s3:::b/k", alice, Allow),
        ("s3:DeleteObject", "arn:aws:s3:::b/k", session, ExplicitDeny),
        ("s3:GetObject", "arn:aws:s3:::b/k", session, Allow),
        ("s3:GetObject", "arn:aws:s3:::b/k", eve, Allow),
        ("s3:PutObject", "arn:aws:s3:::b/k", eve, ImplicitDeny),
        ("s3:GetObject", "arn:aws:s3:::b/k", "*", ImplicitDeny),
        (
            "s3:GetObject",
            "arn:aws:s3:::b/k",
            "ecs-tasks.amazonaws.com",
            ImplicitDeny,
        ),
    ];
    let requests =
        rows.map(|(action, resource, principal, want)| (req(action, resource, principal), want));
    assert_decides_without_allocating(&artifact, &requests);
    requests.len()
}
