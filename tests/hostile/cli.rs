//! `iamc eval` over hostile JSON Lines.

use super::*;
use crate::cli::iamc;

/// `iamc eval` over JSON Lines on standard input: every malformed line (invalid UTF-8, NUL
/// bytes, broken JSON, wrong types, over-long, too deep, too many keys) gets its own
/// `{"error":...}` line, every good line its decision, in order; the exit status is 1.
#[test]
fn hostile_cli_answers_each_malformed_line() {
    let policy = operators_path();
    let mut many_keys = String::from(r#"{"action":"any:Get","context":{"#);
    for i in 0..10_000 {
        if i > 0 {
            many_keys.push(',');
        }
        many_keys.push_str(&format!(r#""k{i}":"v""#));
    }
    many_keys.push_str("}}");
    let good = br#"{"action":"any:Get","resource":"arn:aws:s3:::b"}"#.to_vec();
    // (line, expected: true = a decision, false = an error line)
    let lines: Vec<(Vec<u8>, bool)> = vec![
        (good.clone(), true),
        (b"\xff\xfe\xfd".to_vec(), false),
        (
            b"{\"action\":\"any:Get\",\"resource\":\"arn:aws:s3:::\xc3\x28\"}".to_vec(),
            false,
        ),
        (b"{".to_vec(), false),
        (br#"{"action":"nocolon"}"#.to_vec(), false),
        (b"{\"action\":\"any:Get\0\"}".to_vec(), false),
        (b"\0".to_vec(), false),
        (br#"{"action":"any:Get\u0000"}"#.to_vec(), true),
        (
            br#"{"action":"ip:Get","context":{"aws:SourceIp":"10.0.0.300"}}"#.to_vec(),
            true,
        ),
        (
            br#"{"action":"ip:Get","context":{"aws:SourceIp":{"x":1}}}"#.to_vec(),
            false,
        ),
        (br#"{"action":"ip:Get","extra":1}"#.to_vec(), false),
        (
            format!(r#"{{"action":"any:{}"}}"#, "a".repeat(2 << 20)).into_bytes(),
            false,
        ),
        // Under the line limit, over the action limit (`RequestLimits::max_action_bytes`).
        (
            format!(r#"{{"action":"any:{}"}}"#, "a".repeat(900_000)).into_bytes(),
            false,
        ),
        (
            format!(r#"{{"action":"any:{}"}}"#, "a".repeat(1000)).into_bytes(),
            true,
        ),
        (
            format!("{}{}", "[".repeat(50_000), "]".repeat(50_000)).into_bytes(),
            false,
        ),
        (many_keys.into_bytes(), false),
        (b"{\"action\":\"any:Get\"}\r".to_vec(), true),
        (good.clone(), true),
    ];
    let mut input = Vec::new();
    for (l, _) in &lines {
        input.extend_from_slice(l);
        input.push(b'\n');
    }
    let policy = policy.to_str().unwrap();
    let out = iamc(
        &["eval", "--engine", "reference", "--policy", policy],
        Some(&input),
    );
    let stdout = String::from_utf8(out.stdout).expect("stdout is UTF-8");
    let answers: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        answers.len(),
        lines.len(),
        "one answer per line; stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    for (i, ((_, decided), answer)) in lines.iter().zip(&answers).enumerate() {
        let prefix = if *decided {
            "{\"decision\":"
        } else {
            "{\"error\":\""
        };
        assert!(
            answer.starts_with(prefix) && answer.ends_with('}'),
            "line {i}: expected {prefix}..., got {}",
            &answer[..answer.len().min(200)]
        );
    }
    assert_eq!(
        out.status.code(),
        Some(1),
        "a malformed line makes the exit status 1"
    );
}
