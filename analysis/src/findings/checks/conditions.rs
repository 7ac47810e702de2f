//! `Condition` checks that need no catalog: empty blocks and arrays, operators used where they
//! can never matter, key shapes, value shapes by key, and the keys a statement must or must not
//! combine.

use std::net::IpAddr;

use iamc_grammar::ast::{BaseOperator as B, Operator, PolicyType, SetQualifier};
use iamc_grammar::json::Json;
use iamc_grammar::values::parse_ip_range;

use super::principals::is_service_principal;
use super::{clip, has_wildcard, is_identity, is_resource, is_source_key};
use crate::findings::doc::{Document, KeyValues, Statement};
use crate::findings::{Findings, IssueCode};

/// How an operator reads its values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Family {
    String,
    Arn,
    Numeric,
    Date,
    Bool,
    Binary,
    Ip,
    Null,
}

pub(crate) fn family(base: B) -> Family {
    match base {
        B::StringEquals
        | B::StringNotEquals
        | B::StringEqualsIgnoreCase
        | B::StringNotEqualsIgnoreCase
        | B::StringLike
        | B::StringNotLike => Family::String,
        B::ArnEquals | B::ArnLike | B::ArnNotEquals | B::ArnNotLike => Family::Arn,
        B::NumericEquals
        | B::NumericNotEquals
        | B::NumericLessThan
        | B::NumericLessThanEquals
        | B::NumericGreaterThan
        | B::NumericGreaterThanEquals => Family::Numeric,
        B::DateEquals
        | B::DateNotEquals
        | B::DateLessThan
        | B::DateLessThanEquals
        | B::DateGreaterThan
        | B::DateGreaterThanEquals => Family::Date,
        B::Bool => Family::Bool,
        B::BinaryEquals => Family::Binary,
        B::IpAddress | B::NotIpAddress => Family::Ip,
        B::Null => Family::Null,
    }
}

pub(super) fn run(doc: &Document<'_>, out: &mut Findings<'_>) {
    for st in doc.statements() {
        empty_objects(st, out);
        for clause in st.clauses() {
            let Some(op) = clause.operator else {
                continue;
            };
            if op.base == B::Null && op.qualifier.is_some() {
                out.push(
                    IssueCode::NullWithQualifier,
                    &[clause.member.key_span],
                    format!(
                        "`{}` tests presence exactly as `Null` does: drop the set qualifier",
                        clip(&clause.member.key)
                    ),
                );
            }
            for key in &clause.keys {
                key_shape(key, out);
                values(doc, op, key, out);
            }
        }
        statement_keys(doc, st, out);
    }
}

/// EMPTY_OBJECT_CONDITION (All): `"Condition": {}` or an operator whose block is `{}`.
fn empty_objects(st: &Statement<'_>, out: &mut Findings<'_>) {
    let Some(m) = st.member("Condition") else {
        return;
    };
    let Json::Object(ops) = &m.value.value else {
        return;
    };
    if ops.is_empty() {
        out.push(
            IssueCode::EmptyObjectCondition,
            &[m.value.span],
            "`Condition` is empty and constrains nothing: remove it".to_owned(),
        );
    }
    for om in ops {
        if matches!(&om.value.value, Json::Object(keys) if keys.is_empty()) {
            out.push(
                IssueCode::EmptyObjectCondition,
                &[om.value.span],
                format!(
                    "the block of `{}` is empty and constrains nothing: remove it",
                    clip(&om.key)
                ),
            );
        }
    }
}

