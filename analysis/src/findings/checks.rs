//! The checks of findings.md that need no service catalog, by concern. Each runs on the lenient
//! [`Document`] view and reports through [`Findings`]; the policy types a check applies to are
//! the letters of findings.md section 1 (I identity/boundary/session, R resource/endpoint,
//! T trust, S SCP, C RCP). Checks marked ‡ in the spec are iamc's reading of an unpinned
//! trigger; their doc comments say so.

mod conditions;
mod document;
mod passrole;
mod principals;
mod resources;
mod statements;
mod variables;

use iamc_grammar::ast::PolicyType;
use iamc_grammar::json::{Json, Node};
use iamc_grammar::{SourceFile, Span as Bytes};

pub(crate) use conditions::{family, Family};
pub(crate) use resources::fields;

use super::doc::Document;
use super::{Findings, Options};

pub(crate) fn run(doc: &Document<'_>, options: &Options<'_>, out: &mut Findings<'_>) {
    document::run(doc, options, out);
    statements::run(doc, out);
    principals::run(doc, out);
    resources::run(doc, out);
    passrole::run(doc, out);
    conditions::run(doc, out);
    variables::run(doc, out);
}

/// I: identity policies, permissions boundaries and session policies.
pub(crate) fn is_identity(kind: PolicyType) -> bool {
    matches!(
        kind,
        PolicyType::Identity | PolicyType::Boundary | PolicyType::Session
    )
}

/// R: resource-based and VPC endpoint policies.
pub(crate) fn is_resource(kind: PolicyType) -> bool {
    matches!(kind, PolicyType::Resource | PolicyType::Endpoint)
}

/// The span of the characters `range` (byte offsets into the decoded string) of string node
/// `node`: exact when the string is written without escapes, else the whole string.
pub(crate) fn sub_span(src: &SourceFile, node: &Node, range: std::ops::Range<usize>) -> Bytes {
    let Json::String(decoded) = &node.value else {
        return node.span;
    };
    let inner = src
        .text()
        .get(node.span.start.saturating_add(1)..node.span.end.saturating_sub(1));
    if inner == Some(decoded.as_str()) && range.end <= decoded.len() && range.start <= range.end {
        let base = node.span.start + 1;
        Bytes::new(base + range.start, base + range.end)
    } else {
        node.span
    }
}

/// A value as shown in a message: backticks by the caller, long values cut (as the grammar's
/// messages do).
pub(crate) fn clip(s: &str) -> String {
    const MAX: usize = 80;
    if s.chars().count() <= MAX {
        s.to_owned()
    } else {
        let head: String = s.chars().take(MAX).collect();
        format!("{head}...")
    }
}

/// Whether a string holds a wildcard outside policy variables (`${...}` is skipped under
/// 2012-10-17, where it is a variable).
pub(crate) fn has_wildcard(s: &str, substitutes: bool) -> bool {
    replace_variables(s, substitutes, "").contains(['*', '?'])
}

/// `s` with each `${...}` part (an unclosed one runs to the end) written `with` when
/// variables are substituted (under 2012-10-17), else `s` as it is.
pub(crate) fn replace_variables(s: &str, substitutes: bool, with: &str) -> String {
    if !substitutes {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(open) = rest.find("${") {
        out.push_str(rest.get(..open).unwrap_or_default());
        out.push_str(with);
        let after = rest.get(open + 2..).unwrap_or_default();
        rest = after
            .find('}')
            .map_or("", |c| after.get(c + 1..).unwrap_or_default());
    }
    out.push_str(rest);
    out
}

/// The source keys of a confused-deputy guard (findings.md 1).
const SOURCE_KEYS: [&str; 4] = [
    "aws:SourceArn",
    "aws:SourceAccount",
    "aws:SourceOrgID",
    "aws:SourceOrgPaths",
];

fn is_source_key(key: &str) -> bool {
    SOURCE_KEYS.iter().any(|k| k.eq_ignore_ascii_case(key))
}
