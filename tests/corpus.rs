//! The real corpus (`../shared/policies`): every policy compiles alone and the compiled engine
//! agrees with the reference interpreter (same decision, same matched statements) on at least 50
//! requests derived from the policy's own patterns; the whole `aws-managed` folder compiled as
//! one set agrees too.
//!
//! Requests are derived deterministically: action patterns instantiated (`*` by several fillers,
//! `?` by one character, letter case flipped), resource patterns instantiated (fillers that
//! include `:` and `/`, policy variables from the context or left to their defaults, short ARNs
//! padded), near misses of both, the `*` resource, and contexts that either are empty or carry
//! the policy's condition keys with values taken from its own conditions.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::path::{Path, PathBuf};

use iamc::reference::PolicySet;
use iamc_grammar::ast;
use iamc_runtime::{Artifact, Request, Scalar, Value};

use crate::support::{parse_identity, shared_dir};

/// A small deterministic generator (xorshift64*).
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: &str) -> Rng {
        let mut h = 0xcbf2_9ce4_8422_2325u64;
        for b in seed.bytes() {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        Rng(h | 1)
    }

    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    pub fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[(self.next() % xs.len() as u64) as usize]
    }

    pub fn coin(&mut self) -> bool {
        self.next() & 1 == 1
    }
}

/// Every `.json` file under `dir`, sorted, as (file name, text).
pub fn load_dir(dir: &Path) -> Vec<(String, String)> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read_to_string(&p).unwrap())
        })
        .collect()
}

/// Parses (name, text) pairs as identity policies.
pub fn parse_all(files: &[(String, String)]) -> Vec<ast::Policy> {
    files
        .iter()
        .map(|(n, t)| parse_identity(n, t).unwrap_or_else(|e| panic!("`{n}` rejected:\n{e}")))
        .collect()
}

/// Compiles through the byte format (compile → bytes → `from_bytes`).
pub fn compile(policies: &[ast::Policy]) -> Artifact {
    let bytes = iamc_compiler::compile(policies, &iamc_compiler::Config::default())
        .unwrap_or_else(|e| panic!("compile failed: {e}"));
    Artifact::from_bytes(&bytes).unwrap_or_else(|e| panic!("load failed: {e}"))
}

const STAR_FILLERS: &[&str] = &["", "x", "Get", "a/b", "p:q", "prod-1"];
const ONE_FILLERS: &[&str] = &["q", "7", "é", ":"];

fn flip_case(s: &str, rng: &mut Rng) -> String {
    s.chars()
        .map(|c| {
            if rng.coin() {
                c.to_ascii_uppercase()
            } else {
                c.to_ascii_lowercase()
            }
        })
        .collect()
}

fn glob_instance(text: &str, rng: &mut Rng, out: &mut String) {
    for c in text.chars() {
        match c {
            '*' => out.push_str(rng.pick::<&str>(STAR_FILLERS)),
            '?' => out.push_str(rng.pick::<&str>(ONE_FILLERS)),
            c => out.push(c),
        }
    }
}

/// A request action matching (most of the time) `p`.
fn action_instance(p: &ast::ActionPattern, rng: &mut Rng) -> String {
    match p {
        ast::ActionPattern::Any => {
            (*rng.pick(&["s3:GetObject", "ecs:RunTask", "iam:PassRole"])).to_owned()
        }
        ast::ActionPattern::Service { service, name } => {
            let mut n = String::new();
            glob_instance(name, rng, &mut n);
            let svc = if rng.coin() {
                flip_case(service, rng)
            } else {
                service.clone()
            };
            let n = if rng.coin() { flip_case(&n, rng) } else { n };
            format!("{svc}:{n}")
        }
    }
}

/// A request resource matching (most of the time) `p`; variables take the value the context
/// gives them (`alice`), or their default when the context has none.
fn resource_instance(p: &ast::ResourcePattern, with_vars: bool, rng: &mut Rng) -> String {
    match p {
        ast::ResourcePattern::Any => (*rng.pick(&[
            "arn:aws:s3:::bucket/key",
            "arn:aws:ecs:us-east-1:111122223333:cluster/prod",
            "*",
        ]))
        .to_owned(),
        ast::ResourcePattern::Arn { template, .. } => {
            let mut out = String::new();
            for seg in &template.segments {
                match seg {
                    ast::Segment::Text(t) => glob_instance(t, rng, &mut out),
                    ast::Segment::Escaped(c) => out.push(*c),
                    ast::Segment::Variable { default, .. } => match (with_vars, default) {
                        (false, Some(d)) => out.push_str(d),
                        _ => out.push_str("alice"),
                    },
                }
            }
            let colons = out.matches(':').count();
            for _ in colons..5 {
                out.push_str(":x");
            }
            out
        }
    }
}

