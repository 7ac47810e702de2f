//! What the corpus benches (`check`, `diff`) share: criterion's settings.

use std::time::Duration;

use criterion::Criterion;

/// Criterion for a bench whose iteration takes long: 10 samples over 10 s after `warm_up_secs`
/// of warm-up; 3 s after 1 s with `IAMC_BENCH_QUICK` set. Command-line arguments apply last.
pub fn slow_criterion(warm_up_secs: u64) -> Criterion {
    let quick = std::env::var_os("IAMC_BENCH_QUICK").is_some();
    Criterion::default()
        .warm_up_time(Duration::from_secs(if quick { 1 } else { warm_up_secs }))
        .measurement_time(Duration::from_secs(if quick { 3 } else { 10 }))
        .sample_size(10)
        .configure_from_args()
}
