//! Where the test data lives, and reading it.
//!
//! Everything the tests need comes with the repository under `tests/data/`: the real policies
//! (`tests/data/policies`, public AWS documents, see its README), the case tables
//! (`tests/data/cases`), golden artifacts, templates. The one exception is the iam-simulate
//! conformance data (AGPL, never copied): [`conformance_dir`] finds it in `../shared` beside
//! the repository, and the suites that read it are `#[ignore]`d tests that fail when it is
//! absent (`.ci/run` runs them with `--include-ignored`).

use std::path::{Path, PathBuf};

use iamc_grammar::ast;
use iamc_grammar::SourceFile;

/// The repository's root (the directory of the root `Cargo.toml`).
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map_or_else(|| PathBuf::from(".."), Path::to_path_buf)
}

/// `tests/data` of the repository.
pub fn data_dir() -> PathBuf {
    repo().join("tests/data")
}

/// `tests/data/policies`: `aws-managed/`, `aws-managed-deprecated/` and `ecs/`.
pub fn policies_dir() -> PathBuf {
    data_dir().join("policies")
}

/// The iam-simulate conformance data, `../shared/conformance/iam-simulate` beside the
/// repository (AGPL: read there, never copied).
///
/// # Panics
/// When it is absent, naming what is missing: the suites that call this are `#[ignore]`d, so
/// the default test run shows them as ignored instead of passing them silently.
pub fn conformance_dir() -> PathBuf {
    let dir = repo().join("../shared/conformance/iam-simulate");
    assert!(
        dir.is_dir(),
        "`{}` is missing: the iam-simulate conformance data (AGPL, not vendored) must sit in \
         `../shared` beside the repository",
        dir.display()
    );
    dir
}

/// Every entry directly in `dir` (files and folders), sorted by path.
///
/// # Panics
/// When `dir` cannot be read.
pub fn entries(dir: &Path) -> Vec<PathBuf> {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("`{}`: {e}", dir.display()));
    let mut paths: Vec<PathBuf> = entries
        .map(|e| {
            e.unwrap_or_else(|e| panic!("`{}`: {e}", dir.display()))
                .path()
        })
        .collect();
    paths.sort();
    paths
}

/// Every `.json` file directly in `dir`, sorted by name, as (file name, text).
///
/// # Panics
/// When `dir` cannot be read.
pub fn load_dir(dir: &Path) -> Vec<(String, String)> {
    entries(dir)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .map(|p| {
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let text =
                std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("`{}`: {e}", p.display()));
            (name, text)
        })
        .collect()
}

/// Every `.json` file below `dir`, at any depth, sorted by path.
///
/// # Panics
/// When a directory cannot be read.
pub fn json_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let entries = std::fs::read_dir(&d).unwrap_or_else(|e| panic!("`{}`: {e}", d.display()));
        for p in entries.filter_map(|e| e.ok().map(|e| e.path())) {
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "json") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// The subdirectories of `dir`, sorted.
///
/// # Panics
/// When `dir` cannot be read.
pub fn subdirs(dir: &Path) -> Vec<PathBuf> {
    entries(dir).into_iter().filter(|p| p.is_dir()).collect()
}

/// Parses one policy text of `kind`, named `name`; the error is the rendered diagnostics.
pub fn parse_kind(name: &str, json: &str, kind: ast::PolicyType) -> Result<ast::Policy, String> {
    let src = SourceFile::new(name, json);
    match iamc_grammar::parse_policy(&src, kind) {
        Ok(parsed) => {
            let mut policy = parsed.policy;
            policy.name = name.to_owned();
            Ok(policy)
        }
        Err(diagnostics) => Err(diagnostics.render(&src)),
    }
}

/// Parses one identity policy text; the error is the rendered diagnostics.
pub fn parse_identity(name: &str, json: &str) -> Result<ast::Policy, String> {
    parse_kind(name, json, ast::PolicyType::Identity)
}

/// Parses (name, text) pairs as identity policies.
///
/// # Panics
/// On the first text that is not a valid identity policy.
pub fn parse_all(files: &[(String, String)]) -> Vec<ast::Policy> {
    files
        .iter()
        .map(|(n, t)| parse_identity(n, t).unwrap_or_else(|e| panic!("`{n}` rejected:\n{e}")))
        .collect()
}

/// The identity policies of `tests/data/policies/<name>`, parsed, sorted by file name.
///
/// # Panics
/// When the folder cannot be read or a policy is not valid.
pub fn policies(name: &str) -> Vec<ast::Policy> {
    parse_all(&load_dir(&policies_dir().join(name)))
}
