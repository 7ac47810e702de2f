//! Policy test files (`iamc test`, `iamc::testfile`): the repository's own examples pass with
//! full coverage in both engines; a failing case says expected and got with its explanation;
//! coverage lists what no case exercised; schema errors point at their line and column in the
//! test file (JSON and YAML); JUnit XML carries the same.

use iamc_testkit::assert_contains;
use std::path::{Path, PathBuf};

use iamc::testfile::{junit, read, run, Engine, Options, Report, TestFileError};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn run_file(path: &Path, engine: Engine) -> Result<Report, TestFileError> {
    let bytes = std::fs::read(path).unwrap();
    let file = read(&path.to_string_lossy(), &bytes)?;
    run(&file, &Options { engine })
}

/// Reads and runs a test file written to a fresh directory beside the example policies.
fn run_text(name: &str, text: &str) -> Result<Report, TestFileError> {
    let dir = root().join("target/testfile-tests");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    let file = read(&path.to_string_lossy(), text.as_bytes())?;
    run(&file, &Options::default())
}

#[test]
fn testfile_examples_pass_with_full_coverage_in_both_engines() {
    let dir = root().join("examples/tests");
    let files = iamc_testkit::data::entries(&dir);
    assert_eq!(files.len(), 3, "{files:?}");
    for path in &files {
        for engine in [Engine::Compiled, Engine::Reference] {
            let report = run_file(path, engine).unwrap_or_else(|e| panic!("{e}"));
            assert!(report.passed(), "{}", report.to_text());
            assert!(report.cases.len() >= 5);
            assert_eq!(
                report.coverage.covered,
                report.coverage.total,
                "{}",
                report.to_text()
            );
        }
    }
}

#[test]
fn testfile_a_failing_case_says_expected_got_and_why() {
    let text = r#"policies:
  identity: [../../examples/policies/ecs-dev.json, ../../examples/policies/deny-without-mfa.json]
cases:
  - name: run on prod
    action: ecs:RunTask
    resource: arn:aws:ecs:us-east-1:111122223333:task-definition/web:7
    context: {ecs:cluster: "arn:aws:ecs:us-east-1:111122223333:cluster/prod", ecs:task-cpu: 512}
    expect: Allow
  - name: stop with MFA
    action: ecs:StopTask
    resource: arn:aws:ecs:us-east-1:111122223333:task/dev/abc123
    context: {aws:MultiFactorAuthPresent: true}
    expect: Allow
    matched: [StopOwnClusterTasks, List]
"#;
    let report = run_text("failing.yaml", text).unwrap();
    assert!(!report.passed());
    assert_eq!(report.failed(), 2);
    let out = report.to_text();
    let path = root().join("target/testfile-tests/failing.yaml");
    let path = path.to_string_lossy();
    assert!(
        out.starts_with(&format!("{path}: 2 cases, 0 passed, 2 failed\n")),
        "{out}"
    );
    assert_contains(&out, &format!("  FAIL  run on prod ({path}:4:5)\n        expected Allow, got ImplicitDeny (implicitly denied: no identity-based or resource-based policy allows the request)\n"));
    // The explanation names the clause that failed, at its place in the policy file.
    assert_contains(&out, "closest: ../../examples/policies/ecs-dev.json:4:5: Allow statement 0 `RunWebOnDev` (identity)");
    assert_contains(&out, "../../examples/policies/ecs-dev.json:10:23: ArnEquals `ecs:cluster` [\"arn:aws:ecs:us-east-1:111122223333:cluster/dev\"], request \"arn:aws:ecs:us-east-1:111122223333:cluster/prod\": `arn:aws:ecs:us-east-1:111122223333:cluster/prod` matches none of them");
    assert_contains(
        &out,
        "expected `List` to apply; applied: `StopOwnClusterTasks`",
    );
    // Coverage: RunWebOnDev never applied, nor the MFA Deny, nor List.
    assert_eq!((report.coverage.covered, report.coverage.total), (1, 4));
    assert_contains(&out, "  coverage: 1 of 4 statements (25.0%)\n");
    assert_contains(&out, "    not exercised: ../../examples/policies/deny-without-mfa.json:4:5: Deny statement 0 `DenyStopWithoutMfa` (identity)\n");
    // JUnit: one suite, two failures with their messages.
    let xml = junit(&[(path.to_string(), Ok(report))]);
    assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"iamc test\" tests=\"2\" failures=\"2\" errors=\"0\">\n"), "{xml}");
    assert_contains(&xml, "<testcase name=\"run on prod\"");
    assert_contains(&xml, "<failure message=\"expected Allow, got ImplicitDeny (implicitly denied: no identity-based or resource-based policy allows the request)\">");
    assert_contains(
        &xml,
        "<system-out>coverage: 1 of 4 statements (25.0%)</system-out>",
    );
    assert!(xml.ends_with("</testsuites>\n"));
}

