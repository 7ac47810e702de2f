//! `Resource` / `NotResource` ARNs against the catalog (I R S C): INVALID_PARTITION,
//! INVALID_ARN_REGION, INVALID_ARN_RESOURCE, MISSING_ARN_REGION, ARN_REGION_NOT_ALLOWED,
//! MISSING_ARN_ACCOUNT, ARN_ACCOUNT_NOT_ALLOWED, and iamc's IAMC_RESOURCE_MISMATCH.
//!
//! An entry is asked about with its partition, region and account fields as `*`, so the
//! formats found are those its service field and resource part can denote; the field checks
//! then compare the entry's own fields with those formats'. Policy variables in the resource
//! part count as `*`. When a `*` ends one of the first five fields, the engines let it cross
//! `:` (spec 3.3.5) and the entry may reach a format only that way: it is asked about with the
//! resource part widened to `*:PART` too (module docs of `super`).

use std::cell::OnceCell;
use std::sync::Arc;

use iamc_catalog::ArnFormat;
use iamc_grammar::ast::PolicyType;

use super::{listed, CatalogChecker};
use crate::findings::checks::{clip, fields, replace_variables, sub_span};
use crate::findings::doc::{strings, Document, Statement, Str};
use crate::findings::{Findings, IssueCode};

pub(super) fn run(
    checker: &CatalogChecker,
    doc: &Document<'_>,
    st: &Statement<'_>,
    out: &mut Findings<'_>,
) {
    if doc.kind() == PolicyType::Trust {
        return;
    }
    for name in ["Resource", "NotResource"] {
        for entry in st.strings(name) {
            arn_entry(checker, doc, entry, out);
        }
    }
    resource_mismatch(checker, doc, st, out);
}

/// The partition field of every query. Every format of the catalog has the placeholder
/// `${Partition}` there, so any partition name gives the same answer, and a literal one lets
/// the catalog go straight to the service's formats (a `*` would make it search every
/// service's).
const PARTITION: &str = "aws";

