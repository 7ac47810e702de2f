//! Helpers shared by the integration tests: locating `../shared`, parsing policy texts, and the
//! [`Engine`] trait through which the same data rows run against every engine.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::path::PathBuf;

use iamc::reference::PolicySet;
use iamc_grammar::ast;
use iamc_grammar::SourceFile;
use iamc_runtime::{Explanation, Request};

/// The read-only shared directory (`../shared` beside the repository), or `None` when it is
/// missing outside CI. With `CI` set, a missing directory fails the test instead of skipping it.
pub fn shared_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared");
    if dir.is_dir() {
        return Some(dir);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "`{}` is missing and CI is set: the shared spec and conformance data must sit beside the repository",
        dir.display()
    );
    eprintln!(
        "skipping: `{}` is missing (set CI to make this a failure)",
        dir.display()
    );
    None
}

/// Parses one identity policy text; the error is the rendered diagnostics.
pub fn parse_identity(name: &str, json: &str) -> Result<ast::Policy, String> {
    let src = SourceFile::new(name, json);
    match iamc_grammar::parse_policy(&src, ast::PolicyType::Identity) {
        Ok(parsed) => {
            let mut policy = parsed.policy;
            policy.name = name.to_owned();
            Ok(policy)
        }
        Err(diagnostics) => Err(diagnostics.render(&src)),
    }
}

/// An engine deciding requests from policy texts: the reference interpreter, the IR
/// interpreter and the compiled engine; the same rows run on all three.
pub trait Engine {
    fn name(&self) -> &'static str;
    /// `policies` are (name, JSON text) pairs, all valid identity policies.
    fn explain(&self, policies: &[(&str, &str)], req: &Request) -> Explanation;
    /// A typed set, already parsed.
    fn explain_set(&self, set: &iamc_grammar::PolicySet, req: &Request) -> Explanation;
}

/// The reference interpreter of `src/reference.rs`.
pub struct Reference;

impl Engine for Reference {
    fn name(&self) -> &'static str {
        "reference"
    }

    fn explain(&self, policies: &[(&str, &str)], req: &Request) -> Explanation {
        let parsed = policies
            .iter()
            .map(|(name, json)| {
                parse_identity(name, json)
                    .unwrap_or_else(|e| panic!("policy `{name}` rejected:\n{e}"))
            })
            .collect();
        PolicySet::new(parsed).explain(req)
    }

    fn explain_set(&self, set: &iamc_grammar::PolicySet, req: &Request) -> Explanation {
        PolicySet::from_set(set.clone()).explain(req)
    }
}

/// The IR interpreter (`iamc_compiler::ir::interp`): the policies lowered to the IR and
/// decided on it directly, one layer below the automata.
pub struct IrInterp;

impl IrInterp {
    /// Lowers `set` and decides `req` on its IR; a set that does not lower denies as the
    /// reference does for an inconsistent set.
    pub fn explain_ir(set: &iamc_grammar::PolicySet, req: &Request) -> Explanation {
        match iamc_compiler::lower::lower(set) {
            Ok(ir) => iamc_compiler::ir::interp::explain(&ir, req),
            Err(_) => Explanation {
                decision: iamc_runtime::Decision::ImplicitDeny,
                statements: Vec::new(),
                reason: iamc_runtime::Reason::Inconsistent,
            },
        }
    }
}

impl Engine for IrInterp {
    fn name(&self) -> &'static str {
        "ir"
    }

    fn explain(&self, policies: &[(&str, &str)], req: &Request) -> Explanation {
        let parsed = policies
            .iter()
            .map(|(name, json)| {
                parse_identity(name, json)
                    .unwrap_or_else(|e| panic!("policy `{name}` rejected:\n{e}"))
            })
            .collect();
        IrInterp::explain_ir(&iamc_grammar::PolicySet::from_policies(parsed), req)
    }

    fn explain_set(&self, set: &iamc_grammar::PolicySet, req: &Request) -> Explanation {
        IrInterp::explain_ir(set, req)
    }
}

/// The compiled engine: the policies compiled to an artifact, written to bytes and loaded back
/// (`Artifact::from_bytes` validates everything), exactly as a service would use it.
pub struct Compiled;

impl Engine for Compiled {
    fn name(&self) -> &'static str {
        "compiled"
    }

    fn explain(&self, policies: &[(&str, &str)], req: &Request) -> Explanation {
        let parsed: Vec<ast::Policy> = policies
            .iter()
            .map(|(name, json)| {
                parse_identity(name, json)
                    .unwrap_or_else(|e| panic!("policy `{name}` rejected:\n{e}"))
            })
            .collect();
        let bytes = iamc_compiler::compile(&parsed, &iamc_compiler::Config::default())
            .unwrap_or_else(|e| panic!("policies do not compile: {e}"));
        iamc_runtime::Artifact::from_bytes(&bytes)
            .unwrap_or_else(|e| panic!("compiled artifact does not load: {e}"))
            .explain(req)
    }

    fn explain_set(&self, set: &iamc_grammar::PolicySet, req: &Request) -> Explanation {
        let bytes = iamc_compiler::compile_set(set, &iamc_compiler::Config::default())
            .unwrap_or_else(|e| panic!("policies do not compile: {e}"));
        iamc_runtime::Artifact::from_bytes(&bytes)
            .unwrap_or_else(|e| panic!("compiled artifact does not load: {e}"))
            .explain(req)
    }
}

/// Parses one policy text of `kind`; the error is the rendered diagnostics.
pub fn parse_kind(name: &str, json: &str, kind: ast::PolicyType) -> Result<ast::Policy, String> {
    let src = SourceFile::new(name, json);
    match iamc_grammar::parse_policy(&src, kind) {
        Ok(parsed) => {
            let mut policy = parsed.policy;
            policy.name = name.to_owned();
            Ok(policy)
        }
        Err(diagnostics) => Err(diagnostics.render(&src)),
    }
}

/// Every engine the data-driven tests run.
pub fn engines() -> Vec<Box<dyn Engine>> {
    vec![Box::new(Reference), Box::new(IrInterp), Box::new(Compiled)]
}
