//! The catalog-based findings on the examples of issue 12: each typo gets its code at its span
//! with the nearest known name suggested, the seed's StopTask policy gets
//! IAMC_RESOURCE_MISMATCH, and the JSON path of a key finding names the key.

use iamc_analysis::findings::{
    check, fails, CatalogChecker, CatalogChecks, Finding, FindingType, IssueCode, Options,
    PathElement,
};
use iamc_grammar::ast::PolicyType;
use iamc_grammar::SourceFile;

fn findings(statement: &str) -> (SourceFile, Vec<Finding>) {
    let text = format!("{{\"Version\": \"2012-10-17\", \"Statement\": [{{{statement}}}]}}");
    let src = SourceFile::new("p.json", text.as_str());
    let options = Options {
        catalog: Some(CatalogChecker::shared().unwrap()),
        ..Options::default()
    };
    let found = check(&src, PolicyType::Identity, &options);
    crate::check_table::general_rules(&src, &found);
    (src, found)
}

/// The one finding of `code`, and the text its first span covers.
fn one(statement: &str, code: IssueCode) -> (Finding, String) {
    let (src, found) = findings(statement);
    let mut hits = found.iter().filter(|f| f.issue_code == code);
    let f = hits
        .next()
        .unwrap_or_else(|| panic!("no {code}: {found:#?}"))
        .clone();
    assert!(hits.next().is_none(), "{found:#?}");
    let s = f.locations[0].span;
    let covered: String = src
        .text()
        .chars()
        .skip(s.start.offset)
        .take(s.end.offset - s.start.offset)
        .collect();
    (f, covered)
}

#[test]
fn the_issues_typos_are_errors_with_a_suggestion() {
    let cases = [
        (
            r#""Effect": "Allow", "Action": "ecs:StopTsk", "Resource": "*""#,
            IssueCode::InvalidAction,
            "\"ecs:StopTsk\"",
            "did you mean `ecs:StopTask`?",
        ),
        (
            r#""Effect": "Allow", "Action": "s3:GetObjet", "Resource": "*""#,
            IssueCode::InvalidAction,
            "\"s3:GetObjet\"",
            "did you mean `s3:GetObject`?",
        ),
        (
            r#""Effect": "Allow", "Action": "ecss:StopTask", "Resource": "*""#,
            IssueCode::InvalidServiceInAction,
            "\"ecss:StopTask\"",
            "did you mean `ecs:StopTask`?",
        ),
        (
            r#""Effect": "Allow", "Action": "ecs:*", "Resource": "*", "Condition": {"Bool": {"aws:MultiFactorAuthPresnt": "true"}}"#,
            IssueCode::InvalidGlobalConditionKey,
            "\"aws:MultiFactorAuthPresnt\"",
            "did you mean `aws:MultiFactorAuthPresent`?",
        ),
        (
            r#""Effect": "Allow", "Action": "ecs:RunTask", "Resource": "*", "Condition": {"StringEquals": {"ecs:clustr": "x"}}"#,
            IssueCode::InvalidServiceConditionKey,
            "\"ecs:clustr\"",
            "did you mean `ecs:cluster`?",
        ),
        (
            r#""Effect": "Allow", "Action": "ecs:RunTask", "Resource": "*", "Condition": {"StringEquals": {"ecss:cluster": "x"}}"#,
            IssueCode::InvalidService,
            "\"ecss:cluster\"",
            "did you mean `ecs:cluster`?",
        ),
        (
            r#""Effect": "Allow", "Action": "ecs:*", "Resource": "*", "Condition": {"StringEquals": {"aws:PrincipalTags/team": "x"}}"#,
            IssueCode::InvalidGlobalConditionKey,
            "\"aws:PrincipalTags/team\"",
            "did you mean `aws:PrincipalTag/team`?",
        ),
        (
            r#""Effect": "Allow", "Action": "ecs:RunTask", "Resource": "*", "Condition": {"StringEquals": {"ecs:ResourceTags/Dept": "x"}}"#,
            IssueCode::InvalidServiceConditionKey,
            "\"ecs:ResourceTags/Dept\"",
            "did you mean `ecs:ResourceTag/Dept`?",
        ),
        (
            r#""Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {"StringNotEquals": {"aws:RequestedRegion": "us-eest-1"}}"#,
            IssueCode::InvalidRegion,
            "\"us-eest-1\"",
            "did you mean `us-east-1`?",
        ),
    ];
    for (statement, code, at, hint) in cases {
        let (f, covered) = one(statement, code);
        assert_eq!(f.finding_type, FindingType::Error, "{f:?}");
        assert_eq!(covered, at, "{f:?}");
        assert!(f.details.contains(hint), "{f:?}");
        assert!(fails(&[f], FindingType::Error));
    }
}

