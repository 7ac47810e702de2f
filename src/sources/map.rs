//! Text with a map back to the template it was read from.
//!
//! A [`Mapped`] text is a string plus segments that say, for every byte, which template bytes it
//! stands for: a *linear* segment is a copy of template text (byte `i` of the segment is template
//! byte `src.start + i`); any other segment stands as a whole for its template range (an escape
//! sequence decoded to one character, a resolved `${Param}`, the punctuation of generated JSON,
//! which stands for its node). Segments cover the text without gaps, in text order.
//!
//! [`PositionMap`] is the finished map of one extracted policy text: it turns a span of the text
//! (what the grammar reports) into template bytes and `line:col`.

use std::sync::Arc;

use iamc_grammar::{SourceFile, Span};

/// One run of mapped text: text bytes `at..at + len` stand for template bytes `src`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Seg {
    pub at: usize,
    pub len: usize,
    pub src: Span,
    /// INVARIANT (linear-seg): `len == src.end - src.start` and the text bytes equal the
    /// template bytes, so offsets inside map one to one (and char boundaries to char boundaries).
    pub linear: bool,
}

/// A string with, for every byte, the template bytes it came from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Mapped {
    pub text: String,
    pub segs: Vec<Seg>,
}

impl Mapped {
    pub fn new() -> Mapped {
        Mapped::default()
    }

    pub fn len(&self) -> usize {
        self.text.len()
    }

    /// Appends `s` standing for `src`: byte for byte when `linear` (and the lengths agree), else
    /// as a whole. Adjacent linear runs that continue each other merge into one segment.
    pub fn push(&mut self, s: &str, src: Span, linear: bool) {
        if s.is_empty() {
            return;
        }
        let linear = linear && src.end.checked_sub(src.start) == Some(s.len());
        let at = self.text.len();
        self.text.push_str(s);
        if let Some(last) = self.segs.last_mut() {
            let continues = last.at + last.len == at;
            if linear && last.linear && continues && last.src.end == src.start {
                last.len += s.len();
                last.src.end = src.end;
                return;
            }
            if !linear && !last.linear && continues && last.src == src {
                last.len += s.len();
                return;
            }
        }
        self.segs.push(Seg {
            at,
            len: s.len(),
            src,
            linear,
        });
    }

    /// Appends another mapped text, keeping its map.
    pub fn append(&mut self, other: &Mapped) {
        for seg in &other.segs {
            if let Some(s) = other.text.get(seg.at..seg.at + seg.len) {
                self.push(s, seg.src, seg.linear);
            }
        }
    }

    /// The template bytes of text byte `off` (`None` past the end).
    pub fn src_of(&self, off: usize) -> Option<Span> {
        locate(&self.segs, off)
    }

    /// The template range `start..end` of the text stands for: from its first byte's template
    /// start to its last byte's template end (at least the first byte's range).
    pub fn src_range(&self, start: usize, end: usize) -> Option<Span> {
        let a = self.src_of(start)?;
        let b = self.src_of(end.checked_sub(1)?.max(start))?;
        Some(Span::new(
            a.start,
            if b.end > a.start { b.end } else { a.end },
        ))
    }

    /// Text bytes `start..end` (char boundaries) with their map.
    pub fn slice(&self, start: usize, end: usize) -> Mapped {
        let mut out = Mapped::new();
        for seg in &self.segs {
            let a = seg.at.max(start);
            let b = (seg.at + seg.len).min(end);
            if a >= b {
                continue;
            }
            let Some(s) = self.text.get(a..b) else {
                continue;
            };
            let src = if seg.linear {
                Span::new(seg.src.start + (a - seg.at), seg.src.start + (b - seg.at))
            } else {
                seg.src
            };
            out.push(s, src, seg.linear);
        }
        out
    }

