//! Regions: the search's cells merged where they differ in one dimension only (so each region
//! stays a product of per-dimension sets and membership stays exact), and described.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use iamc_compiler::ir::{Glob, Piece};
use iamc_runtime::Request;

use super::classes::Bits;
use super::dims::Space;
use super::resources::{Answer, Constraint};
use super::search::Cell;

/// A class of actions or resources as a reviewer reads it: the policy patterns its members
/// match, and the patterns they do not match although some of them could.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Described {
    /// Empty: no pattern (the class of everything the patterns leave out).
    pub matches: Vec<String>,
    pub except: Vec<String>,
}

/// The states a condition key may be in within a region (other keys: any).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition {
    /// The key as a policy wrote it.
    pub key: String,
    /// Each allowed state: `absent`, a class of values, or a kind of list.
    pub allowed: Vec<String>,
}

/// A set of requests one side allows and the other does not (or may: see
/// [`Region::certain`]): every combination of its actions, resources, callers and allowed key
/// states (keys not listed may take any value).
#[derive(Debug, Clone)]
pub struct Region {
    /// The action classes.
    pub actions: Vec<Described>,
    /// The catalog's actions in those classes (all of them, sorted).
    pub known_actions: Vec<String>,
    /// The classes are restricted to `known_actions` (`--catalog-resources`).
    pub catalog_only: bool,
    pub resources: Vec<Described>,
    pub callers: Vec<String>,
    pub conditions: Vec<Condition>,
    /// Requests of the region that every engine decided as claimed (none when none was
    /// confirmed).
    pub witnesses: Vec<Request>,
    /// A witness was confirmed by every engine and is consistent with what AWS couples: the
    /// access is certainly there. Otherwise "may allow", with [`Region::notes`] saying why.
    pub certain: bool,
    /// Why the region may be wider than the access, or not certain.
    pub notes: Vec<String>,
    space: Arc<Space>,
    action_ids: BTreeSet<usize>,
    resource_set: Vec<Constraint>,
    caller_ids: BTreeSet<usize>,
    keys: BTreeMap<usize, BTreeSet<usize>>,
    /// Cells whose requests are witness candidates.
    pub(crate) candidates: Vec<Cell>,
    pub(crate) approx: bool,
    pub(crate) gave_up: Option<String>,
}

impl Region {
    /// Whether `req` is in the region, exactly (for the region as found: approximated regions,
    /// see [`Region::notes`], may contain requests that are not new access).
    pub fn contains(&self, req: &Request) -> bool {
        let s = &self.space;
        let Some(a) = s.actions.class_of(&req.action) else {
            return false;
        };
        if !self.action_ids.contains(&a) {
            return false;
        }
        if !self
            .resource_set
            .iter()
            .any(|c| s.resources.contains(c, &req.resource))
        {
            return false;
        }
        let Some(c) = s.callers.cell_of(req) else {
            return false;
        };
        if !self.caller_ids.contains(&c) {
            return false;
        }
        self.keys.iter().all(|(k, states)| {
            s.keys.get(*k).is_some_and(|d| {
                // A tie is an approximation: membership is that of the keys.
                d.tie
                    || d.state_of(req.context.get(&d.key))
                        .is_some_and(|st| states.contains(&st))
            })
        })
    }

    /// The region is exactly a set of requests one side allows and the other does not: found
    /// without approximation and without giving up on a budget (its witness, if certain, is
    /// one of them; every request it contains is one).
    pub fn exact(&self) -> bool {
        !self.approx && self.gave_up.is_none()
    }

    /// The allowed states of a key in this region (`None`: any state).
    pub(crate) fn key_states(&self, key: usize) -> Option<&BTreeSet<usize>> {
        self.keys.get(&key)
    }
}

/// A region before description.
#[derive(Debug, Clone)]
struct Raw {
    actions: BTreeSet<usize>,
    resources: BTreeSet<Constraint>,
    callers: BTreeSet<usize>,
    keys: BTreeMap<usize, BTreeSet<usize>>,
    cells: Vec<Cell>,
    approx: bool,
    gave_up: Option<String>,
}

/// The dimension a merge unites.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dim {
    Actions,
    Resources,
    Callers,
    Key(usize),
}

/// Witness candidates kept per region (a region merges many cells; a few suffice).
const MAX_CANDIDATES: usize = 16;

