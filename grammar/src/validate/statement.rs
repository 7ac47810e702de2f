//! One statement: its members, `Effect`, and the `X` / `NotX` pairs.

use super::{Validator, STATEMENT};
use crate::ast::{Effect, PolicyType, Spanned, Statement};
use crate::diag::clip;
use crate::diag::IssueCode;
use crate::json::{Json, Member, Node};

use super::did_you_mean;

impl Validator<'_> {
    pub(super) fn statement(&mut self, node: &Node, index: usize) -> Option<Statement> {
        let Json::Object(members) = &node.value else {
            self.mismatch(node, "a statement must be an object");
            return None;
        };
        let errors_before = self.error_count();
        let mut sid = None;
        let mut effect = None;
        let mut principal: Option<&Member> = None;
        let mut not_principal: Option<&Member> = None;
        let mut action: Option<&Member> = None;
        let mut not_action: Option<&Member> = None;
        let mut resource: Option<&Member> = None;
        let mut not_resource: Option<&Member> = None;
        let mut condition: Option<&Member> = None;
        for m in members {
            match m.key.as_str() {
                "Sid" => sid = self.string_value(&m.value, "Sid").or(sid),
                "Effect" => effect = self.effect(&m.value),
                "Principal" => principal = Some(m),
                "NotPrincipal" => not_principal = Some(m),
                "Action" => action = Some(m),
                "NotAction" => not_action = Some(m),
                "Resource" => resource = Some(m),
                "NotResource" => not_resource = Some(m),
                "Condition" => condition = Some(m),
                _ => self.unknown_member(
                    m,
                    &STATEMENT,
                    "statement element",
                    IssueCode::InvalidPolicyElement,
                ),
            }
        }
        if effect.is_none() && !members.iter().any(|m| m.key == "Effect") {
            self.error(
                node.span,
                IssueCode::MissingEffect,
                "the statement has no `Effect`",
            );
        }

        // Principal / NotPrincipal.
        let principal_block = self.principal_element(node, principal, not_principal);

        // Action / NotAction.
        let action_block = match self.pick(
            node,
            (action, not_action),
            ("Action", "NotAction"),
            Some(IssueCode::MissingAction),
        ) {
            Some((m, negated)) => self.actions(m, negated),
            None => None,
        };

        // Resource / NotResource.
        let resource_block = if self.kind == PolicyType::Trust {
            for m in [resource, not_resource].into_iter().flatten() {
                self.error(
                    m.key_span,
                    IssueCode::RoleTrustPolicySyntaxErrorResource,
                    format!("`{}` is not allowed in trust policies", m.key),
                );
            }
            None
        } else {
            match self.pick(
                node,
                (resource, not_resource),
                ("Resource", "NotResource"),
                Some(IssueCode::MissingResource),
            ) {
                Some((m, negated)) => self.resources(m, negated),
                None => None,
            }
        };

        let conditions = match condition {
            Some(m) => self.conditions(&m.value),
            None => Vec::new(),
        };

        if self.error_count() > errors_before {
            return None;
        }
        Some(Statement {
            index,
            sid,
            effect: effect?,
            principal: principal_block,
            action: action_block?,
            resource: resource_block,
            conditions,
            span: node.span,
        })
    }

    pub(super) fn effect_is_allow(&self, stmt: &Node) -> bool {
        let Json::Object(members) = &stmt.value else {
            return false;
        };
        members
            .iter()
            .any(|m| m.key == "Effect" && matches!(&m.value.value, Json::String(e) if e == "Allow"))
    }

    /// Picks the one of `X` / `NotX` present; reports both, or neither with the code
    /// `missing` (when the element is required).
    pub(super) fn pick<'m>(
        &mut self,
        stmt: &Node,
        (plain, negated): (Option<&'m Member>, Option<&'m Member>),
        (name, not_name): (&str, &str),
        missing: Option<IssueCode>,
    ) -> Option<(&'m Member, bool)> {
        match (plain, negated) {
            (Some(_), Some(n)) => {
                self.error(
                    n.key_span,
                    IssueCode::UnsupportedElementCombination,
                    format!("a statement cannot have both `{name}` and `{not_name}`"),
                );
                None
            }
            (Some(p), None) => Some((p, false)),
            (None, Some(n)) => Some((n, true)),
            (None, None) => {
                if let Some(code) = missing {
                    self.error(
                        stmt.span,
                        code,
                        format!("the statement has no `{name}` or `{not_name}`"),
                    );
                }
                None
            }
        }
    }

    fn effect(&mut self, v: &Node) -> Option<Spanned<Effect>> {
        let Json::String(s) = &v.value else {
            self.mismatch(v, "`Effect` must be a string");
            return None;
        };
        let node = match s.as_str() {
            "Allow" => Effect::Allow,
            "Deny" => Effect::Deny,
            _ => {
                self.error_help(
                    v.span,
                    IssueCode::InvalidEffect,
                    format!("invalid `Effect` `{}`: it is `Allow` or `Deny`", clip(s)),
                    did_you_mean(s, &["Allow", "Deny"]),
                );
                return None;
            }
        };
        Some(Spanned { node, span: v.span })
    }
}
