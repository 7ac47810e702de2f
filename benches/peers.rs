//! The peers (`--features peers`): cedar-policy, regorus (Rego) and iam-rs on the same policies
//! and requests as iamc.
//!
//! Each peer gets the statements it can express (a translation per statement; the others are
//! left out and counted), and is checked, request by request, against iamc's compiled engine
//! on exactly that reduced set: requests it cannot take or decides differently are left out of
//! its timing and counted. The remaining requests are timed for the peer and, in the same
//! group, for iamc (compiled, on the same reduced set), so that every ratio is side by side.
//!
//! Decisions compared: Allow against anything else (Cedar and Rego here answer allow or not).
//!
//! What each translation expresses:
//! - action and resource patterns as globs over the request's lowercased action and its
//!   resource (short ARNs padded to six fields as iamc does); `Action`/`NotAction`,
//!   `Resource`/`NotResource`, `Deny` as `forbid` / a `deny` rule;
//! - conditions `StringEquals`, `StringNotEquals`, `StringLike`, `StringNotLike` and `Bool`
//!   without set qualifier or `IfExists`, on constant values;
//! - not: policy variables, `${*}`-style escapes, `?` in Cedar (its `like` has only `*`), every
//!   other condition operator. Cedar's `*` and Rego's `glob.match` with no delimiter cross `:`,
//!   where IAM's does not inside ARN fields 1 to 5: those show up as disagreements.
//!
//! iam-rs takes the IAM JSON itself (rebuilt from the drawn statements); requests on the `*`
//! resource are left out (its request resource must be an ARN).

use std::collections::BTreeMap;
use std::hint::black_box;
use std::str::FromStr;

use criterion::{BenchmarkId, Criterion, Throughput};
use iamc_grammar::ast::{
    self, ActionPattern, BaseOperator, Effect, ResourcePattern, Segment, Statement,
};
use iamc_runtime::{Artifact, Decision, Request, Scalar, Value};

use crate::Set;

/// Requests timed per peer and set (the peers are slow: fewer requests, same for iamc).
const PEER_BATCH: usize = 64;

/// The sets the peers run on (the 10,000-statement set would take the slowest peer minutes).
pub fn wanted(set: &Set) -> bool {
    matches!(
        set.name.as_str(),
        "drawn-10" | "drawn-100" | "drawn-1000" | "ecs"
    )
}

/// A statement's text if all of it is plain text (no variable, no `${*}` escape).
fn plain(t: &ast::Template) -> Option<String> {
    let mut out = String::new();
    for s in &t.segments {
        match s {
            Segment::Text(x) => out.push_str(x),
            _ => return None,
        }
    }
    Some(out)
}

/// `arn:aws:ecs` → `arn:aws:ecs:*:*:*` (DESIGN.md: short ARNs are padded).
fn pad_arn(raw: &str) -> String {
    let fields = raw.split(':').count();
    let mut s = raw.to_owned();
    for _ in fields..6 {
        s.push_str(":*");
    }
    s
}

/// A statement as the peers' translations see it.
struct Plain {
    deny: bool,
    /// `None` = `*`.
    actions: Option<Vec<String>>,
    not_action: bool,
    /// `None` = `*`.
    resources: Option<Vec<String>>,
    not_resource: bool,
    /// (operator, lowercased key, values).
    conditions: Vec<(BaseOperator, String, Vec<String>)>,
}

