//! A valid header plus arbitrary bytes, and edits of a real artifact, into `Artifact::from_bytes`.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(
    init: {
        let _ = iamc_fuzz::fixture();
    },
    |data: &[u8]| iamc_fuzz::targets::load_artifact(iamc_fuzz::fixture(), data)
);
