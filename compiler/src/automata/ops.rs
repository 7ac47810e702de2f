//! Automata algebra on dense DFAs: whether two languages intersect (with a shortest witness),
//! whether one is included in another (with a shortest counterexample), and which pattern pairs
//! of two multi-pattern DFAs intersect. The service catalog, the findings and the diff use it.
//!
//! **Which DFAs.** Those [`super::build`] makes, or any dense DFA configured like them: an
//! anchored start (`StartKind::Anchored` or `Both`), `MatchKind::All` (every pattern reported,
//! none dropped when another matched), no quit bytes. Patterns should be end-anchored (a glob's
//! [`super::glob::glob_hir`] with `early = false`): the languages below are about whole strings.
//!
//! **Languages.** `L(D, p)` is the set of strings `w` such that walking `D` from its anchored
//! start over the bytes of `w`, then taking the end-of-input transition, reaches a match state
//! that reports pattern `p`. regex-automata reports a match one byte late (the state entered on
//! byte `i` says whether a match ended just before `i`), so a match ending at the end of `w` is
//! seen only after the end-of-input transition; that is the one acceptance test used here.
//! [`Language::of`] is the union over all patterns of `D`. Only valid UTF-8 strings count (the
//! DFAs run over the bytes of `&str` requests): the search carries a third automaton, a UTF-8
//! decoder, so every witness is valid UTF-8, and a byte string that is not UTF-8 is never a
//! member, a witness or a counterexample.
//!
//! **Partitions.** [`match_sets`] lists the classes of strings a multi-pattern DFA cannot tell
//! apart (the distinct sets of patterns some string matches), each with a shortest member:
//! the analyses' finite view of an infinite set of actions, resources or condition values.
//! [`matched_patterns`] names the class of one string.
//!
//! **Search.** Breadth-first over triples (state of A, state of B, UTF-8 decoder state), so a
//! witness is a shortest one in bytes. From each triple one byte per joint class is tried (two
//! bytes in the same class of A, of B and of the decoder lead to the same triple), the first in
//! a readability order: lowercase letters, digits, uppercase letters, printable punctuation,
//! space, other ASCII, then the bytes of multi-byte characters. The search stops with an error
//! after [`Limits::max_states`] triples: it never runs unbounded (a product can be as large as
//! the product of the state counts).

use std::collections::{BTreeSet, HashMap, HashSet};
use std::fmt;
use std::hash::{BuildHasherDefault, Hasher};

use regex_automata::dfa::{dense, Automaton};
use regex_automata::util::primitives::StateID;
use regex_automata::util::start;
use regex_automata::{Anchored, PatternID};

/// A multiply-rotate hasher for the search's small integer keys: SipHash's resistance to
/// chosen keys buys nothing here (the keys are state ids) and costs most of the search time.
#[derive(Default, Clone, Copy)]
struct StateHasher(u64);

impl StateHasher {
    fn add(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}

impl Hasher for StateHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.add(u64::from(b));
        }
    }

    fn write_u8(&mut self, n: u8) {
        self.add(u64::from(n));
    }

    fn write_u32(&mut self, n: u32) {
        self.add(u64::from(n));
    }

    fn write_u64(&mut self, n: u64) {
        self.add(n);
    }

    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

type Triple = (StateID, StateID, u8);
type FastMap = HashMap<Triple, usize, BuildHasherDefault<StateHasher>>;

/// Bounds on one product search.
///
/// ```
/// use iamc_compiler::automata::glob::{build_glob_dfa, Semantics};
/// use iamc_compiler::automata::ops::{shortest_member, Language, Limits};
/// let globs = [iamc_compiler::lower::action_glob("s3:*")?];
/// let d = build_glob_dfa(&globs, Semantics::Action, &Default::default())?;
/// let found = shortest_member(Language::of(&d.dfa), &Limits { max_states: 1_000 })?;
/// assert_eq!(found.as_deref(), Some("s3:"));
///
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The most product states (triples) one search visits before it gives up.
    pub max_states: usize,
}

impl Default for Limits {
    /// 1,048,576 product states: about 40 MiB of bookkeeping at most.
    fn default() -> Limits {
        Limits {
            max_states: 1 << 20,
        }
    }
}

/// Why a product search gave no answer.
///
/// ```
/// use iamc_compiler::automata::glob::{build_glob_dfa, Semantics};
/// use iamc_compiler::automata::ops::{shortest_member, Language, Limits};
/// let globs = [iamc_compiler::lower::action_glob("s3:GetObject")?];
/// let d = build_glob_dfa(&globs, Semantics::Action, &Default::default())?;
/// let e = shortest_member(Language::of(&d.dfa), &Limits { max_states: 1 }).unwrap_err();
/// assert!(e.is_limit_exceeded(), "{e}");
///
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpsError {
    kind: OpsErrorKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum OpsErrorKind {
    TooManyStates(usize),
    NoAnchoredStart(String),
    QuitState,
}

impl OpsError {
    /// Whether the search hit [`Limits::max_states`] (rather than meeting an automaton it
    /// cannot search): a larger limit may give an answer.
    ///
    /// ```
    /// use iamc_compiler::automata::glob::{build_glob_dfa, Semantics};
    /// use iamc_compiler::automata::ops::{intersection, Language, Limits};
    /// use iamc_compiler::lower::action_glob;
    /// let config = iamc_compiler::Config::default();
    /// let a = build_glob_dfa(&[action_glob("ecs:*Task")?], Semantics::Action, &config)?;
    /// let b = build_glob_dfa(&[action_glob("ecs:Run*")?], Semantics::Action, &config)?;
    /// let (a, b) = (Language::of(&a.dfa), Language::of(&b.dfa));
    /// let e = intersection(a, b, &Limits { max_states: 2 }).unwrap_err();
    /// assert!(e.is_limit_exceeded(), "{e}");
    /// assert_eq!(intersection(a, b, &Limits::default())?.as_deref(), Some("ecs:runtask"));
    ///
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn is_limit_exceeded(&self) -> bool {
        matches!(self.kind, OpsErrorKind::TooManyStates(_))
    }
}

impl fmt::Display for OpsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            OpsErrorKind::TooManyStates(n) => {
                write!(f, "automata product exceeds {n} states")
            }
            OpsErrorKind::NoAnchoredStart(e) => {
                write!(f, "automaton has no anchored start state: {e}")
            }
            OpsErrorKind::QuitState => write!(f, "automaton gave up on a quit byte"),
        }
    }
}

impl std::error::Error for OpsError {}

