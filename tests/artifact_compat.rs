//! Golden artifacts (STYLE rule 24, issue 5 item 2): artifacts written by older commits keep
//! loading with their recorded decisions, or fail with a format-version error; never anything
//! else. `tests/data/artifacts/README.md` says how each golden was made.
//!
//! A change of the artifact layout (the container or any type of the bincode program) must bump
//! `iamc_format::container::FORMAT_VERSION`; the golden of the old version then has to fail
//! with the version error, and a new golden directory is added for the new version.
use std::path::{Path, PathBuf};

use iamc_format::container::{FORMAT_VERSION, OLDEST_FORMAT_VERSION};
use iamc_grammar::{ast, SourceFile};
use iamc_runtime::{Artifact, Request};

/// Set to `1` to write a golden directory's artifact and decisions when they are missing
/// (existing goldens are never rewritten).
const BLESS: &str = "IAMC_BLESS_GOLDEN";

fn dir(version: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/artifacts")
        .join(version)
}

fn requests(dir: &Path) -> Vec<Request> {
    std::fs::read_to_string(dir.join("requests.jsonl"))
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| iamc::io::request_from_json(l).unwrap())
        .collect()
}

/// The policies of a golden directory as a typed set: `policies/*.json` are identity policies;
/// `policies/<type>/*.json` (`resource`, `trust`, `boundary`, `session`, `endpoint`) and
/// `policies/scp-<level>/`, `policies/rcp-<level>/` the other types (goldens before format 3
/// hold identity policies only). Files sorted by name within a directory.
fn typed_set(dir: &Path) -> iamc_grammar::PolicySet {
    use ast::PolicyType as K;
    let sorted = iamc_testkit::data::entries;
    let parse = |path: &Path, kind: K| {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(path).unwrap();
        let mut p = iamc_grammar::parse_policy(&SourceFile::new(name.as_str(), text), kind)
            .unwrap()
            .policy;
        p.name = name;
        p
    };
    let mut set = iamc_grammar::PolicySet::default();
    let mut scp = std::collections::BTreeMap::new();
    let mut rcp = std::collections::BTreeMap::new();
    for entry in sorted(&dir.join("policies")) {
        if entry.is_file() {
            set.identity.push(parse(&entry, K::Identity));
            continue;
        }
        let sub = entry.file_name().unwrap().to_string_lossy().into_owned();
        let files = sorted(&entry);
        let (kind, slot): (K, &mut Vec<ast::Policy>) = match sub.as_str() {
            "resource" => (K::Resource, &mut set.resource),
            "trust" => (K::Trust, &mut set.trust),
            "boundary" => (K::Boundary, &mut set.boundary),
            "session" => (K::Session, &mut set.session),
            "endpoint" => (K::Endpoint, &mut set.endpoint),
            other => {
                let (map, kind, level) = match other.split_once('-') {
                    Some(("scp", l)) => (&mut scp, K::Scp, l),
                    Some(("rcp", l)) => (&mut rcp, K::Rcp, l),
                    _ => panic!("unknown golden policy directory `{other}`"),
                };
                let level: usize = level.parse().unwrap();
                let list: &mut Vec<ast::Policy> = map.entry(level).or_default();
                list.extend(files.iter().map(|f| parse(f, kind)));
                continue;
            }
        };
        slot.extend(files.iter().map(|f| parse(f, kind)));
    }
    for (levels, map) in [(&mut set.scp, scp), (&mut set.rcp, rcp)] {
        for (i, (level, list)) in map.into_iter().enumerate() {
            assert_eq!(
                i, level,
                "organization levels are numbered from 0 without gaps"
            );
            levels.push(list);
        }
    }
    set
}

/// Writes `ecs.iamc` and `decisions.jsonl` from the directory's policies, checking the
/// compiled decisions against the reference interpreter first.
fn bless(dir: &Path) {
    let set = typed_set(dir);
    let bytes = iamc_compiler::compile_set(&set, &iamc_compiler::Config::default()).unwrap();
    let artifact = Artifact::from_bytes(&bytes).unwrap();
    let reference = iamc::reference::PolicySet::from_set(set);
    let lines = checked_lines(
        dir,
        "explanations",
        |r| artifact.explain(r),
        |r| reference.explain(r),
        iamc::io::explanation_to_json,
    );
    std::fs::write(dir.join("ecs.iamc"), bytes).unwrap();
    std::fs::write(dir.join("decisions.jsonl"), lines).unwrap();
    if newer_than_v4(dir) {
        let lines = checked_lines(
            dir,
            "diagnoses",
            |r| artifact.diagnose(r),
            |r| reference.diagnose(r),
            |d| iamc::explain::diagnosis_to_json(d, &iamc::explain::NoTexts),
        );
        std::fs::write(dir.join("diagnoses.jsonl"), lines).unwrap();
    }
}

