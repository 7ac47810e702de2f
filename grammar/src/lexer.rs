//! Strict RFC 8259 JSON tokens, lexed with `logos`, plus the token pre-pass that bounds nesting.
//!
//! Strings are decoded here (every escape, `\uXXXX` surrogate pairs; a lone surrogate, a raw
//! control character or an unknown escape is an error at its own position). Numbers keep their
//! JSON text and are checked against the RFC grammar (`01`, `1.`, `.5`, `1e` are errors).

use logos::{Lexer, Logos};

use crate::diag::clip;
use crate::span::Span;

/// The deepest nesting of arrays and objects a policy may have. Real policies nest at most 4
/// levels (document, `Condition`, operator block, value array); 64 leaves generous room while
/// keeping every later recursive walk over the tree shallow.
pub const MAX_DEPTH: usize = 64;

/// A lexing problem with the exact span it concerns.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LexError {
    pub span: Span,
    pub message: String,
    pub help: Option<String>,
}

impl LexError {
    fn new(start: usize, end: usize, message: impl Into<String>) -> LexError {
        LexError {
            span: Span::new(start, end),
            message: message.into(),
            help: None,
        }
    }

    fn with_help(mut self, help: impl Into<String>) -> LexError {
        self.help = Some(help.into());
        self
    }

    /// The error for a character no token starts with.
    fn from_lexer(lex: &mut Lexer<'_, Tok>) -> LexError {
        let start = lex.span().start;
        let c = lex.source().get(start..).and_then(|s| s.chars().next());
        match c {
            Some('\u{feff}') => LexError::new(start, start + 3, "unexpected byte order mark")
                .with_help("JSON text starts with no byte order mark; remove it"),
            Some(c) => {
                let end = start + c.len_utf8();
                LexError::new(start, end, format!("unexpected character {}", show_char(c)))
            }
            None => LexError::new(start, start, "unexpected end of input"),
        }
    }
}

/// A character for a message: printable ones in backticks, others as `U+XXXX`.
fn show_char(c: char) -> String {
    if c.is_control() || c.is_whitespace() {
        format!("U+{:04X}", u32::from(c))
    } else {
        format!("`{c}`")
    }
}

/// The tokens of JSON.
#[derive(Logos, Debug, Clone, PartialEq, Eq)]
#[logos(error(LexError, LexError::from_lexer))]
#[logos(skip r"[ \t\r\n]+")]
pub enum Tok {
    #[token("{")]
    LBrace,
    #[token("}")]
    RBrace,
    #[token("[")]
    LBracket,
    #[token("]")]
    RBracket,
    #[token(":")]
    Colon,
    #[token(",")]
    Comma,
    #[token("true")]
    True,
    #[token("false")]
    False,
    #[token("null")]
    Null,
    /// A string's decoded contents.
    #[token("\"", lex_string)]
    Str(String),
    /// A number's JSON text, as written.
    #[regex(r"-?[0-9][0-9A-Za-z.+\-]*", lex_number)]
    Num(String),
    /// A bare word that is not a JSON literal (`True`, `None`, an unquoted key): always an
    /// error, lexed as a whole so the message can name it.
    #[regex(r"[A-Za-z_][A-Za-z0-9_]*", bare_word, priority = 1)]
    BareWord,
}

fn bare_word(lex: &mut Lexer<'_, Tok>) -> Result<(), LexError> {
    let span = lex.span();
    let word = lex.slice();
    let err = LexError::new(span.start, span.end, format!("unexpected `{}`", clip(word)));
    let lower = word.to_ascii_lowercase();
    Err(match lower.as_str() {
        "true" | "false" | "null" => {
            err.with_help(format!("JSON literals are lowercase: `{lower}`"))
        }
        _ => err.with_help("strings and member names are written in double quotes"),
    })
}

fn lex_number(lex: &mut Lexer<'_, Tok>) -> Result<String, LexError> {
    let span = lex.span();
    let text = lex.slice();
    match check_number(text) {
        Ok(()) => Ok(text.to_owned()),
        Err(msg) => Err(LexError::new(span.start, span.end, msg)),
    }
}

/// Checks `text` against `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
fn check_number(text: &str) -> Result<(), String> {
    let b = text.as_bytes();
    let mut i = 0;
    let digits = |i: &mut usize| {
        let s = *i;
        while b.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i - s
    };
    if b.get(i) == Some(&b'-') {
        i += 1;
    }
    let int_start = i;
    let n = digits(&mut i);
    if n == 0 {
        return Err(format!("invalid number `{}`", clip(text)));
    }
    if n > 1 && b.get(int_start) == Some(&b'0') {
        return Err(format!(
            "invalid number `{}`: leading zeros are not allowed",
            clip(text)
        ));
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        if digits(&mut i) == 0 {
            return Err(format!(
                "invalid number `{}`: a digit must follow the decimal point",
                clip(text)
            ));
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return Err(format!(
                "invalid number `{}`: the exponent has no digits",
                clip(text)
            ));
        }
    }
    if i == b.len() {
        Ok(())
    } else {
        Err(format!("invalid number `{}`", clip(text)))
    }
}

