//! Condition clauses over the IR's typed values (DESIGN.md "Conditions", spec 5.3.1).

use iamc_format::value::{
    base64_decode, fold, parse_addr, parse_bool, parse_date, parse_decimal, Addr,
};
use iamc_runtime::diagnosis::{Failure, Outcome};
use iamc_runtime::{Context, Value};

use super::glob::{self, Tok};
use crate::ir::condition::{Cidr, Clause, Operand, Qualifier, Test};
use crate::ir::{Glob, Piece};

/// The result of comparing one request value with one policy value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cmp {
    Match,
    NoMatch,
    /// A value that does not read as the operator's type, on either side.
    Error,
    /// A policy variable with no value and no default.
    Unresolved,
}

impl From<bool> for Cmp {
    fn from(b: bool) -> Cmp {
        if b {
            Cmp::Match
        } else {
            Cmp::NoMatch
        }
    }
}

/// Whether clause `c` holds in `ctx`. INVARIANT (lowercase-keys): `c.key` is looked up as is
/// (the context ignores ASCII case anyway).
pub(super) fn holds(c: &Clause, ctx: &Context) -> bool {
    let value = ctx.get(&c.key);
    if let Test::Null {
        if_absent,
        if_present,
    } = c.test
    {
        // A set qualifier does not change `Null` (spec 5.4.4, A18).
        return if value.is_none() {
            if_absent
        } else {
            if_present
        };
    }
    let Some(q) = c.qualifier else {
        return match value {
            None => c.if_exists || c.negated,
            // A plain operator against a multi-valued key is false (A8).
            Some(Value::Multi(_)) => false,
            Some(Value::Single(x)) => per_value(c, x.as_text(), ctx),
        };
    };
    // Set qualifiers drop empty-string values first; absent = no values.
    let xs: Vec<&str> = match value {
        None => Vec::new(),
        Some(Value::Single(x)) => vec![x.as_text()],
        Some(Value::Multi(xs)) => xs.iter().map(|x| x.as_text()).collect(),
    };
    let mut xs = xs.into_iter().filter(|x| !x.is_empty());
    match q {
        Qualifier::ForAllValues => xs.all(|x| per_value(c, x, ctx)),
        Qualifier::ForAnyValue => xs.any(|x| per_value(c, x, ctx)),
    }
}

/// Why clause `c` does not hold in `ctx`, or `None` when it holds (the cases of
/// [`Failure`], decided as the runtime's `diagnose` decides them).
pub(super) fn failure(c: &Clause, ctx: &Context) -> Option<Failure> {
    if holds(c, ctx) {
        return None;
    }
    let value = ctx.get(&c.key);
    if let Test::Null { .. } = c.test {
        // A set qualifier does not change `Null` (spec 5.4.4, A18).
        return Some(if value.is_none() {
            Failure::Missing
        } else {
            Failure::Present
        });
    }
    let value_failure = |x: &str| {
        let outcome = if c.negated {
            if results(&c.test, x, ctx).contains(&Cmp::Match) {
                Outcome::Matched
            } else {
                Outcome::NotComparable
            }
        } else if readable(&c.test, x) {
            Outcome::NoMatch
        } else {
            Outcome::NotComparable
        };
        Failure::Value {
            value: x.to_owned(),
            outcome,
        }
    };
    let xs: Vec<&str> = match value {
        None => Vec::new(),
        Some(Value::Single(x)) => vec![x.as_text()],
        Some(Value::Multi(xs)) => xs.iter().map(|x| x.as_text()).collect(),
    };
    Some(match (c.qualifier, value) {
        (None, None) => Failure::Missing,
        (None, Some(Value::Multi(_))) => Failure::MultiValued,
        (None, Some(Value::Single(x))) => value_failure(x.as_text()),
        (Some(Qualifier::ForAllValues), _) => xs
            .into_iter()
            .find(|x| !x.is_empty() && !per_value(c, x, ctx))
            .map_or(Failure::NoValuePasses, value_failure),
        (Some(Qualifier::ForAnyValue), None) => Failure::Missing,
        (Some(Qualifier::ForAnyValue), Some(_)) => {
            if xs.iter().all(|x| x.is_empty()) {
                Failure::NoValues
            } else {
                Failure::NoValuePasses
            }
        }
    })
}

/// Whether request text `x` reads as the test's type (a comparison is then no error on its
/// side).
fn readable(test: &Test, x: &str) -> bool {
    match test {
        Test::Null { .. } | Test::Equals { .. } | Test::Like { arn: false, .. } => true,
        Test::Like { arn: true, .. } => colons(x) >= 5,
        Test::Numeric { .. } => parse_decimal(x).is_some(),
        Test::Date { .. } => parse_date(x).is_some(),
        Test::Bool { .. } => parse_bool(x).is_some(),
        Test::Binary { .. } => base64_decode(x).is_some(),
        Test::Ip { .. } => parse_addr(x).is_some(),
    }
}

