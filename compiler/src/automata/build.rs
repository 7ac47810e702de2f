//! Determinization: every DFA of an artifact is built here, with the same configuration.

use regex_automata::dfa::{dense, Automaton, StartKind};
use regex_automata::nfa::thompson::{self, WhichCaptures};
use regex_automata::util::primitives::StateID;
use regex_automata::{Anchored, MatchKind};
use regex_syntax::hir::Hir;

use crate::{CompileError, Config};

/// The DFA type artifacts carry.
///
/// ```
/// use iamc_compiler::automata::{DfaBuilder, DfaRole};
/// use regex_syntax::hir::Hir;
/// let mut b = DfaBuilder::new(&iamc_compiler::Config::default());
///
/// let i = b.add(&[Hir::literal(*b"ecs:runtask")], DfaRole::Action, "`ecs:RunTask`")?;
/// let dfa: &iamc_compiler::automata::OwnedDfa = b.get(i).ok_or("no dfa")?;
/// assert_eq!(regex_automata::dfa::Automaton::pattern_len(dfa), 1);
///
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub type OwnedDfa = dense::DFA<Vec<u32>>;

/// What a DFA is for (reported by `iamc inspect` and the compile stats).
///
/// ```
/// use iamc_compiler::automata::{DfaBuilder, DfaRole};
/// use regex_syntax::hir::Hir;
/// let mut b = DfaBuilder::new(&iamc_compiler::Config::default());
///
/// b.add(&[Hir::literal(*b"home/")], DfaRole::Condition, "`s3:prefix`")?;
/// assert_eq!(b.stats()[0].role, DfaRole::Condition);
///
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DfaRole {
    /// An action shard's DFA over its wildcard action patterns.
    Action,
    /// A DFA over resource patterns.
    Resource,
    /// A DFA over one list of constant `StringLike`/`Arn...` condition values.
    Condition,
}

/// Size and shape of one built DFA.
///
/// ```
/// use iamc_compiler::automata::{DfaBuilder, DfaRole};
/// use regex_syntax::hir::Hir;
/// let mut b = DfaBuilder::new(&iamc_compiler::Config::default());
///
/// b.add(&[Hir::literal(*b"arn:aws:s3:::reports"), Hir::literal(*b"arn:aws:s3:::logs")], DfaRole::Resource, "buckets")?;
/// let stats = b.stats()[0];
/// assert_eq!((stats.role, stats.patterns), (DfaRole::Resource, 2));
/// assert!(stats.states > 0 && stats.bytes > 0);
///
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DfaStats {
    /// What the DFA is for.
    pub role: DfaRole,
    /// Number of patterns (pattern id `i` is the `i`th pattern given to the build).
    pub patterns: usize,
    /// Reachable states from the anchored start, dead state excluded.
    pub states: usize,
    /// Serialized size in bytes.
    pub bytes: usize,
}

/// Why a build failed.
///
/// ```
/// use iamc_compiler::automata::{build::BuildFailure, DfaBuilder};
/// let tiny = iamc_compiler::Config { dfa_size_limit: 1, determinize_size_limit: 1, ..Default::default() };
/// let hir = regex_syntax::parse("(a|b)*a(a|b)(a|b)(a|b)")?;
/// let failure = DfaBuilder::new(&tiny).try_build(&[hir]).unwrap_err();
/// assert!(matches!(failure, BuildFailure::TooLarge));
///
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub enum BuildFailure {
    /// A size limit was hit: split the pattern set and retry.
    TooLarge,
    /// Any other failure of `regex-automata`, its message.
    Other(String),
}