    /// Appends `m` as a JSON string literal: the quotes stand for the empty spans `open` and
    /// `close` (so the literal maps to exactly the template node), characters JSON must escape
    /// are escaped, and every escape stands for its character's template bytes.
    pub fn push_json_string(&mut self, m: &Mapped, open: Span, close: Span) {
        self.push("\"", open, false);
        self.push_escaped(m);
        self.push("\"", close, false);
    }

    /// Appends `m` escaped for the inside of a JSON string literal (see
    /// [`Mapped::push_json_string`]).
    pub fn push_escaped(&mut self, m: &Mapped) {
        for seg in &m.segs {
            let Some(body) = m.text.get(seg.at..seg.at + seg.len) else {
                continue;
            };
            let mut run_start = 0;
            for (i, c) in body.char_indices() {
                let escape = match c {
                    '"' => Some("\\\"".to_owned()),
                    '\\' => Some("\\\\".to_owned()),
                    '\n' => Some("\\n".to_owned()),
                    '\r' => Some("\\r".to_owned()),
                    '\t' => Some("\\t".to_owned()),
                    c if u32::from(c) < 0x20 => Some(format!("\\u{:04x}", u32::from(c))),
                    _ => None,
                };
                let Some(escape) = escape else { continue };
                self.push_part(body, seg, run_start, i);
                let src = if seg.linear {
                    Span::new(seg.src.start + i, seg.src.start + i + c.len_utf8())
                } else {
                    seg.src
                };
                self.push(&escape, src, false);
                run_start = i + c.len_utf8();
            }
            self.push_part(body, seg, run_start, body.len());
        }
    }

    /// Bytes `a..b` of one segment's text `body`, with the segment's map.
    fn push_part(&mut self, body: &str, seg: &Seg, a: usize, b: usize) {
        let Some(s) = body.get(a..b) else { return };
        let src = if seg.linear {
            Span::new(seg.src.start + a, seg.src.start + b)
        } else {
            seg.src
        };
        self.push(s, src, seg.linear);
    }
}

/// The template bytes of text byte `off` under `segs`.
fn locate(segs: &[Seg], off: usize) -> Option<Span> {
    let i = segs.partition_point(|s| s.at <= off).checked_sub(1)?;
    let seg = segs.get(i)?;
    if off >= seg.at + seg.len {
        return None;
    }
    Some(if seg.linear {
        let p = seg.src.start + (off - seg.at);
        Span::new(p, p + 1)
    } else {
        seg.src
    })
}

/// Where a span of an extracted policy's text is in the template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TemplateSpan {
    /// Template bytes (on char boundaries).
    pub span: Span,
    /// 1-based line of `span.start` in the template.
    pub line: usize,
    /// 1-based column (in characters) of `span.start`.
    pub col: usize,
}

/// The map from byte offsets of an extracted policy's text back to the template file.
///
/// Spans of scalars and keys map exactly (an escape sequence maps to its whole sequence); the
/// punctuation of generated JSON maps to its node (an object's braces to the start and end of
/// the mapping it was written from), so a span covering a whole value maps to the whole value.
#[derive(Debug, Clone)]
pub struct PositionMap {
    segs: Vec<Seg>,
    len: usize,
    file: Arc<SourceFile>,
    /// Where the policy is in the template: the answer for a text without map.
    whole: Span,
}

impl PositionMap {
    pub(crate) fn new(m: &Mapped, file: Arc<SourceFile>, whole: Span) -> PositionMap {
        PositionMap {
            segs: m.segs.clone(),
            len: m.len(),
            file,
            whole,
        }
    }

    /// The template file the map points into.
    pub fn template(&self) -> &SourceFile {
        &self.file
    }

    /// Where the policy document is in the template.
    pub fn whole(&self) -> TemplateSpan {
        self.template_span(self.whole)
    }

