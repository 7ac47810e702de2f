//! The action side of a request: for each action shard, the candidate statements of the
//! request's action (its literal table, or a walk of its action DFA), and the one loop over
//! them.

use iamc_format::program::{ActionShard, CandidateList, Program, MAX_EARLY_PATTERNS};
use regex_automata::dfa::Automaton;
use regex_automata::util::primitives::StateID;

use super::{anchored_start, Inconsistent, Res};
use crate::{Dfa, Effect};

/// Where the action walk of one shard ended.
#[derive(Clone, Copy)]
pub(super) struct ActionHit<'a> {
    shard: &'a ActionShard,
    dfa: &'a Dfa,
    /// The precomputed list of the end state.
    pub(super) list: &'a CandidateList,
    /// Early patterns seen anywhere on the walk.
    early: u64,
    /// The match state after end of input, if the walk ended in one.
    eoi: Option<StateID>,
    /// The action is a literal of the shard: `list` is complete (early patterns and
    /// `NotAction` checks are accounted for in it).
    exact: bool,
}

impl<'a> ActionHit<'a> {
    /// The early lists of the patterns seen.
    pub(super) fn early_lists(&self) -> impl Iterator<Item = &'a CandidateList> + 'a {
        let mask = if self.exact { 0 } else { self.early };
        self.shard
            .early
            .iter()
            .enumerate()
            .filter(move |&(i, _)| i < MAX_EARLY_PATTERNS && mask & (1u64 << i) != 0)
            .map(|(_, l)| l)
    }

    /// The `NotAction` statements with early patterns that are candidates: none of their
    /// patterns matched.
    fn not_actions(&self) -> impl Iterator<Item = u32> + 'a {
        let (mask, eoi, dfa, exact) = (self.early, self.eoi, self.dfa, self.exact);
        self.shard.not_actions.iter().filter_map(move |n| {
            if exact || n.early_mask & mask != 0 {
                return None;
            }
            if let Some(eoi) = eoi {
                for i in 0..dfa.match_len(eoi) {
                    let pid = dfa.match_pattern(eoi, i).as_u32();
                    if n.anchored.binary_search(&pid).is_ok() {
                        return None;
                    }
                }
            }
            Some(n.stmt)
        })
    }

    /// Calls `f` on each candidate statement of `effect`, stopping at the first `true` (which
    /// it returns): the statements of the reached state's list, of the early patterns seen,
    /// then the `NotAction` statements none of whose patterns matched. A statement may come
    /// twice (from two lists).
    ///
    /// The one candidate loop: the Deny pass, the Allow pass and `explain` all go through it.
    pub(super) fn any_candidate(
        &self,
        p: &Program,
        effect: Effect,
        mut f: impl FnMut(u32) -> Res<bool>,
    ) -> Res<bool> {
        let of = |l: &CandidateList| match effect {
            Effect::Deny => self.shard.deny_of(l),
            Effect::Allow => self.shard.allow_of(l),
        };
        for &id in of(self.list).ok_or(Inconsistent)? {
            if f(id)? {
                return Ok(true);
            }
        }
        if self.exact {
            // A literal action's list is complete.
            return Ok(false);
        }
        if self.early != 0 {
            for l in self.early_lists() {
                for &id in of(l).ok_or(Inconsistent)? {
                    if f(id)? {
                        return Ok(true);
                    }
                }
            }
        }
        if !self.shard.not_actions.is_empty() {
            for id in self.not_actions() {
                let is = p.statements.get(id as usize).map(|s| s.effect) == Some(effect);
                if is && f(id)? {
                    return Ok(true);
                }
            }
        }
        Ok(false)
    }
}

/// The early-pattern bits among the patterns of match state `sid`.
fn early_bits(dfa: &Dfa, sid: StateID, early: usize) -> u64 {
    let mut mask = 0u64;
    for i in 0..dfa.match_len(sid) {
        let pid = dfa.match_pattern(sid, i).as_usize();
        if pid < early && pid < MAX_EARLY_PATTERNS {
            mask |= 1u64 << pid;
        }
    }
    mask
}

/// Walks shard `k`'s action DFA over the lowercased action.
pub(super) fn action_hit<'a>(
    p: &'a Program,
    dfas: &'a [Dfa],
    k: usize,
    action: &str,
) -> Res<ActionHit<'a>> {
    let shard = p.shards.get(k).ok_or(Inconsistent)?;
    let dfa = dfas.get(shard.dfa as usize).ok_or(Inconsistent)?;
    if let Some(list) = shard.literals.get(action) {
        return Ok(ActionHit {
            shard,
            dfa,
            list: shard.lists.get(list as usize).ok_or(Inconsistent)?,
            early: 0,
            eoi: None,
            exact: true,
        });
    }
    let n_early = shard.early.len();
    let mut early = 0u64;
    let mut sid = anchored_start(dfa)?;
    let mut dead = false;
    for &b in action.as_bytes() {
        sid = dfa.next_state(sid, b.to_ascii_lowercase());
        if dfa.is_special_state(sid) {
            if dfa.is_dead_state(sid) {
                dead = true;
                break;
            }
            if n_early > 0 && dfa.is_match_state(sid) {
                early |= early_bits(dfa, sid, n_early);
            }
        }
    }
    let mut list = shard.default_list;
    let mut eoi_state = None;
    if !dead {
        let eoi = dfa.next_eoi_state(sid);
        if dfa.is_match_state(eoi) {
            early |= early_bits(dfa, eoi, n_early);
            let i = shard
                .states
                .binary_search_by_key(&eoi.as_u32(), |&(s, _)| s)
                .map_err(|_| Inconsistent)?;
            list = shard.states.get(i).ok_or(Inconsistent)?.1;
            eoi_state = Some(eoi);
        }
    }
    Ok(ActionHit {
        shard,
        dfa,
        list: shard.lists.get(list as usize).ok_or(Inconsistent)?,
        early,
        eoi: eoi_state,
        exact: false,
    })
}
