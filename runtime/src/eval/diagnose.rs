//! `diagnose`: the explanation, the statements that came closest, and the missing context keys.

use iamc_format::program::{Program, StatementMeta};

use super::explain::{explain, matched_statement};
use super::{Cx, Inconsistent, Res, Setting};
use crate::diagnosis::{Diagnosis, NearMiss, Span};
use crate::principal::block_class;
use crate::{cond, Dfa, Effect, Explanation, MatchedStatement, PolicyType, Request};

/// The detailed explanation of `req` (see [`Diagnosis`]). A lookup the load-time checks should
/// have made impossible leaves the near misses out (the explanation then says
/// `Inconsistent`).
pub(crate) fn diagnose(p: &Program, dfas: &[Dfa], req: &Request) -> Diagnosis {
    let explanation = explain(p, dfas, req);
    let statement_spans = explanation
        .statements
        .iter()
        .map(|m| span_of(p, m))
        .collect();
    let near_misses = near_misses(p, dfas, req, &explanation).unwrap_or_default();
    Diagnosis {
        explanation,
        statement_spans,
        near_misses,
        missing_context_values: missing_context_values(p, req),
    }
}

fn span(s: &StatementMeta) -> Span {
    Span {
        start: s.origin.start,
        end: s.origin.end,
    }
}

/// The place of a matched statement (found by policy and index; the empty span if absent).
fn span_of(p: &Program, m: &MatchedStatement) -> Span {
    p.statements
        .iter()
        .find(|s| {
            s.index == m.index
                && p.policies.get(s.policy as usize) == Some(&m.policy)
                && p.groups
                    .get(s.group as usize)
                    .is_some_and(|g| g.policy_type == m.policy_type && g.level == m.level)
        })
        .map(span)
        .unwrap_or_default()
}

/// Every statement whose action, principal and resource match but whose conditions do not,
/// in the order of the explanation's statements.
fn near_misses(
    p: &Program,
    dfas: &[Dfa],
    req: &Request,
    explanation: &Explanation,
) -> Res<Vec<NearMiss>> {
    if explanation.reason == crate::Reason::Inconsistent {
        return Ok(Vec::new());
    }
    let set = Setting::of(req);
    let mut cx = Cx::new(p, dfas, req, set.caller);
    let mut out = Vec::new();
    for id in super::explain::candidates(p, dfas, req)? {
        let s = p.statements.get(id as usize).ok_or(Inconsistent)?;
        let g = p.groups.get(s.group as usize).ok_or(Inconsistent)?;
        let Some(conditions) = &s.conditions else {
            continue;
        };
        if g.policy_type == PolicyType::Scp && !set.caller.scps_apply() {
            continue;
        }
        if let Some(b) = &s.principal {
            if block_class(b, &set.caller, s.effect == Effect::Deny) == 0 {
                continue;
            }
        }
        if !cx.resource_holds(id)? || cx.class(id)? != 0 {
            continue;
        }
        let failed: Vec<_> = conditions
            .clauses
            .iter()
            .zip(&s.origin.clauses)
            .filter_map(|(c, o)| cond::diagnose(c, o, req, dfas))
            .collect();
        if failed.is_empty() {
            continue;
        }
        out.push(NearMiss {
            statement: matched_statement(p, s, g)?,
            span: span(s),
            failed,
        });
    }
    out.sort_by_key(|m| (m.statement.policy_type, m.statement.level));
    Ok(out)
}

/// The context keys the statements reference and the request does not carry, each once (ASCII
/// case ignored), as first written, in statement order.
fn missing_context_values(p: &Program, req: &Request) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for key in p.statements.iter().flat_map(|s| &s.origin.context_keys) {
        if req.context.get(key).is_none() && !out.iter().any(|k| k.eq_ignore_ascii_case(key)) {
            out.push(key.clone());
        }
    }
    out
}
