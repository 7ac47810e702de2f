//! The resource side of a request: which resource patterns its resource matched, and whether
//! a statement's `Resource` / `NotResource` block holds.
//!
//! The matched pattern ids are computed once per request, on first need, by walking every
//! resource DFA and collecting the patterns of every match state seen (patterns ending in `*`
//! were compiled without it and report as soon as their prefix matches: the early-report
//! trick). The set lives in a fixed stack buffer; when it overflows, membership is answered by
//! walking the pattern's DFA again. Entries with a template (variables, or more than their DFA
//! pattern holds) are confirmed by the one glob matcher after their pattern matched.

use iamc_format::program::{Program, ResourceBlock};
use iamc_format::template::Template;
use regex_automata::dfa::Automaton;
use regex_automata::util::primitives::StateID;

use super::{anchored_start, Inconsistent, Res};
use crate::glob::{glob, GLOB_BUDGET};
use crate::template::Subst;
use crate::{Dfa, Request};

/// How many matched resource pattern ids the stack buffer holds.
const MAX_MATCHED: usize = 256;

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

/// The resource side of one request.
pub(super) struct Resources<'a> {
    p: &'a Program,
    dfas: &'a [Dfa],
    req: &'a Request,
    /// Computed on first need.
    matched: Option<Matched>,
}

impl<'a> Resources<'a> {
    pub(super) fn new(p: &'a Program, dfas: &'a [Dfa], req: &'a Request) -> Resources<'a> {
        Resources {
            p,
            dfas,
            req,
            matched: None,
        }
    }

    /// Whether a statement's resource block holds for the request's resource.
    pub(super) fn holds(&mut self, block: &ResourceBlock) -> Res<bool> {
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
                        template_matches(t, self.req)?
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
        let Resources {
            p,
            dfas,
            req,
            matched,
        } = self;
        let m = match matched {
            Some(m) => m,
            // Filled in place: the buffer is a kilobyte, not worth moving.
            None => {
                let m = matched.insert(Matched {
                    ids: [0; MAX_MATCHED],
                    len: 0,
                    overflow: false,
                });
                collect_resource_matches(p, dfas, &req.resource, m)?;
                m
            }
        };
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

/// Collects into `m` the pattern ids of every resource DFA that `resource` matched.
fn collect_resource_matches(p: &Program, dfas: &[Dfa], resource: &str, m: &mut Matched) -> Res<()> {
    for r in &p.resource_dfas {
        let dfa = dfas.get(r.dfa as usize).ok_or(Inconsistent)?;
        walk_resource_dfa(dfa, r.first_pattern, resource, &mut |pid| {
            m.insert(pid);
            false
        })?;
    }
    Ok(())
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

/// The exact check of a resource entry (with variables, or longer than its DFA pattern) after
/// its DFA pattern matched: the template, its variables substituted, globbed over the whole
/// resource. An unresolved variable: the entry matches nothing. An exhausted glob budget is an
/// inconsistency: the request is denied.
fn template_matches(t: &Template, req: &Request) -> Res<bool> {
    let Some(s) = Subst::new(t, &req.context) else {
        return Ok(false);
    };
    let mut budget = GLOB_BUDGET;
    glob(&s, s.start(), &req.resource, &mut budget).map_err(|_| Inconsistent)
}
