//! A policy document as the readers found it, before it is written as the JSON text the grammar
//! parses: values whose strings may hold unknown parts (intrinsic functions that cannot be
//! resolved, values known only after `terraform apply`).

use iamc_grammar::ast::PolicyType;
use iamc_grammar::{Severity, Span};

use super::map::Mapped;

/// A value that could not be resolved, where it is written in the template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct UnknownInfo {
    pub span: Span,
    pub message: String,
    pub help: Option<String>,
    /// `Warning` for a value known only at deployment; `Error` for a malformed or dangling one
    /// (CloudFormation would refuse the template).
    pub severity: Severity,
}

impl UnknownInfo {
    pub fn warning(span: Span, message: impl Into<String>) -> UnknownInfo {
        UnknownInfo {
            span,
            message: message.into(),
            help: None,
            severity: Severity::Warning,
        }
    }

    pub fn error(span: Span, message: impl Into<String>) -> UnknownInfo {
        UnknownInfo {
            severity: Severity::Error,
            ..UnknownInfo::warning(span, message)
        }
    }

    pub fn help(mut self, help: impl Into<String>) -> UnknownInfo {
        self.help = Some(help.into());
        self
    }
}

/// A piece of a string: text with its map, or an unknown value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Part {
    Known(Mapped),
    Unknown(UnknownInfo),
}

/// A resolved value; `span` is the template node it was written as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum RValue {
    Null(Span),
    Bool(bool, Span),
    Number(Mapped, Span),
    /// A string of known and unknown parts (a value unknown as a whole is one unknown part).
    Str(Vec<Part>, Span),
    Seq(Vec<RValue>, Span),
    /// Key (with its map and span) and value.
    Map(Vec<(Mapped, Span, RValue)>, Span),
}

impl RValue {
    pub fn span(&self) -> Span {
        match self {
            RValue::Null(s)
            | RValue::Bool(_, s)
            | RValue::Number(_, s)
            | RValue::Str(_, s)
            | RValue::Seq(_, s)
            | RValue::Map(_, s) => *s,
        }
    }
}

/// A policy document: an object (to be written as JSON), or the JSON text held in a string
/// (a Terraform attribute, a CloudFormation document written as a string).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Doc {
    Value(RValue),
    Text(Vec<Part>),
}

/// One policy found in a template, not yet written out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Draft {
    pub name: String,
    pub kind: PolicyType,
    pub doc: Doc,
    /// The document's node in the template.
    pub span: Span,
}

/// The written text of a document, with where each unknown value's placeholder is.
pub(crate) struct Written {
    pub text: Mapped,
    pub unknowns: Vec<(UnknownInfo, Span)>,
}

/// The placeholder written for an unknown value: a wildcard, so that the text around it still
/// validates (`arn:aws:s3:::*/logs`). Diagnostics inside it are not reported, and a policy
/// with any placeholder is never decided (see DESIGN.md, "Policies in templates").
pub(crate) const PLACEHOLDER: &str = "*";

pub(crate) fn write(doc: &Doc) -> Written {
    let mut w = Written {
        text: Mapped::new(),
        unknowns: Vec::new(),
    };
    match doc {
        Doc::Value(v) => w.value(v),
        Doc::Text(parts) => w.parts(parts, false),
    }
    w
}

impl Written {
    // INVARIANT (tree-depth): a resolved value is no deeper than the template tree it came
    // from, so this recursion is shallow.
    fn value(&mut self, v: &RValue) {
        let empty = |p: usize| Span::new(p, p);
        match v {
            RValue::Null(s) => self.text.push("null", *s, false),
            RValue::Bool(b, s) => self.text.push(if *b { "true" } else { "false" }, *s, false),
            RValue::Number(m, _) => self.text.append(m),
            RValue::Str(parts, s) => {
                self.text.push("\"", empty(s.start), false);
                self.parts(parts, true);
                self.text.push("\"", empty(s.end), false);
            }
            RValue::Seq(items, s) => {
                self.text.push("[", empty(s.start), false);
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        self.text.push(",", empty(item.span().start), false);
                    }
                    self.value(item);
                }
                self.text.push("]", empty(s.end), false);
            }
            RValue::Map(entries, s) => {
                self.text.push("{", empty(s.start), false);
                for (i, (key, key_span, value)) in entries.iter().enumerate() {
                    if i > 0 {
                        self.text.push(",", empty(key_span.start), false);
                    }
                    self.text
                        .push_json_string(key, empty(key_span.start), empty(key_span.end));
                    self.text.push(":", empty(key_span.end), false);
                    self.value(value);
                }
                self.text.push("}", empty(s.end), false);
            }
        }
    }

    /// The parts of a string, escaped for a JSON literal or (a document held in a string)
    /// as they are.
    fn parts(&mut self, parts: &[Part], escaped: bool) {
        for part in parts {
            match part {
                Part::Known(m) if escaped => self.text.push_escaped(m),
                Part::Known(m) => self.text.append(m),
                Part::Unknown(info) => {
                    let at = self.text.len();
                    self.text.push(PLACEHOLDER, info.span, false);
                    self.unknowns
                        .push((info.clone(), Span::new(at, self.text.len())));
                }
            }
        }
    }
}
