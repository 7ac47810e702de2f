//! The decision program: the statement metadata an artifact carries next to its DFAs.
//!
//! The compiler builds a [`Program`]; the container ([`crate::container`]) stores it as one
//! bincode section ([`crate::codec`]); [`Program::validate`] checks, on load, every cross
//! reference against the DFAs that came with it, so that evaluation (in the runtime) can treat
//! any lookup that still fails as an inconsistency and deny.
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

mod validate;

use crate::cond::Conditions;
use crate::template::Template;
use crate::{Effect, PolicyType};

pub use validate::DfaShape;

/// The most organization levels a set may have per policy type (the runtime keeps one bit per
/// level).
pub const MAX_ORG_LEVELS: u32 = 64;

/// The most early patterns an action shard may have (the runtime keeps one bit per pattern).
pub const MAX_EARLY_PATTERNS: usize = 64;

/// Everything an artifact knows besides its DFAs.
#[derive(Debug, Clone, PartialEq, Default, bincode::Encode, bincode::Decode)]
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
    /// The type of the group's policies.
    pub policy_type: PolicyType,
    /// The organization level of an SCP or RCP group (0 = root), else 0.
    pub level: u32,
}

/// `Principal` / `NotPrincipal` of a statement of a resource-like policy.
#[derive(Debug, Clone, PartialEq, Eq, bincode::Encode, bincode::Decode)]
pub struct PrincipalBlock {
    /// `NotPrincipal` rather than `Principal`.
    pub negated: bool,
    /// `"*"` (or `{"AWS": "*"}`) is listed.
    pub any: bool,
    /// The other entries, as written.
    pub entries: Vec<PrincipalEntry>,
}

/// One value of a `Principal` element.
#[derive(Debug, Clone, PartialEq, Eq, bincode::Encode, bincode::Decode)]
pub struct PrincipalEntry {
    /// Which key of the element it is under.
    pub kind: PrincipalEntryType,
    /// As written in the policy.
    pub value: String,
}

/// The key of a `Principal` element an entry is under.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, bincode::Encode, bincode::Decode)]
pub enum PrincipalEntryType {
    /// `"AWS"`: account ids, account roots, users, roles, sessions.
    Aws,
    /// `"Service"`: service principals, compared ignoring ASCII case.
    Service,
    /// `"Federated"`: identity providers.
    Federated,
    /// `"CanonicalUser"`: S3 canonical user ids.
    CanonicalUser,
}

/// One statement: where it comes from, its effect, and what it applies to besides its action
/// (the action is in the shard's candidate lists).
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
    /// Its `Sid`, if it has one.
    pub sid: Option<String>,
    /// Its `Effect`.
    pub effect: Effect,
    /// Its `Resource` or `NotResource`.
    pub resource: ResourceBlock,
    /// `None` when the statement has no condition.
    pub conditions: Option<Conditions>,
    /// Where the statement is in its policy text and what it says as written: what an
    /// explanation reports (the runtime never decides with it).
    pub origin: Origin,
}

/// A statement as written, for explanations: its place in the policy text, each condition
/// clause's operator and values as written, and the context keys it references.
///
/// Places are byte offsets into the policy text the statement was parsed from (the artifact
/// holds no policy text: whoever holds the text turns them into lines and columns).
#[derive(Debug, Clone, PartialEq, Eq, Default, bincode::Encode, bincode::Decode)]
pub struct Origin {
    /// The statement object's first byte (its `{`).
    pub start: u32,
    /// One past its last byte (its `}`).
    pub end: u32,
    /// One per clause of [`StatementMeta::conditions`], in the same order.
    pub clauses: Vec<ClauseOrigin>,
    /// Every context key the statement references, as first written: condition keys and the
    /// keys of policy variables (in `Resource`/`NotResource` first, then clause by clause, a
    /// clause's key before the variables of its values), each once (ASCII case ignored).
    pub context_keys: Vec<String>,
}

/// One condition clause (one operator and one key) as written.
#[derive(Debug, Clone, PartialEq, Eq, Default, bincode::Encode, bincode::Decode)]
pub struct ClauseOrigin {
    /// The operator as written, qualifier and `IfExists` included
    /// (`ForAnyValue:StringLikeIfExists`).
    pub operator: String,
    /// The policy's values, as their JSON text reads (`true`, `3600`, `arn:aws:...`), in
    /// document order.
    pub values: Vec<String>,
    /// The key's first byte in the policy text (its opening quote).
    pub start: u32,
    /// One past the key's last byte.
    pub end: u32,
}

/// `Resource` / `NotResource` of one statement.
#[derive(Debug, Clone, PartialEq, Eq, bincode::Encode, bincode::Decode)]
pub struct ResourceBlock {
    /// `NotResource` rather than `Resource`.
    pub negated: bool,
    /// An entry `*` (or no resource element at all): every request resource matches.
    pub any: bool,
    /// The other entries, sorted by pattern id.
    pub entries: Vec<ResourceEntry>,
}

/// One resource pattern of a statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, bincode::Encode, bincode::Decode)]
pub struct ResourceEntry {
    /// Global resource pattern id (policy variables appear in the DFA as `.*` holes).
    pub pattern: u32,
    /// Index into [`Program::templates`] when the entry has policy variables.
    pub template: Option<u32>,
}

/// One resource automaton and the global id of its first pattern.
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
    /// The first statement of the shard.
    pub start: u32,
    /// One past the last statement of the shard.
    pub end: u32,
    /// Index of the action DFA in the artifact's DFA list.
    pub dfa: u32,
    /// `(EOI match state id, index into lists)`, sorted by state id, ids unique.
    pub states: Vec<(u32, u32)>,
    /// The list used when the walk does not end in one of `states`.
    pub default_list: u32,
    /// The candidate lists of the shard.
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
    /// The statement.
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
    /// Where the list's Deny statements start in [`ActionShard::ids`].
    pub start: u32,
    /// How many Deny statements the list has.
    pub deny_len: u32,
    /// How many Allow statements follow them.
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
