//! The catalog's load cost, for the README and reports:
//!
//! ```sh
//! cargo run --release -p iamc-catalog --example measure
//! ```
//!
//! Prints the time of the first lookup (load and index included), the resident memory it
//! added (Linux `VmRSS`), and the cost of the first and of a later ARN and action-pattern
//! query. Run it several times: the first figure is a cold start each time.

use std::error::Error;
use std::time::Instant;

use iamc_catalog::Catalog;

/// The process's resident set in KiB (Linux), if readable.
fn rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn main() -> Result<(), Box<dyn Error>> {
    let before = rss_kib();
    let t = Instant::now();
    let catalog = Catalog::get()?;
    let stop = catalog.action("ecs:StopTask").ok_or("no ecs:StopTask")?;
    let first = t.elapsed();
    let after = rss_kib();
    println!("first lookup ({stop}): {first:?}");
    if let (Some(b), Some(a)) = (before, after) {
        println!(
            "resident memory: {b} KiB before, {a} KiB after (+{} KiB)",
            a.saturating_sub(b)
        );
    }

    let arn = "arn:aws:ecs:*:*:task-definition/web:*";
    let t = Instant::now();
    let types = catalog.resource_types_for_arn(arn)?;
    println!(
        "first ARN query ({} types, builds the ecs group): {:?}",
        types.len(),
        t.elapsed()
    );
    let t = Instant::now();
    catalog.resource_types_for_arn("arn:aws:ecs:us-east-1:111122223333:task/prod/abc")?;
    println!("later ARN query: {:?}", t.elapsed());
    let t = Instant::now();
    let actions = catalog.expand("ecs:Describe*", None)?;
    println!(
        "expand ecs:Describe* ({} actions): {:?}",
        actions.len(),
        t.elapsed()
    );
    if let Some(a) = rss_kib() {
        println!("resident memory after the queries: {a} KiB");
    }
    let t = Instant::now();
    let all = catalog.actions().count();
    println!("reading every service's actions ({all}): {:?}", t.elapsed());
    if let Some(a) = rss_kib() {
        println!("resident memory with every action loaded: {a} KiB");
    }
    Ok(())
}