/// INVALID_CONDITION_KEY_FORMAT (All): a key without `:` or with an empty prefix or name.
/// MISSING_TAG_KEY_IN_CONDITION (All): `aws:ResourceTag`, `aws:RequestTag`,
/// `aws:PrincipalTag` or a service's `ResourceTag` without a tag name.
/// UNSUPPORTED_GLOBAL_CONDITION_KEY (All): `aws:ARN`.
fn key_shape(key: &KeyValues<'_>, out: &mut Findings<'_>) {
    let name = key.name();
    let span = key.member.key_span;
    if name.is_empty() || name.contains("${") {
        return; // the grammar reports these
    }
    match name.split_once(':') {
        Some((prefix, rest)) if !prefix.is_empty() && !rest.is_empty() => {
            let base = rest.strip_suffix('/').unwrap_or(rest);
            let tag = base.eq_ignore_ascii_case("ResourceTag")
                || (prefix.eq_ignore_ascii_case("aws")
                    && (base.eq_ignore_ascii_case("RequestTag")
                        || base.eq_ignore_ascii_case("PrincipalTag")));
            if tag {
                out.push(
                    IssueCode::MissingTagKeyInCondition,
                    &[span],
                    format!(
                        "`{}` names no tag: write `{prefix}:{base}/TAG-NAME`",
                        clip(name)
                    ),
                );
            }
            if name.eq_ignore_ascii_case("aws:ARN") {
                out.push(
                    IssueCode::UnsupportedGlobalConditionKey,
                    &[span],
                    "`aws:ARN` is not supported: use `aws:PrincipalArn` or `aws:SourceArn`"
                        .to_owned(),
                );
            }
        }
        _ => out.push(
            IssueCode::InvalidConditionKeyFormat,
            &[span],
            format!(
                "invalid condition key `{}`: a key is `prefix:name`, such as `aws:SourceIp`",
                clip(name)
            ),
        ),
    }
}

/// The checks of one key's values under one operator.
fn values(doc: &Document<'_>, op: Operator, key: &KeyValues<'_>, out: &mut Findings<'_>) {
    let name = key.name();
    let fam = family(op.base);
    let substitutes = doc.substitutes();
    let array = key.member.value.span;

    // EMPTY_ARRAY_CONDITION[_FORALLVALUES|_FORANYVALUE|_IFEXISTS] (All).
    if matches!(&key.member.value.value, Json::Array(items) if items.is_empty()) {
        let (code, meaning) = match (op.qualifier, op.if_exists) {
            (Some(SetQualifier::ForAllValues), _) => (
                IssueCode::EmptyArrayConditionForallvalues,
                "matches only when the key is absent",
            ),
            (Some(SetQualifier::ForAnyValue), _) => {
                (IssueCode::EmptyArrayConditionForanyvalue, "never matches")
            }
            (None, true) => (
                IssueCode::EmptyArrayConditionIfexists,
                "matches only when the key is absent",
            ),
            (None, false) => (IssueCode::EmptyArrayCondition, "has no effect"),
        };
        out.push(
            code,
            &[array],
            format!("`{}` has no values: the condition {meaning}", clip(name)),
        );
    }

    // INVALID_CONDITION_DATA_TYPE (All, ‡): values of different JSON types.
    if let Some(first) = key.values.first() {
        if let Some(other) = key.values.iter().find(|v| v.ty != first.ty) {
            out.push(
                IssueCode::InvalidConditionDataType,
                &[array, other.node.span],
                format!(
                    "the values of `{}` mix JSON types: write them all as strings",
                    clip(name)
                ),
            );
        }
    }

    // INVALID_CONDITION_MULTIPLE_BOOLEAN (All): two or more `Bool` values.
    if fam == Family::Bool && key.values.len() >= 2 {
        out.push(
            IssueCode::InvalidConditionMultipleBoolean,
            &[array],
            format!("`{}` lists several Boolean values: give one", clip(name)),
        );
    }

    match fam {
        Family::Ip => ip_values(op, key, out),
        Family::Numeric => redundant_numbers(op, key, out),
        Family::String => string_values(doc, op, key, out),
        _ => {}
    }

    // Service principals in condition values (‡ which keys).
    let labels = if [
        "aws:PrincipalServiceName",
        "aws:PrincipalServiceNamesList",
        "iam:PassedToService",
    ]
    .iter()
    .any(|k| k.eq_ignore_ascii_case(name))
    {
        Some(1)
    } else if name.eq_ignore_ascii_case("kms:ViaService") {
        Some(2)
    } else {
        None
    };
    if let (Some(labels), Family::String) = (labels, fam) {
        for v in &key.values {
            if has_wildcard(v.text, substitutes) || (substitutes && v.text.contains("${")) {
                continue;
            }
            if !is_service_principal(v.text, labels) {
                let form = if labels == 2 {
                    "`<service>.<region>.amazonaws.com`"
                } else {
                    "`<service>.amazonaws.com`"
                };
                out.push(
                    IssueCode::InvalidServicePrincipalFormat,
                    &[v.node.span],
                    format!(
                        "invalid service principal `{}` for `{}`: write {form}",
                        clip(v.text),
                        clip(name)
                    ),
                );
            }
        }
    }
}

