//! iamc-compiler: policy AST to IR to automata to artifact bytes.
//!
//! Consumes validated [`ast::Policy`]s (from `iamc-grammar`); produces the bytes of an artifact
//! that `iamc_runtime::Artifact` loads. Shares no matching code with the reference interpreter.
//!
//! # Pipeline
//! 1. [`lower`]: AST → [`ir::PolicySet`], a pure list of passes (see that module for what each
//!    removes); the IR's invariants are listed in [`ir`]. The IR is what the analyses read, and
//!    [`ir::interp`] decides requests on it directly (a test oracle one layer down).
//! 2. [`automata`]: IR → `regex-automata` dense DFAs ([`automata::build_from_ir`]), all
//!    anchored, `MatchKind::All`:
//!    - **actions**: per *shard* (a contiguous range of statements; one shard unless the size
//!      limits force a split) a literal table for the patterns without wildcards (each entry:
//!      the complete candidate list of that exact action) and one DFA over the shard's distinct
//!      wildcard action patterns, ASCII-lowercased
//!      (the runtime lowercases the request byte by byte as it feeds the DFA, so nothing is
//!      allocated), anchored at both ends, `?` one UTF-8 scalar. The DFA is explored from its
//!      start state at compile time; every state reachable after end of input that matches
//!      gets a precomputed candidate list: the statements whose action element accepts the
//!      action, split by effect, plus a flag "some Allow here applies to every resource with no
//!      condition". `NotAction` statements are candidates exactly when none of their patterns
//!      matched; `*` statements always are.
//!    - **resources**: one DFA (or a few, when a set overflows the limits and is halved) over
//!      every distinct resource pattern, with the field-wise ARN semantics of DESIGN.md (short
//!      ARNs padded; in fields 1 to 5 `*` = `[^:]*` unless last in its field, `?` = `[^:]`;
//!      field 6 `.*`), case-sensitive, and the early-report trick: a trailing `*` (or variable
//!      hole) is dropped, the pattern reported as soon as its prefix matched. The pattern `*`
//!      and the request `*` are handled outside the DFA (a block flag; the request `*` matches
//!      only that flag).
//!    - **policy variables** (2012-10-17 only): each hole is `.*` in the DFA; an entry whose
//!      pattern matched is then confirmed by an exact, allocation-free glob over the
//!      substituted template. An unresolved variable makes the entry match nothing (so it
//!      excludes nothing in `NotResource`).
//!    - **conditions**: one DFA per distinct list of constant `StringLike` / `Arn...` patterns.
//! 3. [`emit`]: IR + automata → the `Program` the runtime reads (`iamc_format::program`:
//!    statement metadata, candidate lists, resource blocks, conditions) plus the DFAs; the only
//!    module that knows the format;
//!    [`container`] writes them into artifact bytes (the layout of `iamc_format::container`).
//!
//! # Runtime cost
//! `authorize` walks each action DFA once over the action and each resource DFA at most once
//! over the resource, then looks only at the candidate statements of the reached state: Deny
//! candidates first, then the `allow_all` flag, then Allow candidates until the first that
//! applies. Its cost depends on the request's length and on how many statements name the
//! request's action, not on the size of the set.
//!
//! # Measured sizes
//! Compile times, artifact sizes, automata sizes and load times of real sets are in
//! BENCHMARKS.md ("Compile, artifact, load, threads" and "Automata of the real sets").
//!
//! # Example
//! ```
//! use iamc_grammar::{ast::PolicyType, SourceFile};
//! let src = SourceFile::new("p.json", r#"{"Version":"2012-10-17","Statement":
//!     {"Effect":"Allow","Action":"ecs:Describe*","Resource":"*"}}"#);
//! let policy = iamc_grammar::parse_policy(&src, PolicyType::Identity)?.policy;
//! let bytes = iamc_compiler::compile(&[policy], &iamc_compiler::Config::default())?;
//! let artifact = iamc_runtime::Artifact::from_bytes(&bytes)?;
//! let req = iamc_runtime::Request::new("ecs:DescribeClusters", "*");
//! assert!(artifact.authorize(&req).is_allowed());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![warn(missing_docs)]

