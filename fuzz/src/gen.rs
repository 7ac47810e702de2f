//! Byte-driven generators: fuzzer bytes to policy JSON texts and requests.
//!
//! Every random choice reads the next byte of a [`Tape`]; an exhausted tape reads 0, and 0 is
//! always the simplest choice, so libFuzzer's shrinking (shorter inputs) shrinks the case.
//! Alphabets are tiny on purpose: patterns, keys and values collide, so most requests hit some
//! statement. Depends on nothing but the iamc crates (the replay tests include this file).

use iamc_grammar::ast::{self, BaseOperator};
use iamc_runtime::{Request, Scalar, Value};

/// A cursor over fuzzer bytes.
pub struct Tape<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Tape<'a> {
    pub fn new(data: &'a [u8]) -> Tape<'a> {
        Tape { data, pos: 0 }
    }

    /// The next byte, 0 once exhausted.
    pub fn byte(&mut self) -> u8 {
        let b = self.data.get(self.pos).copied().unwrap_or(0);
        self.pos = self.pos.saturating_add(1);
        b
    }

    /// A number in `0..n` (0 when `n <= 1`).
    pub fn below(&mut self, n: usize) -> usize {
        if n <= 1 {
            0
        } else {
            usize::from(self.byte()) % n
        }
    }

    /// True with probability about `1/n` (never when exhausted).
    pub fn one_in(&mut self, n: u8) -> bool {
        let b = self.byte();
        b != 0 && b.is_multiple_of(n.max(1))
    }

    pub fn pick<'b, T>(&mut self, xs: &'b [T]) -> &'b T {
        let i = self.below(xs.len());
        &xs[i]
    }

    /// The bytes not read yet.
    pub fn rest(&self) -> &'a [u8] {
        self.data.get(self.pos..).unwrap_or(&[])
    }
}

/// A generated policy set and requests against it.
#[derive(Debug, Clone)]
pub struct Case {
    /// `(name, JSON text)` of each policy.
    pub policies: Vec<(String, String)>,
    pub requests: Vec<Request>,
}

const SERVICES: &[&str] = &["s3", "ec2", "S3"];
const ACTION_FRAGS: &[&str] = &["Get", "*", "Object", "?", "get", "Put", "List", "é", "**"];
const REQ_ACTION_FRAGS: &[&str] = &["Get", "Object", "get", "Put", "List", "é", "x", "*", "?"];
const ARN_PREFIXES: &[&str] = &[
    "arn:aws:s3:::",
    "arn:aws:ec2:us-east-1:111122223333:",
    "arn:aws:s3",
    "arn:*:s3:::",
    "arn:aws:ec2:*:*:",
    "arn:aws:ec2:us-*:1111*",
    "arn:aws:*",
    "arn:aws:ec2:us-east-?:111122223333:",
];
/// The first seven have no policy variable (short ARN prefixes take only those).
const RES_FRAGS: &[&str] = &[
    "b",
    "*",
    "/",
    "?",
    "bucket",
    "k:x",
    "instance/",
    "${aws:username}",
    "${k, 'd'}",
    "${*}",
    "${aws:userid}",
    "${?}",
];
const REQ_ARN_PREFIXES: &[&str] = &[
    "arn:aws:s3:::",
    "arn:aws:ec2:us-east-1:111122223333:",
    "arn:aws:s3:us-east-1:111122223333:",
    "arn:aws:ec2:us-west-2:111122223333:",
    "arn:aws:ec2:us-east-1:444455556666:",
    "arn:aws:s3::",
    "arn:aws-cn:s3:::",
];
const REQ_RES_FRAGS: &[&str] = &[
    "b",
    "bucket",
    "/",
    "k:x",
    "instance/",
    "alice",
    "d",
    "*",
    "?",
    ":",
    "x",
];
const KEYS: &[&str] = &[
    "aws:username",
    "k",
    "aws:SourceIp",
    "aws:CurrentTime",
    "n",
    "aws:TagKeys",
    "aws:userid",
    "s3:prefix",
];
const STRINGS: &[&str] = &[
    "alice",
    "a*",
    "${aws:username}",
    "",
    "A",
    "?",
    "d",
    "x${k}",
    "ALICE",
];
const NUMBERS: &[&str] = &["1", "01", "1.0", "-2", "10", "x", "1e3"];
const DATES: &[&str] = &[
    "2020-01-01",
    "2020-01-01T00:00:00Z",
    "1577836800",
    "bad",
    "2020-01",
    "2020-01-01T01:00:00+01:00",
];
const BOOLS: &[&str] = &["true", "False", "x", "${aws:username}"];
const IPS: &[&str] = &[
    "10.0.0.0/8",
    "10.1.2.3",
    "::1",
    "2001:db8::/32",
    "bad",
    "10.1.2.3/32",
];
const ARNS: &[&str] = &[
    "arn:aws:s3:::b",
    "arn:aws:s3:::*",
    "arn:aws:iam::1:user/*",
    "arn:aws:s3",
    "arn:aws:s3:::${aws:username}",
];
const BINARIES: &[&str] = &["YQ==", "x", "YWI="];
const NULLS: &[&str] = &["true", "false"];
const REQ_VALUES: &[&str] = &[
    "alice",
    "a",
    "ALICE",
    "",
    "1",
    "1.0",
    "-2",
    "2020-01-01T00:00:00Z",
    "1577836800",
    "true",
    "10.1.2.3",
    "2001:db8::1",
    "arn:aws:s3:::b",
    "YQ==",
    "d",
    "x*",
];

