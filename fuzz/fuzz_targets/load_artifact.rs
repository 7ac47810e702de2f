//! A valid header plus arbitrary bytes, and edits of a real artifact, into `Artifact::from_bytes`.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(
    init: {
        let _ = iamc_testkit::fuzz::fixture();
    },
    |data: &[u8]| iamc_testkit::fuzz::load_artifact(iamc_testkit::fuzz::fixture(), data)
);
