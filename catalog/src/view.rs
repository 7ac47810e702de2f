//! Services, actions, resource types, ARN formats and partitions: cheap handles (a catalog
//! reference and an index) with accessors.

use std::fmt;

use crate::catalog::{
    find_ci, ActionRec, ActionResourceRec, ActionTables, Catalog, FormatRec, ServiceRec, TypeRec,
};
use crate::keys::ConditionKey;
use crate::vocab::AccessLevel;

macro_rules! handle {
    ($name:ident, $doc:literal) => {
        #[doc = $doc]
        #[derive(Clone, Copy)]
        pub struct $name<'c> {
            pub(crate) cat: &'c Catalog,
            pub(crate) id: u32,
        }

        impl PartialEq for $name<'_> {
            fn eq(&self, other: &Self) -> bool {
                std::ptr::eq(self.cat, other.cat) && self.id == other.id
            }
        }

        impl Eq for $name<'_> {}
    };
}

handle!(
    Service,
    "A service: its prefix (`ecs`), actions and resource types."
);
handle!(
    ResourceType,
    "A resource type of a service (`task`), with its ARN formats and condition keys."
);
handle!(ArnFormat, "One ARN format of a resource type (`arn:${Partition}:ecs:${Region}:${Account}:task/${ClusterName}/${TaskId}`).");

/// An action as AWS spells it (`StopTask`), with its access level, resource types and
/// condition keys.
#[derive(Clone, Copy)]
pub struct Action<'c> {
    pub(crate) cat: &'c Catalog,
    /// The service, and the action's index in the service's block.
    pub(crate) service: u32,
    pub(crate) id: u32,
}

impl PartialEq for Action<'_> {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self.cat, other.cat) && self.service == other.service && self.id == other.id
    }
}

impl Eq for Action<'_> {}

fn ids(range: std::ops::Range<usize>) -> impl Iterator<Item = u32> {
    range.filter_map(|i| u32::try_from(i).ok())
}

impl Catalog {
    /// Every service, sorted by prefix.
    pub fn services(&self) -> impl Iterator<Item = Service<'_>> {
        ids(0..self.services.len()).map(|id| Service { cat: self, id })
    }

    /// The service with this prefix, ignoring case (IAM compares prefixes so).
    pub fn service(&self, prefix: &str) -> Option<Service<'_>> {
        let i = find_ci(&self.services, 0..self.services.len(), prefix, |s| s.prefix)?;
        Some(Service {
            cat: self,
            id: u32::try_from(i).ok()?,
        })
    }

    /// The known prefix nearest to `prefix`, for a `did you mean` (edit distance at most 2).
    pub fn suggest_service(&self, prefix: &str) -> Option<Service<'_>> {
        let candidates: Vec<&str> = self.services.iter().map(|s| s.prefix).collect();
        self.service(iamc_grammar::diag::suggest(prefix, &candidates)?)
    }

    /// The action `service:Name`, ignoring case on both sides; `None` for an unknown service or
    /// action, or a text without `:`.
    pub fn action(&self, action: &str) -> Option<Action<'_>> {
        let (service, name) = action.split_once(':')?;
        self.service(service)?.action(name)
    }

    /// Every action of every service (this reads every service's actions).
    pub fn actions(&self) -> impl Iterator<Item = Action<'_>> {
        self.services().flat_map(|s| s.actions())
    }

    /// Whether resource control policies support the service (`rcpSupportedServices`).
    pub fn supports_rcp(&self, prefix: &str) -> bool {
        find_ci(&self.rcp, 0..self.rcp.len(), prefix, |s| s).is_some()
    }

    /// The services resource control policies support, sorted.
    pub fn rcp_services(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.rcp.iter().copied()
    }

    /// Every partition (`aws`, `aws-cn`, `aws-us-gov`, `aws-iso`, ...), sorted by id.
    pub fn partitions(&self) -> impl Iterator<Item = Partition<'_>> {
        self.partitions.iter().map(|p| Partition {
            id: p.id,
            regions: &p.regions,
        })
    }

    /// The partition with this id (exact: ARNs are case-sensitive).
    pub fn partition(&self, id: &str) -> Option<Partition<'_>> {
        self.partitions().find(|p| p.id == id)
    }

    /// The partition a region belongs to (exact name), `None` for an unknown region.
    pub fn region_partition(&self, region: &str) -> Option<Partition<'_>> {
        self.partitions().find(|p| p.regions.contains(&region))
    }
}

