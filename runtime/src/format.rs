//! The artifact container: a checksummed header, one bincode metadata section, and one raw,
//! 8-byte-aligned section per DFA.
//!
//! # Layout (format version 1, every integer little-endian)
//!
//! | offset | size | field |
//! |---|---|---|
//! | 0 | 16 | label `iamc-artifact`, NUL-padded |
//! | 16 | 4 | `FORMAT_VERSION` |
//! | 20 | 4 | endianness word `0x01020304` (the DFA sections are little-endian) |
//! | 24 | 4 | reserved, zero |
//! | 28 | 4 | section count `n` |
//! | 32 | 8 | total length of the artifact in bytes |
//! | 40 | 32 | `regex-automata` version that built the DFAs, NUL-padded UTF-8 |
//! | 72 | 32 | `iamc` version that wrote the artifact, NUL-padded UTF-8 |
//! | 104 | 24 × n | section table: `kind: u32`, `crc32: u32`, `offset: u64`, `len: u64` |
//! | 104 + 24n | 4 | CRC-32 (IEEE, `crc32fast`) of bytes `0 .. 104 + 24n` |
//! | 108 + 24n | 4 | reserved, zero |
//!
//! The header is `112 + 24n` bytes, a multiple of 8. Section 0 is the metadata (kind 1, the
//! bincode bytes of `codec`); sections 1.. are DFAs (kind 2, `DFA::to_bytes_little_endian()`
//! without its leading pad). Section `i` starts at the first multiple of 8 at or after the end
//! of section `i - 1` (the header for section 0); the bytes in between are zero, and the total
//! length is the end of the last section rounded up to 8. So every byte is covered by a
//! checksum or must be zero: any corruption of a single byte is detected.
//!
//! # Loader order ([`read`])
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
//! 8. producer versions: the DFAs must come from the same `regex-automata` 0.4 semver line;
//! 9. each DFA loaded with the validating `dense::DFA::from_bytes` (never
//!    `from_bytes_unchecked`) from a `u32`-aligned buffer, spanning its whole section, then
//!    copied into owned storage.
//!
//! Decoding the metadata and checking it against the DFAs come after (`crate::artifact`).
//! A checksum catches corruption, not an attacker who recomputes it: the validation of steps
//! 6 to 9 and of the program is what keeps a forged artifact from crashing the runtime.
//!
//! # Panics
//! Never: every read is bounds-checked and every size computation checked.

use crate::error::{LoadError, SectionName};
use crate::program::Dfa;

/// The label, NUL-padded to 16 bytes.
pub const LABEL: [u8; 16] = *b"iamc-artifact\0\0\0";
/// The format version this runtime writes. Version 2: action shards carry a literal table
/// (`program::LiteralTable`). Version 3: the program holds typed groups (identity, resource,
/// trust, boundary, session, SCP and RCP levels, endpoint) and statements carry their group and
/// principal block.
pub const FORMAT_VERSION: u32 = 3;
/// The oldest format version this runtime reads (version 1 and 2 artifacts fail with the
/// version error: recompile them).
pub const OLDEST_FORMAT_VERSION: u32 = 3;
/// The endianness word: written little-endian, so it reads back as this value only in
/// little-endian order.
pub const ENDIANNESS_WORD: u32 = 0x0102_0304;
/// The `regex-automata` release whose DFA wire format this runtime reads (checked against
/// `Cargo.lock` by a test); any `0.4.x` producer is semver-compatible.
pub const REGEX_AUTOMATA_VERSION: &str = "0.4.19";
/// The `iamc` version of this runtime.
pub const IAMC_VERSION: &str = env!("CARGO_PKG_VERSION");

/// Largest artifact accepted, in bytes (the whole `aws-managed` corpus takes a few MiB).
pub const MAX_ARTIFACT_BYTES: u64 = 1 << 30;
/// Most sections accepted (one metadata section plus the DFAs).
pub const MAX_SECTIONS: u32 = 1 << 16;
/// Largest section accepted, in bytes.
pub const MAX_SECTION_BYTES: u64 = 1 << 29;

/// Section kind of the metadata section.
pub const KIND_METADATA: u32 = 1;
/// Section kind of a DFA section.
pub const KIND_DFA: u32 = 2;

const OFF_VERSION: usize = 16;
const OFF_ENDIAN: usize = 20;
const OFF_RESERVED: usize = 24;
const OFF_COUNT: usize = 28;
const OFF_TOTAL: usize = 32;
const OFF_RA_VERSION: usize = 40;
const OFF_IAMC_VERSION: usize = 72;
const VERSION_FIELD: usize = 32;
const OFF_TABLE: usize = 104;
const ENTRY: usize = 24;
/// The header's checksum and trailing reserved word.
const TRAILER: usize = 8;
const ALIGN: u64 = 8;

/// Who wrote an artifact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProducerInfo {
    /// The `regex-automata` version that built the DFAs.
    pub regex_automata: String,
    /// The `iamc` version that wrote the artifact.
    pub iamc: String,
}

