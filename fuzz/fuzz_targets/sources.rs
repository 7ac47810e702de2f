//! Arbitrary bytes (raw, or inside a CloudFormation or Terraform skeleton) into
//! `iamc::sources::read`: never panics, every extracted policy's map stays inside the file.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| iamc_testkit::fuzz::sources(data));
