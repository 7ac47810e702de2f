//! Replays every minimized fuzz crasher (`tests/data/fuzz/<target>-<id>`) through the same
//! target body the fuzzer ran (`iamc_testkit::fuzz`), forever: a crash that comes back fails the
//! default test run.
//!
//! Each target also runs over a few hundred fixed pseudo-random inputs, so the target bodies
//! keep compiling and passing between fuzz campaigns. The `load_artifact` and `authorize`
//! targets attack the ECS policy set of `tests/data/policies/ecs`.

use std::path::PathBuf;

use iamc_testkit::fuzz as targets;
use iamc_testkit::fuzz::TARGETS;

fn data_dir() -> PathBuf {
    iamc_testkit::data::data_dir().join("fuzz")
}

/// The committed crashers of `target`, sorted by name.
fn crashers(target: &str) -> Vec<(String, Vec<u8>)> {
    let entries = std::fs::read_dir(data_dir()).unwrap();
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
    let mut files = 0;
    for e in std::fs::read_dir(data_dir()).unwrap() {
        files += 1;
        let name = e.unwrap().file_name().to_string_lossy().into_owned();
        assert!(
            name == "README.md" || TARGETS.iter().any(|t| name.starts_with(&format!("{t}-"))),
            "tests/data/fuzz/{name} names no fuzz target"
        );
    }
    assert!(
        files > 0,
        "tests/data/fuzz holds no file at all (it always holds its README)"
    );
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

/// Runs `run` on every committed crasher of `target`, on `seeds`, then on `smoke` fixed
/// pseudo-random inputs of at most `len` bytes each.
fn replay(target: &str, seeds: &[&[u8]], (smoke, len): (usize, usize), run: impl Fn(&[u8])) {
    for (name, data) in crashers(target) {
        eprintln!("replaying {name}");
        run(&data);
    }
    for s in seeds {
        run(s);
    }
    for data in smoke_inputs(smoke, len) {
        run(&data);
    }
}

#[test]
fn fuzz_replay_parse() {
    let seeds: &[&[u8]] = &[
        br#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}"#,
        b"{\"Statement\":[{\"Effect\":\"Deny\",\"NotAction\":\"x:y\",\"Resource\":\"arn:aws:s3:::\xff\"}]}",
        b"\xef\xbb\xbf{}",
        b"",
    ];
    replay("parse", seeds, (200, 96), targets::parse);
}

#[test]
fn fuzz_replay_compile_differential() {
    replay(
        "compile_differential",
        &[],
        (150, 160),
        targets::compile_differential,
    );
}

#[test]
fn fuzz_replay_load_artifact() {
    let fx = targets::fixture();
    // The forger's checksums are the container's: forging an untouched artifact changes
    // nothing (otherwise modes 0, 3 and 4 would never get past the checksums).
    let mut forged = fx.small_bytes.clone();
    iamc_testkit::artifact::forge_checksums(&mut forged);
    assert!(
        forged == fx.small_bytes,
        "forge_checksums disagrees with the container"
    );
    let mut whole = vec![2u8];
    whole.extend_from_slice(&fx.small_bytes);
    // Every input as it is, then in each of the five modes.
    replay("load_artifact", &[&whole], (100, 64), |data| {
        targets::load_artifact(fx, data);
        let mut data = data.to_vec();
        for mode in 0..5 {
            match data.first_mut() {
                Some(first) => *first = mode,
                None => data.push(mode),
            }
            targets::load_artifact(fx, &data);
        }
    });
}

#[test]
fn fuzz_replay_authorize() {
    let fx = targets::fixture();
    let mut line = vec![1u8];
    line.extend_from_slice(
        br#"{"action":"ecs:StopTask","resource":"arn:aws:ecs:us-east-1:111122223333:task/prod/x","context":{"aws:ResourceTag/Department":"Accounting"}}"#,
    );
    replay("authorize", &[&line], (300, 48), |data| {
        targets::authorize(fx, data);
        // The same bytes as a tape for a request built from the set's own patterns.
        let mut even = vec![0u8];
        even.extend_from_slice(data);
        targets::authorize(fx, &even);
    });
}

/// Every file of `dir`, once behind each of the mode bytes `modes` (the targets read their
/// first byte as how to present the rest).
fn file_seeds(dir: &std::path::Path, modes: &[u8]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for path in iamc_testkit::data::entries(dir) {
        let bytes = std::fs::read(path).unwrap();
        for &mode in modes {
            let mut data = vec![mode];
            data.extend_from_slice(&bytes);
            out.push(data);
        }
    }
    out
}

/// The seeds: every file, then `more`.
fn with_files<'a>(files: &'a [Vec<u8>], more: &[&'a [u8]]) -> Vec<&'a [u8]> {
    files
        .iter()
        .map(Vec::as_slice)
        .chain(more.iter().copied())
        .collect()
}

#[test]
fn fuzz_replay_sources() {
    let files = file_seeds(
        &iamc_testkit::data::data_dir().join("templates"),
        &[0, 0x10],
    );
    let seeds = with_files(
        &files,
        &[
            b"\x01Statement: {Effect: Allow, Action: !Sub '${P}:Get*', Resource: !GetAtt B.Arn}",
            b"\x02A: &a {Type: AWS::IAM::Policy, Properties: {PolicyDocument: {Statement: []}}}\nB: *a",
            b"\x03{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"s3:\xc3\xa9\",\"Resource\":\"*\"}}",
            b"\x13\xf0\x9f\x98\x80\"\\\n\x01",
            b"\x00\xef\xbb\xbf{}",
        ],
    );
    replay("sources", &seeds, (200, 96), targets::sources);
}

#[test]
fn fuzz_replay_check() {
    let ecs = iamc_testkit::data::load_dir(&iamc_testkit::data::policies_dir().join("ecs"));
    let mut seeds: Vec<&[u8]> = ecs.iter().map(|(_, text)| text.as_bytes()).collect();
    seeds.extend([
        &br#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","NotAction":"*","Resource":"*"}}"#[..],
        b"{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:\xc3\xa9\",\"Resource\":\"a\nb\"}]}",
        b"",
    ]);
    replay("check", &seeds, (200, 96), targets::check);
}

#[test]
fn fuzz_replay_simulate() {
    let cases = iamc_testkit::data::data_dir().join("simulate/cases");
    let mut seeds: Vec<Vec<u8>> = Vec::new();
    for (_, text) in iamc_testkit::data::load_dir(&cases) {
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
    let seeds: Vec<&[u8]> = seeds.iter().map(Vec::as_slice).collect();
    replay("simulate", &seeds, (150, 96), targets::simulate);
}

#[test]
fn fuzz_replay_testfile() {
    let examples = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/tests");
    let files = file_seeds(&examples, &[0]);
    let seeds = with_files(
        &files,
        &[
            b"\x01action: s3:GetObject\nexpect: Deny\ncontext: [a=b, a=c]",
            b"\x02aws:TagKeys: [a, b]\n&x y: *x",
            b"\x03\"request\": {\"action\": \"s3:Get\"}",
            b"\x00a: &a [1,2]\nb: [*a,*a,*a]\n",
            b"\x00\xef\xbb\xbf{\"cases\": []}",
        ],
    );
    replay("testfile", &seeds, (200, 96), targets::testfile);
}

/// The cases of the diff property test's regression file (`tests/proptest-regressions/diff.txt`:
/// `pair = [..], tapes = [[..], ..]`) as the `diff` target's input: the header byte for that
/// many request tapes of `REQUEST_TAPE` bytes, the pair's tape, the request tapes.
fn diff_regressions() -> Vec<Vec<u8>> {
    use iamc_testkit::fuzz::diff::REQUEST_TAPE;
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/proptest-regressions/diff.txt");
    let text = std::fs::read_to_string(path).unwrap();
    let bytes = |s: &str| -> Vec<u8> {
        s.split(',')
            .map(str::trim)
            .filter(|b| !b.is_empty())
            .map(|b| b.parse().unwrap())
            .collect()
    };
    let mut out = Vec::new();
    for line in text.lines().filter(|l| l.starts_with("cc ")) {
        let (_, rest) = line.split_once("pair = [").unwrap();
        let (pair, rest) = rest.split_once(']').unwrap();
        let (_, tapes) = rest.split_once("tapes = [").unwrap();
        let tapes: Vec<Vec<u8>> = tapes
            .split('[')
            .skip(1)
            .map(|t| bytes(t.split(']').next().unwrap()))
            .collect();
        assert!((1..12).contains(&tapes.len()) && tapes.iter().all(|t| t.len() == REQUEST_TAPE));
        // 8 + 88 % 89 == REQUEST_TAPE bytes per request tape.
        let mut data = vec![(tapes.len() - 1) as u8, 88];
        data.extend(bytes(pair));
        data.extend(tapes.concat());
        out.push(data);
    }
    assert!(
        !out.is_empty(),
        "no case in tests/proptest-regressions/diff.txt"
    );
    out
}

#[test]
fn fuzz_replay_diff() {
    let mut cases = diff_regressions();
    // Inputs long enough for a pair of real sets (the smoke inputs are mostly request tapes):
    // 1 to 4 request tapes of 16 to 39 bytes, a pair's tape of 200 to 660 bytes; every fourth
    // also diffs OLD with itself.
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    for i in 0..24u8 {
        let mut data = vec![(i % 4) | if i % 4 == 0 { 0x80 } else { 0 }, 8 + i];
        data.extend((0..200 + 20 * usize::from(i)).map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        }));
        cases.push(data);
    }
    let seeds = with_files(
        &cases,
        &[
            b"",
            b"\x80",
            b"\x85\x10\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f",
            &[0xff; 300],
        ],
    );
    replay("diff", &seeds, (40, 400), targets::diff);
}
