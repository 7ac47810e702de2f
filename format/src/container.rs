//! The artifact container: a checksummed header, one bincode metadata section, and one raw,
//! 8-byte-aligned section per DFA; and [`read`], which checks it.
//!
//! # Layout (format version 5, every integer little-endian)
//!
//! | offset | size | field |
//! |---|---|---|
//! | 0 | 16 | label `iamc-artifact`, NUL-padded ([`LABEL`]) |
//! | 16 | 4 | [`FORMAT_VERSION`] |
//! | 20 | 4 | endianness word [`ENDIANNESS_WORD`] (the DFA sections are little-endian) |
//! | 24 | 4 | reserved, zero |
//! | 28 | 4 | section count `n` |
//! | 32 | 8 | total length of the artifact in bytes |
//! | 40 | 32 | `regex-automata` version that built the DFAs, NUL-padded UTF-8 |
//! | 72 | 32 | `iamc` version that wrote the artifact, NUL-padded UTF-8 |
//! | 104 | 24 × n | section table: `kind: u32`, `crc32: u32`, `offset: u64`, `len: u64` |
//! | 104 + 24n | 4 | CRC-32 ([`crc32`]) of bytes `0 .. 104 + 24n` |
//! | 108 + 24n | 4 | reserved, zero |
//!
//! The [`offset`] and [`entry`] modules name these positions. The header is `112 + 24n` bytes
//! ([`header_len`]), a multiple of 8. Section 0 is the metadata (kind [`KIND_METADATA`], the
//! bytes of [`crate::codec::encode_program`]); sections 1.. are DFAs (kind [`KIND_DFA`],
//! `regex-automata`'s `DFA::to_bytes_little_endian()` without its leading pad). Section `i`
//! starts at the first multiple of 8 at or after the end of section `i - 1` (the header for
//! section 0); the bytes in between are zero, and the total length is the end of the last
//! section rounded up to 8. So every byte is covered by a checksum or must be zero: any
//! corruption of a single byte is detected.
//!
//! The compiler writes this layout (`iamc_compiler::container`); CHANGELOG.md keeps the history
//! of the format versions.
//!
//! # Reader order ([`read`])
//! 1. size caps: the buffer ([`MAX_ARTIFACT_BYTES`]), then the section count
//!    ([`MAX_SECTIONS`]), then each section ([`MAX_SECTION_BYTES`]), all before allocating;
//! 2. label;
//! 3. format version in `[OLDEST_FORMAT_VERSION, FORMAT_VERSION]` (before any checksum, so that
//!    a newer layout reports its version, not a checksum mismatch);
//! 4. endianness word, then the host (big-endian hosts get a clear error), reserved fields;
//! 5. header checksum, total length against the buffer;
//! 6. section table: kinds, bounds with checked arithmetic, order, alignment, no overlap, no
//!    gap beyond the zero padding;
//! 7. CRC of every section, zero padding;
//! 8. producer versions: the DFAs must come from the `regex-automata` semver line of
//!    [`REGEX_AUTOMATA_VERSION`].
//!
//! What comes after is the reader's caller's: the runtime validates each DFA section with
//! `regex-automata`'s checking `DFA::from_bytes`, decodes the metadata
//! ([`crate::codec::decode_program`]) and checks it against the DFAs
//! ([`crate::program::Program::validate`]). A checksum catches corruption, not an attacker who
//! recomputes it: the validation of steps 6 and 8 and of everything after is what keeps a forged
//! artifact from crashing the runtime.
//!
//! # Panics
//! Never: every read is bounds-checked and every size computation checked.

pub use crate::crc32::crc32;
use crate::FormatError;

