//! Hostile input (issue 5, items 3 and 4): the runtime never panics on any request, every bad
//! value fails closed, the CLI answers each malformed request line with its own error line and
//! carries on, and oversized or pathological policies compile or fail with an error naming the
//! limit.
//!
//! Only outcomes and memory-independent facts are asserted, never times (those belong in
//! benches); every input is sized so that each test stays fast in a debug build.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::io::Write;
use std::process::{Command, Stdio};

use iamc::reference::PolicySet;
use iamc_grammar::ast::{self, PolicyType};
use iamc_grammar::SourceFile;
use iamc_runtime::{Artifact, Decision, Request, Scalar, Value};

fn parse(name: &str, text: &str) -> ast::Policy {
    let file = SourceFile::new(name, text);
    match iamc_grammar::parse_policy(&file, PolicyType::Identity) {
        Ok(p) => p.policy,
        Err(d) => panic!("{name}: {d}"),
    }
}

/// Compiles through the artifact bytes, as `iamc compile` and a service loading it would.
fn compile(policies: &[ast::Policy]) -> Result<Artifact, String> {
    let bytes = iamc_compiler::compile(policies, &iamc_compiler::Config::default())
        .map_err(|e| e.to_string())?;
    Ok(Artifact::from_bytes(&bytes).expect("a compiled artifact loads"))
}

struct Engines {
    artifact: Artifact,
    reference: PolicySet,
}

impl Engines {
    fn new(policies: Vec<ast::Policy>) -> Engines {
        Engines {
            artifact: compile(&policies).unwrap(),
            reference: PolicySet::new(policies),
        }
    }

    /// The runtime decides `req` (no panic); on requests small enough for the reference
    /// interpreter's quadratic globs, both engines agree.
    fn decide(&self, req: &Request) -> Decision {
        let compiled = self.artifact.explain(req);
        if size(req) <= 1 << 14 {
            let reference = self.reference.explain(req);
            assert_eq!(compiled, reference, "engines differ on {}", short(req));
        }
        assert_eq!(self.artifact.authorize(req), compiled.decision);
        let _ = iamc::io::explanation_to_json(&compiled);
        compiled.decision
    }
}

fn size(req: &Request) -> usize {
    let scalar = |v: &Scalar| v.as_text().len();
    req.action.len()
        + req.resource.len()
        + req
            .context
            .iter()
            .map(|(k, v)| {
                k.len()
                    + match v {
                        Value::Single(x) => scalar(x),
                        Value::Multi(xs) => xs.iter().map(scalar).sum(),
                    }
            })
            .sum::<usize>()
}

fn short(req: &Request) -> String {
    let s = format!("{req:?}");
    s.chars().take(300).collect()
}

/// One Allow statement per condition operator family (positive and negated), each on its own
/// action, plus a conditional Deny and a variable in a resource.
const OPERATORS: &str = r#"{"Version":"2012-10-17","Statement":[
 {"Sid":"Ip","Effect":"Allow","Action":"ip:Get","Resource":"*",
  "Condition":{"IpAddress":{"aws:SourceIp":["10.0.0.0/8","2001:db8::/32"]}}},
 {"Sid":"NotIp","Effect":"Allow","Action":"notip:Get","Resource":"*",
  "Condition":{"NotIpAddress":{"aws:SourceIp":"10.0.0.0/8"}}},
 {"Sid":"Num","Effect":"Allow","Action":"num:Get","Resource":"*",
  "Condition":{"NumericLessThan":{"n":"10"}}},
 {"Sid":"NotNum","Effect":"Allow","Action":"notnum:Get","Resource":"*",
  "Condition":{"NumericNotEquals":{"n":"10"}}},
 {"Sid":"Date","Effect":"Allow","Action":"date:Get","Resource":"*",
  "Condition":{"DateLessThan":{"aws:CurrentTime":"2030-01-01T00:00:00Z"}}},
 {"Sid":"NotDate","Effect":"Allow","Action":"notdate:Get","Resource":"*",
  "Condition":{"DateNotEquals":{"aws:CurrentTime":"2030-01-01T00:00:00Z"}}},
 {"Sid":"Bool","Effect":"Allow","Action":"bool:Get","Resource":"*",
  "Condition":{"Bool":{"aws:SecureTransport":"true"}}},
 {"Sid":"Bin","Effect":"Allow","Action":"bin:Get","Resource":"*",
  "Condition":{"BinaryEquals":{"b":"YQ=="}}},
 {"Sid":"Arn","Effect":"Allow","Action":"arn:Get","Resource":"*",
  "Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:s3:::b*"}}},
 {"Sid":"NotArn","Effect":"Allow","Action":"notarn:Get","Resource":"*",
  "Condition":{"ArnNotLike":{"aws:SourceArn":"arn:aws:s3:::b*"}}},
 {"Sid":"Str","Effect":"Allow","Action":"str:Get","Resource":"arn:aws:s3:::${aws:username}/*",
  "Condition":{"StringLike":{"s":"a*b*c*"}}},
 {"Sid":"Any","Effect":"Allow","Action":"any:*","Resource":"arn:aws:s3:::*"},
 {"Sid":"Deny","Effect":"Deny","Action":"*","Resource":"*",
  "Condition":{"StringEquals":{"deny":"yes"}}}
]}"#;