/// A fingerprint of every dimension of `r` but `dim`.
fn fingerprint(r: &Raw, dim: Dim) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    if dim != Dim::Actions {
        r.actions.hash(&mut h);
    }
    if dim != Dim::Resources {
        r.resources.hash(&mut h);
    }
    if dim != Dim::Callers {
        r.callers.hash(&mut h);
    }
    for (k, states) in &r.keys {
        if dim != Dim::Key(*k) {
            (k, states).hash(&mut h);
        }
    }
    h.finish()
}

fn same_except(a: &Raw, b: &Raw, dim: Dim) -> bool {
    fn keys(r: &Raw, dim: Dim) -> impl Iterator<Item = (&usize, &BTreeSet<usize>)> {
        r.keys.iter().filter(move |(k, _)| dim != Dim::Key(**k))
    }
    (dim == Dim::Actions || a.actions == b.actions)
        && (dim == Dim::Resources || a.resources == b.resources)
        && (dim == Dim::Callers || a.callers == b.callers)
        && keys(a, dim).eq(keys(b, dim))
}

/// Merges regions equal in every dimension but `dim`, uniting that one (for a key, only
/// regions that constrain it).
fn merge_on(raws: Vec<Raw>, dim: Dim) -> Vec<Raw> {
    let mut out: Vec<Raw> = Vec::with_capacity(raws.len());
    let mut index: HashMap<u64, Vec<usize>> = HashMap::new();
    for r in raws {
        if let Dim::Key(k) = dim {
            if !r.keys.contains_key(&k) {
                out.push(r);
                continue;
            }
        }
        let slot = index.entry(fingerprint(&r, dim)).or_default();
        let found = slot
            .iter()
            .copied()
            .find(|&i| out.get(i).is_some_and(|o| same_except(o, &r, dim)));
        let Some(into) = found.and_then(|i| out.get_mut(i)) else {
            slot.push(out.len());
            out.push(r);
            continue;
        };
        into.approx |= r.approx;
        if into.gave_up.is_none() {
            into.gave_up.clone_from(&r.gave_up);
        }
        let room = MAX_CANDIDATES.saturating_sub(into.cells.len());
        into.cells.extend(r.cells.into_iter().take(room));
        match dim {
            Dim::Actions => into.actions.extend(r.actions),
            Dim::Resources => into.resources.extend(r.resources),
            Dim::Callers => into.callers.extend(r.callers),
            Dim::Key(k) => {
                if let (Some(a), Some(b)) = (into.keys.get_mut(&k), r.keys.get(&k)) {
                    a.extend(b.iter().copied());
                }
            }
        }
    }
    out
}

/// Drops keys whose allowed states are all of them.
fn normalize(space: &Space, r: &mut Raw) {
    r.keys.retain(|k, states| {
        space
            .keys
            .get(*k)
            .is_none_or(|d| states.len() < d.states.len())
    });
}

fn merge_keys(space: &Space, mut raws: Vec<Raw>) -> Vec<Raw> {
    let all_keys: BTreeSet<usize> = raws.iter().flat_map(|r| r.keys.keys().copied()).collect();
    loop {
        let before = raws.len();
        for &k in &all_keys {
            raws = merge_on(raws, Dim::Key(k));
            for r in &mut raws {
                normalize(space, r);
            }
        }
        if raws.len() == before {
            return raws;
        }
    }
}

/// Merges the search's cells into regions and describes them.
pub(crate) fn merge(space: &Arc<Space>, cells: Vec<Cell>) -> Vec<Region> {
    let mut raws: Vec<Raw> = cells
        .into_iter()
        .map(|c| Raw {
            actions: c.actions.iter().copied().collect(),
            resources: BTreeSet::from([c.resource.clone()]),
            callers: c.callers.iter().copied().collect(),
            keys: c
                .keys
                .iter()
                .map(|(k, s)| (*k, s.iter().copied().collect()))
                .collect(),
            approx: c.approx,
            gave_up: c.gave_up.clone(),
            cells: vec![c],
        })
        .collect();
    raws = merge_keys(space, raws);
    raws = merge_on(raws, Dim::Callers);
    raws = merge_on(raws, Dim::Resources);
    raws = merge_on(raws, Dim::Actions);
    raws = merge_keys(space, raws);
    raws.into_iter().map(|r| describe(space, r)).collect()
}

