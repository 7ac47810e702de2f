//! The real corpus (`tests/data/policies`, 1,533 AWS managed and documentation policies), each
//! checked as an identity policy: no panic, every finding follows the general rules (spans
//! inside the document, in order), and no ERROR on AWS's own policies except the ones listed in
//! [`EXPECTED_ERRORS`] with the reason. Prints the count of findings per issue code.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use iamc_analysis::findings::{check, FindingType, Options};
use iamc_grammar::ast::PolicyType;
use iamc_grammar::SourceFile;

use crate::check_table::general_rules;

/// The ERROR findings AWS's own policies are expected to get: (file name, issue code, why).
const EXPECTED_ERRORS: &[(&str, &str, &str)] = &[
    (
        "best-practice-abac-department.json",
        "MISSING_ARN_FIELD",
        "the ECS docs write the short ARN `arn:aws:ecs:*`; findings.md 4.1 reports it (‡)",
    ),
    (
        "best-practice-stop-task.json",
        "INVALID_ARN_ACCOUNT",
        "the ECS docs keep the placeholder account `account_id` (the seed example)",
    ),
];

/// The repository's copy of the corpus.
fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/data/policies")
}

/// The policies of the corpus's folders (`aws-managed`, `aws-managed-deprecated`, `ecs`),
/// sorted by path.
fn policy_files(root: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root)
        .unwrap()
        .map(|dir| dir.unwrap().path())
        .filter(|dir| dir.is_dir())
        .flat_map(|dir| std::fs::read_dir(dir).unwrap())
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
}

#[test]
fn corpus_findings() {
    let root = corpus_dir();
    let files = policy_files(&root);
    assert!(files.len() >= 1_500, "{} policies", files.len());
    let mut counts: BTreeMap<&'static str, (usize, usize)> = BTreeMap::new();
    let mut unexpected = Vec::new();
    for path in &files {
        let name = path
            .strip_prefix(&root)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let text = std::fs::read_to_string(path).unwrap();
        let src = SourceFile::new(name.as_str(), text.as_str());
        let findings = check(&src, PolicyType::Identity, &Options::default());
        general_rules(&src, &findings);
        let mut seen = Vec::new();
        for f in &findings {
            let entry = counts.entry(f.issue_code.as_str()).or_default();
            entry.0 += 1;
            if !seen.contains(&f.issue_code) {
                seen.push(f.issue_code);
                entry.1 += 1;
            }
            let file = path.file_name().unwrap().to_string_lossy();
            let listed = EXPECTED_ERRORS
                .iter()
                .any(|(n, c, _)| *n == file && *c == f.issue_code.as_str());
            if f.finding_type == FindingType::Error && !listed {
                let p = f.start();
                unexpected.push(format!(
                    "{name}:{}:{}: {}: {}",
                    p.line,
                    p.column + 1,
                    f.issue_code,
                    f.details
                ));
            }
        }
    }
    eprintln!(
        "findings per issue code over {} policies (findings, policies):",
        files.len()
    );
    for (code, (n, p)) in &counts {
        eprintln!("  {code}: {n} in {p}");
    }
    assert!(
        unexpected.is_empty(),
        "{} unexpected ERROR findings:\n{}",
        unexpected.len(),
        unexpected.join("\n")
    );
}
