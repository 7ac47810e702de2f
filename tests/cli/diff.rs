//! `iamc diff` and `iamc check-access`: exit statuses, text and JSON, whole typed sets, and
//! witnesses that `iamc eval` decides as claimed.

use super::{iamc, stderr, stdout, temp_file};
use iamc_testkit::assert_contains;

const OLD_FULL: &str = "tests/data/policies/ecs/AmazonECS_FullAccess.json";
const NEW_FULL: &str = "tests/data/policies/aws-managed/AmazonECS_FullAccess.json";
const DEV: &str = "examples/policies/ecs-dev.json";
const MFA: &str = "examples/policies/deny-without-mfa.json";

/// The standard output of `iamc ARGS` (no standard input), its exit status checked to be
/// `code`.
fn run(args: &[&str], code: i32) -> String {
    let o = iamc(args, None);
    assert_eq!(
        o.status.code(),
        Some(code),
        "{args:?}: {}{}",
        stdout(&o),
        stderr(&o)
    );
    stdout(&o)
}

fn assert_starts(text: &str, start: &str) {
    assert!(text.starts_with(start), "{text}");
}

/// The decision `iamc eval` gives `request` (a JSON object) under the identity policies
/// `policies`.
fn eval(policies: &[&str], request: &str) -> String {
    let mut args = vec!["eval", "--request", "-"];
    for p in policies {
        args.extend(["--policy", p]);
    }
    let o = iamc(&args, Some(request.as_bytes()));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let line: serde_json::Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    line["decision"].as_str().unwrap().to_owned()
}

#[test]
fn a_policy_update_is_its_new_access_with_witnesses_eval_confirms() {
    let text = run(&["diff", OLD_FULL, NEW_FULL], 1);
    assert_starts(&text, "new access: 1 region, 1 certain (exact)\n");
    assert_contains(&text, "actions:   `iam:passrole`");
    assert_contains(
        &text,
        "resources: `arn:aws:iam::*:role/ecsInfrastructureRole`",
    );
    assert_contains(&text, "`iam:PassedToService`: = \"ecs.amazonaws.com\"");
    let o = iamc(&["diff", "--format", "json", OLD_FULL, NEW_FULL], None);
    assert_eq!(o.status.code(), Some(1));
    let doc: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(doc["new_access"], true);
    assert_eq!(doc["exact"], true);
    assert_eq!(doc["complete"], true);
    let regions = doc["regions"].as_array().unwrap();
    assert_eq!(regions.len(), 1);
    let witness = &regions[0]["witnesses"][0];
    assert_eq!(witness["action"], "iam:PassRole");
    let request = witness.to_string();
    assert_eq!(eval(&[NEW_FULL], &request), "Allow");
    assert_eq!(eval(&[OLD_FULL], &request), "ImplicitDeny");
    // The reverse change removes that access and adds none.
    let text = run(&["diff", "--both", NEW_FULL, OLD_FULL], 0);
    assert_starts(&text, "no new access (exact)\nremoved access: 1 region");
}

#[test]
fn no_change_exits_0() {
    for args in [
        vec!["diff", DEV, DEV],
        vec!["diff", "--both", "--format", "json", DEV, DEV],
        vec![
            "diff",
            "--old-policy",
            DEV,
            "--new-policy",
            DEV,
            "--boundary",
            DEV,
        ],
    ] {
        let o = iamc(&args, None);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
    }
    let o = iamc(&["diff", DEV, DEV], None);
    assert_eq!(stdout(&o), "no new access (exact)\n");
    let o = iamc(&["diff", "--both", "--format", "json", DEV, DEV], None);
    assert_eq!(
        stdout(&o),
        "{\"new_access\":false,\"exact\":true,\"complete\":true,\"reasons\":[],\"regions\":[],\"removed_access\":false,\"removed_exact\":true,\"removed_complete\":true,\"removed_reasons\":[],\"removed\":[]}\n"
    );
}

