//! Findings (`iamc_analysis::findings`) of a file, whatever it holds: a plain policy is checked
//! as it is; each policy of a template or plan is checked on its text and every finding moved to
//! its place *in the file*; the file's own problems and the values nobody knows become
//! findings of iamc's own codes (`IAMC_TEMPLATE`, `IAMC_UNKNOWN_VALUE`).

use iamc_analysis::findings::{self as check, from_diagnostic, Finding, Span as Place};
use iamc_grammar::ast::PolicyType;
use iamc_grammar::{IssueCode, Position, Span};

use super::map::CharIndex;
use super::{read, ExtractedPolicy, Format, Options, Source};

/// Every finding of the file `path` (its content `bytes`), sorted by position: what `iamc
/// check` reports for it.
///
/// A plain policy file is checked as `options.kind` ([`check::check_bytes`]: a file that is
/// not JSON is one `JSON_SYNTAX_ERROR`). A template or plan gives the findings of each policy
/// at its place in the file ([`Source::findings`]). A file that looks like a template (YAML,
/// or JSON naming `Resources`, `AWSTemplateFormatVersion` or `format_version`) but cannot be
/// read gives `IAMC_TEMPLATE` errors at their places.
pub fn check_file(
    path: &str,
    bytes: &[u8],
    options: &Options,
    check_options: &check::Options<'_>,
) -> Vec<Finding> {
    match read(path, bytes, options) {
        Ok(source) if source.format() == Format::Policy => {
            check::check_bytes(path, bytes, options.kind, check_options)
        }
        Ok(source) => source.findings(check_options),
        Err(e) if looks_like_template(path, bytes) => {
            let mut out: Vec<Finding> = e
                .diagnostics()
                .iter()
                .map(|d| from_diagnostic(path, options.kind, IssueCode::IamcTemplate, d))
                .collect();
            sort(&mut out);
            out
        }
        Err(_) => check::check_bytes(path, bytes, options.kind, check_options),
    }
}

/// A file that is meant as a template or plan (so a problem reading it is not a JSON syntax
/// error of a policy): a YAML name, or text naming a template's or plan's top-level member.
fn looks_like_template(path: &str, bytes: &[u8]) -> bool {
    let lower = path.to_ascii_lowercase();
    if lower.ends_with(".yaml") || lower.ends_with(".yml") {
        return true;
    }
    let text = String::from_utf8_lossy(bytes);
    [
        "\"Resources\"",
        "\"AWSTemplateFormatVersion\"",
        "\"format_version\"",
    ]
    .iter()
    .any(|k| text.contains(k))
}

impl Source {
    /// Every finding of the file, sorted by position: its notes (`IAMC_TEMPLATE`, an `ERROR`
    /// when a policy could not be extracted, else a `WARNING`), then each policy's
    /// ([`ExtractedPolicy::findings`]).
    pub fn findings(&self, check_options: &check::Options<'_>) -> Vec<Finding> {
        let mut out: Vec<Finding> = self
            .notes
            .iter()
            .map(|d| {
                from_diagnostic(
                    self.file.name(),
                    PolicyType::Identity,
                    IssueCode::IamcTemplate,
                    d,
                )
            })
            .collect();
        for p in &self.policies {
            out.extend(p.findings(check_options));
        }
        sort(&mut out);
        out
    }
}

impl ExtractedPolicy {
    /// The findings of the policy at their places in the file it was read from: each unknown
    /// value (`IAMC_UNKNOWN_VALUE`, a `WARNING`, or an `ERROR` for a malformed reference),
    /// then the checks of its text, moved into the file. A finding with a location inside an
    /// unknown value's placeholder (the `*` written for it) is dropped: it is about a value
    /// nobody knows (`iam:PassRole` on a `!GetAtt` is not `iam:PassRole` on `*`).
    /// Location paths stay the paths inside the policy document.
    pub fn findings(&self, check_options: &check::Options<'_>) -> Vec<Finding> {
        let template = self.template();
        let mut out: Vec<Finding> = self
            .unknowns
            .iter()
            .map(|u| {
                from_diagnostic(
                    template.name(),
                    self.kind,
                    IssueCode::IamcUnknownValue,
                    &u.diagnostic,
                )
            })
            .collect();
        let text = self.text();
        let chars = CharIndex::new(text);
        let bytes = |p: Position| chars.byte(text, p.offset);
        for mut f in check::check(&self.src, self.kind, check_options) {
            let hidden = f.locations.iter().any(|l| {
                let (s, e) = (bytes(l.span.start), bytes(l.span.end));
                self.unknowns
                    .iter()
                    .any(|u| u.token_span.start <= s && e <= u.token_span.end)
            });
            if hidden {
                continue;
            }
            for l in &mut f.locations {
                let at = self
                    .map
                    .to_template(Span::new(bytes(l.span.start), bytes(l.span.end)));
                l.span = Place {
                    start: Position::of(template, at.span.start),
                    end: Position::of(template, at.span.end),
                };
            }
            f.file = template.name().to_owned();
            out.push(f);
        }
        sort(&mut out);
        out
    }
}

fn sort(list: &mut [Finding]) {
    list.sort_by_key(|f| (f.start(), f.issue_code));
}
