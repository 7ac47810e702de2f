//! Condition keys: each key's values cut into classes by every value the two sets compare it
//! with, the key's states (absent, one value of a class, a list), and each clause's truth in
//! each state, exact or bounded (`(lo, hi)`).
//!
//! - **String, Arn, Bool, Binary** values are regular languages over the request value: one
//!   DFA over all of a key's constants (`StringEquals` literally, `...IgnoreCase` through the
//!   engines' per-character fold, `Like` and `Arn...` as globs, `Bool` as ASCII-case-insensitive
//!   `true`/`false`, `BinaryEquals` as the one canonical base64 of the bytes), plus the empty
//!   string and, for `Arn...`, "at least five colons"; its classes are the value classes.
//! - **Numeric, Date**: the distinct constants sorted; classes are each constant and the open
//!   gaps between (and beyond) them, plus text that does not parse.
//! - **IP**: per address family, the ranges between every CIDR's first address and the one
//!   after its last; plus text that is not an address.
//! - The empty string is always a class of its own: `ForAllValues`/`ForAnyValue` drop it.
//!
//! Lists matter for `ForAllValues`/`ForAnyValue` only through which groups of value classes
//! (classes that every such clause of the key treats alike) they hold: one state per set of
//! groups, up to [`Limits::max_list_groups`] groups; past it, lists of several groups are one
//! state whose set-qualified clauses are bounded, not decided. A key without set-qualified
//! clauses has one list state (plain operators are false on lists, `Null` sees a value).
//!
//! Approximated, each clause bounded by `(false, true)` where it is not decided: a value with
//! a policy variable (it depends on another key), a clause of another operator family than the
//! key's main one, lists past the budget, keys past [`Limits::max_value_classes`].

use std::collections::{BTreeMap, HashMap};

use iamc_compiler::automata::glob::{glob_hir, literal};
use iamc_compiler::ir::condition::{Cidr, Decimal, Instant, Operand, Order, Qualifier, Test};
use iamc_compiler::ir::Clause;
use iamc_format::value::{parse_addr, parse_date, parse_decimal, Addr};
use iamc_runtime::{Scalar, Value};
use regex_syntax::hir::{Class, ClassBytes, ClassBytesRange, ClassUnicode, ClassUnicodeRange, Hir};

use super::classes::{Bits, Partition};
use super::dims::Stmt;
use super::values;
use super::Limits;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Family {
    Str,
    Num,
    Date,
    Ip,
}

impl Family {
    fn name(self) -> &'static str {
        match self {
            Family::Str => "String/Arn/Bool/Binary",
            Family::Num => "Numeric",
            Family::Date => "Date",
            Family::Ip => "IP address",
        }
    }
}

fn family_of(t: &Test) -> Option<Family> {
    match t {
        Test::Null { .. } => None,
        Test::Equals { .. } | Test::Like { .. } | Test::Bool { .. } | Test::Binary { .. } => {
            Some(Family::Str)
        }
        Test::Numeric { .. } => Some(Family::Num),
        Test::Date { .. } => Some(Family::Date),
        Test::Ip { .. } => Some(Family::Ip),
    }
}

/// One comparison of a request value with one policy value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cmp {
    Match,
    NoMatch,
    Error,
    /// A policy variable's value, or a clause of another family: any of the others.
    Unknown,
}

/// A value class.
#[derive(Debug, Clone)]
pub(crate) struct Atom {
    pub witness: String,
    pub description: String,
    /// The empty string (dropped by set qualifiers).
    pub empty: bool,
}

/// A key's state in a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum State {
    Absent,
    Single(usize),
    /// A list whose non-empty values fall in exactly these groups.
    List(Bits),
    /// A list of more groups than enumerated (set-qualified clauses bounded).
    ListOther,
    /// A tie ([`Domain::tie`]) holds or not.
    Tie(bool),
}

/// How a key's request values map to classes.
#[derive(Debug)]
enum Reader {
    /// String family: the class is the partition class.
    Str(Box<Partition>),
    /// Numeric: sorted constants; class = the position among points and gaps.
    Num(Vec<Decimal>),
    Date(Vec<Instant>),
    /// IP: boundaries per family (sorted, starting at 0).
    Ip(Vec<u32>, Vec<u128>),
    /// Past the budget: empty / anything else.
    Coarse,
}

/// One condition key of the relevant statements.
#[derive(Debug)]
pub(crate) struct Domain {
    /// The key, lowercased.
    pub key: String,
    /// As first written.
    pub written: String,
    pub atoms: Vec<Atom>,
    pub states: Vec<State>,
    /// `table[clause][state]`: the clause's truth, bounded.
    table: Vec<Vec<(bool, bool)>>,
    /// Atom index of each class of the reader (numeric positions, partition classes, ...).
    atom_of_class: HashMap<usize, usize>,
    reader: Reader,
    /// Which group each non-empty atom is in (lists).
    group_of: Vec<Option<usize>>,
    groups: usize,
    /// Lists of more than one group are [`State::ListOther`].
    truncated: bool,
    has_qualified: bool,
    /// String family: each pattern's description (empty for the helper patterns).
    pattern_descs: Vec<String>,
    /// Not a key: a clause comparing a key with a policy variable's value, as an atom of its
    /// own that holds or not, the same for both sets (so a clause both sets keep unchanged
    /// cannot make one allow what the other does not). Its truth may not fit the keys' other
    /// states: regions that assign one are approximations, and membership ignores it.
    pub tie: bool,
}

impl Domain {
    /// The clause's truth in `state`, bounded: `(lo, hi)`, equal when decided.
    pub(crate) fn truth(&self, clause: usize, state: usize) -> (bool, bool) {
        self.table
            .get(clause)
            .and_then(|row| row.get(state))
            .copied()
            .unwrap_or((false, true))
    }

