//! Arbitrary requests (also through `iamc::io::request_from_json`) against the compiled ECS set,
//! differential against the reference interpreter.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(
    init: {
        let _ = iamc_testkit::fuzz::fixture();
    },
    |data: &[u8]| iamc_testkit::fuzz::authorize(iamc_testkit::fuzz::fixture(), data)
);
