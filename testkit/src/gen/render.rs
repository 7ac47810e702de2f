//! Policies written as JSON text: the same model in every layout the grammar accepts (a lone
//! statement as an object, single values without an array, pretty or compact).

use super::model::*;
use super::policy::arn_frags;
use crate::json::json_string;

pub fn frags_text(frags: &[Frag]) -> String {
    let mut out = String::new();
    for f in frags {
        match f {
            Frag::Lit(s) => out.push_str(s),
            Frag::Star => out.push('*'),
            Frag::Quest => out.push('?'),
            Frag::Var { key, default } => {
                out.push_str("${");
                out.push_str(key);
                if let Some(d) = default {
                    out.push_str(", '");
                    out.push_str(d);
                    out.push('\'');
                }
                out.push('}');
            }
            Frag::Esc(c) => {
                out.push_str("${");
                out.push(*c);
                out.push('}');
            }
        }
    }
    out
}

pub fn action_text(a: &GenAction) -> String {
    match a {
        GenAction::Any => "*".to_owned(),
        GenAction::Svc { service, name } => format!("{service}:{}", frags_text(name)),
    }
}

pub fn resource_text(r: &GenResource) -> String {
    match r {
        GenResource::Any => "*".to_owned(),
        GenResource::Arn { fields } => frags_text(&arn_frags(fields)),
    }
}

pub fn value_json(v: &GenValue) -> String {
    match v {
        GenValue::Str(f) => json_string(&frags_text(f)),
        GenValue::Num(n) => n.clone(),
        GenValue::Bool(b) => b.to_string(),
    }
}

fn list_json(items: Vec<String>, as_array: bool) -> String {
    if items.len() == 1 && !as_array {
        items.into_iter().next().unwrap_or_default()
    } else {
        format!("[{}]", items.join(", "))
    }
}

pub fn statement_json(st: &GenStatement) -> String {
    let mut members: Vec<String> = Vec::new();
    if let Some(sid) = &st.sid {
        members.push(format!("\"Sid\": {}", json_string(sid)));
    }
    members.push(format!(
        "\"Effect\": \"{}\"",
        if st.deny { "Deny" } else { "Allow" }
    ));
    // `Action`/`NotAction` and `Resource`/`NotResource`.
    let element = |name: &str, negated: bool, items: Vec<String>, as_array: bool| {
        let not = if negated { "Not" } else { "" };
        format!("\"{not}{name}\": {}", list_json(items, as_array))
    };
    let actions = st.actions.iter().map(|a| json_string(&action_text(a)));
    members.push(element(
        "Action",
        st.not_action,
        actions.collect(),
        st.action_as_array,
    ));
    let resources = st.resources.iter().map(|r| json_string(&resource_text(r)));
    members.push(element(
        "Resource",
        st.not_resource,
        resources.collect(),
        st.resource_as_array,
    ));
    if !st.conditions.is_empty() || st.empty_condition {
        let clauses: Vec<String> = st
            .conditions
            .iter()
            .map(|c| {
                let keys: Vec<String> = c
                    .keys
                    .iter()
                    .map(|k| {
                        let values = k.values.iter().map(value_json).collect();
                        format!(
                            "{}: {}",
                            json_string(&k.key),
                            list_json(values, k.as_array || k.values.len() != 1)
                        )
                    })
                    .collect();
                format!(
                    "{}: {{{}}}",
                    json_string(&c.operator_name()),
                    keys.join(", ")
                )
            })
            .collect();
        members.push(format!("\"Condition\": {{{}}}", clauses.join(", ")));
    }
    format!("{{{}}}", members.join(", "))
}

/// The policy's JSON text.
pub fn render_policy(p: &GenPolicy) -> String {
    let sep = if p.pretty { ",\n  " } else { "," };
    let mut members: Vec<String> = Vec::new();
    match p.version {
        GenVersion::Absent => {}
        GenVersion::V2008 => members.push("\"Version\": \"2008-10-17\"".to_owned()),
        GenVersion::V2012 => members.push("\"Version\": \"2012-10-17\"".to_owned()),
    }
    if let Some(id) = &p.id {
        members.push(format!("\"Id\": {}", json_string(id)));
    }
    let statements: Vec<String> = p.statements.iter().map(statement_json).collect();
    let statement = if statements.len() == 1 && p.single_object {
        statements.into_iter().next().unwrap_or_default()
    } else {
        format!("[{}]", statements.join(sep))
    };
    members.push(format!("\"Statement\": {statement}"));
    if p.pretty {
        format!("{{\n  {}\n}}\n", members.join(sep))
    } else {
        format!("{{{}}}", members.join(sep))
    }
}
