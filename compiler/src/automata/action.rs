//! Action shards: one action DFA per contiguous statement range, with every candidate list
//! precomputed.
//!
//! The DFA holds the distinct action patterns of the shard's statements, anchored at both ends.
//! Exploring it from its start state finds every state an action can end in; the state after
//! end of input names the set of patterns that matched, hence the statements whose action
//! element accepts the action: positive statements with a matching pattern or `*`, and
//! `NotAction` statements with no matching pattern. That list, split by effect, is stored per
//! EOI match state (identical lists shared). A shard whose DFA exceeds the size limits is cut
//! in two, recursively; a single statement that still does not fit is an error naming it.
//!
//! Literal patterns (no wildcard: 10,524 of the 11,623 distinct action patterns of the
//! `aws-managed` corpus) are not in the DFA: each goes into the shard's literal table with the
//! complete candidate list of that exact action, computed here by walking the (wildcard-only)
//! DFA over it and adding the literal itself. An action that is not in the table cannot match
//! a literal pattern, so the DFA's lists, built without literals, are exact for it. Keeping the
//! literals out takes the action DFAs of the corpus from 204,597 states (57 MB, validated on
//! every load) to a small trie of wildcard prefixes.
//!
//! Consumes the IR's action matchers, effects and (for the `allow_all` flag) resource matchers
//! and condition emptiness; produces [`ActionShard`]s (how the emitter lays them out, candidate
//! id pools and the literal hash table, is its business).

use std::collections::{BTreeSet, HashMap, HashSet};

use regex_automata::dfa::Automaton;

use super::build::{anchored_start, reachable_states, BuildFailure, DfaBuilder, DfaRole, OwnedDfa};
use super::glob::glob_hir;
use crate::ir::{Effect, Glob, Piece, PolicySet, Statement};
use crate::CompileError;

/// The statements `start..end`, the action DFA that selects among them, and every candidate
/// list precomputed.
///
/// ```
/// use iamc_grammar::{ast::PolicyType, PolicySet, SourceFile};
/// let src = SourceFile::new("p.json", r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:Get*","s3:ListBucket"],"Resource":"arn:aws:s3:::b/*","Condition":{"StringLike":{"s3:prefix":["a*","b*"]}}},{"Effect":"Deny","NotAction":"s3:*","Resource":"*"}]}"#);
/// let policy = iamc_grammar::parse_policy(&src, PolicyType::Identity)?.policy;
/// let ir = iamc_compiler::lower::lower(&PolicySet::identity(vec![policy]))?;
/// let mut b = iamc_compiler::automata::DfaBuilder::new(&iamc_compiler::Config::default());
///
/// let shards = iamc_compiler::automata::action::build_action_shards(&ir, &mut b)?;
/// let shard = &shards[0];
/// assert_eq!((shard.start, shard.end), (0, 2));
/// // `s3:listbucket` is literal: it has its own complete list; `s3:get*` is in the DFA.
/// assert_eq!(shard.literals.len(), 1);
///
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionShard {
    /// The first statement of the shard.
    pub start: u32,
    /// One past the last statement of the shard.
    pub end: u32,
    /// Index of the action DFA among the artifact's DFAs.
    pub dfa: u32,
    /// `(EOI match state id, index into lists)`, sorted by state id, ids unique.
    pub states: Vec<(u32, u32)>,
    /// The list used when the walk does not end in one of `states`.
    pub default_list: u32,
    /// Distinct lists, in the order they were first needed.
    pub lists: Vec<Candidates>,
    /// Per early pattern `p` (DFA patterns `0..early.len()`, at most 64): the positive
    /// statements naming it.
    pub early: Vec<Candidates>,
    /// `NotAction` statements naming an early pattern, decided at run time.
    pub not_actions: Vec<NotActionCheck>,
    /// The literal action patterns (lowercase), sorted, each with its complete list.
    pub literals: Vec<(String, u32)>,
}

