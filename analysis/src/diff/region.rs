//! Regions: the search's cells merged where they differ in one dimension only (so each region
//! stays a product of per-dimension sets and membership stays exact), and described.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use iamc_compiler::ir::{Glob, Piece};
use iamc_runtime::Request;

use super::classes::Bits;
use super::dims::Space;
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
    resource_ids: BTreeSet<usize>,
    caller_ids: BTreeSet<usize>,
    keys: BTreeMap<usize, BTreeSet<usize>>,
    pub(crate) candidates: Vec<Request>,
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
        let Some(r) = s.resources.class_of(&req.resource) else {
            return false;
        };
        if !self.resource_ids.contains(&r) {
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
                d.state_of(req.context.get(&d.key))
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
    resources: BTreeSet<usize>,
    callers: BTreeSet<usize>,
    keys: BTreeMap<usize, BTreeSet<usize>>,
    cells: Vec<Cell>,
    approx: bool,
    gave_up: Option<String>,
}

type Shape = (
    BTreeSet<usize>,
    BTreeSet<usize>,
    BTreeSet<usize>,
    BTreeMap<usize, BTreeSet<usize>>,
);

/// Merges regions equal in every dimension but the one `pick` blanks out, uniting that one.
fn merge_on(
    raws: Vec<Raw>,
    pick: impl Fn(&Raw) -> Shape,
    unite: impl Fn(&mut Raw, Raw),
) -> Vec<Raw> {
    let mut out: Vec<Raw> = Vec::new();
    let mut index: HashMap<Shape, usize> = HashMap::new();
    for r in raws {
        let k = pick(&r);
        match index.get(&k) {
            Some(&i) => {
                if let Some(into) = out.get_mut(i) {
                    into.approx |= r.approx;
                    if into.gave_up.is_none() {
                        into.gave_up.clone_from(&r.gave_up);
                    }
                    into.cells.extend(r.cells.iter().cloned());
                    unite(into, r);
                }
            }
            None => {
                index.insert(k, out.len());
                out.push(r);
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
            raws = merge_on(
                raws,
                |r| {
                    let mut keys = r.keys.clone();
                    // The key must be constrained in both to merge on it.
                    if keys.remove(&k).is_none() {
                        keys.insert(usize::MAX, BTreeSet::new());
                    }
                    (
                        r.actions.clone(),
                        r.resources.clone(),
                        r.callers.clone(),
                        keys,
                    )
                },
                |into, r| {
                    if let (Some(a), Some(b)) = (into.keys.get_mut(&k), r.keys.get(&k)) {
                        a.extend(b.iter().copied());
                    }
                },
            );
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
            actions: BTreeSet::from([c.action]),
            resources: c.resources.iter().copied().collect(),
            callers: BTreeSet::from([c.caller]),
            keys: c
                .keys
                .iter()
                .map(|&(k, s)| (k, BTreeSet::from([s])))
                .collect(),
            approx: c.approx,
            gave_up: c.gave_up.clone(),
            cells: vec![c],
        })
        .collect();
    raws = merge_keys(space, raws);
    raws = merge_on(
        raws,
        |r| {
            (
                r.actions.clone(),
                r.resources.clone(),
                BTreeSet::new(),
                r.keys.clone(),
            )
        },
        |into, r| into.callers.extend(r.callers),
    );
    raws = merge_on(
        raws,
        |r| {
            (
                r.actions.clone(),
                BTreeSet::new(),
                r.callers.clone(),
                r.keys.clone(),
            )
        },
        |into, r| into.resources.extend(r.resources),
    );
    raws = merge_on(
        raws,
        |r| {
            (
                BTreeSet::new(),
                r.resources.clone(),
                r.callers.clone(),
                r.keys.clone(),
            )
        },
        |into, r| into.actions.extend(r.actions),
    );
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
    let rd = &s.resources;
    let shown_resources = Bits::with(0..rd.globs.len());
    let resource_name = |p: usize| rd.raw.get(p).cloned().unwrap_or_default();
    let mut resources = Vec::new();
    let (cover, rest) = covering(&rd.part, &r.resources, &shown_resources);
    for p in cover {
        resources.push(Described {
            matches: vec![resource_name(p)],
            except: Vec::new(),
        });
    }
    for c in rest {
        let d = if rd.is_star(c) {
            Described {
                matches: vec!["*".to_owned()],
                except: Vec::new(),
            }
        } else {
            described(&rd.part, c, &shown_resources, resource_name)
        };
        if !resources.contains(&d) {
            resources.push(d);
        }
    }
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
            Some(Condition {
                key: d.written.clone(),
                allowed: d.describe_states(states),
            })
        })
        .collect();
    let candidates = r.cells.iter().map(|c| witness_of(s, c)).collect();
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
        resource_ids: r.resources,
        caller_ids: r.callers,
        keys: r.keys,
        candidates,
        approx: r.approx,
        gave_up: r.gave_up,
    }
}

/// The request a cell stands for: its classes' members, its keys' states (others absent).
fn witness_of(s: &Space, c: &Cell) -> Request {
    let action = s
        .actions
        .classes
        .get(c.action)
        .map_or_else(String::new, |a| a.witness.clone());
    let resource = c
        .resources
        .first()
        .and_then(|&r| s.resources.part.classes.get(r))
        .map_or_else(|| "*".to_owned(), |r| r.witness.clone());
    let mut req = Request::new(action, resource);
    if let Some(cell) = s.callers.cells.get(c.caller) {
        req.principal = cell.principal.clone();
        req.resource_account = cell.resource_account.clone();
    }
    for &(k, st) in &c.keys {
        if let Some(d) = s.keys.get(k) {
            if let Some(v) = d.value_of(st) {
                req.context.insert(&d.written, v);
            }
        }
    }
    req
}
