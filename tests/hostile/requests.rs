//! Requests: bad values fail closed, huge ones decide, hostile request JSON errors or decides.

use super::*;
use iamc_testkit::assert_contains;

/// The positive cases hold, so the fail-closed assertions below are not vacuous.
#[test]
fn hostile_operator_policy_allows_its_good_values() {
    let e = operators();
    let good = [
        ("ip:Get", "aws:SourceIp", s("10.1.2.3")),
        ("notip:Get", "aws:SourceIp", s("192.0.2.1")),
        ("num:Get", "n", Value::Single(Scalar::Number("9.5".into()))),
        ("notnum:Get", "n", s("11")),
        ("date:Get", "aws:CurrentTime", s("2026-11-22T12:00:00Z")),
        ("notdate:Get", "aws:CurrentTime", s("1577836800")),
        (
            "bool:Get",
            "aws:SecureTransport",
            Value::Single(Scalar::Bool(true)),
        ),
        ("bin:Get", "b", s("YQ==")),
        ("arn:Get", "aws:SourceArn", s("arn:aws:s3:::bucket")),
        ("notarn:Get", "aws:SourceArn", s("arn:aws:s3:::other")),
    ];
    for (action, key, value) in good {
        let req = with(action, key, value);
        assert_eq!(e.decide(&req), Decision::Allow, "{}", short(&req));
    }
}

/// Invalid IPs, dates, numbers, booleans, base64 and ARNs, wrong JSON types and multi-valued
/// keys never allow, under the positive and the negated operator alike (an Error never counts
/// as a match nor as a non-match).
#[test]
fn hostile_invalid_values_fail_closed() {
    let e = operators();
    let ips = [
        "10.0.0.256",
        "10.0.0",
        "10.1.2.3/32",
        "",
        "not an ip",
        "10.0.0.1\0",
        " 10.0.0.1",
        "::g",
        "1:2:3:4:5:6:7:8:9",
        "10.0.0.01x",
    ];
    let numbers = [
        "1e3", "0x1", "NaN", "", "1.", ".5", "--1", "+1", "\u{661}", "1 ", "inf",
    ];
    let dates = [
        "2020-13-01",
        "2020-01-01T24:61Z",
        "yesterday",
        "",
        "2020-01-01T00:00:00.1234567890Z",
        "2020-1-1",
        "-1",
        "1e9",
        "2020-01-01T00:00:00+25:00",
    ];
    let bools = ["yes", "1", "", "tru", "true "];
    let binaries = ["YQ=", "Y", "!!!!", "YQ==="];
    let arns = ["arn:aws:s3", "notanarn", "", "arn:aws:s3:::"];
    let cases: [(&[&str], &[&str], &str); 6] = [
        (&ips, &["ip:Get", "notip:Get"], "aws:SourceIp"),
        (&numbers, &["num:Get", "notnum:Get"], "n"),
        (&dates, &["date:Get", "notdate:Get"], "aws:CurrentTime"),
        (&bools, &["bool:Get"], "aws:SecureTransport"),
        (&binaries, &["bin:Get"], "b"),
        (&arns, &["arn:Get", "notarn:Get"], "aws:SourceArn"),
    ];
    for (values, actions, key) in cases {
        for action in actions {
            for v in values {
                // `arn:aws:s3:::` has six fields and is a valid ARN for `ArnNotLike`.
                if *action == "notarn:Get" && *v == "arn:aws:s3:::" {
                    continue;
                }
                let req = with(action, key, s(v));
                assert_ne!(e.decide(&req), Decision::Allow, "{}", short(&req));
            }
            // Wrong types: a boolean where the operator wants something else, and any
            // plain operator against a multi-valued key (A8), empty or not.
            let wrong: Vec<Value> = vec![
                Value::Multi(vec![]),
                Value::Multi(vec![Scalar::String(values[0].into())]),
                Value::Multi(vec![Scalar::Bool(true), Scalar::Number("1".into())]),
            ];
            for v in wrong {
                let req = with(action, key, v);
                assert_ne!(e.decide(&req), Decision::Allow, "{}", short(&req));
            }
            if key != "aws:SecureTransport" {
                let req = with(action, key, Value::Single(Scalar::Bool(false)));
                assert_ne!(e.decide(&req), Decision::Allow, "{}", short(&req));
            }
        }
    }
}

