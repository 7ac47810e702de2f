//! Document-level checks: `Version`, an empty `Statement`, `Sid`s and the size quotas.

use std::collections::HashMap;

use iamc_grammar::ast::PolicyType;
use iamc_grammar::json::Json;

use super::{clip, is_identity, is_resource};
use crate::findings::doc::Document;
use crate::findings::{FindingType, Findings, IssueCode, Options};

pub(super) fn run(doc: &Document<'_>, options: &Options<'_>, out: &mut Findings<'_>) {
    version(doc, options, out);
    empty_statement(doc, out);
    sids(doc, out);
    size(doc, options, out);
}

/// MISSING_VERSION (All): no `Version`, so variables are literal text. With `managed`,
/// CreatePolicy's rule: a managed policy needs `"Version": "2012-10-17"` (an error, as is
/// `2008-10-17`).
fn version(doc: &Document<'_>, options: &Options<'_>, out: &mut Findings<'_>) {
    let managed = options.managed && is_identity(doc.kind());
    if !matches!(doc.root().value, Json::Object(_)) {
        return;
    }
    match doc.version() {
        None => {
            let details = "the policy has no `Version`: policy variables are literal text; add `\"Version\": \"2012-10-17\"`".to_owned();
            if managed {
                out.push_as(IssueCode::MissingVersion, FindingType::Error, &[], details);
            } else {
                out.push(IssueCode::MissingVersion, &[], details);
            }
        }
        Some(v) if managed && matches!(&v.value, Json::String(s) if s == "2008-10-17") => {
            out.push(
                IssueCode::InvalidVersion,
                &[v.span],
                "a managed policy must be version `2012-10-17`".to_owned(),
            );
        }
        Some(_) => {}
    }
}

/// MISSING_STATEMENT (All) for `"Statement": []` (the grammar reports a missing `Statement`).
fn empty_statement(doc: &Document<'_>, out: &mut Findings<'_>) {
    if let Some(m) = doc.statement_member() {
        if matches!(&m.value.value, Json::Array(items) if items.is_empty()) {
            out.push(
                IssueCode::MissingStatement,
                &[m.value.span],
                "`Statement` is empty: the policy grants and denies nothing".to_owned(),
            );
        }
    }
}

/// UNIQUE_SIDS_REQUIRED (I T S C) / UNIQUE_SIDS_RECOMMENDED (R): a non-empty `Sid` repeated
/// exactly, at the repetition with the first occurrence as second location.
/// UNSUPPORTED_SID (I T S C, ‡ for T S C): a character outside `[A-Za-z0-9]`.
/// EMPTY_SID_VALUE (All): `"Sid": ""`.
fn sids(doc: &Document<'_>, out: &mut Findings<'_>) {
    let kind = doc.kind();
    let resource = is_resource(kind);
    let mut first = HashMap::new();
    for sid in doc.statements().iter().filter_map(|s| s.sid()) {
        if sid.text.is_empty() {
            out.push(
                IssueCode::EmptySidValue,
                &[sid.node.span],
                "the `Sid` is empty: remove it or name the statement".to_owned(),
            );
            continue;
        }
        if !resource && !sid.text.chars().all(|c| c.is_ascii_alphanumeric()) {
            out.push(
                IssueCode::UnsupportedSid,
                &[sid.node.span],
                format!(
                    "invalid `Sid` `{}`: only letters and digits are allowed",
                    clip(sid.text)
                ),
            );
        }
        match first.get(sid.text) {
            Some(&earlier) => {
                let code = if resource {
                    IssueCode::UniqueSidsRecommended
                } else {
                    IssueCode::UniqueSidsRequired
                };
                out.push(
                    code,
                    &[sid.node.span, earlier],
                    format!("duplicate `Sid` `{}`", clip(sid.text)),
                );
            }
            None => {
                first.insert(sid.text, sid.node.span);
            }
        }
    }
}

/// The size quotas: POLICY_SIZE_EXCEEDS_IDENTITY_POLICY_QUOTA (I, 6,144 characters without
/// whitespace outside strings: the managed-policy quota; an error with `managed`),
/// POLICY_SIZE_EXCEEDS_ROLE_TRUST_POLICY_QUOTA (T, 2,048 without whitespace, the default),
/// POLICY_SIZE_EXCEEDS_SCP_QUOTA (S) and POLICY_SIZE_EXCEEDS_RCP_QUOTA (C) (5,120 characters,
/// whitespace included). Resource policies: the quota depends on the resource type, unknown
/// here (findings.md 6).
fn size(doc: &Document<'_>, options: &Options<'_>, out: &mut Findings<'_>) {
    let text = doc.src().text();
    let (code, quota, what) = match doc.kind() {
        k if is_identity(k) => (
            IssueCode::PolicySizeExceedsIdentityPolicyQuota,
            6_144,
            "characters without whitespace, more than a managed policy's quota of",
        ),
        PolicyType::Trust => (
            IssueCode::PolicySizeExceedsRoleTrustPolicyQuota,
            2_048,
            "characters without whitespace, more than the default trust policy quota of",
        ),
        PolicyType::Scp => (
            IssueCode::PolicySizeExceedsScpQuota,
            5_120,
            "characters, more than a service control policy's quota of",
        ),
        PolicyType::Rcp => (
            IssueCode::PolicySizeExceedsRcpQuota,
            5_120,
            "characters, more than a resource control policy's quota of",
        ),
        _ => return,
    };
    let size = match doc.kind() {
        PolicyType::Scp | PolicyType::Rcp => text.chars().count(),
        _ => chars_without_whitespace(text),
    };
    if size <= quota {
        return;
    }
    let details = format!("the policy has {size} {what} {quota}");
    if options.managed && is_identity(doc.kind()) {
        out.push_as(code, FindingType::Error, &[], details);
    } else {
        out.push(code, &[], details);
    }
}

/// Characters of a JSON text, not counting whitespace outside string literals.
fn chars_without_whitespace(text: &str) -> usize {
    let mut count = 0;
    let mut in_string = false;
    let mut escaped = false;
    for c in text.chars() {
        if in_string {
            count += 1;
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
        } else if !matches!(c, ' ' | '\t' | '\n' | '\r') {
            count += 1;
            in_string = c == '"';
        }
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whitespace_counts_only_inside_strings() {
        assert_eq!(chars_without_whitespace("{ \"a b\" : [ 1 ,\n 2 ] }"), 13);
        assert_eq!(chars_without_whitespace(r#"{"a\" b": 1}"#), 11);
    }
}
