//! The 431 iam-simulate core-engine cases (`../shared/conformance/iam-simulate/core-engine`),
//! whole decisions with every policy type, run through an adapter from the simulator's format
//! against every engine of [`iamc_testkit::engines`].
//!
//! The adapter maps a case to a typed [`PolicySet`] and a [`Request`]:
//! - `identityPolicies` → identity, `resourcePolicy` / `resourcePolicies` → resource-based
//!   (a trust policy when the action is `sts:AssumeRole*` and it validates as one),
//!   `permissionBoundaries` → boundary, `sessionPolicy` → session, `serviceControlPolicies` and
//!   `resourceControlPolicies` → one organization level per entry (root first, as listed),
//!   `endpointPolicies` → VPC endpoint policies;
//! - `request.principal` → `principal` (`{"type": "Anonymous"}` → `*`), `resource.resource` →
//!   `resource`, `resource.accountId` → `resourceAccount`, `context` as is.
//!
//! Every case either agrees, or is listed in `tests/data/conformance/divergences.toml` (suite
//! `core-engine`) as divergent with the reason (a divergence of spec section 10, a rule of the
//! spec the simulator does not follow, or a simulator feature outside the policy language), or
//! as rejected (a policy our validator refuses, with the rule). The test asserts the exact
//! sets, per engine: a new divergence fails, and so does a listed one that starts agreeing.
//!
//! The cases are AGPL and not vendored: the test is `#[ignore]`d, and fails when
//! `../shared/conformance` is absent; `.ci/run` runs it with `--include-ignored`.

use std::collections::BTreeSet;
use std::path::Path;

use iamc_grammar::ast::PolicyType;
use iamc_grammar::PolicySet;
use iamc_runtime::Request;
use serde_json::Value as Json;

use iamc_testkit::cases::divergences::{self, Outcome};
use iamc_testkit::data::{conformance_dir, parse_kind};
use iamc_testkit::engines;

/// One adapted case.
struct Case {
    id: String,
    set: Result<PolicySet, String>,
    request: Request,
    expect: &'static str,
}

fn policy_text(v: &Json) -> String {
    serde_json::to_string(v).unwrap()
}

/// Parses the policies of one type; the first rejection is the error.
fn parse_all(
    values: &[Json],
    prefix: &str,
    kind: PolicyType,
) -> Result<Vec<iamc_grammar::ast::Policy>, String> {
    values
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let name = format!("{prefix}{i}.json");
            parse_kind(&name, &policy_text(v), kind).map_err(|e| format!("{name}: {e}"))
        })
        .collect()
}

fn array(case: &Json, key: &str) -> Vec<Json> {
    match case.get(key) {
        Some(Json::Array(a)) => a.clone(),
        Some(other) if !other.is_null() => vec![other.clone()],
        _ => Vec::new(),
    }
}