/// Lexes a string whose opening quote has just been matched; decodes it and moves the lexer
/// past the closing quote.
fn lex_string(lex: &mut Lexer<'_, Tok>) -> Result<String, LexError> {
    let quote = lex.span().start;
    let body_start = lex.span().end;
    let rest = lex.remainder();
    let (result, consumed) = decode_string(rest, quote, body_start);
    lex.bump(consumed);
    result
}

/// Decodes the string body `rest` (after the opening quote at `quote`; `base` is the offset of
/// `rest`). Returns the decoded text or the first error, and the number of bytes consumed.
fn decode_string(rest: &str, quote: usize, base: usize) -> (Result<String, LexError>, usize) {
    let mut out = String::new();
    let mut it = rest.char_indices().peekable();
    let err = |e: LexError, consumed: usize| (Err(e), consumed);
    while let Some((i, c)) = it.next() {
        let at = base + i;
        match c {
            '"' => return (Ok(out), i + 1),
            '\\' => {
                let Some((j, e)) = it.next() else {
                    return err(
                        LexError::new(quote, quote + 1, "unterminated string"),
                        rest.len(),
                    );
                };
                let simple = match e {
                    '"' => Some('"'),
                    '\\' => Some('\\'),
                    '/' => Some('/'),
                    'b' => Some('\u{8}'),
                    'f' => Some('\u{c}'),
                    'n' => Some('\n'),
                    'r' => Some('\r'),
                    't' => Some('\t'),
                    _ => None,
                };
                if let Some(s) = simple {
                    out.push(s);
                    continue;
                }
                if e != 'u' {
                    let end = base + j + e.len_utf8();
                    return err(
                        LexError::new(at, end, format!("invalid escape `\\{e}` in string"))
                            .with_help(
                                "the escapes are \\\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX",
                            ),
                        j + e.len_utf8(),
                    );
                }
                let Some(unit) = hex4(rest, j + 1) else {
                    let end = (base + j + 5).min(base + rest.len());
                    return err(
                        LexError::new(at, end, "invalid unicode escape: `\\u` takes 4 hex digits"),
                        j + 1,
                    );
                };
                // Skip the four hex digits.
                for _ in 0..4 {
                    it.next();
                }
                let code = match unit {
                    0xD800..=0xDBFF => {
                        // A high surrogate: a `\uDC00`..`\uDFFF` escape must follow.
                        let next = j + 5;
                        let low = rest
                            .get(next..)
                            .filter(|s| s.starts_with("\\u"))
                            .and_then(|_| hex4(rest, next + 2))
                            .filter(|u| (0xDC00..=0xDFFF).contains(u));
                        let Some(low) = low else {
                            return err(
                                LexError::new(
                                    at,
                                    base + j + 5,
                                    format!("lone surrogate `\\u{unit:04X}` in string"),
                                )
                                .with_help("a high surrogate must be followed by a low surrogate escape (`\\uDC00` to `\\uDFFF`)"),
                                j + 5,
                            );
                        };
                        for _ in 0..6 {
                            it.next();
                        }
                        0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
                    }
                    0xDC00..=0xDFFF => {
                        return err(
                            LexError::new(
                                at,
                                base + j + 5,
                                format!("lone surrogate `\\u{unit:04X}` in string"),
                            ),
                            j + 5,
                        );
                    }
                    u => u,
                };
                match char::from_u32(code) {
                    Some(ch) => out.push(ch),
                    None => {
                        return err(
                            LexError::new(at, base + j + 5, "invalid unicode escape"),
                            j + 5,
                        );
                    }
                }
            }
            '\n' | '\r' => {
                return err(
                    LexError::new(quote, quote + 1, "unterminated string")
                        .with_help("a string cannot span lines; write a line break as `\\n`"),
                    i,
                );
            }
            c if u32::from(c) < 0x20 => {
                return err(
                    LexError::new(
                        at,
                        at + 1,
                        format!("unescaped control character {} in string", show_char(c)),
                    )
                    .with_help(format!("write it as `\\u{:04X}`", u32::from(c))),
                    i + 1,
                );
            }
            c => out.push(c),
        }
    }
    err(
        LexError::new(quote, quote + 1, "unterminated string"),
        rest.len(),
    )
}

/// The value of the four hex digits at byte `at` of `s`.
fn hex4(s: &str, at: usize) -> Option<u32> {
    let digits = s.get(at..at.checked_add(4)?)?;
    if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    u32::from_str_radix(digits, 16).ok()
}

