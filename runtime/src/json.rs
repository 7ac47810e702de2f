//! Minimal JSON: writing strings for decision lines, and reading requests (spec/io.md).
//!
//! The runtime reads requests itself rather than through serde_json: requests are untrusted,
//! numbers must keep their exact text, duplicate and unknown fields must be errors, and the
//! crate's dependency list stays short.

/// Appends `s` as a JSON string literal.
pub fn write_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Largest request text accepted, in bytes (one JSON Lines line, or one `--request` file).
pub const MAX_REQUEST_BYTES: usize = 1 << 20;
/// Deepest nesting of arrays and objects accepted. A request needs 3 (request object, context
/// object, value array); anything deeper is rejected anyway, this only stops the reader early.
pub const MAX_DEPTH: usize = 8;
/// Most members of one object (the context included).
pub const MAX_OBJECT_MEMBERS: usize = 4096;
/// Most elements of one array (a multi-valued context value).
pub const MAX_ARRAY_ELEMENTS: usize = 4096;

/// A parsed JSON value. Numbers keep their text exactly; objects keep their member order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JsonValue {
    Null,
    Bool(bool),
    Number(String),
    String(String),
    Array(Vec<JsonValue>),
    Object(Vec<(String, JsonValue)>),
}

impl JsonValue {
    /// The value's JSON type, for error messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            JsonValue::Null => "null",
            JsonValue::Bool(_) => "a boolean",
            JsonValue::Number(_) => "a number",
            JsonValue::String(_) => "a string",
            JsonValue::Array(_) => "an array",
            JsonValue::Object(_) => "an object",
        }
    }
}

/// Parses one strict RFC 8259 JSON text, within the limits above. Duplicate member names in
/// one object are an error. The message says what went wrong and at which byte.
pub fn parse(text: &str) -> Result<JsonValue, String> {
    if text.len() > MAX_REQUEST_BYTES {
        return Err(format!(
            "request is {} bytes, more than the limit of {MAX_REQUEST_BYTES}",
            text.len()
        ));
    }
    let mut reader = Reader {
        bytes: text.as_bytes(),
        text,
        pos: 0,
    };
    reader.skip_ws();
    let value = reader.value(0)?;
    reader.skip_ws();
    if reader.pos < reader.bytes.len() {
        return Err(reader.error("trailing characters after the json value"));
    }
    Ok(value)
}

struct Reader<'a> {
    bytes: &'a [u8],
    text: &'a str,
    pos: usize,
}

