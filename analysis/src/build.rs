//! Findings in a build step: [`compile_checked`] compiles a typed set of policy files into an
//! artifact, as `iamc_compiler::compile_set_files` does, and returns every finding of `iamc
//! check` (the service catalog's included) beside it, so a `build.rs` can print them and decide
//! what fails the build.
//!
//! The compiler cannot depend on this crate (the findings sit beside it), hence this entry
//! point here. What fails is the caller's choice, with one exception: a policy the grammar
//! refuses cannot be compiled, so it is an [`BuildError`] carrying the findings. The catalog's
//! findings never stop the artifact (findings.md 2.2: a stale catalog must not break a build);
//! [`BuildReport::fails`] says whether some finding reaches a threshold, and the example
//! build script fails on any ERROR:
//!
//! ```no_run
//! // build.rs
//! use iamc_analysis::build::{compile_checked, SetFiles};
//! use iamc_analysis::findings::FindingType;
//!
//! let out = std::path::PathBuf::from(std::env::var("OUT_DIR")?).join("policies.iamc");
//! let files = SetFiles {
//!     identity: vec!["policies/app.json".into()],
//!     ..SetFiles::default()
//! };
//! let report = compile_checked(&files, &out)?;
//! print!("{}", report.cargo_warnings());
//! if report.fails(FindingType::Error) {
//!     return Err("a policy has an ERROR finding".into());
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;
use std::path::{Path, PathBuf};

use iamc_grammar::ast;
use iamc_grammar::PolicySet;

use crate::findings::{self, render, CatalogChecker, Finding, FindingType, Options};

pub use iamc_compiler::SetFiles;

/// What [`compile_checked`] produced: the artifact's path and size, and every finding.
#[derive(Debug, Clone)]
pub struct BuildReport {
    findings: Vec<Finding>,
    artifact: PathBuf,
    bytes: usize,
    catalog: &'static str,
}

impl BuildReport {
    /// Every finding of every file, in file order, each file's sorted by position.
    pub fn findings(&self) -> &[Finding] {
        &self.findings
    }

    /// Where the artifact was written.
    pub fn artifact(&self) -> &Path {
        &self.artifact
    }

    /// The artifact's size in bytes.
    pub fn artifact_bytes(&self) -> usize {
        self.bytes
    }

    /// The service catalog's version the findings were checked against.
    pub fn catalog_version(&self) -> &'static str {
        self.catalog
    }

    /// Whether some finding is at least as serious as `threshold`.
    pub fn fails(&self, threshold: FindingType) -> bool {
        findings::fails(&self.findings, threshold)
    }

    /// One `cargo:warning=PATH:LINE:COL: ISSUE_CODE: details` line per finding.
    pub fn cargo_warnings(&self) -> String {
        render::cargo_warnings(&self.findings)
    }
}

/// Why [`compile_checked`] wrote no artifact.
#[derive(Debug)]
pub struct BuildError {
    kind: BuildErrorKind,
    findings: Vec<Finding>,
}

#[derive(Debug)]
enum BuildErrorKind {
    Read {
        path: PathBuf,
        error: std::io::Error,
    },
    Write {
        path: PathBuf,
        error: std::io::Error,
    },
    /// A policy the grammar refuses (its findings say where).
    Invalid {
        path: PathBuf,
    },
    Catalog(iamc_catalog::CatalogError),
    Compile(iamc_compiler::CompileError),
}

impl BuildError {
    /// The findings of the files read before the failure (for a refused policy, its errors
    /// among them).
    pub fn findings(&self) -> &[Finding] {
        &self.findings
    }

    /// The findings as `cargo:warning=` lines.
    pub fn cargo_warnings(&self) -> String {
        render::cargo_warnings(&self.findings)
    }
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            BuildErrorKind::Read { path, error } => {
                write!(f, "cannot read `{}`: {error}", path.display())
            }
            BuildErrorKind::Write { path, error } => {
                write!(f, "cannot write `{}`: {error}", path.display())
            }
            BuildErrorKind::Invalid { path } => {
                write!(f, "`{}` is not a valid policy:", path.display())?;
                for x in self.findings.iter().filter(|x| {
                    x.finding_type == FindingType::Error && x.file == path.display().to_string()
                }) {
                    let p = x.start();
                    write!(
                        f,
                        "\n  {}:{}:{}: {}: {}",
                        x.file,
                        p.line,
                        p.column + 1,
                        x.issue_code,
                        x.details
                    )?;
                }
                Ok(())
            }
            BuildErrorKind::Catalog(e) => write!(f, "{e}"),
            BuildErrorKind::Compile(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for BuildError {}

/// Checks every file of `files` by the rules of its type (grammar, every check of findings.md,
/// the vendored service catalog's), then compiles the set and writes its artifact to `out`.
/// Policies are named in the artifact by their file names (as `compile_set_files` names them);
/// findings by the paths as given.
///
/// # Errors
/// A file that cannot be read, a policy the grammar refuses (every finding up to it is in the
/// error), the catalog failing to load, a compile error, or `out` that cannot be written.
pub fn compile_checked(files: &SetFiles, out: &Path) -> Result<BuildReport, BuildError> {
    let mut found: Vec<Finding> = Vec::new();
    let fail = |kind, findings| BuildError { kind, findings };
    let checker = match CatalogChecker::shared() {
        Ok(c) => c,
        Err(e) => return Err(fail(BuildErrorKind::Catalog(e), found)),
    };
    let options = Options {
        catalog: Some(checker),
        ..Options::default()
    };
    let mut texts: Vec<(PathBuf, ast::PolicyType, Vec<u8>)> = Vec::new();
    for (kind, path) in files.iter() {
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            Err(error) => {
                let path = path.clone();
                return Err(fail(BuildErrorKind::Read { path, error }, found));
            }
        };
        let name = path.display().to_string();
        found.extend(findings::check_bytes(&name, &bytes, kind, &options));
        texts.push((path.clone(), kind, bytes));
    }
    let mut invalid = None;
    // `from_slots` visits the slots in the order of `files.iter()`, so the cursor finds each
    // file at once; the search is only a safeguard.
    let mut cursor = 0usize;
    let set = PolicySet::from_slots(files, |path, kind| {
        let at = (cursor..texts.len()).chain(0..cursor).find(|&i| {
            texts
                .get(i)
                .is_some_and(|(p, k, _)| p == path && *k == kind)
        })?;
        cursor = at + 1;
        let (path, kind, bytes) = texts.get(at)?;
        let name = path.file_name().map_or_else(
            || path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        match iamc_grammar::parse_policy_bytes(&name, bytes, *kind) {
            Ok(p) => Some(p.policy),
            Err(_) => {
                invalid.get_or_insert_with(|| path.clone());
                None
            }
        }
    });
    if let Some(path) = invalid {
        return Err(fail(BuildErrorKind::Invalid { path }, found));
    }
    let bytes = match iamc_compiler::compile_set(&set, &iamc_compiler::Config::default()) {
        Ok(b) => b,
        Err(e) => return Err(fail(BuildErrorKind::Compile(e), found)),
    };
    if let Err(error) = std::fs::write(out, &bytes) {
        let path = out.to_path_buf();
        return Err(fail(BuildErrorKind::Write { path, error }, found));
    }
    Ok(BuildReport {
        findings: found,
        artifact: out.to_path_buf(),
        bytes: bytes.len(),
        catalog: checker.catalog().version(),
    })
}
