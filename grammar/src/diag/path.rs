//! Where a span sits in the JSON tree, as Access Analyzer's location path (findings.md 2.1):
//! `[{"value":"Statement"},{"index":0},{"value":"Action"},{"index":1}]`.

use std::fmt;

use crate::json::{Json, Node};
use crate::span::{SourceFile, Span};

/// One step of a location path.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PathElement {
    /// An element of an array.
    Index(usize),
    /// The name of an object member itself (a bad key, a bad element name).
    Key(String),
    /// The value of an object member.
    Value(String),
    /// Part of a string, in characters from its first character after the quote.
    Substring { start: usize, length: usize },
}

impl fmt::Display for PathElement {
    /// `Statement`, `[0]`, `key:Comment`, `[3..5]`: a compact form for tests and logs.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PathElement::Index(i) => write!(f, "[{i}]"),
            PathElement::Key(k) => write!(f, "key:{k}"),
            PathElement::Value(k) => f.write_str(k),
            PathElement::Substring { start, length } => {
                write!(f, "[{start}..{}]", start + length)
            }
        }
    }
}

/// The path from `root` to the node (or member name) whose span is `span`. It descends while
/// a member value or array element contains `span`, ends with `Key` when `span` is a member
/// name, and with `Substring` when `span` lies strictly inside a string. A span outside the
/// tree gives the empty path (the whole document).
pub fn path_to(src: &SourceFile, root: &Node, span: Span) -> Vec<PathElement> {
    let contains = |outer: Span| outer.start <= span.start && span.end <= outer.end;
    let mut path = Vec::new();
    let mut node = root;
    // Each step goes one level deeper: at most `MAX_DEPTH` iterations.
    loop {
        if node.span == span {
            return path;
        }
        match &node.value {
            Json::Object(members) => {
                if let Some(m) = members.iter().find(|m| m.key_span == span) {
                    path.push(PathElement::Key(m.key.clone()));
                    return path;
                }
                match members.iter().find(|m| contains(m.value.span)) {
                    Some(m) => {
                        path.push(PathElement::Value(m.key.clone()));
                        node = &m.value;
                    }
                    None => return path,
                }
            }
            Json::Array(items) => match items.iter().enumerate().find(|(_, n)| contains(n.span)) {
                Some((i, n)) => {
                    path.push(PathElement::Index(i));
                    node = n;
                }
                None => return path,
            },
            Json::String(_) if contains(node.span) => {
                let text = src.text();
                let inner = node.span.start.saturating_add(1);
                let chars = |a: usize, b: usize| text.get(a..b).map_or(0, |s| s.chars().count());
                path.push(PathElement::Substring {
                    start: chars(inner, span.start.max(inner)),
                    length: chars(span.start.max(inner), span.end),
                });
                return path;
            }
            _ => return path,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show(path: &[PathElement]) -> String {
        path.iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn paths_of_values_keys_and_substrings() {
        let text = r#"{"Statement": [{"Action": ["a", "ecs:StopTsk"], "Comment": 1}]}"#;
        let src = SourceFile::new("p", text);
        let root = crate::parse_json(&src).unwrap();
        let at = |needle: &str| {
            let s = text.find(needle).unwrap();
            Span::new(s, s + needle.len())
        };
        assert_eq!(
            show(&path_to(&src, &root, at("\"ecs:StopTsk\""))),
            "Statement [0] Action [1]"
        );
        assert_eq!(
            show(&path_to(&src, &root, at("\"Comment\""))),
            "Statement [0] key:Comment"
        );
        assert_eq!(
            show(&path_to(&src, &root, at("StopTsk"))),
            "Statement [0] Action [1] [4..11]"
        );
        assert_eq!(show(&path_to(&src, &root, root.span)), "");
        assert_eq!(
            show(&path_to(&src, &root, at("{\"Action\""))),
            "Statement [0]"
        );
    }
}