    /// The state a request's value for this key is in.
    pub(crate) fn state_of(&self, v: Option<&Value>) -> Option<usize> {
        let want = match v {
            None => State::Absent,
            Some(Value::Single(x)) => State::Single(self.atom_of(x.as_text())?),
            Some(Value::Multi(xs)) => {
                if !self.has_qualified {
                    State::List(Bits::default())
                } else {
                    let mut g = Bits::default();
                    for x in xs {
                        let a = self.atom_of(x.as_text())?;
                        if let Some(Some(grp)) = self.group_of.get(a) {
                            g.set(*grp);
                        }
                    }
                    if self.truncated && g.iter().count() > 1 {
                        State::ListOther
                    } else {
                        State::List(g)
                    }
                }
            }
        };
        self.states.iter().position(|s| *s == want)
    }

    fn atom_of(&self, x: &str) -> Option<usize> {
        let class = match &self.reader {
            Reader::Str(p) => p.class_of(x)?,
            Reader::Num(points) => typed_class(x, parse_decimal, |d| {
                position(points.len(), |i| {
                    points.get(i).map(|p| d.cmp_num(p.as_ref()))
                })
            }),
            Reader::Date(points) => typed_class(x, parse_date, |t| {
                position(points.len(), |i| points.get(i).map(|p| t.cmp(p)))
            }),
            Reader::Ip(b4, b6) => typed_class(x, parse_addr, |a| match a {
                Addr::V4(a) => b4.partition_point(|&b| b <= a).saturating_sub(1),
                Addr::V6(a) => b4.len() + b6.partition_point(|&b| b <= a).saturating_sub(1),
            }),
            Reader::Coarse => usize::from(!x.is_empty()),
        };
        self.atom_of_class.get(&class).copied()
    }

    /// The request value of a state (`None`: absent).
    pub(crate) fn value_of(&self, state: usize) -> Option<Value> {
        let text = |a: usize| {
            Scalar::String(
                self.atoms
                    .get(a)
                    .map_or_else(String::new, |a| a.witness.clone()),
            )
        };
        let rep = |g: usize| self.group_of.iter().position(|x| *x == Some(g)).map(text);
        match self.states.get(state)? {
            State::Absent => None,
            State::Single(a) => Some(Value::Single(text(*a))),
            State::List(gs) => Some(Value::Multi(gs.iter().filter_map(rep).collect())),
            State::ListOther => Some(Value::Multi((0..self.groups).filter_map(rep).collect())),
            State::Tie(_) => None,
        }
    }

    /// Of `states`, the one whose value makes the most readable witness: a value a policy
    /// names, then another non-empty value, a list, absent, the empty string.
    pub(crate) fn witness_state(&self, states: &[usize]) -> Option<usize> {
        let rest = |d: &str| {
            [
                "a non-empty value that is none of",
                "any non-empty value",
                "a value that is not",
            ]
            .iter()
            .any(|p| d.starts_with(p))
        };
        let rank = |st: &usize| match self.states.get(*st) {
            Some(State::Single(a)) => match self.atoms.get(*a) {
                Some(x) if x.empty => 4,
                Some(x) if rest(&x.description) => 1,
                _ => 0,
            },
            Some(State::List(_) | State::ListOther) => 2,
            Some(State::Absent) => 3,
            _ => 5,
        };
        states.iter().copied().min_by_key(rank)
    }

    /// A tie domain for the clause written `written`: state 0 holds, state 1 does not.
    fn tie(written: String) -> Domain {
        Domain {
            key: String::new(),
            written,
            atoms: Vec::new(),
            states: vec![State::Tie(true), State::Tie(false)],
            table: vec![vec![(true, true), (false, false)]],
            atom_of_class: HashMap::new(),
            reader: Reader::Coarse,
            group_of: Vec::new(),
            groups: 0,
            truncated: false,
            has_qualified: false,
            pattern_descs: Vec::new(),
            tie: true,
        }
    }

    /// A set of states as a reviewer reads it: absent, value classes merged (by the patterns
    /// whose every class is in the set, by adjacent intervals), lists.
    pub(crate) fn describe_states(
        &self,
        states: &std::collections::BTreeSet<usize>,
    ) -> Vec<String> {
        let mut out = Vec::new();
        let mut singles: Vec<usize> = Vec::new();
        let mut rest: Vec<usize> = Vec::new();
        for &st in states {
            match self.states.get(st) {
                Some(State::Absent) => out.push("absent".to_owned()),
                Some(State::Single(a)) => singles.push(*a),
                Some(_) => rest.push(st),
                None => {}
            }
        }
        out.extend(self.describe_atoms(&singles));
        out.extend(rest.into_iter().map(|st| self.describe(st)));
        out
    }