/// The formats an entry with ARN service field `service` and resource part `resource` (no
/// variables) can denote, the partition, region and account not compared: those of the entry
/// as written, and, when a `*` ends one of its first five fields (`crossing`), those it reaches
/// only by that `*` crossing colons (asked for only when the first answer does not settle the
/// question).
struct Reach<'c> {
    checker: &'c CatalogChecker,
    service: &'c str,
    resource: String,
    crossing: bool,
    narrow: Arc<[ArnFormat<'static>]>,
    wide: OnceCell<Option<Arc<[ArnFormat<'static>]>>>,
}

impl<'c> Reach<'c> {
    /// `None` when the catalog cannot answer (then nothing is judged).
    fn new(
        checker: &'c CatalogChecker,
        service: &'c str,
        resource: String,
        crossing: bool,
    ) -> Option<Reach<'c>> {
        let narrow = checker.formats(&format!("arn:{PARTITION}:{service}:*:*:{resource}"))?;
        Some(Reach {
            checker,
            service,
            resource,
            crossing,
            narrow,
            wide: OnceCell::new(),
        })
    }

    /// The formats reached only through a crossing `*`; `None` when the catalog cannot answer.
    fn wide(&self) -> Option<&[ArnFormat<'static>]> {
        if !self.crossing {
            return Some(&[]);
        }
        self.wide
            .get_or_init(|| {
                self.checker.formats(&format!(
                    "arn:{PARTITION}:{}:*:*:*:{}",
                    self.service, self.resource
                ))
            })
            .as_deref()
    }

    /// Whether some reached format passes `test`; an unanswered question counts as yes.
    fn any(&self, test: impl Fn(&ArnFormat<'static>) -> bool) -> bool {
        self.narrow.iter().any(&test) || self.wide().is_none_or(|w| w.iter().any(&test))
    }

    /// Whether some format is reached and every reached format passes `test`; an unanswered
    /// question counts as no. A format of the entry as written that fails settles it, so the
    /// crossing question (the costly one) is asked only when all of those pass.
    fn all(
        &self,
        own: impl Fn(&ArnFormat<'static>) -> bool,
        test: impl Fn(&ArnFormat<'static>) -> bool,
    ) -> bool {
        let mut reached = false;
        for f in self.narrow.iter().filter(|f| own(f)) {
            if !test(f) {
                return false;
            }
            reached = true;
        }
        let Some(wide) = self.wide() else {
            return false;
        };
        for f in wide.iter().filter(|f| own(f)) {
            if !test(f) {
                return false;
            }
            reached = true;
        }
        reached
    }

    /// Every reached format passing `own`, each once.
    fn list(&self, own: impl Fn(&ArnFormat<'static>) -> bool) -> Vec<ArnFormat<'static>> {
        let mut out: Vec<ArnFormat<'static>> = Vec::new();
        for f in self.narrow.iter().chain(self.wide().unwrap_or(&[])) {
            if own(f) && !out.contains(f) {
                out.push(*f);
            }
        }
        out
    }
}

/// Whether a format's region or account field must hold something (not empty, not `*`).
fn required(field: &str) -> bool {
    !field.is_empty() && field != "*"
}

/// The field checks of one entry:
/// INVALID_PARTITION: a partition (no wildcard) that is not a known partition.
/// INVALID_ARN_REGION: a region (not empty, no wildcard) that is no region of any partition.
/// Then, for an ARN service the catalog knows:
/// INVALID_ARN_RESOURCE: the resource part meets no format of that service;
/// MISSING_ARN_REGION / MISSING_ARN_ACCOUNT: the field is empty while every format the entry
/// meets requires it (at the entry);
/// ARN_REGION_NOT_ALLOWED (not for `iam`, which the grammar reports) /
/// ARN_ACCOUNT_NOT_ALLOWED: a literal field where every such format has none (at the field).
/// These four only when no earlier field ends in `*`: such a `*` may cross colons in the
/// engines and reach the field (so `arn:aws:ssm:*::document/AWS-*`, AWS-owned documents
/// without an account that the catalog does not know, is not reported).
fn arn_entry(checker: &CatalogChecker, doc: &Document<'_>, entry: Str<'_>, out: &mut Findings<'_>) {
    let s = entry.text;
    if s == "*" || !s.starts_with("arn:") {
        return;
    }
    let catalog = checker.catalog;
    let substitutes = doc.substitutes();
    let wild = |t: &str| t.contains(['*', '?']) || (substitutes && t.contains("${"));
    let f = fields(s);
    let field_span = |at: usize, text: &str| sub_span(doc.src(), entry.node, at..at + text.len());
    if let Some(&(at, partition)) = f.get(1) {
        if !wild(partition) && catalog.partition(partition).is_none() {
            let ids: Vec<&str> = catalog.partitions().map(|p| p.id()).collect();
            out.push(
                IssueCode::InvalidPartition,
                &[field_span(at, partition)],
                format!(
                    "`{}` in `{}` is no AWS partition; partitions are {}",
                    clip(partition),
                    clip(s),
                    listed(
                        &ids.iter().map(|p| (*p).to_owned()).collect::<Vec<_>>(),
                        ids.len()
                    )
                ),
            );
        }
    }
    if let Some(&(at, region)) = f.get(3) {
        if !region.is_empty() && !wild(region) && catalog.region_partition(region).is_none() {
            out.push(
                IssueCode::InvalidArnRegion,
                &[field_span(at, region)],
                format!(
                    "`{}` in `{}` is no AWS region; write a region such as `us-east-1`, `*`, or nothing for global resources",
                    clip(region),
                    clip(s)
                ),
            );
        }
    }
    let [_, (_, partition), (_, service), (region_at, region), (account_at, account), (resource_at, resource)] =
        f.as_slice()
    else {
        return; // MISSING_ARN_FIELD
    };
    let (partition, service, region, account) = (*partition, *service, *region, *account);
    if service.is_empty()
        || wild(service)
        || service.bytes().any(|b| b.is_ascii_uppercase())
        || (substitutes
            && [partition, region, account]
                .iter()
                .any(|t| t.contains("${")))
    {
        return; // WILDCARD_IN_SERVICE_NAME, INVALID_ARN_SERVICE_CASE, a variable too early
    }
    let Some(all) = checker.service_formats(service) else {
        return; // a service the catalog has no ARN for
    };
    let own = |f: &ArnFormat<'static>| f.service_field() == service;
    let crossing = [partition, region, account]
        .iter()
        .any(|t| t.ends_with('*'));
    let resource_query = replace_variables(resource, substitutes, "*");
    let Some(reach) = Reach::new(checker, service, resource_query, crossing) else {
        return;
    };
    if !reach.any(own) {
        let mut shapes: Vec<String> = all.iter().map(|f| f.resource_field().to_owned()).collect();
        shapes.dedup();
        let n = shapes.len();
        out.push(
            IssueCode::InvalidArnResource,
            &[field_span(*resource_at, resource)],
            format!(
                "the resource `{}` of `{}` is no `{service}` resource; `{service}` ARNs end in {}",
                clip(resource),
                clip(s),
                listed(&shapes, n)
            ),
        );
        return;
    }
    let types = || {
        let mut names: Vec<String> = Vec::new();
        for f in reach.list(own) {
            let name = f.resource_type().name().to_owned();
            if !names.contains(&name) {
                names.push(name);
            }
        }
        let n = names.len();
        listed(&names, n)
    };
    // A field after one ending in `*` may be reached by that `*` crossing colons, so its
    // content proves nothing about the ARNs matched: the field checks need the fields before
    // it free of such a `*`.
    let settled = |before: &[&str]| !before.iter().any(|t| t.ends_with('*'));
    if region.is_empty() && settled(&[partition]) && reach.all(own, |f| required(f.region_field()))
    {
        out.push(
            IssueCode::MissingArnRegion,
            &[entry.node.span],
            format!(
                "`{}` has no region, and {} ARNs always have one; write the region or `*`",
                clip(s),
                types()
            ),
        );
    }
    if service != "iam"
        && !region.is_empty()
        && !wild(region)
        && settled(&[partition])
        && reach.all(own, |f| f.region_field().is_empty())
    {
        out.push(
            IssueCode::ArnRegionNotAllowed,
            &[field_span(*region_at, region)],
            format!(
                "{} ARNs have no region, so `{}` never matches; leave the region field empty",
                types(),
                clip(s)
            ),
        );
    }
    if account.is_empty()
        && settled(&[partition, region])
        && reach.all(own, |f| required(f.account_field()))
    {
        out.push(
            IssueCode::MissingArnAccount,
            &[entry.node.span],
            format!(
                "`{}` has no account, and {} ARNs always have one; write the account id or `*`",
                clip(s),
                types()
            ),
        );
    }
    if !account.is_empty() && !wild(account) && reach.all(own, |f| f.account_field().is_empty()) {
        out.push(
            IssueCode::ArnAccountNotAllowed,
            &[field_span(*account_at, account)],
            format!(
                "{} ARNs have no account, so `{}` never matches; leave the account field empty",
                types(),
                clip(s)
            ),
        );
    }
}

/// IAMC_RESOURCE_MISMATCH (I R S C, findings.md 5): in a statement with `Action` and
/// `Resource` (no `*` entry, no entry starting with a variable), a literal known action with
/// resource types none of which any entry can denote (service field and resource part; region
/// and account not compared): the statement never applies to that action. At the action, with
/// the `Resource` value as second location. Wildcard actions are not judged. A warning, read
/// field by field as findings.md 5 says (not widened for a crossing `*`, which would meet
/// nearly every format with an open last placeholder); the message says so when an entry has
/// such a `*`.
fn resource_mismatch(
    checker: &CatalogChecker,
    doc: &Document<'_>,
    st: &Statement<'_>,
    out: &mut Findings<'_>,
) {
    let (Some((am, false)), Some((rm, false))) = (st.actions(), st.resources()) else {
        return;
    };
    let entries = strings(&rm.value);
    if entries.is_empty()
        || entries
            .iter()
            .any(|e| e.text == "*" || e.text.starts_with("${"))
    {
        return;
    }
    let substitutes = doc.substitutes();
    // The formats each entry can denote; an entry that cannot be read as an ARN could be
    // anything, and then nothing is judged.
    let mut parts: Vec<(&str, String, bool)> = Vec::with_capacity(entries.len());
    for e in &entries {
        if !e.text.starts_with("arn:") {
            return;
        }
        let mut f: Vec<&str> = fields(e.text).into_iter().map(|(_, t)| t).collect();
        while f.len() < 6 {
            f.push("*"); // a short ARN is padded with `:*` fields
        }
        let [_, partition, service, region, account, resource] = f.as_slice() else {
            return;
        };
        if substitutes
            && [partition, service, region, account]
                .iter()
                .any(|t| t.contains("${"))
        {
            return;
        }
        let crossing = [partition, service, region, account]
            .iter()
            .any(|t| t.ends_with('*'));
        parts.push((
            service,
            replace_variables(resource, substitutes, "*"),
            crossing,
        ));
    }
    let crossing = parts.iter().any(|(_, _, c)| *c);
    let mut reaches = Vec::with_capacity(parts.len());
    for (service, resource, crossing) in parts {
        let Some(r) = Reach::new(checker, service, resource, crossing) else {
            return;
        };
        reaches.push(r);
    }
    let catalog = checker.catalog;
    for a in strings(&am.value) {
        if a.text.contains(['*', '?']) {
            continue;
        }
        let Some(action) = super::actions::split(a.text).and_then(|_| catalog.action(a.text))
        else {
            continue;
        };
        let takes: Vec<String> = action
            .resource_types()
            .map(|r| r.resource_type().name().to_owned())
            .collect();
        if takes.is_empty() {
            continue;
        }
        let takes_one =
            |formats: &[ArnFormat<'static>]| !action.resource_types_among(formats).is_empty();
        if !reaches.iter().any(|r| takes_one(&r.narrow)) {
            let n = takes.len();
            out.push(
                IssueCode::IamcResourceMismatch,
                &[a.node.span, rm.value.span],
                format!(
                    "`{}` takes {} resources and no entry of `Resource` names one, so this statement never applies to it{}",
                    clip(a.text),
                    listed(&takes, n),
                    if crossing {
                        " (read field by field: the engines also let a `*` that ends the region or account field cross `:`)"
                    } else {
                        ""
                    }
                ),
            );
        }
    }
}