    /// Where `span` of the policy text is in the template: from the template start of its
    /// first byte to the template end of its last byte. An empty span maps to an empty span
    /// (at the end of the text: the end of the last byte's range); a span out of the text is
    /// clamped into it. Never panics.
    pub fn to_template(&self, span: Span) -> TemplateSpan {
        let s = span.start.min(self.len);
        let e = span.end.clamp(s, self.len);
        let mapped = if s == e {
            let p = if s < self.len {
                locate(&self.segs, s).map(|a| a.start)
            } else {
                self.len
                    .checked_sub(1)
                    .and_then(|last| locate(&self.segs, last))
                    .map(|a| a.end)
            };
            p.map(|p| Span::new(p, p))
        } else {
            match (locate(&self.segs, s), locate(&self.segs, e - 1)) {
                (Some(a), Some(b)) => Some(Span::new(
                    a.start,
                    if b.end > a.start { b.end } else { a.end },
                )),
                _ => None,
            }
        };
        self.template_span(mapped.unwrap_or(self.whole))
    }

    /// `span` clamped to the template and snapped outwards to char boundaries, with its
    /// `line:col`.
    fn template_span(&self, span: Span) -> TemplateSpan {
        let text = self.file.text();
        let mut start = span.start.min(text.len());
        while start > 0 && !text.is_char_boundary(start) {
            start -= 1;
        }
        let mut end = span.end.clamp(start, text.len());
        while end < text.len() && !text.is_char_boundary(end) {
            end += 1;
        }
        let (line, col) = self.file.line_col(start);
        TemplateSpan {
            span: Span::new(start, end),
            line,
            col,
        }
    }
}

/// Byte offsets of character indices of one text (the YAML parser counts characters). ASCII
/// text maps one to one; other text keeps the byte offset of every 64th character and walks
/// at most 63 characters from there.
pub(crate) struct CharIndex {
    ascii: bool,
    checkpoints: Vec<usize>,
}

const CHECKPOINT_EVERY: usize = 64;

impl CharIndex {
    pub fn new(text: &str) -> CharIndex {
        if text.is_ascii() {
            return CharIndex {
                ascii: true,
                checkpoints: Vec::new(),
            };
        }
        let checkpoints = text
            .char_indices()
            .step_by(CHECKPOINT_EVERY)
            .map(|(b, _)| b)
            .collect();
        CharIndex {
            ascii: false,
            checkpoints,
        }
    }

    /// The byte offset of character `ci` of `text` (`text.len()` at or past its end).
    pub fn byte(&self, text: &str, ci: usize) -> usize {
        if self.ascii {
            return ci.min(text.len());
        }
        let k = ci / CHECKPOINT_EVERY;
        let Some(&base) = self.checkpoints.get(k) else {
            return text.len();
        };
        let rest = ci - k * CHECKPOINT_EVERY;
        text.get(base..)
            .and_then(|t| t.char_indices().nth(rest))
            .map_or(text.len(), |(b, _)| base + b)
    }
}

/// The map of a JSON string literal at `span` of `text` (quotes included; the grammar's lexer
/// has validated it): plain runs map byte for byte, every escape sequence (a surrogate pair as
/// one) maps as a whole to its character.
pub(crate) fn json_string(text: &str, span: Span) -> Mapped {
    let mut out = Mapped::new();
    let start = span.start + 1;
    let end = span.end.saturating_sub(1).max(start);
    let Some(body) = text.get(start..end) else {
        return out;
    };
    let bytes = body.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes.get(i) != Some(&b'\\') {
            let j = body
                .get(i..)
                .and_then(|r| r.find('\\'))
                .map_or(body.len(), |k| i + k);
            if let Some(run) = body.get(i..j) {
                out.push(run, Span::new(start + i, start + j), true);
            }
            i = j;
            continue;
        }
        let (c, len) = json_escape(body.get(i..).unwrap_or_default());
        let mut buf = [0u8; 4];
        out.push(
            c.encode_utf8(&mut buf),
            Span::new(start + i, start + i + len),
            false,
        );
        i += len.max(1);
    }
    out
}

