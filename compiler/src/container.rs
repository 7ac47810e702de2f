//! The artifact writer: a program and its DFAs into the container layout of
//! `iamc_format::container` (whose reader checks what this writes), and [`reseal`], which
//! recomputes the checksums of edited bytes for tests and fuzz targets.
//!
//! Every position comes from the format's own constants ([`offset`], [`entry`],
//! [`header_len`]), so the writer, the reader and the resealing cannot disagree on the layout.

use iamc_format::codec::encode_program;
use iamc_format::container::{
    crc32, entry, entry_at, header_len, offset, ProducerInfo, ALIGN, ENDIANNESS_WORD,
    FORMAT_VERSION, KIND_DFA, KIND_METADATA, LABEL, MAX_SECTIONS, REGEX_AUTOMATA_VERSION,
    VERSION_FIELD_BYTES,
};
use iamc_format::program::Program;

use crate::automata::build::OwnedDfa;

/// The producer fields of this build: the `regex-automata` release the DFAs come from and this
/// compiler's version.
///
/// ```
/// let info = iamc_compiler::container::producer();
/// assert_eq!(info.regex_automata, iamc_format::container::REGEX_AUTOMATA_VERSION);
/// ```
pub fn producer() -> ProducerInfo {
    ProducerInfo {
        regex_automata: REGEX_AUTOMATA_VERSION.to_string(),
        iamc: env!("CARGO_PKG_VERSION").to_string(),
    }
}

/// The artifact bytes of `program` and its DFAs (`iamc compile` writes these), loadable with
/// `iamc_runtime::Artifact::from_bytes`.
///
/// ```
/// let set = iamc_grammar::PolicySet::default();
/// let compiled = iamc_compiler::compile_set_program(&set, &iamc_compiler::Config::default())?;
/// let bytes = iamc_compiler::container::write_artifact(&compiled.program, &compiled.dfas);
/// assert!(iamc_runtime::Artifact::from_bytes(&bytes).is_ok());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn write_artifact(program: &Program, dfas: &[OwnedDfa]) -> Vec<u8> {
    let dfas: Vec<Vec<u8>> = dfas.iter().map(dfa_bytes).collect();
    write(&encode_program(program), &dfas, &producer())
}

/// A DFA's section bytes: `to_bytes_little_endian()` without the leading pad.
///
/// Writing into a buffer of `write_to_len()` bytes cannot fail; should it, the section is
/// empty, which no loader accepts (fail closed).
///
/// ```
/// let set = iamc_grammar::PolicySet::default();
/// let compiled = iamc_compiler::compile_set_program(&set, &Default::default())?;
/// for dfa in &compiled.dfas {
///     assert_eq!(iamc_compiler::container::dfa_bytes(dfa).len() % 4, 0);
/// }
///
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn dfa_bytes(dfa: &OwnedDfa) -> Vec<u8> {
    let mut bytes = vec![0u8; dfa.write_to_len()];
    match dfa.write_to_little_endian(&mut bytes) {
        Ok(n) if n == bytes.len() => bytes,
        _ => Vec::new(),
    }
}

