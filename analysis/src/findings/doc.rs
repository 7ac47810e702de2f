//! A lenient view of a policy's JSON tree for the checks: statements, their elements, condition
//! clauses and values, with the node of each for its span. Unlike the AST it exists for any
//! JSON document: an element of the wrong JSON type is skipped (the grammar's diagnostics report
//! it), so every check still runs on the rest, as Access Analyzer reports every finding.
//! Repeated member names: the first one counts (the grammar reports the others).

use iamc_grammar::ast::{Effect, Operator, PolicyType};
use iamc_grammar::json::{Json, Member, Node};
use iamc_grammar::validate::parse_operator;
use iamc_grammar::SourceFile;

/// One policy document.
pub struct Document<'a> {
    src: &'a SourceFile,
    root: &'a Node,
    kind: PolicyType,
    version: Option<&'a Node>,
    statement: Option<&'a Member>,
    statements: Vec<Statement<'a>>,
}

impl<'a> Document<'a> {
    pub fn new(src: &'a SourceFile, root: &'a Node, kind: PolicyType) -> Document<'a> {
        let members: &[Member] = match &root.value {
            Json::Object(m) => m,
            _ => &[],
        };
        let find = |name: &str| members.iter().find(|m| m.key == name);
        let statement = find("Statement");
        let statements = match statement.map(|m| &m.value) {
            Some(
                node @ Node {
                    value: Json::Object(_),
                    ..
                },
            ) => Statement::new(0, node).into_iter().collect(),
            Some(Node {
                value: Json::Array(items),
                ..
            }) => items
                .iter()
                .enumerate()
                .filter_map(|(i, n)| Statement::new(i, n))
                .collect(),
            _ => Vec::new(),
        };
        Document {
            src,
            root,
            kind,
            version: find("Version").map(|m| &m.value),
            statement,
            statements,
        }
    }

    pub fn src(&self) -> &'a SourceFile {
        self.src
    }

    pub fn root(&self) -> &'a Node {
        self.root
    }

    pub fn kind(&self) -> PolicyType {
        self.kind
    }

    /// The `Version` value, when present.
    pub fn version(&self) -> Option<&'a Node> {
        self.version
    }

    /// Whether `${...}` is a policy variable: only under `"Version": "2012-10-17"`.
    pub fn substitutes(&self) -> bool {
        matches!(self.version.map(|v| &v.value), Some(Json::String(s)) if s == "2012-10-17")
    }

    /// The `Statement` member, when present.
    pub fn statement_member(&self) -> Option<&'a Member> {
        self.statement
    }

    /// The statements that are JSON objects, in document order.
    pub fn statements(&self) -> &[Statement<'a>] {
        &self.statements
    }
}

/// A JSON string of the policy with its node.
#[derive(Debug, Clone, Copy)]
pub struct Str<'a> {
    pub text: &'a str,
    pub node: &'a Node,
}

/// One statement object.
pub struct Statement<'a> {
    /// Index in the `Statement` array (0 for a lone statement object).
    pub index: usize,
    pub node: &'a Node,
    members: &'a [Member],
    clauses: Vec<Clause<'a>>,
}

impl<'a> Statement<'a> {
    fn new(index: usize, node: &'a Node) -> Option<Statement<'a>> {
        let Json::Object(members) = &node.value else {
            return None;
        };
        let mut s = Statement {
            index,
            node,
            members,
            clauses: Vec::new(),
        };
        s.clauses = s.read_clauses();
        Some(s)
    }

    /// The first member named `name`.
    pub fn member(&self, name: &str) -> Option<&'a Member> {
        self.members.iter().find(|m| m.key == name)
    }

