//! Property tests: the compiled engine against the reference interpreter (issue 3).
//!
//! Case count comes from `PROPTEST_CASES` only (`ProptestConfig::default()` reads it; the
//! default of 256 keeps CI fast because every case is a few tiny policies). Soak:
//!
//! ```text
//! PROPTEST_CASES=1000000 cargo test --release --test integration props
//! ```
//!
//! Failures are persisted under `tests/proptest-regressions/` and replayed first on every run.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use proptest::prelude::*;
use proptest::test_runner::{Config as ProptestConfig, FileFailurePersistence};

use crate::strategies::{case_strategy, Settings};

fn config() -> ProptestConfig {
    ProptestConfig {
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/proptest-regressions/props.txt"
        )))),
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    /// Derived requests are well formed: an action with a colon, a non-empty resource.
    #[test]
    fn props_derived_requests_are_well_formed(case in case_strategy(&Settings::default())) {
        prop_assert!(!case.requests.is_empty());
        for r in &case.requests {
            prop_assert!(r.action.contains(':'), "{}", r.action);
        }
    }
}

/// The policies as the generator means them, built without the grammar.
fn model_asts(case: &crate::strategies::Case) -> Vec<iamc_grammar::ast::Policy> {
    case.policies
        .iter()
        .zip(&case.documents)
        .map(|(g, (name, _))| crate::strategies::to_ast::policy(g, name))
        .collect()
}

/// What a list of matched statements implies (spec 7.1).
fn implied(x: &iamc_runtime::Explanation) -> iamc_runtime::Decision {
    use iamc_runtime::{Decision, EffectName};
    if x.statements.iter().any(|m| m.effect == EffectName::Deny) {
        Decision::ExplicitDeny
    } else if x.statements.is_empty() {
        Decision::ImplicitDeny
    } else {
        Decision::Allow
    }
}

proptest! {
    #![proptest_config(config())]

    /// The compiled engine alone: every valid set compiles, `authorize` gives `explain`'s
    /// decision, and that decision follows from the matched statements, listed in policy order.
    #[test]
    fn props_compiled_is_self_consistent(case in case_strategy(&Settings::default())) {
        let policies = model_asts(&case);
        let (artifact, _) = iamc_compiler::compile_artifact(&policies, &iamc_compiler::Config::default())
            .map_err(|e| TestCaseError::fail(format!("compile failed: {e}\n{case:?}")))?;
        let order: Vec<&str> = case.documents.iter().map(|(n, _)| n.as_str()).collect();
        for r in &case.requests {
            let x = artifact.explain(r);
            let d = artifact.authorize(r);
            let req = crate::strategies::request_json(r);
            prop_assert_eq!(d, x.decision, "authorize vs explain, request {}\n{:?}", req, case);
            prop_assert_eq!(implied(&x), x.decision, "decision vs statements, request {}\n{:?}", req, case);
            let keys: Vec<(usize, u32)> = x.statements.iter()
                .map(|m| (order.iter().position(|n| *n == m.policy).unwrap(), m.index))
                .collect();
            let mut sorted = keys.clone();
            sorted.sort();
            sorted.dedup();
            prop_assert_eq!(keys, sorted, "statement order, request {}\n{:?}", req, case);
        }
    }
}
