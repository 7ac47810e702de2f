//! The diff: exactly which requests one policy set allows and another does not, as regions a
//! reviewer reads, each with a witness request both engines decide as claimed
//! (`iamc diff`, `iamc check-access`; DESIGN.md "Diff").
//!
//! [`diff`] compares two typed sets (OLD, NEW) and reports the *new access*: the requests NEW
//! decides `Allow` and OLD does not, as [`Region`]s (the actions, resources, callers and
//! condition constraints, each a finite union of classes); with [`Options::removed`] also the
//! access NEW takes away. [`check_access`] asks whether a set allows any request with given
//! actions and resources, for some context and caller.
//!
//! # How
//! The analysis reads the IR (`iamc_compiler::lower`) and the automata (`automata::glob`,
//! `automata::ops`), never the runtime's format.
//! 1. **Only changes matter.** When both sets have the same groups, a request on which no
//!    statement present in only one of them applies gets the same decision from both, so the
//!    search is confined to the actions and resources of the changed statements (patterns that
//!    never meet them are dropped; the rest of the sets still decide).
//! 2. **Finite classes.** Action patterns (plus the prefixes the combination reads: `sts:`,
//!    `sts:AssumeRole`, `kms:`) make one DFA whose distinct match sets are the action classes
//!    ([`ops::match_sets`](iamc_compiler::automata::ops::match_sets)); callers are classed by
//!    what principal entries can tell apart (kind, named identity, account, partition, role)
//!    and by whether the resource is in their account; each condition key's values are cut
//!    into classes by every value both sets compare it with (a DFA over the
//!    String/Arn/Bool/Binary values, intervals for Numeric and Date, address ranges for IP),
//!    and a key's state is absent, one value of a class, or a list (of classes, for
//!    `ForAllValues`/`ForAnyValue`). Resources are not partitioned up front (one automaton
//!    over every resource pattern multiplies states with each wildcard): each pattern keeps
//!    its own automaton, and a set of resources is a conjunction of patterns matched and not
//!    matched, decided non-empty by one product search
//!    ([`ops::boolean_nonempty`](iamc_compiler::automata::ops::boolean_nonempty)).
//! 3. **Search.** For each group of action classes the same statements apply to, the
//!    resource patterns and keys the live statements test are assigned one at a time (a key
//!    to a set of states those statements cannot tell apart, a pattern to "matches" or "does
//!    not"); after each assignment both decisions are bounded from below and above with the
//!    engines' own combination (`ir::interp::decide_with`), undecided statements forced off
//!    or on: the combination is monotone in every Allow and antitone in every Deny. Statuses
//!    do not depend on the caller, decisions do: every caller group
//!    ([`ir::interp::caller_profile`]) is bounded
//!    at each node, those where NEW surely allows and OLD surely does not make a region, those
//!    where NEW cannot allow or OLD surely allows are dropped, the others go on down.
//! 4. **Regions**: sibling results that differ in one assignment only are joined on the way
//!    up, then regions are merged where they differ in one dimension only, so each stays a
//!    product (membership [`Region::contains`] is exact), and each gets a witness request
//!    built from the class members, checked with the compiled engine, the IR interpreter and
//!    every [`Judge`] given (the reference interpreter, from the command line).
//!
//! # Exact, and sound where not
//! Exact for actions, resources, principals and condition values without policy variables.
//! Where that is lost, the analysis over-approximates NEW's allow and under-approximates
//! OLD's (a statement's undecidable part is taken as holding in NEW's Allows and OLD's Denies,
//! as not holding in NEW's Denies and OLD's Allows), so it may report access that does not
//! exist, never miss one: policy variables (values tied to other keys), a key compared by
//! several operator families, lists of more value groups than the budget, keys AWS couples
//! with the caller or the resource (the engines take them as given, AWS does not), and every
//! budget ([`Limits`]). Such regions say "may allow" and why, unless their witness holds.

mod callers;
mod classes;
mod dims;
mod keys;
mod region;
pub mod render;
mod resources;
mod search;
mod stmts;
mod values;
mod witness;

