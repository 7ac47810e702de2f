//! The IAM validation pass: a JSON tree to an [`ast::Policy`], or every problem found
//! (spec sections 1, 2, 4 and 6). Walks are bounded by [`crate::lexer::MAX_DEPTH`].
//!
//! [`Validator`] holds the state and the reporting; each concern is one file below:
//! `document` (top level, duplicate keys, `Sid`s), `statement` (statement members, `Effect`,
//! `X`/`NotX` pairs), `actions`, `resources`, `principals` (by policy type) and `conditions`
//! (operators, keys, values).

mod actions;
mod conditions;
mod document;
mod principals;
mod resources;
mod statement;

pub use conditions::{operator_suggestion, parse_operator, OperatorError};

use crate::ast::{self, PolicyType, Spanned, Version};
use crate::diag::clip;
use crate::diag::{path_to, suggest, Diagnostic, IssueCode, Severity};
use crate::json::{Json, Member, Node};
use crate::span::{SourceFile, Span};
use crate::template;

const TOP_LEVEL: [&str; 3] = ["Version", "Id", "Statement"];
const STATEMENT: [&str; 9] = [
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
];
const PRINCIPAL_TYPES: [&str; 4] = ["AWS", "Service", "Federated", "CanonicalUser"];

/// The validator's state: the diagnostics found so far.
pub struct Validator<'a> {
    src: &'a SourceFile,
    kind: PolicyType,
    version: Version,
    diags: Vec<Diagnostic>,
    /// The most diagnostics kept ([`MAX_DIAGNOSTICS`] unless changed).
    max_diagnostics: usize,
    /// Diagnostics past `max_diagnostics`, counted but not kept.
    dropped: usize,
    dropped_errors: usize,
    /// Errors found, kept or not.
    errors: usize,
}

/// The most diagnostics kept for one document; the rest are counted in a final error (a
/// megabyte of broken entries would otherwise render gigabytes).
pub const MAX_DIAGNOSTICS: usize = 100;

/// Identity, boundary, session and SCP policies: no `Principal`, `Resource` required.
fn identity_like(kind: PolicyType) -> bool {
    matches!(
        kind,
        PolicyType::Identity | PolicyType::Boundary | PolicyType::Session | PolicyType::Scp
    )
}

fn kind_name(kind: PolicyType) -> &'static str {
    match kind {
        PolicyType::Identity => "identity policies",
        PolicyType::Resource => "resource policies",
        PolicyType::Trust => "trust policies",
        PolicyType::Boundary => "permissions boundaries",
        PolicyType::Session => "session policies",
        PolicyType::Scp => "service control policies",
        PolicyType::Rcp => "resource control policies",
        PolicyType::Endpoint => "VPC endpoint policies",
    }
}

fn did_you_mean(word: &str, candidates: &[&str]) -> Option<String> {
    suggest(word, candidates)
        .filter(|c| *c != word)
        .map(|c| format!("did you mean `{c}`?"))
}

impl<'a> Validator<'a> {
    pub fn new(src: &'a SourceFile, kind: PolicyType) -> Validator<'a> {
        Validator {
            src,
            kind,
            version: Version::V2008_10_17,
            diags: Vec::new(),
            max_diagnostics: MAX_DIAGNOSTICS,
            dropped: 0,
            dropped_errors: 0,
            errors: 0,
        }
    }

    /// Keeps at most `max` diagnostics instead of [`MAX_DIAGNOSTICS`] (`usize::MAX`: every
    /// one, as an analysis reporting every finding wants).
    pub fn with_max_diagnostics(mut self, max: usize) -> Validator<'a> {
        self.max_diagnostics = max;
        self
    }

    /// Validates the document; `None` when any error was found. Every diagnostic gets its
    /// location path in `root`.
    pub fn policy(&mut self, root: &Node) -> Option<ast::Policy> {
        let policy = self.document(root);
        let src = self.src;
        self.diags = std::mem::take(&mut self.diags)
            .into_iter()
            .map(|d| {
                let path = path_to(src, root, d.span());
                d.with_path(path)
            })
            .collect();
        policy
    }

