//! [`Program::validate`]: every cross reference of a decoded program checked against the
//! automata that came with it, before the runtime evaluates anything.

use super::{Group, LiteralTable, Program, MAX_EARLY_PATTERNS, MAX_ORG_LEVELS};
use crate::{Effect, FormatError, PolicyType};

fn bad(what: impl Into<String>) -> FormatError {
    FormatError::program(what)
}

/// Checks a literal table: entries well formed, slots a power of two with an empty one, every
/// slot naming an entry at most once, every entry reachable from its hash slot, lists in range.
fn validate_literals(t: &LiteralTable, n_lists: usize) -> Result<(), String> {
    let n = t.ends.len();
    if t.lists.len() != n {
        return Err("entry and list counts differ".into());
    }
    let mut prev = 0u32;
    for &e in &t.ends {
        if e < prev {
            return Err("entry ends not sorted".into());
        }
        prev = e;
    }
    if prev as usize != t.names.len() {
        return Err("entry ends do not cover the names".into());
    }
    if t.lists.iter().any(|&l| l as usize >= n_lists) {
        return Err("list index out of range".into());
    }
    if n == 0 {
        return if t.slots.is_empty() {
            Ok(())
        } else {
            Err("slots without entries".into())
        };
    }
    if !t.slots.len().is_power_of_two() || t.slots.len() <= n {
        return Err("slot count is not a power of two above the entry count".into());
    }
    let mut seen = vec![false; n];
    for &slot in &t.slots {
        if slot == LiteralTable::EMPTY {
            continue;
        }
        let flag = seen.get_mut(slot as usize).ok_or("slot names no entry")?;
        if *flag {
            return Err("an entry has two slots".into());
        }
        *flag = true;
    }
    if seen.iter().any(|s| !s) {
        return Err("an entry has no slot".into());
    }
    // Every entry is found by a lookup of its own name (and so is the first of equal names).
    for i in 0..n {
        let name = t.name(i).ok_or("entry out of range")?;
        let text = std::str::from_utf8(name).map_err(|_| "entry is not utf-8")?;
        if name.iter().any(u8::is_ascii_uppercase) {
            return Err("entry is not lowercase".into());
        }
        if t.get(text) != t.lists.get(i).copied() {
            return Err("an entry is not found at its hash slot".into());
        }
    }
    Ok(())
}

/// What [`Program::validate`] needs to know of each DFA: the format does not read DFAs itself,
/// the runtime (or the compiler) answers for the automata it loaded.
pub trait DfaShape {
    /// The number of patterns of the DFA.
    fn patterns(&self) -> usize;
    /// Whether `state` is a match state of the DFA.
    fn is_match(&self, state: u32) -> bool;
    /// Whether an anchored search can start.
    fn has_anchored_start(&self) -> bool;
}

impl Program {
    /// Groups in [`PolicyType::ALL`] order, one per type except organization levels, which
    /// count up from 0 with no gap, at most [`MAX_ORG_LEVELS`] of them.
    fn validate_groups(&self) -> Result<(), FormatError> {
        let mut prev: Option<Group> = None;
        for (i, g) in self.groups.iter().enumerate() {
            let expected_level = match prev {
                Some(p) if p.policy_type == g.policy_type && g.policy_type.is_org() => p.level + 1,
                Some(p) if p.policy_type >= g.policy_type => {
                    return Err(bad(format!("group {i}: groups out of order")));
                }
                _ => 0,
            };
            if g.level != expected_level || g.level >= MAX_ORG_LEVELS {
                return Err(bad(format!("group {i}: level {} out of order", g.level)));
            }
            prev = Some(*g);
        }
        Ok(())
    }

