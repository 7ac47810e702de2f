//! Compiled engine versus reference interpreter: the ECS policies of the docs, and hand-written
//! edge cases of DESIGN.md "Semantics both engines implement". Same decision and same matched
//! statements (policy, index, Sid, effect, in policy order), through the artifact byte format.

use iamc::reference::PolicySet;
use iamc_runtime::{Decision, Request, Scalar, Value};

use iamc_testkit::corpus::{assert_agree, compile, derive_requests};
use iamc_testkit::data::{self, parse_identity};

/// Requests an ECS user sends: the docs' actions and ARN formats, with and without tags and MFA.
fn ecs_requests() -> Vec<Request> {
    let actions = [
        "ecs:RunTask",
        "ecs:StopTask",
        "ecs:DescribeClusters",
        "ecs:ListClusters",
        "ecs:DeleteCluster",
        "ecs:CreateService",
        "ecs:UpdateService",
        "ecs:TagResource",
        "ecs:StartTelemetrySession",
        "ECS:describetasks",
        "ec2:DescribeInstances",
        "ec2:AuthorizeSecurityGroupIngress",
        "iam:PassRole",
        "iam:CreateServiceLinkedRole",
        "logs:CreateLogStream",
        "logs:PutLogEvents",
        "ecr:GetAuthorizationToken",
        "ecr:BatchGetImage",
        "elasticloadbalancing:RegisterTargets",
        "application-autoscaling:RegisterScalableTarget",
        "cloudwatch:PutMetricAlarm",
        "servicediscovery:CreateService",
        "route53:CreateHostedZone",
        "ssm:GetParameters",
        "secretsmanager:GetSecretValue",
        "kms:Decrypt",
        "events:PutRule",
        "s3:GetObject",
        "autoscaling:UpdateAutoScalingGroup",
        "ec2:CreateTags",
        "sns:Publish",
    ];
    let resources = [
        "*",
        "arn:aws:ecs:us-east-1:111122223333:cluster/prod",
        "arn:aws:ecs:us-east-1:111122223333:task/prod/4b0c1d7e",
        "arn:aws:ecs:us-east-1:111122223333:service/prod/api",
        "arn:aws:ecs:us-east-1:111122223333:task-definition/web:3",
        "arn:aws:ecs:region:account_id:cluster/cluster_name",
        "arn:aws:iam::111122223333:role/ecsTaskExecutionRole",
        "arn:aws:iam::111122223333:role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS",
        "arn:aws:logs:us-east-1:111122223333:log-group:/ecs/web:log-stream:x",
        "arn:aws:ec2:us-east-1:111122223333:instance/i-0123",
        "arn:aws:ec2:us-east-1:111122223333:volume/vol-1",
        "arn:aws:ssm:us-east-1:111122223333:parameter/x",
        "arn:aws:secretsmanager:us-east-1:111122223333:secret:db-AbCdEf",
        "arn:aws:s3:::bucket/key",
    ];
    let mut out = Vec::new();
    for (i, a) in actions.iter().enumerate() {
        for (j, r) in resources.iter().enumerate() {
            let mut req = Request::new(*a, *r);
            if (i + j) % 3 == 0 {
                req = req
                    .with_context(
                        "aws:MultiFactorAuthPresent",
                        Value::Single(Scalar::Bool(true)),
                    )
                    .with_context(
                        "ecs:ResourceTag/Department",
                        Value::Single(Scalar::String("Accounting".into())),
                    )
                    .with_context(
                        "aws:PrincipalTag/Department",
                        Value::Single(Scalar::String("Accounting".into())),
                    )
                    .with_context(
                        "ecs:cluster",
                        Value::Single(Scalar::String(
                            "arn:aws:ecs:region:account_id:cluster/cluster_name".into(),
                        )),
                    )
                    .with_context(
                        "iam:PassedToService",
                        Value::Single(Scalar::String("ecs-tasks.amazonaws.com".into())),
                    );
            } else if (i + j) % 3 == 1 {
                req = req.with_context(
                    "aws:MultiFactorAuthPresent",
                    Value::Single(Scalar::Bool(false)),
                );
            }
            out.push(req);
        }
    }
    out
}

