//! `Principal` checks by policy type, and the rules of role trust policies (federation, GitHub
//! and other OIDC providers, IAM Roles Anywhere, SAML).

use iamc_grammar::ast::PolicyType;
use iamc_grammar::json::Json;

use super::{clip, is_resource, is_source_key};
use crate::findings::doc::{strings, Document, Statement, Str};
use crate::findings::glob;
use crate::findings::{Findings, IssueCode};

/// Web identity providers a trust policy may name by domain.
const BUILT_IN_PROVIDERS: [&str; 4] = [
    "cognito-identity.amazonaws.com",
    "accounts.google.com",
    "graph.facebook.com",
    "www.amazon.com",
];

const GITHUB: &str = "token.actions.githubusercontent.com";

pub(super) fn run(doc: &Document<'_>, out: &mut Findings<'_>) {
    let kind = doc.kind();
    for st in doc.statements() {
        if is_resource(kind) {
            federated_outside_trust(st, out);
            service_principal_without_source(st, out);
        }
        if matches!(
            kind,
            PolicyType::Resource | PolicyType::Endpoint | PolicyType::Trust
        ) {
            service_principal_format(st, out);
        }
        if kind == PolicyType::Trust {
            trust_wildcard(st, out);
            federated(st, out);
            roles_anywhere(st, out);
            redundant_session(st, out);
        }
    }
}

/// FEDERATED_PRINCIPAL_NOT_SUPPORTED (R): a `Federated` principal outside a trust policy.
fn federated_outside_trust(st: &Statement<'_>, out: &mut Findings<'_>) {
    for name in ["Principal", "NotPrincipal"] {
        if let Some(Json::Object(types)) = st.member(name).map(|m| &m.value.value) {
            for t in types.iter().filter(|t| t.key == "Federated") {
                out.push(
                    IssueCode::FederatedPrincipalNotSupported,
                    &[t.key_span],
                    format!("a `Federated` principal is allowed only in role trust policies, not in this `{name}`"),
                );
            }
        }
    }
}

/// RESTRICT_ACCESS_TO_SERVICE_PRINCIPAL (R, ‡ not for trust policies): an `Allow` to a
/// `Service` principal without any source key (`aws:SourceArn`, `aws:SourceAccount`,
/// `aws:SourceOrgID`, `aws:SourceOrgPaths`) in its condition: any resource of any account
/// using that service could act through it (confused deputy). At the `Service` value.
fn service_principal_without_source(st: &Statement<'_>, out: &mut Findings<'_>) {
    if !st.is_allow() || st.keys().any(|(_, k)| is_source_key(k.name())) {
        return;
    }
    if let Some(Json::Object(types)) = st.member("Principal").map(|m| &m.value.value) {
        for t in types.iter().filter(|t| t.key == "Service") {
            out.push(
                IssueCode::RestrictAccessToServicePrincipal,
                &[t.value.span],
                "a service principal is allowed without `aws:SourceArn`, `aws:SourceAccount`, `aws:SourceOrgID` or `aws:SourceOrgPaths` in the condition: restrict it to your own resources".to_owned(),
            );
        }
    }
}

/// Whether `s` is `<name>.amazonaws.com` (or `.amazonaws.com.cn`), `<name>` one or more
/// dot-separated labels of lower-case letters, digits and `-`; `labels` is the least number
/// of labels `<name>` needs (2 for `kms:ViaService`'s `<service>.<region>`).
pub(super) fn is_service_principal(s: &str, labels: usize) -> bool {
    let Some(name) = s
        .strip_suffix(".amazonaws.com")
        .or_else(|| s.strip_suffix(".amazonaws.com.cn"))
    else {
        return false;
    };
    let parts: Vec<&str> = name.split('.').collect();
    parts.len() >= labels
        && parts.iter().all(|p| {
            !p.is_empty()
                && !p.starts_with('-')
                && !p.ends_with('-')
                && p.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        })
}

/// INVALID_SERVICE_PRINCIPAL_FORMAT (All, ‡ which elements): a `Service` principal not of the
/// form `<name>.amazonaws.com` (values with wildcards are not judged). The condition keys
/// holding service principals are checked with the conditions.
fn service_principal_format(st: &Statement<'_>, out: &mut Findings<'_>) {
    for name in ["Principal", "NotPrincipal"] {
        if let Some(Json::Object(types)) = st.member(name).map(|m| &m.value.value) {
            for t in types.iter().filter(|t| t.key == "Service") {
                for v in strings(&t.value) {
                    if !v.text.contains(['*', '?']) && !is_service_principal(v.text, 1) {
                        out.push(
                            IssueCode::InvalidServicePrincipalFormat,
                            &[v.node.span],
                            format!(
                                "invalid service principal `{}`: a service principal is `<service>.amazonaws.com`",
                                clip(v.text)
                            ),
                        );
                    }
                }
            }
        }
    }
}

