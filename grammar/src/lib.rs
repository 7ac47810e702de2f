//! iamc-grammar: policy bytes to a validated, span-carrying AST.
//!
//! Consumes the text of one IAM policy document; produces an [`ast::Policy`] in which every node
//! carries its byte [`Span`], or every problem found in the document as a [`Diagnostic`]
//! rendered `PATH:LINE:COL: error: message`. Strict JSON (RFC 8259) is lexed with `logos` and
//! parsed with a `lalrpop` grammar; the IAM rules (spec sections 1, 2, 4 and 6) are checked on
//! the resulting tree. This crate matches nothing and depends on no other iamc crate.

pub mod ast;
pub mod span;

pub use span::{SourceFile, Span};
