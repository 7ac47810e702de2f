//! The search: for each (action class, caller class) where a changed statement may apply,
//! assign resource patterns and condition keys one at a time and bound both decisions.
//!
//! A statement's status is True, False or Unknown (a resource pattern or a key it tests not
//! assigned yet). The target set *surely allows* when its decision is `Allow` with Unknown
//! Allows off and Unknown Denies on, *may allow* with them the other way round
//! (`ir::interp::decide_with`: the combination is monotone in Allows and antitone in Denies).
//! A subtree is a region when the target surely allows and the base cannot; it is dropped when
//! the target cannot allow, the base surely allows, or (both sets having the same groups) no
//! changed statement can apply; otherwise the resource pattern or key most Unknown statements
//! wait for is assigned next. A resource pattern is assigned "matches" or "does not match",
//! each branch kept only when some resource is in every pattern assigned "matches" and in none
//! assigned "does not" ([`Resources::decide`]).

use std::collections::HashMap;
use std::rc::Rc;

use iamc_compiler::ir::{self, interp, Effect, StmtId};
use iamc_runtime::{Decision, Request};

use super::classes::Bits;
use super::dims::{Model, Space, Stmt};
use super::resources::{Answer, Constraint, Resources};
use super::stmts::Which;
use super::{Limits, Pair};

/// One region as the search found it: a product of action classes, one set of resources,
/// caller classes and a set of states for each assigned key (other keys: any state).
#[derive(Debug, Clone)]
pub(crate) struct Cell {
    /// Action classes the search cannot tell apart (the same statements apply to them).
    pub actions: Vec<usize>,
    pub resource: Constraint,
    /// Caller classes the decisions cannot tell apart here.
    pub callers: Vec<usize>,
    /// (key, states), sorted by key.
    pub keys: Vec<(usize, Vec<usize>)>,
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
    /// Regions past `max_regions` were not listed.
    pub truncated: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    True,
    False,
    Unknown,
}

/// What the search has assigned on one path.
#[derive(Debug, Clone)]
struct Node {
    /// Per key: the states it may be in (every clause of a live statement on the key is
    /// alike in all of them), or `None` before it is assigned.
    keys: Vec<Option<Rc<[usize]>>>,
    resource: Constraint,
    /// What is known of `resource`: decided only where the search goes on or emits (a node
    /// the bounds prune needs no member).
    check: Check,
}

#[derive(Debug, Clone)]
enum Check {
    Unchecked,
    Member(String),
    /// The product search gave up: kept, as may-allow.
    Unknown(String),
}

/// Caller classes the decisions read alike, with the requests the combination reads (the
/// action and caller; the resource a KMS key or not).
struct Group {
    callers: Vec<usize>,
    req: Request,
    kms_req: Request,
}

struct Cx<'p, 'm, 'a> {
    pair: &'p Pair<'a>,
    space: &'p Space,
    base: Vec<&'m Stmt<'a>>,
    target: Vec<&'m Stmt<'a>>,
    actions: Vec<usize>,
    groups: Vec<Group>,
    restricted: bool,
}

/// A part of a statement's test: decided `(lo, hi)`, or waiting for an assignment.
fn resource_part(s: &Stmt<'_>, res: &Constraint) -> Option<(bool, bool)> {
    let m = &s.entry.st.resource;
    let hit = if m.any {
        (true, true)
    } else {
        let (mut lo, mut hi, mut open) = (false, false, false);
        for &(p, var) in &s.resources {
            match res.get(p) {
                Some(true) => {
                    hi = true;
                    // A pattern with a variable matches a subset of its automaton.
                    lo |= !var;
                }
                Some(false) => {}
                None => open = true,
            }
        }
        if lo {
            (true, true)
        } else if open {
            return None;
        } else {
            (lo, hi)
        }
    };
    Some(if m.negated { (!hit.1, !hit.0) } else { hit })
}

