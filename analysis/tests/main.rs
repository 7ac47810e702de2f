//! iamc-analysis's integration tests, one binary: the check table, the real corpus, the
//! renderers, and Access Analyzer's recorded ValidatePolicy answers.
// One allow for the test binary: clippy.toml lets `#[test]` functions unwrap and index, but the
// helpers of these modules (the check table's general rules, the corpus walk) are not tests to
// clippy.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "tests: a panic is how a check fails"
)]

mod build;
mod catalog;
mod check_table;
mod corpus;
mod diff;
mod render;
mod validate_policy;