/// ROLE_TRUST_POLICY_UNSUPPORTED_WILDCARD_IN_PRINCIPAL (T): `"Principal": "*"` or an `AWS`
/// principal of exactly `*`: anyone could assume the role.
fn trust_wildcard(st: &Statement<'_>, out: &mut Findings<'_>) {
    let Some(m) = st.member("Principal") else {
        return;
    };
    let message = "a role trust policy cannot name every principal (`*`): name the accounts, roles or services that may assume the role".to_owned();
    match &m.value.value {
        Json::String(s) if s == "*" => {
            out.push(
                IssueCode::RoleTrustPolicyUnsupportedWildcardInPrincipal,
                &[m.value.span],
                message,
            );
        }
        _ => {
            for (t, v) in st.principal_entries() {
                if t.key == "AWS" && v.text == "*" {
                    out.push(
                        IssueCode::RoleTrustPolicyUnsupportedWildcardInPrincipal,
                        &[v.node.span],
                        message.clone(),
                    );
                }
            }
        }
    }
}

/// What a `Federated` principal of a trust policy names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Provider<'a> {
    Saml,
    /// An OIDC provider ARN, with its host (`oidc.eks.us-east-1.amazonaws.com/id/X`).
    Oidc(&'a str),
    /// A built-in web identity provider (`accounts.google.com`).
    WebIdentity,
    Invalid,
}

fn provider(s: &str) -> Provider<'_> {
    if BUILT_IN_PROVIDERS.contains(&s) {
        return Provider::WebIdentity;
    }
    let fields: Vec<&str> = s.splitn(6, ':').collect();
    match fields.as_slice() {
        ["arn", partition, "iam", "", account, resource]
            if !partition.is_empty() && !account.is_empty() =>
        {
            if resource
                .strip_prefix("saml-provider/")
                .is_some_and(|n| !n.is_empty())
            {
                Provider::Saml
            } else {
                match resource.strip_prefix("oidc-provider/") {
                    Some(host) if !host.is_empty() => Provider::Oidc(host),
                    _ => Provider::Invalid,
                }
            }
        }
        _ => Provider::Invalid,
    }
}

/// The federation rules of trust policies, per `Federated` value:
/// INVALID_FEDERATED_PRINCIPAL_SYNTAX_IN_ROLE_TRUST_POLICY (T), a value that is neither a
/// `saml-provider/` or `oidc-provider/` IAM ARN nor a built-in web identity provider;
/// MISMATCHED_ACTION_FOR_PRINCIPAL (T), `sts:AssumeRoleWithWebIdentity` for a SAML provider or
/// `sts:AssumeRoleWithSAML` for an OIDC one, at the action;
/// MISSING_GITHUB_REPO_CONDITION_KEY (T), an `Allow` for GitHub's provider without a
/// `token.actions.githubusercontent.com:sub` key; MISSING_CONDITION_KEY_FOR_OIDC_PRINCIPAL
/// (T), an `Allow` for another OIDC provider without any `HOST:` key;
/// SPECIFIC_GITHUB_REPO_AND_BRANCH_RECOMMENDED (T), a wildcard in a GitHub `:sub` value with no
/// `:ref` key.
fn federated(st: &Statement<'_>, out: &mut Findings<'_>) {
    let actions: Vec<Str<'_>> = st.strings("Action");
    for (t, v) in st.principal_entries() {
        if t.key != "Federated" {
            continue;
        }
        let p = provider(v.text);
        if p == Provider::Invalid {
            out.push(
                IssueCode::InvalidFederatedPrincipalSyntaxInRoleTrustPolicy,
                &[v.node.span],
                format!(
                    "invalid `Federated` principal `{}`: name a SAML or OIDC provider ARN (`arn:aws:iam::111122223333:oidc-provider/HOST`) or a web identity provider such as `accounts.google.com`",
                    clip(v.text)
                ),
            );
            continue;
        }
        let wrong = match p {
            Provider::Saml => "sts:AssumeRoleWithWebIdentity",
            _ => "sts:AssumeRoleWithSAML",
        };
        for a in actions
            .iter()
            .filter(|a| a.text.eq_ignore_ascii_case(wrong))
        {
            out.push(
                IssueCode::MismatchedActionForPrincipal,
                &[a.node.span, v.node.span],
                format!(
                    "`{}` cannot be used by the {} provider `{}`",
                    a.text,
                    if p == Provider::Saml {
                        "SAML"
                    } else {
                        "web identity"
                    },
                    clip(v.text)
                ),
            );
        }
        let Provider::Oidc(host) = p else {
            continue;
        };
        if !st.is_allow() {
            continue;
        }
        if host.eq_ignore_ascii_case(GITHUB) {
            if !st.has_key("token.actions.githubusercontent.com:sub") {
                out.push(
                    IssueCode::MissingGithubRepoConditionKey,
                    &[v.node.span],
                    "any GitHub repository can assume the role: add a `token.actions.githubusercontent.com:sub` condition naming your repositories".to_owned(),
                );
            }
        } else {
            let prefix = format!("{host}:");
            let guarded = st.keys().any(|(_, k)| {
                k.name()
                    .get(..prefix.len())
                    .is_some_and(|p| p.eq_ignore_ascii_case(&prefix))
            });
            if !guarded {
                out.push(
                    IssueCode::MissingConditionKeyForOidcPrincipal,
                    &[v.node.span],
                    format!(
                        "any identity of the OIDC provider `{}` can assume the role: add a condition on its `{}sub` or `{}aud` key",
                        clip(host),
                        clip(&prefix),
                        clip(&prefix)
                    ),
                );
            }
        }
    }
    if !st.has_key("token.actions.githubusercontent.com:ref") {
        for (_, k) in st.keys() {
            if !k
                .name()
                .eq_ignore_ascii_case("token.actions.githubusercontent.com:sub")
            {
                continue;
            }
            for v in k.values.iter().filter(|v| v.text.contains(['*', '?'])) {
                out.push(
                    IssueCode::SpecificGithubRepoAndBranchRecommended,
                    &[v.node.span],
                    format!(
                        "`{}` lets several repositories or branches assume the role: name the repository and branch, or add a `token.actions.githubusercontent.com:ref` condition",
                        clip(v.text)
                    ),
                );
            }
        }
    }
}