fn operators() -> Engines {
    Engines::new(vec![parse("ops.json", OPERATORS)])
}

fn with(action: &str, key: &str, value: Value) -> Request {
    Request::new(action, "arn:aws:s3:::b/k").with_context(key, value)
}

fn s(v: &str) -> Value {
    Value::Single(Scalar::String(v.into()))
}

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
    assert!(too_big.contains("limit"), "{too_big}");
    let deep = iamc::io::request_from_json(&texts[5])
        .unwrap_err()
        .to_string();
    assert!(deep.contains("limit"), "{deep}");
}

/// A program whose indices do not fit its DFAs never loads: inconsistency is refused at the
/// door, so evaluation never sees it (and denies if it ever did).
#[test]
fn hostile_inconsistent_programs_are_refused() {
    let policies = vec![parse("ops.json", OPERATORS)];
    let c = iamc_compiler::compile_program(&policies, &iamc_compiler::Config::default()).unwrap();
    let good = c.program.clone();
    let load = |p: &iamc_format::program::Program| {
        Artifact::from_bytes(&iamc_compiler::container::write_artifact(p, &c.dfas))
    };
    assert!(load(&good).is_ok());
    type Edit = Box<dyn Fn(&mut iamc_format::program::Program)>;
    let edits: Vec<(&str, Edit)> = vec![
        ("policy index", Box::new(|p| p.statements[0].policy = 99)),
        ("shard range", Box::new(|p| p.shards[0].end += 1)),
        ("shard dfa", Box::new(|p| p.shards[0].dfa = 999)),
        ("default list", Box::new(|p| p.shards[0].default_list = 999)),
        ("pattern count", Box::new(|p| p.resource_patterns += 1)),
        (
            "candidate",
            Box::new(|p| {
                let sh = &mut p.shards[0];
                let l = sh.lists[0];
                let at = (l.start + l.deny_len) as usize;
                sh.ids[at..]
                    .iter_mut()
                    .take(1)
                    .for_each(|id| *id = u32::MAX);
                sh.ids.push(u32::MAX);
            }),
        ),
        (
            "candidate range",
            Box::new(|p| p.shards[0].lists[0].allow_len += 1_000_000),
        ),
        (
            "literal list",
            Box::new(|p| {
                if let Some(l) = p.shards[0].literals.lists.first_mut() {
                    *l = 999_999;
                }
            }),
        ),
        (
            "literal slot",
            Box::new(|p| {
                let t = &mut p.shards[0].literals;
                if let Some(slot) = t.slots.iter_mut().find(|s| **s != u32::MAX) {
                    *slot = u32::MAX;
                }
            }),
        ),
        (
            "candidate effect",
            Box::new(|p| {
                // The first list's Allow statements counted as Deny statements.
                let l = &mut p.shards[0].lists[0];
                l.deny_len += l.allow_len;
                l.allow_len = 0;
            }),
        ),
        (
            "missing statement",
            Box::new(|p| {
                p.statements.pop();
            }),
        ),
    ];
    for (what, edit) in edits {
        let mut p = good.clone();
        edit(&mut p);
        if p == good {
            continue; // e.g. the first list had no Allow to move
        }
        let e = load(&p).expect_err(what);
        assert!(
            e.to_string().starts_with("invalid program: "),
            "{what}: an inconsistent program loaded or failed otherwise: {e}"
        );
    }
}

