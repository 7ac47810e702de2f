//! The shape of `Resource` / `NotResource` ARNs (I R S C), and redundant entries.

use iamc_grammar::ast::{PolicyType, Version};

use super::statements::{cover_pairs, report};
use super::{clip, sub_span};
use crate::findings::cover::{Cover, Entry};
use crate::findings::doc::{strings, Document, Statement, Str};
use crate::findings::{Findings, IssueCode};

pub(super) fn run(doc: &Document<'_>, out: &mut Findings<'_>) {
    if doc.kind() == PolicyType::Trust {
        return;
    }
    for st in doc.statements() {
        for name in ["Resource", "NotResource"] {
            for entry in st.strings(name) {
                arn_shape(doc, entry, out);
            }
        }
        redundant_resources(doc, st, out);
    }
}

/// An ARN's fields with their byte offsets in the string: at most six, the sixth holding the
/// rest (colons included).
pub(crate) fn fields(s: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::with_capacity(6);
    let mut at = 0;
    for f in s.splitn(6, ':') {
        out.push((at, f));
        at += f.len() + 1;
    }
    out
}

/// MISSING_ARN_FIELD (‡ for short ARNs ending in `*`): fewer than six fields.
/// WILDCARD_IN_SERVICE_NAME: a wildcard in the service field (then no further check).
/// INVALID_ARN_SERVICE_CASE: an upper-case letter in the service field.
/// INVALID_ARN_ACCOUNT: an account field that is not empty, not wildcarded, not 12 digits and
/// not `aws` (AWS managed policy ARNs). Field findings are at the field.
fn arn_shape(doc: &Document<'_>, entry: Str<'_>, out: &mut Findings<'_>) {
    let s = entry.text;
    if s == "*" || !s.starts_with("arn:") {
        return;
    }
    let src = doc.src();
    let f = fields(s);
    if f.len() < 6 {
        out.push(
            IssueCode::MissingArnField,
            &[entry.node.span],
            format!(
                "the ARN `{}` has {} fields: an ARN is `arn:partition:service:region:account:resource`",
                clip(s),
                f.len()
            ),
        );
    }
    let Some(&(at, service)) = f.get(2) else {
        return;
    };
    let field_span = |at: usize, text: &str| sub_span(src, entry.node, at..at + text.len());
    if service.contains(['*', '?']) {
        out.push(
            IssueCode::WildcardInServiceName,
            &[field_span(at, service)],
            format!(
                "the service `{}` of `{}` has a wildcard: name the service",
                clip(service),
                clip(s)
            ),
        );
        return;
    }
    if service.bytes().any(|b| b.is_ascii_uppercase()) {
        out.push(
            IssueCode::InvalidArnServiceCase,
            &[field_span(at, service)],
            format!(
                "the service `{}` of an ARN is lower case: `{}`",
                clip(service),
                clip(&service.to_ascii_lowercase())
            ),
        );
    }
    if let Some(&(at, account)) = f.get(4) {
        let wildcard =
            account.contains(['*', '?']) || (doc.substitutes() && account.contains("${"));
        let valid = account.is_empty()
            || wildcard
            || account == "aws"
            || (account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit()));
        if !valid {
            out.push(
                IssueCode::InvalidArnAccount,
                &[field_span(at, account)],
                format!(
                    "the account `{}` of `{}` is not a 12-digit account id",
                    clip(account),
                    clip(s)
                ),
            );
        }
    }
}

/// REDUNDANT_RESOURCE (All but T): in one `Resource` list, an entry every ARN of which another
/// entry also matches (equal entries: the later), at the redundant entry with the covering one
/// as second location. Decided exactly on the engines' resource globs
/// ([`crate::findings::cover`]: padding of short ARNs, the reach of each `*` across `:`,
/// variables).
fn redundant_resources(doc: &Document<'_>, st: &Statement<'_>, out: &mut Findings<'_>) {
    let Some(m) = st.member("Resource") else {
        return;
    };
    let entries = strings(&m.value);
    if entries.len() < 2 {
        return;
    }
    let version = if doc.substitutes() {
        Version::V2012_10_17
    } else {
        Version::V2008_10_17
    };
    let cover = Cover::resources(doc.kind(), version);
    let group: Vec<(usize, &str, Entry)> = entries
        .iter()
        .enumerate()
        .map(|(i, e)| (i, e.text, cover.entry(e.text)))
        .collect();
    let mut redundant = vec![None; entries.len()];
    let exact = |s: &str| s.to_owned();
    let covers = |q: &Entry, p: &Entry| cover.covers(q, p);
    cover_pairs(&group, &exact, &covers, &mut redundant);
    report(
        &entries,
        &redundant,
        IssueCode::RedundantResource,
        "resource",
        out,
    );
}
