//! The decision program: the statement metadata an artifact carries next to its DFAs.
//!
//! The compiler builds a [`Program`]; the container (`crate::format`) stores it as one bincode
//! section; [`Program::validate`] checks, on load, every cross reference against the DFAs that
//! came with it, so that evaluation (`crate::eval`) can treat any lookup that still fails as an
//! inconsistency and deny.
//!
//! Layout, in the terms of the evaluation path:
//! - statements are numbered in policy order (`StmtId` = index in [`Program::statements`]);
//! - the statements are cut into [`ActionShard`]s, contiguous id ranges, one action DFA each
//!   (one shard unless the action automaton had to be split to stay under the size limits);
//! - an action that is exactly one of the shard's literal action patterns (no wildcard; most of
//!   a real corpus: 10,524 of the 11,623 distinct patterns of `aws-managed`) is looked up in the
//!   shard's [`LiteralTable`], whose entry names the complete candidate list for that action
//!   (every glob, `*` and `NotAction` of the shard already accounted for): no DFA walk;
//! - only the wildcard patterns are in the action DFA (a literal pattern cannot match an
//!   action that is not in the table), so the DFA stays a small trie of prefixes;
//! - an action DFA's match state after end of input (its "EOI state") names a
//!   [`CandidateList`]: the shard's statements whose action element accepts every action that
//!   ends in that state, split by effect, precomputed at compile time; a walk that ends anywhere
//!   else uses the shard's default list (actions `*` and `NotAction` statements);
//! - the resource patterns of every statement live in [`Program::resource_dfas`]; a statement's
//!   [`ResourceBlock`] names its entries by global resource pattern id;
//! - entries with policy variables carry a [`Template`] confirmed after substitution.

/// The automata an artifact carries, loaded into owned `u32`-aligned storage.
pub type Dfa = regex_automata::dfa::dense::DFA<Vec<u32>>;

/// A statement's compiled `Condition` block (see `crate::cond`).
pub use crate::cond::Conditions;
use crate::decision::PolicyType;
pub use crate::principal::MAX_ORG_LEVELS;

/// A statement's effect, as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, bincode::Encode, bincode::Decode)]
pub enum StmtEffect {
    Allow,
    Deny,
}

/// Everything an artifact knows besides its DFAs.
#[derive(Debug, Clone, PartialEq, bincode::Encode, bincode::Decode)]
pub struct Program {
    /// The typed groups of the set (spec 7.2), in [`PolicyType::ALL`] order, organization
    /// levels root first. Every group of the set is here, even one without statements (an
    /// SCP level with no policy denies everything).
    pub groups: Vec<Group>,
    /// Policy names, in the order the policies were given.
    pub policies: Vec<String>,
    /// Every statement, in policy order.
    pub statements: Vec<StatementMeta>,
    /// Contiguous, ordered statement ranges covering every statement exactly once.
    pub shards: Vec<ActionShard>,
    /// The resource automata; their pattern ids are numbered globally, in this order.
    pub resource_dfas: Vec<ResourceDfa>,
    /// Number of distinct resource patterns (global ids `0..resource_patterns`).
    pub resource_patterns: u32,
    /// Resource entries with policy variables, confirmed after substitution.
    pub templates: Vec<Template>,
}

/// One typed group of policies: all policies of one type, or one organization level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, bincode::Encode, bincode::Decode)]
pub struct Group {
    pub policy_type: PolicyType,
    /// The organization level of an SCP or RCP group (0 = root), else 0.
    pub level: u32,
}

/// `Principal` / `NotPrincipal` of a statement of a resource-like policy.
#[derive(Debug, Clone, PartialEq, Eq, bincode::Encode, bincode::Decode)]
pub struct PrincipalBlock {
    pub negated: bool,
    /// `"*"` (or `{"AWS": "*"}`) is listed.
    pub any: bool,
    pub entries: Vec<PrincipalEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq, bincode::Encode, bincode::Decode)]
pub struct PrincipalEntry {
    pub kind: PrincipalEntryType,
    /// As written in the policy.
    pub value: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, bincode::Encode, bincode::Decode)]
pub enum PrincipalEntryType {
    Aws,
    Service,
    Federated,
    CanonicalUser,
}

