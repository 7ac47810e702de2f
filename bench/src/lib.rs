//! iamc-bench: the crate behind the benchmarks of `benches/` (run `cargo bench -p iamc-bench`,
//! with `--features peers` for cedar-policy, regorus and iam-rs). It exists so that the peer
//! engines are dependencies of an unpublished crate, not of the published `iamc` package; it
//! has no code of its own. BENCHMARKS.md reports the numbers.
