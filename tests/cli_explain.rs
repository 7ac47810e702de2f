//! The commands of issue 14's explanations: `iamc eval --explain`, `iamc simulate` and
//! `iamc test`, run as a user runs them (the built binary, its streams and exit status).

use iamc_testkit::assert_contains;

use crate::cli::{iamc, iamc_line, stderr, stdout};

const ECS: [&str; 2] = [
    "examples/policies/ecs-dev.json",
    "examples/policies/deny-without-mfa.json",
];

#[test]
fn cli_eval_explain_names_the_failed_condition_with_its_place() {
    let req = br#"{"action":"ecs:RunTask","resource":"arn:aws:ecs:us-east-1:111122223333:task-definition/web:7","context":{"ecs:cluster":"arn:aws:ecs:us-east-1:111122223333:cluster/prod","ecs:task-cpu":512}}"#;
    for engine in ["compiled", "reference"] {
        let o = iamc(
            &[
                "eval",
                "--policy",
                ECS[0],
                ECS[1],
                "--explain",
                "--engine",
                engine,
            ],
            Some(req),
        );
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        assert_eq!(
            stdout(&o).trim_end(),
            r#"{"decision":"ImplicitDeny","statements":[],"reason":"implicitly denied: no identity-based or resource-based policy allows the request","near_misses":[{"policy":"examples/policies/ecs-dev.json","index":0,"sid":"RunWebOnDev","effect":"Allow","type":"identity","at":{"file":"examples/policies/ecs-dev.json","line":4,"column":5},"failed":[{"operator":"ArnEquals","key":"ecs:cluster","values":["arn:aws:ecs:us-east-1:111122223333:cluster/dev"],"request":"arn:aws:ecs:us-east-1:111122223333:cluster/prod","failure":"no-match","message":"`arn:aws:ecs:us-east-1:111122223333:cluster/prod` matches none of them","at":{"file":"examples/policies/ecs-dev.json","line":10,"column":23}}]}],"missing_context_values":["aws:MultiFactorAuthPresent"]}"#
        );
    }
    // Without --explain the line is unchanged.
    let o = iamc(&["eval", "--policy", ECS[0], ECS[1]], Some(req));
    assert!(!stdout(&o).contains("near_misses"));
    // With an artifact, places are byte offsets.
    let dir = std::env::temp_dir().join(format!("iamc-cli-explain-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let art = dir.join("ecs.iamc");
    let art = art.to_str().unwrap();
    let o = iamc(&["compile", ECS[0], ECS[1], "-o", art], None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = iamc(&["eval", "--artifact", art, "--explain"], Some(req));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_contains(
        &stdout(&o),
        r#""key":"ecs:cluster","values":["arn:aws:ecs:us-east-1:111122223333:cluster/dev"],"request":"arn:aws:ecs:us-east-1:111122223333:cluster/prod","failure":"no-match","message":"`arn:aws:ecs:us-east-1:111122223333:cluster/prod` matches none of them","at":{"offset":257}"#,
    );
    std::fs::remove_dir_all(&dir).unwrap();
    // A policy read from a CloudFormation template: places in the template.
    let o = iamc_line("eval --policy examples/templates/stack.yaml --action s3:PutObject --resource arn:aws:s3:::reports-bucket/reports/x --context aws:RequestedRegion=eu-west-1 --explain", None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_contains(
        &stdout(&o),
        r#""key":"aws:RequestedRegion","values":["us-east-1"],"request":"eu-west-1","failure":"no-match","message":"`eu-west-1` matches none of them","at":{"file":"examples/templates/stack.yaml","line":32,"column":34}"#,
    );
}

#[test]
fn cli_simulate_prints_the_aws_answer_and_warns() {
    let input = br#"{
  "PolicyInputList": ["{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"dynamodb:*\",\"Resource\":\"*\",\"Condition\":{\"DateGreaterThan\":{\"aws:CurrentTime\":\"2018-08-16T12:00:00Z\"}}}}"],
  "ActionNames": ["dynamodb:CreateBackup"],
  "ContextEntries": [{"ContextKeyName": "aws:CurrentTime", "ContextKeyValues": ["2019-04-25T11:00:00Z"], "ContextKeyType": "date"}],
  "MaxItems": 100
}"#;
    let o = iamc(&["simulate", "--cli-input-json", "-"], Some(input));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        r#"{
    "EvaluationResults": [
        {
            "EvalActionName": "dynamodb:CreateBackup",
            "EvalResourceName": "*",
            "EvalDecision": "allowed",
            "MatchedStatements": [
                {
                    "SourcePolicyId": "PolicyInputList.1",
                    "SourcePolicyType": "IAM Policy",
                    "StartPosition": {
                        "Line": 1,
                        "Column": 38
                    },
                    "EndPosition": {
                        "Line": 1,
                        "Column": 167
                    }
                }
            ],
            "MissingContextValues": []
        }
    ]
}
"#
    );
    assert_eq!(
        stderr(&o),
        "<stdin>:5:3: warning: `MaxItems` is ignored: iamc returns every result at once\n"
    );
    let o = iamc(
        &["simulate", "--cli-input-json", "-"],
        Some(br#"{"PolicyInputList": [], "ActionNames": ["s3:GetObject"], "Foo": 1}"#),
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).starts_with("iamc: error: InvalidInput: <stdin>:1:58: unknown parameter `Foo`"),
        "{}",
        stderr(&o)
    );
    let o = iamc(&["simulate"], None);
    assert_eq!(o.status.code(), Some(2));
    assert_contains(&stderr(&o), "--cli-input-json");
}

#[test]
fn cli_test_runs_files_with_coverage_and_junit() {
    let o = iamc_line("test examples/tests/ecs.yaml examples/tests/whole-decision.json examples/tests/template.yaml --min-coverage 100", None);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("examples/tests/ecs.yaml: 8 cases, 8 passed, 0 failed\n"));
    let dir = std::env::temp_dir().join(format!("iamc-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let root = env!("CARGO_MANIFEST_DIR");
    let failing = dir.join("failing.yaml");
    std::fs::write(
        &failing,
        format!(
            "policies:\n  identity: [{root}/examples/policies/ecs-dev.json]\ncases:\n  - name: delete\n    action: ecs:DeleteCluster\n    expect: Allow\n"
        ),
    )
    .unwrap();
    let junit = dir.join("junit.xml");
    let o = iamc(
        &[
            "test",
            failing.to_str().unwrap(),
            "--junit",
            junit.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(1), "{}{}", stdout(&o), stderr(&o));
    assert_contains(&stdout(&o), "  FAIL  delete (");
    assert_contains(&stdout(&o), "expected Allow, got ImplicitDeny");
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert_contains(&xml, "tests=\"1\" failures=\"1\" errors=\"0\"");
    // Coverage below the bar: status 1 even when every case passes.
    let o = iamc(
        &["test", "examples/tests/ecs.yaml", "--min-coverage", "101"],
        None,
    );
    assert_eq!(
        o.status.code(),
        Some(2),
        "an impossible percentage is a usage error"
    );
    let partial = dir.join("partial.yaml");
    std::fs::write(
        &partial,
        format!(
            "policies:\n  identity: [{root}/examples/policies/ecs-dev.json]\ncases:\n  - action: ecs:ListClusters\n    expect: Allow\n"
        ),
    )
    .unwrap();
    let o = iamc(
        &["test", partial.to_str().unwrap(), "--min-coverage", "50"],
        None,
    );
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert_contains(&stdout(&o), "coverage 33.3% is below --min-coverage 50%");
    // A file that cannot be run: status 2, the error at its place.
    let bad = dir.join("bad.yaml");
    std::fs::write(&bad, "policies: {identity: nope.json}\ncases: []\n").unwrap();
    let o = iamc(&["test", bad.to_str().unwrap()], None);
    assert_eq!(o.status.code(), Some(2));
    assert_contains(&stderr(&o), "bad.yaml:1:22: error: cannot read `nope.json`");
    std::fs::remove_dir_all(&dir).unwrap();
}
