//! Requests derived from generated policies: each aims at one target statement (its action,
//! resource and condition keys), so that most requests apply; near misses are mixed in.

use iamc_grammar::ast::BaseOperator;
use iamc_runtime::{Context, Request, Scalar, Value};

use super::alphabet::*;
use super::model::*;
use super::render::frags_text;
use super::Settings;
use crate::json::is_json_number;
use crate::tape::Tape;

/// Flips the ASCII case of some characters (of none, most of the time).
pub fn flip_case(tape: &mut Tape<'_>, s: &str) -> String {
    if !tape.chance(40) {
        return s.to_owned();
    }
    let mask = tape.bits32();
    s.chars()
        .enumerate()
        .map(|(i, c)| {
            if mask >> (i % 32) & 1 == 1 {
                if c.is_ascii_lowercase() {
                    c.to_ascii_uppercase()
                } else {
                    c.to_ascii_lowercase()
                }
            } else {
                c
            }
        })
        .collect()
}

/// Where a context key is used.
#[derive(Debug, Clone)]
struct KeyUse {
    /// (policy, statement) indexes.
    at: (usize, usize),
    kind: UseKind,
}

#[derive(Debug, Clone)]
enum UseKind {
    Cond {
        base: BaseOperator,
        qualifier: Option<Qualifier>,
        values: Vec<GenValue>,
        substitutes: bool,
    },
    Var {
        default: Option<String>,
    },
}

/// Every context key the policies use (deduplicated ignoring ASCII case), with its uses.
fn key_uses(policies: &[GenPolicy]) -> Vec<(String, Vec<KeyUse>)> {
    let mut out: Vec<(String, Vec<KeyUse>)> = Vec::new();
    let mut add = |key: &str, u: KeyUse| {
        let lower = key.to_ascii_lowercase();
        if let Some((_, uses)) = out
            .iter_mut()
            .find(|(k, _)| k.to_ascii_lowercase() == lower)
        {
            uses.push(u);
        } else {
            out.push((key.to_owned(), vec![u]));
        }
    };
    for (pi, p) in policies.iter().enumerate() {
        let subst = p.version.substitutes();
        for (si, st) in p.statements.iter().enumerate() {
            let mut frags: Vec<&Frag> = Vec::new();
            for r in &st.resources {
                if let GenResource::Arn { fields } = r {
                    frags.extend(fields.iter().flatten());
                }
            }
            for c in &st.conditions {
                for k in &c.keys {
                    add(
                        &k.key,
                        KeyUse {
                            at: (pi, si),
                            kind: UseKind::Cond {
                                base: c.base,
                                qualifier: c.qualifier,
                                values: k.values.clone(),
                                substitutes: subst,
                            },
                        },
                    );
                    for v in &k.values {
                        if let GenValue::Str(f) = v {
                            frags.extend(f.iter());
                        }
                    }
                }
            }
            if subst {
                for f in frags {
                    if let Frag::Var { key, default } = f {
                        add(
                            key,
                            KeyUse {
                                at: (pi, si),
                                kind: UseKind::Var {
                                    default: default.clone(),
                                },
                            },
                        );
                    }
                }
            }
        }
    }
    out
}

/// A small edit: drop, change or add one character.
fn mutate(s: &str, tape: &mut Tape<'_>) -> String {
    let mut chars: Vec<char> = s.chars().collect();
    let at = tape.below(chars.len() + 1);
    match tape.below(3) {
        0 if at < chars.len() => {
            chars.remove(at);
        }
        1 if at < chars.len() => chars[at] = 'x',
        _ => chars.insert(at, 'z'),
    }
    chars.into_iter().collect()
}

/// The value a variable takes in `ctx` (spec 6; A17), or `None` when unresolved.
fn resolve_var(ctx: &Context, key: &str, default: &Option<String>) -> Option<String> {
    match ctx.get(key) {
        Some(Value::Single(s)) => {
            let t = s.as_text();
            if t.is_empty() {
                default.clone().or(Some(String::new()))
            } else {
                Some(t.to_owned())
            }
        }
        _ => default.clone(),
    }
}

/// Under 2008-10-17 a `${...}` is literal text whose `*`/`?` are wildcards again.
fn effective(frags: &[Frag], substitutes: bool) -> Vec<Frag> {
    if substitutes {
        return frags.to_vec();
    }
    let mut out = Vec::new();
    for f in frags {
        match f {
            Frag::Var { .. } | Frag::Esc(_) => {
                let text = frags_text(std::slice::from_ref(f));
                let mut lit = String::new();
                for c in text.chars() {
                    match c {
                        '*' | '?' => {
                            if !lit.is_empty() {
                                out.push(Frag::Lit(std::mem::take(&mut lit)));
                            }
                            out.push(if c == '*' { Frag::Star } else { Frag::Quest });
                        }
                        c => lit.push(c),
                    }
                }
                if !lit.is_empty() {
                    out.push(Frag::Lit(lit));
                }
            }
            f => out.push(f.clone()),
        }
    }
    out
}

