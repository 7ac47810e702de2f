//! Compiled `Condition` blocks: their stored form and their evaluation against a request.
//!
//! Built by the compiler's lowering (`compiler/src/lower/condition.rs`), stored in the program
//! section (bincode), checked by [`Conditions::validate`] on load, evaluated by
//! [`Conditions::eval_checked`] (or [`Conditions::eval`]) on the decision path.
//!
//! The semantics are spec 5.3.1 with the choices of DESIGN.md "Conditions" and "Policy
//! variables": clauses (one per operator and key) AND; values OR, NOR for negated operators;
//! each comparison is Match, NoMatch, Error or Unresolved. Everything a policy value can be
//! turned into ahead of time already was: exact string sets are sorted (folded for
//! `...IgnoreCase`), globs are DFAs in the artifact, numbers are exact decimals, dates instants,
//! IP ranges masked networks, base64 decoded bytes. Values with policy variables stay
//! [`Template`]s, compared after substitution segment by segment.
//!
//! Evaluation never allocates and never panics: the request side is parsed in place (borrowed
//! decimals, `std::net` address parsing, streaming base64, per-character folding).

use regex_automata::dfa::Automaton;
use regex_automata::util::start;
use regex_automata::Anchored;

use crate::{Context, Request, Value};

mod scalar;
mod template;

pub use scalar::{
    base64_decode, base64_equals, base64_valid, fold, parse_addr, parse_bool, parse_cidr,
    parse_date, parse_decimal, Addr, Cidr, Cidr4, Cidr6, DecRef, Decimal, Instant,
};
pub use template::{resolve, split6, Cmp3, Seg, Template};

/// The automata an artifact carries.
pub type Dfa = regex_automata::dfa::dense::DFA<Vec<u32>>;

/// A statement's `Condition` block: true when every clause holds (empty = always true).
#[derive(Debug, Clone, PartialEq, bincode::Encode, bincode::Decode)]
pub struct Conditions {
    pub clauses: Vec<Clause>,
}

/// One key of one operator: `Operator: { key: [values] }`.
#[derive(Debug, Clone, PartialEq, bincode::Encode, bincode::Decode)]
pub struct Clause {
    /// The condition key as written; looked up ignoring ASCII case.
    pub key: String,
    pub quantifier: Quantifier,
    pub test: Test,
}

/// The set qualifier, or its absence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, bincode::Encode, bincode::Decode)]
pub enum Quantifier {
    /// No qualifier: absent key → `if_exists || negated`; multi-valued key → false.
    Plain { if_exists: bool },
    /// Every non-empty value must pass (absent or no values: true). `IfExists` changes nothing.
    ForAllValues,
    /// Some non-empty value must pass (absent or no values: false, `IfExists` included, A9).
    ForAnyValue,
}

#[derive(Debug, Clone, PartialEq, bincode::Encode, bincode::Decode)]
pub enum Test {
    /// `Null`: `if_absent` = some value is `"true"`, `if_present` = some value is not.
    /// `ForAllValues:Null` is always true, `ForAnyValue:Null` always false.
    Null { if_absent: bool, if_present: bool },
    /// Every other operator.
    Compare {
        /// NOR over the values (`...Not...` operators) instead of OR.
        negated: bool,
        /// Some policy value cannot be read as the operator's type: that pair is always Error,
        /// so a negated operator never holds (a positive one just ignores it).
        static_error: bool,
        matcher: Matcher,
    },
}

/// The policy values of one clause, compiled by type. A request value that does not parse as
/// the type is Error against every value of the list (no value: nothing to compare).
#[derive(Debug, Clone, PartialEq, bincode::Encode, bincode::Decode)]
pub enum Matcher {
    /// `StringEquals` / `StringEqualsIgnoreCase` (and the `Not` forms).
    Equals {
        /// `...IgnoreCase`: `exact` holds folded strings; comparisons fold on the fly.
        fold: bool,
        /// Constant values, sorted by `str` order and deduplicated.
        exact: Vec<String>,
        /// Values with variables (`Lit`/`Var` segments).
        templates: Vec<Template>,
    },
    /// `StringLike` (`arn: false`) and all four `Arn...` operators (`arn: true`).
    Like {
        arn: bool,
        /// The DFA (artifact index) over the constant patterns: anchored, matching the whole
        /// value; for `arn`, patterns whose wildcards in fields 1 to 5 exclude `:` (a request
        /// value must still have six fields, checked here).
        dfa: Option<u32>,
        /// Values with variables, and any constant pattern not in the DFA.
        templates: Vec<Template>,
    },
    Numeric {
        op: Order,
        values: Vec<Decimal>,
    },
    Date {
        op: Order,
        values: Vec<Instant>,
    },
    Bool {
        values: Vec<bool>,
        /// Values with variables (2012-10-17, A10).
        templates: Vec<Template>,
    },
    Binary {
        values: Vec<Vec<u8>>,
    },
    Ip {
        v4: Vec<Cidr4>,
        v6: Vec<Cidr6>,
    },
}