/// One JSON escape at the start of `s` (which starts with `\`): its character and length. A
/// malformed escape (the lexer lets none through) decodes to U+FFFD over its two bytes.
fn json_escape(s: &str) -> (char, usize) {
    let b = s.as_bytes();
    let simple = match b.get(1) {
        Some(b'"') => Some('"'),
        Some(b'\\') => Some('\\'),
        Some(b'/') => Some('/'),
        Some(b'b') => Some('\u{8}'),
        Some(b'f') => Some('\u{c}'),
        Some(b'n') => Some('\n'),
        Some(b'r') => Some('\r'),
        Some(b't') => Some('\t'),
        _ => None,
    };
    if let Some(c) = simple {
        return (c, 2);
    }
    let hex = |at: usize| {
        s.get(at..at + 4)
            .and_then(|h| u32::from_str_radix(h, 16).ok())
    };
    match (b.get(1), hex(2)) {
        (Some(b'u'), Some(hi)) if (0xD800..0xDC00).contains(&hi) => {
            let lo = if s.get(6..8) == Some("\\u") {
                hex(8)
            } else {
                None
            };
            match lo {
                Some(lo) if (0xDC00..0xE000).contains(&lo) => {
                    let c = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
                    (char::from_u32(c).unwrap_or('\u{FFFD}'), 12)
                }
                _ => ('\u{FFFD}', 6),
            }
        }
        (Some(b'u'), Some(u)) => (char::from_u32(u).unwrap_or('\u{FFFD}'), 6),
        _ => ('\u{FFFD}', 2.min(s.len()).max(1)),
    }
}

/// How a YAML scalar was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ScalarStyle {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
}

/// The map of a YAML scalar whose event span is `span` of `text` and whose value is `decoded`.
///
/// Walks the decoded characters and the source together: a character written as itself maps
/// to itself, an escape (`\x41`, `''`) to its sequence; whitespace the YAML layer folded or
/// stripped (indentation, line breaks, trailing spaces) is skipped in the source, and a
/// folded line break maps to an empty span where the break was. Characters other than
/// whitespace therefore map exactly. If the walk ever loses its place (it should not), the
/// remaining characters map to the whole scalar.
pub(crate) fn yaml_scalar(text: &str, span: Span, decoded: &str, style: ScalarStyle) -> Mapped {
    let mut out = Mapped::new();
    let region = text.get(span.start..span.end.max(span.start)).unwrap_or("");
    let base = span.start;
    let mut p = content_start(region, style);
    let single = style == ScalarStyle::SingleQuoted;
    let double = style == ScalarStyle::DoubleQuoted;
    for (ci, ch) in decoded.char_indices() {
        let mut buf = [0u8; 4];
        let ch_str: &str = ch.encode_utf8(&mut buf);
        loop {
            let rest = region.get(p..).unwrap_or("");
            let Some(sc) = rest.chars().next() else {
                out.push(decoded.get(ci..).unwrap_or(""), span, false);
                return out;
            };
            if sc == ch && !(double && sc == '\\') && !(single && sc == '\'') {
                let n = sc.len_utf8();
                out.push(ch_str, Span::new(base + p, base + p + n), true);
                p += n;
                break;
            }
            if single && sc == '\'' && ch == '\'' && rest.starts_with("''") {
                out.push(ch_str, Span::new(base + p, base + p + 2), false);
                p += 2;
                break;
            }
            if double && sc == '\\' {
                match yaml_escape(rest) {
                    Escape::Char(c, n) if c == ch => {
                        out.push(ch_str, Span::new(base + p, base + p + n), false);
                        p += n;
                        break;
                    }
                    Escape::LineBreak(n) => {
                        p += n;
                        continue;
                    }
                    Escape::Char(..) | Escape::Bad => {
                        out.push(decoded.get(ci..).unwrap_or(""), span, false);
                        return out;
                    }
                }
            }
            if matches!(sc, ' ' | '\t' | '\r' | '\n') {
                p += 1;
                continue;
            }
            if matches!(ch, ' ' | '\n') {
                // A line break folded into a space (or kept): it has no character of its own.
                out.push(ch_str, Span::new(base + p, base + p), false);
                break;
            }
            out.push(decoded.get(ci..).unwrap_or(""), span, false);
            return out;
        }
    }
    out
}