#[derive(Debug, Clone, PartialEq, bincode::Encode, bincode::Decode)]
pub struct StatementMeta {
    /// Index into [`Program::groups`].
    pub group: u32,
    /// `None` in identity-like policies (no `Principal` element).
    pub principal: Option<PrincipalBlock>,
    /// Index into [`Program::policies`].
    pub policy: u32,
    /// The statement's index in its policy's `Statement` array.
    pub index: u32,
    pub sid: Option<String>,
    pub effect: StmtEffect,
    pub resource: ResourceBlock,
    /// `None` when the statement has no condition.
    pub conditions: Option<Conditions>,
}

/// `Resource` / `NotResource` of one statement.
#[derive(Debug, Clone, PartialEq, Eq, bincode::Encode, bincode::Decode)]
pub struct ResourceBlock {
    pub negated: bool,
    /// An entry `*` (or no resource element at all): every request resource matches.
    pub any: bool,
    /// The other entries, sorted by pattern id.
    pub entries: Vec<ResourceEntry>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, bincode::Encode, bincode::Decode)]
pub struct ResourceEntry {
    /// Global resource pattern id (policy variables appear in the DFA as `.*` holes).
    pub pattern: u32,
    /// Index into [`Program::templates`] when the entry has policy variables.
    pub template: Option<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, bincode::Encode, bincode::Decode)]
pub struct ResourceDfa {
    /// Index of the DFA in the artifact's DFA list.
    pub dfa: u32,
    /// Global id of this DFA's pattern 0.
    pub first_pattern: u32,
}

/// The statements `start..end` and the action DFA that selects among them.
#[derive(Debug, Clone, PartialEq, Eq, bincode::Encode, bincode::Decode)]
pub struct ActionShard {
    pub start: u32,
    pub end: u32,
    /// Index of the action DFA in the artifact's DFA list.
    pub dfa: u32,
    /// `(EOI match state id, index into lists)`, sorted by state id, ids unique.
    pub states: Vec<(u32, u32)>,
    /// The list used when the walk does not end in one of `states`.
    pub default_list: u32,
    pub lists: Vec<CandidateList>,
    /// Patterns `0..early.len()` of the DFA (at most 64) end in `*` after another wildcard
    /// (`svc:*Job*`): anchored at the end they would blow the DFA up, so they are compiled
    /// without the trailing `*` and reported as soon as they match anywhere on the walk (a bit
    /// mask). `early[p]` lists the positive statements naming pattern `p`; `states` and `lists`
    /// only account for the other patterns.
    pub early: Vec<CandidateList>,
    /// `NotAction` statements naming an early pattern: decided at run time, see
    /// [`NotActionCheck`]. They appear in no list of `states`.
    pub not_actions: Vec<NotActionCheck>,
    /// The shard's literal action patterns, each with its complete candidate list.
    pub literals: LiteralTable,
    /// The statement ids of every list of `lists` and `early`.
    pub ids: Vec<u32>,
}

/// Literal actions (ASCII-lowercased `service:name`) → index into [`ActionShard::lists`]; an
/// open-addressing hash table, stored flat (one string, three integer arrays) so that loading
/// it is a handful of allocations.
#[derive(Debug, Clone, PartialEq, Eq, Default, bincode::Encode, bincode::Decode)]
pub struct LiteralTable {
    /// Every name, concatenated.
    pub names: String,
    /// `names[ends[i-1]..ends[i]]` is entry `i` (`ends[-1]` = 0).
    pub ends: Vec<u32>,
    /// Entry `i`'s candidate list.
    pub lists: Vec<u32>,
    /// A power of two in length (or empty when there are no entries), with at least one
    /// [`LiteralTable::EMPTY`] slot; slot `literal_hash(name) & (len - 1)`, then linear probing.
    pub slots: Vec<u32>,
}

impl LiteralTable {
    /// An empty slot.
    pub const EMPTY: u32 = u32::MAX;

    /// Entry `i`'s name bytes.
    pub fn name(&self, i: usize) -> Option<&[u8]> {
        let end = *self.ends.get(i)? as usize;
        let start = match i.checked_sub(1) {
            Some(j) => *self.ends.get(j)? as usize,
            None => 0,
        };
        self.names.as_bytes().get(start..end)
    }