/// MISSING_ACTION_FOR_ROLES_ANYWHERE_TRUST_POLICY (T): IAM Roles Anywhere as a `Service`
/// principal while the actions do not cover all of `sts:AssumeRole`, `sts:SetSourceIdentity`
/// and `sts:TagSession`. At the `Action` (or `NotAction`) value, else the statement.
fn roles_anywhere(st: &Statement<'_>, out: &mut Findings<'_>) {
    let anywhere = st
        .principal_entries()
        .iter()
        .any(|(t, v)| t.key == "Service" && v.text == "rolesanywhere.amazonaws.com");
    if !anywhere {
        return;
    }
    // The action patterns and whether they are `NotAction`; no actions cover nothing.
    let (span, patterns, negated) = match st.actions() {
        Some((m, negated)) => (m.value.span, strings(&m.value), negated),
        None => (st.node.span, Vec::new(), false),
    };
    let covered = |a: &str| {
        let listed = patterns.iter().any(|p| glob::matches(p.text, a, true));
        if negated {
            !listed
        } else {
            listed
        }
    };
    let missing: Vec<&str> = ["sts:AssumeRole", "sts:SetSourceIdentity", "sts:TagSession"]
        .into_iter()
        .filter(|a| !covered(a))
        .collect();
    if !missing.is_empty() {
        out.push(
            IssueCode::MissingActionForRolesAnywhereTrustPolicy,
            &[span],
            format!(
                "IAM Roles Anywhere needs `sts:AssumeRole`, `sts:SetSourceIdentity` and `sts:TagSession`; missing: `{}`",
                missing.join("`, `")
            ),
        );
    }
}

/// REDUNDANT_PRINCIPAL_IN_ROLE_TRUST_POLICY (T): a role session
/// (`arn:P:sts::A:assumed-role/R/S`) listed beside its role (`arn:P:iam::A:role/.../R`) in one
/// `Principal`: the role already covers it. At the session, with the role as second location.
fn redundant_session(st: &Statement<'_>, out: &mut Findings<'_>) {
    let entries: Vec<Str<'_>> = st
        .principal_entries()
        .into_iter()
        .filter(|(t, _)| t.key == "AWS")
        .map(|(_, v)| v)
        .collect();
    let role = |s: &str| -> Option<(String, String, String)> {
        let f: Vec<&str> = s.splitn(6, ':').collect();
        match f.as_slice() {
            ["arn", p, "iam", "", a, res] => {
                let path = res.strip_prefix("role/")?;
                let name = path.rsplit('/').next()?;
                Some(((*p).to_owned(), (*a).to_owned(), name.to_owned()))
            }
            _ => None,
        }
    };
    let session = |s: &str| -> Option<(String, String, String)> {
        let f: Vec<&str> = s.splitn(6, ':').collect();
        match f.as_slice() {
            ["arn", p, "sts", "", a, res] => {
                let rest = res.strip_prefix("assumed-role/")?;
                let (name, _) = rest.split_once('/')?;
                Some(((*p).to_owned(), (*a).to_owned(), name.to_owned()))
            }
            _ => None,
        }
    };
    for s in &entries {
        let Some(id) = session(s.text) else {
            continue;
        };
        if let Some(r) = entries.iter().find(|r| role(r.text).as_ref() == Some(&id)) {
            out.push(
                IssueCode::RedundantPrincipalInRoleTrustPolicy,
                &[s.node.span, r.node.span],
                format!(
                    "the session `{}` is redundant: its role `{}` is already a principal",
                    clip(s.text),
                    clip(r.text)
                ),
            );
        }
    }
}
