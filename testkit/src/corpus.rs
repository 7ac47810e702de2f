//! The real corpus (`tests/data/policies`): requests derived deterministically from a set's own
//! patterns, and the check that every engine agrees on them. The corpus tests and the benches
//! use the same derivation, so a bench measures the requests the tests hold to the reference.
//!
//! Requests are derived from a seeded [`Tape`]: action patterns instantiated (`*` by several
//! fillers, `?` by one character, letter case changed), resource patterns instantiated
//! (fillers that include `:` and `/`, policy variables from the context or left to their
//! defaults, short ARNs padded), near misses of both, the `*` resource, and contexts that either
//! are empty or carry the policy's condition keys with values taken from its own conditions.

use iamc::reference::PolicySet;
use iamc_grammar::ast;
use iamc_runtime::{Artifact, Request, Scalar, Value};

use crate::tape::Tape;

/// Compiles through the byte format (compile → bytes → `from_bytes`).
///
/// # Panics
/// When the policies do not compile or the artifact does not load.
pub fn compile(policies: &[ast::Policy]) -> Artifact {
    let bytes = iamc_compiler::compile(policies, &iamc_compiler::Config::default())
        .unwrap_or_else(|e| panic!("compile failed: {e}"));
    Artifact::from_bytes(&bytes).unwrap_or_else(|e| panic!("load failed: {e}"))
}

const STAR_FILLERS: &[&str] = &["", "x", "Get", "a/b", "p:q", "prod-1"];
const ONE_FILLERS: &[&str] = &["q", "7", "é", ":"];

/// Each letter upper- or lower-cased at random.
fn random_case(s: &str, rng: &mut Tape<'_>) -> String {
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

fn glob_instance(text: &str, rng: &mut Tape<'_>, out: &mut String) {
    for c in text.chars() {
        match c {
            '*' => out.push_str(&rng.pick_str(STAR_FILLERS)),
            '?' => out.push_str(&rng.pick_str(ONE_FILLERS)),
            c => out.push(c),
        }
    }
}

/// A request action matching (most of the time) `p`.
fn action_instance(p: &ast::ActionPattern, rng: &mut Tape<'_>) -> String {
    match p {
        ast::ActionPattern::Any => rng.pick_str(&["s3:GetObject", "ecs:RunTask", "iam:PassRole"]),
        ast::ActionPattern::Service { service, name } => {
            let mut n = String::new();
            glob_instance(name, rng, &mut n);
            let svc = if rng.coin() {
                random_case(service, rng)
            } else {
                service.clone()
            };
            let n = if rng.coin() { random_case(&n, rng) } else { n };
            format!("{svc}:{n}")
        }
    }
}

/// A request resource matching (most of the time) `p`; variables take the value the context
/// gives them (`alice`), or their default when the context has none.
fn resource_instance(p: &ast::ResourcePattern, with_vars: bool, rng: &mut Tape<'_>) -> String {
    match p {
        ast::ResourcePattern::Any => rng.pick_str(&[
            "arn:aws:s3:::bucket/key",
            "arn:aws:ecs:us-east-1:111122223333:cluster/prod",
            "*",
        ]),
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
fn rich_context(policies: &[ast::Policy], rng: &mut Tape<'_>) -> Vec<(String, Value)> {
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
    let mut rng = Tape::seeded(seed);
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
            rng.pick(&resources).cloned().unwrap_or_default()
        };
        let mut req = Request::new(a.clone(), r);
        if with_vars || rng.coin() {
            for (k, v) in &ctx {
                if !rng.word().is_multiple_of(4) {
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
