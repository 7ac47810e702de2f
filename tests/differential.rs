//! Compiled engine versus reference interpreter: the ECS policies of the docs, and hand-written
//! edge cases of DESIGN.md "Semantics both engines implement". Same decision and same matched
//! statements (policy, index, Sid, effect, in policy order), through the artifact byte format.

use iamc::reference::PolicySet;
use iamc_runtime::{Request, Scalar, Value};

use iamc_testkit::cases::decisions;
use iamc_testkit::corpus::{assert_agree, compile, derive_requests};
use iamc_testkit::data;

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

/// The edge cases of `tests/data/cases/edge-cases.toml`: every engine gives each listed
/// decision, and agrees with the others on requests derived from each set's own patterns.
#[test]
fn edge_cases_agree_with_the_reference_and_the_design() {
    let sets = decisions::read("edge-cases");
    let failures = decisions::check(&sets, &iamc_testkit::engines());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    for (ci, set) in sets.iter().enumerate() {
        let policies = set.policies.as_ref().unwrap().identity.clone();
        let artifact = compile(&policies);
        let reference = PolicySet::new(policies.clone());
        let mut more = derive_requests(&policies, 100, 200, &format!("case{ci}"));
        more.push(Request::new("nocolon", "*"));
        assert_agree(
            &format!("{} derived", set.name),
            &artifact,
            &reference,
            &more,
        );
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
