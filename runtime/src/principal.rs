//! The calling principal of a request, and how a `Principal` element names it (spec 4, 7.4).
//!
//! Everything here borrows from the request and the program: no allocation.

use iamc_format::program::{PrincipalBlock, PrincipalEntryType};

use iamc_format::arn;

/// What a request's `principal` names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CallerKind {
    /// No `principal` in the request: a same-account caller named by nothing but `*`.
    Unnamed,
    /// `*`: an unauthenticated caller.
    Anonymous,
    /// A service principal such as `ecs-tasks.amazonaws.com`.
    Service,
    /// `arn:…:iam::ACCOUNT:root`.
    Root,
    /// `arn:…:iam::ACCOUNT:user/…`.
    User,
    /// `arn:…:iam::ACCOUNT:role/…` (a role itself; real requests come from its sessions).
    Role,
    /// `arn:…:sts::ACCOUNT:assumed-role/ROLE/SESSION`.
    Session,
    /// `arn:…:sts::ACCOUNT:federated-user/NAME` (a `GetFederationToken` session).
    Federated,
    /// Any other principal string (compared exactly).
    Other,
}

/// The calling principal, cut into the fields the rules consult.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Caller<'r> {
    pub kind: CallerKind,
    /// The principal as given (empty when unnamed).
    pub text: &'r str,
    pub partition: &'r str,
    /// The 12-digit account of an ARN principal.
    pub account: Option<&'r str>,
    /// A session's role name (`ROLE` of `assumed-role/ROLE/SESSION`).
    pub role: &'r str,
}

