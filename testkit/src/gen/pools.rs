//! Requests against a real policy set (not a generated one): built from the set's own action and
//! resource patterns and condition values, with junk now and then. The fuzz targets `authorize`
//! and `load_artifact` draw them from fuzzer bytes.

use iamc_grammar::ast;
use iamc_runtime::{Request, Scalar, Value};

use super::request::flip_case;
use crate::json::is_json_number;
use crate::tape::Tape;

const SERVICES: &[&str] = &["s3", "ec2", "S3"];
const ACTION_FRAGS: &[&str] = &["Get", "Object", "get", "Put", "List", "é", "x", "*", "?"];
const ARN_PREFIXES: &[&str] = &[
    "arn:aws:s3:::",
    "arn:aws:ec2:us-east-1:111122223333:",
    "arn:aws:s3:us-east-1:111122223333:",
    "arn:aws:ec2:us-west-2:111122223333:",
    "arn:aws:ec2:us-east-1:444455556666:",
    "arn:aws:s3::",
    "arn:aws-cn:s3:::",
];
const RESOURCE_FRAGS: &[&str] = &[
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
const VALUES: &[&str] = &[
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

/// Where a real policy set's patterns and condition values come from, for requests that hit it.
#[derive(Debug, Clone, Default)]
pub struct Pools {
    pub actions: Vec<String>,
    pub resources: Vec<String>,
    pub keys: Vec<String>,
    pub values: Vec<String>,
}

impl Pools {
    /// The patterns, keys and values of `policies`, sorted and deduplicated.
    pub fn of(policies: &[ast::Policy]) -> Pools {
        let mut p = Pools::default();
        for st in policies.iter().flat_map(|p| &p.statements) {
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
            for k in st.conditions.iter().flat_map(|c| &c.keys) {
                p.keys.push(k.key.node.clone());
                p.values
                    .extend(k.values.iter().map(|v| v.node.text.clone()));
            }
        }
        for v in [&mut p.actions, &mut p.resources, &mut p.keys, &mut p.values] {
            v.sort();
            v.dedup();
        }
        p
    }
}

/// Up to `max` draws of `frags`, concatenated.
fn concat(t: &mut Tape<'_>, frags: &[&str], max: usize) -> String {
    let n = t.below(max + 1);
    (0..n).map(|_| t.pick_str(frags)).collect()
}

/// Fills a pattern's wildcards and variables with tape-chosen text.
fn instantiate(t: &mut Tape<'_>, pattern: &str) -> String {
    let mut out = String::new();
    let mut rest = pattern;
    while let Some(c) = rest.chars().next() {
        if rest.starts_with("${") {
            if let Some(end) = rest.find('}') {
                out.push_str(&t.pick_str(&["alice", "", "${x}", "*"]));
                rest = rest.get(end + 1..).unwrap_or("");
                continue;
            }
        }
        match c {
            '*' => out.push_str(&t.pick_str(&["", "Task", "x/y", ":", "*", "prod"])),
            '?' => out.push_str(&t.pick_str(&["a", "é", ":", "?"])),
            c => out.push(c),
        }
        rest = rest.get(c.len_utf8()..).unwrap_or("");
    }
    out
}

fn scalar(t: &mut Tape<'_>, text: &str) -> Scalar {
    match t.below(4) {
        1 if is_json_number(text) => Scalar::Number(text.to_string()),
        2 if text.eq_ignore_ascii_case("true") => Scalar::Bool(true),
        2 if text.eq_ignore_ascii_case("false") => Scalar::Bool(false),
        _ => Scalar::String(text.to_string()),
    }
}

/// Zero to four context keys drawn from `keys` and `values` (and the generic pools).
fn context(t: &mut Tape<'_>, keys: &[String], values: &[String], req: &mut Request) {
    for _ in 0..t.below(5) {
        let key = match t.pick(keys) {
            Some(k) if !t.one_in(5) => k.clone(),
            _ => t.pick_str(KEYS),
        };
        let key = flip_case(t, &key);
        let one = |t: &mut Tape<'_>| {
            let text = match t.pick(values) {
                Some(v) if !t.one_in(4) => v.clone(),
                _ => t.pick_str(VALUES),
            };
            scalar(t, &text)
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

/// A request built from a real set's own patterns (or, now and then, junk).
pub fn pooled_request(t: &mut Tape<'_>, pools: &Pools) -> Request {
    let action = match t.pick(&pools.actions) {
        Some(a) if !t.one_in(10) => instantiate(t, a),
        _ => format!("{}:{}", t.pick_str(SERVICES), concat(t, ACTION_FRAGS, 3)),
    };
    let action = flip_case(t, &action);
    let resource = match t.below(8) {
        0 => "*".to_string(),
        1 => format!(
            "{}{}",
            t.pick_str(ARN_PREFIXES),
            concat(t, RESOURCE_FRAGS, 4)
        ),
        _ => match t.pick(&pools.resources) {
            Some(r) => instantiate(t, r),
            None => "*".to_string(),
        },
    };
    let mut req = Request::new(action, resource);
    context(t, &pools.keys, &pools.values, &mut req);
    req
}
