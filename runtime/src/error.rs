//! [`LoadError`]: why artifact bytes were refused.
//!
//! Every message names the field or section at fault, lowercase, without a trailing period:
//! `buffer too small to read section table`, `unsupported format version: expected 5, found 7`,
//! `checksum mismatch in section 2 (dfa)`. Building or printing one never panics.

use std::fmt;

use iamc_format::FormatError;

/// Artifact bytes were refused by [`Artifact::from_bytes`](crate::Artifact::from_bytes): the
/// message says which field or section is wrong.
///
/// ```
/// use iamc_runtime::Artifact;
///
/// let e = Artifact::from_bytes(b"not an artifact, just some bytes").unwrap_err();
/// assert_eq!(e.to_string(), "not an iamc artifact: label `iamc-artifact` missing");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadError {
    kind: Kind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Kind {
    /// The container, the metadata or the program (see `iamc_format`).
    Format(FormatError),
    /// A DFA section failed `regex-automata`'s validation.
    Dfa { index: usize, what: String },
}

impl LoadError {
    pub(crate) fn dfa(index: usize, what: impl Into<String>) -> LoadError {
        LoadError {
            kind: Kind::Dfa {
                index,
                what: what.into(),
            },
        }
    }

    /// Whether the artifact was refused for its format version (an older or newer layout than
    /// this runtime reads): rebuild it with a matching `iamc`.
    ///
    /// ```
    /// let mut bytes = b"iamc-artifact\0\0\0".to_vec();
    /// bytes.extend_from_slice(&1u32.to_le_bytes());
    /// let e = iamc_runtime::Artifact::from_bytes(&bytes).unwrap_err();
    /// assert!(e.is_version_error());
    /// ```
    pub fn is_version_error(&self) -> bool {
        matches!(&self.kind, Kind::Format(e) if e.is_version_error())
    }

    /// Whether a checksum (of the header or of a section) did not match: the bytes were
    /// corrupted after they were written.
    ///
    /// ```
    /// use iamc_runtime::Artifact;
    ///
    /// let mut bytes = include_bytes!("../../tests/data/artifacts/v5/ecs.iamc").to_vec();
    /// bytes[4096] ^= 0x40; // one bit flipped inside a section
    /// let e = Artifact::from_bytes(&bytes).unwrap_err();
    /// assert!(e.is_checksum_error() && !e.is_version_error(), "{e}");
    /// ```
    pub fn is_checksum_error(&self) -> bool {
        matches!(&self.kind, Kind::Format(e) if e.is_checksum_error())
    }
}

impl From<FormatError> for LoadError {
    fn from(e: FormatError) -> LoadError {
        LoadError {
            kind: Kind::Format(e),
        }
    }
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            Kind::Format(e) => e.fmt(f),
            Kind::Dfa { index, what } => write!(f, "section {index} (dfa): invalid dfa: {what}"),
        }
    }
}

impl std::error::Error for LoadError {}
