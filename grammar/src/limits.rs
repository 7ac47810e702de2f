//! [`Limits`]: how large a policy document may be before it is refused, checked on the JSON
//! tree before IAM validation so that no later stage (validation, lowering, automata) sees an
//! input larger than these bounds. Each exceeded limit is an error at the offending place that
//! names the limit.

use crate::diag::{Diagnostic, IssueCode, Severity};
use crate::json::{Json, Node};
use crate::span::{SourceFile, Span};

/// Size limits for one policy document. The defaults are far above what the real corpus needs
/// (the largest of the 1,533 policies in `../shared/policies` is 205,538 bytes, the most
/// statements in one is 162), and low enough that compiling a document within them stays in
/// seconds and well under 1 GiB.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Bytes of the whole document (default 8 MiB).
    pub max_document_bytes: usize,
    /// Entries of the `Statement` array (default 50,000; 20,000 simple statements compile in
    /// about 2.4 s and 90 MB).
    pub max_statements: usize,
    /// Elements of any one JSON array: `Action`, `Resource`, condition values, ... (default
    /// 10,000).
    pub max_array_elements: usize,
    /// Bytes of any one JSON string once decoded: a pattern, a condition value, a key (default
    /// 64 KiB).
    pub max_string_bytes: usize,
    /// Wildcards (`*`, `?`) in any one string (default 256): every wildcard of a glob multiplies
    /// the work of building its automaton.
    pub max_wildcards: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_document_bytes: 8 << 20,
            max_statements: 50_000,
            max_array_elements: 10_000,
            max_string_bytes: 64 << 10,
            max_wildcards: 256,
        }
    }
}

/// Limit errors reported per document at most (a document of 30,000 over-long strings gets
/// 100 errors, not 30,000).
const MAX_REPORTED: usize = 100;

/// The document-size check, before lexing.
pub(crate) fn check_size(src: &SourceFile, limits: &Limits) -> Option<Diagnostic> {
    let len = src.text().len();
    (len > limits.max_document_bytes).then(|| {
        Diagnostic::new(
            src,
            Severity::Error,
            Span::new(0, 0),
            format!(
                "the policy is {len} bytes, more than the limit of {} bytes (`max_document_bytes`)",
                limits.max_document_bytes
            ),
            None,
        )
        .with_code(IssueCode::IamcLimitExceeded)
    })
}

/// Every array, string and the `Statement` array of `root` against the limits.
pub(crate) fn check_tree(src: &SourceFile, root: &Node, limits: &Limits) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let err = |span: Span, msg: String| {
        Diagnostic::new(src, Severity::Error, span, msg, None)
            .with_code(IssueCode::IamcLimitExceeded)
    };
    // The `Statement` array has its own limit instead of `max_array_elements`.
    let mut statements: Option<&Node> = None;
    if let Json::Object(members) = &root.value {
        for m in members.iter().filter(|m| m.key == "Statement") {
            if let Json::Array(items) = &m.value.value {
                statements = Some(&m.value);
                if items.len() > limits.max_statements {
                    out.push(err(
                        m.value.span,
                        format!(
                            "`Statement` has {} entries, more than the limit of {} (`max_statements`)",
                            items.len(),
                            limits.max_statements
                        ),
                    ));
                }
            }
        }
    }
    // The tree is at most `MAX_DEPTH` deep: an explicit stack keeps this loop flat anyway.
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        if out.len() >= MAX_REPORTED {
            break;
        }
        match &node.value {
            Json::Array(items) => {
                let is_statements = statements.is_some_and(|st| std::ptr::eq(st, node));
                if !is_statements && items.len() > limits.max_array_elements {
                    out.push(err(
                        node.span,
                        format!(
                            "an array of {} elements, more than the limit of {} (`max_array_elements`)",
                            items.len(),
                            limits.max_array_elements
                        ),
                    ));
                }
                stack.extend(items.iter());
            }
            Json::Object(members) => {
                for m in members {
                    if m.key.len() > limits.max_string_bytes {
                        out.push(err(
                            m.key_span,
                            format!(
                                "a key of {} bytes, more than the limit of {} (`max_string_bytes`)",
                                m.key.len(),
                                limits.max_string_bytes
                            ),
                        ));
                    }
                    stack.push(&m.value);
                }
            }
            Json::String(s) => {
                if s.len() > limits.max_string_bytes {
                    out.push(err(
                        node.span,
                        format!(
                            "a string of {} bytes, more than the limit of {} (`max_string_bytes`)",
                            s.len(),
                            limits.max_string_bytes
                        ),
                    ));
                }
                let wildcards = s.bytes().filter(|&b| b == b'*' || b == b'?').count();
                if wildcards > limits.max_wildcards {
                    out.push(err(
                        node.span,
                        format!(
                            "a string with {wildcards} wildcards, more than the limit of {} (`max_wildcards`)",
                            limits.max_wildcards
                        ),
                    ));
                }
            }
            Json::Null | Json::Bool(_) | Json::Number(_) => {}
        }
    }
    out
}
