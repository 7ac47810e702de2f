//! `iamc eval --explain`: a [`Diagnosis`] (from either engine) as the JSON line and the text
//! the command line prints, with every place as `file:line:column` when the policy texts are at
//! hand.
//!
//! The engines report places as byte spans of the policy texts ([`Span`]); a [`Locate`] turns
//! them into lines and columns: [`Texts`] knows the policy files given on the command line and
//! the policies read from templates (whose places are in the template). An artifact alone
//! carries no text: its places are then printed as byte offsets ([`NoTexts`]).
//!
//! ```
//! use iamc::explain::{diagnosis_to_json, Texts};
//! use iamc_grammar::{ast::PolicyType, PolicySet, SourceFile};
//!
//! let src = SourceFile::new("p.json", r#"{"Version":"2012-10-17","Statement":{"Sid":"Mfa",
//!   "Effect":"Allow","Action":"ecs:StopTask","Resource":"*",
//!   "Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}}"#);
//! let policy = iamc_grammar::parse_policy(&src, PolicyType::Identity)?.policy;
//! let set = iamc::reference::PolicySet::new(vec![policy]);
//! let d = set.diagnose(&iamc_runtime::Request::new("ecs:StopTask", "*"));
//! let mut texts = Texts::new();
//! texts.add_file(src);
//! let line = diagnosis_to_json(&d, &texts);
//! assert!(line.contains(r#""failure":"missing""#));
//! assert!(line.contains(r#""at":{"file":"p.json","line":3,"column":24}"#));
//! assert!(line.ends_with(r#""missing_context_values":["aws:MultiFactorAuthPresent"]}"#));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::HashMap;
use std::fmt::Write as _;

use iamc_grammar::SourceFile;
use iamc_runtime::diagnosis::{FailedCondition, Span};
use iamc_runtime::{Diagnosis, MatchedStatement, Scalar, Value};

use iamc_grammar::json::write_array;

use crate::io::{write_json_string, write_statement};
use crate::sources::ExtractedPolicy;

/// A place in a file: 1-based line and column (in characters).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The file: the policy file, or the template a policy was read from.
    pub file: String,
    pub line: usize,
    pub column: usize,
}

/// Turns a span of a policy's text into a place in a file.
pub trait Locate {
    /// Where bytes `span` of the policy named `policy` are, if its text is known.
    fn locate(&self, policy: &str, span: Span) -> Option<Location>;
}

/// No texts (an artifact alone): every place is reported as its byte offset.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoTexts;

impl Locate for NoTexts {
    fn locate(&self, _: &str, _: Span) -> Option<Location> {
        None
    }
}

/// The policy texts of a set, by policy name: plain files, and policies read from templates
/// (whose places are mapped into the template).
#[derive(Debug, Clone, Default)]
pub struct Texts {
    files: HashMap<String, Text>,
}

#[derive(Debug, Clone)]
enum Text {
    Plain(SourceFile),
    Extracted(Box<ExtractedPolicy>),
}

impl Texts {
    pub fn new() -> Texts {
        Texts::default()
    }

    /// A policy file, named as the policy is (`SourceFile::name`).
    pub fn add_file(&mut self, src: SourceFile) {
        self.files.insert(src.name().to_owned(), Text::Plain(src));
    }

    /// A policy read from a template or plan, named by its qualified name
    /// (`stack.yaml#MyRole.Policies[0]`); its places are reported in the template.
    pub fn add_extracted(&mut self, p: ExtractedPolicy) {
        self.files
            .insert(p.qualified_name().to_owned(), Text::Extracted(Box::new(p)));
    }

    /// The text of a policy, if known.
    pub fn text(&self, policy: &str) -> Option<&str> {
        self.files.get(policy).map(|t| match t {
            Text::Plain(src) => src.text(),
            Text::Extracted(p) => p.text(),
        })
    }
}

impl Locate for Texts {
    fn locate(&self, policy: &str, span: Span) -> Option<Location> {
        let start = span.start as usize;
        match self.files.get(policy)? {
            Text::Plain(src) => {
                let (line, column) = src.line_col(start);
                Some(Location {
                    file: src.name().to_owned(),
                    line,
                    column,
                })
            }
            Text::Extracted(p) => {
                let at = p
                    .map()
                    .to_template(iamc_grammar::Span::new(start, span.end as usize));
                Some(Location {
                    file: p.template().name().to_owned(),
                    line: at.line,
                    column: at.col,
                })
            }
        }
    }
}

/// Appends `"at":{...}`: the file, line and column, or the byte offset when the text is not
/// known.
fn write_at(out: &mut String, at: &dyn Locate, policy: &str, span: Span) {
    out.push_str("\"at\":");
    match at.locate(policy, span) {
        Some(l) => {
            out.push_str("{\"file\":");
            write_json_string(out, &l.file);
            let _ = write!(out, ",\"line\":{},\"column\":{}}}", l.line, l.column);
        }
        None => {
            let _ = write!(out, "{{\"offset\":{}}}", span.start);
        }
    }
}