/// How a request value `x` must relate to a policy value `v` (negated operators use `Eq` and
/// `Test::Compare::negated`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, bincode::Encode, bincode::Decode)]
pub enum Order {
    Eq,
    /// `x < v`.
    Lt,
    Le,
    Gt,
    Ge,
}

impl Order {
    fn holds(self, o: std::cmp::Ordering) -> bool {
        use std::cmp::Ordering::{Equal, Greater, Less};
        match self {
            Order::Eq => o == Equal,
            Order::Lt => o == Less,
            Order::Le => o != Greater,
            Order::Gt => o == Greater,
            Order::Ge => o != Less,
        }
    }
}

/// The conditions could not be evaluated: a DFA index or state the artifact should not contain.
/// Validation on load excludes it; if it happens anyway, an Allow must not apply and a Deny
/// must (fail closed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EvalError;

type Res<T> = Result<T, EvalError>;

impl Conditions {
    /// The empty block: always true.
    pub fn always() -> Conditions {
        Conditions {
            clauses: Vec::new(),
        }
    }

    pub fn is_always(&self) -> bool {
        self.clauses.is_empty()
    }

    /// True when every clause holds; an internal error ([`EvalError`]) counts as false.
    ///
    /// Only correct for **Allow** statements. For a **Deny** statement call
    /// [`Conditions::eval_checked`] and treat `Err` as "applies" (`.unwrap_or(true)`): a Deny
    /// that silently stops applying could let an Allow grant. Never allocates, never panics.
    /// `dfas` are all the artifact's DFAs (the ids the lowering stored index into them).
    pub fn eval(&self, req: &Request, dfas: &[Dfa]) -> bool {
        self.eval_checked(req, dfas).unwrap_or(false)
    }

    /// `Ok(true)` when every clause holds, `Ok(false)` when one does not (clauses are checked in
    /// order and the first false one decides: a later internal error cannot change a false
    /// conjunction), `Err` when a clause could not be evaluated.
    pub fn eval_checked(&self, req: &Request, dfas: &[Dfa]) -> Result<bool, EvalError> {
        for c in &self.clauses {
            if !c.holds(&req.context, dfas)? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Checks the invariants evaluation relies on, after decoding an untrusted artifact: DFA
    /// ids below `dfa_count`, sorted exact sets (folded ones folded), normalized decimals,
    /// nanoseconds below one second, masked networks, non-empty variable keys.
    pub fn validate(&self, dfa_count: usize) -> Result<(), &'static str> {
        for c in &self.clauses {
            c.validate(dfa_count)?;
        }
        Ok(())
    }
}

impl Clause {
    fn holds(&self, ctx: &Context, dfas: &[Dfa]) -> Res<bool> {
        let value = ctx.get(&self.key);
        let (negated, static_error, m) = match &self.test {
            Test::Null {
                if_absent,
                if_present,
            } => {
                return Ok(match self.quantifier {
                    Quantifier::ForAllValues => true,
                    Quantifier::ForAnyValue => false,
                    Quantifier::Plain { .. } => {
                        if value.is_none() {
                            *if_absent
                        } else {
                            *if_present
                        }
                    }
                })
            }
            Test::Compare {
                negated,
                static_error,
                matcher,
            } => (*negated, *static_error, matcher),
        };
        let per_value = |x: &str| per_value(m, negated, static_error, x, ctx, dfas);
        match self.quantifier {
            Quantifier::Plain { if_exists } => match value {
                None => Ok(if_exists || negated),
                Some(Value::Multi(_)) => Ok(false),
                Some(Value::Single(s)) => per_value(s.as_text()),
            },
            Quantifier::ForAllValues => match value {
                None => Ok(true),
                Some(Value::Single(s)) => {
                    let x = s.as_text();
                    if x.is_empty() {
                        Ok(true)
                    } else {
                        per_value(x)
                    }
                }
                Some(Value::Multi(list)) => {
                    for s in list {
                        let x = s.as_text();
                        if !x.is_empty() && !per_value(x)? {
                            return Ok(false);
                        }
                    }
                    Ok(true)
                }
            },
            Quantifier::ForAnyValue => match value {
                None => Ok(false),
                Some(Value::Single(s)) => {
                    let x = s.as_text();
                    if x.is_empty() {
                        Ok(false)
                    } else {
                        per_value(x)
                    }
                }
                Some(Value::Multi(list)) => {
                    for s in list {
                        let x = s.as_text();
                        if !x.is_empty() && per_value(x)? {
                            return Ok(true);
                        }
                    }
                    Ok(false)
                }
            },
        }
    }