impl ProducerInfo {
    /// The versions of this build.
    pub fn current() -> ProducerInfo {
        ProducerInfo {
            regex_automata: REGEX_AUTOMATA_VERSION.to_string(),
            iamc: IAMC_VERSION.to_string(),
        }
    }
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
    /// `metadata` or `dfa`.
    pub fn kind_name(&self) -> &'static str {
        match self.kind {
            KIND_METADATA => "metadata",
            KIND_DFA => "dfa",
            _ => "unknown",
        }
    }
}

/// What `iamc inspect` prints about the container.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArtifactInfo {
    pub format_version: u32,
    pub total_len: u64,
    pub producer: ProducerInfo,
    pub sections: Vec<SectionInfo>,
}

/// The validated contents of an artifact: the metadata bytes (still to decode) and the DFAs
/// (the tests' view of steps 1 to 9 in one call).
#[cfg(test)]
#[derive(Debug)]
pub(crate) struct Sections<'a> {
    pub(crate) meta: &'a [u8],
    pub(crate) dfas: Vec<Dfa>,
    pub(crate) producer: ProducerInfo,
}

/// The artifact bytes of `meta` (the encoded program) and `dfas` (each DFA's
/// `to_bytes_little_endian()` bytes without the leading pad).
///
/// Version strings longer than 32 bytes are cut at a character boundary.
#[doc(hidden)]
pub fn write(meta: &[u8], dfas: &[Vec<u8>], info: &ProducerInfo) -> Vec<u8> {
    let count = 1 + dfas.len();
    let header_len = OFF_TABLE + ENTRY * count + TRAILER;
    let bodies = std::iter::once(meta).chain(dfas.iter().map(Vec::as_slice));
    let body_len: usize = bodies.clone().map(|b| align_up(b.len())).sum();
    let mut out = Vec::with_capacity(header_len + body_len);
    out.extend_from_slice(&LABEL);
    out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    out.extend_from_slice(&ENDIANNESS_WORD.to_le_bytes());
    out.extend_from_slice(&0u32.to_le_bytes());
    out.extend_from_slice(&(count as u32).to_le_bytes());
    out.extend_from_slice(&((header_len + body_len) as u64).to_le_bytes());
    put_version(&mut out, &info.regex_automata);
    put_version(&mut out, &info.iamc);
    let mut offset = header_len;
    for (i, body) in bodies.clone().enumerate() {
        let kind = if i == 0 { KIND_METADATA } else { KIND_DFA };
        out.extend_from_slice(&kind.to_le_bytes());
        out.extend_from_slice(&crc32fast::hash(body).to_le_bytes());
        out.extend_from_slice(&(offset as u64).to_le_bytes());
        out.extend_from_slice(&(body.len() as u64).to_le_bytes());
        offset += align_up(body.len());
    }
    let crc = crc32fast::hash(&out);
    out.extend_from_slice(&crc.to_le_bytes());
    out.extend_from_slice(&0u32.to_le_bytes());
    for body in bodies {
        out.extend_from_slice(body);
        out.resize(align_up(out.len()), 0);
    }
    out
}

fn align_up(n: usize) -> usize {
    n.div_ceil(ALIGN as usize).saturating_mul(ALIGN as usize)
}

fn put_version(out: &mut Vec<u8>, v: &str) {
    let mut end = v.len().min(VERSION_FIELD);
    while !v.is_char_boundary(end) {
        end -= 1;
    }
    let bytes = v.as_bytes().get(..end).unwrap_or_default();
    out.extend_from_slice(bytes);
    out.resize(out.len() + (VERSION_FIELD - bytes.len()), 0);
}

/// Recomputes every section checksum (for table entries that lie inside `bytes`) and the
/// header checksum, in place; does nothing where the header is too short. For fuzz targets and
/// tests: mutated bytes then reach the table, metadata and DFA validation behind the checksums,
/// as a forger's would.
#[doc(hidden)]
pub fn reseal_checksums(bytes: &mut [u8]) {
    let Ok(count) = u32_at(bytes, OFF_COUNT, "section count") else {
        return;
    };
    let count = (count.min(MAX_SECTIONS)) as usize;
    let table_end = OFF_TABLE + ENTRY * count;
    for index in 0..count {
        let at = OFF_TABLE + index * ENTRY;
        let (Ok(offset), Ok(len)) = (
            u64_at(bytes, at + 8, "section table"),
            u64_at(bytes, at + 16, "section table"),
        ) else {
            return;
        };
        let entry = SectionInfo {
            kind: 0,
            offset,
            len,
            crc32: 0,
        };
        if let Some(body) = slice(bytes, &entry) {
            let crc = crc32fast::hash(body).to_le_bytes();
            if let Some(dst) = bytes.get_mut(at + 4..at + 8) {
                dst.copy_from_slice(&crc);
            }
        }
    }
    let Some(covered) = bytes.get(..table_end) else {
        return;
    };
    let crc = crc32fast::hash(covered).to_le_bytes();
    if let Some(dst) = bytes.get_mut(table_end..table_end + 4) {
        dst.copy_from_slice(&crc);
    }
}