impl Reader<'_> {
    fn error(&self, what: &str) -> String {
        format!("invalid json at byte {}: {what}", self.pos)
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn expect_literal(&mut self, lit: &str, value: JsonValue) -> Result<JsonValue, String> {
        if self.bytes.get(self.pos..self.pos + lit.len()) == Some(lit.as_bytes()) {
            self.pos += lit.len();
            Ok(value)
        } else {
            Err(self.error("expected a json value"))
        }
    }

    fn value(&mut self, depth: usize) -> Result<JsonValue, String> {
        match self.peek() {
            None => Err(self.error("unexpected end of input")),
            Some(b'{') => self.object(depth + 1),
            Some(b'[') => self.array(depth + 1),
            Some(b'"') => self.string().map(JsonValue::String),
            Some(b't') => self.expect_literal("true", JsonValue::Bool(true)),
            Some(b'f') => self.expect_literal("false", JsonValue::Bool(false)),
            Some(b'n') => self.expect_literal("null", JsonValue::Null),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(_) => Err(self.error("expected a json value")),
        }
    }

    fn check_depth(&self, depth: usize) -> Result<(), String> {
        if depth > MAX_DEPTH {
            Err(self.error(&format!("nesting deeper than the limit of {MAX_DEPTH}")))
        } else {
            Ok(())
        }
    }

    fn object(&mut self, depth: usize) -> Result<JsonValue, String> {
        self.check_depth(depth)?;
        self.pos += 1;
        let mut members: Vec<(String, JsonValue)> = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(JsonValue::Object(members));
        }
        loop {
            self.skip_ws();
            if self.peek() != Some(b'"') {
                return Err(self.error("expected a member name in double quotes"));
            }
            let name = self.string()?;
            if members.iter().any(|(n, _)| *n == name) {
                return Err(format!("duplicate field `{name}`"));
            }
            if members.len() >= MAX_OBJECT_MEMBERS {
                return Err(self.error(&format!(
                    "object has more than the limit of {MAX_OBJECT_MEMBERS} members"
                )));
            }
            self.skip_ws();
            if self.peek() != Some(b':') {
                return Err(self.error("expected `:` after a member name"));
            }
            self.pos += 1;
            self.skip_ws();
            let value = self.value(depth)?;
            members.push((name, value));
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(JsonValue::Object(members));
                }
                _ => return Err(self.error("expected `,` or `}` in an object")),
            }
        }
    }

    fn array(&mut self, depth: usize) -> Result<JsonValue, String> {
        self.check_depth(depth)?;
        self.pos += 1;
        let mut items = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(JsonValue::Array(items));
        }
        loop {
            self.skip_ws();
            if items.len() >= MAX_ARRAY_ELEMENTS {
                return Err(self.error(&format!(
                    "array has more than the limit of {MAX_ARRAY_ELEMENTS} elements"
                )));
            }
            items.push(self.value(depth)?);
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(JsonValue::Array(items));
                }
                _ => return Err(self.error("expected `,` or `]` in an array")),
            }
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.pos += 1;
        }
        self.pos - start
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`, kept as written.
    fn number(&mut self) -> Result<JsonValue, String> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => {
                self.pos += 1;
                if matches!(self.peek(), Some(b'0'..=b'9')) {
                    return Err(self.error("leading zero in a number"));
                }
            }
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return Err(self.error("expected a digit")),
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if self.digits() == 0 {
                return Err(self.error("expected a digit after `.`"));
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if self.digits() == 0 {
                return Err(self.error("expected a digit in the exponent"));
            }
        }
        let text = self.text.get(start..self.pos).unwrap_or_default();
        Ok(JsonValue::Number(text.to_owned()))
    }

    fn hex4(&mut self) -> Result<u32, String> {
        let digits = self
            .text
            .get(self.pos..self.pos + 4)
            .filter(|h| h.bytes().all(|b| b.is_ascii_hexdigit()))
            .ok_or_else(|| self.error("expected four hex digits after `\\u`"))?;
        let v = u32::from_str_radix(digits, 16).map_err(|_| self.error("bad `\\u` escape"))?;
        self.pos += 4;
        Ok(v)
    }

    fn string(&mut self) -> Result<String, String> {
        self.pos += 1;
        let mut out = String::new();
        loop {
            let start = self.pos;
            while matches!(self.peek(), Some(b) if b != b'"' && b != b'\\' && b >= 0x20) {
                self.pos += 1;
            }
            out.push_str(self.text.get(start..self.pos).unwrap_or_default());
            match self.peek() {
                None => return Err(self.error("unterminated string")),
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.pos += 1;
                    let esc = self.peek();
                    self.pos += 1;
                    match esc {
                        Some(b'"') => out.push('"'),
                        Some(b'\\') => out.push('\\'),
                        Some(b'/') => out.push('/'),
                        Some(b'b') => out.push('\u{8}'),
                        Some(b'f') => out.push('\u{c}'),
                        Some(b'n') => out.push('\n'),
                        Some(b'r') => out.push('\r'),
                        Some(b't') => out.push('\t'),
                        Some(b'u') => out.push(self.unicode_escape()?),
                        _ => {
                            self.pos -= 1;
                            return Err(self.error("unknown escape in a string"));
                        }
                    }
                }
                Some(_) => return Err(self.error("control character in a string")),
            }
        }
    }

    /// The rest of a `\uXXXX` escape, with a following low surrogate when this one is high.
    fn unicode_escape(&mut self) -> Result<char, String> {
        let hi = self.hex4()?;
        let code = if (0xD800..0xDC00).contains(&hi) {
            if self.bytes.get(self.pos..self.pos + 2) != Some(b"\\u".as_slice()) {
                return Err(self.error("unpaired surrogate in a `\\u` escape"));
            }
            self.pos += 2;
            let lo = self.hex4()?;
            if !(0xDC00..0xE000).contains(&lo) {
                return Err(self.error("unpaired surrogate in a `\\u` escape"));
            }
            0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
        } else {
            hi
        };
        char::from_u32(code).ok_or_else(|| self.error("unpaired surrogate in a `\\u` escape"))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    #[test]
    fn numbers_keep_their_text() {
        assert_eq!(parse("1024.0").unwrap(), JsonValue::Number("1024.0".into()));
        assert_eq!(
            parse(" -0.5e+3 ").unwrap(),
            JsonValue::Number("-0.5e+3".into())
        );
        assert!(parse("01").is_err());
        assert!(parse("1.").is_err());
        assert!(parse("+1").is_err());
    }

    #[test]
    fn strings_decode_escapes() {
        assert_eq!(
            parse(r#""a\"\\\/\n\u00e9\ud83d\ude00""#).unwrap(),
            JsonValue::String("a\"\\/\né😀".into())
        );
        assert!(parse(r#""\ud83d""#).is_err());
        assert!(parse("\"a\u{1}\"").is_err());
        assert!(parse(r#""\x""#).is_err());
        assert!(parse(r#""abc"#).is_err());
    }

    #[test]
    fn structure_is_strict() {
        assert!(parse(r#"{"a":1,}"#).is_err());
        assert!(parse("[1,]").is_err());
        assert!(parse("{} x").is_err());
        assert!(parse("").is_err());
        assert!(parse("nul").is_err());
        let err = parse(r#"{"a":1,"a":2}"#).unwrap_err();
        assert_eq!(err, "duplicate field `a`");
    }

    #[test]
    fn limits_are_enforced_and_named() {
        let deep = "[".repeat(MAX_DEPTH + 1) + &"]".repeat(MAX_DEPTH + 1);
        assert!(parse(&deep).unwrap_err().contains("limit of 8"));
        let ok = "[".repeat(MAX_DEPTH) + &"]".repeat(MAX_DEPTH);
        assert!(parse(&ok).is_ok());
        let big = format!("\"{}\"", "a".repeat(MAX_REQUEST_BYTES));
        assert!(parse(&big).unwrap_err().contains("limit"));
        let many = format!("[{}0]", "0,".repeat(MAX_ARRAY_ELEMENTS));
        assert!(parse(&many).unwrap_err().contains("limit"));
    }

    #[test]
    fn write_string_escapes() {
        let mut s = String::new();
        write_string(&mut s, "a\"b\\\n\u{1}");
        assert_eq!(s, r#""a\"b\\\n\u0001""#);
    }
}
