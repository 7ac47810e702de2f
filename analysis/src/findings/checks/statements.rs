//! Statement-level checks: element pairs, repeated statements, redundant actions, and the
//! shape of RCP statements.

use std::collections::HashMap;
use std::fmt::Write as _;

use iamc_grammar::ast::PolicyType;
use iamc_grammar::json::{Json, Node};

use super::clip;
use crate::findings::cover::{Cover, Entry};
use crate::findings::doc::{strings, Document, Statement, Str};
use crate::findings::{Findings, IssueCode};

/// Entries of one list compared pairwise at most (per service for actions); past it only exact
/// repetitions are reported.
const MAX_PAIRWISE: usize = 500;

pub(super) fn run(doc: &Document<'_>, out: &mut Findings<'_>) {
    for st in doc.statements() {
        combinations(st, out);
        redundant_actions(st, out);
        if doc.kind() == PolicyType::Rcp {
            rcp_shape(st, out);
        }
    }
    redundant_statements(doc, out);
}

/// UNSUPPORTED_ELEMENT_COMBINATION (All): `X` and `NotX` in one statement, at `NotX`'s name,
/// one finding per pair.
fn combinations(st: &Statement<'_>, out: &mut Findings<'_>) {
    for (plain, not) in [
        ("Action", "NotAction"),
        ("Resource", "NotResource"),
        ("Principal", "NotPrincipal"),
    ] {
        if let (Some(_), Some(n)) = (st.member(plain), st.member(not)) {
            out.push(
                IssueCode::UnsupportedElementCombination,
                &[n.key_span],
                format!("a statement cannot have both `{plain}` and `{not}`"),
            );
        }
    }
}

/// REDUNDANT_STATEMENT (All): a statement equal to an earlier one in every member but `Sid`
/// (arrays compared as sets, a lone string as a one-element set, member order ignored), at the
/// later statement with the earlier as second location.
fn redundant_statements(doc: &Document<'_>, out: &mut Findings<'_>) {
    let mut seen: HashMap<String, (usize, iamc_grammar::Span)> = HashMap::new();
    for st in doc.statements() {
        let mut key = String::new();
        let mut members: Vec<_> = st.members().iter().filter(|m| m.key != "Sid").collect();
        members.sort_by(|a, b| a.key.cmp(&b.key));
        for m in members {
            key.push_str(&quoted(&m.key));
            key.push(':');
            canonical(&m.value, &mut key);
            key.push(',');
        }
        match seen.get(&key) {
            Some(&(index, span)) => out.push(
                IssueCode::RedundantStatement,
                &[st.node.span, span],
                format!(
                    "statement {} repeats statement {index}: remove one of them",
                    st.index
                ),
            ),
            None => {
                seen.insert(key, (st.index, st.node.span));
            }
        }
    }
}

/// A text equal for two JSON values exactly when they are equal as policy elements: arrays as
/// sorted sets, a scalar as a one-element set, objects with sorted members. The tree is at
/// most `MAX_DEPTH` deep.
fn canonical(v: &Node, out: &mut String) {
    match &v.value {
        Json::Object(members) => {
            let mut members: Vec<_> = members.iter().collect();
            members.sort_by(|a, b| a.key.cmp(&b.key));
            out.push('{');
            for m in members {
                out.push_str(&quoted(&m.key));
                out.push(':');
                canonical(&m.value, out);
                out.push(',');
            }
            out.push('}');
        }
        Json::Array(items) => {
            let mut parts: Vec<String> = items.iter().map(element).collect();
            parts.sort();
            parts.dedup();
            out.push('[');
            out.push_str(&parts.join(","));
            out.push(']');
        }
        _ => {
            out.push('[');
            out.push_str(&element(v));
            out.push(']');
        }
    }
}

/// One member of a set: a scalar's text, or a nested value's canonical text.
fn element(v: &Node) -> String {
    let mut out = String::new();
    match &v.value {
        Json::String(s) => out.push_str(&quoted(s)),
        Json::Number(n) => out.push_str(n),
        Json::Bool(b) => {
            let _ = write!(out, "{b}");
        }
        Json::Null => out.push_str("null"),
        Json::Object(_) | Json::Array(_) => canonical(v, &mut out),
    }
    out
}

fn quoted(s: &str) -> String {
    format!("{s:?}")
}