    /// Every diagnostic kept, plus one summing up those past the limit.
    pub fn into_diagnostics(mut self) -> Vec<Diagnostic> {
        if self.dropped > 0 {
            let last = self.diags.iter().map(|d| d.span().start).max().unwrap_or(0);
            let severity = if self.dropped_errors > 0 {
                Severity::Error
            } else {
                Severity::Warning
            };
            self.diags.push(
                Diagnostic::new(
                    self.src,
                    severity,
                    Span::new(last, last),
                    format!("{} more problems not shown", self.dropped),
                    None,
                )
                .with_code(IssueCode::IamcLimitExceeded),
            );
        }
        self.diags
    }

    fn error(&mut self, span: Span, code: IssueCode, message: impl Into<String>) {
        self.push(Severity::Error, span, code, message.into(), None);
    }

    /// `expected` was not what `v` is: `` `Sid` must be a string, found a number ``.
    fn mismatch(&mut self, v: &Node, expected: impl std::fmt::Display) {
        let message = format!("{expected}, found {}", v.describe());
        self.error(v.span, IssueCode::DataTypeMismatch, message);
    }

    fn error_help(
        &mut self,
        span: Span,
        code: IssueCode,
        message: impl Into<String>,
        help: Option<String>,
    ) {
        self.push(Severity::Error, span, code, message.into(), help);
    }

    fn warning(
        &mut self,
        span: Span,
        code: IssueCode,
        message: impl Into<String>,
        help: Option<String>,
    ) {
        self.push(Severity::Warning, span, code, message.into(), help);
    }

    fn push(
        &mut self,
        severity: Severity,
        span: Span,
        code: IssueCode,
        message: String,
        help: Option<String>,
    ) {
        if severity == Severity::Error {
            self.errors += 1;
        }
        if self.diags.len() < self.max_diagnostics {
            self.diags
                .push(Diagnostic::new(self.src, severity, span, message, help).with_code(code));
        } else {
            self.dropped += 1;
            if severity == Severity::Error {
                self.dropped_errors += 1;
            }
        }
    }

    fn unknown_member(&mut self, m: &Member, candidates: &[&str], what: &str, code: IssueCode) {
        self.error_help(
            m.key_span,
            code,
            format!("unknown {what} `{}`", clip(&m.key)),
            did_you_mean(&m.key, candidates),
        );
    }

    fn error_count(&self) -> usize {
        self.errors
    }

    /// The string value of element `what` (`Id`, `Sid`) at its span; another type is reported.
    fn string_value(&mut self, v: &Node, what: &str) -> Option<Spanned<String>> {
        match &v.value {
            Json::String(s) => Some(Spanned {
                node: s.clone(),
                span: v.span,
            }),
            _ => {
                self.mismatch(v, format!("`{what}` must be a string"));
                None
            }
        }
    }

    /// Every entry of `element` read by `entry`, each at its span: `None` when one was refused
    /// (every entry is still checked, so that each refusal is reported).
    fn each_entry<P>(
        &mut self,
        entries: Vec<(&str, Span)>,
        element: &str,
        mut entry: impl FnMut(&mut Self, &str, Span, &str) -> Option<P>,
    ) -> Option<Vec<Spanned<P>>> {
        let mut patterns = Vec::with_capacity(entries.len());
        let mut ok = true;
        for (s, span) in entries {
            match entry(self, s, span, element) {
                Some(node) => patterns.push(Spanned { node, span }),
                None => ok = false,
            }
        }
        ok.then_some(patterns)
    }

    /// A string or an array of strings (`what` names the element in messages). `None` after
    /// reporting a wrong type.
    fn strings<'n>(&mut self, v: &'n Node, what: &str) -> Option<Vec<(&'n str, Span)>> {
        match &v.value {
            Json::String(s) => Some(vec![(s.as_str(), v.span)]),
            Json::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                let mut ok = true;
                for item in items {
                    match &item.value {
                        Json::String(s) => out.push((s.as_str(), item.span)),
                        _ => {
                            self.mismatch(item, format!("the entries of `{what}` must be strings"));
                            ok = false;
                        }
                    }
                }
                ok.then_some(out)
            }
            _ => {
                self.mismatch(
                    v,
                    format!("`{what}` must be a string or an array of strings"),
                );
                None
            }
        }
    }

    /// Under `2012-10-17`, reports a policy variable where none is allowed.
    fn no_variables(&mut self, s: &str, span: Span, place: impl Fn() -> String) -> bool {
        if self.version == Version::V2012_10_17 && template::has_variable(s) {
            self.error(
                span,
                IssueCode::VariableUnsupportedInElement,
                format!("policy variables are not allowed in {}", place()),
            );
            false
        } else {
            true
        }
    }
}