fn simplify(s: &Statement) -> Option<Plain> {
    let mut actions = Some(Vec::new());
    for p in &s.action.patterns {
        match &p.node {
            ActionPattern::Any => actions = None,
            ActionPattern::Service { service, name } => {
                if let Some(v) = actions.as_mut() {
                    v.push(format!("{service}:{name}").to_ascii_lowercase());
                }
            }
        }
    }
    let r = s.resource.as_ref()?;
    let mut resources = Some(Vec::new());
    for p in &r.patterns {
        match &p.node {
            ResourcePattern::Any => resources = None,
            ResourcePattern::Arn { template, .. } => {
                let text = plain(template)?;
                if let Some(v) = resources.as_mut() {
                    v.push(pad_arn(&text));
                }
            }
        }
    }
    let mut conditions = Vec::new();
    for c in &s.conditions {
        let op = c.operator.node;
        let supported = matches!(
            op.base,
            BaseOperator::StringEquals
                | BaseOperator::StringNotEquals
                | BaseOperator::StringLike
                | BaseOperator::StringNotLike
                | BaseOperator::Bool
        );
        if !supported || op.qualifier.is_some() || op.if_exists {
            return None;
        }
        for k in &c.keys {
            let mut values = Vec::new();
            for v in &k.values {
                values.push(plain(&v.node.template)?);
            }
            conditions.push((op.base, k.key.node.to_ascii_lowercase(), values));
        }
    }
    Some(Plain {
        deny: s.effect.node == Effect::Deny,
        actions,
        not_action: s.action.negated,
        resources,
        not_resource: r.negated,
        conditions,
    })
}

/// The request fields the translations read: lowercased action, resource, context.
fn context_pairs(r: &Request) -> Vec<(String, &Value)> {
    r.context.iter().map(|(k, v)| (k.to_owned(), v)).collect()
}

fn compile(policies: &[ast::Policy]) -> Artifact {
    let bytes = iamc_compiler::compile(policies, &iamc_compiler::Config::default()).unwrap();
    Artifact::from_bytes(&bytes).unwrap()
}

/// Times a peer and iamc on the requests the peer got right; prints the counts.
#[allow(clippy::too_many_arguments)]
fn compare<R>(
    c: &mut Criterion,
    peer: &str,
    set: &Set,
    kept: usize,
    dropped: usize,
    artifact: &Artifact,
    prepared: Vec<Option<R>>,
    decide: impl Fn(&R) -> bool,
) {
    let mut agree = Vec::new();
    let (mut inexpressible, mut wrong) = (0, 0);
    for (req, p) in set.requests.iter().zip(prepared) {
        let Some(p) = p else {
            inexpressible += 1;
            continue;
        };
        if decide(&p) == (artifact.authorize(req) == Decision::Allow) {
            agree.push((req, p));
        } else {
            wrong += 1;
        }
    }
    let allowed = agree
        .iter()
        .filter(|(r, _)| artifact.authorize(r) == Decision::Allow)
        .count();
    println!(
        "peer {peer:<7} set {:<12} statements kept {kept}, left out {dropped}; requests: {} agree ({allowed} Allow), {wrong} decided differently, {inexpressible} not expressible",
        set.name,
        agree.len()
    );
    agree.truncate(PEER_BATCH);
    if agree.is_empty() {
        return;
    }
    let mut g = c.benchmark_group(format!("peers/{peer}"));
    // The slowest peer takes seconds per batch at 1,000 statements: the fewest samples
    // criterion allows.
    g.sample_size(10);
    g.throughput(Throughput::Elements(agree.len() as u64));
    g.bench_function(BenchmarkId::new(peer, &set.name), |b| {
        b.iter(|| {
            for (_, p) in &agree {
                black_box(decide(black_box(p)));
            }
        })
    });
    g.bench_function(BenchmarkId::new("iamc", &set.name), |b| {
        b.iter(|| {
            for (r, _) in &agree {
                black_box(artifact.authorize(black_box(r)));
            }
        })
    });
    g.finish();
}

pub fn bench(c: &mut Criterion, set: &Set) {
    if !wanted(set) {
        return;
    }
    cedar::bench(c, set);
    rego::bench(c, set);
    iam_rs::bench(c, set);
}

mod cedar {
    use super::*;
    use cedar_policy::{
        Authorizer, Context, Entities, EntityUid, PolicySet, Request as CedarRequest,
        RestrictedExpression,
    };

    /// A Cedar string literal (quotes included); `like` patterns keep `*` as the wildcard and
    /// escape a literal one.
    fn lit(s: &str, like: bool) -> String {
        let mut out = String::from("\"");
        for ch in s.chars() {
            match ch {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '*' if !like => out.push_str("\\*"),
                c => out.push(c),
            }
        }
        out.push('"');
        out
    }