pub mod automata;
pub mod container;
pub mod emit;
mod error;
pub mod inspect;
pub mod ir;
pub mod lower;

use iamc_grammar::{ast, PolicySet};

pub use automata::DfaStats;
pub use error::CompileError;

/// Compiler settings.
///
/// ```
/// // Smaller automata: a set that needs more is split, or fails naming the limit.
/// let config = iamc_compiler::Config {
///     dfa_size_limit: 1 << 20,
///     ..iamc_compiler::Config::default()
/// };
/// let bytes = iamc_compiler::compile(&[], &config)?;
/// assert!(iamc_runtime::Artifact::from_bytes(&bytes).is_ok());
///
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// Heap bytes one DFA may take (`dense::Config::dfa_size_limit`).
    pub dfa_size_limit: usize,
    /// Auxiliary heap bytes determinization may take (`dense::Config::determinize_size_limit`).
    pub determinize_size_limit: usize,
    /// Bytes all the DFAs of one compilation may take together: what the artifact's automata
    /// sections (and a runtime holding them) cost at most.
    pub max_total_dfa_bytes: usize,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            dfa_size_limit: 32 << 20,
            determinize_size_limit: 32 << 20,
            max_total_dfa_bytes: 512 << 20,
        }
    }
}

/// What a compilation produced, for `iamc inspect` and reports.
///
/// ```
/// let src = iamc_grammar::SourceFile::new("p.json", r#"{"Version":"2012-10-17","Statement":
///     {"Effect":"Allow","Action":"s3:Get*","Resource":"*"}}"#);
/// let policy = iamc_grammar::parse_policy(&src, iamc_grammar::ast::PolicyType::Identity)?.policy;
///
/// let (_, stats) = iamc_compiler::compile_with_stats(&[policy], &iamc_compiler::Config::default())?;
/// assert_eq!((stats.policies, stats.statements, stats.action_shards), (1, 1, 1));
///
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stats {
    /// Policies in the set.
    pub policies: usize,
    /// Statements in the set.
    pub statements: usize,
    /// Action shards (statement ranges with their own action DFA; one unless the limits
    /// forced a split).
    pub action_shards: usize,
    /// Distinct resource patterns across the resource DFAs.
    pub resource_patterns: usize,
    /// Every DFA built, in artifact order.
    pub dfas: Vec<DfaStats>,
}

/// The IR of `set`, printed (`iamc compile --emit ir`); an error prints as its message.
///
/// ```
/// let src = iamc_grammar::SourceFile::new("p.json", r#"{"Version":"2012-10-17","Statement":
///     {"Effect":"Allow","Action":"s3:Get*","Resource":"*"}}"#);
/// let policy = iamc_grammar::parse_policy(&src, iamc_grammar::ast::PolicyType::Identity)?.policy;
///
/// let ir = iamc_compiler::emit_ir(&iamc_grammar::PolicySet::identity(vec![policy]));
/// assert!(ir.contains("s3:get*"), "{ir}");
///
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn emit_ir(set: &PolicySet) -> String {
    match lower::lower(set) {
        Ok(set) => set.to_string(),
        Err(e) => format!("error: {e}\n"),
    }
}

/// Compiles `policies` into a program and its DFAs; each policy goes to the slot of its kind
/// ([`PolicySet::from_policies`]: identity policies for what `iamc_grammar::parse_policy`
/// gives with `PolicyType::Identity`).
///
/// # Errors
/// A pattern too large for [`Config`]'s size limits even alone, automata over
/// [`Config::max_total_dfa_bytes`] together, or more policies, statements or automata than an
/// artifact can number (`u32`).
///
/// ```
/// let src = iamc_grammar::SourceFile::new("p.json", r#"{"Version":"2012-10-17","Statement":
///     {"Effect":"Allow","Action":"s3:Get*","Resource":"*"}}"#);
/// let policy = iamc_grammar::parse_policy(&src, iamc_grammar::ast::PolicyType::Identity)?.policy;
///
/// let compiled = iamc_compiler::compile_program(&[policy], &iamc_compiler::Config::default())?;
/// assert_eq!(compiled.program.statements.len(), 1);
///
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn compile_program(
    policies: &[ast::Policy],
    config: &Config,
) -> Result<emit::Compiled, CompileError> {
    compile_set_program(&PolicySet::from_policies(policies.to_vec()), config)
}