use std::fmt;
use std::sync::Arc;

use iamc_compiler::{ir, Config};
use iamc_grammar::PolicySet;
use iamc_runtime::{Decision, Request};

pub use region::{Condition, Described, Region};
pub use witness::request_to_json;

/// One of the two sets of a diff.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Side {
    Old,
    New,
}

/// An engine that decides requests on either set of a diff; witnesses are checked with every
/// judge of [`Options::judges`] besides the compiled engine and the IR interpreter (the command
/// line adds the reference interpreter, which this crate cannot name).
pub trait Judge {
    /// The engine's name, for notes on a witness it disagrees with.
    fn name(&self) -> &str;
    /// The decision of the `side` set on `req`.
    fn decide(&self, side: Side, req: &Request) -> Decision;
}

/// Bounds on every enumeration; past one the answer is "may allow" with the limit's name, never
/// "no new access".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// The compiler's automaton size limits, for every DFA the diff builds.
    pub config: Config,
    /// Product states of one automata search (`max_product_states`).
    pub ops: iamc_compiler::automata::ops::Limits,
    /// Action classes (`max_action_classes`, default 20,000).
    pub max_action_classes: usize,
    /// Sets of resources (conjunctions of resource patterns) decided and remembered; past it a
    /// set is kept as "may allow" undecided (`max_resource_sets`, default 100,000).
    pub max_resource_sets: usize,
    /// Caller classes (`max_callers`, default 2,000).
    pub max_callers: usize,
    /// Value classes of one condition key (`max_value_classes`, default 512).
    pub max_value_classes: usize,
    /// Groups of value classes a list value is built from, per key; lists of more are
    /// approximated (`max_list_groups`, default 8: 256 lists).
    pub max_list_groups: usize,
    /// Search nodes over all cells (`max_search_nodes`, default 2,000,000).
    pub max_search_nodes: usize,
    /// Regions before merging (`max_regions`, default 100,000).
    pub max_regions: usize,
    /// Witnesses tried per region before it is reported as "may allow" (default 8).
    pub max_witness_tries: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            config: Config::default(),
            ops: iamc_compiler::automata::ops::Limits::default(),
            max_action_classes: 20_000,
            max_resource_sets: 100_000,
            max_callers: 2_000,
            max_value_classes: 512,
            max_list_groups: 8,
            max_search_nodes: 2_000_000,
            max_regions: 100_000,
            max_witness_tries: 8,
        }
    }
}

/// How to diff.
#[derive(Default)]
pub struct Options<'a> {
    pub limits: Limits,
    /// Only requests AWS can make: an action of the service catalog on a resource of a type it
    /// takes (by the catalog's ARN formats, read loosely so that no real ARN is left out), or on
    /// `*` for actions without required resource types.
    pub catalog_resources: bool,
    /// Also report the access NEW removes (`--both`).
    pub removed: bool,
    /// More engines to check witnesses with (the reference interpreter).
    pub judges: Vec<&'a dyn Judge>,
}

/// Why a diff could not be made (a budget exceeded is not an error: it is "may allow").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiffError {
    message: String,
}

impl DiffError {
    fn new(message: impl Into<String>) -> DiffError {
        DiffError {
            message: message.into(),
        }
    }
}

impl fmt::Display for DiffError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for DiffError {}

/// A budget given up on: becomes a "may allow" reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Budget {
    pub message: String,
}

impl Budget {
    pub(crate) fn new(message: impl Into<String>) -> Budget {
        Budget {
            message: message.into(),
        }
    }
}

/// The access one side allows and the other does not.
#[derive(Debug, Clone)]
pub struct Access {
    /// Some request may be allowed: a region was found (certain or not) or a budget stopped
    /// the analysis. `false` is a proof: no such request exists.
    pub any: bool,
    /// The regions are exactly that access (no approximation was needed) and every one has a
    /// witness both engines confirmed.
    pub exact: bool,
    /// Every request of the access lies in some region (`false` when a budget stopped the
    /// analysis before it listed them all: beyond the regions the answer is "may allow").
    pub complete: bool,
    /// Why the answer is not exact (approximations, budgets), each once.
    pub reasons: Vec<String>,
    pub regions: Vec<Region>,
}

