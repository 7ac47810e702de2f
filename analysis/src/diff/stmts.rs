//! The statements of both sets in one table: which are changes, and which way an approximation
//! of each must lean.

use std::collections::HashSet;
use std::fmt::Debug;

use iamc_compiler::ir::condition::{Operand, Test};
use iamc_compiler::ir::{self, Effect};

use super::Pair;

/// Which set of a [`Pair`] a statement belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Which {
    /// The set whose allow is under-approximated (OLD, for new access).
    Base,
    /// The set whose allow is over-approximated (NEW, for new access).
    Target,
}

/// One statement of either set.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Entry<'a> {
    pub which: Which,
    pub st: &'a ir::Statement,
    /// Present in one set only (by content): where the decisions can differ.
    pub delta: bool,
    /// An undecidable part is taken as holding (target Allows, base Denies) rather than not
    /// (target Denies, base Allows): this keeps the target's allow over- and the base's
    /// under-approximated.
    pub widen: bool,
}

/// Both sets' statements.
#[derive(Debug)]
pub(crate) struct Table<'a> {
    pub entries: Vec<Entry<'a>>,
    /// Only requests on which some `delta` statement's action and resource may hold can be
    /// decided differently: true when both sets have the same groups, or when there is no base
    /// (only the target's Allows can allow, the root user aside).
    pub restricted: bool,
}

impl<'a> Table<'a> {
    pub(crate) fn new(pair: &Pair<'a>) -> Table<'a> {
        let mut entries = Vec::new();
        let Some(base) = pair.base else {
            for st in &pair.target.statements {
                entries.push(Entry {
                    which: Which::Target,
                    st,
                    delta: st.effect == Effect::Allow,
                    widen: st.effect == Effect::Allow,
                });
            }
            return Table {
                entries,
                restricted: true,
            };
        };
        let restricted = base.groups == pair.target.groups;
        let keys = |set: &ir::PolicySet| -> HashSet<String> {
            set.statements.iter().map(|s| content_key(set, s)).collect()
        };
        let (base_keys, target_keys) = (keys(base), keys(pair.target));
        for (which, set, other) in [
            (Which::Base, base, &target_keys),
            (Which::Target, pair.target, &base_keys),
        ] {
            for st in &set.statements {
                entries.push(Entry {
                    which,
                    st,
                    delta: !restricted || !other.contains(&content_key(set, st)),
                    widen: (which == Which::Target) == (st.effect == Effect::Allow),
                });
            }
        }
        Table {
            entries,
            restricted,
        }
    }

    /// Both sets have the same groups and the same statements (by content), or the target
    /// alone has no Allow: nothing can be allowed by one and not the other.
    pub(crate) fn identical(&self) -> bool {
        self.restricted && self.entries.iter().all(|e| !e.delta)
    }
}

/// What decides a statement's meaning, as text: its group, effect, principal, action, resource
/// and conditions, with spans, written forms and the order of set-like lists left out. Two
/// statements with the same key apply to the same requests in the same way.
fn content_key(set: &ir::PolicySet, s: &ir::Statement) -> String {
    let group = set.group_of(s);
    let principal = s.principal.as_ref().map(|p| {
        let mut entries: Vec<String> = p
            .entries
            .iter()
            .map(|e| format!("{}={:?}", e.kind.as_str(), e.value))
            .collect();
        entries.sort_unstable();
        entries.dedup();
        (p.negated, p.any, entries)
    });
    let mut actions: Vec<String> = s.action.patterns.iter().map(|g| g.to_string()).collect();
    actions.sort_unstable();
    let mut resources: Vec<String> = s
        .resource
        .patterns
        .iter()
        .map(|g| g.glob.to_string())
        .collect();
    resources.sort_unstable();
    let mut clauses: Vec<String> = s.conditions.iter().map(clause_key).collect();
    clauses.sort_unstable();
    clauses.dedup();
    format!(
        "{group:?}|{:?}|{principal:?}|{}{}{actions:?}|{}{}{resources:?}|{clauses:?}",
        s.effect, s.action.negated, s.action.any, s.resource.negated, s.resource.any
    )
}

fn operands<T: Debug>(values: &[Operand<T>]) -> Vec<String> {
    let mut v: Vec<String> = values
        .iter()
        .map(|o| match o {
            // Every comparison with an invalid value is an error, whatever its text.
            Operand::Invalid(_) => "invalid".to_owned(),
            Operand::Const(c) => format!("c{c:?}"),
            Operand::Template(t) => format!("t{t}"),
        })
        .collect();
    v.sort_unstable();
    v.dedup();
    v
}

/// What decides a clause's meaning, as text (two clauses with the same key hold together).
pub(crate) fn clause_key(c: &ir::Clause) -> String {
    let test = match &c.test {
        Test::Null {
            if_absent,
            if_present,
        } => format!("null{if_absent}{if_present}"),
        Test::Equals {
            ignore_case,
            values,
        } => format!("eq{ignore_case}{:?}", operands(values)),
        Test::Like { arn, values } => format!("like{arn}{:?}", operands(values)),
        Test::Numeric { order, values } => format!("num{order:?}{:?}", operands(values)),
        Test::Date { order, values } => format!("date{order:?}{:?}", operands(values)),
        Test::Bool { values } => format!("bool{:?}", operands(values)),
        Test::Binary { values } => format!("bin{:?}", operands(values)),
        Test::Ip { values } => format!("ip{:?}", operands(values)),
    };
    format!(
        "{}|{:?}|{}|{}|{test}",
        c.key, c.qualifier, c.if_exists, c.negated
    )
}