/// The label, NUL-padded to 16 bytes.
pub const LABEL: [u8; 16] = *b"iamc-artifact\0\0\0";
/// The format version this build reads and writes (the history is in CHANGELOG.md).
pub const FORMAT_VERSION: u32 = 5;
/// The oldest format version this build reads (older artifacts fail with the version error:
/// recompile them).
pub const OLDEST_FORMAT_VERSION: u32 = 5;
/// The endianness word: written little-endian, so it reads back as this value only in
/// little-endian order.
pub const ENDIANNESS_WORD: u32 = 0x0102_0304;
/// The `regex-automata` release whose DFA wire format the runtime reads and the compiler writes
/// (checked against `Cargo.lock` by a test); any `0.4.x` producer is semver-compatible.
pub const REGEX_AUTOMATA_VERSION: &str = "0.4.19";

/// Largest artifact accepted, in bytes (the whole `aws-managed` corpus takes about 10 MiB).
pub const MAX_ARTIFACT_BYTES: u64 = 1 << 30;
/// Most sections accepted (one metadata section plus the DFAs).
pub const MAX_SECTIONS: u32 = 1 << 16;
/// Largest section accepted, in bytes.
pub const MAX_SECTION_BYTES: u64 = 1 << 29;

/// Section kind of the metadata section (section 0).
pub const KIND_METADATA: u32 = 1;
/// Section kind of a DFA section (sections 1 and after).
pub const KIND_DFA: u32 = 2;

/// Sections start at multiples of this many bytes; the gaps are zero.
pub const ALIGN: u64 = 8;
/// Bytes of each producer version field (NUL-padded UTF-8).
pub const VERSION_FIELD_BYTES: usize = 32;
/// Bytes after the section table: the header checksum and a reserved word.
pub const TRAILER_BYTES: usize = 8;

/// Byte offsets of the header fields.
pub mod offset {
    /// The label ([`super::LABEL`]).
    pub const LABEL: usize = 0;
    /// The format version (`u32`).
    pub const VERSION: usize = 16;
    /// The endianness word (`u32`).
    pub const ENDIANNESS: usize = 20;
    /// A reserved word (`u32`, zero).
    pub const RESERVED: usize = 24;
    /// The section count (`u32`).
    pub const SECTION_COUNT: usize = 28;
    /// The total length of the artifact (`u64`).
    pub const TOTAL_LEN: usize = 32;
    /// The `regex-automata` version that built the DFAs.
    pub const REGEX_AUTOMATA_VERSION: usize = 40;
    /// The `iamc` version that wrote the artifact.
    pub const IAMC_VERSION: usize = 72;
    /// The first section table entry.
    pub const TABLE: usize = 104;
}

/// The section table entry: its size and the offsets of its fields within it.
pub mod entry {
    /// Bytes of one entry.
    pub const BYTES: usize = 24;
    /// The section kind (`u32`).
    pub const KIND: usize = 0;
    /// The CRC-32 of the section's bytes (`u32`).
    pub const CRC32: usize = 4;
    /// The section's offset from the start of the artifact (`u64`).
    pub const OFFSET: usize = 8;
    /// The section's length in bytes (`u64`).
    pub const LEN: usize = 16;
}

/// The offset of section table entry `index`.
pub const fn entry_at(index: usize) -> usize {
    offset::TABLE + index * entry::BYTES
}

/// The length of the header of an artifact with `sections` sections (the first section starts
/// there); the header checksum is at `header_len(sections) - TRAILER_BYTES`.
pub const fn header_len(sections: usize) -> usize {
    entry_at(sections) + TRAILER_BYTES
}

/// Who wrote an artifact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProducerInfo {
    /// The `regex-automata` version that built the DFAs.
    pub regex_automata: String,
    /// The `iamc` version that wrote the artifact.
    pub iamc: String,
}

/// One section table entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SectionInfo {
    /// [`KIND_METADATA`] or [`KIND_DFA`].
    pub kind: u32,
    /// Offset from the start of the artifact.
    pub offset: u64,
    /// Length in bytes.
    pub len: u64,
    /// CRC-32 of the section's bytes.
    pub crc32: u32,
}

impl SectionInfo {
    /// `metadata`, `dfa` or `unknown`.
    pub fn kind_name(&self) -> &'static str {
        match self.kind {
            KIND_METADATA => "metadata",
            KIND_DFA => "dfa",
            _ => "unknown",
        }
    }
}