fn value_pool(base: BaseOperator) -> &'static [&'static str] {
    use BaseOperator as B;
    match base {
        B::StringEquals
        | B::StringNotEquals
        | B::StringEqualsIgnoreCase
        | B::StringNotEqualsIgnoreCase
        | B::StringLike
        | B::StringNotLike => STRINGS,
        B::NumericEquals
        | B::NumericNotEquals
        | B::NumericLessThan
        | B::NumericLessThanEquals
        | B::NumericGreaterThan
        | B::NumericGreaterThanEquals => NUMBERS,
        B::DateEquals
        | B::DateNotEquals
        | B::DateLessThan
        | B::DateLessThanEquals
        | B::DateGreaterThan
        | B::DateGreaterThanEquals => DATES,
        B::Bool => BOOLS,
        B::BinaryEquals => BINARIES,
        B::IpAddress | B::NotIpAddress => IPS,
        B::ArnEquals | B::ArnLike | B::ArnNotEquals | B::ArnNotLike => ARNS,
        B::Null => NULLS,
    }
}

/// A JSON string literal.
pub fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn is_json_number(t: &str) -> bool {
    let t = t.strip_prefix('-').unwrap_or(t);
    let (int, frac) = match t.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (t, None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    digits(int) && (int == "0" || !int.starts_with('0')) && frac.is_none_or(digits)
}

/// A list of 1 to `max` items rendered as a JSON string or array.
fn list(t: &mut Tape<'_>, max: usize, mut item: impl FnMut(&mut Tape<'_>) -> String) -> String {
    let n = 1 + t.below(max);
    if n == 1 && !t.one_in(4) {
        return json_string(&item(t));
    }
    let items: Vec<String> = (0..n).map(|_| json_string(&item(t))).collect();
    format!("[{}]", items.join(","))
}

fn concat(t: &mut Tape<'_>, frags: &[&str], max: usize) -> String {
    let n = t.below(max + 1);
    (0..n).map(|_| *t.pick(frags)).collect()
}

fn action_pattern(t: &mut Tape<'_>) -> String {
    if t.one_in(12) {
        return "*".into();
    }
    let svc = *t.pick(SERVICES);
    let name = concat(t, ACTION_FRAGS, 3);
    format!("{svc}:{name}")
}

fn resource_pattern(t: &mut Tape<'_>) -> String {
    if t.one_in(8) {
        return "*".into();
    }
    let prefix = *t.pick(ARN_PREFIXES);
    // Policy variables are allowed only in field 6: short prefixes take plain fragments.
    let frags = if prefix.matches(':').count() >= 5 {
        RES_FRAGS
    } else {
        &RES_FRAGS[..7]
    };
    let rest = concat(t, frags, 3);
    format!("{prefix}{rest}")
}

fn operator_name(t: &mut Tape<'_>) -> (String, BaseOperator) {
    let base = *t.pick(&BaseOperator::ALL);
    let qualifier = match t.below(8) {
        5 => "ForAllValues:",
        6 | 7 => "ForAnyValue:",
        _ => "",
    };
    let if_exists = base != BaseOperator::Null && t.one_in(5);
    let name = format!(
        "{qualifier}{}{}",
        base.name(),
        if if_exists { "IfExists" } else { "" }
    );
    (name, base)
}

fn condition_value(t: &mut Tape<'_>, base: BaseOperator) -> String {
    let text = if t.one_in(10) {
        *t.pick(REQ_VALUES)
    } else {
        *t.pick(value_pool(base))
    };
    // Numbers and booleans are sometimes written as raw JSON values.
    if (is_json_number(text) || text == "true" || text == "false") && t.one_in(3) {
        text.to_string()
    } else {
        json_string(text)
    }
}

