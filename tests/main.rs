//! The integration tests of the `iamc` package: one binary (`[[test]] name = "integration"`).
//! What the tests share (generators, builders, the engines behind one trait, the data files and
//! their drivers, the fuzz target bodies) is the `iamc-testkit` crate.
//!
//! The iam-simulate conformance suites (`conformance`, `core_engine`) read `../shared`, which
//! the repository does not carry (AGPL data): they are `#[ignore]`d, shown as such by
//! `cargo test`, and run by `.ci/run` with `--include-ignored`.

// Clippy's `allow-*-in-tests` settings (clippy.toml) reach `#[test]` functions, not the helper
// functions of these modules: one allow for the whole test binary.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "tests: a panic is how a check fails"
)]

mod artifact_compat;
mod artifact_integrity;
mod cli;
mod cli_explain;
mod conditions;
mod conformance;
mod core_engine;
mod corpus;
mod diff;
mod differential;
mod explain;
mod fuzz_replay;
mod grammar;
mod hostile;
mod props;
mod reference_cases;
mod simulate;
mod sources;
mod testfile;
mod whole_decision;
