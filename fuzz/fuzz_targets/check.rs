//! Arbitrary bytes through `iamc check`'s findings and their three renderings.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| iamc_testkit::fuzz::check(data));