impl<'c> Service<'c> {
    #[expect(
        clippy::indexing_slicing,
        reason = "INVARIANT (handle-ids): handles are only made from indexes of their table"
    )]
    fn rec(&self) -> &'c ServiceRec {
        &self.cat.services[self.id as usize]
    }

    /// The prefix as the catalog spells it (lowercase: `ecs`).
    pub fn prefix(&self) -> &'static str {
        self.rec().prefix
    }

    /// The service's name (`Amazon Elastic Container Service`).
    pub fn name(&self) -> &'static str {
        self.rec().name
    }

    fn tables(&self) -> &'c ActionTables {
        self.cat.action_tables(self.rec())
    }

    /// Every action, sorted by name ignoring case.
    pub fn actions(&self) -> impl Iterator<Item = Action<'c>> {
        let (cat, service) = (self.cat, self.id);
        ids(0..self.tables().actions.len()).map(move |id| Action { cat, service, id })
    }

    /// The action with this name (without the prefix), ignoring case.
    pub fn action(&self, name: &str) -> Option<Action<'c>> {
        let actions = &self.tables().actions;
        let i = find_ci(actions, 0..actions.len(), name, |a| a.name)?;
        Some(Action {
            cat: self.cat,
            service: self.id,
            id: u32::try_from(i).ok()?,
        })
    }

    /// The action of this service nearest to `name`, for a `did you mean` (edit distance at
    /// most 2, ignoring case).
    pub fn suggest_action(&self, name: &str) -> Option<Action<'c>> {
        let candidates: Vec<&str> = self.actions().map(|a| a.name()).collect();
        self.action(iamc_grammar::diag::suggest(name, &candidates)?)
    }

    /// Every resource type the service defines, sorted by name ignoring case.
    pub fn resource_types(&self) -> impl Iterator<Item = ResourceType<'c>> {
        let cat = self.cat;
        ids(self.rec().types.range()).map(move |id| ResourceType { cat, id })
    }

    /// The resource type with this name, ignoring case.
    pub fn resource_type(&self, name: &str) -> Option<ResourceType<'c>> {
        let i = find_ci(&self.cat.types, self.rec().types.range(), name, |t| t.name)?;
        Some(ResourceType {
            cat: self.cat,
            id: u32::try_from(i).ok()?,
        })
    }

    /// Whether resource control policies support this service.
    pub fn supports_rcp(&self) -> bool {
        self.cat.supports_rcp(self.prefix())
    }
}

impl fmt::Debug for Service<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Service({})", self.prefix())
    }
}

/// One resource type of an action: whether it is required, and the condition keys the action
/// lists for it.
#[derive(Clone, Copy)]
pub struct ActionResource<'c> {
    action: Action<'c>,
    /// Into the service block's `resources`.
    id: u32,
}

impl<'c> ActionResource<'c> {
    #[expect(
        clippy::indexing_slicing,
        reason = "INVARIANT (handle-ids): handles are only made from indexes of their table"
    )]
    fn rec(&self) -> &'c ActionResourceRec {
        &self.action.tables().resources[self.id as usize]
    }

    pub fn resource_type(&self) -> ResourceType<'c> {
        ResourceType {
            cat: self.action.cat,
            id: self.rec().ty,
        }
    }

    /// Whether the service authorization reference marks it required (`task*`).
    pub fn required(&self) -> bool {
        self.rec().required
    }

    /// The keys the action's row lists for this resource type (often none: see
    /// [`Action::condition_keys`] for the keys usable with the action).
    pub fn condition_keys(&self) -> impl Iterator<Item = ConditionKey<'c>> {
        self.action
            .cat
            .key_list(&self.action.tables().key_refs, self.rec().keys)
    }
}

