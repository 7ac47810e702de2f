//! `Action` / `NotAction` entries against the catalog: INVALID_SERVICE_IN_ACTION,
//! INVALID_ACTION and RCP_SYNTAX_ERROR_ACTION.

use iamc_catalog::Catalog;
use iamc_grammar::ast::PolicyType;

use super::{did_you_mean, did_you_mean_service, CatalogChecker};
use crate::findings::checks::clip;
use crate::findings::doc::{strings, Document, Statement, Str};
use crate::findings::glob;
use crate::findings::{Findings, IssueCode};

/// The most wildcards of an action pattern whose empty match is confirmed with an automaton.
const MAX_CONFIRMED_WILDCARDS: usize = 16;

pub(super) fn run(
    checker: &CatalogChecker,
    doc: &Document<'_>,
    st: &Statement<'_>,
    out: &mut Findings<'_>,
) {
    let Some((m, negated)) = st.actions() else {
        return;
    };
    let rcp_deny = doc.kind() == PolicyType::Rcp && st.is_deny() && !negated;
    for entry in strings(&m.value) {
        let Some((service, name)) = split(entry.text) else {
            continue;
        };
        if rcp_deny && !checker.catalog.supports_rcp(service) {
            out.push(
                IssueCode::RcpSyntaxErrorAction,
                &[entry.node.span],
                format!(
                    "resource control policies do not support the service `{}` of `{}`; they apply to the services listed in the catalog's RCP list",
                    clip(service),
                    clip(entry.text)
                ),
            );
        }
        action(checker.catalog, entry, service, name, out);
    }
}

/// `service` and `name` of an entry the grammar accepts as an action pattern (one colon, a
/// service without wildcards, no variable); `None` for `*` and for entries the grammar reports.
pub(super) fn split(text: &str) -> Option<(&str, &str)> {
    let (service, name) = text.split_once(':')?;
    let ok = !service.is_empty()
        && !service.contains(['*', '?'])
        && !name.contains(':')
        && !text.contains("${");
    ok.then_some((service, name))
}

/// INVALID_SERVICE_IN_ACTION (All): a service prefix the catalog does not know.
/// INVALID_ACTION (All): a known service and a literal name it does not have, or (‡) a
/// pattern that matches none of its actions. Each at the entry, with the nearest name.
fn action(catalog: &Catalog, entry: Str<'_>, service: &str, name: &str, out: &mut Findings<'_>) {
    let Some(svc) = catalog.service(service) else {
        let hint = did_you_mean_service(catalog, service, name);
        out.push(
            IssueCode::InvalidServiceInAction,
            &[entry.node.span],
            format!(
                "the service `{}` of `{}` does not exist{hint}",
                clip(service),
                clip(entry.text)
            ),
        );
        return;
    };
    if !name.contains(['*', '?']) {
        if svc.action(name).is_none() {
            let hint = did_you_mean(
                svc.suggest_action(name)
                    .map(|a| format!("{}:{}", svc.prefix(), a.name())),
            );
            out.push(
                IssueCode::InvalidAction,
                &[entry.node.span],
                format!(
                    "the action `{}` does not exist in `{}`{hint}",
                    clip(entry.text),
                    svc.prefix()
                ),
            );
        }
        return;
    }
    // A pattern: the plain matcher reads `*`, `?` and case as the engines do, so one match
    // settles it; an empty answer is confirmed with the engines' own automaton, unless the
    // pattern has so many wildcards that building it could take seconds (`*a?????...`).
    let glob = glob::Glob::new(name, true);
    if svc.actions().any(|a| glob.matches(a.name())) {
        return;
    }
    let wildcards = name.chars().filter(|c| matches!(c, '*' | '?')).count();
    let confirmed = wildcards > MAX_CONFIRMED_WILDCARDS
        || catalog
            .expand(entry.text, None)
            .is_ok_and(|found| found.is_empty());
    if confirmed {
        out.push(
            IssueCode::InvalidAction,
            &[entry.node.span],
            format!(
                "the pattern `{}` matches no action of `{}`",
                clip(entry.text),
                svc.prefix()
            ),
        );
    }
}
