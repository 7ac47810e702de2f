//! `Principal` / `NotPrincipal` blocks of resource-like policies (spec 4).
//!
//! Lowered as written: which callers an entry names depends on the request (the caller's
//! account, its session's role), so the IR keeps the entries and the engines classify the
//! caller (DESIGN.md "Whole decision").

/// `Principal` (negated = false) or `NotPrincipal` of a statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrincipalBlock {
    pub negated: bool,
    /// `"*"` or `{"AWS": "*"}` is listed: every caller, anonymous ones included.
    pub any: bool,
    /// Every other entry, in document order.
    pub entries: Vec<PrincipalEntry>,
}

/// One entry of a principal block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrincipalEntry {
    pub kind: PrincipalKind,
    /// As written: for `AWS` a 12-digit account id or an ARN (never `*`: that is
    /// [`PrincipalBlock::any`]); a service name, a federated provider or a canonical user id.
    pub value: String,
}

/// The key an entry is listed under.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PrincipalKind {
    Aws,
    Service,
    Federated,
    CanonicalUser,
}

impl PrincipalKind {
    /// The policy's name for the key: `AWS`, `Service`, `Federated`, `CanonicalUser`.
    pub fn as_str(self) -> &'static str {
        match self {
            PrincipalKind::Aws => "AWS",
            PrincipalKind::Service => "Service",
            PrincipalKind::Federated => "Federated",
            PrincipalKind::CanonicalUser => "CanonicalUser",
        }
    }
}
