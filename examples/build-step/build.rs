//! Compiles `policies/*.json` into `$OUT_DIR/policies.iamc` before the crate is built: an
//! invalid policy fails the build with its diagnostics (file:line:col).

use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR")?).join("policies");
    println!("cargo::rerun-if-changed={}", dir.display());
    let mut policies = Vec::new();
    for entry in std::fs::read_dir(&dir)? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "json") {
            println!("cargo::rerun-if-changed={}", path.display());
            policies.push(path);
        }
    }
    // A stable order: the artifact (and the order of explained statements) does not depend on
    // the directory listing.
    policies.sort();
    let out = PathBuf::from(std::env::var("OUT_DIR")?).join("policies.iamc");
    iamc_compiler::compile_files(&policies, &out)?;
    Ok(())
}