/// A DFA's language: all its patterns, or one of them.
///
/// ```
/// use iamc_compiler::automata::glob::{build_glob_dfa, Semantics};
/// use iamc_compiler::automata::ops::{intersection, Language, Limits};
/// use iamc_compiler::lower::action_glob;
/// use regex_automata::PatternID;
/// let globs = [action_glob("s3:Get*")?, action_glob("ec2:*")?];
/// let d = build_glob_dfa(&globs, Semantics::Action, &Default::default())?;
/// let s3 = Language::of_pattern(&d.dfa, PatternID::ZERO);
/// let ec2 = Language::of_pattern(&d.dfa, PatternID::must(1));
/// assert_eq!(intersection(s3, ec2, &Limits::default())?, None);
/// assert!(intersection(s3, Language::of(&d.dfa), &Limits::default())?.is_some());
///
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Language<'a, T> {
    dfa: &'a dense::DFA<T>,
    pattern: Option<PatternID>,
}

impl<T> Clone for Language<'_, T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Language<'_, T> {}

impl<T> fmt::Debug for Language<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Language")
            .field("pattern", &self.pattern)
            .finish_non_exhaustive()
    }
}

impl<'a, T: AsRef<[u32]>> Language<'a, T> {
    /// The strings some pattern of `dfa` matches.
    ///
    /// ```
    /// use iamc_compiler::automata::glob::{build_glob_dfa, Semantics};
    /// use iamc_compiler::automata::ops::{shortest_member, Language, Limits};
    /// use iamc_compiler::lower::action_glob;
    /// let globs = [action_glob("s3:GetObject*")?, action_glob("s3:Put*")?];
    /// let d = build_glob_dfa(&globs, Semantics::Action, &Default::default())?;
    /// let shortest = shortest_member(Language::of(&d.dfa), &Limits::default())?;
    /// assert_eq!(shortest.as_deref(), Some("s3:put"), "the shortest string of either pattern");
    ///
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn of(dfa: &'a dense::DFA<T>) -> Language<'a, T> {
        Language { dfa, pattern: None }
    }

    /// The strings pattern `pattern` of `dfa` matches (empty when `dfa` has no such pattern).
    ///
    /// ```
    /// use iamc_compiler::automata::glob::{build_glob_dfa, Semantics};
    /// use iamc_compiler::automata::ops::{shortest_member, Language, Limits};
    /// use iamc_compiler::lower::action_glob;
    /// use regex_automata::PatternID;
    /// let globs = [action_glob("s3:GetObject*")?, action_glob("s3:Put*")?];
    /// let d = build_glob_dfa(&globs, Semantics::Action, &Default::default())?;
    /// let first = Language::of_pattern(&d.dfa, PatternID::ZERO);
    /// assert_eq!(shortest_member(first, &Limits::default())?.as_deref(), Some("s3:getobject"));
    /// let absent = Language::of_pattern(&d.dfa, PatternID::must(7));
    /// assert_eq!(shortest_member(absent, &Limits::default())?, None);
    ///
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn of_pattern(dfa: &'a dense::DFA<T>, pattern: PatternID) -> Language<'a, T> {
        Language {
            dfa,
            pattern: Some(pattern),
        }
    }

    fn start(&self) -> Result<StateID, OpsError> {
        self.dfa
            .start_state(&start::Config::new().anchored(Anchored::Yes))
            .map_err(|e| OpsError {
                kind: OpsErrorKind::NoAnchoredStart(e.to_string()),
            })
    }

    /// Whether the input read so far (ending in state `s`) is in the language.
    fn accepts(&self, s: StateID) -> bool {
        let eoi = self.dfa.next_eoi_state(s);
        if !self.dfa.is_match_state(eoi) {
            return false;
        }
        match self.pattern {
            None => true,
            Some(p) => (0..self.dfa.match_len(eoi)).any(|i| self.dfa.match_pattern(eoi, i) == p),
        }
    }

    fn is_dead(&self, s: StateID) -> bool {
        self.dfa.is_dead_state(s)
    }
}

/// A shortest valid UTF-8 string in both `a` and `b`, or `None` when they do not intersect.
///
/// # Errors
/// The search hit `limits`, or a DFA has no anchored start or quit bytes.
///
/// ```
/// use iamc_compiler::automata::glob::{build_glob_dfa, Semantics};
/// use iamc_compiler::automata::ops::{intersection, Language, Limits};
/// use iamc_compiler::lower::action_glob;
/// let config = iamc_compiler::Config::default();
/// let a = build_glob_dfa(&[action_glob("s3:Get*")?], Semantics::Action, &config)?;
/// let b = build_glob_dfa(&[action_glob("s3:*Object")?], Semantics::Action, &config)?;
/// let w = intersection(Language::of(&a.dfa), Language::of(&b.dfa), &Limits::default())?;
/// assert_eq!(w.as_deref(), Some("s3:getobject"));
///
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn intersection<T: AsRef<[u32]>, U: AsRef<[u32]>>(
    a: Language<'_, T>,
    b: Language<'_, U>,
    limits: &Limits,
) -> Result<Option<String>, OpsError> {
    search(a, b, limits, Goal::Both)
}

/// `None` when every string of `a` is in `b` (`L(a) ⊆ L(b)`); otherwise a shortest string of
/// `a` that is not in `b`.
///
/// # Errors
/// As [`intersection`].
///
/// ```
/// use iamc_compiler::automata::glob::{build_glob_dfa, Semantics};
/// use iamc_compiler::automata::ops::{inclusion, Language, Limits};
/// use iamc_compiler::lower::action_glob;
/// let config = iamc_compiler::Config::default();
/// let narrow = build_glob_dfa(&[action_glob("s3:GetObject*")?], Semantics::Action, &config)?;
/// let wide = build_glob_dfa(&[action_glob("s3:Get*")?], Semantics::Action, &config)?;
/// let (narrow, wide) = (Language::of(&narrow.dfa), Language::of(&wide.dfa));
/// assert_eq!(inclusion(narrow, wide, &Limits::default())?, None);
/// assert_eq!(inclusion(wide, narrow, &Limits::default())?.as_deref(), Some("s3:get"));
///
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn inclusion<T: AsRef<[u32]>, U: AsRef<[u32]>>(
    a: Language<'_, T>,
    b: Language<'_, U>,
    limits: &Limits,
) -> Result<Option<String>, OpsError> {
    search(a, b, limits, Goal::OnlyA)
}

/// A shortest valid UTF-8 string of `a`, or `None` when `a` is empty.
///
/// # Errors
/// As [`intersection`].
///
/// ```
/// use iamc_compiler::automata::glob::{build_glob_dfa, Semantics};
/// use iamc_compiler::automata::ops::{shortest_member, Language, Limits};
/// let globs = [iamc_compiler::lower::action_glob("ec2:Describe?")?];
/// let d = build_glob_dfa(&globs, Semantics::Action, &Default::default())?;
/// let member = shortest_member(Language::of(&d.dfa), &Limits::default())?;
/// assert_eq!(member.as_deref(), Some("ec2:describea"));
///
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn shortest_member<T: AsRef<[u32]>>(
    a: Language<'_, T>,
    limits: &Limits,
) -> Result<Option<String>, OpsError> {
    search(a, a, limits, Goal::Both)
}

/// Every pair `(p, q)` (ordered) such that pattern `p` of `a` and pattern `q` of `b` have a
/// common string: one exploration of the whole product instead of one search per pair.
///
/// # Errors
/// As [`intersection`].
///
/// ```
/// use iamc_compiler::automata::glob::{build_glob_dfa, Semantics};
/// use iamc_compiler::automata::ops::{intersecting_patterns, Limits};
/// use iamc_compiler::lower::action_glob;
/// use regex_automata::PatternID;
/// let config = iamc_compiler::Config::default();
/// let a = build_glob_dfa(&[action_glob("s3:Get*")?, action_glob("ec2:*")?], Semantics::Action, &config)?;
/// let b = build_glob_dfa(&[action_glob("s3:*Object")?], Semantics::Action, &config)?;
/// let pairs = intersecting_patterns(&a.dfa, &b.dfa, &Limits::default())?;
/// assert_eq!(pairs, vec![(PatternID::ZERO, PatternID::ZERO)]);
///
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn intersecting_patterns<T: AsRef<[u32]>, U: AsRef<[u32]>>(
    a: &dense::DFA<T>,
    b: &dense::DFA<U>,
    limits: &Limits,
) -> Result<Vec<(PatternID, PatternID)>, OpsError> {
    let (la, lb) = (Language::of(a), Language::of(b));
    let mut pairs = BTreeSet::new();
    walk_product(
        (la.start()?, lb.start()?),
        &joint_classes(a, b),
        limits,
        step_pair(la, lb, true),
        |_, (sa, sb, u)| {
            if u == UTF8_ACCEPT {
                for p in end_patterns(a, sa) {
                    for &q in &end_patterns(b, sb) {
                        pairs.insert((p, q));
                    }
                }
            }
            false
        },
    )?;
    Ok(pairs.into_iter().collect())
}

/// One class of strings a multi-pattern DFA cannot tell apart: exactly the patterns they all
/// match (sorted; empty for the strings that match none), and one member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatchSet {
    /// The patterns every member matches, sorted (empty: the strings no pattern matches).
    pub patterns: Vec<PatternID>,
    /// A shortest member, or a shortest one the preferred language accepts when there is one.
    pub witness: String,
}

/// Every distinct set of patterns that some valid UTF-8 string matches in `dfa` (the empty set
/// included when some string matches no pattern), each with a shortest member: the partition of
/// all strings that `dfa` induces. With `prefer`, a class's witness is a shortest member that
/// `prefer` accepts when the class has one (readable witnesses: an ARN-shaped resource rather
/// than the empty string), otherwise a shortest member.
///
/// # Errors
/// As [`intersection`] (the search visits every reachable product state, bounded by `limits`).
pub fn match_sets<T: AsRef<[u32]>, U: AsRef<[u32]>>(
    dfa: &dense::DFA<T>,
    prefer: Option<&dense::DFA<U>>,
    limits: &Limits,
) -> Result<Vec<MatchSet>, OpsError> {
    let a = Language::of(dfa);
    let p = prefer.map(Language::of);
    let classes = match prefer {
        Some(pd) => joint_classes(dfa, pd),
        None => joint_classes(dfa, dfa),
    };
    let p_start = match &p {
        Some(p) => p.start()?,
        None => StateID::ZERO,
    };
    // Per match set: the first node reaching it, and the first one `prefer` accepts.
    let mut found: HashMap<Vec<PatternID>, (usize, Option<usize>)> = HashMap::new();
    let mut order: Vec<Vec<PatternID>> = Vec::new();
    // Without `prefer`, its state stays where it is (never read).
    let step = |sa: StateID, sp: StateID, byte: u8| {
        let next = (
            dfa.next_state(sa, byte),
            p.as_ref().map_or(sp, |p| p.dfa.next_state(sp, byte)),
        );
        if dfa.is_quit_state(next.0) || p.as_ref().is_some_and(|p| p.dfa.is_quit_state(next.1)) {
            return Err(OpsError {
                kind: OpsErrorKind::QuitState,
            });
        }
        Ok(Some(next))
    };
    let (nodes, _) = walk_product(
        (a.start()?, p_start),
        &classes,
        limits,
        step,
        |i, (sa, sp, u)| {
            if u == UTF8_ACCEPT {
                let set = end_patterns(dfa, sa);
                let preferred = p.as_ref().is_some_and(|p| p.accepts(sp));
                match found.get_mut(&set) {
                    Some(slot) => {
                        if preferred && slot.1.is_none() {
                            slot.1 = Some(i);
                        }
                    }
                    None => {
                        order.push(set.clone());
                        found.insert(set, (i, preferred.then_some(i)));
                    }
                }
            }
            false
        },
    )?;
    Ok(order
        .into_iter()
        .filter_map(|set| {
            let &(first, preferred) = found.get(&set)?;
            Some(MatchSet {
                witness: witness(&nodes, preferred.unwrap_or(first)),
                patterns: set,
            })
        })
        .collect())
}

/// The patterns of `dfa` that match all of `text` (sorted), walking from the anchored start.
///
/// # Errors
/// The DFA has no anchored start, or gave up on a quit byte.
pub fn matched_patterns<T: AsRef<[u32]>>(
    dfa: &dense::DFA<T>,
    text: &str,
) -> Result<Vec<PatternID>, OpsError> {
    let mut s = Language::of(dfa).start()?;
    for &b in text.as_bytes() {
        s = dfa.next_state(s, b);
        if dfa.is_quit_state(s) {
            return Err(OpsError {
                kind: OpsErrorKind::QuitState,
            });
        }
        if dfa.is_dead_state(s) {
            return Ok(Vec::new());
        }
    }
    Ok(end_patterns(dfa, s))
}

/// The patterns (sorted, each once) that match the input read so far, ending in state `s`:
/// those the end-of-input transition from `s` reports.
fn end_patterns<T: AsRef<[u32]>>(dfa: &dense::DFA<T>, s: StateID) -> Vec<PatternID> {
    let eoi = dfa.next_eoi_state(s);
    if !dfa.is_match_state(eoi) {
        return Vec::new();
    }
    let mut out: Vec<PatternID> = (0..dfa.match_len(eoi))
        .map(|k| dfa.match_pattern(eoi, k))
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// A shortest valid UTF-8 string in every language of `all` and in no language of `none`, or
/// `None` when there is none: one product search over all the automata at once (n-ary
/// [`intersection`] and [`inclusion`]). The diff decides its resource classes this way, one
/// combination of patterns at a time, instead of determinizing every pattern together (whose
/// states multiply with the number of patterns that have wildcards).
///
/// Subtrees no member can lie in are cut: where an automaton of `all` is dead, and where one of
/// `none` accepts every continuation (a state that loops to itself on every byte and accepts).
///
/// # Errors
/// As [`intersection`].
pub fn boolean_member<T: AsRef<[u32]>>(
    all: &[Language<'_, T>],
    none: &[Language<'_, T>],
    limits: &Limits,
) -> Result<Option<String>, OpsError> {
    boolean_search(all, none, limits, true)
}

/// Some valid UTF-8 string in every language of `all` and in none of `none` (not always a
/// shortest one), or `None` when there is none. The product is walked best first: the state
/// nearest to being accepted by every automaton of `all` (each automaton's own distance to a
/// match, computed once), readable bytes first; this reaches a member of a non-empty
/// combination long before a breadth-first walk would, and states from which some automaton of
/// `all` can never match are cut. For deciding emptiness; [`boolean_member`] for a shortest
/// witness.
///
/// # Errors
/// As [`intersection`].
pub fn boolean_nonempty<T: AsRef<[u32]>>(
    all: &[Language<'_, T>],
    none: &[Language<'_, T>],
    limits: &Limits,
) -> Result<Option<String>, OpsError> {
    boolean_search(all, none, limits, false)
}

/// For each state of `dfa` reachable from its anchored start: the fewest bytes to a match
/// (states from which no match is reachable are left out).
fn distances<T: AsRef<[u32]>>(
    l: &Language<'_, T>,
    limits: &Limits,
) -> Result<HashMap<StateID, u32, BuildHasherDefault<StateHasher>>, OpsError> {
    let reps: Vec<u8> = l
        .dfa
        .byte_classes()
        .representatives(0..=255)
        .filter_map(|u| u.as_u8())
        .collect();
    let start = l.start()?;
    let mut seen: HashMap<StateID, usize, BuildHasherDefault<StateHasher>> = HashMap::default();
    let mut states = vec![start];
    let mut preds: Vec<Vec<usize>> = vec![Vec::new()];
    seen.insert(start, 0);
    let mut i = 0;
    while let Some(&s) = states.get(i) {
        for &b in &reps {
            let t = l.dfa.next_state(s, b);
            if l.is_dead(t) || l.dfa.is_quit_state(t) {
                continue;
            }
            let j = match seen.get(&t) {
                Some(&j) => j,
                None => {
                    if states.len() >= limits.max_states {
                        return Err(OpsError {
                            kind: OpsErrorKind::TooManyStates(limits.max_states),
                        });
                    }
                    seen.insert(t, states.len());
                    states.push(t);
                    preds.push(Vec::new());
                    states.len() - 1
                }
            };
            if let Some(p) = preds.get_mut(j) {
                p.push(i);
            }
        }
        i += 1;
    }
    // Backwards from the accepting states, breadth first.
    let mut dist: Vec<Option<u32>> = vec![None; states.len()];
    let mut queue = std::collections::VecDeque::new();
    for (j, &s) in states.iter().enumerate() {
        if l.accepts(s) {
            if let Some(d) = dist.get_mut(j) {
                *d = Some(0);
            }
            queue.push_back(j);
        }
    }
    while let Some(j) = queue.pop_front() {
        let d = dist.get(j).copied().flatten().unwrap_or(0);
        for &p in preds.get(j).map_or(&[][..], Vec::as_slice) {
            if let Some(slot) = dist.get_mut(p) {
                if slot.is_none() {
                    *slot = Some(d + 1);
                    queue.push_back(p);
                }
            }
        }
    }
    Ok(states
        .into_iter()
        .zip(dist)
        .filter_map(|(s, d)| Some((s, d?)))
        .collect())
}

fn boolean_search<T: AsRef<[u32]>>(
    all: &[Language<'_, T>],
    none: &[Language<'_, T>],
    limits: &Limits,
    shortest: bool,
) -> Result<Option<String>, OpsError> {
    let langs: Vec<Language<'_, T>> = all.iter().chain(none.iter()).copied().collect();
    let (n_all, k) = (all.len(), langs.len());
    let classes = joint_classes_of(&langs);
    // Per automaton of `none`: whether a state accepts every continuation.
    let mut universal: Vec<HashMap<StateID, bool, BuildHasherDefault<StateHasher>>> =
        vec![HashMap::default(); none.len()];
    let mut is_universal = |j: usize, s: StateID| -> bool {
        let (Some(l), Some(cache)) = (none.get(j), universal.get_mut(j)) else {
            return false;
        };
        *cache
            .entry(s)
            .or_insert_with(|| l.accepts(s) && (0..=255u8).all(|b| l.dfa.next_state(s, b) == s))
    };
    // Best first: each automaton of `all`'s distance to a match (none: cut).
    let guide = if shortest {
        Vec::new()
    } else {
        let mut g = Vec::with_capacity(n_all);
        for l in all {
            g.push(distances(l, limits)?);
        }
        g
    };
    let h_of = |states: &[StateID]| -> Option<u32> {
        let mut h = 0;
        for (d, s) in guide.iter().zip(states) {
            h = h.max(*d.get(s)?);
        }
        Some(h)
    };
    // The product states, `k` automaton states and a decoder state per node, in one arena;
    // nodes with equal states are found through a table of hashes with collision chains.
    let mut arena: Vec<StateID> = Vec::with_capacity(k * 64);
    let mut decoder: Vec<u8> = Vec::new();
    let mut parent: Vec<(usize, u8)> = Vec::new();
    let mut chain: Vec<usize> = Vec::new();
    let mut heads: HashMap<u64, usize, BuildHasherDefault<StateHasher>> = HashMap::default();
    let hash_of = |states: &[StateID], u: u8| {
        let mut h = StateHasher::default();
        for s in states {
            h.add(u64::from(s.as_u32()));
        }
        h.add(u64::from(u));
        h.finish()
    };
    for l in &langs {
        arena.push(l.start()?);
    }
    decoder.push(UTF8_ACCEPT);
    parent.push((0, 0));
    chain.push(usize::MAX);
    heads.insert(hash_of(&arena, UTF8_ACCEPT), 0);
    let mut succ: Vec<StateID> = Vec::with_capacity(k);
    // INVARIANT (bfs-order): node `i`'s parent is below `i` (children are appended). Breadth
    // first, the work list is the nodes themselves in order (`next`); best first, a heap by
    // (distance, depth, order of creation).
    let mut next = 0;
    let mut heap = std::collections::BinaryHeap::new();
    let mut depth: Vec<u32> = vec![0];
    if !shortest {
        match h_of(&arena) {
            Some(h) => heap.push(std::cmp::Reverse((h, 0u32, 0usize))),
            None => return Ok(None),
        }
    }
    loop {
        let i = if shortest {
            next += 1;
            next - 1
        } else {
            match heap.pop() {
                Some(std::cmp::Reverse((_, _, i))) => i,
                None => break,
            }
        };
        let (Some(&u), Some(states)) = (decoder.get(i), arena.get(i * k..(i + 1) * k)) else {
            break;
        };
        if u == UTF8_ACCEPT
            && langs
                .iter()
                .zip(states)
                .enumerate()
                .all(|(j, (l, &s))| l.accepts(s) == (j < n_all))
        {
            return Ok(Some(path_of(&parent, i)));
        }
        let d = depth.get(i).copied().unwrap_or(0).saturating_add(1);
        'bytes: for &byte in &classes {
            let nu = utf8_next(u, byte);
            if nu == UTF8_DEAD {
                continue;
            }
            succ.clear();
            for j in 0..k {
                let (Some(l), Some(&s)) = (langs.get(j), arena.get(i * k + j)) else {
                    continue 'bytes;
                };
                let t = l.dfa.next_state(s, byte);
                if l.dfa.is_quit_state(t) {
                    return Err(OpsError {
                        kind: OpsErrorKind::QuitState,
                    });
                }
                if j < n_all {
                    if l.is_dead(t) {
                        continue 'bytes;
                    }
                } else if is_universal(j - n_all, t) {
                    continue 'bytes;
                }
                succ.push(t);
            }
            let h = hash_of(&succ, nu);
            let mut at = heads.get(&h).copied().unwrap_or(usize::MAX);
            while at != usize::MAX {
                if decoder.get(at) == Some(&nu)
                    && arena.get(at * k..(at + 1) * k) == Some(&succ[..])
                {
                    continue 'bytes;
                }
                at = chain.get(at).copied().unwrap_or(usize::MAX);
            }
            let guided = if shortest {
                None
            } else {
                match h_of(&succ) {
                    Some(h) => Some(h),
                    // Some automaton of `all` can never match from here.
                    None => continue,
                }
            };
            if decoder.len() >= limits.max_states {
                return Err(OpsError {
                    kind: OpsErrorKind::TooManyStates(limits.max_states),
                });
            }
            let id = decoder.len();
            chain.push(heads.insert(h, id).unwrap_or(usize::MAX));
            arena.extend_from_slice(&succ);
            decoder.push(nu);
            parent.push((i, byte));
            depth.push(d);
            if let Some(h) = guided {
                heap.push(std::cmp::Reverse((h, d, id)));
            }
        }
    }
    Ok(None)
}

/// The bytes on the path from the start to node `i` of [`boolean_search`]'s nodes.
fn path_of(parent: &[(usize, u8)], mut i: usize) -> String {
    let mut bytes = Vec::new();
    // INVARIANT (bfs-order): parents are strictly smaller, so this walk ends at node 0.
    while i != 0 {
        let Some(&(p, byte)) = parent.get(i) else {
            break;
        };
        bytes.push(byte);
        i = p;
    }
    bytes.reverse();
    // The decoder accepted the path, so it is UTF-8; a lossy conversion changes nothing.
    String::from_utf8_lossy(&bytes).into_owned()
}

/// [`joint_classes`] over any number of automata. Each automaton's byte classes are ranges of
/// consecutive bytes (regex-automata cuts them at boundaries), and so are the decoder's: the
/// joint classes are the ranges between every boundary, one byte of each, in readability
/// order.
fn joint_classes_of<T: AsRef<[u32]>>(langs: &[Language<'_, T>]) -> Vec<u8> {
    let mut starts = [false; 256];
    for (b, slot) in starts.iter_mut().enumerate().skip(1) {
        let (Ok(byte), Ok(prev)) = (u8::try_from(b), u8::try_from(b - 1)) else {
            continue;
        };
        *slot = utf8_class(byte) != utf8_class(prev)
            || langs
                .iter()
                .any(|l| l.dfa.byte_classes().get(byte) != l.dfa.byte_classes().get(prev));
    }
    // The range of each byte: the number of boundaries up to it.
    let mut range = [0u16; 256];
    let mut r = 0u16;
    for (b, slot) in range.iter_mut().enumerate() {
        if starts.get(b).copied().unwrap_or(false) {
            r += 1;
        }
        *slot = r;
    }
    let mut seen = [false; 257];
    preference_order()
        .filter(|&byte| {
            let r = range.get(usize::from(byte)).copied().unwrap_or(0);
            seen.get_mut(usize::from(r))
                .is_some_and(|s| !std::mem::replace(s, true))
        })
        .collect()
}

#[derive(Clone, Copy)]
enum Goal {
    /// A string both languages accept.
    Both,
    /// A string the first accepts and the second does not.
    OnlyA,
}

struct Node {
    state: Triple,
    parent: usize,
    byte: u8,
}

fn search<T: AsRef<[u32]>, U: AsRef<[u32]>>(
    a: Language<'_, T>,
    b: Language<'_, U>,
    limits: &Limits,
    goal: Goal,
) -> Result<Option<String>, OpsError> {
    let (nodes, hit) = walk_product(
        (a.start()?, b.start()?),
        &joint_classes(a.dfa, b.dfa),
        limits,
        // A dead A never accepts again; a dead B matters only when B must accept too.
        step_pair(a, b, matches!(goal, Goal::Both)),
        |_, (sa, sb, u)| {
            u == UTF8_ACCEPT
                && a.accepts(sa)
                && match goal {
                    Goal::Both => b.accepts(sb),
                    Goal::OnlyA => !b.accepts(sb),
                }
        },
    )?;
    Ok(hit.map(|i| witness(&nodes, i)))
}

/// The step of [`walk_product`] over two automata: both move on `byte`; the pair is cut where A
/// is dead (it never accepts again) and, with `b_must_live`, where B is dead.
fn step_pair<'l, T: AsRef<[u32]>, U: AsRef<[u32]>>(
    a: Language<'l, T>,
    b: Language<'l, U>,
    b_must_live: bool,
) -> impl Fn(StateID, StateID, u8) -> Result<Option<(StateID, StateID)>, OpsError> + 'l {
    move |sa, sb, byte| {
        let next = (a.dfa.next_state(sa, byte), b.dfa.next_state(sb, byte));
        if a.is_dead(next.0) || (b_must_live && b.is_dead(next.1)) {
            return Ok(None);
        }
        if a.dfa.is_quit_state(next.0) || b.dfa.is_quit_state(next.1) {
            return Err(OpsError {
                kind: OpsErrorKind::QuitState,
            });
        }
        Ok(Some(next))
    }
}

/// The breadth-first walk of a product of two automata and the UTF-8 decoder, from `start`
/// (with the decoder at rest), that the two-automaton searches share. From each node, one byte
/// per class of `classes`: the decoder moves (a byte that makes the input invalid UTF-8 is
/// never taken), then `step` moves the two automata (`None`: cut; an error ends the walk).
/// `visit` sees every node once, in breadth-first order, with its index in the node list;
/// `true` stops the walk there. Returns the nodes reached and the node the walk stopped at.
///
/// # Errors
/// `step`'s error, or more than [`Limits::max_states`] nodes.
fn walk_product(
    start: (StateID, StateID),
    classes: &[u8],
    limits: &Limits,
    step: impl Fn(StateID, StateID, u8) -> Result<Option<(StateID, StateID)>, OpsError>,
    mut visit: impl FnMut(usize, Triple) -> bool,
) -> Result<(Vec<Node>, Option<usize>), OpsError> {
    let start = (start.0, start.1, UTF8_ACCEPT);
    let mut index = FastMap::default();
    let mut nodes = vec![Node {
        state: start,
        parent: 0,
        byte: 0,
    }];
    index.insert(start, 0);
    // INVARIANT (bfs-order): `nodes` is the breadth-first queue; node `i`'s parent is below `i`.
    let mut i = 0;
    while let Some(node) = nodes.get(i) {
        let (sa, sb, u) = node.state;
        if visit(i, node.state) {
            return Ok((nodes, Some(i)));
        }
        for &byte in classes {
            let nu = utf8_next(u, byte);
            if nu == UTF8_DEAD {
                continue;
            }
            let Some((na, nb)) = step(sa, sb, byte)? else {
                continue;
            };
            let next = (na, nb, nu);
            if index.contains_key(&next) {
                continue;
            }
            if nodes.len() >= limits.max_states {
                return Err(OpsError {
                    kind: OpsErrorKind::TooManyStates(limits.max_states),
                });
            }
            index.insert(next, nodes.len());
            nodes.push(Node {
                state: next,
                parent: i,
                byte,
            });
        }
        i += 1;
    }
    Ok((nodes, None))
}

/// The bytes on the path from the start to node `i`.
fn witness(nodes: &[Node], mut i: usize) -> String {
    let mut bytes = Vec::new();
    // INVARIANT (bfs-order): parents are strictly smaller, so this walk ends at node 0.
    while i != 0 {
        let Some(node) = nodes.get(i) else { break };
        bytes.push(node.byte);
        i = node.parent;
    }
    bytes.reverse();
    // The decoder accepted the path, so it is UTF-8; a lossy conversion changes nothing.
    String::from_utf8_lossy(&bytes).into_owned()
}

/// One byte per class of the joint partition (classes of A × classes of B × decoder classes),
/// in readability order.
fn joint_classes<T: AsRef<[u32]>, U: AsRef<[u32]>>(
    a: &dense::DFA<T>,
    b: &dense::DFA<U>,
) -> Vec<u8> {
    let (ca, cb) = (a.byte_classes(), b.byte_classes());
    let mut seen: HashSet<u32, BuildHasherDefault<StateHasher>> = HashSet::default();
    preference_order()
        .filter(|&byte| {
            let key = u32::from(ca.get(byte)) << 16
                | u32::from(cb.get(byte)) << 8
                | u32::from(utf8_class(byte));
            seen.insert(key)
        })
        .collect()
}

/// All 256 bytes, the most readable first.
fn preference_order() -> impl Iterator<Item = u8> {
    let printable_punct = (b'!'..=b'~').filter(|c| !c.is_ascii_alphanumeric());
    (b'a'..=b'z')
        .chain(b'0'..=b'9')
        .chain(b'A'..=b'Z')
        .chain(printable_punct)
        .chain(std::iter::once(b' '))
        .chain((0u8..=0x7f).filter(|c| c.is_ascii_control()))
        .chain(0x80..=0xff)
}

// A UTF-8 decoder as a DFA (RFC 3629 well-formed sequences, no surrogates, nothing above
// U+10FFFF). States: ACCEPT between characters; NEED1..NEED3 awaiting that many continuation
// bytes 80-BF; the four lead bytes with a narrower second byte get their own states.
const UTF8_ACCEPT: u8 = 0;
const UTF8_NEED1: u8 = 1;
const UTF8_NEED2: u8 = 2;
const UTF8_NEED3: u8 = 3;
const UTF8_AFTER_E0: u8 = 4; // next A0-BF
const UTF8_AFTER_ED: u8 = 5; // next 80-9F
const UTF8_AFTER_F0: u8 = 6; // next 90-BF
const UTF8_AFTER_F4: u8 = 7; // next 80-8F
const UTF8_DEAD: u8 = 8;

fn utf8_next(state: u8, byte: u8) -> u8 {
    match state {
        UTF8_ACCEPT => match byte {
            0x00..=0x7f => UTF8_ACCEPT,
            0xc2..=0xdf => UTF8_NEED1,
            0xe0 => UTF8_AFTER_E0,
            0xe1..=0xec | 0xee..=0xef => UTF8_NEED2,
            0xed => UTF8_AFTER_ED,
            0xf0 => UTF8_AFTER_F0,
            0xf1..=0xf3 => UTF8_NEED3,
            0xf4 => UTF8_AFTER_F4,
            _ => UTF8_DEAD,
        },
        UTF8_NEED1 | UTF8_NEED2 | UTF8_NEED3 if (0x80..=0xbf).contains(&byte) => state - 1,
        UTF8_AFTER_E0 if (0xa0..=0xbf).contains(&byte) => UTF8_NEED1,
        UTF8_AFTER_ED if (0x80..=0x9f).contains(&byte) => UTF8_NEED1,
        UTF8_AFTER_F0 if (0x90..=0xbf).contains(&byte) => UTF8_NEED2,
        UTF8_AFTER_F4 if (0x80..=0x8f).contains(&byte) => UTF8_NEED2,
        _ => UTF8_DEAD,
    }
}

/// A partition of the bytes the decoder never tells apart.
fn utf8_class(byte: u8) -> u8 {
    match byte {
        0x00..=0x7f => 0,
        0x80..=0x8f => 1,
        0x90..=0x9f => 2,
        0xa0..=0xbf => 3,
        0xc0..=0xc1 => 4,
        0xc2..=0xdf => 5,
        0xe0 => 6,
        0xe1..=0xec => 7,
        0xed => 8,
        0xee..=0xef => 9,
        0xf0 => 10,
        0xf1..=0xf3 => 11,
        0xf4 => 12,
        0xf5..=0xff => 13,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use regex_automata::dfa::StartKind;
    use regex_automata::nfa::thompson::{self, WhichCaptures};
    use regex_automata::{Input, MatchKind};

    type Dfa = dense::DFA<Vec<u32>>;

    /// A test glob: `*` any run of bytes (as the compiler's `*` crossing `:`), `?` one Unicode
    /// scalar value, anything else literal. Translated to regex syntax here, so these tests do
    /// not depend on the compiler's IR types.
    fn glob_regex(glob: &str) -> String {
        let mut re = String::new();
        for c in glob.chars() {
            match c {
                '*' => re.push_str("(?s-u:.)*"),
                '?' => re.push_str("(?s:.)"),
                c => re.push_str(&regex_syntax::escape(&c.to_string())),
            }
        }
        re.push('$');
        re
    }

    /// A DFA configured as `build.rs` configures them.
    fn dfa(globs: &[&str]) -> Dfa {
        let res: Vec<String> = globs.iter().map(|g| glob_regex(g)).collect();
        let nfa = thompson::Compiler::new()
            .syntax(regex_automata::util::syntax::Config::new().utf8(false))
            .configure(
                thompson::Config::new()
                    .utf8(false)
                    .which_captures(WhichCaptures::None),
            )
            .build_many(&res)
            .unwrap();
        dense::Builder::new()
            .configure(
                dense::Config::new()
                    .match_kind(MatchKind::All)
                    .start_kind(StartKind::Anchored)
                    .byte_classes(true)
                    .minimize(false),
            )
            .build_from_nfa(&nfa)
            .unwrap()
    }

    /// Reference matcher: the glob semantics above, over characters.
    fn glob_match(glob: &[char], s: &[char]) -> bool {
        match glob.split_first() {
            None => s.is_empty(),
            Some(('*', rest)) => (0..=s.len()).any(|i| glob_match(rest, &s[i..])),
            Some(('?', rest)) => !s.is_empty() && glob_match(rest, &s[1..]),
            Some((c, rest)) => s.first() == Some(c) && glob_match(rest, &s[1..]),
        }
    }

    fn matches(glob: &str, s: &str) -> bool {
        let g: Vec<char> = glob.chars().collect();
        let s: Vec<char> = s.chars().collect();
        glob_match(&g, &s)
    }

    /// Whether the DFA matches all of `s` with pattern `p` (regex-automata's own search, not
    /// the code under test).
    fn dfa_matches(d: &Dfa, p: Option<usize>, s: &str) -> bool {
        let input = Input::new(s).anchored(Anchored::Yes);
        let mut set = regex_automata::PatternSet::new(d.pattern_len());
        d.try_which_overlapping_matches(&input, &mut set).unwrap();
        match p {
            None => !set.is_empty(),
            Some(p) => set.contains(PatternID::new(p).unwrap()),
        }
    }

    const ALPHABET: [char; 4] = ['a', 'b', ':', 'é'];

    /// Every string over [`ALPHABET`] of at most `n` characters, shortest first.
    fn strings(n: usize) -> Vec<String> {
        let mut all = vec![String::new()];
        let mut layer = vec![String::new()];
        for _ in 0..n {
            layer = layer
                .iter()
                .flat_map(|s| {
                    ALPHABET.iter().map(move |c| {
                        let mut t = s.clone();
                        t.push(*c);
                        t
                    })
                })
                .collect();
            all.extend(layer.iter().cloned());
        }
        all
    }

    fn lim() -> Limits {
        Limits::default()
    }

    #[test]
    fn intersection_finds_a_shortest_readable_witness() {
        let a = dfa(&["ecs:*"]);
        let b = dfa(&["*:Describe*"]);
        let w = intersection(Language::of(&a), Language::of(&b), &lim()).unwrap();
        assert_eq!(w.as_deref(), Some("ecs:Describe"));
        let c = dfa(&["s3:*"]);
        assert_eq!(
            intersection(Language::of(&a), Language::of(&c), &lim()).unwrap(),
            None
        );
        // `?` is one character: a printable ASCII one is preferred.
        let q = dfa(&["x?y"]);
        assert_eq!(
            shortest_member(Language::of(&q), &lim())
                .unwrap()
                .as_deref(),
            Some("xay")
        );
    }

    #[test]
    fn witnesses_are_utf8_even_when_the_dfa_accepts_bytes() {
        // `*` is any byte: the DFA alone accepts "\xff"; no string of length one byte fits
        // both below, and the witness found is a whole character.
        let a = dfa(&["*"]);
        let b = dfa(&["?"]);
        let w = intersection(Language::of(&a), Language::of(&b), &lim())
            .unwrap()
            .unwrap();
        assert_eq!(w, "a");
        let only_non_ascii = {
            let nfa = thompson::Compiler::new()
                .syntax(regex_automata::util::syntax::Config::new().utf8(false))
                .configure(thompson::Config::new().utf8(false))
                .build(r"(?-u:[\x80-\xff])+$")
                .unwrap();
            dense::Builder::new()
                .configure(
                    dense::Config::new()
                        .match_kind(MatchKind::All)
                        .start_kind(StartKind::Anchored),
                )
                .build_from_nfa(&nfa)
                .unwrap()
        };
        let w = shortest_member(Language::of(&only_non_ascii), &lim())
            .unwrap()
            .unwrap();
        assert_eq!(w.len(), 2);
        assert_eq!(w.chars().count(), 1);
    }

    #[test]
    fn inclusion_gives_a_counterexample() {
        let narrow = dfa(&["iam:GetCredentialReport"]);
        let wide = dfa(&["iam:Get*"]);
        assert_eq!(
            inclusion(Language::of(&narrow), Language::of(&wide), &lim()).unwrap(),
            None
        );
        assert_eq!(
            inclusion(Language::of(&wide), Language::of(&narrow), &lim())
                .unwrap()
                .as_deref(),
            Some("iam:Get")
        );
        // Against an empty language every member of A is a counterexample.
        let empty = dfa(&["a", "b"]);
        let ab = dfa(&["ab"]);
        assert_eq!(
            inclusion(
                Language::of(&ab),
                Language::of_pattern(&empty, PatternID::ZERO),
                &lim()
            )
            .unwrap()
            .as_deref(),
            Some("ab")
        );
    }

    #[test]
    fn patterns_restrict_each_side() {
        let a = dfa(&["x*", "y*"]);
        let b = dfa(&["*z", "y"]);
        let p = |i| PatternID::new(i).unwrap();
        assert_eq!(
            intersection(
                Language::of_pattern(&a, p(0)),
                Language::of_pattern(&b, p(1)),
                &lim()
            )
            .unwrap(),
            None
        );
        assert_eq!(
            intersection(
                Language::of_pattern(&a, p(1)),
                Language::of_pattern(&b, p(1)),
                &lim()
            )
            .unwrap()
            .as_deref(),
            Some("y")
        );
        assert_eq!(
            intersecting_patterns(&a, &b, &lim()).unwrap(),
            vec![(p(0), p(0)), (p(1), p(0)), (p(1), p(1))]
        );
    }

    #[test]
    fn the_limit_is_an_error_not_a_hang() {
        let a = dfa(&["*a????????"]);
        let b = dfa(&["*b????????"]);
        let err = intersection(
            Language::of(&a),
            Language::of(&b),
            &Limits { max_states: 50 },
        )
        .unwrap_err();
        assert!(err.is_limit_exceeded());
        assert_eq!(err.to_string(), "automata product exceeds 50 states");
        assert!(intersection(Language::of(&a), Language::of(&b), &lim())
            .unwrap()
            .is_none());
    }

    fn decode(bytes: &[u8]) -> bool {
        let mut u = UTF8_ACCEPT;
        for &b in bytes {
            u = utf8_next(u, b);
        }
        u == UTF8_ACCEPT
    }

    #[test]
    fn the_decoder_accepts_exactly_utf8() {
        let edges = [0x00, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xff];
        for b0 in 0..=255u8 {
            assert_eq!(decode(&[b0]), std::str::from_utf8(&[b0]).is_ok(), "{b0:x}");
            for b1 in 0..=255u8 {
                let two = [b0, b1];
                assert_eq!(decode(&two), std::str::from_utf8(&two).is_ok(), "{two:x?}");
                for b2 in edges {
                    let three = [b0, b1, b2];
                    assert_eq!(
                        decode(&three),
                        std::str::from_utf8(&three).is_ok(),
                        "{three:x?}"
                    );
                    for b3 in edges {
                        let four = [b0, b1, b2, b3];
                        assert_eq!(
                            decode(&four),
                            std::str::from_utf8(&four).is_ok(),
                            "{four:x?}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn decoder_classes_are_a_congruence() {
        for state in 0..UTF8_DEAD {
            for x in 0..=255u8 {
                for y in 0..=255u8 {
                    if utf8_class(x) == utf8_class(y) {
                        assert_eq!(
                            utf8_next(state, x),
                            utf8_next(state, y),
                            "{state} {x:x} {y:x}"
                        );
                    }
                }
            }
        }
    }

    fn glob() -> impl Strategy<Value = String> {
        proptest::collection::vec(
            prop_oneof![
                Just('a'),
                Just('b'),
                Just(':'),
                Just('é'),
                Just('*'),
                Just('?')
            ],
            0..5,
        )
        .prop_map(|v| v.into_iter().collect())
    }

    proptest! {
        #[test]
        fn product_agrees_with_brute_force(g1 in glob(), g2 in glob(), g3 in glob()) {
            let a = dfa(&[&g1]);
            let b = dfa(&[&g2, &g3]);
            let all = strings(4);
            // The test DFAs are what the reference matcher says.
            for s in &all {
                prop_assert_eq!(dfa_matches(&a, None, s), matches(&g1, s));
                prop_assert_eq!(dfa_matches(&b, Some(1), s), matches(&g3, s));
            }
            let in_b = |s: &str| matches(&g2, s) || matches(&g3, s);

            let w = intersection(Language::of(&a), Language::of(&b), &lim()).unwrap();
            let common = all.iter().find(|s| matches(&g1, s) && in_b(s));
            match &w {
                Some(w) => {
                    prop_assert!(matches(&g1, w) && in_b(w), "bad witness {:?}", w);
                    // Shortest: no brute-force string with fewer bytes is common.
                    prop_assert!(all.iter().all(|s| s.len() >= w.len() || !(matches(&g1, s) && in_b(s))));
                }
                None => prop_assert!(common.is_none(), "missed {:?}", common),
            }

            let c = inclusion(Language::of(&a), Language::of(&b), &lim()).unwrap();
            let outside = all.iter().find(|s| matches(&g1, s) && !in_b(s));
            match &c {
                Some(c) => {
                    prop_assert!(matches(&g1, c) && !in_b(c), "bad counterexample {:?}", c);
                    prop_assert!(all.iter().all(|s| s.len() >= c.len() || !matches(&g1, s) || in_b(s)));
                }
                None => prop_assert!(outside.is_none(), "missed {:?}", outside),
            }

            let b1 = Language::of_pattern(&b, PatternID::new(1).unwrap());
            match intersection(Language::of(&a), b1, &lim()).unwrap() {
                Some(w) => prop_assert!(matches(&g1, &w) && matches(&g3, &w), "bad witness {:?}", w),
                None => prop_assert!(!all.iter().any(|s| matches(&g1, s) && matches(&g3, s))),
            }

            // The partition: every string's match set is a class, every class witness is in it.
            let sets = match_sets(&b, Some(&a), &lim()).unwrap();
            let set_of = |s: &str| -> Vec<PatternID> {
                [(0usize, &g2), (1, &g3)]
                    .iter()
                    .filter(|(_, g)| matches(g, s))
                    .map(|(i, _)| PatternID::new(*i).unwrap())
                    .collect()
            };
            for m in &sets {
                prop_assert_eq!(&set_of(&m.witness), &m.patterns, "witness {:?}", m.witness);
                prop_assert_eq!(matched_patterns(&b, &m.witness).unwrap(), m.patterns.clone());
                // Preferred: a member of `a` whenever the class has one within reach.
                if !matches(&g1, &m.witness) {
                    prop_assert!(!all.iter().any(|s| matches(&g1, s) && set_of(s) == m.patterns),
                        "class {:?} has a member of `a` but the witness {:?} is not", m.patterns, m.witness);
                }
            }
            for s in &all {
                prop_assert!(sets.iter().any(|m| m.patterns == set_of(s)), "no class for {:?}", s);
            }

            // Boolean combinations: in `a` and the first of `b`'s patterns, not in the second.
            let b0 = Language::of_pattern(&b, PatternID::ZERO);
            let b1 = Language::of_pattern(&b, PatternID::new(1).unwrap());
            let m = boolean_member(&[Language::of(&a), b0], &[b1], &lim()).unwrap();
            let fits = |s: &str| matches(&g1, s) && matches(&g2, s) && !matches(&g3, s);
            match &m {
                Some(w) => {
                    prop_assert!(fits(w), "bad member {:?}", w);
                    prop_assert!(all.iter().all(|s| s.len() >= w.len() || !fits(s)));
                }
                None => prop_assert!(!all.iter().any(|s| fits(s)), "missed a member"),
            }
            let m = boolean_member(&[], &[Language::of(&a), b1], &lim()).unwrap();
            let fits = |s: &str| !matches(&g1, s) && !matches(&g3, s);
            match &m {
                Some(w) => prop_assert!(fits(w), "bad member {:?}", w),
                None => prop_assert!(!all.iter().any(|s| fits(s)), "missed a member"),
            }
            // Depth first: some member exactly when there is one.
            let n = boolean_nonempty(&[Language::of(&a), b0], &[b1], &lim()).unwrap();
            let fits = |s: &str| matches(&g1, s) && matches(&g2, s) && !matches(&g3, s);
            match &n {
                Some(w) => prop_assert!(fits(w), "bad member {:?}", w),
                None => prop_assert!(!all.iter().any(|s| fits(s)), "missed a member"),
            }

            let pairs = intersecting_patterns(&a, &b, &lim()).unwrap();
            for (q, g) in [(0usize, &g2), (1, &g3)] {
                let pair = (PatternID::ZERO, PatternID::new(q).unwrap());
                let expect = intersection(Language::of(&a), Language::of_pattern(&b, pair.1), &lim()).unwrap().is_some();
                prop_assert_eq!(pairs.contains(&pair), expect, "pattern {} ({:?})", q, g);
            }
        }
    }
}
