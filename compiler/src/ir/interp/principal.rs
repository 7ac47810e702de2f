//! The caller and the `Principal` rules (spec 4, 7.4; DESIGN.md "Whole decision").

use iamc_runtime::Request;

use crate::ir::{PrincipalBlock, PrincipalKind};

/// `arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE` cut at its first five colons.
pub(super) fn arn_fields(s: &str) -> Option<[&str; 6]> {
    iamc_format::arn::parse(s)
}

fn is_account(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

/// Who the request's `principal` is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// No principal: a same-account caller named by nothing but `*`.
    Unnamed,
    /// `*`.
    Anonymous,
    /// A string without `:`.
    Service,
    /// `…:iam::A:root`.
    Root,
    /// `…:iam::A:user/NAME`.
    User,
    /// `…:iam::A:role/NAME`.
    Role,
    /// `…:sts::A:assumed-role/ROLE/SESSION`.
    Session,
    /// `…:sts::A:federated-user/NAME`.
    Federated,
    /// Anything else: compared exactly, no account.
    Other,
}

/// The caller, with the fields the rules read.
#[derive(Debug, Clone, Copy)]
pub struct Caller<'r> {
    kind: Kind,
    /// The principal as given.
    text: &'r str,
    partition: &'r str,
    account: &'r str,
    /// A session's role name.
    role: &'r str,
}

impl<'r> Caller<'r> {
    /// Reads a request's `principal` (`None`: no principal).
    ///
    /// ```
    /// use iamc_compiler::ir::interp::{Caller, CallerKind};
    /// let c = Caller::of(Some("arn:aws:sts::111122223333:assumed-role/R/s"));
    /// assert_eq!(c.kind(), CallerKind::Session);
    /// assert_eq!((c.partition(), c.account(), c.role()), ("aws", Some("111122223333"), "R"));
    /// assert_eq!(Caller::of(Some("arn:aws:iam::1:user/u")).kind(), CallerKind::Other);
    /// ```
    pub fn of(principal: Option<&'r str>) -> Caller<'r> {
        let mut c = Caller {
            kind: Kind::Unnamed,
            text: "",
            partition: "",
            account: "",
            role: "",
        };
        let Some(p) = principal else { return c };
        c.text = p;
        c.kind = if p == "*" {
            Kind::Anonymous
        } else if !p.is_empty() && !p.contains(':') {
            Kind::Service
        } else {
            Kind::Other
        };
        let Some([_, partition, service, _, account, resource]) = arn_fields(p) else {
            return c;
        };
        if !is_account(account) {
            return c;
        }
        let kind = match (service, resource.split_once('/')) {
            ("iam", None) if resource == "root" => Kind::Root,
            ("iam", Some(("user", _))) => Kind::User,
            ("iam", Some(("role", _))) => Kind::Role,
            ("sts", Some(("assumed-role", rest))) => match rest.split_once('/') {
                Some((role, session)) if !role.is_empty() && !session.is_empty() => {
                    c.role = role;
                    Kind::Session
                }
                _ => Kind::Other,
            },
            ("sts", Some(("federated-user", name))) if !name.is_empty() => Kind::Federated,
            _ => Kind::Other,
        };
        if kind != Kind::Other {
            c.kind = kind;
            c.partition = partition;
            c.account = account;
        }
        c
    }

    /// SCPs bind principals of member accounts: not anonymous or service callers.
    pub(super) fn bound_by_scps(&self) -> bool {
        !self.is_anonymous_or_service()
    }

    pub(super) fn is_anonymous_or_service(&self) -> bool {
        matches!(self.kind, Kind::Anonymous | Kind::Service)
    }

    pub(super) fn is_federated(&self) -> bool {
        self.kind == Kind::Federated
    }

    pub(super) fn is_root(&self) -> bool {
        self.kind == Kind::Root
    }

    /// The caller's kind.
    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// The partition, for the kinds with an account (empty otherwise).
    pub fn partition(&self) -> &'r str {
        self.partition
    }

