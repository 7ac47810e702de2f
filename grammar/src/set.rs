//! [`PolicySet`]: the policies that decide requests together, by type (spec 7.2).

use crate::ast::{Policy, PolicyType};

/// The policies of every type that bear on a request: the principal's identity-based policies,
/// boundary and session policy, the resource's resource-based policies (`resource`) or the
/// trust policy of the role it assumes (`trust`), the SCPs and RCPs of each organization level
/// (root first), and VPC endpoint policies.
///
/// A type with no policy is absent (no ceiling), except organization levels: a level is present
/// once listed, and a listed level with no policy has no `Allow` (spec 7.3).
pub type PolicySet = Slots<Policy>;

/// Something per slot of a typed set: policies ([`PolicySet`]), or file paths and texts to
/// make them from; one list per policy type, one list per organization level. `iamc compile`'s flags fill one with paths, and so does a build
/// script (`iamc_compiler::SetFiles`); [`PolicySet::from_slots`] turns it into policies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slots<T> {
    pub identity: Vec<T>,
    pub resource: Vec<T>,
    pub trust: Vec<T>,
    pub boundary: Vec<T>,
    pub session: Vec<T>,
    /// One entry per organization level, root first.
    pub scp: Vec<Vec<T>>,
    pub rcp: Vec<Vec<T>>,
    pub endpoint: Vec<T>,
}

impl<T> Default for Slots<T> {
    fn default() -> Slots<T> {
        Slots {
            identity: Vec::new(),
            resource: Vec::new(),
            trust: Vec::new(),
            boundary: Vec::new(),
            session: Vec::new(),
            scp: Vec::new(),
            rcp: Vec::new(),
            endpoint: Vec::new(),
        }
    }
}

impl<T> Slots<T> {
    /// No item and no organization level.
    pub fn is_empty(&self) -> bool {
        self.identity.is_empty()
            && self.resource.is_empty()
            && self.trust.is_empty()
            && self.boundary.is_empty()
            && self.session.is_empty()
            && self.scp.is_empty()
            && self.rcp.is_empty()
            && self.endpoint.is_empty()
    }

    /// Every item with the kind of its slot, in group order (levels root first).
    pub fn iter(&self) -> impl Iterator<Item = (PolicyType, &T)> {
        self.iter_levels().map(|(kind, _, t)| (kind, t))
    }

    /// Every item with the kind of its slot and its organization level (0 outside SCPs and
    /// RCPs), in group order (levels root first).
    pub fn iter_levels(&self) -> impl Iterator<Item = (PolicyType, usize, &T)> {
        flat(PolicyType::Identity, &self.identity)
            .chain(flat(PolicyType::Resource, &self.resource))
            .chain(flat(PolicyType::Trust, &self.trust))
            .chain(flat(PolicyType::Boundary, &self.boundary))
            .chain(flat(PolicyType::Session, &self.session))
            .chain(levels(PolicyType::Scp, &self.scp))
            .chain(levels(PolicyType::Rcp, &self.rcp))
            .chain(flat(PolicyType::Endpoint, &self.endpoint))
    }
}

/// The items of a slot with its kind, at level 0.
fn flat<T>(kind: PolicyType, list: &[T]) -> impl Iterator<Item = (PolicyType, usize, &T)> {
    list.iter().map(move |t| (kind, 0, t))
}

/// The items of an organization type's levels with their kind and level.
fn levels<T>(kind: PolicyType, levels: &[Vec<T>]) -> impl Iterator<Item = (PolicyType, usize, &T)> {
    levels
        .iter()
        .enumerate()
        .flat_map(move |(n, level)| level.iter().map(move |t| (kind, n, t)))
}

