//! The case tables of `tests/data` and their drivers: data files read once, run against every
//! engine.
//!
//! - [`conditions`]: `tests/data/cases/conditions.toml`, condition operators end to end;
//! - [`decisions`]: typed policy sets, requests and their decisions
//!   (`tests/data/cases/whole-decision.toml`, `tests/data/cases/edge-cases.toml`);
//! - [`divergences`]: `tests/data/conformance/divergences.toml`, where iamc and the iam-simulate
//!   conformance cases disagree and why.

pub mod conditions;
pub mod decisions;
pub mod divergences;

/// Reads and parses a TOML data file under `tests/data`.
///
/// # Panics
/// When the file cannot be read or does not have the expected shape.
fn read_toml<T: serde::de::DeserializeOwned>(relative: &str) -> T {
    let path = crate::data::data_dir().join(relative);
    let text =
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("`{}`: {e}", path.display()));
    toml::from_str(&text).unwrap_or_else(|e| panic!("`{}`: {e}", path.display()))
}