/// A token with its byte offsets, as the parser consumes it.
pub type Spanned = (usize, Tok, usize);

/// The token pre-pass: every token of `text`, or the first lexing error. Rejects nesting deeper
/// than [`MAX_DEPTH`] at the first bracket or brace past the limit, so the LR parser and every
/// later walk over the tree stay shallow.
pub fn tokenize(text: &str) -> Result<Vec<Spanned>, LexError> {
    let mut tokens = Vec::new();
    let mut depth = 0usize;
    let mut lex = Tok::lexer(text);
    while let Some(tok) = lex.next() {
        let span = lex.span();
        let tok = tok?;
        match tok {
            Tok::LBrace | Tok::LBracket => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Err(LexError::new(
                        span.start,
                        span.end,
                        format!("the document nests deeper than {MAX_DEPTH} levels"),
                    ));
                }
            }
            Tok::RBrace | Tok::RBracket => depth = depth.saturating_sub(1),
            _ => {}
        }
        tokens.push((span.start, tok, span.end));
    }
    Ok(tokens)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(s: &str) -> Vec<Tok> {
        tokenize(s)
            .unwrap()
            .into_iter()
            .map(|(_, t, _)| t)
            .collect()
    }

    fn err(s: &str) -> (usize, usize, String) {
        let e = tokenize(s).unwrap_err();
        (e.span.start, e.span.end, e.message)
    }

    #[test]
    fn punctuation_and_literals() {
        assert_eq!(
            toks("{ } [ ] : , true false null"),
            vec![
                Tok::LBrace,
                Tok::RBrace,
                Tok::LBracket,
                Tok::RBracket,
                Tok::Colon,
                Tok::Comma,
                Tok::True,
                Tok::False,
                Tok::Null
            ]
        );
    }

    #[test]
    fn strings_decode_every_escape() {
        assert_eq!(
            toks(r#""a\"\\\/\b\f\n\r\t\u00e9\uD83D\uDE00""#),
            vec![Tok::Str("a\"\\/\u{8}\u{c}\n\r\té😀".into())]
        );
        assert_eq!(toks(r#""é""#), vec![Tok::Str("é".into())]);
    }

    #[test]
    fn string_errors_have_positions() {
        assert_eq!(err(r#""a\x""#).2, "invalid escape `\\x` in string");
        assert_eq!(err(r#""a\x""#).0, 2);
        assert_eq!(err(r#""\uD800""#).2, "lone surrogate `\\uD800` in string");
        assert_eq!(
            err(r#""\uD800\u0041""#).2,
            "lone surrogate `\\uD800` in string"
        );
        assert_eq!(err(r#""\uDC00""#).2, "lone surrogate `\\uDC00` in string");
        assert_eq!(
            err(r#""\u12G4""#).2,
            "invalid unicode escape: `\\u` takes 4 hex digits"
        );
        assert_eq!(err("  \"abc"), (2, 3, "unterminated string".into()));
        assert_eq!(err("\"a\nb\""), (0, 1, "unterminated string".into()));
        assert_eq!(
            err("\"a\tb\"").2,
            "unescaped control character U+0009 in string"
        );
    }

    #[test]
    fn numbers_follow_the_rfc() {
        assert_eq!(
            toks("0 -0 1.5 -2e10 3E+2 4e-1 1024.0"),
            ["0", "-0", "1.5", "-2e10", "3E+2", "4e-1", "1024.0"]
                .map(|s| Tok::Num(s.into()))
                .to_vec()
        );
        assert_eq!(
            err("01").2,
            "invalid number `01`: leading zeros are not allowed"
        );
        assert_eq!(
            err("-00").2,
            "invalid number `-00`: leading zeros are not allowed"
        );
        assert_eq!(
            err("1.").2,
            "invalid number `1.`: a digit must follow the decimal point"
        );
        assert_eq!(
            err("1e").2,
            "invalid number `1e`: the exponent has no digits"
        );
        assert_eq!(err("1x").2, "invalid number `1x`");
        assert_eq!(err("-").2, "unexpected character `-`");
        assert_eq!(err(".5").2, "unexpected character `.`");
    }

    #[test]
    fn bare_words_are_errors() {
        assert_eq!(err("True"), (0, 4, "unexpected `True`".into()));
        assert_eq!(err("[nul]").2, "unexpected `nul`");
        assert_eq!(err("  é").0, 2);
        assert_eq!(
            err("\u{feff}{}"),
            (0, 3, "unexpected byte order mark".into())
        );
        assert_eq!(err("{\u{a0}}").2, "unexpected character U+00A0");
    }

    #[test]
    fn depth_is_bounded() {
        let deep = "[".repeat(10_000);
        let e = tokenize(&deep).unwrap_err();
        assert_eq!(e.span.start, MAX_DEPTH);
        let ok = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(tokenize(&ok).is_ok());
    }
}