/// Context keys the policies' conditions and variables name, with values from the policies.
fn rich_context(policies: &[ast::Policy], rng: &mut Rng) -> Vec<(String, Value)> {
    let mut out: Vec<(String, Value)> = Vec::new();
    for p in policies {
        for s in &p.statements {
            if let Some(r) = &s.resource {
                for pat in &r.patterns {
                    if let ast::ResourcePattern::Arn { template, .. } = &pat.node {
                        for seg in &template.segments {
                            if let ast::Segment::Variable { key, .. } = seg {
                                out.push((
                                    key.clone(),
                                    Value::Single(Scalar::String("alice".into())),
                                ));
                            }
                        }
                    }
                }
            }
            for c in &s.conditions {
                for k in &c.keys {
                    let Some(v) = k.values.first() else { continue };
                    let mut text = String::new();
                    for seg in &v.node.template.segments {
                        match seg {
                            ast::Segment::Text(t) => glob_instance(t, rng, &mut text),
                            ast::Segment::Escaped(c) => text.push(*c),
                            ast::Segment::Variable { .. } => text.push_str("alice"),
                        }
                    }
                    let scalar = match v.node.kind {
                        ast::ValueKind::Bool => Scalar::Bool(text.eq_ignore_ascii_case("true")),
                        ast::ValueKind::Number => Scalar::Number(text),
                        ast::ValueKind::String => Scalar::String(text),
                    };
                    let value = if c.operator.node.qualifier.is_some() {
                        Value::Multi(vec![scalar])
                    } else {
                        Value::Single(scalar)
                    };
                    out.push((k.key.node.clone(), value));
                }
            }
        }
    }
    out
}

/// At least `min` (at most `max`, unless `min` is larger) requests derived from the patterns of `policies` (hits, near misses, `*`).
pub fn derive_requests(
    policies: &[ast::Policy],
    min: usize,
    max: usize,
    seed: &str,
) -> Vec<Request> {
    let mut rng = Rng::new(seed);
    let ctx = rich_context(policies, &mut rng);
    let mut actions: Vec<String> = Vec::new();
    let mut resources: Vec<(String, bool)> = Vec::new();
    for p in policies {
        for s in &p.statements {
            for a in &s.action.patterns {
                actions.push(action_instance(&a.node, &mut rng));
                let miss = format!("{}Zq", action_instance(&a.node, &mut rng));
                actions.push(miss);
            }
            if let Some(r) = &s.resource {
                for pat in &r.patterns {
                    let with_vars = rng.coin();
                    resources.push((resource_instance(&pat.node, with_vars, &mut rng), with_vars));
                    let mut miss = resource_instance(&pat.node, true, &mut rng);
                    miss.push_str(if rng.coin() { "/zz" } else { ":zz" });
                    resources.push((miss, true));
                }
            }
        }
    }
    actions.push("nosuchservice:DoIt".into());
    resources.push(("*".into(), false));
    let mut out = Vec::new();
    let target = (2 * actions.len().max(resources.len())).clamp(min, max.max(min));
    let mut i = 0usize;
    while out.len() < target {
        let a = &actions[i % actions.len()];
        let (r, with_vars) = if i < resources.len() {
            resources[i].clone()
        } else {
            rng.pick(&resources).clone()
        };
        let mut req = Request::new(a.clone(), r);
        if with_vars || rng.coin() {
            for (k, v) in &ctx {
                if !rng.next().is_multiple_of(4) {
                    req.context.insert(k, v.clone());
                }
            }
        }
        out.push(req);
        i += 1;
    }
    out
}

/// How many requests of a run ended in each decision (the derived requests must exercise all).
#[derive(Debug, Default, Clone, Copy)]
pub struct Tally {
    pub allow: usize,
    pub explicit_deny: usize,
    pub implicit_deny: usize,
    /// Requests whose explanation lists at least one applying Allow statement.
    pub with_allow_statement: usize,
}

impl Tally {
    pub fn total(&self) -> usize {
        self.allow + self.explicit_deny + self.implicit_deny
    }

