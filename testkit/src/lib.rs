//! iamc-testkit: what the integration tests, the fuzz targets and the benches share (as cedar
//! keeps `cedar-policy-generators`), never published.
//!
//! - [`gen`]: the one generator stack, policies and requests drawn from a [`Tape`]: fuzzer
//!   bytes, or bytes proptest draws ([`strategy`]), or a seeded stream ([`corpus`]);
//! - [`builder`]: AST builders; [`json`]: JSON text of strings and requests;
//! - [`engine`]: the reference interpreter, the IR interpreter and the compiled runtime behind
//!   one trait, [`engines`];
//! - [`data`]: where the test data is (`tests/data`, and the conformance data in `../shared`);
//!   [`cases`]: the case tables of `tests/data/cases` and the conformance divergences;
//!   [`corpus`]: requests derived from real policies and the agreement check;
//! - [`artifact`]: forging checksums with the format's own layout;
//! - [`fuzz`]: the bodies of the fuzz targets, which the replay test runs too;
//! - [`assert_contains`]: the text assertion of the command-line and report tests.

// Test support: a failed check panics (that is how a test fails), and fixtures that must be
// there are unwrapped with a message. Clippy's `allow-*-in-tests` settings (clippy.toml) cover
// `#[test]` functions only, not a support crate, hence this one allow for the crate.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test support: panicking is how a check fails"
)]

pub mod artifact;
mod assert;
pub mod builder;
pub mod cases;
pub mod corpus;
pub mod data;
pub mod engine;
pub mod fuzz;
pub mod gen;
pub mod json;
#[cfg(feature = "proptest")]
pub mod strategy;
pub mod tape;

pub use assert::assert_contains;
pub use engine::{engines, Decide, Engine};
pub use tape::Tape;
