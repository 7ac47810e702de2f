//! `check`: the findings and their renderings on arbitrary bytes.

use iamc_analysis::findings::{
    check_bytes, render, CatalogChecker, CatalogChecks, Options, Position,
};
use iamc_grammar::ast::PolicyType;

/// The position of character offset `offset` of `text` (line from 1, column from 0).
fn position(text: &str, offset: usize) -> Position {
    let (mut line, mut column) = (1, 0);
    for c in text.chars().take(offset) {
        if c == '\n' {
            line += 1;
            column = 0;
        } else {
            column += 1;
        }
    }
    Position {
        line,
        column,
        offset,
    }
}

/// `check`: arbitrary bytes through `iamc check`'s findings
/// (`iamc_analysis::findings::check_bytes`) with the service catalog's checks, as the policy
/// type the input length picks, with and without the managed-policy rules: never panics; every finding has a location; every span is
/// ordered and inside the document, and its line and column agree with its offset; the findings
/// come sorted; the three renderers never panic and name every finding.
pub fn check(data: &[u8]) {
    let kind = PolicyType::ALL[data.len() % PolicyType::ALL.len()];
    let catalog = CatalogChecker::shared().expect("the vendored catalog loads");
    let options = Options {
        managed: data.len() % 16 >= 8,
        catalog: Some(catalog),
        ..Options::default()
    };
    let findings = check_bytes("fuzz.json", data, kind, &options);
    // Spans of text that is not UTF-8 refer to its lossy decoding, as `check_bytes` says.
    let text = String::from_utf8_lossy(data);
    let chars = text.chars().count();
    let mut last = Position::default();
    for f in &findings {
        assert!(!f.locations.is_empty(), "{f:?}");
        assert!(f.start() >= last, "findings out of order: {findings:#?}");
        last = f.start();
        assert!(!f.details.is_empty());
        for l in &f.locations {
            let (s, e) = (l.span.start, l.span.end);
            assert!(s.offset <= e.offset && e.offset <= chars, "{f:?}");
            assert_eq!(s, position(&text, s.offset), "{f:?}");
            assert_eq!(e, position(&text, e.offset), "{f:?}");
        }
    }
    let lines = render::text(&findings);
    assert_eq!(lines.lines().count(), findings.len());
    let json = render::json(&findings, Some(catalog.version()));
    let sarif = render::sarif(&findings, Some(catalog.version()));
    for f in &findings {
        assert!(json.contains(f.issue_code.as_str()));
        assert!(sarif.contains(f.issue_code.as_str()));
    }
}
