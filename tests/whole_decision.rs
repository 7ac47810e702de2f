//! The whole decision (spec 4 and 7) on hand-written rows, in both engines: the SQS table of
//! spec 4.1, the grant classes of spec 7.4, sessions (7.6), organization levels (7.3), the
//! short-ARN rules by policy type (3.4) and the reasons.

use iamc_grammar::ast::PolicyType as K;
use iamc_grammar::PolicySet;
use iamc_runtime::{Decision, PolicyType, Reason, Request};

use iamc_testkit::data::parse_kind;
use iamc_testkit::engines;

const QUEUE: &str = "arn:aws:sqs:us-east-1:111122223333:q1";
const ALICE: &str = "arn:aws:iam::111122223333:user/alice";
const BOB: &str = "arn:aws:iam::444455556666:user/bob";
const SESSION: &str = "arn:aws:sts::111122223333:assumed-role/dev/s1";
const FEDERATED: &str = "arn:aws:sts::111122223333:federated-user/fred";

/// The policies as a typed set; every SCP or RCP is a level of its own.
fn set(policies: &[(K, &str)]) -> PolicySet {
    let mut set = PolicySet::default();
    for (i, (kind, text)) in policies.iter().enumerate() {
        let p = parse_kind(&format!("p{i}.json"), text, *kind).unwrap_or_else(|e| panic!("{e}"));
        let level = match kind {
            K::Scp => set.scp.len(),
            K::Rcp => set.rcp.len(),
            _ => 0,
        };
        set.push(p, level);
    }
    set
}

fn request(action: &str, resource: &str, principal: &str) -> Request {
    let mut r = Request::new(action, resource);
    r.principal = Some(principal.into());
    r
}

/// Both engines give `want` (and the same explanation).
fn check(row: &str, set: &PolicySet, req: &Request, want: Decision, reason: Option<Reason>) {
    let mut seen = None;
    for engine in engines() {
        let x = engine.explain_set(set, req);
        assert_eq!(
            x.decision,
            want,
            "{row}: engine {}: {}",
            engine.name(),
            iamc::io::explanation_to_json(&x)
        );
        if let Some(r) = reason {
            assert_eq!(x.reason, r, "{row}: engine {}", engine.name());
        }
        if let Some(prev) = &seen {
            assert_eq!(prev, &x, "{row}: engines differ");
        }
        seen = Some(x);
    }
}

fn queue_policy(principal: &str) -> String {
    format!(
        r#"{{"Statement":{{"Effect":"Allow","Principal":{principal},"Action":"sqs:SendMessage","Resource":"{QUEUE}"}}}}"#
    )
}

const SEND_ANY: &str =
    r#"{"Statement":{"Effect":"Allow","Action":"sqs:SendMessage","Resource":"*"}}"#;
const ALLOW_ALL: &str = r#"{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#;
const ALLOW_NOTHING: &str =
    r#"{"Statement":{"Effect":"Allow","Action":"ec2:DescribeRegions","Resource":"*"}}"#;

