//! The `Condition` element (spec 5): operators, keys and values.

use std::collections::HashMap;

use super::Validator;
use crate::ast::{
    BaseOperator, ConditionClause, ConditionKey, ConditionValue, Operator, SetQualifier, Spanned,
    ValueKind, Version,
};
use crate::diag::{suggest, IssueCode};
use crate::json::{Json, Member, Node};
use crate::lexer::clip;
use crate::template;

impl Validator<'_> {
    pub(super) fn conditions(&mut self, v: &Node) -> Vec<ConditionClause> {
        let Json::Object(ops) = &v.value else {
            self.error(
                v.span,
                IssueCode::DataTypeMismatch,
                format!("`Condition` must be an object, found {}", v.describe()),
            );
            return Vec::new();
        };
        let mut clauses = Vec::with_capacity(ops.len());
        for om in ops {
            let operator = self.operator(om);
            let keys = self.condition_keys(om, operator.map(|o| o.base));
            if let (Some(op), Some(keys)) = (operator, keys) {
                clauses.push(ConditionClause {
                    operator: Spanned {
                        node: op,
                        span: om.key_span,
                    },
                    keys,
                });
            }
        }
        clauses
    }

    fn operator(&mut self, m: &Member) -> Option<Operator> {
        let s = m.key.as_str();
        let (qualifier, rest) = if let Some(r) = s.strip_prefix("ForAllValues:") {
            (Some(SetQualifier::ForAllValues), r)
        } else if let Some(r) = s.strip_prefix("ForAnyValue:") {
            (Some(SetQualifier::ForAnyValue), r)
        } else {
            (None, s)
        };
        if qualifier.is_some()
            && (rest.starts_with("ForAllValues:") || rest.starts_with("ForAnyValue:"))
        {
            self.error(
                m.key_span,
                IssueCode::InvalidConditionOperator,
                format!(
                    "invalid condition operator `{}`: at most one `ForAllValues:` or `ForAnyValue:` prefix",
                    clip(s)
                ),
            );
            return None;
        }
        let (base_name, if_exists) = match rest.strip_suffix("IfExists") {
            Some(b) => (b, true),
            None => (rest, false),
        };
        let base = BaseOperator::ALL
            .iter()
            .copied()
            .find(|b| b.name() == base_name);
        match base {
            Some(BaseOperator::Null) if if_exists => {
                self.error(
                    m.key_span,
                    IssueCode::NullWithIfExists,
                    format!(
                        "invalid condition operator `{}`: `Null` takes no `IfExists`",
                        clip(s)
                    ),
                );
                None
            }
            Some(base) => Some(Operator {
                qualifier,
                base,
                if_exists,
            }),
            None => {
                self.error_help(
                    m.key_span,
                    IssueCode::InvalidConditionOperator,
                    format!("unknown condition operator `{}`", clip(s)),
                    operator_suggestion(s).map(|c| format!("did you mean `{c}`?")),
                );
                None
            }
        }
    }

    fn condition_keys(
        &mut self,
        m: &Member,
        base: Option<BaseOperator>,
    ) -> Option<Vec<ConditionKey>> {
        let Json::Object(members) = &m.value.value else {
            self.error(
                m.value.span,
                IssueCode::DataTypeMismatch,
                format!(
                    "the block of condition operator `{}` must be an object, found {}",
                    clip(&m.key),
                    m.value.describe()
                ),
            );
            return None;
        };
        let mut keys = Vec::with_capacity(members.len());
        let mut lower_seen: HashMap<String, &str> = HashMap::new();
        let mut ok = true;
        for km in members {
            let lower = km.key.to_lowercase();
            match lower_seen.get(&lower) {
                Some(first) if *first != km.key => {
                    self.error(
                        km.key_span,
                        IssueCode::DuplicateKeysWithDifferentCase,
                        format!(
                            "condition key `{}` repeats `{}` in another letter case",
                            clip(&km.key),
                            clip(first)
                        ),
                    );
                    ok = false;
                }
                Some(_) => {} // exact duplicate: reported by the duplicate-key pass
                None => {
                    lower_seen.insert(lower, km.key.as_str());
                }
            }
            if km.key.is_empty() {
                self.error(
                    km.key_span,
                    IssueCode::InvalidConditionKeyFormat,
                    "empty condition key",
                );
                ok = false;
            }
            if !self.no_variables(&km.key, km.key_span, || "condition keys".to_owned()) {
                ok = false;
            }
            let values = self.condition_values(&km.value, base);
            match values {
                Some(values) => keys.push(ConditionKey {
                    key: Spanned {
                        node: km.key.clone(),
                        span: km.key_span,
                    },
                    values,
                }),
                None => ok = false,
            }
        }
        ok.then_some(keys)
    }

    fn condition_values(
        &mut self,
        v: &Node,
        base: Option<BaseOperator>,
    ) -> Option<Vec<Spanned<ConditionValue>>> {
        match &v.value {
            Json::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                let mut ok = true;
                for item in items {
                    match self.condition_value(item, base, true) {
                        Some(value) => out.push(value),
                        None => ok = false,
                    }
                }
                ok.then_some(out)
            }
            _ => self
                .condition_value(v, base, false)
                .map(|value| vec![value]),
        }
    }

    fn condition_value(
        &mut self,
        v: &Node,
        base: Option<BaseOperator>,
        in_array: bool,
    ) -> Option<Spanned<ConditionValue>> {
        let (kind, text) = match &v.value {
            Json::String(s) => (ValueKind::String, s.clone()),
            Json::Number(n) => (ValueKind::Number, n.clone()),
            Json::Bool(b) => (ValueKind::Bool, b.to_string()),
            Json::Null => {
                self.error(
                    v.span,
                    IssueCode::DataTypeMismatch,
                    "a condition value cannot be `null`",
                );
                return None;
            }
            Json::Array(_) if in_array => {
                self.error(
                    v.span,
                    IssueCode::DataTypeMismatch,
                    "condition values cannot be nested arrays",
                );
                return None;
            }
            Json::Array(_) | Json::Object(_) => {
                self.error(
                    v.span,
                    IssueCode::DataTypeMismatch,
                    format!(
                        "a condition value must be a string, number or boolean, found {}",
                        v.describe()
                    ),
                );
                return None;
            }
        };
        let base = base?;
        let template = if self.version == Version::V2012_10_17 && template::has_variable(&text) {
            if !base.admits_variables() {
                self.error(
                    v.span,
                    IssueCode::InvalidVariableForOperator,
                    format!(
                        "policy variables are not allowed in the values of `{}`",
                        base.name()
                    ),
                );
                return None;
            }
            match template::parse(&text) {
                Ok(t) => t,
                Err(e) => {
                    self.error(v.span, e.code, e.message);
                    return None;
                }
            }
        } else {
            template::literal(&text)
        };
        Some(Spanned {
            node: ConditionValue {
                kind,
                text,
                template,
            },
            span: v.span,
        })
    }
}