impl fmt::Debug for ActionResource<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let star = if self.required() { "*" } else { "" };
        write!(f, "{}{star}", self.resource_type().name())
    }
}

impl<'c> Action<'c> {
    #[expect(
        clippy::indexing_slicing,
        reason = "INVARIANT (handle-ids): handles are only made from indexes of their table"
    )]
    fn rec(&self) -> &'c ActionRec {
        &self.tables().actions[self.id as usize]
    }

    #[expect(
        clippy::indexing_slicing,
        reason = "INVARIANT (handle-ids): handles are only made from indexes of their table"
    )]
    fn tables(&self) -> &'c ActionTables {
        self.cat
            .action_tables(&self.cat.services[self.service as usize])
    }

    /// The name as AWS spells it (`StopTask`), without the prefix.
    pub fn name(&self) -> &'static str {
        self.rec().name
    }

    pub fn service(&self) -> Service<'c> {
        Service {
            cat: self.cat,
            id: self.service,
        }
    }

    pub fn access_level(&self) -> AccessLevel {
        self.rec().level
    }

    /// The resource types it takes, in the data's order (none for actions that only take
    /// `*`, such as `ecs:ListClusters`).
    pub fn resource_types(&self) -> impl Iterator<Item = ActionResource<'c>> {
        let action = *self;
        ids(self.rec().resources.range()).map(move |id| ActionResource { action, id })
    }

    /// The condition keys of the action's own row (not those of its resource types).
    pub fn own_condition_keys(&self) -> impl Iterator<Item = ConditionKey<'c>> {
        self.cat.key_list(&self.tables().key_refs, self.rec().keys)
    }

    /// The condition keys usable with the action (findings.md §3 rule 2): its own, those its
    /// row lists per resource type, and those of each of its resource types
    /// (`ecs:ResourceTag/${TagKey}` reaches `ecs:StopTask` only through `task`). Each once,
    /// sorted by name ignoring case. Global keys are not listed unless the data lists them.
    pub fn condition_keys(&self) -> Vec<ConditionKey<'c>> {
        let cat = self.cat;
        let tables = self.tables();
        let mut ids: Vec<u16> = Vec::new();
        let mut add = |refs: &[u16], span: crate::catalog::Span32| {
            ids.extend(refs.get(span.range()).unwrap_or(&[]));
        };
        add(&tables.key_refs, self.rec().keys);
        for r in self.rec().resources.range() {
            if let Some(rec) = tables.resources.get(r) {
                add(&tables.key_refs, rec.keys);
                if let Some(t) = cat.types.get(rec.ty as usize) {
                    add(&cat.key_refs, t.keys);
                }
            }
        }
        ids.sort_unstable();
        ids.dedup();
        ids.into_iter()
            .filter_map(|i| cat.keys.get(usize::from(i)))
            .map(|k| ConditionKey::new(k, false))
            .collect()
    }

    /// Whether `key` (ignoring case; instances of templates count) is usable with the action
    /// by [`Action::condition_keys`].
    pub fn supports_condition_key(&self, key: &str) -> bool {
        self.condition_keys().iter().any(|k| k.matches(key))
    }
}

impl fmt::Display for Action<'_> {
    /// `ecs:StopTask`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.service().prefix(), self.name())
    }
}

impl fmt::Debug for Action<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Action({self})")
    }
}

