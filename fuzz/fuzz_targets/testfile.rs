//! Arbitrary bytes (raw, or inside a YAML or JSON test-file skeleton) into
//! `iamc::testfile::read`: never panics, never unbounded memory, errors at their `line:col`.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| iamc_testkit::fuzz::testfile(data));