fn is_account(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

impl<'r> Caller<'r> {
    pub fn parse(principal: Option<&'r str>) -> Caller<'r> {
        let mut c = Caller {
            kind: CallerKind::Unnamed,
            text: "",
            partition: "",
            account: None,
            role: "",
        };
        let Some(p) = principal else { return c };
        c.text = p;
        if p == "*" {
            c.kind = CallerKind::Anonymous;
            return c;
        }
        let Some([_, partition, service, _, account, resource]) = arn::parse(p) else {
            c.kind = if p.contains(':') || p.is_empty() {
                CallerKind::Other
            } else {
                CallerKind::Service
            };
            return c;
        };
        c.partition = partition;
        c.account = is_account(account).then_some(account);
        c.kind = match (service, resource.split_once('/')) {
            ("iam", None) if resource == "root" => CallerKind::Root,
            ("iam", Some(("user", _))) => CallerKind::User,
            ("iam", Some(("role", _))) => CallerKind::Role,
            ("sts", Some(("assumed-role", rest))) => match rest.split_once('/') {
                Some((role, session)) if !role.is_empty() && !session.is_empty() => {
                    c.role = role;
                    CallerKind::Session
                }
                _ => CallerKind::Other,
            },
            ("sts", Some(("federated-user", name))) if !name.is_empty() => CallerKind::Federated,
            _ => CallerKind::Other,
        };
        if c.account.is_none() {
            c.kind = CallerKind::Other;
        }
        if c.kind == CallerKind::Other {
            // An ARN of no principal kind (a group, a malformed session) is only compared
            // exactly: no account, no role.
            c.account = None;
            c.role = "";
        }
        c
    }

    /// The resource's account (spec 7.3): the request's `resourceAccount`, else the account
    /// field of the resource ARN when it is 12 digits, else the caller's.
    pub fn resource_account(&self, resource: &'r str, given: Option<&'r str>) -> Option<&'r str> {
        given
            .or_else(|| arn::parse(resource).map(|f| f[4]).filter(|a| is_account(a)))
            .or(self.account)
    }

    /// Same account unless both accounts are known and differ; an anonymous or service caller
    /// has no account and is always on the other side.
    pub fn same_account(&self, resource_account: Option<&str>) -> bool {
        match self.kind {
            CallerKind::Anonymous | CallerKind::Service => false,
            _ => match (self.account, resource_account) {
                (Some(a), Some(b)) => a == b,
                _ => true,
            },
        }
    }

    /// Service control policies constrain principals of member accounts: not anonymous callers
    /// and not service principals (spec 7.2).
    pub fn scps_apply(&self) -> bool {
        !matches!(self.kind, CallerKind::Anonymous | CallerKind::Service)
    }
}

/// A resource-policy grant that names the caller exactly (or `*`): not capped (spec 7.4).
pub(crate) const DIRECT: u8 = 1;
/// A grant to the role of the calling session: capped by boundary and session policy.
pub(crate) const INDIRECT: u8 = 2;
/// A grant to the caller's account: delegates to the identity-based policies.
pub(crate) const ACCOUNT: u8 = 4;

/// How one `AWS` entry names the caller: 0, or one of the grant classes.
fn aws_entry_class(value: &str, c: &Caller<'_>) -> u8 {
    if value == "*" {
        return DIRECT;
    }
    if is_account(value) {
        return if c.account == Some(value) { ACCOUNT } else { 0 };
    }
    if matches!(c.kind, CallerKind::Unnamed | CallerKind::Anonymous) {
        return 0;
    }
    if value == c.text && c.kind != CallerKind::Root {
        // A role named by its own ARN is the "role ARN" row of spec 7.4: capped by its
        // boundary and session policy, like the role of a session.
        return if c.kind == CallerKind::Role {
            INDIRECT
        } else {
            DIRECT
        };
    }
    let Some([_, partition, service, _, account, resource]) = arn::parse(value) else {
        return 0;
    };
    if service != "iam" || partition != c.partition || c.account != Some(account) {
        return 0;
    }
    if resource == "root" {
        return ACCOUNT;
    }
    if c.kind == CallerKind::Session {
        if let Some(path) = resource.strip_prefix("role/") {
            let name = path.rsplit('/').next().unwrap_or(path);
            if name == c.role {
                return INDIRECT;
            }
        }
    }
    0
}

/// How one entry names the caller.
fn entry_class(kind: PrincipalEntryType, value: &str, c: &Caller<'_>) -> u8 {
    match kind {
        PrincipalEntryType::Aws => aws_entry_class(value, c),
        PrincipalEntryType::Service => {
            u8::from(c.kind == CallerKind::Service && value.eq_ignore_ascii_case(c.text))
        }
        PrincipalEntryType::Federated | PrincipalEntryType::CanonicalUser => {
            u8::from(c.kind != CallerKind::Unnamed && value == c.text)
        }
    }
}

/// Whether an entry list excludes the caller from a `NotPrincipal` statement (spec 4.8, A14:
/// the docs' reading): every identity of the caller's chain must be listed (its account, then
/// the role of a session, then the caller itself). `*` excludes everyone. An unnamed caller is
/// excluded by `*` only.
fn excluded<'a>(
    entries: impl Iterator<Item = (PrincipalEntryType, &'a str)>,
    c: &Caller<'_>,
) -> bool {
    let (mut any, mut account, mut role, mut itself) = (false, false, false, false);
    for (kind, value) in entries {
        if kind == PrincipalEntryType::Aws && value == "*" {
            any = true;
            continue;
        }
        match entry_class(kind, value, c) {
            DIRECT => itself = true,
            INDIRECT => role = true,
            ACCOUNT => account = true,
            _ => {}
        }
    }
    any || match c.kind {
        CallerKind::Unnamed => false,
        CallerKind::Anonymous | CallerKind::Service | CallerKind::Other => itself,
        CallerKind::Root => account,
        CallerKind::Session => account && role && itself,
        CallerKind::User | CallerKind::Federated => account && itself,
        // A role names itself through the role row (`INDIRECT`).
        CallerKind::Role => account && role,
    }
}

/// The grant classes by which a statement's principal block names the caller: `DIRECT` for
/// `*`, an applying `NotPrincipal` and an exact name; `INDIRECT` for the role of a session;
/// `ACCOUNT` for the caller's account; 0 when the statement does not apply to the caller.
///
/// `NotPrincipal` with `Deny` follows A14 (see `excluded`); with `Allow` (which most services
/// reject) the caller is excluded as soon as any identity of its chain is listed: the reading
/// that grants least.
pub(crate) fn block_class(b: &PrincipalBlock, c: &Caller<'_>, deny: bool) -> u8 {
    if b.negated {
        let entries = b.entries.iter().map(|e| (e.kind, e.value.as_str()));
        let out = if deny {
            excluded(entries, c)
        } else {
            b.entries
                .iter()
                .any(|e| entry_class(e.kind, &e.value, c) != 0)
        };
        return if b.any || out { 0 } else { DIRECT };
    }
    if b.any {
        return DIRECT;
    }
    b.entries
        .iter()
        .fold(0, |m, e| m | entry_class(e.kind, &e.value, c))
}