/// The statement's status under `node`, and whether an approximated part decided it.
fn status(s: &Stmt<'_>, space: &Space, node: &Node) -> (Status, bool) {
    let (mut open, mut approx, mut approx_false) = (false, false, false);
    // Each part: (lo, hi, a tie: exact for its atom, not for the requests behind it).
    let resource = resource_part(s, &node.resource).map(|(lo, hi)| (lo, hi, false));
    let parts = std::iter::once(resource).chain(s.clauses.iter().map(|&(k, c)| {
        let state = *node.keys.get(k)?.as_ref()?.first()?;
        Some(space.keys.get(k).map_or((false, true, false), |d| {
            let (lo, hi) = d.truth(c, state);
            (lo, hi, d.tie)
        }))
    }));
    for part in parts {
        let Some((lo, hi, tie)) = part else {
            open = true;
            continue;
        };
        let v = if s.entry.widen { hi } else { lo };
        approx |= tie;
        if lo == hi {
            if !v {
                return (Status::False, tie);
            }
        } else {
            approx = true;
            approx_false |= !v;
        }
    }
    if approx_false {
        (Status::False, true)
    } else if open {
        (Status::Unknown, approx)
    } else {
        (Status::True, approx)
    }
}

/// (surely allows, may allow) of one set over its live statements.
fn bounds(
    set: Option<&ir::PolicySet>,
    live: &[&Stmt<'_>],
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
    let stmts = || live.iter().map(|l| l.entry.st);
    let lower = interp::decide_with(set, req, stmts(), |s| {
        matches!(
            (look(s), s.effect),
            (Status::True, _) | (Status::Unknown, Effect::Deny)
        )
    });
    let upper = interp::decide_with(set, req, stmts(), |s| {
        matches!(
            (look(s), s.effect),
            (Status::True, _) | (Status::Unknown, Effect::Allow)
        )
    });
    (lower == Decision::Allow, upper == Decision::Allow)
}

struct Run<'l> {
    limits: &'l Limits,
    nodes: usize,
    found: Found,
}