/// The statements whose action element accepts some actions, split by effect.
///
/// ```
/// use iamc_grammar::{ast::PolicyType, PolicySet, SourceFile};
/// let src = SourceFile::new("p.json", r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:Get*","s3:ListBucket"],"Resource":"arn:aws:s3:::b/*","Condition":{"StringLike":{"s3:prefix":["a*","b*"]}}},{"Effect":"Deny","NotAction":"s3:*","Resource":"*"}]}"#);
/// let policy = iamc_grammar::parse_policy(&src, PolicyType::Identity)?.policy;
/// let ir = iamc_compiler::lower::lower(&PolicySet::identity(vec![policy]))?;
/// let mut b = iamc_compiler::automata::DfaBuilder::new(&iamc_compiler::Config::default());
///
/// let shards = iamc_compiler::automata::action::build_action_shards(&ir, &mut b)?;
/// let (_, list) = &shards[0].literals[0]; // `s3:listbucket`
/// let candidates = &shards[0].lists[*list as usize];
/// assert_eq!(candidates.allow, [0]);
/// assert!(candidates.deny.is_empty(), "`NotAction: s3:*` does not apply to an s3 action");
///
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Candidates {
    /// Deny statements (ids), ascending.
    pub deny: Vec<u32>,
    /// Allow statements (ids), ascending.
    pub allow: Vec<u32>,
    /// Some Allow here has resource `*` (not negated) and no condition.
    pub allow_all: bool,
}

/// A `NotAction` statement with early patterns: it is a candidate when none of `anchored`
/// (DFA pattern ids) matched at the end and no bit of `early_mask` was reported on the walk.
///
/// ```
/// use iamc_grammar::{ast::PolicyType, PolicySet, SourceFile};
/// let src = SourceFile::new("p.json", r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:Get*","s3:ListBucket"],"Resource":"arn:aws:s3:::b/*","Condition":{"StringLike":{"s3:prefix":["a*","b*"]}}},{"Effect":"Deny","NotAction":"s3:*","Resource":"*"}]}"#);
/// let policy = iamc_grammar::parse_policy(&src, PolicyType::Identity)?.policy;
/// let ir = iamc_compiler::lower::lower(&PolicySet::identity(vec![policy]))?;
/// let mut b = iamc_compiler::automata::DfaBuilder::new(&iamc_compiler::Config::default());
///
/// let shards = iamc_compiler::automata::action::build_action_shards(&ir, &mut b)?;
/// // `NotAction: s3:*` names no early pattern (`*Job*`-like): no run-time check.
/// assert!(shards[0].not_actions.is_empty());
///
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotActionCheck {
    /// The `NotAction` statement.
    pub stmt: u32,
    /// Its end-anchored DFA patterns.
    pub anchored: Vec<u32>,
    /// Its early patterns, one bit each.
    pub early_mask: u64,
}

/// Builds the action shards covering every statement of `set`.
///
/// # Errors
/// A statement whose patterns alone exceed the size limits, or a failed build.
///
/// ```
/// use iamc_grammar::{ast::PolicyType, PolicySet, SourceFile};
/// let src = SourceFile::new("p.json", r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:Get*","s3:ListBucket"],"Resource":"arn:aws:s3:::b/*","Condition":{"StringLike":{"s3:prefix":["a*","b*"]}}},{"Effect":"Deny","NotAction":"s3:*","Resource":"*"}]}"#);
/// let policy = iamc_grammar::parse_policy(&src, PolicyType::Identity)?.policy;
/// let ir = iamc_compiler::lower::lower(&PolicySet::identity(vec![policy]))?;
/// let mut b = iamc_compiler::automata::DfaBuilder::new(&iamc_compiler::Config::default());
///
/// let shards = iamc_compiler::automata::action::build_action_shards(&ir, &mut b)?;
/// assert_eq!(shards.len(), 1, "one shard unless the limits force a split");
///
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn build_action_shards(
    set: &PolicySet,
    b: &mut DfaBuilder,
) -> Result<Vec<ActionShard>, CompileError> {
    let mut out = Vec::new();
    build_range(set, b, 0, set.statements.len(), &mut out)?;
    Ok(out)
}

