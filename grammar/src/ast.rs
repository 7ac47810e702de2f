//! The policy AST: what a policy document says, validated, with the byte span of every node.
//!
//! Produced by [`crate::parse_policy`]; consumed by the reference interpreter (root `iamc`
//! package) and by the compiler's lowering. Everything here has already passed the IAM
//! validation rules of the semantics spec (sections 1, 2, 4 and 6), so consumers never
//! re-validate: an `Action` pattern has exactly one colon and a wildcard-free service prefix, a
//! `Resource` pattern is `*` or starts with `arn:`, condition operators are known, and so on.
//!
//! Nothing here matches anything: matching belongs to the engines, and the two engines must not
//! share matching code.

use crate::span::Span;

/// A value with the byte span of the JSON text it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spanned<T> {
    pub node: T,
    pub span: Span,
}

/// Which type of policy a document is (it decides which elements are required or prohibited),
/// and a statement's effect: the vocabulary every layer shares, from `iamc-format`.
pub use iamc_format::{Effect, PolicyType};

/// The `Version` element.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Version {
    /// `"2008-10-17"`, and also an absent `Version` (spec 1.3.2): `${...}` is literal text.
    V2008_10_17,
    /// `"2012-10-17"`: policy variables are substituted.
    V2012_10_17,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    /// The policy's name as given by the caller (a file name for the CLI).
    pub name: String,
    pub kind: PolicyType,
    /// The effective version: `V2008_10_17` when the element is absent.
    pub version: Version,
    /// The span of the `Version` value, when present.
    pub version_span: Option<Span>,
    pub id: Option<Spanned<String>>,
    /// In document order. A single statement object gives one statement with index 0.
    pub statements: Vec<Statement>,
    /// The whole document.
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    /// Index in the `Statement` array (0 for a single statement object).
    pub index: usize,
    pub sid: Option<Spanned<String>>,
    pub effect: Spanned<Effect>,
    /// `Principal` / `NotPrincipal`; always `None` in identity-like policies (prohibited there).
    pub principal: Option<PrincipalBlock>,
    /// `Action` / `NotAction` (exactly one is present; the validator guarantees it).
    pub action: ActionBlock,
    /// `Resource` / `NotResource`; `None` only where the policy kind prohibits it (trust policies).
    pub resource: Option<ResourceBlock>,
    /// The `Condition` element; empty when absent or `{}` (an empty block constrains nothing).
    pub conditions: Vec<ConditionClause>,
    /// The statement object.
    pub span: Span,
}

/// `Action` (negated = false) or `NotAction` (negated = true).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionBlock {
    pub negated: bool,
    /// OR of the entries; a single string gives one entry. Never empty.
    pub patterns: Vec<Spanned<ActionPattern>>,
    /// The element's value.
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActionPattern {
    /// The lone `"*"`: every action of every service.
    Any,
    /// `service:name`, exactly as written (case preserved; matching is case-insensitive).
    /// `service` has no wildcard; `name` is a glob (`*`, `?`) and may be empty or contain
    /// spaces and commas (spec 2.5: accepted, matches only what it literally says).
    Service { service: String, name: String },
}

/// `Resource` (negated = false) or `NotResource` (negated = true).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceBlock {
    pub negated: bool,
    /// OR of the entries. Never empty in identity-like policies.
    pub patterns: Vec<Spanned<ResourcePattern>>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResourcePattern {
    /// The lone `"*"`: every resource, and the only pattern that matches the `"*"` request of a
    /// wildcard-only action.
    Any,
    /// A string starting with `arn:`, exactly as written. `template` is that string cut into
    /// glob text and policy variables; under `2008-10-17` it is one `Text` segment holding the
    /// whole string (variables are literal there).
    Arn { raw: String, template: Template },
}

/// A string cut into literal glob text and policy variables (spec 6).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Template {
    pub segments: Vec<Segment>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// Policy text: in globbing contexts `*` and `?` are wildcards.
    Text(String),
    /// `${*}`, `${?}` or `${$}`: the literal character (never a wildcard).
    Escaped(char),
    /// `${key}` or `${key, 'default'}`. `key` is as written (matching is case-insensitive);
    /// the substituted value (or default) is literal text, never re-read as wildcards.
    Variable {
        key: String,
        default: Option<String>,
    },
}

impl Template {
    /// True when the template has no `Variable` segment.
    pub fn is_constant(&self) -> bool {
        !self
            .segments
            .iter()
            .any(|s| matches!(s, Segment::Variable { .. }))
    }
}

