//! The 431 iam-simulate core-engine cases (`../shared/conformance/iam-simulate/core-engine`),
//! whole decisions with every policy type, run through an adapter from the simulator's format
//! against every engine of [`crate::support::engines`].
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
//! Every case either agrees, or is listed in [`DIVERGENT`] with the reason (a divergence of
//! spec section 10, a rule of the spec the simulator does not follow, or a simulator feature
//! outside the policy language), or is listed in [`REJECTED`] (a policy our validator refuses,
//! with the rule). The test asserts the exact sets, per engine: a new divergence fails, and so
//! does a listed one that starts agreeing.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use iamc_grammar::ast::PolicyType;
use iamc_grammar::PolicySet;
use iamc_runtime::Request;
use serde_json::Value as Json;

use crate::support::{engines, parse_kind, shared_dir};

/// Cases where iamc follows the spec rather than iam-simulate: case id (file::name) → reason.
/// (The reasons shared with the identity-only cases, `tests/conformance.rs`, are `pub`.)
const DIVERGENT: &[(&str, &str)] = &[
    ("anonymous.json::anonymous discovery mode only ignores conditions from supplied constraints", DISCOVERY),
    ("boundaryNotPrincipalDenyResource.json::Same Account: NotPrincipal/Deny in Resource Policy should allow", NOT_PRINCIPAL_CHAIN),
    ("discoveryMode/allowedConditions/matrix.json::Cross-account account-level resource conditions are ANDed with identity conditions", DISCOVERY),
    ("discoveryMode/allowedConditions/matrix.json::Cross-account direct resource conditions are ANDed with identity conditions", DISCOVERY),
    ("discoveryMode/allowedConditions/matrix.json::Deny with multiple condition keys becomes OR of inverted leaves in final conditions", DISCOVERY),
    ("discoveryMode/allowedConditions/matrix.json::Explicit account trust permission boundary allow preserves direct resource path OR trusted identity boundary path", DISCOVERY),
    ("discoveryMode/allowedConditions/matrix.json::ForAllValues IfExists deny inversion is represented in end-to-end conditions", DISCOVERY),
    ("discoveryMode/allowedConditions/matrix.json::ForAllValues deny inversion is represented in end-to-end conditions", DISCOVERY),
    ("discoveryMode/allowedConditions/matrix.json::ForAnyValue deny inversion is represented in end-to-end conditions", DISCOVERY),
    ("discoveryMode/allowedConditions/matrix.json::IfExists deny inversion is represented in end-to-end conditions", DISCOVERY),
    ("discoveryMode/allowedConditions/matrix.json::KMS same-account account trust conditions are ANDed with identity conditions", DISCOVERY),
    ("discoveryMode/allowedConditions/matrix.json::Known matching condition in allow statement is not returned in conditions", DISCOVERY),
    ("discoveryMode/allowedConditions/matrix.json::Multiple conditions in one allow statement are ANDed", DISCOVERY),
    ("discoveryMode/allowedConditions/matrix.json::Multiple identity allows are ORed before deny escapes are ANDed", DISCOVERY),
    ("discoveryMode/allowedConditions/matrix.json::Permission boundary allow conditions are ANDed with identity allow conditions", DISCOVERY),
    ("discoveryMode/allowedConditions/matrix.json::Permission boundary allow preserves direct resource path OR identity boundary path", DISCOVERY),
    ("discoveryMode/allowedConditions/matrix.json::Permission boundary explicit deny escape is ANDed with identity allow conditions", DISCOVERY),
    ("discoveryMode/allowedConditions/matrix.json::Permission boundary implicit deny recalculates conditions from bypassing resource statements only", DISCOVERY),
    ("discoveryMode/allowedConditions/matrix.json::RCP deny escapes from multiple org levels are ANDed", DISCOVERY),
    ("discoveryMode/allowedConditions/matrix.json::SCP conditions combine OU allows with escaped deny", DISCOVERY),
    ("discoveryMode/allowedConditions/matrix.json::STS GetCallerIdentity discovery short-circuit omits conditions", DISCOVERY),
    ("discoveryMode/allowedConditions/matrix.json::STS same-account trust policy conditions are ANDed with identity conditions", DISCOVERY),
    ("discoveryMode/allowedConditions/matrix.json::Same-account conditions are identity allow OR direct resource allow", DISCOVERY),
    ("discoveryMode/allowedConditions/matrix.json::Separate conditional resource allow statements are ORed", DISCOVERY),
    ("discoveryMode/contextKeyConstraints/sourceContext.json::Allow condition with known presence and unknown value is ignored", DISCOVERY),
    ("discoveryMode/contextKeyConstraints/sourceContext.json::Deny condition with known presence and unknown value is ignored when placeholder matches", DISCOVERY),
    ("discoveryMode/contextKeyConstraints/sourceContext.json::Service principal resource allow reports matching SourceAccount and different SourceArn unknown values", DISCOVERY),
    ("discoveryMode/ignoredConditions/identityAllow.json::Allowed when identity has conditions being ignored", DISCOVERY),
    ("discoveryMode/ignoredConditions/identityAllow.json::Allowed with condition when identity Allow ForAnyValue StringNotEquals key is unconstrained and absent", DISCOVERY),
    ("discoveryMode/ignoredConditions/identityAllow.json::Allowed with deny escape when identity Deny negative condition key is unconstrained and absent", DISCOVERY),
    ("discoveryMode/ignoredConditions/permissionBoundary.json::Explicit Deny In Permission Boundary Condition Should Be Ignored", DISCOVERY),
    ("discoveryMode/ignoredConditions/permissionBoundary.json::Implicit Deny Due to Permission Boundary Condition Should Be Ignored", DISCOVERY),
    ("discoveryMode/ignoredConditions/rcp.json::Allowed when RCP has ignored Deny Condition", DISCOVERY),
    ("discoveryMode/ignoredConditions/resources.json::Allow When Resource Policy Condition is Ignored", DISCOVERY),
    ("discoveryMode/ignoredConditions/resources.json::Allow When Resource Policy Deny Condition is Ignored", DISCOVERY),
    ("discoveryMode/ignoredConditions/resources.json::Cross-account resource conditions include direct and account-level allow paths", DISCOVERY),
    ("discoveryMode/ignoredConditions/scp.json::Allowed when SCP has ignored Deny Condition", DISCOVERY),
    ("discoveryMode/ignoredConditions/strictPatterns.json::Different Principal Tag Keys is Strict", DISCOVERY),
    ("discoveryMode/roleVsSession.json::Allow Differently Named Session To Pierce Permission Boundary Implicit Deny", DISCOVERY),
    ("discoveryMode/roleVsSession.json::Allow Differently Named Session When Resource Policy Allows for Session", DISCOVERY),
    ("discoveryMode/roleVsSession.json::Allow Role To Pierce Permission Boundary Implicit Deny when Resource Policy Allows for Session", DISCOVERY),
    ("discoveryMode/roleVsSession.json::Allow pathed role when session is allowed by resource policy", DISCOVERY),
    ("discoveryMode/roleVsSession.json::Allow role when session is allowed by resource policy", DISCOVERY),
    ("discoveryMode/roleVsSession.json::Allow role with multiple path levels when session is allowed by resource policy", DISCOVERY),
    ("endpoints/conditionDiscovery.json::Allows under Conditions in the VPC Endpoint Policy", DISCOVERY),
    ("iam/managedPolicies/aws/denied.json::deny iam:CreatePolicy for AWS managed policies", AWS_MANAGED_POLICY),
    ("iam/managedPolicies/aws/denied.json::deny iam:CreatePolicyVersion for AWS managed policies", AWS_MANAGED_POLICY),
    ("iam/managedPolicies/aws/denied.json::deny iam:DeletePolicy for AWS managed policies", AWS_MANAGED_POLICY),
    ("iam/managedPolicies/aws/denied.json::deny iam:DeletePolicyVersion for AWS managed policies", AWS_MANAGED_POLICY),
    ("iam/managedPolicies/aws/denied.json::deny iam:SetDefaultPolicyVersion for AWS managed policies", AWS_MANAGED_POLICY),
    ("iam/managedPolicies/aws/denied.json::deny iam:TagPolicy for AWS managed policies", AWS_MANAGED_POLICY),
    ("iam/managedPolicies/aws/denied.json::deny iam:UntagPolicy for AWS managed policies", AWS_MANAGED_POLICY),
    ("iam/roles/reserved/denied.json::deny iam:AttachRolePolicy for AWS managed roles", AWS_RESERVED_ROLE),
    ("iam/roles/reserved/denied.json::deny iam:CreateRole for AWS managed roles", AWS_RESERVED_ROLE),
    ("iam/roles/reserved/denied.json::deny iam:CreateServiceLinkedRole for AWS managed roles", AWS_RESERVED_ROLE),
    ("iam/roles/reserved/denied.json::deny iam:DeleteRole for AWS managed roles", AWS_RESERVED_ROLE),
    ("iam/roles/reserved/denied.json::deny iam:DeleteRolePermissionsBoundary for AWS managed roles", AWS_RESERVED_ROLE),
    ("iam/roles/reserved/denied.json::deny iam:DeleteRolePolicy for AWS managed roles", AWS_RESERVED_ROLE),
    ("iam/roles/reserved/denied.json::deny iam:DeleteServiceLinkedRole for AWS managed roles", AWS_RESERVED_ROLE),
    ("iam/roles/reserved/denied.json::deny iam:DetachRolePolicy for AWS managed roles", AWS_RESERVED_ROLE),
    ("iam/roles/reserved/denied.json::deny iam:PassRole for AWS managed roles", AWS_RESERVED_ROLE),
    ("iam/roles/reserved/denied.json::deny iam:PutRolePermissionsBoundary for AWS managed roles", AWS_RESERVED_ROLE),
    ("iam/roles/reserved/denied.json::deny iam:PutRolePolicy for AWS managed roles", AWS_RESERVED_ROLE),
    ("iam/roles/reserved/denied.json::deny iam:TagRole for AWS managed roles", AWS_RESERVED_ROLE),
    ("iam/roles/reserved/denied.json::deny iam:UntagRole for AWS managed roles", AWS_RESERVED_ROLE),
    ("iam/roles/reserved/denied.json::deny iam:UpdateAssumeRolePolicy for AWS managed roles", AWS_RESERVED_ROLE),
    ("iam/roles/reserved/denied.json::deny iam:UpdateRole for AWS managed roles", AWS_RESERVED_ROLE),
    ("iam/roles/reserved/denied.json::deny iam:UpdateRoleDescription for AWS managed roles", AWS_RESERVED_ROLE),
    ("kms/aliases.json::Implicitly denied for AWS-managed alias create action", AWS_MANAGED_ALIAS),
    ("kms/aliases.json::Implicitly denied for AWS-managed alias delete action", AWS_MANAGED_ALIAS),
    ("kms/aliases.json::Implicitly denied for AWS-managed alias update action", AWS_MANAGED_ALIAS),
    ("resourceWildcards/crossPatternIntersections.json::Cross-account Allow Resource wildcard intersection: AWSLogs prefix overlaps bucket wildcard", REQUEST_WILDCARD),
    ("resourceWildcards/crossPatternIntersections.json::Cross-account Allow Resource wildcard intersection: generated prefix overlaps bucket wildcard", REQUEST_WILDCARD),
    ("resourceWildcards/crossPatternIntersections.json::Cross-account Allow Resource wildcard intersection: nested AWSLogs prefix overlaps bucket wildcard", REQUEST_WILDCARD),
    ("resourceWildcards/crossPatternIntersections.json::Cross-account Allow Resource wildcard intersection: object extension pattern overlaps bucket wildcard", REQUEST_WILDCARD),
    ("resourceWildcards/requestWildcards.json::Allow/Resource: specific resource matches request wildcard '*'", REQUEST_STAR),
    ("resourceWildcards/requestWildcards.json::Allow/Resource: wildcard resource matches request wildcard '*'", REQUEST_STAR),
    ("resourceWildcards/requestWildcards.json::Cross-service policies with request wildcard '*'", REQUEST_STAR),
    ("resourceWildcards/requestWildcards.json::Deny/NotResource: specific resource matches request wildcard '*'", REQUEST_STAR),
    ("resourceWildcards/requestWildcards.json::EC2 specific resource matches request wildcard '*'", REQUEST_STAR),
    ("resourceWildcards/requestWildcards.json::Multiple resources with one matching request wildcard '*'", REQUEST_STAR),
    ("sessionPolicies.json::Ignored conditions in session policy are reported", DISCOVERY),
    ("sessionPolicies.json::Implicit deny in session policy denies even if session ARN in resource policy", SESSION_ARN_GRANT),
    ("sessionPolicies.json::sts:GetCallerIdentity allowed if denied by session policy", GET_CALLER_IDENTITY),
    ("sts/getCallerIdentity/getCallerIdentity.json::sts:GetCallerIdentity should be allowed even if explicitly denied", GET_CALLER_IDENTITY),
    ("sts/getCallerIdentity/getCallerIdentity.json::sts:GetCallerIdentity should be implicitly allowed", GET_CALLER_IDENTITY),
];