/// Where the scalar's characters start in its event region: after its tag and anchor, its
/// opening quote, or its block header line.
fn content_start(region: &str, style: ScalarStyle) -> usize {
    match style {
        ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => {
            let q = if style == ScalarStyle::SingleQuoted {
                '\''
            } else {
                '"'
            };
            region.find(q).map_or(0, |i| i + 1)
        }
        ScalarStyle::Plain => skip_properties(region),
        ScalarStyle::Literal | ScalarStyle::Folded => {
            let p = skip_properties(region);
            let rest = region.get(p..).unwrap_or("");
            let header = rest.starts_with('|') || rest.starts_with('>');
            let line_end = rest.find('\n');
            match line_end {
                Some(nl) if header && is_block_header(rest.get(..nl).unwrap_or("")) => p + nl + 1,
                // No header in the region: it starts at the content (the parser's usual span).
                _ => 0,
            }
        }
    }
}

/// `|`, `>-`, `|2+ # comment`, ...
fn is_block_header(line: &str) -> bool {
    let body = line.split(" #").next().unwrap_or("").trim_end();
    let mut cs = body.chars();
    matches!(cs.next(), Some('|' | '>')) && cs.all(|c| c.is_ascii_digit() || c == '+' || c == '-')
}

/// Past leading `!tag` and `&anchor` properties and the whitespace around them.
fn skip_properties(region: &str) -> usize {
    let mut p = 0;
    loop {
        let rest = region.get(p..).unwrap_or("");
        let trimmed = rest.trim_start_matches([' ', '\t', '\r', '\n']);
        let skipped = rest.len() - trimmed.len();
        if trimmed.starts_with('!') || trimmed.starts_with('&') {
            let token = trimmed
                .find([' ', '\t', '\r', '\n'])
                .unwrap_or(trimmed.len());
            p += skipped + token;
        } else {
            return if p == 0 { 0 } else { p + skipped };
        }
    }
}

enum Escape {
    /// A character and the length of its escape sequence.
    Char(char, usize),
    /// An escaped line break (and the next line's indentation): no character.
    LineBreak(usize),
    Bad,
}

