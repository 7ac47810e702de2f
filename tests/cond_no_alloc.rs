//! Condition evaluation allocates nothing: every row of the condition table
//! (`tests/data/cases/conditions.toml`) is compiled, then decided under a counting global
//! allocator.
//!
//! A separate test binary with its own `main` (`harness = false`), so no test-harness thread
//! allocates while the counter is armed.

#![allow(
    clippy::unwrap_used,
    reason = "a test binary: a panic is how a check fails"
)]

use std::alloc::System;

use stats_alloc::{Region, StatsAlloc, INSTRUMENTED_SYSTEM};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

fn main() {
    let mut checked = 0usize;
    for row in iamc_testkit::cases::conditions::rows() {
        let req = row.request();
        for p in row.policies() {
            let (a, _) = iamc_compiler::compile_artifact(
                std::slice::from_ref(&p),
                &iamc_compiler::Config::default(),
            )
            .unwrap();
            // Warm up (lazy statics in the standard library, if any), then count.
            let want = a.authorize(&req);
            let region = Region::new(GLOBAL);
            let got = a.authorize(&req);
            let stats = region.change();
            assert_eq!(got, want, "{row:?}");
            assert_eq!(
                (stats.allocations, stats.reallocations),
                (0, 0),
                "authorize allocated for {row:?}"
            );
            checked += 1;
        }
    }
    assert!(checked > 400, "only {checked} checks ran");
    println!("cond_no_alloc: {checked} condition decisions, no allocation");
}