/// An artifact whose container is checked (steps 1 to 8 of the module docs): its header, its
/// section table, and the bytes of its sections.
#[derive(Debug, Clone)]
pub struct Container<'a> {
    format_version: u32,
    total_len: u64,
    producer: ProducerInfo,
    sections: Vec<SectionInfo>,
    bytes: &'a [u8],
}

impl<'a> Container<'a> {
    /// The format version of the artifact (within the window this build reads).
    pub fn format_version(&self) -> u32 {
        self.format_version
    }

    /// The artifact's length in bytes, as its header says (and as it is).
    pub fn total_len(&self) -> u64 {
        self.total_len
    }

    /// Who wrote the artifact.
    pub fn producer(&self) -> &ProducerInfo {
        &self.producer
    }

    /// The section table, section 0 (the metadata) first.
    pub fn sections(&self) -> &[SectionInfo] {
        &self.sections
    }

    /// The bytes of section 0: the encoded program ([`crate::codec::decode_program`]).
    pub fn metadata(&self) -> &'a [u8] {
        self.sections
            .first()
            .and_then(|s| slice(self.bytes, s))
            .unwrap_or_default()
    }

    /// `(section index, bytes)` of every DFA section, in order: section `i` is DFA `i - 1` of
    /// the program's DFA list.
    pub fn dfa_sections(&self) -> impl ExactSizeIterator<Item = (usize, &'a [u8])> + '_ {
        self.sections
            .iter()
            .enumerate()
            .skip(1)
            .map(|(i, s)| (i, slice(self.bytes, s).unwrap_or_default()))
    }

    /// Bytes of all DFA sections together.
    pub fn dfa_bytes(&self) -> usize {
        self.dfa_sections().map(|(_, b)| b.len()).sum()
    }
}

/// Checks the container of `bytes`: steps 1 to 8 of the module docs, in that order.
///
/// ```
/// use iamc_format::container::{read, FORMAT_VERSION};
///
/// let mut bytes = b"iamc-artifact\0\0\0".to_vec();
/// bytes.extend_from_slice(&(FORMAT_VERSION + 1).to_le_bytes());
/// let e = read(&bytes).unwrap_err();
/// assert!(e.is_version_error());
/// ```
///
/// # Errors
/// The first check that fails, naming the field or section: `buffer too small to read section
/// table`, `checksum mismatch in section 2 (dfa)`, ...
pub fn read(bytes: &[u8]) -> Result<Container<'_>, FormatError> {
    read_with(bytes, crc32)
}

/// [`read`] with another implementation of the same CRC-32 (IEEE) as [`crc32`]: the runtime
/// passes one that uses the CPU's carry-less multiplication, about twenty times faster than
/// this crate's table-driven one (which a 10 MB artifact otherwise spends 5 ms in).
///
/// ```
/// use iamc_format::container::{crc32, read_with};
///
/// assert!(read_with(b"too short", crc32).is_err());
/// ```
///
/// # Errors
/// As [`read`]. A `crc32` that does not compute CRC-32 (IEEE) fails every checksum.
pub fn read_with(bytes: &[u8], crc32: fn(&[u8]) -> u32) -> Result<Container<'_>, FormatError> {
    check_size(bytes.len() as u64, MAX_ARTIFACT_BYTES)?;
    let label = bytes
        .get(..LABEL.len())
        .ok_or_else(|| FormatError::truncated("label"))?;
    if label != LABEL {
        return Err(FormatError::label());
    }
    let format_version = u32_at(bytes, offset::VERSION, "format version")?;
    if !(OLDEST_FORMAT_VERSION..=FORMAT_VERSION).contains(&format_version) {
        return Err(FormatError::version(
            OLDEST_FORMAT_VERSION,
            FORMAT_VERSION,
            format_version,
        ));
    }
    let endian = u32_at(bytes, offset::ENDIANNESS, "endianness word")?;
    if endian != ENDIANNESS_WORD {
        return Err(FormatError::endianness(endian));
    }
    #[cfg(target_endian = "big")]
    return Err(FormatError::big_endian_host());
    #[cfg(target_endian = "little")]
    {
        let container = read_le(bytes, format_version, crc32)?;
        check_producer(&container.producer)?;
        Ok(container)
    }
}

