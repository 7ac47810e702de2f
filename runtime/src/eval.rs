//! Request → Decision over a validated [`Program`] and its DFAs, without heap allocation.
//!
//! The path of `authorize`:
//! 1. for each action shard, walk its action DFA over the request action, ASCII-lowercasing
//!    byte by byte, and take the candidate list of the state reached after end of input;
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

use crate::program::{CandidateList, Dfa, Program, ResourceBlock, StmtEffect, Template, Token};
use crate::{Decision, EffectName, Explanation, MatchedStatement, Request, Value};

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

fn authorize_inner(p: &Program, dfas: &[Dfa], req: &Request) -> Res<Decision> {
    let mut cx = Cx::new(p, dfas, req);
    let mut cache: [Option<&CandidateList>; MAX_SHARDS_CACHED] = [None; MAX_SHARDS_CACHED];
    for k in 0..p.shards.len() {
        let list = action_list(p, dfas, k, &req.action)?;
        if let Some(slot) = cache.get_mut(k) {
            *slot = Some(list);
        }
        for &id in &list.deny {
            if cx.applies(id)? {
                return Ok(Decision::ExplicitDeny);
            }
        }
    }
    let list_of = |k: usize| -> Res<&CandidateList> {
        match cache.get(k).copied().flatten() {
            Some(l) => Ok(l),
            None => action_list(p, dfas, k, &req.action),
        }
    };
    for k in 0..p.shards.len() {
        if list_of(k)?.allow_all {
            return Ok(Decision::Allow);
        }
    }
    for k in 0..p.shards.len() {
        for &id in &list_of(k)?.allow {
            if cx.applies(id)? {
                return Ok(Decision::Allow);
            }
        }
    }
    Ok(Decision::ImplicitDeny)
}

/// The decision and every applying statement, in policy order.
pub(crate) fn explain(p: &Program, dfas: &[Dfa], req: &Request) -> Explanation {
    explain_inner(p, dfas, req).unwrap_or(Explanation {
        decision: Decision::ImplicitDeny,
        statements: Vec::new(),
    })
}

fn explain_inner(p: &Program, dfas: &[Dfa], req: &Request) -> Res<Explanation> {
    let mut cx = Cx::new(p, dfas, req);
    let mut statements = Vec::new();
    let (mut any_deny, mut any_allow) = (false, false);
    for k in 0..p.shards.len() {
        let list = action_list(p, dfas, k, &req.action)?;
        let (mut d, mut a) = (list.deny.iter().peekable(), list.allow.iter().peekable());
        loop {
            // Merge the two lists by statement id: policy order.
            let id = match (d.peek(), a.peek()) {
                (Some(&&x), Some(&&y)) if x < y => d.next(),
                (Some(_), Some(_)) => a.next(),
                (Some(_), None) => d.next(),
                (None, Some(_)) => a.next(),
                (None, None) => None,
            };
            let Some(&id) = id else { break };
            if !cx.applies(id)? {
                continue;
            }
            let s = p.statements.get(id as usize).ok_or(Inconsistent)?;
            let effect = match s.effect {
                StmtEffect::Allow => {
                    any_allow = true;
                    EffectName::Allow
                }
                StmtEffect::Deny => {
                    any_deny = true;
                    EffectName::Deny
                }
            };
            statements.push(MatchedStatement {
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
    }
    let decision = if any_deny {
        Decision::ExplicitDeny
    } else if any_allow {
        Decision::Allow
    } else {
        Decision::ImplicitDeny
    };
    Ok(Explanation {
        decision,
        statements,
    })
}

/// Walks shard `k`'s action DFA over the lowercased action and returns its candidate list.
fn action_list<'p>(p: &'p Program, dfas: &[Dfa], k: usize, action: &str) -> Res<&'p CandidateList> {
    let shard = p.shards.get(k).ok_or(Inconsistent)?;
    let dfa = dfas.get(shard.dfa as usize).ok_or(Inconsistent)?;
    let mut sid = anchored_start(dfa)?;
    let mut dead = false;
    for &b in action.as_bytes() {
        sid = dfa.next_state(sid, b.to_ascii_lowercase());
        if dfa.is_special_state(sid) && dfa.is_dead_state(sid) {
            dead = true;
            break;
        }
    }
    let mut list = shard.default_list;
    if !dead {
        let eoi = dfa.next_eoi_state(sid);
        if dfa.is_match_state(eoi) {
            let i = shard
                .states
                .binary_search_by_key(&eoi.as_u32(), |&(s, _)| s)
                .map_err(|_| Inconsistent)?;
            list = shard.states.get(i).ok_or(Inconsistent)?.1;
        }
    }
    shard.lists.get(list as usize).ok_or(Inconsistent)
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
    matched: Option<Matched>,
}

impl<'a> Cx<'a> {
    fn new(p: &'a Program, dfas: &'a [Dfa], req: &'a Request) -> Cx<'a> {
        Cx {
            p,
            dfas,
            req,
            matched: None,
        }
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
            Some(c) => c.eval(self.req, self.dfas),
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

/// The exact check of a resource entry with variables, after its DFA pattern matched.
/// An unresolved variable: the entry matches nothing.
fn template_matches(t: &Template, req: &Request, resource: &str) -> Res<bool> {
    for tok in &t.tokens {
        if let Token::Var { key, default } = tok {
            if resolve(req, key, default.as_deref()).is_none() {
                return Ok(false);
            }
        }
    }
    let mut budget = GLOB_BUDGET;
    glob(&t.tokens, req, resource, &mut budget)
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