    fn validate(&self, dfa_count: usize) -> Result<(), &'static str> {
        let Test::Compare { matcher, .. } = &self.test else {
            return Ok(());
        };
        let templates_ok = |ts: &[Template]| {
            ts.iter().all(|t| {
                t.segs.iter().all(|s| match s {
                    Seg::Var { key, .. } => !key.is_empty(),
                    _ => true,
                })
            })
        };
        match matcher {
            Matcher::Equals {
                fold: f,
                exact,
                templates,
            } => {
                if !exact.windows(2).all(|w| matches!(w, [a, b] if a < b)) {
                    return Err("condition string set is not sorted");
                }
                if *f && !exact.iter().all(|s| s.chars().all(|c| fold(c) == c)) {
                    return Err("condition ignore-case set is not folded");
                }
                if !templates_ok(templates) {
                    return Err("condition variable without a key");
                }
            }
            Matcher::Like { dfa, templates, .. } => {
                if dfa.is_some_and(|d| d as usize >= dfa_count) {
                    return Err("condition automaton index out of range");
                }
                if !templates_ok(templates) {
                    return Err("condition variable without a key");
                }
            }
            Matcher::Numeric { values, .. } => {
                if !values.iter().all(Decimal::is_normal) {
                    return Err("condition number is not normalized");
                }
            }
            Matcher::Date { values, .. } => {
                if !values.iter().all(|i| i.nanos < 1_000_000_000) {
                    return Err("condition date has more than a second of nanoseconds");
                }
            }
            Matcher::Bool { templates, .. } => {
                if !templates_ok(templates) {
                    return Err("condition variable without a key");
                }
            }
            Matcher::Binary { .. } => {}
            Matcher::Ip { v4, v6 } => {
                if !v4.iter().all(|c| c.is_normal()) || !v6.iter().all(|c| c.is_normal()) {
                    return Err("condition network has host bits or a bad prefix length");
                }
            }
        }
        Ok(())
    }
}

/// Accumulates the per-pair results of one request value against a value list.
struct Acc {
    negated: bool,
    matched: bool,
    errored: bool,
}

impl Acc {
    /// Records one result; returns true when the outcome is already decided.
    fn add(&mut self, r: Cmp3) -> bool {
        match r {
            Cmp3::Match => self.matched = true,
            Cmp3::Error => self.errored = true,
            Cmp3::NoMatch | Cmp3::Unresolved => {}
        }
        self.matched || (self.negated && self.errored)
    }

    /// Positive: some Match. Negated: every result NoMatch or Unresolved (A3).
    fn result(&self) -> bool {
        if self.negated {
            !self.matched && !self.errored
        } else {
            self.matched
        }
    }
}

