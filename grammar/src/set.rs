//! [`PolicySet`]: the policies that decide requests together, by type (spec 7.2).

use crate::ast::{Policy, PolicyKind};

/// The policies of every type that bear on a request: the principal's identity-based policies,
/// boundary and session policy, the resource's resource-based (or trust) policies, the SCPs and
/// RCPs of each organization level, and VPC endpoint policies.
///
/// A type with no policy is absent (no ceiling), except organization levels: a level is present
/// once listed, and a listed level with no policy has no `Allow` (spec 7.3).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PolicySet {
    pub identity: Vec<Policy>,
    /// Resource-based policies of the resource (kind `Resource`).
    pub resource: Vec<Policy>,
    /// The trust policy of the role a request assumes (kind `Trust`): a resource policy whose
    /// grant is needed even in the same account.
    pub trust: Vec<Policy>,
    pub boundary: Vec<Policy>,
    pub session: Vec<Policy>,
    /// Service control policies, one entry per level of the organization, root first.
    pub scp: Vec<Vec<Policy>>,
    /// Resource control policies, one entry per level, root first.
    pub rcp: Vec<Vec<Policy>>,
    pub endpoint: Vec<Policy>,
}

/// One group of a [`PolicySet`]: the policies of one kind, or of one organization level.
#[derive(Debug, Clone, Copy)]
pub struct Group<'a> {
    pub kind: PolicyKind,
    /// The organization level of an SCP or RCP group (0 = root), else 0.
    pub level: u32,
    pub policies: &'a [Policy],
}

/// Why a [`PolicySet`] is malformed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetError {
    message: String,
}

impl SetError {
    /// What is wrong, naming the policy.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl std::fmt::Display for SetError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for SetError {}

/// The most organization levels a set may list per type (SCP, RCP).
pub const MAX_ORG_LEVELS: usize = 64;

impl PolicySet {
    /// Identity-based policies only.
    pub fn identity(policies: Vec<Policy>) -> PolicySet {
        PolicySet {
            identity: policies,
            ..PolicySet::default()
        }
    }

    /// Sorts `policies` into their slots by kind. SCPs go into one level, as do RCPs (a set
    /// with several levels is built field by field).
    pub fn from_policies(policies: Vec<Policy>) -> PolicySet {
        let mut set = PolicySet::default();
        for p in policies {
            match p.kind {
                PolicyKind::Identity => set.identity.push(p),
                PolicyKind::Resource => set.resource.push(p),
                PolicyKind::Trust => set.trust.push(p),
                PolicyKind::Boundary => set.boundary.push(p),
                PolicyKind::Session => set.session.push(p),
                PolicyKind::Scp => match set.scp.first_mut() {
                    Some(level) => level.push(p),
                    None => set.scp.push(vec![p]),
                },
                PolicyKind::Rcp => match set.rcp.first_mut() {
                    Some(level) => level.push(p),
                    None => set.rcp.push(vec![p]),
                },
                PolicyKind::Endpoint => set.endpoint.push(p),
            }
        }
        set
    }

    /// Checks that every policy sits in the slot of its kind and that there are at most
    /// [`MAX_ORG_LEVELS`] levels of each organization type.
    ///
    /// # Errors
    /// The first policy out of place, by name.
    pub fn check(&self) -> Result<(), SetError> {
        let slot = |ps: &[Policy], ok: &dyn Fn(PolicyKind) -> bool, what: &str| match ps
            .iter()
            .find(|p| !ok(p.kind))
        {
            Some(p) => Err(SetError {
                message: format!("`{}` is a {:?} policy, given as {what}", p.name, p.kind),
            }),
            None => Ok(()),
        };
        slot(
            &self.identity,
            &|k| k == PolicyKind::Identity,
            "an identity policy",
        )?;
        slot(
            &self.resource,
            &|k| k == PolicyKind::Resource,
            "a resource policy",
        )?;
        slot(&self.trust, &|k| k == PolicyKind::Trust, "a trust policy")?;
        slot(
            &self.boundary,
            &|k| k == PolicyKind::Boundary,
            "a permissions boundary",
        )?;
        slot(
            &self.session,
            &|k| k == PolicyKind::Session,
            "a session policy",
        )?;
        slot(
            &self.endpoint,
            &|k| k == PolicyKind::Endpoint,
            "an endpoint policy",
        )?;
        for (levels, kind, what) in [
            (&self.scp, PolicyKind::Scp, "an SCP"),
            (&self.rcp, PolicyKind::Rcp, "an RCP"),
        ] {
            if levels.len() > MAX_ORG_LEVELS {
                return Err(SetError {
                    message: format!("more than {MAX_ORG_LEVELS} levels of {what}s"),
                });
            }
            for level in levels {
                slot(level, &|k| k == kind, what)?;
            }
        }
        Ok(())
    }

    /// The groups, in evaluation and listing order: identity, resource, trust, boundary,
    /// session, SCP levels, RCP levels, endpoint. The identity group is always there;
    /// resource, trust, boundary, session and endpoint groups only when they hold a policy;
    /// every organization level as listed.
    pub fn groups(&self) -> Vec<Group<'_>> {
        let mut out = vec![Group {
            kind: PolicyKind::Identity,
            level: 0,
            policies: &self.identity,
        }];
        for (kind, ps) in [
            (PolicyKind::Resource, &self.resource),
            (PolicyKind::Trust, &self.trust),
            (PolicyKind::Boundary, &self.boundary),
            (PolicyKind::Session, &self.session),
        ] {
            if !ps.is_empty() {
                out.push(Group {
                    kind,
                    level: 0,
                    policies: ps,
                });
            }
        }
        for (kind, levels) in [(PolicyKind::Scp, &self.scp), (PolicyKind::Rcp, &self.rcp)] {
            for (level, ps) in levels.iter().enumerate() {
                out.push(Group {
                    kind,
                    level: u32::try_from(level).unwrap_or(u32::MAX),
                    policies: ps,
                });
            }
        }
        if !self.endpoint.is_empty() {
            out.push(Group {
                kind: PolicyKind::Endpoint,
                level: 0,
                policies: &self.endpoint,
            });
        }
        out
    }

    /// Every policy, in group order.
    pub fn policies(&self) -> impl Iterator<Item = &Policy> {
        self.identity
            .iter()
            .chain(&self.resource)
            .chain(&self.trust)
            .chain(&self.boundary)
            .chain(&self.session)
            .chain(self.scp.iter().flatten())
            .chain(self.rcp.iter().flatten())
            .chain(&self.endpoint)
    }
}