/// Huge but valid values decide (and the engines agree): megabyte strings everywhere, numbers
/// with thousands of digits, dates far out of range, 10,000 context keys.
#[test]
fn hostile_huge_requests_decide() {
    let e = operators();
    let mb = "a".repeat(1 << 20);
    let mut reqs = vec![
        Request::new(format!("any:{mb}"), "arn:aws:s3:::b"),
        Request::new(format!("{mb}:Get"), "*"),
        Request::new("any:Get", format!("arn:aws:s3:::{mb}")),
        Request::new("str:Get", format!("arn:aws:s3:::{mb}/{mb}"))
            .with_context("aws:username", s(&mb))
            .with_context("s", s(&format!("a{mb}b{mb}c"))),
        Request::new("str:Get", format!("arn:aws:s3:::{}", "*?".repeat(1 << 16)))
            .with_context("aws:username", s("*"))
            .with_context("s", s(&"ab".repeat(1 << 16))),
        with(
            "num:Get",
            "n",
            Value::Single(Scalar::Number("9".repeat(100_000))),
        ),
        with("notnum:Get", "n", s(&format!("0.{}", "0".repeat(100_000)))),
        with("date:Get", "aws:CurrentTime", s(&"9".repeat(10_000))),
        with("notdate:Get", "aws:CurrentTime", s("99999-01-01T00:00:00Z")),
        with("ip:Get", "aws:SourceIp", s(&mb)),
        with("bin:Get", "b", s(&"QUFB".repeat(1 << 16))),
        with(
            "arn:Get",
            "aws:SourceArn",
            s(&format!("arn:aws:s3:::b{mb}")),
        ),
        with("any:Get", &mb, s(&mb)),
        with(
            "any:Get",
            "deny",
            Value::Multi(vec![Scalar::String(mb.clone()); 64]),
        ),
    ];
    let mut many = Request::new("str:Get", "arn:aws:s3:::alice/x");
    for i in 0..10_000 {
        many.context.insert(&format!("k{i}"), s(&i.to_string()));
    }
    many.context.insert("aws:username", s("alice"));
    many.context.insert("s", s("abc"));
    reqs.push(many);
    for req in &reqs {
        e.decide(req);
    }
    // The huge deny key still denies: a Deny condition is not lost in a large context.
    let mut deny = Request::new("any:Get", "arn:aws:s3:::b");
    for i in 0..10_000 {
        deny.context.insert(&format!("k{i}"), s(&mb[..i % 64]));
    }
    deny.context.insert("DENY", s("yes"));
    assert_eq!(e.decide(&deny), Decision::ExplicitDeny);
}

/// `iamc::io::request_from_json` answers every hostile text with a request or an error message (never a
/// panic, never a stack overflow); whatever parses decides.
#[test]
fn hostile_request_json_errors_or_decides() {
    let e = operators();
    let mb = "x".repeat(1_000_000);
    let mut keys = String::from(r#"{"action":"any:Get","context":{"#);
    for i in 0..10_000 {
        if i > 0 {
            keys.push(',');
        }
        keys.push_str(&format!(r#""k{i}":"{i}""#));
    }
    keys.push_str("}}");
    let texts: Vec<String> = vec![
        format!(r#"{{"action":"any:{mb}"}}"#),
        format!(r#"{{"action":"any:Get","resource":"arn:aws:s3:::{mb}"}}"#),
        format!(r#"{{"action":"any:Get","context":{{"k":"{mb}"}}}}"#),
        format!(r#"{{"action":"any:Get","context":{{"k":"{mb}{mb}"}}}}"#),
        keys,
        format!("{}1{}", "[".repeat(100_000), "]".repeat(100_000)),
        format!(
            r#"{{"action":"any:Get","context":{{"k":{}1{}}}}}"#,
            "[".repeat(10_000),
            "]".repeat(10_000)
        ),
        "{".repeat(200_000),
        r#"{"action":"any:Get\u0000","resource":"arn:aws:s3:::b\u0000"}"#.into(),
        "{\"action\":\"any:Get\0\"}".into(),
        r#"{"action":"ip:Get","context":{"aws:SourceIp":"\u0000"}}"#.into(),
        r#"{"action":"any:Get","context":{"k":"\ud800"}}"#.into(),
        r#"{"action":"any:Get","context":{"k":"\udc00\ud800"}}"#.into(),
        r#"{"action":"num:Get","context":{"n":1e999999999}}"#.into(),
        r#"{"action":"num:Get","context":{"n":-0.0e-0}}"#.into(),
        r#"{"action":"num:Get","context":{"n":01}}"#.into(),
        r#"{"action":"num:Get","context":{"n":NaN}}"#.into(),
        r#"{"action":"num:Get","context":{"n":-}}"#.into(),
        format!(
            r#"{{"action":"num:Get","context":{{"n":{}}}}}"#,
            "9".repeat(500_000)
        ),
        r#"{"action":"ip:Get","context":{"aws:SourceIp":["10.0.0.1",["x"]]}}"#.into(),
        r#"{"action":"ip:Get","context":{"aws:SourceIp":{"a":1}}}"#.into(),
        r#"{"action":"ip:Get","context":{"aws:SourceIp":null}}"#.into(),
        r#"{"action":["ip:Get"]}"#.into(),
        r#"{"action":"ip:Get","resource":7}"#.into(),
        r#"{"action":"ip:Get","context":[]}"#.into(),
        r#"{"action":"ip:Get"} trailing"#.into(),
        r#"{"action":"ip:Get",}"#.into(),
        r#"{"action":"ip:Get""#.into(),
        "\u{feff}{\"action\":\"ip:Get\"}".into(),
        "".into(),
        " ".into(),
        "null".into(),
        r#""\"#.into(),
        r#"{"action":"\uZZZZ:x"}"#.into(),
        r#"{"action":"a:b","action":"a:b"}"#.into(),
        format!(
            r#"{{"action":"a:b","context":{{"k":[{}]}}}}"#,
            vec!["1"; 100_000].join(",")
        ),
    ];
    for t in &texts {
        match iamc::io::request_from_json(t) {
            Ok(req) => {
                e.decide(&req);
            }
            Err(err) => {
                let m = err.to_string();
                assert!(!m.is_empty(), "empty error for {}", &t[..t.len().min(80)]);
                assert!(!m.ends_with('.'), "error ends with a period: {m}");
            }
        }
    }
    // The limits name themselves.
    let too_big = iamc::io::request_from_json(&texts[3])
        .unwrap_err()
        .to_string();
    assert_contains(&too_big, "limit");
    let deep = iamc::io::request_from_json(&texts[5])
        .unwrap_err()
        .to_string();
    assert_contains(&deep, "limit");
}
