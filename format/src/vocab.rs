//! The vocabulary every layer shares: the type of a policy and the effect of a statement.

/// Which type of policy a statement belongs to (spec 7.2), in the order a decision lists them.
///
/// The order of the variants is the listing order: explicit denies are reported by the first
/// type in this order, and a decision's statements are sorted by it.
///
/// ```
/// use iamc_format::PolicyType;
///
/// assert_eq!(PolicyType::from_name("scp"), Some(PolicyType::Scp));
/// assert!(PolicyType::Scp.is_org());
/// assert!(PolicyType::Identity < PolicyType::Endpoint);
/// ```
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, bincode::Encode, bincode::Decode,
)]
pub enum PolicyType {
    /// Identity-based policies of the principal.
    Identity,
    /// Resource-based policies of the resource (bucket, queue, key policy, ...).
    Resource,
    /// The trust policy of the role being assumed: a resource policy whose grant is needed even
    /// in the same account (spec 7.3, rule 3).
    Trust,
    /// The principal's permissions boundary: a ceiling.
    Boundary,
    /// The session policy: a ceiling.
    Session,
    /// Service control policies, one level of the organization each: ceilings.
    Scp,
    /// Resource control policies, one level of the organization each: ceilings.
    Rcp,
    /// VPC endpoint policies: a ceiling on requests through the endpoint.
    Endpoint,
}

impl PolicyType {
    /// Every type, in listing order.
    pub const ALL: [PolicyType; 8] = [
        PolicyType::Identity,
        PolicyType::Resource,
        PolicyType::Trust,
        PolicyType::Boundary,
        PolicyType::Session,
        PolicyType::Scp,
        PolicyType::Rcp,
        PolicyType::Endpoint,
    ];

    /// The name in decision JSON and on the command line: `identity`, `resource`, `trust`,
    /// `boundary`, `session`, `scp`, `rcp`, `endpoint`.
    ///
    /// ```
    /// assert_eq!(iamc_format::PolicyType::Boundary.as_str(), "boundary");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            PolicyType::Identity => "identity",
            PolicyType::Resource => "resource",
            PolicyType::Trust => "trust",
            PolicyType::Boundary => "boundary",
            PolicyType::Session => "session",
            PolicyType::Scp => "scp",
            PolicyType::Rcp => "rcp",
            PolicyType::Endpoint => "endpoint",
        }
    }

    /// The inverse of [`PolicyType::as_str`]; `None` for any other text.
    ///
    /// ```
    /// use iamc_format::PolicyType;
    ///
    /// assert_eq!(PolicyType::from_name("trust"), Some(PolicyType::Trust));
    /// assert_eq!(PolicyType::from_name("Trust"), None);
    /// ```
    pub fn from_name(name: &str) -> Option<PolicyType> {
        PolicyType::ALL.into_iter().find(|t| t.as_str() == name)
    }

    /// What a sentence calls these policies: `the identity-based policies`, `the permissions
    /// boundary`, ...
    ///
    /// ```
    /// assert_eq!(iamc_format::PolicyType::Session.describe(), "the session policy");
    /// ```
    pub fn describe(self) -> &'static str {
        match self {
            PolicyType::Identity => "the identity-based policies",
            PolicyType::Resource => "the resource-based policy",
            PolicyType::Trust => "the role trust policy",
            PolicyType::Boundary => "the permissions boundary",
            PolicyType::Session => "the session policy",
            PolicyType::Scp => "the service control policies",
            PolicyType::Rcp => "the resource control policies",
            PolicyType::Endpoint => "the VPC endpoint policy",
        }
    }

    /// Whether the type comes in organization levels (SCP, RCP).
    ///
    /// ```
    /// use iamc_format::PolicyType;
    ///
    /// assert!(PolicyType::Rcp.is_org());
    /// assert!(!PolicyType::Boundary.is_org());
    /// ```
    pub fn is_org(self) -> bool {
        matches!(self, PolicyType::Scp | PolicyType::Rcp)
    }
}

/// A statement's effect. `Allow` sorts before `Deny`.
///
/// ```
/// use iamc_format::Effect;
///
/// assert_eq!(Effect::Deny.as_str(), "Deny");
/// assert!(Effect::Allow < Effect::Deny);
/// ```
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, bincode::Encode, bincode::Decode,
)]
pub enum Effect {
    /// `"Effect": "Allow"`.
    Allow,
    /// `"Effect": "Deny"`.
    Deny,
}

impl Effect {
    /// `Allow` or `Deny`, as a policy spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Effect::Allow => "Allow",
            Effect::Deny => "Deny",
        }
    }
}
