//! Diagnostics: one problem with its span, rendered `PATH:LINE:COL: error: message` followed by
//! the source line, carets under the span and an optional `= help:` line.
//!
//! A diagnostic of the IAM validation also carries Access Analyzer's identity of the problem
//! (findings.md 2.1): its [`IssueCode`], its location [`path`](PathElement) in the JSON tree and
//! the [`Position`]s of its span's ends.

mod code;
mod path;

use std::fmt;

pub use code::{FindingType, IssueCode};
pub use path::{path_to, PathElement};

use crate::span::{SourceFile, Span};

/// A place in a policy text as Access Analyzer counts it: `line` from 1, `column` from 0 and
/// `offset` from 0, both in characters (Unicode scalar values).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Position {
    pub line: usize,
    pub column: usize,
    pub offset: usize,
}

impl Position {
    /// The position of byte offset `byte` of `src` (clamped to the text).
    pub fn of(src: &SourceFile, byte: usize) -> Position {
        let text = src.text();
        let byte = byte.min(text.len());
        let (line, col) = src.line_col(byte);
        // Characters before `byte`: the bytes that do not continue a UTF-8 sequence.
        let offset = text
            .as_bytes()
            .get(..byte)
            .map_or(0, |b| b.iter().filter(|&&c| (c as i8) >= -0x40).count());
        Position {
            line,
            column: col.saturating_sub(1),
            offset,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// One problem in a policy document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    severity: Severity,
    span: Span,
    message: String,
    help: Option<String>,
    /// The rendering against the source the diagnostic was made for (for `Display`).
    rendered: String,
    line: usize,
    col: usize,
    /// Boxed: parse errors travel in `Result`s, which stay small.
    identity: Box<Identity>,
}

/// Access Analyzer's view of a diagnostic.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Identity {
    code: Option<IssueCode>,
    path: Vec<PathElement>,
    start: Position,
    end: Position,
}

impl Diagnostic {
    /// A diagnostic about `span` of `src`.
    pub fn new(
        src: &SourceFile,
        severity: Severity,
        span: Span,
        message: impl Into<String>,
        help: Option<String>,
    ) -> Diagnostic {
        let (line, col) = src.line_col(span.start);
        let mut d = Diagnostic {
            severity,
            span,
            message: message.into(),
            help,
            rendered: String::new(),
            line,
            col,
            identity: Box::new(Identity {
                code: None,
                path: Vec::new(),
                start: Position::of(src, span.start),
                end: Position::of(src, span.end),
            }),
        };
        d.rendered = d.render(src);
        d
    }

    /// The same diagnostic with Access Analyzer's issue code.
    pub fn with_code(mut self, code: IssueCode) -> Diagnostic {
        self.identity.code = Some(code);
        self
    }

    /// The same diagnostic with its location path in the JSON tree.
    pub fn with_path(mut self, path: Vec<PathElement>) -> Diagnostic {
        self.identity.path = path;
        self
    }

    /// Access Analyzer's issue code: set on every diagnostic of the JSON reader and the IAM
    /// validation; `None` for problems outside a policy document (a request file, say).
    pub fn code(&self) -> Option<IssueCode> {
        self.identity.code
    }

    /// Where the span sits in the JSON tree (empty for the whole document and for syntax
    /// errors).
    pub fn path(&self) -> &[PathElement] {
        &self.identity.path
    }

    /// The span's start (inclusive) as Access Analyzer counts positions.
    pub fn start(&self) -> Position {
        self.identity.start
    }

    /// The span's end (exclusive).
    pub fn end(&self) -> Position {
        self.identity.end
    }