    /// Value classes, merged where a pattern or an interval covers several exactly.
    fn describe_atoms(&self, atoms: &[usize]) -> Vec<String> {
        let one = |a: usize| {
            self.atoms
                .get(a)
                .map_or_else(String::new, |x| x.description.clone())
        };
        let set: std::collections::BTreeSet<usize> = atoms.iter().copied().collect();
        match &self.reader {
            Reader::Str(part) => {
                // Patterns all of whose classes are here (and at least one).
                let class_of_atom: HashMap<usize, usize> =
                    self.atom_of_class.iter().map(|(c, a)| (*a, *c)).collect();
                let n_patterns = self.pattern_descs.len();
                let mut cover: Vec<(usize, Vec<usize>)> = Vec::new();
                for p in 0..n_patterns {
                    if self.pattern_descs.get(p).is_none_or(String::is_empty) {
                        continue;
                    }
                    let members: Vec<usize> = self
                        .atom_of_class
                        .iter()
                        .filter(|(c, _)| part.classes.get(**c).is_some_and(|k| k.bits.get(p)))
                        .map(|(_, a)| *a)
                        .collect();
                    if !members.is_empty() && members.iter().all(|a| set.contains(a)) {
                        cover.push((p, members));
                    }
                }
                // Drop patterns another chosen one covers.
                let kept: Vec<&(usize, Vec<usize>)> = cover
                    .iter()
                    .filter(|(p, m)| {
                        !cover.iter().any(|(q, n)| {
                            q != p
                                && m.iter().all(|a| n.contains(a))
                                && (n.len() > m.len() || q < p)
                        })
                    })
                    .collect();
                let covered: std::collections::BTreeSet<usize> =
                    kept.iter().flat_map(|(_, m)| m.iter().copied()).collect();
                let _ = class_of_atom;
                let mut out: Vec<String> = kept
                    .iter()
                    .filter_map(|(p, _)| self.pattern_descs.get(*p).cloned())
                    .collect();
                out.extend(set.iter().filter(|a| !covered.contains(a)).map(|&a| one(a)));
                out
            }
            Reader::Num(_) | Reader::Date(_) | Reader::Ip(..) => {
                // Runs of adjacent classes (by reader class id) become one interval.
                let mut by_class: Vec<(usize, usize)> = set
                    .iter()
                    .filter_map(|a| {
                        self.atom_of_class
                            .iter()
                            .find(|(_, x)| *x == a)
                            .map(|(c, _)| (*c, *a))
                    })
                    .collect();
                by_class.sort_unstable();
                let mut out = Vec::new();
                let mut i = 0;
                while let Some(&(c0, a0)) = by_class.get(i) {
                    let mut j = i;
                    let v4 = match &self.reader {
                        Reader::Ip(b4, _) => b4.len(),
                        _ => usize::MAX,
                    };
                    while let (Some(&(cj, _)), Some(&(cn, _))) =
                        (by_class.get(j), by_class.get(j + 1))
                    {
                        // Adjacent, readable, and (for IP) of one family.
                        if cn != cj + 1 || cn >= usize::MAX - 1 || cn == v4 {
                            break;
                        }
                        j += 1;
                    }
                    let c1 = by_class.get(j).map_or(c0, |x| x.0);
                    if j == i {
                        out.push(one(a0));
                    } else {
                        out.push(self.interval(c0, c1));
                    }
                    i = j + 1;
                }
                out
            }
            Reader::Coarse => set.iter().map(|&a| one(a)).collect(),
        }
    }

    /// The values of the reader classes `c0..=c1` (adjacent, one family) as one interval.
    fn interval(&self, c0: usize, c1: usize) -> String {
        let (n, what): (usize, &str) = match &self.reader {
            Reader::Num(p) => (p.len(), "a number"),
            Reader::Date(p) => (p.len(), "a date"),
            Reader::Ip(b4, b6) => {
                let addr = |c: usize, last: bool| -> String {
                    if c < b4.len() {
                        let v = if last {
                            b4.get(c + 1).map_or(u32::MAX, |n| n.saturating_sub(1))
                        } else {
                            b4.get(c).copied().unwrap_or(0)
                        };
                        std::net::Ipv4Addr::from(v).to_string()
                    } else {
                        let k = c - b4.len();
                        let v = if last {
                            b6.get(k + 1).map_or(u128::MAX, |n| n.saturating_sub(1))
                        } else {
                            b6.get(k).copied().unwrap_or(0)
                        };
                        std::net::Ipv6Addr::from(v).to_string()
                    }
                };
                return format!("an address from {} to {}", addr(c0, false), addr(c1, true));
            }
            Reader::Str(_) | Reader::Coarse => return String::new(),
        };
        let pt = |i: usize| -> String {
            match &self.reader {
                Reader::Num(p) => p.get(i).map(values::decimal_text).unwrap_or_default(),
                Reader::Date(p) => p
                    .get(i)
                    .and_then(|t| values::instant_text(*t))
                    .unwrap_or_default(),
                _ => String::new(),
            }
        };
        let lo = match c0 {
            0 => None,
            c if c % 2 == 1 => Some(format!(">= {}", pt(c / 2))),
            c => Some(format!("> {}", pt(c / 2 - 1))),
        };
        let hi = match c1 {
            c if c == 2 * n => None,
            c if c % 2 == 1 => Some(format!("<= {}", pt(c / 2))),
            c => Some(format!("< {}", pt(c / 2))),
        };
        match (lo, hi) {
            (None, None) => format!("any {what}"),
            (Some(l), None) => format!("{what} {l}"),
            (None, Some(h)) => format!("{what} {h}"),
            (Some(l), Some(h)) => format!("{what} {l} and {h}"),
        }
    }

    /// A state as a reviewer reads it.
    pub(crate) fn describe(&self, state: usize) -> String {
        let atom = |a: usize| {
            self.atoms
                .get(a)
                .map_or_else(String::new, |a| a.description.clone())
        };
        let group = |g: usize| -> String {
            let members: Vec<String> = self
                .group_of
                .iter()
                .enumerate()
                .filter(|(_, x)| **x == Some(g))
                .map(|(a, _)| atom(a))
                .collect();
            members.join(" or ")
        };
        match self.states.get(state) {
            None => String::new(),
            Some(State::Absent) => "absent".to_owned(),
            Some(State::Single(a)) => atom(*a),
            Some(State::List(gs)) if !self.has_qualified => "a list of values".to_owned(),
            Some(State::List(gs)) if gs.is_empty() => "a list with no non-empty value".to_owned(),
            Some(State::List(gs)) => {
                let parts: Vec<String> = gs.iter().map(|g| format!("({})", group(g))).collect();
                format!(
                    "a list with values of each of {}, and no other",
                    parts.join(", ")
                )
            }
            Some(State::ListOther) => "a list with values of several other kinds".to_owned(),
            Some(State::Tie(true)) => "holds".to_owned(),
            Some(State::Tie(false)) => "does not hold".to_owned(),
        }
    }
}

