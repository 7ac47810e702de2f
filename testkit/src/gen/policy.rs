//! Policies drawn from a tape: every element and operator of an identity policy, in the sizes of
//! [`Settings`]. Each choice lists its plainest variant first (a 0 draw takes it).

use iamc_grammar::ast::BaseOperator;

use super::alphabet::*;
use super::model::*;
use super::Settings;
use crate::tape::Tape;

fn lit(t: &mut Tape<'_>, pool: &[&str]) -> Frag {
    Frag::Lit(t.pick_str(pool))
}

/// `lo..=hi` items drawn by `item`.
fn list<T>(
    t: &mut Tape<'_>,
    lo: usize,
    hi: usize,
    mut item: impl FnMut(&mut Tape<'_>) -> T,
) -> Vec<T> {
    let n = t.range(lo, hi);
    (0..n).map(|_| item(t)).collect()
}

fn action(t: &mut Tape<'_>, s: &Settings) -> GenAction {
    let frag = |t: &mut Tape<'_>| match t.weighted(&[6, 3, 1, 1]) {
        0 => lit(t, ACTION_LITS),
        1 => Frag::Star,
        2 => Frag::Quest,
        _ => lit(t, ACTION_ODD_LITS),
    };
    match t.weighted(&[8, 1, 1]) {
        0 => GenAction::Svc {
            service: t.pick_str(SERVICES),
            name: list(t, 1, s.max_fragments.max(1), frag),
        },
        1 => GenAction::Any,
        // `ecs:` is valid and matches nothing (spec 2.5).
        _ => GenAction::Svc {
            service: t.pick_str(SERVICES),
            name: Vec::new(),
        },
    }
}

fn inner_field(t: &mut Tape<'_>, pool: &[&str], max: usize) -> Vec<Frag> {
    match t.weighted(&[5, 2, 2]) {
        0 => vec![lit(t, pool)],
        1 => vec![Frag::Star],
        _ => list(t, 0, max, |t| match t.weighted(&[3, 2, 1]) {
            0 => lit(t, pool),
            1 => Frag::Star,
            _ => Frag::Quest,
        }),
    }
}

fn var(t: &mut Tape<'_>) -> Frag {
    let key = t.pick_str(VAR_KEYS);
    let default = t.coin().then(|| t.pick_str(DEFAULTS));
    Frag::Var { key, default }
}

fn esc(t: &mut Tape<'_>) -> Frag {
    Frag::Esc(*t.pick(&['*', '?', '$']).unwrap_or(&'*'))
}

fn rest_field(t: &mut Tape<'_>, max: usize) -> Vec<Frag> {
    list(t, 0, max + 1, |t| match t.weighted(&[5, 3, 1, 2, 1]) {
        0 => lit(t, REST_LITS),
        1 => Frag::Star,
        2 => Frag::Quest,
        3 => var(t),
        _ => esc(t),
    })
}

/// The five fields after `arn:` (partition, service, region, account, rest).
fn arn_fields(t: &mut Tape<'_>, m: usize) -> Vec<Vec<Frag>> {
    vec![
        inner_field(t, PARTITIONS, m),
        inner_field(t, ARN_SERVICES, m),
        inner_field(t, REGIONS, m),
        inner_field(t, ACCOUNTS, m),
        rest_field(t, m),
    ]
}

fn resource(t: &mut Tape<'_>, s: &Settings) -> GenResource {
    match t.weighted(&[8, 2, 2]) {
        0 => GenResource::Arn {
            fields: arn_fields(t, s.max_fragments),
        },
        1 => GenResource::Any,
        _ => {
            let mut fields = arn_fields(t, s.max_fragments);
            fields.truncate(t.range(1, 4));
            GenResource::Arn { fields }
        }
    }
}

fn text_value(text: String) -> GenValue {
    GenValue::Str(vec![Frag::Lit(text)])
}

/// A value of `base`'s family: a string template for String/Arn/Bool, number or date text, a
/// JSON number or boolean now and then.
fn value(t: &mut Tape<'_>, base: BaseOperator, s: &Settings) -> GenValue {
    let m = s.max_fragments;
    match family(base) {
        Family::String => GenValue::Str(list(t, 0, m, |t| match t.weighted(&[6, 2, 1, 2, 1]) {
            0 => lit(t, STRING_LITS),
            1 => Frag::Star,
            2 => Frag::Quest,
            3 => var(t),
            _ => esc(t),
        })),
        Family::Arn => {
            let mut fields = arn_fields(t, m);
            // Mostly six-field ARNs; sometimes a short one (an Error value).
            let n = t.range(1, 5);
            if t.chance(16) {
                fields.truncate(n);
            }
            GenValue::Str(arn_frags(&fields))
        }
        Family::Bool => match t.weighted(&[4, 2, 1]) {
            0 => text_value(t.pick_str(BOOL_POLICY)),
            1 => GenValue::Bool(t.coin()),
            _ => GenValue::Str(vec![var(t)]),
        },
        Family::Numeric => match t.weighted(&[1, 1]) {
            0 => text_value(t.pick_str(NUM_POLICY_STRS)),
            _ => GenValue::Num(t.pick_str(NUM_POLICY_JSON)),
        },
        Family::Date => match t.weighted(&[4, 1]) {
            0 => text_value(t.pick_str(DATE_POLICY)),
            _ => GenValue::Num("1577836800".to_owned()),
        },
        Family::Binary => text_value(t.pick_str(BINARY_POLICY)),
        Family::Ip => text_value(t.pick_str(IP_POLICY)),
        Family::Null => match t.weighted(&[1, 1]) {
            0 => text_value(t.pick_str(NULL_POLICY)),
            _ => GenValue::Bool(t.coin()),
        },
    }
}

