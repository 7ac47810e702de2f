//! `testfile`: the policy test-file reader on arbitrary bytes.

/// `testfile`: arbitrary bytes to `iamc::testfile::read` (the schema reader; running would
/// read the files the bytes name). The first byte picks how the rest is presented: (0) the
/// whole file (YAML, or JSON when it starts with `{`); (1) the lines of a YAML case; (2) a
/// YAML `context` mapping's lines; (3) the members of a JSON case. Never panics, never
/// unbounded memory (YAML aliases are charged against a budget); an error is rendered at a
/// `line:col` inside the file; a file read has cases with actions of the form `service:Action`.
pub fn testfile(data: &[u8]) {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let indent = |prefix: &str, pad: &str| super::indented(prefix, pad, rest);
    let input = match mode % 4 {
        0 => rest.to_vec(),
        1 => indent("policies: {identity: p.json}\ncases:\n  - ", "    "),
        2 => indent(
            "policies: {identity: p.json}\ncases:\n  - action: s3:GetObject\n    expect: Allow\n    context:\n",
            "      ",
        ),
        _ => {
            let mut out = br#"{"policies": {"identity": ["p.json"]}, "cases": [{"action": "s3:GetObject", "expect": "Allow", "#.to_vec();
            out.extend_from_slice(rest);
            out.extend_from_slice(b"}]}");
            out
        }
    };
    match iamc::testfile::read("fuzz.yaml", &input) {
        Err(e) => {
            let msg = e.message();
            let rest = msg
                .strip_prefix("fuzz.yaml:")
                .expect("an error names the file");
            let mut parts = rest.splitn(3, ':');
            let line: usize = parts.next().and_then(|l| l.parse().ok()).expect("a line");
            let col: usize = parts.next().and_then(|c| c.parse().ok()).expect("a column");
            let text = String::from_utf8_lossy(&input);
            assert!(
                line >= 1 && line <= text.split('\n').count().max(1),
                "{msg}"
            );
            assert!(col >= 1, "{msg}");
        }
        Ok(file) => {
            for c in &file.cases {
                assert!(c.request.action.contains(':'), "{:?}", c.request);
                assert!(!c.name.is_empty());
            }
        }
    }
}
