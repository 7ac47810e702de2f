//! `check` of the whole real corpus (`tests/data/policies`, every file as an identity policy),
//! with the service catalog's findings and without: criterion group `check`.
//!
//! Run: `cargo bench -p iamc-bench --bench check` (`IAMC_BENCH_QUICK=1` shortens it). The
//! catalog checker remembers the ARN formats of each distinct resource pattern and the catalog
//! builds each service's ARN automata once, so criterion's iterations measure a warm checker
//! (a long-lived process, a build script checking many files); the first pass over the corpus,
//! which pays for those automata, is timed once and printed before the group runs.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "a bench: a missing fixture stops it"
)]

use std::hint::black_box;
use std::time::Instant;

use criterion::Throughput;
use iamc_analysis::findings::{check, CatalogChecker, Options};
use iamc_grammar::ast::PolicyType;
use iamc_grammar::SourceFile;
use iamc_testkit::data::{json_files, policies_dir};

mod common;

fn corpus() -> Vec<SourceFile> {
    let dir = policies_dir();
    json_files(&dir)
        .iter()
        .map(|p| {
            let name = p.strip_prefix(&dir).unwrap().to_string_lossy().into_owned();
            SourceFile::new(name, std::fs::read_to_string(p).unwrap())
        })
        .collect()
}

/// Every finding of every file.
fn check_all(files: &[SourceFile], options: &Options<'_>) -> usize {
    files
        .iter()
        .map(|src| check(src, PolicyType::Identity, options).len())
        .sum()
}

fn main() {
    let files = corpus();
    let checker = CatalogChecker::shared().unwrap();
    let with = Options {
        catalog: Some(checker),
        ..Options::default()
    };
    let without = Options::default();
    let start = Instant::now();
    let n = check_all(&files, &with);
    println!(
        "first pass with the catalog (cold: catalog load, ARN automata, pattern cache): {:.0} ms, {} files, {n} findings",
        start.elapsed().as_secs_f64() * 1e3,
        files.len()
    );
    println!(
        "without the catalog: {} findings",
        check_all(&files, &without)
    );

    let mut c = common::slow_criterion(2);
    let mut g = c.benchmark_group("check");
    g.throughput(Throughput::Elements(files.len() as u64));
    g.bench_function("corpus/catalog", |b| {
        b.iter(|| check_all(black_box(&files), &with))
    });
    g.bench_function("corpus/no-catalog", |b| {
        b.iter(|| check_all(black_box(&files), &without))
    });
    g.finish();
    c.final_summary();
}