/// What [`diff`] found.
#[derive(Debug, Clone)]
pub struct Report {
    /// Requests NEW allows and OLD does not.
    pub added: Access,
    /// Requests OLD allows and NEW does not, with [`Options::removed`].
    pub removed: Option<Access>,
}

impl Report {
    /// NEW may allow something OLD does not (the CI gate).
    pub fn new_access(&self) -> bool {
        self.added.any
    }

    /// Every answer reported is exact.
    pub fn exact(&self) -> bool {
        self.added.exact && self.removed.as_ref().is_none_or(|r| r.exact)
    }
}

/// The requests [`check_access`] asks about: action and resource patterns as a policy's
/// `Action` and `Resource` entries read them (`*` is every action, every resource and the `*`
/// request); empty lists mean every action or every resource.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccessQuery {
    pub actions: Vec<String>,
    pub resources: Vec<String>,
}

/// The access `new` grants that `old` does not (and, with [`Options::removed`], the reverse).
///
/// ```
/// use iamc_analysis::diff::{diff, Options};
/// use iamc_grammar::{ast::PolicyType, PolicySet, SourceFile};
///
/// let policy = |text: &str| -> Result<PolicySet, Box<dyn std::error::Error>> {
///     let src = SourceFile::new("p.json", text);
///     let p = iamc_grammar::parse_policy(&src, PolicyType::Identity).map_err(|d| d.render(&src))?;
///     Ok(PolicySet::identity(vec![p.policy]))
/// };
/// let old = policy(r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}}"#)?;
/// let new = policy(r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:Get*","Resource":"arn:aws:s3:::b/*"}}"#)?;
/// let report = diff(&old, &new, &Options::default())?;
/// assert!(report.new_access() && report.exact());
/// let w = &report.added.regions[0].witnesses[0];
/// assert!(w.action.to_ascii_lowercase().starts_with("s3:get"));
/// assert!(report.added.regions.iter().all(|r| !r.contains(&iamc_runtime::Request::new("s3:GetObject", "arn:aws:s3:::b/k"))));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// A set that does not lower (policies in the wrong slots, too many statements), or the catalog
/// failing to load with [`Options::catalog_resources`].
pub fn diff(old: &PolicySet, new: &PolicySet, opts: &Options<'_>) -> Result<Report, DiffError> {
    let old_ir = lower(old, "OLD")?;
    let new_ir = lower(new, "NEW")?;
    let engines = witness::Engines::new(Some((old, &old_ir)), (new, &new_ir), &opts.judges);
    // The access `target` allows and `base` does not.
    let access = |base, target, target_side| {
        let pair = Pair {
            base: Some(base),
            target,
            target_side,
        };
        analyse(&pair, &Universe::default(), opts, &engines)
    };
    let added = access(&old_ir, &new_ir, Side::New)?;
    let removed = if opts.removed {
        Some(access(&new_ir, &old_ir, Side::Old)?)
    } else {
        None
    };
    Ok(Report { added, removed })
}

/// Whether `set` allows some request with one of `query`'s actions on one of its resources,
/// for some context and some caller other than an account's root user (whom no policy needs to
/// grant anything); the regions say which, with witnesses.
///
/// # Errors
/// A set that does not lower; an action or resource pattern a policy would reject.
pub fn check_access(
    set: &PolicySet,
    query: &AccessQuery,
    opts: &Options<'_>,
) -> Result<Access, DiffError> {
    let ir = lower(set, "the policy set")?;
    let universe = Universe::of(query)?;
    let engines = witness::Engines::new(None, (set, &ir), &opts.judges);
    analyse(
        &Pair {
            base: None,
            target: &ir,
            target_side: Side::New,
        },
        &universe,
        opts,
        &engines,
    )
}

fn lower(set: &PolicySet, what: &str) -> Result<ir::PolicySet, DiffError> {
    iamc_compiler::lower::lower(set).map_err(|e| DiffError::new(format!("{what}: {e}")))
}