/// IMPROVE_IP_RANGE (All): a CIDR with bits set after the prefix. PRIVATE_IP_ADDRESS /
/// PRIVATE_NOT_IP_ADDRESS (All): `IpAddress` / `NotIpAddress` on `aws:SourceIp` with only
/// private values (`aws:SourceIp` is never private: the condition never, or always, matches);
/// the `_SUBSET` suggestions when private and public values mix.
fn ip_values(op: Operator, key: &KeyValues<'_>, out: &mut Findings<'_>) {
    let mut private = 0;
    let mut public = 0;
    for v in &key.values {
        let Some(range) = parse_ip_range(v.text) else {
            continue;
        };
        if range.has_host_bits() {
            out.push(
                IssueCode::ImproveIpRange,
                &[v.node.span],
                format!(
                    "`{}` has bits set after the prefix: write `{}/{}`",
                    clip(v.text),
                    range.network(),
                    range.len
                ),
            );
        }
        if is_private(range.network(), range.len) {
            private += 1;
        } else {
            public += 1;
        }
    }
    if !key.name().eq_ignore_ascii_case("aws:SourceIp") || private == 0 {
        return;
    }
    let not = op.base == B::NotIpAddress;
    let span = key.member.key_span;
    if public == 0 {
        let (code, effect) = if not {
            (IssueCode::PrivateNotIpAddress, "always matches")
        } else {
            (IssueCode::PrivateIpAddress, "never matches")
        };
        out.push(
            code,
            &[span],
            format!(
                "`aws:SourceIp` is never a private address, so this `{}` condition {effect}: use `aws:VpcSourceIp` for private addresses",
                op.base.name()
            ),
        );
    } else {
        let code = if not {
            IssueCode::PrivateNotIpAddressSubset
        } else {
            IssueCode::PrivateIpAddressSubset
        };
        out.push(
            code,
            &[span],
            "`aws:SourceIp` is never a private address: its private values have no effect (use `aws:VpcSourceIp` for those)".to_owned(),
        );
    }
}

/// Whether the network `net/len` lies within 10/8, 172.16/12, 192.168/16 or fc00::/7.
fn is_private(net: IpAddr, len: u8) -> bool {
    match net {
        IpAddr::V4(a) => {
            let o = a.octets();
            (o[0] == 10 && len >= 8)
                || (o[0] == 172 && (16..32).contains(&o[1]) && len >= 12)
                || (o[0] == 192 && o[1] == 168 && len >= 16)
        }
        IpAddr::V6(a) => (a.segments()[0] & 0xfe00) == 0xfc00 && len >= 7,
    }
}

/// REDUNDANT_CONDITION_VALUE_NUM (All): `NumericLessThan[Equals]` or
/// `NumericGreaterThan[Equals]` with several values (only the largest or smallest counts).
fn redundant_numbers(op: Operator, key: &KeyValues<'_>, out: &mut Findings<'_>) {
    let bound = matches!(
        op.base,
        B::NumericLessThan
            | B::NumericLessThanEquals
            | B::NumericGreaterThan
            | B::NumericGreaterThanEquals
    );
    if bound && key.values.len() >= 2 {
        let which = if matches!(op.base, B::NumericLessThan | B::NumericLessThanEquals) {
            "largest"
        } else {
            "smallest"
        };
        out.push(
            IssueCode::RedundantConditionValueNum,
            &[key.member.value.span],
            format!(
                "`{}` lists several bounds for `{}`: only the {which} matters",
                op.base.name(),
                clip(key.name())
            ),
        );
    }
}