/// The container of a metadata section `meta` (an encoded program) and DFA sections `dfas`,
/// in the layout of `iamc_format::container`: header, section table, checksums, each section
/// at the next multiple of 8 with zero padding.
///
/// Version strings longer than their 32-byte field are cut at a character boundary. Meant for
/// [`write_artifact`], and for tests that need a container around chosen bytes.
///
/// ```
/// use iamc_compiler::container::{producer, write};
/// let bytes = write(b"meta", &[vec![1, 2, 3]], &producer());
/// let container = iamc_format::container::read(&bytes)?;
/// assert_eq!(container.metadata(), b"meta");
/// assert_eq!(container.sections().len(), 2);
///
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn write(meta: &[u8], dfas: &[Vec<u8>], info: &ProducerInfo) -> Vec<u8> {
    let count = 1 + dfas.len();
    let header = header_len(count);
    let bodies = std::iter::once(meta).chain(dfas.iter().map(Vec::as_slice));
    let body_len: usize = bodies.clone().map(|b| align_up(b.len())).sum();
    let mut out = Vec::with_capacity(header + body_len);
    out.extend_from_slice(&LABEL);
    out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    out.extend_from_slice(&ENDIANNESS_WORD.to_le_bytes());
    out.extend_from_slice(&0u32.to_le_bytes());
    out.extend_from_slice(&(count as u32).to_le_bytes());
    out.extend_from_slice(&((header + body_len) as u64).to_le_bytes());
    put_version(&mut out, &info.regex_automata);
    put_version(&mut out, &info.iamc);
    let mut at = header;
    for (i, body) in bodies.clone().enumerate() {
        let kind = if i == 0 { KIND_METADATA } else { KIND_DFA };
        out.extend_from_slice(&kind.to_le_bytes());
        out.extend_from_slice(&crc32(body).to_le_bytes());
        out.extend_from_slice(&(at as u64).to_le_bytes());
        out.extend_from_slice(&(body.len() as u64).to_le_bytes());
        at += align_up(body.len());
    }
    let crc = crc32(&out);
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
    let mut end = v.len().min(VERSION_FIELD_BYTES);
    while !v.is_char_boundary(end) {
        end -= 1;
    }
    let bytes = v.as_bytes().get(..end).unwrap_or_default();
    out.extend_from_slice(bytes);
    out.resize(out.len() + (VERSION_FIELD_BYTES - bytes.len()), 0);
}

fn u64_at(bytes: &[u8], at: usize) -> Option<u64> {
    let b = bytes.get(at..at.checked_add(8)?)?;
    Some(u64::from_le_bytes(b.try_into().ok()?))
}

fn put_u32(bytes: &mut [u8], at: usize, v: u32) {
    if let Some(dst) = at.checked_add(4).and_then(|end| bytes.get_mut(at..end)) {
        dst.copy_from_slice(&v.to_le_bytes());
    }
}

/// Recomputes, in place, the checksum of every section whose table entry and bytes lie inside
/// `bytes`, then the header checksum: what a forger would do after editing an artifact. Does
/// nothing where the header is too short. For tests and fuzz targets, so that edited bytes get
/// past the checksums to the checks behind them (section table, metadata, DFAs, program).
///
/// ```
/// use iamc_compiler::container::reseal;
///
/// let set = iamc_grammar::PolicySet::default();
/// let mut bytes = iamc_compiler::compile_set(&set, &iamc_compiler::Config::default())?;
/// let original = bytes.clone();
/// reseal(&mut bytes);
/// assert_eq!(bytes, original, "a valid artifact is already sealed");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn reseal(bytes: &mut [u8]) {
    let Some(count) = bytes
        .get(offset::SECTION_COUNT..offset::SECTION_COUNT + 4)
        .and_then(|b| <[u8; 4]>::try_from(b).ok())
        .map(u32::from_le_bytes)
    else {
        return;
    };
    let count = count.min(MAX_SECTIONS) as usize;
    for index in 0..count {
        let at = entry_at(index);
        let (Some(start), Some(len)) = (
            u64_at(bytes, at + entry::OFFSET),
            u64_at(bytes, at + entry::LEN),
        ) else {
            return;
        };
        let body = usize::try_from(start)
            .ok()
            .zip(usize::try_from(len).ok())
            .and_then(|(s, l)| bytes.get(s..s.checked_add(l)?));
        if let Some(body) = body {
            let crc = crc32(body);
            put_u32(bytes, at + entry::CRC32, crc);
        }
    }
    let table_end = entry_at(count);
    if let Some(covered) = bytes.get(..table_end) {
        let crc = crc32(covered);
        put_u32(bytes, table_end, crc);
    }
}

#[cfg(test)]
mod tests;