    /// A session's role name (empty for other kinds).
    pub fn role(&self) -> &'r str {
        self.role
    }

    /// The caller's 12-digit account, for the kinds that have one.
    pub fn account(&self) -> Option<&'r str> {
        (!self.account.is_empty()).then_some(self.account)
    }

    /// Whether the resource is in the caller's account: the resource's account is
    /// `resourceAccount`, else the 12-digit account field of the resource ARN; anonymous and
    /// service callers are in no account; an unknown account on either side counts as the same.
    pub fn same_account(&self, req: &Request) -> bool {
        if self.is_anonymous_or_service() {
            return false;
        }
        let theirs = req.resource_account.as_deref().or_else(|| {
            arn_fields(&req.resource)
                .map(|f| f[4])
                .filter(|a| is_account(a))
        });
        match (self.account(), theirs) {
            (Some(mine), Some(theirs)) => mine == theirs,
            _ => true,
        }
    }
}

/// How a statement's principal names the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Grant {
    None,
    /// The caller itself, or everyone: not capped.
    Direct,
    /// The role of the calling session (or a role by its own ARN): capped by the boundary and
    /// the session policy.
    ViaRole,
    /// The caller's account: delegates to the identity-based policies.
    ViaAccount,
}

/// The block against the caller. `Principal`: the strongest grant among the entries.
/// `NotPrincipal` applies (as a direct grant) unless the caller is excluded: with `Deny`, when
/// every identity of its chain is listed (A14); with `Allow`, when any is.
pub(super) fn grant(block: &PrincipalBlock, caller: &Caller<'_>, deny: bool) -> Grant {
    let grants: Vec<Grant> = block
        .entries
        .iter()
        .map(|e| entry_grant(e.kind, &e.value, caller))
        .collect();
    if !block.negated {
        if block.any || grants.contains(&Grant::Direct) {
            return Grant::Direct;
        }
        return [Grant::ViaRole, Grant::ViaAccount]
            .into_iter()
            .find(|g| grants.contains(g))
            .unwrap_or(Grant::None);
    }
    let listed = |g: Grant| grants.contains(&g);
    let excluded = block.any
        || if deny {
            match caller.kind {
                Kind::Unnamed => false,
                Kind::Anonymous | Kind::Service | Kind::Other => listed(Grant::Direct),
                Kind::Root => listed(Grant::ViaAccount),
                Kind::Session => {
                    listed(Grant::ViaAccount) && listed(Grant::ViaRole) && listed(Grant::Direct)
                }
                Kind::User | Kind::Federated => listed(Grant::ViaAccount) && listed(Grant::Direct),
                Kind::Role => listed(Grant::ViaAccount) && listed(Grant::ViaRole),
            }
        } else {
            grants.iter().any(|&g| g != Grant::None)
        };
    if excluded {
        Grant::None
    } else {
        Grant::Direct
    }
}

/// One entry (never `AWS: *`: that is the block's `any`) against the caller.
fn entry_grant(kind: PrincipalKind, value: &str, caller: &Caller<'_>) -> Grant {
    let named = !matches!(caller.kind, Kind::Unnamed | Kind::Anonymous | Kind::Root);
    match kind {
        PrincipalKind::Service => {
            if caller.kind == Kind::Service && caller.text.eq_ignore_ascii_case(value) {
                Grant::Direct
            } else {
                Grant::None
            }
        }
        PrincipalKind::Federated | PrincipalKind::CanonicalUser => {
            if named && caller.text == value {
                Grant::Direct
            } else {
                Grant::None
            }
        }
        PrincipalKind::Aws => {
            if matches!(caller.kind, Kind::Unnamed | Kind::Anonymous) {
                return Grant::None;
            }
            if is_account(value) {
                return if caller.account() == Some(value) {
                    Grant::ViaAccount
                } else {
                    Grant::None
                };
            }
            if named && caller.text == value {
                return if caller.kind == Kind::Role {
                    Grant::ViaRole
                } else {
                    Grant::Direct
                };
            }
            let Some([_, partition, service, _, account, resource]) = arn_fields(value) else {
                return Grant::None;
            };
            if service != "iam"
                || caller.account().is_none()
                || caller.partition != partition
                || caller.account != account
            {
                return Grant::None;
            }
            if resource == "root" {
                return Grant::ViaAccount;
            }
            // A role ARN names the sessions of that role (the session ARN has no role path).
            match resource.strip_prefix("role/") {
                Some(path)
                    if caller.kind == Kind::Session
                        && path.rsplit('/').next() == Some(caller.role) =>
                {
                    Grant::ViaRole
                }
                _ => Grant::None,
            }
        }
    }
}