/// One YAML double-quoted escape at the start of `s` (which starts with `\`).
fn yaml_escape(s: &str) -> Escape {
    let Some(c) = s.get(1..).and_then(|r| r.chars().next()) else {
        return Escape::Bad;
    };
    let simple = match c {
        '0' => Some('\0'),
        'a' => Some('\u{7}'),
        'b' => Some('\u{8}'),
        't' | '\t' => Some('\t'),
        'n' => Some('\n'),
        'v' => Some('\u{b}'),
        'f' => Some('\u{c}'),
        'r' => Some('\r'),
        'e' => Some('\u{1b}'),
        ' ' => Some(' '),
        '"' => Some('"'),
        '/' => Some('/'),
        '\\' => Some('\\'),
        'N' => Some('\u{85}'),
        '_' => Some('\u{a0}'),
        'L' => Some('\u{2028}'),
        'P' => Some('\u{2029}'),
        _ => None,
    };
    if let Some(ch) = simple {
        return Escape::Char(ch, 1 + c.len_utf8());
    }
    let digits = match c {
        'x' => 2,
        'u' => 4,
        'U' => 8,
        '\r' | '\n' => {
            let after = s.get(1..).unwrap_or("");
            let brk = if after.starts_with("\r\n") { 2 } else { 1 };
            let rest = after.get(brk..).unwrap_or("");
            let indent = rest.len() - rest.trim_start_matches([' ', '\t']).len();
            return Escape::LineBreak(1 + brk + indent);
        }
        _ => return Escape::Bad,
    };
    match s
        .get(2..2 + digits)
        .and_then(|h| u32::from_str_radix(h, 16).ok())
        .and_then(char::from_u32)
    {
        Some(ch) => Escape::Char(ch, 2 + digits),
        None => Escape::Bad,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The template text each character of `m` maps to.
    fn pieces(text: &str, m: &Mapped) -> Vec<(char, String)> {
        m.text
            .char_indices()
            .map(|(i, c)| {
                let s = m.src_of(i).unwrap();
                (c, text[s.start..s.end].to_owned())
            })
            .collect()
    }

    #[test]
    fn json_escapes_map_to_their_sequences() {
        let text = r#"x "a\"b\u00e9\ud83d\ude00c" y"#;
        let m = json_string(text, Span::new(2, 27));
        assert_eq!(m.text, "a\"bé😀c");
        let p = pieces(text, &m);
        assert_eq!(p[0], ('a', "a".into()));
        assert_eq!(p[1], ('"', "\\\"".into()));
        assert_eq!(p[2], ('b', "b".into()));
        assert_eq!(p[3], ('é', "\\u00e9".into()));
        assert_eq!(p[4], ('😀', "\\ud83d\\ude00".into()));
        assert_eq!(p[5], ('c', "c".into()));
    }

    #[test]
    fn yaml_scalars_map_character_for_character() {
        let text = "k: \"a\\x41\\\n   b\" ";
        let m = yaml_scalar(text, Span::new(3, 16), "aAb", ScalarStyle::DoubleQuoted);
        assert_eq!(
            pieces(text, &m),
            vec![('a', "a".into()), ('A', "\\x41".into()), ('b', "b".into())]
        );
        let text = "k: 'it''s'";
        let m = yaml_scalar(text, Span::new(3, 10), "it's", ScalarStyle::SingleQuoted);
        assert_eq!(pieces(text, &m)[2], ('\'', "''".into()));
        let text = "k: !Sub |\n  ab\n  c\n";
        let m = yaml_scalar(text, Span::new(3, 19), "ab\nc\n", ScalarStyle::Literal);
        let p = pieces(text, &m);
        assert_eq!(p[0], ('a', "a".into()));
        assert_eq!(p[2], ('\n', "\n".into()));
        assert_eq!(p[3], ('c', "c".into()));
        let text = "k: plain\n  folded";
        let m = yaml_scalar(text, Span::new(3, 17), "plain folded", ScalarStyle::Plain);
        let p = pieces(text, &m);
        assert_eq!(p[6], ('f', "f".into()));
        assert_eq!(m.src_of(6).unwrap(), Span::new(11, 12));
    }

    #[test]
    fn json_string_output_escapes_and_maps_back() {
        let text = "k: 'a\"b'";
        let scalar = yaml_scalar(text, Span::new(3, 8), "a\"b", ScalarStyle::SingleQuoted);
        let mut out = Mapped::new();
        out.push_json_string(&scalar, Span::new(3, 3), Span::new(8, 8));
        assert_eq!(out.text, "\"a\\\"b\"");
        assert_eq!(out.src_range(0, out.len()), Some(Span::new(3, 8)));
        assert_eq!(out.src_range(2, 4), Some(Span::new(5, 6)));
    }

    #[test]
    fn char_index_counts_characters() {
        let text = format!("{}é{}x", "a".repeat(100), "b".repeat(100));
        let ix = CharIndex::new(&text);
        assert_eq!(ix.byte(&text, 100), 100);
        assert_eq!(ix.byte(&text, 101), 102);
        assert_eq!(ix.byte(&text, 201), 202);
        assert_eq!(ix.byte(&text, 9999), text.len());
    }
}