/// Compiles a typed policy set into a program and its DFAs.
///
/// # Errors
/// As [`compile_program`]; besides, a policy in the slot of another type (a boundary given as
/// an identity policy) or more organization levels than
/// [`iamc_grammar::set::MAX_ORG_LEVELS`].
///
/// ```
/// let set = iamc_grammar::PolicySet::default();
/// let compiled = iamc_compiler::compile_set_program(&set, &iamc_compiler::Config::default())?;
/// assert!(compiled.program.statements.is_empty());
///
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn compile_set_program(
    set: &PolicySet,
    config: &Config,
) -> Result<emit::Compiled, CompileError> {
    let set = lower::lower(set)?;
    let automata = automata::build_from_ir(&set, config)?;
    emit::emit(set, automata)
}

/// Compiles `policies` into a loaded artifact (written to bytes and loaded back, as a service
/// would), with what was built.
///
/// # Errors
/// See [`compile_program`]; an artifact that does not load back is an internal error.
///
/// ```
/// let src = iamc_grammar::SourceFile::new("p.json", r#"{"Version":"2012-10-17","Statement":
///     {"Effect":"Allow","Action":"s3:Get*","Resource":"*"}}"#);
/// let policy = iamc_grammar::parse_policy(&src, iamc_grammar::ast::PolicyType::Identity)?.policy;
///
/// let (artifact, _) = iamc_compiler::compile_artifact(&[policy], &Default::default())?;
/// let req = iamc_runtime::Request::new("s3:GetObject", "arn:aws:s3:::b/k");
/// assert!(artifact.authorize(&req).is_allowed());
///
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn compile_artifact(
    policies: &[ast::Policy],
    config: &Config,
) -> Result<(iamc_runtime::Artifact, Stats), CompileError> {
    compile_set_artifact(&PolicySet::from_policies(policies.to_vec()), config)
}

/// Compiles a typed policy set into a loaded artifact.
///
/// # Errors
/// As [`compile_set_program`]; an artifact that does not load back is an internal error.
///
/// ```
/// let src = iamc_grammar::SourceFile::new("p.json", r#"{"Version":"2012-10-17","Statement":
///     {"Effect":"Allow","Action":"s3:Get*","Resource":"*"}}"#);
/// let policy = iamc_grammar::parse_policy(&src, iamc_grammar::ast::PolicyType::Identity)?.policy;
///
/// let set = iamc_grammar::PolicySet::identity(vec![policy]);
/// let (artifact, stats) = iamc_compiler::compile_set_artifact(&set, &Default::default())?;
/// assert_eq!((artifact.statement_count(), stats.statements), (1, 1));
///
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn compile_set_artifact(
    set: &PolicySet,
    config: &Config,
) -> Result<(iamc_runtime::Artifact, Stats), CompileError> {
    let (bytes, stats) = compile_set_with_stats(set, config)?;
    let a = iamc_runtime::Artifact::from_bytes(&bytes)
        .map_err(|e| CompileError::program(e.to_string()))?;
    Ok((a, stats))
}

/// Compiles a typed policy set into artifact bytes and reports what was built.
///
/// # Errors
/// As [`compile_set_program`].
///
/// ```
/// let src = iamc_grammar::SourceFile::new("p.json", r#"{"Version":"2012-10-17","Statement":
///     {"Effect":"Allow","Action":"s3:Get*","Resource":"*"}}"#);
/// let policy = iamc_grammar::parse_policy(&src, iamc_grammar::ast::PolicyType::Identity)?.policy;
///
/// let set = iamc_grammar::PolicySet::identity(vec![policy]);
/// let (bytes, stats) = iamc_compiler::compile_set_with_stats(&set, &Default::default())?;
/// assert!(iamc_runtime::Artifact::from_bytes(&bytes).is_ok());
/// assert!(!stats.dfas.is_empty());
///
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn compile_set_with_stats(
    set: &PolicySet,
    config: &Config,
) -> Result<(Vec<u8>, Stats), CompileError> {
    let c = compile_set_program(set, config)?;
    let bytes = container::write_artifact(&c.program, &c.dfas);
    let stats = Stats {
        policies: c.program.policies.len(),
        statements: c.program.statements.len(),
        action_shards: c.program.shards.len(),
        resource_patterns: c.program.resource_patterns as usize,
        dfas: c.stats,
    };
    Ok((bytes, stats))
}

