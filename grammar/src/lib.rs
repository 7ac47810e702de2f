//! iamc-grammar: policy bytes to a validated, span-carrying AST.
//!
//! Consumes the text of one IAM policy document; produces an [`ast::Policy`] in which every node
//! carries its byte [`Span`], or every problem found in the document as a [`Diagnostic`]
//! rendered `PATH:LINE:COL: error: message`. Strict JSON (RFC 8259) is lexed with `logos` and
//! parsed with a `lalrpop` grammar; the IAM rules (spec sections 1, 2, 4 and 6) are checked on
//! the resulting tree. This crate matches nothing and depends on no other iamc crate.
//!
//! Pipeline: [`lexer::tokenize`] (tokens, string decoding, the nesting limit
//! [`lexer::MAX_DEPTH`]) → the LALRPOP grammar `policy.lalrpop` (a [`json::Node`] tree; no
//! trailing commas, nothing after the document) → [`validate`] (IAM rules, every problem).
//! A JSON syntax error stops at the first one; IAM problems are all reported together (at most
//! [`validate::MAX_DIAGNOSTICS`] kept, the rest counted in a final error).
//!
//! Entry points: [`parse_policy`] (text), [`parse_policy_bytes`] (bytes: non-UTF-8 input is an
//! error at the first bad byte), [`parse_json`] (the JSON tree alone). Rules that real policies
//! break, or that the spec only recommends, are warnings: IAM ARNs with a region or a wildcard
//! in the resource-type token (spec 1.2 rule 5, A7), `NotPrincipal` with `Allow` (spec 4.8), an
//! empty `Resource` array outside identity-like policies (spec 1.2 rule 2).

pub mod ast;
pub mod diag;
pub mod json;
pub mod lexer;
mod limits;
pub mod set;
pub mod span;
mod template;
pub mod validate;
pub mod values;

lalrpop_util::lalrpop_mod!(
    #[allow(
        clippy::all,
        clippy::pedantic,
        clippy::nursery,
        clippy::restriction,
        unused,
        unused_qualifications,
        missing_docs
    )]
    policy
);

pub use diag::{
    Diagnostic, Diagnostics, FindingType, IssueCode, PathElement, Position, Severity, Warnings,
};
pub use lexer::MAX_DEPTH;
pub use limits::Limits;
pub use set::{PolicySet, Slots};
pub use span::{SourceFile, Span};

use diag::clip;
use lalrpop_util::ParseError;
use lexer::Tok;

/// An accepted policy and the warnings it drew.
#[derive(Debug, Clone)]
pub struct Parsed {
    pub policy: ast::Policy,
    /// Possibly empty; dereferences to `Vec<Diagnostic>` and renders with
    /// [`Warnings::render`].
    pub warnings: Warnings,
}

/// Parses and validates one policy document of the given kind, within the default [`Limits`].
/// `Policy.name` is `src.name()`. On rejection, every problem found (errors and warnings, in
/// document order).
pub fn parse_policy(src: &SourceFile, kind: ast::PolicyType) -> Result<Parsed, Diagnostics> {
    parse_policy_with(src, kind, &Limits::default())
}

/// [`parse_policy`] within the given [`Limits`]: a document over a limit is refused with an
/// error at the offending place naming the limit, before IAM validation.
pub fn parse_policy_with(
    src: &SourceFile,
    kind: ast::PolicyType,
    limits: &Limits,
) -> Result<Parsed, Diagnostics> {
    let root = parse_json_with(src, limits)?;
    let mut v = validate::Validator::new(src, kind);
    let policy = v.policy(&root);
    let diags = v.into_diagnostics();
    match policy {
        Some(policy) if !diags.iter().any(Diagnostic::is_error) => {
            let mut warnings = diags;
            warnings.sort_by_key(|d| d.span().start);
            Ok(Parsed {
                policy,
                warnings: Warnings(warnings),
            })
        }
        _ => Err(Diagnostics::new(diags).unwrap_or_else(|| {
            single(
                Diagnostic::new(
                    src,
                    Severity::Error,
                    root.span,
                    "the policy is invalid",
                    None,
                )
                .with_code(IssueCode::DataTypeMismatch),
            )
        })),
    }
}

/// Like [`parse_policy`] for raw bytes: text that is not UTF-8 is an error at the first bad
/// byte (its line and column count the valid text before it).
pub fn parse_policy_bytes(
    name: &str,
    bytes: &[u8],
    kind: ast::PolicyType,
) -> Result<Parsed, Diagnostics> {
    match std::str::from_utf8(bytes) {
        Ok(text) => parse_policy(&SourceFile::new(name, text), kind),
        Err(e) => {
            let at = e.valid_up_to();
            let src = SourceFile::new(name, String::from_utf8_lossy(bytes).into_owned());
            Err(single(
                Diagnostic::new(
                    &src,
                    Severity::Error,
                    Span::new(at, at + 1),
                    format!("the policy is not valid UTF-8 (byte {at})"),
                    None,
                )
                .with_code(IssueCode::JsonSyntaxError),
            ))
        }
    }
}