    fn any_like(attr: &str, pats: &[String]) -> String {
        let alts: Vec<String> = pats
            .iter()
            .map(|p| format!("{attr} like {}", lit(p, true)))
            .collect();
        format!(
            "({})",
            if alts.is_empty() {
                "false".to_owned()
            } else {
                alts.join(" || ")
            }
        )
    }

    fn translate(p: &Plain) -> Option<String> {
        let mut parts = Vec::new();
        if let Some(a) = &p.actions {
            if a.iter().any(|x| x.contains('?')) {
                return None;
            }
            let m = any_like("context.action", a);
            parts.push(if p.not_action { format!("!{m}") } else { m });
        } else if p.not_action {
            parts.push("false".into());
        }
        if let Some(r) = &p.resources {
            if r.iter().any(|x| x.contains('?')) {
                return None;
            }
            let m = any_like("context.resource", r);
            parts.push(if p.not_resource { format!("!{m}") } else { m });
        } else if p.not_resource {
            parts.push("false".into());
        }
        for (op, key, values) in &p.conditions {
            let k = format!("context[{}]", lit(key, false));
            let has = format!("context has {}", lit(key, false));
            let any = |like: bool| -> Option<String> {
                let alts: Vec<String> = values
                    .iter()
                    .map(|v| {
                        if like {
                            (!v.contains('?')).then(|| format!("{k} like {}", lit(v, true)))
                        } else {
                            Some(format!("{k} == {}", lit(v, false)))
                        }
                    })
                    .collect::<Option<_>>()?;
                Some(if alts.is_empty() {
                    "false".into()
                } else {
                    format!("({})", alts.join(" || "))
                })
            };
            parts.push(match op {
                BaseOperator::StringEquals => format!("({has} && {})", any(false)?),
                BaseOperator::StringNotEquals => format!("(!({has}) || !{})", any(false)?),
                BaseOperator::StringLike => format!("({has} && {})", any(true)?),
                BaseOperator::StringNotLike => format!("(!({has}) || !{})", any(true)?),
                BaseOperator::Bool => {
                    let lower: Vec<String> =
                        values.iter().map(|v| v.to_ascii_lowercase()).collect();
                    let alts: Vec<String> = lower
                        .iter()
                        .map(|v| format!("{k} == {}", lit(v, false)))
                        .collect();
                    format!(
                        "({has} && ({}))",
                        if alts.is_empty() {
                            "false".into()
                        } else {
                            alts.join(" || ")
                        }
                    )
                }
                _ => return None,
            });
        }
        let cond = if parts.is_empty() {
            "true".to_owned()
        } else {
            parts.join(" && ")
        };
        let head = if p.deny { "forbid" } else { "permit" };
        Some(format!(
            "{head} (principal, action, resource) when {{ {cond} }};"
        ))
    }

    fn value(v: &Scalar) -> RestrictedExpression {
        match v {
            Scalar::Bool(b) => RestrictedExpression::new_string(b.to_string()),
            other => RestrictedExpression::new_string(other.as_text().to_owned()),
        }
    }

