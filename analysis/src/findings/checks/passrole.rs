//! The PassRole and CreateServiceLinkedRole rows of findings.md 4.3 (I R): an `Allow` that
//! lets the principal pass any role (or create any service-linked role) to any service. They
//! need only the literal action name and whether a pattern covers it (a glob match on the
//! pattern text), so no catalog.
//!
//! For each `Allow` statement and each of the two actions: how the statement reaches the action
//! (listed literally, through a wildcard entry, or through a `NotAction` that does not exclude
//! it) and how it names the roles (an all-roles `Resource` entry, or `NotResource`) give one of
//! six codes; a statement with an all-roles `Resource` is *guarded*, and draws nothing, when a
//! `StringEquals`, `StringEqualsIgnoreCase` or `StringLike` (any set qualifier, no `IfExists`)
//! on the action's service key has values and none holds a wildcard. The `NotResource` rows
//! have no guard in the spec. One finding per statement and action, at the entry that reaches
//! the action, with the entry or element naming the roles as second location.

use iamc_grammar::ast::BaseOperator as B;

use super::{clip, is_identity, is_resource};
use crate::findings::doc::{strings, Document, Statement, Str};
use crate::findings::glob;
use crate::findings::{Findings, IssueCode};

/// One of the two actions with its six codes, in the order
/// `[literal, wildcard, NotAction]` × `[all-roles Resource, NotResource]`.
struct Rule {
    action: &'static str,
    guard_key: &'static str,
    with_resource: [IssueCode; 3],
    with_not_resource: [IssueCode; 3],
    what: &'static str,
}

const RULES: [Rule; 2] = [
    Rule {
        action: "iam:PassRole",
        guard_key: "iam:PassedToService",
        with_resource: [
            IssueCode::PassRoleWithStarInResource,
            IssueCode::PassRoleWithStarInActionAndResource,
            IssueCode::PassRoleWithStarInResourceAndNotAction,
        ],
        with_not_resource: [
            IssueCode::PassRoleWithNotResource,
            IssueCode::PassRoleWithStarInActionAndNotResource,
            IssueCode::PassRoleWithNotActionAndNotResource,
        ],
        what: "pass any role to any service",
    },
    Rule {
        action: "iam:CreateServiceLinkedRole",
        guard_key: "iam:AWSServiceName",
        with_resource: [
            IssueCode::CreateSlrWithStarInResource,
            IssueCode::CreateSlrWithStarInActionAndResource,
            IssueCode::CreateSlrWithStarInResourceAndNotAction,
        ],
        with_not_resource: [
            IssueCode::CreateSlrWithNotResource,
            IssueCode::CreateSlrWithStarInActionAndNotResource,
            IssueCode::CreateSlrWithNotActionAndNotResource,
        ],
        what: "create a service-linked role for any service",
    },
];

pub(super) fn run(doc: &Document<'_>, out: &mut Findings<'_>) {
    let kind = doc.kind();
    if !(is_identity(kind) || is_resource(kind)) {
        return;
    }
    for st in doc.statements().iter().filter(|s| s.is_allow()) {
        for rule in &RULES {
            statement(st, rule, out);
        }
    }
}

/// How a statement reaches an action: index 0, 1 or 2 of a rule's codes, and the span of the
/// entry (or `NotAction` value) that does.
fn reach(st: &Statement<'_>, action: &str) -> Option<(usize, iamc_grammar::Span)> {
    if let Some(m) = st.member("Action") {
        let entries = strings(&m.value);
        if let Some(e) = entries.iter().find(|e| e.text.eq_ignore_ascii_case(action)) {
            return Some((0, e.node.span));
        }
        return entries
            .iter()
            .find(|e| e.text.contains(['*', '?']) && glob::matches(e.text, action, true))
            .map(|e| (1, e.node.span));
    }
    let m = st.member("NotAction")?;
    let excluded = strings(&m.value)
        .iter()
        .any(|e| glob::matches(e.text, action, true));
    (!excluded).then_some((2, m.value.span))
}

fn statement(st: &Statement<'_>, rule: &Rule, out: &mut Findings<'_>) {
    let Some((how, action_span)) = reach(st, rule.action) else {
        return;
    };
    let (code, roles_span, roles) = if let Some(m) = st.member("Resource") {
        let Some(entry) = strings(&m.value).into_iter().find(all_roles) else {
            return;
        };
        if guarded(st, rule.guard_key) {
            return;
        }
        let code = rule.with_resource.get(how).copied();
        (
            code,
            entry.node.span,
            format!("the resource `{}`", entry.text),
        )
    } else if let Some(m) = st.member("NotResource") {
        let code = rule.with_not_resource.get(how).copied();
        (code, m.value.span, "`NotResource`".to_owned())
    } else {
        return;
    };
    let Some(code) = code else {
        return;
    };
    let reached = match how {
        0 => format!("`{}`", rule.action),
        1 => format!("a wildcard action covering `{}`", rule.action),
        _ => format!("a `NotAction` that does not exclude `{}`", rule.action),
    };
    out.push(
        code,
        &[action_span, roles_span],
        format!(
            "{reached} with {} lets the principal {}: name the roles, or add a `{}` condition without wildcards",
            clip(&roles),
            rule.what,
            rule.guard_key
        ),
    );
}

/// Whether a `Resource` entry names every role (findings.md 1): `*`, or an ARN of a service
/// field that may be `iam` whose resource part, after an optional `role/`, is only `*` and `?`.
fn all_roles(entry: &Str<'_>) -> bool {
    let s = entry.text;
    if s == "*" {
        return true;
    }
    let fields: Vec<&str> = s.splitn(6, ':').collect();
    let [arn, _partition, service, _region, _account, resource] = fields.as_slice() else {
        return false;
    };
    let resource = resource.strip_prefix("role/").unwrap_or(resource);
    *arn == "arn"
        && glob::matches(service, "iam", false)
        && !resource.is_empty()
        && resource.chars().all(|c| matches!(c, '*' | '?'))
}

/// Whether the statement restricts the service the action is for: a `StringEquals`,
/// `StringEqualsIgnoreCase` or `StringLike` (any set qualifier, without `IfExists`) on
/// `key` with at least one value, none holding `*` or `?`.
fn guarded(st: &Statement<'_>, key: &str) -> bool {
    st.keys().any(|(c, k)| {
        c.operator.is_some_and(|o| {
            !o.if_exists
                && matches!(
                    o.base,
                    B::StringEquals | B::StringEqualsIgnoreCase | B::StringLike
                )
        }) && k.name().eq_ignore_ascii_case(key)
            && !k.values.is_empty()
            && k.values.iter().all(|v| !v.text.contains(['*', '?']))
    })
}
