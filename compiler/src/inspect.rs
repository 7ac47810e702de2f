//! What is in an artifact (`iamc inspect`): its container, its set, and every automaton with
//! its role and size; and [`read_artifact`], which turns artifact bytes back into the program
//! and DFAs the compiler writes (for round-trip checks).
//!
//! Reading is the format's and the runtime's job: an artifact is validated completely by
//! `iamc_runtime::Artifact::from_bytes` first, exactly as a service would load it, and only
//! then described.

use std::fmt;

use iamc_format::codec::decode_program;
use iamc_format::container::{self, ProducerInfo, SectionInfo};
use iamc_format::program::Program;
use iamc_format::{FormatError, PolicyType};
use iamc_runtime::{Artifact, LoadError};
use regex_automata::dfa::dense;
use regex_automata::dfa::Automaton;

use crate::automata::build::{reachable_states, OwnedDfa};

/// One DFA of an artifact.
///
/// ```
/// let bytes = iamc_compiler::compile_set(&iamc_grammar::PolicySet::default(), &Default::default())?;
///
/// let info = iamc_compiler::inspect::inspect(&bytes)?;
/// assert!(info.automata.iter().all(|a| ["action", "resource", "condition"].contains(&a.role)));
///
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AutomatonInfo {
    /// `action`, `resource` or `condition`.
    pub role: &'static str,
    /// Number of patterns.
    pub patterns: usize,
    /// States reachable from the anchored start (the dead state excluded).
    pub states: usize,
    /// Heap bytes of the loaded DFA.
    pub bytes: usize,
}

/// What `iamc inspect` prints about an artifact.
///
/// ```
/// let bytes = iamc_compiler::compile_set(&iamc_grammar::PolicySet::default(), &Default::default())?;
///
/// let info = iamc_compiler::inspect::inspect(&bytes)?;
/// assert_eq!(info.format_version, iamc_format::container::FORMAT_VERSION);
/// assert_eq!(info.total_len, bytes.len() as u64);
///
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArtifactInfo {
    /// The artifact's format version.
    pub format_version: u32,
    /// Its length in bytes.
    pub total_len: u64,
    /// Who wrote it.
    pub producer: ProducerInfo,
    /// Its section table.
    pub sections: Vec<SectionInfo>,
    /// Number of policies.
    pub policies: usize,
    /// Number of statements.
    pub statements: usize,
    /// The typed groups, in listing order, with their organization level.
    pub groups: Vec<(PolicyType, u32)>,
    /// Every DFA, in artifact order.
    pub automata: Vec<AutomatonInfo>,
}

/// Why artifact bytes could not be described: the runtime refused them (the usual case), or,
/// after the runtime accepted them, reading them again failed (a bug).
///
/// ```
/// let e = iamc_compiler::inspect::inspect(b"not an artifact").unwrap_err();
/// assert!(!e.to_string().is_empty());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InspectError {
    kind: InspectErrorKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum InspectErrorKind {
    Load(LoadError),
    Format(FormatError),
    Dfa { index: usize, what: String },
}

impl From<LoadError> for InspectError {
    fn from(e: LoadError) -> InspectError {
        InspectError {
            kind: InspectErrorKind::Load(e),
        }
    }
}

impl From<FormatError> for InspectError {
    fn from(e: FormatError) -> InspectError {
        InspectError {
            kind: InspectErrorKind::Format(e),
        }
    }
}

impl fmt::Display for InspectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            InspectErrorKind::Load(e) => e.fmt(f),
            InspectErrorKind::Format(e) => e.fmt(f),
            InspectErrorKind::Dfa { index, what } => {
                write!(f, "section {index} (dfa): invalid dfa: {what}")
            }
        }
    }
}

impl std::error::Error for InspectError {}

/// The program and the DFAs of artifact bytes, after the runtime validated them completely:
/// what [`crate::container::write_artifact`] writes back into the same bytes.
///
/// ```
/// use iamc_compiler::{container, inspect, Config};
///
/// let bytes = iamc_compiler::compile_set(&iamc_grammar::PolicySet::default(), &Config::default())?;
/// let (program, dfas) = inspect::read_artifact(&bytes)?;
/// assert_eq!(container::write_artifact(&program, &dfas), bytes);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// What `iamc_runtime::Artifact::from_bytes` refuses.
pub fn read_artifact(bytes: &[u8]) -> Result<(Program, Vec<OwnedDfa>), InspectError> {
    Artifact::from_bytes(bytes)?;
    let c = container::read(bytes)?;
    let program = decode_program(c.metadata())?;
    let mut dfas = Vec::with_capacity(c.dfa_sections().len());
    for (index, body) in c.dfa_sections() {
        // A `u32`-aligned copy: dense DFAs are read in place.
        let mut buf: Vec<u8> = Vec::with_capacity(body.len().saturating_add(3));
        let off = buf.as_ptr().align_offset(4).min(3);
        buf.resize(off, 0);
        buf.extend_from_slice(body);
        let view = buf.get(off..).unwrap_or_default();
        let (dfa, _) = dense::DFA::from_bytes(view).map_err(|e| InspectError {
            kind: InspectErrorKind::Dfa {
                index,
                what: e.to_string(),
            },
        })?;
        dfas.push(dfa.to_owned());
    }
    Ok((program, dfas))
}