#[test]
fn ecs_set_agrees_with_the_reference() {
    let policies = data::policies("ecs");
    assert_eq!(policies.len(), 10);
    let artifact = compile(&policies);
    let mut reqs = ecs_requests();
    reqs.extend(derive_requests(&policies, 400, 800, "ecs"));
    let reference = PolicySet::new(policies);
    let t = assert_agree("ecs", &artifact, &reference, &reqs);
    assert!(t.total() >= 800);
    // Sanity: the requests are not all decided alike (the ECS set has no Deny statement).
    let decisions: std::collections::BTreeSet<_> = reqs
        .iter()
        .map(|r| artifact.authorize(r).as_str())
        .collect();
    assert!(
        decisions.contains("Allow") && decisions.contains("ImplicitDeny"),
        "{decisions:?}"
    );
}

/// One request row: action, resource, context (string values), expected decision.
type Row = (
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str)],
    Decision,
);

/// (policy JSON, requests with the expected decision); every row also agrees with the reference.
struct Case {
    policies: &'static [&'static str],
    requests: &'static [Row],
}

const ALLOW: Decision = Decision::Allow;
const DENY: Decision = Decision::ExplicitDeny;
const NONE: Decision = Decision::ImplicitDeny;

const CASES: &[Case] = &[
    // Actions: case, `?` = one scalar value, `*` inside names, NotAction across services.
    Case {
        policies: &[r#"{"Version":"2012-10-17","Statement":[
            {"Effect":"Allow","Action":["ECS:Describe*","s3:Get?bject","sagemaker:*Job*","sagemaker:*Model"],"Resource":"*"},
            {"Effect":"Deny","NotAction":["ecs:Describe*","ecs:List*","s3:*","sagemaker:*Job*"],"Resource":"*"}]}"#],
        requests: &[
            ("ecs:describeclusters", "*", &[], ALLOW),
            ("s3:GetObject", "*", &[], ALLOW),
            ("s3:Getébject", "*", &[], ALLOW),
            ("s3:Getbject", "*", &[], NONE),
            ("sagemaker:CreateTrainingJob", "*", &[], ALLOW),
            ("sagemaker:DescribeJobQueue", "*", &[], ALLOW),
            ("sagemaker:CreateModel", "*", &[], DENY),
            ("ec2:RunInstances", "*", &[], DENY),
            ("ſ3:GetObject", "*", &[], DENY),
        ],
    },
    // Resources: field-wise wildcards, short ARNs, `*` request, NotResource, case.
    Case {
        policies: &[r#"{"Version":"2012-10-17","Statement":[
            {"Sid":"A","Effect":"Allow","Action":"ecs:A","Resource":"arn:aws:ecs:us-east-?:*:cluster/*"},
            {"Sid":"B","Effect":"Allow","Action":"ecs:B","Resource":"arn:aws:ecs"},
            {"Sid":"C","Effect":"Allow","Action":"ecs:C","Resource":"arn:aws:ecs:*:*:task-definition/web:?"},
            {"Sid":"D","Effect":"Allow","Action":"ecs:D","Resource":["arn:a*s:ecs:r:1:x","arn:aws:logs:*:*:log-group:RDS*:log-stream:*"]},
            {"Sid":"E","Effect":"Allow","Action":"ecs:E","Resource":"arn:aws:s3:::bkt/*/test/*"},
            {"Sid":"F","Effect":"Allow","Action":"ecs:F","NotResource":"arn:aws:s3:::secret"},
            {"Sid":"G","Effect":"Allow","Action":"ecs:G","Resource":"arn:aws:iam::*:role/x"}]}"#],
        requests: &[
            ("ecs:A", "arn:aws:ecs:us-east-2:1:cluster/x", &[], ALLOW),
            ("ecs:A", "arn:aws:ecs:us-west-2:1:cluster/x", &[], NONE),
            ("ecs:A", "*", &[], NONE),
            ("ecs:B", "arn:aws:ecs:us-east-1:1:cluster/Prod", &[], ALLOW),
            ("ecs:B", "*", &[], NONE),
            ("ecs:C", "arn:aws:ecs:r:1:task-definition/web:3", &[], ALLOW),
            ("ecs:C", "arn:aws:ecs:r:1:task-definition/web:12", &[], NONE),
            ("ecs:D", "arn:aws:ecs:r:1:x", &[], ALLOW),
            ("ecs:D", "arn:a:b:s:ecs:r:1:x", &[], NONE),
            (
                "ecs:D",
                "arn:aws:logs:r:1:log-group:RDSx:log-stream:s",
                &[],
                ALLOW,
            ),
            ("ecs:D", "arn:aws:logs:r:1:log-group:RDSx", &[], NONE),
            ("ecs:E", "arn:aws:s3:::bkt/1/2/test/3/x.jpg", &[], ALLOW),
            ("ecs:E", "arn:aws:s3:::bkt/test/x", &[], NONE),
            ("ecs:F", "*", &[], ALLOW),
            ("ecs:F", "arn:aws:s3:::secret", &[], NONE),
            ("ecs:G", "arn:aws:iam::1:role/x", &[], ALLOW),
            ("ecs:G", "arn:aws:iam::1:a:role/x", &[], ALLOW),
            ("ecs:G", "arn:aws:iam::1:role/X", &[], NONE),
        ],
    },
    // Policy variables: defaults, empty values, multi-valued keys, unresolved in NotResource,
    // Version 2008 literal text.
    Case {
        policies: &[
            r#"{"Version":"2012-10-17","Statement":[
                {"Effect":"Allow","Action":"ecs:A","Resource":"arn:aws:ecs:*:*:service/${aws:PrincipalTag/team}-*/*"},
                {"Effect":"Allow","Action":"ecs:B","Resource":"arn:aws:ecs:*:*:cluster/${aws:PrincipalTag/team, 'shared'}"},
                {"Effect":"Deny","Action":"ecs:C","NotResource":"arn:aws:ecs:*:*:cluster/${aws:username}"},
                {"Effect":"Allow","Action":"ecs:C","Resource":"*"}]}"#,
            r#"{"Version":"2008-10-17","Statement":[
                {"Effect":"Allow","Action":"ecs:D","Resource":"arn:aws:ecs:r:1:cluster/${aws:username}"}]}"#,
        ],
        requests: &[
            (
                "ecs:A",
                "arn:aws:ecs:r:1:service/payments-prod/api",
                &[("aws:PrincipalTag/team", "payments")],
                ALLOW,
            ),
            (
                "ecs:A",
                "arn:aws:ecs:r:1:service/payments-prod/api",
                &[("aws:PrincipalTag/team", "risk")],
                NONE,
            ),
            (
                "ecs:A",
                "arn:aws:ecs:r:1:service/payments-prod/api",
                &[("aws:PrincipalTag/team", "pay*")],
                NONE,
            ),
            (
                "ecs:A",
                "arn:aws:ecs:r:1:service/payments-prod/api",
                &[],
                NONE,
            ),
            ("ecs:B", "arn:aws:ecs:r:1:cluster/shared", &[], ALLOW),
            (
                "ecs:B",
                "arn:aws:ecs:r:1:cluster/shared",
                &[("aws:PrincipalTag/team", "")],
                ALLOW,
            ),
            (
                "ecs:B",
                "arn:aws:ecs:r:1:cluster/shared",
                &[("aws:PrincipalTag/team", "x")],
                NONE,
            ),
            ("ecs:C", "arn:aws:ecs:r:1:cluster/bob", &[], DENY),
            (
                "ecs:C",
                "arn:aws:ecs:r:1:cluster/bob",
                &[("aws:username", "bob")],
                ALLOW,
            ),
            (
                "ecs:D",
                "arn:aws:ecs:r:1:cluster/${aws:username}",
                &[],
                ALLOW,
            ),
            (
                "ecs:D",
                "arn:aws:ecs:r:1:cluster/bob",
                &[("aws:username", "bob")],
                NONE,
            ),
        ],
    },
    // Conditions through the compiled path (values and decisions from the reference).
    Case {
        policies: &[r#"{"Version":"2012-10-17","Statement":[
            {"Effect":"Allow","Action":"ecs:*","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"${aws:username}"}}},
            {"Effect":"Deny","Action":"ecs:DeleteCluster","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"false"}}}]}"#],
        requests: &[
            (
                "ecs:RunTask",
                "*",
                &[("aws:PrincipalTag/team", "a"), ("aws:username", "a")],
                ALLOW,
            ),
            (
                "ecs:RunTask",
                "*",
                &[("aws:PrincipalTag/team", "a"), ("aws:username", "b")],
                NONE,
            ),
            (
                "ecs:DeleteCluster",
                "*",
                &[
                    ("aws:PrincipalTag/team", "a"),
                    ("aws:username", "a"),
                    ("aws:MultiFactorAuthPresent", "false"),
                ],
                DENY,
            ),
            (
                "ecs:DeleteCluster",
                "*",
                &[
                    ("aws:PrincipalTag/team", "a"),
                    ("aws:username", "a"),
                    ("aws:MultiFactorAuthPresent", "true"),
                ],
                ALLOW,
            ),
        ],
    },
    // A `StringLike` list and an `ArnLike` list whose glob texts print alike (a literal `!`
    // after a `*` read like the no-colon star `*!`) are different languages: each gets its own
    // condition DFA. Compiled engines before the IR layer shared one, so the Deny on `s:E`
    // did not apply (a grant).
    Case {
        policies: &[r#"{"Version":"2012-10-17","Statement":[
            {"Effect":"Allow","Action":"s:*","Resource":"*"},
            {"Effect":"Deny","Action":"s:D","Resource":"*","Condition":{"StringLike":{"d":"arn:*!:b:c:d:e"}}},
            {"Effect":"Deny","Action":"s:E","Resource":"*","Condition":{"ArnLike":{"e":"arn:*:b:c:d:e"}}}]}"#],
        requests: &[
            ("s:E", "*", &[("e", "arn:x:b:c:d:e")], DENY),
            ("s:E", "*", &[("e", "arn:q:r:b:c:d:e")], ALLOW),
            ("s:D", "*", &[("d", "arn:q:r!:b:c:d:e")], DENY),
            ("s:D", "*", &[("d", "arn:x:b:c:d:e")], ALLOW),
        ],
    },
];

#[test]
fn edge_cases_agree_with_the_reference_and_the_design() {
    for (ci, case) in CASES.iter().enumerate() {
        let policies: Vec<_> = case
            .policies
            .iter()
            .enumerate()
            .map(|(i, json)| parse_identity(&format!("case{ci}-{i}.json"), json).unwrap())
            .collect();
        let artifact = compile(&policies);
        let reference = PolicySet::new(policies.clone());
        let reqs: Vec<Request> = case
            .requests
            .iter()
            .map(|(a, r, ctx, _)| {
                let mut req = Request::new(*a, *r);
                for (k, v) in *ctx {
                    req.context
                        .insert(k, Value::Single(Scalar::String((*v).into())));
                }
                req
            })
            .collect();
        assert_agree(&format!("case {ci}"), &artifact, &reference, &reqs);
        for (req, (_, _, _, want)) in reqs.iter().zip(case.requests) {
            assert_eq!(
                artifact.authorize(req),
                *want,
                "case {ci}: {} on {}",
                req.action,
                req.resource
            );
        }
        let mut more = derive_requests(&policies, 100, 200, &format!("case{ci}"));
        more.push(Request::new("nocolon", "*"));
        assert_agree(&format!("case {ci} derived"), &artifact, &reference, &more);
    }
}

#[test]
fn tiny_size_limits_split_the_automata_and_still_agree() {
    let policies = data::policies("ecs");
    let config = iamc_compiler::Config {
        dfa_size_limit: 24 << 10,
        determinize_size_limit: 24 << 10,
        ..iamc_compiler::Config::default()
    };
    let (bytes, stats) = iamc_compiler::compile_with_stats(&policies, &config).unwrap();
    assert!(stats.action_shards > 1, "{stats:?}");
    let artifact = iamc_runtime::Artifact::from_bytes(&bytes).unwrap();
    let mut reqs = ecs_requests();
    reqs.extend(derive_requests(&policies, 200, 400, "ecs-small"));
    assert_agree(
        "ecs, small automata",
        &artifact,
        &PolicySet::new(policies),
        &reqs,
    );
}