/// Collects the DFAs of one artifact; their index in it is what the program refers to.
///
/// Every DFA is anchored at the start (`StartKind::Anchored`), reports every matching pattern
/// (`MatchKind::All`), and is determinized under [`Config`]'s size limits. The passes of
/// [`crate::automata`] build theirs here, in order (conditions, actions, resources), and
/// refer to each by the index [`DfaBuilder::push`] returns.
///
/// ```
/// use iamc_compiler::automata::{DfaBuilder, DfaRole};
/// use regex_syntax::hir::Hir;
/// let mut b = DfaBuilder::new(&iamc_compiler::Config::default());
///
/// let first = b.add(&[Hir::literal(*b"s3:getobject")], DfaRole::Action, "s3")?;
/// let second = b.add(&[Hir::literal(*b"ecs:runtask")], DfaRole::Action, "ecs")?;
/// assert_eq!((first, second), (0, 1));
/// let (dfas, stats) = b.into_parts();
/// assert_eq!((dfas.len(), stats.len()), (2, 2));
///
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
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
    /// A builder with no DFA yet, under `config`'s limits.
    ///
    /// ```
    /// use iamc_compiler::automata::DfaBuilder;
    ///
    /// let b = DfaBuilder::new(&iamc_compiler::Config::default());
    /// assert!(b.stats().is_empty() && b.get(0).is_none());
    /// ```
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
    ///
    /// ```
    /// use iamc_compiler::automata::{DfaBuilder, DfaRole};
    /// use regex_syntax::hir::Hir;
    /// let mut b = DfaBuilder::new(&iamc_compiler::Config::default());
    ///
    /// let dfa = b.try_build(&[Hir::literal(*b"s3:getobject")]).map_err(|e| format!("{e:?}"))?;
    /// assert!(b.stats().is_empty(), "not kept");
    /// assert_eq!(b.push(dfa, DfaRole::Condition)?, 0);
    ///
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
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
    /// More than `u32::MAX` DFAs, the total automaton budget (`max_total_dfa_bytes`) exceeded,
    /// or a DFA without an anchored start.
    ///
    /// ```
    /// use iamc_compiler::automata::{DfaBuilder, DfaRole};
    /// use iamc_compiler::automata::glob::glob_hir;
    /// use iamc_compiler::lower::action_glob;
    /// let mut b = DfaBuilder::new(&iamc_compiler::Config::default());
    ///
    /// let dfa = b.try_build(&[glob_hir(&action_glob("ecs:Describe*")?, true)]).map_err(|e| format!("{e:?}"))?;
    /// assert_eq!(b.push(dfa.clone(), DfaRole::Action)?, 0);
    /// assert_eq!(b.push(dfa, DfaRole::Action)?, 1, "indexes follow the order of pushes");
    ///
    /// let tiny = iamc_compiler::Config { max_total_dfa_bytes: 16, ..Default::default() };
    /// let mut over = DfaBuilder::new(&tiny);
    /// let dfa = over.try_build(&[glob_hir(&action_glob("ecs:Describe*")?, true)]).map_err(|e| format!("{e:?}"))?;
    /// assert!(over.push(dfa, DfaRole::Action).is_err(), "over the total budget");
    ///
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
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
    /// A size limit was hit ([`CompileError`] names `what`), the build failed, or keeping the
    /// DFA fails as in [`DfaBuilder::push`].
    ///
    /// ```
    /// use iamc_compiler::automata::{DfaBuilder, DfaRole};
    /// use regex_syntax::hir::Hir;
    /// let mut b = DfaBuilder::new(&iamc_compiler::Config::default());
    ///
    /// assert_eq!(b.add(&[Hir::literal(*b"s3:putobject")], DfaRole::Action, "`s3:PutObject`")?, 0);
    /// assert!(b.get(0).is_some() && b.get(1).is_none());
    ///
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn add(&mut self, hirs: &[Hir], role: DfaRole, what: &str) -> Result<u32, CompileError> {
        match self.try_build(hirs) {
            Ok(dfa) => self.push(dfa, role),
            Err(BuildFailure::TooLarge) => Err(CompileError::too_large(what)),
            Err(BuildFailure::Other(e)) => Err(CompileError::automaton(what, &e)),
        }
    }

    /// The DFA at `index`, if kept.
    ///
    /// ```
    /// use iamc_compiler::automata::{DfaBuilder, DfaRole};
    /// use iamc_compiler::automata::glob::glob_hir;
    /// use iamc_compiler::lower::action_glob;
    /// use regex_automata::dfa::Automaton;
    /// let mut b = DfaBuilder::new(&iamc_compiler::Config::default());
    ///
    /// let hirs = [glob_hir(&action_glob("s3:Get*")?, true), glob_hir(&action_glob("s3:Put*")?, true)];
    /// let i = b.add(&hirs, DfaRole::Action, "s3 actions")?;
    /// assert_eq!(b.get(i).map(|dfa| dfa.pattern_len()), Some(2));
    /// assert!(b.get(i + 1).is_none());
    ///
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn get(&self, index: u32) -> Option<&OwnedDfa> {
        self.dfas.get(index as usize)
    }

    /// The stats of the DFAs kept so far, in index order.
    ///
    /// ```
    /// use iamc_compiler::automata::{DfaBuilder, DfaRole};
    /// use iamc_compiler::automata::glob::glob_hir;
    /// use iamc_compiler::lower::{action_glob, resource_glob};
    /// use iamc_grammar::ast::{PolicyType, Version};
    /// let mut b = DfaBuilder::new(&iamc_compiler::Config::default());
    ///
    /// b.add(&[glob_hir(&action_glob("ecs:RunTask")?, true)], DfaRole::Action, "actions")?;
    /// let cluster = "arn:aws:ecs:us-east-1:111122223333:cluster/*";
    /// let arn = resource_glob(cluster, PolicyType::Identity, Version::V2012_10_17)?.ok_or("no glob")?;
    /// b.add(&[glob_hir(&arn, false)], DfaRole::Resource, "resources")?;
    /// let roles: Vec<DfaRole> = b.stats().iter().map(|s| s.role).collect();
    /// assert_eq!(roles, [DfaRole::Action, DfaRole::Resource]);
    ///
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn stats(&self) -> &[DfaStats] {
        &self.stats
    }

    /// The DFAs and their stats, in index order.
    ///
    /// ```
    /// use iamc_compiler::automata::{DfaBuilder, DfaRole};
    /// use iamc_compiler::automata::glob::glob_hir;
    /// use iamc_compiler::lower::action_glob;
    /// use regex_automata::dfa::Automaton;
    /// let mut b = DfaBuilder::new(&iamc_compiler::Config::default());
    ///
    /// b.add(&[glob_hir(&action_glob("ecs:List*")?, true)], DfaRole::Action, "ecs")?;
    /// let (dfas, stats) = b.into_parts();
    /// assert_eq!(dfas.len(), 1);
    /// assert_eq!((dfas[0].pattern_len(), stats[0].patterns), (1, 1));
    ///
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn into_parts(self) -> (Vec<OwnedDfa>, Vec<DfaStats>) {
        (self.dfas, self.stats)
    }
}