fn adapt(file: &str, case: &Json) -> Case {
    let name = case["name"].as_str().unwrap();
    let id = format!("{file}::{name}");
    let r = &case["request"];
    let action = r["action"].as_str().unwrap().to_owned();
    let mut req = Request::new(action.clone(), r["resource"]["resource"].as_str().unwrap());
    req.resource_account = r["resource"]["accountId"].as_str().map(str::to_owned);
    req.principal = Some(match &r["principal"] {
        Json::String(s) => s.clone(),
        Json::Object(o) if o.get("type").and_then(Json::as_str) == Some("Anonymous") => {
            "*".to_owned()
        }
        other => panic!("{id}: principal {other}"),
    });
    if let Some(Json::Object(ctx)) = r.get("context") {
        let mut text = serde_json::Map::new();
        text.insert("action".into(), Json::String(action.clone()));
        text.insert("context".into(), Json::Object(ctx.clone()));
        let parsed =
            iamc::io::request_from_json(&serde_json::to_string(&Json::Object(text)).unwrap())
                .unwrap_or_else(|e| panic!("{id}: context: {e}"));
        req.context = parsed.context;
    }
    let set = (|| -> Result<PolicySet, String> {
        let mut set = PolicySet {
            identity: parse_all(
                &array(case, "identityPolicies"),
                "identity",
                PolicyType::Identity,
            )?,
            ..PolicySet::default()
        };
        let mut resource = array(case, "resourcePolicy");
        resource.extend(array(case, "resourcePolicies"));
        let assume = action.to_ascii_lowercase().starts_with("sts:assumerole");
        for (i, v) in resource.iter().enumerate() {
            let name = format!("resource{i}.json");
            let trust = assume
                .then(|| parse_kind(&name, &policy_text(v), PolicyType::Trust).ok())
                .flatten();
            match trust {
                Some(p) => set.trust.push(p),
                None => set.resource.push(
                    parse_kind(&name, &policy_text(v), PolicyType::Resource)
                        .map_err(|e| format!("{name}: {e}"))?,
                ),
            }
        }
        set.boundary = parse_all(
            &array(case, "permissionBoundaries"),
            "boundary",
            PolicyType::Boundary,
        )?;
        set.session = parse_all(
            &array(case, "sessionPolicy"),
            "session",
            PolicyType::Session,
        )?;
        for (key, kind, prefix) in [
            ("serviceControlPolicies", PolicyType::Scp, "scp"),
            ("resourceControlPolicies", PolicyType::Rcp, "rcp"),
        ] {
            for (level, entry) in array(case, key).iter().enumerate() {
                let policies = match entry.get("policies") {
                    Some(Json::Array(a)) => a.clone(),
                    _ => Vec::new(),
                };
                let parsed = parse_all(&policies, &format!("{prefix}{level}-"), kind)?;
                if kind == PolicyType::Scp {
                    set.scp.push(parsed);
                } else {
                    set.rcp.push(parsed);
                }
            }
        }
        set.endpoint = parse_all(
            &array(case, "endpointPolicies"),
            "endpoint",
            PolicyType::Endpoint,
        )?;
        Ok(set)
    })();
    let expect = match case["expected"]["response"].as_str().unwrap() {
        "Allowed" => "Allow",
        "ImplicitlyDenied" => "ImplicitDeny",
        "ExplicitlyDenied" => "ExplicitDeny",
        other => panic!("{id}: response {other}"),
    };
    Case {
        id,
        set,
        request: req,
        expect,
    }
}

fn load_cases(dir: &Path) -> Vec<Case> {
    let mut cases = Vec::new();
    for f in iamc_testkit::data::json_files(dir) {
        let rel = f
            .strip_prefix(dir)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let text = std::fs::read_to_string(&f).unwrap();
        let list: Vec<Json> = serde_json::from_str(&text).unwrap();
        cases.extend(list.iter().map(|c| adapt(&rel, c)));
    }
    cases
}

#[test]
#[ignore = "needs ../shared/conformance (AGPL, not vendored)"]
fn core_engine_cases_agree_except_the_listed_divergences() {
    let cases = load_cases(&conformance_dir().join("core-engine"));
    assert_eq!(cases.len(), 431, "the conformance files changed");
    let ids: BTreeSet<&str> = cases.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids.len(), cases.len(), "case ids are unique");
    let listed = divergences::of_suite("core-engine");
    for engine in engines() {
        let mut outcome = Outcome::default();
        for case in &cases {
            let set = match &case.set {
                Ok(set) => set,
                Err(e) => {
                    outcome.rejected.insert(case.id.clone(), e.clone());
                    continue;
                }
            };
            let got = engine.explain_set(set, &case.request);
            if got.decision.as_str() == case.expect {
                outcome.agreed += 1;
            } else {
                outcome.divergent.insert(
                    case.id.clone(),
                    format!(
                        "got {} ({}), iam-simulate {}",
                        got.decision.as_str(),
                        got.reason.message(),
                        case.expect
                    ),
                );
            }
        }
        listed.assert_listed("core-engine", engine.name(), &outcome);
    }
}
