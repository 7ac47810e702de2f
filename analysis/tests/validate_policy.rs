//! Access Analyzer's recorded `ValidatePolicy` answers (`tests/data/validate-policy/cases` of the
//! repository), checked with the service catalog: iamc reports the same issue code and finding
//! type at the same locations (path and span). The findings iamc does not reproduce are listed
//! in [`SKIPPED`] with the reason, and iamc must not report them; iamc reports nothing else.

use std::path::Path;

use iamc_analysis::findings::{check, CatalogChecker, Finding, Options, PathElement};
use iamc_grammar::ast::PolicyType;
use iamc_grammar::SourceFile;
use serde_json::Value;

use crate::check_table::general_rules;

/// AA findings iamc does not reproduce: (case id, issue code, why).
const SKIPPED: &[(&str, &str, &str)] = &[(
    "tfv-scp-notresource",
    "SCP_SYNTAX_ERROR_NOTRESOURCE",
    "removed from the reference since SCPs gained the full policy language (findings.md 7)",
)];

fn kind(policy_type: &str) -> PolicyType {
    match policy_type {
        "IDENTITY_POLICY" => PolicyType::Identity,
        "RESOURCE_POLICY" => PolicyType::Resource,
        "SERVICE_CONTROL_POLICY" => PolicyType::Scp,
        "RESOURCE_CONTROL_POLICY" => PolicyType::Rcp,
        other => panic!("unknown policyType `{other}`"),
    }
}

/// A location as AA writes it: the path elements and the span's six numbers.
fn aa_location(l: &Value) -> (Vec<String>, [u64; 6]) {
    let path = l["path"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e.to_string())
        .collect();
    let n = |end: &str, f: &str| l["span"][end][f].as_u64().unwrap();
    let span = [
        n("start", "line"),
        n("start", "column"),
        n("start", "offset"),
        n("end", "line"),
        n("end", "column"),
        n("end", "offset"),
    ];
    (path, span)
}

/// The same for an iamc location.
fn iamc_locations(f: &Finding) -> Vec<(Vec<String>, [u64; 6])> {
    f.locations
        .iter()
        .map(|l| {
            let path = l
                .path
                .iter()
                .map(|p| match p {
                    PathElement::Index(i) => format!("{{\"index\":{i}}}"),
                    PathElement::Key(k) => format!("{{\"key\":{}}}", Value::from(k.as_str())),
                    PathElement::Value(k) => format!("{{\"value\":{}}}", Value::from(k.as_str())),
                    PathElement::Substring { start, length } => {
                        format!("{{\"substring\":{{\"length\":{length},\"start\":{start}}}}}")
                    }
                })
                .collect();
            let (s, e) = (l.span.start, l.span.end);
            let span = [s.line, s.column, s.offset, e.line, e.column, e.offset].map(|x| x as u64);
            (path, span)
        })
        .collect()
}

#[test]
fn validate_policy_cases() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/data/validate-policy/cases");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    assert_eq!(paths.len(), 4, "the four recorded cases");
    let (mut compared, mut skipped) = (0, 0);
    for path in &paths {
        let case: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let id = case["id"].as_str().unwrap();
        let text = case["request"]["policyDocument"].as_str().unwrap();
        let src = SourceFile::new(id, text);
        let options = Options {
            catalog: Some(CatalogChecker::shared().unwrap()),
            ..Options::default()
        };
        let findings = check(
            &src,
            kind(case["request"]["policyType"].as_str().unwrap()),
            &options,
        );
        general_rules(&src, &findings);
        // Nothing beyond AA's findings either.
        let aa_codes: Vec<&str> = case["response"]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["issueCode"].as_str().unwrap())
            .filter(|code| !SKIPPED.iter().any(|(c, k, _)| c == &id && k == code))
            .collect();
        let codes: Vec<&str> = findings.iter().map(|f| f.issue_code.as_str()).collect();
        assert_eq!(codes, aa_codes, "{id}");
        for aa in case["response"]["findings"].as_array().unwrap() {
            let code = aa["issueCode"].as_str().unwrap();
            if SKIPPED.iter().any(|(c, k, _)| *c == id && *k == code) {
                skipped += 1;
                assert!(
                    findings.iter().all(|f| f.issue_code.as_str() != code),
                    "{id}: iamc reports {code}, listed as skipped: {findings:#?}"
                );
                continue;
            }
            compared += 1;
            let want: Vec<_> = aa["locations"]
                .as_array()
                .unwrap()
                .iter()
                .map(aa_location)
                .collect();
            let hit = findings.iter().find(|f| f.issue_code.as_str() == code);
            let Some(f) = hit else {
                panic!("{id}: iamc does not report {code}: {findings:#?}");
            };
            assert_eq!(
                f.finding_type.as_str(),
                aa["findingType"].as_str().unwrap(),
                "{id}"
            );
            assert_eq!(iamc_locations(f), want, "{id}: {code} locations");
            assert_eq!(
                f.learn_more_link.as_deref(),
                aa["learnMoreLink"].as_str(),
                "{id}"
            );
        }
    }
    assert_eq!((compared, skipped), (3, 1));
}
