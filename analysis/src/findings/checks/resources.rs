//! The shape of `Resource` / `NotResource` ARNs (I R S C), and redundant entries.

use iamc_grammar::ast::PolicyType;

use super::statements::{cover_pairs, report};
use super::{clip, sub_span};
use crate::findings::doc::{strings, Document, Statement, Str};
use crate::findings::glob;
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
fn fields(s: &str) -> Vec<(usize, &str)> {
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

/// A `Resource` entry read for comparisons: its six fields as globs, when it is an ARN whose
/// fields can be compared one by one.
pub(super) enum Entry {
    /// `*`.
    Any,
    /// An ARN of six fields, none of the first five ending in `*` (which may reach past its
    /// colon, A20), without variables.
    Fields(Vec<glob::Pattern>),
    /// Anything else: compared only for equality.
    Other,
}

impl Entry {
    fn new(s: &str, substitutes: bool) -> Entry {
        if s == "*" {
            return Entry::Any;
        }
        let f = fields(s);
        if f.len() < 6
            || (substitutes && s.contains("${"))
            || f.iter().take(5).any(|(_, f)| f.ends_with('*'))
        {
            return Entry::Other;
        }
        Entry::Fields(
            f.iter()
                .map(|(_, f)| glob::Pattern::new(f, false))
                .collect(),
        )
    }

    /// Whether `self` matches every ARN `p` matches, field by field (`*` covers every entry).
    /// Entries with variables are compared only for equality, and an entry with a field of the
    /// first five ending in `*` is never called covered.
    fn covers(&self, p: &Entry) -> bool {
        match (self, p) {
            (Entry::Any, _) => true,
            (Entry::Fields(q), Entry::Fields(p)) => q.iter().zip(p).all(|(a, b)| a.covers(b)),
            _ => false,
        }
    }
}

/// REDUNDANT_RESOURCE (All but T): in one `Resource` list, an entry every ARN of which another
/// entry also matches (equal entries: the later), at the redundant entry with the covering one
/// as second location.
fn redundant_resources(doc: &Document<'_>, st: &Statement<'_>, out: &mut Findings<'_>) {
    let Some(m) = st.member("Resource") else {
        return;
    };
    let entries = strings(&m.value);
    let substitutes = doc.substitutes();
    let group: Vec<(usize, &str, Entry)> = entries
        .iter()
        .enumerate()
        .map(|(i, e)| (i, e.text, Entry::new(e.text, substitutes)))
        .collect();
    let mut redundant = vec![None; entries.len()];
    let exact = |s: &str| s.to_owned();
    let covers = |q: &Entry, p: &Entry| q.covers(p);
    cover_pairs(&group, &exact, &covers, &mut redundant);
    report(
        &entries,
        &redundant,
        IssueCode::RedundantResource,
        "resource",
        out,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resource_covers(q: &str, p: &str, substitutes: bool) -> bool {
        Entry::new(q, substitutes).covers(&Entry::new(p, substitutes))
    }

    #[test]
    fn field_wise_coverage() {
        assert!(resource_covers(
            "arn:aws:iam::111122223333:role/jane*",
            "arn:aws:iam::111122223333:role/jane-admin",
            true
        ));
        assert!(resource_covers(
            "arn:aws:s3:::*",
            "arn:aws:s3:::b/k:x",
            true
        ));
        assert!(!resource_covers("arn:aws:s3:::b/*", "arn:aws:s3:::b", true));
        assert!(!resource_covers(
            "arn:aws:ecs:*:*:task/*",
            "arn:aws:ecs:us-east-1:1:task-definition/x",
            true
        ));
        assert!(!resource_covers(
            "arn:aws:ecs:*",
            "arn:aws:ecs:us-east-1:1:task/x",
            true
        ));
        assert!(!resource_covers(
            "arn:aws:s3:::b/${aws:username}/*",
            "arn:aws:s3:::b/${aws:username}/x",
            true
        ));
        assert!(!resource_covers("arn:aws:*:*:*:*", "arn:aws:s3*:::b", true));
    }
}
