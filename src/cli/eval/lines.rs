//! JSON Lines input: one request per line, each line bounded.

use std::io::{self, BufRead};

use iamc::io::MAX_REQUEST_BYTES;

use crate::cli::CliError;

/// Calls `f` on every non-blank line of `reader`: its number (from 1) and text, or its number
/// and why it is not a request (not UTF-8, longer than [`MAX_REQUEST_BYTES`]). A line never
/// holds more than the limit in memory. Returns how many lines `f` was called on.
pub fn for_each(
    reader: &mut dyn BufRead,
    name: &str,
    mut f: impl FnMut(Result<(usize, &str), (usize, String)>) -> Result<(), CliError>,
) -> Result<usize, CliError> {
    let mut line = Vec::new();
    let mut number = 0usize;
    let mut count = 0usize;
    loop {
        line.clear();
        number += 1;
        let (read_any, too_long) = read_line_limited(reader, &mut line)
            .map_err(|e| CliError::Fatal(format!("cannot read {name}: {e}")))?;
        if !read_any {
            return Ok(count);
        }
        if too_long {
            count += 1;
            f(Err((
                number,
                format!("request line longer than the limit of {MAX_REQUEST_BYTES} bytes"),
            )))?;
            continue;
        }
        match std::str::from_utf8(&line) {
            Ok(text) if text.trim().is_empty() => {}
            Ok(text) => {
                count += 1;
                f(Ok((number, text)))?;
            }
            Err(e) => {
                count += 1;
                f(Err((
                    number,
                    format!("request is not valid utf-8 (byte {})", e.valid_up_to()),
                )))?;
            }
        }
    }
}

/// Reads one line (without its `\n`) into `line`, keeping at most [`MAX_REQUEST_BYTES`] + 1
/// bytes and skipping the rest. Returns (anything read, the line was too long).
fn read_line_limited(reader: &mut dyn BufRead, line: &mut Vec<u8>) -> io::Result<(bool, bool)> {
    let mut read_any = false;
    let mut too_long = false;
    loop {
        let buf = match reader.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if buf.is_empty() {
            return Ok((read_any, too_long));
        }
        read_any = true;
        let (chunk, done) = match buf.iter().position(|&b| b == b'\n') {
            Some(i) => (buf.get(..i).unwrap_or_default(), Some(i + 1)),
            None => (buf, None),
        };
        if !too_long {
            if line.len() + chunk.len() > MAX_REQUEST_BYTES {
                too_long = true;
                line.clear();
            } else {
                line.extend_from_slice(chunk);
            }
        }
        let consumed = done.unwrap_or(buf.len());
        reader.consume(consumed);
        if done.is_some() {
            if line.last() == Some(&b'\r') {
                line.pop();
            }
            return Ok((true, too_long));
        }
    }
}
