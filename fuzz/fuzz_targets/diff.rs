//! Generated OLD and NEW typed sets and requests through `iamc diff`, held to the three engines.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| iamc_testkit::fuzz::diff(data));
