//! The container writer against the format's reader: every layout rule, every error message of
//! the reader, resealing, and the runtime's DFA loading behind it.

use iamc_format::container::{
    entry, entry_at, offset, read, SectionInfo, ENDIANNESS_WORD, FORMAT_VERSION, KIND_METADATA,
    MAX_SECTIONS, MAX_SECTION_BYTES, TRAILER_BYTES, VERSION_FIELD_BYTES,
};
use iamc_format::FormatError;
use regex_automata::dfa::{dense, Automaton};
use regex_automata::Input;

use super::*;

fn dfa_of(pattern: &str) -> Vec<u8> {
    super::dfa_bytes(&dense::DFA::new(pattern).unwrap())
}

/// Metadata of 5 bytes (3 bytes of padding follow), two DFAs.
fn sample() -> Vec<u8> {
    write(b"meta!", &[dfa_of("abc"), dfa_of("x[0-9]+y")], &producer())
}

fn set_u32(b: &mut [u8], at: usize, v: u32) {
    b[at..at + 4].copy_from_slice(&v.to_le_bytes());
}

fn set_u64(b: &mut [u8], at: usize, v: u64) {
    b[at..at + entry::OFFSET].copy_from_slice(&v.to_le_bytes());
}

fn get_u64(b: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(b[at..at + entry::OFFSET].try_into().unwrap())
}

/// The error of loading `b` in the runtime (container, then DFAs, then metadata); when the
/// container reader alone refuses `b`, it gives the same error.
fn err(b: &[u8]) -> String {
    let e = iamc_runtime::Artifact::from_bytes(b)
        .unwrap_err()
        .to_string();
    if let Err(r) = read(b) {
        assert_eq!(r.to_string(), e);
    }
    e
}

/// The error of loading the sample with the `u32` at `at` set to `v`, resealed (so that the
/// checksums do not stop the reader before the check under test).
fn resealed_err_u32(at: usize, v: u32) -> String {
    let mut b = sample();
    set_u32(&mut b, at, v);
    reseal(&mut b);
    err(&b)
}

/// As [`resealed_err_u32`], for a `u64` field.
fn resealed_err_u64(at: usize, v: u64) -> String {
    let mut b = sample();
    set_u64(&mut b, at, v);
    reseal(&mut b);
    err(&b)
}

fn read_err(b: &[u8]) -> FormatError {
    read(b).unwrap_err()
}

/// The DFAs of a container, each deserialized from a `u32`-aligned copy.
fn dfas(b: &[u8]) -> Vec<OwnedDfa> {
    read(b)
        .unwrap()
        .dfa_sections()
        .map(|(_, bytes)| {
            let mut buf: Vec<u8> = Vec::with_capacity(bytes.len() + 3);
            let off = buf.as_ptr().align_offset(4);
            buf.resize(off, 0);
            buf.extend_from_slice(bytes);
            dense::DFA::from_bytes(&buf[off..]).unwrap().0.to_owned()
        })
        .collect()
}

fn matches(d: &OwnedDfa, h: &str) -> bool {
    d.try_search_fwd(&Input::new(h)).unwrap().is_some()
}

#[test]
fn round_trip() {
    let b = sample();
    assert_eq!(b.len() % 8, 0);
    let c = read(&b).unwrap();
    assert_eq!(c.metadata(), b"meta!");
    assert_eq!(c.producer(), &producer());
    let d = dfas(&b);
    assert_eq!(d.len(), 2);
    assert!(matches(&d[0], "xxabc"));
    assert!(!matches(&d[0], "ab"));
    assert!(matches(&d[1], "x42y"));
    assert!(!matches(&d[1], "xy"));
    assert_eq!(c.format_version(), FORMAT_VERSION);
    assert_eq!(c.total_len(), b.len() as u64);
    let kinds: Vec<_> = c.sections().iter().map(SectionInfo::kind_name).collect();
    assert_eq!(kinds, ["metadata", "dfa", "dfa"]);
    assert_eq!(c.sections()[0].offset, (entry_at(3) + TRAILER_BYTES) as u64);
    assert!(c.sections().iter().all(|s| s.offset % 8 == 0));
}

#[test]
fn no_dfas_and_empty_metadata() {
    let b = write(b"", &[], &producer());
    let c = read(&b).unwrap();
    assert!(c.metadata().is_empty());
    assert_eq!(c.dfa_sections().len(), 0);
}