/// The operator `s` was most likely meant to be, fixing the prefix, base name and `IfExists`
/// suffix separately.
fn operator_suggestion(s: &str) -> Option<String> {
    let (prefix, rest) = match s.split_once(':') {
        Some((p, r)) => (Some(suggest(p, &["ForAllValues", "ForAnyValue"])?), r),
        None => (None, s),
    };
    let lower = rest.to_ascii_lowercase();
    let (base_part, if_exists) = match lower.strip_suffix("ifexists") {
        Some(_) => (
            rest.get(..rest.len() - "ifexists".len()).unwrap_or(rest),
            true,
        ),
        None => (rest, false),
    };
    let names: Vec<&str> = BaseOperator::ALL.iter().map(|b| b.name()).collect();
    let base = suggest(base_part, &names).or_else(|| suggest(rest, &names))?;
    let if_exists = if_exists && suggest(base_part, &names).is_some() && base != "Null";
    let mut out = String::new();
    if let Some(p) = prefix {
        out.push_str(p);
        out.push(':');
    }
    out.push_str(base);
    if if_exists {
        out.push_str("IfExists");
    }
    (out != s).then_some(out)
}

#[cfg(test)]
mod tests {
    #![allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::indexing_slicing,
        clippy::panic
    )]
    use super::*;

    #[test]
    fn operator_suggestions() {
        assert_eq!(
            operator_suggestion("stringEquals").as_deref(),
            Some("StringEquals")
        );
        assert_eq!(
            operator_suggestion("StringLke").as_deref(),
            Some("StringLike")
        );
        assert_eq!(
            operator_suggestion("forallvalues:stringlikeifexists").as_deref(),
            Some("ForAllValues:StringLikeIfExists")
        );
        assert_eq!(operator_suggestion("Nul").as_deref(), Some("Null"));
        assert_eq!(operator_suggestion("Whatever"), None);
    }
}