/// One JSON line per request of `dir`: the compiled answer, once it is checked to be the
/// reference's.
fn checked_lines<T: PartialEq + std::fmt::Debug>(
    dir: &Path,
    what: &str,
    compiled: impl Fn(&Request) -> T,
    reference: impl Fn(&Request) -> T,
    json: impl Fn(&T) -> String,
) -> String {
    let mut lines = String::new();
    for r in requests(dir) {
        let got = compiled(&r);
        assert_eq!(
            got,
            reference(&r),
            "compiled and reference {what} disagree on {r:?}"
        );
        lines.push_str(&json(&got));
        lines.push('\n');
    }
    lines
}

/// Goldens from format 5 on record diagnoses too (the origins the artifact carries since).
fn newer_than_v4(dir: &Path) -> bool {
    dir.file_name()
        .and_then(|n| n.to_str())
        .and_then(|n| n.strip_prefix('v'))
        .and_then(|n| n.parse::<u32>().ok())
        .is_some_and(|v| v >= 5)
}

fn golden(version: &str) -> (PathBuf, Vec<u8>) {
    let d = dir(version);
    // The tests of this file run in parallel and must not race the writes.
    static BLESSING: std::sync::Mutex<()> = std::sync::Mutex::new(());
    {
        let _guard = BLESSING.lock().unwrap_or_else(|e| e.into_inner());
        if std::env::var(BLESS).as_deref() == Ok("1") && !d.join("ecs.iamc").exists() {
            bless(&d);
        }
    }
    let bytes = std::fs::read(d.join("ecs.iamc"))
        .unwrap_or_else(|e| panic!("{}: {e} (see tests/data/artifacts/README.md)", d.display()));
    (d, bytes)
}

/// The golden's format version word (bytes 16..20), read without the loader.
fn version_word(bytes: &[u8]) -> u32 {
    u32::from_le_bytes(bytes[16..20].try_into().unwrap())
}

/// The golden of format `version` loads and decides as recorded, or (once `version` has left
/// the runtime's window) fails with the version error.
fn golden_loads_with_its_decisions_or_fails_with_a_version_error(version: u32) {
    let (d, bytes) = golden(&format!("v{version}"));
    assert_eq!(version_word(&bytes), version);
    if !(OLDEST_FORMAT_VERSION..=FORMAT_VERSION).contains(&version) {
        let e = Artifact::from_bytes(&bytes).unwrap_err();
        assert!(e.is_version_error(), "{e}");
        return;
    }
    let artifact = Artifact::from_bytes(&bytes).unwrap_or_else(|e| {
        panic!("golden v{version} no longer loads: {e}; a layout change must bump FORMAT_VERSION")
    });
    let expected = std::fs::read_to_string(d.join("decisions.jsonl")).unwrap();
    let expected: Vec<&str> = expected.lines().collect();
    let reqs = requests(&d);
    assert_eq!(reqs.len(), expected.len());
    assert!(reqs.len() >= 5);
    for (r, want) in reqs.iter().zip(&expected) {
        assert_eq!(
            iamc::io::explanation_to_json(&artifact.explain(r)),
            *want,
            "request {r:?}"
        );
        assert_eq!(
            artifact.authorize(r).as_str(),
            artifact.explain(r).decision.as_str()
        );
    }
    // Both outcomes occur, so the comparison means something.
    assert!(expected.iter().any(|l| l.contains("\"Allow\"")));
    assert!(expected.iter().any(|l| l.contains("\"ExplicitDeny\"")));
    assert!(expected.iter().any(|l| l.contains("\"ImplicitDeny\"")));
}

#[test]
fn golden_v1_loads_with_its_decisions_or_fails_with_a_version_error() {
    golden_loads_with_its_decisions_or_fails_with_a_version_error(1);
}

#[test]
fn golden_v2_loads_with_its_decisions_or_fails_with_a_version_error() {
    golden_loads_with_its_decisions_or_fails_with_a_version_error(2);
}

#[test]
fn golden_v3_loads_with_its_decisions_or_fails_with_a_version_error() {
    golden_loads_with_its_decisions_or_fails_with_a_version_error(3);
}

#[test]
fn golden_v4_loads_with_its_decisions_or_fails_with_a_version_error() {
    golden_loads_with_its_decisions_or_fails_with_a_version_error(4);
}

/// A golden's decisions are those the reference interpreter gives today for its typed set
/// (the semantics of the recorded lines have not drifted).
fn golden_decisions_match_the_reference(version: &str) {
    let d = dir(version);
    let reference = iamc::reference::PolicySet::from_set(typed_set(&d));
    let expected = std::fs::read_to_string(d.join("decisions.jsonl")).unwrap();
    let reqs = requests(&d);
    assert_eq!(reqs.len(), expected.lines().count());
    for (r, want) in reqs.iter().zip(expected.lines()) {
        assert_eq!(
            iamc::io::explanation_to_json(&reference.explain(r)),
            want,
            "request {r:?}"
        );
    }
}

#[test]
fn golden_v5_loads_with_its_decisions_or_fails_with_a_version_error() {
    golden_loads_with_its_decisions_or_fails_with_a_version_error(5);
}

