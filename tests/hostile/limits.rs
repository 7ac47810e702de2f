//! Oversized and pathological policies compile, or fail with an error naming the limit.

use super::*;

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
