//! Request → Decision over a validated [`Program`] and its DFAs, without heap allocation.
//!
//! The path of `authorize`:
//! 1. for each action shard, look the action up in its literal table (the complete candidate
//!    list of an action named literally by some pattern); otherwise walk its action DFA (the
//!    wildcard patterns only) over the request action, ASCII-lowercasing byte by byte, and take
//!    the candidate list of the state reached after end of input ([`action`]);
//! 2. Deny candidates of every shard first: a Deny whose principal, resource block
//!    ([`resource`]) and conditions (`crate::cond`) hold is `ExplicitDeny`;
//! 3. for a set of identity policies alone, a list flagged `allow_all` is then `Allow`;
//!    otherwise the Allow candidates, gathering per-group grant classes until the combination
//!    of the policy types ([`combine`]) is `Allow`;
//! 4. `ImplicitDeny`.
//!
//! `explain` ([`explain`]) takes the same steps over every candidate and keeps the statements.
//!
//! Every lookup that fails (an index the load-time validation should have excluded) is an
//! [`Inconsistent`] error, and the request is denied.

mod action;
mod combine;
mod diagnose;
mod explain;
mod resource;

use iamc_format::program::Program;
use regex_automata::dfa::Automaton;
use regex_automata::util::primitives::StateID;
use regex_automata::util::start;
use regex_automata::Anchored;

use crate::principal::{block_class, Caller, CallerKind, DIRECT};
use crate::{cond, Decision, Dfa, Effect, PolicyType, Request};
use action::{action_hit, ActionHit};
use combine::{combine, grant_required, verdicts, MAX_GROUPS};
pub(crate) use diagnose::diagnose;
pub(crate) use explain::explain;
use resource::Resources;

/// How many action shards keep their candidate list between the Deny and Allow passes.
const MAX_SHARDS_CACHED: usize = 8;

/// A lookup failed that validation should have made impossible: deny.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Inconsistent;

type Res<T> = Result<T, Inconsistent>;

/// The anchored start state of a DFA (every automaton of an artifact is searched anchored).
pub(crate) fn anchored_start(dfa: &Dfa) -> Res<StateID> {
    match dfa.universal_start_state(Anchored::Yes) {
        Some(s) => Ok(s),
        None => dfa
            .start_state(&start::Config::new().anchored(Anchored::Yes))
            .map_err(|_| Inconsistent),
    }
}

/// `Allow`, `ExplicitDeny` or `ImplicitDeny` for `req`. Allocates nothing.
pub(crate) fn authorize(p: &Program, dfas: &[Dfa], req: &Request) -> Decision {
    authorize_inner(p, dfas, req).unwrap_or(Decision::ImplicitDeny)
}

/// The per-request facts about the caller that the combination of policy types needs.
#[derive(Clone, Copy)]
pub(super) struct Setting<'r> {
    caller: Caller<'r>,
    same_account: bool,
}

impl<'r> Setting<'r> {
    pub(super) fn of(req: &'r Request) -> Setting<'r> {
        let caller = Caller::parse(req.principal.as_deref());
        // Without a caller account the resource's is not needed (`Caller::same_account`).
        let same_account = match caller.account {
            None => caller.same_account(None),
            Some(_) => caller.same_account(
                caller.resource_account(&req.resource, req.resource_account.as_deref()),
            ),
        };
        Setting {
            caller,
            same_account,
        }
    }
}

fn authorize_inner(p: &Program, dfas: &[Dfa], req: &Request) -> Res<Decision> {
    if p.groups.len() > MAX_GROUPS {
        return Err(Inconsistent);
    }
    let set = Setting::of(req);
    let mut cx = Cx::new(p, dfas, req, set.caller);
    let mut cache: [Option<ActionHit<'_>>; MAX_SHARDS_CACHED] = [None; MAX_SHARDS_CACHED];
    for k in 0..p.shards.len() {
        let hit = action_hit(p, dfas, k, &req.action)?;
        if let Some(slot) = cache.get_mut(k) {
            *slot = Some(hit);
        }
        if hit.any_candidate(p, Effect::Deny, |id| Ok(cx.class(id)? != 0))? {
            return Ok(Decision::ExplicitDeny);
        }
    }
    let hit_of = |k: usize| -> Res<ActionHit<'_>> {
        match cache.get(k).copied().flatten() {
            Some(h) => Ok(h),
            None => action_hit(p, dfas, k, &req.action),
        }
    };
    if matches!(p.groups.as_slice(), [g] if g.policy_type == PolicyType::Identity) {
        return identity_only_allow(p, req, &set, &mut cx, hit_of);
    }
    let mut allow = [0u8; MAX_GROUPS];
    let decided = |allow: &[u8; MAX_GROUPS]| -> Res<bool> {
        let v = verdicts(p, allow)?;
        Ok(combine(
            &v,
            &set.caller,
            (&req.action, &req.resource),
            set.same_account,
        )
        .0 == Decision::Allow)
    };
    if decided(&allow)? {
        return Ok(Decision::Allow);
    }
    let consider = |id: u32, cx: &mut Cx<'_>, allow: &mut [u8; MAX_GROUPS]| -> Res<bool> {
        let g = p.statements.get(id as usize).ok_or(Inconsistent)?.group as usize;
        let slot = allow.get_mut(g).ok_or(Inconsistent)?;
        if *slot & DIRECT != 0 {
            return Ok(false);
        }
        let c = cx.class(id)?;
        if c & !*slot == 0 {
            return Ok(false);
        }
        *slot |= c;
        decided(allow)
    };
    for k in 0..p.shards.len() {
        let hit = hit_of(k)?;
        if hit.any_candidate(p, Effect::Allow, |id| consider(id, &mut cx, &mut allow))? {
            return Ok(Decision::Allow);
        }
    }
    Ok(Decision::ImplicitDeny)
}