    pub fn members(&self) -> &'a [Member] {
        self.members
    }

    /// The effect, when `Effect` is exactly `Allow` or `Deny`.
    pub fn effect(&self) -> Option<Effect> {
        match self.member("Effect").map(|m| &m.value.value) {
            Some(Json::String(s)) if s == "Allow" => Some(Effect::Allow),
            Some(Json::String(s)) if s == "Deny" => Some(Effect::Deny),
            _ => None,
        }
    }

    pub fn is_allow(&self) -> bool {
        self.effect() == Some(Effect::Allow)
    }

    pub fn is_deny(&self) -> bool {
        self.effect() == Some(Effect::Deny)
    }

    /// The `Sid`, when it is a string.
    pub fn sid(&self) -> Option<Str<'a>> {
        let m = self.member("Sid")?;
        match &m.value.value {
            Json::String(s) => Some(Str {
                text: s,
                node: &m.value,
            }),
            _ => None,
        }
    }

    /// The string entries of element `name` (a string or an array; other entries skipped).
    pub fn strings(&self, name: &str) -> Vec<Str<'a>> {
        self.member(name)
            .map_or_else(Vec::new, |m| strings(&m.value))
    }

    /// `Action` (negated = false) or else `NotAction` (negated = true), with its member.
    pub fn actions(&self) -> Option<(&'a Member, bool)> {
        self.member("Action")
            .map(|m| (m, false))
            .or_else(|| self.member("NotAction").map(|m| (m, true)))
    }

    /// `Resource` or else `NotResource`.
    pub fn resources(&self) -> Option<(&'a Member, bool)> {
        self.member("Resource")
            .map(|m| (m, false))
            .or_else(|| self.member("NotResource").map(|m| (m, true)))
    }

    /// The entries of a `Principal` (not `NotPrincipal`) map: `(type member, value)` for each
    /// string value of each type.
    pub fn principal_entries(&self) -> Vec<(&'a Member, Str<'a>)> {
        match self.member("Principal").map(|m| &m.value.value) {
            Some(Json::Object(types)) => types
                .iter()
                .flat_map(|t| strings(&t.value).into_iter().map(move |v| (t, v)))
                .collect(),
            _ => Vec::new(),
        }
    }

    /// The condition clauses, in document order.
    pub fn clauses(&self) -> &[Clause<'a>] {
        &self.clauses
    }

    /// Every condition key of every clause with its clause.
    pub fn keys(&self) -> impl Iterator<Item = (&Clause<'a>, &KeyValues<'a>)> {
        self.clauses
            .iter()
            .flat_map(|c| c.keys.iter().map(move |k| (c, k)))
    }

    /// Whether some clause has the condition key `key` (names compared ignoring ASCII case).
    pub fn has_key(&self, key: &str) -> bool {
        self.keys().any(|(_, k)| k.name().eq_ignore_ascii_case(key))
    }

    fn read_clauses(&self) -> Vec<Clause<'a>> {
        let Some(Json::Object(ops)) = self.member("Condition").map(|m| &m.value.value) else {
            return Vec::new();
        };
        ops.iter()
            .map(|om| Clause {
                member: om,
                operator: parse_operator(&om.key).ok(),
                keys: match &om.value.value {
                    Json::Object(keys) => keys.iter().map(KeyValues::new).collect(),
                    _ => Vec::new(),
                },
            })
            .collect()
    }
}

/// The string entries of a string or an array of strings.
pub fn strings(v: &Node) -> Vec<Str<'_>> {
    match &v.value {
        Json::String(s) => vec![Str { text: s, node: v }],
        Json::Array(items) => items
            .iter()
            .filter_map(|n| match &n.value {
                Json::String(s) => Some(Str { text: s, node: n }),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// One `Operator: {...}` member of `Condition`.
pub struct Clause<'a> {
    pub member: &'a Member,
    /// `None` for a name that is no operator (the grammar reports it).
    pub operator: Option<Operator>,
    pub keys: Vec<KeyValues<'a>>,
}

/// The JSON type a condition value was written as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ValueType {
    String,
    Number,
    Bool,
}

/// One condition value: its canonical text (a string's contents, a number as written, `true`
/// or `false`).
#[derive(Debug, Clone, Copy)]
pub struct Value<'a> {
    pub text: &'a str,
    pub ty: ValueType,
    pub node: &'a Node,
}

/// One `key: values` member of an operator block.
pub struct KeyValues<'a> {
    pub member: &'a Member,
    /// The scalar values (a lone value gives one; `null`, objects and nested arrays skipped).
    pub values: Vec<Value<'a>>,
    /// Whether the values were written as an array.
    pub is_array: bool,
}

impl<'a> KeyValues<'a> {
    fn new(member: &'a Member) -> KeyValues<'a> {
        let scalar = |n: &'a Node| match &n.value {
            Json::String(s) => Some(Value {
                text: s,
                ty: ValueType::String,
                node: n,
            }),
            Json::Number(s) => Some(Value {
                text: s,
                ty: ValueType::Number,
                node: n,
            }),
            Json::Bool(b) => Some(Value {
                text: if *b { "true" } else { "false" },
                ty: ValueType::Bool,
                node: n,
            }),
            _ => None,
        };
        let (values, is_array) = match &member.value.value {
            Json::Array(items) => (items.iter().filter_map(scalar).collect(), true),
            _ => (scalar(&member.value).into_iter().collect(), false),
        };
        KeyValues {
            member,
            values,
            is_array,
        }
    }

    /// The key as written.
    pub fn name(&self) -> &'a str {
        &self.member.key
    }
}
