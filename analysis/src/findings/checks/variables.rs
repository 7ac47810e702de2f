//! VARIABLE_UNSUPPORTED_IN_VERSION (All): `${...}` in a policy without
//! `"Version": "2012-10-17"`, where it is literal text, not a variable. One finding per string,
//! at its first `${...}`. (Malformed variables and variables where none is allowed are the
//! grammar's findings under 2012-10-17.)

use iamc_grammar::json::{Json, Node};

use super::{clip, sub_span};
use crate::findings::doc::Document;
use crate::findings::{Findings, IssueCode};

pub(super) fn run(doc: &Document<'_>, out: &mut Findings<'_>) {
    if doc.substitutes() {
        return;
    }
    for st in doc.statements() {
        for m in st.members().iter().filter(|m| m.key != "Sid") {
            let mut stack = vec![&m.value];
            // The tree is at most `MAX_DEPTH` deep; the stack keeps the walk flat anyway.
            while let Some(node) = stack.pop() {
                match &node.value {
                    Json::String(s) => string(doc, s, node, out),
                    Json::Array(items) => stack.extend(items.iter().rev()),
                    Json::Object(members) => {
                        for km in members.iter().rev() {
                            if km.key.contains("${") {
                                report(&km.key, km.key_span, out);
                            }
                            stack.push(&km.value);
                        }
                    }
                    Json::Null | Json::Bool(_) | Json::Number(_) => {}
                }
            }
        }
    }
}

fn string(doc: &Document<'_>, s: &str, node: &Node, out: &mut Findings<'_>) {
    let Some(open) = s.find("${") else {
        return;
    };
    let end = s
        .get(open..)
        .and_then(|rest| rest.find('}'))
        .map_or(s.len(), |close| open + close + 1);
    report(s, sub_span(doc.src(), node, open..end), out);
}

fn report(s: &str, span: iamc_grammar::Span, out: &mut Findings<'_>) {
    out.push(
        IssueCode::VariableUnsupportedInVersion,
        &[span],
        format!(
            "`{}` holds `${{...}}`, which is literal text without `\"Version\": \"2012-10-17\"`: add that version to use policy variables",
            clip(s)
        ),
    );
}
