//! Generated policy sets and requests (the test kit's generators, driven by the bytes),
//! compiled through artifact bytes, against the reference interpreter.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| iamc_testkit::fuzz::compile_differential(data));