/// Cases with a policy our validator rejects: case id → rule.
const REJECTED: &[(&str, &str)] = &[
    ("blog.json::Allowed when context key present", PRINCIPAL_IN_IDENTITY),
    ("blog.json::explicit deny with sensitive value in context key", PRINCIPAL_IN_IDENTITY),
    ("blog.json::explicit deny without context key", PRINCIPAL_IN_IDENTITY),
    ("discoveryMode/ignoredConditions/rcp.json::Do Not Report Ignored Conditions When Other Deny Parts Do Not Match", NO_PRINCIPAL),
    ("noPrincipalElement.json::Statement without Principal does not deny when identity allows", NO_PRINCIPAL),
    ("noPrincipalElement.json::Statement without Principal is skipped; sibling statement still applies", NO_PRINCIPAL),
    ("noPrincipalElement.json::Statement without Principal never matches (Allow)", NO_PRINCIPAL),
    ("permissionBoundaries-CrossAccount.json::Cross Account: Permission boundary deny resource policy allows role, from role", PRINCIPAL_STRING),
    ("permissionBoundaries-CrossAccount.json::Cross Account: Permission boundary deny resource policy allows role, from session", PRINCIPAL_STRING),
    ("permissionBoundaries-CrossAccount.json::Cross Account: Permission boundary deny resource policy allows session, from session", PRINCIPAL_STRING),
    ("permissionBoundaries-CrossAccount.json::Cross Account: Permission boundary implicit deny resource policy allows role, from role", PRINCIPAL_STRING),
    ("permissionBoundaries-CrossAccount.json::Cross Account: Permission boundary implicit deny resource policy allows role, from session", PRINCIPAL_STRING),
    ("permissionBoundaries-CrossAccount.json::Cross Account: Permission boundary implicit deny resource policy allows session, from session", PRINCIPAL_STRING),
    ("permissionBoundaries-CrossAccount.json::Cross Account: Permission boundary implicit deny resource policy allows user", PRINCIPAL_STRING),
    ("permissionBoundaries-CrossAccount.json::Cross Account: Permission boundary implicit deny, identity allow, resource policy allows session, from session", PRINCIPAL_STRING),
    ("permissionBoundaries-SameAccount.json::Permission boundary deny resource policy allows role, from role", PRINCIPAL_STRING),
    ("permissionBoundaries-SameAccount.json::Permission boundary deny resource policy allows role, from session", PRINCIPAL_STRING),
    ("permissionBoundaries-SameAccount.json::Permission boundary explicit deny, resource policy allows session, from session", PRINCIPAL_STRING),
    ("permissionBoundaries-SameAccount.json::Permission boundary implicit deny resource policy allows role, from role", PRINCIPAL_STRING),
    ("permissionBoundaries-SameAccount.json::Permission boundary implicit deny resource policy allows session, from session", PRINCIPAL_STRING),
    ("permissionBoundaries-SameAccount.json::Permission boundary implicit deny resource policy allows user", PRINCIPAL_STRING),
    ("permissionBoundaries-SameAccount.json::Permission boundary implicit deny, resource policy allows role, from session", PRINCIPAL_STRING),
    ("sessions.json::Deny role when resource policy denies for role", PRINCIPAL_IN_IDENTITY),
    ("sessions.json::Deny session when resource policy denies for role", PRINCIPAL_IN_IDENTITY),
];