    pub fn severity(&self) -> Severity {
        self.severity
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    pub fn span(&self) -> Span {
        self.span
    }

    pub fn message(&self) -> &str {
        &self.message
    }

    pub fn help(&self) -> Option<&str> {
        self.help.as_deref()
    }

    /// 1-based line of the span's start in the source the diagnostic was made for.
    pub fn line(&self) -> usize {
        self.line
    }

    /// 1-based column (in characters) of the span's start.
    pub fn col(&self) -> usize {
        self.col
    }

    /// The 1-based `(line, column)` of the span's start in `src`.
    pub fn line_col(&self, src: &SourceFile) -> (usize, usize) {
        src.line_col(self.span.start)
    }

    /// The first line alone: `PATH:LINE:COL: error: message`.
    pub fn headline(&self, src: &SourceFile) -> String {
        let (line, col) = src.line_col(self.span.start);
        format!(
            "{}:{line}:{col}: {}: {}",
            src.name(),
            self.severity.as_str(),
            self.message
        )
    }

    /// The full rendering, each line ending in `\n`:
    ///
    /// ```text
    /// PATH:LINE:COL: error: message
    ///    |
    /// 12 |         "Effect": "allow",
    ///    |                   ^^^^^^^
    ///    = help: did you mean `Allow`?
    /// ```
    ///
    /// A span running past its first line is underlined to the end of that line; an empty
    /// span (end of input) gets one caret.
    pub fn render(&self, src: &SourceFile) -> String {
        let (line, col) = src.line_col(self.span.start);
        let width = line.to_string().len();
        let pad = " ".repeat(width);
        let start = self.span.start.min(src.text().len());
        let end = self.span.end.clamp(start, src.text().len());
        let line_end = src
            .text()
            .get(start..)
            .map_or(0, |rest| rest.find('\n').unwrap_or(rest.len()))
            + start;
        let underlined = src
            .text()
            .get(start..end.min(line_end))
            .map_or(0, |s| s.trim_end_matches('\r').chars().count())
            .max(1);
        let (shown, lead, carets) = window(src.line_text(line), col.saturating_sub(1), underlined);
        let mut out = self.headline(src);
        out.push('\n');
        out.push_str(&format!("{pad} |\n{line} | {shown}\n{pad} | {lead}"));
        out.push_str(&"^".repeat(carets));
        out.push('\n');
        if let Some(help) = &self.help {
            out.push_str(&format!("{pad} = help: {help}\n"));
        }
        out
    }
}

/// The part of a source line to show, the whitespace that leads up to the carets and how many
/// carets: the whole line when short, else a window around the column with `...` marking the
/// cut ends. Tabs before the column are copied so the carets line up.
fn window(text: &str, col0: usize, underlined: usize) -> (String, String, usize) {
    const SHORT: usize = 200;
    const BEFORE: usize = 40;
    const SHOWN: usize = 160;
    let chars: Vec<char> = text.chars().collect();
    let (from, to) = if chars.len() <= SHORT {
        (0, chars.len())
    } else {
        let from = col0.saturating_sub(BEFORE).min(chars.len());
        (from, (from + SHOWN).min(chars.len()))
    };
    let body: String = chars.get(from..to).unwrap_or_default().iter().collect();
    let mut shown = String::new();
    let mut lead = String::new();
    if from > 0 {
        shown.push_str("...");
        lead.push_str("   ");
    }
    shown.push_str(&body);
    if to < chars.len() {
        shown.push_str("...");
    }
    lead.extend(
        chars
            .get(from..col0.clamp(from, to))
            .unwrap_or_default()
            .iter()
            .map(|&c| if c == '\t' { '\t' } else { ' ' }),
    );
    let room = to.saturating_sub(col0).max(1);
    (shown, lead, underlined.min(room))
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.rendered)
    }
}

/// Every problem found in a rejected document (at least one of them an error), in document
/// order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostics(Vec<Diagnostic>);

impl Diagnostics {
    /// `None` when `list` is empty.
    pub fn new(mut list: Vec<Diagnostic>) -> Option<Diagnostics> {
        if list.is_empty() {
            return None;
        }
        list.sort_by_key(|d| (d.span.start, d.severity));
        Some(Diagnostics(list))
    }

    /// Exactly one diagnostic.
    pub fn from_one(d: Diagnostic) -> Diagnostics {
        Diagnostics(vec![d])
    }

    pub fn iter(&self) -> std::slice::Iter<'_, Diagnostic> {
        self.0.iter()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Always false: a `Diagnostics` holds at least one diagnostic.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter().filter(|d| d.is_error())
    }

    pub fn as_slice(&self) -> &[Diagnostic] {
        &self.0
    }

    pub fn into_vec(self) -> Vec<Diagnostic> {
        self.0
    }

    /// Every diagnostic rendered, one after the other.
    pub fn render(&self, src: &SourceFile) -> String {
        self.0.iter().map(|d| d.render(src)).collect()
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.iter().try_for_each(|d| write!(f, "{d}"))
    }
}

impl std::error::Error for Diagnostics {}

