//! `load_artifact` and `authorize`: a real compiled set (the ECS policies) attacked through its
//! bytes and through its requests.

use std::sync::OnceLock;

use iamc::reference::PolicySet;
use iamc_grammar::ast;
use iamc_runtime::{Artifact, Request};

use super::differential::{assert_same, compile_and_load, load};
use crate::artifact::{forge_checksums, sections_and_header_len};
use crate::gen::{pooled_request, Pools};
use crate::tape::Tape;

/// The ECS fixture, built once per process.
pub fn fixture() -> &'static Fixture {
    static FX: OnceLock<Fixture> = OnceLock::new();
    FX.get_or_init(Fixture::ecs)
}

/// A real policy set, its reference and compiled forms, and requests that reach its statements.
pub struct Fixture {
    pub reference: PolicySet,
    pub bytes: Vec<u8>,
    pub artifact: Artifact,
    /// A small artifact (two policies of the set), for byte-level mutation.
    pub small_bytes: Vec<u8>,
    pub small: Artifact,
    pub pools: Pools,
    /// Requests every loaded mutation of `small_bytes` is probed with.
    pub probes: Vec<Request>,
}

impl Fixture {
    /// Builds the fixture from the ECS policy set (`tests/data/policies/ecs`).
    ///
    /// # Panics
    /// When the set does not parse, compile or load.
    pub fn ecs() -> Fixture {
        let policies = crate::data::policies("ecs");
        let (bytes, artifact) = compile_and_load(&policies).unwrap();
        let small_set: Vec<ast::Policy> = policies
            .iter()
            .filter(|p| p.name.starts_with("best-practice"))
            .cloned()
            .collect();
        let (small_bytes, small) = compile_and_load(&small_set).unwrap();
        let pools = Pools::of(&policies);
        let mut probes = Vec::new();
        for i in 0u8..64 {
            let seed = [
                i,
                i.wrapping_mul(7),
                i.wrapping_mul(13),
                i ^ 0x55,
                i.wrapping_add(3),
            ];
            probes.push(pooled_request(&mut Tape::new(&seed), &pools));
        }
        Fixture {
            reference: PolicySet::new(policies),
            bytes,
            artifact,
            small_bytes,
            small,
            pools,
            probes,
        }
    }
}

/// Applies the payload's 5-byte records (little-endian offset, XOR mask) to `bytes`; a final
/// short record truncates (one byte: to that many 256ths) or appends (two to four bytes).
fn apply_edits(bytes: &mut Vec<u8>, payload: &[u8], skip: usize) {
    let mut chunks = payload.chunks_exact(5);
    for c in chunks.by_ref() {
        let off = u32::from_le_bytes([c[0], c[1], c[2], c[3]]) as usize;
        let editable = bytes.len().saturating_sub(skip);
        if editable > 0 {
            let i = skip + off % editable;
            bytes[i] ^= c[4].max(1);
        }
    }
    match chunks.remainder() {
        [] => {}
        [n] => bytes.truncate(usize::from(*n) * bytes.len() / 256),
        more => bytes.extend_from_slice(more),
    }
}

/// `load_artifact`: the first byte picks a mode, the rest is the payload.
/// - 0: a real header (of the small artifact: label, version, section table) followed by the
///   payload, checksums forged ([`forge_checksums`]);
/// - 1: the small artifact edited by the payload (`apply_edits`), checksums left alone: if it
///   loads anyway, it must decide 64 probe requests exactly like the original (every byte is
///   covered by a checksum or must be zero);
/// - 2: the payload itself (the seed corpus holds whole artifacts for libFuzzer to mutate);
/// - 3: the small artifact with its sections (past the header) edited, checksums forged:
///   structural validation alone must refuse it or produce an artifact that decides;
/// - 4: like 3, header included.
///
/// Never panics; whatever loads answers `explain`/`authorize` without panicking.
pub fn load_artifact(fx: &Fixture, data: &[u8]) {
    let (mode, payload) = match data.split_first() {
        Some((m, p)) => (*m, p),
        None => return,
    };
    let hlen = sections_and_header_len(&fx.small_bytes).map_or(0, |(_, h)| h);
    match mode % 5 {
        0 => {
            let mut bytes = fx.small_bytes[..hlen.min(fx.small_bytes.len())].to_vec();
            bytes.extend_from_slice(payload);
            forge_checksums(&mut bytes);
            if let Ok(a) = load(&bytes) {
                exercise(fx, &a);
            }
        }
        1 => {
            let mut bytes = fx.small_bytes.clone();
            apply_edits(&mut bytes, payload, 0);
            if let Ok(a) = load(&bytes) {
                for req in &fx.probes {
                    assert_eq!(
                        a.explain(req),
                        fx.small.explain(req),
                        "an edited artifact loaded and decides {req:?} differently"
                    );
                }
                exercise(fx, &a);
            }
        }
        2 => {
            if let Ok(a) = load(payload) {
                exercise(fx, &a);
            }
        }
        m => {
            let mut bytes = fx.small_bytes.clone();
            apply_edits(&mut bytes, payload, if m == 3 { hlen } else { 0 });
            forge_checksums(&mut bytes);
            if let Ok(a) = load(&bytes) {
                exercise(fx, &a);
            }
        }
    }
}

fn exercise(fx: &Fixture, a: &Artifact) {
    for req in fx.probes.iter().take(16) {
        let e = a.explain(req);
        let _ = a.authorize(req);
        let _ = iamc::io::explanation_to_json(&e);
    }
}

/// `authorize`: odd first byte: the rest, as text, through `iamc::io::request_from_json`; even: a request
/// built from the set's own patterns and condition values. Compiled and reference explanations
/// of every request that parses are equal.
pub fn authorize(fx: &Fixture, data: &[u8]) {
    let (mode, payload) = match data.split_first() {
        Some((m, p)) => (*m, p),
        None => return,
    };
    let req = if mode % 2 == 1 {
        match iamc::io::request_from_json(&String::from_utf8_lossy(payload)) {
            Ok(r) => r,
            Err(e) => {
                assert!(!e.to_string().is_empty());
                return;
            }
        }
    } else {
        pooled_request(&mut Tape::new(payload), &fx.pools)
    };
    assert_same(&fx.artifact, &fx.reference, &req);
}
