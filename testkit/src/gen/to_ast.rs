//! The AST the generator means: what the grammar must produce from the rendered text, spans
//! aside.

use super::model::*;
use super::policy::arn_frags;
use super::render::{frags_text, resource_text};
use iamc_grammar::ast;
use iamc_grammar::Span;

use crate::builder::{allow, deny, sp};

/// Template segments with empty texts dropped and adjacent texts merged (the grammar may
/// cut text differently; this is the comparable form).
pub fn normalize(segments: &[ast::Segment]) -> Vec<ast::Segment> {
    let mut out: Vec<ast::Segment> = Vec::new();
    for s in segments {
        match (s, out.last_mut()) {
            (ast::Segment::Text(t), _) if t.is_empty() => {}
            (ast::Segment::Text(t), Some(ast::Segment::Text(prev))) => prev.push_str(t),
            (s, _) => out.push(s.clone()),
        }
    }
    out
}

pub fn template(frags: &[Frag], substitutes: bool) -> ast::Template {
    if !substitutes {
        return ast::Template {
            segments: vec![ast::Segment::Text(frags_text(frags))],
        };
    }
    let segments: Vec<ast::Segment> = frags
        .iter()
        .map(|f| match f {
            Frag::Var { key, default } => ast::Segment::Variable {
                key: key.clone(),
                default: default.clone(),
            },
            Frag::Esc(c) => ast::Segment::Escaped(*c),
            f => ast::Segment::Text(frags_text(std::slice::from_ref(f))),
        })
        .collect();
    ast::Template {
        segments: normalize(&segments),
    }
}

/// The actions of a statement, as the grammar reads them.
fn action_block(s: &GenStatement) -> ast::ActionBlock {
    let patterns = s.actions.iter().map(|a| match a {
        GenAction::Any => ast::ActionPattern::Any,
        GenAction::Svc { service, name } => ast::ActionPattern::Service {
            service: service.clone(),
            name: frags_text(name),
        },
    });
    ast::ActionBlock {
        negated: s.not_action,
        patterns: patterns.map(sp).collect(),
        span: Span::new(0, 0),
    }
}

/// The resources of a statement of a policy that substitutes variables or not.
fn resource_block(s: &GenStatement, subst: bool) -> ast::ResourceBlock {
    let patterns = s.resources.iter().map(|r| match r {
        GenResource::Any => ast::ResourcePattern::Any,
        GenResource::Arn { fields } => ast::ResourcePattern::Arn {
            raw: resource_text(r),
            template: template(&arn_frags(fields), subst),
        },
    });
    ast::ResourceBlock {
        negated: s.not_resource,
        patterns: patterns.map(sp).collect(),
        span: Span::new(0, 0),
    }
}

/// One condition block entry (operator and keys).
fn clause(c: &GenClause, subst: bool) -> ast::ConditionClause {
    let operator = ast::Operator {
        qualifier: c.qualifier.map(|q| match q {
            Qualifier::ForAllValues => ast::SetQualifier::ForAllValues,
            Qualifier::ForAnyValue => ast::SetQualifier::ForAnyValue,
        }),
        base: c.base,
        if_exists: c.if_exists,
    };
    let vars = subst && c.base.admits_variables();
    let keys = c.keys.iter().map(|k| ast::ConditionKey {
        key: sp(k.key.clone()),
        values: k.values.iter().map(|v| sp(value(v, vars))).collect(),
    });
    ast::ConditionClause {
        operator: sp(operator),
        keys: keys.collect(),
    }
}

/// The AST of a generated policy named `name`.
pub fn policy(g: &GenPolicy, name: &str) -> ast::Policy {
    let subst = g.version.substitutes();
    let statements = g
        .statements
        .iter()
        .enumerate()
        .map(|(index, s)| {
            let effect = if s.deny { deny() } else { allow() };
            let conditions = s.conditions.iter().map(|c| clause(c, subst)).collect();
            let mut st = effect.conditions(conditions).build();
            st.index = index;
            st.sid = s.sid.clone().map(sp);
            st.action = action_block(s);
            st.resource = Some(resource_block(s, subst));
            st
        })
        .collect();
    ast::Policy {
        name: name.to_owned(),
        kind: ast::PolicyType::Identity,
        version: if subst {
            ast::Version::V2012_10_17
        } else {
            ast::Version::V2008_10_17
        },
        version_span: (g.version != GenVersion::Absent).then(|| Span::new(0, 0)),
        id: g.id.clone().map(sp),
        statements,
        span: Span::new(0, 0),
    }
}

pub fn value(v: &GenValue, substitutes: bool) -> ast::ConditionValue {
    match v {
        GenValue::Str(f) => ast::ConditionValue {
            kind: ast::ValueKind::String,
            text: frags_text(f),
            template: template(f, substitutes),
        },
        GenValue::Num(n) => ast::ConditionValue {
            kind: ast::ValueKind::Number,
            text: n.clone(),
            template: template(&[Frag::Lit(n.clone())], false),
        },
        GenValue::Bool(b) => ast::ConditionValue {
            kind: ast::ValueKind::Bool,
            text: b.to_string(),
            template: template(&[Frag::Lit(b.to_string())], false),
        },
    }
}

/// `p` with every span zeroed and templates normalized, comparable with the model's AST.
pub fn without_spans(p: &ast::Policy) -> ast::Policy {
    let z = Span::new(0, 0);
    let mut p = p.clone();
    p.span = z;
    p.version_span = p.version_span.map(|_| z);
    if let Some(id) = &mut p.id {
        id.span = z;
    }
    for s in &mut p.statements {
        s.span = z;
        s.effect.span = z;
        if let Some(sid) = &mut s.sid {
            sid.span = z;
        }
        s.action.span = z;
        for a in &mut s.action.patterns {
            a.span = z;
        }
        if let Some(r) = &mut s.resource {
            r.span = z;
            for x in &mut r.patterns {
                x.span = z;
                if let ast::ResourcePattern::Arn { template, .. } = &mut x.node {
                    template.segments = normalize(&template.segments);
                }
            }
        }
        for c in &mut s.conditions {
            c.operator.span = z;
            for k in &mut c.keys {
                k.key.span = z;
                for v in &mut k.values {
                    v.span = z;
                    v.node.template.segments = normalize(&v.node.template.segments);
                }
            }
        }
    }
    p
}
