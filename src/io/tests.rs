//! The request reader and the decision writer, moved from the runtime with their tests; every
//! message keeps its text, and now says where.

use super::*;

fn err(t: &str) -> RequestError {
    request_from_json(t).unwrap_err()
}

#[test]
fn context_keys_are_case_insensitive() {
    let r =
        request_from_json(r#"{"action":"a:b","context":{"aws:ResourceTag/Env":"prod"}}"#).unwrap();
    assert!(r.context.get("AWS:RESOURCETAG/env").is_some());
    assert!(r.context.get("aws:resourcetag/envx").is_none());
}

#[test]
fn from_json_reads_every_field() {
    let r = request_from_json(
        r#"{"action":"ecs:StopTask","resource":"arn:aws:ecs:us-east-1:1:task/p/x",
           "context":{"aws:TagKeys":["a","b"],"ecs:task-cpu":1024.0,"aws:SecureTransport":true,
                      "aws:Empty":[]},
           "principal":"arn:aws:iam::1:user/a","resourceAccount":"1"}"#,
    )
    .unwrap();
    assert_eq!(r.action, "ecs:StopTask");
    assert_eq!(r.principal.as_deref(), Some("arn:aws:iam::1:user/a"));
    assert_eq!(r.resource_account.as_deref(), Some("1"));
    assert_eq!(
        r.context.get("ECS:TASK-CPU"),
        Some(&Value::Single(Scalar::Number("1024.0".into())))
    );
    assert_eq!(r.context.get("aws:empty"), Some(&Value::Multi(vec![])));
    assert_eq!(
        r.context.get("aws:securetransport"),
        Some(&Value::Single(Scalar::Bool(true)))
    );
}

