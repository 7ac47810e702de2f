//! The iam-simulate identity-only conformance cases (`../shared/conformance`), run against every
//! engine of [`crate::support::engines`].
//!
//! The reference agrees with every case except those listed in [`DIVERGENT`] (each under a
//! divergence of spec section 10 or a DESIGN.md choice, with the reason) and the policies our
//! validator rejects ([`REJECTED`]). The test asserts the exact sets: a new divergence fails, and
//! so does one that stops diverging.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::collections::{BTreeMap, BTreeSet};

use serde_json::value::RawValue;

use crate::core_engine::{
    AWS_MANAGED_ALIAS, AWS_MANAGED_POLICY, AWS_RESERVED_ROLE, GET_CALLER_IDENTITY,
    PRINCIPAL_IN_IDENTITY, REQUEST_STAR,
};
use crate::support::{engines, parse_identity, shared_dir};

/// Cases where iamc follows the spec or DESIGN.md rather than iam-simulate: id → reason.
const DIVERGENT: &[(&str, &str)] = &[
    ("iam/managedPolicies/aws/denied.json::deny iam:CreatePolicy for AWS managed policies", AWS_MANAGED_POLICY),
    ("iam/managedPolicies/aws/denied.json::deny iam:CreatePolicyVersion for AWS managed policies", AWS_MANAGED_POLICY),
    ("iam/managedPolicies/aws/denied.json::deny iam:DeletePolicy for AWS managed policies", AWS_MANAGED_POLICY),
    ("iam/managedPolicies/aws/denied.json::deny iam:DeletePolicyVersion for AWS managed policies", AWS_MANAGED_POLICY),
    ("iam/managedPolicies/aws/denied.json::deny iam:SetDefaultPolicyVersion for AWS managed policies", AWS_MANAGED_POLICY),
    ("iam/managedPolicies/aws/denied.json::deny iam:TagPolicy for AWS managed policies", AWS_MANAGED_POLICY),
    ("iam/managedPolicies/aws/denied.json::deny iam:UntagPolicy for AWS managed policies", AWS_MANAGED_POLICY),
    ("iam/roles/reserved/denied.json::deny iam:AttachRolePolicy for AWS managed roles", AWS_RESERVED_ROLE),
    ("iam/roles/reserved/denied.json::deny iam:CreateRole for AWS managed roles", AWS_RESERVED_ROLE),
    ("iam/roles/reserved/denied.json::deny iam:CreateServiceLinkedRole for AWS managed roles", AWS_RESERVED_ROLE),
    ("iam/roles/reserved/denied.json::deny iam:DeleteRole for AWS managed roles", AWS_RESERVED_ROLE),
    ("iam/roles/reserved/denied.json::deny iam:DeleteRolePermissionsBoundary for AWS managed roles", AWS_RESERVED_ROLE),
    ("iam/roles/reserved/denied.json::deny iam:DeleteRolePolicy for AWS managed roles", AWS_RESERVED_ROLE),
    ("iam/roles/reserved/denied.json::deny iam:DeleteServiceLinkedRole for AWS managed roles", AWS_RESERVED_ROLE),
    ("iam/roles/reserved/denied.json::deny iam:DetachRolePolicy for AWS managed roles", AWS_RESERVED_ROLE),
    ("iam/roles/reserved/denied.json::deny iam:PassRole for AWS managed roles", AWS_RESERVED_ROLE),
    ("iam/roles/reserved/denied.json::deny iam:PutRolePermissionsBoundary for AWS managed roles", AWS_RESERVED_ROLE),
    ("iam/roles/reserved/denied.json::deny iam:PutRolePolicy for AWS managed roles", AWS_RESERVED_ROLE),
    ("iam/roles/reserved/denied.json::deny iam:TagRole for AWS managed roles", AWS_RESERVED_ROLE),
    ("iam/roles/reserved/denied.json::deny iam:UntagRole for AWS managed roles", AWS_RESERVED_ROLE),
    ("iam/roles/reserved/denied.json::deny iam:UpdateAssumeRolePolicy for AWS managed roles", AWS_RESERVED_ROLE),
    ("iam/roles/reserved/denied.json::deny iam:UpdateRole for AWS managed roles", AWS_RESERVED_ROLE),
    ("iam/roles/reserved/denied.json::deny iam:UpdateRoleDescription for AWS managed roles", AWS_RESERVED_ROLE),
    ("kms/aliases.json::Implicitly denied for AWS-managed alias create action", AWS_MANAGED_ALIAS),
    ("kms/aliases.json::Implicitly denied for AWS-managed alias delete action", AWS_MANAGED_ALIAS),
    ("kms/aliases.json::Implicitly denied for AWS-managed alias update action", AWS_MANAGED_ALIAS),
    ("resourceWildcards/requestWildcards.json::Allow/Resource: specific resource matches request wildcard '*'", REQUEST_STAR),
    ("resourceWildcards/requestWildcards.json::Allow/Resource: wildcard resource matches request wildcard '*'", REQUEST_STAR),
    ("resourceWildcards/requestWildcards.json::Cross-service policies with request wildcard '*'", REQUEST_STAR),
    ("resourceWildcards/requestWildcards.json::EC2 specific resource matches request wildcard '*'", REQUEST_STAR),
    ("resourceWildcards/requestWildcards.json::Multiple resources with one matching request wildcard '*'", REQUEST_STAR),
    ("sts/getCallerIdentity/getCallerIdentity.json::sts:GetCallerIdentity should be allowed even if explicitly denied", GET_CALLER_IDENTITY),
    ("sts/getCallerIdentity/getCallerIdentity.json::sts:GetCallerIdentity should be implicitly allowed", GET_CALLER_IDENTITY),
];