/// One request value against the clause's values: positive operators need a Match; negated
/// ones every result NoMatch or Unresolved (A3: unresolved counts as different; Error never
/// counts).
fn per_value(c: &Clause, x: &str, ctx: &Context) -> bool {
    let results = results(&c.test, x, ctx);
    if c.negated {
        results
            .iter()
            .all(|r| matches!(r, Cmp::NoMatch | Cmp::Unresolved))
    } else {
        results.contains(&Cmp::Match)
    }
}

/// The comparison of `x` with every value of the test, in order.
fn results(test: &Test, x: &str, ctx: &Context) -> Vec<Cmp> {
    match test {
        Test::Null { .. } => vec![Cmp::Error],
        Test::Equals {
            ignore_case,
            values,
        } => each(values, |v| match v {
            Value2::Const(s) => equal(x, s, *ignore_case).into(),
            Value2::Template(t) => match text(t, ctx) {
                Some(s) => equal(x, &s, *ignore_case).into(),
                None => Cmp::Unresolved,
            },
        }),
        Test::Like { arn, values } => each(values, |v| match v {
            Value2::Const(g) => {
                if *arn && colons(x) < 5 {
                    Cmp::Error
                } else {
                    glob::matches_glob(g, x).into()
                }
            }
            Value2::Template(t) => match glob::resolve(t, ctx) {
                None => Cmp::Unresolved,
                Some(toks) if !*arn => glob::matches(&toks, x).into(),
                Some(toks) => match arn_fields(toks) {
                    Some(toks) if colons(x) >= 5 => glob::matches(&toks, x).into(),
                    _ => Cmp::Error,
                },
            },
        }),
        Test::Numeric { order, values } => each(values, |v| match (v, parse_decimal(x)) {
            (Value2::Const(d), Some(n)) => order.holds(n.cmp_num(d.as_ref())).into(),
            _ => Cmp::Error,
        }),
        Test::Date { order, values } => each(values, |v| match (v, parse_date(x)) {
            (Value2::Const(d), Some(t)) => order.holds(t.cmp(d)).into(),
            _ => Cmp::Error,
        }),
        Test::Bool { values } => each(values, |v| {
            let policy = match v {
                Value2::Const(b) => Some(*b),
                Value2::Template(t) => match text(t, ctx) {
                    Some(s) => parse_bool(&s),
                    None => return Cmp::Unresolved,
                },
            };
            match (parse_bool(x), policy) {
                (Some(a), Some(b)) => (a == b).into(),
                _ => Cmp::Error,
            }
        }),
        Test::Binary { values } => each(values, |v| match (v, base64_decode(x)) {
            (Value2::Const(bytes), Some(got)) => (*bytes == got).into(),
            _ => Cmp::Error,
        }),
        Test::Ip { values } => each(values, |v| match (v, parse_addr(x)) {
            (Value2::Const(Cidr::V4(net)), Some(Addr::V4(a))) => net.contains(a).into(),
            (Value2::Const(Cidr::V6(net)), Some(Addr::V6(a))) => net.contains(a).into(),
            (Value2::Const(_), Some(_)) => Cmp::NoMatch,
            _ => Cmp::Error,
        }),
    }
}

/// A value that can be evaluated: a constant or a template.
enum Value2<'a, T> {
    Const(&'a T),
    Template(&'a Glob),
}

/// `compare` on each value; an [`Operand::Invalid`] is Error against every request value
/// (INVARIANT (values-complete): none was dropped).
fn each<T>(values: &[Operand<T>], mut compare: impl FnMut(Value2<'_, T>) -> Cmp) -> Vec<Cmp> {
    values
        .iter()
        .map(|v| match v {
            Operand::Const(c) => compare(Value2::Const(c)),
            Operand::Template(t) => compare(Value2::Template(t)),
            Operand::Invalid(_) => Cmp::Error,
        })
        .collect()
}

/// `StringEquals` / `...IgnoreCase` (`s` already folded for constants; folding is idempotent).
fn equal(x: &str, s: &str, ignore_case: bool) -> bool {
    if ignore_case {
        x.chars().map(fold).eq(s.chars().map(fold))
    } else {
        x == s
    }
}

/// The substituted text of a template of literal text and variables.
fn text(t: &Glob, ctx: &Context) -> Option<String> {
    let mut out = String::new();
    for p in &t.pieces {
        match p {
            Piece::Lit(s) => out.push_str(s),
            Piece::Star { .. } => out.push('*'),
            Piece::One { .. } => out.push('?'),
            Piece::Var { key, default } => {
                out.push_str(ctx.variable(key, default.as_deref())?);
            }
        }
    }
    Some(out)
}

fn colons(x: &str) -> usize {
    x.matches(':').count()
}

/// An ARN template after substitution, cut into fields: wildcards before the fifth colon do not
/// cross `:`; `None` when the pattern has fewer than five colons.
fn arn_fields(mut toks: Vec<Tok>) -> Option<Vec<Tok>> {
    let mut seen = 0usize;
    for t in &mut toks {
        match t {
            Tok::Ch(':') => seen += 1,
            Tok::Star { colon } | Tok::One { colon } if seen < 5 => *colon = false,
            _ => {}
        }
    }
    (seen >= 5).then_some(toks)
}