/// `Principal` (negated = false) or `NotPrincipal` (negated = true).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrincipalBlock {
    pub negated: bool,
    pub principals: Principals,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principals {
    /// `"*"`: everyone, anonymous callers included.
    Any,
    /// `{"AWS": ..., "Service": ..., ...}`: OR of every entry of every type.
    Map(Vec<PrincipalEntry>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrincipalEntry {
    pub kind: PrincipalKind,
    /// As written; for `AWS` one of `*`, a 12-digit account id, or an ARN.
    pub value: Spanned<String>,
}

/// The key a principal entry is listed under.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PrincipalKind {
    /// `AWS`: accounts, users, roles, sessions.
    Aws,
    /// `Service`: an AWS service principal.
    Service,
    /// `Federated`: an identity provider.
    Federated,
    /// `CanonicalUser`: an S3 canonical user id.
    CanonicalUser,
}

impl PrincipalKind {
    /// The policy's name for the key: `AWS`, `Service`, `Federated`, `CanonicalUser`.
    ///
    /// ```
    /// assert_eq!(iamc_grammar::ast::PrincipalKind::CanonicalUser.as_str(), "CanonicalUser");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            PrincipalKind::Aws => "AWS",
            PrincipalKind::Service => "Service",
            PrincipalKind::Federated => "Federated",
            PrincipalKind::CanonicalUser => "CanonicalUser",
        }
    }
}