/// From format 5 on, an artifact carries each statement's origin (places, clauses as written,
/// context keys): the golden's recorded diagnoses are what it still gives, and what the
/// reference interpreter gives today.
fn golden_diagnoses(version: u32) {
    let (d, bytes) = golden(&format!("v{version}"));
    if !(OLDEST_FORMAT_VERSION..=FORMAT_VERSION).contains(&version) {
        return;
    }
    let artifact = Artifact::from_bytes(&bytes).unwrap();
    let reference = iamc::reference::PolicySet::from_set(typed_set(&d));
    let expected = std::fs::read_to_string(d.join("diagnoses.jsonl")).unwrap();
    let reqs = requests(&d);
    assert_eq!(reqs.len(), expected.lines().count());
    let mut near_misses = 0;
    let mut missing = 0;
    for (r, want) in reqs.iter().zip(expected.lines()) {
        let got = artifact.diagnose(r);
        assert_eq!(got, reference.diagnose(r), "request {r:?}");
        assert_eq!(
            iamc::explain::diagnosis_to_json(&got, &iamc::explain::NoTexts),
            want,
            "request {r:?}"
        );
        near_misses += got.near_misses.len();
        missing += got.missing_context_values.len();
    }
    // The recorded lines say something about near misses and missing keys.
    assert!(near_misses >= 5, "{near_misses}");
    assert!(missing >= 5, "{missing}");
}

#[test]
fn golden_v5_diagnoses() {
    golden_diagnoses(5);
}

/// The format change from v4 to v5 added origins only: the decisions did not change.
#[test]
fn golden_v5_decides_as_v4_did() {
    same_requests_and_decisions("v4", "v5");
}

#[test]
fn golden_v3_decisions_match_the_reference() {
    golden_decisions_match_the_reference("v3");
}

#[test]
fn golden_v4_decisions_match_the_reference() {
    golden_decisions_match_the_reference("v4");
}

#[test]
fn golden_v5_decisions_match_the_reference() {
    golden_decisions_match_the_reference("v5");
}

/// The format change from v3 to v4 was a layout change only: the v4 golden has the same
/// policies, requests and decisions as v3.
#[test]
fn golden_v4_decides_as_v3_did() {
    same_requests_and_decisions("v3", "v4");
}

/// Goldens `older` and `newer` hold the same requests and the same decisions.
fn same_requests_and_decisions(older: &str, newer: &str) {
    for file in ["requests.jsonl", "decisions.jsonl"] {
        let old = std::fs::read_to_string(dir(older).join(file)).unwrap();
        let new = std::fs::read_to_string(dir(newer).join(file)).unwrap();
        assert_eq!(old, new, "{file}");
    }
}

#[test]
fn the_newest_golden_is_the_current_format() {
    // A layout change bumps FORMAT_VERSION and adds its golden in the same commit.
    let (_, bytes) = golden(&format!("v{FORMAT_VERSION}"));
    assert_eq!(version_word(&bytes), FORMAT_VERSION);
    Artifact::from_bytes(&bytes).unwrap();
}

#[test]
fn golden_v1_patched_to_a_newer_version_fails_with_the_version_error() {
    let (_, bytes) = golden("v1");
    for v in [2, FORMAT_VERSION + 1, u32::MAX] {
        if (OLDEST_FORMAT_VERSION..=FORMAT_VERSION).contains(&v) {
            continue;
        }
        let mut patched = bytes.clone();
        patched[16..20].copy_from_slice(&v.to_le_bytes());
        let e = Artifact::from_bytes(&patched).unwrap_err();
        assert!(e.is_version_error(), "{e}");
        let window = if OLDEST_FORMAT_VERSION == FORMAT_VERSION {
            format!("{FORMAT_VERSION}")
        } else {
            format!("{OLDEST_FORMAT_VERSION} to {FORMAT_VERSION}")
        };
        assert_eq!(
            e.to_string(),
            format!("unsupported format version: expected {window}, found {v}")
        );
    }
}

#[test]
fn golden_info() {
    for version in 1..=FORMAT_VERSION {
        let (_, bytes) = golden(&format!("v{version}"));
        if !(OLDEST_FORMAT_VERSION..=FORMAT_VERSION).contains(&version) {
            let e = iamc_format::container::read(&bytes).unwrap_err();
            assert!(e.is_version_error(), "{e}");
            continue;
        }
        check_info(version, &bytes);
    }
}

fn check_info(version: u32, bytes: &[u8]) {
    let info = iamc_format::container::read(bytes).unwrap();
    assert_eq!(info.format_version(), version);
    assert_eq!(info.total_len(), bytes.len() as u64);
    assert!(info.producer().regex_automata.starts_with("0.4."));
    let sections = info.sections();
    assert_eq!(sections[0].kind_name(), "metadata");
    assert!(sections.len() >= 3, "metadata, action and resource dfas");
    assert!(sections[1..].iter().all(|s| s.kind_name() == "dfa"));
}
