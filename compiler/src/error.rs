//! [`CompileError`]: why a policy set did not compile.

use std::fmt;

/// Why a policy set did not compile. The message names the offending pattern or file.
///
/// ```
/// use iamc_grammar::{ast::PolicyType, PolicySet, SourceFile};
/// let text = r#"{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}"#;
/// let boundary = iamc_grammar::parse_policy(&SourceFile::new("b.json", text), PolicyType::Boundary)?;
/// // A permissions boundary given in the identity slot is refused, not decided as identity.
/// let set = PolicySet { identity: vec![boundary.policy], ..PolicySet::default() };
/// let e = iamc_compiler::compile_set(&set, &Default::default()).unwrap_err();
/// assert_eq!(e.to_string(), "`b.json` is a Boundary policy, given as an identity policy");
///
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
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
    OverBudget { total: usize, limit: usize },
    BadSet(String),
    Pattern { pattern: String, message: String },
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

    pub(crate) fn invalid(path: &std::path::Path, message: String) -> CompileError {
        CompileError {
            kind: ErrorKind::Invalid {
                path: path.display().to_string(),
                message,
            },
        }
    }

    pub(crate) fn bad_set(message: String) -> CompileError {
        CompileError {
            kind: ErrorKind::BadSet(message),
        }
    }

    pub(crate) fn pattern(pattern: &str, message: String) -> CompileError {
        CompileError {
            kind: ErrorKind::Pattern {
                pattern: clip(pattern),
                message,
            },
        }
    }

    pub(crate) fn over_budget(total: usize, limit: usize) -> CompileError {
        CompileError {
            kind: ErrorKind::OverBudget { total, limit },
        }
    }

    pub(crate) fn program(message: String) -> CompileError {
        CompileError {
            kind: ErrorKind::Program(message),
        }
    }

    /// Whether the error is a determinization size limit that splitting could not avoid.
    ///
    /// ```
    /// use iamc_grammar::{ast::PolicyType, SourceFile};
    /// let text = r#"{"Statement":{"Effect":"Allow","Action":"s3:*a*b*c*d*e*f*","Resource":"*"}}"#;
    /// let p = iamc_grammar::parse_policy(&SourceFile::new("p.json", text), PolicyType::Identity)?;
    /// let tiny = iamc_compiler::Config { dfa_size_limit: 1, determinize_size_limit: 1, ..Default::default() };
    /// let e = iamc_compiler::compile(&[p.policy], &tiny).unwrap_err();
    /// assert!(e.is_too_large(), "{e}");
    ///
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn is_too_large(&self) -> bool {
        matches!(self.kind, ErrorKind::TooLarge(_))
    }
}

/// Characters of a pattern quoted in an error message at most: a 100 KB pattern is named by
/// its start, not printed whole.
const QUOTED_CHARS: usize = 80;

/// `text` cut to [`QUOTED_CHARS`] characters, with `…` and the full length when cut.
pub(crate) fn clip(text: &str) -> String {
    match text.char_indices().nth(QUOTED_CHARS) {
        None => text.to_owned(),
        Some((at, _)) => format!(
            "{}… ({} characters)",
            text.get(..at).unwrap_or_default(),
            text.chars().count()
        ),
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
            ErrorKind::BadSet(message) => f.write_str(message),
            ErrorKind::Pattern { pattern, message } => {
                write!(f, "invalid pattern `{pattern}`: {message}")
            }
            ErrorKind::OverBudget { total, limit } => write!(
                f,
                "the automata of this policy set take more than {limit} bytes (at least {total}; `max_total_dfa_bytes`)"
            ),
        }
    }
}

impl std::error::Error for CompileError {}

#[cfg(test)]
mod clip_tests {
    use super::clip;

    #[test]
    fn long_patterns_are_cut_with_their_length() {
        assert_eq!(clip("ecs:Run*"), "ecs:Run*");
        let exact = "x".repeat(80);
        assert_eq!(clip(&exact), exact);
        let long = format!("arn:aws:s3:::{}", "é*".repeat(50_000));
        let c = clip(&long);
        assert_eq!(
            c.chars().count(),
            80 + "… (100013 characters)".chars().count()
        );
        assert!(c.starts_with("arn:aws:s3:::é*é*"), "{c}");
        assert!(c.ends_with("… (100013 characters)"), "{c}");
    }
}
