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
