//! `Principal` / `NotPrincipal` blocks of resource-like policies (spec 4).
//!
//! Lowered as written: which callers an entry names depends on the request (the caller's
//! account, its session's role), so the IR keeps the entries and the engines classify the
//! caller (DESIGN.md "Whole decision").

/// `Principal` (negated = false) or `NotPrincipal` of a statement.
///
/// ```
/// use iamc_grammar::{ast::PolicyType, PolicySet, SourceFile};
/// let src = SourceFile::new("p.json", r#"{"Statement":{"Effect":"Allow","Principal":{"AWS":"111122223333","Service":"ecs.amazonaws.com"},"Action":"sqs:SendMessage","Resource":"*"}}"#);
/// let policy = iamc_grammar::parse_policy(&src, PolicyType::Resource)?.policy;
/// let ir = iamc_compiler::lower::lower(&PolicySet { resource: vec![policy], ..PolicySet::default() })?;
///
/// let block = ir.statements[0].principal.as_ref().ok_or("no principal")?;
/// assert!(!block.negated && !block.any && block.entries.len() == 2);
///
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrincipalBlock {
    /// `NotPrincipal`.
    pub negated: bool,
    /// `"*"` or `{"AWS": "*"}` is listed: every caller, anonymous ones included.
    pub any: bool,
    /// Every other entry, in document order.
    pub entries: Vec<PrincipalEntry>,
}

/// One entry of a principal block.
///
/// ```
/// use iamc_grammar::{ast::PolicyType, PolicySet, SourceFile};
/// let src = SourceFile::new("p.json", r#"{"Statement":{"Effect":"Allow","Principal":{"AWS":"111122223333","Service":"ecs.amazonaws.com"},"Action":"sqs:SendMessage","Resource":"*"}}"#);
/// let policy = iamc_grammar::parse_policy(&src, PolicyType::Resource)?.policy;
/// let ir = iamc_compiler::lower::lower(&PolicySet { resource: vec![policy], ..PolicySet::default() })?;
///
/// use iamc_compiler::ir::PrincipalKind;
/// let block = ir.statements[0].principal.as_ref().ok_or("no principal")?;
/// assert_eq!(block.entries[0].kind, PrincipalKind::Aws);
/// assert_eq!(block.entries[0].value, "111122223333");
///
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrincipalEntry {
    /// The key it is listed under.
    pub kind: PrincipalKind,
    /// As written: for `AWS` a 12-digit account id or an ARN (never `*`: that is
    /// [`PrincipalBlock::any`]); a service name, a federated provider or a canonical user id.
    pub value: String,
}

/// The key an entry is listed under: the grammar's vocabulary (as the effect and the policy
/// type are one type across the layers).
///
/// ```
/// use iamc_grammar::{ast::PolicyType, PolicySet, SourceFile};
/// let src = SourceFile::new("trust.json", r#"{"Statement":{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com","Federated":"cognito-identity.amazonaws.com"},"Action":["sts:AssumeRole","sts:AssumeRoleWithWebIdentity"]}}"#);
/// let policy = iamc_grammar::parse_policy(&src, PolicyType::Trust)?.policy;
/// let ir = iamc_compiler::lower::lower(&PolicySet { trust: vec![policy], ..PolicySet::default() })?;
///
/// let block = ir.statements[0].principal.as_ref().ok_or("no principal")?;
/// let keys: Vec<&str> = block.entries.iter().map(|e| e.kind.as_str()).collect();
/// assert_eq!(keys, ["Service", "Federated"]);
///
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub use iamc_grammar::ast::PrincipalKind;
