//! The catalog's errors.

use std::fmt;

/// The catalog text did not load (a corrupt or hand-edited `data/catalog.txt`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogError {
    /// 1-based line, 0 when the problem is with the whole text.
    line: usize,
    what: String,
}

impl CatalogError {
    pub(crate) fn new(line: usize, what: String) -> CatalogError {
        CatalogError { line, what }
    }

    pub(crate) fn at_end(what: &str) -> CatalogError {
        CatalogError {
            line: 0,
            what: what.to_string(),
        }
    }

    /// The 1-based line at fault, if one is.
    pub fn line(&self) -> Option<usize> {
        (self.line > 0).then_some(self.line)
    }
}

impl fmt::Display for CatalogError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line() {
            Some(line) => write!(f, "service catalog data, line {line}: {}", self.what),
            None => write!(f, "service catalog data: {}", self.what),
        }
    }
}

impl std::error::Error for CatalogError {}

/// An action or ARN pattern the catalog cannot answer for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatternError {
    kind: PatternErrorKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum PatternErrorKind {
    /// An action without `:`.
    NoService(String),
    /// A wildcard in an action's service prefix (IAM rejects it).
    WildcardService(String),
    UnknownService {
        service: String,
        suggestion: Option<&'static str>,
    },
    /// Building or searching an automaton failed (a size limit).
    Automaton(String),
}

impl PatternError {
    pub(crate) fn no_service(pattern: &str) -> PatternError {
        PatternError {
            kind: PatternErrorKind::NoService(pattern.to_string()),
        }
    }

    pub(crate) fn wildcard_service(service: &str) -> PatternError {
        PatternError {
            kind: PatternErrorKind::WildcardService(service.to_string()),
        }
    }

    pub(crate) fn unknown_service(service: &str, suggestion: Option<&'static str>) -> PatternError {
        PatternError {
            kind: PatternErrorKind::UnknownService {
                service: service.to_string(),
                suggestion,
            },
        }
    }

    pub(crate) fn automaton(what: String) -> PatternError {
        PatternError {
            kind: PatternErrorKind::Automaton(what),
        }
    }

    /// The nearest known name, for a `did you mean` hint.
    pub fn suggestion(&self) -> Option<&'static str> {
        match &self.kind {
            PatternErrorKind::UnknownService { suggestion, .. } => *suggestion,
            _ => None,
        }
    }

    /// Whether the service prefix is unknown to the catalog.
    pub fn is_unknown_service(&self) -> bool {
        matches!(self.kind, PatternErrorKind::UnknownService { .. })
    }
}

impl fmt::Display for PatternError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            PatternErrorKind::NoService(p) => {
                write!(f, "action `{p}` has no service prefix (`service:action`)")
            }
            PatternErrorKind::WildcardService(s) => {
                write!(f, "wildcards are not allowed in the service prefix `{s}`")
            }
            PatternErrorKind::UnknownService { service, .. } => {
                write!(f, "unknown service `{service}`")
            }
            PatternErrorKind::Automaton(what) => f.write_str(what),
        }
    }
}

impl std::error::Error for PatternError {}
