//! Checks and compiles `policies/*.json` into `$OUT_DIR/policies.iamc` before the crate is
//! built, with `iamc_analysis::build::compile_checked`: every finding of `iamc check` (the
//! service catalog's included) is printed as a `cargo:warning=PATH:LINE:COL: CODE: details`
//! line, and a finding of type ERROR fails the build, as does a policy that does not parse.

use std::path::PathBuf;

use iamc_analysis::build::{compile_checked, SetFiles};
use iamc_analysis::findings::FindingType;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR")?).join("policies");
    println!("cargo::rerun-if-changed={}", dir.display());
    let mut policies = Vec::new();
    for entry in std::fs::read_dir(&dir)? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "json") {
            println!("cargo::rerun-if-changed={}", path.display());
            // Findings name files as given: relative to the crate, as a reader would type them.
            policies.push(PathBuf::from("policies").join(path.file_name().ok_or("no file name")?));
        }
    }
    // A stable order: the artifact (and the order of explained statements) does not depend on
    // the directory listing.
    policies.sort();
    let files = SetFiles {
        identity: policies,
        ..SetFiles::default()
    };
    let out = PathBuf::from(std::env::var("OUT_DIR")?).join("policies.iamc");
    let report = match compile_checked(&files, &out) {
        Ok(report) => report,
        Err(e) => {
            print!("{}", e.cargo_warnings());
            return Err(e.into());
        }
    };
    print!("{}", report.cargo_warnings());
    if report.fails(FindingType::Error) {
        let n = report
            .findings()
            .iter()
            .filter(|f| f.finding_type == FindingType::Error)
            .count();
        return Err(format!("{n} policy finding(s) of type ERROR (see the warnings above)").into());
    }
    Ok(())
}