/// The position of a value among `n` sorted points: `2i+1` at point `i`, `2i` in the gap below
/// it, `2n` above them all.
fn position(n: usize, cmp: impl Fn(usize) -> Option<std::cmp::Ordering>) -> usize {
    use std::cmp::Ordering;
    let (mut lo, mut hi) = (0usize, n);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        match cmp(mid) {
            Some(Ordering::Equal) => return 2 * mid + 1,
            Some(Ordering::Greater) => lo = mid + 1,
            _ => hi = mid,
        }
    }
    2 * lo
}

/// The class of a value of a typed family: `usize::MAX` for the empty string, `usize::MAX - 1`
/// for one that does not `parse` as the type, else `class` of what it reads as.
fn typed_class<'x, T>(
    x: &'x str,
    parse: impl FnOnce(&'x str) -> Option<T>,
    class: impl FnOnce(T) -> usize,
) -> usize {
    if x.is_empty() {
        return usize::MAX;
    }
    parse(x).map_or(usize::MAX - 1, class)
}

/// The strings that fold to `s`, character by character.
fn folded(s: &str) -> Hir {
    Hir::concat(
        s.chars()
            .map(|c| {
                Hir::class(Class::Unicode(ClassUnicode::new(
                    values::folding_to(c)
                        .into_iter()
                        .map(|x| ClassUnicodeRange::new(x, x)),
                )))
            })
            .collect(),
    )
}

/// Text with at least five colons.
fn five_colons() -> Hir {
    let not_colon = Hir::class(Class::Bytes(ClassBytes::new([
        ClassBytesRange::new(0, b':' - 1),
        ClassBytesRange::new(b':' + 1, 255),
    ])));
    let any = Hir::class(Class::Bytes(ClassBytes::new([ClassBytesRange::new(
        0, 255,
    )])));
    let star = |h: Hir| {
        Hir::repetition(regex_syntax::hir::Repetition {
            min: 0,
            max: None,
            greedy: true,
            sub: Box::new(h),
        })
    };
    let field = Hir::concat(vec![star(not_colon), Hir::literal(&b":"[..])]);
    Hir::concat(vec![
        field.clone(),
        field.clone(),
        field.clone(),
        field.clone(),
        field,
        star(any),
    ])
}

fn quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// String-family patterns of one key, deduplicated.
#[derive(Default)]
struct StrPatterns {
    hirs: Vec<Hir>,
    descs: Vec<String>,
    ids: HashMap<String, usize>,
}

impl StrPatterns {
    fn id(&mut self, key: String, desc: String, hir: impl FnOnce() -> Hir) -> usize {
        if let Some(&i) = self.ids.get(&key) {
            return i;
        }
        let i = self.hirs.len();
        self.hirs.push(hir());
        self.descs.push(desc);
        self.ids.insert(key, i);
        i
    }
}

/// One policy value, as the key's classes compare it.
#[derive(Debug, Clone, Copy)]
enum Operand2 {
    /// String family: a pattern.
    Pat(usize),
    /// `Arn...`: a pattern, and the value must have five colons.
    Arn(usize),
    Bool(bool),
    /// Numeric, Date: the index of the constant among the sorted points.
    Point(usize),
    /// IP: the index of the CIDR.
    Cidr(usize),
    /// A value with a policy variable.
    Template,
    Invalid,
    /// A value of a clause of another family than the key's main one.
    Foreign,
}

/// What a value class is, for comparisons.
#[derive(Debug, Clone)]
enum AtomKind {
    Str(Bits),
    /// Numeric or Date: the position among points (`2i+1`) and gaps (`2i`).
    Pos(usize),
    Ip4(u32),
    Ip6(u128),
    /// Empty or unreadable text for a typed family: every comparison is an error.
    Unreadable,
    /// Past the budget: nothing decided.
    Coarse,
}

/// The string family's special patterns.
#[derive(Debug, Clone, Copy, Default)]
struct StrAux {
    colons: Option<usize>,
    truth: Option<usize>,
    falsity: Option<usize>,
}

fn compare(o: Operand2, order: Option<Order>, kind: &AtomKind, aux: StrAux, cidrs: &[Cidr]) -> Cmp {
    let cmp_bool = |b: bool| if b { Cmp::Match } else { Cmp::NoMatch };
    match (o, kind) {
        (Operand2::Template | Operand2::Foreign, _) | (_, AtomKind::Coarse) => Cmp::Unknown,
        (Operand2::Invalid, _) | (_, AtomKind::Unreadable) => Cmp::Error,
        (Operand2::Pat(p), AtomKind::Str(bits)) => cmp_bool(bits.get(p)),
        (Operand2::Arn(p), AtomKind::Str(bits)) => {
            if aux.colons.is_some_and(|c| bits.get(c)) {
                cmp_bool(bits.get(p))
            } else {
                Cmp::Error
            }
        }
        (Operand2::Bool(v), AtomKind::Str(bits)) => {
            if aux.truth.is_some_and(|t| bits.get(t)) {
                cmp_bool(v)
            } else if aux.falsity.is_some_and(|f| bits.get(f)) {
                cmp_bool(!v)
            } else {
                Cmp::Error
            }
        }
        (Operand2::Point(k), AtomKind::Pos(pos)) => {
            let o = pos.cmp(&(2 * k + 1));
            cmp_bool(order.unwrap_or(Order::Eq).holds(o))
        }
        (Operand2::Cidr(k), AtomKind::Ip4(a)) => {
            cmp_bool(matches!(cidrs.get(k), Some(Cidr::V4(c)) if c.contains(*a)))
        }
        (Operand2::Cidr(k), AtomKind::Ip6(a)) => {
            cmp_bool(matches!(cidrs.get(k), Some(Cidr::V6(c)) if c.contains(*a)))
        }
        _ => Cmp::Error,
    }
}

fn kind_of<T>(values: &[Operand<T>], i: usize) -> Option<Result<&T, Operand2>> {
    match values.get(i)? {
        Operand::Const(c) => Some(Ok(c)),
        Operand::Template(_) => Some(Err(Operand2::Template)),
        Operand::Invalid(_) => Some(Err(Operand2::Invalid)),
    }
}