/// Reads and validates the container (steps 1 to 9 of the module docs).
///
/// # Errors
/// The first check that fails, naming the field or section.
#[cfg(test)]
pub(crate) fn read(bytes: &[u8]) -> Result<Sections<'_>, LoadError> {
    let checked = check(bytes)?;
    let dfas = checked.load_dfas()?;
    Ok(Sections {
        meta: checked.meta,
        dfas,
        producer: checked.producer,
    })
}

/// An artifact whose container, producer and checksums are checked (steps 1 to 8), its DFA
/// sections not yet loaded: [`Checked::load_dfas`] is step 9, which the loader may run on
/// another thread while the metadata is decoded.
pub(crate) struct Checked<'a> {
    pub(crate) meta: &'a [u8],
    /// `(section index, section bytes)` of every DFA section, in order.
    dfa_sections: Vec<(usize, &'a [u8])>,
    /// Checked by [`check`]; kept for the tests' view ([`read`]).
    #[cfg_attr(not(test), allow(dead_code))]
    producer: ProducerInfo,
}

/// Steps 1 to 8 of [`read`].
pub(crate) fn check(bytes: &[u8]) -> Result<Checked<'_>, LoadError> {
    let header = parse(bytes)?;
    check_producer(&header.producer)?;
    let mut sections = header.sections.iter().enumerate();
    let (_, meta_entry) = sections
        .next()
        .ok_or_else(|| LoadError::truncated("metadata section"))?;
    let meta = slice(bytes, meta_entry).ok_or_else(|| LoadError::truncated("metadata section"))?;
    let mut dfa_sections = Vec::with_capacity(header.sections.len().saturating_sub(1));
    for (index, entry) in sections {
        let body = slice(bytes, entry).ok_or_else(|| LoadError::truncated("dfa section"))?;
        dfa_sections.push((index, body));
    }
    Ok(Checked {
        meta,
        dfa_sections,
        producer: header.producer,
    })
}

impl Checked<'_> {
    /// Bytes of all DFA sections together.
    pub(crate) fn dfa_bytes(&self) -> usize {
        self.dfa_sections.iter().map(|(_, b)| b.len()).sum()
    }

    /// Step 9 for every DFA section, in order.
    pub(crate) fn load_dfas(&self) -> Result<Vec<Dfa>, LoadError> {
        let mut dfas = Vec::with_capacity(self.dfa_sections.len());
        let mut scratch = Vec::new();
        for &(index, body) in &self.dfa_sections {
            dfas.push(load_dfa(index, body, &mut scratch)?);
        }
        Ok(dfas)
    }
}

/// The header and section table of `bytes`, after the structural checks and every checksum
/// (steps 1 to 7; DFAs are not loaded). `iamc inspect` prints it.
///
/// # Errors
/// The first check that fails, naming the field or section.
#[doc(hidden)]
pub fn info(bytes: &[u8]) -> Result<ArtifactInfo, LoadError> {
    let h = parse(bytes)?;
    Ok(ArtifactInfo {
        format_version: h.format_version,
        total_len: h.total_len,
        producer: h.producer,
        sections: h.sections,
    })
}

struct Header {
    format_version: u32,
    total_len: u64,
    producer: ProducerInfo,
    sections: Vec<SectionInfo>,
}

fn u32_at(bytes: &[u8], at: usize, what: &'static str) -> Result<u32, LoadError> {
    let b = at
        .checked_add(4)
        .and_then(|end| bytes.get(at..end))
        .and_then(|s| <[u8; 4]>::try_from(s).ok())
        .ok_or_else(|| LoadError::truncated(what))?;
    Ok(u32::from_le_bytes(b))
}

fn u64_at(bytes: &[u8], at: usize, what: &'static str) -> Result<u64, LoadError> {
    let b = at
        .checked_add(8)
        .and_then(|end| bytes.get(at..end))
        .and_then(|s| <[u8; 8]>::try_from(s).ok())
        .ok_or_else(|| LoadError::truncated(what))?;
    Ok(u64::from_le_bytes(b))
}

fn version_at(bytes: &[u8], at: usize, what: &'static str) -> Result<String, LoadError> {
    let field = at
        .checked_add(VERSION_FIELD)
        .and_then(|end| bytes.get(at..end))
        .ok_or_else(|| LoadError::truncated(what))?;
    let len = field.iter().position(|&b| b == 0).unwrap_or(field.len());
    let (text, pad) = field.split_at(len);
    if pad.iter().any(|&b| b != 0) {
        return Err(LoadError::producer(format!(
            "producer field `{what}` has bytes after its NUL padding"
        )));
    }
    match std::str::from_utf8(text) {
        Ok(s) if !s.is_empty() && !s.chars().any(|c| c.is_control() || c.is_whitespace()) => {
            Ok(s.to_string())
        }
        _ => Err(LoadError::producer(format!(
            "producer field `{what}` is not a printable version string"
        ))),
    }
}