/// The two sets of one direction: the access `target` allows and `base` does not (`base`
/// `None`: nothing is allowed, as for `check_access`).
pub(crate) struct Pair<'a> {
    pub base: Option<&'a ir::PolicySet>,
    pub target: &'a ir::PolicySet,
    /// Which side of the diff `target` is (for the judges).
    pub target_side: Side,
}

/// Restrictions of the request space (`check_access`): action and resource globs, `None` for
/// all.
#[derive(Debug, Clone, Default)]
pub(crate) struct Universe {
    pub actions: Option<Vec<ir::Glob>>,
    /// `Some`: resource globs; a `*` entry ([`ir::Glob::any`]) also takes the `*` request.
    pub resources: Option<Vec<ir::Glob>>,
    /// Leave the root user out (`check_access`).
    pub no_root: bool,
}

impl Universe {
    fn of(q: &AccessQuery) -> Result<Universe, DiffError> {
        let actions = if q.actions.is_empty() {
            None
        } else {
            let mut v = Vec::new();
            for a in &q.actions {
                v.push(
                    iamc_compiler::lower::action_glob(a)
                        .map_err(|e| DiffError::new(format!("action: {e}")))?,
                );
            }
            Some(v)
        };
        let resources = if q.resources.is_empty() {
            None
        } else {
            let mut v = Vec::new();
            for r in &q.resources {
                let g = iamc_compiler::lower::resource_glob(
                    r,
                    iamc_runtime::PolicyType::Identity,
                    iamc_grammar::ast::Version::V2012_10_17,
                )
                .map_err(|e| DiffError::new(format!("resource: {e}")))?;
                if let Some(g) = g {
                    if g.has_vars() {
                        return Err(DiffError::new(format!(
                            "resource `{r}` has a policy variable: give the resource itself"
                        )));
                    }
                    v.push(g);
                }
            }
            Some(v)
        };
        Ok(Universe {
            actions,
            resources,
            no_root: true,
        })
    }
}

/// One direction of the diff: build the classes, search, merge, check witnesses.
fn analyse(
    pair: &Pair<'_>,
    universe: &Universe,
    opts: &Options<'_>,
    engines: &witness::Engines<'_>,
) -> Result<Access, DiffError> {
    let table = stmts::Table::new(pair);
    if table.identical() {
        return Ok(Access {
            any: false,
            exact: true,
            complete: true,
            reasons: Vec::new(),
            regions: Vec::new(),
        });
    }
    let catalog = if opts.catalog_resources {
        Some(
            iamc_catalog::Catalog::get()
                .map_err(|e| DiffError::new(format!("the service catalog: {e}")))?,
        )
    } else {
        iamc_catalog::Catalog::get().ok()
    };
    let (space, model) = match dims::Space::build(&table, universe, catalog, opts) {
        Ok((space, model)) => (Arc::new(space), model),
        Err(b) => {
            return Ok(Access {
                any: true,
                exact: false,
                complete: false,
                reasons: vec![format!("may allow: {}", b.message)],
                regions: Vec::new(),
            })
        }
    };
    let found = search::run(pair, &space, &model, &opts.limits);
    let mut reasons = found.reasons.clone();
    for a in &space.approximations {
        if !reasons.contains(a) {
            reasons.push(a.clone());
        }
    }
    let regions = region::merge(&space, found.cells);
    let mut out = Vec::with_capacity(regions.len());
    for r in regions {
        out.push(witness::confirm(
            r,
            &space,
            pair.target_side,
            engines,
            &opts.limits,
        ));
    }
    let mut exact = reasons.is_empty();
    for r in &out {
        // A certain region may still be wider than the access (an approximation found it).
        if !r.certain || !r.exact() {
            exact = false;
        }
        for n in &r.notes {
            if !reasons.contains(n) {
                reasons.push(n.clone());
            }
        }
    }
    let any = !out.is_empty() || found.gave_up;
    Ok(Access {
        any,
        // No region and no budget: none even of the over-approximated access, a proof.
        exact: exact || !any,
        complete: !found.truncated,
        reasons,
        regions: out,
    })
}
