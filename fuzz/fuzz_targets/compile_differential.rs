//! Generated policy sets and requests: compiled and reference explanations are equal.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| iamc_fuzz::targets::compile_differential(data));
