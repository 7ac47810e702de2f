//! Request → Decision over a validated [`Program`] and its DFAs, without heap allocation.
//!
//! The path of `authorize`:
//! 1. for each action shard, look the action up in its literal table (the complete candidate
//!    list of an action named literally by some pattern); otherwise walk its action DFA (the
//!    wildcard patterns only) over the request action, ASCII-lowercasing byte by byte, and take
//!    the candidate list of the state reached after end of input;
//! 2. Deny candidates of every shard first: a Deny whose resource block and conditions hold is
//!    `ExplicitDeny`;
//! 3. a list flagged `allow_all` is then `Allow`; otherwise the first applying Allow candidate;
//! 4. `ImplicitDeny`.
//!
//! Resource blocks consult the set of resource pattern ids the request resource matched. It is
//! computed once per request, on first need, by walking every resource DFA and collecting the
//! patterns of every match state seen (patterns ending in `*` were compiled without it and report
//! as soon as their prefix matches: the early-report trick). The set lives in a fixed stack
//! buffer; when it overflows, membership is answered by walking the pattern's DFA again.
//!
//! Every lookup that fails (an index the load-time validation should have excluded) is an
//! [`Inconsistent`] error, and the request is denied.

use regex_automata::dfa::Automaton;
use regex_automata::util::primitives::StateID;
use regex_automata::util::start;
use regex_automata::Anchored;

use iamc_format::program::{ActionShard, CandidateList, Program, ResourceBlock, MAX_ORG_LEVELS};
use iamc_format::template::{Template, Token};

use crate::principal::{
    block_class, combine, grant_required, Caller, CallerKind, Verdicts, DIRECT,
};
use crate::{
    cond, Decision, Dfa, Effect, Explanation, MatchedStatement, PolicyType, Reason, Request, Value,
};

/// How many matched resource pattern ids the stack buffer holds.
const MAX_MATCHED: usize = 256;
/// How many action shards keep their candidate list between the Deny and Allow passes.
const MAX_SHARDS_CACHED: usize = 8;
/// Backtracking steps a template confirmation may take before the request is denied.
const GLOB_BUDGET: u32 = 100_000;

/// A lookup failed that validation should have made impossible: deny.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Inconsistent;

type Res<T> = Result<T, Inconsistent>;

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

/// Where the action walk of one shard ended.
#[derive(Clone, Copy)]
struct ActionHit<'a> {
    shard: &'a ActionShard,
    dfa: &'a Dfa,
    /// The precomputed list of the end state.
    list: &'a CandidateList,
    /// Early patterns seen anywhere on the walk.
    early: u64,
    /// The match state after end of input, if the walk ended in one.
    eoi: Option<StateID>,
    /// The action is a literal of the shard: `list` is complete (early patterns and
    /// `NotAction` checks are accounted for in it).
    exact: bool,
}

impl<'a> ActionHit<'a> {
    /// The early lists of the patterns seen.
    fn early_lists(&self) -> impl Iterator<Item = &'a CandidateList> + 'a {
        let mask = if self.exact { 0 } else { self.early };
        self.shard
            .early
            .iter()
            .enumerate()
            .filter(move |&(i, _)| i < 64 && mask & (1u64 << i) != 0)
            .map(|(_, l)| l)
    }

    /// The `NotAction` statements with early patterns that are candidates: none of their
    /// patterns matched.
    fn not_actions(&self) -> impl Iterator<Item = u32> + 'a {
        let (mask, eoi, dfa, exact) = (self.early, self.eoi, self.dfa, self.exact);
        self.shard.not_actions.iter().filter_map(move |n| {
            if exact || n.early_mask & mask != 0 {
                return None;
            }
            if let Some(eoi) = eoi {
                for i in 0..dfa.match_len(eoi) {
                    let pid = dfa.match_pattern(eoi, i).as_u32();
                    if n.anchored.binary_search(&pid).is_ok() {
                        return None;
                    }
                }
            }
            Some(n.stmt)
        })
    }
}

/// The per-request facts about the caller that the combination of policy types needs.
#[derive(Clone, Copy)]
struct Setting<'r> {
    caller: Caller<'r>,
    same_account: bool,
}

