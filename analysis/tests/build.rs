//! The build-step API: `compile_checked` writes the same artifact as the compiler's
//! `compile_set_files`, returns every finding beside it (as `cargo:warning=` lines too), lets a
//! catalog ERROR through to the caller's decision, and refuses what the grammar refuses.

use std::path::{Path, PathBuf};

use iamc_analysis::build::{compile_checked, SetFiles};
use iamc_analysis::findings::{FindingType, IssueCode};

/// A fresh directory under the system's temporary one, for this test only.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("iamc-build-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

const CLEAN: &str = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ecs:ListClusters", "Resource": "*"}]}"#;
/// A WARNING (IAMC_RESOURCE_MISMATCH: StopTask takes tasks) and a SUGGESTION.
const WARNED: &str = "{\"Version\": \"2012-10-17\", \"Statement\": [\n  {\"Effect\": \"Allow\", \"Action\": [\"ecs:StopTask\", \"ecs:StopTask\"], \"Resource\": \"arn:aws:ecs:us-east-1:111122223333:task-definition/web:1\"}]}";
/// A catalog ERROR the grammar accepts.
const TYPO: &str = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ecs:StopTsk", "Resource": "*"}]}"#;
const INVALID: &str = "{\"Version\": \"2012-10-17\",\n \"Statement\": [{\"Effect\": \"allow\", \"Action\": \"ecs:*\", \"Resource\": \"*\"}]}";

#[test]
fn the_artifact_is_the_compilers_and_the_findings_come_beside_it() {
    let dir = scratch("same");
    let files = SetFiles {
        identity: vec![
            write(&dir, "clean.json", CLEAN),
            write(&dir, "warned.json", WARNED),
        ],
        scp: vec![vec![write(&dir, "scp.json", CLEAN)]],
        ..SetFiles::default()
    };
    let ours = dir.join("checked.iamc");
    let report = compile_checked(&files, &ours).unwrap();
    let theirs = dir.join("plain.iamc");
    iamc_compiler::compile_set_files(&files, &theirs).unwrap();
    assert_eq!(
        std::fs::read(&ours).unwrap(),
        std::fs::read(&theirs).unwrap()
    );
    assert_eq!(report.artifact(), ours.as_path());
    assert_eq!(
        report.artifact_bytes(),
        std::fs::metadata(&ours).unwrap().len() as usize
    );
    assert_eq!(report.catalog_version(), iamc_catalog::VERSION);

    let codes: Vec<IssueCode> = report.findings().iter().map(|f| f.issue_code).collect();
    assert!(
        codes.contains(&IssueCode::IamcResourceMismatch),
        "{codes:?}"
    );
    assert!(codes.contains(&IssueCode::RedundantAction), "{codes:?}");
    assert!(!report.fails(FindingType::Error));
    assert!(report.fails(FindingType::Warning));

    let warned = dir.join("warned.json").display().to_string();
    let lines = report.cargo_warnings();
    assert_eq!(lines.lines().count(), report.findings().len());
    let want = format!("cargo:warning={warned}:2:34: IAMC_RESOURCE_MISMATCH: `ecs:StopTask` takes");
    assert!(lines.lines().any(|l| l.starts_with(&want)), "{lines}");
    for l in lines.lines() {
        assert!(l.starts_with(&format!("cargo:warning={warned}:")), "{l}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_catalog_error_is_reported_and_left_to_the_caller() {
    let dir = scratch("typo");
    let files = SetFiles {
        identity: vec![write(&dir, "typo.json", TYPO)],
        ..SetFiles::default()
    };
    let out = dir.join("p.iamc");
    let report = compile_checked(&files, &out).unwrap();
    assert!(out.is_file());
    assert!(report.fails(FindingType::Error));
    assert!(report
        .cargo_warnings()
        .contains("INVALID_ACTION: the action `ecs:StopTsk` does not exist in `ecs`; did you mean `ecs:StopTask`?"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_policy_the_grammar_refuses_writes_no_artifact() {
    let dir = scratch("invalid");
    let bad = write(&dir, "bad.json", INVALID);
    let files = SetFiles {
        identity: vec![write(&dir, "clean.json", CLEAN), bad.clone()],
        ..SetFiles::default()
    };
    let out = dir.join("p.iamc");
    let err = compile_checked(&files, &out).unwrap_err();
    assert!(!out.exists());
    let message = err.to_string();
    assert!(
        message.starts_with(&format!("`{}` is not a valid policy:", bad.display())),
        "{message}"
    );
    assert!(message.contains(":2:27: INVALID_EFFECT:"), "{message}");
    assert!(err
        .findings()
        .iter()
        .any(|f| f.issue_code == IssueCode::InvalidEffect && f.finding_type == FindingType::Error));
    assert!(err.cargo_warnings().contains("INVALID_EFFECT"));

    let missing = SetFiles {
        identity: vec![dir.join("nowhere.json")],
        ..SetFiles::default()
    };
    let err = compile_checked(&missing, &out).unwrap_err();
    assert!(err.to_string().starts_with("cannot read `"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}
