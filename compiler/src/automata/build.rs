//! Determinization: every DFA of an artifact is built here, with the same configuration.

use regex_automata::dfa::{dense, Automaton, StartKind};
use regex_automata::nfa::thompson::{self, WhichCaptures};
use regex_automata::util::primitives::StateID;
use regex_automata::{Anchored, MatchKind};
use regex_syntax::hir::Hir;

use crate::{CompileError, Config};

/// The DFA type artifacts carry.
pub type OwnedDfa = dense::DFA<Vec<u32>>;

/// What a DFA is for (reported by `iamc inspect` and the compile stats).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DfaRole {
    Action,
    Resource,
    Condition,
}

/// Size and shape of one built DFA.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DfaStats {
    pub role: DfaRole,
    pub patterns: usize,
    /// Reachable states from the anchored start, dead state excluded.
    pub states: usize,
    /// Serialized size in bytes.
    pub bytes: usize,
}

/// Why a build failed.
#[derive(Debug)]
pub enum BuildFailure {
    /// A size limit was hit: split the pattern set and retry.
    TooLarge,
    Other(String),
}

/// Collects the DFAs of one artifact; their index in it is what the program refers to.
///
/// Every DFA is anchored at the start (`StartKind::Anchored`), reports every matching pattern
/// (`MatchKind::All`), and is determinized under [`Config`]'s size limits. The passes of
/// [`crate::automata`] build theirs here, in order (conditions, actions, resources), and
/// refer to each by the index [`DfaBuilder::push`] returns.
#[derive(Debug)]
pub struct DfaBuilder {
    dfa_size_limit: usize,
    determinize_size_limit: usize,
    max_total_dfa_bytes: usize,
    total_bytes: usize,
    dfas: Vec<OwnedDfa>,
    stats: Vec<DfaStats>,
}

impl DfaBuilder {
    pub fn new(config: &Config) -> DfaBuilder {
        DfaBuilder {
            dfa_size_limit: config.dfa_size_limit,
            determinize_size_limit: config.determinize_size_limit,
            max_total_dfa_bytes: config.max_total_dfa_bytes,
            total_bytes: 0,
            dfas: Vec::new(),
            stats: Vec::new(),
        }
    }

    /// Builds one DFA over `hirs` (pattern id `i` is `hirs[i]`) without keeping it.
    ///
    /// # Errors
    /// [`BuildFailure::TooLarge`] when a size limit is hit.
    pub fn try_build(&self, hirs: &[Hir]) -> Result<OwnedDfa, BuildFailure> {
        let nfa = thompson::Compiler::new()
            .configure(
                thompson::Config::new()
                    .utf8(false)
                    .which_captures(WhichCaptures::None)
                    .nfa_size_limit(Some(self.dfa_size_limit)),
            )
            .build_many_from_hir(hirs)
            .map_err(|e| {
                if e.to_string().contains("exceeds") || e.to_string().contains("limit") {
                    BuildFailure::TooLarge
                } else {
                    BuildFailure::Other(e.to_string())
                }
            })?;
        dense::Builder::new()
            .configure(
                dense::Config::new()
                    .match_kind(MatchKind::All)
                    .start_kind(StartKind::Anchored)
                    .starts_for_each_pattern(false)
                    .byte_classes(true)
                    .minimize(false)
                    .dfa_size_limit(Some(self.dfa_size_limit))
                    .determinize_size_limit(Some(self.determinize_size_limit)),
            )
            .build_from_nfa(&nfa)
            .map_err(|e| {
                if e.is_size_limit_exceeded() {
                    BuildFailure::TooLarge
                } else {
                    BuildFailure::Other(e.to_string())
                }
            })
    }

    /// Keeps `dfa` in the artifact; returns its index.
    ///
    /// # Errors
    /// More than `u32::MAX` DFAs, or a DFA without an anchored start.
    pub fn push(&mut self, dfa: OwnedDfa, role: DfaRole) -> Result<u32, CompileError> {
        let index =
            u32::try_from(self.dfas.len()).map_err(|_| CompileError::too_many("automata"))?;
        let states = reachable_states(&dfa)?.len();
        let bytes = dfa.to_bytes_little_endian().0.len();
        self.total_bytes = self.total_bytes.saturating_add(bytes);
        if self.total_bytes > self.max_total_dfa_bytes {
            return Err(CompileError::over_budget(
                self.total_bytes,
                self.max_total_dfa_bytes,
            ));
        }
        self.stats.push(DfaStats {
            role,
            patterns: dfa.pattern_len(),
            states,
            bytes,
        });
        self.dfas.push(dfa);
        Ok(index)
    }

    /// Builds and keeps one DFA over `hirs`; `what` names the set in errors.
    ///
    /// # Errors
    /// A size limit was hit ([`CompileError`] names `what`), or the build failed.
    pub fn add(&mut self, hirs: &[Hir], role: DfaRole, what: &str) -> Result<u32, CompileError> {
        match self.try_build(hirs) {
            Ok(dfa) => self.push(dfa, role),
            Err(BuildFailure::TooLarge) => Err(CompileError::too_large(what)),
            Err(BuildFailure::Other(e)) => Err(CompileError::automaton(what, &e)),
        }
    }

    pub fn get(&self, index: u32) -> Option<&OwnedDfa> {
        self.dfas.get(index as usize)
    }

    pub fn stats(&self) -> &[DfaStats] {
        &self.stats
    }

    pub fn into_parts(self) -> (Vec<OwnedDfa>, Vec<DfaStats>) {
        (self.dfas, self.stats)
    }
}

/// The anchored start state.
///
/// # Errors
/// The DFA has no anchored start (never for DFAs built here).
pub fn anchored_start(dfa: &OwnedDfa) -> Result<StateID, CompileError> {
    dfa.start_state(&regex_automata::util::start::Config::new().anchored(Anchored::Yes))
        .map_err(|e| CompileError::automaton("anchored start", &e.to_string()))
}

/// Every state reachable from the anchored start (start included, dead state excluded).
///
/// # Errors
/// See [`anchored_start`].
pub fn reachable_states(dfa: &OwnedDfa) -> Result<Vec<StateID>, CompileError> {
    let start = anchored_start(dfa)?;
    let reps: Vec<u8> = dfa
        .byte_classes()
        .representatives(0..=255)
        .filter_map(|u| u.as_u8())
        .collect();
    let mut seen = std::collections::HashSet::new();
    let mut order = Vec::new();
    let mut stack = vec![start];
    seen.insert(start);
    while let Some(s) = stack.pop() {
        order.push(s);
        for &b in &reps {
            let n = dfa.next_state(s, b);
            if dfa.is_dead_state(n) {
                continue;
            }
            if seen.insert(n) {
                stack.push(n);
            }
        }
    }
    Ok(order)
}
