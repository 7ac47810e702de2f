//! Arbitrary bytes into the grammar: never panics, diagnostics render, spans stay in the text.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| iamc_testkit::fuzz::parse(data));
