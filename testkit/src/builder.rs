//! AST builders: policies put together in code, without text, spans at zero. For tests that
//! need an AST the grammar would refuse, or a shape exactly (a statement per operator, four
//! hundred resource patterns), without writing JSON.
//!
//! ```
//! use iamc_testkit::builder::{allow, arn, clause, deny, policy};
//! use iamc_grammar::ast::Version;
//!
//! let p = policy(
//!     "p.json",
//!     Version::V2012_10_17,
//!     vec![
//!         allow().actions(&["s3:Get*"]).resources(vec![arn("arn:aws:s3:::b/*")]),
//!         deny().when(clause("StringEquals", "aws:username", r#"["eve"]"#, true)),
//!     ],
//! );
//! assert_eq!(p.statements[1].index, 1);
//! ```

use iamc_grammar::ast::{self, BaseOperator, Spanned};
use iamc_grammar::Span;
use iamc_runtime::{Scalar, Value};

/// `node` at the empty span.
pub fn sp<T>(node: T) -> Spanned<T> {
    Spanned {
        node,
        span: Span::default(),
    }
}

/// A template of one text segment (no variables).
pub fn text(s: &str) -> ast::Template {
    ast::Template {
        segments: vec![ast::Segment::Text(s.into())],
    }
}

/// A template as the grammar builds it: with `vars`, `${key}` and `${key, 'default'}` are
/// variables and `${*}`, `${?}`, `${$}` escapes; without, the whole text is literal.
pub fn template(text: &str, vars: bool) -> ast::Template {
    let mut segments = Vec::new();
    if !vars {
        segments.push(ast::Segment::Text(text.to_owned()));
        return ast::Template { segments };
    }
    let mut rest = text;
    while let Some((before, after)) = rest.split_once("${") {
        let Some((inner, tail)) = after.split_once('}') else {
            break;
        };
        if !before.is_empty() {
            segments.push(ast::Segment::Text(before.into()));
        }
        segments.push(match inner {
            "*" => ast::Segment::Escaped('*'),
            "?" => ast::Segment::Escaped('?'),
            "$" => ast::Segment::Escaped('$'),
            _ => {
                let (key, default) = match inner.split_once(", '") {
                    Some((k, d)) => (k.to_owned(), Some(d.trim_end_matches('\'').to_owned())),
                    None => (inner.to_owned(), None),
                };
                ast::Segment::Variable { key, default }
            }
        });
        rest = tail;
    }
    if !rest.is_empty() {
        segments.push(ast::Segment::Text(rest.into()));
    }
    ast::Template { segments }
}

/// Parses `ForAnyValue:StringLikeIfExists`-style operator names.
///
/// # Panics
/// On a name that is no operator.
pub fn operator(name: &str) -> ast::Operator {
    let (qualifier, rest) = if let Some(r) = name.strip_prefix("ForAllValues:") {
        (Some(ast::SetQualifier::ForAllValues), r)
    } else if let Some(r) = name.strip_prefix("ForAnyValue:") {
        (Some(ast::SetQualifier::ForAnyValue), r)
    } else {
        (None, name)
    };
    let (if_exists, base) = match rest.strip_suffix("IfExists") {
        Some(b) => (true, b),
        None => (false, rest),
    };
    let base = BaseOperator::ALL
        .into_iter()
        .find(|b| b.name() == base)
        .unwrap_or_else(|| panic!("unknown operator {name}"));
    ast::Operator {
        qualifier,
        base,
        if_exists,
    }
}

/// An action pattern: `*` or `service:name`.
pub fn action(pattern: &str) -> ast::ActionPattern {
    match pattern.split_once(':') {
        None => ast::ActionPattern::Any,
        Some((service, name)) => ast::ActionPattern::Service {
            service: service.into(),
            name: name.into(),
        },
    }
}

/// A resource pattern without variables: `*` or an ARN pattern.
pub fn arn(pattern: &str) -> ast::ResourcePattern {
    if pattern == "*" {
        return ast::ResourcePattern::Any;
    }
    ast::ResourcePattern::Arn {
        raw: pattern.into(),
        template: text(pattern),
    }
}

/// A resource ARN pattern whose `${...}` are variables (under 2012-10-17).
pub fn arn_with_vars(pattern: &str) -> ast::ResourcePattern {
    ast::ResourcePattern::Arn {
        raw: pattern.into(),
        template: template(pattern, true),
    }
}