impl<'a> IntoIterator for &'a Diagnostics {
    type Item = &'a Diagnostic;
    type IntoIter = std::slice::Iter<'a, Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

/// The warnings of an accepted document (possibly none); dereferences to `Vec<Diagnostic>`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Warnings(pub Vec<Diagnostic>);

impl Warnings {
    /// Every warning rendered; empty when there is none.
    pub fn render(&self, src: &SourceFile) -> String {
        self.0.iter().map(|d| d.render(src)).collect()
    }
}

impl std::ops::Deref for Warnings {
    type Target = Vec<Diagnostic>;
    fn deref(&self) -> &Vec<Diagnostic> {
        &self.0
    }
}

impl<'a> IntoIterator for &'a Warnings {
    type Item = &'a Diagnostic;
    type IntoIter = std::slice::Iter<'a, Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl IntoIterator for Warnings {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

/// User text shortened for quoting in a message: at most 60 characters, then `...`. Every
/// message that quotes a user's value (the grammar's, the template readers') cuts it here.
///
/// ```
/// assert_eq!(iamc_grammar::diag::clip("short"), "short");
/// assert_eq!(iamc_grammar::diag::clip(&"x".repeat(61)), format!("{}...", "x".repeat(60)));
/// ```
pub fn clip(s: &str) -> String {
    const MAX: usize = 60;
    if s.chars().count() <= MAX {
        s.to_owned()
    } else {
        let mut out: String = s.chars().take(MAX).collect();
        out.push_str("...");
        out
    }
}

/// The candidate `word` most likely meant: one equal ignoring case, else the nearest within
/// edit distance 2 (ignoring case).
pub fn suggest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    if word.chars().count() > 64 {
        return None;
    }
    if let Some(c) = candidates.iter().find(|c| c.eq_ignore_ascii_case(word)) {
        return Some(c);
    }
    let lower = word.to_lowercase();
    candidates
        .iter()
        .map(|c| (levenshtein(&lower, &c.to_lowercase()), *c))
        .filter(|&(d, _)| d <= 2)
        .min_by_key(|&(d, _)| d)
        .map(|(_, c)| c)
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = Vec::with_capacity(b.len() + 1);
        cur.push(i + 1);
        for (j, cb) in b.iter().enumerate() {
            let sub = prev.get(j).copied().unwrap_or(0) + usize::from(ca != *cb);
            let del = prev.get(j + 1).copied().unwrap_or(0) + 1;
            let ins = cur.get(j).copied().unwrap_or(0) + 1;
            cur.push(sub.min(del).min(ins));
        }
        prev = cur;
    }
    prev.last().copied().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_with_carets_and_help() {
        let src = SourceFile::new("p.json", "{\n        \"Effect\": \"allow\",\n}");
        let d = Diagnostic::new(
            &src,
            Severity::Error,
            Span::new(20, 27),
            "invalid `Effect` value `allow`",
            Some("did you mean `Allow`?".into()),
        );
        assert_eq!(
            d.render(&src),
            "p.json:2:19: error: invalid `Effect` value `allow`\n  |\n2 |         \"Effect\": \"allow\",\n  |                   ^^^^^^^\n  = help: did you mean `Allow`?\n"
        );
        assert_eq!(d.to_string(), d.render(&src));
        assert_eq!((d.line(), d.col()), (2, 19));
    }

    #[test]
    fn multi_line_spans_stop_at_the_line_end_and_empty_spans_get_one_caret() {
        let src = SourceFile::new("p", "{\"a\":\n1}");
        let d = Diagnostic::new(&src, Severity::Warning, Span::new(0, 8), "m", None);
        assert!(d.render(&src).contains("1 | {\"a\":\n  | ^^^^^\n"));
        let d = Diagnostic::new(&src, Severity::Error, Span::new(8, 8), "m", None);
        assert!(d.render(&src).starts_with("p:2:3: error: m\n"));
        assert!(d.render(&src).ends_with("  |   ^\n"));
    }

    #[test]
    fn long_lines_show_a_window() {
        let text = format!("{{\"a\": \"{}x{}\"}}", "a".repeat(1000), "b".repeat(1000));
        let src = SourceFile::new("p", text);
        let d = Diagnostic::new(&src, Severity::Error, Span::new(1007, 1008), "m", None);
        let r = d.render(&src);
        let lines: Vec<&str> = r.lines().collect();
        assert_eq!(lines[0], "p:1:1008: error: m");
        assert!(lines[2].starts_with("1 | ...aaa") && lines[2].ends_with("bbb..."));
        let caret = lines[3].find('^').unwrap();
        assert_eq!(&lines[2][caret..caret + 1], "x");
        assert!(lines[2].chars().count() < 200);
    }

    #[test]
    fn suggestions() {
        let c = ["StringEquals", "StringLike", "Bool"];
        assert_eq!(suggest("stringequals", &c), Some("StringEquals"));
        assert_eq!(suggest("StringLke", &c), Some("StringLike"));
        assert_eq!(suggest("Boolean", &c), None);
        assert_eq!(suggest("Bol", &c), Some("Bool"));
        assert_eq!(suggest("Xyz", &c), None);
    }
}