impl<'r> Setting<'r> {
    fn of(req: &'r Request) -> Setting<'r> {
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

/// Most groups a program may have (one per type, plus the organization levels).
const MAX_GROUPS: usize = 8 + 2 * MAX_ORG_LEVELS as usize;

/// The verdicts of the groups, from the grant classes of their applicable Allows.
fn verdicts(p: &Program, allow: &[u8; MAX_GROUPS]) -> Res<Verdicts> {
    let mut v = Verdicts::default();
    for (i, g) in p.groups.iter().enumerate() {
        let a = *allow.get(i).ok_or(Inconsistent)?;
        let bit = 1u64.checked_shl(g.level).ok_or(Inconsistent)?;
        match g.policy_type {
            PolicyType::Identity => v.identity_allow |= a != 0,
            PolicyType::Resource | PolicyType::Trust => {
                v.resource |= a;
                v.has_trust |= g.policy_type == PolicyType::Trust;
            }
            PolicyType::Boundary => v.boundary = Some(a != 0),
            PolicyType::Session => v.session = Some(a != 0),
            PolicyType::Endpoint => v.endpoint = Some(a != 0),
            PolicyType::Scp => {
                v.scp_levels += 1;
                if a != 0 {
                    v.scp_allow |= bit;
                }
            }
            PolicyType::Rcp => {
                v.rcp_levels += 1;
                if a != 0 {
                    v.rcp_allow |= bit;
                }
            }
        }
    }
    Ok(v)
}

fn authorize_inner(p: &Program, dfas: &[Dfa], req: &Request) -> Res<Decision> {
    if p.groups.len() > MAX_GROUPS {
        return Err(Inconsistent);
    }
    let set = Setting::of(req);
    let mut cx = Cx::new(p, dfas, req, set.caller);
    let mut cache: [Option<ActionHit<'_>>; MAX_SHARDS_CACHED] = [None; MAX_SHARDS_CACHED];
    let effect_of = |id: u32| p.statements.get(id as usize).map(|s| s.effect);
    for k in 0..p.shards.len() {
        let hit = action_hit(p, dfas, k, &req.action)?;
        if let Some(slot) = cache.get_mut(k) {
            *slot = Some(hit);
        }
        for &id in hit.shard.deny_of(hit.list).ok_or(Inconsistent)? {
            if cx.class(id)? != 0 {
                return Ok(Decision::ExplicitDeny);
            }
        }
        for l in hit.early_lists() {
            for &id in hit.shard.deny_of(l).ok_or(Inconsistent)? {
                if cx.class(id)? != 0 {
                    return Ok(Decision::ExplicitDeny);
                }
            }
        }
        for id in hit.not_actions() {
            if effect_of(id) == Some(Effect::Deny) && cx.class(id)? != 0 {
                return Ok(Decision::ExplicitDeny);
            }
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
        for &id in hit.shard.allow_of(hit.list).ok_or(Inconsistent)? {
            if consider(id, &mut cx, &mut allow)? {
                return Ok(Decision::Allow);
            }
        }
        for l in hit.early_lists() {
            for &id in hit.shard.allow_of(l).ok_or(Inconsistent)? {
                if consider(id, &mut cx, &mut allow)? {
                    return Ok(Decision::Allow);
                }
            }
        }
        for id in hit.not_actions() {
            if effect_of(id) == Some(Effect::Allow) && consider(id, &mut cx, &mut allow)? {
                return Ok(Decision::Allow);
            }
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
    let effect_of = |id: u32| p.statements.get(id as usize).map(|s| s.effect);
    for k in 0..p.shards.len() {
        let hit = hit_of(k)?;
        if hit.list.allow_all || hit.early_lists().any(|l| l.allow_all) {
            return Ok(Decision::Allow);
        }
    }
    for k in 0..p.shards.len() {
        let hit = hit_of(k)?;
        for &id in hit.shard.allow_of(hit.list).ok_or(Inconsistent)? {
            if cx.class(id)? != 0 {
                return Ok(Decision::Allow);
            }
        }
        for l in hit.early_lists() {
            for &id in hit.shard.allow_of(l).ok_or(Inconsistent)? {
                if cx.class(id)? != 0 {
                    return Ok(Decision::Allow);
                }
            }
        }
        for id in hit.not_actions() {
            if effect_of(id) == Some(Effect::Allow) && cx.class(id)? != 0 {
                return Ok(Decision::Allow);
            }
        }
    }
    Ok(Decision::ImplicitDeny)
}

/// The decision and every applying statement, by type then in policy order, with its reason.
pub(crate) fn explain(p: &Program, dfas: &[Dfa], req: &Request) -> Explanation {
    explain_inner(p, dfas, req).unwrap_or(Explanation {
        decision: Decision::ImplicitDeny,
        statements: Vec::new(),
        reason: Reason::Inconsistent,
    })
}

fn explain_inner(p: &Program, dfas: &[Dfa], req: &Request) -> Res<Explanation> {
    if p.groups.len() > MAX_GROUPS {
        return Err(Inconsistent);
    }
    let set = Setting::of(req);
    let mut cx = Cx::new(p, dfas, req, set.caller);
    let mut ids: Vec<u32> = Vec::new();
    for k in 0..p.shards.len() {
        let hit = action_hit(p, dfas, k, &req.action)?;
        for l in std::iter::once(hit.list).chain(hit.early_lists()) {
            ids.extend(hit.shard.deny_of(l).ok_or(Inconsistent)?);
            ids.extend(hit.shard.allow_of(l).ok_or(Inconsistent)?);
        }
        ids.extend(hit.not_actions());
    }
    ids.sort_unstable();
    ids.dedup();
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
        let effect = match s.effect {
            Effect::Allow => {
                *allow.get_mut(s.group as usize).ok_or(Inconsistent)? |= c;
                Effect::Allow
            }
            Effect::Deny => {
                first_deny = Some(first_deny.map_or(g.policy_type, |t| t.min(g.policy_type)));
                Effect::Deny
            }
        };
        statements.push(MatchedStatement {
            policy_type: g.policy_type,
            level: g.level,
            policy: p
                .policies
                .get(s.policy as usize)
                .ok_or(Inconsistent)?
                .clone(),
            index: s.index,
            sid: s.sid.clone(),
            effect,
        });
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

/// The early-pattern bits among the patterns of match state `sid`.
fn early_bits(dfa: &Dfa, sid: StateID, early: usize) -> u64 {
    let mut mask = 0u64;
    for i in 0..dfa.match_len(sid) {
        let pid = dfa.match_pattern(sid, i).as_usize();
        if pid < early && pid < 64 {
            mask |= 1u64 << pid;
        }
    }
    mask
}

/// Walks shard `k`'s action DFA over the lowercased action.
fn action_hit<'a>(p: &'a Program, dfas: &'a [Dfa], k: usize, action: &str) -> Res<ActionHit<'a>> {
    let shard = p.shards.get(k).ok_or(Inconsistent)?;
    let dfa = dfas.get(shard.dfa as usize).ok_or(Inconsistent)?;
    if let Some(list) = shard.literals.get(action) {
        return Ok(ActionHit {
            shard,
            dfa,
            list: shard.lists.get(list as usize).ok_or(Inconsistent)?,
            early: 0,
            eoi: None,
            exact: true,
        });
    }
    let n_early = shard.early.len();
    let mut early = 0u64;
    let mut sid = anchored_start(dfa)?;
    let mut dead = false;
    for &b in action.as_bytes() {
        sid = dfa.next_state(sid, b.to_ascii_lowercase());
        if dfa.is_special_state(sid) {
            if dfa.is_dead_state(sid) {
                dead = true;
                break;
            }
            if n_early > 0 && dfa.is_match_state(sid) {
                early |= early_bits(dfa, sid, n_early);
            }
        }
    }
    let mut list = shard.default_list;
    let mut eoi_state = None;
    if !dead {
        let eoi = dfa.next_eoi_state(sid);
        if dfa.is_match_state(eoi) {
            early |= early_bits(dfa, eoi, n_early);
            let i = shard
                .states
                .binary_search_by_key(&eoi.as_u32(), |&(s, _)| s)
                .map_err(|_| Inconsistent)?;
            list = shard.states.get(i).ok_or(Inconsistent)?.1;
            eoi_state = Some(eoi);
        }
    }
    Ok(ActionHit {
        shard,
        dfa,
        list: shard.lists.get(list as usize).ok_or(Inconsistent)?,
        early,
        eoi: eoi_state,
        exact: false,
    })
}

/// The resource pattern ids a request resource matched.
struct Matched {
    ids: [u32; MAX_MATCHED],
    len: usize,
    /// More ids than the buffer holds: answer membership by walking again.
    overflow: bool,
}

impl Matched {
    fn insert(&mut self, id: u32) {
        let Some(live) = self.ids.get(..self.len) else {
            self.overflow = true;
            return;
        };
        let Err(at) = live.binary_search(&id) else {
            return;
        };
        if self.len >= MAX_MATCHED {
            self.overflow = true;
            return;
        }
        if let Some(tail) = self.ids.get_mut(at..=self.len) {
            tail.rotate_right(1);
            if let Some(slot) = tail.first_mut() {
                *slot = id;
            }
            self.len += 1;
        } else {
            self.overflow = true;
        }
    }
}

/// Per-request evaluation state.
struct Cx<'a> {
    p: &'a Program,
    dfas: &'a [Dfa],
    req: &'a Request,
    caller: Caller<'a>,
    /// The program is one identity group (validation guarantees no principal blocks there).
    identity_only: bool,
    matched: Option<Matched>,
}

impl<'a> Cx<'a> {
    fn new(p: &'a Program, dfas: &'a [Dfa], req: &'a Request, caller: Caller<'a>) -> Cx<'a> {
        Cx {
            p,
            dfas,
            req,
            caller,
            identity_only: matches!(p.groups.as_slice(), [g] if g.policy_type == PolicyType::Identity),
            matched: None,
        }
    }

    /// The grant classes by which statement `id` applies to the request (its action already
    /// matched), or 0: its group must concern the caller (SCPs do not concern anonymous and
    /// service callers), its principal block must name the caller, and its resource block and
    /// conditions must hold.
    fn class(&mut self, id: u32) -> Res<u8> {
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

    /// Whether statement `id`'s resource block and conditions hold (its action already does).
    fn applies(&mut self, id: u32) -> Res<bool> {
        let p = self.p;
        let s = p.statements.get(id as usize).ok_or(Inconsistent)?;
        if !self.resource_holds(&s.resource)? {
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

    fn resource_holds(&mut self, block: &ResourceBlock) -> Res<bool> {
        let hit = if block.any {
            true
        } else if self.req.resource == "*" {
            // Only the pattern `*` matches the request `*` of a wildcard-only action.
            false
        } else {
            let mut hit = false;
            for e in &block.entries {
                if !self.pattern_matched(e.pattern)? {
                    continue;
                }
                let confirmed = match e.template {
                    None => true,
                    Some(t) => {
                        let t = self.p.templates.get(t as usize).ok_or(Inconsistent)?;
                        template_matches(t, self.req, &self.req.resource)?
                    }
                };
                if confirmed {
                    hit = true;
                    break;
                }
            }
            hit
        };
        Ok(hit != block.negated)
    }

    fn pattern_matched(&mut self, pid: u32) -> Res<bool> {
        if self.matched.is_none() {
            self.matched = Some(collect_resource_matches(
                self.p,
                self.dfas,
                &self.req.resource,
            )?);
        }
        let m = self.matched.as_ref().ok_or(Inconsistent)?;
        if !m.overflow {
            let live = m.ids.get(..m.len).ok_or(Inconsistent)?;
            return Ok(live.binary_search(&pid).is_ok());
        }
        walk_for_pattern(self.p, self.dfas, &self.req.resource, pid)
    }
}

/// Walks every resource DFA over `resource`, calling `f(global pattern id)` for every pattern
/// of every match state on the way (including the state after end of input).
fn walk_resource_dfa(
    dfa: &Dfa,
    first: u32,
    resource: &str,
    f: &mut dyn FnMut(u32) -> bool,
) -> Res<bool> {
    let report = |sid: StateID, f: &mut dyn FnMut(u32) -> bool| -> Res<bool> {
        for i in 0..dfa.match_len(sid) {
            let pid = first
                .checked_add(dfa.match_pattern(sid, i).as_u32())
                .ok_or(Inconsistent)?;
            if f(pid) {
                return Ok(true);
            }
        }
        Ok(false)
    };
    let mut sid = anchored_start(dfa)?;
    for &b in resource.as_bytes() {
        sid = dfa.next_state(sid, b);
        if dfa.is_special_state(sid) {
            if dfa.is_dead_state(sid) {
                return Ok(false);
            }
            if dfa.is_match_state(sid) && report(sid, f)? {
                return Ok(true);
            }
        }
    }
    let eoi = dfa.next_eoi_state(sid);
    if dfa.is_match_state(eoi) {
        return report(eoi, f);
    }
    Ok(false)
}

fn collect_resource_matches(p: &Program, dfas: &[Dfa], resource: &str) -> Res<Matched> {
    let mut m = Matched {
        ids: [0; MAX_MATCHED],
        len: 0,
        overflow: false,
    };
    for r in &p.resource_dfas {
        let dfa = dfas.get(r.dfa as usize).ok_or(Inconsistent)?;
        walk_resource_dfa(dfa, r.first_pattern, resource, &mut |pid| {
            m.insert(pid);
            false
        })?;
    }
    Ok(m)
}

/// Slow path after an overflow: does pattern `pid` match `resource`?
fn walk_for_pattern(p: &Program, dfas: &[Dfa], resource: &str, pid: u32) -> Res<bool> {
    let at = p.resource_dfas.partition_point(|r| r.first_pattern <= pid);
    let r = p
        .resource_dfas
        .get(at.checked_sub(1).ok_or(Inconsistent)?)
        .ok_or(Inconsistent)?;
    let dfa = dfas.get(r.dfa as usize).ok_or(Inconsistent)?;
    walk_resource_dfa(dfa, r.first_pattern, resource, &mut |x| x == pid)
}

/// A variable's value: the key's text when single-valued (an empty text falls back to the
/// default when there is one), else the default; `None` is unresolved.
fn resolve<'r>(req: &'r Request, key: &str, default: Option<&'r str>) -> Option<&'r str> {
    match req.context.get(key) {
        Some(Value::Single(s)) => {
            let text = s.as_text();
            match (text.is_empty(), default) {
                (true, Some(d)) => Some(d),
                _ => Some(text),
            }
        }
        Some(Value::Multi(_)) | None => default,
    }
}

/// The exact check of a resource entry (with variables, or longer than its DFA pattern) after
/// its DFA pattern matched.
/// An unresolved variable: the entry matches nothing.
fn template_matches(t: &Template, req: &Request, resource: &str) -> Res<bool> {
    for tok in &t.tokens {
        if let Token::Var { key, default } = tok {
            if resolve(req, key, default.as_deref()).is_none() {
                return Ok(false);
            }
        }
    }
    let restricted = t
        .tokens
        .iter()
        .any(|x| matches!(x, Token::Star { colon: false }));
    if !restricted {
        return Ok(greedy_match(Elems::new(t, req), resource));
    }
    if let Some(m) = nfa_match(t, req, resource) {
        return Ok(m);
    }
    let mut budget = GLOB_BUDGET;
    glob(&t.tokens, req, resource, &mut budget)
}

/// One element of a substituted template: a literal character or a wildcard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Elem {
    Lit(char),
    One { colon: bool },
    Star { colon: bool },
}

impl Elem {
    /// Whether a one-character element accepts `c`.
    fn accepts(self, c: char) -> bool {
        match self {
            Elem::Lit(x) => x == c,
            Elem::One { colon } | Elem::Star { colon } => colon || c != ':',
        }
    }
}

/// The elements of a template with its variables substituted (resolved beforehand), without
/// allocating.
#[derive(Clone)]
struct Elems<'a> {
    toks: std::slice::Iter<'a, Token>,
    cur: std::str::Chars<'a>,
    req: &'a Request,
}

impl<'a> Elems<'a> {
    fn new(t: &'a Template, req: &'a Request) -> Elems<'a> {
        Elems {
            toks: t.tokens.iter(),
            cur: "".chars(),
            req,
        }
    }
}

impl Iterator for Elems<'_> {
    type Item = Elem;

    fn next(&mut self) -> Option<Elem> {
        loop {
            if let Some(c) = self.cur.next() {
                return Some(Elem::Lit(c));
            }
            match self.toks.next()? {
                Token::Lit(s) => self.cur = s.chars(),
                Token::Var { key, default } => {
                    self.cur = resolve(self.req, key, default.as_deref())
                        .unwrap_or("")
                        .chars();
                }
                Token::One { colon } => return Some(Elem::One { colon: *colon }),
                Token::Star { colon } => return Some(Elem::Star { colon: *colon }),
            }
        }
    }
}

/// The classic wildcard match with one backtrack point: exact when every `*` may match any
/// character (a later `*` can absorb whatever an earlier one would have).
fn greedy_match(pattern: Elems<'_>, s: &str) -> bool {
    let mut p = pattern;
    let mut rest = s;
    let mut star: Option<(Elems<'_>, &str)> = None;
    loop {
        let mut next_p = p.clone();
        let mut next_s = rest.chars();
        match (next_p.next(), next_s.clone().next()) {
            (Some(Elem::Star { .. }), _) => {
                star = Some((next_p.clone(), rest));
                p = next_p;
            }
            (Some(e), Some(c)) if e.accepts(c) => {
                next_s.next();
                p = next_p;
                rest = next_s.as_str();
            }
            (None, None) => return true,
            _ => {
                let Some((sp, ss)) = star.take() else {
                    return false;
                };
                let mut it = ss.chars();
                if it.next().is_none() {
                    return false;
                }
                star = Some((sp.clone(), it.as_str()));
                p = sp;
                rest = it.as_str();
            }
        }
    }
}

/// Positions the NFA simulation tracks (a stack bitset).
const NFA_WORDS: usize = 16;

fn bit(b: &[u64; NFA_WORDS], i: usize) -> bool {
    b.get(i / 64).is_some_and(|w| (w >> (i % 64)) & 1 == 1)
}

fn set_bit(b: &mut [u64; NFA_WORDS], i: usize) {
    if let Some(w) = b.get_mut(i / 64) {
        *w |= 1u64 << (i % 64);
    }
}

/// Adds the positions after every active `*` (it may match nothing).
fn star_closure(b: &mut [u64; NFA_WORDS], elems: Elems<'_>) {
    for (i, e) in elems.enumerate() {
        if matches!(e, Elem::Star { .. }) && bit(b, i) {
            set_bit(b, i + 1);
        }
    }
}

/// Exact for any mix of wildcards: simulates the pattern's NFA over the input, O(input × pattern)
/// with a stack bitset. `None` when the substituted pattern is too long for the bitset.
fn nfa_match(t: &Template, req: &Request, s: &str) -> Option<bool> {
    let elems = Elems::new(t, req);
    let m = elems.clone().count();
    if m >= NFA_WORDS * 64 {
        return None;
    }
    let mut cur = [0u64; NFA_WORDS];
    set_bit(&mut cur, 0);
    star_closure(&mut cur, elems.clone());
    for c in s.chars() {
        let mut next = [0u64; NFA_WORDS];
        for (i, e) in elems.clone().enumerate() {
            if !bit(&cur, i) || !e.accepts(c) {
                continue;
            }
            match e {
                Elem::Star { .. } => set_bit(&mut next, i),
                Elem::Lit(_) | Elem::One { .. } => set_bit(&mut next, i + 1),
            }
        }
        star_closure(&mut next, elems.clone());
        if next == [0u64; NFA_WORDS] {
            return Some(false);
        }
        cur = next;
    }
    Some(bit(&cur, m))
}

fn glob(toks: &[Token], req: &Request, mut s: &str, budget: &mut u32) -> Res<bool> {
    for (i, tok) in toks.iter().enumerate() {
        match tok {
            Token::Lit(l) => match s.strip_prefix(l.as_str()) {
                Some(rest) => s = rest,
                None => return Ok(false),
            },
            Token::Var { key, default } => {
                let Some(v) = resolve(req, key, default.as_deref()) else {
                    return Ok(false);
                };
                match s.strip_prefix(v) {
                    Some(rest) => s = rest,
                    None => return Ok(false),
                }
            }
            Token::One { colon } => {
                let mut it = s.chars();
                match it.next() {
                    Some(c) if *colon || c != ':' => s = it.as_str(),
                    _ => return Ok(false),
                }
            }
            Token::Star { colon } => {
                let rest = toks.get(i + 1..).ok_or(Inconsistent)?;
                if rest.is_empty() && *colon {
                    return Ok(true);
                }
                let mut cur = s;
                loop {
                    *budget = budget.checked_sub(1).ok_or(Inconsistent)?;
                    if glob(rest, req, cur, budget)? {
                        return Ok(true);
                    }
                    let mut it = cur.chars();
                    match it.next() {
                        Some(c) if *colon || c != ':' => cur = it.as_str(),
                        _ => return Ok(false),
                    }
                }
            }
        }
    }
    Ok(s.is_empty())
}
