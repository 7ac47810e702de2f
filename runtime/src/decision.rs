//! What a decision says: the [`Decision`], and in an [`Explanation`] the statements that
//! applied and the [`Reason`].

use crate::{Effect, PolicyType};

/// The answer: explicit deny beats allow beats implicit deny.
///
/// ```
/// use iamc_runtime::Decision;
///
/// assert!(Decision::Allow.is_allowed());
/// assert!(!Decision::ImplicitDeny.is_allowed());
/// assert_eq!(Decision::ExplicitDeny.as_str(), "ExplicitDeny");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Decision {
    /// Some applicable statement allows the request, no applicable statement denies it, and
    /// every policy type that must allow does.
    Allow,
    /// An applicable statement denies the request.
    ExplicitDeny,
    /// Nothing denies the request, and not everything that must allow it does.
    ImplicitDeny,
}

impl Decision {
    /// The decision's name as IAM writes it: `Allow`, `ExplicitDeny` or `ImplicitDeny` (what
    /// the `iamc` command line prints).
    ///
    /// ```
    /// use iamc_runtime::{Artifact, Request};
    ///
    /// let artifact = Artifact::from_bytes(include_bytes!("../../tests/data/artifacts/v5/ecs.iamc"))?;
    /// let req = Request::new("ecs:DeleteCluster", "arn:aws:ecs:us-east-1:111122223333:cluster/dev");
    /// assert_eq!(artifact.authorize(&req).as_str(), "ImplicitDeny");
    /// # Ok::<(), iamc_runtime::LoadError>(())
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Allow => "Allow",
            Decision::ExplicitDeny => "ExplicitDeny",
            Decision::ImplicitDeny => "ImplicitDeny",
        }
    }

    /// Whether the decision is `Allow`: both kinds of deny refuse the request.
    ///
    /// ```
    /// use iamc_runtime::{Artifact, Request};
    ///
    /// let artifact = Artifact::from_bytes(include_bytes!("../../tests/data/artifacts/v5/ecs.iamc"))?;
    /// let task = "arn:aws:ecs:us-east-1:111122223333:task/dev/0a1b2c";
    /// assert!(!artifact.authorize(&Request::new("ecs:StopTask", task)).is_allowed(), "no MFA");
    /// assert!(artifact.authorize(&Request::new("ecs:ListClusters", "*")).is_allowed());
    /// # Ok::<(), iamc_runtime::LoadError>(())
    /// ```
    pub fn is_allowed(self) -> bool {
        self == Decision::Allow
    }
}

/// Why a decision came out as it did: the policy type that decided it (spec 7.3).
///
/// Both engines derive it by the same steps, in this order: explicit denies (types in
/// [`PolicyType::ALL`] order); the RCP levels, root first; the SCP levels, root first; the
/// endpoint policy; then the grant.
///
/// ```
/// use iamc_runtime::{Artifact, PolicyType, Reason, Request};
///
/// let artifact = Artifact::from_bytes(include_bytes!("../../tests/data/artifacts/v5/ecs.iamc"))?;
/// // `deny-without-mfa.json` denies `ecs:StopTask` when MFA is absent.
/// let task = "arn:aws:ecs:us-east-1:111122223333:task/dev/0a1b2c";
/// let e = artifact.explain(&Request::new("ecs:StopTask", task));
/// assert_eq!(e.reason, Reason::ExplicitDeny(PolicyType::Identity));
/// // Nothing grants `ecs:DeleteCluster`.
/// let e = artifact.explain(&Request::new("ecs:DeleteCluster", "*"));
/// assert_eq!(e.reason, Reason::NoGrant);
/// # Ok::<(), iamc_runtime::LoadError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Reason {
    /// An applicable `Deny` in a policy of this type.
    ExplicitDeny(PolicyType),
    /// An organization level (0 = root) with no applicable `Allow`.
    NoAllowAtLevel(PolicyType, u32),
    /// A ceiling (boundary, session or endpoint policy), or the side of a cross-account or
    /// trust decision, with no applicable `Allow`.
    NoAllow(PolicyType),
    /// No identity-based or resource-based policy grants the request.
    NoGrant,
    /// A session of a federated user (`GetFederationToken`) without a session policy has no
    /// identity-derived permissions (spec 7.6.3).
    FederatedWithoutSessionPolicy,
    /// Granted by a policy of this type (identity path or resource grant).
    AllowedBy(PolicyType),
    /// Cross-account, or a trust/key policy: granted by both the identity-based policies and
    /// the resource-based policy of this type.
    AllowedByBoth(PolicyType),
    /// The artifact was inconsistent (an index the load-time checks should have excluded), or
    /// the reference interpreter was given policies in the slots of other types: denied.
    Inconsistent,
}

