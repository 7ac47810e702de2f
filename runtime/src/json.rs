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
