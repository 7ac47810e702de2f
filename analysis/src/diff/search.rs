//! The search: for each (action class, resource group, caller class) where a changed statement
//! may apply, assign the tested keys one at a time and bound both decisions.
//!
//! A statement's status is True, False or Unknown (a clause on a key not assigned yet). The
//! target set *surely allows* when its decision is `Allow` with Unknown Allows off and Unknown
//! Denies on, *may allow* with them the other way round (`ir::interp::decide_with`: the
//! combination is monotone in Allows and antitone in Denies). A subtree is a region when the
//! target surely allows and the base cannot; it is dropped when the target cannot allow or the
//! base surely allows; otherwise the key most Unknown statements wait for is assigned next.

use std::collections::HashMap;

use iamc_compiler::ir::{self, interp, Effect, StmtId};
use iamc_runtime::{Decision, Request};

use super::classes::Bits;
use super::dims::{Model, Space, Stmt};
use super::stmts::Which;
use super::{Limits, Pair};

/// One region as the search found it: a product of one action class, a group of resource
/// classes, one caller class and one state for each assigned key (other keys: any state).
#[derive(Debug, Clone)]
pub(crate) struct Cell {
    pub action: usize,
    pub resources: Vec<usize>,
    pub caller: usize,
    /// (key, state), sorted by key.
    pub keys: Vec<(usize, usize)>,
    /// Found with an approximated statement: may be wider than the access.
    pub approx: bool,
    /// The search gave up here (a budget): everything in it may be allowed.
    pub gave_up: Option<String>,
}

#[derive(Debug, Default)]
pub(crate) struct Found {
    pub cells: Vec<Cell>,
    pub reasons: Vec<String>,
    pub gave_up: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    True,
    False,
    Unknown,
}

/// A statement live in one cell.
struct Live<'m, 'a> {
    stmt: &'m Stmt<'a>,
}

struct Cx<'p, 'm, 'a> {
    pair: &'p Pair<'a>,
    space: &'p Space,
    req: Request,
    base: Vec<Live<'m, 'a>>,
    target: Vec<Live<'m, 'a>>,
    action: usize,
    resources: Vec<usize>,
    caller: usize,
    approx: bool,
}

fn status(s: &Stmt<'_>, space: &Space, assigned: &HashMap<usize, usize>) -> Status {
    let mut unknown = false;
    for &(k, c) in &s.clauses {
        let Some(&state) = assigned.get(&k) else {
            unknown = true;
            continue;
        };
        let Some(d) = space.keys.get(k) else {
            unknown = true;
            continue;
        };
        let (lo, hi) = d.truth(c, state);
        if !(if s.entry.widen { hi } else { lo }) {
            return Status::False;
        }
    }
    if unknown {
        Status::Unknown
    } else {
        Status::True
    }
}

/// (surely allows, may allow) of one set over its live statements.
fn bounds(
    set: Option<&ir::PolicySet>,
    live: &[Live<'_, '_>],
    statuses: &[(StmtId, Status)],
    req: &Request,
) -> (bool, bool) {
    let Some(set) = set else {
        return (false, false);
    };
    let look = |s: &ir::Statement| {
        statuses
            .binary_search_by_key(&s.id, |(id, _)| *id)
            .ok()
            .and_then(|i| statuses.get(i))
            .map_or(Status::False, |(_, st)| *st)
    };
    let stmts = || live.iter().map(|l| l.stmt.entry.st);
    let lower = interp::decide_with(set, req, stmts(), |s| match (look(s), s.effect) {
        (Status::True, _) => true,
        (Status::Unknown, Effect::Deny) => true,
        _ => false,
    });
    let upper = interp::decide_with(set, req, stmts(), |s| match (look(s), s.effect) {
        (Status::True, _) => true,
        (Status::Unknown, Effect::Allow) => true,
        _ => false,
    });
    (lower == Decision::Allow, upper == Decision::Allow)
}

fn statuses(
    live: &[Live<'_, '_>],
    space: &Space,
    assigned: &HashMap<usize, usize>,
) -> Vec<(StmtId, Status)> {
    let mut v: Vec<(StmtId, Status)> = live
        .iter()
        .map(|l| (l.stmt.entry.st.id, status(l.stmt, space, assigned)))
        .collect();
    v.sort_unstable_by_key(|(id, _)| *id);
    v
}

