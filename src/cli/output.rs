//! The streams a run reads and writes, and writing to them.

use std::io::{BufRead, Write};

use super::CliError;

/// The input and output streams of one run, and what they are connected to.
pub struct Streams<'a> {
    pub stdin: &'a mut dyn BufRead,
    pub stdout: &'a mut dyn Write,
    pub stderr: &'a mut dyn Write,
    /// Standard output is a terminal (colour may be used).
    pub stdout_is_terminal: bool,
    /// Standard input is a terminal (a command waiting on it says so).
    pub stdin_is_terminal: bool,
}

/// `--color`: whether output for people is coloured.
#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ColorChoice {
    /// On a terminal, unless `NO_COLOR` is set (`CLICOLOR_FORCE` forces it on a pipe)
    #[default]
    Auto,
    /// Always, whatever the environment says
    Always,
    /// Never
    Never,
}

impl ColorChoice {
    /// Whether to colour standard output. `auto`: when it is a terminal or `CLICOLOR_FORCE`
    /// is set (not `0`), unless `NO_COLOR` is set (not empty; it wins over `CLICOLOR_FORCE`).
    pub fn colors(self, io: &Streams<'_>) -> bool {
        let set = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty());
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                let forced = set("CLICOLOR_FORCE")
                    && std::env::var_os("CLICOLOR_FORCE").is_some_and(|v| v != "0");
                !set("NO_COLOR") && (io.stdout_is_terminal || forced)
            }
        }
    }
}

/// ANSI styles for output read by people; all empty when colour is off.
#[derive(Debug, Clone, Copy)]
pub struct Paint {
    on: bool,
}

impl Paint {
    pub fn new(on: bool) -> Paint {
        Paint { on }
    }

    fn wrap(self, code: &str, text: &str) -> String {
        if self.on {
            format!("\u{1b}[{code}m{text}\u{1b}[0m")
        } else {
            text.to_owned()
        }
    }

    pub fn green(self, text: &str) -> String {
        self.wrap("1;32", text)
    }

    pub fn red(self, text: &str) -> String {
        self.wrap("1;31", text)
    }

    pub fn yellow(self, text: &str) -> String {
        self.wrap("1;33", text)
    }

    pub fn bold(self, text: &str) -> String {
        self.wrap("1", text)
    }

    pub fn dim(self, text: &str) -> String {
        self.wrap("2", text)
    }
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
    write_bytes(out, text.as_bytes())
}

/// Writes `bytes` as they are and flushes.
pub fn write_bytes(out: &mut dyn Write, bytes: &[u8]) -> Result<(), CliError> {
    out.write_all(bytes)
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
