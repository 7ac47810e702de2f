//! The model of a generated policy: what the generators draw, the renderer writes as JSON and
//! [`super::to_ast`] turns into the AST the grammar must produce.

use iamc_grammar::ast::BaseOperator;

/// A piece of a glob or template as written in the policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Frag {
    Lit(String),
    Star,
    Quest,
    /// `${key}` or `${key, 'default'}`.
    Var {
        key: String,
        default: Option<String>,
    },
    /// `${*}`, `${?}`, `${$}`.
    Esc(char),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GenVersion {
    Absent,
    V2008,
    V2012,
}

impl GenVersion {
    /// Whether `${...}` is substituted (only under 2012-10-17).
    pub fn substitutes(self) -> bool {
        self == GenVersion::V2012
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GenAction {
    Any,
    Svc { service: String, name: Vec<Frag> },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GenResource {
    Any,
    /// `arn:` followed by 1 to 5 fields (partition, service, region, account, rest); fewer than
    /// five is a short ARN. Only the fifth (the resource part) may hold variables and `:`.
    Arn {
        fields: Vec<Vec<Frag>>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GenValue {
    Str(Vec<Frag>),
    /// JSON number text.
    Num(String),
    Bool(bool),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenKey {
    pub key: String,
    pub values: Vec<GenValue>,
    /// Render a single value as a one-element array.
    pub as_array: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Qualifier {
    ForAllValues,
    ForAnyValue,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenClause {
    pub qualifier: Option<Qualifier>,
    pub base: BaseOperator,
    pub if_exists: bool,
    pub keys: Vec<GenKey>,
}

impl GenClause {
    pub fn operator_name(&self) -> String {
        let mut s = String::new();
        match self.qualifier {
            Some(Qualifier::ForAllValues) => s.push_str("ForAllValues:"),
            Some(Qualifier::ForAnyValue) => s.push_str("ForAnyValue:"),
            None => {}
        }
        s.push_str(self.base.name());
        if self.if_exists {
            s.push_str("IfExists");
        }
        s
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenStatement {
    pub sid: Option<String>,
    pub deny: bool,
    pub not_action: bool,
    pub actions: Vec<GenAction>,
    pub action_as_array: bool,
    pub not_resource: bool,
    pub resources: Vec<GenResource>,
    pub resource_as_array: bool,
    pub conditions: Vec<GenClause>,
    /// Render `"Condition": {}` when there are no clauses.
    pub empty_condition: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenPolicy {
    pub version: GenVersion,
    pub id: Option<String>,
    /// Render a lone statement as an object instead of a one-element array.
    pub single_object: bool,
    pub pretty: bool,
    pub statements: Vec<GenStatement>,
}

/// Condition operator families (how values are read).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    String,
    Numeric,
    Date,
    Bool,
    Binary,
    Ip,
    Arn,
    Null,
}

/// How an operator reads its values, from its name.
pub fn family(base: BaseOperator) -> Family {
    let name = base.name();
    let families = [
        ("String", Family::String),
        ("Numeric", Family::Numeric),
        ("Date", Family::Date),
        ("Bool", Family::Bool),
        ("Binary", Family::Binary),
        ("Arn", Family::Arn),
        ("Null", Family::Null),
    ];
    families
        .into_iter()
        .find(|(prefix, _)| name.starts_with(prefix))
        .map_or(Family::Ip, |(_, f)| f)
}

/// Whether `*`/`?` in this operator's values are wildcards.
pub fn globs(base: BaseOperator) -> bool {
    matches!(
        base,
        BaseOperator::StringLike
            | BaseOperator::StringNotLike
            | BaseOperator::ArnEquals
            | BaseOperator::ArnLike
            | BaseOperator::ArnNotEquals
            | BaseOperator::ArnNotLike
    )
}
