//! How the verdicts of the policy types combine into one decision (spec 7.3-7.6), once the
//! candidate statements said which groups allow and by which grant class.

use iamc_format::program::{Program, MAX_ORG_LEVELS};

use super::{Inconsistent, Res};
use crate::principal::{Caller, CallerKind, ACCOUNT, DIRECT, INDIRECT};
use crate::{Decision, PolicyType, Reason};
use iamc_format::arn;

/// Most groups a program may have (one per type, plus the organization levels).
pub(super) const MAX_GROUPS: usize = 8 + 2 * MAX_ORG_LEVELS as usize;

/// The verdicts of the groups, from the grant classes of their applicable Allows.
pub(super) fn verdicts(p: &Program, allow: &[u8; MAX_GROUPS]) -> Res<Verdicts> {
    let mut v = Verdicts::default();
    for (i, g) in p.groups.iter().enumerate() {
        let a = *allow.get(i).ok_or(Inconsistent)?;
        let bit = 1u64.checked_shl(g.level).ok_or(Inconsistent)?;
        match g.policy_type {
            PolicyType::Identity => v.identity_allow |= a != 0,
            PolicyType::Resource | PolicyType::Trust => {
                v.resource |= a;
                v.has_trust |= g.policy_type == PolicyType::Trust;
            }
            PolicyType::Boundary => v.boundary = Some(a != 0),
            PolicyType::Session => v.session = Some(a != 0),
            PolicyType::Endpoint => v.endpoint = Some(a != 0),
            PolicyType::Scp => {
                v.scp_levels += 1;
                if a != 0 {
                    v.scp_allow |= bit;
                }
            }
            // Every RCP level holds RCPFullAWSAccess, which cannot be detached (spec 7.3 step
            // 2, A21): RCPs act through their Deny statements alone.
            PolicyType::Rcp => {}
        }
    }
    Ok(v)
}

/// What each policy type said about a request, gathered by an engine.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Verdicts {
    /// Grant classes of applicable resource-policy Allows (`Resource` and `Trust` together).
    pub resource: u8,
    /// Whether some resource policy of type `Trust` is in the set.
    pub has_trust: bool,
    pub identity_allow: bool,
    pub boundary: Option<bool>,
    pub session: Option<bool>,
    pub endpoint: Option<bool>,
    /// SCP levels with an applicable Allow (bit = level), and how many levels there are.
    pub scp_allow: u64,
    pub scp_levels: u32,
}

/// The decision of spec 7.3 once no explicit deny applies, and its reason.
pub(super) fn combine(
    v: &Verdicts,
    c: &Caller<'_>,
    (action, resource): (&str, &str),
    same_account: bool,
) -> (Decision, Reason) {
    let deny = |r| (Decision::ImplicitDeny, r);
    let full = |allowed: u64, levels: u32| -> Option<u32> {
        (0..levels).find(|&l| l >= 64 || allowed & (1u64 << l) == 0)
    };
    if c.scps_apply() {
        if let Some(l) = full(v.scp_allow, v.scp_levels) {
            return deny(Reason::NoAllowAtLevel(PolicyType::Scp, l));
        }
    }
    if v.endpoint == Some(false) {
        return deny(Reason::NoAllow(PolicyType::Endpoint));
    }
    let pb_ok = v.boundary != Some(false);
    let sp_ok = match v.session {
        Some(allowed) => allowed,
        None => c.kind != CallerKind::Federated,
    };
    // The resource side is named "the role trust policy" for an `sts:` action when the set has
    // one (trust policies hold only `sts:` actions), else "the resource-based policy".
    let sts = action
        .split_once(':')
        .is_some_and(|(s, _)| s.eq_ignore_ascii_case("sts"));
    let rtype = if v.has_trust && sts {
        PolicyType::Trust
    } else {
        PolicyType::Resource
    };
    // Root has no identity policies and is not constrained by them (spec 7.3, rule 2).
    let identity = v.identity_allow || c.kind == CallerKind::Root;
    let identity_path = identity && pb_ok && sp_ok;
    let ceiling_reason = || {
        if !pb_ok {
            Reason::NoAllow(PolicyType::Boundary)
        } else if v.session.is_some() {
            Reason::NoAllow(PolicyType::Session)
        } else {
            Reason::FederatedWithoutSessionPolicy
        }
    };
    // Trust policies and KMS key policies must grant even in the same account (rule 3).
    let needs_resource = grant_required(action, resource);
    if same_account && !needs_resource {
        if v.resource & DIRECT != 0 {
            return (Decision::Allow, Reason::AllowedBy(rtype));
        }
        if identity_path {
            return (Decision::Allow, Reason::AllowedBy(PolicyType::Identity));
        }
        if v.resource & INDIRECT != 0 && pb_ok && sp_ok {
            return (Decision::Allow, Reason::AllowedBy(rtype));
        }
        if identity || v.resource & INDIRECT != 0 {
            return deny(ceiling_reason());
        }
        return deny(Reason::NoGrant);
    }
    if same_account {
        if v.resource & DIRECT != 0 {
            return (Decision::Allow, Reason::AllowedBy(rtype));
        }
        if v.resource & INDIRECT != 0 && pb_ok && sp_ok {
            return (Decision::Allow, Reason::AllowedBy(rtype));
        }
        if v.resource & ACCOUNT != 0 && identity_path {
            return (Decision::Allow, Reason::AllowedByBoth(rtype));
        }
        if v.resource == 0 {
            return deny(Reason::NoAllow(rtype));
        }
        if v.resource & ACCOUNT != 0 && !identity {
            return deny(Reason::NoAllow(PolicyType::Identity));
        }
        return deny(ceiling_reason());
    }
    // Cross-account: both sides (spec 7.5). Anonymous and service callers have no identity
    // side: the resource policy's grant is all there is.
    if matches!(c.kind, CallerKind::Anonymous | CallerKind::Service) {
        return if v.resource != 0 {
            (Decision::Allow, Reason::AllowedBy(rtype))
        } else {
            deny(Reason::NoAllow(rtype))
        };
    }
    if v.resource == 0 {
        return deny(Reason::NoAllow(rtype));
    }
    if !identity {
        return deny(Reason::NoAllow(PolicyType::Identity));
    }
    if !identity_path {
        return deny(ceiling_reason());
    }
    (Decision::Allow, Reason::AllowedByBoth(rtype))
}

/// Requests whose resource policy must grant even in the same account (spec 7.3 rule 3): a
/// role's trust policy (`sts:AssumeRole`, `sts:AssumeRoleWithSAML`,
/// `sts:AssumeRoleWithWebIdentity`: the resource policy of a role is its trust policy) and a KMS
/// key's key policy (a `kms:` action on `arn:…:kms:…:key/…`). Every role has a trust policy and
/// every key a key policy: when the set holds none, nothing grants. Names are compared ASCII
/// case-insensitively.
pub(super) fn grant_required(action: &str, resource: &str) -> bool {
    let Some((service, name)) = action.split_once(':') else {
        return false;
    };
    if service.eq_ignore_ascii_case("sts") {
        return name
            .get(..10)
            .is_some_and(|p| p.eq_ignore_ascii_case("AssumeRole"));
    }
    service.eq_ignore_ascii_case("kms")
        && arn::parse(resource).is_some_and(|f| f[2] == "kms" && f[5].starts_with("key/"))
}