#[test]
fn from_json_defaults_resource_to_star() {
    let r = request_from_json(r#"{"action":"ecs:ListClusters"}"#).unwrap();
    assert_eq!(r.resource, "*");
    assert!(r.context.is_empty());
}

#[test]
fn from_json_errors_are_specific() {
    let msg = |t: &str| err(t).message().to_owned();
    for (text, message) in [
        (r#"{"acton":"a:b"}"#, "unknown field `acton`"),
        (r#"{"resource":"*"}"#, "missing field `action`"),
        (
            r#"{"action":"a:b","action":"a:c"}"#,
            "duplicate field `action`",
        ),
        (
            r#"{"action":"ab"}"#,
            "action `ab` must have the form `service:Action`",
        ),
        (
            r#"{"action":1}"#,
            "field `action` must be a string, not a number",
        ),
        (
            r#"{"action":"a:b","context":{"aws:TagKeys":[["x"]]}}"#,
            "context value for `aws:TagKeys` must be a string, number, boolean or array of those",
        ),
        (
            r#"{"action":"a:b","context":{"k":null}}"#,
            "context value for `k` must be a string, number, boolean or array of those",
        ),
        (
            r#"{"action":"a:b","context":{"aws:A":"1","AWS:a":"2"}}"#,
            "context keys `aws:A` and `AWS:a` differ only in case",
        ),
        ("[]", "a request must be a json object"),
    ] {
        assert_eq!(msg(text), message, "{text}");
    }
    assert!(msg("{").starts_with("invalid json: "), "{}", msg("{"));
}

#[test]
fn errors_point_at_the_offending_place() {
    let at = |t: &str| err(t).to_string();
    for (text, rendered) in [
        (r#"{"acton":"a:b"}"#, "1:2: unknown field `acton`"),
        (r#"{"resource":"*"}"#, "1:1: missing field `action`"),
        (
            r#"{"action":"a:b", "action":"a:c"}"#,
            "1:18: duplicate field `action`",
        ),
        (
            "{\"action\":\"a:b\",\n \"context\": {\"k\": {}}}",
            "2:19: context value for `k` must be a string, number, boolean or array of those",
        ),
        (
            r#"{"action":"a:b","context":{"k":["x",{}]}}"#,
            "1:37: context value for `k` must be a string, number, boolean or array of those",
        ),
    ] {
        assert_eq!(at(text), rendered, "{text}");
    }
    // Syntax errors come from the grammar's reader, with its message.
    let e = err("{\"action\":\"a:b\"\n x}");
    assert_eq!(e.line_col(), Some((2, 2)));
    assert!(e.message().starts_with("invalid json: "), "{e}");
    // Columns count characters.
    assert_eq!(at(r#"{"é":1}"#), "1:2: unknown field `é`");
    assert_eq!(at(r#"{"action":"é","x":1}"#), "1:15: unknown field `x`");
    // One line of a JSON Lines file.
    assert_eq!(
        err(r#"{"acton":"a:b"}"#).on_line(7).to_string(),
        "7:2: unknown field `acton`"
    );
}

#[test]
fn numbers_keep_their_text() {
    let n = |t: &str| {
        request_from_json(&format!(r#"{{"action":"a:b","context":{{"n":{t}}}}}"#))
            .map(|r| r.context.get("n").cloned())
    };
    assert_eq!(
        n("1024.0").unwrap(),
        Some(Value::Single(Scalar::Number("1024.0".into())))
    );
    assert_eq!(
        n(" -0.5e+3 ").unwrap(),
        Some(Value::Single(Scalar::Number("-0.5e+3".into())))
    );
    assert!(n("01").is_err());
    assert!(n("1.").is_err());
    assert!(n("+1").is_err());
}

#[test]
fn strings_decode_escapes() {
    let s = |t: &str| {
        request_from_json(&format!(r#"{{"action":"a:b","resource":{t}}}"#)).map(|r| r.resource)
    };
    assert_eq!(
        s(r#""a\"\\\/\n\u00e9\ud83d\ude00""#).unwrap(),
        "a\"\\/\né😀"
    );
    assert!(s(r#""\ud83d""#).is_err());
    assert!(s("\"a\u{1}\"").is_err());
    assert!(s(r#""\x""#).is_err());
    assert!(s(r#""abc"#).is_err());
}

#[test]
fn structure_is_strict() {
    for bad in [
        r#"{"action":"a:b",}"#,
        r#"{"action":"a:b","context":{"k":[1,]}}"#,
        r#"{"action":"a:b"} x"#,
        "",
        "nul",
    ] {
        assert!(err(bad).message().starts_with("invalid json: "), "{bad}");
    }
    assert_eq!(
        err(r#"{"action":"a:b","context":{"a":1,"a":2}}"#).message(),
        "duplicate field `a`"
    );
}

#[test]
fn limits_are_enforced_and_named() {
    let deep = "[".repeat(MAX_DEPTH + 1) + &"]".repeat(MAX_DEPTH + 1);
    let e = err(&deep);
    assert_eq!(e.message(), "nesting deeper than the limit of 8");
    assert_eq!(e.line_col(), Some((1, 9)));
    // Brackets inside strings do not nest.
    let quoted = format!(r#"{{"action":"a:{}"}}"#, "[".repeat(20));
    assert!(request_from_json(&quoted).is_ok());
    let ok = "[".repeat(MAX_DEPTH) + &"]".repeat(MAX_DEPTH);
    assert_eq!(err(&ok).message(), "a request must be a json object");
    let big = format!("\"{}\"", "a".repeat(MAX_REQUEST_BYTES));
    assert!(err(&big).message().contains("limit"));
    let many = format!("[{}0]", "0,".repeat(MAX_ARRAY_ELEMENTS));
    assert_eq!(
        err(&many).message(),
        "array has more than the limit of 4096 elements"
    );
    let members: Vec<String> = (0..=MAX_OBJECT_MEMBERS)
        .map(|i| format!(r#""k{i}":1"#))
        .collect();
    let wide = format!(r#"{{"action":"a:b","context":{{{}}}}}"#, members.join(","));
    let e = err(&wide);
    assert_eq!(
        e.message(),
        "object has more than the limit of 4096 members"
    );
    assert_eq!(e.line_col(), Some((1, 27)));
}

#[test]
fn field_limits_name_the_field_at_its_place() {
    let limits = RequestLimits {
        max_action_bytes: 10,
        max_resource_bytes: 20,
        max_key_bytes: 5,
        max_value_bytes: 8,
    };
    let e = request_from_json_with(r#"{"action":"s3:GetObject"}"#, &limits).unwrap_err();
    assert_eq!(
        e.to_string(),
        "1:11: field `action` is 12 bytes, more than the limit of 10 (`max_action_bytes`)"
    );
    let e = request_from_json_with(r#"{"action":"s3:Get","context":{"Longkey":"v"}}"#, &limits)
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "1:31: a context key is 7 bytes, more than the limit of 5 (`max_key_bytes`)"
    );
    let e = request_from_json_with(
        r#"{"action":"s3:Get","context":{"K":["a","123456789"]}}"#,
        &limits,
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "1:35: the context value of `k` is 9 bytes, more than the limit of 8 (`max_value_bytes`)"
    );
    // Without a text, no position.
    let mut r = Request::new("s3:Get", "*");
    r.principal = Some("x".repeat(21));
    assert_eq!(
        limits.check(&r).unwrap_err().to_string(),
        "field `principal` is 21 bytes, more than the limit of 20 (`max_resource_bytes`)"
    );
}

#[test]
fn write_json_string_escapes() {
    let mut s = String::new();
    write_json_string(&mut s, "a\"b\\\n\u{1}");
    assert_eq!(s, r#""a\"b\\\n\u0001""#);
}

#[test]
fn an_empty_request_says_so() {
    for text in ["", "  \n\t "] {
        assert_eq!(
            err(text).to_string(),
            "1:1: invalid json: the request is empty"
        );
    }
}

#[test]
fn context_values_from_json() {
    assert_eq!(
        context_value_from_json("true").unwrap(),
        Value::Single(Scalar::Bool(true))
    );
    assert_eq!(
        context_value_from_json(" 3600 ").unwrap(),
        Value::Single(Scalar::Number("3600".into()))
    );
    assert_eq!(context_value_from_json("[]").unwrap(), Value::Multi(vec![]));
    assert_eq!(
        context_value_from_json("[\"a\", 1]").unwrap(),
        Value::Multi(vec![Scalar::String("a".into()), Scalar::Number("1".into())])
    );
    assert_eq!(
        context_value_from_json("[1, [2]]").unwrap_err().to_string(),
        "1:5: a context value must be a string, number, boolean or array of those"
    );
    assert_eq!(
        context_value_from_json("null").unwrap_err().to_string(),
        "1:1: a context value must be a string, number, boolean or array of those"
    );
    assert!(context_value_from_json("[1,")
        .unwrap_err()
        .to_string()
        .starts_with("1:4: invalid json: "));
}