/// `per_value` of spec 5.3.1 for one request value `x`.
fn per_value(
    m: &Matcher,
    negated: bool,
    static_error: bool,
    x: &str,
    ctx: &Context,
    dfas: &[Dfa],
) -> Res<bool> {
    let mut acc = Acc {
        negated,
        matched: false,
        errored: static_error,
    };
    if acc.add(Cmp3::NoMatch) {
        return Ok(acc.result());
    }
    match m {
        Matcher::Equals {
            fold: f,
            exact,
            templates,
        } => {
            let hit = if *f {
                exact
                    .binary_search_by(|s| s.chars().cmp(x.chars().map(fold)))
                    .is_ok()
            } else {
                exact.binary_search_by(|s| s.as_str().cmp(x)).is_ok()
            };
            if !acc.add(Cmp3::from_bool(hit)) {
                for t in templates {
                    if acc.add(t.equals(ctx, x, *f)) {
                        break;
                    }
                }
            }
        }
        Matcher::Like {
            arn,
            dfa,
            templates,
        } => {
            let shape_ok = !*arn || split6(x).is_some();
            let decided = match dfa {
                None => false,
                Some(_) if !shape_ok => acc.add(Cmp3::Error),
                Some(id) => acc.add(Cmp3::from_bool(dfa_accepts(dfas, *id, x)?)),
            };
            if !decided {
                for t in templates {
                    let r = if *arn {
                        t.arn_like(ctx, x)
                    } else {
                        t.like(ctx, x)
                    };
                    if acc.add(r) {
                        break;
                    }
                }
            }
        }
        Matcher::Numeric { op, values } => {
            if !values.is_empty() {
                match parse_decimal(x) {
                    None => {
                        acc.add(Cmp3::Error);
                    }
                    Some(d) => {
                        for v in values {
                            if acc.add(Cmp3::from_bool(op.holds(d.cmp_num(v.as_ref())))) {
                                break;
                            }
                        }
                    }
                }
            }
        }
        Matcher::Date { op, values } => {
            if !values.is_empty() {
                match parse_date(x) {
                    None => {
                        acc.add(Cmp3::Error);
                    }
                    Some(d) => {
                        for v in values {
                            if acc.add(Cmp3::from_bool(op.holds(d.cmp(v)))) {
                                break;
                            }
                        }
                    }
                }
            }
        }
        Matcher::Bool { values, templates } => {
            let b = parse_bool(x);
            let decided = match (values.is_empty(), b) {
                (true, _) => false,
                (false, None) => acc.add(Cmp3::Error),
                (false, Some(b)) => acc.add(Cmp3::from_bool(values.contains(&b))),
            };
            if !decided {
                for t in templates {
                    if acc.add(t.bool_equals(ctx, b)) {
                        break;
                    }
                }
            }
        }
        Matcher::Binary { values } => {
            if !values.is_empty() {
                if base64_valid(x) {
                    let hit = values.iter().any(|v| base64_equals(x, v));
                    acc.add(Cmp3::from_bool(hit));
                } else {
                    acc.add(Cmp3::Error);
                }
            }
        }
        Matcher::Ip { v4, v6 } => {
            if !v4.is_empty() || !v6.is_empty() {
                match parse_addr(x) {
                    None => {
                        acc.add(Cmp3::Error);
                    }
                    Some(Addr::V4(a)) => {
                        acc.add(Cmp3::from_bool(v4.iter().any(|c| c.contains(a))));
                    }
                    Some(Addr::V6(a)) => {
                        acc.add(Cmp3::from_bool(v6.iter().any(|c| c.contains(a))));
                    }
                }
            }
        }
    }
    Ok(acc.result())
}

/// Whether DFA `id` matches all of `x` (anchored at both ends).
fn dfa_accepts(dfas: &[Dfa], id: u32, x: &str) -> Res<bool> {
    let dfa = dfas.get(id as usize).ok_or(EvalError)?;
    let mut sid = match dfa.universal_start_state(Anchored::Yes) {
        Some(s) => s,
        None => dfa
            .start_state(&start::Config::new().anchored(Anchored::Yes))
            .map_err(|_| EvalError)?,
    };
    for &b in x.as_bytes() {
        sid = dfa.next_state(sid, b);
        if dfa.is_dead_state(sid) {
            return Ok(false);
        }
        if dfa.is_quit_state(sid) {
            return Err(EvalError);
        }
    }
    Ok(dfa.is_match_state(dfa.next_eoi_state(sid)))
}

#[cfg(test)]
mod tests;

// ---------------------------------------------------------------------------------------------
// Readable form (`iamc compile --emit ir`).