/// A glob as a policy would write it (reach implied by position; literal wildcards escaped).
pub(crate) fn plain(g: &Glob) -> String {
    let mut out = String::new();
    for p in &g.pieces {
        match p {
            Piece::Lit(t) => {
                for c in t.chars() {
                    if matches!(c, '*' | '?' | '$') {
                        out.push_str(&format!("${{{c}}}"));
                    } else {
                        out.push(c);
                    }
                }
            }
            Piece::Star { .. } => out.push('*'),
            Piece::One { .. } => out.push('?'),
            Piece::Var { key, default: None } => out.push_str(&format!("${{{key}}}")),
            Piece::Var {
                key,
                default: Some(d),
            } => out.push_str(&format!("${{{key}, '{d}'}}")),
        }
    }
    out
}

fn described(
    part: &super::classes::Partition,
    class: usize,
    shown: &Bits,
    name: impl Fn(usize) -> String,
) -> Described {
    let Some(c) = part.classes.get(class) else {
        return Described {
            matches: Vec::new(),
            except: Vec::new(),
        };
    };
    let matches: Vec<String> = c.bits.iter().filter(|&p| shown.get(p)).map(&name).collect();
    let except: Vec<String> = part
        .relevant_exclusions(&c.bits.and(shown), shown)
        .into_iter()
        .map(&name)
        .collect();
    Described { matches, except }
}

/// The patterns every class of which (in the whole partition) is in `classes`, minus those
/// another such pattern covers: a union that describes part of `classes` exactly. Returns the
/// patterns and the classes they leave to describe one by one.
fn covering(
    part: &super::classes::Partition,
    classes: &BTreeSet<usize>,
    shown: &Bits,
) -> (Vec<usize>, Vec<usize>) {
    let mut cover: Vec<(usize, BTreeSet<usize>)> = Vec::new();
    for p in shown.iter() {
        let members: BTreeSet<usize> = part
            .classes
            .iter()
            .enumerate()
            .filter(|(_, c)| c.bits.get(p))
            .map(|(i, _)| i)
            .collect();
        if !members.is_empty() && members.is_subset(classes) {
            cover.push((p, members));
        }
    }
    let kept: Vec<&(usize, BTreeSet<usize>)> = cover
        .iter()
        .filter(|(p, m)| {
            !cover
                .iter()
                .any(|(q, n)| q != p && m.is_subset(n) && (n.len() > m.len() || q < p))
        })
        .collect();
    let covered: BTreeSet<usize> = kept.iter().flat_map(|(_, m)| m.iter().copied()).collect();
    (
        kept.iter().map(|(p, _)| *p).collect(),
        classes.difference(&covered).copied().collect(),
    )
}