struct Run<'l> {
    limits: &'l Limits,
    nodes: usize,
    found: Found,
}

impl Run<'_> {
    fn emit(
        &mut self,
        cx: &Cx<'_, '_, '_>,
        assigned: &HashMap<usize, usize>,
        gave_up: Option<String>,
    ) {
        if self.found.cells.len() >= self.limits.max_regions {
            if !self.found.gave_up {
                self.found.reasons.push(format!(
                    "may allow: more than {} regions (`max_regions`); the rest were not listed",
                    self.limits.max_regions
                ));
            }
            self.found.gave_up = true;
            return;
        }
        let mut keys: Vec<(usize, usize)> = assigned.iter().map(|(k, s)| (*k, *s)).collect();
        keys.sort_unstable();
        if gave_up.is_some() {
            self.found.gave_up = true;
        }
        self.found.cells.push(Cell {
            action: cx.action,
            resources: cx.resources.clone(),
            caller: cx.caller,
            keys,
            approx: cx.approx,
            gave_up,
        });
    }

    fn search(&mut self, cx: &Cx<'_, '_, '_>, assigned: &mut HashMap<usize, usize>) {
        if self.found.gave_up && self.found.cells.len() >= self.limits.max_regions {
            return;
        }
        self.nodes += 1;
        let ts = statuses(&cx.target, cx.space, assigned);
        let (t_sure, t_may) = bounds(Some(cx.pair.target), &cx.target, &ts, &cx.req);
        if !t_may {
            return;
        }
        let bs = statuses(&cx.base, cx.space, assigned);
        let (b_sure, b_may) = bounds(cx.pair.base, &cx.base, &bs, &cx.req);
        if b_sure {
            return;
        }
        if t_sure && !b_may {
            self.emit(cx, assigned, None);
            return;
        }
        if self.nodes > self.limits.max_search_nodes {
            let reason = format!(
                "may allow: the search stopped after {} nodes (`max_search_nodes`)",
                self.limits.max_search_nodes
            );
            if !self.found.reasons.contains(&reason) {
                self.found.reasons.push(reason.clone());
            }
            self.emit(cx, assigned, Some(reason));
            return;
        }
        // The key most undecided statements test.
        let mut votes: HashMap<usize, usize> = HashMap::new();
        for (live, st) in [(&cx.target, &ts), (&cx.base, &bs)] {
            for l in live.iter() {
                let id = l.stmt.entry.st.id;
                let undecided = st
                    .binary_search_by_key(&id, |(i, _)| *i)
                    .ok()
                    .and_then(|i| st.get(i))
                    .is_some_and(|(_, s)| *s == Status::Unknown);
                if !undecided {
                    continue;
                }
                for &(k, _) in &l.stmt.clauses {
                    if !assigned.contains_key(&k) {
                        *votes.entry(k).or_default() += 1;
                    }
                }
            }
        }
        let Some(key) = votes
            .iter()
            .max_by_key(|(k, n)| (**n, std::cmp::Reverse(**k)))
            .map(|(k, _)| *k)
        else {
            // Every status is decided, so the bounds agree: nothing left to split.
            return;
        };
        let n_states = cx.space.keys.get(key).map_or(0, |d| d.states.len());
        for s in 0..n_states {
            assigned.insert(key, s);
            self.search(cx, assigned);
            assigned.remove(&key);
            if self.found.gave_up && self.found.cells.len() >= self.limits.max_regions {
                return;
            }
        }
    }
}

/// Whether a statement's resource test may hold on a resource class with these bits, bounded:
/// (lo, hi). Policy variables make a pattern's bit an upper bound of what it matches.
fn resource_test(s: &Stmt<'_>, bits: &Bits, star: usize) -> (bool, bool) {
    let m = &s.entry.st.resource;
    let star_req = bits.get(star);
    let hi = m.any || (!star_req && s.resources.iter().any(|&(p, _)| bits.get(p)));
    let lo = m.any || (!star_req && s.resources.iter().any(|&(p, v)| !v && bits.get(p)));
    if m.negated {
        (!hi, !lo)
    } else {
        (lo, hi)
    }
}