fn u32_at(bytes: &[u8], at: usize, what: &'static str) -> Result<u32, FormatError> {
    let b = at
        .checked_add(4)
        .and_then(|end| bytes.get(at..end))
        .and_then(|s| <[u8; 4]>::try_from(s).ok())
        .ok_or_else(|| FormatError::truncated(what))?;
    Ok(u32::from_le_bytes(b))
}

fn u64_at(bytes: &[u8], at: usize, what: &'static str) -> Result<u64, FormatError> {
    let b = at
        .checked_add(8)
        .and_then(|end| bytes.get(at..end))
        .and_then(|s| <[u8; 8]>::try_from(s).ok())
        .ok_or_else(|| FormatError::truncated(what))?;
    Ok(u64::from_le_bytes(b))
}

fn version_at(bytes: &[u8], at: usize, what: &'static str) -> Result<String, FormatError> {
    let field = at
        .checked_add(VERSION_FIELD_BYTES)
        .and_then(|end| bytes.get(at..end))
        .ok_or_else(|| FormatError::truncated(what))?;
    let len = field.iter().position(|&b| b == 0).unwrap_or(field.len());
    let (text, pad) = field.split_at(len);
    if pad.iter().any(|&b| b != 0) {
        return Err(FormatError::producer(format!(
            "producer field `{what}` has bytes after its NUL padding"
        )));
    }
    match std::str::from_utf8(text) {
        Ok(s) if !s.is_empty() && !s.chars().any(|c| c.is_control() || c.is_whitespace()) => {
            Ok(s.to_string())
        }
        _ => Err(FormatError::producer(format!(
            "producer field `{what}` is not a printable version string"
        ))),
    }
}

fn check_size(actual: u64, limit: u64) -> Result<(), FormatError> {
    if actual > limit {
        return Err(FormatError::too_large("artifact", limit, actual));
    }
    Ok(())
}

