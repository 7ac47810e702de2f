//! Condition keys against the catalog: whether they exist (INVALID_SERVICE,
//! INVALID_GLOBAL_CONDITION_KEY, INVALID_SERVICE_CONDITION_KEY), whether the operator fits
//! their type (TYPE_MISMATCH, MISSING_QUALIFIER, FORALLVALUES_WITH_SINGLE_VALUED_KEY,
//! STRING_LIKE_OPERATOR_WITH_ARN_CONDITION_KEYS), their values (INVALID_REGION), and whether
//! the statement's actions can ever carry them (UNSUPPORTED_ACTION_FOR_CONDITION_KEY and the
//! four `*_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE` codes).

use std::collections::HashSet;

use iamc_catalog::{Action, Catalog, ConditionKey, KeyType, Service};
use iamc_grammar::ast::{BaseOperator as B, Operator, PolicyType, SetQualifier};

use super::actions::split;
use super::{did_you_mean, did_you_mean_service, listed, CatalogChecker};
use crate::findings::checks::{clip, family, has_wildcard, is_identity, is_resource, Family};
use crate::findings::doc::{strings, Clause, Document, KeyValues, Statement, Str};
use crate::findings::glob;
use crate::findings::{Findings, IssueCode};

pub(super) fn run(
    checker: &CatalogChecker,
    doc: &Document<'_>,
    st: &Statement<'_>,
    out: &mut Findings<'_>,
) {
    let catalog = checker.catalog;
    // The statement's literal, known actions (`Action` only), for the key/action check.
    let literal: Vec<Action<'_>> = match st.actions() {
        Some((m, false)) => strings(&m.value)
            .iter()
            .filter(|e| !e.text.contains(['*', '?']))
            .filter_map(|e| split(e.text).and_then(|_| catalog.action(e.text)))
            .collect(),
        _ => Vec::new(),
    };
    for clause in st.clauses() {
        for key in &clause.keys {
            let name = key.name();
            let Some((prefix, rest)) = name.split_once(':') else {
                continue; // INVALID_CONDITION_KEY_FORMAT
            };
            if prefix.is_empty() || rest.is_empty() || name.contains("${") {
                continue; // the grammar reports these
            }
            if let Some(op) = clause.operator {
                region_values(catalog, doc, op, key, out);
            }
            if Catalog::is_claim_key(name) {
                continue; // findings.md §3 rule 4: valid, of unknown type
            }
            let Some(found) = known(catalog, name, prefix, key, out) else {
                continue;
            };
            if let Some(op) = clause.operator {
                operator_fits(found, op, key, out);
            }
            if !found.is_global()
                && !prefix.eq_ignore_ascii_case("aws")
                && clause.operator.is_some_and(|op| false_when_absent(op, key))
            {
                unsupported_actions(&literal, key, out);
            }
        }
    }
    tag_keys(checker, doc, st, out);
}

/// The catalog's entry for a key, or the finding that it has none:
/// INVALID_GLOBAL_CONDITION_KEY for an `aws:` key that is no global key (`aws:ARN` and the
/// tag keys without a tag name have their own codes), INVALID_SERVICE_CONDITION_KEY for a key
/// of a known service (or of a non-claim prefix of `unassociatedConditions`, such as `saml`)
/// that it does not list, INVALID_SERVICE for an unknown prefix. At the key, with the nearest
/// known name.
fn known<'c>(
    catalog: &'c Catalog,
    name: &str,
    prefix: &str,
    key: &KeyValues<'_>,
    out: &mut Findings<'_>,
) -> Option<ConditionKey<'c>> {
    if let Some(k) = catalog.global_key(name) {
        return Some(k);
    }
    // Service pages list some `aws:` keys too (`aws:RequestTag/${TagKey}`).
    if let Some(k) = catalog.condition_key(name) {
        return Some(k);
    }
    let span = key.member.key_span;
    let rest = name.get(prefix.len() + 1..).unwrap_or_default();
    let base = rest.strip_suffix('/').unwrap_or(rest);
    let tag = ["ResourceTag", "RequestTag", "PrincipalTag"]
        .iter()
        .any(|t| base.eq_ignore_ascii_case(t));
    if tag || name.eq_ignore_ascii_case("aws:ARN") {
        return None; // MISSING_TAG_KEY_IN_CONDITION, UNSUPPORTED_GLOBAL_CONDITION_KEY
    }
    if prefix.eq_ignore_ascii_case("aws") {
        let hint = did_you_mean(
            suggest_template(catalog.global_keys(), name)
                .or_else(|| catalog.suggest_global_key(name).map(|k| shown(&k, name))),
        );
        out.push(
            IssueCode::InvalidGlobalConditionKey,
            &[span],
            format!("`{}` is no global condition key{hint}", clip(name)),
        );
    } else if catalog.is_known_key_prefix(prefix) {
        let own_prefix = |k: &ConditionKey<'_>| {
            k.name()
                .split_once(':')
                .is_some_and(|(p, _)| p.eq_ignore_ascii_case(prefix))
        };
        let hint = did_you_mean(
            suggest_template(catalog.condition_keys().filter(own_prefix), name)
                .or_else(|| catalog.suggest_condition_key(name).map(|k| shown(&k, name))),
        );
        out.push(
            IssueCode::InvalidServiceConditionKey,
            &[span],
            format!(
                "`{}` is no condition key of `{}`{hint}",
                clip(name),
                clip(prefix)
            ),
        );
    } else {
        let hint = did_you_mean_service(catalog, prefix, rest);
        out.push(
            IssueCode::InvalidService,
            &[span],
            format!(
                "the service `{}` of the condition key `{}` does not exist{hint}",
                clip(prefix),
                clip(name)
            ),
        );
    }
    None
}