/// iam-simulate's discovery mode (`"simulation": {"mode": "Discovery"}`) ignores conditions on
/// keys the request does not constrain and widens session names: a simulator feature for
/// finding what could be allowed, not the decision of IAM (spec 5.3: absent keys follow the
/// operator).
const DISCOVERY: &str = "simulator discovery mode (conditions ignored), not IAM's decision";
/// Spec A14 (docs reading): a `Deny` with `NotPrincipal` excludes a principal only when every
/// identity of its chain (account, role) is listed; iam-simulate excludes on any match.
const NOT_PRINCIPAL_CHAIN: &str = "spec A14: NotPrincipal+Deny excludes only a fully listed chain";
/// iam-simulate refuses writes to AWS managed policies (`arn:aws:iam::aws:policy/...`) whatever
/// the policies say: a service rule outside the policy language; spec 7 decides from the
/// policies alone.
pub const AWS_MANAGED_POLICY: &str =
    "service rule of iam-simulate (AWS managed policies), not in spec 7";
/// Likewise for roles under `role/aws-reserved/`.
pub const AWS_RESERVED_ROLE: &str =
    "service rule of iam-simulate (aws-reserved roles), not in spec 7";
/// Likewise for KMS aliases under `alias/aws/`.
pub const AWS_MANAGED_ALIAS: &str =
    "service rule of iam-simulate (AWS-managed KMS aliases), not in spec 7";
