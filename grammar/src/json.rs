//! The span-carrying JSON tree the LALRPOP grammar builds. Nesting is bounded by
//! [`crate::lexer::MAX_DEPTH`] before parsing, so walking or dropping it never recurses deeply.

use crate::span::Span;

/// A JSON value with the span of its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    pub value: Json,
    pub span: Span,
}

impl Node {
    pub fn new(value: Json, start: usize, end: usize) -> Node {
        Node {
            value,
            span: Span::new(start, end),
        }
    }

    /// How the value is described in a message: `an object`, `a string`, `null`.
    pub fn describe(&self) -> &'static str {
        match self.value {
            Json::Null => "`null`",
            Json::Bool(true) => "`true`",
            Json::Bool(false) => "`false`",
            Json::Number(_) => "a number",
            Json::String(_) => "a string",
            Json::Array(_) => "an array",
            Json::Object(_) => "an object",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Json {
    Null,
    Bool(bool),
    /// The number's JSON text as written.
    Number(String),
    /// The decoded string.
    String(String),
    Array(Vec<Node>),
    /// Members in document order; duplicates are kept (the validator reports them).
    Object(Vec<Member>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub key: String,
    /// The key's string token, quotes included.
    pub key_span: Span,
    pub value: Node,
}
