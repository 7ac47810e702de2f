//! [`CompileError`]: why a policy set did not compile.

use std::fmt;

/// Why a policy set did not compile. The message names the offending pattern or file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompileError {
    kind: ErrorKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum ErrorKind {
    TooMany(&'static str),
    TooLarge(String),
    Automaton { what: String, message: String },
    Io { path: String, message: String },
    Invalid { path: String, message: String },
    Program(String),
}

impl CompileError {
    pub(crate) fn too_many(what: &'static str) -> CompileError {
        CompileError {
            kind: ErrorKind::TooMany(what),
        }
    }

    pub(crate) fn too_large(what: &str) -> CompileError {
        CompileError {
            kind: ErrorKind::TooLarge(what.to_owned()),
        }
    }

    pub(crate) fn automaton(what: &str, message: &str) -> CompileError {
        CompileError {
            kind: ErrorKind::Automaton {
                what: what.to_owned(),
                message: message.to_owned(),
            },
        }
    }

    pub(crate) fn io(path: &std::path::Path, e: &std::io::Error) -> CompileError {
        CompileError {
            kind: ErrorKind::Io {
                path: path.display().to_string(),
                message: e.to_string(),
            },
        }
    }

    #[allow(
        dead_code,
        reason = "used once policy parsing is wired into compile_files"
    )]
    pub(crate) fn invalid(path: &std::path::Path, message: String) -> CompileError {
        CompileError {
            kind: ErrorKind::Invalid {
                path: path.display().to_string(),
                message,
            },
        }
    }

    pub(crate) fn program(message: String) -> CompileError {
        CompileError {
            kind: ErrorKind::Program(message),
        }
    }

    /// Whether the error is a determinization size limit that splitting could not avoid.
    pub fn is_too_large(&self) -> bool {
        matches!(self.kind, ErrorKind::TooLarge(_))
    }
}

impl fmt::Display for CompileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            ErrorKind::TooMany(what) => write!(f, "too many {what} for one artifact"),
            ErrorKind::TooLarge(what) => write!(
                f,
                "{what} alone exceeds the automaton size limit (raise `dfa_size_limit` or simplify the pattern)"
            ),
            ErrorKind::Automaton { what, message } => {
                write!(f, "cannot build the automaton for {what}: {message}")
            }
            ErrorKind::Io { path, message } => write!(f, "{path}: {message}"),
            ErrorKind::Invalid { path, message } => {
                write!(f, "`{path}` is not a valid policy:\n{}", message.trim_end())
            }
            ErrorKind::Program(m) => write!(f, "internal error: compiled program is inconsistent: {m}"),
        }
    }
}

impl std::error::Error for CompileError {}