/// One group of a [`PolicySet`]: the policies of one kind, or of one organization level.
#[derive(Debug, Clone, Copy)]
pub struct Group<'a> {
    pub kind: PolicyType,
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
    /// with several levels is built with [`PolicySet::push`] or field by field).
    pub fn from_policies(policies: Vec<Policy>) -> PolicySet {
        let mut set = PolicySet::default();
        for p in policies {
            set.push(p, 0);
        }
        set
    }

    /// Adds `policy` to the slot of its kind; an SCP or RCP to organization `level` (missing
    /// levels up to it are added, empty). `level` is ignored for the other kinds.
    pub fn push(&mut self, policy: Policy, level: usize) {
        let org = |levels: &mut Vec<Vec<Policy>>, p: Policy| {
            if levels.len() <= level {
                levels.resize_with(level + 1, Vec::new);
            }
            if let Some(l) = levels.get_mut(level) {
                l.push(p);
            }
        };
        match policy.kind {
            PolicyType::Identity => self.identity.push(policy),
            PolicyType::Resource => self.resource.push(policy),
            PolicyType::Trust => self.trust.push(policy),
            PolicyType::Boundary => self.boundary.push(policy),
            PolicyType::Session => self.session.push(policy),
            PolicyType::Scp => org(&mut self.scp, policy),
            PolicyType::Rcp => org(&mut self.rcp, policy),
            PolicyType::Endpoint => self.endpoint.push(policy),
        }
    }

    /// The set of the items of `slots`, each turned into a policy by `load` (given the kind
    /// of its slot); an item `load` returns `None` for is left out (the caller keeps its own
    /// record of why: a rendered diagnostic, an I/O error). Organization levels keep their
    /// number even when a level ends up empty.
    pub fn from_slots<T>(
        slots: &Slots<T>,
        mut load: impl FnMut(&T, PolicyType) -> Option<Policy>,
    ) -> PolicySet {
        let mut list = |items: &[T], kind| items.iter().filter_map(|t| load(t, kind)).collect();
        PolicySet {
            identity: list(&slots.identity, PolicyType::Identity),
            resource: list(&slots.resource, PolicyType::Resource),
            trust: list(&slots.trust, PolicyType::Trust),
            boundary: list(&slots.boundary, PolicyType::Boundary),
            session: list(&slots.session, PolicyType::Session),
            scp: slots.scp.iter().map(|l| list(l, PolicyType::Scp)).collect(),
            rcp: slots.rcp.iter().map(|l| list(l, PolicyType::Rcp)).collect(),
            endpoint: list(&slots.endpoint, PolicyType::Endpoint),
        }
    }

    /// Checks that every policy sits in the slot of its kind and that there are at most
    /// [`MAX_ORG_LEVELS`] levels of each organization type.
    ///
    /// # Errors
    /// The first policy out of place, by name.
    pub fn check(&self) -> Result<(), SetError> {
        let slot = |ps: &[Policy], kind: PolicyType, what: &str| match ps
            .iter()
            .find(|p| p.kind != kind)
        {
            Some(p) => Err(SetError {
                message: format!("`{}` is a {:?} policy, given as {what}", p.name, p.kind),
            }),
            None => Ok(()),
        };
        for (ps, kind, what) in [
            (&self.identity, PolicyType::Identity, "an identity policy"),
            (&self.resource, PolicyType::Resource, "a resource policy"),
            (&self.trust, PolicyType::Trust, "a trust policy"),
            (
                &self.boundary,
                PolicyType::Boundary,
                "a permissions boundary",
            ),
            (&self.session, PolicyType::Session, "a session policy"),
            (&self.endpoint, PolicyType::Endpoint, "an endpoint policy"),
        ] {
            slot(ps, kind, what)?;
        }
        for (levels, kind, what) in [
            (&self.scp, PolicyType::Scp, "an SCP"),
            (&self.rcp, PolicyType::Rcp, "an RCP"),
        ] {
            if levels.len() > MAX_ORG_LEVELS {
                return Err(SetError {
                    message: format!("more than {MAX_ORG_LEVELS} levels of {what}s"),
                });
            }
            for level in levels {
                slot(level, kind, what)?;
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
            kind: PolicyType::Identity,
            level: 0,
            policies: &self.identity,
        }];
        for (kind, ps) in [
            (PolicyType::Resource, &self.resource),
            (PolicyType::Trust, &self.trust),
            (PolicyType::Boundary, &self.boundary),
            (PolicyType::Session, &self.session),
        ] {
            if !ps.is_empty() {
                out.push(Group {
                    kind,
                    level: 0,
                    policies: ps,
                });
            }
        }
        for (kind, levels) in [(PolicyType::Scp, &self.scp), (PolicyType::Rcp, &self.rcp)] {
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
                kind: PolicyType::Endpoint,
                level: 0,
                policies: &self.endpoint,
            });
        }
        out
    }

    /// Every policy, in group order.
    pub fn policies(&self) -> impl Iterator<Item = &Policy> {
        self.iter().map(|(_, p)| p)
    }
}

#[cfg(test)]
mod tests {

    use super::*;
    use crate::SourceFile;

    fn policy(name: &str, kind: PolicyType) -> Policy {
        let text = if matches!(kind, PolicyType::Rcp) {
            r#"{"Statement":{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*"}}"#
        } else {
            r#"{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}"#
        };
        let mut p = crate::parse_policy(&SourceFile::new(name, text), kind)
            .unwrap()
            .policy;
        p.name = name.into();
        p
    }

    #[test]
    fn push_fills_missing_levels_and_from_slots_keeps_them() {
        let mut set = PolicySet::default();
        set.push(policy("scp.json", PolicyType::Scp), 2);
        set.push(policy("b.json", PolicyType::Boundary), 7);
        assert_eq!(set.scp.len(), 3);
        assert!(set.scp[0].is_empty() && set.scp[1].is_empty());
        assert_eq!(set.scp[2][0].name, "scp.json");
        assert_eq!(set.boundary.len(), 1);
        assert!(set.check().is_ok());

        let slots = Slots {
            identity: vec!["id"],
            rcp: vec![vec![], vec!["rcp", "bad"]],
            ..Slots::default()
        };
        let seen: Vec<(PolicyType, &str)> = slots.iter().map(|(k, t)| (k, *t)).collect();
        assert_eq!(
            seen,
            [
                (PolicyType::Identity, "id"),
                (PolicyType::Rcp, "rcp"),
                (PolicyType::Rcp, "bad")
            ]
        );
        let set = PolicySet::from_slots(&slots, |name, kind| {
            (*name != "bad").then(|| policy(name, kind))
        });
        assert_eq!(set.identity.len(), 1);
        assert_eq!(set.rcp.len(), 2, "an emptied level keeps its number");
        assert!(set.rcp[0].is_empty());
        assert_eq!(set.rcp[1].len(), 1);
        assert!(Slots::<&str>::default().is_empty() && !slots.is_empty());
    }
}