/// Compiles `policies` into artifact bytes (`iamc compile`), loadable with
/// `iamc_runtime::Artifact::from_bytes`.
///
/// # Errors
/// As [`compile_program`].
///
/// ```
/// let src = iamc_grammar::SourceFile::new("p.json", r#"{"Version":"2012-10-17","Statement":
///     {"Effect":"Allow","Action":"s3:Get*","Resource":"*"}}"#);
/// let policy = iamc_grammar::parse_policy(&src, iamc_grammar::ast::PolicyType::Identity)?.policy;
///
/// let bytes = iamc_compiler::compile(&[policy], &iamc_compiler::Config::default())?;
/// let artifact = iamc_runtime::Artifact::from_bytes(&bytes)?;
/// assert_eq!(artifact.policy_count(), 1);
///
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn compile(policies: &[ast::Policy], config: &Config) -> Result<Vec<u8>, CompileError> {
    compile_set(&PolicySet::from_policies(policies.to_vec()), config)
}

/// Compiles a typed policy set into artifact bytes.
///
/// # Errors
/// As [`compile_set_program`].
///
/// ```
/// let src = iamc_grammar::SourceFile::new("p.json", r#"{"Version":"2012-10-17","Statement":
///     {"Effect":"Allow","Action":"s3:Get*","Resource":"*"}}"#);
/// let policy = iamc_grammar::parse_policy(&src, iamc_grammar::ast::PolicyType::Identity)?.policy;
///
/// let session = iamc_grammar::parse_policy(&src, iamc_grammar::ast::PolicyType::Session)?.policy;
/// let set = iamc_grammar::PolicySet {
///     identity: vec![policy],
///     session: vec![session],
///     ..Default::default()
/// };
/// let bytes = iamc_compiler::compile_set(&set, &Default::default())?;
/// assert_eq!(iamc_runtime::Artifact::from_bytes(&bytes)?.statement_count(), 2);
///
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn compile_set(set: &PolicySet, config: &Config) -> Result<Vec<u8>, CompileError> {
    Ok(compile_set_with_stats(set, config)?.0)
}

/// Compiles `policies` into bytes and reports what was built.
///
/// # Errors
/// As [`compile_program`].
///
/// ```
/// let src = iamc_grammar::SourceFile::new("p.json", r#"{"Version":"2012-10-17","Statement":
///     {"Effect":"Allow","Action":"s3:Get*","Resource":"*"}}"#);
/// let policy = iamc_grammar::parse_policy(&src, iamc_grammar::ast::PolicyType::Identity)?.policy;
///
/// let (bytes, stats) = iamc_compiler::compile_with_stats(&[policy], &Default::default())?;
/// assert!(!bytes.is_empty() && stats.statements == 1);
///
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn compile_with_stats(
    policies: &[ast::Policy],
    config: &Config,
) -> Result<(Vec<u8>, Stats), CompileError> {
    compile_set_with_stats(&PolicySet::from_policies(policies.to_vec()), config)
}