/// The String-family value checks: WILDCARD_WITHOUT_LIKE_OPERATOR, INVALID_VPC_FORMAT,
/// INVALID_VPCE_FORMAT, and the ‡ readings EQUIVALENT_TO_NULL_FALSE/TRUE,
/// REDUNDANT_KEY_DUE_TO_WILDCARD_IN_CONDITION and
/// REDUNDANT_STATEMENT_DUE_TO_WILDCARD_IN_CONDITION.
fn string_values(doc: &Document<'_>, op: Operator, key: &KeyValues<'_>, out: &mut Findings<'_>) {
    let substitutes = doc.substitutes();
    let name = key.name();
    let like = matches!(op.base, B::StringLike | B::StringNotLike);
    if !like {
        for v in key
            .values
            .iter()
            .filter(|v| has_wildcard(v.text, substitutes))
        {
            out.push(
                IssueCode::WildcardWithoutLikeOperator,
                &[v.node.span],
                format!(
                    "`{}` compares `*` and `?` literally: use `StringLike` to match `{}` as a pattern",
                    op.base.name(),
                    clip(v.text)
                ),
            );
        }
    }
    for (key_name, prefix, code) in [
        ("aws:SourceVpc", "vpc-", IssueCode::InvalidVpcFormat),
        ("aws:SourceVpce", "vpce-", IssueCode::InvalidVpceFormat),
    ] {
        if !name.eq_ignore_ascii_case(key_name) {
            continue;
        }
        for v in &key.values {
            if has_wildcard(v.text, substitutes) || (substitutes && v.text.contains("${")) {
                continue;
            }
            let id = v.text.strip_prefix(prefix).unwrap_or("");
            let ok = matches!(id.len(), 8 | 17) && id.bytes().all(|b| b.is_ascii_alphanumeric());
            if !ok {
                out.push(
                    code,
                    &[v.node.span],
                    format!(
                        "`{}` is no {} id: write `{prefix}` and 8 or 17 letters and digits",
                        clip(v.text),
                        if prefix == "vpc-" {
                            "VPC"
                        } else {
                            "VPC endpoint"
                        }
                    ),
                );
            }
        }
    }
    let only_star = key.values.len() == 1 && key.values.iter().all(|v| v.text == "*");
    let any_star = key.values.iter().any(|v| v.text == "*");
    let span = key.member.key_span;
    let (code, details) = match (op.qualifier, op.base, op.if_exists) {
        (None, B::StringLike, false) if only_star => (
            IssueCode::EquivalentToNullFalse,
            format!("`StringLike` `*` only tests that `{}` is present: write `\"Null\": {{\"{}\": \"false\"}}`", clip(name), clip(name)),
        ),
        (None, B::StringNotLike, false) if only_star => (
            IssueCode::EquivalentToNullTrue,
            format!("`StringNotLike` `*` only tests that `{}` is absent: write `\"Null\": {{\"{}\": \"true\"}}`", clip(name), clip(name)),
        ),
        (None, B::StringLike, true) | (Some(SetQualifier::ForAllValues), B::StringLike, _)
            if any_star =>
        {
            (
                IssueCode::RedundantKeyDueToWildcardInCondition,
                format!("the value `*` makes the condition on `{}` always true: remove it", clip(name)),
            )
        }
        (Some(SetQualifier::ForAnyValue), B::StringNotLike, _) if any_star => (
            IssueCode::RedundantStatementDueToWildcardInCondition,
            format!("the value `*` makes the condition on `{}` never true, so the statement never applies", clip(name)),
        ),
        _ => return,
    };
    out.push(code, &[span], details);
}