/// Spec 4.1: the SQS queue policy table.
#[test]
fn whole_decision_spec_4_1_queue_policy_table() {
    let send = |p: &str| request("sqs:SendMessage", QUEUE, p);
    let alice_rp = queue_policy(&format!(r#"{{"AWS":"{ALICE}"}}"#));
    let account_rp = queue_policy(r#"{"AWS":"111122223333"}"#);
    let star_rp = queue_policy(r#""*""#);
    let bob_rp = queue_policy(&format!(r#"{{"AWS":"{BOB}"}}"#));
    type Row<'a> = (&'a str, Vec<(K, &'a str)>, Request, Decision);
    let rows: Vec<Row<'_>> = vec![
        (
            "user named",
            vec![(K::Resource, &alice_rp)],
            send(ALICE),
            Decision::Allow,
        ),
        (
            "account named, no identity",
            vec![(K::Resource, &account_rp)],
            send(ALICE),
            Decision::ImplicitDeny,
        ),
        (
            "account named, identity allows",
            vec![(K::Resource, &account_rp), (K::Identity, SEND_ANY)],
            send(ALICE),
            Decision::Allow,
        ),
        (
            "public",
            vec![(K::Resource, &star_rp)],
            send(ALICE),
            Decision::Allow,
        ),
        (
            "other account, no identity",
            vec![(K::Resource, &bob_rp)],
            send(BOB),
            Decision::ImplicitDeny,
        ),
        (
            "other account, identity allows",
            vec![(K::Resource, &bob_rp), (K::Identity, SEND_ANY)],
            send(BOB),
            Decision::Allow,
        ),
    ];
    for (row, policies, req, want) in rows {
        check(row, &set(&policies), &req, want, None);
    }
    // Partial wildcards are rejected.
    let partial = queue_policy(r#"{"AWS":"arn:aws:iam::111122223333:user/*"}"#);
    assert!(parse_kind("p.json", &partial, K::Resource).is_err());
}

/// Spec 7.4: which grants the boundary and the session policy cap, by the principal named.
#[test]
fn whole_decision_spec_7_4_grant_classes() {
    let get = |p: &str| request("sqs:SendMessage", QUEUE, p);
    let role_rp = queue_policy(r#"{"AWS":"arn:aws:iam::111122223333:role/team/dev"}"#);
    let session_rp = queue_policy(&format!(r#"{{"AWS":"{SESSION}"}}"#));
    let federated_rp = queue_policy(&format!(r#"{{"AWS":"{FEDERATED}"}}"#));
    let user_rp = queue_policy(&format!(r#"{{"AWS":"{ALICE}"}}"#));
    // Session ARN: not capped by the boundary nor by the session policy.
    let s = set(&[
        (K::Resource, &session_rp),
        (K::Boundary, ALLOW_NOTHING),
        (K::Session, ALLOW_NOTHING),
    ]);
    check(
        "session ARN",
        &s,
        &get(SESSION),
        Decision::Allow,
        Some(Reason::AllowedBy(PolicyType::Resource)),
    );
    // Role ARN (its path is not in the session ARN): capped by the boundary, then the session policy.
    check(
        "role ARN, no ceiling",
        &set(&[(K::Resource, &role_rp)]),
        &get(SESSION),
        Decision::Allow,
        None,
    );
    check(
        "role ARN, boundary",
        &set(&[(K::Resource, &role_rp), (K::Boundary, ALLOW_NOTHING)]),
        &get(SESSION),
        Decision::ImplicitDeny,
        Some(Reason::NoAllow(PolicyType::Boundary)),
    );
    check(
        "role ARN, session policy",
        &set(&[(K::Resource, &role_rp), (K::Session, ALLOW_NOTHING)]),
        &get(SESSION),
        Decision::ImplicitDeny,
        Some(Reason::NoAllow(PolicyType::Session)),
    );
    // A user named directly: not capped by its boundary.
    check(
        "user ARN, boundary",
        &set(&[(K::Resource, &user_rp), (K::Boundary, ALLOW_NOTHING)]),
        &get(ALICE),
        Decision::Allow,
        None,
    );
    // Spec 7.6.3: a federated user session without a session policy has only what resource
    // policies naming it grant.
    check(
        "federated, identity only",
        &set(&[(K::Identity, SEND_ANY)]),
        &get(FEDERATED),
        Decision::ImplicitDeny,
        Some(Reason::FederatedWithoutSessionPolicy),
    );
    check(
        "federated, named",
        &set(&[(K::Resource, &federated_rp)]),
        &get(FEDERATED),
        Decision::Allow,
        None,
    );
    check(
        "federated, session policy",
        &set(&[(K::Identity, SEND_ANY), (K::Session, SEND_ANY)]),
        &get(FEDERATED),
        Decision::Allow,
        None,
    );
    // Explicit deny in a boundary beats a direct grant.
    let deny = r#"{"Statement":{"Effect":"Deny","Action":"sqs:*","Resource":"*"}}"#;
    check(
        "boundary deny",
        &set(&[(K::Resource, &session_rp), (K::Boundary, deny)]),
        &get(SESSION),
        Decision::ExplicitDeny,
        Some(Reason::ExplicitDeny(PolicyType::Boundary)),
    );
}

/// Spec 7.3: every organization level needs an Allow; SCPs do not bind anonymous callers;
/// trust policies must grant even in the same account.
#[test]
fn whole_decision_levels_trust_and_anonymous() {
    let scp_deny = r#"{"Statement":{"Effect":"Deny","Action":"sqs:*","Resource":"*"}}"#;
    let mut s = set(&[
        (K::Identity, SEND_ANY),
        (K::Scp, ALLOW_ALL),
        (K::Scp, ALLOW_NOTHING),
    ]);
    check(
        "second level without allow",
        &s,
        &request("sqs:SendMessage", QUEUE, ALICE),
        Decision::ImplicitDeny,
        Some(Reason::NoAllowAtLevel(PolicyType::Scp, 1)),
    );
    s.scp[1].push(parse_kind("full.json", ALLOW_ALL, K::Scp).unwrap());
    check(
        "both levels allow",
        &s,
        &request("sqs:SendMessage", QUEUE, ALICE),
        Decision::Allow,
        None,
    );
    // Anonymous: a public queue policy grants; an SCP deny does not bind it.
    let public = queue_policy(r#""*""#);
    check(
        "anonymous, SCP deny",
        &set(&[(K::Resource, &public), (K::Scp, scp_deny)]),
        &request("sqs:SendMessage", QUEUE, "*"),
        Decision::Allow,
        None,
    );
    // Trust policy: the identity policy alone does not let alice assume the role.
    let role = "arn:aws:iam::111122223333:role/app";
    let assume = r#"{"Statement":{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}}"#;
    let trust_account = r#"{"Statement":{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"sts:AssumeRole"}}"#;
    let trust_other = r#"{"Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/carol"},"Action":"sts:AssumeRole"}}"#;
    let req = request("sts:AssumeRole", role, ALICE);
    check(
        "identity alone",
        &set(&[(K::Identity, assume), (K::Trust, trust_other)]),
        &req,
        Decision::ImplicitDeny,
        Some(Reason::NoAllow(PolicyType::Trust)),
    );
    check(
        "no trust policy given",
        &set(&[(K::Identity, assume)]),
        &req,
        Decision::ImplicitDeny,
        None,
    );
    check(
        "account trusted and identity allows",
        &set(&[(K::Identity, assume), (K::Trust, trust_account)]),
        &req,
        Decision::Allow,
        Some(Reason::AllowedByBoth(PolicyType::Trust)),
    );
}

/// Spec A14 (docs): `Deny` with `NotPrincipal` spares a caller only when its whole chain is
/// listed: account, then role (for a role or a session), then the session itself.
#[test]
fn whole_decision_not_principal_deny_needs_the_whole_chain() {
    let deny = |listed: &str| {
        format!(
            r#"{{"Statement":[{{"Effect":"Allow","Principal":"*","Action":"sqs:*","Resource":"*"}},{{"Effect":"Deny","NotPrincipal":{{"AWS":[{listed}]}},"Action":"sqs:*","Resource":"*"}}]}}"#
        )
    };
    let role = "arn:aws:iam::111122223333:role/dev";
    let account = r#""111122223333""#;
    let role_arn = format!(r#""{role}""#);
    let session = format!(r#""{SESSION}""#);
    let rows = [
        (role, vec![role_arn.as_str()], Decision::ExplicitDeny),
        (role, vec![account, role_arn.as_str()], Decision::Allow),
        (
            SESSION,
            vec![account, role_arn.as_str()],
            Decision::ExplicitDeny,
        ),
        (
            SESSION,
            vec![account, role_arn.as_str(), session.as_str()],
            Decision::Allow,
        ),
        (ALICE, vec![account], Decision::ExplicitDeny),
        (
            ALICE,
            vec![account, r#""arn:aws:iam::111122223333:user/alice""#],
            Decision::Allow,
        ),
    ];
    for (caller, listed, want) in rows {
        let text = deny(&listed.join(","));
        check(
            &format!("{caller} with {listed:?} listed"),
            &set(&[(K::Resource, &text)]),
            &request("sqs:SendMessage", QUEUE, caller),
            want,
            None,
        );
    }
}

/// Spec 3.4 (A5): short ARNs by policy type.
#[test]
fn whole_decision_short_arns_by_policy_type() {
    let short = |r: &str| {
        format!(r#"{{"Statement":{{"Effect":"Allow","Action":"sqs:*","Resource":"{r}"}}}}"#)
    };
    // Padded in identity policies.
    check(
        "identity short ARN",
        &set(&[(K::Identity, &short("arn:aws:sqs"))]),
        &request("sqs:SendMessage", QUEUE, ALICE),
        Decision::Allow,
        None,
    );
    // Never matches in a resource policy without `*`; padded with one.
    let rp = |r: &str| {
        format!(
            r#"{{"Statement":{{"Effect":"Allow","Principal":"*","Action":"sqs:*","Resource":"{r}"}}}}"#
        )
    };
    check(
        "resource policy short ARN",
        &set(&[(K::Resource, &rp("arn:aws:sqs"))]),
        &request("sqs:SendMessage", QUEUE, ALICE),
        Decision::ImplicitDeny,
        None,
    );
    check(
        "resource policy short ARN with *",
        &set(&[(K::Resource, &rp("arn:aws:sqs:*"))]),
        &request("sqs:SendMessage", QUEUE, ALICE),
        Decision::Allow,
        None,
    );
    // SCPs: only with a trailing `*`; RCPs: never.
    assert!(parse_kind("p.json", &short("arn:aws:sqs"), K::Scp)
        .unwrap_err()
        .contains("short ARN `arn:aws:sqs` in a service control policy"));
    assert!(parse_kind("p.json", &short("arn:aws:sqs:*"), K::Scp).is_ok());
    let rcp = r#"{"Statement":{"Effect":"Deny","Principal":"*","Action":"sqs:*","Resource":"arn:aws:sqs:*"}}"#;
    assert!(parse_kind("p.json", rcp, K::Rcp)
        .unwrap_err()
        .contains("short ARN `arn:aws:sqs:*` in a resource control policy"));
}

/// VPC endpoint policies are a ceiling on every caller (spec 7.2), with or without `Principal`;
/// RCPs bind anonymous callers too.
#[test]
fn whole_decision_endpoint_ceiling_and_rcp_on_anonymous() {
    let s3_only = r#"{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}"#;
    let deny_send = r#"{"Statement":{"Effect":"Deny","Principal":"*","Action":"sqs:SendMessage","Resource":"*"}}"#;
    let send = request("sqs:SendMessage", QUEUE, ALICE);
    check(
        "endpoint without the action",
        &set(&[(K::Identity, SEND_ANY), (K::Endpoint, s3_only)]),
        &send,
        Decision::ImplicitDeny,
        Some(Reason::NoAllow(PolicyType::Endpoint)),
    );
    check(
        "endpoint allowing everything",
        &set(&[(K::Identity, SEND_ANY), (K::Endpoint, ALLOW_ALL)]),
        &send,
        Decision::Allow,
        Some(Reason::AllowedBy(PolicyType::Identity)),
    );
    check(
        "endpoint deny",
        &set(&[
            (K::Identity, SEND_ANY),
            (K::Endpoint, ALLOW_ALL),
            (K::Endpoint, deny_send),
        ]),
        &send,
        Decision::ExplicitDeny,
        Some(Reason::ExplicitDeny(PolicyType::Endpoint)),
    );
    let public = queue_policy(r#""*""#);
    let rcp_deny = r#"{"Statement":{"Effect":"Deny","Principal":"*","Action":"sqs:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}}"#;
    let mut anonymous = request("sqs:SendMessage", QUEUE, "*");
    anonymous.context.insert(
        "aws:SecureTransport",
        iamc_runtime::Value::Single(iamc_runtime::Scalar::Bool(false)),
    );
    check(
        "RCP deny binds anonymous callers",
        &set(&[(K::Resource, &public), (K::Rcp, rcp_deny)]),
        &anonymous,
        Decision::ExplicitDeny,
        Some(Reason::ExplicitDeny(PolicyType::Rcp)),
    );
}

/// Every RCP level holds `RCPFullAWSAccess`, which cannot be detached (spec 7.3 step 2, revised
/// A21): a level of Denies alone denies only what its Denies say, never everything else.
#[test]
fn whole_decision_rcp_levels_act_through_their_denies_alone() {
    let rcp_deny = r#"{"Statement":{"Effect":"Deny","Principal":"*","Action":"sqs:DeleteQueue","Resource":"*"}}"#;
    let send = request("sqs:SendMessage", QUEUE, ALICE);
    let delete = request("sqs:DeleteQueue", QUEUE, ALICE);
    let deny_only = set(&[(K::Identity, ALLOW_ALL), (K::Rcp, rcp_deny)]);
    check(
        "a Deny-only RCP level does not deny what it does not name",
        &deny_only,
        &send,
        Decision::Allow,
        Some(Reason::AllowedBy(PolicyType::Identity)),
    );
    check(
        "a Deny-only RCP level denies what it names",
        &deny_only,
        &delete,
        Decision::ExplicitDeny,
        Some(Reason::ExplicitDeny(PolicyType::Rcp)),
    );
    let unrelated =
        r#"{"Statement":{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}}"#;
    check(
        "an RCP level whose Allow does not match still lets the request through",
        &set(&[
            (K::Identity, ALLOW_ALL),
            (K::Rcp, ALLOW_ALL_RCP),
            (K::Rcp, unrelated),
        ]),
        &send,
        Decision::Allow,
        Some(Reason::AllowedBy(PolicyType::Identity)),
    );
    check(
        "RCPs never grant",
        &set(&[(K::Rcp, ALLOW_ALL_RCP)]),
        &send,
        Decision::ImplicitDeny,
        None,
    );
}

const ALLOW_ALL_RCP: &str =
    r#"{"Statement":{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}}"#;