/// The fragments of `arn:` + fields joined by `:`.
pub fn arn_frags(fields: &[Vec<Frag>]) -> Vec<Frag> {
    let mut out = vec![Frag::Lit("arn".to_owned())];
    for f in fields {
        out.push(Frag::Lit(":".to_owned()));
        out.extend(f.iter().cloned());
    }
    out
}

fn clause(t: &mut Tape<'_>, s: &Settings) -> GenClause {
    let base = *t
        .pick(&BaseOperator::ALL)
        .unwrap_or(&BaseOperator::StringEquals);
    let qualifier = match t.weighted(&[6, 1, 1]) {
        0 => None,
        1 => Some(Qualifier::ForAllValues),
        _ => Some(Qualifier::ForAnyValue),
    };
    let if_exists = t.chance(25) && base != BaseOperator::Null;
    let mut keys = list(t, 1, s.max_keys, |t| GenKey {
        key: t.pick_str(COND_KEYS),
        values: list(t, 0, s.max_values, |t| value(t, base, s)),
        as_array: t.chance(30),
    });
    dedup_by_lowercase(&mut keys, |k| &k.key);
    GenClause {
        qualifier,
        base,
        if_exists,
        keys,
    }
}

/// Keeps the first of the items whose keys are equal ignoring ASCII case.
fn dedup_by_lowercase<T>(items: &mut Vec<T>, key: impl Fn(&T) -> &str) {
    let mut seen: Vec<String> = Vec::new();
    items.retain(|item| {
        let k = key(item).to_ascii_lowercase();
        let new = !seen.contains(&k);
        if new {
            seen.push(k);
        }
        new
    });
}

fn statement(t: &mut Tape<'_>, s: &Settings) -> GenStatement {
    let deny = t.chance(30);
    let not_action = t.chance(25);
    let actions = list(t, 1, s.max_patterns, |t| action(t, s));
    let action_as_array = t.coin();
    let not_resource = t.chance(20);
    let resources = list(t, 1, s.max_patterns, |t| resource(t, s));
    let resource_as_array = t.coin();
    let mut conditions = list(t, 0, s.max_clauses, |t| clause(t, s));
    // Operators are JSON member names: no duplicates in one block.
    let mut names: Vec<String> = Vec::new();
    conditions.retain(|c| {
        let n = c.operator_name();
        let new = !names.contains(&n);
        if new {
            names.push(n);
        }
        new
    });
    let empty_condition = t.chance(10);
    let sid = t.chance(30).then(String::new);
    GenStatement {
        sid,
        deny,
        not_action,
        actions,
        action_as_array,
        not_resource,
        resources,
        resource_as_array,
        conditions,
        empty_condition,
    }
}

/// One identity policy.
pub fn policy(t: &mut Tape<'_>, s: &Settings) -> GenPolicy {
    let version = match t.weighted(&[4, 1, 1]) {
        0 => GenVersion::V2012,
        1 => GenVersion::Absent,
        _ => GenVersion::V2008,
    };
    let with_id = t.chance(10);
    let single_object = t.coin();
    let pretty = t.coin();
    let mut statements = list(t, 1, s.max_statements, |t| statement(t, s));
    // Sids: letters and digits only, unique in the policy.
    for (i, st) in statements.iter_mut().enumerate() {
        if st.sid.is_some() {
            st.sid = Some(format!("S{i}"));
        }
    }
    // Outside 2012-10-17 a `Bool` value `${...}` is literal text, neither `true` nor `false`:
    // the grammar refuses it (A19), so such policies hold `true`.
    if !version.substitutes() {
        let bool_values = statements
            .iter_mut()
            .flat_map(|st| st.conditions.iter_mut())
            .filter(|c| c.base == BaseOperator::Bool)
            .flat_map(|c| c.keys.iter_mut())
            .flat_map(|k| k.values.iter_mut());
        for v in bool_values {
            if matches!(v, GenValue::Str(f) if f.iter().any(|f| matches!(f, Frag::Var { .. }))) {
                *v = GenValue::Bool(true);
            }
        }
    }
    GenPolicy {
        version,
        id: with_id.then(|| "policy-id".to_owned()),
        single_object,
        pretty,
        statements,
    }
}

/// One to `max_policies` identity policies.
pub fn policy_set(t: &mut Tape<'_>, s: &Settings) -> Vec<GenPolicy> {
    list(t, 1, s.max_policies, |t| policy(t, s))
}