/// Text matching `frags` (when `glob`), with variables resolved from `ctx`.
fn instantiate(
    frags: &[Frag],
    glob: bool,
    ctx: &Context,
    fill: &[&str],
    one: &[&str],
    tape: &mut Tape<'_>,
) -> String {
    let mut out = String::new();
    for f in frags {
        match f {
            Frag::Lit(s) => out.push_str(s),
            Frag::Star if glob => {
                for _ in 0..tape.below(3) {
                    out.push_str(&tape.pick_str(fill));
                }
            }
            Frag::Star => out.push('*'),
            // Mostly exactly one character; sometimes none or two (a near miss that tells
            // `?` from `*`).
            Frag::Quest if glob => {
                let n = if tape.chance(10) {
                    2 * tape.below(2)
                } else {
                    1
                };
                for _ in 0..n {
                    out.push_str(&tape.pick_str(one));
                }
            }
            Frag::Quest => out.push('?'),
            Frag::Var { key, default } => match resolve_var(ctx, key, default) {
                Some(v) => out.push_str(&v),
                None => out.push_str(&tape.pick_str(VAR_VALUES)),
            },
            Frag::Esc(c) => out.push(*c),
        }
    }
    out
}

/// An action for the target statement `st`: one of its patterns instantiated, or (for
/// `NotAction`, and sometimes anyway) an action from elsewhere.
fn derive_action(policies: &[GenPolicy], st: &GenStatement, tape: &mut Tape<'_>) -> String {
    let everywhere: Vec<&GenAction> = policies
        .iter()
        .flat_map(|p| &p.statements)
        .flat_map(|s| &s.actions)
        .collect();
    let own: Vec<&GenAction> = st.actions.iter().collect();
    let pool = if st.not_action || tape.chance(15) {
        &everywhere
    } else {
        &own
    };
    let action = match tape.pick(pool) {
        Some(GenAction::Svc { service, name }) if !(st.not_action && tape.chance(50)) => {
            let name = instantiate(name, true, &Context::new(), ACTION_FILL, ONE_CHAR, tape);
            format!("{}:{}", flip_case(tape, service), flip_case(tape, &name))
        }
        _ => tape.pick_str(OTHER_ACTIONS),
    };
    // A near miss in the name; the colon stays (an action without one is malformed).
    match action.split_once(':') {
        Some((service, name)) if tape.chance(8) => format!("{service}:{}", mutate(name, tape)),
        _ => action,
    }
}

fn random_arn(tape: &mut Tape<'_>) -> String {
    format!(
        "arn:{}:{}:{}:{}:{}",
        tape.pick_str(PARTITIONS),
        tape.pick_str(ARN_SERVICES),
        tape.pick_str(REGIONS),
        tape.pick_str(ACCOUNTS),
        tape.pick_str(REST_LITS)
    )
}

/// An ARN matching a pattern's fields (padded with `*` to six), variables from `ctx`.
fn instantiate_arn(
    fields: &[Vec<Frag>],
    substitutes: bool,
    ctx: &Context,
    tape: &mut Tape<'_>,
) -> String {
    let mut out = "arn".to_owned();
    for i in 0..5 {
        let field = fields
            .get(i)
            .map(|f| effective(f, substitutes))
            .unwrap_or_else(|| vec![Frag::Star]);
        let trailing_star = matches!(field.last(), Some(Frag::Star));
        let (fill, one): (&[&str], &[&str]) = if i == 4 {
            (REST_FILL, ONE_CHAR_REST)
        } else if trailing_star && tape.chance(15) {
            (REST_FILL, ONE_CHAR)
        } else {
            (INNER_FILL, ONE_CHAR)
        };
        out.push(':');
        out.push_str(&instantiate(&field, true, ctx, fill, one, tape));
    }
    out
}

/// A resource for the target statement `st` (of a policy with `substitutes`): one of its
/// patterns instantiated, or (for `NotResource`, and sometimes anyway) something else.
fn derive_resource(
    policies: &[GenPolicy],
    st: &GenStatement,
    substitutes: bool,
    ctx: &Context,
    tape: &mut Tape<'_>,
) -> String {
    let everywhere: Vec<(&GenResource, bool)> = policies
        .iter()
        .flat_map(|p| {
            p.statements.iter().flat_map(move |s| {
                s.resources
                    .iter()
                    .map(move |r| (r, p.version.substitutes()))
            })
        })
        .collect();
    let own: Vec<(&GenResource, bool)> = st.resources.iter().map(|r| (r, substitutes)).collect();
    let pool = if st.not_resource || tape.chance(15) {
        &everywhere
    } else {
        &own
    };
    let resource = match tape.pick(pool) {
        Some((GenResource::Arn { fields }, subst)) if !(st.not_resource && tape.chance(50)) => {
            instantiate_arn(fields, *subst, ctx, tape)
        }
        Some((GenResource::Any, _)) if !tape.chance(50) => "*".to_owned(),
        _ => {
            if tape.chance(50) {
                random_arn(tape)
            } else {
                "*".to_owned()
            }
        }
    };
    if tape.chance(3) {
        // A request that is not a six-field ARN.
        match resource.rfind(':') {
            Some(i) => resource[..i].to_owned(),
            None => resource,
        }
    } else if tape.chance(8) {
        mutate(&resource, tape)
    } else {
        resource
    }
}