fn single(d: Diagnostic) -> Diagnostics {
    Diagnostics::from_one(d)
}

/// The JSON tree of a policy document within `limits`: the first syntax error, or every
/// exceeded limit (each at its place), or the tree. [`parse_policy_with`] validates this tree;
/// analyses that walk the tree themselves start here.
pub fn parse_json_with(src: &SourceFile, limits: &Limits) -> Result<json::Node, Diagnostics> {
    if let Some(d) = limits::check_size(src, limits) {
        return Err(single(d));
    }
    let root = parse_json(src).map_err(single)?;
    let over = limits::check_tree(src, &root, limits)
        .into_iter()
        .map(|d| {
            let path = diag::path_to(src, &root, d.span());
            d.with_path(path)
        })
        .collect();
    match Diagnostics::new(over) {
        Some(d) => Err(d),
        None => Ok(root),
    }
}

/// Strict JSON to a span-carrying tree, or the first syntax error.
pub fn parse_json(src: &SourceFile) -> Result<json::Node, Diagnostic> {
    let text = src.text();
    let tokens = lexer::tokenize(text).map_err(|e| {
        Diagnostic::new(src, Severity::Error, e.span, e.message, e.help)
            .with_code(IssueCode::JsonSyntaxError)
    })?;
    let parser = policy::DocumentParser::new();
    let input = tokens.into_iter().map(Ok::<_, std::convert::Infallible>);
    parser.parse(input).map_err(|e| {
        // The error path only: lex again to see the token before the bad one.
        let tokens = lexer::tokenize(text).unwrap_or_default();
        syntax_error(src, &tokens, e)
    })
}

fn syntax_error(
    src: &SourceFile,
    tokens: &[lexer::Spanned],
    e: ParseError<usize, Tok, std::convert::Infallible>,
) -> Diagnostic {
    let text = src.text();
    let found = |l: usize, r: usize| format!("`{}`", clip(text.get(l..r).unwrap_or_default()));
    let (span, message, help) = match e {
        ParseError::UnrecognizedToken {
            token: (l, tok, r),
            expected,
        } => {
            // A `,` right before `]` or `}`: a trailing comma.
            let prev = tokens.iter().take_while(|(s, _, _)| *s < l).last();
            match (prev, &tok) {
                _ if expected.is_empty() => (
                    Span::new(l, r),
                    format!("unexpected {} after the end of the document", found(l, r)),
                    None,
                ),
                (Some((cl, Tok::Comma, cr)), Tok::RBracket | Tok::RBrace) => (
                    Span::new(*cl, *cr),
                    "trailing comma".to_owned(),
                    Some("JSON allows no comma after the last element".to_owned()),
                ),
                _ => (
                    Span::new(l, r),
                    format!(
                        "expected {}, found {}",
                        expected_list(&expected),
                        found(l, r)
                    ),
                    None,
                ),
            }
        }
        ParseError::UnrecognizedEof { location, expected } => (
            Span::new(location, location),
            if tokens.is_empty() {
                "the policy is empty".to_owned()
            } else {
                format!(
                    "unexpected end of input, expected {}",
                    expected_list(&expected)
                )
            },
            None,
        ),
        ParseError::ExtraToken { token: (l, _, r) } => (
            Span::new(l, r),
            format!("unexpected {} after the end of the document", found(l, r)),
            None,
        ),
        ParseError::InvalidToken { location } => (
            Span::new(location, location),
            "invalid token".to_owned(),
            None,
        ),
        ParseError::User { error } => match error {},
    };
    Diagnostic::new(src, Severity::Error, span, message, help).with_code(IssueCode::JsonSyntaxError)
}

/// `a value`, `` `,` or `}` ``, ... from LALRPOP's quoted terminal names.
fn expected_list(expected: &[String]) -> String {
    let mut names: Vec<&str> = expected.iter().map(|s| s.trim_matches('"')).collect();
    // Separators first, in a fixed order.
    let rank = |n: &&str| {
        [",", ":", "]", "}"]
            .iter()
            .position(|p| p == n)
            .unwrap_or(4)
    };
    names.sort_by_key(rank);
    let value = ["{", "[", "string", "number", "true", "false", "null"];
    let mut parts: Vec<String> = Vec::new();
    if value.iter().all(|v| names.contains(v)) {
        parts.push("a value".to_owned());
    }
    for n in &names {
        if parts.first().is_some_and(|p| p == "a value") && value.contains(n) {
            continue;
        }
        parts.push(match *n {
            "string" => "a string".to_owned(),
            "number" => "a number".to_owned(),
            other => format!("`{other}`"),
        });
    }
    match parts.len() {
        0 => "nothing".to_owned(),
        1 => parts.concat(),
        _ => {
            let (last, rest) = parts
                .split_last()
                .map_or((String::new(), &[][..]), |(l, r)| (l.clone(), r));
            format!("{} or {last}", rest.join(", "))
        }
    }
}