/// Keys a statement must not use alone: DYNAMODB_ATTRIBUTES_WITHOUT_SELECT (I R),
/// UNTRUSTWORTHY_CONDITION_KEY (I R, ‡ `aws:UserAgent` and `aws:Referer`),
/// MISSING_PAIRED_CONDITION_KEYS (All, ‡ `aws:VpcSourceIp` needs `aws:SourceVpc`),
/// S3_PREFIX_IN_NEGATIVE_CONTEXT (I R), and the RCP rules RCP_MISSING_RELATED_PRINCIPAL_CONDITION_KEY,
/// RCP_MISSING_RELATED_SERVICE_PRINCIPAL_CONDITION_KEY and
/// RCP_MISSING_SERVICE_CONDITION_KEY_NULL_CHECK (C). Each at the key.
fn statement_keys(doc: &Document<'_>, st: &Statement<'_>, out: &mut Findings<'_>) {
    let kind = doc.kind();
    let ir = is_identity(kind) || is_resource(kind);
    let allow = st.is_allow();
    let select = st.keys().any(|(c, k)| {
        c.operator.is_some_and(|o| o.base == B::StringEquals)
            && k.name().eq_ignore_ascii_case("dynamodb:Select")
            && k.values.iter().any(|v| v.text == "SPECIFIC_ATTRIBUTES")
    });
    let is_aws_service = st.has_key("aws:PrincipalIsAWSService");
    let null_check = st.keys().any(|(c, k)| {
        c.operator.is_some_and(|o| o.base == B::Null)
            && (k.name().eq_ignore_ascii_case("aws:SourceAccount")
                || k.name().eq_ignore_ascii_case("aws:SourceArn"))
            && k.values
                .iter()
                .any(|v| v.text.eq_ignore_ascii_case("false"))
    });
    for (clause, key) in st.keys() {
        let name = key.name();
        let span = key.member.key_span;
        let is = |k: &str| name.eq_ignore_ascii_case(k);
        if ir && allow && is("dynamodb:Attributes") && !select {
            out.push(
                IssueCode::DynamodbAttributesWithoutSelect,
                &[span],
                "`dynamodb:Attributes` limits the attributes asked for, not those returned: add `\"StringEquals\": {\"dynamodb:Select\": \"SPECIFIC_ATTRIBUTES\"}`".to_owned(),
            );
        }
        if ir && allow && (is("aws:UserAgent") || is("aws:Referer")) {
            out.push(
                IssueCode::UntrustworthyConditionKey,
                &[span],
                format!(
                    "the caller sets `{}` freely: it cannot restrict who is allowed",
                    clip(name)
                ),
            );
        }
        if is("aws:VpcSourceIp") && !st.has_key("aws:SourceVpc") {
            out.push(
                IssueCode::MissingPairedConditionKeys,
                &[span],
                "`aws:VpcSourceIp` matches the address in any VPC: pair it with `aws:SourceVpc`"
                    .to_owned(),
            );
        }
        if ir && is("s3:prefix") {
            if let Some(op) = clause.operator.filter(|o| family(o.base) == Family::String) {
                let negated = op.base.is_negated();
                if (st.is_deny() && !negated) || (allow && negated) {
                    out.push(
                        IssueCode::S3PrefixInNegativeContext,
                        &[span],
                        format!(
                            "`{}` on `s3:prefix` in {} statement: a shorter prefix escapes it; write the `Deny` with `StringNotLike`",
                            op.base.name(),
                            if allow { "an `Allow`" } else { "a `Deny`" }
                        ),
                    );
                }
            }
        }
        if kind == PolicyType::Rcp {
            let principal_key = name
                .get(..13)
                .is_some_and(|p| p.eq_ignore_ascii_case("aws:Principal"))
                && !(is("aws:PrincipalIsAWSService")
                    || is("aws:PrincipalServiceName")
                    || is("aws:PrincipalServiceNamesList"));
            if principal_key && !is_aws_service {
                out.push(
                    IssueCode::RcpMissingRelatedPrincipalConditionKey,
                    &[span],
                    format!(
                        "`{}` is absent for AWS service principals: add `\"BoolIfExists\": {{\"aws:PrincipalIsAWSService\": \"false\"}}`",
                        clip(name)
                    ),
                );
            }
            if is_source_key(name) {
                if !is_aws_service {
                    out.push(
                        IssueCode::RcpMissingRelatedServicePrincipalConditionKey,
                        &[span],
                        format!(
                            "`{}` is set only for AWS service principals: add `\"Bool\": {{\"aws:PrincipalIsAWSService\": \"true\"}}`",
                            clip(name)
                        ),
                    );
                }
                if !null_check {
                    out.push(
                        IssueCode::RcpMissingServiceConditionKeyNullCheck,
                        &[span],
                        format!(
                            "`{}` may be absent: add `\"Null\": {{\"aws:SourceAccount\": \"false\"}}`",
                            clip(name)
                        ),
                    );
                }
            }
        }
    }
}
