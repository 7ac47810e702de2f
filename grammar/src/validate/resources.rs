//! `Resource` / `NotResource` entries (spec 3): ARNs, variables in the resource part, short
//! ARNs by policy type, IAM's own ARN rules.

use super::{identity_like, Validator};
use crate::ast::{PolicyType, ResourceBlock, ResourcePattern, Segment, Version};
use crate::diag::clip;
use crate::diag::IssueCode;
use crate::json::Member;
use crate::span::Span;
use crate::template;

impl Validator<'_> {
    pub(super) fn resources(&mut self, m: &Member, negated: bool) -> Option<ResourceBlock> {
        let entries = self.strings(&m.value, &m.key)?;
        if entries.is_empty() {
            if identity_like(self.kind) {
                self.error_help(
                    m.value.span,
                    IssueCode::EmptyArrayResource,
                    format!("`{}` is an empty array", m.key),
                    Some("a statement must name at least one resource".into()),
                );
                return None;
            }
            self.warning(
                m.value.span,
                IssueCode::EmptyArrayResource,
                format!("`{}` is an empty array: the statement has no effect", m.key),
                None,
            );
        }
        let patterns = self.each_entry(entries, &m.key, Self::resource)?;
        Some(ResourceBlock {
            negated,
            patterns,
            span: m.value.span,
        })
    }

    fn resource(&mut self, s: &str, span: Span, element: &str) -> Option<ResourcePattern> {
        if s == "*" {
            return Some(ResourcePattern::Any);
        }
        if !s.starts_with("arn:") {
            self.error_help(
                span,
                IssueCode::InvalidArnPrefix,
                format!("invalid resource `{}`", clip(s)),
                Some("a resource is `*` or an ARN starting with `arn:`".into()),
            );
            return None;
        }
        let template = if self.version == Version::V2012_10_17 {
            match template::parse(s) {
                Ok(t) => t,
                Err(e) => {
                    self.error(span, e.code, e.message);
                    return None;
                }
            }
        } else {
            template::literal(s)
        };
        // Variables only in the sixth field (after the fifth colon outside variables).
        let mut colons = 0usize;
        for seg in &template.segments {
            match seg {
                Segment::Text(t) => colons += t.matches(':').count(),
                Segment::Escaped(_) => {}
                Segment::Variable { .. } if colons < 5 => {
                    self.error_help(
                        span,
                        IssueCode::VariableUnsupportedInElement,
                        format!(
                            "policy variables are allowed only in the resource part of an ARN in `{element}`"
                        ),
                        Some("the resource part follows the fifth colon: `arn:partition:service:region:account:resource`".into()),
                    );
                    return None;
                }
                Segment::Variable { .. } => {}
            }
        }
        // Short ARNs (fewer than six fields) by policy type (spec 3.4, A5: the iam-simulate
        // table): SCPs only with a trailing `*`, RCPs never; elsewhere they are padded (and in
        // resource-based and endpoint policies one without `*` matches nothing).
        if s.matches(':').count() < 5 {
            if self.kind == PolicyType::Scp && !s.ends_with('*') {
                self.error_help(
                    span,
                    IssueCode::MissingArnField,
                    format!("short ARN `{}` in a service control policy", clip(s)),
                    Some("give all six fields, or end the ARN with `*`".into()),
                );
                return None;
            }
            if self.kind == PolicyType::Rcp {
                self.error_help(
                    span,
                    IssueCode::MissingArnField,
                    format!("short ARN `{}` in a resource control policy", clip(s)),
                    Some(
                        "give all six fields: `arn:partition:service:region:account:resource`"
                            .into(),
                    ),
                );
                return None;
            }
        }
        self.iam_arn_checks(s, span);
        Some(ResourcePattern::Arn {
            raw: s.to_owned(),
            template,
        })
    }

    /// IAM's own checks on `iam` ARNs (spec 1.2 rule 5, A7), as warnings: IAM resources have no
    /// region, and the resource-type token (`user`, `role`, ...) takes no wildcard.
    fn iam_arn_checks(&mut self, s: &str, span: Span) {
        let fields: Vec<&str> = s.splitn(6, ':').collect();
        let (Some(&"iam"), Some(region), Some(resource)) =
            (fields.get(2), fields.get(3), fields.get(5))
        else {
            return;
        };
        if !region.is_empty() {
            self.warning(
                span,
                IssueCode::ArnRegionNotAllowed,
                format!("IAM resource `{}` has a region", clip(s)),
                Some(
                    "IAM is global: its ARNs look like `arn:aws:iam::111122223333:role/name`"
                        .into(),
                ),
            );
        }
        let token = resource.split('/').next().unwrap_or_default();
        if *resource != "*" && token.contains(['*', '?']) {
            self.warning(
                span,
                IssueCode::IamcWildcardInResourceType,
                format!(
                    "IAM resource `{}` has a wildcard in its resource type `{}`",
                    clip(s),
                    clip(token)
                ),
                Some("IAM documents wildcards in the resource type (`user`, `role`, ...) as not allowed; such a pattern matches only by the literal text".into()),
            );
        }
    }
}
