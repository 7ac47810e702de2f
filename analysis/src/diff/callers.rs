//! Caller classes: the callers principal entries cannot tell apart, and whether the resource is
//! in the caller's account.
//!
//! What decides a statement's principal block for a caller (DESIGN.md "Whole decision") is the
//! caller's kind, whether its text equals an entry (a service name ignoring ASCII case), its
//! account, partition and, for a session, its role's name. So a caller's class is that tuple,
//! with an identity, account, partition or role no entry names standing for every such one;
//! the combination adds whether the resource is in the caller's account. Both are computed
//! here the way the engines read a principal (`iamc_format::arn::parse`, 12-digit accounts).

use std::collections::{BTreeSet, HashMap};

use iamc_compiler::ir::interp::{Caller, CallerKind as Kind};
use iamc_compiler::ir::{PrincipalBlock, PrincipalKind};
use iamc_runtime::Request;

use super::{Budget, Limits};

/// A value some entry names, or one none does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Named {
    Is(u32),
    Fresh,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct CallerKey {
    pub kind: Kind,
    /// Entries (AWS, Federated, CanonicalUser) whose value is the caller's text.
    exact: Vec<u32>,
    /// Service entries equal to the caller's text ignoring ASCII case (service callers).
    service: Vec<u32>,
    account: Option<Named>,
    partition: Option<Named>,
    role: Option<Named>,
}

/// Whether the resource is in the caller's account (for callers with one).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Relation {
    /// The caller has no account: the engines never compare.
    Any,
    Same,
    Cross,
}