/// The anchored start state.
///
/// # Errors
/// The DFA has no anchored start (never for DFAs built here).
///
/// ```
/// use iamc_compiler::automata::{DfaBuilder, DfaRole};
/// use regex_syntax::hir::Hir;
/// let mut b = DfaBuilder::new(&iamc_compiler::Config::default());
///
/// let i = b.add(&[Hir::literal(*b"ecs:listclusters")], DfaRole::Action, "`ecs:ListClusters`")?;
/// let dfa = b.get(i).ok_or("no dfa")?;
/// let start = iamc_compiler::automata::build::anchored_start(dfa)?;
/// assert!(!regex_automata::dfa::Automaton::is_dead_state(dfa, start));
///
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn anchored_start(dfa: &OwnedDfa) -> Result<StateID, CompileError> {
    dfa.start_state(&regex_automata::util::start::Config::new().anchored(Anchored::Yes))
        .map_err(|e| CompileError::automaton("anchored start", &e.to_string()))
}

/// Every state reachable from the anchored start (start included, dead state excluded).
///
/// # Errors
/// See [`anchored_start`].
///
/// ```
/// use iamc_compiler::automata::{DfaBuilder, DfaRole};
/// use regex_syntax::hir::Hir;
/// let mut b = DfaBuilder::new(&iamc_compiler::Config::default());
///
/// let i = b.add(&[Hir::literal(*b"s3:get")], DfaRole::Action, "`s3:get`")?;
/// let states = iamc_compiler::automata::build::reachable_states(b.get(i).ok_or("no dfa")?)?;
/// assert!(states.len() >= 7, "the start and one after each of the 6 bytes: {states:?}");
///
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
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
