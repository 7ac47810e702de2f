//! Every worked example of the semantics spec (sections 1.4, 2.1, 3.3, 3.6, 4.1 where
//! identity-only, 5.13, 6.1, 8.5) and every tricky case of its section 11, as data rows run
//! against every engine of [`iamc_testkit::engines`].
//!
//! A row is policy texts, one request, and the expected decision (or `Rejected`: the first
//! policy must fail validation). Rows of section 11 that need other policy types are checked
//! for the part an identity-only evaluation decides, or listed in [`NEEDS_ISSUE_6`].

use iamc_runtime::Decision;

use iamc_testkit::data::parse_identity;
use iamc_testkit::engines;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    Allow,
    ExplicitDeny,
    ImplicitDeny,
    /// The first policy is invalid; the request is not used.
    Rejected,
}

struct Case {
    id: &'static str,
    /// Where the spec states the case, and any note on how it is checked.
    section: &'static str,
    policies: &'static [&'static str],
    request: &'static str,
    expect: Expect,
}

use Expect::{Allow, ExplicitDeny, ImplicitDeny, Rejected};

/// Section 11 cases that only a whole-decision evaluation (boundaries, SCPs, resource policies:
/// issue 6) can check, with the reason. Everything else of section 11 has a row.
const NEEDS_ISSUE_6: &[(&str, &str)] = &[
    ("11.40", "the caller's role is named by an SQS queue policy and capped by its boundary: needs resource policies and boundaries"),
];

