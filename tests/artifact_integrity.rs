//! Artifact integrity (issue 5 item 2): a small real artifact, compiled from the example
//! policies, is damaged in every way a cache, a truncated download or an attacker can: every
//! byte changed (xor 0xFF and +1, one at a time), cut at every length, garbage appended, and
//! sections rewritten with their checksums recomputed. Loading either fails with a clear
//! error or gives exactly the original decisions; it never panics (each case runs under
//! `catch_unwind`, and the offsets that panicked are reported together).

use std::panic::{catch_unwind, AssertUnwindSafe};

use iamc_compiler::container::reseal;
use iamc_grammar::{ast, SourceFile};
use iamc_runtime::{Artifact, Explanation, LoadError, Request};
use iamc_testkit::artifact::crc32_bitwise as crc32;

const POLICIES: [&str; 2] = ["ecs-dev.json", "deny-without-mfa.json"];

fn examples() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples")
}

/// The example policies, parsed.
pub(crate) fn example_policies() -> Vec<ast::Policy> {
    POLICIES
        .iter()
        .map(|name| {
            let text = std::fs::read_to_string(examples().join("policies").join(name)).unwrap();
            iamc_grammar::parse_policy(&SourceFile::new(*name, text), ast::PolicyType::Identity)
                .unwrap()
                .policy
        })
        .collect()
}

/// The example requests plus a few that miss or hit the `*` paths.
pub(crate) fn example_requests() -> Vec<Request> {
    let text = std::fs::read_to_string(examples().join("requests").join("ecs.jsonl")).unwrap();
    let mut out: Vec<Request> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| iamc::io::request_from_json(l).unwrap())
        .collect();
    out.push(Request::new("ecs:ListTasks", "*"));
    out.push(Request::new(
        "ECS:listclusters",
        "arn:aws:ecs:us-east-1:1:cluster/x",
    ));
    out.push(Request::new("s3:GetObject", "arn:aws:s3:::bucket/key"));
    out.push(Request::new(
        "ecs:StopTask",
        "arn:aws:ecs:us-east-1:111122223333:task/prod/abc",
    ));
    out
}

fn compile() -> Vec<u8> {
    iamc_compiler::compile(&example_policies(), &iamc_compiler::Config::default()).unwrap()
}

fn decisions(a: &Artifact, requests: &[Request]) -> Vec<Explanation> {
    requests.iter().map(|r| a.explain(r)).collect()
}

/// What a damaged artifact did.
enum Outcome {
    Refused(LoadError),
    /// Loaded, and gave these decisions.
    Loaded(Vec<Explanation>),
}

fn load(bytes: &[u8], requests: &[Request]) -> Result<Outcome, ()> {
    catch_unwind(AssertUnwindSafe(|| match Artifact::from_bytes(bytes) {
        Ok(a) => Outcome::Loaded(decisions(&a, requests)),
        Err(e) => Outcome::Refused(e),
    }))
    .map_err(|_| ())
}

/// A clear error: lowercase, no trailing period, no debug formatting leaking through.
fn assert_clear(e: &LoadError, case: &str) {
    let m = e.to_string();
    assert!(!m.is_empty(), "{case}: empty message");
    assert!(
        !m.starts_with(|c: char| c.is_ascii_uppercase()) && !m.ends_with('.'),
        "{case}: `{m}`"
    );
    assert!(!m.contains("Kind") && !m.contains("{ "), "{case}: `{m}`");
}

fn section_table(bytes: &[u8]) -> Vec<(usize, usize, usize)> {
    let container = iamc_format::container::read(bytes).unwrap();
    container
        .sections()
        .iter()
        .enumerate()
        .map(|(i, s)| (i, s.offset as usize, s.len as usize))
        .collect()
}

#[test]
fn crc32_reference_value() {
    assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    // The format's table-driven checksum agrees with the definition on a real artifact.
    let bytes = compile();
    assert_eq!(iamc_format::container::crc32(&bytes), crc32(&bytes));
}

#[test]
fn round_trip_keeps_every_decision() {
    let bytes = compile();
    let requests = example_requests();
    let (direct, _) =
        iamc_compiler::compile_artifact(&example_policies(), &iamc_compiler::Config::default())
            .unwrap();
    let loaded = Artifact::from_bytes(&bytes).unwrap();
    assert_eq!(decisions(&loaded, &requests), decisions(&direct, &requests));
    let (program, dfas) = iamc_compiler::inspect::read_artifact(&bytes).unwrap();
    assert_eq!(
        iamc_compiler::container::write_artifact(&program, &dfas),
        bytes,
        "writing is deterministic"
    );
    // Some requests are allowed and some denied: the comparison means something.
    let d = decisions(&loaded, &requests);
    assert!(d.iter().any(|e| e.decision.is_allowed()));
    assert!(d.iter().any(|e| !e.decision.is_allowed()));
}