/// Steps 4 (reserved fields) to 7, on a little-endian host.
fn read_le(
    bytes: &[u8],
    format_version: u32,
    crc32: fn(&[u8]) -> u32,
) -> Result<Container<'_>, FormatError> {
    let actual = bytes.len() as u64;
    let reserved = u32_at(bytes, offset::RESERVED, "reserved word")?;
    if reserved != 0 {
        return Err(FormatError::reserved(
            "header reserved",
            u64::from(reserved),
        ));
    }
    let count = u32_at(bytes, offset::SECTION_COUNT, "section count")?;
    if count > MAX_SECTIONS {
        return Err(FormatError::too_large(
            "section count",
            u64::from(MAX_SECTIONS),
            u64::from(count),
        ));
    }
    if count == 0 {
        return Err(FormatError::section(
            0,
            "missing: the section table is empty",
        ));
    }
    let total_len = u64_at(bytes, offset::TOTAL_LEN, "total length")?;
    let count = count as usize;
    // count <= 2^16: no overflow, but checked anyway.
    let table_end = entry::BYTES
        .checked_mul(count)
        .and_then(|t| t.checked_add(offset::TABLE))
        .ok_or_else(|| FormatError::truncated("section table"))?;
    let header_len = table_end
        .checked_add(TRAILER_BYTES)
        .ok_or_else(|| FormatError::truncated("section table"))?;
    if bytes.len() < header_len {
        return Err(FormatError::truncated("section table"));
    }
    let covered = bytes
        .get(..table_end)
        .ok_or_else(|| FormatError::truncated("section table"))?;
    let crc = u32_at(bytes, table_end, "header checksum")?;
    if crc32(covered) != crc {
        return Err(FormatError::header_checksum());
    }
    let reserved = u32_at(bytes, table_end + 4, "header checksum")?;
    if reserved != 0 {
        return Err(FormatError::reserved("header trailer", u64::from(reserved)));
    }
    if total_len != actual {
        return Err(FormatError::length(total_len, actual));
    }
    let producer = ProducerInfo {
        regex_automata: version_at(
            bytes,
            offset::REGEX_AUTOMATA_VERSION,
            "regex-automata version",
        )?,
        iamc: version_at(bytes, offset::IAMC_VERSION, "iamc version")?,
    };

    let mut sections = Vec::with_capacity(count);
    let mut expected = header_len as u64;
    for index in 0..count {
        let at = entry_at(index);
        let kind = u32_at(bytes, at + entry::KIND, "section table")?;
        let crc32 = u32_at(bytes, at + entry::CRC32, "section table")?;
        let offset = u64_at(bytes, at + entry::OFFSET, "section table")?;
        let len = u64_at(bytes, at + entry::LEN, "section table")?;
        let want = if index == 0 { KIND_METADATA } else { KIND_DFA };
        if kind != want {
            let name = if index == 0 { "metadata" } else { "dfa" };
            return Err(FormatError::section(
                index,
                format!("unexpected kind: expected {want} ({name}), found {kind}"),
            ));
        }
        if len > MAX_SECTION_BYTES {
            return Err(FormatError::too_large(
                "section length",
                MAX_SECTION_BYTES,
                len,
            ));
        }
        if !offset.is_multiple_of(ALIGN) {
            return Err(FormatError::section(
                index,
                format!("offset {offset} is not a multiple of {ALIGN}"),
            ));
        }
        if offset < expected {
            return Err(FormatError::section(
                index,
                format!("offset {offset} overlaps the header or the previous section (ends at {expected})"),
            ));
        }
        if offset > expected {
            return Err(FormatError::section(
                index,
                format!("gap before offset {offset}: expected the section at {expected}"),
            ));
        }
        let end = offset
            .checked_add(len)
            .ok_or_else(|| FormatError::section(index, "offset + length overflows"))?;
        if end > actual {
            return Err(FormatError::section(
                index,
                format!("ends at {end}, past the end of the buffer ({actual} bytes)"),
            ));
        }
        expected = end
            .checked_next_multiple_of(ALIGN)
            .ok_or_else(|| FormatError::section(index, "offset + length overflows"))?;
        sections.push(SectionInfo {
            kind,
            offset,
            len,
            crc32,
        });
    }
    if expected != actual {
        return Err(FormatError::length(expected, actual));
    }
    // Step 7: checksums and zero padding.
    let mut pad_start: Option<u64> = None;
    for (index, s) in sections.iter().enumerate() {
        if let Some(p) = pad_start {
            check_zero(bytes, p, s.offset)?;
        }
        let body = slice(bytes, s).ok_or_else(|| FormatError::truncated("section"))?;
        if crc32(body) != s.crc32 {
            return Err(FormatError::checksum(index));
        }
        pad_start = Some(s.offset.saturating_add(s.len));
    }
    if let Some(p) = pad_start {
        check_zero(bytes, p, actual)?;
    }
    Ok(Container {
        format_version,
        total_len,
        producer,
        sections,
        bytes,
    })
}

fn slice<'a>(bytes: &'a [u8], s: &SectionInfo) -> Option<&'a [u8]> {
    let start = usize::try_from(s.offset).ok()?;
    let end = start.checked_add(usize::try_from(s.len).ok()?)?;
    bytes.get(start..end)
}

fn check_zero(bytes: &[u8], from: u64, to: u64) -> Result<(), FormatError> {
    let (Ok(f), Ok(t)) = (usize::try_from(from), usize::try_from(to)) else {
        return Err(FormatError::truncated("padding"));
    };
    let pad = bytes
        .get(f..t)
        .ok_or_else(|| FormatError::truncated("padding"))?;
    match pad.iter().position(|&b| b != 0) {
        None => Ok(()),
        Some(i) => Err(FormatError::padding(from.saturating_add(i as u64))),
    }
}

