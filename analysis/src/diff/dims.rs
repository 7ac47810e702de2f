//! The dimensions of the request space: action classes, resource patterns (with the catalog's
//! resource types when asked), caller classes and condition keys; and, for the search, each
//! relevant statement's patterns and clauses by their ids in those dimensions.

use std::collections::{BTreeSet, HashMap};

use iamc_catalog::Catalog;
use iamc_compiler::automata::glob::{build_glob_dfa, glob_hir, Semantics};
use iamc_compiler::automata::ops;
use iamc_compiler::automata::OwnedDfa;
use iamc_compiler::ir::{self, Glob, Piece};
use regex_syntax::hir::Hir;

use super::callers::Callers;
use super::classes::{Bits, Partition};
use super::keys::Domain;
use super::resources::{glob, star, Resources};
use super::stmts::{Entry, Table};
use super::{Budget, Limits, Options, Universe};

/// One action class of the universe: a class of the action partition, and with
/// `--catalog-resources` only the catalog actions of it that take the same resource types.
#[derive(Debug, Clone)]
pub(crate) struct ActionClass {
    /// The class in [`ActionDim::part`].
    pub part: usize,
    /// Catalog actions (`service:Name`) in the class.
    pub known: Vec<String>,
    /// Only `known` belong to the class (`--catalog-resources`).
    pub restricted: bool,
    /// With `restricted`: the resources its actions take (a restriction of [`Resources`]: the
    /// catalog's ARN formats of their resource types, and `*` where they take it).
    pub within: Option<usize>,
    pub witness: String,
}

#[derive(Debug)]
pub(crate) struct ActionDim {
    pub part: Partition,
    /// Pattern `i < globs.len()` is a policy pattern; helper patterns follow.
    pub globs: Vec<Glob>,
    pub classes: Vec<ActionClass>,
    by_part: HashMap<usize, Vec<usize>>,
}

impl ActionDim {
    /// The class of a request action, if it is in the universe.
    pub(crate) fn class_of(&self, action: &str) -> Option<usize> {
        let p = self.part.class_of(action)?;
        let cands = self.by_part.get(&p)?;
        cands.iter().copied().find(|&c| {
            self.classes.get(c).is_some_and(|ac| {
                !ac.restricted || ac.known.iter().any(|k| k.eq_ignore_ascii_case(action))
            })
        })
    }

    pub(crate) fn bits(&self, class: usize) -> Option<&Bits> {
        let c = self.classes.get(class)?;
        Some(&self.part.classes.get(c.part)?.bits)
    }

    /// Which prefixes the combination reads the class's actions have: `sts:`,
    /// `sts:assumerole`, `kms:` (helper patterns `globs.len() + 1..`).
    pub(crate) fn prefixes(&self, class: usize) -> [bool; 3] {
        let n = self.globs.len();
        self.bits(class)
            .map_or([false; 3], |b| [b.get(n + 1), b.get(n + 2), b.get(n + 3)])
    }
}

/// Everything a region refers to, shared by the regions of one analysis.
#[derive(Debug)]
pub(crate) struct Space {
    pub actions: ActionDim,
    pub resources: Resources,
    pub callers: Callers,
    pub keys: Vec<Domain>,
    pub key_index: HashMap<String, usize>,
    /// Approximations that may matter (policy variables, mixed families, long lists).
    pub approximations: Vec<String>,
}

/// A relevant statement with its patterns and clauses by their ids in the dimensions.
#[derive(Debug)]
pub(crate) struct Stmt<'a> {
    pub entry: Entry<'a>,
    pub actions: Vec<usize>,
    /// Resource pattern ids ([`Resources`]), and whether the pattern has a policy variable
    /// (then its automaton matches a superset of what it matches).
    pub resources: Vec<(usize, bool)>,
    /// Per clause, in order: (key, the clause's index in that key's domain).
    pub clauses: Vec<(usize, usize)>,
}

#[derive(Debug)]
pub(crate) struct Model<'a> {
    pub stmts: Vec<Stmt<'a>>,
    pub restricted: bool,
}

/// Distinct globs in first-seen order, with the id of each.
#[derive(Default)]
struct Globs {
    list: Vec<Glob>,
    ids: HashMap<Glob, usize>,
}

