//! Unit tests on hand-built ASTs (the kit's builders; the JSON-driven cases live in
//! tests/reference_cases.rs).

use iamc_grammar::ast::{self, Version};
use iamc_runtime::{Decision, Request, Scalar, Value};
use iamc_testkit::builder::{allow, arn, arn_with_vars, deny, policy, Stmt};

use super::PolicySet;

use Decision::{Allow, ExplicitDeny, ImplicitDeny};

fn set(version: Version, statements: Vec<Stmt>) -> PolicySet {
    PolicySet::new(vec![policy("p.json", version, statements)])
}

/// `key` with the single string `value`.
fn tagged(req: Request, key: &str, value: &str) -> Request {
    req.with_context(key, Value::Single(Scalar::String(value.into())))
}

const CL: &str = "arn:aws:ecs:us-east-1:111122223333:cluster/prod";

#[test]
fn actions_ignore_case_and_glob() {
    let set = set(
        Version::V2012_10_17,
        vec![allow().actions(&["ECS:describe?lusters"])],
    );
    assert_eq!(
        set.authorize(&Request::new("ecs:DescribeClusters", CL)),
        Allow
    );
    assert_eq!(
        set.authorize(&Request::new("ecs:DescribeCluster", CL)),
        ImplicitDeny
    );
}

#[test]
fn resources_are_field_wise() {
    for (pattern, resource, want) in [
        ("arn:aws:ecs:us-east-1:111122223333:*", CL, Allow),
        ("arn:aws:ecs", CL, Allow),
        ("arn:aws::s3:*", "arn:aws:s3:::b/k", ImplicitDeny),
        ("arn:aws:ecs:*:*:*", "*", ImplicitDeny),
        ("*", "*", Allow),
        (
            "arn:aws:ecs:us-east-?:*:cluster/*",
            "arn:aws:ecs:us-east-2:1:cluster/x",
            Allow,
        ),
        (
            "arn:aws:ecs:us-east-?:*:cluster/*",
            "arn:aws:ecs:us-west-2:1:cluster/x",
            ImplicitDeny,
        ),
        // A `*` inside a field does not cross `:`; one ending its field does (spec 3.3.5).
        ("arn:aws:e*s:*:*:x", "arn:aws:e:c:s:r:a:x", ImplicitDeny),
        ("arn:aws:ecs*:*:*:x", "arn:aws:ecs:r:a:b:c:x", Allow),
        ("arn:aws:ecs:*:*:cluster/Prod", CL, ImplicitDeny),
    ] {
        let set = set(
            Version::V2012_10_17,
            vec![allow().resources(vec![arn(pattern)])],
        );
        let got = set.authorize(&Request::new("a:b", resource));
        assert_eq!(got, want, "{pattern} on {resource}");
    }
}

#[test]
fn deny_beats_allow_and_statements_are_listed_in_order() {
    let set = set(
        Version::V2012_10_17,
        vec![
            allow().actions(&["ecs:*"]),
            deny().actions(&["ecs:Run*"]).sid("NoRun"),
        ],
    );
    let e = set.explain(&Request::new("ecs:RunTask", CL));
    assert_eq!(e.decision, ExplicitDeny);
    assert_eq!(e.statements.len(), 2);
    assert_eq!(e.statements[1].sid.as_deref(), Some("NoRun"));
    assert_eq!(set.authorize(&Request::new("ecs:ListClusters", "*")), Allow);
    assert_eq!(
        set.authorize(&Request::new("s3:ListBuckets", "*")),
        ImplicitDeny
    );
}

#[test]
fn variables_resolve_with_defaults() {
    let set = set(
        Version::V2012_10_17,
        vec![allow().actions(&["ecs:*"]).resources(vec![arn_with_vars(
            "arn:aws:ecs:*:*:cluster/${aws:PrincipalTag/team, 'shared'}*",
        )])],
    );
    let shared = Request::new("ecs:A", "arn:aws:ecs:us-east-1:1:cluster/shared-x");
    assert_eq!(set.authorize(&shared), Allow);
    let pay = tagged(shared.clone(), "aws:principaltag/TEAM", "pay");
    assert_eq!(set.authorize(&pay), ImplicitDeny);
    let empty = tagged(shared, "aws:principaltag/team", "");
    assert_eq!(set.authorize(&empty), Allow);
}

const TEAM_CLUSTER: &str = "arn:aws:ecs:*:*:cluster/${aws:PrincipalTag/team}";

#[test]
fn unresolved_not_resource_entry_excludes_nothing() {
    // A4, DESIGN.md: the entry matches nothing, so `NotResource` holds for every resource.
    let set = set(
        Version::V2012_10_17,
        vec![allow()
            .actions(&["ecs:*"])
            .not_resources(vec![arn_with_vars(TEAM_CLUSTER)])],
    );
    let cl = Request::new("ecs:A", "arn:aws:ecs:us-east-1:1:cluster/pay");
    assert_eq!(set.authorize(&cl), Allow);
    let pay = tagged(cl.clone(), "aws:PrincipalTag/team", "pay");
    assert_eq!(set.authorize(&pay), ImplicitDeny);
    // A multi-valued key is no value for a variable.
    let multi = cl.with_context(
        "aws:PrincipalTag/team",
        Value::Multi(vec![Scalar::String("pay".into())]),
    );
    assert_eq!(set.authorize(&multi), Allow);
}

#[test]
fn variables_are_ignored_outside_2012() {
    // Variable segments the grammar would not make under 2008-10-17: the version decides.
    let set = set(
        Version::V2008_10_17,
        vec![allow()
            .actions(&["ecs:*"])
            .resources(vec![arn_with_vars(TEAM_CLUSTER)])],
    );
    let req = Request::new("ecs:A", "arn:aws:ecs:us-east-1:1:cluster/pay");
    let pay = tagged(req, "aws:PrincipalTag/team", "pay");
    assert_eq!(set.authorize(&pay), ImplicitDeny);
}

#[test]
fn not_action_spans_every_service() {
    let set = set(
        Version::V2012_10_17,
        vec![allow(), deny().not_actions(&["iam:*"])],
    );
    assert_eq!(
        set.authorize(&Request::new("s3:GetObject", "*")),
        ExplicitDeny
    );
    assert_eq!(set.authorize(&Request::new("IAM:GetUser", "*")), Allow);
}

/// The builders give what the tests above assume: `*` everywhere until told, an identity
/// policy.
#[test]
fn builders_start_from_everything() {
    let p = policy("p.json", Version::V2012_10_17, vec![allow()]);
    assert_eq!(p.kind, ast::PolicyType::Identity);
    let s = &p.statements[0];
    assert_eq!(s.action.patterns[0].node, ast::ActionPattern::Any);
}