    pub fn bench(c: &mut Criterion, set: &Set) {
        let texts: BTreeMap<(String, usize), String> = set
            .policies
            .iter()
            .flat_map(|p| {
                p.statements.iter().filter_map(move |s| {
                    Some(((p.name.clone(), s.index), translate(&simplify(s)?)?))
                })
            })
            .collect();
        let keep = |pname: &str, s: &Statement| texts.contains_key(&(pname.to_owned(), s.index));
        let mut kept_policies = Vec::new();
        let (mut kept, mut dropped) = (0, 0);
        for p in &set.policies {
            let mut q = p.clone();
            q.statements.retain(|s| {
                let k = keep(&p.name, s);
                if k {
                    kept += 1
                } else {
                    dropped += 1
                }
                k
            });
            if !q.statements.is_empty() {
                kept_policies.push(q);
            }
        }
        let src: String = texts.values().cloned().collect::<Vec<_>>().join("\n");
        let policies = PolicySet::from_str(&src).unwrap_or_else(|e| panic!("cedar: {e}\n{src}"));
        let artifact = compile(&kept_policies);
        let principal = EntityUid::from_str(r#"User::"u""#).unwrap();
        let action = EntityUid::from_str(r#"Action::"a""#).unwrap();
        let resource = EntityUid::from_str(r#"Resource::"r""#).unwrap();
        let prepared: Vec<Option<CedarRequest>> = set
            .requests
            .iter()
            .map(|r| {
                let mut pairs = vec![
                    (
                        "action".to_owned(),
                        RestrictedExpression::new_string(r.action.to_ascii_lowercase()),
                    ),
                    (
                        "resource".to_owned(),
                        RestrictedExpression::new_string(r.resource.clone()),
                    ),
                ];
                for (k, v) in context_pairs(r) {
                    if k == "action" || k == "resource" {
                        return None;
                    }
                    let e = match v {
                        Value::Single(s) => value(s),
                        Value::Multi(items) => {
                            RestrictedExpression::new_set(items.iter().map(value))
                        }
                    };
                    pairs.push((k, e));
                }
                let ctx = Context::from_pairs(pairs).ok()?;
                CedarRequest::new(
                    principal.clone(),
                    action.clone(),
                    resource.clone(),
                    ctx,
                    None,
                )
                .ok()
            })
            .collect();
        let authorizer = Authorizer::new();
        let entities = Entities::empty();
        compare(c, "cedar", set, kept, dropped, &artifact, prepared, |q| {
            authorizer.is_authorized(q, &policies, &entities).decision()
                == cedar_policy::Decision::Allow
        });
    }
}

mod rego {
    use super::*;
    use regorus::{Engine, Value as RegoValue};
    use std::cell::RefCell;

    /// A Rego string literal; glob metacharacters other than `*` and `?` escaped.
    fn lit(s: &str, glob: bool) -> String {
        let mut out = String::from("\"");
        for ch in s.chars() {
            match ch {
                '"' => out.push_str("\\\""),
                '\\' if glob => out.push_str("\\\\\\\\"),
                '\\' => out.push_str("\\\\"),
                '[' | ']' | '{' | '}' if glob => {
                    out.push_str("\\\\");
                    out.push(ch);
                }
                c => out.push(c),
            }
        }
        out.push('"');
        out
    }

    fn list(items: &[String], glob: bool) -> String {
        // One element a line: regorus refuses lines over 1,024 columns.
        let v: Vec<String> = items.iter().map(|s| lit(s, glob)).collect();
        format!("[\n  {}\n]", v.join(",\n  "))
    }

    /// The rules of one statement (number `n`), or `None` when it cannot be expressed.
    fn translate(n: usize, p: &Plain) -> Option<String> {
        let mut aux = String::new();
        let mut body = Vec::new();
        // `Action` and `Resource`: a rule `a<n>` / `r<n>` matching the element's globs.
        for (rule, field, patterns, negated) in [
            ("a", "action", &p.actions, p.not_action),
            ("r", "resource", &p.resources, p.not_resource),
        ] {
            let Some(patterns) = patterns else {
                if negated {
                    return None;
                }
                continue;
            };
            aux.push_str(&format!(
                "{rule}{n} if {{ some p in {}; glob.match(p, null, input.{field}) }}\n",
                list(patterns, true)
            ));
            let not = if negated { "not " } else { "" };
            body.push(format!("{not}{rule}{n}"));
        }
        for (i, (op, key, values)) in p.conditions.iter().enumerate() {
            let k = format!("input.context[{}]", lit(key, false));
            let (test, negated, glob) = match op {
                BaseOperator::StringEquals => ("x == v", false, false),
                BaseOperator::StringNotEquals => ("x == v", true, false),
                BaseOperator::StringLike => ("glob.match(v, null, x)", false, true),
                BaseOperator::StringNotLike => ("glob.match(v, null, x)", true, true),
                BaseOperator::Bool => ("lower(x) == lower(v)", false, false),
                _ => return None,
            };
            aux.push_str(&format!(
                "c{n}_{i} if {{ x := {k}; is_string(x); some v in {}; {test} }}\n",
                list(values, glob)
            ));
            body.push(if negated {
                format!("not c{n}_{i}")
            } else {
                format!("c{n}_{i}")
            });
        }
        let head = if p.deny { "deny" } else { "permit" };
        let body = if body.is_empty() {
            "true".to_owned()
        } else {
            body.join("; ")
        };
        Some(format!("{aux}{head} if {{ {body} }}\n"))
    }

    fn json_value(v: &Scalar) -> String {
        let mut s = String::new();
        iamc::io::write_json_string(&mut s, v.as_text());
        s
    }

    pub fn bench(c: &mut Criterion, set: &Set) {
        let mut rules = String::from(
            "package iam\nimport rego.v1\ndefault allow := false\ndefault permit := false\ndefault deny := false\nallow if { permit; not deny }\n",
        );
        let mut n = 0;
        let mut keep = std::collections::BTreeSet::new();
        for p in &set.policies {
            for s in &p.statements {
                if let Some(r) = simplify(s).and_then(|x| translate(n, &x)) {
                    rules.push_str(&r);
                    keep.insert((p.name.clone(), s.index));
                    n += 1;
                }
            }
        }
        let mut kept_policies = Vec::new();
        for p in &set.policies {
            let mut q = p.clone();
            q.statements
                .retain(|s| keep.contains(&(p.name.clone(), s.index)));
            if !q.statements.is_empty() {
                kept_policies.push(q);
            }
        }
        let kept = keep.len();
        let dropped = set.statements() - kept;
        let mut engine = Engine::new();
        engine
            .add_policy("iam.rego".into(), rules.clone())
            .unwrap_or_else(|e| panic!("regorus: {e}\n{rules}"));
        let artifact = compile(&kept_policies);
        let prepared: Vec<Option<RegoValue>> = set
            .requests
            .iter()
            .map(|r| {
                let mut ctx = Vec::new();
                for (k, v) in context_pairs(r) {
                    let mut key = String::new();
                    iamc::io::write_json_string(&mut key, &k);
                    let val = match v {
                        Value::Single(s) => json_value(s),
                        Value::Multi(items) => format!(
                            "[{}]",
                            items.iter().map(json_value).collect::<Vec<_>>().join(",")
                        ),
                    };
                    ctx.push(format!("{key}:{val}"));
                }
                let mut action = String::new();
                iamc::io::write_json_string(&mut action, &r.action.to_ascii_lowercase());
                let mut resource = String::new();
                iamc::io::write_json_string(&mut resource, &r.resource);
                let json = format!(
                    "{{\"action\":{action},\"resource\":{resource},\"context\":{{{}}}}}",
                    ctx.join(",")
                );
                RegoValue::from_json_str(&json).ok()
            })
            .collect();
        if let Some(Some(first)) = prepared.first() {
            engine.set_input(first.clone());
            if let Err(e) = engine.eval_rule("data.iam.allow".into()) {
                panic!("regorus cannot evaluate the translation: {e}");
            }
        }
        let engine = RefCell::new(engine);
        compare(
            c,
            "regorus",
            set,
            kept,
            dropped,
            &artifact,
            prepared,
            |input| {
                let mut e = engine.borrow_mut();
                e.set_input(input.clone());
                matches!(
                    e.eval_rule("data.iam.allow".into()),
                    Ok(RegoValue::Bool(true))
                )
            },
        );
    }
}

mod iam_rs {
    use super::*;
    use ::iam_rs::{
        Arn, ContextValue, Decision as IamDecision, IAMPolicy, IAMRequest, PolicyEvaluator,
        Principal, PrincipalId,
    };
    use serde_json::{json, Map, Value as Json};

    fn operator(op: &ast::Operator) -> String {
        let mut s = String::new();
        match op.qualifier {
            Some(ast::SetQualifier::ForAllValues) => s.push_str("ForAllValues:"),
            Some(ast::SetQualifier::ForAnyValue) => s.push_str("ForAnyValue:"),
            None => {}
        }
        s.push_str(op.base.name());
        if op.if_exists {
            s.push_str("IfExists");
        }
        s
    }

    /// The IAM JSON of one statement, from the AST (the drawn sets are subsets of policies).
    fn statement_json(s: &Statement) -> Json {
        let mut m = Map::new();
        if let Some(sid) = &s.sid {
            m.insert("Sid".into(), json!(sid.node));
        }
        m.insert(
            "Effect".into(),
            json!(if s.effect.node == Effect::Deny {
                "Deny"
            } else {
                "Allow"
            }),
        );
        let actions: Vec<String> = s
            .action
            .patterns
            .iter()
            .map(|p| match &p.node {
                ActionPattern::Any => "*".to_owned(),
                ActionPattern::Service { service, name } => format!("{service}:{name}"),
            })
            .collect();
        m.insert(
            if s.action.negated {
                "NotAction"
            } else {
                "Action"
            }
            .into(),
            json!(actions),
        );
        if let Some(r) = &s.resource {
            let res: Vec<String> = r
                .patterns
                .iter()
                .map(|p| match &p.node {
                    ResourcePattern::Any => "*".to_owned(),
                    ResourcePattern::Arn { raw, .. } => raw.clone(),
                })
                .collect();
            m.insert(
                if r.negated { "NotResource" } else { "Resource" }.into(),
                json!(res),
            );
        }
        if !s.conditions.is_empty() {
            let mut cond = Map::new();
            for c in &s.conditions {
                let mut keys = Map::new();
                for k in &c.keys {
                    let values: Vec<String> =
                        k.values.iter().map(|v| v.node.text.clone()).collect();
                    keys.insert(k.key.node.clone(), json!(values));
                }
                cond.insert(operator(&c.operator.node), Json::Object(keys));
            }
            m.insert("Condition".into(), Json::Object(cond));
        }
        Json::Object(m)
    }

    fn context_value(v: &Value) -> ContextValue {
        match v {
            Value::Single(Scalar::Bool(b)) => ContextValue::Boolean(*b),
            Value::Single(s) => ContextValue::String(s.as_text().to_owned()),
            Value::Multi(items) => {
                ContextValue::StringList(items.iter().map(|s| s.as_text().to_owned()).collect())
            }
        }
    }

    pub fn bench(c: &mut Criterion, set: &Set) {
        let mut policies = Vec::new();
        let mut kept_policies = Vec::new();
        let (mut kept, mut dropped) = (0, 0);
        for p in &set.policies {
            let version = match p.version {
                ast::Version::V2012_10_17 => "2012-10-17",
                ast::Version::V2008_10_17 => "2008-10-17",
            };
            let doc = json!({
                "Version": version,
                "Statement": p.statements.iter().map(statement_json).collect::<Vec<_>>(),
            });
            match IAMPolicy::from_json(&doc.to_string()) {
                Ok(parsed) => {
                    kept += p.statements.len();
                    policies.push(parsed);
                    kept_policies.push(p.clone());
                }
                Err(_) => dropped += p.statements.len(),
            }
        }
        let artifact = compile(&kept_policies);
        let evaluator = PolicyEvaluator::with_policies(policies);
        let principal = Principal::Aws(PrincipalId::String(
            "arn:aws:iam::111122223333:user/bench".into(),
        ));
        let prepared: Vec<Option<IAMRequest>> = set
            .requests
            .iter()
            .map(|r| {
                let arn = Arn::parse(&r.resource).ok()?;
                let mut ctx = ::iam_rs::Context::new();
                for (k, v) in r.context.iter() {
                    ctx.insert(k.to_owned(), context_value(v));
                }
                Some(IAMRequest::new_with_context(
                    principal.clone(),
                    r.action.clone(),
                    arn,
                    ctx,
                ))
            })
            .collect();
        compare(c, "iam-rs", set, kept, dropped, &artifact, prepared, |q| {
            matches!(
                evaluator.evaluate(q).map(|r| r.decision),
                Ok(IamDecision::Allow)
            )
        });
    }
}