/// The condition block `{operator: {key: values}}`; `values` is a JSON array whose strings,
/// numbers and booleans become values of that kind; with `vars`, string values of operators
/// that admit variables get them.
///
/// # Panics
/// On an unknown operator or values that are not a JSON array of scalars.
pub fn clause(operator_name: &str, key: &str, values: &str, vars: bool) -> ast::ConditionClause {
    let op = operator(operator_name);
    let vars = vars && op.base.admits_variables();
    let parsed =
        iamc::io::request_from_json(&format!(r#"{{"action":"s:a","context":{{"v":{values}}}}}"#))
            .unwrap_or_else(|e| panic!("bad values {values}: {e}"));
    let Some(Value::Multi(list)) = parsed.context.get("v") else {
        panic!("values must be an array: {values}")
    };
    let values = list
        .iter()
        .map(|s| {
            let (kind, text) = match s {
                Scalar::String(t) => (ast::ValueKind::String, t.clone()),
                Scalar::Number(t) => (ast::ValueKind::Number, t.clone()),
                Scalar::Bool(b) => (ast::ValueKind::Bool, b.to_string()),
            };
            let template = template(&text, vars && kind == ast::ValueKind::String);
            sp(ast::ConditionValue {
                kind,
                text,
                template,
            })
        })
        .collect();
    ast::ConditionClause {
        operator: sp(op),
        keys: vec![ast::ConditionKey {
            key: sp(key.to_owned()),
            values,
        }],
    }
}

/// A statement under construction: `Action: *`, `Resource: *`, no condition until told.
#[derive(Debug, Clone)]
pub struct Stmt(ast::Statement);

fn statement(effect: ast::Effect) -> Stmt {
    Stmt(ast::Statement {
        index: 0,
        sid: None,
        effect: sp(effect),
        principal: None,
        action: ast::ActionBlock {
            negated: false,
            patterns: vec![sp(ast::ActionPattern::Any)],
            span: Span::default(),
        },
        resource: Some(ast::ResourceBlock {
            negated: false,
            patterns: vec![sp(ast::ResourcePattern::Any)],
            span: Span::default(),
        }),
        conditions: Vec::new(),
        span: Span::default(),
    })
}

/// An Allow statement on every action and resource.
pub fn allow() -> Stmt {
    statement(ast::Effect::Allow)
}

/// A Deny statement on every action and resource.
pub fn deny() -> Stmt {
    statement(ast::Effect::Deny)
}

impl Stmt {
    /// `Action: patterns` (see [`action`]).
    pub fn actions(mut self, patterns: &[&str]) -> Stmt {
        self.0.action.negated = false;
        self.0.action.patterns = patterns.iter().map(|p| sp(action(p))).collect();
        self
    }

    /// `NotAction: patterns`.
    pub fn not_actions(self, patterns: &[&str]) -> Stmt {
        let mut s = self.actions(patterns);
        s.0.action.negated = true;
        s
    }

    /// `Resource: patterns`.
    pub fn resources(mut self, patterns: Vec<ast::ResourcePattern>) -> Stmt {
        self.0.resource = Some(ast::ResourceBlock {
            negated: false,
            patterns: patterns.into_iter().map(sp).collect(),
            span: Span::default(),
        });
        self
    }

    /// `NotResource: patterns`.
    pub fn not_resources(self, patterns: Vec<ast::ResourcePattern>) -> Stmt {
        let mut s = self.resources(patterns);
        if let Some(r) = &mut s.0.resource {
            r.negated = true;
        }
        s
    }

    /// `Sid: sid`.
    pub fn sid(mut self, sid: &str) -> Stmt {
        self.0.sid = Some(sp(sid.to_owned()));
        self
    }

    /// One more condition block (blocks AND).
    pub fn when(mut self, clause: ast::ConditionClause) -> Stmt {
        self.0.conditions.push(clause);
        self
    }

    /// These condition blocks, in order.
    pub fn conditions(mut self, clauses: Vec<ast::ConditionClause>) -> Stmt {
        self.0.conditions.extend(clauses);
        self
    }

    /// The statement (index 0 until [`policy`] numbers it).
    pub fn build(self) -> ast::Statement {
        self.0
    }
}

/// An identity policy named `name` holding `statements`, numbered in order.
pub fn policy(name: &str, version: ast::Version, statements: Vec<Stmt>) -> ast::Policy {
    let statements = statements
        .into_iter()
        .enumerate()
        .map(|(index, s)| ast::Statement { index, ..s.0 })
        .collect();
    ast::Policy {
        name: name.into(),
        kind: ast::PolicyType::Identity,
        version,
        version_span: None,
        id: None,
        statements,
        span: Span::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_split_like_the_grammar() {
        let t = template("a${k, 'd'}b${*}", true);
        assert_eq!(
            t.segments,
            vec![
                ast::Segment::Text("a".into()),
                ast::Segment::Variable {
                    key: "k".into(),
                    default: Some("d".into())
                },
                ast::Segment::Text("b".into()),
                ast::Segment::Escaped('*'),
            ]
        );
        assert_eq!(template("${v}", false), text("${v}"));
    }

    #[test]
    fn operators_parse_qualifiers_and_if_exists() {
        let op = operator("ForAnyValue:StringLikeIfExists");
        assert_eq!(op.qualifier, Some(ast::SetQualifier::ForAnyValue));
        assert_eq!(op.base, BaseOperator::StringLike);
        assert!(op.if_exists);
    }
}
