//! The document tree both template syntaxes are read into: JSON (through the grammar's strict
//! JSON reader) and YAML (through [`super::yaml`]). Every node keeps the template bytes it was
//! written in, and every scalar how it was written, so its text can be mapped back exactly.
//!
//! INVARIANT (tree-depth): a tree is at most [`MAX_DEPTH`] levels deep (the JSON reader and the
//! YAML builder refuse deeper input), so the recursive walks over it stay shallow.

use std::collections::HashMap;

use iamc_grammar::json::{self, Json};
use iamc_grammar::Span;

use super::map::{self, Mapped, ScalarStyle};

/// The deepest nesting of a template read here: the grammar's JSON limit.
pub(crate) const MAX_DEPTH: usize = iamc_grammar::MAX_DEPTH;

/// A problem at a place of the template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Problem {
    pub span: Span,
    pub message: String,
    pub help: Option<String>,
    /// An earlier place the problem refers to (the first of two duplicate keys): rendered as
    /// the help `first written at line L, column C` when there is no other help.
    pub first: Option<Span>,
}

impl Problem {
    pub fn new(span: Span, message: impl Into<String>) -> Problem {
        Problem {
            span,
            message: message.into(),
            help: None,
            first: None,
        }
    }

    pub fn help(mut self, help: impl Into<String>) -> Problem {
        self.help = Some(help.into());
        self
    }
}

/// How a scalar was written: decides how its text maps back to the template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Style {
    /// A JSON token (a string literal with its quotes, or a number, `true`, ...).
    Json,
    Yaml(ScalarStyle),
    /// Made by the reader (the `Fn::Sub` key of a `!Sub` tag): stands for its span as a whole.
    Synthetic,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Node {
    /// The template bytes of the node (a YAML tag included).
    pub span: Span,
    pub value: Value,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Value {
    Null,
    Bool(bool),
    /// A number as written (JSON number syntax).
    Number(String, Style),
    /// A string, decoded.
    Str(String, Style),
    Seq(Vec<Node>),
    /// Entries in document order; keys are unique (the readers refuse duplicates).
    Map(Vec<Entry>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Entry {
    pub key: String,
    pub key_span: Span,
    pub key_style: Style,
    pub value: Node,
}

impl Entry {
    /// The key's text with its map.
    pub fn key_mapped(&self, text: &str) -> Mapped {
        scalar_mapped(text, &self.key, self.key_span, self.key_style)
    }
}

impl Node {
    /// The member `key` of a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            Value::Map(entries) => entries.iter().find(|e| e.key == key).map(|e| &e.value),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Str(s, _) => Some(s),
            _ => None,
        }
    }

    /// How the value is described in a message.
    pub fn describe(&self) -> &'static str {
        match &self.value {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Number(..) => "a number",
            Value::Str(..) => "a string",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a mapping",
        }
    }

    /// A scalar's text (strings, numbers, booleans) with its map; `None` for null and
    /// collections.
    pub fn scalar_mapped(&self, text: &str) -> Option<Mapped> {
        match &self.value {
            Value::Str(s, style) | Value::Number(s, style) => {
                Some(scalar_mapped(text, s, self.span, *style))
            }
            Value::Bool(b) => {
                let mut m = Mapped::new();
                m.push(if *b { "true" } else { "false" }, self.span, false);
                Some(m)
            }
            Value::Null | Value::Seq(_) | Value::Map(_) => None,
        }
    }
}

/// The map of a scalar `value` written at `span` in `style`.
pub(crate) fn scalar_mapped(text: &str, value: &str, span: Span, style: Style) -> Mapped {
    match style {
        Style::Json => {
            if text.get(span.start..span.start + 1) == Some("\"") {
                map::json_string(text, span)
            } else {
                let mut m = Mapped::new();
                m.push(value, span, true);
                m
            }
        }
        Style::Yaml(s) => map::yaml_scalar(text, span, value, s),
        Style::Synthetic => {
            let mut m = Mapped::new();
            m.push(value, span, false);
            m
        }
    }
}

/// The grammar's JSON tree as a template tree. A key repeated in one object is an error at its
/// second occurrence.
pub(crate) fn from_json(node: json::Node) -> Result<Node, Problem> {
    let span = node.span;
    let value = match node.value {
        Json::Null => Value::Null,
        Json::Bool(b) => Value::Bool(b),
        Json::Number(n) => Value::Number(n, Style::Json),
        Json::String(s) => Value::Str(s, Style::Json),
        // INVARIANT (tree-depth): the grammar's lexer bounds JSON nesting to `MAX_DEPTH`.
        Json::Array(items) => {
            Value::Seq(items.into_iter().map(from_json).collect::<Result<_, _>>()?)
        }
        Json::Object(members) => {
            let mut seen: HashMap<String, Span> = HashMap::new();
            let mut entries = Vec::with_capacity(members.len());
            for m in members {
                if let Some(first) = seen.get(&m.key) {
                    return Err(duplicate(&m.key, m.key_span, *first));
                }
                seen.insert(m.key.clone(), m.key_span);
                entries.push(Entry {
                    key: m.key,
                    key_span: m.key_span,
                    key_style: Style::Json,
                    value: from_json(m.value)?,
                });
            }
            Value::Map(entries)
        }
    };
    Ok(Node { span, value })
}

/// The error for a key written twice in one mapping.
pub(crate) fn duplicate(key: &str, at: Span, first: Span) -> Problem {
    Problem {
        first: Some(first),
        ..Problem::new(at, format!("duplicate key `{}`", clip(key)))
    }
}

/// User text shortened for a message, as the grammar's messages quote it.
pub(crate) use iamc_grammar::diag::clip;