/// For a typed `head/tag`, the template among `keys` whose head (before its `/`) is nearest
/// to `head`, written with the typed tag (`aws:PrincipalTags/team` → `aws:PrincipalTag/team`).
fn suggest_template<'c>(
    keys: impl Iterator<Item = ConditionKey<'c>>,
    typed: &str,
) -> Option<String> {
    let (head, tag) = typed.split_once('/')?;
    if tag.is_empty() {
        return None;
    }
    let heads: Vec<&str> = keys
        .filter(|k| k.is_template())
        .filter_map(|k| k.name().split_once('/').map(|(h, _)| h))
        .collect();
    iamc_grammar::diag::suggest(head, &heads).map(|h| format!("{h}/{tag}"))
}

/// A suggested key as the user would write it: a template keeps the tag name typed
/// (`aws:PrincipalTag/tag-key` for `aws:PrincipalTags/Dept` shows `aws:PrincipalTag/Dept`).
fn shown(k: &ConditionKey<'_>, typed: &str) -> String {
    let name = k.name();
    if !k.is_template() {
        return name.to_owned();
    }
    match (name.split_once('/'), typed.split_once('/')) {
        (Some((head, _)), Some((_, tag))) if !tag.is_empty() => format!("{head}/{tag}"),
        _ => name.to_owned(),
    }
}

/// The key types an operator family reads (findings.md 4.2 TYPE_MISMATCH).
fn fits(family: Family, ty: KeyType, name: &str) -> bool {
    let t = ty.scalar();
    match family {
        Family::String => matches!(t, KeyType::String | KeyType::Arn),
        // AWS managed policies use `ArnLike` on String-typed keys that hold ARNs.
        Family::Arn => matches!(t, KeyType::Arn | KeyType::String),
        // `aws:EpochTime` is typed Date, but its values are seconds and AWS documents it for
        // both Date and Numeric operators.
        Family::Numeric => {
            t == KeyType::Numeric
                || (t == KeyType::Date && name.eq_ignore_ascii_case("aws:EpochTime"))
        }
        Family::Date => t == KeyType::Date,
        Family::Bool => t == KeyType::Bool,
        Family::Binary => matches!(t, KeyType::String | KeyType::Binary),
        Family::Ip => t == KeyType::IpAddress,
        Family::Null => true,
    }
}

/// The operator to use for a key type, for a hint.
fn operator_for(ty: KeyType) -> &'static str {
    match ty.scalar() {
        KeyType::String | KeyType::Binary => "StringEquals",
        KeyType::Arn => "ArnLike",
        KeyType::Numeric => "NumericEquals",
        KeyType::Date => "DateGreaterThan",
        KeyType::Bool => "Bool",
        KeyType::IpAddress => "IpAddress",
        _ => "StringEquals",
    }
}

