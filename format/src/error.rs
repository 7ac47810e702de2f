//! [`FormatError`]: why artifact bytes do not hold a well-formed artifact.
//!
//! Every message names the field or section at fault, lowercase, without a trailing period:
//! `buffer too small to read section table`, `unsupported format version: expected 4, found 7`,
//! `checksum mismatch in section 2 (dfa)`. Building or printing one never panics.

use std::fmt;

/// Artifact bytes were refused by the container reader ([`crate::container::read`]), the
/// metadata decoder ([`crate::codec::decode_program`]) or the program's cross-reference check
/// ([`crate::program::Program::validate`]). The message says which field or section is wrong.
///
/// ```
/// let e = iamc_format::container::read(b"PK\x03\x04 a zip file, not an artifact").unwrap_err();
/// assert_eq!(e.to_string(), "not an iamc artifact: label `iamc-artifact` missing");
/// assert!(!e.is_version_error());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormatError {
    kind: Kind,
}

/// The section kinds named in messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SectionName {
    Metadata,
    Dfa,
}

impl SectionName {
    /// Section 0 is the metadata, every other a DFA.
    pub(crate) fn of(index: usize) -> SectionName {
        if index == 0 {
            SectionName::Metadata
        } else {
            SectionName::Dfa
        }
    }
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
    /// A producer field is not what this reader accepts.
    Producer { what: String },
    /// The metadata section failed to decode.
    Metadata { what: String },
    /// The decoded program does not fit its DFAs.
    Program { what: String },
}

impl FormatError {
    fn of(kind: Kind) -> FormatError {
        FormatError { kind }
    }

    pub(crate) fn too_large(what: &'static str, limit: u64, found: u64) -> FormatError {
        FormatError::of(Kind::TooLarge { what, limit, found })
    }

    pub(crate) fn truncated(what: &'static str) -> FormatError {
        FormatError::of(Kind::Truncated { what })
    }

    pub(crate) fn label() -> FormatError {
        FormatError::of(Kind::Label)
    }

    pub(crate) fn version(oldest: u32, current: u32, found: u32) -> FormatError {
        FormatError::of(Kind::Version {
            oldest,
            current,
            found,
        })
    }

    pub(crate) fn endianness(found: u32) -> FormatError {
        FormatError::of(Kind::Endianness { found })
    }

    #[cfg_attr(
        all(target_endian = "little", not(test)),
        expect(dead_code, reason = "only big-endian hosts refuse little-endian DFAs")
    )]
    pub(crate) fn big_endian_host() -> FormatError {
        FormatError::of(Kind::BigEndianHost)
    }

    pub(crate) fn reserved(what: &'static str, found: u64) -> FormatError {
        FormatError::of(Kind::Reserved { what, found })
    }

    pub(crate) fn header_checksum() -> FormatError {
        FormatError::of(Kind::HeaderChecksum)
    }

    pub(crate) fn length(header: u64, found: u64) -> FormatError {
        FormatError::of(Kind::Length { header, found })
    }

    pub(crate) fn section(index: usize, what: impl Into<String>) -> FormatError {
        FormatError::of(Kind::Section {
            index,
            name: SectionName::of(index),
            what: what.into(),
        })
    }

    pub(crate) fn checksum(index: usize) -> FormatError {
        FormatError::of(Kind::Checksum {
            index,
            name: SectionName::of(index),
        })
    }

    pub(crate) fn padding(offset: u64) -> FormatError {
        FormatError::of(Kind::Padding { offset })
    }

    pub(crate) fn producer(what: impl Into<String>) -> FormatError {
        FormatError::of(Kind::Producer { what: what.into() })
    }

    pub(crate) fn metadata(what: impl Into<String>) -> FormatError {
        FormatError::of(Kind::Metadata { what: what.into() })
    }

    pub(crate) fn program(what: impl Into<String>) -> FormatError {
        FormatError::of(Kind::Program { what: what.into() })
    }

    /// Whether the artifact was refused for its format version (an older or newer layout than
    /// this reader accepts): rebuild it with a matching `iamc`.
    pub fn is_version_error(&self) -> bool {
        matches!(self.kind, Kind::Version { .. })
    }

    /// Whether a checksum (of the header or of a section) did not match: the bytes were
    /// corrupted after they were written.
    pub fn is_checksum_error(&self) -> bool {
        matches!(self.kind, Kind::Checksum { .. } | Kind::HeaderChecksum)
    }
}

impl fmt::Display for FormatError {
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
            Kind::Metadata { what } => write!(f, "section 0 (metadata): {what}"),
            Kind::Program { what } => write!(f, "invalid program: {what}"),
        }
    }
}

impl std::error::Error for FormatError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_the_field() {
        assert_eq!(
            FormatError::version(1, 3, 9).to_string(),
            "unsupported format version: expected 1 to 3, found 9"
        );
        assert_eq!(
            FormatError::big_endian_host().to_string(),
            "artifact DFAs are little-endian and this host is big-endian: unsupported host"
        );
        assert_eq!(
            FormatError::checksum(2).to_string(),
            "checksum mismatch in section 2 (dfa)"
        );
        assert_eq!(
            FormatError::section(0, "missing").to_string(),
            "section 0 (metadata): missing"
        );
        assert!(FormatError::header_checksum().is_checksum_error());
    }
}