#[test]
fn testfile_junit_reports_files_that_could_not_run_as_errors() {
    let err = run_text("bad.yaml", "policies: {identity: nope.json}\ncases: []\n").unwrap_err();
    let xml = junit(&[("bad.yaml".into(), Err(err))]);
    assert_contains(&xml, "tests=\"1\" failures=\"0\" errors=\"1\"");
    assert_contains(&xml, "<error message=\"the test file could not be run\">");
    assert_contains(&xml, "cannot read `nope.json`");
}

#[test]
fn testfile_errors_point_into_the_test_file() {
    let rows: &[(&str, &str, &str)] = &[
        ("a.yaml", "policies:\n  identiy: [p.json]\ncases: []\n", "a.yaml:2:3: error: unknown field `identiy` in `policies` (did you mean `identity`?)"),
        ("b.yaml", "policies: {identity: p.json}\ncases:\n  - action: s3:GetObject\n    expect: Allowed\n", "b.yaml:4:13: error: `expect` must be `Allow`, `ExplicitDeny`, `ImplicitDeny` or `Deny` (either), not `Allowed`"),
        ("c.yaml", "policies: {identity: p.json}\ncases:\n  - expect: Allow\n", "c.yaml:3:5: error: the case has no request"),
        ("d.yaml", "policies: {identity: p.json}\ncases:\n  - action: GetObject\n    expect: Allow\n", "d.yaml:3:13: error: action `GetObject` must have the form `service:Action`"),
        ("e.yaml", "policies: {identity: p.json}\ncases:\n  - action: s3:GetObject\n    request: {action: s3:GetObject}\n    expect: Allow\n", "e.yaml:3:5: error: `action` beside `request` (line 4): give the request one way"),
        ("f.yaml", "policies: {identity: p.json}\ncases:\n  - action: s3:GetObject\n    context: [novalue]\n    expect: Allow\n", "f.yaml:4:15: error: context entry `novalue` must read `KEY=VALUE`"),
        ("g.json", "{\"policies\": {\"identity\": \"p.json\"}, \"cases\": [{\"action\": \"s3:GetObject\", \"expect\": \"Allow\", \"expect\": \"Deny\"}]}", "g.json:1:94: error: duplicate key `expect`"),
        ("h.json", "{\"policies\": {\"identity\": \"p.json\"}, \"cases\": [}", "h.json:1:48: error: invalid JSON"),
        ("i.yaml", "a: &a [x, x, x, x]\nb: &b [*a, *a, *a, *a]\n", "i.yaml:1:1: error: unknown field `a` in a test file"),
        ("j.yaml", "policies: {identity: p.json}\ncases:\n  - action: s3:GetObject\n    context: {aws:SourceIp: 10.0.0.1, AWS:sourceip: 10.0.0.2}\n    expect: Allow\n", "j.yaml:4:39: error: context keys `aws:SourceIp` and `AWS:sourceip` differ only in case"),
        ("k.yaml", "policies: {identity: p.json}\ncases:\n  - action: s3:GetObject\n    expect: Allow\n    matched: [Nope]\n", "k.yaml:5:15: error: `Nope` names no statement of the policies under test"),
        ("l.yaml", "policies: {identity: p.json}\n", "l.yaml:1:1: error: the test file has no `cases`"),
        ("m.yaml", "\"unterminated\n", "m.yaml:"),
    ];
    // k.yaml needs a policy file with a statement.
    let dir = root().join("target/testfile-tests");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("p.json"),
        r#"{"Version":"2012-10-17","Statement":{"Sid":"S","Effect":"Allow","Action":"s3:*","Resource":"*"}}"#,
    )
    .unwrap();
    for (name, text, want) in rows {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        let shown = format!("target/testfile-tests/{name}");
        let e = match read(&shown, text.as_bytes()) {
            Err(e) => e,
            Ok(file) => {
                let mut file = file;
                file.source = iamc_grammar::SourceFile::new(
                    path.to_string_lossy().into_owned(),
                    file.source.text().to_owned(),
                );
                match run(&file, &Options::default()) {
                    Err(e) => e,
                    Ok(r) => panic!("{name} ran: {}", r.to_text()),
                }
            }
        };
        let msg = e
            .message()
            .replace(&dir.to_string_lossy().into_owned(), "target/testfile-tests");
        let want = format!("target/testfile-tests/{want}");
        assert!(msg.starts_with(&want), "{name}:\n{msg}\nwanted: {want}");
    }
}

#[test]
fn testfile_hostile_yaml_is_an_error_not_a_bomb() {
    // A billion laughs: every level multiplies the copies by ten.
    let mut text = String::from("a0: &a0 [\"laugh\"]\n");
    for i in 1..30 {
        let p = i - 1;
        text.push_str(&format!(
            "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
        ));
    }
    let e = read("bomb.yaml", text.as_bytes()).unwrap_err();
    assert!(e.message().starts_with("bomb.yaml:"), "{e}");
    let deep = format!("{}x{}", "[".repeat(300), "]".repeat(300));
    let e = read("deep.yaml", deep.as_bytes()).unwrap_err();
    assert!(e.message().starts_with("deep.yaml:1:"), "{e}");
}