fn describe(space: &Arc<Space>, r: Raw) -> Region {
    let s = space.as_ref();
    let ad = &s.actions;
    let shown_actions = Bits::with(0..ad.globs.len());
    let mut actions = Vec::new();
    let mut known = BTreeSet::new();
    let mut catalog_only = false;
    let mut parts = BTreeSet::new();
    for &a in &r.actions {
        let Some(ac) = ad.classes.get(a) else {
            continue;
        };
        catalog_only |= ac.restricted;
        known.extend(ac.known.iter().cloned());
        parts.insert(ac.part);
    }
    let action_name = |p: usize| ad.globs.get(p).map(plain).unwrap_or_default();
    let (cover, rest) = if catalog_only {
        (Vec::new(), parts.iter().copied().collect())
    } else {
        covering(&ad.part, &parts, &shown_actions)
    };
    for p in cover {
        actions.push(Described {
            matches: vec![action_name(p)],
            except: Vec::new(),
        });
    }
    for c in rest {
        let d = described(&ad.part, c, &shown_actions, action_name);
        if !actions.contains(&d) {
            actions.push(d);
        }
    }
    let resources = simplify(s, &r.resources)
        .iter()
        .map(|c| described_resources(s, c))
        .fold(Vec::new(), |mut v, d| {
            if !v.contains(&d) {
                v.push(d);
            }
            v
        });
    let callers = if r.callers.len() == s.callers.cells.len() {
        vec!["any caller".to_owned()]
    } else {
        // Callers no entry names join by account and relation: "a user or a role of ...".
        let mut out: Vec<String> = Vec::new();
        let mut groups: Vec<(String, Vec<&'static str>)> = Vec::new();
        for &c in &r.callers {
            let Some(cell) = s.callers.cells.get(c) else {
                continue;
            };
            match &cell.group {
                Some((noun, rest)) => match groups.iter_mut().find(|(r, _)| r == rest) {
                    Some((_, nouns)) => nouns.push(noun),
                    None => groups.push((rest.clone(), vec![noun])),
                },
                None => out.push(cell.description.clone()),
            }
        }
        for (rest, nouns) in groups {
            let joined = match nouns.split_last() {
                Some((last, [])) => (*last).to_owned(),
                Some((last, init)) => format!("{} or {last}", init.join(", ")),
                None => String::new(),
            };
            out.push(format!("{joined} {rest}"));
        }
        out
    };
    let conditions = r
        .keys
        .iter()
        .filter_map(|(&k, states)| {
            let d = s.keys.get(k)?;
            // States a description cannot tell apart (their difference is a helper pattern's,
            // such as an ARN's five colons) are said once.
            let mut allowed: Vec<String> = Vec::new();
            for text in d.describe_states(states) {
                if !allowed.contains(&text) {
                    allowed.push(text);
                }
            }
            Some(Condition {
                key: d.written.clone(),
                allowed,
            })
        })
        .collect();
    Region {
        actions,
        known_actions: known.into_iter().collect(),
        catalog_only,
        resources,
        callers,
        conditions,
        witnesses: Vec::new(),
        certain: false,
        notes: Vec::new(),
        space: Arc::clone(space),
        action_ids: r.actions,
        resource_set: r.resources.into_iter().collect(),
        caller_ids: r.callers,
        keys: r.keys,
        candidates: r.cells,
        approx: r.approx,
        gave_up: r.gave_up,
    }
}

/// The request a cell stands for: its classes' members, its keys' states (others absent).
pub(crate) fn witness_of(s: &Space, c: &Cell) -> Request {
    let action = c
        .actions
        .first()
        .and_then(|&a| s.actions.classes.get(a))
        .map_or_else(String::new, |a| a.witness.clone());
    let resource = match s.resources.member(&c.resource) {
        Answer::Member(w) => w,
        Answer::Empty | Answer::Unknown(_) => "*".to_owned(),
    };
    let mut req = Request::new(action, resource);
    if let Some(cell) = c.callers.first().and_then(|&k| s.callers.cells.get(k)) {
        req.principal = cell.principal.clone();
        req.resource_account = cell.resource_account.clone();
    }
    for (k, states) in &c.keys {
        // Every state of the set gives the cell's clauses the same truth: the most readable.
        let Some(d) = s.keys.get(*k) else {
            continue;
        };
        let Some(st) = d.witness_state(states) else {
            continue;
        };
        if let Some(v) = d.value_of(st) {
            req.context.insert(&d.written, v);
        }
    }
    req
}

/// The same union of resource sets, shorter: two sets that differ only in whether they match
/// one pattern become one without it, and a "does not match `p`" is dropped where another set
/// of the union holds the resources that match `p` (every `p` resource of it is covered).
/// Each step keeps the union exactly.
fn simplify(s: &Space, set: &BTreeSet<Constraint>) -> Vec<Constraint> {
    let mut v: Vec<Constraint> = set.iter().cloned().collect();
    loop {
        let before = v.clone();
        // Absorption of a negated pattern.
        for i in 0..v.len() {
            let Some(b) = v.get(i).cloned() else { continue };
            for &p in &b.exc {
                let mut without = b.clone();
                without.exc.retain(|&q| q != p);
                let flipped = without.with(p, true);
                let covered = v.iter().enumerate().any(|(j, a)| {
                    j != i
                        && a.inc.iter().all(|q| flipped.inc.contains(q))
                        && a.exc.iter().all(|q| flipped.exc.contains(q))
                });
                if covered {
                    if let Some(slot) = v.get_mut(i) {
                        *slot = without;
                    }
                    break;
                }
            }
        }
        // Sets one another contains go; equal ones merge.
        v.sort();
        v.dedup();
        let all = v.clone();
        v.retain(|b| {
            !all.iter().any(|a| {
                a != b
                    && a.inc.iter().all(|q| b.inc.contains(q))
                    && a.exc.iter().all(|q| b.exc.contains(q))
            })
        });
        if v == before {
            break;
        }
    }
    // Patterns no member could match anyway are not worth saying.
    for c in &mut v {
        let base = Constraint {
            inc: c.inc.clone(),
            exc: Vec::new(),
        };
        c.exc
            .retain(|&p| s.resources.decide(&base.with(p, true)) != Answer::Empty);
    }
    v
}

fn described_resources(s: &Space, c: &Constraint) -> Described {
    let names = |ids: &[usize]| -> Vec<String> {
        ids.iter()
            .filter_map(|&p| s.resources.name(p).map(str::to_owned))
            .collect()
    };
    Described {
        matches: names(&c.inc),
        except: names(&c.exc),
    }
}
