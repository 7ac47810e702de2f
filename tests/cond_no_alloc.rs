//! Condition evaluation allocates nothing: every row of the condition table
//! (`tests/conditions.rs`) is compiled, then decided under a counting global allocator.
//!
//! A separate test binary with its own `main` (`harness = false`), so no test-harness thread
//! allocates while the counter is armed.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::alloc::System;

use stats_alloc::{Region, StatsAlloc, INSTRUMENTED_SYSTEM};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

#[path = "conditions.rs"]
#[allow(dead_code, unused_imports)]
mod conditions;

fn main() {
    let mut checked = 0usize;
    for (rows, v2012) in [(conditions::ROWS, true), (conditions::ROWS_2008, false)] {
        for row in rows {
            let req = conditions::request(row);
            for p in conditions::row_policies(row, v2012) {
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
    }
    assert!(checked > 400, "only {checked} checks ran");
    println!("cond_no_alloc: {checked} condition decisions, no allocation");
}