/// Steps 1 to 7.
fn parse(bytes: &[u8]) -> Result<Header, LoadError> {
    check_size(bytes.len() as u64, MAX_ARTIFACT_BYTES)?;
    let label = bytes
        .get(..LABEL.len())
        .ok_or_else(|| LoadError::truncated("label"))?;
    if label != LABEL {
        return Err(LoadError::label());
    }
    let format_version = u32_at(bytes, OFF_VERSION, "format version")?;
    if !(OLDEST_FORMAT_VERSION..=FORMAT_VERSION).contains(&format_version) {
        return Err(LoadError::version(
            OLDEST_FORMAT_VERSION,
            FORMAT_VERSION,
            format_version,
        ));
    }
    let endian = u32_at(bytes, OFF_ENDIAN, "endianness word")?;
    if endian != ENDIANNESS_WORD {
        return Err(LoadError::endianness(endian));
    }
    #[cfg(target_endian = "big")]
    return Err(LoadError::big_endian_host());
    #[cfg(target_endian = "little")]
    parse_le(bytes, format_version)
}

fn check_size(actual: u64, limit: u64) -> Result<(), LoadError> {
    if actual > limit {
        return Err(LoadError::too_large("artifact", limit, actual));
    }
    Ok(())
}

/// Steps 4 (reserved fields) to 7, on a little-endian host.
fn parse_le(bytes: &[u8], format_version: u32) -> Result<Header, LoadError> {
    let actual = bytes.len() as u64;
    let reserved = u32_at(bytes, OFF_RESERVED, "reserved word")?;
    if reserved != 0 {
        return Err(LoadError::reserved("header reserved", u64::from(reserved)));
    }
    let count = u32_at(bytes, OFF_COUNT, "section count")?;
    if count > MAX_SECTIONS {
        return Err(LoadError::too_large(
            "section count",
            u64::from(MAX_SECTIONS),
            u64::from(count),
        ));
    }
    if count == 0 {
        return Err(LoadError::section(
            0,
            SectionName::Metadata,
            "missing: the section table is empty",
        ));
    }
    let total_len = u64_at(bytes, OFF_TOTAL, "total length")?;
    let count = count as usize;
    // count <= 2^16: no overflow, but checked anyway.
    let table_end = ENTRY
        .checked_mul(count)
        .and_then(|t| t.checked_add(OFF_TABLE))
        .ok_or_else(|| LoadError::truncated("section table"))?;
    let header_len = table_end
        .checked_add(TRAILER)
        .ok_or_else(|| LoadError::truncated("section table"))?;
    if bytes.len() < header_len {
        return Err(LoadError::truncated("section table"));
    }
    let covered = bytes
        .get(..table_end)
        .ok_or_else(|| LoadError::truncated("section table"))?;
    let crc = u32_at(bytes, table_end, "header checksum")?;
    if crc32fast::hash(covered) != crc {
        return Err(LoadError::header_checksum());
    }
    let reserved = u32_at(bytes, table_end + 4, "header checksum")?;
    if reserved != 0 {
        return Err(LoadError::reserved("header trailer", u64::from(reserved)));
    }
    if total_len != actual {
        return Err(LoadError::length(total_len, actual));
    }
    let producer = ProducerInfo {
        regex_automata: version_at(bytes, OFF_RA_VERSION, "regex-automata version")?,
        iamc: version_at(bytes, OFF_IAMC_VERSION, "iamc version")?,
    };

    let mut sections = Vec::with_capacity(count);
    let mut expected = header_len as u64;
    for index in 0..count {
        let at = OFF_TABLE + index * ENTRY;
        let kind = u32_at(bytes, at, "section table")?;
        let crc32 = u32_at(bytes, at + 4, "section table")?;
        let offset = u64_at(bytes, at + 8, "section table")?;
        let len = u64_at(bytes, at + 16, "section table")?;
        let (want, name) = if index == 0 {
            (KIND_METADATA, SectionName::Metadata)
        } else {
            (KIND_DFA, SectionName::Dfa)
        };
        if kind != want {
            return Err(LoadError::section(
                index,
                name,
                format!("unexpected kind: expected {want} ({name}), found {kind}"),
            ));
        }
        if len > MAX_SECTION_BYTES {
            return Err(LoadError::too_large(
                "section length",
                MAX_SECTION_BYTES,
                len,
            ));
        }
        if !offset.is_multiple_of(ALIGN) {
            return Err(LoadError::section(
                index,
                name,
                format!("offset {offset} is not a multiple of 8"),
            ));
        }
        if offset < expected {
            return Err(LoadError::section(
                index,
                name,
                format!("offset {offset} overlaps the header or the previous section (ends at {expected})"),
            ));
        }
        if offset > expected {
            return Err(LoadError::section(
                index,
                name,
                format!("gap before offset {offset}: expected the section at {expected}"),
            ));
        }
        let end = offset
            .checked_add(len)
            .ok_or_else(|| LoadError::section(index, name, "offset + length overflows"))?;
        if end > actual {
            return Err(LoadError::section(
                index,
                name,
                format!("ends at {end}, past the end of the buffer ({actual} bytes)"),
            ));
        }
        expected = end
            .checked_next_multiple_of(ALIGN)
            .ok_or_else(|| LoadError::section(index, name, "offset + length overflows"))?;
        sections.push(SectionInfo {
            kind,
            offset,
            len,
            crc32,
        });
    }
    if expected != actual {
        return Err(LoadError::length(expected, actual));
    }
    // Step 7: checksums and zero padding.
    let mut pad_start: Option<u64> = None;
    for (index, s) in sections.iter().enumerate() {
        let name = if index == 0 {
            SectionName::Metadata
        } else {
            SectionName::Dfa
        };
        if let Some(p) = pad_start {
            check_zero(bytes, p, s.offset)?;
        }
        let body = slice(bytes, s).ok_or_else(|| LoadError::truncated("section"))?;
        if crc32fast::hash(body) != s.crc32 {
            return Err(LoadError::checksum(index, name));
        }
        pad_start = Some(s.offset.saturating_add(s.len));
    }
    if let Some(p) = pad_start {
        check_zero(bytes, p, actual)?;
    }
    Ok(Header {
        format_version,
        total_len,
        producer,
        sections,
    })
}