impl<'c> ResourceType<'c> {
    #[expect(
        clippy::indexing_slicing,
        reason = "INVARIANT (handle-ids): handles are only made from indexes of their table"
    )]
    pub(crate) fn rec(&self) -> &'c TypeRec {
        &self.cat.types[self.id as usize]
    }

    /// The name as the data spells it (`task-definition`).
    pub fn name(&self) -> &'static str {
        self.rec().name
    }

    /// The service whose page defines it (not always the ARN's service: `sts` defines `role`
    /// with `arn:...:iam::...`).
    pub fn service(&self) -> Service<'c> {
        Service {
            cat: self.cat,
            id: self.rec().service,
        }
    }

    /// Its ARN formats (usually one; API Gateway, Greengrass and Lex types have two).
    pub fn formats(&self) -> impl Iterator<Item = ArnFormat<'c>> {
        let cat = self.cat;
        ids(self.rec().formats.range()).map(move |id| ArnFormat { cat, id })
    }

    /// The condition keys of the resource type.
    pub fn condition_keys(&self) -> impl Iterator<Item = ConditionKey<'c>> {
        self.cat.key_list(&self.cat.key_refs, self.rec().keys)
    }
}

impl fmt::Display for ResourceType<'_> {
    /// `ecs/task`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.service().prefix(), self.name())
    }
}

impl fmt::Debug for ResourceType<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ResourceType({self})")
    }
}

impl<'c> ArnFormat<'c> {
    #[expect(
        clippy::indexing_slicing,
        reason = "INVARIANT (handle-ids): handles are only made from indexes of their table"
    )]
    fn rec(&self) -> &'c FormatRec {
        &self.cat.formats[self.id as usize]
    }

    /// The format as the data writes it.
    pub fn text(&self) -> &'static str {
        self.rec().text
    }

    pub fn resource_type(&self) -> ResourceType<'c> {
        ResourceType {
            cat: self.cat,
            id: self.rec().ty,
        }
    }

    /// Field `i` (0 = `arn`, 1 partition, 2 service, 3 region, 4 account, 5 the resource: the
    /// rest of the text, colons included).
    fn field(&self, i: usize) -> &'static str {
        self.text().splitn(6, ':').nth(i).unwrap_or("")
    }

    /// The ARN's service field (`iam` for `sts`'s `role`; `${Vendor}` for `backup`'s
    /// recovery points, which name any service).
    pub fn service_field(&self) -> &'static str {
        self.field(2)
    }

    /// The region field: `${Region}`, empty (global resources), `*`, or a literal.
    pub fn region_field(&self) -> &'static str {
        self.field(3)
    }

    /// The account field: `${Account}`, empty, `aws` (AWS-owned), `*`, ...
    pub fn account_field(&self) -> &'static str {
        self.field(4)
    }

    /// Whether the service field is a placeholder (Backup's `${Vendor}` recovery points,
    /// which may name any service).
    pub fn has_service_placeholder(&self) -> bool {
        self.service_field().contains("${")
    }

    /// Everything after the fifth colon.
    pub fn resource_field(&self) -> &'static str {
        self.field(5)
    }
}

impl fmt::Debug for ArnFormat<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ArnFormat({})", self.text())
    }
}

/// A partition and its regions (from botocore's `partitions.json`, without the
/// `<partition>-global` endpoint pseudo-regions).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Partition<'c> {
    id: &'static str,
    regions: &'c [&'static str],
}

impl<'c> Partition<'c> {
    pub fn id(&self) -> &'static str {
        self.id
    }

    /// Its regions, sorted.
    pub fn regions(&self) -> &'c [&'static str] {
        self.regions
    }
}

impl Catalog {
    /// The keys of `refs[span]`.
    pub(crate) fn key_list<'c>(
        &'c self,
        refs: &'c [u16],
        span: crate::catalog::Span32,
    ) -> impl Iterator<Item = ConditionKey<'c>> {
        refs.get(span.range())
            .unwrap_or(&[])
            .iter()
            .filter_map(|&i| self.keys.get(usize::from(i)))
            .map(|k| ConditionKey::new(k, false))
    }
}
