//! The check table: every row of `data/checks.txt` is a policy with the span of the expected
//! finding marked, run through `check` by this one driver. Each check has a positive row (its
//! code at exactly the marked span) and a negative row (its code absent). Every finding of
//! every row is also held to the general rules: at least one location, spans inside the
//! document and in order, and the location path of the span.
use std::collections::BTreeSet;

use iamc_analysis::findings::{
    check, CatalogChecker, CatalogChecks, Finding, FindingType, IssueCode, Options,
};
use iamc_grammar::ast::PolicyType;
use iamc_grammar::{Position, SourceFile};

/// Codes iamc does not emit (findings.md 6: they need data it cannot see), which the table
/// holds negative rows for only.
const NOT_EMITTED: [&str; 1] = ["POLICY_SIZE_EXCEEDS_RESOURCE_POLICY_QUOTA"];

const OPEN: &str = ">>>";
const CLOSE: &str = "<<<";

struct Case {
    name: String,
    line: usize,
    kind: PolicyType,
    managed: bool,
    /// Checked with the service catalog's checks too.
    catalog: bool,
    /// The codes expected at the marked span, each with the finding type when one is given.
    expect: Vec<(IssueCode, Option<FindingType>)>,
    absent: Vec<IssueCode>,
    /// The policy with its span markers.
    text: String,
}

fn kind(s: &str) -> PolicyType {
    PolicyType::from_name(s).unwrap_or_else(|| panic!("unknown type `{s}`"))
}

fn finding_type(s: &str) -> FindingType {
    [
        FindingType::Error,
        FindingType::SecurityWarning,
        FindingType::Warning,
        FindingType::Suggestion,
    ]
    .into_iter()
    .find(|t| t.as_str() == s)
    .unwrap_or_else(|| panic!("unknown finding type `{s}`"))
}

fn code(s: &str) -> IssueCode {
    IssueCode::from_name(s.trim()).unwrap_or_else(|| panic!("unknown issue code `{s}`"))
}

/// Reads the table: `== name` starts a case; `type:`, `expect:`, `absent:`, `managed`,
/// `catalog` (the service catalog's checks run too) and `statement` (the text is the members
/// of one statement of a 2012-10-17 policy) are directives; every other line up to the next case is policy text. Lines starting with `#` are
/// comments.
fn cases(table: &str) -> Vec<Case> {
    let mut out: Vec<Case> = Vec::new();
    let mut wrap = false;
    let mut body: Vec<&str> = Vec::new();
    let finish = |case: Option<&mut Case>, body: &mut Vec<&str>, wrap: bool| {
        if let Some(c) = case {
            let text = body.join("\n");
            c.text = if wrap {
                format!("{{\"Version\": \"2012-10-17\", \"Statement\": [{{{text}}}]}}")
            } else {
                text
            };
        }
        body.clear();
    };
    for (n, line) in table.lines().enumerate() {
        if let Some(name) = line.strip_prefix("== ") {
            finish(out.last_mut(), &mut body, wrap);
            wrap = false;
            out.push(Case {
                name: name.to_owned(),
                line: n + 1,
                kind: PolicyType::Identity,
                managed: false,
                catalog: false,
                expect: Vec::new(),
                absent: Vec::new(),
                text: String::new(),
            });
            continue;
        }
        if line.starts_with('#') {
            continue;
        }
        let Some(case) = out.last_mut() else {
            assert!(line.trim().is_empty(), "line {} is outside a case", n + 1);
            continue;
        };
        if body.is_empty() {
            if let Some(t) = line.strip_prefix("type: ") {
                case.kind = kind(t.trim());
                continue;
            }
            if let Some(c) = line.strip_prefix("expect: ") {
                let mut words = c.split_whitespace();
                let c = code(words.next().unwrap_or_default());
                case.expect.push((c, words.next().map(finding_type)));
                continue;
            }
            if let Some(c) = line.strip_prefix("absent: ") {
                case.absent.push(code(c));
                continue;
            }
            if line == "managed" {
                case.managed = true;
                continue;
            }
            if line == "catalog" {
                case.catalog = true;
                continue;
            }
            if line == "statement" {
                wrap = true;
                continue;
            }
        }
        body.push(line);
    }
    finish(out.last_mut(), &mut body, wrap);
    for c in &mut out {
        while c.text.ends_with('\n') {
            c.text.pop();
        }
    }
    out
}

