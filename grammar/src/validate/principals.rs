//! `Principal` / `NotPrincipal` by policy type (spec 4).

use super::{identity_like, kind_name, Validator, PRINCIPAL_TYPES};
use crate::ast::{PolicyType, PrincipalBlock, PrincipalEntry, PrincipalKind, Principals, Spanned};
use crate::diag::clip;
use crate::diag::IssueCode;
use crate::json::{Json, Member, Node};
use crate::span::Span;

impl Validator<'_> {
    pub(super) fn principal_element(
        &mut self,
        stmt: &Node,
        principal: Option<&Member>,
        not_principal: Option<&Member>,
    ) -> Option<PrincipalBlock> {
        if identity_like(self.kind) {
            let code = if self.kind == PolicyType::Scp {
                IssueCode::ScpSyntaxErrorPrincipal
            } else {
                IssueCode::UnsupportedPrincipal
            };
            for m in [principal, not_principal].into_iter().flatten() {
                self.error(
                    m.key_span,
                    code,
                    format!("`{}` is not allowed in {}", m.key, kind_name(self.kind)),
                );
            }
            return None;
        }
        if matches!(self.kind, PolicyType::Trust | PolicyType::Rcp) {
            if let Some(m) = not_principal {
                let code = if self.kind == PolicyType::Trust {
                    IssueCode::RoleTrustPolicySyntaxErrorNotprincipal
                } else {
                    IssueCode::RcpSyntaxErrorPrincipal
                };
                self.error(
                    m.key_span,
                    code,
                    format!("`NotPrincipal` is not allowed in {}", kind_name(self.kind)),
                );
                return None;
            }
        }
        // VPC endpoint policies may leave the principal out: the statement then applies to
        // every caller.
        let (m, negated) = self.pick(
            stmt,
            (principal, not_principal),
            ("Principal", "NotPrincipal"),
            (self.kind != PolicyType::Endpoint).then_some(IssueCode::MissingPrincipal),
        )?;
        if self.kind == PolicyType::Rcp && !matches!(&m.value.value, Json::String(s) if s == "*") {
            self.error(
                m.value.span,
                IssueCode::RcpSyntaxErrorPrincipal,
                "`Principal` must be `\"*\"` in resource control policies",
            );
            return None;
        }
        if negated && self.effect_is_allow(stmt) {
            self.warning(
                m.key_span,
                IssueCode::AllowWithNotPrincipal,
                "`NotPrincipal` with `Allow` is rejected by most services",
                Some("use `NotPrincipal` only with `Deny`".into()),
            );
        }
        let principals = self.principals(m)?;
        Some(PrincipalBlock {
            negated,
            principals,
            span: m.value.span,
        })
    }

    fn principals(&mut self, m: &Member) -> Option<Principals> {
        let v = &m.value;
        match &v.value {
            Json::String(s) if s == "*" => Some(Principals::Any),
            Json::Object(members) => {
                if members.is_empty() {
                    self.error(
                        v.span,
                        IssueCode::EmptyObjectPrincipal,
                        format!("`{}` is an empty object", m.key),
                    );
                    return None;
                }
                let mut entries = Vec::new();
                let mut ok = true;
                for pm in members {
                    let kind = match pm.key.as_str() {
                        "AWS" => PrincipalKind::Aws,
                        "Service" => PrincipalKind::Service,
                        "Federated" => PrincipalKind::Federated,
                        "CanonicalUser" => PrincipalKind::CanonicalUser,
                        _ => {
                            self.unknown_member(
                                pm,
                                &PRINCIPAL_TYPES,
                                "principal type",
                                IssueCode::InvalidPrincipalKey,
                            );
                            ok = false;
                            continue;
                        }
                    };
                    let Some(values) = self.strings(&pm.value, &pm.key) else {
                        ok = false;
                        continue;
                    };
                    if values.is_empty() {
                        self.error(
                            pm.value.span,
                            IssueCode::EmptyArrayPrincipal,
                            format!("`{}` is an empty array", pm.key),
                        );
                        ok = false;
                    }
                    for (s, span) in values {
                        if !self.principal_value(s, span, &m.key, kind) {
                            ok = false;
                            continue;
                        }
                        entries.push(PrincipalEntry {
                            kind,
                            value: Spanned {
                                node: s.to_owned(),
                                span,
                            },
                        });
                    }
                }
                ok.then_some(Principals::Map(entries))
            }
            Json::String(s) => {
                self.error_help(
                    v.span,
                    IssueCode::InvalidPrincipalFormat,
                    format!("invalid `{}` `{}`", m.key, clip(s)),
                    Some(format!(
                        "`{}` is `\"*\"` or an object such as `{{\"AWS\": \"arn:aws:iam::111122223333:root\"}}`",
                        m.key
                    )),
                );
                None
            }
            _ => {
                self.mismatch(v, format!("`{}` must be `\"*\"` or an object", m.key));
                None
            }
        }
    }

    fn principal_value(&mut self, s: &str, span: Span, element: &str, kind: PrincipalKind) -> bool {
        if s.is_empty() {
            self.error(
                span,
                IssueCode::InvalidPrincipalFormat,
                format!("empty principal in `{element}`"),
            );
            return false;
        }
        if !self.no_variables(s, span, || format!("`{element}`")) {
            return false;
        }
        let account = s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit());
        if kind == PrincipalKind::Aws && s != "*" && !account && !s.starts_with("arn:") {
            self.error_help(
                span,
                unique_id_code(s).unwrap_or(IssueCode::InvalidPrincipalFormat),
                format!("invalid `AWS` principal `{}`", clip(s)),
                Some("an `AWS` principal is `*`, a 12-digit account id or an ARN".into()),
            );
            return false;
        }
        if s != "*" && s.contains(['*', '?']) {
            self.error_help(
                span,
                IssueCode::UnsupportedWildcardInPrincipal,
                format!(
                    "invalid principal `{}`: partial wildcards are not allowed",
                    clip(s)
                ),
                Some("name the principal exactly, or use `\"*\"` for everyone".into()),
            );
            return false;
        }
        true
    }
}

/// Access Analyzer's code for an `AWS` principal that is an IAM unique id (`AIDA...` for a
/// user, `AROA...` for a role: the prefix and 16 or more upper-case letters or digits).
fn unique_id_code(s: &str) -> Option<IssueCode> {
    let unique = |prefix: &str| {
        s.strip_prefix(prefix).is_some_and(|rest| {
            rest.len() >= 16
                && rest
                    .bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        })
    };
    if unique("AIDA") {
        Some(IssueCode::InvalidUserReference)
    } else if unique("AROA") {
        Some(IssueCode::InvalidRoleReference)
    } else {
        None
    }
}