/// REDUNDANT_ACTION (All): in one `Action` list, an entry every action of which another entry
/// also names, at the redundant entry with the covering one as second location (equal
/// entries: the later one). Decided exactly on the engines' glob languages (ASCII case
/// ignored, [`crate::findings::cover`]), which never calls an entry redundant that could name
/// an action the other does not, now or later (findings.md allows this reading;
/// `iam:*CredentialReport` beside `iam:Get*` stays).
fn redundant_actions(st: &Statement<'_>, out: &mut Findings<'_>) {
    let Some(m) = st.member("Action") else {
        return;
    };
    let entries = strings(&m.value);
    if entries.len() < 2 {
        return;
    }
    let star = entries.iter().position(|e| e.text == "*");
    let cover = Cover::actions();
    // Entries by service prefix (ignoring case): an entry covers only entries of its own
    // service, and `*` covers every other entry.
    let mut by_service: HashMap<String, Vec<(usize, &str, Entry)>> = HashMap::new();
    for (i, e) in entries.iter().enumerate() {
        if let Some((svc, _)) = e.text.split_once(':') {
            by_service
                .entry(svc.to_ascii_lowercase())
                .or_default()
                .push((i, e.text, cover.entry(e.text)));
        }
    }
    let mut redundant: Vec<Option<usize>> = vec![None; entries.len()];
    if let Some(s) = star {
        // `s` is the first `*`: every other entry, a later `*` included, is covered.
        for (i, r) in redundant.iter_mut().enumerate() {
            if i != s {
                *r = Some(s);
            }
        }
    }
    let mut groups: Vec<_> = by_service.into_iter().collect();
    groups.sort_by(|a, b| a.0.cmp(&b.0));
    let fold = |s: &str| s.to_ascii_lowercase();
    let covers = |q: &Entry, p: &Entry| cover.covers(q, p);
    for (_, group) in groups {
        cover_pairs(&group, &fold, &covers, &mut redundant);
    }
    report(
        &entries,
        &redundant,
        IssueCode::RedundantAction,
        "action",
        out,
    );
}

/// Marks in `redundant` each entry of `group` (`(index, text, compiled)`) that `covers(other,
/// entry)` says another entry covers; equal texts (`key` gives the text compared: folded when
/// the comparison ignores case) and entries that cover each other mark the later one. Past
/// [`MAX_PAIRWISE`] entries only repetitions count.
pub(super) fn cover_pairs<T>(
    group: &[(usize, &str, T)],
    key: &dyn Fn(&str) -> String,
    covers: &dyn Fn(&T, &T) -> bool,
    redundant: &mut [Option<usize>],
) {
    let keys: Vec<String> = group.iter().map(|(_, text, _)| key(text)).collect();
    if group.len() > MAX_PAIRWISE {
        let mut first: HashMap<&str, usize> = HashMap::new();
        for ((i, _, _), k) in group.iter().zip(&keys) {
            match first.get(k.as_str()) {
                Some(&f) => mark(redundant, *i, f),
                None => {
                    first.insert(k, *i);
                }
            }
        }
        return;
    }
    for ((j, _, pj), kj) in group.iter().zip(&keys) {
        for ((i, _, pi), ki) in group.iter().zip(&keys) {
            if i == j {
                continue;
            }
            let covered = if ki == kj {
                i < j
            } else {
                covers(pi, pj) && (i < j || !covers(pj, pi))
            };
            if covered {
                mark(redundant, *j, *i);
                break;
            }
        }
    }
}

fn mark(redundant: &mut [Option<usize>], at: usize, by: usize) {
    if let Some(r) = redundant.get_mut(at) {
        if r.is_none() {
            *r = Some(by);
        }
    }
}

pub(super) fn report(
    entries: &[Str<'_>],
    redundant: &[Option<usize>],
    code: IssueCode,
    what: &str,
    out: &mut Findings<'_>,
) {
    for (e, by) in entries.iter().zip(redundant) {
        let Some(by) = by.and_then(|b| entries.get(b)) else {
            continue;
        };
        out.push(
            code,
            &[e.node.span, by.node.span],
            format!(
                "the {what} `{}` is redundant: `{}` already covers it",
                clip(e.text),
                clip(by.text)
            ),
        );
    }
}

/// The shape of an RCP statement: RCP_SYNTAX_ERROR_NOTACTION (C) at `NotAction`, and
/// RCP_SYNTAX_ERROR_ALLOW (C) at an `Allow` that is not exactly `RCPFullAWSAccess`'s
/// (`Principal`, `Action` and `Resource` all `"*"`, no other element but `Sid`).
fn rcp_shape(st: &Statement<'_>, out: &mut Findings<'_>) {
    if let Some(m) = st.member("NotAction") {
        out.push(
            IssueCode::RcpSyntaxErrorNotaction,
            &[m.key_span],
            "`NotAction` is not allowed in resource control policies".to_owned(),
        );
    }
    if !st.is_allow() {
        return;
    }
    let star = |name: &str| {
        st.member(name).is_some_and(|m| {
            let s = strings(&m.value);
            s.len() == 1 && s.first().is_some_and(|e| e.text == "*")
        })
    };
    let principal_star =
        matches!(st.member("Principal").map(|m| &m.value.value), Some(Json::String(s)) if s == "*");
    let only_shape = st.members().iter().all(|m| {
        matches!(
            m.key.as_str(),
            "Sid" | "Effect" | "Principal" | "Action" | "Resource"
        )
    });
    if !(principal_star && star("Action") && star("Resource") && only_shape) {
        let span = st.member("Effect").map_or(st.node.span, |m| m.value.span);
        out.push(
            IssueCode::RcpSyntaxErrorAllow,
            &[span],
            "an `Allow` statement of a resource control policy must be exactly `\"Principal\": \"*\"`, `\"Action\": \"*\"`, `\"Resource\": \"*\"` without `Condition`".to_owned(),
        );
    }
}
