//! The streams a run reads and writes, and writing to them.

use std::io::{BufRead, Write};

use super::CliError;

/// The input and output streams of one run.
pub struct Streams<'a> {
    pub stdin: &'a mut dyn BufRead,
    pub stdout: &'a mut dyn Write,
    pub stderr: &'a mut dyn Write,
}

/// The error for a failed write to standard output.
pub fn stdout_error(e: &std::io::Error) -> CliError {
    CliError::Fatal(format!("cannot write to standard output: {e}"))
}

/// Writes `text` (a newline added if it has none) and flushes.
pub fn write_text(out: &mut dyn Write, text: &str) -> Result<(), CliError> {
    let newline = if text.ends_with('\n') { "" } else { "\n" };
    write!(out, "{text}{newline}")
        .and_then(|()| out.flush())
        .map_err(|e| stdout_error(&e))
}

/// Writes `text` as is and flushes.
pub fn write_raw(out: &mut dyn Write, text: &str) -> Result<(), CliError> {
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(|e| stdout_error(&e))
}

/// Prints rendered diagnostics on stderr, ending with a newline (nothing for an empty text).
pub fn report(stderr: &mut dyn Write, rendered: &str) {
    if !rendered.is_empty() {
        let _ = write!(stderr, "{rendered}");
        if !rendered.ends_with('\n') {
            let _ = writeln!(stderr);
        }
    }
}