/// Most early patterns one shard may have (a `u64` mask at run time).
const MAX_EARLY: usize = 64;

/// Whether an action glob is compiled early-report: it ends in `*` and has another `*`
/// (`svc:*Job*`). End-anchored, each such pattern would make the DFA remember whether its
/// inner literal was seen, doubling the states per pattern alive at once.
///
/// ```
/// use iamc_compiler::{automata::action::is_early, lower::action_glob};
/// assert!(is_early(&action_glob("sagemaker:*Job*")?));
/// assert!(!is_early(&action_glob("s3:Get*")?));
///
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn is_early(g: &Glob) -> bool {
    let stars = g
        .pieces
        .iter()
        .filter(|p| matches!(p, Piece::Star { .. }))
        .count();
    stars >= 2 && matches!(g.pieces.last(), Some(Piece::Star { colon: true }))
}

fn build_range(
    set: &PolicySet,
    b: &mut DfaBuilder,
    start: usize,
    end: usize,
    out: &mut Vec<ActionShard>,
) -> Result<(), CompileError> {
    // INVARIANT (numbered): statement `start + k` is `stmts[k]`; the lists name statements by
    // that id.
    let stmts = set.statements.get(start..end).unwrap_or(&[]);
    // Early patterns get ids 0..e, the others follow.
    let mut early: Vec<&Glob> = Vec::new();
    let mut anchored: Vec<&Glob> = Vec::new();
    let mut literals: Vec<&Glob> = Vec::new();
    // Distinct patterns in first-seen order (a real corpus has tens of thousands).
    let mut seen: HashSet<&Glob> = HashSet::new();
    for s in stmts {
        for g in &s.action.patterns {
            if !seen.insert(g) {
                continue;
            }
            if g.is_literal() {
                literals.push(g);
            } else if is_early(g) {
                early.push(g);
            } else {
                anchored.push(g);
            }
        }
    }
    let split = |b: &mut DfaBuilder, out: &mut Vec<ActionShard>| {
        let mid = start + (end - start) / 2;
        build_range(set, b, start, mid, out)?;
        build_range(set, b, mid, end, out)
    };
    if early.len() > MAX_EARLY {
        if end - start > 1 {
            return split(b, out);
        }
        let what = stmts
            .first()
            .map_or_else(|| "the action set".to_owned(), |s| describe(set, s));
        return Err(CompileError::too_large(&what));
    }
    let n_early = early.len();
    // DFA patterns first (early, then anchored), literals after them.
    let ids: HashMap<&Glob, usize> = early
        .iter()
        .chain(anchored.iter())
        .chain(literals.iter())
        .enumerate()
        .map(|(i, g)| (*g, i))
        .collect();
    // INVARIANT (lowercase-actions): the patterns are lowercase and the runtime lowercases the
    // request as it walks, so the DFA compares bytes exactly.
    let hirs: Vec<_> = early
        .iter()
        .map(|g| glob_hir(g, true))
        .chain(anchored.iter().map(|g| glob_hir(g, false)))
        .collect();
    match b.try_build(&hirs) {
        Ok(dfa) => {
            let shard = candidate_lists(stmts, start, end, &ids, n_early, &literals, &dfa)?;
            let index = b.push(dfa, DfaRole::Action)?;
            out.push(ActionShard {
                dfa: index,
                ..shard
            });
            Ok(())
        }
        Err(BuildFailure::TooLarge) if end - start > 1 => split(b, out),
        Err(BuildFailure::TooLarge) => {
            let what = stmts
                .first()
                .map_or_else(|| "the action set".to_owned(), |s| describe(set, s));
            Err(CompileError::too_large(&what))
        }
        Err(BuildFailure::Other(e)) => Err(CompileError::automaton("action patterns", &e)),
    }
}