/// Compiles `policies` or checks that the failure names a limit.
fn compile_or_limit(what: &str, policies: Vec<ast::Policy>) -> Option<Engines> {
    match compile(&policies) {
        Ok(artifact) => Some(Engines {
            artifact,
            reference: PolicySet::new(policies),
        }),
        Err(e) => {
            assert!(
                e.contains("limit"),
                "{what}: failed without naming a limit: {e}"
            );
            None
        }
    }
}

/// A deterministic permutation of the letters `a..=p`, different for each `seed`.
fn letters(seed: usize) -> Vec<char> {
    let mut l: Vec<char> = ('a'..='p').collect();
    let mut x = seed.wrapping_mul(2_654_435_761).wrapping_add(1);
    for i in (1..l.len()).rev() {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        l.swap(i, x % (i + 1));
    }
    l
}

/// `*a*b*c*...*p*` with the letters in `seed`'s order.
fn subsequence_glob(seed: usize) -> String {
    let mut g = String::from("*");
    for c in letters(seed) {
        g.push(c);
        g.push('*');
    }
    g
}

/// 200 patterns `*a*b*c*...` (a different letter order each) as action names, resource
/// paths and `StringLike` values: each alone is a small automaton, their union a product
/// automaton; compilation succeeds (splitting) or names the limit it hit.
#[test]
fn hostile_limits_pathological_globs() {
    let globs: Vec<String> = (0..200).map(subsequence_glob).collect();
    let quoted = |f: &dyn Fn(&str) -> String| -> String {
        globs
            .iter()
            .map(|g| format!("\"{}\"", f(g)))
            .collect::<Vec<_>>()
            .join(",")
    };
    let actions = quoted(&|g| format!("s3:{g}"));
    let resources = quoted(&|g| format!("arn:aws:s3:::{g}"));
    let values = quoted(&|g| g.to_string());
    let policies = [
        format!(r#"{{"Statement":{{"Effect":"Allow","Action":[{actions}],"Resource":"*"}}}}"#),
        format!(
            r#"{{"Statement":{{"Effect":"Allow","Action":"s3:Get","Resource":[{resources}]}}}}"#
        ),
        format!(
            r#"{{"Statement":{{"Effect":"Deny","Action":"s3:Put","Resource":"*",
                "Condition":{{"StringLike":{{"s":[{values}]}}}}}}}}"#
        ),
    ];
    let alphabet: String = ('a'..='p').collect();
    let reversed: String = alphabet.chars().rev().collect();
    for (i, text) in policies.iter().enumerate() {
        let what = format!("glob policy {i}");
        let Some(e) = compile_or_limit(&what, vec![parse("globs.json", text)]) else {
            continue;
        };
        for probe in [&alphabet, &reversed, &"ab".repeat(40), &String::new()] {
            let mut doubled = probe.clone();
            doubled.push_str(&reversed);
            for name in [probe, &doubled] {
                e.decide(&Request::new(format!("s3:{name}"), "*"));
                e.decide(&Request::new("s3:Get", format!("arn:aws:s3:::{name}")));
                e.decide(&Request::new("s3:Put", "*").with_context("s", s(name)));
            }
        }
    }
}