#[test]
fn every_byte_changed_is_refused() {
    let bytes = compile();
    let requests = example_requests();
    let original = decisions(&Artifact::from_bytes(&bytes).unwrap(), &requests);
    let mut panicked = Vec::new();
    let mut accepted = Vec::new();
    for i in 0..bytes.len() {
        for (name, f) in [
            ("xor 0xff", (|x: u8| x ^ 0xFF) as fn(u8) -> u8),
            ("+1", |x: u8| x.wrapping_add(1)),
        ] {
            let mut c = bytes.clone();
            c[i] = f(c[i]);
            match load(&c, &requests) {
                Err(()) => panicked.push(format!("byte {i} {name}")),
                Ok(Outcome::Refused(e)) => assert_clear(&e, &format!("byte {i} {name}")),
                Ok(Outcome::Loaded(d)) => {
                    assert_eq!(d, original, "byte {i} {name}: loaded with other decisions");
                    accepted.push(format!("byte {i} {name}"));
                }
            }
        }
    }
    assert!(panicked.is_empty(), "panicked: {panicked:?}");
    // Every byte is under a checksum or must be zero (format.rs): no change goes unnoticed.
    assert!(accepted.is_empty(), "accepted: {accepted:?}");
}

#[test]
fn every_truncation_is_refused() {
    let bytes = compile();
    let requests = example_requests();
    let mut panicked = Vec::new();
    for n in 0..bytes.len() {
        match load(&bytes[..n], &requests) {
            Err(()) => panicked.push(n),
            Ok(Outcome::Refused(e)) => assert_clear(&e, &format!("truncated to {n}")),
            Ok(Outcome::Loaded(_)) => panic!("truncated to {n} bytes and accepted"),
        }
    }
    assert!(panicked.is_empty(), "panicked at lengths {panicked:?}");
}

#[test]
fn appended_garbage_is_refused() {
    let bytes = compile();
    for garbage in [&[0u8][..], &[0; 8], b"garbage!", &[0xFF; 4096]] {
        let mut c = bytes.clone();
        c.extend_from_slice(garbage);
        let e = Artifact::from_bytes(&c).unwrap_err();
        assert_eq!(
            e.to_string(),
            format!(
                "total length mismatch: header says {} bytes, buffer has {}",
                bytes.len(),
                c.len()
            )
        );
    }
}

/// With checksums recomputed, damage reaches the metadata decoder, the program validation and
/// `regex-automata`'s DFA validation: refused or loaded, never a panic, and a loaded artifact
/// answers every request (whatever it decides: a forger may write any policy).
#[test]
fn forged_sections_never_panic() {
    let bytes = compile();
    let requests = example_requests();
    let table = section_table(&bytes);
    let original = decisions(&Artifact::from_bytes(&bytes).unwrap(), &requests);
    let mut panicked = Vec::new();
    let (mut refused, mut loaded, mut same) = (0usize, 0usize, 0usize);
    for &(index, off, len) in &table {
        // Every byte of the metadata; a stride through the (larger) DFAs.
        let step = if index == 0 { 1 } else { (len / 512).max(1) };
        for i in (off..off + len).step_by(step) {
            for f in [|x: u8| x ^ 0xFF, |x: u8| x.wrapping_add(1), |_| 0x80] {
                let mut c = bytes.clone();
                c[i] = f(c[i]);
                reseal(&mut c);
                match load(&c, &requests) {
                    Err(()) => panicked.push(format!("section {index} byte {i}")),
                    Ok(Outcome::Refused(e)) => {
                        assert_clear(&e, &format!("section {index} byte {i}"));
                        refused += 1;
                    }
                    Ok(Outcome::Loaded(d)) => {
                        loaded += 1;
                        same += usize::from(d == original);
                    }
                }
            }
        }
    }
    eprintln!(
        "forged sections ({} bytes): {refused} refused, {loaded} loaded ({same} with the original decisions)",
        bytes.len()
    );
    assert!(panicked.is_empty(), "panicked: {panicked:?}");
    assert!(
        refused > 0,
        "no forged section was refused ({loaded} loaded)"
    );
}

#[test]
fn forged_metadata_truncations_are_refused() {
    let bytes = compile();
    let (_, off, len) = section_table(&bytes)[0];
    let meta = bytes[off..off + len].to_vec();
    let dfa_sections: Vec<Vec<u8>> = section_table(&bytes)[1..]
        .iter()
        .map(|&(_, o, l)| bytes[o..o + l].to_vec())
        .collect();
    let producer = iamc_compiler::container::producer();
    for n in 0..meta.len() {
        let c = iamc_compiler::container::write(&meta[..n], &dfa_sections, &producer);
        let e = catch_unwind(|| Artifact::from_bytes(&c))
            .unwrap_or_else(|_| panic!("metadata cut to {n} bytes panicked"))
            .unwrap_err();
        assert!(e.to_string().starts_with("section 0 (metadata): "), "{e}");
    }
    // Trailing bytes after a complete program.
    let mut long = meta.clone();
    long.push(0);
    let c = iamc_compiler::container::write(&long, &dfa_sections, &producer);
    assert_eq!(
        Artifact::from_bytes(&c).unwrap_err().to_string(),
        "section 0 (metadata): 1 trailing bytes after the encoded program"
    );
    // A DFA section dropped: the program names a DFA that is not there.
    let c =
        iamc_compiler::container::write(&meta, &dfa_sections[..dfa_sections.len() - 1], &producer);
    let e = Artifact::from_bytes(&c).unwrap_err().to_string();
    assert!(e.starts_with("invalid program: "), "{e}");
}
