//! The grammar crate against the real policy corpus and a table of malformed policies with
//! their exact diagnostics.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::path::{Path, PathBuf};

use iamc_grammar::ast::PolicyKind;
use iamc_grammar::{parse_policy, SourceFile};

fn corpus_dir() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/policies");
    if dir.is_dir() {
        Some(dir)
    } else {
        assert!(
            std::env::var_os("CI").is_none(),
            "{} is missing",
            dir.display()
        );
        None
    }
}

fn json_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            json_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "json") {
            out.push(p);
        }
    }
}

/// Every real policy parses as an identity policy with no error.
#[test]
fn every_corpus_policy_parses() {
    let Some(dir) = corpus_dir() else { return };
    let mut files = Vec::new();
    json_files(&dir, &mut files);
    assert_eq!(files.len(), 1533);
    let mut failures = Vec::new();
    let mut warnings = 0;
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap();
        let src = SourceFile::new(path.display().to_string(), text);
        match parse_policy(&src, PolicyKind::Identity) {
            Ok(p) => {
                assert_eq!(p.policy.name, src.name());
                warnings += p.warnings.len();
            }
            Err(d) => failures.push(d.render(&src)),
        }
    }
    assert!(
        failures.is_empty(),
        "{} rejected:\n{}",
        failures.len(),
        failures.concat()
    );
    eprintln!("{} policies, {warnings} warnings", files.len());
}
