//! [`LoadError`]: why artifact bytes were refused.
//!
//! Every message names the field or section at fault, lowercase, without a trailing period:
//! `buffer too small to read section table`, `unsupported format version: expected 1, found 7`,
//! `checksum mismatch in section 2 (dfa)`. Building or printing one never panics.

use std::fmt;

/// Artifact bytes were refused by [`Artifact::from_bytes`](crate::Artifact::from_bytes) (or
/// `iamc inspect`): the message says which field or section is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadError {
    kind: Kind,
}

/// The section kinds named in messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SectionName {
    Metadata,
    Dfa,
}

impl fmt::Display for SectionName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SectionName::Metadata => f.write_str("metadata"),
            SectionName::Dfa => f.write_str("dfa"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Kind {
    /// A size cap was exceeded before anything was allocated.
    TooLarge {
        what: &'static str,
        limit: u64,
        found: u64,
    },
    /// The buffer ends before the named field.
    Truncated { what: &'static str },
    /// The first 16 bytes are not the label.
    Label,
    /// `FORMAT_VERSION` outside `[oldest, current]`.
    Version {
        oldest: u32,
        current: u32,
        found: u32,
    },
    /// The endianness word is not the little-endian marker.
    Endianness { found: u32 },
    /// This host cannot use little-endian DFAs.
    BigEndianHost,
    /// A reserved field is not zero.
    Reserved { what: &'static str, found: u64 },
    /// The header's checksum does not match.
    HeaderChecksum,
    /// The header's total length is not the buffer's length.
    Length { header: u64, found: u64 },
    /// A section table entry is inconsistent.
    Section {
        index: usize,
        name: SectionName,
        what: String,
    },
    /// A section's checksum does not match.
    Checksum { index: usize, name: SectionName },
    /// A padding byte between sections is not zero.
    Padding { offset: u64 },
    /// A producer field is not what this runtime reads.
    Producer { what: String },
    /// A DFA section failed `regex-automata`'s validation.
    Dfa { index: usize, what: String },
    /// The metadata section failed to decode.
    Metadata { what: String },
    /// The decoded program does not fit its DFAs.
    Program { what: String },
}

impl LoadError {
    pub(crate) fn too_large(what: &'static str, limit: u64, found: u64) -> LoadError {
        LoadError {
            kind: Kind::TooLarge { what, limit, found },
        }
    }

    pub(crate) fn truncated(what: &'static str) -> LoadError {
        LoadError {
            kind: Kind::Truncated { what },
        }
    }

    pub(crate) fn label() -> LoadError {
        LoadError { kind: Kind::Label }
    }

    pub(crate) fn version(oldest: u32, current: u32, found: u32) -> LoadError {
        LoadError {
            kind: Kind::Version {
                oldest,
                current,
                found,
            },
        }
    }

    pub(crate) fn endianness(found: u32) -> LoadError {
        LoadError {
            kind: Kind::Endianness { found },
        }
    }

    #[cfg_attr(target_endian = "little", allow(dead_code))]
    pub(crate) fn big_endian_host() -> LoadError {
        LoadError {
            kind: Kind::BigEndianHost,
        }
    }

    pub(crate) fn reserved(what: &'static str, found: u64) -> LoadError {
        LoadError {
            kind: Kind::Reserved { what, found },
        }
    }

    pub(crate) fn header_checksum() -> LoadError {
        LoadError {
            kind: Kind::HeaderChecksum,
        }
    }

    pub(crate) fn length(header: u64, found: u64) -> LoadError {
        LoadError {
            kind: Kind::Length { header, found },
        }
    }

    pub(crate) fn section(index: usize, name: SectionName, what: impl Into<String>) -> LoadError {
        LoadError {
            kind: Kind::Section {
                index,
                name,
                what: what.into(),
            },
        }
    }

    pub(crate) fn checksum(index: usize, name: SectionName) -> LoadError {
        LoadError {
            kind: Kind::Checksum { index, name },
        }
    }

    pub(crate) fn padding(offset: u64) -> LoadError {
        LoadError {
            kind: Kind::Padding { offset },
        }
    }

    pub(crate) fn producer(what: impl Into<String>) -> LoadError {
        LoadError {
            kind: Kind::Producer { what: what.into() },
        }
    }

    pub(crate) fn dfa(index: usize, what: impl Into<String>) -> LoadError {
        LoadError {
            kind: Kind::Dfa {
                index,
                what: what.into(),
            },
        }
    }

    pub(crate) fn metadata(what: impl Into<String>) -> LoadError {
        LoadError {
            kind: Kind::Metadata { what: what.into() },
        }
    }

    /// The decoded program does not fit the DFAs it came with (`what` names the field).
    #[doc(hidden)]
    pub fn program(what: impl Into<String>) -> LoadError {
        LoadError {
            kind: Kind::Program { what: what.into() },
        }
    }

    /// Whether the artifact was refused for its format version (an older or newer layout than
    /// this runtime reads): rebuild it with a matching `iamc`.
    pub fn is_version_error(&self) -> bool {
        matches!(self.kind, Kind::Version { .. })
    }

    /// Whether a checksum (of the header or of a section) did not match: the bytes were
    /// corrupted after they were written.
    pub fn is_checksum_error(&self) -> bool {
        matches!(self.kind, Kind::Checksum { .. } | Kind::HeaderChecksum)
    }
}

impl From<crate::program::ProgramError> for LoadError {
    fn from(e: crate::program::ProgramError) -> LoadError {
        LoadError::program(e.what)
    }
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            Kind::TooLarge { what, limit, found } => {
                write!(f, "{what} too large: {found} (limit {limit})")
            }
            Kind::Truncated { what } => write!(f, "buffer too small to read {what}"),
            Kind::Label => f.write_str("not an iamc artifact: label `iamc-artifact` missing"),
            Kind::Version {
                oldest,
                current,
                found,
            } => {
                if oldest == current {
                    write!(
                        f,
                        "unsupported format version: expected {current}, found {found}"
                    )
                } else {
                    write!(
                        f,
                        "unsupported format version: expected {oldest} to {current}, found {found}"
                    )
                }
            }
            Kind::Endianness { found } => write!(
                f,
                "unsupported endianness word: expected 0x01020304 (little-endian), found {found:#010x}"
            ),
            Kind::BigEndianHost => f.write_str(
                "artifact DFAs are little-endian and this host is big-endian: unsupported host",
            ),
            Kind::Reserved { what, found } => {
                write!(f, "reserved field `{what}` is not zero: found {found}")
            }
            Kind::HeaderChecksum => f.write_str("checksum mismatch in header"),
            Kind::Length { header, found } => write!(
                f,
                "total length mismatch: header says {header} bytes, buffer has {found}"
            ),
            Kind::Section { index, name, what } => write!(f, "section {index} ({name}): {what}"),
            Kind::Checksum { index, name } => {
                write!(f, "checksum mismatch in section {index} ({name})")
            }
            Kind::Padding { offset } => write!(f, "non-zero padding byte at offset {offset}"),
            Kind::Producer { what } => f.write_str(what),
            Kind::Dfa { index, what } => write!(f, "section {index} (dfa): invalid dfa: {what}"),
            Kind::Metadata { what } => write!(f, "section 0 (metadata): {what}"),
            Kind::Program { what } => write!(f, "invalid program: {what}"),
        }
    }
}

impl std::error::Error for LoadError {}