fn slice<'a>(bytes: &'a [u8], s: &SectionInfo) -> Option<&'a [u8]> {
    let start = usize::try_from(s.offset).ok()?;
    let end = start.checked_add(usize::try_from(s.len).ok()?)?;
    bytes.get(start..end)
}

fn check_zero(bytes: &[u8], from: u64, to: u64) -> Result<(), LoadError> {
    let (Ok(f), Ok(t)) = (usize::try_from(from), usize::try_from(to)) else {
        return Err(LoadError::truncated("padding"));
    };
    let pad = bytes
        .get(f..t)
        .ok_or_else(|| LoadError::truncated("padding"))?;
    match pad.iter().position(|&b| b != 0) {
        None => Ok(()),
        Some(i) => Err(LoadError::padding(from.saturating_add(i as u64))),
    }
}

/// Step 8: DFAs from another `regex-automata` semver line are refused before loading.
fn check_producer(p: &ProducerInfo) -> Result<(), LoadError> {
    let ours = semver_line(REGEX_AUTOMATA_VERSION);
    let theirs = semver_line(&p.regex_automata);
    if ours.is_none() || ours != theirs {
        return Err(LoadError::producer(format!(
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

/// Step 9: validates `body` as one dense DFA spanning the whole section.
fn load_dfa(index: usize, body: &[u8], scratch: &mut Vec<u8>) -> Result<Dfa, LoadError> {
    use regex_automata::dfa::dense::DFA;
    let view: &[u8] = if (body.as_ptr() as usize).is_multiple_of(4) {
        body
    } else {
        // Copy into a u32-aligned window of `scratch` (reused across sections: an unaligned
        // buffer makes every section unaligned, since they sit at multiples of 8).
        scratch.clear();
        scratch.reserve(body.len().saturating_add(3));
        let off = scratch.as_ptr().align_offset(4);
        if off > 3 {
            return Err(LoadError::dfa(index, "cannot align the section"));
        }
        scratch.resize(off, 0);
        // Within the reserved capacity: no reallocation moves the window (and were it moved,
        // `from_bytes` checks the alignment itself).
        scratch.extend_from_slice(body);
        scratch
            .get(off..)
            .ok_or_else(|| LoadError::dfa(index, "cannot align the section"))?
    };
    let (dfa, read) = DFA::from_bytes(view).map_err(|e| LoadError::dfa(index, e.to_string()))?;
    if read != body.len() {
        return Err(LoadError::dfa(
            index,
            format!("{} trailing bytes after the dfa", body.len() - read),
        ));
    }
    Ok(dfa.to_owned())
}

#[cfg(test)]
mod tests {
    #![allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::indexing_slicing,
        clippy::panic
    )]
    use super::*;
    use regex_automata::dfa::{dense, Automaton};
    use regex_automata::Input;

    fn dfa_bytes(pattern: &str) -> Vec<u8> {
        let dfa = dense::DFA::new(pattern).unwrap();
        let (bytes, pad) = dfa.to_bytes_little_endian();
        bytes[pad..].to_vec()
    }

    /// Metadata of 5 bytes (3 bytes of padding follow), two DFAs.
    fn sample() -> Vec<u8> {
        write(
            b"meta!",
            &[dfa_bytes("abc"), dfa_bytes("x[0-9]+y")],
            &ProducerInfo::current(),
        )
    }

    fn set_u32(b: &mut [u8], at: usize, v: u32) {
        b[at..at + 4].copy_from_slice(&v.to_le_bytes());
    }

    fn set_u64(b: &mut [u8], at: usize, v: u64) {
        b[at..at + 8].copy_from_slice(&v.to_le_bytes());
    }

    fn get_u64(b: &[u8], at: usize) -> u64 {
        u64::from_le_bytes(b[at..at + 8].try_into().unwrap())
    }

    /// Recomputes the header checksum after an edit (a forger can, too).
    fn reseal(b: &mut [u8]) {
        let count = u32::from_le_bytes(b[OFF_COUNT..OFF_COUNT + 4].try_into().unwrap()) as usize;
        let end = OFF_TABLE + ENTRY * count;
        let crc = crc32fast::hash(&b[..end]);
        set_u32(b, end, crc);
    }

    /// Recomputes section `i`'s checksum (and the header's).
    fn reseal_section(b: &mut [u8], i: usize) {
        let at = OFF_TABLE + i * ENTRY;
        let off = get_u64(b, at + 8) as usize;
        let len = get_u64(b, at + 16) as usize;
        let crc = crc32fast::hash(&b[off..off + len]);
        set_u32(b, at + 4, crc);
        reseal(b);
    }

    fn err(b: &[u8]) -> String {
        let e = read(b).unwrap_err();
        // `info` runs the same structural checks; it may only accept more (no DFA loading).
        if let Err(i) = info(b) {
            assert_eq!(i, e);
        }
        e.to_string()
    }

    fn matches(d: &Dfa, h: &str) -> bool {
        d.try_search_fwd(&Input::new(h)).unwrap().is_some()
    }

    #[test]
    fn round_trip() {
        let b = sample();
        assert_eq!(b.len() % 8, 0);
        let s = read(&b).unwrap();
        assert_eq!(s.meta, b"meta!");
        assert_eq!(s.producer, ProducerInfo::current());
        assert_eq!(s.dfas.len(), 2);
        assert!(matches(&s.dfas[0], "xxabc"));
        assert!(!matches(&s.dfas[0], "ab"));
        assert!(matches(&s.dfas[1], "x42y"));
        assert!(!matches(&s.dfas[1], "xy"));
        let i = info(&b).unwrap();
        assert_eq!(i.format_version, FORMAT_VERSION);
        assert_eq!(i.total_len, b.len() as u64);
        let kinds: Vec<_> = i.sections.iter().map(SectionInfo::kind_name).collect();
        assert_eq!(kinds, ["metadata", "dfa", "dfa"]);
        assert_eq!(
            i.sections[0].offset,
            (OFF_TABLE + 3 * ENTRY + TRAILER) as u64
        );
        assert!(i.sections.iter().all(|s| s.offset % 8 == 0));
    }

    #[test]
    fn no_dfas_and_empty_metadata() {
        let b = write(b"", &[], &ProducerInfo::current());
        let s = read(&b).unwrap();
        assert!(s.meta.is_empty());
        assert!(s.dfas.is_empty());
    }

    #[test]
    fn unaligned_input_loads() {
        let b = sample();
        let mut shifted = vec![0u8; b.len() + 1];
        shifted[1..].copy_from_slice(&b);
        let s = read(&shifted[1..]).unwrap();
        assert!(matches(&s.dfas[1], "x7y"));
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
    fn truncated() {
        let b = sample();
        assert_eq!(err(&[]), "buffer too small to read label");
        assert_eq!(err(&b[..16]), "buffer too small to read format version");
        assert_eq!(err(&b[..20]), "buffer too small to read endianness word");
        assert_eq!(err(&b[..30]), "buffer too small to read section count");
        assert_eq!(err(&b[..36]), "buffer too small to read total length");
        assert_eq!(err(&b[..110]), "buffer too small to read section table");
        // Every shorter length fails; none panics.
        for n in 0..b.len() {
            assert!(read(&b[..n]).is_err(), "length {n}");
        }
    }

    #[test]
    fn label() {
        let mut b = sample();
        b[0] = b'I';
        assert_eq!(
            err(&b),
            "not an iamc artifact: label `iamc-artifact` missing"
        );
        assert!(err(b"PK\x03\x04 a zip file, not an artifact").starts_with("not an iamc"));
    }

    #[test]
    fn version_window() {
        let mut b = sample();
        set_u32(&mut b, OFF_VERSION, 7);
        assert_eq!(err(&b), "unsupported format version: expected 3, found 7");
        assert!(read(&b).unwrap_err().is_version_error());
        set_u32(&mut b, OFF_VERSION, 2);
        assert_eq!(err(&b), "unsupported format version: expected 3, found 2");
        set_u32(&mut b, OFF_VERSION, 0);
        assert_eq!(err(&b), "unsupported format version: expected 3, found 0");
        let e = LoadError::version(1, 3, 9).to_string();
        assert_eq!(e, "unsupported format version: expected 1 to 3, found 9");
    }

    #[test]
    fn endianness() {
        let mut b = sample();
        b[OFF_ENDIAN..OFF_ENDIAN + 4].copy_from_slice(&ENDIANNESS_WORD.to_be_bytes());
        assert_eq!(
            err(&b),
            "unsupported endianness word: expected 0x01020304 (little-endian), found 0x04030201"
        );
        assert_eq!(
            LoadError::big_endian_host().to_string(),
            "artifact DFAs are little-endian and this host is big-endian: unsupported host"
        );
    }

    #[test]
    fn reserved_fields() {
        let mut b = sample();
        set_u32(&mut b, OFF_RESERVED, 5);
        assert_eq!(
            err(&b),
            "reserved field `header reserved` is not zero: found 5"
        );
        let mut b = sample();
        let trailer = OFF_TABLE + 3 * ENTRY + 4;
        set_u32(&mut b, trailer, 1);
        assert_eq!(
            err(&b),
            "reserved field `header trailer` is not zero: found 1"
        );
    }

    #[test]
    fn header_checksum() {
        let mut b = sample();
        b[OFF_IAMC_VERSION] ^= 1;
        assert_eq!(err(&b), "checksum mismatch in header");
        assert!(read(&b).unwrap_err().is_checksum_error());
        let mut b = sample();
        b[OFF_TABLE + 8] ^= 0x80; // section 0's offset
        assert_eq!(err(&b), "checksum mismatch in header");
    }

    #[test]
    fn total_length() {
        let mut b = sample();
        let n = b.len();
        b.extend_from_slice(b"garbage!");
        assert_eq!(
            err(&b),
            format!(
                "total length mismatch: header says {n} bytes, buffer has {}",
                n + 8
            )
        );
        // A forged total that matches the buffer still fails: the sections end earlier.
        set_u64(&mut b, OFF_TOTAL, (n + 8) as u64);
        reseal(&mut b);
        assert_eq!(
            err(&b),
            format!(
                "total length mismatch: header says {n} bytes, buffer has {}",
                n + 8
            )
        );
    }

    #[test]
    fn section_count() {
        let mut b = sample();
        set_u32(&mut b, OFF_COUNT, MAX_SECTIONS + 1);
        assert_eq!(
            err(&b),
            format!(
                "section count too large: {} (limit {MAX_SECTIONS})",
                MAX_SECTIONS + 1
            )
        );
        let mut b = sample();
        set_u32(&mut b, OFF_COUNT, 0);
        reseal(&mut b);
        assert_eq!(
            err(&b),
            "section 0 (metadata): missing: the section table is empty"
        );
        // More sections than the buffer holds.
        let mut b = sample();
        set_u32(&mut b, OFF_COUNT, 1000);
        assert_eq!(err(&b), "buffer too small to read section table");
    }

    #[test]
    fn section_kind() {
        let mut b = sample();
        set_u32(&mut b, OFF_TABLE + ENTRY, KIND_METADATA);
        reseal(&mut b);
        assert_eq!(
            err(&b),
            "section 1 (dfa): unexpected kind: expected 2 (dfa), found 1"
        );
        let mut b = sample();
        set_u32(&mut b, OFF_TABLE, 9);
        reseal(&mut b);
        assert_eq!(
            err(&b),
            "section 0 (metadata): unexpected kind: expected 1 (metadata), found 9"
        );
    }

    #[test]
    fn section_bounds() {
        let base = sample();
        let at = OFF_TABLE + ENTRY; // section 1
        let off = get_u64(&base, at + 8);
        let len = get_u64(&base, at + 16);

        let mut b = base.clone();
        set_u64(&mut b, at + 8, off + 4);
        reseal(&mut b);
        assert_eq!(
            err(&b),
            format!("section 1 (dfa): offset {} is not a multiple of 8", off + 4)
        );

        let mut b = base.clone();
        set_u64(&mut b, at + 8, off - 8);
        reseal(&mut b);
        assert_eq!(
            err(&b),
            format!(
                "section 1 (dfa): offset {} overlaps the header or the previous section (ends at {off})",
                off - 8
            )
        );

        let mut b = base.clone();
        set_u64(&mut b, at + 8, off + 8);
        reseal(&mut b);
        assert_eq!(
            err(&b),
            format!(
                "section 1 (dfa): gap before offset {}: expected the section at {off}",
                off + 8
            )
        );

        let mut b = base.clone();
        set_u64(&mut b, at + 16, MAX_SECTION_BYTES + 1);
        reseal(&mut b);
        assert_eq!(
            err(&b),
            format!(
                "section length too large: {} (limit {MAX_SECTION_BYTES})",
                MAX_SECTION_BYTES + 1
            )
        );

        let last = OFF_TABLE + 2 * ENTRY;
        let last_off = get_u64(&base, last + 8);
        let last_len = get_u64(&base, last + 16);
        let mut b = base.clone();
        set_u64(&mut b, last + 16, last_len + 64);
        reseal(&mut b);
        assert_eq!(
            err(&b),
            format!(
                "section 2 (dfa): ends at {}, past the end of the buffer ({} bytes)",
                last_off + last_len + 64,
                base.len()
            )
        );

        // Shorter than written: the sections end before the buffer does.
        let mut b = base.clone();
        set_u64(&mut b, at + 16, len - 64);
        reseal(&mut b);
        assert!(err(&b).starts_with("section 2 (dfa): overlaps") || err(&b).contains("gap"));
    }

    #[test]
    fn section_checksum() {
        let mut b = sample();
        let n = b.len();
        b[n - 20] ^= 0xFF; // inside the last DFA
        assert_eq!(err(&b), "checksum mismatch in section 2 (dfa)");
        let mut b = sample();
        let off = get_u64(&b, OFF_TABLE + 8) as usize;
        b[off] ^= 1;
        assert_eq!(err(&b), "checksum mismatch in section 0 (metadata)");
    }

    #[test]
    fn padding() {
        let mut b = sample();
        let off = get_u64(&b, OFF_TABLE + 8) as usize;
        b[off + 6] = 1; // metadata is 5 bytes, padded to 8
        assert_eq!(
            err(&b),
            format!("non-zero padding byte at offset {}", off + 6)
        );
    }

    #[test]
    fn producer() {
        for (v, ok) in [
            ("0.4.0", true),
            ("0.4.99-beta+x", true),
            ("0.5.0", false),
            ("1.0.0", false),
            ("0.4", false),
            ("abc", false),
        ] {
            let info = ProducerInfo {
                regex_automata: v.to_string(),
                iamc: "9.9.9".to_string(),
            };
            let b = write(b"m", &[dfa_bytes("a")], &info);
            match read(&b) {
                Ok(s) => {
                    assert!(ok, "{v} accepted");
                    assert_eq!(s.producer, info);
                }
                Err(e) => {
                    assert!(!ok, "{v} refused");
                    assert_eq!(
                        e.to_string(),
                        format!("incompatible regex-automata version `{v}`: this runtime reads DFAs from 0.4.x")
                    );
                }
            }
        }
        let empty = ProducerInfo {
            regex_automata: String::new(),
            iamc: "1".to_string(),
        };
        assert_eq!(
            err(&write(b"", &[], &empty)),
            "producer field `regex-automata version` is not a printable version string"
        );
        let mut b = sample();
        b[OFF_IAMC_VERSION + VERSION_FIELD - 1] = b'x';
        reseal(&mut b);
        assert_eq!(
            err(&b),
            "producer field `iamc version` has bytes after its NUL padding"
        );
        // Long version strings are cut at a character boundary.
        let long = ProducerInfo {
            regex_automata: "0.4.19".to_string(),
            iamc: format!("1.0.0-{}", "é".repeat(40)),
        };
        let got = info(&write(b"", &[], &long)).unwrap().producer.iamc;
        assert!(got.len() <= VERSION_FIELD && long.iamc.starts_with(&got));
    }

    #[test]
    fn invalid_dfa() {
        let b = write(b"m", &[vec![0u8; 64]], &ProducerInfo::current());
        let e = err(&b);
        assert!(e.starts_with("section 1 (dfa): invalid dfa: "), "{e}");
        // A forged but well-checksummed DFA section with a corrupted transition.
        let mut good = dfa_bytes("x[0-9]+y");
        let n = good.len();
        good[n / 2] ^= 0x5A;
        let _ = read(&write(b"m", &[good], &ProducerInfo::current())); // must not panic
                                                                       // Every byte of a DFA section changed, checksums recomputed: refused or loaded, never
                                                                       // a panic (what `from_bytes` validates is memory safety, not meaning).
        let base = sample();
        let at = OFF_TABLE + 2 * ENTRY;
        let off = get_u64(&base, at + 8) as usize;
        let len = get_u64(&base, at + 16) as usize;
        for i in off..off + len {
            let mut b = base.clone();
            b[i] ^= 0xFF;
            reseal_section(&mut b, 2);
            if let Err(e) = read(&b) {
                assert!(
                    e.to_string().starts_with("section 2 (dfa): invalid dfa: "),
                    "{e}"
                );
            }
        }
        let mut padded = dfa_bytes("abc");
        padded.extend_from_slice(&[0; 8]);
        assert_eq!(
            err(&write(b"m", &[padded], &ProducerInfo::current())),
            "section 1 (dfa): invalid dfa: 8 trailing bytes after the dfa"
        );
    }

    #[test]
    fn every_byte_is_covered() {
        // Each single-byte change is refused: by the label, version, endianness or reserved
        // checks, a checksum, or the zero-padding rule.
        let b = sample();
        for i in 0..b.len() {
            for f in [|x: u8| x ^ 0xFF, |x: u8| x.wrapping_add(1)] {
                let mut c = b.clone();
                c[i] = f(c[i]);
                assert!(read(&c).is_err(), "byte {i} changed and still accepted");
            }
        }
    }

    #[test]
    fn reseal_reaches_the_checks_behind_the_checksums() {
        let base = sample();
        let n = base.len();
        let mut b = base.clone();
        reseal_checksums(&mut b);
        assert_eq!(b, base, "resealing a valid artifact changes nothing");
        b[n - 20] ^= 0xFF;
        reseal_checksums(&mut b);
        if let Err(e) = read(&b) {
            assert!(!e.is_checksum_error(), "{e}");
        }
        let off = get_u64(&b, OFF_TABLE + 8) as usize;
        let mut b = base.clone();
        b[off + 6] = 1;
        reseal_checksums(&mut b);
        assert!(err(&b).starts_with("non-zero padding"));
        // Short or absurd headers: no panic.
        for n in 0..200 {
            let mut c = base[..n.min(base.len())].to_vec();
            reseal_checksums(&mut c);
        }
        let mut c = base.clone();
        set_u32(&mut c, OFF_COUNT, u32::MAX);
        reseal_checksums(&mut c);
        set_u64(&mut c, OFF_TABLE + 8, u64::MAX);
        reseal_checksums(&mut c);
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