/// One caller class with a representative.
#[derive(Debug, Clone)]
pub(crate) struct Cell {
    pub principal: Option<String>,
    pub resource_account: Option<String>,
    pub description: String,
    /// For a caller no entry names, with an account: its kind ("a user") and the rest of its
    /// description (account, partition, relation), so that regions can join kinds.
    pub group: Option<(&'static str, String)>,
}

#[derive(Debug)]
pub(crate) struct Callers {
    entries: Vec<(PrincipalKind, String)>,
    accounts: Vec<String>,
    partitions: Vec<String>,
    roles: Vec<String>,
    pub cells: Vec<Cell>,
    index: HashMap<(CallerKey, Relation), usize>,
}

fn is_account(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

/// The caller as the engines read it ([`Caller::of`]): kind, and for the kinds with an
/// account (partition, account, role).
fn read(p: Option<&str>) -> (Kind, Option<(&str, &str, &str)>) {
    let c = Caller::of(p);
    (c.kind(), c.account().map(|a| (c.partition(), a, c.role())))
}

/// Fresh names: the first candidate not taken.
fn fresh(taken: &[String], candidates: &[&str], fallback: &str) -> String {
    candidates
        .iter()
        .find(|c| !taken.iter().any(|t| t == *c))
        .map_or_else(|| fallback.to_owned(), |c| (*c).to_owned())
}

const ACCOUNTS: [&str; 5] = [
    "111122223333",
    "444455556666",
    "123456789012",
    "210987654321",
    "999988887777",
];

impl Callers {
    /// The caller classes of `blocks` (every principal block of the relevant statements); the
    /// root user left out with `no_root`.
    pub(crate) fn build<'b>(
        blocks: impl Iterator<Item = &'b PrincipalBlock>,
        no_root: bool,
        limits: &Limits,
    ) -> Result<Callers, Budget> {
        let mut entries: Vec<(PrincipalKind, String)> = Vec::new();
        for b in blocks {
            for e in &b.entries {
                if !entries.iter().any(|(k, v)| *k == e.kind && *v == e.value) {
                    entries.push((e.kind, e.value.clone()));
                }
            }
        }
        let mut accounts = BTreeSet::new();
        let mut partitions = BTreeSet::new();
        let mut roles = BTreeSet::new();
        for (kind, v) in &entries {
            if *kind != PrincipalKind::Aws {
                continue;
            }
            if is_account(v) {
                accounts.insert(v.clone());
            }
            if let Some([_, partition, _, _, account, resource]) = iamc_format::arn::parse(v) {
                partitions.insert(partition.to_owned());
                if is_account(account) {
                    accounts.insert(account.to_owned());
                }
                if let Some(path) = resource.strip_prefix("role/") {
                    if let Some(name) = path.rsplit('/').next() {
                        roles.insert(name.to_owned());
                    }
                }
            }
        }
        let mut callers = Callers {
            entries,
            accounts: accounts.into_iter().collect(),
            partitions: partitions.into_iter().collect(),
            roles: roles.into_iter().collect(),
            cells: Vec::new(),
            index: HashMap::new(),
        };
        // Representatives of every class.
        let fresh_account = fresh(&callers.accounts, &ACCOUNTS, "000000000000");
        let fresh_partition = fresh(
            &callers.partitions,
            &["aws", "aws-cn", "aws-us-gov", "aws-iso"],
            "aws-iamc",
        );
        let fresh_role = fresh(&callers.roles, &["iamc-role", "iamc-role-2"], "iamc-role-3");
        let texts: Vec<String> = callers.entries.iter().map(|(_, v)| v.clone()).collect();
        let fresh_service = {
            let lower: Vec<String> = texts.iter().map(|t| t.to_ascii_lowercase()).collect();
            fresh(
                &lower,
                &["iamc.amazonaws.com", "iamc-2.amazonaws.com"],
                "iamc-3.amazonaws.com",
            )
        };
        let fresh_other = fresh(&texts, &["iamc:caller", "iamc:caller-2"], "iamc:caller-3");
        let mut candidates: Vec<Option<String>> = vec![
            None,
            Some("*".to_owned()),
            Some(fresh_service),
            Some(fresh_other),
        ];
        candidates.extend(texts.iter().cloned().map(Some));
        let mut all_accounts = callers.accounts.clone();
        all_accounts.push(fresh_account);
        let mut all_partitions = callers.partitions.clone();
        all_partitions.push(fresh_partition);
        let mut all_roles = callers.roles.clone();
        all_roles.push(fresh_role);
        for a in &all_accounts {
            for p in &all_partitions {
                candidates.push(Some(format!("arn:{p}:iam::{a}:root")));
                candidates.push(Some(format!("arn:{p}:iam::{a}:user/iamc-user")));
                candidates.push(Some(format!(
                    "arn:{p}:iam::{a}:role/{}",
                    all_roles.last().map_or("iamc-role", String::as_str)
                )));
                candidates.push(Some(format!("arn:{p}:sts::{a}:federated-user/iamc-user")));
                for r in &all_roles {
                    candidates.push(Some(format!(
                        "arn:{p}:sts::{a}:assumed-role/{r}/iamc-session"
                    )));
                }
                if candidates.len() > limits.max_callers.saturating_mul(2) {
                    return Err(Budget::new(format!(
                        "the principals name more caller classes than the limit of {} (`max_callers`)",
                        limits.max_callers
                    )));
                }
            }
        }
        for c in candidates {
            let (kind, arn) = read(c.as_deref());
            if no_root && kind == Kind::Root {
                continue;
            }
            let key = callers.key(c.as_deref());
            let relations: &[Relation] = if arn.is_some() {
                &[Relation::Same, Relation::Cross]
            } else {
                &[Relation::Any]
            };
            for &rel in relations {
                if callers.index.contains_key(&(key.clone(), rel)) {
                    continue;
                }
                let own = arn.map(|(_, a, _)| a.to_owned());
                let resource_account = match (rel, &own) {
                    (Relation::Same, Some(a)) => Some(a.clone()),
                    (Relation::Cross, Some(a)) => {
                        ACCOUNTS.iter().find(|x| **x != a).map(|x| (*x).to_owned())
                    }
                    _ => None,
                };
                let description = callers.describe(&key, c.as_deref(), rel);
                let group = callers.group(&key, rel);
                callers
                    .index
                    .insert((key.clone(), rel), callers.cells.len());
                callers.cells.push(Cell {
                    principal: c.clone(),
                    resource_account,
                    description,
                    group,
                });
            }
        }
        if callers.cells.len() > limits.max_callers {
            return Err(Budget::new(format!(
                "the principals name {} caller classes, more than the limit of {} (`max_callers`)",
                callers.cells.len(),
                limits.max_callers
            )));
        }
        Ok(callers)
    }

    fn named(list: &[String], v: &str) -> Named {
        list.iter()
            .position(|x| x == v)
            .and_then(|i| u32::try_from(i).ok())
            .map_or(Named::Fresh, Named::Is)
    }

    fn key(&self, principal: Option<&str>) -> CallerKey {
        let (kind, arn) = read(principal);
        let text = principal.unwrap_or("");
        let mut exact = Vec::new();
        let mut service = Vec::new();
        if principal.is_some() {
            for (i, (k, v)) in self.entries.iter().enumerate() {
                let Ok(i) = u32::try_from(i) else { continue };
                match k {
                    PrincipalKind::Service => {
                        if kind == Kind::Service && text.eq_ignore_ascii_case(v) {
                            service.push(i);
                        }
                    }
                    _ => {
                        if text == v {
                            exact.push(i);
                        }
                    }
                }
            }
        }
        let (account, partition, role) = match arn {
            Some((p, a, r)) => (
                Some(Self::named(&self.accounts, a)),
                Some(Self::named(&self.partitions, p)),
                (kind == Kind::Session).then(|| Self::named(&self.roles, r)),
            ),
            None => (None, None, None),
        };
        CallerKey {
            kind,
            exact,
            service,
            account,
            partition,
            role,
        }
    }

    /// The class of a request's caller.
    pub(crate) fn cell_of(&self, req: &Request) -> Option<usize> {
        let key = self.key(req.principal.as_deref());
        let caller = Caller::of(req.principal.as_deref());
        let rel = match caller.account() {
            None => Relation::Any,
            Some(_) if caller.same_account(req) => Relation::Same,
            Some(_) => Relation::Cross,
        };
        self.index.get(&(key, rel)).copied()
    }

    /// A caller no entry names: its kind's noun, and the rest of its description.
    fn group(&self, key: &CallerKey, rel: Relation) -> Option<(&'static str, String)> {
        if !key.exact.is_empty()
            || !key.service.is_empty()
            || key.role.is_some_and(|r| r != Named::Fresh)
        {
            return None;
        }
        let noun = match key.kind {
            Kind::Root => "the root user",
            Kind::User => "a user",
            Kind::Role => "a role",
            Kind::Session => "a role session",
            Kind::Federated => "a federated user",
            _ => return None,
        };
        let account = match key.account {
            Some(Named::Is(i)) => self
                .accounts
                .get(i as usize)
                .map_or_else(String::new, |a| format!("account `{a}`")),
            _ => "an account no principal names".to_owned(),
        };
        let partition = match key.partition {
            Some(Named::Fresh) if !self.partitions.is_empty() => {
                " in a partition no principal names"
            }
            _ => "",
        };
        let relation = match rel {
            Relation::Cross => ", resource in another account",
            _ => ", resource in its account",
        };
        Some((noun, format!("of {account}{partition}{relation}")))
    }

    fn describe(&self, key: &CallerKey, text: Option<&str>, rel: Relation) -> String {
        let account = |n: Option<Named>| match n {
            Some(Named::Is(i)) => self
                .accounts
                .get(i as usize)
                .map_or_else(String::new, |a| format!("account `{a}`")),
            _ => "an account no principal names".to_owned(),
        };
        let named = !key.exact.is_empty() || !key.service.is_empty();
        let who = match key.kind {
            Kind::Unnamed => "no principal given (a caller of the resource's account)".to_owned(),
            Kind::Anonymous => "anonymous (`*`)".to_owned(),
            Kind::Service if named => format!("service `{}`", text.unwrap_or("")),
            Kind::Service => "a service no principal names".to_owned(),
            Kind::Other if named => format!("`{}`", text.unwrap_or("")),
            Kind::Other => "a principal of no known form that no principal names".to_owned(),
            _ if named => format!("`{}`", text.unwrap_or("")),
            Kind::Root => format!("the root user of {}", account(key.account)),
            Kind::User => format!("a user of {}", account(key.account)),
            Kind::Role => format!("a role of {}", account(key.account)),
            Kind::Federated => format!("a federated user of {}", account(key.account)),
            Kind::Session => {
                let role = match key.role {
                    Some(Named::Is(i)) => self
                        .roles
                        .get(i as usize)
                        .map_or_else(String::new, |r| format!("role `{r}`")),
                    _ => "a role no principal names".to_owned(),
                };
                format!("a session of {role} of {}", account(key.account))
            }
        };
        let partition = match key.partition {
            Some(Named::Fresh) if !self.partitions.is_empty() => {
                " in a partition no principal names"
            }
            _ => "",
        };
        match rel {
            Relation::Any => who,
            Relation::Same => format!("{who}{partition}, resource in its account"),
            Relation::Cross => format!("{who}{partition}, resource in another account"),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use iamc_compiler::ir::PrincipalEntry;

    fn block(entries: &[(PrincipalKind, &str)]) -> PrincipalBlock {
        PrincipalBlock {
            negated: false,
            any: false,
            entries: entries
                .iter()
                .map(|(k, v)| PrincipalEntry {
                    kind: *k,
                    value: (*v).to_owned(),
                })
                .collect(),
        }
    }

    #[test]
    fn classes_tell_apart_what_entries_do() {
        let b = block(&[
            (PrincipalKind::Aws, "111122223333"),
            (
                PrincipalKind::Aws,
                "arn:aws:iam::444455556666:role/path/deployer",
            ),
            (PrincipalKind::Service, "ecs.amazonaws.com"),
        ]);
        let c = Callers::build([&b].into_iter(), false, &Limits::default()).unwrap();
        let cell = |p: Option<&str>, ra: Option<&str>| {
            let mut r = Request::new("s3:GetObject", "*");
            r.principal = p.map(str::to_owned);
            r.resource_account = ra.map(str::to_owned);
            c.cell_of(&r).unwrap()
        };
        // Two sessions of the named role in its account are one class; another role is not.
        assert_eq!(
            cell(
                Some("arn:aws:sts::444455556666:assumed-role/deployer/a"),
                None
            ),
            cell(
                Some("arn:aws:sts::444455556666:assumed-role/deployer/b"),
                None
            )
        );
        assert_ne!(
            cell(
                Some("arn:aws:sts::444455556666:assumed-role/deployer/a"),
                None
            ),
            cell(Some("arn:aws:sts::444455556666:assumed-role/other/a"), None)
        );
        assert_eq!(
            cell(Some("ECS.amazonaws.com"), None),
            cell(Some("ecs.amazonaws.com"), None)
        );
        assert_ne!(
            cell(
                Some("arn:aws:iam::111122223333:user/a"),
                Some("111122223333")
            ),
            cell(
                Some("arn:aws:iam::111122223333:user/a"),
                Some("555555555555")
            )
        );
        assert_eq!(
            cell(Some("arn:aws:iam::777777777777:user/a"), None),
            cell(Some("arn:aws:iam::888888888888:user/b"), None)
        );
        // Every representative is in its own class.
        for (i, cl) in c.cells.iter().enumerate() {
            let mut r = Request::new("s3:GetObject", "*");
            r.principal = cl.principal.clone();
            r.resource_account = cl.resource_account.clone();
            assert_eq!(c.cell_of(&r), Some(i), "{cl:?}");
        }
    }
}
