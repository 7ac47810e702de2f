//! `Action` / `NotAction` entries (spec 2).

use super::Validator;
use crate::ast::{ActionBlock, ActionPattern};
use crate::diag::clip;
use crate::diag::IssueCode;
use crate::json::Member;
use crate::span::Span;

impl Validator<'_> {
    pub(super) fn actions(&mut self, m: &Member, negated: bool) -> Option<ActionBlock> {
        let entries = self.strings(&m.value, &m.key)?;
        if entries.is_empty() {
            self.error_help(
                m.value.span,
                IssueCode::EmptyArrayAction,
                format!("`{}` is an empty array", m.key),
                Some("a statement must name at least one action".into()),
            );
            return None;
        }
        let patterns = self.each_entry(entries, &m.key, Self::action)?;
        Some(ActionBlock {
            negated,
            patterns,
            span: m.value.span,
        })
    }

    fn action(&mut self, s: &str, span: Span, element: &str) -> Option<ActionPattern> {
        if s == "*" {
            return Some(ActionPattern::Any);
        }
        if !self.no_variables(s, span, || format!("`{element}`")) {
            return None;
        }
        let Some((service, name)) = s.split_once(':') else {
            self.error_help(
                span,
                IssueCode::InvalidAction,
                format!("invalid action `{}`", clip(s)),
                Some("an action is `*` or `service:action`, such as `ecs:RunTask`".into()),
            );
            return None;
        };
        if name.contains(':') {
            self.error(
                span,
                IssueCode::InvalidAction,
                format!(
                    "invalid action `{}`: an action has exactly one colon",
                    clip(s)
                ),
            );
            return None;
        }
        if service.is_empty() {
            self.error(
                span,
                IssueCode::InvalidAction,
                format!("invalid action `{}`: the service prefix is empty", clip(s)),
            );
            return None;
        }
        if service.contains(['*', '?']) {
            self.error(
                span,
                IssueCode::InvalidAction,
                format!(
                    "invalid action `{}`: the service prefix cannot contain wildcards",
                    clip(s)
                ),
            );
            return None;
        }
        Some(ActionPattern::Service {
            service: service.to_owned(),
            name: name.to_owned(),
        })
    }
}