#[test]
fn whole_sets_by_typed_options() {
    // Adding a Deny removes access; both sets share the identity policy given once.
    let text = run(&["diff", "--both", "--policy", DEV, "--new-policy", MFA], 0);
    assert_starts(&text, "no new access (exact)\nremoved access: ");
    assert_contains(&text, "`ecs:stoptask`");
    assert_contains(&text, "`aws:MultiFactorAuthPresent`");
    // A permissions boundary on the OLD set only: NEW (without it) allows more.
    let boundary = temp_file(
        "diff-boundary.json",
        br#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"ecs:List*","Resource":"*"}}"#,
    );
    let b = boundary.to_str().unwrap();
    let o = iamc(
        &[
            "diff",
            "--policy",
            DEV,
            "--old-boundary",
            b,
            "--format",
            "json",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let doc: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let actions: Vec<String> = doc["regions"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["actions"].as_array().unwrap().iter())
        .flat_map(|a| a["matches"].as_array().unwrap().iter())
        .map(|m| m.as_str().unwrap().to_owned())
        .collect();
    assert!(actions.iter().any(|a| a == "ecs:runtask"), "{actions:?}");
    assert!(actions.iter().any(|a| a == "ecs:stoptask"), "{actions:?}");
    assert!(
        !actions.iter().any(|a| a.starts_with("ecs:list")),
        "{actions:?}"
    );
    // The same boundary on both sets changes nothing.
    let o = iamc(&["diff", DEV, DEV, "--boundary", b], None);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
}

#[test]
fn usage_and_policy_errors_exit_2() {
    let o = iamc(&["diff", DEV], None);
    assert_eq!(o.status.code(), Some(2));
    assert_contains(
        &stderr(&o),
        "iamc: error: `diff` takes two files, OLD and NEW, or none",
    );
    let o = iamc(&["diff"], None);
    assert_eq!(o.status.code(), Some(2));
    assert_contains(&stderr(&o), "`diff` needs policies");
    let o = iamc(&["diff", DEV, DEV, "--scp", DEV, "--new-scp", DEV], None);
    assert_eq!(o.status.code(), Some(2));
    assert_contains(&stderr(&o), "`--scp` and `--new-scp` are both given");
    let bad = temp_file("diff-bad.json", br#"{"Statement":{"Effect":"Maybe"}}"#);
    let o = iamc(&["diff", DEV, bad.to_str().unwrap()], None);
    assert_eq!(o.status.code(), Some(2));
    assert_contains(&stderr(&o), "invalid policy, nothing decided");
    let o = iamc(&["diff", "-", "-"], Some(b"{}"));
    assert_eq!(o.status.code(), Some(2));
    assert_contains(&stderr(&o), "given more than once");
}

#[test]
fn templates_and_types() {
    // An SCP given as OLD and NEW with `--type scp`, beside the identity policy of both.
    let scp_old = temp_file(
        "diff-scp-old.json",
        br#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"ecs:List*","Resource":"*"}}"#,
    );
    let scp_new = temp_file(
        "diff-scp-new.json",
        br#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"ecs:*","Resource":"*"}}"#,
    );
    let o = iamc(
        &[
            "diff",
            "--type",
            "scp",
            scp_old.to_str().unwrap(),
            scp_new.to_str().unwrap(),
            "--policy",
            DEV,
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_contains(&stdout(&o), "`ecs:stoptask`");
    // A CloudFormation template: against itself nothing, against no policy its grants.
    let stack = "examples/templates/ecs-stack.yaml";
    let params = [
        "--param",
        "AWS::Region=us-east-1",
        "--param",
        "AWS::AccountId=111122223333",
    ];
    let o = iamc(&[&["diff", stack, stack][..], &params[..]].concat(), None);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    let o = iamc(
        &[
            &["diff", "--new-policy", stack, "--old-policy", DEV][..],
            &params[..],
        ]
        .concat(),
        None,
    );
    assert_eq!(o.status.code(), Some(1), "{}{}", stdout(&o), stderr(&o));
    // Without its parameters the template's policies are refused, as `eval` refuses them.
    let o = iamc(&["diff", stack, stack], None);
    assert_eq!(o.status.code(), Some(2));
    assert_contains(&stderr(&o), "--param AWS::AccountId=VALUE");
}

#[test]
fn check_access_answers_with_a_witness() {
    let task = "arn:aws:ecs:us-east-1:111122223333:task/dev/t1";
    let args = [
        "check-access",
        "--action",
        "ecs:StopTask",
        "--resource",
        task,
        DEV,
    ];
    let text = run(&args, 1);
    assert_starts(&text, "allowed: 1 region, 1 certain (exact)\n");
    // The Deny of the MFA policy leaves requests with MFA.
    let o = iamc(
        &[
            "check-access",
            "--action",
            "ecs:StopTask",
            "--resource",
            task,
            "--format",
            "json",
            DEV,
            MFA,
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let doc: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(doc["allowed"], true);
    let w = &doc["regions"][0]["witnesses"][0];
    assert_eq!(w["resource"], task);
    assert_eq!(eval(&[DEV, MFA], &w.to_string()), "Allow");
    // Nothing grants IAM actions, nor StopTask on another cluster.
    for args in [
        vec!["check-access", "--action", "iam:*", DEV],
        vec![
            "check-access",
            "--action",
            "ecs:StopTask",
            "--resource",
            "arn:aws:ecs:us-east-1:111122223333:task/prod/*",
            DEV,
        ],
    ] {
        let o = iamc(&args, None);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stdout(&o));
        assert_eq!(stdout(&o), "not allowed by any request (exact)\n");
    }
    let o = iamc(&["check-access", DEV], None);
    assert_eq!(o.status.code(), Some(2));
    assert_contains(&stderr(&o), "--action");
    let o = iamc(&["check-access", "--action", "ecs", DEV], None);
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
}

#[test]
fn help_names_the_commands() {
    for command in ["diff", "check-access"] {
        let o = iamc(&["help", command], None);
        assert_eq!(o.status.code(), Some(0));
        assert!(
            stdout(&o).starts_with(&format!("iamc {command}: ")),
            "{}",
            stdout(&o)
        );
    }
    let o = iamc(&["diff", "--help"], None);
    for flag in [
        "--old-policy",
        "--new-boundary",
        "--old-scp",
        "--both",
        "--catalog-resources",
    ] {
        assert_contains(&stdout(&o), flag);
    }
}