/// 20,000 statements with distinct actions and resources compile (or name the limit), and the
/// first, a middle and the last statement still decide.
#[test]
fn hostile_limits_twenty_thousand_statements() {
    const N: usize = 20_000;
    let mut text = String::from(r#"{"Version":"2012-10-17","Statement":["#);
    for i in 0..N {
        if i > 0 {
            text.push(',');
        }
        let effect = if i % 7 == 0 { "Deny" } else { "Allow" };
        text.push_str(&format!(
            r#"{{"Effect":"{effect}","Action":"svc{}:Op{i}","Resource":"arn:aws:s3:::bucket{i}/*"}}"#,
            i % 50
        ));
    }
    text.push_str("]}");
    let policy = parse("many.json", &text);
    assert_eq!(policy.statements.len(), N);
    let Some(e) = compile_or_limit("20,000 statements", vec![policy]) else {
        return;
    };
    for i in [0usize, 1, N / 2, N - 1] {
        let req = Request::new(
            format!("svc{}:op{i}", i % 50),
            format!("arn:aws:s3:::bucket{i}/k"),
        );
        let expected = if i % 7 == 0 {
            Decision::ExplicitDeny
        } else {
            Decision::Allow
        };
        assert_eq!(e.decide(&req), expected, "statement {i}");
        let miss = Request::new(
            format!("svc{}:op{i}", i % 50),
            format!("arn:aws:s3:::bucket{i}x/k"),
        );
        assert_eq!(e.decide(&miss), Decision::ImplicitDeny, "statement {i}");
    }
}

/// A 5 MB policy (long condition value lists and long literal patterns) parses and compiles, or
/// names the limit it hit.
#[test]
fn hostile_limits_five_megabyte_policy() {
    let mut text = String::from(r#"{"Version":"2012-10-17","Statement":["#);
    let filler = "x".repeat(200);
    let mut i = 0usize;
    while text.len() < 5 << 20 {
        if i > 0 {
            text.push(',');
        }
        let values: Vec<String> = (0..20).map(|j| format!("\"{filler}{i}-{j}\"")).collect();
        text.push_str(&format!(
            r#"{{"Sid":"S{i}","Effect":"Allow","Action":["s3:Get{i}","s3:Put{i}"],
                "Resource":"arn:aws:s3:::{filler}/{i}/*",
                "Condition":{{"StringEquals":{{"k":[{}]}}}}}}"#,
            values.join(",")
        ));
        i += 1;
    }
    text.push_str("]}");
    assert!(text.len() >= 5 << 20);
    let file = SourceFile::new("big.json", text.as_str());
    let policy = match iamc_grammar::parse_policy(&file, PolicyType::Identity) {
        Ok(p) => p.policy,
        Err(d) => {
            let m = d.to_string();
            assert!(
                m.contains("limit"),
                "a 5 MB policy failed without naming a limit: {m}"
            );
            return;
        }
    };
    assert_eq!(policy.statements.len(), i);
    let Some(e) = compile_or_limit("5 MB policy", vec![policy]) else {
        return;
    };
    let last = i - 1;
    let req = Request::new(
        format!("s3:get{last}"),
        format!("arn:aws:s3:::{filler}/{last}/o"),
    )
    .with_context("k", s(&format!("{filler}{last}-19")));
    assert_eq!(e.decide(&req), Decision::Allow);
}

/// Long single patterns compile or name the limit: a 100,000-character literal with a trailing
/// wildcard, and a wildcard-heavy `*?*?...` (64 pairs; compile time grows quadratically with
/// the wildcard count, so the sizes here stay small: the measurements are in the fuzz notes).
#[test]
fn hostile_limits_long_patterns() {
    // Over `Limits::max_string_bytes` (64 KiB): refused by the grammar at the string, naming
    // the limit.
    let huge = "a".repeat(100_000);
    let text = format!(
        "{{\"Statement\":{{\"Effect\":\"Allow\",\n  \"Action\":\"s3:{huge}\",\"Resource\":\"*\"}}}}"
    );
    let e = iamc_grammar::parse_policy(&SourceFile::new("huge.json", text), PolicyType::Identity)
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with("huge.json:2:12: error: a string of 100003 bytes, more than the limit of 65536 (`max_string_bytes`)"),
        "{}",
        &e[..e.len().min(300)]
    );
    // Within the limits: compiles (or fails cleanly) and decides right.
    let literal = format!("{}*", "a".repeat(60_000));
    let wild = "*?".repeat(64);
    for (label, pat) in [("literal", &literal), ("wildcards", &wild)] {
        let texts = [
            format!(r#"{{"Statement":{{"Effect":"Allow","Action":"s3:{pat}","Resource":"*"}}}}"#),
            format!(
                r#"{{"Statement":{{"Effect":"Allow","Action":"s3:Get","Resource":"arn:aws:s3:::{pat}"}}}}"#
            ),
            format!(
                r#"{{"Statement":{{"Effect":"Allow","Action":"s3:Get","Resource":"*",
                    "Condition":{{"StringLike":{{"s":"{pat}"}}}}}}}}"#
            ),
        ];
        for (i, text) in texts.iter().enumerate() {
            let what = format!("{label} pattern {i}");
            let Some(e) = compile_or_limit(&what, vec![parse("long.json", text)]) else {
                continue;
            };
            let short_name = "a".repeat(10);
            let long_name = "a".repeat(100_001);
            for name in [&short_name, &long_name] {
                // Both patterns match exactly the names of at least their minimum length.
                let min_len = if label == "literal" { 60_000 } else { 64 };
                let expect = if name.len() >= min_len {
                    Decision::Allow
                } else {
                    Decision::ImplicitDeny
                };
                let reqs = [
                    Request::new(format!("s3:{name}"), "*"),
                    Request::new("s3:Get", format!("arn:aws:s3:::{name}")),
                    Request::new("s3:Get", "*").with_context("s", s(name)),
                ];
                assert_eq!(e.decide(&reqs[i]), expect, "{what} on {} chars", name.len());
            }
        }
    }
}