#[test]
fn unaligned_input_loads() {
    let text = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:Get*","Resource":"arn:aws:s3:::b/*"}}"#;
    let src = iamc_grammar::SourceFile::new("p.json", text);
    let p = iamc_grammar::parse_policy(&src, iamc_grammar::ast::PolicyType::Identity).unwrap();
    let set = iamc_grammar::PolicySet::from_policies(vec![p.policy]);
    let b = crate::compile_set(&set, &crate::Config::default()).unwrap();
    let mut shifted = vec![0u8; b.len() + 1];
    shifted[1..].copy_from_slice(&b);
    let a = iamc_runtime::Artifact::from_bytes(&shifted[1..]).unwrap();
    let req = iamc_runtime::Request::new("s3:GetObject", "arn:aws:s3:::b/k");
    assert_eq!(a.authorize(&req), iamc_runtime::Decision::Allow);
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
    set_u32(&mut b, offset::VERSION, 7);
    assert_eq!(err(&b), "unsupported format version: expected 5, found 7");
    assert!(read_err(&b).is_version_error());
    set_u32(&mut b, offset::VERSION, 4);
    assert_eq!(err(&b), "unsupported format version: expected 5, found 4");
    set_u32(&mut b, offset::VERSION, 3);
    assert_eq!(err(&b), "unsupported format version: expected 5, found 3");
    set_u32(&mut b, offset::VERSION, 2);
    assert_eq!(err(&b), "unsupported format version: expected 5, found 2");
    set_u32(&mut b, offset::VERSION, 0);
    assert_eq!(err(&b), "unsupported format version: expected 5, found 0");
}

#[test]
fn endianness() {
    let mut b = sample();
    b[offset::ENDIANNESS..offset::ENDIANNESS + 4].copy_from_slice(&ENDIANNESS_WORD.to_be_bytes());
    assert_eq!(
        err(&b),
        "unsupported endianness word: expected 0x01020304 (little-endian), found 0x04030201"
    );
}

#[test]
fn reserved_fields() {
    let mut b = sample();
    set_u32(&mut b, offset::RESERVED, 5);
    assert_eq!(
        err(&b),
        "reserved field `header reserved` is not zero: found 5"
    );
    let mut b = sample();
    let trailer = entry_at(3) + 4;
    set_u32(&mut b, trailer, 1);
    assert_eq!(
        err(&b),
        "reserved field `header trailer` is not zero: found 1"
    );
}

#[test]
fn header_checksum() {
    let mut b = sample();
    b[offset::IAMC_VERSION] ^= 1;
    assert_eq!(err(&b), "checksum mismatch in header");
    assert!(read_err(&b).is_checksum_error());
    let mut b = sample();
    b[entry_at(0) + entry::OFFSET] ^= 0x80; // section 0's offset
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
    set_u64(&mut b, offset::TOTAL_LEN, (n + 8) as u64);
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
    set_u32(&mut b, offset::SECTION_COUNT, MAX_SECTIONS + 1);
    assert_eq!(
        err(&b),
        format!(
            "section count too large: {} (limit {MAX_SECTIONS})",
            MAX_SECTIONS + 1
        )
    );
    assert_eq!(
        resealed_err_u32(offset::SECTION_COUNT, 0),
        "section 0 (metadata): missing: the section table is empty"
    );
    // More sections than the buffer holds.
    let mut b = sample();
    set_u32(&mut b, offset::SECTION_COUNT, 1000);
    assert_eq!(err(&b), "buffer too small to read section table");
}

#[test]
fn section_kind() {
    assert_eq!(
        resealed_err_u32(entry_at(1), KIND_METADATA),
        "section 1 (dfa): unexpected kind: expected 2 (dfa), found 1"
    );
    assert_eq!(
        resealed_err_u32(offset::TABLE, 9),
        "section 0 (metadata): unexpected kind: expected 1 (metadata), found 9"
    );
}

#[test]
fn section_bounds() {
    let base = sample();
    let at = entry_at(1); // section 1
    let off = get_u64(&base, at + entry::OFFSET);
    let len = get_u64(&base, at + entry::LEN);

    assert_eq!(
        resealed_err_u64(at + entry::OFFSET, off + 4),
        format!("section 1 (dfa): offset {} is not a multiple of 8", off + 4)
    );

    assert_eq!(
        resealed_err_u64(at + entry::OFFSET, off - 8),
        format!(
            "section 1 (dfa): offset {} overlaps the header or the previous section (ends at {off})",
            off - 8
        )
    );

    assert_eq!(
        resealed_err_u64(at + entry::OFFSET, off + 8),
        format!(
            "section 1 (dfa): gap before offset {}: expected the section at {off}",
            off + 8
        )
    );

    assert_eq!(
        resealed_err_u64(at + entry::LEN, MAX_SECTION_BYTES + 1),
        format!(
            "section length too large: {} (limit {MAX_SECTION_BYTES})",
            MAX_SECTION_BYTES + 1
        )
    );

    let last = entry_at(2);
    let last_off = get_u64(&base, last + entry::OFFSET);
    let last_len = get_u64(&base, last + entry::LEN);
    assert_eq!(
        resealed_err_u64(last + entry::LEN, last_len + 64),
        format!(
            "section 2 (dfa): ends at {}, past the end of the buffer ({} bytes)",
            last_off + last_len + 64,
            base.len()
        )
    );

    // Shorter than written: the sections end before the buffer does.
    let e = resealed_err_u64(at + entry::LEN, len - 64);
    assert!(e.starts_with("section 2 (dfa): overlaps") || e.contains("gap"));
}

#[test]
fn section_checksum() {
    let mut b = sample();
    let n = b.len();
    b[n - 20] ^= 0xFF; // inside the last DFA
    assert_eq!(err(&b), "checksum mismatch in section 2 (dfa)");
    let mut b = sample();
    let off = get_u64(&b, entry_at(0) + entry::OFFSET) as usize;
    b[off] ^= 1;
    assert_eq!(err(&b), "checksum mismatch in section 0 (metadata)");
}

#[test]
fn padding() {
    let mut b = sample();
    let off = get_u64(&b, entry_at(0) + entry::OFFSET) as usize;
    b[off + 6] = 1; // metadata is 5 bytes, padded to 8
    assert_eq!(
        err(&b),
        format!("non-zero padding byte at offset {}", off + 6)
    );
}

#[test]
fn producer_fields() {
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
        let b = write(b"m", &[dfa_of("a")], &info);
        match read(&b) {
            Ok(c) => {
                assert!(ok, "{v} accepted");
                assert_eq!(c.producer(), &info);
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
    b[offset::IAMC_VERSION + VERSION_FIELD_BYTES - 1] = b'x';
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
    let got = read(&write(b"", &[], &long))
        .unwrap()
        .producer()
        .iamc
        .clone();
    assert!(got.len() <= VERSION_FIELD_BYTES && long.iamc.starts_with(&got));
}

#[test]
fn invalid_dfa() {
    let b = write(b"m", &[vec![0u8; 64]], &producer());
    let e = err(&b);
    assert!(e.starts_with("section 1 (dfa): invalid dfa: "), "{e}");
    // A forged but well-checksummed DFA section with a corrupted transition.
    let mut good = dfa_of("x[0-9]+y");
    let n = good.len();
    good[n / 2] ^= 0x5A;
    // Must not panic.
    let _ = iamc_runtime::Artifact::from_bytes(&write(b"m", &[good], &producer()));
    // Every byte of a DFA section changed, checksums recomputed: the DFA is refused or loads
    // (and then the fake metadata is refused), never a panic (what `from_bytes` validates is
    // memory safety, not meaning).
    let base = sample();
    let at = entry_at(2);
    let off = get_u64(&base, at + entry::OFFSET) as usize;
    let len = get_u64(&base, at + entry::LEN) as usize;
    for i in off..off + len {
        let mut b = base.clone();
        b[i] ^= 0xFF;
        reseal(&mut b);
        let e = err(&b);
        assert!(
            e.starts_with("section 2 (dfa): invalid dfa: ")
                || e.starts_with("section 0 (metadata)"),
            "{e}"
        );
    }
    let mut padded = dfa_of("abc");
    padded.extend_from_slice(&[0; 8]);
    assert_eq!(
        err(&write(b"m", &[padded], &producer())),
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
    reseal(&mut b);
    assert_eq!(b, base, "resealing a valid artifact changes nothing");
    b[n - 20] ^= 0xFF;
    reseal(&mut b);
    assert!(read(&b).is_ok(), "the checksums are sealed again");
    if let Err(e) = iamc_runtime::Artifact::from_bytes(&b) {
        assert!(!e.is_checksum_error(), "{e}");
    }
    let off = get_u64(&b, entry_at(0) + entry::OFFSET) as usize;
    let mut b = base.clone();
    b[off + 6] = 1;
    reseal(&mut b);
    assert!(err(&b).starts_with("non-zero padding"));
    // Short or absurd headers: no panic.
    for n in 0..200 {
        let mut c = base[..n.min(base.len())].to_vec();
        reseal(&mut c);
    }
    let mut c = base.clone();
    set_u32(&mut c, offset::SECTION_COUNT, u32::MAX);
    reseal(&mut c);
    set_u64(&mut c, entry_at(0) + entry::OFFSET, u64::MAX);
    reseal(&mut c);
}