    /// The candidate list of `action` (compared ignoring ASCII case), if it is an entry.
    /// Cost: one hash of the action and, in a table at most half full, about one comparison.
    pub fn get(&self, action: &str) -> Option<u32> {
        let mask = self.slots.len().checked_sub(1)?;
        let mut at = (literal_hash(action.as_bytes()) as usize) & mask;
        for _ in 0..self.slots.len() {
            let slot = *self.slots.get(at)?;
            if slot == Self::EMPTY {
                return None;
            }
            let i = slot as usize;
            if self.name(i)?.eq_ignore_ascii_case(action.as_bytes()) {
                return self.lists.get(i).copied();
            }
            at = (at + 1) & mask;
        }
        None
    }
}

/// FNV-1a (64 bits) over the ASCII-lowercased bytes: the hash of [`LiteralTable`] slots, shared
/// by the compiler that fills the table and the runtime that probes it.
pub fn literal_hash(bytes: &[u8]) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325u64;
    for &b in bytes {
        h = (h ^ u64::from(b.to_ascii_lowercase())).wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// A `NotAction` statement with an early pattern: a candidate when none of its patterns matched.
#[derive(Debug, Clone, PartialEq, Eq, bincode::Encode, bincode::Decode)]
pub struct NotActionCheck {
    pub stmt: u32,
    /// Its end-anchored pattern ids, sorted.
    pub anchored: Vec<u32>,
    /// Its early patterns, as a mask over `early`.
    pub early_mask: u64,
}

/// The statements whose action element accepts an action, by effect, each in policy order:
/// `deny_len` Deny statements from [`ActionShard::ids`]`[start..]`, then `allow_len` Allow
/// statements (one id pool per shard instead of two vectors per list: thousands of lists load
/// without thousands of allocations).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, bincode::Encode, bincode::Decode)]
pub struct CandidateList {
    pub start: u32,
    pub deny_len: u32,
    pub allow_len: u32,
    /// Some Allow statement of the list applies to every resource with no condition: once no
    /// Deny applies, the answer is Allow.
    pub allow_all: bool,
}

impl ActionShard {
    /// The Deny statements of `l` (`None` if its range is outside the pool).
    pub fn deny_of(&self, l: &CandidateList) -> Option<&[u32]> {
        let start = l.start as usize;
        self.ids.get(start..start.checked_add(l.deny_len as usize)?)
    }

    /// The Allow statements of `l` (`None` if its range is outside the pool).
    pub fn allow_of(&self, l: &CandidateList) -> Option<&[u32]> {
        let start = (l.start as usize).checked_add(l.deny_len as usize)?;
        self.ids
            .get(start..start.checked_add(l.allow_len as usize)?)
    }
}

/// A resource pattern with policy variables: the exact glob, confirmed after substitution.
#[derive(Debug, Clone, PartialEq, Eq, bincode::Encode, bincode::Decode)]
pub struct Template {
    pub tokens: Vec<Token>,
}

#[derive(Debug, Clone, PartialEq, Eq, bincode::Encode, bincode::Decode)]
pub enum Token {
    /// Literal text.
    Lit(String),
    /// `*`: any run of characters; `colon` says whether it may include `:`.
    Star { colon: bool },
    /// `?`: one character (one Unicode scalar value); `colon` says whether it may be `:`.
    One { colon: bool },
    /// A policy variable: `key` ASCII-lowercased; its value is literal text.
    Var {
        key: String,
        default: Option<String>,
    },
}

/// Why a program does not fit the DFAs it came with. The message names the field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgramError {
    pub what: String,
}

fn bad(what: impl Into<String>) -> ProgramError {
    ProgramError { what: what.into() }
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

/// What [`Program::validate`] needs to know of each DFA.
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
    fn validate_groups(&self) -> Result<(), ProgramError> {
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

    /// Checks every index against the statement count, the pattern count and the DFA list.
    ///
    /// # Errors
    /// The first inconsistency found, naming the field.
    pub fn validate(&self, dfas: &[impl DfaShape]) -> Result<(), ProgramError> {
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
            if sh.early.len() > 64 {
                return Err(bad(format!(
                    "action shard {k}: more than 64 early patterns"
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
                for (ids, effect) in [(deny, StmtEffect::Deny), (allow, StmtEffect::Allow)] {
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
