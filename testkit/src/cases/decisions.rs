//! Decision cases (`tests/data/cases/whole-decision.toml`, `tests/data/cases/edge-cases.toml`):
//! typed policy sets, requests, and the decision (and reason) every engine must give; decided
//! on every engine by [`check`]. The file format is described at the top of each file.

use std::collections::BTreeMap;

use iamc_grammar::ast::PolicyType;
use iamc_grammar::PolicySet;
use iamc_runtime::Request;
use serde::Deserialize;

use crate::data::parse_kind;
use crate::engine::Engine;
use crate::json::json_string;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    policies: BTreeMap<String, String>,
    set: Vec<RawSet>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSet {
    name: String,
    policies: Vec<Vec<String>>,
    rejected: Option<String>,
    action: Option<String>,
    resource: Option<String>,
    #[serde(default)]
    cases: Vec<RawCase>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCase {
    name: Option<String>,
    action: Option<String>,
    resource: Option<String>,
    principal: Option<String>,
    resource_account: Option<String>,
    context: Option<String>,
    decision: String,
    reason: Option<String>,
}

/// A policy set of a case file and what it must decide.
#[derive(Debug, Clone)]
pub struct Set {
    /// Its name in the file.
    pub name: String,
    /// The parsed set, or the rendered diagnostics of the first policy refused.
    pub policies: Result<PolicySet, String>,
    /// `Some`: the set must be refused, with a message containing this text.
    pub rejected: Option<String>,
    /// The requests and their expected decisions.
    pub cases: Vec<Case>,
}

/// One request of a set and the decision every engine must give.
#[derive(Debug, Clone)]
pub struct Case {
    /// The set's name, and the case's own when it has one.
    pub name: String,
    pub request: Request,
    /// `Allow`, `ExplicitDeny` or `ImplicitDeny`.
    pub decision: String,
    /// The reason as `Reason` prints with `{:?}` (`NoAllow(Boundary)`), when the case names one.
    pub reason: Option<String>,
}

/// Every set of the case file `cases/NAME.toml` under `tests/data`, in file order.
///
/// # Panics
/// When the file is missing or malformed (an unknown field, a policy name not in
/// `[policies]`, an unknown policy type, a bad context).
pub fn read(name: &str) -> Vec<Set> {
    let file: File = super::read_toml(&format!("cases/{name}.toml"));
    file.set
        .into_iter()
        .map(|raw| {
            let policies = build(name, &file.policies, &raw);
            let cases = raw
                .cases
                .into_iter()
                .map(|c| {
                    let action = c.action.or_else(|| raw.action.clone());
                    let action =
                        action.unwrap_or_else(|| panic!("{}: a case has no action", raw.name));
                    let resource = c.resource.or_else(|| raw.resource.clone());
                    let mut request = Request::new(action, resource.unwrap_or_else(|| "*".into()));
                    request.principal = c.principal;
                    request.resource_account = c.resource_account;
                    if let Some(context) = c.context {
                        request.context = context_of(&context);
                    }
                    Case {
                        name: match c.name {
                            Some(n) => format!("{}: {n}", raw.name),
                            None => raw.name.clone(),
                        },
                        request,
                        decision: c.decision,
                        reason: c.reason,
                    }
                })
                .collect();
            Set {
                name: raw.name,
                policies,
                rejected: raw.rejected,
                cases,
            }
        })
        .collect()
}

/// The set of `raw`: its slots in order, each `scp` or `rcp` entry a level of its own.
fn build(file: &str, named: &BTreeMap<String, String>, raw: &RawSet) -> Result<PolicySet, String> {
    let mut set = PolicySet::default();
    let mut n = 0;
    for entry in &raw.policies {
        let Some((kind, items)) = entry.split_first() else {
            panic!("{file}: {}: an empty slot", raw.name)
        };
        let kind =
            PolicyType::from_name(kind).unwrap_or_else(|| panic!("{file}: unknown type `{kind}`"));
        let level = match kind {
            PolicyType::Scp => set.scp.len(),
            PolicyType::Rcp => set.rcp.len(),
            _ => 0,
        };
        for item in items {
            let text = if item.starts_with('{') {
                item
            } else {
                named
                    .get(item)
                    .unwrap_or_else(|| panic!("{file}: `{item}` is not in [policies]"))
            };
            set.push(parse_kind(&format!("p{n}.json"), text, kind)?, level);
            n += 1;
        }
    }
    Ok(set)
}

/// The context of a JSON object, read as a request's `context`.
fn context_of(json: &str) -> iamc_runtime::Context {
    let text = format!("{{\"action\":{},\"context\":{json}}}", json_string("s:a"));
    iamc::io::request_from_json(&text)
        .unwrap_or_else(|e| panic!("bad context {json}: {e}"))
        .context
}

/// Decides every case of `sets` on each of `engines`: each gives the case's decision (by
/// `explain` and `authorize`), its reason when named, and the same explanation as the others;
/// a set with `rejected` is refused with that text. Returns a line per failed check.
pub fn check(sets: &[Set], engines: &[Box<dyn Engine>]) -> Vec<String> {
    let mut failures = Vec::new();
    for set in sets {
        let policies = match (&set.policies, &set.rejected) {
            (Ok(policies), None) => policies,
            (Err(e), Some(want)) if e.contains(want.as_str()) => continue,
            (Err(e), _) => {
                failures.push(format!("{}: refused: {e}", set.name));
                continue;
            }
            (Ok(_), Some(want)) => {
                failures.push(format!("{}: accepted, not refused with `{want}`", set.name));
                continue;
            }
        };
        let loaded: Vec<_> = engines
            .iter()
            .map(|e| (e.name(), e.load(policies)))
            .collect();
        for case in &set.cases {
            let mut first = None;
            for (engine, decider) in &loaded {
                let x = decider.explain(&case.request);
                let json = iamc::io::explanation_to_json(&x);
                if x.decision.as_str() != case.decision {
                    failures.push(format!("{}: engine {engine}: {json}", case.name));
                }
                if decider.authorize(&case.request).as_str() != case.decision {
                    failures.push(format!("{}: engine {engine}: authorize differs", case.name));
                }
                let reason = format!("{:?}", x.reason);
                if case.reason.as_ref().is_some_and(|want| *want != reason) {
                    failures.push(format!("{}: engine {engine}: reason {reason}", case.name));
                }
                match &first {
                    None => first = Some(x),
                    Some(prev) if *prev != x => {
                        failures.push(format!("{}: engine {engine} differs: {json}", case.name));
                    }
                    Some(_) => {}
                }
            }
        }
    }
    failures
}
