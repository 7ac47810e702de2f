//! Arbitrary bytes (raw, or inside a `SimulateCustomPolicy` request skeleton) into
//! `iamc::simulate::run`: never panics, errors at their place, answers print as JSON.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| iamc_testkit::fuzz::simulate(data));
