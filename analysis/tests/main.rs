//! iamc-analysis's integration tests, one binary: the check table, the real corpus, the
//! renderers, and Access Analyzer's recorded ValidatePolicy answers.
// Clippy's `allow-*-in-tests` settings (clippy.toml) reach `#[test]` functions, not the helper
// functions of these modules: one allow for the whole test binary.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "tests: a panic is how a check fails"
)]

mod check_table;
mod corpus;
mod render;
mod validate_policy;