#[test]
fn the_seed_stop_task_example() {
    let (_, found) = findings(
        r#""Effect": "Allow", "Action": ["ecs:StopTask"], "Resource": "arn:aws:ecs:region:account_id:task-definition/task_family:*""#,
    );
    let codes: Vec<IssueCode> = found.iter().map(|f| f.issue_code).collect();
    assert_eq!(
        codes,
        [
            IssueCode::IamcResourceMismatch,
            IssueCode::InvalidArnRegion,
            IssueCode::InvalidArnAccount
        ]
    );
    let mismatch = &found[0];
    assert_eq!(mismatch.finding_type, FindingType::Warning);
    assert!(mismatch.details.contains("`task`"), "{mismatch:?}");
    // The action, then the `Resource` value it cannot meet.
    assert_eq!(mismatch.locations.len(), 2);
    assert!(mismatch.learn_more_link.is_none());
}

#[test]
fn a_key_finding_points_at_the_key() {
    let (f, _) = one(
        r#""Effect": "Allow", "Action": "ecs:RunTask", "Resource": "*", "Condition": {"StringEquals": {"ecs:clustr": "x"}}"#,
        IssueCode::InvalidServiceConditionKey,
    );
    assert_eq!(
        f.locations[0].path,
        [
            PathElement::Value("Statement".into()),
            PathElement::Index(0),
            PathElement::Value("Condition".into()),
            PathElement::Value("StringEquals".into()),
            PathElement::Key("ecs:clustr".into()),
        ]
    );
}

#[test]
fn an_arn_field_finding_points_into_the_string() {
    let (f, covered) = one(
        r#""Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3::111122223333:b""#,
        IssueCode::ArnAccountNotAllowed,
    );
    assert_eq!(covered, "111122223333");
    assert!(matches!(
        f.locations[0].path.last(),
        Some(PathElement::Substring { .. })
    ));
}

#[test]
fn the_checker_reports_the_vendored_catalogs_version() {
    let checker = CatalogChecker::shared().unwrap();
    assert_eq!(checker.version(), iamc_catalog::VERSION);
    fn shareable<T: Send + Sync>(_: &T) {}
    shareable(checker);
}

#[test]
fn findings_are_the_same_from_a_fresh_checker_and_a_warm_one() {
    // The ARN cache must not change an answer: one checker asked twice, and a new one.
    let text = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["ecs:StopTask", "ecs:DeleteCluster"], "Resource": ["arn:aws:ecs:us-east-1::cluster/x", "arn:aws:ecs:*:*:task-definition/web:*", "arn:aws:logs:*:*:log-stream:*"]}]}"#;
    let src = SourceFile::new("p.json", text);
    let fresh = CatalogChecker::new(iamc_catalog::Catalog::get().unwrap());
    let run = |c: &CatalogChecker| {
        check(
            &src,
            PolicyType::Identity,
            &Options {
                catalog: Some(c),
                ..Options::default()
            },
        )
    };
    let first = run(&fresh);
    assert_eq!(first, run(&fresh));
    assert_eq!(first, run(CatalogChecker::shared().unwrap()));
    assert!(first
        .iter()
        .any(|f| f.issue_code == IssueCode::MissingArnAccount));
}