fn action_holds(s: &Stmt<'_>, bits: &Bits) -> bool {
    let m = &s.entry.st.action;
    (m.any || s.actions.iter().any(|&p| bits.get(p))) != m.negated
}

/// Searches every cell of the universe.
pub(crate) fn run(pair: &Pair<'_>, space: &Space, model: &Model<'_>, limits: &Limits) -> Found {
    let mut run = Run {
        limits,
        nodes: 0,
        found: Found::default(),
    };
    let res = &space.resources;
    for (ai, ac) in space.actions.classes.iter().enumerate() {
        let Some(abits) = space.actions.bits(ai) else {
            continue;
        };
        let live_a: Vec<&Stmt<'_>> = model
            .stmts
            .iter()
            .filter(|s| action_holds(s, abits))
            .collect();
        if model.restricted && !live_a.iter().any(|s| s.entry.delta) {
            continue;
        }
        // Resource classes that the live statements cannot tell apart.
        let mut mask = Bits::with([res.star, res.kms]);
        for s in &live_a {
            for &(p, _) in &s.resources {
                mask.set(p);
            }
        }
        let mut groups: Vec<(Bits, Vec<usize>)> = Vec::new();
        let mut index: HashMap<Bits, usize> = HashMap::new();
        for &rc in &res.classes {
            let Some(class) = res.part.classes.get(rc) else {
                continue;
            };
            if ac.restricted {
                let ok = if class.bits.get(res.star) {
                    ac.star_ok
                } else {
                    class.bits.intersects(&ac.formats)
                };
                if !ok {
                    continue;
                }
            }
            let key = class.bits.and(&mask);
            match index.get(&key) {
                Some(&g) => {
                    if let Some((_, v)) = groups.get_mut(g) {
                        v.push(rc);
                    }
                }
                None => {
                    index.insert(key.clone(), groups.len());
                    groups.push((key, vec![rc]));
                }
            }
        }
        for (rbits, classes) in groups {
            let mut approx = false;
            let mut base = Vec::new();
            let mut target = Vec::new();
            for s in &live_a {
                let (lo, hi) = resource_test(s, &rbits, res.star);
                if !(if s.entry.widen { hi } else { lo }) {
                    continue;
                }
                if lo != hi {
                    approx = true;
                }
                match s.entry.which {
                    Which::Base => base.push(Live { stmt: s }),
                    Which::Target => target.push(Live { stmt: s }),
                }
            }
            if model.restricted && !base.iter().chain(target.iter()).any(|l| l.stmt.entry.delta) {
                continue;
            }
            if target.is_empty() && !pair.base.is_some_and(|b| b.groups != pair.target.groups) {
                // Nothing of the target applies: only the root user could be allowed, and the
                // same groups allow it on both sides unless a Deny changed; keep searching.
            }
            for l in base.iter().chain(target.iter()) {
                if l.stmt.clauses.iter().any(|&(k, c)| {
                    space
                        .keys
                        .get(k)
                        .is_some_and(|d| d.approx.get(c) == Some(&true))
                }) {
                    approx = true;
                }
            }
            let Some(rep) = classes.first().and_then(|&c| res.part.classes.get(c)) else {
                continue;
            };
            for (ci, caller) in space.callers.cells.iter().enumerate() {
                let mut req = Request::new(ac.witness.clone(), rep.witness.clone());
                req.principal = caller.principal.clone();
                req.resource_account = caller.resource_account.clone();
                let cx = Cx {
                    pair,
                    space,
                    req,
                    base: base.iter().map(|l| Live { stmt: l.stmt }).collect(),
                    target: target.iter().map(|l| Live { stmt: l.stmt }).collect(),
                    action: ai,
                    resources: classes.clone(),
                    caller: ci,
                    approx,
                };
                run.search(&cx, &mut HashMap::new());
                if run.found.gave_up && run.found.cells.len() >= limits.max_regions {
                    return run.found;
                }
            }
        }
    }
    run.found
}