impl Globs {
    fn id(&mut self, g: &Glob) -> usize {
        if let Some(&i) = self.ids.get(g) {
            return i;
        }
        let i = self.list.len();
        self.list.push(g.clone());
        self.ids.insert(g.clone(), i);
        i
    }
}

/// The literal text a glob starts with (up to its first wildcard or variable).
fn literal_head(g: &Glob) -> &str {
    match g.pieces.first() {
        Some(Piece::Lit(t)) => t,
        _ => "",
    }
}

/// One automaton per glob, built once (the meeting filter and the resource dimension share
/// them).
pub(crate) struct GlobDfas<'l> {
    semantics: Semantics,
    limits: &'l Limits,
    built: HashMap<Glob, Option<OwnedDfa>>,
}

impl<'l> GlobDfas<'l> {
    fn new(semantics: Semantics, limits: &'l Limits) -> GlobDfas<'l> {
        GlobDfas {
            semantics,
            limits,
            built: HashMap::new(),
        }
    }

    /// The automaton of `g` (`None` past the size limits).
    fn get(&mut self, g: &Glob) -> Option<&OwnedDfa> {
        let (semantics, config) = (self.semantics, &self.limits.config);
        self.built
            .entry(g.clone())
            .or_insert_with(|| {
                build_glob_dfa(std::slice::from_ref(g), semantics, config)
                    .ok()
                    .map(|d| d.dfa)
            })
            .as_ref()
    }

    /// Whether `a` and `b` share a string (`true` when that cannot be decided).
    fn meet(&mut self, a: &Glob, b: &Glob) -> bool {
        let (ha, hb) = (literal_head(a), literal_head(b));
        if !(ha.starts_with(hb) || hb.starts_with(ha)) {
            return false;
        }
        if a == b {
            return true;
        }
        if let Some(text) = a.as_literal() {
            return self
                .get(b)
                .is_none_or(|d| ops::matched_patterns(d, &text).map_or(true, |m| !m.is_empty()));
        }
        let ops_limits = self.limits.ops;
        let Some(da) = self.get(a).cloned() else {
            return true;
        };
        let Some(db) = self.get(b) else {
            return true;
        };
        ops::intersection(ops::Language::of(&da), ops::Language::of(db), &ops_limits)
            .map_or(true, |w| w.is_some())
    }
}

/// The patterns among `candidates` that meet the language of some pattern of `delta` (kept
/// when that cannot be decided within the limits: the filter only saves work). Pairs whose
/// literal heads differ are apart; the others are decided by the product of their two
/// automata (one automaton per pattern: a joint one multiplies states).
fn meeting(candidates: &[Glob], delta: &[Glob], dfas: &mut GlobDfas<'_>) -> Vec<bool> {
    candidates
        .iter()
        .map(|g| delta.iter().any(|d| dfas.meet(g, d)))
        .collect()
}

/// A loose language for one catalog ARN format: placeholders and `*` are any run of characters
/// without `:` before the resource part and any run at all in it, so every real ARN of the type
/// is in it (the catalog's own, tighter, reading is for findings).
fn format_hir(text: &str) -> Hir {
    let mut g = Glob::default();
    let mut colons = 0usize;
    let mut rest = text;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("${") {
            let end = after.find('}').map_or(after.len(), |e| e + 1);
            g.push(Piece::Star { colon: colons >= 5 });
            rest = after.get(end..).unwrap_or("");
            continue;
        }
        let mut chars = rest.chars();
        let Some(c) = chars.next() else { break };
        if c == '*' {
            g.push(Piece::Star { colon: colons >= 5 });
        } else {
            if c == ':' {
                colons += 1;
            }
            let mut buf = [0u8; 4];
            g.push_lit(c.encode_utf8(&mut buf));
        }
        rest = chars.as_str();
    }
    glob_hir(&g, false)
}

/// Whether an action takes the `*` request: it has no resource type, or an optional one.
fn takes_star(a: &iamc_catalog::Action<'_>) -> bool {
    let mut types = a.resource_types().peekable();
    types.peek().is_none() || a.resource_types().any(|t| !t.required())
}