/// TYPE_MISMATCH (All): an operator family the key's type does not take.
/// MISSING_QUALIFIER (All): a multivalued key under a non-`Null` operator without
/// `ForAllValues:`/`ForAnyValue:`.
/// FORALLVALUES_WITH_SINGLE_VALUED_KEY (All): `ForAllValues:` on a single-valued key.
/// STRING_LIKE_OPERATOR_WITH_ARN_CONDITION_KEYS (All): `StringLike`/`StringNotLike` on an ARN
/// key. Each at the key.
fn operator_fits(k: ConditionKey<'_>, op: Operator, key: &KeyValues<'_>, out: &mut Findings<'_>) {
    let name = key.name();
    let ty = k.key_type();
    let span = key.member.key_span;
    let fam = family(op.base);
    if !fits(fam, ty, name) {
        out.push(
            IssueCode::TypeMismatch,
            &[span],
            format!(
                "`{}` does not compare values of type `{ty}`, the type of `{}`; use `{}`",
                op.base.name(),
                clip(name),
                operator_for(ty)
            ),
        );
    }
    if fam != Family::Null && ty.is_multivalued() && op.qualifier.is_none() {
        out.push(
            IssueCode::MissingQualifier,
            &[span],
            format!(
                "`{}` may hold several values: write `ForAnyValue:{}` (some value matches) or `ForAllValues:{}` (every value matches)",
                clip(name),
                op.base.name(),
                op.base.name()
            ),
        );
    }
    if fam != Family::Null
        && !ty.is_multivalued()
        && op.qualifier == Some(SetQualifier::ForAllValues)
    {
        out.push(
            IssueCode::ForallvaluesWithSingleValuedKey,
            &[span],
            format!(
                "`{}` holds one value, and `ForAllValues:` is also true when the key is absent; drop the qualifier",
                clip(name)
            ),
        );
    }
    if matches!(op.base, B::StringLike | B::StringNotLike) && ty.scalar() == KeyType::Arn {
        out.push(
            IssueCode::StringLikeOperatorWithArnConditionKeys,
            &[span],
            format!(
                "`{}` is an ARN: compare it with `{}`, which matches ARNs field by field",
                clip(name),
                if op.base == B::StringLike {
                    "ArnLike"
                } else {
                    "ArnNotLike"
                }
            ),
        );
    }
}

/// INVALID_REGION (All): a String-operator value of `aws:RequestedRegion` (no wildcard, no
/// variable) that is no region of any partition. At the value.
fn region_values(
    catalog: &Catalog,
    doc: &Document<'_>,
    op: Operator,
    key: &KeyValues<'_>,
    out: &mut Findings<'_>,
) {
    if family(op.base) != Family::String || !key.name().eq_ignore_ascii_case("aws:RequestedRegion")
    {
        return;
    }
    let substitutes = doc.substitutes();
    for v in &key.values {
        if has_wildcard(v.text, substitutes) || (substitutes && v.text.contains("${")) {
            continue;
        }
        if catalog.region_partition(v.text).is_none() {
            let regions: Vec<&str> = catalog
                .partitions()
                .flat_map(|p| p.regions().iter().copied())
                .collect();
            let hint =
                did_you_mean(iamc_grammar::diag::suggest(v.text, &regions).map(str::to_owned));
            out.push(
                IssueCode::InvalidRegion,
                &[v.node.span],
                format!("`{}` is no AWS region{hint}", clip(v.text)),
            );
        }
    }
}

/// Whether the test of `key` under `op` is false when the request lacks the key (spec 5.3):
/// a positive operator without `IfExists` and without `ForAllValues:` (`ForAnyValue:` is false
/// even with `IfExists`, A9), or `Null` asking for presence only.
fn false_when_absent(op: Operator, key: &KeyValues<'_>) -> bool {
    if op.base == B::Null {
        return key
            .values
            .iter()
            .all(|v| v.text.eq_ignore_ascii_case("false"));
    }
    match op.qualifier {
        Some(SetQualifier::ForAllValues) => false,
        Some(SetQualifier::ForAnyValue) => true,
        None => !op.if_exists && !op.base.is_negated(),
    }
}