/// Parses the identity policies at `paths` (each named by its file name) and writes their
/// artifact to `out`, for a build script (`out` then in `OUT_DIR`, with
/// `cargo::rerun-if-changed` on the policy files; `examples/build-step` does this):
///
/// ```
/// # let dir = std::env::temp_dir().join(format!("iamc-doc-compile-files-{}", std::process::id()));
/// # std::fs::create_dir_all(&dir)?;
/// let app = dir.join("app.json");
/// std::fs::write(&app, r#"{"Version":"2012-10-17","Statement":
///     {"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::reports/*"}}"#)?;
/// let out = dir.join("policies.iamc");
/// iamc_compiler::compile_files(&[app], &out)?;
///
/// let artifact = iamc_runtime::Artifact::from_bytes(&std::fs::read(&out)?)?;
/// let req = iamc_runtime::Request::new("s3:GetObject", "arn:aws:s3:::reports/2026/q1.csv");
/// assert!(artifact.authorize(&req).is_allowed());
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// A file that cannot be read or written, a policy that does not validate (the message has
/// every diagnostic, rendered), or a compile error.
pub fn compile_files(
    paths: &[std::path::PathBuf],
    out: &std::path::Path,
) -> Result<(), CompileError> {
    compile_set_files(
        &SetFiles {
            identity: paths.to_vec(),
            ..SetFiles::default()
        },
        out,
    )
}

/// The policy files of a typed set, by type, for [`compile_set_files`] (the paths of the
/// `iamc compile` flags; SCP and RCP files one list per level, root first).
///
/// ```
/// let files = iamc_compiler::SetFiles {
///     identity: vec!["app.json".into()],
///     scp: vec![vec!["root.json".into()], vec!["ou.json".into()]],
///     ..Default::default()
/// };
/// assert_eq!(files.scp.len(), 2);
/// ```
pub type SetFiles = iamc_grammar::Slots<std::path::PathBuf>;

/// Parses a typed set's files (each by the rules of its type, named by its file name) and
/// writes their artifact to `out`, for a build script (as [`compile_files`]):
///
/// ```
/// # let dir = std::env::temp_dir().join(format!("iamc-doc-compile-set-files-{}", std::process::id()));
/// # std::fs::create_dir_all(&dir)?;
/// let (app, boundary) = (dir.join("app.json"), dir.join("boundary.json"));
/// std::fs::write(&app, r#"{"Version":"2012-10-17","Statement":
///     {"Effect":"Allow","Action":["ecs:*","iam:PassRole"],"Resource":"*"}}"#)?;
/// std::fs::write(&boundary, r#"{"Version":"2012-10-17","Statement":
///     {"Effect":"Allow","NotAction":"iam:*","Resource":"*"}}"#)?;
/// let files = iamc_compiler::SetFiles {
///     identity: vec![app],
///     boundary: vec![boundary],
///     ..Default::default()
/// };
/// let out = dir.join("policies.iamc");
/// iamc_compiler::compile_set_files(&files, &out)?;
///
/// use iamc_runtime::{Artifact, Decision, Request};
/// let artifact = Artifact::from_bytes(&std::fs::read(&out)?)?;
/// assert_eq!(artifact.authorize(&Request::new("ecs:RunTask", "*")), Decision::Allow);
/// // The boundary caps what the identity policy grants.
/// assert_eq!(artifact.authorize(&Request::new("iam:PassRole", "*")), Decision::ImplicitDeny);
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// As [`compile_files`].
pub fn compile_set_files(files: &SetFiles, out: &std::path::Path) -> Result<(), CompileError> {
    let mut error = None;
    let set = PolicySet::from_slots(files, |path, kind| {
        if error.is_some() {
            return None;
        }
        parse_file(path, kind).map_err(|e| error = Some(e)).ok()
    });
    if let Some(e) = error {
        return Err(e);
    }
    let bytes = compile_set(&set, &Config::default())?;
    std::fs::write(out, bytes).map_err(|e| CompileError::io(out, &e))
}

/// Reads and parses one policy file as `kind`, named by its file name.
fn parse_file(path: &std::path::Path, kind: ast::PolicyType) -> Result<ast::Policy, CompileError> {
    let bytes = std::fs::read(path).map_err(|e| CompileError::io(path, &e))?;
    let name = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    match iamc_grammar::parse_policy_bytes(&name, &bytes, kind) {
        Ok(parsed) => Ok(parsed.policy),
        Err(diags) => {
            let src =
                iamc_grammar::SourceFile::new(name, String::from_utf8_lossy(&bytes).into_owned());
            let rendered: Vec<String> = diags.errors().map(|d| d.render(&src)).collect();
            Err(CompileError::invalid(path, rendered.concat()))
        }
    }
}

#[cfg(test)]
mod tests;