impl Run<'_> {
    fn full(&self) -> bool {
        self.found.gave_up && self.found.cells.len() >= self.limits.max_regions
    }

    fn emit(
        &mut self,
        cx: &Cx<'_, '_, '_>,
        node: &Node,
        groups: &[usize],
        approx: bool,
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
            self.found.truncated = true;
            return;
        }
        let keys: Vec<(usize, Vec<usize>)> = node
            .keys
            .iter()
            .enumerate()
            .filter_map(|(k, s)| s.as_ref().map(|s| (k, s.to_vec())))
            .collect();
        let gave_up = gave_up.or_else(|| match &node.check {
            Check::Unknown(why) => Some(why.clone()),
            _ => None,
        });
        if gave_up.is_some() {
            self.found.gave_up = true;
        }
        let mut callers: Vec<usize> = groups
            .iter()
            .filter_map(|&g| cx.groups.get(g))
            .flat_map(|g| g.callers.iter().copied())
            .collect();
        callers.sort_unstable();
        self.found.cells.push(Cell {
            actions: cx.actions.clone(),
            resource: node.resource.clone(),
            callers,
            keys,
            approx,
            gave_up,
        });
    }

    /// The subtree below `node` for the caller groups `alive` (those not decided above it).
    fn search(&mut self, cx: &Cx<'_, '_, '_>, node: &mut Node, alive: &[usize]) {
        if self.full() {
            return;
        }
        self.nodes += 1;
        let mut approx = false;
        let mut statuses = |live: &[&Stmt<'_>]| {
            let mut v: Vec<(StmtId, Status)> = live
                .iter()
                .map(|s| {
                    let (st, a) = status(s, cx.space, node);
                    approx |= a;
                    (s.entry.st.id, st)
                })
                .collect();
            v.sort_unstable_by_key(|(id, _)| *id);
            v
        };
        let ts = statuses(&cx.target);
        let bs = statuses(&cx.base);
        if cx.restricted {
            // No changed statement can apply: both sides decide alike (DESIGN.md "Diff").
            let changed_may_apply = cx.target.iter().chain(cx.base.iter()).any(|s| {
                s.entry.delta && {
                    let list = match s.entry.which {
                        Which::Target => &ts,
                        Which::Base => &bs,
                    };
                    list.binary_search_by_key(&s.entry.st.id, |(id, _)| *id)
                        .ok()
                        .and_then(|i| list.get(i))
                        .is_some_and(|(_, st)| *st != Status::False)
                }
            });
            if !changed_may_apply {
                return;
            }
        }
        // Statuses do not depend on the caller; decisions do: each group is a region here,
        // dropped here, or still open.
        let kms = node.resource.get(cx.space.resources.kms) == Some(true);
        let (mut done, mut open) = (Vec::new(), Vec::new());
        for &g in alive {
            let Some(group) = cx.groups.get(g) else {
                continue;
            };
            let req = if kms { &group.kms_req } else { &group.req };
            let (t_sure, t_may) = bounds(Some(cx.pair.target), &cx.target, &ts, req);
            if !t_may {
                continue;
            }
            let (b_sure, b_may) = bounds(cx.pair.base, &cx.base, &bs, req);
            if b_sure {
                continue;
            }
            if t_sure && !b_may {
                done.push(g);
            } else {
                open.push(g);
            }
        }
        if done.is_empty() && open.is_empty() {
            return;
        }
        if matches!(node.check, Check::Unchecked) {
            node.check = match cx.space.resources.decide(&node.resource) {
                Answer::Empty => return,
                Answer::Member(w) => Check::Member(w),
                Answer::Unknown(why) => Check::Unknown(why),
            };
        }
        if !done.is_empty() {
            self.emit(cx, node, &done, approx, None);
        }
        if open.is_empty() {
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
            self.emit(cx, node, &open, approx, Some(reason));
            return;
        }
        // The resource pattern or key most undecided statements wait for (patterns first).
        let mut votes: HashMap<(bool, usize), usize> = HashMap::new();
        for (live, st) in [(&cx.target, &ts), (&cx.base, &bs)] {
            for s in live.iter() {
                let undecided = st
                    .binary_search_by_key(&s.entry.st.id, |(i, _)| *i)
                    .ok()
                    .and_then(|i| st.get(i))
                    .is_some_and(|(_, s)| *s == Status::Unknown);
                if !undecided {
                    continue;
                }
                if resource_part(s, &node.resource).is_none() {
                    for &(p, _) in &s.resources {
                        if node.resource.get(p).is_none() {
                            *votes.entry((true, p)).or_default() += 1;
                        }
                    }
                }
                for &(k, _) in &s.clauses {
                    if node.keys.get(k).is_some_and(Option::is_none) {
                        *votes.entry((false, k)).or_default() += 1;
                    }
                }
            }
        }
        let Some((is_resource, id)) = votes
            .iter()
            .max_by_key(|((r, k), n)| (**n, *r, std::cmp::Reverse(*k)))
            .map(|(k, _)| *k)
        else {
            // Every status is decided, so the bounds agree: nothing left to split.
            return;
        };
        let start = self.found.cells.len();
        if is_resource {
            for yes in [true, false] {
                // The parent's member settles the side it lies on.
                let check = match &node.check {
                    Check::Member(w) if cx.space.resources.matches(id, w) == yes => {
                        Check::Member(w.clone())
                    }
                    Check::Unknown(why) => Check::Unknown(why.clone()),
                    _ => Check::Unchecked,
                };
                let mut child = Node {
                    keys: node.keys.clone(),
                    resource: node.resource.with(id, yes),
                    check,
                };
                self.search(cx, &mut child, &open);
                if self.full() {
                    return;
                }
            }
            self.merge_resource(start, id);
        } else {
            for states in key_groups(cx, id) {
                if let Some(slot) = node.keys.get_mut(id) {
                    *slot = Some(states);
                }
                self.search(cx, node, &open);
                if let Some(slot) = node.keys.get_mut(id) {
                    *slot = None;
                }
                if self.full() {
                    return;
                }
            }
            let n_states = cx.space.keys.get(id).map_or(0, |d| d.states.len());
            self.merge_key(start, id, n_states);
        }
    }

    /// The cells from `start` on (one subtree, which assigned key `k`) that differ only in
    /// `k`'s states become one with their union (`k` dropped when that is every state).
    fn merge_key(&mut self, start: usize, k: usize, n_states: usize) {
        let cells = self
            .found
            .cells
            .split_off(start.min(self.found.cells.len()));
        let mut out: Vec<Cell> = Vec::with_capacity(cells.len());
        let mut index: HashMap<SiblingKey, usize> = HashMap::new();
        for mut c in cells {
            let Some(pos) = c.keys.iter().position(|(key, _)| *key == k) else {
                out.push(c);
                continue;
            };
            let (_, states) = c.keys.remove(pos);
            let key = (
                c.resource.clone(),
                c.keys.clone(),
                c.callers.clone(),
                c.approx,
                c.gave_up.clone(),
            );
            match index.get(&key).and_then(|&i| out.get_mut(i)) {
                Some(into) => {
                    if let Some((_, s)) = into.keys.iter_mut().find(|(key, _)| *key == k) {
                        s.extend(states);
                        s.sort_unstable();
                        s.dedup();
                    }
                }
                None => {
                    index.insert(key, out.len());
                    c.keys.insert(pos, (k, states));
                    out.push(c);
                }
            }
        }
        for c in &mut out {
            c.keys
                .retain(|(key, states)| *key != k || states.len() < n_states);
        }
        self.found.cells.extend(out);
    }

    /// The cells from `start` on (one subtree, which assigned resource pattern `p`) that
    /// differ only in whether they match `p` become one without `p`.
    fn merge_resource(&mut self, start: usize, p: usize) {
        let cells = self
            .found
            .cells
            .split_off(start.min(self.found.cells.len()));
        let mut out: Vec<Option<Cell>> = Vec::with_capacity(cells.len());
        let mut index: HashMap<SiblingKey, (usize, Option<bool>)> = HashMap::new();
        for c in cells {
            let Some(yes) = c.resource.get(p) else {
                out.push(Some(c));
                continue;
            };
            let mut without = c.resource.clone();
            without.inc.retain(|&q| q != p);
            without.exc.retain(|&q| q != p);
            let key = (
                without.clone(),
                c.keys.clone(),
                c.callers.clone(),
                c.approx,
                c.gave_up.clone(),
            );
            match index.get_mut(&key) {
                Some((i, side)) if *side == Some(!yes) => {
                    if let Some(Some(into)) = out.get_mut(*i) {
                        into.resource = without;
                    }
                    *side = None;
                }
                Some(_) => out.push(Some(c)),
                None => {
                    index.insert(key, (out.len(), Some(yes)));
                    out.push(Some(c));
                }
            }
        }
        self.found.cells.extend(out.into_iter().flatten());
    }
}

