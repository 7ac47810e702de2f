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

/// `tests/data/hostile/operators.json`: one Allow statement per condition operator family
/// (positive and negated), each on its own action, plus a conditional Deny and a variable in a
/// resource.
fn operators_path() -> std::path::PathBuf {
    iamc_testkit::data::data_dir().join("hostile/operators.json")
}

fn operators_text() -> String {
    std::fs::read_to_string(operators_path()).unwrap()
}

fn operators() -> Engines {
    Engines::new(vec![parse("ops.json", &operators_text())])
}

fn with(action: &str, key: &str, value: Value) -> Request {
    Request::new(action, "arn:aws:s3:::b/k").with_context(key, value)
}

fn s(v: &str) -> Value {
    Value::Single(Scalar::String(v.into()))
}