/// `iamc eval` over JSON Lines on standard input: every malformed line (invalid UTF-8, NUL
/// bytes, broken JSON, wrong types, over-long, too deep, too many keys) gets its own
/// `{"error":...}` line, every good line its decision, in order; the exit status is 1.
#[test]
fn hostile_cli_answers_each_malformed_line() {
    let dir = std::env::temp_dir().join(format!("iamc-hostile-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let policy = dir.join("ops.json");
    std::fs::write(&policy, OPERATORS).unwrap();
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
    let mut child = Command::new(env!("CARGO_BIN_EXE_iamc"))
        .args(["eval", "--engine", "reference"])
        .arg("--policy")
        .arg(&policy)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    std::fs::remove_dir_all(&dir).ok();
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

/// Every configurable limit: exceeding it is an error that names the limit and, for policies,
/// points at the offending place (file:line:col); staying within it is accepted.
#[test]
fn hostile_limits_each_limit_is_named_at_its_place() {
    use iamc_grammar::Limits;
    let small = Limits {
        max_document_bytes: 400,
        max_statements: 2,
        max_array_elements: 3,
        max_string_bytes: 40,
        max_wildcards: 4,
    };
    let parse_with = |text: &str| {
        iamc_grammar::parse_policy_with(
            &SourceFile::new("p.json", text),
            PolicyType::Identity,
            &small,
        )
        .map(|_| ())
        .map_err(|d| d.to_string())
    };
    let stmt = r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}"#;
    assert_eq!(
        parse_with(&format!(r#"{{"Statement":[{stmt},{stmt}]}}"#)),
        Ok(())
    );
    let cases = [
        (
            format!("{{\"Statement\":[{stmt},\n{stmt},{stmt}]}}"),
            "p.json:1:14: error: `Statement` has 3 entries, more than the limit of 2 (`max_statements`)",
        ),
        (
            r#"{"Statement":{"Effect":"Allow","Action":["a:b","a:c","a:d","a:e"],"Resource":"*"}}"#
                .to_owned(),
            "p.json:1:41: error: an array of 4 elements, more than the limit of 3 (`max_array_elements`)",
        ),
        (
            format!(
                "{{\"Statement\":{{\"Effect\":\"Allow\",\n\"Action\":\"s3:{}\",\"Resource\":\"*\"}}}}",
                "G".repeat(40)
            ),
            "p.json:2:10: error: a string of 43 bytes, more than the limit of 40 (`max_string_bytes`)",
        ),
        (
            r#"{"Statement":{"Effect":"Allow","Action":"s3:*a*b*c*d*","Resource":"*"}}"#.to_owned(),
            "p.json:1:41: error: a string with 5 wildcards, more than the limit of 4 (`max_wildcards`)",
        ),
        (
            format!(r#"{{"Statement":{stmt},"Id":"{}"}}"#, " ".repeat(400)),
            "p.json:1:1: error: the policy is 479 bytes, more than the limit of 400 bytes (`max_document_bytes`)",
        ),
    ];
    for (text, want) in cases {
        let got = parse_with(&text).unwrap_err();
        assert!(got.starts_with(want), "want {want}\n got {got}");
    }
    // The defaults are what `parse_policy` applies.
    assert_eq!(Limits::default().max_statements, 50_000);

    // Requests: each field limit, named.
    let limits = iamc::io::RequestLimits {
        max_action_bytes: 10,
        max_resource_bytes: 20,
        max_key_bytes: 5,
        max_value_bytes: 8,
    };
    // The message (after the error's `line:col`, which `iamc::io`'s own tests check).
    let req = |json: &str| {
        iamc::io::request_from_json_with(json, &limits)
            .map(|_| ())
            .map_err(|e| e.message().to_owned())
    };
    assert_eq!(
        req(r#"{"action":"s3:Get","resource":"arn:aws:s3:::b","context":{"k":"v"}}"#),
        Ok(())
    );
    for (json, want) in [
        (
            r#"{"action":"s3:GetObject"}"#,
            "field `action` is 12 bytes, more than the limit of 10 (`max_action_bytes`)",
        ),
        (
            r#"{"action":"s3:Get","resource":"arn:aws:s3:::bucket-name"}"#,
            "field `resource` is 24 bytes, more than the limit of 20 (`max_resource_bytes`)",
        ),
        (
            r#"{"action":"s3:Get","principal":"arn:aws:iam::1:user/alice"}"#,
            "field `principal` is 25 bytes, more than the limit of 20 (`max_resource_bytes`)",
        ),
        (
            r#"{"action":"s3:Get","context":{"longkey":"v"}}"#,
            "a context key is 7 bytes, more than the limit of 5 (`max_key_bytes`)",
        ),
        (
            r#"{"action":"s3:Get","context":{"k":["ok","too-long-x"]}}"#,
            "the context value of `k` is 10 bytes, more than the limit of 8 (`max_value_bytes`)",
        ),
    ] {
        assert_eq!(req(json).unwrap_err(), want);
    }

    // Compilation: the automata budget of a whole set.
    let policy = parse(
        "budget.json",
        r#"{"Statement":{"Effect":"Allow","Action":"s3:Get*","Resource":"arn:aws:s3:::b/*"}}"#,
    );
    let config = iamc_compiler::Config {
        max_total_dfa_bytes: 1000,
        ..iamc_compiler::Config::default()
    };
    let e = iamc_compiler::compile(&[policy], &config)
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with("the automata of this policy set take more than 1000 bytes (at least ")
            && e.ends_with("; `max_total_dfa_bytes`)"),
        "{e}"
    );
}

/// A ceiling (boundary, session policy, SCP) never grants on its own, in either engine; a
/// policy put in the slot of another type is refused by the compiler and denies everything in
/// the reference interpreter (it must never be decided as the type of the slot).
#[test]
fn hostile_ceilings_never_grant_and_misplaced_policies_fail_closed() {
    let text =
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}"#;
    let req = Request::new("s3:GetObject", "arn:aws:s3:::b/k");
    for kind in [PolicyType::Boundary, PolicyType::Session, PolicyType::Scp] {
        let mut p = iamc_grammar::parse_policy(&SourceFile::new("ceiling.json", text), kind)
            .unwrap()
            .policy;
        p.name = "ceiling.json".into();
        // Alone: nothing grants.
        let alone = vec![p.clone()];
        let compiled = compile(&alone).unwrap().explain(&req);
        let reference = PolicySet::new(alone).explain(&req);
        assert_eq!(compiled, reference, "{kind:?}");
        assert_eq!(reference.decision, Decision::ImplicitDeny, "{kind:?}");
        assert_eq!(reference.reason, iamc_runtime::Reason::NoGrant, "{kind:?}");
        // With an identity policy: allowed, the ceiling's statement listed with its type.
        let with_identity = vec![parse("id.json", text), p.clone()];
        let compiled = compile(&with_identity).unwrap().explain(&req);
        let reference = PolicySet::new(with_identity).explain(&req);
        assert_eq!(compiled, reference, "{kind:?}");
        assert_eq!(reference.decision, Decision::Allow, "{kind:?}");
        assert_eq!(reference.statements.len(), 2, "{kind:?}");
        // Misplaced: a ceiling in the identity slot.
        let misplaced = iamc_grammar::PolicySet {
            identity: vec![p],
            ..Default::default()
        };
        let e = iamc_compiler::compile_set(&misplaced, &iamc_compiler::Config::default())
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            format!("`ceiling.json` is a {kind:?} policy, given as an identity policy")
        );
        let x = PolicySet::from_set(misplaced).explain(&req);
        assert_eq!(x.decision, Decision::ImplicitDeny);
        assert!(x.statements.is_empty());
    }
}