impl Reason {
    /// A sentence for people: `implicitly denied: the permissions boundary has no matching Allow`.
    ///
    /// ```
    /// use iamc_runtime::{PolicyType, Reason};
    ///
    /// assert_eq!(
    ///     Reason::NoAllow(PolicyType::Boundary).message(),
    ///     "implicitly denied: the permissions boundary has no matching Allow"
    /// );
    /// ```
    pub fn message(self) -> String {
        match self {
            Reason::ExplicitDeny(t) => format!("explicitly denied by {}", t.describe()),
            Reason::NoAllowAtLevel(t, l) => format!(
                "implicitly denied: {} at level {l} (0 is the root) have no matching Allow",
                t.describe()
            ),
            Reason::NoAllow(t) => format!(
                "implicitly denied: {} {} no matching Allow",
                t.describe(),
                if matches!(t, PolicyType::Identity | PolicyType::Scp | PolicyType::Rcp) {
                    "have"
                } else {
                    "has"
                }
            ),
            Reason::NoGrant => {
                "implicitly denied: no identity-based or resource-based policy allows the request"
                    .to_owned()
            }
            Reason::FederatedWithoutSessionPolicy => "implicitly denied: a federated user session \
                 without a session policy has only what resource-based policies grant it"
                .to_owned(),
            Reason::AllowedBy(t) => format!("allowed by {}", t.describe()),
            Reason::AllowedByBoth(t) => {
                format!(
                    "allowed by the identity-based policies and {}",
                    t.describe()
                )
            }
            Reason::Inconsistent => {
                "implicitly denied: the policy set is inconsistent (denied rather than guessed)"
                    .to_owned()
            }
        }
    }
}

/// A statement that matched a request (principal, action, resource and conditions all
/// satisfied).
///
/// ```
/// use iamc_runtime::{Artifact, Effect, Request};
///
/// let artifact = Artifact::from_bytes(include_bytes!("../../tests/data/artifacts/v5/ecs.iamc"))?;
/// let e = artifact.explain(&Request::new("ecs:ListClusters", "*"));
/// let m = &e.statements[0];
/// assert_eq!((m.policy.as_str(), m.index, m.sid.as_deref()), ("ecs-dev.json", 2, Some("List")));
/// assert_eq!(m.effect, Effect::Allow);
/// # Ok::<(), iamc_runtime::LoadError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MatchedStatement {
    /// The policy's type; statements are listed by type first.
    pub policy_type: PolicyType,
    /// The organization level for SCPs and RCPs (0 = root), else 0.
    pub level: u32,
    /// The policy's name as given (the file name for the CLI).
    pub policy: String,
    /// The statement's index in its `Statement` array (0 for a single object).
    pub index: u32,
    /// The statement's `Sid`, if it has one.
    pub sid: Option<String>,
    /// The statement's effect.
    pub effect: Effect,
}

/// A decision with every statement that matched, by type then in policy order, and why
/// ([`Artifact::explain`](crate::Artifact::explain)).
///
/// ```
/// use iamc_runtime::{Artifact, Decision, Reason, Request, Scalar, Value};
///
/// let artifact = Artifact::from_bytes(include_bytes!("../../tests/data/artifacts/v5/ecs.iamc"))?;
/// let task = "arn:aws:ecs:us-east-1:111122223333:task/dev/0a1b2c";
/// let req = Request::new("ecs:StopTask", task)
///     .with_context("aws:MultiFactorAuthPresent", Value::Single(Scalar::Bool(false)));
/// let e = artifact.explain(&req);
/// assert_eq!(e.decision, Decision::ExplicitDeny);
/// // The Allow of `ecs-dev.json` applies too, but the Deny without MFA decides.
/// let sids: Vec<_> = e.statements.iter().filter_map(|m| m.sid.as_deref()).collect();
/// assert!(sids.contains(&"StopOwnClusterTasks") && sids.contains(&"DenyStopWithoutMfa"));
/// assert!(matches!(e.reason, Reason::ExplicitDeny(_)));
/// # Ok::<(), iamc_runtime::LoadError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Explanation {
    /// The decision, as [`Artifact::authorize`](crate::Artifact::authorize) gives it.
    pub decision: Decision,
    /// Every statement whose principal, action, resource and conditions matched the request,
    /// by policy type (listing order), then in the order the policies were given, then by
    /// index.
    pub statements: Vec<MatchedStatement>,
    /// Which policy type decided.
    pub reason: Reason,
}
