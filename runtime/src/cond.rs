//! Evaluation of compiled `Condition` blocks (`iamc_format::cond`) against a request.
//!
//! The semantics are spec 5.3.1 with the choices of DESIGN.md "Conditions" and "Policy
//! variables": clauses (one per operator and key) AND; values OR, NOR for negated operators;
//! each comparison is Match, NoMatch, Error or Unresolved.
//!
//! Evaluation never allocates and never panics: the request side is parsed in place
//! (`iamc_format::value`'s borrowed decimals, `std::net` address parsing, streaming base64,
//! per-character folding).

use iamc_format::cond::{Clause, Conditions, Matcher, Quantifier, Test};
use iamc_format::program::ClauseOrigin;
use iamc_format::value::{
    base64_equals, base64_valid, fold, parse_addr, parse_bool, parse_date, parse_decimal, Addr,
};
use regex_automata::dfa::Automaton;
use regex_automata::util::start;
use regex_automata::Anchored;

use crate::diagnosis::{FailedCondition, Failure, Outcome, Span};
use crate::{Context, Dfa, Request, Scalar, Value};
use iamc_format::arn;

mod template;

/// Outcome of one comparison of a request value with a policy value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Cmp3 {
    Match,
    NoMatch,
    /// Not comparable (not an ARN with six fields, not a boolean).
    Error,
    /// A variable has no value and no default.
    Unresolved,
}

impl Cmp3 {
    fn from_bool(b: bool) -> Cmp3 {
        if b {
            Cmp3::Match
        } else {
            Cmp3::NoMatch
        }
    }
}

/// The conditions could not be evaluated: a DFA index or state the artifact should not contain.
/// Validation on load excludes it; if it happens anyway, an Allow must not apply and a Deny
/// must (fail closed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct EvalError;

type Res<T> = Result<T, EvalError>;

/// True when every clause holds; an internal error ([`EvalError`]) counts as false.
///
/// Only correct for **Allow** statements. For a **Deny** statement call [`eval_checked`] and
/// treat `Err` as "applies" (`.unwrap_or(true)`): a Deny that silently stops applying could let
/// an Allow grant. Never allocates, never panics. `dfas` are all the artifact's DFAs (the ids
/// the compiler stored index into them).
pub(crate) fn eval(c: &Conditions, req: &Request, dfas: &[Dfa]) -> bool {
    eval_checked(c, req, dfas).unwrap_or(false)
}