    fn add(&mut self, d: iamc_runtime::Decision) {
        match d {
            iamc_runtime::Decision::Allow => self.allow += 1,
            iamc_runtime::Decision::ExplicitDeny => self.explicit_deny += 1,
            iamc_runtime::Decision::ImplicitDeny => self.implicit_deny += 1,
        }
    }
}

/// Asserts compiled `explain` == IR interpreter `explain` == reference `explain` (and
/// `authorize` == its decision) on every request; returns the decisions seen.
pub fn assert_agree(
    label: &str,
    artifact: &Artifact,
    reference: &PolicySet,
    reqs: &[Request],
) -> Tally {
    let ir = iamc_compiler::lower::lower(reference.set())
        .unwrap_or_else(|e| panic!("{label}: the set does not lower: {e}"));
    let mut tally = Tally::default();
    for r in reqs {
        let want = reference.explain(r);
        assert_eq!(
            iamc_compiler::ir::interp::explain(&ir, r),
            want,
            "{label}: IR interpreter vs reference: {} on {} with {:?}",
            r.action,
            r.resource,
            r.context
        );
        let got = artifact.explain(r);
        assert_eq!(
            got, want,
            "{label}: {} on {} with {:?}",
            r.action, r.resource, r.context
        );
        assert_eq!(
            artifact.authorize(r),
            want.decision,
            "{label}: authorize {} on {}",
            r.action,
            r.resource
        );
        tally.add(want.decision);
        if want
            .statements
            .iter()
            .any(|m| m.effect == iamc_runtime::Effect::Allow)
        {
            tally.with_allow_statement += 1;
        }
    }
    tally
}

fn policy_dirs(shared: &Path) -> Vec<PathBuf> {
    let root = shared.join("policies");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

#[test]
fn every_policy_compiles_alone_and_agrees_with_the_reference() {
    let Some(shared) = shared_dir() else { return };
    let mut policies = 0usize;
    let mut tally = Tally::default();
    for dir in policy_dirs(&shared) {
        for (name, text) in load_dir(&dir) {
            let p =
                parse_identity(&name, &text).unwrap_or_else(|e| panic!("`{name}` rejected:\n{e}"));
            let ps = vec![p];
            let artifact = compile(&ps);
            let reqs = derive_requests(&ps, 50, 200, &name);
            assert!(reqs.len() >= 50);
            let t = assert_agree(&name, &artifact, &PolicySet::new(ps), &reqs);
            tally.allow += t.allow;
            tally.explicit_deny += t.explicit_deny;
            tally.implicit_deny += t.implicit_deny;
            tally.with_allow_statement += t.with_allow_statement;
            policies += 1;
        }
    }
    assert!(policies > 1500, "only {policies} policies found");
    eprintln!(
        "corpus: {policies} policies, {} requests agree: {tally:?}",
        tally.total()
    );
    // The derived requests hit: a good share is allowed, some explicitly denied.
    assert!(tally.allow * 5 > tally.total(), "{tally:?}");
    assert!(tally.explicit_deny > 100, "{tally:?}");
}

#[test]
fn whole_aws_managed_set_agrees_with_the_reference() {
    let Some(shared) = shared_dir() else { return };
    let files = load_dir(&shared.join("policies/aws-managed"));
    let policies = parse_all(&files);
    let statements: usize = policies.iter().map(|p| p.statements.len()).sum();
    assert_eq!((policies.len(), statements), (1452, 7656));
    let artifact = compile(&policies);
    // Requests derived from a deterministic sample of the policies (all of them would take the
    // reference interpreter too long in a debug build), decided against the whole set.
    let mut rng = Rng::new("aws-managed");
    let mut reqs = Vec::new();
    for p in &policies {
        if rng.next().is_multiple_of(8) {
            reqs.extend(derive_requests(std::slice::from_ref(p), 4, 12, &p.name));
        }
    }
    let reference = PolicySet::new(policies);
    let t = assert_agree("aws-managed", &artifact, &reference, &reqs);
    eprintln!(
        "aws-managed as one set: {} requests agree: {t:?}",
        t.total()
    );
    assert!(t.total() >= 500, "only {} requests", t.total());
    // The set holds deny-everything policies (AWSDenyAll...), so every decision is a Deny;
    // the explanations still list the Allow statements that apply, and those must agree too.
    assert!(t.with_allow_statement * 5 > t.total(), "{t:?}");
}