fn each<T>(values: &[Operand<T>], mut f: impl FnMut(&T) -> Operand2) -> Vec<Operand2> {
    (0..values.len())
        .map(|i| match kind_of(values, i) {
            Some(Ok(c)) => f(c),
            Some(Err(o)) => o,
            None => Operand2::Invalid,
        })
        .collect()
}

fn count<T>(values: &[Operand<T>]) -> usize {
    values.len()
}

fn n_values(t: &Test) -> usize {
    match t {
        Test::Null { .. } => 0,
        Test::Equals { values, .. } => count(values),
        Test::Like { values, .. } => count(values),
        Test::Numeric { values, .. } => count(values),
        Test::Date { values, .. } => count(values),
        Test::Bool { values } => count(values),
        Test::Binary { values } => count(values),
        Test::Ip { values } => count(values),
    }
}

fn order_of(t: &Test) -> Option<Order> {
    match t {
        Test::Numeric { order, .. } | Test::Date { order, .. } => Some(*order),
        _ => None,
    }
}

/// Builds every key's domain and records each statement's clauses as (key, local clause).
/// Returns the domains, the index by key, and the approximations that arose.
pub(crate) fn build_domains(
    stmts: &mut [Stmt<'_>],
    limits: &Limits,
) -> (Vec<Domain>, HashMap<String, usize>, Vec<String>) {
    let mut by_key: BTreeMap<String, Vec<&Clause>> = BTreeMap::new();
    let mut written: HashMap<String, String> = HashMap::new();
    // (statement, clause) -> local clause index in its key.
    let mut local: Vec<Vec<usize>> = Vec::with_capacity(stmts.len());
    for s in stmts.iter() {
        let mut mine = Vec::new();
        for c in &s.entry.st.conditions {
            let list = by_key.entry(c.key.clone()).or_default();
            mine.push(list.len());
            list.push(c);
            written
                .entry(c.key.clone())
                .or_insert_with(|| c.written.clone());
        }
        local.push(mine);
    }
    let mut domains = Vec::new();
    let mut index = HashMap::new();
    let mut notes = Vec::new();
    for (key, clauses) in &by_key {
        let name = written.get(key).cloned().unwrap_or_else(|| key.clone());
        index.insert(key.clone(), domains.len());
        domains.push(build_domain(key, &name, clauses, limits, &mut notes));
    }
    // Clauses comparing a key with a policy variable's value that the key's states do not
    // decide become ties, one per distinct clause (the same atom in both sets).
    let mut ties: HashMap<String, usize> = HashMap::new();
    for (s, mine) in stmts.iter_mut().zip(local) {
        let mut clauses = Vec::with_capacity(mine.len());
        for (c, l) in s.entry.st.conditions.iter().zip(mine) {
            let k = index.get(&c.key).copied().unwrap_or(0);
            let undecided = domains.get(k).is_some_and(|d| {
                (0..d.states.len()).any(|st| {
                    let (lo, hi) = d.truth(l, st);
                    lo != hi
                })
            });
            if !(undecided && has_template(c)) {
                clauses.push((k, l));
                continue;
            }
            let sig = super::stmts::clause_key(c);
            let t = match ties.get(&sig) {
                Some(&t) => t,
                None => {
                    let written = format!("{} {} {}", c.written, c.operator, c.texts.join(", "));
                    domains.push(Domain::tie(written));
                    ties.insert(sig, domains.len() - 1);
                    domains.len() - 1
                }
            };
            clauses.push((t, 0));
        }
        s.clauses = clauses;
    }
    (domains, index, notes)
}

/// Whether a clause compares with a policy variable's value.
fn has_template(c: &Clause) -> bool {
    fn any<T>(values: &[Operand<T>]) -> bool {
        values.iter().any(|o| matches!(o, Operand::Template(_)))
    }
    match &c.test {
        Test::Equals { values, .. } => any(values),
        Test::Like { values, .. } => any(values),
        Test::Bool { values } => any(values),
        _ => false,
    }
}

/// The classes of one key: atoms with kinds, the reader, each clause's operands.
struct Classes {
    atoms: Vec<Atom>,
    kinds: Vec<AtomKind>,
    atom_of_class: HashMap<usize, usize>,
    reader: Reader,
    operands: Vec<Vec<Operand2>>,
    aux: StrAux,
    cidrs: Vec<Cidr>,
    pattern_descs: Vec<String>,
}

fn build_domain(
    key: &str,
    written: &str,
    clauses: &[&Clause],
    limits: &Limits,
    notes: &mut Vec<String>,
) -> Domain {
    // The main family: the most used one.
    let mut families: BTreeMap<Family, usize> = BTreeMap::new();
    for c in clauses {
        if let Some(f) = family_of(&c.test) {
            *families.entry(f).or_default() += 1;
        }
    }
    let main = families
        .iter()
        .max_by_key(|(f, n)| (**n, std::cmp::Reverse(**f)))
        .map_or(Family::Str, |(f, _)| *f);
    if families.len() > 1 {
        let names: Vec<&str> = families.keys().map(|f| f.name()).collect();
        notes.push(format!(
            "key `{written}` is compared as {}: only its {} comparisons are decided exactly",
            names.join(" and "),
            main.name()
        ));
    }
    let built = match main {
        Family::Str => str_classes(written, clauses, limits),
        _ => typed_classes(main, clauses),
    };
    let built = match built {
        Ok(b) if b.atoms.len() <= limits.max_value_classes => b,
        Ok(b) => {
            notes.push(format!(
                "may allow: the values of `{written}` fall into {} classes, more than the limit of {} (`max_value_classes`)",
                b.atoms.len(),
                limits.max_value_classes
            ));
            coarse(clauses)
        }
        Err(message) => {
            notes.push(format!("may allow: {message}"));
            coarse(clauses)
        }
    };
    if built
        .operands
        .iter()
        .flatten()
        .any(|o| matches!(o, Operand2::Template))
    {
        notes.push(format!(
            "key `{written}` is compared with a policy variable's value (another key's): each such comparison is taken as holding or not whatever the keys' values"
        ));
    }
    finish(key, written, clauses, built, limits, notes)
}

fn coarse(clauses: &[&Clause]) -> Classes {
    let mut atom_of_class = HashMap::new();
    atom_of_class.insert(0, 0);
    atom_of_class.insert(1, 1);
    Classes {
        atoms: vec![
            Atom {
                witness: String::new(),
                description: "the empty string".into(),
                empty: true,
            },
            Atom {
                witness: "x".into(),
                description: "any non-empty value".into(),
                empty: false,
            },
        ],
        kinds: vec![AtomKind::Coarse, AtomKind::Coarse],
        atom_of_class,
        reader: Reader::Coarse,
        operands: clauses
            .iter()
            .map(|c| vec![Operand2::Foreign; n_values(&c.test)])
            .collect(),
        aux: StrAux::default(),
        cidrs: Vec::new(),
        pattern_descs: Vec::new(),
    }
}

fn str_classes(written: &str, clauses: &[&Clause], limits: &Limits) -> Result<Classes, String> {
    let mut pats = StrPatterns::default();
    let empty = pats.id(String::new(), "the empty string".into(), || {
        Hir::literal(&b""[..])
    });
    let mut operands = Vec::with_capacity(clauses.len());
    for c in clauses {
        let ops = match &c.test {
            Test::Equals {
                ignore_case,
                values,
            } => each(values, |s| {
                if *ignore_case {
                    Operand2::Pat(pats.id(
                        format!("fold:{s}"),
                        format!("= {} (ignoring case)", quote(s)),
                        || folded(s),
                    ))
                } else {
                    Operand2::Pat(pats.id(format!("eq:{s}"), format!("= {}", quote(s)), || {
                        Hir::literal(s.as_bytes())
                    }))
                }
            }),
            Test::Like { arn, values } => each(values, |g| {
                let word = if *arn { "arn-like" } else { "like" };
                let p = pats.id(
                    format!("like{arn}:{g}"),
                    format!("{word} {}", quote(&super::region::plain(g))),
                    || glob_hir(g, false),
                );
                if *arn {
                    pats.id("colons".into(), String::new(), five_colons);
                    Operand2::Arn(p)
                } else {
                    Operand2::Pat(p)
                }
            }),
            Test::Bool { values } => each(values, |b| {
                pats.id("bool:true".into(), "true".into(), || literal("true", true));
                pats.id("bool:false".into(), "false".into(), || {
                    literal("false", true)
                });
                Operand2::Bool(*b)
            }),
            Test::Binary { values } => each(values, |b| {
                let text = values::base64(b);
                Operand2::Pat(pats.id(
                    format!("b64:{text}"),
                    format!("= base64 {}", quote(&text)),
                    || Hir::literal(text.as_bytes()),
                ))
            }),
            t => vec![Operand2::Foreign; n_values(t)],
        };
        operands.push(ops);
    }
    let aux = StrAux {
        colons: pats.ids.get("colons").copied(),
        truth: pats.ids.get("bool:true").copied(),
        falsity: pats.ids.get("bool:false").copied(),
    };
    let part = Partition::build(
        &pats.hirs,
        None,
        limits,
        (limits.max_value_classes, "max_value_classes"),
        &format!("the values of `{written}`"),
    )
    .map_err(|b| b.message)?;
    let shown_patterns =
        Bits::with((0..pats.hirs.len()).filter(|&p| p != empty && Some(p) != aux.colons));
    let mut atoms = Vec::new();
    let mut kinds = Vec::new();
    let mut atom_of_class = HashMap::new();
    for (ci, class) in part.classes.iter().enumerate() {
        let bits = class.bits.clone();
        let is_empty = bits.get(empty);
        let desc = |p: usize| pats.descs.get(p).cloned();
        let shown: Vec<String> = bits
            .iter()
            .filter(|&p| shown_patterns.get(p))
            .filter_map(desc)
            .collect();
        let excl: Vec<String> = part
            .relevant_exclusions(&bits, &shown_patterns)
            .into_iter()
            .filter_map(desc)
            .collect();
        let description = if is_empty {
            "the empty string".to_owned()
        } else if shown.is_empty() && excl.is_empty() {
            "any non-empty value".to_owned()
        } else if shown.is_empty() {
            format!("a non-empty value that is none of: {}", excl.join(", "))
        } else if excl.is_empty() {
            shown.join(" and ")
        } else {
            format!("{}, but none of: {}", shown.join(" and "), excl.join(", "))
        };
        atom_of_class.insert(ci, atoms.len());
        atoms.push(Atom {
            witness: class.witness.clone(),
            description,
            empty: is_empty,
        });
        kinds.push(AtomKind::Str(bits));
    }
    let mut pattern_descs = pats.descs;
    if let Some(d) = pattern_descs.get_mut(empty) {
        d.clear();
    }
    Ok(Classes {
        atoms,
        kinds,
        atom_of_class,
        reader: Reader::Str(Box::new(part)),
        operands,
        aux,
        cidrs: Vec::new(),
        pattern_descs,
    })
}

fn typed_classes(main: Family, clauses: &[&Clause]) -> Result<Classes, String> {
    let mut nums: Vec<Decimal> = Vec::new();
    let mut dates: Vec<Instant> = Vec::new();
    let mut cidrs: Vec<Cidr> = Vec::new();
    for c in clauses {
        match &c.test {
            Test::Numeric { values, .. } if main == Family::Num => {
                nums.extend(values.iter().filter_map(|v| v.as_const().cloned()));
            }
            Test::Date { values, .. } if main == Family::Date => {
                dates.extend(values.iter().filter_map(|v| v.as_const().copied()));
            }
            Test::Ip { values } if main == Family::Ip => {
                cidrs.extend(values.iter().filter_map(|v| v.as_const().copied()));
            }
            _ => {}
        }
    }
    let same =
        |a: &Decimal, b: &Decimal| a.as_ref().cmp_num(b.as_ref()) == std::cmp::Ordering::Equal;
    nums.sort_by(|a, b| a.as_ref().cmp_num(b.as_ref()));
    nums.dedup_by(|a, b| same(a, b));
    dates.sort_unstable();
    dates.dedup();
    let operands: Vec<Vec<Operand2>> = clauses
        .iter()
        .map(|c| match &c.test {
            Test::Numeric { values, .. } if main == Family::Num => each(values, |d| {
                nums.iter()
                    .position(|p| same(p, d))
                    .map_or(Operand2::Invalid, Operand2::Point)
            }),
            Test::Date { values, .. } if main == Family::Date => each(values, |d| {
                dates
                    .iter()
                    .position(|p| p == d)
                    .map_or(Operand2::Invalid, Operand2::Point)
            }),
            Test::Ip { values } if main == Family::Ip => each(values, |d| {
                cidrs
                    .iter()
                    .position(|p| p == d)
                    .map_or(Operand2::Invalid, Operand2::Cidr)
            }),
            t => vec![Operand2::Foreign; n_values(t)],
        })
        .collect();
    let mut atoms = Vec::new();
    let mut kinds = Vec::new();
    let mut atom_of_class = HashMap::new();
    let mut push =
        |class: usize, witness: String, description: String, empty: bool, kind: AtomKind| {
            atom_of_class.insert(class, atoms.len());
            atoms.push(Atom {
                witness,
                description,
                empty,
            });
            kinds.push(kind);
        };
    push(
        usize::MAX,
        String::new(),
        "the empty string".into(),
        true,
        AtomKind::Unreadable,
    );
    let what = match main {
        Family::Num => "a number",
        Family::Date => "a date",
        _ => "an IP address",
    };
    push(
        usize::MAX - 1,
        "x".into(),
        format!("a value that is not {what}"),
        false,
        AtomKind::Unreadable,
    );
    let reader = match main {
        Family::Num => {
            for pos in 0..=2 * nums.len() {
                let lo = pos.checked_sub(1).and_then(|i| nums.get(i / 2));
                let hi = nums.get(pos / 2);
                if pos % 2 == 1 {
                    let t = hi.map(values::decimal_text).unwrap_or_default();
                    push(pos, t.clone(), format!("= {t}"), false, AtomKind::Pos(pos));
                } else {
                    push(
                        pos,
                        values::decimal_between(lo, hi),
                        gap(
                            lo.map(values::decimal_text),
                            hi.map(values::decimal_text),
                            what,
                        ),
                        false,
                        AtomKind::Pos(pos),
                    );
                }
            }
            Reader::Num(nums)
        }
        Family::Date => {
            let text = |t: Instant| values::instant_text(t).unwrap_or_default();
            for pos in 0..=2 * dates.len() {
                let lo = pos.checked_sub(1).and_then(|i| dates.get(i / 2)).copied();
                let hi = dates.get(pos / 2).copied();
                if pos % 2 == 1 {
                    let t = hi.map(text).unwrap_or_default();
                    push(pos, t.clone(), format!("= {t}"), false, AtomKind::Pos(pos));
                } else if let Some(w) = values::instant_between(lo, hi) {
                    // A gap no text names is no class at all.
                    push(
                        pos,
                        w,
                        gap(lo.map(text), hi.map(text), what),
                        false,
                        AtomKind::Pos(pos),
                    );
                }
            }
            Reader::Date(dates)
        }
        _ => {
            let mut b4: Vec<u32> = vec![0];
            let mut b6: Vec<u128> = vec![0];
            for c in &cidrs {
                match c {
                    Cidr::V4(c) => {
                        b4.push(c.net);
                        if let Some(n) = (c.net | !iamc_format::value::mask4(c.len)).checked_add(1)
                        {
                            b4.push(n);
                        }
                    }
                    Cidr::V6(c) => {
                        b6.push(c.net);
                        if let Some(n) = (c.net | !iamc_format::value::mask6(c.len)).checked_add(1)
                        {
                            b6.push(n);
                        }
                    }
                }
            }
            b4.sort_unstable();
            b4.dedup();
            b6.sort_unstable();
            b6.dedup();
            let range = |a: String, z: String| {
                if a == z {
                    format!("the address {a}")
                } else {
                    format!("an address from {a} to {z}")
                }
            };
            for (i, &start) in b4.iter().enumerate() {
                let end = b4.get(i + 1).map_or(u32::MAX, |n| n.saturating_sub(1));
                let (a, z) = (
                    std::net::Ipv4Addr::from(start).to_string(),
                    std::net::Ipv4Addr::from(end).to_string(),
                );
                push(i, a.clone(), range(a, z), false, AtomKind::Ip4(start));
            }
            for (i, &start) in b6.iter().enumerate() {
                let end = b6.get(i + 1).map_or(u128::MAX, |n| n.saturating_sub(1));
                let (a, z) = (
                    std::net::Ipv6Addr::from(start).to_string(),
                    std::net::Ipv6Addr::from(end).to_string(),
                );
                push(
                    b4.len() + i,
                    a.clone(),
                    range(a, z),
                    false,
                    AtomKind::Ip6(start),
                );
            }
            Reader::Ip(b4, b6)
        }
    };
    Ok(Classes {
        atoms,
        kinds,
        atom_of_class,
        reader,
        operands,
        aux: StrAux::default(),
        cidrs,
        pattern_descs: Vec::new(),
    })
}

fn gap(lo: Option<String>, hi: Option<String>, what: &str) -> String {
    match (lo, hi) {
        (None, None) => what.to_owned(),
        (None, Some(h)) => format!("{what} < {h}"),
        (Some(l), None) => format!("{what} > {l}"),
        (Some(l), Some(h)) => format!("{what} > {l} and < {h}"),
    }
}

/// The clauses' truth per value class, the list groups, the states and the table.
fn finish(
    key: &str,
    written: &str,
    clauses: &[&Clause],
    built: Classes,
    limits: &Limits,
    notes: &mut Vec<String>,
) -> Domain {
    let Classes {
        atoms,
        kinds,
        atom_of_class,
        reader,
        operands,
        aux,
        cidrs,
        pattern_descs,
    } = built;
    // per_value[clause][atom]
    let per_value: Vec<Vec<(bool, bool)>> = clauses
        .iter()
        .zip(&operands)
        .map(|(c, ops)| {
            kinds
                .iter()
                .map(|k| {
                    let cmps: Vec<Cmp> = ops
                        .iter()
                        .map(|o| compare(*o, order_of(&c.test), k, aux, &cidrs))
                        .collect();
                    if c.negated {
                        (
                            cmps.iter().all(|r| *r == Cmp::NoMatch),
                            cmps.iter()
                                .all(|r| matches!(r, Cmp::NoMatch | Cmp::Unknown)),
                        )
                    } else {
                        (
                            cmps.contains(&Cmp::Match),
                            cmps.iter().any(|r| matches!(r, Cmp::Match | Cmp::Unknown)),
                        )
                    }
                })
                .collect()
        })
        .collect();
    let qualified: Vec<usize> = clauses
        .iter()
        .enumerate()
        .filter(|(_, c)| c.qualifier.is_some() && !matches!(c.test, Test::Null { .. }))
        .map(|(i, _)| i)
        .collect();
    let has_qualified = !qualified.is_empty();
    // Groups: non-empty classes every set-qualified clause treats alike.
    let mut group_of: Vec<Option<usize>> = vec![None; atoms.len()];
    let mut signatures: Vec<Vec<(bool, bool)>> = Vec::new();
    if has_qualified {
        for (a, atom) in atoms.iter().enumerate() {
            if atom.empty {
                continue;
            }
            let sig: Vec<(bool, bool)> = qualified
                .iter()
                .map(|&c| {
                    per_value
                        .get(c)
                        .and_then(|r| r.get(a))
                        .copied()
                        .unwrap_or((false, true))
                })
                .collect();
            let g = match signatures.iter().position(|s| *s == sig) {
                Some(g) => g,
                None => {
                    signatures.push(sig);
                    signatures.len() - 1
                }
            };
            if let Some(slot) = group_of.get_mut(a) {
                *slot = Some(g);
            }
        }
    }
    let groups = signatures.len();
    let truncated = groups > limits.max_list_groups;
    let mut states = vec![State::Absent];
    states.extend((0..atoms.len()).map(State::Single));
    if !has_qualified {
        states.push(State::List(Bits::default()));
    } else if !truncated {
        for mask in 0..(1usize << groups) {
            states.push(State::List(Bits::with(
                (0..groups).filter(|g| mask & (1 << g) != 0),
            )));
        }
    } else {
        notes.push(format!(
            "key `{written}`: lists of values of more than one of its {groups} kinds are bounded, not decided (`max_list_groups` is {})",
            limits.max_list_groups
        ));
        states.push(State::List(Bits::default()));
        states.extend((0..groups).map(|g| State::List(Bits::with([g]))));
        states.push(State::ListOther);
    }
    let rep = |g: usize| group_of.iter().position(|x| *x == Some(g));
    let table: Vec<Vec<(bool, bool)>> = clauses
        .iter()
        .enumerate()
        .map(|(ci, c)| {
            let pv = |a: usize| {
                per_value
                    .get(ci)
                    .and_then(|r| r.get(a))
                    .copied()
                    .unwrap_or((false, true))
            };
            states
                .iter()
                .map(|s| {
                    if let Test::Null {
                        if_absent,
                        if_present,
                    } = c.test
                    {
                        // A set qualifier does not change `Null` (spec 5.4.4, A18).
                        let v = if *s == State::Absent {
                            if_absent
                        } else {
                            if_present
                        };
                        return (v, v);
                    }
                    match (c.qualifier, s) {
                        (None, State::Absent) => {
                            let v = c.if_exists || c.negated;
                            (v, v)
                        }
                        (None, State::Single(a)) => pv(*a),
                        (None, _) => (false, false),
                        (Some(q), _) => {
                            let vals: Option<Vec<(bool, bool)>> = match s {
                                State::Absent => Some(Vec::new()),
                                State::Single(a) => {
                                    Some(if atoms.get(*a).is_some_and(|x| x.empty) {
                                        Vec::new()
                                    } else {
                                        vec![pv(*a)]
                                    })
                                }
                                State::List(gs) => {
                                    Some(gs.iter().filter_map(rep).map(pv).collect())
                                }
                                State::ListOther | State::Tie(_) => None,
                            };
                            match vals {
                                None => (false, true),
                                Some(v) => match q {
                                    Qualifier::ForAllValues => {
                                        (v.iter().all(|x| x.0), v.iter().all(|x| x.1))
                                    }
                                    Qualifier::ForAnyValue => {
                                        (v.iter().any(|x| x.0), v.iter().any(|x| x.1))
                                    }
                                },
                            }
                        }
                    }
                })
                .collect()
        })
        .collect();
    Domain {
        key: key.to_owned(),
        written: written.to_owned(),
        atoms,
        states,
        table,
        atom_of_class,
        reader,
        group_of,
        groups,
        truncated,
        has_qualified,
        pattern_descs,
        tie: false,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    #[test]
    fn positions_among_points() {
        let pts = [1, 5, 9];
        let at = |x: i32| position(pts.len(), |i| pts.get(i).map(|p| x.cmp(p)));
        assert_eq!(at(0), 0);
        assert_eq!(at(1), 1);
        assert_eq!(at(3), 2);
        assert_eq!(at(5), 3);
        assert_eq!(at(9), 5);
        assert_eq!(at(10), 6);
    }
}