/// What sibling cells must share to merge: the resources, the keys, the callers, how exact
/// they are.
type SiblingKey = (
    Constraint,
    Vec<(usize, Vec<usize>)>,
    Vec<usize>,
    bool,
    Option<String>,
);

/// The states of key `k` grouped by the truth of every clause of the live statements on it:
/// one branch per group instead of one per state.
fn key_groups(cx: &Cx<'_, '_, '_>, k: usize) -> Vec<Rc<[usize]>> {
    let Some(d) = cx.space.keys.get(k) else {
        return Vec::new();
    };
    let clauses: Vec<usize> = cx
        .target
        .iter()
        .chain(cx.base.iter())
        .flat_map(|s| {
            s.clauses
                .iter()
                .filter(|(key, _)| *key == k)
                .map(|(_, c)| *c)
        })
        .collect();
    type Row = Vec<(bool, bool)>;
    let mut groups: Vec<(Row, Vec<usize>)> = Vec::new();
    for state in 0..d.states.len() {
        let row: Vec<(bool, bool)> = clauses.iter().map(|&c| d.truth(c, state)).collect();
        match groups.iter_mut().find(|(r, _)| *r == row) {
            Some((_, v)) => v.push(state),
            None => groups.push((row, vec![state])),
        }
    }
    groups.into_iter().map(|(_, v)| Rc::from(v)).collect()
}

fn action_holds(s: &Stmt<'_>, bits: &Bits) -> bool {
    let m = &s.entry.st.action;
    (m.any || s.actions.iter().any(|&p| bits.get(p))) != m.negated
}