    /// Checks every index against the statement count, the pattern count and the DFA list:
    /// groups in listing order, statements in group order with principal blocks that fit their
    /// group's type, conditions ([`crate::cond::Conditions::validate`]), resource entries sorted
    /// and in range, shards contiguous and covering every statement, candidate lists in range,
    /// sorted and of the right effect, literal tables well formed, every action state a match
    /// state, resource pattern ids numbered without gap. After this, a lookup that fails during
    /// evaluation is a bug, and the runtime denies.
    ///
    /// # Errors
    /// The first inconsistency found, naming the field (`invalid program: statement 3: group
    /// index out of range`).
    pub fn validate<D: DfaShape>(&self, dfas: &[D]) -> Result<(), FormatError> {
        let n_stmts = self.statements.len();
        let n_stmts_u32 = u32::try_from(n_stmts).map_err(|_| bad("too many statements"))?;
        self.validate_groups()?;
        let mut prev_group = 0u32;
        for (i, s) in self.statements.iter().enumerate() {
            if s.policy as usize >= self.policies.len() {
                return Err(bad(format!("statement {i}: policy index out of range")));
            }
            let Some(g) = self.groups.get(s.group as usize) else {
                return Err(bad(format!("statement {i}: group index out of range")));
            };
            let needs_principal = matches!(
                g.policy_type,
                PolicyType::Resource | PolicyType::Trust | PolicyType::Rcp
            );
            let may_have_principal = needs_principal || g.policy_type == PolicyType::Endpoint;
            if (needs_principal && s.principal.is_none())
                || (!may_have_principal && s.principal.is_some())
            {
                return Err(bad(format!(
                    "statement {i}: principal block does not fit its {} policy",
                    g.policy_type.as_str()
                )));
            }
            if s.group < prev_group {
                return Err(bad(format!("statement {i}: statements not in group order")));
            }
            prev_group = s.group;
            if let Some(c) = &s.conditions {
                c.validate(dfas.len())
                    .map_err(|e| bad(format!("statement {i}: {e}")))?;
            }
            let clauses = s.conditions.as_ref().map_or(0, |c| c.clauses.len());
            if s.origin.clauses.len() != clauses {
                return Err(bad(format!(
                    "statement {i}: origin has {} clauses, the conditions {clauses}",
                    s.origin.clauses.len()
                )));
            }
            if s.origin.start > s.origin.end || s.origin.clauses.iter().any(|c| c.start > c.end) {
                return Err(bad(format!("statement {i}: origin span out of order")));
            }
            let mut last: Option<u32> = None;
            for e in &s.resource.entries {
                if e.pattern >= self.resource_patterns {
                    return Err(bad(format!(
                        "statement {i}: resource pattern id out of range"
                    )));
                }
                if last.is_some_and(|l| l > e.pattern) {
                    return Err(bad(format!("statement {i}: resource entries not sorted")));
                }
                last = Some(e.pattern);
                if let Some(t) = e.template {
                    if t as usize >= self.templates.len() {
                        return Err(bad(format!("statement {i}: template index out of range")));
                    }
                }
            }
        }
        // Shards: contiguous, ordered, covering every statement.
        let mut next = 0u32;
        for (k, sh) in self.shards.iter().enumerate() {
            if sh.start != next || sh.end < sh.start || sh.end > n_stmts_u32 {
                return Err(bad(format!(
                    "action shard {k}: statement range out of order"
                )));
            }
            next = sh.end;
            let dfa = dfas
                .get(sh.dfa as usize)
                .ok_or_else(|| bad(format!("action shard {k}: dfa index out of range")))?;
            if !dfa.has_anchored_start() {
                return Err(bad(format!("action shard {k}: dfa has no anchored start")));
            }
            if sh.default_list as usize >= sh.lists.len() {
                return Err(bad(format!("action shard {k}: default list out of range")));
            }
            let mut prev: Option<u32> = None;
            for &(state, list) in &sh.states {
                if prev.is_some_and(|p| p >= state) {
                    return Err(bad(format!("action shard {k}: states not sorted")));
                }
                prev = Some(state);
                if list as usize >= sh.lists.len() {
                    return Err(bad(format!("action shard {k}: list index out of range")));
                }
                if !dfa.is_match(state) {
                    return Err(bad(format!(
                        "action shard {k}: state {state} is not a match state"
                    )));
                }
            }
            if sh.early.len() > MAX_EARLY_PATTERNS {
                return Err(bad(format!(
                    "action shard {k}: more than {MAX_EARLY_PATTERNS} early patterns"
                )));
            }
            for n in &sh.not_actions {
                if n.stmt < sh.start || n.stmt >= sh.end {
                    return Err(bad(format!(
                        "action shard {k}: statement {} out of range",
                        n.stmt
                    )));
                }
                if n.early_mask
                    .checked_shr(u32::try_from(sh.early.len()).unwrap_or(64))
                    .unwrap_or(0)
                    != 0
                {
                    return Err(bad(format!("action shard {k}: early mask out of range")));
                }
            }
            validate_literals(&sh.literals, sh.lists.len())
                .map_err(|e| bad(format!("action shard {k}: literal table: {e}")))?;
            for l in sh.lists.iter().chain(&sh.early) {
                let (Some(deny), Some(allow)) = (sh.deny_of(l), sh.allow_of(l)) else {
                    return Err(bad(format!(
                        "action shard {k}: candidate list out of range"
                    )));
                };
                for (ids, effect) in [(deny, Effect::Deny), (allow, Effect::Allow)] {
                    let mut prev: Option<u32> = None;
                    for &id in ids {
                        if id < sh.start || id >= sh.end || prev.is_some_and(|p| p >= id) {
                            return Err(bad(format!(
                                "action shard {k}: candidate statement {id} out of range"
                            )));
                        }
                        prev = Some(id);
                        let s = self.statements.get(id as usize).ok_or_else(|| {
                            bad(format!(
                                "action shard {k}: candidate statement {id} out of range"
                            ))
                        })?;
                        if s.effect != effect {
                            return Err(bad(format!(
                                "action shard {k}: candidate statement {id} has the wrong effect"
                            )));
                        }
                    }
                }
            }
        }
        if next != n_stmts_u32 {
            return Err(bad("action shards do not cover every statement"));
        }
        let mut expected = 0u32;
        for (k, r) in self.resource_dfas.iter().enumerate() {
            let dfa = dfas
                .get(r.dfa as usize)
                .ok_or_else(|| bad(format!("resource dfa {k}: dfa index out of range")))?;
            if !dfa.has_anchored_start() {
                return Err(bad(format!("resource dfa {k}: dfa has no anchored start")));
            }
            if r.first_pattern != expected {
                return Err(bad(format!("resource dfa {k}: pattern ids out of order")));
            }
            let len = u32::try_from(dfa.patterns())
                .map_err(|_| bad(format!("resource dfa {k}: too many patterns")))?;
            expected = expected
                .checked_add(len)
                .ok_or_else(|| bad(format!("resource dfa {k}: too many patterns")))?;
        }
        if expected != self.resource_patterns {
            return Err(bad(format!(
                "resource pattern count: expected {}, found {expected}",
                self.resource_patterns
            )));
        }
        for (i, t) in self.templates.iter().enumerate() {
            if t.tokens.is_empty() {
                return Err(bad(format!("template {i}: empty")));
            }
        }
        Ok(())
    }
}