fn describe(set: &PolicySet, s: &Statement) -> String {
    let policy = set
        .policies
        .get(s.provenance.policy as usize)
        .map_or("?", String::as_str);
    let shown: Vec<String> = s
        .action
        .patterns
        .iter()
        .take(3)
        .map(|g| crate::error::clip(&g.to_string()))
        .collect();
    let more = s.action.patterns.len().saturating_sub(shown.len());
    let more = if more > 0 {
        format!(" and {more} more")
    } else {
        String::new()
    };
    format!(
        "the action patterns `{}`{more} of statement {} of `{policy}`",
        shown.join("`, `"),
        s.provenance.index
    )
}

/// The DFA pattern ids an action (already lowercase) matches: those of the match state after
/// end of input, and the early patterns reported anywhere on the walk (as the runtime does).
fn dfa_matches(dfa: &OwnedDfa, action: &str, n_early: usize) -> Result<Vec<usize>, CompileError> {
    let mut out = BTreeSet::new();
    let mut sid = anchored_start(dfa)?;
    let collect = |sid, out: &mut BTreeSet<usize>, early_only: bool| {
        for i in 0..dfa.match_len(sid) {
            let pid = dfa.match_pattern(sid, i).as_usize();
            if !early_only || pid < n_early {
                out.insert(pid);
            }
        }
    };
    for &b in action.as_bytes() {
        sid = dfa.next_state(sid, b);
        if dfa.is_dead_state(sid) {
            return Ok(out.into_iter().collect());
        }
        if dfa.is_match_state(sid) {
            collect(sid, &mut out, true);
        }
    }
    let eoi = dfa.next_eoi_state(sid);
    if dfa.is_match_state(eoi) {
        collect(eoi, &mut out, false);
    }
    Ok(out.into_iter().collect())
}

