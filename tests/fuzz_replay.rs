//! Replays every minimized fuzz crasher (`tests/data/fuzz/<target>-<id>`) through the same
//! target body the fuzzer ran (`fuzz/src/targets.rs`, included here by path), forever: a crash
//! that comes back fails the default test run.
//!
//! Each target also runs over a few hundred fixed pseudo-random inputs, so the target bodies
//! keep compiling and passing between fuzz campaigns. The `load_artifact` and `authorize`
//! targets need the ECS policy set in `../shared`: without it they skip, except under `CI`,
//! where a missing `../shared` fails.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    dead_code
)]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

#[path = "../fuzz/src/gen.rs"]
mod gen;
#[path = "../fuzz/src/targets.rs"]
mod targets;

const TARGETS: [&str; 7] = [
    "parse",
    "compile_differential",
    "load_artifact",
    "authorize",
    "sources",
    "simulate",
    "testfile",
];

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/fuzz")
}

/// The committed crashers of `target`, sorted by name.
fn crashers(target: &str) -> Vec<(String, Vec<u8>)> {
    let Ok(entries) = std::fs::read_dir(data_dir()) else {
        return Vec::new();
    };
    let prefix = format!("{target}-");
    let mut out: Vec<(String, Vec<u8>)> = entries
        .map(|e| e.unwrap().path())
        .filter_map(|p| {
            let name = p.file_name()?.to_str()?.to_owned();
            name.starts_with(&prefix)
                .then(|| (name, std::fs::read(&p).unwrap()))
        })
        .collect();
    out.sort();
    out
}

/// Every file of the folder belongs to a known target (a typo would silently never replay).
#[test]
fn fuzz_replay_files_name_a_target() {
    let Ok(entries) = std::fs::read_dir(data_dir()) else {
        return;
    };
    for e in entries {
        let name = e.unwrap().file_name().to_string_lossy().into_owned();
        assert!(
            name == "README.md" || TARGETS.iter().any(|t| name.starts_with(&format!("{t}-"))),
            "tests/data/fuzz/{name} names no fuzz target"
        );
    }
}

/// Fixed pseudo-random inputs (xorshift), so every target runs even with no crasher.
fn smoke_inputs(n: usize, len: usize) -> Vec<Vec<u8>> {
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    (0..n)
        .map(|i| {
            (0..len.min(8 + i * 3))
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    (x >> 24) as u8
                })
                .collect()
        })
        .collect()
}

fn fixture() -> Option<&'static targets::Fixture> {
    static FX: OnceLock<Option<targets::Fixture>> = OnceLock::new();
    FX.get_or_init(|| {
        let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared");
        if !shared.join("policies/ecs").is_dir() {
            assert!(
                std::env::var_os("CI").is_none(),
                "../shared/policies/ecs is missing (required under CI)"
            );
            eprintln!("skipping: ../shared/policies/ecs is missing");
            return None;
        }
        Some(targets::Fixture::new(&shared))
    })
    .as_ref()
}

#[test]
fn fuzz_replay_parse() {
    for (name, data) in crashers("parse") {
        eprintln!("replaying {name}");
        targets::parse(&data);
    }
    let seeds: &[&[u8]] = &[
        br#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}"#,
        b"{\"Statement\":[{\"Effect\":\"Deny\",\"NotAction\":\"x:y\",\"Resource\":\"arn:aws:s3:::\xff\"}]}",
        b"\xef\xbb\xbf{}",
        b"",
    ];
    for s in seeds {
        targets::parse(s);
    }
    for data in smoke_inputs(200, 96) {
        targets::parse(&data);
    }
}

#[test]
fn fuzz_replay_compile_differential() {
    for (name, data) in crashers("compile_differential") {
        eprintln!("replaying {name}");
        targets::compile_differential(&data);
    }
    for data in smoke_inputs(150, 160) {
        targets::compile_differential(&data);
    }
}