/// Cases with a policy our validator rejects: id → reason.
const REJECTED: &[(&str, &str)] = &[
    (
        "blog.json::explicit deny without context key",
        PRINCIPAL_IN_IDENTITY,
    ),
    (
        "blog.json::explicit deny with sensitive value in context key",
        PRINCIPAL_IN_IDENTITY,
    ),
    (
        "blog.json::Allowed when context key present",
        PRINCIPAL_IN_IDENTITY,
    ),
];

struct Case {
    id: String,
    policies: Vec<String>,
    request: String,
    expect: String,
}

fn load_cases() -> Option<Vec<Case>> {
    let path = shared_dir()?.join("conformance/iam-simulate/identity-only.jsonl");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let cases = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let fields: BTreeMap<String, Box<RawValue>> = serde_json::from_str(line).unwrap();
            let policies: Vec<Box<RawValue>> =
                serde_json::from_str(fields["policies"].get()).unwrap();
            Case {
                id: serde_json::from_str(fields["id"].get()).unwrap(),
                policies: policies.iter().map(|p| p.get().to_owned()).collect(),
                request: fields["request"].get().to_owned(),
                expect: serde_json::from_str(fields["expect"].get()).unwrap(),
            }
        })
        .collect();
    Some(cases)
}

#[test]
fn identity_only_cases_agree_except_the_listed_divergences() {
    let Some(cases) = load_cases() else { return };
    assert_eq!(cases.len(), 174, "the conformance file changed");
    for engine in engines() {
        let mut rejected = BTreeSet::new();
        let mut divergent = BTreeMap::new();
        let mut agreed = 0usize;
        for case in &cases {
            let names: Vec<String> = (0..case.policies.len())
                .map(|i| format!("policy{i}.json"))
                .collect();
            if let Some(err) = names
                .iter()
                .zip(&case.policies)
                .find_map(|(n, p)| parse_identity(n, p).err())
            {
                rejected.insert(case.id.clone());
                eprintln!("rejected {}: {err}", case.id);
                continue;
            }
            let req = iamc::io::request_from_json(&case.request)
                .unwrap_or_else(|e| panic!("{}: bad request: {e}", case.id));
            let refs: Vec<(&str, &str)> = names
                .iter()
                .map(String::as_str)
                .zip(case.policies.iter().map(String::as_str))
                .collect();
            let got = engine.explain(&refs, &req).decision.as_str();
            if got == case.expect {
                agreed += 1;
            } else {
                divergent.insert(
                    case.id.clone(),
                    format!("got {got}, iam-simulate {}", case.expect),
                );
            }
        }
        eprintln!(
            "engine {}: {agreed} agree, {} diverge, {} rejected",
            engine.name(),
            divergent.len(),
            rejected.len()
        );
        let want_rejected: BTreeSet<String> =
            REJECTED.iter().map(|(id, _)| (*id).to_owned()).collect();
        let want_divergent: BTreeSet<String> =
            DIVERGENT.iter().map(|(id, _)| (*id).to_owned()).collect();
        let got_divergent: BTreeSet<String> = divergent.keys().cloned().collect();
        let unexpected: Vec<String> = got_divergent
            .difference(&want_divergent)
            .map(|id| format!("{id}: {}", divergent[id]))
            .collect();
        let fixed: Vec<&String> = want_divergent.difference(&got_divergent).collect();
        assert!(
            unexpected.is_empty() && fixed.is_empty(),
            "engine {}: new divergences:\n{}\nlisted divergences that now agree: {fixed:?}",
            engine.name(),
            unexpected.join("\n")
        );
        assert_eq!(
            rejected,
            want_rejected,
            "engine {}: rejected policies",
            engine.name()
        );
    }
}
