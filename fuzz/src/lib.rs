//! Shared code of the iamc fuzz targets: byte-driven generators ([`gen`]) and the target bodies
//! ([`targets`]). `tests/fuzz_replay.rs` includes both files by path, so committed crashers
//! replay through the same code in the default test run.

pub mod gen;
pub mod targets;

use std::path::PathBuf;
use std::sync::OnceLock;

/// `shared/` beside the repository (`fuzz/../../shared`).
pub fn shared_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared")
}

/// The ECS fixture, built once per process.
pub fn fixture() -> &'static targets::Fixture {
    static FX: OnceLock<targets::Fixture> = OnceLock::new();
    FX.get_or_init(|| targets::Fixture::new(&shared_dir()))
}
