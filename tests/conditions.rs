//! Condition operators end to end: a table of rows (operator, key, policy values, request
//! context, expected), each turned into two policies (the condition on an Allow; the condition
//! on a Deny next to an unconditional Allow) and decided by the compiled runtime (`authorize`,
//! `explain`, and `authorize` after an artifact byte round trip) and by the reference
//! interpreter: all must give the row's expectation.
//! Choices the rows pin down (DESIGN.md "Conditions"): simple per-character lowercase for
//! `IgnoreCase` (the Kelvin sign `K` folds to `k`; `ſ` stays `ſ` and does not equal `s`); exact
//! decimals; all-digit dates are epoch seconds; canonical base64 with padding; unresolved
//! variables never match and count as different under negated operators (A3).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use iamc_grammar::ast::{self, BaseOperator, Spanned};
use iamc_grammar::Span;
use iamc_runtime::{Decision, Request, Scalar, Value};

/// `(operator, key, policy values as a JSON array, request context as a JSON object, holds)`.
pub type Row = (&'static str, &'static str, &'static str, &'static str, bool);

const K: &str = "k";

/// Policies with `"Version": "2012-10-17"` (variables substituted).
pub const ROWS: &[Row] = &[
    // ---- absent / single / multi / empty keys, plain operators
    ("StringEquals", K, r#"["a"]"#, r#"{}"#, false),
    ("StringEquals", K, r#"["a"]"#, r#"{"k":"a"}"#, true),
    ("StringEquals", K, r#"["a"]"#, r#"{"K":"a"}"#, true),
    ("StringEquals", "K", r#"["a"]"#, r#"{"k":"a"}"#, true),
    ("StringEquals", K, r#"["a","b"]"#, r#"{"k":"b"}"#, true),
    ("StringEquals", K, r#"["a"]"#, r#"{"k":"A"}"#, false),
    ("StringEquals", K, r#"["a"]"#, r#"{"k":["a"]}"#, false),
    ("StringEquals", K, r#"["a"]"#, r#"{"k":[]}"#, false),
    ("StringEquals", K, r#"["a"]"#, r#"{"k":["a","b"]}"#, false),
    ("StringEquals", K, r#"[]"#, r#"{"k":"a"}"#, false),
    ("StringEquals", K, r#"[""]"#, r#"{"k":""}"#, true),
    ("StringEquals", K, r#"["a*"]"#, r#"{"k":"ab"}"#, false),
    ("StringEquals", K, r#"["a*"]"#, r#"{"k":"a*"}"#, true),
    ("StringEquals", K, r#"["12"]"#, r#"{"k":12}"#, true),
    ("StringEquals", K, r#"["true"]"#, r#"{"k":true}"#, true),
    ("StringEquals", K, r#"[12]"#, r#"{"k":"12"}"#, true),
    ("StringNotEquals", K, r#"["a"]"#, r#"{}"#, true),
    ("StringNotEquals", K, r#"["a","b"]"#, r#"{"k":"b"}"#, false),
    ("StringNotEquals", K, r#"["a","b"]"#, r#"{"k":"c"}"#, true),
    ("StringNotEquals", K, r#"["a"]"#, r#"{"k":["c"]}"#, false),
    ("StringNotEquals", K, r#"["a"]"#, r#"{"k":[]}"#, false),
    ("StringNotEquals", K, r#"[]"#, r#"{"k":"a"}"#, true),
    // ---- IfExists
    ("StringEqualsIfExists", K, r#"["a"]"#, r#"{}"#, true),
    ("StringEqualsIfExists", K, r#"["a"]"#, r#"{"k":"b"}"#, false),
    (
        "StringEqualsIfExists",
        K,
        r#"["a"]"#,
        r#"{"k":["a"]}"#,
        false,
    ),
    ("StringNotEqualsIfExists", K, r#"["a"]"#, r#"{}"#, true),
    (
        "StringNotEqualsIfExists",
        K,
        r#"["a"]"#,
        r#"{"k":"a"}"#,
        false,
    ),
    ("NumericLessThanIfExists", K, r#"["5"]"#, r#"{}"#, true),
    ("BoolIfExists", K, r#"["false"]"#, r#"{}"#, true),
    ("BoolIfExists", K, r#"["false"]"#, r#"{"k":true}"#, false),
    // ---- ForAllValues / ForAnyValue
    (
        "ForAllValues:StringEquals",
        K,
        r#"["a","b"]"#,
        r#"{}"#,
        true,
    ),
    (
        "ForAllValues:StringEquals",
        K,
        r#"["a","b"]"#,
        r#"{"k":[]}"#,
        true,
    ),
    (
        "ForAllValues:StringEquals",
        K,
        r#"["a","b"]"#,
        r#"{"k":["a","b"]}"#,
        true,
    ),
    (
        "ForAllValues:StringEquals",
        K,
        r#"["a","b"]"#,
        r#"{"k":["a","c"]}"#,
        false,
    ),
    (
        "ForAllValues:StringEquals",
        K,
        r#"["a"]"#,
        r#"{"k":"a"}"#,
        true,
    ),
    (
        "ForAllValues:StringEquals",
        K,
        r#"["a"]"#,
        r#"{"k":"c"}"#,
        false,
    ),
    (
        "ForAllValues:StringEquals",
        K,
        r#"["a"]"#,
        r#"{"k":["a",""]}"#,
        true,
    ),
    (
        "ForAllValues:StringEquals",
        K,
        r#"["a"]"#,
        r#"{"k":""}"#,
        true,
    ),
    (
        "ForAllValues:StringEquals",
        K,
        r#"["a"]"#,
        r#"{"k":["",""]}"#,
        true,
    ),
    (
        "ForAllValues:StringEqualsIfExists",
        K,
        r#"["a"]"#,
        r#"{}"#,
        true,
    ),
    (
        "ForAllValues:StringNotLike",
        K,
        r#"["subnet-0a*","subnet-0b*"]"#,
        r#"{"k":["subnet-0c1"]}"#,
        true,
    ),
    (
        "ForAllValues:StringNotLike",
        K,
        r#"["subnet-0a*","subnet-0b*"]"#,
        r#"{"k":["subnet-0a1","subnet-0c1"]}"#,
        false,
    ),
    (
        "ForAllValues:StringNotLike",
        K,
        r#"["subnet-0a*"]"#,
        r#"{}"#,
        true,
    ),
    ("ForAnyValue:StringEquals", K, r#"["a"]"#, r#"{}"#, false),
    (
        "ForAnyValue:StringEquals",
        K,
        r#"["a"]"#,
        r#"{"k":[]}"#,
        false,
    ),
    (
        "ForAnyValue:StringEquals",
        K,
        r#"["a"]"#,
        r#"{"k":["c","a"]}"#,
        true,
    ),
    (
        "ForAnyValue:StringEquals",
        K,
        r#"["a"]"#,
        r#"{"k":["c","d"]}"#,
        false,
    ),
    (
        "ForAnyValue:StringEquals",
        K,
        r#"["a"]"#,
        r#"{"k":"a"}"#,
        true,
    ),
    (
        "ForAnyValue:StringEquals",
        K,
        r#"[""]"#,
        r#"{"k":[""]}"#,
        false,
    ),
    (
        "ForAnyValue:StringEqualsIfExists",
        K,
        r#"["a"]"#,
        r#"{}"#,
        false,
    ),
    (
        "ForAnyValue:StringNotLike",
        K,
        r#"["subnet-0a*"]"#,
        r#"{"k":["subnet-0a1","subnet-0c1"]}"#,
        true,
    ),
    (
        "ForAnyValue:StringNotLike",
        K,
        r#"["subnet-0a*"]"#,
        r#"{"k":["subnet-0a1"]}"#,
        false,
    ),
    (
        "ForAnyValue:NumericGreaterThan",
        K,
        r#"["5"]"#,
        r#"{"k":[1,"x",6]}"#,
        true,
    ),
    (
        "ForAllValues:NumericGreaterThan",
        K,
        r#"["5"]"#,
        r#"{"k":[6,"x"]}"#,
        false,
    ),
    // ---- Null
    ("Null", K, r#"["true"]"#, r#"{}"#, true),
    ("Null", K, r#"["true"]"#, r#"{"k":"a"}"#, false),
    ("Null", K, r#"["false"]"#, r#"{"k":"a"}"#, true),
    ("Null", K, r#"["false"]"#, r#"{"k":""}"#, true),
    ("Null", K, r#"["false"]"#, r#"{"k":[]}"#, true),
    ("Null", K, r#"["false"]"#, r#"{}"#, false),
    ("Null", K, r#"[true]"#, r#"{}"#, true),
    ("Null", K, r#"["true","false"]"#, r#"{"k":"a"}"#, true),
    ("Null", K, r#"["true","false"]"#, r#"{}"#, true),
    ("Null", K, r#"[]"#, r#"{}"#, false),
    // Spec 5.4.4 (revised, A18): a set qualifier does not change `Null`.
    ("ForAllValues:Null", K, r#"["false"]"#, r#"{}"#, false),
    ("ForAllValues:Null", K, r#"["true"]"#, r#"{}"#, true),
    (
        "ForAllValues:Null",
        K,
        r#"["false"]"#,
        r#"{"k":["a","b"]}"#,
        true,
    ),
    ("ForAnyValue:Null", K, r#"["true"]"#, r#"{}"#, true),
    ("ForAnyValue:Null", K, r#"["true"]"#, r#"{"k":"a"}"#, false),
    ("ForAnyValue:Null", K, r#"["false"]"#, r#"{"k":[]}"#, true),
    // Spec 5.4.6: `true`/`false` read ignoring case (`"True"` is not "present").
    ("Null", K, r#"["True"]"#, r#"{}"#, true),
    ("Null", K, r#"["True"]"#, r#"{"k":"a"}"#, false),
    ("Null", K, r#"["FALSE"]"#, r#"{"k":"a"}"#, true),
    // ---- IgnoreCase: simple per-character lowercase
    (
        "StringEqualsIgnoreCase",
        K,
        r#"["Hello"]"#,
        r#"{"k":"hELLO"}"#,
        true,
    ),
    (
        "StringEqualsIgnoreCase",
        K,
        r#"["ΣΑΣ"]"#,
        r#"{"k":"σας"}"#,
        false,
    ),
    (
        "StringEqualsIgnoreCase",
        K,
        r#"["ΣΑ"]"#,
        r#"{"k":"σα"}"#,
        true,
    ),
    (
        "StringEqualsIgnoreCase",
        K,
        "[\"k\"]",
        "{\"k\":\"\u{212A}\"}",
        true,
    ),
    (
        "StringEqualsIgnoreCase",
        K,
        "[\"\u{212A}\"]",
        r#"{"k":"K"}"#,
        true,
    ),
    (
        "StringEqualsIgnoreCase",
        K,
        r#"["s"]"#,
        "{\"k\":\"\u{17F}\"}",
        false,
    ),
    (
        "StringEqualsIgnoreCase",
        K,
        "[\"\u{17F}\"]",
        r#"{"k":"S"}"#,
        false,
    ),
    (
        "StringEqualsIgnoreCase",
        K,
        r#"["straße"]"#,
        r#"{"k":"STRASSE"}"#,
        false,
    ),
    (
        "StringEqualsIgnoreCase",
        K,
        "[\"\u{130}\"]",
        r#"{"k":"i"}"#,
        false,
    ),
    (
        "StringEqualsIgnoreCase",
        K,
        "[\"\u{130}\"]",
        "{\"k\":\"\u{130}\"}",
        true,
    ),
    (
        "StringEqualsIgnoreCase",
        K,
        "[\"e\u{301}\"]",
        "{\"k\":\"\u{e9}\"}",
        false,
    ),
    (
        "StringNotEqualsIgnoreCase",
        K,
        r#"["A","b"]"#,
        r#"{"k":"B"}"#,
        false,
    ),
    (
        "StringNotEqualsIgnoreCase",
        K,
        r#"["A","b"]"#,
        r#"{"k":"c"}"#,
        true,
    ),
    // ---- StringLike
    ("StringLike", K, r#"["a*"]"#, r#"{"k":"abc"}"#, true),
    ("StringLike", K, r#"["a*"]"#, r#"{"k":"Abc"}"#, false),
    ("StringLike", K, r#"["a?c"]"#, r#"{"k":"abc"}"#, true),
    ("StringLike", K, r#"["a?c"]"#, r#"{"k":"ac"}"#, false),
    ("StringLike", K, r#"["a?c"]"#, r#"{"k":"aéc"}"#, true),
    ("StringLike", K, r#"["a?c"]"#, r#"{"k":"a😀c"}"#, true),
    ("StringLike", K, r#"["*"]"#, r#"{"k":""}"#, true),
    ("StringLike", K, r#"["*b*"]"#, r#"{"k":"a:b/c"}"#, true),
    ("StringLike", K, r#"["x","*z"]"#, r#"{"k":"yz"}"#, true),
    ("StringLike", K, r#"["a${*}b"]"#, r#"{"k":"axb"}"#, false),
    ("StringLike", K, r#"["a${*}b"]"#, r#"{"k":"a*b"}"#, true),
    ("StringLike", K, r#"["a${?}"]"#, r#"{"k":"a?"}"#, true),
    ("StringLike", K, r#"["a${$}"]"#, r#"{"k":"a$"}"#, true),
    ("StringNotLike", K, r#"["a*","b*"]"#, r#"{"k":"bz"}"#, false),
    ("StringNotLike", K, r#"["a*","b*"]"#, r#"{"k":"cz"}"#, true),
    ("StringNotLike", K, r#"["a*"]"#, r#"{}"#, true),
    // ---- Arn: field-wise, both sides need six fields
    (
        "ArnLike",
        K,
        r#"["arn:aws:someservice:*:111122223333:finance/*"]"#,
        r#"{"k":"arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt"}"#,
        false,
    ),
    (
        "StringLike",
        K,
        r#"["arn:aws:someservice:*:111122223333:finance/*"]"#,
        r#"{"k":"arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt"}"#,
        true,
    ),
    (
        "ArnLike",
        K,
        r#"["arn:aws:someservice:*:111122223333:finance/*"]"#,
        r#"{"k":"arn:aws:someservice:us-east-2:111122223333:finance/a:b"}"#,
        true,
    ),
    (
        "ArnEquals",
        K,
        r#"["arn:aws:ecs:*:*:cluster/prod-*"]"#,
        r#"{"k":"arn:aws:ecs:us-east-1:1:cluster/prod-blue"}"#,
        true,
    ),
    (
        "ArnEquals",
        K,
        r#"["arn:aws:ecs:*:*:cluster/prod-*"]"#,
        r#"{"k":"arn:aws:ecs:us-east-1:1:cluster/Prod-blue"}"#,
        false,
    ),
    (
        "ArnLike",
        K,
        r#"["arn:aws:iam::*:role/a?"]"#,
        r#"{"k":"arn:aws:iam::1:role/ab"}"#,
        true,
    ),
    (
        "ArnLike",
        K,
        r#"["arn:aws:iam::?:role/a"]"#,
        r#"{"k":"arn:aws:iam:::role/a"}"#,
        false,
    ),
    (
        "ArnLike",
        K,
        r#"["arn:*:iam::1:role/a"]"#,
        r#"{"k":"arn:aws:x:iam::1:role/a"}"#,
        false,
    ),
    (
        "ArnLike",
        K,
        r#"["arn:aws:s3:::b/*"]"#,
        r#"{"k":"arn:aws:s3:::b/k:x"}"#,
        true,
    ),
    (
        "ArnLike",
        K,
        r#"["arn:aws:s3"]"#,
        r#"{"k":"arn:aws:s3:::b"}"#,
        false,
    ),
    ("ArnLike", K, r#"["*"]"#, r#"{"k":"arn:aws:s3:::b"}"#, false),
    (
        "ArnLike",
        K,
        r#"["arn:*:*:*:*:*"]"#,
        r#"{"k":"boop"}"#,
        false,
    ),
    (
        "ArnNotLike",
        K,
        r#"["arn:aws:iam::*:role/admin"]"#,
        r#"{"k":"boop"}"#,
        false,
    ),
    (
        "ArnNotLike",
        K,
        r#"["arn:aws:iam::*:role/admin"]"#,
        r#"{"k":"arn:aws:iam::1:role/dev"}"#,
        true,
    ),
    (
        "ArnNotLike",
        K,
        r#"["arn:aws:iam::*:role/admin"]"#,
        r#"{"k":"arn:aws:iam::1:role/admin"}"#,
        false,
    ),
    (
        "ArnNotLike",
        K,
        r#"["arn:aws:iam::*:role/admin"]"#,
        r#"{}"#,
        true,
    ),
    (
        "ArnNotEquals",
        K,
        r#"["arn:aws:s3", "arn:aws:iam::*:role/admin"]"#,
        r#"{"k":"arn:aws:iam::1:role/dev"}"#,
        false,
    ),
    ("ArnNotEquals", K, r#"[]"#, r#"{"k":"boop"}"#, true),
    // ---- Numeric: exact decimals
    ("NumericEquals", K, r#"["1024"]"#, r#"{"k":"1024.0"}"#, true),
    ("NumericEquals", K, r#"["1024"]"#, r#"{"k":1024.000}"#, true),
    ("NumericEquals", K, r#"[1024]"#, r#"{"k":"01024"}"#, true),
    ("NumericEquals", K, r#"["-0"]"#, r#"{"k":"0.0"}"#, true),
    (
        "NumericEquals",
        K,
        r#"["0.3"]"#,
        r#"{"k":"0.30000000000000004"}"#,
        false,
    ),
    (
        "NumericLessThan",
        K,
        r#"["0.30000000000000004"]"#,
        r#"{"k":"0.3"}"#,
        true,
    ),
    (
        "NumericEquals",
        K,
        r#"["1234567890123456789012345678901234567890"]"#,
        r#"{"k":"1234567890123456789012345678901234567890.0"}"#,
        true,
    ),
    (
        "NumericEquals",
        K,
        r#"["1234567890123456789012345678901234567890"]"#,
        r#"{"k":"1234567890123456789012345678901234567891"}"#,
        false,
    ),
    (
        "NumericGreaterThan",
        K,
        r#"["9007199254740992"]"#,
        r#"{"k":"9007199254740993"}"#,
        true,
    ),
    (
        "NumericLessThanEquals",
        K,
        r#"["1024"]"#,
        r#"{"k":2048}"#,
        false,
    ),
    (
        "NumericLessThanEquals",
        K,
        r#"["1024"]"#,
        r#"{"k":"1024.0"}"#,
        true,
    ),
    ("NumericLessThan", K, r#"["-1.5"]"#, r#"{"k":"-2"}"#, true),
    (
        "NumericGreaterThanEquals",
        K,
        r#"["-1.5"]"#,
        r#"{"k":"-1.50"}"#,
        true,
    ),
    (
        "NumericGreaterThan",
        K,
        r#"["1","100"]"#,
        r#"{"k":"50"}"#,
        true,
    ),
    ("NumericEquals", K, r#"["1e3"]"#, r#"{"k":"1000"}"#, false),
    ("NumericEquals", K, r#"["1000"]"#, r#"{"k":"1e3"}"#, false),
    ("NumericEquals", K, r#"["1000"]"#, r#"{"k":"+1000"}"#, false),
    ("NumericEquals", K, r#"["1000"]"#, r#"{"k":" 1000"}"#, false),
    ("NumericEquals", K, r#"["1000"]"#, r#"{"k":"1000."}"#, false),
    ("NumericEquals", K, r#"["1000"]"#, r#"{"k":true}"#, false),
    ("NumericNotEquals", K, r#"["1"]"#, r#"{"k":"2"}"#, true),
    ("NumericNotEquals", K, r#"["1"]"#, r#"{"k":"1.0"}"#, false),
    ("NumericNotEquals", K, r#"["1"]"#, r#"{"k":"abc"}"#, false),
    ("NumericNotEquals", K, r#"["abc"]"#, r#"{"k":"2"}"#, false),
    (
        "NumericNotEquals",
        K,
        r#"["abc","1"]"#,
        r#"{"k":"1"}"#,
        false,
    ),
    ("NumericEquals", K, r#"["abc","1"]"#, r#"{"k":"1"}"#, true),
    ("NumericNotEquals", K, r#"["1"]"#, r#"{}"#, true),
    // ---- Date: instants, all digits = epoch
    (
        "DateLessThan",
        K,
        r#"["2030"]"#,
        r#"{"k":"2025-01-01T00:00:00Z"}"#,
        false,
    ),
    (
        "DateLessThan",
        K,
        r#"["2030-01-01"]"#,
        r#"{"k":"2025-01-01T00:00:00Z"}"#,
        true,
    ),
    (
        "DateEquals",
        K,
        r#"["2020-01-01T00:00:00Z"]"#,
        r#"{"k":"1577836800"}"#,
        true,
    ),
    (
        "DateEquals",
        K,
        r#"["2020-01-01T00:00:00Z"]"#,
        r#"{"k":1577836800}"#,
        true,
    ),
    (
        "DateEquals",
        K,
        r#"["2020-01-01T01:00:00+01:00"]"#,
        r#"{"k":"2020-01-01T00:00Z"}"#,
        true,
    ),
    (
        "DateEquals",
        K,
        r#"["2020-01-01T00:00:00-01:30"]"#,
        r#"{"k":"2020-01-01T01:30:00"}"#,
        true,
    ),
    (
        "DateEquals",
        K,
        r#"["2020-01"]"#,
        r#"{"k":"2020-01-01"}"#,
        true,
    ),
    (
        "DateEquals",
        K,
        r#"["2020-01-01T00:00:00.5Z"]"#,
        r#"{"k":"2020-01-01T00:00:00.500000000Z"}"#,
        true,
    ),
    (
        "DateGreaterThan",
        K,
        r#"["2020-01-01T00:00:00Z"]"#,
        r#"{"k":"2020-01-01T00:00:00.000000001Z"}"#,
        true,
    ),
    (
        "DateGreaterThanEquals",
        K,
        r#"["2024-02-29"]"#,
        r#"{"k":"2024-02-29T00:00:00Z"}"#,
        true,
    ),
    (
        "DateLessThanEquals",
        K,
        r#"["1969-12-31T23:59:59Z"]"#,
        r#"{"k":"0"}"#,
        false,
    ),
    (
        "DateEquals",
        K,
        r#"["2023-02-29"]"#,
        r#"{"k":"2023-03-01"}"#,
        false,
    ),
    (
        "DateNotEquals",
        K,
        r#"["2023-02-29"]"#,
        r#"{"k":"2023-03-01"}"#,
        false,
    ),
    (
        "DateNotEquals",
        K,
        r#"["2023-03-01"]"#,
        r#"{"k":"yesterday"}"#,
        false,
    ),
    (
        "DateNotEquals",
        K,
        r#"["2023-03-01"]"#,
        r#"{"k":"2023-03-02"}"#,
        true,
    ),
    (
        "DateEquals",
        K,
        r#"["2020-01-01T00:00:00.1234567890Z"]"#,
        r#"{"k":"2020-01-01T00:00:00.123456789Z"}"#,
        false,
    ),
    (
        "DateLessThan",
        K,
        r#"["2020-01-01T00:00:00Z"]"#,
        r#"{"k":"-5"}"#,
        false,
    ),
    (
        "DateLessThan",
        K,
        r#"["2020-01-01T24:00:00Z"]"#,
        r#"{"k":"0"}"#,
        false,
    ),
    // ---- Bool
    ("Bool", K, r#"["true"]"#, r#"{"k":"true"}"#, true),
    ("Bool", K, r#"["true"]"#, r#"{"k":true}"#, true),
    ("Bool", K, r#"[true]"#, r#"{"k":"TRUE"}"#, true),
    ("Bool", K, r#"["True"]"#, r#"{"k":"tRUE"}"#, true),
    ("Bool", K, r#"["false"]"#, r#"{"k":"true"}"#, false),
    ("Bool", K, r#"["true"]"#, r#"{"k":"yes"}"#, false),
    ("Bool", K, r#"["yes"]"#, r#"{"k":"yes"}"#, false),
    ("Bool", K, r#"["false"]"#, r#"{}"#, false),
    ("Bool", K, r#"["${b}"]"#, r#"{"k":true,"b":"True"}"#, true),
    ("Bool", K, r#"["${b}"]"#, r#"{"k":true,"b":"false"}"#, false),
    ("Bool", K, r#"["${b, 'true'}"]"#, r#"{"k":true}"#, true),
    ("Bool", K, r#"["${b}"]"#, r#"{"k":true}"#, false),
    (
        "ForAnyValue:Bool",
        K,
        r#"["true"]"#,
        r#"{"k":[false,true]}"#,
        true,
    ),
    // ---- BinaryEquals
    (
        "BinaryEquals",
        K,
        r#"["aGVsbG8="]"#,
        r#"{"k":"aGVsbG8="}"#,
        true,
    ),
    (
        "BinaryEquals",
        K,
        r#"["aGVsbG8="]"#,
        r#"{"k":"aGVsbA=="}"#,
        false,
    ),
    (
        "BinaryEquals",
        K,
        r#"["aGVsbG8="]"#,
        r#"{"k":"aGVsbG8"}"#,
        false,
    ),
    (
        "BinaryEquals",
        K,
        r#"["aGVsbG8="]"#,
        r#"{"k":"aGVsbG9="}"#,
        false,
    ),
    (
        "BinaryEquals",
        K,
        r#"["not base64!"]"#,
        r#"{"k":"bm90"}"#,
        false,
    ),
    (
        "BinaryEquals",
        K,
        r#"["", "AAEC"]"#,
        r#"{"k":"AAEC"}"#,
        true,
    ),
    ("BinaryEquals", K, r#"[""]"#, r#"{"k":""}"#, true),
    ("BinaryEquals", K, r#"["AAEC"]"#, r#"{}"#, false),
    // ---- IP addresses
    (
        "IpAddress",
        K,
        r#"["203.0.113.0/24"]"#,
        r#"{"k":"203.0.113.9"}"#,
        true,
    ),
    (
        "IpAddress",
        K,
        r#"["203.0.113.0/24"]"#,
        r#"{"k":"203.0.114.9"}"#,
        false,
    ),
    (
        "IpAddress",
        K,
        r#"["203.0.113.77/24"]"#,
        r#"{"k":"203.0.113.9"}"#,
        true,
    ),
    (
        "IpAddress",
        K,
        r#"["203.0.113.7"]"#,
        r#"{"k":"203.0.113.7"}"#,
        true,
    ),
    (
        "IpAddress",
        K,
        r#"["203.0.113.7"]"#,
        r#"{"k":"203.0.113.8"}"#,
        false,
    ),
    (
        "IpAddress",
        K,
        r#"["0.0.0.0/0"]"#,
        r#"{"k":"1.2.3.4"}"#,
        true,
    ),
    ("IpAddress", K, r#"["0.0.0.0/0"]"#, r#"{"k":"::1"}"#, false),
    (
        "IpAddress",
        K,
        r#"["2001:db8::/32"]"#,
        r#"{"k":"2001:DB8:1::5"}"#,
        true,
    ),
    (
        "IpAddress",
        K,
        r#"["2001:db8::/32"]"#,
        r#"{"k":"2001:db9::5"}"#,
        false,
    ),
    ("IpAddress", K, r#"["::/0"]"#, r#"{"k":"10.0.0.1"}"#, false),
    ("IpAddress", K, r#"["::1"]"#, r#"{"k":"::1"}"#, true),
    (
        "IpAddress",
        K,
        r#"["10.0.0.0/8"]"#,
        r#"{"k":"10.0.0.1/32"}"#,
        false,
    ),
    (
        "IpAddress",
        K,
        r#"["10.0.0.0/33", "10.0.0.0/8"]"#,
        r#"{"k":"10.0.0.1"}"#,
        true,
    ),
    ("NotIpAddress", K, r#"["203.0.113.0/24"]"#, r#"{}"#, true),
    (
        "NotIpAddress",
        K,
        r#"["203.0.113.0/24"]"#,
        r#"{"k":"203.0.113.1"}"#,
        false,
    ),
    (
        "NotIpAddress",
        K,
        r#"["203.0.113.0/24"]"#,
        r#"{"k":"198.51.100.1"}"#,
        true,
    ),
    (
        "NotIpAddress",
        K,
        r#"["203.0.113.0/24"]"#,
        r#"{"k":"2001:db8::1"}"#,
        true,
    ),
    (
        "NotIpAddress",
        K,
        r#"["203.0.113.0/24"]"#,
        r#"{"k":"not-an-ip"}"#,
        false,
    ),
    (
        "NotIpAddress",
        K,
        r#"["10.0.0.0/33"]"#,
        r#"{"k":"1.2.3.4"}"#,
        false,
    ),
    // ---- policy variables (2012-10-17)
    (
        "StringEquals",
        K,
        r#"["${aws:PrincipalTag/team}"]"#,
        r#"{"k":"pay","aws:principaltag/TEAM":"pay"}"#,
        true,
    ),
    (
        "StringEquals",
        K,
        r#"["${aws:PrincipalTag/team}"]"#,
        r#"{"k":"pay","aws:principaltag/team":"risk"}"#,
        false,
    ),
    (
        "StringEquals",
        K,
        r#"["${aws:PrincipalTag/team}"]"#,
        r#"{"k":"pay"}"#,
        false,
    ),
    (
        "StringEquals",
        K,
        r#"["${aws:PrincipalTag/team}"]"#,
        r#"{"k":"${aws:PrincipalTag/team}"}"#,
        false,
    ),
    (
        "StringEquals",
        K,
        r#"["${v, 'shared'}"]"#,
        r#"{"k":"shared"}"#,
        true,
    ),
    (
        "StringEquals",
        K,
        r#"["${v, 'shared'}"]"#,
        r#"{"k":"shared","v":""}"#,
        true,
    ),
    ("StringEquals", K, r#"["${v}"]"#, r#"{"k":"","v":""}"#, true),
    (
        "StringEquals",
        K,
        r#"["${v, 'shared'}"]"#,
        r#"{"k":"x","v":"x"}"#,
        true,
    ),
    (
        "StringEquals",
        K,
        r#"["${v, 'shared'}"]"#,
        r#"{"k":"shared","v":["x"]}"#,
        true,
    ),
    (
        "StringEquals",
        K,
        r#"["${v}"]"#,
        r#"{"k":"x","v":["x"]}"#,
        false,
    ),
    (
        "StringEquals",
        K,
        r#"["${v}"]"#,
        r#"{"k":"12","v":12}"#,
        true,
    ),
    (
        "StringEquals",
        K,
        r#"["a-${v}-${w}"]"#,
        r#"{"k":"a-1-2","v":"1","w":"2"}"#,
        true,
    ),
    (
        "StringEquals",
        K,
        r#"["a-${v}-${w}"]"#,
        r#"{"k":"a-1-","v":"1"}"#,
        false,
    ),
    ("StringEquals", K, r#"["${v}", "b"]"#, r#"{"k":"b"}"#, true),
    (
        "StringEqualsIgnoreCase",
        K,
        r#"["X-${v}"]"#,
        r#"{"k":"x-ABC","v":"abc"}"#,
        true,
    ),
    (
        "StringNotEquals",
        K,
        r#"["${aws:PrincipalTag/team}"]"#,
        r#"{"k":"a"}"#,
        true,
    ),
    (
        "StringNotEquals",
        K,
        r#"["${aws:PrincipalTag/team}"]"#,
        r#"{"k":"a","aws:PrincipalTag/team":"a"}"#,
        false,
    ),
    (
        "StringNotEquals",
        K,
        r#"["${v}","b"]"#,
        r#"{"k":"b"}"#,
        false,
    ),
    (
        "StringNotEquals",
        K,
        r#"["${v}","b"]"#,
        r#"{"k":"c"}"#,
        true,
    ),
    (
        "StringLike",
        K,
        r#"["${v}*"]"#,
        r#"{"k":"a*b","v":"a*"}"#,
        true,
    ),
    (
        "StringLike",
        K,
        r#"["${v}"]"#,
        r#"{"k":"ab","v":"a*"}"#,
        false,
    ),
    (
        "StringLike",
        K,
        r#"["${v}?"]"#,
        r#"{"k":"a?x","v":"a?"}"#,
        true,
    ),
    (
        "StringLike",
        K,
        r#"["*/${aws:username}/*"]"#,
        r#"{"k":"home/alice/docs","aws:username":"alice"}"#,
        true,
    ),
    (
        "StringLike",
        K,
        r#"["*/${aws:username}/*"]"#,
        r#"{"k":"home/bob/docs","aws:username":"alice"}"#,
        false,
    ),
    (
        "StringLike",
        K,
        r#"["*/${aws:username}/*"]"#,
        r#"{"k":"home/bob/docs"}"#,
        false,
    ),
    (
        "StringNotLike",
        K,
        r#"["*/${aws:username}/*"]"#,
        r#"{"k":"home/bob/docs"}"#,
        true,
    ),
    (
        "StringNotLike",
        K,
        r#"["*/${aws:username}/*"]"#,
        r#"{"k":"home/bob/docs","aws:username":"bob"}"#,
        false,
    ),
    (
        "ArnLike",
        K,
        r#"["arn:aws:iam::${acct}:role/*"]"#,
        r#"{"k":"arn:aws:iam::111:role/x","acct":"111"}"#,
        true,
    ),
    (
        "ArnLike",
        K,
        r#"["arn:aws:iam::${acct}:role/*"]"#,
        r#"{"k":"arn:aws:iam::111:role/x","acct":"1*"}"#,
        false,
    ),
    (
        "ArnLike",
        K,
        r#"["arn:aws:iam::${acct}:role/*"]"#,
        r#"{"k":"arn:aws:iam::111:role/x"}"#,
        false,
    ),
    (
        "ArnNotLike",
        K,
        r#"["arn:aws:iam::${acct}:role/*"]"#,
        r#"{"k":"arn:aws:iam::111:role/x"}"#,
        true,
    ),
    (
        "ArnNotLike",
        K,
        r#"["arn:aws:iam::${acct}:role/*"]"#,
        r#"{"k":"arn:aws:iam::222:role/x","acct":"111"}"#,
        true,
    ),
    (
        "ArnNotLike",
        K,
        r#"["arn:aws:iam::${acct}:role/*"]"#,
        r#"{"k":"arn:aws:iam::111:role/x","acct":"111"}"#,
        false,
    ),
    // Fields are cut at the first five colons after substitution, substituted ones included
    // (substituted `*` and `?` stay literal).
    (
        "ArnLike",
        K,
        r#"["arn:aws:iam::${a}:role/*"]"#,
        r#"{"k":"arn:aws:iam::1:2:role/x","a":"1:2"}"#,
        true,
    ),
    (
        "ArnLike",
        K,
        r#"["arn:aws:iam::${a}:role/*"]"#,
        r#"{"k":"arn:aws:iam::1:role/x","a":"1:2"}"#,
        false,
    ),
    (
        "ArnEquals",
        K,
        r#"["${aws:PrincipalArn}"]"#,
        r#"{"k":"arn:aws:iam::1:role/a","aws:PrincipalArn":"arn:aws:iam::1:role/a"}"#,
        true,
    ),
    (
        "ArnEquals",
        K,
        r#"["${aws:PrincipalArn}"]"#,
        r#"{"k":"arn:aws:iam::1:role/a","aws:PrincipalArn":"role/a"}"#,
        false,
    ),
    (
        "ArnLike",
        K,
        r#"["arn:aws:s3:::${b}/*"]"#,
        r#"{"k":"arn:aws:s3:::x:y/z","b":"x:y"}"#,
        true,
    ),
    // ---- numbers never take variables: the text is literal and does not parse
    (
        "NumericEquals",
        K,
        r#"["${v}"]"#,
        r#"{"k":"1","v":"1"}"#,
        false,
    ),
];

/// Policies with `"Version": "2008-10-17"` (or none): `${...}` is literal text.
pub const ROWS_2008: &[Row] = &[
    (
        "StringEquals",
        K,
        r#"["${v}"]"#,
        r#"{"k":"x","v":"x"}"#,
        false,
    ),
    (
        "StringEquals",
        K,
        r#"["${v}"]"#,
        r#"{"k":"${v}","v":"x"}"#,
        true,
    ),
    ("StringLike", K, r#"["${v}*"]"#, r#"{"k":"${v}abc"}"#, true),
    ("StringNotEquals", K, r#"["${v}"]"#, r#"{"k":"x"}"#, true),
    (
        "ArnLike",
        K,
        r#"["arn:aws:iam::${a}:role/*"]"#,
        r#"{"k":"arn:aws:iam::${a}:role/x","a":"1"}"#,
        true,
    ),
];

fn sp<T>(node: T) -> Spanned<T> {
    Spanned {
        node,
        span: Span::default(),
    }
}

/// Parses `ForAnyValue:StringLikeIfExists`-style names.
pub fn operator(name: &str) -> ast::Operator {
    let (qualifier, rest) = if let Some(r) = name.strip_prefix("ForAllValues:") {
        (Some(ast::SetQualifier::ForAllValues), r)
    } else if let Some(r) = name.strip_prefix("ForAnyValue:") {
        (Some(ast::SetQualifier::ForAnyValue), r)
    } else {
        (None, name)
    };
    let (if_exists, base) = match rest.strip_suffix("IfExists") {
        Some(b) => (true, b),
        None => (false, rest),
    };
    let base = BaseOperator::ALL
        .into_iter()
        .find(|b| b.name() == base)
        .unwrap_or_else(|| panic!("unknown operator {name}"));
    ast::Operator {
        qualifier,
        base,
        if_exists,
    }
}

/// A condition value's template, as the grammar builds it: variables only where the operator
/// admits them and only under 2012-10-17.
pub fn template(text: &str, vars: bool) -> ast::Template {
    let mut segments = Vec::new();
    if !vars {
        segments.push(ast::Segment::Text(text.to_owned()));
        return ast::Template { segments };
    }
    let mut rest = text;
    while let Some(i) = rest.find("${") {
        let j = rest[i..].find('}').unwrap() + i;
        if i > 0 {
            segments.push(ast::Segment::Text(rest[..i].into()));
        }
        let inner = &rest[i + 2..j];
        segments.push(match inner {
            "*" => ast::Segment::Escaped('*'),
            "?" => ast::Segment::Escaped('?'),
            "$" => ast::Segment::Escaped('$'),
            _ => {
                let (key, default) = match inner.split_once(", '") {
                    Some((k, d)) => (k.to_owned(), Some(d.trim_end_matches('\'').to_owned())),
                    None => (inner.to_owned(), None),
                };
                ast::Segment::Variable { key, default }
            }
        });
        rest = &rest[j + 1..];
    }
    if !rest.is_empty() {
        segments.push(ast::Segment::Text(rest.into()));
    }
    ast::Template { segments }
}

/// The condition block of a row.
pub fn clause(row: &Row, v2012: bool) -> ast::ConditionClause {
    let (op, key, values, _, _) = *row;
    let op = operator(op);
    let vars = v2012 && op.base.admits_variables();
    let parsed =
        iamc::io::request_from_json(&format!(r#"{{"action":"s:a","context":{{"v":{values}}}}}"#))
            .unwrap_or_else(|e| panic!("bad values {values}: {e}"));
    let Some(Value::Multi(list)) = parsed.context.get("v") else {
        panic!("values must be an array: {values}")
    };
    let values = list
        .iter()
        .map(|s| {
            let (kind, text) = match s {
                Scalar::String(t) => (ast::ValueKind::String, t.clone()),
                Scalar::Number(t) => (ast::ValueKind::Number, t.clone()),
                Scalar::Bool(b) => (ast::ValueKind::Bool, b.to_string()),
            };
            let template = template(&text, vars && kind == ast::ValueKind::String);
            sp(ast::ConditionValue {
                kind,
                text,
                template,
            })
        })
        .collect();
    ast::ConditionClause {
        operator: sp(op),
        keys: vec![ast::ConditionKey {
            key: sp(key.to_owned()),
            values,
        }],
    }
}

/// The request of a row: `s:a` on `*` with the row's context.
pub fn request(row: &Row) -> Request {
    request_with(row.3)
}

/// `s:a` on `*` with `context` (a JSON object).
pub fn request_with(context: &str) -> Request {
    iamc::io::request_from_json(&format!(r#"{{"action":"s:a","context":{context}}}"#))
        .unwrap_or_else(|e| panic!("bad context {context}: {e}"))
}

fn statement(index: usize, deny: bool, conditions: Vec<ast::ConditionClause>) -> ast::Statement {
    ast::Statement {
        index,
        sid: None,
        effect: sp(if deny {
            ast::Effect::Deny
        } else {
            ast::Effect::Allow
        }),
        principal: None,
        action: ast::ActionBlock {
            negated: false,
            patterns: vec![sp(ast::ActionPattern::Any)],
            span: Span::default(),
        },
        resource: Some(ast::ResourceBlock {
            negated: false,
            patterns: vec![sp(ast::ResourcePattern::Any)],
            span: Span::default(),
        }),
        conditions,
        span: Span::default(),
    }
}

fn policy(v2012: bool, statements: Vec<ast::Statement>) -> ast::Policy {
    ast::Policy {
        name: "row".into(),
        kind: ast::PolicyType::Identity,
        version: if v2012 {
            ast::Version::V2012_10_17
        } else {
            ast::Version::V2008_10_17
        },
        version_span: None,
        id: None,
        statements,
        span: Span::default(),
    }
}

/// The two policies a row is checked with: the condition on an Allow; the condition on a Deny
/// beside an unconditional Allow.
pub fn row_policies(row: &Row, v2012: bool) -> [ast::Policy; 2] {
    let c = clause(row, v2012);
    [
        policy(v2012, vec![statement(0, false, vec![c.clone()])]),
        policy(
            v2012,
            vec![statement(0, true, vec![c]), statement(1, false, Vec::new())],
        ),
    ]
}

fn expected(want: bool) -> [Decision; 2] {
    if want {
        [Decision::Allow, Decision::ExplicitDeny]
    } else {
        [Decision::ImplicitDeny, Decision::Allow]
    }
}

/// The IR interpreter's decision for one identity policy.
fn ir_authorize(p: &ast::Policy, req: &Request) -> Decision {
    let set = iamc_grammar::PolicySet::identity(vec![p.clone()]);
    let ir = iamc_compiler::lower::lower(&set).unwrap_or_else(|e| panic!("lowering failed: {e}"));
    iamc_compiler::ir::interp::authorize(&ir, req)
}

/// Decides every row with the compiled engine, the IR interpreter and the reference
/// interpreter; all must give the row's expectation.
fn check(rows: &[Row], v2012: bool) {
    let mut failures = Vec::new();
    for row in rows {
        let req = request(row);
        for (p, want) in row_policies(row, v2012).into_iter().zip(expected(row.4)) {
            let (a, _) =
                iamc_compiler::compile_artifact(std::slice::from_ref(&p), &Default::default())
                    .unwrap_or_else(|e| panic!("{row:?}: {e}"));
            let got = a.authorize(&req);
            let explained = a.explain(&req).decision;
            let bytes = iamc_compiler::compile(std::slice::from_ref(&p), &Default::default())
                .unwrap_or_else(|e| panic!("{row:?}: {e}"));
            let loaded = iamc_runtime::Artifact::from_bytes(&bytes)
                .unwrap_or_else(|e| panic!("{row:?}: round trip: {e}"))
                .authorize(&req);
            let reference = iamc::reference::PolicySet::new(vec![p.clone()]).authorize(&req);
            let ir = ir_authorize(&p, &req);
            if got != want || explained != want || loaded != want || reference != want || ir != want
            {
                failures.push(format!(
                    "{row:?}: want {want:?}, compiled {got:?} / explain {explained:?} / \
                     reloaded {loaded:?}, reference {reference:?}, ir {ir:?}"
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} checks failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn conditions_table_2012() {
    check(ROWS, true);
}

#[test]
fn conditions_table_2008() {
    check(ROWS_2008, false);
}

/// The table check is able to fail: a row with the wrong expectation is reported.
#[test]
#[should_panic(expected = "2 checks failed")]
fn conditions_table_detects_a_wrong_row() {
    check(
        &[("StringEquals", K, r#"["a"]"#, r#"{"k":"a"}"#, false)],
        true,
    );
}

/// Every operator and every qualifier appears in the table.
#[test]
fn conditions_table_covers_every_operator() {
    for base in BaseOperator::ALL {
        assert!(
            ROWS.iter().any(|r| operator(r.0).base == base),
            "no row for {}",
            base.name()
        );
    }
    for q in ["ForAllValues:", "ForAnyValue:"] {
        assert!(ROWS.iter().any(|r| r.0.starts_with(q)));
    }
    assert!(ROWS.iter().any(|r| r.0.ends_with("IfExists")));
}

/// Several clauses AND; several keys of one operator AND; many Like values in one DFA.
#[test]
fn conditions_clauses_and_keys_combine_with_and() {
    let a = clause(&("StringEquals", "a", r#"["1"]"#, "", true), true);
    let mut b = clause(
        &("StringLike", "b", r#"["x*","y*","*z","w?w"]"#, "", true),
        true,
    );
    let extra = clause(&("StringLike", "c", r#"["q"]"#, "", true), true);
    b.keys.extend(extra.keys);
    let p = policy(true, vec![statement(0, false, vec![a, b])]);
    let (art, _) = iamc_compiler::compile_artifact(&[p], &Default::default()).unwrap();
    let decide = |ctx: &str| art.authorize(&request_with(ctx));
    assert_eq!(decide(r#"{"a":"1","b":"yy","c":"q"}"#), Decision::Allow);
    assert_eq!(decide(r#"{"a":"1","b":"wéw","c":"q"}"#), Decision::Allow);
    assert_eq!(decide(r#"{"a":"1","b":"az","c":"q"}"#), Decision::Allow);
    assert_eq!(
        decide(r#"{"a":"1","b":"ab","c":"q"}"#),
        Decision::ImplicitDeny
    );
    assert_eq!(
        decide(r#"{"a":"2","b":"yy","c":"q"}"#),
        Decision::ImplicitDeny
    );
    assert_eq!(decide(r#"{"a":"1","b":"yy"}"#), Decision::ImplicitDeny);
}

// ---------------------------------------------------------------------------------------------
// Differential property: random condition blocks, compiled engine against the reference.

mod differential {
    use proptest::prelude::*;

    use super::*;

    /// Policy and request values of every type, valid and not, so that most pairs are
    /// comparable and some are Errors.
    const POOL: &[&str] = &[
        "a",
        "A",
        "ab",
        "a*",
        "*b",
        "?",
        "a?",
        "",
        "*",
        "${v}",
        "${v, 'd'}",
        "x${v}*",
        "${*}",
        "d",
        "K",
        "\u{212A}",
        "k",
        "\u{17F}",
        "s",
        "S",
        "1",
        "1.0",
        "-1",
        "0.5",
        "10",
        "1e1",
        "abc",
        "2020-01-01",
        "2020-01-01T00:00:00Z",
        "1577836800",
        "2020-02-30",
        "true",
        "false",
        "TRUE",
        "yes",
        "AAEC",
        "aGk=",
        "aGl=",
        "10.0.0.0/8",
        "10.1.2.3",
        "::1",
        "2001:db8::/32",
        "2001:db8::5",
        "10.0.0.0/33",
        "arn:aws:s3:::b/*",
        "arn:aws:s3:::b/k",
        "arn:*:s3:::*",
        "arn:aws:s3",
        "arn:aws:iam::${v}:role/*",
        "arn:aws:iam::1:role/?",
        "arn:aws:iam::1:role/x",
        "arn:aws:iam::1:2:role/x",
        "1:2",
        "x*y",
        "xay",
    ];

    fn pooled() -> impl Strategy<Value = String> {
        prop::sample::select(POOL).prop_map(str::to_owned)
    }

    fn scalar() -> impl Strategy<Value = Scalar> {
        prop_oneof![
            4 => pooled().prop_map(Scalar::String),
            1 => prop::sample::select(&["1", "1.0", "10", "1577836800", "-1"][..])
                .prop_map(|n| Scalar::Number(n.to_owned())),
            1 => any::<bool>().prop_map(Scalar::Bool),
        ]
    }

    fn value() -> impl Strategy<Value = Option<Value>> {
        prop_oneof![
            1 => Just(None),
            4 => scalar().prop_map(|s| Some(Value::Single(s))),
            2 => prop::collection::vec(scalar(), 0..4).prop_map(|l| Some(Value::Multi(l))),
        ]
    }

    #[derive(Debug, Clone)]
    struct Case {
        op: ast::Operator,
        values: Vec<String>,
        k: Option<Value>,
        v: Option<Value>,
        v2012: bool,
    }

    fn case() -> impl Strategy<Value = Case> {
        (
            prop::sample::select(&BaseOperator::ALL[..]),
            prop::sample::select(
                &[
                    None,
                    Some(ast::SetQualifier::ForAllValues),
                    Some(ast::SetQualifier::ForAnyValue),
                ][..],
            ),
            any::<bool>(),
            prop::collection::vec(pooled(), 0..4),
            value(),
            value(),
            prop::bool::weighted(0.8),
        )
            .prop_map(|(base, qualifier, if_exists, values, k, v, v2012)| Case {
                op: ast::Operator {
                    qualifier,
                    base,
                    if_exists: if_exists && base != BaseOperator::Null,
                },
                values,
                k,
                v,
                v2012,
            })
    }

    fn clause_of(c: &Case) -> ast::ConditionClause {
        let vars = c.v2012 && c.op.base.admits_variables();
        ast::ConditionClause {
            operator: sp(c.op),
            keys: vec![ast::ConditionKey {
                key: sp("K".to_owned()),
                values: c
                    .values
                    .iter()
                    .map(|t| {
                        sp(ast::ConditionValue {
                            kind: ast::ValueKind::String,
                            text: t.clone(),
                            template: template(t, vars),
                        })
                    })
                    .collect(),
            }],
        }
    }

    proptest! {
        /// Same decision from the compiled engine, the IR interpreter and the reference, for
        /// the condition on an Allow and on a Deny beside an unconditional Allow.
        #[test]
        fn conditions_compiled_agrees_with_reference(c in case()) {
            let mut req = Request::new("s:a", "*");
            if let Some(k) = &c.k {
                req.context.insert("k", k.clone());
            }
            if let Some(v) = &c.v {
                req.context.insert("v", v.clone());
            }
            let cl = clause_of(&c);
            let policies = [
                policy(c.v2012, vec![statement(0, false, vec![cl.clone()])]),
                policy(c.v2012, vec![statement(0, true, vec![cl]), statement(1, false, Vec::new())]),
            ];
            for p in policies {
                let (a, _) = iamc_compiler::compile_artifact(std::slice::from_ref(&p), &Default::default()).unwrap();
                let compiled = a.authorize(&req);
                let ir = super::ir_authorize(&p, &req);
                let reference = iamc::reference::PolicySet::new(vec![p]).authorize(&req);
                prop_assert_eq!(ir, reference, "IR interpreter: {:?}", c);
                prop_assert_eq!(compiled, reference, "{:?}", c);
            }
        }
    }
}

/// Identical Like value lists share one condition DFA; a different list or ARN semantics get
/// their own.
#[test]
fn conditions_identical_like_lists_share_a_dfa() {
    let like = |op: &'static str, key: &'static str, values: &'static str| {
        clause(&(op, key, values, "", true), true)
    };
    let p = policy(
        true,
        vec![
            statement(0, false, vec![like("StringLike", "a", r#"["x*","y?"]"#)]),
            statement(
                1,
                false,
                vec![like("ForAnyValue:StringNotLike", "b", r#"["x*","y?"]"#)],
            ),
            statement(2, false, vec![like("StringLike", "c", r#"["x*"]"#)]),
            statement(
                3,
                false,
                vec![like("ArnLike", "d", r#"["arn:*:*:*:*:x*"]"#)],
            ),
            statement(
                4,
                false,
                vec![like("StringLike", "e", r#"["arn:*:*:*:*:x*"]"#)],
            ),
        ],
    );
    let (a, stats) = iamc_compiler::compile_artifact(&[p], &Default::default()).unwrap();
    let conditions = stats
        .dfas
        .iter()
        .filter(|d| d.role == iamc_compiler::automata::DfaRole::Condition)
        .count();
    assert_eq!(conditions, 4);
    assert_eq!(a.authorize(&request_with(r#"{"b":"z"}"#)), Decision::Allow);
    assert_eq!(a.authorize(&request_with(r#"{"a":"yz"}"#)), Decision::Allow);
    assert_eq!(
        a.authorize(&request_with(r#"{"b":"yz"}"#)),
        Decision::ImplicitDeny
    );
    assert_eq!(
        a.authorize(&request_with(r#"{"d":"arn:a:b:c:d:xe"}"#)),
        Decision::Allow
    );
    assert_eq!(
        a.authorize(&request_with(r#"{"d":"arn:a:b:c:d:e:xe"}"#)),
        Decision::ImplicitDeny
    );
    assert_eq!(
        a.authorize(&request_with(r#"{"e":"arn:a:b:c:d:e:xe"}"#)),
        Decision::Allow
    );
    assert_eq!(a.authorize(&request_with(r#"{}"#)), Decision::ImplicitDeny);
}

// ---------------------------------------------------------------------------------------------
// The real corpus: every statement's conditions, on `*`/`*`, against contexts derived from its
// own condition values; compiled engine against the reference.

/// A request-side string that a pattern value likely matches: wildcards made concrete,
/// variables dropped.
fn concretize(v: &ast::ConditionValue) -> String {
    let mut s = String::new();
    for seg in &v.template.segments {
        match seg {
            ast::Segment::Text(t) => {
                s.extend(t.chars().map(|c| match c {
                    '*' => 'x',
                    '?' => 'y',
                    c => c,
                }));
            }
            ast::Segment::Escaped(c) => s.push(*c),
            ast::Segment::Variable { .. } => s.push_str("var"),
        }
    }
    s
}

/// Contexts for one statement: every key at its first derived value; then, per key, absent,
/// each derived value, a two-element list and the empty string. Variable keys get `var`.
fn derived_contexts(stmt: &ast::Statement) -> Vec<iamc_runtime::Context> {
    let mut keys: Vec<(String, Vec<String>)> = Vec::new();
    for c in &stmt.conditions {
        for k in &c.keys {
            let vals: Vec<String> = k.values.iter().map(|v| concretize(&v.node)).collect();
            for v in &k.values {
                for seg in &v.node.template.segments {
                    if let ast::Segment::Variable { key, .. } = seg {
                        keys.push((key.clone(), vec!["var".to_owned()]));
                    }
                }
            }
            keys.push((k.key.node.clone(), vals));
        }
    }
    let single = |s: &str| Value::Single(Scalar::String(s.to_owned()));
    let mut base = iamc_runtime::Context::new();
    for (k, vals) in &keys {
        base.insert(k, single(vals.first().map_or("", String::as_str)));
    }
    let mut out = vec![iamc_runtime::Context::new(), base.clone()];
    for (k, vals) in &keys {
        let mut without = iamc_runtime::Context::new();
        for (key, value) in base.iter() {
            if !key.eq_ignore_ascii_case(k) {
                without.insert(key, value.clone());
            }
        }
        out.push(without);
        let mut variants: Vec<Value> = vals.iter().map(|v| single(v)).collect();
        variants.push(single(""));
        variants.push(Value::Multi(
            vals.iter()
                .take(2)
                .map(|v| Scalar::String(v.clone()))
                .collect(),
        ));
        for v in variants {
            let mut c = base.clone();
            c.insert(k, v);
            out.push(c);
        }
    }
    out
}

#[test]
fn conditions_corpus_agrees_with_reference() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/policies");
    if !root.is_dir() {
        assert!(
            std::env::var_os("CI").is_none(),
            "{} is missing (required in CI)",
            root.display()
        );
        return;
    }
    let mut files = Vec::new();
    let mut dirs = vec![root];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                dirs.push(p);
            } else if p.extension().is_some_and(|x| x == "json") {
                files.push(p);
            }
        }
    }
    files.sort();
    let (mut statements, mut decisions, mut held, mut unparsed) = (0usize, 0usize, 0usize, 0usize);
    let mut failures = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        let src = iamc_grammar::SourceFile::new(f.display().to_string(), text);
        let Ok(parsed) = iamc_grammar::parse_policy(&src, ast::PolicyType::Identity) else {
            unparsed += 1;
            continue;
        };
        let version = parsed.policy.version == ast::Version::V2012_10_17;
        for stmt in &parsed.policy.statements {
            if stmt.conditions.is_empty() {
                continue;
            }
            statements += 1;
            let cl = stmt.conditions.clone();
            let policies = [
                policy(version, vec![statement(0, false, cl.clone())]),
                policy(
                    version,
                    vec![statement(0, true, cl), statement(1, false, Vec::new())],
                ),
            ];
            for (p_index, p) in policies.into_iter().enumerate() {
                let (a, _) =
                    iamc_compiler::compile_artifact(std::slice::from_ref(&p), &Default::default())
                        .unwrap_or_else(|e| panic!("{}: {e}", f.display()));
                let ir =
                    iamc_compiler::lower::lower(&iamc_grammar::PolicySet::identity(
                        vec![p.clone()],
                    ))
                    .unwrap_or_else(|e| panic!("{}: {e}", f.display()));
                let reference = iamc::reference::PolicySet::new(vec![p]);
                for ctx in derived_contexts(stmt) {
                    let mut req = Request::new("s:a", "*");
                    req.context = ctx;
                    let (got, want) = (a.authorize(&req), reference.authorize(&req));
                    let interpreted = iamc_compiler::ir::interp::authorize(&ir, &req);
                    decisions += 1;
                    held += usize::from(matches!(got, Decision::Allow) == matches!(p_index, 0));
                    if got != want || interpreted != want {
                        failures.push(format!(
                            "{} statement {}: compiled {got:?}, ir {interpreted:?}, reference {want:?}, context {:?}",
                            f.display(),
                            stmt.index,
                            req.context
                        ));
                    }
                }
            }
        }
    }
    assert!(
        statements > 1000,
        "only {statements} statements with conditions"
    );
    assert!(
        failures.is_empty(),
        "{} of {decisions} decisions differ:\n{}",
        failures.len(),
        failures
            .iter()
            .take(20)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
    eprintln!(
        "{} files ({unparsed} not parsed), {statements} statements with conditions, \
         {decisions} decisions agree, conditions held in {held}",
        files.len()
    );
}

/// `--emit ir` shows each lowered clause on its own line.
#[test]
fn conditions_render_in_ir() {
    let src = iamc_grammar::SourceFile::new(
        "p.json",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"ecs:RunTask",
            "Resource":"*","Condition":{
              "ForAnyValue:StringNotLike":{"aws:TagKeys":["env*","${aws:username}-*"]},
              "NumericLessThanEquals":{"ecs:task-cpu":"1024.0"},
              "NotIpAddress":{"aws:SourceIp":["10.1.0.0/8","2001:db8::/32"]},
              "DateLessThan":{"aws:CurrentTime":"2030-01-01T00:00:00Z"}}}]}"#,
    );
    let p = iamc_grammar::parse_policy(&src, ast::PolicyType::Identity)
        .unwrap()
        .policy;
    let ir = iamc_compiler::emit_ir(&iamc_grammar::PolicySet::identity(vec![p]));
    eprintln!("{ir}");
    for line in [
        r#"    "aws:TagKeys" ForAnyValue: not like dfa#"#,
        r#" | "${aws:username}-*""#,
        r#"    "ecs:task-cpu" numeric<= [1024]"#,
        r#"    "aws:SourceIp" not ip [10.0.0.0/8] [2001:db8::/32]"#,
        r#"    "aws:CurrentTime" date< [1893456000.000000000]"#,
    ] {
        assert!(ir.contains(line), "missing {line:?} in\n{ir}");
    }
}
