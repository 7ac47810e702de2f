//! `iamc eval`: a request given as options, `-` for standard input, directories, templates,
//! `--format pretty` and its colour, request errors at their line and column, empty input.

use super::{iamc, iamc_env, iamc_line, stderr, stdout, temp_file, DEV, MFA};
use iamc_testkit::assert_contains;

const STOP: &str = "examples/requests/stop-task.json";
const TASK: &str = "arn:aws:ecs:us-east-1:111122223333:task/dev/abc123";
const STACK: &str = "examples/templates/ecs-stack.yaml";

fn both_engines(args: &[&str], stdin: Option<&[u8]>) -> std::process::Output {
    let compiled = iamc(args, stdin);
    let mut reference = args.to_vec();
    reference.extend(["--engine", "reference"]);
    let r = iamc(&reference, stdin);
    assert_eq!(stdout(&compiled), stdout(&r), "{args:?}");
    assert_eq!(compiled.status.code(), r.status.code(), "{args:?}");
    compiled
}

/// [`both_engines`] on the words of `line`.
fn both_engines_line(line: &str, stdin: Option<&[u8]>) -> std::process::Output {
    both_engines(&line.split_whitespace().collect::<Vec<_>>(), stdin)
}

#[test]
fn a_request_given_as_options_is_decided_as_the_same_json_request() {
    let from_file = iamc_line(&format!("eval --policy {DEV} {MFA} --request {STOP}"), None);
    assert_eq!(from_file.status.code(), Some(0), "{}", stderr(&from_file));
    let from_flags = both_engines_line(&format!("eval --policy {DEV} {MFA} --action ecs:StopTask --resource {TASK} --context aws:MultiFactorAuthPresent=true"), None);
    assert_eq!(stdout(&from_flags), stdout(&from_file));
    // `:=` gives a JSON value: here the boolean `false`, which the Deny tests.
    let o = both_engines_line(&format!("eval --policy {DEV} {MFA} --action ecs:StopTask --resource {TASK} --context aws:MultiFactorAuthPresent:=false"), None);
    assert!(
        stdout(&o).starts_with(r#"{"decision":"ExplicitDeny""#),
        "{}",
        stdout(&o)
    );
    // A number typed as text decides as the JSON number does (IAM compares condition values
    // as text): the second request of ecs.jsonl.
    let o = both_engines_line(&format!("eval --policy {DEV} --action ecs:RunTask --resource arn:aws:ecs:us-east-1:111122223333:task-definition/web:7 --context ecs:cluster=arn:aws:ecs:us-east-1:111122223333:cluster/dev --context ecs:task-cpu=512"), None);
    assert!(
        stdout(&o).starts_with(r#"{"decision":"Allow""#),
        "{}",
        stdout(&o)
    );
}

#[test]
fn lists_principals_and_resource_accounts_as_options() {
    let policy = temp_file(
        "tag-keys.json",
        br#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:PutObjectTagging", "Resource": "*",
            "Condition": {"ForAllValues:StringEquals": {"aws:TagKeys": ["env", "team"]}}}}"#,
    );
    let p = policy.to_str().unwrap();
    for (value, want) in [
        (r#"aws:TagKeys:=["env","team"]"#, "Allow"),
        (r#"aws:TagKeys:=["env","owner"]"#, "ImplicitDeny"),
        ("aws:TagKeys:=[]", "Allow"),
    ] {
        let o = both_engines(
            &[
                "eval",
                "--policy",
                p,
                "--action",
                "s3:PutObjectTagging",
                "--context",
                value,
            ],
            None,
        );
        assert!(
            stdout(&o).starts_with(&format!("{{\"decision\":\"{want}\"")),
            "{value}: {}",
            stdout(&o)
        );
    }
    let trust = "examples/whole-decision/ecs-task-trust.json";
    for (principal, want) in [
        ("ecs-tasks.amazonaws.com", "Allow"),
        ("lambda.amazonaws.com", "ImplicitDeny"),
    ] {
        let o = both_engines(
            &[
                "eval",
                "--trust-policy",
                trust,
                "--action",
                "sts:AssumeRole",
                "--resource",
                "arn:aws:iam::111122223333:role/ecs-task",
                "--principal",
                principal,
                "--context",
                "aws:SourceAccount=111122223333",
                "--resource-account",
                "111122223333",
            ],
            None,
        );
        assert!(
            stdout(&o).starts_with(&format!("{{\"decision\":\"{want}\"")),
            "{principal}: {}",
            stdout(&o)
        );
    }
}

#[test]
fn request_option_errors_are_usage_errors() {
    // After `eval --policy DEV`:
    for options in [
        "--action StopTask",
        &format!("--resource {TASK}"),
        &format!("--action ecs:StopTask --requests {STOP}"),
        "--action ecs:StopTask --context novalue",
        "--action ecs:StopTask --context k:={}",
        "--action ecs:StopTask --context aws:TagKeys=a --context AWS:TagKeys=b",
    ] {
        let o = iamc_line(&format!("eval --policy {DEV} {options}"), None);
        assert_eq!(o.status.code(), Some(2), "{options}: {}", stderr(&o));
        assert!(stderr(&o).starts_with("iamc: error: "), "{}", stderr(&o));
        assert!(stdout(&o).is_empty());
    }
    let o = iamc_line(
        &format!("eval --policy {DEV} --action x:y --context k=a --context k=b"),
        None,
    );
    assert!(
        stderr(&o).contains("`--context k` is given twice")
            && stderr(&o).contains(
                r#"help: give several values as one JSON list: `--context 'k:=["a","b"]'`"#
            ),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_dash_is_standard_input_for_every_file() {
    let policy = std::fs::read(DEV).unwrap();
    let request = std::fs::read(STOP).unwrap();
    let lines = std::fs::read("examples/requests/ecs.jsonl").unwrap();
    let expected = stdout(&iamc_line(
        &format!("eval --policy {DEV} --request {STOP}"),
        None,
    ));
    let o = iamc_line(&format!("eval --policy {DEV} --request -"), Some(&request));
    assert_eq!(stdout(&o), expected);
    let o = both_engines_line(&format!("eval --policy - --request {STOP}"), Some(&policy));
    assert_eq!(
        stdout(&o),
        expected.replace("examples/policies/ecs-dev.json", "<stdin>")
    );
    let o = iamc_line(
        &format!("eval --policy {DEV} {MFA} --requests -"),
        Some(&lines),
    );
    assert_eq!(stdout(&o), super::ECS_DECISIONS);
    // An artifact on standard input; one written to standard output.
    let o = iamc_line(&format!("compile {DEV} {MFA} -o -"), None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let artifact = o.stdout;
    let o = iamc_line(
        "eval --artifact - --requests examples/requests/ecs.jsonl",
        Some(&artifact),
    );
    assert_eq!(stdout(&o), super::ECS_DECISIONS);
    let o = iamc(&["inspect", "-"], Some(&artifact));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_contains(&stdout(&o), "policies: 2\n");
    // Standard input holds one thing.
    let o = iamc(&["eval", "--policy", "-"], Some(&policy));
    assert_eq!(o.status.code(), Some(2));
    assert_contains(
        &stderr(&o),
        "standard input holds a policy (`-`), so it cannot hold the requests too",
    );
    let o = iamc_line("eval --policy - --requests -", Some(&policy));
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn a_directory_of_policies_is_its_files_in_sorted_order() {
    let sorted = iamc_line(
        &format!("eval --policy {MFA} {DEV} --requests examples/requests/ecs.jsonl"),
        None,
    );
    let dir = iamc_line(
        "eval --policy examples/policies --requests examples/requests/ecs.jsonl",
        None,
    );
    assert_eq!(dir.status.code(), Some(0), "{}", stderr(&dir));
    assert_eq!(stdout(&dir), stdout(&sorted));
    assert_eq!(stdout(&dir).lines().count(), 8);
}

#[test]
fn templates_decide_once_their_values_are_known() {
    let args = |params: bool| {
        let mut v = vec!["eval", "--policy", STACK];
        if params {
            v.extend([
                "--param",
                "AWS::Region=us-east-1",
                "--param",
                "AWS::AccountId=111122223333",
            ]);
        }
        v.extend(["--action", "ecs:StopTask", "--resource", TASK]);
        v
    };
    let o = iamc(&args(false), None);
    assert_eq!(o.status.code(), Some(2));
    assert!(stdout(&o).is_empty());
    let err = stderr(&o);
    assert_contains(&err, "examples/templates/ecs-stack.yaml:33:44: error: `${AWS::Region}`: the pseudo parameter has no value here");
    assert_contains(&err, "give it one with `--param AWS::Region=VALUE`");
    let o = both_engines(&args(true), None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "{\"decision\":\"Allow\",\"statements\":[{\"policy\":\"examples/templates/ecs-stack.yaml#TaskRole.Policies[0]\",\"index\":0,\"sid\":\"StopClusterTasks\",\"effect\":\"Allow\",\"type\":\"identity\"}],\"reason\":\"allowed by the identity-based policies\"}\n"
    );
    // The role's trust policy is read as a trust policy.
    let o = iamc_line(&format!("eval --policy {STACK} --param AWS::Region=us-east-1 --param AWS::AccountId=111122223333 --action sts:AssumeRole --resource arn:aws:iam::111122223333:role/task --principal ecs-tasks.amazonaws.com --context aws:SourceAccount=111122223333"), None);
    assert_contains(
        &stdout(&o),
        r#""sid":"EcsTasks","effect":"Allow","type":"trust"}"#,
    );
}

const PRETTY_STOP: &str = "ecs:StopTask on arn:aws:ecs:us-east-1:111122223333:task/dev/abc123
  aws:multifactorauthpresent = true
  Allow: allowed by the identity-based policies
    Allow  identity  examples/policies/ecs-dev.json statement 1 `StopOwnClusterTasks`
";

#[test]
fn pretty_is_for_people_and_coloured_only_where_wanted() {
    let args = [
        "eval",
        "--policy",
        DEV,
        MFA,
        "--request",
        STOP,
        "--format",
        "pretty",
    ];
    // On a pipe: no colour.
    let o = iamc(&args, None);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(stdout(&o), PRETTY_STOP);
    // `--color always`, or `CLICOLOR_FORCE` on a pipe: colour.
    let mut always = args.to_vec();
    always.extend(["--color", "always"]);
    let coloured = stdout(&iamc(&always, None));
    assert!(
        coloured.contains("\u{1b}[1;32mAllow\u{1b}[0m: allowed"),
        "{coloured:?}"
    );
    assert_eq!(strip_ansi(&coloured), PRETTY_STOP);
    let forced = iamc_env(&args, None, &[("CLICOLOR_FORCE", "1")]);
    assert_eq!(stdout(&forced), coloured);
    // `NO_COLOR` wins over `CLICOLOR_FORCE`; an explicit `--color` wins over both.
    let no = iamc_env(&args, None, &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]);
    assert_eq!(stdout(&no), PRETTY_STOP);
    let flag = iamc_env(&always, None, &[("NO_COLOR", "1")]);
    assert_eq!(stdout(&flag), coloured);
    let never = iamc_env(
        &[
            "eval",
            "--policy",
            DEV,
            "--request",
            STOP,
            "--format",
            "pretty",
            "--color",
            "never",
        ],
        None,
        &[("CLICOLOR_FORCE", "1")],
    );
    assert!(!stdout(&never).contains('\u{1b}'));
    // JSON is never coloured.
    let json = iamc_env(&args[..6], None, &[("CLICOLOR_FORCE", "1")]);
    assert!(
        stdout(&json).starts_with("{\"decision\":\"Allow\""),
        "{}",
        stdout(&json)
    );
    // Several answers are separated by a blank line; a malformed line says where it is.
    let o = iamc_line(
        &format!(
            "eval --policy {DEV} --requests examples/requests/malformed.jsonl --format pretty"
        ),
        None,
    );
    assert_eq!(o.status.code(), Some(1));
    let text = stdout(&o);
    let blocks: Vec<&str> = text.split("\n\n").collect();
    assert_eq!(blocks.len(), 5, "{text}");
    assert_eq!(
        blocks[1],
        "examples/requests/malformed.jsonl:2:2: error: unknown field `acton`"
    );
}

fn strip_ansi(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c == 'm' {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[test]
fn a_request_error_says_its_line_and_column_in_the_request_file() {
    let path = temp_file(
        "multi-line-request.json",
        b"{\n  \"action\": \"ecs:StopTask\",\n  \"context\": {\"aws:MultiFactorAuthPresent\": null}\n}\n",
    );
    let p = path.to_str().unwrap();
    let o = iamc(&["eval", "--policy", DEV, "--request", p], None);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stdout(&o),
        "{\"error\":\"3:45: context value for `aws:MultiFactorAuthPresent` must be a string, number, boolean or array of those\"}\n"
    );
    let o = iamc(
        &[
            "eval",
            "--policy",
            DEV,
            "--request",
            p,
            "--format",
            "pretty",
        ],
        None,
    );
    assert_eq!(
        stdout(&o),
        format!("{p}:3:45: error: context value for `aws:MultiFactorAuthPresent` must be a string, number, boolean or array of those\n")
    );
}

#[test]
fn empty_input_says_so() {
    let o = iamc(&["eval", "--policy", DEV], Some(b""));
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).is_empty());
    assert_eq!(stderr(&o), "iamc: warning: no request in standard input\n");
    let blank = temp_file("blank.jsonl", b"\n  \n");
    let b = blank.to_str().unwrap();
    let o = iamc(&["eval", "--policy", DEV, "--requests", b], None);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(stderr(&o), format!("iamc: warning: no request in `{b}`\n"));
    let o = iamc(&["eval", "--policy", DEV, "--request", b], None);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stdout(&o),
        "{\"error\":\"1:1: invalid json: the request is empty\"}\n"
    );
    let empty = temp_file("empty-policy.json", b"");
    let o = iamc(
        &[
            "eval",
            "--policy",
            empty.to_str().unwrap(),
            "--action",
            "s3:GetObject",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    assert_contains(&stderr(&o), ":1:1: error: the policy is empty");
}

#[test]
fn compile_reads_templates_and_directories_as_eval_does() {
    let o = iamc_line(&format!("compile {STACK} --param AWS::Region=us-east-1 --param AWS::AccountId=111122223333 --emit ir"), None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let ir = stdout(&o);
    assert_contains(&ir, "# examples/templates/ecs-stack.yaml#TaskRole.Policies[0] statement 0 sid \"StopClusterTasks\"");
    assert_contains(&ir, "group trust\n");
    // Without the values, nothing is compiled (status 1, as for an invalid policy).
    let out = std::env::temp_dir().join(format!("iamc-cli-{}-stack.iamc", std::process::id()));
    let o = iamc(&["compile", STACK, "-o", out.to_str().unwrap()], None);
    assert_eq!(o.status.code(), Some(1));
    assert!(!out.exists());
    // A directory compiles as its files, sorted.
    let dir = iamc(&["compile", "examples/policies", "--emit", "ir"], None);
    let files = iamc_line(&format!("compile {MFA} {DEV} --emit ir"), None);
    assert_eq!(dir.status.code(), Some(0));
    assert_eq!(stdout(&dir), stdout(&files));
}