/// The Allow pass of a set of identity policies alone (no Deny applied): spec 7.3 reduced to
/// that case, without the per-group bookkeeping. An identity Allow decides only for a caller in
/// the resource's account, not a federated user without a session policy, on a request whose
/// resource policy need not grant (`principal::combine` with only the identity group says the
/// same; the property tests hold the two paths together). The root user needs no Allow.
fn identity_only_allow<'a>(
    p: &'a Program,
    req: &Request,
    set: &Setting<'_>,
    cx: &mut Cx<'_>,
    hit_of: impl Fn(usize) -> Res<ActionHit<'a>>,
) -> Res<Decision> {
    let open = set.same_account
        && set.caller.kind != CallerKind::Federated
        && !grant_required(&req.action, &req.resource);
    if !open {
        return Ok(Decision::ImplicitDeny);
    }
    if set.caller.kind == CallerKind::Root {
        return Ok(Decision::Allow);
    }
    for k in 0..p.shards.len() {
        let hit = hit_of(k)?;
        if hit.list.allow_all || hit.early_lists().any(|l| l.allow_all) {
            return Ok(Decision::Allow);
        }
    }
    for k in 0..p.shards.len() {
        let hit = hit_of(k)?;
        if hit.any_candidate(p, Effect::Allow, |id| Ok(cx.class(id)? != 0))? {
            return Ok(Decision::Allow);
        }
    }
    Ok(Decision::ImplicitDeny)
}

/// Per-request evaluation state.
pub(super) struct Cx<'a> {
    p: &'a Program,
    dfas: &'a [Dfa],
    req: &'a Request,
    caller: Caller<'a>,
    /// The program is one identity group (validation guarantees no principal blocks there).
    identity_only: bool,
    resources: Resources<'a>,
}

impl<'a> Cx<'a> {
    pub(super) fn new(
        p: &'a Program,
        dfas: &'a [Dfa],
        req: &'a Request,
        caller: Caller<'a>,
    ) -> Cx<'a> {
        Cx {
            p,
            dfas,
            req,
            caller,
            identity_only: matches!(p.groups.as_slice(), [g] if g.policy_type == PolicyType::Identity),
            resources: Resources::new(p, dfas, req),
        }
    }

    /// The grant classes by which statement `id` applies to the request (its action already
    /// matched), or 0: its group must concern the caller (SCPs do not concern anonymous and
    /// service callers), its principal block must name the caller, and its resource block and
    /// conditions must hold.
    pub(super) fn class(&mut self, id: u32) -> Res<u8> {
        if self.identity_only {
            // No principal blocks, no SCPs: the statement alone decides.
            return Ok(if self.applies(id)? { DIRECT } else { 0 });
        }
        let p = self.p;
        let s = p.statements.get(id as usize).ok_or(Inconsistent)?;
        let g = p.groups.get(s.group as usize).ok_or(Inconsistent)?;
        if g.policy_type == PolicyType::Scp && !self.caller.scps_apply() {
            return Ok(0);
        }
        let class = match &s.principal {
            None => DIRECT,
            Some(b) => block_class(b, &self.caller, s.effect == Effect::Deny),
        };
        if class == 0 || !self.applies(id)? {
            return Ok(0);
        }
        Ok(class)
    }

    /// Whether statement `id`'s resource block holds.
    pub(super) fn resource_holds(&mut self, id: u32) -> Res<bool> {
        let s = self.p.statements.get(id as usize).ok_or(Inconsistent)?;
        self.resources.holds(&s.resource)
    }

    /// Whether statement `id`'s resource block and conditions hold (its action already does).
    fn applies(&mut self, id: u32) -> Res<bool> {
        let p = self.p;
        let s = p.statements.get(id as usize).ok_or(Inconsistent)?;
        if !self.resources.holds(&s.resource)? {
            return Ok(false);
        }
        Ok(match &s.conditions {
            None => true,
            // Fail closed: a Deny whose conditions cannot be evaluated applies.
            Some(c) => match s.effect {
                Effect::Deny => cond::eval_checked(c, self.req, self.dfas).unwrap_or(true),
                Effect::Allow => cond::eval(c, self.req, self.dfas),
            },
        })
    }
}