/// `Ok(true)` when every clause holds, `Ok(false)` when one does not (clauses are checked in
/// order and the first false one decides: a later internal error cannot change a false
/// conjunction), `Err` when a clause could not be evaluated.
pub(crate) fn eval_checked(c: &Conditions, req: &Request, dfas: &[Dfa]) -> Res<bool> {
    for clause in &c.clauses {
        if !holds(clause, &req.context, dfas)? {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Whether one clause holds for the request context.
fn holds(c: &Clause, ctx: &Context, dfas: &[Dfa]) -> Res<bool> {
    let value = ctx.get(&c.key);
    let (negated, static_error, m) = match &c.test {
        Test::Null {
            if_absent,
            if_present,
        } => {
            // A set qualifier does not change `Null` (spec 5.4.4, A18).
            return Ok(if value.is_none() {
                *if_absent
            } else {
                *if_present
            });
        }
        Test::Compare {
            negated,
            static_error,
            matcher,
        } => (*negated, *static_error, matcher),
    };
    let per_value = |x: &str| per_value(m, negated, static_error, x, ctx, dfas);
    match c.quantifier {
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
                    if acc.add(template::equals(t, ctx, x, *f)) {
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
            let shape_ok = !*arn || arn::fields(x).is_some();
            let decided = match dfa {
                None => false,
                Some(_) if !shape_ok => acc.add(Cmp3::Error),
                Some(id) => acc.add(Cmp3::from_bool(dfa_accepts(dfas, *id, x)?)),
            };
            if !decided {
                for t in templates {
                    // An exhausted glob budget is an evaluation error: fail closed.
                    let r = if *arn {
                        template::arn_like(t, ctx, x)
                    } else {
                        template::like(t, ctx, x)
                    }
                    .map_err(|_| EvalError)?;
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
                    if acc.add(template::bool_equals(t, ctx, b)) {
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

/// The failure of clause `c` for the request, or `None` when it holds (`origin`: the clause
/// as written). Allocates: for explanations only.
pub(crate) fn diagnose(
    c: &Clause,
    origin: &ClauseOrigin,
    req: &Request,
    dfas: &[Dfa],
) -> Option<FailedCondition> {
    let ctx = &req.context;
    let failure = match holds(c, ctx, dfas) {
        Ok(true) => return None,
        Ok(false) => failure(c, ctx, dfas),
        Err(EvalError) => Failure::Unevaluable,
    };
    Some(FailedCondition {
        operator: origin.operator.clone(),
        key: c.key.clone(),
        span: Span {
            start: origin.start,
            end: origin.end,
        },
        values: origin.values.clone(),
        request: ctx.get(&c.key).cloned(),
        failure,
    })
}

/// Why clause `c`, which does not hold, fails (the cases of [`Failure`], in its order).
fn failure(c: &Clause, ctx: &Context, dfas: &[Dfa]) -> Failure {
    let value = ctx.get(&c.key);
    let (negated, static_error, m) = match &c.test {
        // A set qualifier does not change `Null` (spec 5.4.4, A18).
        Test::Null { .. } => {
            return if value.is_none() {
                Failure::Missing
            } else {
                Failure::Present
            }
        }
        Test::Compare {
            negated,
            static_error,
            matcher,
        } => (*negated, *static_error, matcher),
    };
    let passes = |x: &str| per_value(m, negated, static_error, x, ctx, dfas).unwrap_or(false);
    let value_failure = |x: &str| {
        let outcome = if negated {
            // Failed: some comparison matched or was an error; a match is what to report.
            if per_value(m, false, false, x, ctx, dfas).unwrap_or(false) {
                Outcome::Matched
            } else {
                Outcome::NotComparable
            }
        } else if readable(m, x) {
            Outcome::NoMatch
        } else {
            Outcome::NotComparable
        };
        Failure::Value {
            value: x.to_owned(),
            outcome,
        }
    };
    let list: &[Scalar] = match value {
        None => &[],
        Some(Value::Single(s)) => std::slice::from_ref(s),
        Some(Value::Multi(v)) => v,
    };
    match (c.quantifier, value) {
        (Quantifier::Plain { .. }, None) => Failure::Missing,
        (Quantifier::Plain { .. }, Some(Value::Multi(_))) => Failure::MultiValued,
        (Quantifier::Plain { .. }, Some(Value::Single(s))) => value_failure(s.as_text()),
        (Quantifier::ForAllValues, _) => list
            .iter()
            .map(Scalar::as_text)
            .find(|x| !x.is_empty() && !passes(x))
            .map_or(Failure::NoValuePasses, value_failure),
        (Quantifier::ForAnyValue, None) => Failure::Missing,
        (Quantifier::ForAnyValue, Some(_)) => {
            if list.iter().all(|s| s.as_text().is_empty()) {
                Failure::NoValues
            } else {
                Failure::NoValuePasses
            }
        }
    }
}

/// Whether request text `x` reads as the type of matcher `m` (so that comparing it is not an
/// error on its side): a number, a date, a boolean, base64, a bare IP address, an ARN with six
/// fields; any text for the string operators.
fn readable(m: &Matcher, x: &str) -> bool {
    match m {
        Matcher::Equals { .. } | Matcher::Like { arn: false, .. } => true,
        Matcher::Like { arn: true, .. } => arn::fields(x).is_some(),
        Matcher::Numeric { .. } => parse_decimal(x).is_some(),
        Matcher::Date { .. } => parse_date(x).is_some(),
        Matcher::Bool { .. } => parse_bool(x).is_some(),
        Matcher::Binary { .. } => base64_valid(x),
        Matcher::Ip { .. } => parse_addr(x).is_some(),
    }
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
