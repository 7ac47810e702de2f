//! The span-carrying JSON tree the LALRPOP grammar builds. Nesting is bounded by
//! [`crate::lexer::MAX_DEPTH`] before parsing, so walking or dropping it never recurses deeply.
//!
//! The workspace's one JSON string writer, [`write_string`], is here too, beside the reader
//! whose escapes it mirrors: every crate that prints JSON (the CLI's lines, the simulate
//! response, the compiler's synthesized pattern policies) writes its strings through it.

use std::fmt::Write as _;

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

/// Appends `s` as a JSON string literal, escaped as RFC 8259 and Python's
/// `json.dumps(ensure_ascii=False)` write it: `"` and `\\` escaped, the two-character forms
/// `\b \f \n \r \t`, every other control character as `\u00XX`, everything else as is.
///
/// ```
/// let mut out = String::new();
/// iamc_grammar::json::write_string(&mut out, "a\"b\n\u{1}é");
/// assert_eq!(out, r#""a\"b\n\u0001é""#);
/// ```
pub fn write_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if u32::from(c) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Appends `items` as a JSON array, each written by `item`.
///
/// ```
/// let mut out = String::new();
/// iamc_grammar::json::write_array(&mut out, &["a", "b"], |out, s| iamc_grammar::json::write_string(out, s));
/// assert_eq!(out, r#"["a","b"]"#);
/// ```
pub fn write_array<T>(out: &mut String, items: &[T], mut item: impl FnMut(&mut String, &T)) {
    out.push('[');
    for (i, x) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        item(out, x);
    }
    out.push(']');
}
