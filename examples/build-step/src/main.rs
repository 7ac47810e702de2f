//! Decides a few requests against the policies compiled by `build.rs` and embedded in this
//! binary. Exits with status 1 if a decision is not the expected one, so CI notices.

use iamc_runtime::{Artifact, Decision, Request, Scalar, Value};

/// The artifact `build.rs` wrote, embedded at compile time.
static POLICIES: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/policies.iamc"));

fn main() {
    // Loading validates every byte (section checksums, DFA tables, metadata): an artifact is
    // untrusted input even when it comes from our own build.
    let artifact = match Artifact::from_bytes(POLICIES) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("embedded artifact does not load: {e}");
            std::process::exit(2);
        }
    };
    let task = "arn:aws:ecs:us-east-1:111122223333:task/dev/0a1b2c";
    let mfa = |on: bool| Value::Single(Scalar::Bool(on));
    let cases = [
        (
            "stop a dev task with MFA",
            Request::new("ecs:StopTask", task).with_context("aws:MultiFactorAuthPresent", mfa(true)),
            Decision::Allow,
        ),
        (
            "stop a dev task without MFA",
            Request::new("ecs:StopTask", task).with_context("aws:MultiFactorAuthPresent", mfa(false)),
            Decision::ExplicitDeny,
        ),
        (
            "list clusters",
            Request::new("ecs:ListClusters", "*"),
            Decision::Allow,
        ),
        (
            "delete a cluster",
            Request::new("ecs:DeleteCluster", "arn:aws:ecs:us-east-1:111122223333:cluster/dev"),
            Decision::ImplicitDeny,
        ),
    ];
    let mut wrong = 0;
    for (what, request, expected) in &cases {
        let explanation = artifact.explain(request);
        println!(
            "{what}: {} ({})",
            explanation.decision.as_str(),
            explanation.reason.message()
        );
        for s in &explanation.statements {
            println!(
                "  {} statement {} of {} ({})",
                s.effect.as_str(),
                s.index,
                s.policy,
                s.sid.as_deref().unwrap_or("no sid")
            );
        }
        if explanation.decision != *expected {
            eprintln!("  expected {}", expected.as_str());
            wrong += 1;
        }
    }
    println!(
        "{} requests against {} statements from {} policies; {} unexpected",
        cases.len(),
        artifact.statement_count(),
        artifact.policy_count(),
        wrong
    );
    if wrong > 0 {
        std::process::exit(1);
    }
}
