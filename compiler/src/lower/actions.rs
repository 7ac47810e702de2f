//! Pass 3: `Action` / `NotAction` to a lowercased glob list.
//!
//! Matching is ASCII-case-insensitive on both the service and the name (DESIGN.md "Actions"):
//! lowercasing the pattern here and the request byte by byte at run time is exactly that.
//! `?` is one Unicode scalar value; the name may contain `:` only literally in the request
//! (a pattern has exactly one colon, the grammar guarantees it).

use iamc_grammar::ast;

use crate::ir::{ActionMatcher, Glob, Piece};

/// The matcher of an `Action` / `NotAction` element.
///
/// ```
/// use iamc_grammar::{ast::PolicyType, PolicySet, SourceFile};
/// let src = SourceFile::new("p.json", r#"{"Statement":{"Effect":"Deny","NotAction":"IAM:*","Resource":"*"}}"#);
/// let policy = iamc_grammar::parse_policy(&src, PolicyType::Identity)?.policy;
/// let stmt = &policy.statements[0];
///
/// let m = iamc_compiler::lower::actions::lower_actions(&stmt.action);
/// assert!(m.negated && !m.any);
/// assert_eq!(m.patterns[0].to_string(), "iam:*");
///
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn lower_actions(block: &ast::ActionBlock) -> ActionMatcher {
    let globs = block.patterns.iter().filter_map(|p| match &p.node {
        ast::ActionPattern::Any => None,
        ast::ActionPattern::Service { service, name } => Some(service_glob(service, name)),
    });
    ActionMatcher {
        negated: block.negated,
        any: block
            .patterns
            .iter()
            .any(|p| p.node == ast::ActionPattern::Any),
        patterns: super::first_seen(globs.collect(), |g| g),
    }
}

/// `service:name` as a lowercased glob; wildcards appear only in the name (INVARIANT
/// (lowercase-actions)).
///
/// ```
/// let g = iamc_compiler::lower::actions::service_glob("EC2", "Describe?nstances");
/// assert_eq!(g.to_string(), "ec2:describe?nstances");
/// assert!(!g.is_literal());
/// ```
pub fn service_glob(service: &str, name: &str) -> Glob {
    let mut g = Glob::default();
    g.push_lit(&service.to_ascii_lowercase());
    g.push_lit(":");
    let mut lit = String::new();
    for c in name.chars() {
        match c {
            '*' | '?' => {
                g.push_lit(&lit);
                lit.clear();
                g.pieces.push(if c == '*' {
                    Piece::Star { colon: true }
                } else {
                    Piece::One { colon: true }
                });
            }
            c => lit.push(c.to_ascii_lowercase()),
        }
    }
    g.push_lit(&lit);
    g
}