fn condition_block(t: &mut Tape<'_>) -> Option<String> {
    let clauses = t.below(3);
    if clauses == 0 {
        return None;
    }
    let mut ops: Vec<String> = Vec::new();
    let mut members = Vec::new();
    for _ in 0..clauses {
        let (name, base) = operator_name(t);
        if ops.contains(&name) {
            continue;
        }
        ops.push(name.clone());
        let mut keys: Vec<String> = Vec::new();
        let mut entries = Vec::new();
        for _ in 0..1 + t.below(2) {
            let key = *t.pick(KEYS);
            if keys.iter().any(|k| k.eq_ignore_ascii_case(key)) {
                continue;
            }
            keys.push(key.to_string());
            let values = match t.below(6) {
                0..=2 => condition_value(t, base),
                3 => "[]".to_string(),
                _ => {
                    let n = 1 + t.below(3);
                    let vs: Vec<String> = (0..n).map(|_| condition_value(t, base)).collect();
                    format!("[{}]", vs.join(","))
                }
            };
            entries.push(format!("{}:{}", json_string(key), values));
        }
        members.push(format!("{}:{{{}}}", json_string(&name), entries.join(",")));
    }
    Some(format!("{{{}}}", members.join(",")))
}

fn statement(t: &mut Tape<'_>, index: usize) -> String {
    let mut m = Vec::new();
    if t.one_in(3) {
        m.push(format!("\"Sid\":{}", json_string(&format!("S{index}"))));
    }
    let effect = if t.one_in(3) { "Deny" } else { "Allow" };
    m.push(format!("\"Effect\":\"{effect}\""));
    let action_key = if t.one_in(6) { "NotAction" } else { "Action" };
    m.push(format!("\"{action_key}\":{}", list(t, 3, action_pattern)));
    let resource_key = if t.one_in(6) {
        "NotResource"
    } else {
        "Resource"
    };
    m.push(format!(
        "\"{resource_key}\":{}",
        list(t, 3, resource_pattern)
    ));
    if let Some(c) = condition_block(t) {
        m.push(format!("\"Condition\":{c}"));
    }
    format!("{{{}}}", m.join(","))
}

/// One identity policy document.
pub fn policy(t: &mut Tape<'_>) -> String {
    let version = match t.below(6) {
        4 => Some("2008-10-17"),
        5 => None,
        _ => Some("2012-10-17"),
    };
    let n = 1 + t.below(4);
    let statements: Vec<String> = (0..n).map(|i| statement(t, i)).collect();
    let body = if n == 1 && t.one_in(4) {
        statements.concat()
    } else {
        format!("[{}]", statements.join(","))
    };
    match version {
        Some(v) => format!("{{\"Version\":\"{v}\",\"Statement\":{body}}}"),
        None => format!("{{\"Statement\":{body}}}"),
    }
}

fn scalar(t: &mut Tape<'_>, text: &str) -> Scalar {
    match t.below(4) {
        1 if is_json_number(text) => Scalar::Number(text.to_string()),
        2 if text.eq_ignore_ascii_case("true") => Scalar::Bool(true),
        2 if text.eq_ignore_ascii_case("false") => Scalar::Bool(false),
        _ => Scalar::String(text.to_string()),
    }
}

/// Flips the ASCII case of some characters.
pub fn flip_case(t: &mut Tape<'_>, s: &str) -> String {
    if !t.one_in(4) {
        return s.to_string();
    }
    s.chars()
        .map(|c| {
            if t.one_in(2) {
                if c.is_ascii_lowercase() {
                    c.to_ascii_uppercase()
                } else {
                    c.to_ascii_lowercase()
                }
            } else {
                c
            }
        })
        .collect()
}

/// Context keys and values drawn from `keys` and `values` (plus the generic pools).
pub fn context(t: &mut Tape<'_>, keys: &[&str], values: &[&str], req: &mut Request) {
    for _ in 0..t.below(5) {
        let key = if keys.is_empty() || t.one_in(5) {
            *t.pick(KEYS)
        } else {
            *t.pick(keys)
        };
        let key = flip_case(t, key);
        let one = |t: &mut Tape<'_>| {
            let text = if values.is_empty() || t.one_in(4) {
                *t.pick(REQ_VALUES)
            } else {
                *t.pick(values)
            };
            scalar(t, text)
        };
        let value = match t.below(5) {
            4 => {
                let n = t.below(4);
                Value::Multi((0..n).map(|_| one(t)).collect())
            }
            _ => Value::Single(one(t)),
        };
        req.context.insert(&key, value);
    }
}