/// A context value as JSON: strings quoted, numbers as written, booleans, lists as arrays.
fn write_value(out: &mut String, v: Option<&Value>) {
    let scalar = |out: &mut String, s: &Scalar| match s {
        Scalar::String(s) => write_json_string(out, s),
        Scalar::Number(n) => out.push_str(n),
        Scalar::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
    };
    match v {
        None => out.push_str("null"),
        Some(Value::Single(s)) => scalar(out, s),
        Some(Value::Multi(list)) => write_array(out, list, scalar),
    }
}

fn write_strings(out: &mut String, list: &[String]) {
    write_array(out, list, |out, s| write_json_string(out, s));
}

fn write_failed(out: &mut String, f: &FailedCondition, policy: &str, at: &dyn Locate) {
    out.push_str("{\"operator\":");
    write_json_string(out, &f.operator);
    out.push_str(",\"key\":");
    write_json_string(out, &f.key);
    out.push_str(",\"values\":");
    write_strings(out, &f.values);
    out.push_str(",\"request\":");
    write_value(out, f.request.as_ref());
    let _ = write!(out, ",\"failure\":\"{}\",\"message\":", f.failure.kind());
    write_json_string(out, &f.failure.describe());
    out.push(',');
    write_at(out, at, policy, f.span);
    out.push('}');
}

/// The decision line of `iamc eval --explain`: the decision line of `iamc eval`
/// ([`crate::io::explanation_to_json`]) with each statement's place (`at`), then `near_misses` (the
/// statements that came closest, each with its `failed` conditions) and
/// `missing_context_values`. `spec/io.md` describes every field.
pub fn diagnosis_to_json(d: &Diagnosis, at: &dyn Locate) -> String {
    let e = &d.explanation;
    let mut out = String::with_capacity(256);
    let _ = write!(
        out,
        "{{\"decision\":\"{}\",\"statements\":",
        e.decision.as_str()
    );
    let mut spans = d.statement_spans.iter();
    write_array(&mut out, &e.statements, |out, s| {
        out.push('{');
        write_statement(out, s);
        out.push(',');
        let span = spans.next().copied().unwrap_or_default();
        write_at(out, at, &s.policy, span);
        out.push('}');
    });
    out.push_str(",\"reason\":");
    write_json_string(&mut out, &e.reason.message());
    out.push_str(",\"near_misses\":");
    write_array(&mut out, &d.near_misses, |out, m| {
        out.push('{');
        write_statement(out, &m.statement);
        out.push(',');
        write_at(out, at, &m.statement.policy, m.span);
        out.push_str(",\"failed\":");
        write_array(out, &m.failed, |out, f| {
            write_failed(out, f, &m.statement.policy, at);
        });
        out.push('}');
    });
    out.push_str(",\"missing_context_values\":");
    write_strings(&mut out, &d.missing_context_values);
    out.push('}');
    out
}

/// `file:line:col`, or `policy@offset` without the text.
fn place(at: &dyn Locate, policy: &str, span: Span) -> String {
    match at.locate(policy, span) {
        Some(l) => format!("{}:{}:{}", l.file, l.line, l.column),
        None => format!("{policy}@{}", span.start),
    }
}

fn describe_statement(s: &MatchedStatement) -> String {
    let mut out = format!("{} statement {}", s.effect.as_str(), s.index);
    if let Some(sid) = &s.sid {
        let _ = write!(out, " `{sid}`");
    }
    let _ = write!(out, " ({}", s.policy_type.as_str());
    if s.policy_type.is_org() {
        let _ = write!(out, " level {}", s.level);
    }
    out.push(')');
    out
}

fn value_text(v: Option<&Value>) -> String {
    let mut out = String::new();
    write_value(&mut out, v);
    out
}

/// The explanation for people, several lines: the decision and reason, each applying
/// statement, each near miss with its failed conditions, the missing context keys.
///
/// ```text
/// ImplicitDeny: implicitly denied: no identity-based or resource-based policy allows the request
///   closest: ecs-dev.json:14:5: Allow statement 1 `RunInUsEast1` (identity)
///     ecs-dev.json:20:11: StringEquals `aws:RequestedRegion` ["us-east-1"], request "eu-west-1": `eu-west-1` matches none of them
///   missing context values: ecs:cluster
/// ```
pub fn diagnosis_to_text(d: &Diagnosis, at: &dyn Locate) -> String {
    let e = &d.explanation;
    let mut out = format!("{}: {}\n", e.decision.as_str(), e.reason.message());
    for (i, s) in e.statements.iter().enumerate() {
        let span = d.statement_spans.get(i).copied().unwrap_or_default();
        let _ = writeln!(
            out,
            "  matched: {}: {}",
            place(at, &s.policy, span),
            describe_statement(s)
        );
    }
    for m in &d.near_misses {
        let _ = writeln!(
            out,
            "  closest: {}: {}",
            place(at, &m.statement.policy, m.span),
            describe_statement(&m.statement)
        );
        for f in &m.failed {
            let mut values = String::new();
            write_strings(&mut values, &f.values);
            let _ = writeln!(
                out,
                "    {}: {} `{}` {}, request {}: {}",
                place(at, &m.statement.policy, f.span),
                f.operator,
                f.key,
                values,
                value_text(f.request.as_ref()),
                f.failure.describe()
            );
        }
    }
    if !d.missing_context_values.is_empty() {
        let _ = writeln!(
            out,
            "  missing context values: {}",
            d.missing_context_values.join(", ")
        );
    }
    out
}
