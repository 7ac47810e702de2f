//! Hostile input (issue 5, items 3 and 4): the runtime never panics on any request, every bad
//! value fails closed (`requests`), inconsistent programs and misplaced policies fail closed
//! (`programs`), the CLI answers each malformed request line with its own error line and
//! carries on (`cli`), and oversized or pathological policies compile or fail with an error
//! naming the limit (`limits`).
//!
//! Only outcomes and memory-independent facts are asserted, never times (those belong in
//! benches); every input is sized so that each test stays fast in a debug build.

mod cli;
mod limits;
mod programs;
mod requests;

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
