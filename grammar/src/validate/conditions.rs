//! The `Condition` element (spec 5): operators, keys and values.

use std::collections::HashMap;

use super::Validator;
use crate::ast::{
    BaseOperator, ConditionClause, ConditionKey, ConditionValue, Operator, SetQualifier, Spanned,
    ValueKind, Version,
};
use crate::diag::clip;
use crate::diag::{suggest, IssueCode};
use crate::json::{Json, Member, Node};
use crate::span::Span;
use crate::template;
use crate::values;

impl Validator<'_> {
    pub(super) fn conditions(&mut self, v: &Node) -> Vec<ConditionClause> {
        let Json::Object(ops) = &v.value else {
            self.mismatch(v, "`Condition` must be an object");
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
        match parse_operator(s) {
            Ok(op) => Some(op),
            Err(OperatorError::DoubledPrefix) => {
                self.error(
                    m.key_span,
                    IssueCode::InvalidConditionOperator,
                    format!(
                        "invalid condition operator `{}`: at most one `ForAllValues:` or `ForAnyValue:` prefix",
                        clip(s)
                    ),
                );
                None
            }
            Err(OperatorError::NullIfExists) => {
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
            Err(OperatorError::Unknown) => {
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
            self.mismatch(
                &m.value,
                format!(
                    "the block of condition operator `{}` must be an object",
                    clip(&m.key)
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
                self.mismatch(v, "a condition value must be a string, number or boolean");
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
        if template.is_constant() && !self.value_syntax(base, &text, v.span) {
            return None;
        }
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

/// Why a condition operator name is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OperatorError {
    /// `ForAllValues:ForAnyValue:...`: at most one set qualifier.
    DoubledPrefix,
    /// `NullIfExists`.
    NullIfExists,
    /// No base operator of that name (names are case-sensitive).
    Unknown,
}

/// Reads `[ForAllValues:|ForAnyValue:]Base[IfExists]` (spec 1.2 rules 6 and 7).
pub fn parse_operator(s: &str) -> Result<Operator, OperatorError> {
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
        return Err(OperatorError::DoubledPrefix);
    }
    let (base_name, if_exists) = match rest.strip_suffix("IfExists") {
        Some(b) => (b, true),
        None => (rest, false),
    };
    match BaseOperator::ALL
        .iter()
        .copied()
        .find(|b| b.name() == base_name)
    {
        Some(BaseOperator::Null) if if_exists => Err(OperatorError::NullIfExists),
        Some(base) => Ok(Operator {
            qualifier,
            base,
            if_exists,
        }),
        None => Err(OperatorError::Unknown),
    }
}

/// The operator family whose values have a syntax of their own (A19); `None` for the String
/// and Arn families, whose values are any text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Typed {
    Numeric,
    Date,
    Bool,
    Null,
    Binary,
    Ip,
}

fn typed(base: BaseOperator) -> Option<Typed> {
    use BaseOperator as B;
    match base {
        B::NumericEquals
        | B::NumericNotEquals
        | B::NumericLessThan
        | B::NumericLessThanEquals
        | B::NumericGreaterThan
        | B::NumericGreaterThanEquals => Some(Typed::Numeric),
        B::DateEquals
        | B::DateNotEquals
        | B::DateLessThan
        | B::DateLessThanEquals
        | B::DateGreaterThan
        | B::DateGreaterThanEquals => Some(Typed::Date),
        B::Bool => Some(Typed::Bool),
        B::Null => Some(Typed::Null),
        B::BinaryEquals => Some(Typed::Binary),
        B::IpAddress | B::NotIpAddress => Some(Typed::Ip),
        B::StringEquals
        | B::StringNotEquals
        | B::StringEqualsIgnoreCase
        | B::StringNotEqualsIgnoreCase
        | B::StringLike
        | B::StringNotLike
        | B::ArnEquals
        | B::ArnLike
        | B::ArnNotEquals
        | B::ArnNotLike => None,
    }
}

impl Validator<'_> {
    /// A19: a value of a typed operator that the engines cannot read never compares, so a
    /// statement using it silently never applies (a `Deny` then never denies): an error with
    /// Access Analyzer's code. Epoch dates are legal but easy to get wrong: a warning. `false`
    /// after an error.
    fn value_syntax(&mut self, base: BaseOperator, text: &str, span: Span) -> bool {
        let Some(family) = typed(base) else {
            return true;
        };
        let op = base.name();
        let shown = clip(text);
        let (code, message, help) = match family {
            Typed::Bool | Typed::Null if !values::is_bool(text) => (
                IssueCode::TypeMismatchBoolean,
                format!("`{op}` value `{shown}` is neither `true` nor `false`"),
                "the statement could never apply: write `true` or `false`",
            ),
            Typed::Numeric if !values::is_decimal(text) => (
                IssueCode::TypeMismatchNumber,
                format!("`{op}` value `{shown}` is not a number"),
                "the statement could never apply: write a decimal number such as `3600` or `0.5`",
            ),
            Typed::Date if values::is_epoch(text) => {
                let same = text
                    .parse::<i64>()
                    .ok()
                    .and_then(values::epoch_to_w3c)
                    .map_or_else(String::new, |d| format!(" (`{d}`)"));
                self.warning(
                    span,
                    IssueCode::InvalidDateValue,
                    format!("`{op}` value `{shown}` is read as epoch seconds{same}"),
                    Some("write the date as `YYYY-MM-DD` or `YYYY-MM-DDThh:mm:ssZ`".into()),
                );
                return true;
            }
            Typed::Date if !values::is_date(text) => (
                IssueCode::TypeMismatchDate,
                format!("`{op}` value `{shown}` is not a date"),
                "the statement could never apply: write `YYYY-MM-DD`, `YYYY-MM-DDThh:mm:ssZ` or epoch seconds",
            ),
            Typed::Ip if values::parse_ip_range(text).is_none() => (
                IssueCode::TypeMismatchIpRange,
                format!("`{op}` value `{shown}` is not an IP address or CIDR range"),
                "the statement could never apply: write an address such as `203.0.113.7` or a range such as `203.0.113.0/24`",
            ),
            Typed::Binary if !values::is_base64(text) => (
                IssueCode::TypeMismatchString,
                format!("`{op}` value `{shown}` is not base64"),
                "the statement could never apply: write the bytes in padded base64",
            ),
            _ => return true,
        };
        self.error_help(span, code, message, Some(help.to_owned()));
        false
    }
}

/// The operator `s` was most likely meant to be, fixing the prefix, base name and `IfExists`
/// suffix separately.
pub fn operator_suggestion(s: &str) -> Option<String> {
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