#[test]
fn fuzz_replay_load_artifact() {
    let Some(fx) = fixture() else { return };
    for (name, data) in crashers("load_artifact") {
        eprintln!("replaying {name}");
        targets::load_artifact(fx, &data);
    }
    // The forger's checksums are the container's: forging an untouched artifact changes
    // nothing (otherwise modes 0, 3 and 4 would never get past the checksums).
    let mut forged = fx.small_bytes.clone();
    targets::forge_checksums(&mut forged);
    assert!(
        forged == fx.small_bytes,
        "forge_checksums disagrees with the container"
    );
    for mut data in smoke_inputs(100, 64) {
        for mode in 0..5 {
            data[0] = mode;
            targets::load_artifact(fx, &data);
        }
    }
    let mut whole = vec![2u8];
    whole.extend_from_slice(&fx.small_bytes);
    targets::load_artifact(fx, &whole);
}

#[test]
fn fuzz_replay_authorize() {
    let Some(fx) = fixture() else { return };
    for (name, data) in crashers("authorize") {
        eprintln!("replaying {name}");
        targets::authorize(fx, &data);
    }
    for data in smoke_inputs(300, 48) {
        let mut even = data.clone();
        even.insert(0, 0);
        targets::authorize(fx, &even);
    }
    let mut line = vec![1u8];
    line.extend_from_slice(
        br#"{"action":"ecs:StopTask","resource":"arn:aws:ecs:us-east-1:111122223333:task/prod/x","context":{"aws:ResourceTag/Department":"Accounting"}}"#,
    );
    targets::authorize(fx, &line);
}

#[test]
fn fuzz_replay_sources() {
    for (name, data) in crashers("sources") {
        eprintln!("replaying {name}");
        targets::sources(&data);
    }
    let templates = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/templates");
    for entry in std::fs::read_dir(templates).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        for mode in [0u8, 0x10] {
            let mut data = vec![mode];
            data.extend_from_slice(&bytes);
            targets::sources(&data);
        }
    }
    let seeds: &[&[u8]] = &[
        b"\x01Statement: {Effect: Allow, Action: !Sub '${P}:Get*', Resource: !GetAtt B.Arn}",
        b"\x02A: &a {Type: AWS::IAM::Policy, Properties: {PolicyDocument: {Statement: []}}}\nB: *a",
        b"\x03{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"s3:\xc3\xa9\",\"Resource\":\"*\"}}",
        b"\x13\xf0\x9f\x98\x80\"\\\n\x01",
        b"\x00\xef\xbb\xbf{}",
    ];
    for s in seeds {
        targets::sources(s);
    }
    for data in smoke_inputs(200, 96) {
        targets::sources(&data);
    }
}

#[test]
fn fuzz_replay_simulate() {
    for (name, data) in crashers("simulate") {
        eprintln!("replaying {name}");
        targets::simulate(&data);
    }
    let cases = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/simulate/cases");
    let mut seeds: Vec<Vec<u8>> = Vec::new();
    for entry in std::fs::read_dir(cases).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        let case: serde_json::Value = serde_json::from_str(&text).unwrap();
        for mode in [0u8, 4, 8] {
            let mut data = vec![mode];
            data.extend_from_slice(case["request"].to_string().as_bytes());
            seeds.push(data);
        }
    }
    seeds.push(b"\x01{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\"}]}".to_vec());
    seeds.push(b"\x02{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\",\"NotPrincipal\":{\"AWS\":\"*\"},\"Action\":\"*\"}]}".to_vec());
    seeds.push(b"\x63203.0.113.7,10.0.0.0/8,x".to_vec());
    for s in &seeds {
        targets::simulate(s);
    }
    for data in smoke_inputs(150, 96) {
        targets::simulate(&data);
    }
}

#[test]
fn fuzz_replay_testfile() {
    for (name, data) in crashers("testfile") {
        eprintln!("replaying {name}");
        targets::testfile(&data);
    }
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/tests");
    for entry in std::fs::read_dir(examples).unwrap() {
        let mut data = vec![0u8];
        data.extend_from_slice(&std::fs::read(entry.unwrap().path()).unwrap());
        targets::testfile(&data);
    }
    let seeds: &[&[u8]] = &[
        b"\x01action: s3:GetObject\nexpect: Deny\ncontext: [a=b, a=c]",
        b"\x02aws:TagKeys: [a, b]\n&x y: *x",
        b"\x03\"request\": {\"action\": \"s3:Get\"}",
        b"\x00a: &a [1,2]\nb: [*a,*a,*a]\n",
        b"\x00\xef\xbb\xbf{\"cases\": []}",
    ];
    for s in seeds {
        targets::testfile(s);
    }
    for data in smoke_inputs(200, 96) {
        targets::testfile(&data);
    }
}