/// `@@N@@` replaced by N letters `a`.
fn expand(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find("@@") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 2..];
        let end = after.find("@@").expect("unclosed @@");
        let n: usize = after[..end].parse().expect("@@N@@ with a number");
        out.push_str(&"a".repeat(n));
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    out
}

/// The text without its markers, and the marked byte range.
fn unmark(text: &str) -> (String, Option<(usize, usize)>) {
    match (text.find(OPEN), text.find(CLOSE)) {
        (Some(a), Some(b)) if a < b => {
            let clean = format!(
                "{}{}{}",
                &text[..a],
                &text[a + OPEN.len()..b],
                &text[b + CLOSE.len()..]
            );
            (clean, Some((a, b - OPEN.len())))
        }
        (None, None) => (text.to_owned(), None),
        _ => panic!("unbalanced span markers in {text}"),
    }
}

/// The rules every finding follows, whatever the check.
pub(crate) fn general_rules(src: &SourceFile, findings: &[Finding]) {
    let end = Position::of(src, src.text().len());
    let mut last = Position::default();
    for f in findings {
        assert!(!f.locations.is_empty(), "{f:?} has no location");
        assert!(f.start() >= last, "findings out of order: {findings:#?}");
        last = f.start();
        for l in &f.locations {
            assert!(
                l.span.start <= l.span.end && l.span.end <= end,
                "{f:?} is outside the document"
            );
        }
        assert!(!f.details.is_empty());
        assert_eq!(f.learn_more_link, f.issue_code.learn_more_link());
    }
}

#[test]
fn check_table() {
    let table = include_str!("data/checks.txt");
    let cases = cases(table);
    let mut failures = Vec::new();
    let mut positive: BTreeSet<&'static str> = BTreeSet::new();
    let mut negative: BTreeSet<&'static str> = BTreeSet::new();
    for case in &cases {
        let (text, marked) = unmark(&expand(&case.text));
        let src = SourceFile::new("p.json", text.as_str());
        let checker = CatalogChecker::shared().unwrap();
        let options = Options {
            managed: case.managed,
            catalog: case.catalog.then_some(checker as &dyn CatalogChecks),
            ..Options::default()
        };
        let findings = check(&src, case.kind, &options);
        general_rules(&src, &findings);
        let shown = || {
            findings
                .iter()
                .map(|f| {
                    let s = f.locations[0].span;
                    format!(
                        "  {} {:?} {}:{}-{}:{} {}",
                        f.issue_code,
                        f.finding_type,
                        s.start.line,
                        s.start.column,
                        s.end.line,
                        s.end.column,
                        f.details
                    )
                })
                .collect::<Vec<_>>()
                .join("\n")
        };
        for &(code, ty) in &case.expect {
            positive.insert(code.as_str());
            let Some((a, b)) = marked else {
                failures.push(format!(
                    "{} (line {}): no span marked",
                    case.name, case.line
                ));
                continue;
            };
            let want = (Position::of(&src, a), Position::of(&src, b));
            let hit = findings.iter().any(|f| {
                f.issue_code == code && (f.locations[0].span.start, f.locations[0].span.end) == want
            });
            if !hit {
                failures.push(format!(
                    "{} (line {}): expected {code} {ty:?} at {}:{}-{}:{}, got\n{}",
                    case.name,
                    case.line,
                    want.0.line,
                    want.0.column,
                    want.1.line,
                    want.1.column,
                    shown()
                ));
            }
        }
        for &code in &case.absent {
            negative.insert(code.as_str());
            if findings.iter().any(|f| f.issue_code == code) {
                failures.push(format!(
                    "{} (line {}): {code} should be absent, got\n{}",
                    case.name,
                    case.line,
                    shown()
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    let untested: Vec<&&str> = positive
        .symmetric_difference(&negative)
        .filter(|c| !NOT_EMITTED.contains(c))
        .collect();
    assert!(
        untested.is_empty(),
        "codes with a positive row but no negative row, or the reverse: {untested:?}"
    );
    eprintln!("{} cases, {} codes", cases.len(), positive.len());
    assert!(cases.len() > 200, "{} cases", cases.len());
}