/// A request resource holding wildcards (`bucket/*`): iam-simulate intersects patterns with it;
/// spec 3.1: a request names concrete ARNs (or `*`), matched literally.
const REQUEST_WILDCARD: &str = "request resource with wildcards is literal (spec 3.1)";
/// iam-simulate reads a request resource `*` as "some resource"; spec 3.3.9 / 3.5 and DESIGN.md:
/// the `*` request is matched by the pattern `*` only.
pub const REQUEST_STAR: &str = "request `*` matched by pattern `*` only (spec 3.3.9)";
/// Spec 7.4: a resource policy naming the session ARN grants directly, not capped by the
/// session policy (AWS session-policy docs); iam-simulate caps it.
const SESSION_ARN_GRANT: &str = "spec 7.4: a session-ARN grant is not capped by the session policy";
/// sts:GetCallerIdentity needs no permission in AWS; iam-simulate special-cases it. iamc
/// decides every action from the policies (spec 7).
pub const GET_CALLER_IDENTITY: &str =
    "iam-simulate special-cases sts:GetCallerIdentity; spec 7 decides from the policies";

/// Spec 1.2: `Principal` is prohibited in identity policies.
pub const PRINCIPAL_IN_IDENTITY: &str = "`Principal` in an identity policy (spec 1.2)";
/// Spec 1.2: `Principal` is required in resource-based (and RCP) statements.
const NO_PRINCIPAL: &str = "resource-based statement without `Principal` (spec 1.2)";
/// Spec 4.1: `Principal` is `"*"` or a map (`{"AWS": ...}`); a bare ARN string is invalid.
const PRINCIPAL_STRING: &str = "`Principal` as a bare ARN string (spec 4.1: `*` or a map)";

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
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "json") {
                files.push(p);
            }
        }
    }
    files.sort();
    let mut cases = Vec::new();
    for f in files {
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
fn core_engine_cases_agree_except_the_listed_divergences() {
    let Some(shared) = shared_dir() else { return };
    let cases = load_cases(&shared.join("conformance/iam-simulate/core-engine"));
    assert_eq!(cases.len(), 431, "the conformance files changed");
    let ids: BTreeSet<&str> = cases.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids.len(), cases.len(), "case ids are unique");
    let want_rejected: BTreeSet<String> = REJECTED.iter().map(|(i, _)| (*i).to_owned()).collect();
    let want_divergent: BTreeSet<String> = DIVERGENT.iter().map(|(i, _)| (*i).to_owned()).collect();
    let verbose = std::env::var_os("IAMC_CONFORMANCE_VERBOSE").is_some();
    for engine in engines() {
        let mut rejected = BTreeMap::new();
        let mut divergent = BTreeMap::new();
        let mut agreed = 0usize;
        for case in &cases {
            let set = match &case.set {
                Ok(set) => set,
                Err(e) => {
                    rejected.insert(case.id.clone(), e.clone());
                    continue;
                }
            };
            let got = engine.explain_set(set, &case.request);
            if got.decision.as_str() == case.expect {
                agreed += 1;
            } else {
                divergent.insert(
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
        eprintln!(
            "core-engine, engine {}: {agreed} agree, {} diverge, {} rejected",
            engine.name(),
            divergent.len(),
            rejected.len()
        );
        let got_divergent: BTreeSet<String> = divergent.keys().cloned().collect();
        let got_rejected: BTreeSet<String> = rejected.keys().cloned().collect();
        let unexpected: Vec<String> = got_divergent
            .difference(&want_divergent)
            .map(|id| format!("{id}: {}", divergent[id]))
            .collect();
        let fixed: Vec<&String> = want_divergent.difference(&got_divergent).collect();
        let new_rejected: Vec<String> = got_rejected
            .difference(&want_rejected)
            .map(|id| format!("{id}: {}", rejected[id].lines().next().unwrap_or("")))
            .collect();
        let unrejected: Vec<&String> = want_rejected.difference(&got_rejected).collect();
        if verbose {
            for id in &unexpected {
                eprintln!("DIVERGE {id}");
            }
            for id in &new_rejected {
                eprintln!("REJECT {id}");
            }
        }
        assert!(
            unexpected.is_empty() && fixed.is_empty() && new_rejected.is_empty() && unrejected.is_empty(),
            "engine {}: new divergences:\n{}\nlisted divergences that now agree: {fixed:?}\nnew rejections:\n{}\nlisted rejections now accepted: {unrejected:?}",
            engine.name(),
            unexpected.join("\n"),
            new_rejected.join("\n"),
        );
    }
}