/// A request against the generated alphabets.
pub fn request(t: &mut Tape<'_>) -> Request {
    let svc = if t.one_in(8) {
        "iam"
    } else {
        *t.pick(SERVICES)
    };
    let name = concat(t, REQ_ACTION_FRAGS, 3);
    let action = flip_case(t, &format!("{svc}:{name}"));
    let resource = if t.one_in(6) {
        "*".to_string()
    } else {
        format!(
            "{}{}",
            t.pick(REQ_ARN_PREFIXES),
            concat(t, REQ_RES_FRAGS, 4)
        )
    };
    let mut req = Request::new(action, resource);
    context(t, &[], &[], &mut req);
    req
}

/// A policy set (1 to 3 identity policies) and 1 to 8 requests.
pub fn case(t: &mut Tape<'_>) -> Case {
    let n = 1 + t.below(3);
    let policies = (0..n).map(|i| (format!("p{i}.json"), policy(t))).collect();
    let r = 1 + t.below(8);
    let requests = (0..r).map(|_| request(t)).collect();
    Case { policies, requests }
}

/// Where a real policy set's patterns and condition values come from, for requests that hit it.
#[derive(Debug, Clone, Default)]
pub struct Pools {
    pub actions: Vec<String>,
    pub resources: Vec<String>,
    pub keys: Vec<String>,
    pub values: Vec<String>,
}

impl Pools {
    pub fn of(policies: &[ast::Policy]) -> Pools {
        let mut p = Pools::default();
        for pol in policies {
            for st in &pol.statements {
                for a in &st.action.patterns {
                    if let ast::ActionPattern::Service { service, name } = &a.node {
                        p.actions.push(format!("{service}:{name}"));
                    }
                }
                for r in st.resource.iter().flat_map(|r| r.patterns.iter()) {
                    if let ast::ResourcePattern::Arn { raw, .. } = &r.node {
                        p.resources.push(raw.clone());
                    }
                }
                for c in &st.conditions {
                    for k in &c.keys {
                        p.keys.push(k.key.node.clone());
                        p.values
                            .extend(k.values.iter().map(|v| v.node.text.clone()));
                    }
                }
            }
        }
        for v in [&mut p.actions, &mut p.resources, &mut p.keys, &mut p.values] {
            v.sort();
            v.dedup();
        }
        p
    }
}

/// Fills a pattern's wildcards and variables with tape-chosen text.
fn instantiate(t: &mut Tape<'_>, pattern: &str) -> String {
    let mut out = String::new();
    let mut rest = pattern;
    while let Some(c) = rest.chars().next() {
        if rest.starts_with("${") {
            if let Some(end) = rest.find('}') {
                out.push_str(t.pick::<&str>(&["alice", "", "${x}", "*"]));
                rest = rest.get(end + 1..).unwrap_or("");
                continue;
            }
        }
        match c {
            '*' => out.push_str(t.pick::<&str>(&["", "Task", "x/y", ":", "*", "prod"])),
            '?' => out.push_str(t.pick::<&str>(&["a", "é", ":", "?"])),
            c => out.push(c),
        }
        rest = rest.get(c.len_utf8()..).unwrap_or("");
    }
    out
}

/// A request built from a real set's own patterns (or, now and then, junk).
pub fn pooled_request(t: &mut Tape<'_>, pools: &Pools) -> Request {
    let action = if pools.actions.is_empty() || t.one_in(10) {
        format!("{}:{}", t.pick(SERVICES), concat(t, REQ_ACTION_FRAGS, 3))
    } else {
        let a = t.pick(&pools.actions).clone();
        instantiate(t, &a)
    };
    let action = flip_case(t, &action);
    let resource = match t.below(8) {
        0 => "*".to_string(),
        1 => format!(
            "{}{}",
            t.pick(REQ_ARN_PREFIXES),
            concat(t, REQ_RES_FRAGS, 4)
        ),
        _ if !pools.resources.is_empty() => {
            let r = t.pick(&pools.resources).clone();
            instantiate(t, &r)
        }
        _ => "*".to_string(),
    };
    let mut req = Request::new(action, resource);
    let keys: Vec<&str> = pools.keys.iter().map(String::as_str).collect();
    let values: Vec<&str> = pools.values.iter().map(String::as_str).collect();
    context(t, &keys, &values, &mut req);
    req
}
