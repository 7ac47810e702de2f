//! iamc-analysis's integration tests, one binary: the check table, the real corpus, the
//! renderers, and Access Analyzer's recorded ValidatePolicy answers.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod build;
mod catalog;
mod check_table;
mod corpus;
mod render;
mod validate_policy;