impl Space {
    /// The dimensions of `pair` restricted to `universe` (and to the changed statements'
    /// actions and resources when `table` allows).
    pub(crate) fn build<'a>(
        table: &Table<'a>,
        universe: &Universe,
        catalog: Option<&'static Catalog>,
        opts: &Options<'_>,
    ) -> Result<(Space, Model<'a>), Budget> {
        let limits = &opts.limits;
        // 1. Which patterns can matter: those meeting the changed statements' languages.
        let delta: Vec<&Entry<'a>> = table.entries.iter().filter(|e| e.delta).collect();
        let restricted = table.restricted;
        let delta_actions: Option<Vec<Glob>> = (restricted
            && delta
                .iter()
                .all(|e| !e.st.action.any && !e.st.action.negated))
        .then(|| {
            delta
                .iter()
                .flat_map(|e| e.st.action.patterns.iter().cloned())
                .collect()
        });
        let delta_resources: Option<Vec<Glob>> = (restricted
            && delta
                .iter()
                .all(|e| !e.st.resource.any && !e.st.resource.negated))
        .then(|| {
            delta
                .iter()
                .flat_map(|e| e.st.resource.patterns.iter().map(|p| p.glob.clone()))
                .collect()
        });
        let mut all_actions = Globs::default();
        let mut all_resources = Globs::default();
        for e in &table.entries {
            for g in &e.st.action.patterns {
                all_actions.id(g);
            }
            for p in &e.st.resource.patterns {
                all_resources.id(&p.glob);
            }
        }
        let mut action_dfas = GlobDfas::new(Semantics::Action, limits);
        let mut resource_dfas = GlobDfas::new(Semantics::Resource, limits);
        let keep_action = match &delta_actions {
            Some(d) => meeting(&all_actions.list, d, &mut action_dfas),
            None => vec![true; all_actions.list.len()],
        };
        let keep_resource = match &delta_resources {
            Some(d) => meeting(&all_resources.list, d, &mut resource_dfas),
            None => vec![true; all_resources.list.len()],
        };
        let kept = |globs: &Globs, keep: &[bool], g: &Glob| {
            globs
                .ids
                .get(g)
                .and_then(|&i| keep.get(i))
                .copied()
                .unwrap_or(false)
        };
        // 2. The relevant statements: those whose action and resource can hold in the universe.
        let mut actions = Globs::default();
        let mut resources = Globs::default();
        let mut raw: Vec<String> = Vec::new();
        let mut stmts = Vec::new();
        for e in &table.entries {
            let a: Vec<&Glob> =
                e.st.action
                    .patterns
                    .iter()
                    .filter(|g| kept(&all_actions, &keep_action, g))
                    .collect();
            let r: Vec<&ir::ArnGlob> =
                e.st.resource
                    .patterns
                    .iter()
                    .filter(|p| kept(&all_resources, &keep_resource, &p.glob))
                    .collect();
            let action_can = e.st.action.any || e.st.action.negated || !a.is_empty();
            let resource_can = e.st.resource.any || e.st.resource.negated || !r.is_empty();
            if !(action_can && resource_can) {
                continue;
            }
            let mut rids = Vec::with_capacity(r.len());
            for p in &r {
                let id = resources.id(&p.glob);
                if id == raw.len() {
                    raw.push(p.raw.clone());
                }
                rids.push((id, p.glob.has_vars()));
            }
            stmts.push(Stmt {
                entry: *e,
                actions: a.iter().map(|g| actions.id(g)).collect(),
                resources: rids,
                clauses: Vec::new(),
            });
        }
        // 3. Action classes.
        let mut aglobs = actions.list.clone();
        let colon = aglobs.len();
        aglobs.push(glob(vec![star(), Piece::Lit(":".into()), star()]));
        for prefix in ["sts:", "sts:assumerole", "kms:"] {
            aglobs.push(glob(vec![Piece::Lit(prefix.into()), star()]));
        }
        let universe_actions: Option<Vec<usize>> = universe.actions.as_ref().map(|u| {
            u.iter()
                .map(|g| {
                    aglobs.push(g.clone());
                    aglobs.len() - 1
                })
                .collect()
        });
        let adfa = build_glob_dfa(&aglobs, Semantics::Action, &limits.config).map_err(|e| {
            Budget::new(format!(
                "the automaton of {} action patterns: {e}",
                aglobs.len()
            ))
        })?;
        let prefer = glob(vec![
            Piece::One { colon: false },
            star(),
            Piece::Lit(":".into()),
            Piece::One { colon: true },
            star(),
        ]);
        let apart = Partition::from_dfa(
            adfa.dfa,
            Some(&glob_hir(&prefer, false)),
            limits,
            (limits.max_action_classes, "max_action_classes"),
            "the actions",
        )?;
        let delta_stmts: Vec<usize> = stmts
            .iter()
            .enumerate()
            .filter(|(_, s)| s.entry.delta)
            .map(|(i, _)| i)
            .collect();
        let action_holds = |s: &Stmt<'_>, bits: &Bits| {
            (s.entry.st.action.any || s.actions.iter().any(|&p| bits.get(p)))
                != s.entry.st.action.negated
        };
        let mut universe_parts = Vec::new();
        for (i, c) in apart.classes.iter().enumerate() {
            if !c.bits.get(colon) {
                continue;
            }
            if let Some(u) = &universe_actions {
                if !u.iter().any(|&p| c.bits.get(p)) {
                    continue;
                }
            }
            if restricted
                && !delta_stmts.iter().any(|&d| {
                    stmts
                        .get(d)
                        .is_some_and(|s: &Stmt<'_>| action_holds(s, &c.bits))
                })
            {
                continue;
            }
            universe_parts.push(i);
        }
        // 4. Catalog actions of each class. A class matching a policy pattern lies in that
        // pattern's service; the others (NotAction, unrestricted sets) may lie in any, and are
        // scanned whole only when the catalog restricts the universe.
        let mut known: HashMap<usize, Vec<(String, iamc_catalog::Action<'static>)>> =
            HashMap::new();
        let mut other_witness: HashMap<usize, String> = HashMap::new();
        if let Some(cat) = catalog {
            let wanted: BTreeSet<usize> = universe_parts.iter().copied().collect();
            let mut services: BTreeSet<String> = BTreeSet::new();
            let mut others = false;
            for &pc in &universe_parts {
                let bits = apart.classes.get(pc).map(|c| &c.bits);
                let first = bits.and_then(|b| b.iter().find(|&p| p < actions.list.len()));
                match first.and_then(|p| actions.list.get(p)) {
                    Some(g) => {
                        let text = g.to_string();
                        if let Some((svc, _)) = text.split_once(':') {
                            services.insert(svc.to_owned());
                        }
                    }
                    None => others = true,
                }
            }
            let mut take = |a: iamc_catalog::Action<'static>| {
                let name = format!("{}:{}", a.service().prefix(), a.name());
                if let Some(pc) = apart.class_of(&name) {
                    if wanted.contains(&pc) {
                        known.entry(pc).or_default().push((name, a));
                    }
                }
            };
            if others && opts.catalog_resources {
                cat.actions().for_each(&mut take);
            } else {
                for svc in &services {
                    if let Some(service) = cat.service(svc) {
                        service.actions().for_each(&mut take);
                    }
                }
                if others {
                    // A real action as the witness of each class no pattern names: the first
                    // action of a service no pattern names, where it falls in the class.
                    for service in cat.services() {
                        if services.contains(&service.prefix().to_ascii_lowercase()) {
                            continue;
                        }
                        let Some(a) = service.actions().next() else {
                            continue;
                        };
                        let name = format!("{}:{}", service.prefix(), a.name());
                        if let Some(pc) = apart.class_of(&name) {
                            if wanted.contains(&pc) && !known.contains_key(&pc) {
                                other_witness.entry(pc).or_insert(name);
                            }
                        }
                        if other_witness.len() >= 4 {
                            break;
                        }
                    }
                }
            }
        }
        // 5. Resource patterns, and the restrictions of the universe and the catalog.
        let mut patterns: Vec<(String, OwnedDfa)> = Vec::with_capacity(raw.len());
        for (g, r) in resources.list.iter().zip(&raw) {
            let dfa = resource_dfas.get(g).cloned().ok_or_else(|| {
                Budget::new(format!(
                    "the automaton of resource `{r}` exceeds the compiler's size limits (`dfa_size_limit`)"
                ))
            })?;
            patterns.push((r.clone(), dfa));
        }
        let mut rdim = Resources::build(patterns, limits)?;
        if let Some(u) = &universe.resources {
            if !u.iter().any(|g| *g == Glob::any()) {
                let hirs = u.iter().map(|g| glob_hir(g, false)).collect();
                rdim.universe = Some(rdim.restriction(hirs, false, "the resources asked about")?);
            }
        }
        let mut restrictions: HashMap<(BTreeSet<&'static str>, bool), usize> = HashMap::new();
        // 6. The action classes of the universe, split by resource signature when the catalog
        // restricts them.
        let mut aclasses = Vec::new();
        let mut by_part: HashMap<usize, Vec<usize>> = HashMap::new();
        for &pc in &universe_parts {
            let Some(class) = apart.classes.get(pc) else {
                continue;
            };
            let members = known.get(&pc);
            if opts.catalog_resources {
                type Sig = (BTreeSet<&'static str>, bool);
                let mut by_sig: Vec<(Sig, Vec<String>)> = Vec::new();
                for (name, a) in members.into_iter().flatten() {
                    let formats: BTreeSet<&'static str> = a
                        .resource_types()
                        .flat_map(|t| t.resource_type().formats().map(|f| f.text()))
                        .collect();
                    let sig = (formats, takes_star(a));
                    match by_sig.iter_mut().find(|(s, _)| *s == sig) {
                        Some((_, v)) => v.push(name.clone()),
                        None => by_sig.push((sig, vec![name.clone()])),
                    }
                }
                for (sig, names) in by_sig {
                    let within = match restrictions.get(&sig) {
                        Some(&id) => id,
                        None => {
                            let hirs = sig.0.iter().map(|f| format_hir(f)).collect();
                            let id =
                                rdim.restriction(hirs, sig.1, "the resource types of the actions")?;
                            restrictions.insert(sig, id);
                            id
                        }
                    };
                    let witness = names.first().cloned().unwrap_or_default();
                    by_part.entry(pc).or_default().push(aclasses.len());
                    aclasses.push(ActionClass {
                        part: pc,
                        known: names,
                        restricted: true,
                        within: Some(within),
                        witness,
                    });
                }
            } else {
                let names: Vec<String> = members
                    .into_iter()
                    .flatten()
                    .map(|(n, _)| n.clone())
                    .collect();
                let witness = names
                    .first()
                    .cloned()
                    .or_else(|| other_witness.get(&pc).cloned())
                    .unwrap_or_else(|| class.witness.clone());
                by_part.entry(pc).or_default().push(aclasses.len());
                aclasses.push(ActionClass {
                    part: pc,
                    known: names,
                    restricted: false,
                    within: None,
                    witness,
                });
            }
        }
        if aclasses.len() > limits.max_action_classes {
            return Err(Budget::new(format!(
                "the actions fall into {} classes, more than the limit of {} (`max_action_classes`)",
                aclasses.len(),
                limits.max_action_classes
            )));
        }
        // 7. Callers and condition keys of the relevant statements.
        let callers = Callers::build(
            stmts.iter().filter_map(|s| s.entry.st.principal.as_ref()),
            universe.no_root,
            limits,
        )?;
        let (keys, key_index, approximations) = super::keys::build_domains(&mut stmts, limits);
        Ok((
            Space {
                actions: ActionDim {
                    part: apart,
                    globs: actions.list,
                    classes: aclasses,
                    by_part,
                },
                resources: rdim,
                callers,
                keys,
                key_index,
                approximations,
            },
            Model { stmts, restricted },
        ))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use iamc_compiler::automata::build::DfaBuilder;

    #[test]
    fn formats_are_read_loosely() {
        let h = format_hir("arn:${Partition}:ecs:${Region}:${Account}:cluster/${ClusterName}");
        let d = DfaBuilder::new(&iamc_compiler::Config::default())
            .try_build(&[h])
            .unwrap();
        let m = |s: &str| !ops::matched_patterns(&d, s).unwrap().is_empty();
        assert!(m("arn:aws:ecs:us-east-1:123456789012:cluster/a/b:c"));
        assert!(m("arn:aws:ecs:::cluster/"));
        assert!(!m("arn:aws:ecs:us:east:1:cluster/a"));
        assert!(!m("arn:aws:s3:::cluster/a"));
    }
}
