//! Findings: Access Analyzer's `ValidatePolicy` checks, offline, at exact spans
//! (`../shared/spec/findings.md`).
//!
//! [`check`] takes one policy's text and type and returns every finding: the grammar's
//! diagnostics with their issue codes (a document that is not JSON gives one
//! `JSON_SYNTAX_ERROR` and nothing else), then every check of the spec that needs no service
//! catalog, run on the JSON tree even where the grammar found errors (Access Analyzer reports
//! every finding), then the catalog's checks when [`Options::catalog`] provides them. Each
//! finding is one occurrence (each bad action, each statement) at the span of the element at
//! fault; findings come sorted by position.
//!
//! [`render`] prints findings as text, as one JSON document shaped like `ValidatePolicy`'s
//! answer, or as SARIF 2.1.0 for code scanning.
//!
//! ```
//! use iamc_analysis::findings::{check, FindingType, IssueCode, Options};
//! use iamc_grammar::{ast::PolicyType, SourceFile};
//!
//! let src = SourceFile::new(
//!     "deny.json",
//!     r#"{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Action": "ecs:*",
//!        "Resource": "*", "Condition": {"NumericGreaterThan": {"aws:MultiFactorAuthAge": "1h"}}}}"#,
//! );
//! let findings = check(&src, PolicyType::Identity, &Options::default());
//! assert_eq!(findings[0].issue_code, IssueCode::TypeMismatchNumber);
//! assert_eq!(findings[0].finding_type, FindingType::Error);
//! assert_eq!(findings[0].locations[0].span.start.line, 2);
//! ```

pub mod catalog;
mod checks;
mod cover;
pub mod doc;
mod glob;
mod positions;
pub mod render;

use iamc_grammar::ast::PolicyType;
use iamc_grammar::validate::Validator;
use iamc_grammar::{parse_json_with, Diagnostic, Limits, SourceFile, Span as Bytes};

pub use catalog::CatalogChecker;
pub use iamc_grammar::{FindingType, IssueCode, PathElement, Position};

use doc::Document;
use positions::Positions;

/// A span as Access Analyzer gives it: `start` inclusive, `end` exclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    pub start: Position,
    pub end: Position,
}

/// Where a finding is: the path of the element in the JSON tree and its span.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Location {
    pub path: Vec<PathElement>,
    pub span: Span,
}

/// One finding of one policy document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The policy's name (a path as given on the command line).
    pub file: String,
    /// The type the policy was checked as.
    pub policy_type: PolicyType,
    pub finding_type: FindingType,
    pub issue_code: IssueCode,
    /// What is wrong and what to change, with the offending values filled in.
    pub details: String,
    /// The code's section of Access Analyzer's check reference; `None` for iamc's own codes.
    pub learn_more_link: Option<String>,
    /// At least one; the first is the element at fault, any others point at related elements
    /// (the earlier statement a statement repeats, the first of two equal `Sid`s).
    pub locations: Vec<Location>,
}

impl Finding {
    /// The start of the first location.
    pub fn start(&self) -> Position {
        self.locations
            .first()
            .map_or_else(Position::default, |l| l.span.start)
    }
}

/// Checks that need AWS's service catalog (unknown actions, condition keys of the wrong type,
/// ARNs of no resource type, ...): implemented by the catalog crate's adapter and run after
/// the checks of this module.
pub trait CatalogChecks {
    /// The catalog's version, printed in the JSON output.
    fn version(&self) -> &str;
    /// Adds the findings of `doc` through `out`.
    fn check(&self, doc: &Document<'_>, out: &mut Findings<'_>);
}

/// How to check.
#[derive(Clone, Copy, Default)]
pub struct Options<'c> {
    /// CreatePolicy's extra rules for managed policies: `Version` must be `2012-10-17`, and the
    /// 6,144-character quota is an error.
    pub managed: bool,
    /// The grammar's size limits; a document over one gets only that finding.
    pub limits: Limits,
    /// The catalog's checks, when a catalog is available.
    pub catalog: Option<&'c dyn CatalogChecks>,
}

/// Every finding of one policy document, sorted by position (then issue code).
pub fn check(src: &SourceFile, kind: PolicyType, options: &Options<'_>) -> Vec<Finding> {
    let positions = Positions::new(src);
    let root = match parse_json_with(src, &options.limits) {
        Ok(root) => root,
        Err(diags) => {
            let mut out = Findings::empty(src, kind, &positions);
            for d in &diags {
                out.diagnostic(d);
            }
            return out.finish();
        }
    };
    let mut validator = Validator::new(src, kind).with_max_diagnostics(usize::MAX);
    let _policy = validator.policy(&root);
    let doc = Document::new(src, &root, kind);
    let mut out = Findings::new(&doc, &positions);
    for d in &validator.into_diagnostics() {
        out.diagnostic(d);
    }
    checks::run(&doc, options, &mut out);
    if let Some(catalog) = options.catalog {
        catalog.check(&doc, &mut out);
    }
    out.finish()
}

/// [`check`] for raw bytes: text that is not UTF-8 gives one `JSON_SYNTAX_ERROR` at the first
/// bad byte.
pub fn check_bytes(
    name: &str,
    bytes: &[u8],
    kind: PolicyType,
    options: &Options<'_>,
) -> Vec<Finding> {
    match std::str::from_utf8(bytes) {
        Ok(text) => check(&SourceFile::new(name, text), kind, options),
        Err(e) => {
            let at = e.valid_up_to();
            let src = SourceFile::new(name, String::from_utf8_lossy(bytes).into_owned());
            let positions = Positions::new(&src);
            let mut out = Findings::empty(&src, kind, &positions);
            out.push(
                IssueCode::JsonSyntaxError,
                &[Bytes::new(at, at + 1)],
                format!("the policy is not valid UTF-8 (byte {at})"),
            );
            out.finish()
        }
    }
}