/// Validates `bytes` completely (as `iamc eval --artifact` does) and describes them. Counts
/// the reachable states of every DFA by exploring it, so it takes time proportional to the
/// artifact's size.
///
/// ```
/// use iamc_compiler::{inspect, Config};
///
/// let bytes = iamc_compiler::compile_set(&iamc_grammar::PolicySet::default(), &Config::default())?;
/// let info = inspect::inspect(&bytes)?;
/// assert_eq!(info.statements, 0);
/// assert!(info.render("set.iamc").starts_with("set.iamc: iamc artifact, format version"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// What `iamc_runtime::Artifact::from_bytes` refuses.
pub fn inspect(bytes: &[u8]) -> Result<ArtifactInfo, InspectError> {
    let (program, dfas) = read_artifact(bytes)?;
    let c = container::read(bytes)?;
    let automata = dfas
        .iter()
        .enumerate()
        .map(|(i, d)| AutomatonInfo {
            role: role(&program, i),
            patterns: d.pattern_len(),
            states: reachable_states(d).map_or(0, |s| s.len()),
            bytes: d.memory_usage(),
        })
        .collect();
    Ok(ArtifactInfo {
        format_version: c.format_version(),
        total_len: c.total_len(),
        producer: c.producer().clone(),
        sections: c.sections().to_vec(),
        policies: program.policies.len(),
        statements: program.statements.len(),
        groups: program
            .groups
            .iter()
            .map(|g| (g.policy_type, g.level))
            .collect(),
        automata,
    })
}

/// What DFA `i` of `program` is for.
fn role(program: &Program, i: usize) -> &'static str {
    if program.shards.iter().any(|s| s.dfa as usize == i) {
        "action"
    } else if program.resource_dfas.iter().any(|r| r.dfa as usize == i) {
        "resource"
    } else {
        "condition"
    }
}

impl ArtifactInfo {
    /// The text `iamc inspect PATH` prints: the header line naming `path`, the producer, the
    /// set, the section table and the automata table.
    ///
    /// ```
    /// let bytes = iamc_compiler::compile_set(&iamc_grammar::PolicySet::default(), &Default::default())?;
    ///
    /// let text = iamc_compiler::inspect::inspect(&bytes)?.render("a.iamc");
    /// assert!(text.starts_with("a.iamc: iamc artifact"));
    ///
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn render(&self, path: &str) -> String {
        use std::fmt::Write;
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{path}: iamc artifact, format version {}, {} bytes",
            self.format_version, self.total_len
        );
        let _ = writeln!(
            out,
            "produced by: iamc {}, regex-automata {}",
            self.producer.iamc, self.producer.regex_automata
        );
        let groups: Vec<String> = self
            .groups
            .iter()
            .map(|(t, level)| {
                if t.is_org() {
                    format!("{} level {level}", t.as_str())
                } else {
                    t.as_str().to_owned()
                }
            })
            .collect();
        let _ = writeln!(
            out,
            "policies: {}\nstatements: {}\ngroups: {}",
            self.policies,
            self.statements,
            groups.join(", ")
        );
        let _ = writeln!(out, "sections: {}", self.sections.len());
        out.push_str("  #  kind      offset        bytes  crc32\n");
        for (i, s) in self.sections.iter().enumerate() {
            let _ = writeln!(
                out,
                "  {i:<2} {:<9} {:>8} {:>12}  {:08x}",
                s.kind_name(),
                s.offset,
                s.len,
                s.crc32
            );
        }
        let (states, dfa_bytes) = self
            .automata
            .iter()
            .fold((0usize, 0usize), |(s, b), a| (s + a.states, b + a.bytes));
        let _ = writeln!(
            out,
            "automata: {} ({states} states, {dfa_bytes} bytes)",
            self.automata.len()
        );
        out.push_str("  #  role        patterns     states        bytes\n");
        for (i, a) in self.automata.iter().enumerate() {
            let _ = writeln!(
                out,
                "  {i:<2} {:<10} {:>9} {:>10} {:>12}",
                a.role, a.patterns, a.states, a.bytes
            );
        }
        out
    }
}