/// UNSUPPORTED_ACTION_FOR_CONDITION_KEY (All): a known service key that some literal action
/// of `Action` never carries (its own keys and its resource types' do not include it), under
/// an operator that is false for an absent key ([`false_when_absent`], an iamc reading: the
/// spec's "the condition is never satisfied" holds only then): the statement never applies
/// to those actions. One finding per key, at the key, listing the actions. Wildcard actions
/// are not judged (findings.md 4.2).
fn unsupported_actions(actions: &[Action<'_>], key: &KeyValues<'_>, out: &mut Findings<'_>) {
    let name = key.name();
    let mut missing: Vec<String> = Vec::new();
    for a in actions {
        let text = a.to_string();
        if !a.supports_condition_key(name) && !missing.contains(&text) {
            missing.push(text);
        }
    }
    if missing.is_empty() {
        return;
    }
    let n = missing.len();
    out.push(
        IssueCode::UnsupportedActionForConditionKey,
        &[key.member.key_span],
        format!(
            "{} never {} `{}`, so the condition is never satisfied for {}; move {} to a statement without it",
            listed(&missing, n),
            if n == 1 { "carries" } else { "carry" },
            clip(name),
            if n == 1 { "it" } else { "them" },
            if n == 1 { "it" } else { "them" },
        ),
    );
}

/// Whether a clause tests `aws:ResourceTag/...` so that an action without the key never
/// satisfies it: a positive String operator (`StringEquals`, `StringEqualsIgnoreCase`,
/// `StringLike`), no `IfExists`, no `ForAllValues:` (negated operators, `IfExists` and
/// `ForAllValues:` are true for an absent key).
fn requires_tag(clause: &Clause<'_>, key: &KeyValues<'_>) -> bool {
    let Some(op) = clause.operator else {
        return false;
    };
    let name = key.name();
    let tag = name
        .get(..16)
        .is_some_and(|p| p.eq_ignore_ascii_case("aws:ResourceTag/"))
        && name.len() > 16;
    tag && matches!(
        op.base,
        B::StringEquals | B::StringEqualsIgnoreCase | B::StringLike
    ) && !op.if_exists
        && op.qualifier != Some(SetQualifier::ForAllValues)
}

/// DENY_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE (I R S C, ‡),
/// DENY_NOTACTION_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE (I R S C),
/// ALLOW_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE (I R S) and
/// ALLOW_NOTACTION_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE (I R S): a statement whose
/// condition requires `aws:ResourceTag/...` ([`requires_tag`]) while some action it names
/// (the catalog expansion of `Action`; with `NotAction`, always some action) does not carry
/// that key, so the statement never applies to that action. At the key.
fn tag_keys(
    checker: &CatalogChecker,
    doc: &Document<'_>,
    st: &Statement<'_>,
    out: &mut Findings<'_>,
) {
    let kind = doc.kind();
    let (deny, allow) = (st.is_deny(), st.is_allow());
    let types_ok = is_identity(kind)
        || is_resource(kind)
        || kind == PolicyType::Scp
        || (deny && kind == PolicyType::Rcp);
    if !types_ok || !(deny || allow) {
        return;
    }
    let Some((m, negated)) = st.actions() else {
        return;
    };
    for clause in st.clauses() {
        for key in clause.keys.iter().filter(|k| requires_tag(clause, k)) {
            let name = key.name();
            let span = key.member.key_span;
            if negated {
                let (code, what) = if deny {
                    (
                        IssueCode::DenyNotactionWithUnsupportedTagConditionKeyForService,
                        "the deny never applies to them",
                    )
                } else {
                    (
                        IssueCode::AllowNotactionWithUnsupportedTagConditionKeyForService,
                        "the statement never allows them",
                    )
                };
                out.push(
                    code,
                    &[span],
                    format!(
                        "`NotAction` leaves actions that never carry `{}` (those that take no tagged resource): {what}",
                        clip(name)
                    ),
                );
                continue;
            }
            let (missing, total) = lacking(checker.catalog, &strings(&m.value), name);
            if total == 0 {
                continue;
            }
            let (code, what) = if deny {
                (
                    IssueCode::DenyWithUnsupportedTagConditionKeyForService,
                    "the deny never applies to them; deny them in a statement without the tag condition",
                )
            } else {
                (
                    IssueCode::AllowWithUnsupportedTagConditionKeyForService,
                    "this statement never allows them",
                )
            };
            out.push(
                code,
                &[span],
                format!(
                    "{} never {} `{}`: {what}",
                    listed(&missing, total),
                    if total == 1 { "carries" } else { "carry" },
                    clip(name)
                ),
            );
        }
    }
}

/// The actions named by `entries` (their catalog expansion, matched as the engines match
/// actions: `*` any run, `?` one character, ASCII case ignored) that do not carry `key`: the
/// first few names and how many there are.
fn lacking(catalog: &Catalog, entries: &[Str<'_>], key: &str) -> (Vec<String>, usize) {
    let mut names = Vec::new();
    let mut total = 0usize;
    let mut seen: HashSet<String> = HashSet::new();
    for e in entries {
        let (service, name) = match e.text.split_once(':') {
            Some(parts) => parts,
            None if e.text == "*" => ("*", "*"),
            None => continue,
        };
        let services: Vec<Service<'_>> = if service == "*" {
            catalog.services().collect()
        } else {
            catalog.service(service).into_iter().collect()
        };
        let glob = glob::Glob::new(name, true);
        for svc in services {
            for a in svc.actions().filter(|a| glob.matches(a.name())) {
                if !a.supports_condition_key(key) && seen.insert(a.to_string()) {
                    total += 1;
                    if names.len() < 5 {
                        names.push(a.to_string());
                    }
                }
            }
        }
    }
    (names, total)
}