impl std::fmt::Display for Conditions {
    /// One clause per line: `key quantifier [not] matcher`, e.g.
    /// `aws:TagKeys ForAnyValue: not like dfa#3 | "${v}*"`; templates print with `\`-escaped
    /// literal `*`, `?`, `$` and `\`; `!error` marks a policy value of the wrong type.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, c) in self.clauses.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{:?} ", c.key)?;
            match c.quantifier {
                Quantifier::Plain { if_exists: true } => f.write_str("IfExists ")?,
                Quantifier::Plain { if_exists: false } => {}
                Quantifier::ForAllValues => f.write_str("ForAllValues: ")?,
                Quantifier::ForAnyValue => f.write_str("ForAnyValue: ")?,
            }
            match &c.test {
                Test::Null {
                    if_absent,
                    if_present,
                } => write!(f, "null absent={if_absent} present={if_present}")?,
                Test::Compare {
                    negated,
                    static_error,
                    matcher,
                } => {
                    if *negated {
                        f.write_str("not ")?;
                    }
                    write_matcher(f, matcher)?;
                    if *static_error {
                        f.write_str(" !error")?;
                    }
                }
            }
        }
        Ok(())
    }
}

impl std::fmt::Display for Template {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("\"")?;
        for s in &self.segs {
            match s {
                Seg::Lit(t) => {
                    for c in t.chars() {
                        if matches!(c, '*' | '?' | '$' | '\\') {
                            f.write_str("\\")?;
                        }
                        write!(f, "{c}")?;
                    }
                }
                Seg::Star => f.write_str("*")?,
                Seg::One => f.write_str("?")?,
                Seg::Var { key, default: None } => write!(f, "${{{key}}}")?,
                Seg::Var {
                    key,
                    default: Some(d),
                } => write!(f, "${{{key}, '{d}'}}")?,
            }
        }
        f.write_str("\"")
    }
}

fn write_matcher(f: &mut std::fmt::Formatter<'_>, m: &Matcher) -> std::fmt::Result {
    fn list<T>(
        f: &mut std::fmt::Formatter<'_>,
        items: &[T],
        mut one: impl FnMut(&mut std::fmt::Formatter<'_>, &T) -> std::fmt::Result,
    ) -> std::fmt::Result {
        f.write_str("[")?;
        for (i, x) in items.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            one(f, x)?;
        }
        f.write_str("]")
    }
    let templates = |f: &mut std::fmt::Formatter<'_>, ts: &[Template]| -> std::fmt::Result {
        for t in ts {
            write!(f, " | {t}")?;
        }
        Ok(())
    };
    let order = |o: &Order| match o {
        Order::Eq => "=",
        Order::Lt => "<",
        Order::Le => "<=",
        Order::Gt => ">",
        Order::Ge => ">=",
    };
    match m {
        Matcher::Equals {
            fold: fc,
            exact,
            templates: ts,
        } => {
            f.write_str(if *fc {
                "equals-ignore-case "
            } else {
                "equals "
            })?;
            list(f, exact, |f, s| write!(f, "{s:?}"))?;
            templates(f, ts)
        }
        Matcher::Like {
            arn,
            dfa,
            templates: ts,
        } => {
            f.write_str(if *arn { "arn-like" } else { "like" })?;
            if let Some(d) = dfa {
                write!(f, " dfa#{d}")?;
            }
            templates(f, ts)
        }
        Matcher::Numeric { op, values } => {
            write!(f, "numeric{} ", order(op))?;
            list(f, values, |f, d| {
                let sign = if d.negative { "-" } else { "" };
                let int = if d.int.is_empty() { "0" } else { &d.int };
                if d.frac.is_empty() {
                    write!(f, "{sign}{int}")
                } else {
                    write!(f, "{sign}{int}.{}", d.frac)
                }
            })
        }
        Matcher::Date { op, values } => {
            write!(f, "date{} ", order(op))?;
            list(f, values, |f, i| write!(f, "{}.{:09}", i.secs, i.nanos))
        }
        Matcher::Bool {
            values,
            templates: ts,
        } => {
            f.write_str("bool ")?;
            list(f, values, |f, b| write!(f, "{b}"))?;
            templates(f, ts)
        }
        Matcher::Binary { values } => {
            f.write_str("binary ")?;
            list(f, values, |f, v| {
                f.write_str("0x")?;
                v.iter().try_for_each(|b| write!(f, "{b:02x}"))
            })
        }
        Matcher::Ip { v4, v6 } => {
            f.write_str("ip ")?;
            list(f, v4, |f, c| {
                write!(f, "{}/{}", std::net::Ipv4Addr::from(c.net), c.len)
            })?;
            f.write_str(" ")?;
            list(f, v6, |f, c| {
                write!(f, "{}/{}", std::net::Ipv6Addr::from(c.net), c.len)
            })
        }
    }
}
