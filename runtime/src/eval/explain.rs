//! `explain`: the decision with every applying statement and the reason.

use iamc_format::program::{Group, Program, StatementMeta};

use super::action::action_hit;
use super::combine::{combine, verdicts, MAX_GROUPS};
use super::{Cx, Inconsistent, Res, Setting};
use crate::{Decision, Dfa, Effect, Explanation, MatchedStatement, PolicyType, Reason, Request};

/// The decision and every applying statement, by type then in policy order, with its reason.
pub(crate) fn explain(p: &Program, dfas: &[Dfa], req: &Request) -> Explanation {
    explain_inner(p, dfas, req).unwrap_or(Explanation {
        decision: Decision::ImplicitDeny,
        statements: Vec::new(),
        reason: Reason::Inconsistent,
    })
}

/// The ids of every statement whose action element accepts the request's action, sorted.
pub(super) fn candidates(p: &Program, dfas: &[Dfa], req: &Request) -> Res<Vec<u32>> {
    let mut ids: Vec<u32> = Vec::new();
    for k in 0..p.shards.len() {
        let hit = action_hit(p, dfas, k, &req.action)?;
        for effect in [Effect::Deny, Effect::Allow] {
            hit.any_candidate(p, effect, |id| {
                ids.push(id);
                Ok(false)
            })?;
        }
    }
    ids.sort_unstable();
    ids.dedup();
    Ok(ids)
}

/// Statement `s` of group `g` as an explanation (or a near miss) names it.
pub(super) fn matched_statement(
    p: &Program,
    s: &StatementMeta,
    g: &Group,
) -> Res<MatchedStatement> {
    Ok(MatchedStatement {
        policy_type: g.policy_type,
        level: g.level,
        policy: p
            .policies
            .get(s.policy as usize)
            .ok_or(Inconsistent)?
            .clone(),
        index: s.index,
        sid: s.sid.clone(),
        effect: s.effect,
    })
}

fn explain_inner(p: &Program, dfas: &[Dfa], req: &Request) -> Res<Explanation> {
    if p.groups.len() > MAX_GROUPS {
        return Err(Inconsistent);
    }
    let set = Setting::of(req);
    let mut cx = Cx::new(p, dfas, req, set.caller);
    let ids = candidates(p, dfas, req)?;
    let mut statements = Vec::new();
    let mut allow = [0u8; MAX_GROUPS];
    let mut first_deny: Option<PolicyType> = None;
    for id in ids {
        let c = cx.class(id)?;
        if c == 0 {
            continue;
        }
        let s = p.statements.get(id as usize).ok_or(Inconsistent)?;
        let g = p.groups.get(s.group as usize).ok_or(Inconsistent)?;
        match s.effect {
            Effect::Allow => *allow.get_mut(s.group as usize).ok_or(Inconsistent)? |= c,
            Effect::Deny => {
                first_deny = Some(first_deny.map_or(g.policy_type, |t| t.min(g.policy_type)));
            }
        }
        statements.push(matched_statement(p, s, g)?);
    }
    // Statements are numbered by group already; keep that order stable by type and level.
    statements.sort_by_key(|m| (m.policy_type, m.level));
    let (decision, reason) = match first_deny {
        Some(t) => (Decision::ExplicitDeny, Reason::ExplicitDeny(t)),
        None => combine(
            &verdicts(p, &allow)?,
            &set.caller,
            (&req.action, &req.resource),
            set.same_account,
        ),
    };
    Ok(Explanation {
        decision,
        statements,
        reason,
    })
}