/// Step 8: DFAs from another `regex-automata` semver line are refused before loading.
fn check_producer(p: &ProducerInfo) -> Result<(), FormatError> {
    let ours = semver_line(REGEX_AUTOMATA_VERSION);
    let theirs = semver_line(&p.regex_automata);
    if ours.is_none() || ours != theirs {
        return Err(FormatError::producer(format!(
            "incompatible regex-automata version `{}`: this runtime reads DFAs from {}",
            p.regex_automata,
            line_name(REGEX_AUTOMATA_VERSION)
        )));
    }
    Ok(())
}

/// The semver-compatible line of `major.minor.patch`: `(0, minor)` for 0.x, `(major, 0)`
/// otherwise; `None` if it does not parse.
fn semver_line(v: &str) -> Option<(u64, u64)> {
    let core = v.split(['-', '+']).next()?;
    let mut parts = core.split('.');
    let major: u64 = parts.next()?.parse().ok()?;
    let minor: u64 = parts.next()?.parse().ok()?;
    let _patch: u64 = parts.next()?.parse().ok()?;
    if parts.next().is_some() {
        return None;
    }
    Some(if major == 0 { (0, minor) } else { (major, 0) })
}

fn line_name(v: &str) -> String {
    match semver_line(v) {
        Some((0, minor)) => format!("0.{minor}.x"),
        Some((major, _)) => format!("{major}.x"),
        None => v.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_constants_agree() {
        assert_eq!(offset::TABLE, offset::IAMC_VERSION + VERSION_FIELD_BYTES);
        assert_eq!(
            offset::IAMC_VERSION,
            offset::REGEX_AUTOMATA_VERSION + VERSION_FIELD_BYTES
        );
        assert_eq!(header_len(3), 104 + 3 * 24 + 8);
        assert_eq!(header_len(1) % ALIGN as usize, 0);
        assert_eq!(entry::LEN + 8, entry::BYTES);
    }

    #[test]
    fn size_cap() {
        assert!(check_size(MAX_ARTIFACT_BYTES, MAX_ARTIFACT_BYTES).is_ok());
        let e = check_size(MAX_ARTIFACT_BYTES + 1, MAX_ARTIFACT_BYTES).unwrap_err();
        assert_eq!(
            e.to_string(),
            format!(
                "artifact too large: {} (limit {MAX_ARTIFACT_BYTES})",
                MAX_ARTIFACT_BYTES + 1
            )
        );
    }

    #[test]
    fn semver_lines() {
        assert_eq!(semver_line("0.4.19"), Some((0, 4)));
        assert_eq!(semver_line("0.4.99-beta+x"), Some((0, 4)));
        assert_eq!(semver_line("1.2.3"), Some((1, 0)));
        assert_eq!(semver_line("0.4"), None);
        assert_eq!(line_name("0.4.19"), "0.4.x");
        assert_eq!(line_name("2.1.0"), "2.x");
    }

    #[test]
    fn short_buffers_name_the_field() {
        assert_eq!(
            read(&[]).unwrap_err().to_string(),
            "buffer too small to read label"
        );
        let mut b = LABEL.to_vec();
        assert_eq!(
            read(&b).unwrap_err().to_string(),
            "buffer too small to read format version"
        );
        b.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        assert_eq!(
            read(&b).unwrap_err().to_string(),
            "buffer too small to read endianness word"
        );
    }

    #[test]
    fn recorded_regex_automata_version_is_the_locked_one() {
        let lock =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../Cargo.lock")).unwrap();
        let needle = format!("name = \"regex-automata\"\nversion = \"{REGEX_AUTOMATA_VERSION}\"");
        assert!(
            lock.contains(&needle),
            "Cargo.lock does not lock regex-automata {REGEX_AUTOMATA_VERSION}: update REGEX_AUTOMATA_VERSION"
        );
    }
}
