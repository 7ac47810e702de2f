//! Byte offsets to Access Analyzer positions (line from 1, column and offset from 0, counted in
//! characters) in time independent of the document's size: an index of line starts and of the
//! character count at every [`STRIDE`] bytes, built once per document.

use iamc_grammar::{Position, SourceFile};

/// Bytes between two character-count checkpoints.
const STRIDE: usize = 4096;

pub(crate) struct Positions<'a> {
    text: &'a str,
    /// Byte offset of each line's first byte.
    line_starts: Vec<usize>,
    /// Characters before byte `i * STRIDE` (clamped to the text).
    checkpoints: Vec<usize>,
    ascii: bool,
}

impl<'a> Positions<'a> {
    pub(crate) fn new(src: &'a SourceFile) -> Positions<'a> {
        let text = src.text();
        let bytes = text.as_bytes();
        let mut line_starts = vec![0];
        line_starts.extend(
            bytes
                .iter()
                .enumerate()
                .filter(|&(_, &b)| b == b'\n')
                .map(|(i, _)| i + 1),
        );
        let ascii = text.is_ascii();
        let mut checkpoints = Vec::new();
        if !ascii {
            let mut chars = 0;
            for chunk in bytes.chunks(STRIDE) {
                checkpoints.push(chars);
                chars += count_chars(chunk);
            }
            checkpoints.push(chars);
        }
        Positions {
            text,
            line_starts,
            checkpoints,
            ascii,
        }
    }

    /// Characters before byte offset `byte` (clamped to the text).
    fn chars_before(&self, byte: usize) -> usize {
        let byte = byte.min(self.text.len());
        if self.ascii {
            return byte;
        }
        let k = byte / STRIDE;
        let base = self.checkpoints.get(k).copied().unwrap_or(0);
        let from = k * STRIDE;
        base + self.text.as_bytes().get(from..byte).map_or(0, count_chars)
    }

    pub(crate) fn at(&self, byte: usize) -> Position {
        let byte = byte.min(self.text.len());
        let line = match self.line_starts.binary_search(&byte) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let start = self.line_starts.get(line).copied().unwrap_or(0);
        let offset = self.chars_before(byte);
        Position {
            line: line + 1,
            column: offset - self.chars_before(start),
            offset,
        }
    }
}

/// Characters in a run of UTF-8 bytes: the bytes that do not continue a sequence.
fn count_chars(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| (b as i8) >= -0x40).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agrees_with_the_grammar_everywhere() {
        let long = "é".repeat(5000);
        for text in [
            "{\n  \"a\": 1\n}".to_owned(),
            format!("{{\"é\": \"{long}\",\n \"b\": \"ü\"}}"),
            String::new(),
        ] {
            let src = SourceFile::new("p", text.as_str());
            let p = Positions::new(&src);
            for (byte, _) in text.char_indices().chain([(text.len(), ' ')]) {
                assert_eq!(p.at(byte), Position::of(&src, byte), "{byte}");
            }
        }
    }
}