/// A scalar for a key used by `u`.
fn derive_scalar(u: &UseKind, ctx: &Context, tape: &mut Tape<'_>) -> Scalar {
    let text = match u {
        UseKind::Var { default } => {
            if tape.chance(20) {
                default.clone().unwrap_or_default()
            } else {
                tape.pick_str(VAR_VALUES)
            }
        }
        UseKind::Cond {
            base,
            values,
            substitutes,
            ..
        } => {
            let from_policy = tape.pick(values).filter(|_| !tape.chance(20));
            match (family(*base), from_policy) {
                (Family::Numeric, Some(v)) if !tape.chance(40) => value_plain_text(v),
                (Family::Numeric, _) => tape.pick_str(NUM_REQUEST),
                (Family::Date, Some(v)) if !tape.chance(40) => value_plain_text(v),
                (Family::Date, _) => tape.pick_str(DATE_REQUEST),
                (Family::Bool, Some(GenValue::Bool(b))) => b.to_string(),
                (Family::Bool, _) => tape.pick_str(BOOL_REQUEST),
                (Family::Binary, Some(v)) if !tape.chance(30) => value_plain_text(v),
                (Family::Binary, _) => tape.pick_str(BINARY_REQUEST),
                (Family::Ip, _) => tape.pick_str(IP_REQUEST),
                (Family::Null, _) => tape.pick_str(VAR_VALUES),
                (Family::String | Family::Arn, Some(GenValue::Str(f))) => {
                    let f = effective(f, *substitutes);
                    let (fill, one): (&[&str], &[&str]) = if family(*base) == Family::Arn {
                        (REST_FILL, ONE_CHAR_REST)
                    } else {
                        (ACTION_FILL, ONE_CHAR)
                    };
                    let t = instantiate(&f, globs(*base), ctx, fill, one, tape);
                    if matches!(
                        base,
                        BaseOperator::StringEqualsIgnoreCase
                            | BaseOperator::StringNotEqualsIgnoreCase
                    ) && tape.chance(50)
                    {
                        t.to_uppercase()
                    } else {
                        t
                    }
                }
                (Family::Arn, _) => random_arn(tape),
                (Family::String, _) => tape.pick_str(STRING_LITS),
            }
        }
    };
    let text = if tape.chance(8) {
        mutate(&text, tape)
    } else {
        text
    };
    // Mostly strings; numbers and booleans when the text allows (another JSON type).
    if tape.chance(15) {
        match text.as_str() {
            "true" => return Scalar::Bool(true),
            "false" => return Scalar::Bool(false),
            t if is_json_number(t) => return Scalar::Number(t.to_owned()),
            _ => {}
        }
    }
    Scalar::String(text)
}

fn value_plain_text(v: &GenValue) -> String {
    match v {
        GenValue::Str(f) => frags_text(f),
        GenValue::Num(n) => n.clone(),
        GenValue::Bool(b) => b.to_string(),
    }
}

/// A request derived from the policies' patterns and condition values, aimed at one target
/// statement (its action, resource and condition keys) so that it usually applies.
pub fn derive_request(policies: &[GenPolicy], tape: &mut Tape<'_>, s: &Settings) -> Request {
    let pi = tape.below(policies.len());
    let Some(policy) = policies.get(pi) else {
        return Request::new("ecs:RunTask", "*");
    };
    let si = tape.below(policy.statements.len());
    let Some(st) = policy.statements.get(si) else {
        return Request::new("ecs:RunTask", "*");
    };
    let mut ctx = Context::new();
    for (key, uses) in key_uses(policies) {
        let own: Vec<&KeyUse> = uses.iter().filter(|u| u.at == (pi, si)).collect();
        let all: Vec<&KeyUse> = uses.iter().collect();
        let pool = if own.is_empty() || tape.chance(15) {
            &all
        } else {
            &own
        };
        let Some(u) = tape.pick(pool) else {
            continue;
        };
        if tape.chance(if own.is_empty() { 40 } else { 15 }) {
            continue; // absent
        }
        let multi = match &u.kind {
            UseKind::Cond {
                qualifier: Some(_), ..
            } => !tape.chance(30),
            _ => tape.chance(10),
        };
        let value = if multi {
            let n = tape.below(s.max_values + 1);
            let mut list: Vec<Scalar> =
                (0..n).map(|_| derive_scalar(&u.kind, &ctx, tape)).collect();
            if tape.chance(15) {
                list.push(Scalar::String(String::new()));
            }
            Value::Multi(list)
        } else {
            Value::Single(derive_scalar(&u.kind, &ctx, tape))
        };
        ctx.insert(&flip_case(tape, &key), value);
    }
    let action = derive_action(policies, st, tape);
    let resource = derive_resource(policies, st, policy.version.substitutes(), &ctx, tape);
    Request {
        action,
        resource,
        context: ctx,
        principal: None,
        resource_account: None,
    }
}