/// One `Operator: { key: values, ... }` member of a `Condition` block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConditionClause {
    pub operator: Spanned<Operator>,
    /// AND of the keys. Keys never repeat, not even in another letter case.
    pub keys: Vec<ConditionKey>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConditionKey {
    /// The condition key as written (lookups are case-insensitive).
    pub key: Spanned<String>,
    /// OR of the values (NOR for negated operators). May be empty (`[]`, spec 5.1.4).
    pub values: Vec<Spanned<ConditionValue>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConditionValue {
    /// What the JSON value was written as.
    pub kind: ValueKind,
    /// Canonical text: a string's decoded contents, a number's JSON text as written (`1024`,
    /// `1024.0`), `true` or `false`.
    pub text: String,
    /// `text` cut into segments. Variables appear only where the operator admits them (String,
    /// Arn and Bool families) and only under `2012-10-17`; otherwise one `Text` segment.
    pub template: Template,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ValueKind {
    String,
    Number,
    Bool,
}

/// A condition operator: an optional set qualifier, a base operator, and `IfExists`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Operator {
    pub qualifier: Option<SetQualifier>,
    pub base: BaseOperator,
    /// `...IfExists`; never set on `Null`.
    pub if_exists: bool,
}

/// The operator as a policy writes it (the grammar reads operators exactly, so this is the
/// text that was written): `ForAnyValue:StringLikeIfExists`.
///
/// ```
/// use iamc_grammar::ast::{BaseOperator, Operator, SetQualifier};
///
/// let op = Operator { qualifier: Some(SetQualifier::ForAllValues), base: BaseOperator::StringLike, if_exists: true };
/// assert_eq!(op.to_string(), "ForAllValues:StringLikeIfExists");
/// ```
impl std::fmt::Display for Operator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.qualifier {
            Some(SetQualifier::ForAllValues) => f.write_str("ForAllValues:")?,
            Some(SetQualifier::ForAnyValue) => f.write_str("ForAnyValue:")?,
            None => {}
        }
        f.write_str(self.base.name())?;
        if self.if_exists {
            f.write_str("IfExists")?;
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SetQualifier {
    ForAllValues,
    ForAnyValue,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum BaseOperator {
    StringEquals,
    StringNotEquals,
    StringEqualsIgnoreCase,
    StringNotEqualsIgnoreCase,
    StringLike,
    StringNotLike,
    NumericEquals,
    NumericNotEquals,
    NumericLessThan,
    NumericLessThanEquals,
    NumericGreaterThan,
    NumericGreaterThanEquals,
    DateEquals,
    DateNotEquals,
    DateLessThan,
    DateLessThanEquals,
    DateGreaterThan,
    DateGreaterThanEquals,
    Bool,
    BinaryEquals,
    IpAddress,
    NotIpAddress,
    ArnEquals,
    ArnLike,
    ArnNotEquals,
    ArnNotLike,
    Null,
}

impl BaseOperator {
    /// Every base operator, in declaration order.
    pub const ALL: [BaseOperator; 27] = [
        BaseOperator::StringEquals,
        BaseOperator::StringNotEquals,
        BaseOperator::StringEqualsIgnoreCase,
        BaseOperator::StringNotEqualsIgnoreCase,
        BaseOperator::StringLike,
        BaseOperator::StringNotLike,
        BaseOperator::NumericEquals,
        BaseOperator::NumericNotEquals,
        BaseOperator::NumericLessThan,
        BaseOperator::NumericLessThanEquals,
        BaseOperator::NumericGreaterThan,
        BaseOperator::NumericGreaterThanEquals,
        BaseOperator::DateEquals,
        BaseOperator::DateNotEquals,
        BaseOperator::DateLessThan,
        BaseOperator::DateLessThanEquals,
        BaseOperator::DateGreaterThan,
        BaseOperator::DateGreaterThanEquals,
        BaseOperator::Bool,
        BaseOperator::BinaryEquals,
        BaseOperator::IpAddress,
        BaseOperator::NotIpAddress,
        BaseOperator::ArnEquals,
        BaseOperator::ArnLike,
        BaseOperator::ArnNotEquals,
        BaseOperator::ArnNotLike,
        BaseOperator::Null,
    ];

    /// The operator's name as IAM spells it (case-sensitive).
    pub fn name(self) -> &'static str {
        match self {
            BaseOperator::StringEquals => "StringEquals",
            BaseOperator::StringNotEquals => "StringNotEquals",
            BaseOperator::StringEqualsIgnoreCase => "StringEqualsIgnoreCase",
            BaseOperator::StringNotEqualsIgnoreCase => "StringNotEqualsIgnoreCase",
            BaseOperator::StringLike => "StringLike",
            BaseOperator::StringNotLike => "StringNotLike",
            BaseOperator::NumericEquals => "NumericEquals",
            BaseOperator::NumericNotEquals => "NumericNotEquals",
            BaseOperator::NumericLessThan => "NumericLessThan",
            BaseOperator::NumericLessThanEquals => "NumericLessThanEquals",
            BaseOperator::NumericGreaterThan => "NumericGreaterThan",
            BaseOperator::NumericGreaterThanEquals => "NumericGreaterThanEquals",
            BaseOperator::DateEquals => "DateEquals",
            BaseOperator::DateNotEquals => "DateNotEquals",
            BaseOperator::DateLessThan => "DateLessThan",
            BaseOperator::DateLessThanEquals => "DateLessThanEquals",
            BaseOperator::DateGreaterThan => "DateGreaterThan",
            BaseOperator::DateGreaterThanEquals => "DateGreaterThanEquals",
            BaseOperator::Bool => "Bool",
            BaseOperator::BinaryEquals => "BinaryEquals",
            BaseOperator::IpAddress => "IpAddress",
            BaseOperator::NotIpAddress => "NotIpAddress",
            BaseOperator::ArnEquals => "ArnEquals",
            BaseOperator::ArnLike => "ArnLike",
            BaseOperator::ArnNotEquals => "ArnNotEquals",
            BaseOperator::ArnNotLike => "ArnNotLike",
            BaseOperator::Null => "Null",
        }
    }

    /// Negated operators combine their values with NOR (spec 5.1.2).
    pub fn is_negated(self) -> bool {
        matches!(
            self,
            BaseOperator::StringNotEquals
                | BaseOperator::StringNotEqualsIgnoreCase
                | BaseOperator::StringNotLike
                | BaseOperator::NumericNotEquals
                | BaseOperator::DateNotEquals
                | BaseOperator::NotIpAddress
                | BaseOperator::ArnNotEquals
                | BaseOperator::ArnNotLike
        )
    }

    /// Whether policy variables are substituted in this operator's values (spec 6.4, 5.8 / A10).
    pub fn admits_variables(self) -> bool {
        matches!(
            self,
            BaseOperator::StringEquals
                | BaseOperator::StringNotEquals
                | BaseOperator::StringEqualsIgnoreCase
                | BaseOperator::StringNotEqualsIgnoreCase
                | BaseOperator::StringLike
                | BaseOperator::StringNotLike
                | BaseOperator::ArnEquals
                | BaseOperator::ArnLike
                | BaseOperator::ArnNotEquals
                | BaseOperator::ArnNotLike
                | BaseOperator::Bool
        )
    }
}