fn candidate_lists(
    stmts: &[Statement],
    start: usize,
    end: usize,
    ids: &HashMap<&Glob, usize>,
    n_early: usize,
    literals: &[&Glob],
    dfa: &OwnedDfa,
) -> Result<ActionShard, CompileError> {
    let mut eoi_states = BTreeSet::new();
    for s in reachable_states(dfa)? {
        let eoi = dfa.next_eoi_state(s);
        if dfa.is_match_state(eoi) {
            eoi_states.insert(eoi.as_u32());
        }
    }
    // Per statement: its pattern ids (sorted) for membership tests.
    let pats: Vec<Vec<usize>> = stmts
        .iter()
        .map(|s| {
            let mut v: Vec<usize> = s
                .action
                .patterns
                .iter()
                .filter_map(|g| ids.get(g).copied())
                .collect();
            v.sort_unstable();
            v
        })
        .collect();
    // Pattern id -> positive statements (offsets into `stmts`).
    let mut by_pattern: Vec<Vec<usize>> = vec![Vec::new(); ids.len()];
    for (k, s) in stmts.iter().enumerate() {
        if !s.action.negated {
            for p in pats.get(k).into_iter().flatten() {
                if let Some(v) = by_pattern.get_mut(*p) {
                    v.push(k);
                }
            }
        }
    }
    let always: Vec<usize> = (0..stmts.len())
        .filter(|&k| {
            stmts
                .get(k)
                .is_some_and(|s| !s.action.negated && s.action.any)
        })
        .collect();
    let has_early = |k: usize| {
        pats.get(k)
            .is_some_and(|ps| ps.iter().any(|&p| p < n_early))
    };
    // NotAction statements without early patterns are decided by the end state alone.
    let negated: Vec<usize> = (0..stmts.len())
        .filter(|&k| {
            stmts
                .get(k)
                .is_some_and(|s| s.action.negated && !s.action.any)
        })
        .filter(|&k| !has_early(k))
        .collect();
    let to_u32 = |x: usize| u32::try_from(x).map_err(|_| CompileError::too_many("statements"));
    let mut not_actions = Vec::new();
    for k in 0..stmts.len() {
        let negated_early = stmts
            .get(k)
            .is_some_and(|s| s.action.negated && !s.action.any)
            && has_early(k);
        if !negated_early {
            continue;
        }
        let ps = pats.get(k).map_or(&[][..], Vec::as_slice);
        let mut early_mask = 0u64;
        let mut anchored = Vec::new();
        for &p in ps {
            if p < n_early {
                early_mask |= 1u64
                    .checked_shl(u32::try_from(p).unwrap_or(64))
                    .unwrap_or(0);
            } else {
                anchored.push(to_u32(p)?);
            }
        }
        not_actions.push(NotActionCheck {
            stmt: to_u32(start + k)?,
            anchored,
            early_mask,
        });
    }
    let make_list = |cands: BTreeSet<usize>| -> Result<Candidates, CompileError> {
        let mut list = Candidates {
            deny: Vec::new(),
            allow: Vec::new(),
            allow_all: false,
        };
        for k in cands {
            let Some(s) = stmts.get(k) else { continue };
            let id = to_u32(start + k)?;
            match s.effect {
                Effect::Deny => list.deny.push(id),
                Effect::Allow => {
                    list.allow.push(id);
                    if s.resource.any && !s.resource.negated && s.conditions.is_empty() {
                        list.allow_all = true;
                    }
                }
            }
        }
        Ok(list)
    };
    let mut early_lists = Vec::with_capacity(n_early);
    for p in 0..n_early {
        let cands: BTreeSet<usize> = by_pattern.get(p).into_iter().flatten().copied().collect();
        early_lists.push(make_list(cands)?);
    }

    let mut lists: Vec<Candidates> = Vec::new();
    let mut list_ids: HashMap<Candidates, u32> = HashMap::new();
    // Every NotAction statement (with or without early patterns): a literal's list is complete.
    let all_negated: Vec<usize> = (0..stmts.len())
        .filter(|&k| {
            stmts
                .get(k)
                .is_some_and(|s| s.action.negated && !s.action.any)
        })
        .collect();
    // `complete`: the list of one exact action (literal entries); otherwise the list of a DFA
    // end state, which leaves early patterns and their NotAction statements to the runtime.
    let mut intern = |matched: &[usize], complete: bool| -> Result<u32, CompileError> {
        let mut cands: BTreeSet<usize> = always.iter().copied().collect();
        for p in matched {
            cands.extend(by_pattern.get(*p).into_iter().flatten().copied());
        }
        for &k in if complete { &all_negated } else { &negated } {
            let hit = pats
                .get(k)
                .is_some_and(|ps| ps.iter().any(|p| matched.binary_search(p).is_ok()));
            if !hit {
                cands.insert(k);
            }
        }
        let list = make_list(cands)?;
        if let Some(&i) = list_ids.get(&list) {
            return Ok(i);
        }
        let i =
            u32::try_from(lists.len()).map_err(|_| CompileError::too_many("candidate lists"))?;
        lists.push(list.clone());
        list_ids.insert(list, i);
        Ok(i)
    };
    let default_list = intern(&[], false)?;
    let mut states = Vec::with_capacity(eoi_states.len());
    for sid in eoi_states {
        let id = regex_automata::util::primitives::StateID::new(sid as usize)
            .map_err(|e| CompileError::automaton("action state", &e.to_string()))?;
        let mut matched: Vec<usize> = (0..dfa.match_len(id))
            .map(|i| dfa.match_pattern(id, i).as_usize())
            .collect();
        matched.sort_unstable();
        states.push((sid, intern(&matched, false)?));
    }
    let mut entries = Vec::with_capacity(literals.len());
    for g in literals {
        let (Some(text), Some(&id)) = (g.as_literal(), ids.get(g)) else {
            continue;
        };
        let mut matched = dfa_matches(dfa, &text, n_early)?;
        matched.push(id);
        matched.sort_unstable();
        entries.push((text, intern(&matched, true)?));
    }
    entries.sort();
    Ok(ActionShard {
        start: to_u32(start)?,
        end: to_u32(end)?,
        dfa: 0,
        states,
        default_list,
        lists,
        early: early_lists,
        not_actions,
        literals: entries,
    })
}