/// The constraints every resource of an action class starts from: the universe's and the
/// class's restrictions, split on KMS keys for KMS actions.
fn roots(res: &Resources, within: Option<usize>, kms: bool) -> Vec<Node> {
    let mut c = Constraint::default();
    for r in res.universe.iter().chain(within.iter()) {
        c = c.with(*r, true);
    }
    let cs = if kms {
        vec![c.with(res.kms, true), c.with(res.kms, false)]
    } else {
        vec![c]
    };
    cs.into_iter()
        .map(|c| Node {
            keys: Vec::new(),
            resource: c,
            check: Check::Unchecked,
        })
        .collect()
}

/// Searches every cell of the universe: once per group of action classes the same statements
/// apply to (and the combination reads alike), once per group of callers the decisions read
/// alike ([`interp::caller_profile`]).
pub(crate) fn run(pair: &Pair<'_>, space: &Space, model: &Model<'_>, limits: &Limits) -> Found {
    let mut run = Run {
        limits,
        nodes: 0,
        found: Found::default(),
    };
    type ActionKey = (Vec<usize>, [bool; 3], Option<usize>);
    let mut action_groups: Vec<(ActionKey, Vec<usize>)> = Vec::new();
    let mut index: HashMap<ActionKey, usize> = HashMap::new();
    for (ai, ac) in space.actions.classes.iter().enumerate() {
        let Some(abits) = space.actions.bits(ai) else {
            continue;
        };
        let live: Vec<usize> = model
            .stmts
            .iter()
            .enumerate()
            .filter(|(_, s)| action_holds(s, abits))
            .map(|(i, _)| i)
            .collect();
        if model.restricted
            && !live
                .iter()
                .any(|&i| model.stmts.get(i).is_some_and(|s| s.entry.delta))
        {
            continue;
        }
        let key = (live, space.actions.prefixes(ai), ac.within);
        match index.get(&key) {
            Some(&g) => {
                if let Some((_, v)) = action_groups.get_mut(g) {
                    v.push(ai);
                }
            }
            None => {
                index.insert(key.clone(), action_groups.len());
                action_groups.push((key, vec![ai]));
            }
        }
    }
    for ((live, prefixes, within), actions) in action_groups {
        let Some(ac) = actions.first().and_then(|&a| space.actions.classes.get(a)) else {
            continue;
        };
        let live: Vec<&Stmt<'_>> = live.iter().filter_map(|&i| model.stmts.get(i)).collect();
        let (base, target): (Vec<&Stmt<'_>>, Vec<&Stmt<'_>>) =
            live.iter().partition(|s| s.entry.which == Which::Base);
        let roots = roots(&space.resources, within, prefixes[2]);
        let request = |caller: &super::callers::Cell, resource: &str| {
            let mut req = Request::new(ac.witness.clone(), resource);
            req.principal = caller.principal.clone();
            req.resource_account = caller.resource_account.clone();
            req
        };
        let mut profiles: Vec<Vec<u8>> = Vec::new();
        let mut groups: Vec<Group> = Vec::new();
        for (ci, caller) in space.callers.cells.iter().enumerate() {
            let req = request(caller, "*");
            let mut profile = interp::caller_profile(&req, target.iter().map(|s| s.entry.st));
            profile.push(u8::MAX);
            profile.extend(interp::caller_profile(
                &req,
                base.iter().map(|s| s.entry.st),
            ));
            match profiles.iter().position(|p| *p == profile) {
                Some(g) => {
                    if let Some(group) = groups.get_mut(g) {
                        group.callers.push(ci);
                    }
                }
                None => {
                    profiles.push(profile);
                    groups.push(Group {
                        callers: vec![ci],
                        req,
                        kms_req: request(caller, "arn:aws:kms:us-east-1:111122223333:key/iamc"),
                    });
                }
            }
        }
        let alive: Vec<usize> = (0..groups.len()).collect();
        let cx = Cx {
            pair,
            space,
            base,
            target,
            actions,
            groups,
            restricted: model.restricted,
        };
        for root in &roots {
            let mut node = Node {
                keys: vec![None; space.keys.len()],
                ..root.clone()
            };
            run.search(&cx, &mut node, &alive);
            if run.full() {
                return run.found;
            }
        }
    }
    run.found
}