/// A diagnostic made on the file `file` as a finding of `code`, at the diagnostic's span and
/// location path: an `ERROR` when the diagnostic is an error (the policy is refused by `compile`
/// and `eval`), else the code's own finding type; a help joins the details after `; `.
pub fn from_diagnostic(file: &str, kind: PolicyType, code: IssueCode, d: &Diagnostic) -> Finding {
    let finding_type = if d.is_error() {
        FindingType::Error
    } else {
        code.finding_type()
    };
    let details = match d.help() {
        Some(help) => format!("{}; {help}", d.message()),
        None => d.message().to_owned(),
    };
    Finding {
        file: file.to_owned(),
        policy_type: kind,
        finding_type,
        issue_code: code,
        details,
        learn_more_link: code.learn_more_link(),
        locations: vec![Location {
            path: d.path().to_vec(),
            span: Span {
                start: d.start(),
                end: d.end(),
            },
        }],
    }
}

/// Whether some finding is at least as serious as `threshold` (`iamc check`'s exit status).
pub fn fails(findings: &[Finding], threshold: FindingType) -> bool {
    findings.iter().any(|f| f.finding_type >= threshold)
}

/// The name of a policy type in the JSON output: Access Analyzer's validation types, with
/// boundaries and session policies checked as identity policies and VPC endpoint policies as
/// resource policies (findings.md 1).
pub fn policy_type_name(kind: PolicyType) -> &'static str {
    match kind {
        PolicyType::Identity | PolicyType::Boundary | PolicyType::Session => "identity",
        PolicyType::Resource | PolicyType::Endpoint => "resource",
        PolicyType::Trust => "trust",
        PolicyType::Scp => "scp",
        PolicyType::Rcp => "rcp",
    }
}

/// The findings of one document as they are found: each with its location path and positions.
pub struct Findings<'d> {
    src: &'d SourceFile,
    root: Option<&'d iamc_grammar::json::Node>,
    kind: PolicyType,
    positions: &'d Positions<'d>,
    list: Vec<Finding>,
}

impl<'d> Findings<'d> {
    fn new(doc: &Document<'d>, positions: &'d Positions<'d>) -> Findings<'d> {
        Findings {
            src: doc.src(),
            root: Some(doc.root()),
            kind: doc.kind(),
            positions,
            list: Vec::new(),
        }
    }

    fn empty(src: &'d SourceFile, kind: PolicyType, positions: &'d Positions<'d>) -> Findings<'d> {
        Findings {
            src,
            root: None,
            kind,
            positions,
            list: Vec::new(),
        }
    }

    fn location(&self, span: Bytes) -> Location {
        let path = match self.root {
            Some(root) => iamc_grammar::diag::path_to(self.src, root, span),
            None => Vec::new(),
        };
        Location {
            path,
            span: Span {
                start: self.positions.at(span.start),
                end: self.positions.at(span.end),
            },
        }
    }

    /// Reports `code` at `spans` (the first is the element at fault) with the code's finding
    /// type.
    pub fn push(&mut self, code: IssueCode, spans: &[Bytes], details: String) {
        self.push_as(code, code.finding_type(), spans, details);
    }

    /// Reports `code` with a finding type of its own (a managed-policy rule raises a warning to
    /// an error).
    pub fn push_as(
        &mut self,
        code: IssueCode,
        finding_type: FindingType,
        spans: &[Bytes],
        details: String,
    ) {
        let locations = if spans.is_empty() {
            vec![self.location(self.root.map_or_else(Bytes::default, |r| r.span))]
        } else {
            spans.iter().map(|&s| self.location(s)).collect()
        };
        self.list.push(Finding {
            file: self.src.name().to_owned(),
            policy_type: self.kind,
            finding_type,
            issue_code: code,
            details,
            learn_more_link: code.learn_more_link(),
            locations,
        });
    }

    /// A grammar diagnostic as a finding: its code ([`from_diagnostic`]; `JSON_SYNTAX_ERROR`
    /// without one).
    fn diagnostic(&mut self, d: &Diagnostic) {
        let code = d.code().unwrap_or(IssueCode::JsonSyntaxError);
        self.list
            .push(from_diagnostic(self.src.name(), self.kind, code, d));
    }

    /// Sorted by position then code; one finding per code and place (a check that repeats a
    /// grammar diagnostic, such as the `Sid` rules of identity policies, adds its other
    /// locations and the more serious finding type, not a second finding).
    fn finish(mut self) -> Vec<Finding> {
        self.list
            .sort_by_key(|f| (f.locations.first().map(|l| l.span), f.issue_code));
        let mut out: Vec<Finding> = Vec::with_capacity(self.list.len());
        for f in self.list {
            match out.last_mut() {
                Some(last)
                    if last.issue_code == f.issue_code
                        && last.locations.first() == f.locations.first() =>
                {
                    last.finding_type = last.finding_type.max(f.finding_type);
                    if f.locations.len() > last.locations.len() {
                        last.locations = f.locations;
                    }
                }
                _ => out.push(f),
            }
        }
        out
    }
}