const CASES: &[Case] = &[
    // ---- 1.4 ----
    Case { id: "1.4a", section: "1.4 no Version, single statement object", policies: &[r#"{"Statement": {"Effect": "Allow", "Action": "ecs:ListClusters", "Resource": "*"}}"#], request: r#"{"action":"ecs:ListClusters"}"#, expect: Allow },
    Case { id: "1.4b", section: "1.4 Effect is case-sensitive", policies: &[r#"{"Version": "2012-10-17", "Statement": [{"Effect": "allow", "Action": "ecs:ListClusters", "Resource": "*"}]}"#], request: "", expect: Rejected },
    Case { id: "1.4c", section: "1.4 Action with NotAction", policies: &[r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "ecs:*", "NotAction": "ecs:Describe*", "Resource": "*"}]}"#], request: "", expect: Rejected },
    Case { id: "1.4d", section: "1.4 condition keys differing only in case", policies: &[r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ecs:RunTask", "Resource": "*",
  "Condition": {"ArnEquals": {"ecs:cluster": "arn:aws:ecs:us-east-1:111122223333:cluster/prod",
                               "ECS:CLUSTER": "arn:aws:ecs:us-east-1:111122223333:cluster/prod"}}}]}"#], request: "", expect: Rejected },
    // ---- 2.1 ----
    Case { id: "2.1a", section: "2.1 ecs:Describe*", policies: &[r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"ecs:Describe*","Resource":"*"}}"#], request: r#"{"action":"ecs:DescribeServices"}"#, expect: Allow },
    Case { id: "2.1b", section: "2.1 ecs:Describe*", policies: &[r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"ecs:Describe*","Resource":"*"}}"#], request: r#"{"action":"ecs:ListServices"}"#, expect: ImplicitDeny },
    Case { id: "2.1c", section: "2.1 ecs:*Task*", policies: &[r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"ecs:*Task*","Resource":"*"}}"#], request: r#"{"action":"ecs:RunTask"}"#, expect: Allow },
    Case { id: "2.1d", section: "2.1 ecs:*Task*", policies: &[r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"ecs:*Task*","Resource":"*"}}"#], request: r#"{"action":"ecs:DescribeTasks"}"#, expect: Allow },
    Case { id: "2.1e", section: "2.1 ecs:*Task*", policies: &[r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"ecs:*Task*","Resource":"*"}}"#], request: r#"{"action":"ecs:ListTaskDefinitions"}"#, expect: Allow },
    Case { id: "2.1f", section: "2.1 `?` is one character", policies: &[r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"ecs:Describe?lusters","Resource":"*"}}"#], request: r#"{"action":"ecs:DescribeClusters"}"#, expect: Allow },
    Case { id: "2.1g", section: "2.1 case-insensitive", policies: &[r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"ECS:runtask","Resource":"*"}}"#], request: r#"{"action":"ecs:RunTask"}"#, expect: Allow },
    Case { id: "2.1h", section: "2.1 lone *", policies: &[r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#], request: r#"{"action":"iam:CreateUser"}"#, expect: Allow },
    Case { id: "2.1i", section: "2.1 trailing space", policies: &[r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"ecs:RunTask ","Resource":"*"}}"#], request: r#"{"action":"ecs:RunTask"}"#, expect: ImplicitDeny },
    Case { id: "2.1j", section: "2.1 Deny NotAction + Allow ecs:*", policies: &[DENY_NOT_DESCRIBE_LIST], request: r#"{"action":"ecs:DescribeClusters"}"#, expect: Allow },
    Case { id: "2.1k", section: "2.1 Deny NotAction + Allow ecs:*", policies: &[DENY_NOT_DESCRIBE_LIST], request: r#"{"action":"ecs:RunTask"}"#, expect: ExplicitDeny },
    Case { id: "2.1l", section: "2.1 NotAction covers all services", policies: &[DENY_NOT_DESCRIBE_LIST], request: r#"{"action":"s3:ListBucket"}"#, expect: ExplicitDeny },
    // ---- 3.3 ----
    Case { id: "3.3.2a", section: "3.3.2 `*` crosses `/`", policies: &[BKT_TEST], request: r#"{"action":"s3:GetObject","resource":"arn:aws:s3:::bkt/1/2/test/3/x.jpg"}"#, expect: Allow },
    Case { id: "3.3.2b", section: "3.3.2", policies: &[BKT_TEST], request: r#"{"action":"s3:GetObject","resource":"arn:aws:s3:::bkt//test/x"}"#, expect: Allow },
    Case { id: "3.3.2c", section: "3.3.2", policies: &[BKT_TEST], request: r#"{"action":"s3:GetObject","resource":"arn:aws:s3:::bkt/1/test/"}"#, expect: Allow },
    Case { id: "3.3.2d", section: "3.3.2", policies: &[BKT_TEST], request: r#"{"action":"s3:GetObject","resource":"arn:aws:s3:::bkt/1-test/x"}"#, expect: ImplicitDeny },
    Case { id: "3.3.2e", section: "3.3.2", policies: &[BKT_TEST], request: r#"{"action":"s3:GetObject","resource":"arn:aws:s3:::bkt/test/x"}"#, expect: ImplicitDeny },
    Case { id: "3.3.3", section: "3.3.3 `*` in field 6 crosses `:`", policies: &[r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"logs:*","Resource":"arn:aws:logs:us-east-1:111122223333:log-group:*"}}"#], request: r#"{"action":"logs:PutLogEvents","resource":"arn:aws:logs:us-east-1:111122223333:log-group:g:log-stream:s"}"#, expect: Allow },
    // ---- 3.6 ----
    Case { id: "3.6a", section: "3.6", policies: &[r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"ecs:*","Resource":"arn:aws:ecs:*:111122223333:service/prod/*"}}"#], request: r#"{"action":"ecs:UpdateService","resource":"arn:aws:ecs:eu-west-1:111122223333:service/prod/api"}"#, expect: Allow },
    Case { id: "3.6b", section: "3.6 old ARN format", policies: &[r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"ecs:*","Resource":"arn:aws:ecs:*:111122223333:service/prod/*"}}"#], request: r#"{"action":"ecs:UpdateService","resource":"arn:aws:ecs:eu-west-1:111122223333:service/api"}"#, expect: ImplicitDeny },
    Case { id: "3.6c", section: "3.6 `?` in the region field", policies: &[r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"ecs:*","Resource":"arn:aws:ecs:us-east-?:*:cluster/*"}}"#], request: r#"{"action":"ecs:DescribeClusters","resource":"arn:aws:ecs:us-east-2:111122223333:cluster/x"}"#, expect: Allow },
    Case { id: "3.6d", section: "3.6", policies: &[r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"ecs:*","Resource":"arn:aws:ecs:us-east-?:*:cluster/*"}}"#], request: r#"{"action":"ecs:DescribeClusters","resource":"arn:aws:ecs:us-west-2:111122223333:cluster/x"}"#, expect: ImplicitDeny },
    Case { id: "3.6e", section: "3.6", policies: &[r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"ecs:*","Resource":"arn:aws:ecs:*:*:task-definition/web:?"}}"#], request: r#"{"action":"ecs:RunTask","resource":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:3"}"#, expect: Allow },
    Case { id: "3.6f", section: "3.6 `?` is one character", policies: &[r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"ecs:*","Resource":"arn:aws:ecs:*:*:task-definition/web:?"}}"#], request: r#"{"action":"ecs:RunTask","resource":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:12"}"#, expect: ImplicitDeny },
    Case { id: "3.6g", section: "3.6 revision is part of the ARN", policies: &[r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"ecs:*","Resource":"arn:aws:ecs:*:*:task-definition/web"}}"#], request: r#"{"action":"ecs:RunTask","resource":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:3"}"#, expect: ImplicitDeny },
    Case { id: "3.6h", section: "3.6", policies: &[ECS_ANY_ARN], request: r#"{"action":"ecs:DescribeClusters","resource":"arn:aws:ecs:us-east-1:111122223333:cluster/prod"}"#, expect: Allow },
    Case { id: "3.6i", section: "3.6 only `*` matches the `*` request", policies: &[ECS_ANY_ARN], request: r#"{"action":"ecs:ListClusters","resource":"*"}"#, expect: ImplicitDeny },
    Case { id: "3.6j", section: "3.6", policies: &[r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"ecs:*","Resource":"*"}}"#], request: r#"{"action":"ecs:ListClusters","resource":"*"}"#, expect: Allow },
    Case { id: "3.6k", section: "3.6 case-sensitive", policies: &[r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"ecs:*","Resource":"arn:aws:ecs:*:*:cluster/Prod"}}"#], request: r#"{"action":"ecs:DescribeClusters","resource":"arn:aws:ecs:us-east-1:111122223333:cluster/prod"}"#, expect: ImplicitDeny },
    // ---- 4.1, identity-only parts (the queue policies need issue 6) ----
    Case { id: "4.1c", section: "4.1 row 3: the identity policy alone allows", policies: &[r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"sqs:SendMessage","Resource":"arn:aws:sqs:us-east-1:111122223333:q1"}}"#], request: r#"{"action":"sqs:SendMessage","resource":"arn:aws:sqs:us-east-1:111122223333:q1"}"#, expect: Allow },
    Case { id: "4.1b", section: "4.1 row 2: no identity policy, identity path denies", policies: &[], request: r#"{"action":"sqs:SendMessage","resource":"arn:aws:sqs:us-east-1:111122223333:q1"}"#, expect: ImplicitDeny },
    Case { id: "4.1f", section: "4.1 row 6: bob's identity policy allows on `*`", policies: &[r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"sqs:SendMessage","Resource":"*"}}"#], request: r#"{"action":"sqs:SendMessage","resource":"arn:aws:sqs:us-east-1:111122223333:q1"}"#, expect: Allow },
    Case { id: "4.1x", section: "1.2/4 Principal is prohibited in an identity policy", policies: &[r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/alice"},"Action":"sqs:SendMessage","Resource":"*"}}"#], request: "", expect: Rejected },
    // ---- 5.13 ----
    Case { id: "5.13a", section: "5.13 table 1", policies: &[RUN_TASK_CONDS], request: r#"{"action":"ecs:RunTask","context":{"aws:ResourceTag/env":"test","aws:PrincipalTag/team":"payments","ecs:cluster":"arn:aws:ecs:us-east-1:111122223333:cluster/dev-a"}}"#, expect: Allow },
    Case { id: "5.13b", section: "5.13 table 1: second key fails", policies: &[RUN_TASK_CONDS], request: r#"{"action":"ecs:RunTask","context":{"aws:ResourceTag/env":"test","aws:PrincipalTag/team":"risk","ecs:cluster":"arn:aws:ecs:us-east-1:111122223333:cluster/dev-a"}}"#, expect: ImplicitDeny },
    Case { id: "5.13c", section: "5.13 table 1: second operator fails", policies: &[RUN_TASK_CONDS], request: r#"{"action":"ecs:RunTask","context":{"aws:ResourceTag/env":"dev","aws:PrincipalTag/team":"payments","ecs:cluster":"arn:aws:ecs:us-east-1:111122223333:cluster/prod"}}"#, expect: ImplicitDeny },
    Case { id: "5.13d", section: "5.13 table 1: env absent", policies: &[RUN_TASK_CONDS], request: r#"{"action":"ecs:RunTask","context":{"aws:PrincipalTag/team":"payments","ecs:cluster":"arn:aws:ecs:us-east-1:111122223333:cluster/dev-a"}}"#, expect: ImplicitDeny },
    Case { id: "5.13e", section: "5.13 table 2", policies: &[DENY_SUBNETS], request: r#"{"action":"ecs:CreateService","context":{"ecs:subnet":["subnet-0c1"]}}"#, expect: ExplicitDeny },
    Case { id: "5.13f", section: "5.13 table 2: one value fails the per-value test", policies: &[DENY_SUBNETS], request: r#"{"action":"ecs:CreateService","context":{"ecs:subnet":["subnet-0a1","subnet-0c1"]}}"#, expect: ImplicitDeny },
    Case { id: "5.13g", section: "5.13 table 2: ForAllValues on an absent key", policies: &[DENY_SUBNETS], request: r#"{"action":"ecs:CreateService"}"#, expect: ExplicitDeny },
    // ---- 6.1 ----
    Case { id: "6.1a", section: "6.1", policies: &[TEAM_SERVICES], request: r#"{"action":"ecs:UpdateService","resource":"arn:aws:ecs:us-east-1:111122223333:service/payments-prod/api","context":{"aws:PrincipalTag/team":"payments"}}"#, expect: Allow },
    Case { id: "6.1b", section: "6.1", policies: &[TEAM_SERVICES], request: r#"{"action":"ecs:UpdateService","resource":"arn:aws:ecs:us-east-1:111122223333:service/risk-prod/api","context":{"aws:PrincipalTag/team":"payments"}}"#, expect: ImplicitDeny },
    Case { id: "6.1c", section: "6.1 unresolved entry", policies: &[TEAM_SERVICES], request: r#"{"action":"ecs:UpdateService","resource":"arn:aws:ecs:us-east-1:111122223333:service/payments-prod/api"}"#, expect: ImplicitDeny },
    Case { id: "6.1d", section: "6.1 variables are literal under 2008-10-17", policies: &[r#"{"Version":"2008-10-17","Statement":{"Effect":"Allow","Action":"ecs:UpdateService","Resource":"arn:aws:ecs:*:*:service/${aws:PrincipalTag/team}-*/*"}}"#], request: r#"{"action":"ecs:UpdateService","resource":"arn:aws:ecs:us-east-1:111122223333:service/payments-prod/api","context":{"aws:PrincipalTag/team":"payments"}}"#, expect: ImplicitDeny },
    Case { id: "6.1e", section: "6.1 default", policies: &[SHARED_DEFAULT], request: r#"{"action":"ecs:DescribeClusters","resource":"arn:aws:ecs:us-east-1:111122223333:cluster/shared"}"#, expect: Allow },
    Case { id: "6.1f", section: "6.1 default: only cluster/shared", policies: &[SHARED_DEFAULT], request: r#"{"action":"ecs:DescribeClusters","resource":"arn:aws:ecs:us-east-1:111122223333:cluster/other"}"#, expect: ImplicitDeny },
    // ---- 8.5 ----
    Case { id: "8.5a", section: "8.5 task-cpu absent", policies: &[ECS_DEV], request: r#"{"action":"ecs:RunTask","resource":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:7","context":{"ecs:cluster":"arn:aws:ecs:us-east-1:111122223333:cluster/dev"}}"#, expect: ImplicitDeny },
    Case { id: "8.5b", section: "8.5", policies: &[ECS_DEV], request: r#"{"action":"ecs:RunTask","resource":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:7","context":{"ecs:cluster":"arn:aws:ecs:us-east-1:111122223333:cluster/dev","ecs:task-cpu":512}}"#, expect: Allow },
    Case { id: "8.5c", section: "8.5 cluster condition", policies: &[ECS_DEV], request: r#"{"action":"ecs:RunTask","resource":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:7","context":{"ecs:cluster":"arn:aws:ecs:us-east-1:111122223333:cluster/prod","ecs:task-cpu":512}}"#, expect: ImplicitDeny },
    Case { id: "8.5d", section: "8.5", policies: &[ECS_DEV], request: r#"{"action":"ecs:StopTask","resource":"arn:aws:ecs:us-east-1:111122223333:task/dev/abc123"}"#, expect: Allow },
    Case { id: "8.5e", section: "8.5 old ARN format", policies: &[ECS_DEV], request: r#"{"action":"ecs:StopTask","resource":"arn:aws:ecs:us-east-1:111122223333:task/abc123"}"#, expect: ImplicitDeny },
    Case { id: "8.5f", section: "8.5", policies: &[ECS_DEV], request: r#"{"action":"ecs:ListClusters"}"#, expect: Allow },
    // ---- 11 ----
    Case { id: "11.1", section: "11 #1", policies: &[r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"ECS:describeclusters","Resource":"*"}}"#], request: CL_DESCRIBE, expect: Allow },
    Case { id: "11.2", section: "11 #2 wildcard in the service prefix", policies: &[r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*:Describe*","Resource":"*"}}"#], request: "", expect: Rejected },
    Case { id: "11.3", section: "11 #3 comma is literal", policies: &[r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"ecs:DescribeClusters,ListClusters","Resource":"*"}}"#], request: r#"{"action":"ecs:DescribeClusters"}"#, expect: ImplicitDeny },
    Case { id: "11.4", section: "11 #4", policies: &[r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","NotAction":"ecs:DeleteCluster","Resource":"arn:aws:ecs:*:*:cluster/*"}}"#], request: r#"{"action":"ecs:ListClusters","resource":"*"}"#, expect: ImplicitDeny },
    Case { id: "11.5a", section: "11 #5 MFA key absent", policies: &[ALLOW_ALL, DENY_NO_MFA], request: r#"{"action":"ecs:RunTask","resource":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:3"}"#, expect: ExplicitDeny },
    Case { id: "11.5b", section: "11 #5 iam:* excluded", policies: &[ALLOW_ALL, DENY_NO_MFA], request: r#"{"action":"iam:GetUser","resource":"arn:aws:iam::111122223333:user/alice"}"#, expect: Allow },
    Case { id: "11.6", section: "11 #6", policies: &[r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"ecs:DescribeClusters","Resource":"arn:aws:ecs:us-east-1:111122223333:*"}}"#], request: CL_DESCRIBE, expect: Allow },
    Case { id: "11.7", section: "11 #7", policies: &[r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"ecs:RunTask","Resource":"arn:aws:ecs:us-east-1:111122223333:task-definition/web"}}"#], request: r#"{"action":"ecs:RunTask","resource":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:3"}"#, expect: ImplicitDeny },
    Case { id: "11.8", section: "11 #8", policies: &[r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"ecs:RunTask","Resource":"arn:aws:ecs:us-east-1:111122223333:task-definition/*"}}"#], request: r#"{"action":"ecs:RunTask","resource":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:3"}"#, expect: Allow },
    Case { id: "11.9", section: "11 #9 empty service field", policies: &[r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws::s3:*"}}"#], request: r#"{"action":"s3:GetObject","resource":"arn:aws:s3:::b/k"}"#, expect: ImplicitDeny },
    Case { id: "11.10", section: "11 #10", policies: &[r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"ecs:DescribeClusters","Resource":"arn:aws:ecs:us-east-1:111122223333:cluster/Prod"}}"#], request: CL_DESCRIBE, expect: ImplicitDeny },
    Case { id: "11.11", section: "11 #11", policies: &[r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"ecs:ListClusters","Resource":"arn:aws:ecs:*:*:*"}}"#], request: r#"{"action":"ecs:ListClusters","resource":"*"}"#, expect: ImplicitDeny },
    Case { id: "11.12", section: "11 #12", policies: &[r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:ListAllMyBuckets","NotResource":"arn:aws:s3:::secret"}}"#], request: r#"{"action":"s3:ListAllMyBuckets","resource":"*"}"#, expect: Allow },
    Case { id: "11.13", section: "11 #13 short ARN padded", policies: &[r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"ecs:DescribeClusters","Resource":"arn:aws:ecs"}}"#], request: CL_DESCRIBE, expect: Allow },
    Case { id: "11.14", section: "11 #14", policies: &[r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"ecs:RunTask","Resource":"*","Condition":{"ArnEquals":{"ecs:cluster":"arn:aws:ecs:*:*:cluster/prod-*"}}}}"#], request: r#"{"action":"ecs:RunTask","context":{"ecs:cluster":"arn:aws:ecs:us-east-1:111122223333:cluster/prod-blue"}}"#, expect: Allow },
    Case { id: "11.15a", section: "11 #15 ArnLike false", policies: &[r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:someservice:*:111122223333:finance/*"}}}}"#], request: FINANCE_REQ, expect: ImplicitDeny },
    Case { id: "11.15b", section: "11 #15 StringLike true", policies: &[r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringLike":{"aws:SourceArn":"arn:aws:someservice:*:111122223333:finance/*"}}}}"#], request: FINANCE_REQ, expect: Allow },
    Case { id: "11.16", section: "11 #16", policies: &[r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"ecs:RunTask","Resource":"*","Condition":{"ArnEquals":{"ECS:Cluster":"arn:aws:ecs:us-east-1:111122223333:cluster/prod"}}}}"#], request: r#"{"action":"ecs:RunTask","context":{"ecs:cluster":"arn:aws:ecs:us-east-1:111122223333:cluster/prod"}}"#, expect: Allow },
    Case { id: "11.17a", section: "11 #17", policies: &[ENV_PROD], request: r#"{"action":"ecs:RunTask","context":{"aws:ResourceTag/env":"prod"}}"#, expect: Allow },
    Case { id: "11.17b", section: "11 #17 value case-sensitive", policies: &[ENV_PROD], request: r#"{"action":"ecs:RunTask","context":{"aws:ResourceTag/env":"Prod"}}"#, expect: ImplicitDeny },
    Case { id: "11.18", section: "11 #18 operator names case-sensitive", policies: &[r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"ecs:RunTask","Resource":"*","Condition":{"stringEquals":{"aws:ResourceTag/env":"prod"}}}}"#], request: "", expect: Rejected },
    Case { id: "11.19", section: "11 #19", policies: &[ALLOW_ALL, r#"{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"StringNotEquals":{"aws:RequestTag/env":["prod","dev"]}}}}"#], request: r#"{"action":"ecs:CreateCluster","resource":"arn:aws:ecs:us-east-1:111122223333:cluster/new"}"#, expect: ExplicitDeny },
    Case { id: "11.20", section: "11 #20 NOR over values", policies: &[r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringNotEquals":{"aws:PrincipalTag/role":["audit","security"]}}}}"#], request: r#"{"action":"ecs:RunTask","context":{"aws:PrincipalTag/role":"audit"}}"#, expect: ImplicitDeny },
    Case { id: "11.21", section: "11 #21", policies: &[ALLOW_ALL, r#"{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"StringNotEqualsIfExists":{"aws:ResourceTag/team":"a"}}}}"#], request: CL_DESCRIBE, expect: ExplicitDeny },
    Case { id: "11.22", section: "11 #22", policies: &[ALLOW_ALL, r#"{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"NotIpAddress":{"aws:SourceIp":"203.0.113.0/24"}}}}"#], request: CL_DESCRIBE, expect: ExplicitDeny },
    Case { id: "11.23", section: "11 #23 vacuous truth", policies: &[r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"ecs:CreateCluster","Resource":"*","Condition":{"ForAllValues:StringEquals":{"aws:TagKeys":["env"]}}}}"#], request: r#"{"action":"ecs:CreateCluster","resource":"arn:aws:ecs:us-east-1:111122223333:cluster/new"}"#, expect: Allow },
    Case { id: "11.24", section: "11 #24", policies: &[ALLOW_ALL, r#"{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"ForAnyValue:StringEquals":{"aws:TagKeys":["owner"]}}}}"#], request: r#"{"action":"ecs:CreateCluster","resource":"arn:aws:ecs:us-east-1:111122223333:cluster/new"}"#, expect: Allow },
    Case { id: "11.25", section: "11 #25 multivalued key needs a set operator", policies: &[r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"ecs:CreateService","Resource":"*","Condition":{"StringEquals":{"ecs:subnet":["subnet-a","subnet-b"]}}}}"#], request: r#"{"action":"ecs:CreateService","context":{"ecs:subnet":["subnet-a","subnet-b"]}}"#, expect: ImplicitDeny },
    Case { id: "11.26", section: "11 #26 ForAllValues misuse", policies: &[r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"ForAllValues:StringEquals":{"aws:ResourceTag/env":"prod"}}}}"#], request: CL_DESCRIBE, expect: Allow },
    Case { id: "11.27", section: "11 #27 per-value IfExists (A9)", policies: &[r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"ecs:CreateService","Resource":"*","Condition":{"ForAnyValue:StringEqualsIfExists":{"ecs:subnet":"subnet-a"}}}}"#], request: r#"{"action":"ecs:CreateService"}"#, expect: ImplicitDeny },
    Case { id: "11.28", section: "11 #28 2008-10-17 variables literal", policies: &[r#"{"Version":"2008-10-17","Statement":{"Effect":"Allow","Action":"iam:GetUser","Resource":"arn:aws:iam::111122223333:user/${aws:username}"}}"#], request: r#"{"action":"iam:GetUser","resource":"arn:aws:iam::111122223333:user/alice","context":{"aws:username":"alice"}}"#, expect: ImplicitDeny },
    Case { id: "11.29", section: "11 #29 unresolved", policies: &[r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"ecs:DescribeClusters","Resource":"arn:aws:ecs:*:*:cluster/${aws:PrincipalTag/team}"}}"#], request: CL_DESCRIBE, expect: ImplicitDeny },
    Case { id: "11.30", section: "11 #30 default", policies: &[SHARED_DEFAULT], request: r#"{"action":"ecs:DescribeClusters","resource":"arn:aws:ecs:us-east-1:111122223333:cluster/shared"}"#, expect: Allow },
    Case { id: "11.31", section: "11 #31 unresolved counts as different (A3)", policies: &[ALLOW_ALL, r#"{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"ecs:RunTask","Resource":"*","Condition":{"StringNotEquals":{"aws:ResourceTag/team":"${aws:PrincipalTag/team}"}}}}"#], request: r#"{"action":"ecs:RunTask","context":{"aws:ResourceTag/team":"a"}}"#, expect: ExplicitDeny },
    Case { id: "11.32a", section: "11 #32 ${*} is a literal star", policies: &[PREFIX_STAR], request: r#"{"action":"s3:ListBucket","context":{"s3:prefix":"axb"}}"#, expect: ImplicitDeny },
    Case { id: "11.32b", section: "11 #32", policies: &[PREFIX_STAR], request: r#"{"action":"s3:ListBucket","context":{"s3:prefix":"a*b"}}"#, expect: Allow },
    Case { id: "11.33a", section: "11 #33", policies: &[CPU_1024], request: r#"{"action":"ecs:RegisterTaskDefinition","context":{"ecs:task-cpu":2048}}"#, expect: ImplicitDeny },
    Case { id: "11.33b", section: "11 #33", policies: &[CPU_1024], request: r#"{"action":"ecs:RegisterTaskDefinition","context":{"ecs:task-cpu":1024}}"#, expect: Allow },
    Case { id: "11.33c", section: "11 #33 exact decimals", policies: &[CPU_1024], request: r#"{"action":"ecs:RegisterTaskDefinition","context":{"ecs:task-cpu":"1024.0"}}"#, expect: Allow },
    Case { id: "11.34", section: "11 #34 all digits = epoch (A11)", policies: &[r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"DateLessThan":{"aws:CurrentTime":"2030"}}}}"#], request: r#"{"action":"ecs:RunTask","context":{"aws:CurrentTime":"2025-01-01T00:00:00Z"}}"#, expect: ImplicitDeny },
    Case { id: "11.35", section: "11 #35 non-ARN value (A15)", policies: &[ALLOW_ALL, r#"{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/admin"}}}}"#], request: r#"{"action":"ecs:RunTask","context":{"aws:PrincipalArn":"boop"}}"#, expect: Allow },
    Case { id: "11.36", section: "11 #36 identity part only: the identity allows (the boundary's implicit deny needs issue 6)", policies: &[ECS_ALL], request: r#"{"action":"ecs:RunTask","resource":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:3"}"#, expect: Allow },
    Case { id: "11.37", section: "11 #37 identity part only: the identity allows (the SCP gate needs issue 6)", policies: &[ECS_ALL], request: r#"{"action":"ecs:RunTask","resource":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:3"}"#, expect: Allow },
    Case { id: "11.38", section: "11 #38 without a session policy: Allow (the session-policy row needs issue 6)", policies: &[ECS_ALL], request: r#"{"action":"ecs:RunTask","resource":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:3"}"#, expect: Allow },
    Case { id: "11.39", section: "11 #39 no identity policy: the identity path denies (the queue grant needs issue 6)", policies: &[], request: r#"{"action":"sqs:SendMessage","resource":"arn:aws:sqs:us-east-1:111122223333:q1"}"#, expect: ImplicitDeny },
    Case { id: "11.41", section: "11 #41 bob has no identity policy: cross-account needs it, so implicit deny", policies: &[], request: r#"{"action":"sqs:SendMessage","resource":"arn:aws:sqs:us-east-1:111122223333:q1"}"#, expect: ImplicitDeny },
    Case { id: "11.42", section: "11 #42 old-format task ARN", policies: &[r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"ecs:StopTask","Resource":"arn:aws:ecs:*:*:task/prod/*"}}"#], request: r#"{"action":"ecs:StopTask","resource":"arn:aws:ecs:us-east-1:111122223333:task/0a1b2c3d"}"#, expect: ImplicitDeny },
    Case { id: "11.43a", section: "11 #43 absent key, positive operator", policies: &[r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"ecs:CreateService","Resource":"*","Condition":{"Bool":{"ecs:auto-assign-public-ip":"false"}}}}"#], request: r#"{"action":"ecs:CreateService"}"#, expect: ImplicitDeny },
    Case { id: "11.43b", section: "11 #43 BoolIfExists", policies: &[r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"ecs:CreateService","Resource":"*","Condition":{"BoolIfExists":{"ecs:auto-assign-public-ip":"false"}}}}"#], request: r#"{"action":"ecs:CreateService"}"#, expect: Allow },
    Case { id: "11.44a", section: "11 #44 CreateCluster without tags: one request", policies: &[CREATE_CLUSTER], request: r#"{"action":"ecs:CreateCluster","resource":"arn:aws:ecs:us-east-1:111122223333:cluster/new"}"#, expect: Allow },
    Case { id: "11.44b", section: "11 #44 with tags the caller also asks ecs:TagResource: denied", policies: &[CREATE_CLUSTER], request: r#"{"action":"ecs:TagResource","resource":"arn:aws:ecs:us-east-1:111122223333:cluster/new","context":{"ecs:CreateAction":"CreateCluster","aws:TagKeys":["env"],"aws:RequestTag/env":"dev"}}"#, expect: ImplicitDeny },
    Case { id: "11.45", section: "11 #45 ecs:CreateAction absent", policies: &[r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"ecs:TagResource","Resource":"*","Condition":{"StringEquals":{"ecs:CreateAction":"CreateCluster"}}}}"#], request: r#"{"action":"ecs:TagResource","resource":"arn:aws:ecs:us-east-1:111122223333:cluster/prod"}"#, expect: ImplicitDeny },
];

const CL_DESCRIBE: &str = r#"{"action":"ecs:DescribeClusters","resource":"arn:aws:ecs:us-east-1:111122223333:cluster/prod"}"#;
const ALLOW_ALL: &str =
    r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#;
const ECS_ALL: &str =
    r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"ecs:*","Resource":"*"}}"#;
const ECS_ANY_ARN: &str = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"ecs:*","Resource":"arn:aws:ecs:*:*:*"}}"#;
const BKT_TEST: &str = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*/test/*"}}"#;
const DENY_NOT_DESCRIBE_LIST: &str = r#"{"Version":"2012-10-17","Statement":[
  {"Effect":"Deny","NotAction":["ecs:Describe*","ecs:List*"],"Resource":"*"},
  {"Effect":"Allow","Action":"ecs:*","Resource":"*"}]}"#;
const RUN_TASK_CONDS: &str = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"ecs:RunTask","Resource":"*",
  "Condition": {
    "StringEquals": {"aws:ResourceTag/env": ["dev", "test"], "aws:PrincipalTag/team": "payments"},
    "ArnLike":      {"ecs:cluster": "arn:aws:ecs:*:*:cluster/dev-*"}}}}"#;
const DENY_SUBNETS: &str = r#"{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"ecs:CreateService","Resource":"*",
  "Condition": {"ForAllValues:StringNotLike": {"ecs:subnet": ["subnet-0a*", "subnet-0b*"]}}}}"#;
const TEAM_SERVICES: &str = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"ecs:UpdateService","Resource":"arn:aws:ecs:*:*:service/${aws:PrincipalTag/team}-*/*"}}"#;
const SHARED_DEFAULT: &str = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"ecs:DescribeClusters","Resource":"arn:aws:ecs:*:*:cluster/${aws:PrincipalTag/team, 'shared'}"}}"#;
const ECS_DEV: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "RunWebOnDev", "Effect": "Allow", "Action": "ecs:RunTask",
     "Resource": "arn:aws:ecs:us-east-1:111122223333:task-definition/web:*",
     "Condition": {"ArnEquals": {"ecs:cluster": "arn:aws:ecs:us-east-1:111122223333:cluster/dev"},
                   "NumericLessThanEquals": {"ecs:task-cpu": "1024"}}},
    {"Sid": "StopOwnClusterTasks", "Effect": "Allow", "Action": "ecs:StopTask",
     "Resource": "arn:aws:ecs:us-east-1:111122223333:task/dev/*"},
    {"Sid": "List", "Effect": "Allow", "Action": ["ecs:ListClusters", "ecs:ListTasks"], "Resource": "*"}
  ]
}"#;
const DENY_NO_MFA: &str = r#"{"Version":"2012-10-17","Statement":{"Effect":"Deny","NotAction":"iam:*","Resource":"*","Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}}}"#;
const FINANCE_REQ: &str = r#"{"action":"s3:GetObject","context":{"aws:SourceArn":"arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt"}}"#;
const ENV_PROD: &str = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:ResourceTag/Env":"prod"}}}}"#;
const PREFIX_STAR: &str = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*","Condition":{"StringLike":{"s3:prefix":"a${*}b"}}}}"#;
const CPU_1024: &str = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"ecs:RegisterTaskDefinition","Resource":"*","Condition":{"NumericLessThanEquals":{"ecs:task-cpu":"1024"}}}}"#;
const CREATE_CLUSTER: &str = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"ecs:CreateCluster","Resource":"*"}}"#;

fn named(case: &Case) -> Vec<(String, &'static str)> {
    case.policies
        .iter()
        .enumerate()
        .map(|(i, p)| (format!("{}-{i}.json", case.id), *p))
        .collect()
}

#[test]
fn every_spec_row_decides_as_the_spec_says() {
    let mut failures = Vec::new();
    for engine in engines() {
        for case in CASES {
            let policies = named(case);
            if case.expect == Rejected {
                let (name, json) = &policies[0];
                if parse_identity(name, json).is_ok() {
                    failures.push(format!(
                        "{} ({}): policy accepted, expected rejection",
                        case.id, case.section
                    ));
                }
                continue;
            }
            let req = iamc::io::request_from_json(case.request)
                .unwrap_or_else(|e| panic!("{}: bad request text: {e}", case.id));
            let refs: Vec<(&str, &str)> = policies.iter().map(|(n, j)| (n.as_str(), *j)).collect();
            let got = engine.explain(&refs, &req).decision;
            let want = match case.expect {
                Allow => Decision::Allow,
                ExplicitDeny => Decision::ExplicitDeny,
                ImplicitDeny | Rejected => Decision::ImplicitDeny,
            };
            if got != want {
                failures.push(format!(
                    "{} ({}), engine {}: got {got:?}, expected {want:?}",
                    case.id,
                    case.section,
                    engine.name()
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} rows failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_tricky_case_of_section_11_has_a_row_or_a_reason() {
    for n in 1..=45 {
        let id = format!("11.{n}");
        let has_row = CASES.iter().any(|c| {
            c.id == id
                || c.id.strip_prefix(id.as_str()).is_some_and(|rest| {
                    rest.len() == 1 && rest.chars().all(|ch| ch.is_ascii_lowercase())
                })
        });
        let deferred = NEEDS_ISSUE_6.iter().any(|(d, _)| *d == id);
        assert!(
            has_row != deferred,
            "case {id}: row {has_row}, deferred {deferred}"
        );
    }
}

#[test]
fn statements_are_explained_in_policy_order() {
    let req = iamc::io::request_from_json(
        r#"{"action":"ecs:StopTask","resource":"arn:aws:ecs:us-east-1:111122223333:task/dev/x"}"#,
    )
    .unwrap();
    for engine in engines() {
        let e = engine.explain(
            &[
                ("a.json", ECS_ALL),
                ("b.json", ECS_DEV),
                ("c.json", DENY_NO_MFA),
            ],
            &req,
        );
        assert_eq!(
            iamc::io::explanation_to_json(&e),
            r#"{"decision":"ExplicitDeny","statements":[{"policy":"a.json","index":0,"sid":null,"effect":"Allow","type":"identity"},{"policy":"b.json","index":1,"sid":"StopOwnClusterTasks","effect":"Allow","type":"identity"},{"policy":"c.json","index":0,"sid":null,"effect":"Deny","type":"identity"}],"reason":"explicitly denied by the identity-based policies"}"#,
            "engine {}",
            engine.name()
        );
    }
}

/// The condition table (`tests/data/cases/conditions.toml`: every operator, qualifier, key
/// shape), decided by the reference interpreter alone: the same rows every engine is held to.
#[test]
fn condition_table_rows_hold_on_the_reference() {
    use iamc_testkit::cases::conditions::{check, rows};
    let reference: Vec<Box<dyn iamc_testkit::Engine>> =
        vec![Box::new(iamc_testkit::engine::Reference)];
    let failures = check(&rows(), &reference);
    assert!(
        failures.is_empty(),
        "{} checks failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
