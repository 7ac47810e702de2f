//! The engines behind one trait, so that every data-driven test runs each of them: the reference
//! interpreter (`iamc::reference`), the IR interpreter (`iamc_compiler::ir::interp`) and the
//! compiled runtime (through artifact bytes, as a service loads it).
//!
//! ```
//! use iamc_runtime::{Decision, Request};
//!
//! let policy = r#"{"Statement":{"Effect":"Allow","Action":"s3:Get*","Resource":"*"}}"#;
//! let req = Request::new("s3:GetObject", "arn:aws:s3:::b/k");
//! for engine in iamc_testkit::engines() {
//!     let x = engine.explain(&[("p.json", policy)], &req);
//!     assert_eq!(x.decision, Decision::Allow, "{}", engine.name());
//! }
//! ```

use iamc_grammar::PolicySet;
use iamc_runtime::{Decision, Explanation, Reason, Request};

use crate::data::parse_identity;

/// A policy set made ready by one engine: it decides requests.
pub trait Decide {
    /// The decision and the statements behind it.
    fn explain(&self, req: &Request) -> Explanation;
    /// The decision alone (the fast path where an engine has one).
    fn authorize(&self, req: &Request) -> Decision;
}

/// An engine deciding requests from policy sets.
pub trait Engine {
    /// A short name for failure messages.
    fn name(&self) -> &'static str;

    /// `set` made ready to decide (parsed, lowered, or compiled and loaded).
    ///
    /// # Panics
    /// When the compiled engine cannot compile or load the set (the tests feed valid sets).
    fn load(&self, set: &PolicySet) -> Box<dyn Decide>;

    /// `req` decided against the typed `set`.
    fn explain_set(&self, set: &PolicySet, req: &Request) -> Explanation {
        self.load(set).explain(req)
    }

    /// `req` decided against identity policies given as `(name, JSON text)` pairs.
    ///
    /// # Panics
    /// When a policy is not a valid identity policy.
    fn explain(&self, policies: &[(&str, &str)], req: &Request) -> Explanation {
        self.explain_set(&identity_set(policies), req)
    }
}

/// The identity set of `(name, JSON text)` pairs.
///
/// # Panics
/// When a policy is not a valid identity policy.
pub fn identity_set(policies: &[(&str, &str)]) -> PolicySet {
    let parsed = policies
        .iter()
        .map(|(name, json)| {
            parse_identity(name, json).unwrap_or_else(|e| panic!("policy `{name}` rejected:\n{e}"))
        })
        .collect();
    PolicySet::from_policies(parsed)
}

/// The reference interpreter of `src/reference.rs`.
pub struct Reference;

impl Decide for iamc::reference::PolicySet {
    fn explain(&self, req: &Request) -> Explanation {
        iamc::reference::PolicySet::explain(self, req)
    }
    fn authorize(&self, req: &Request) -> Decision {
        iamc::reference::PolicySet::authorize(self, req)
    }
}

impl Engine for Reference {
    fn name(&self) -> &'static str {
        "reference"
    }
    fn load(&self, set: &PolicySet) -> Box<dyn Decide> {
        Box::new(iamc::reference::PolicySet::from_set(set.clone()))
    }
}

/// The IR interpreter (`iamc_compiler::ir::interp`): the policies lowered to the IR and decided
/// on it directly, one layer below the automata. A set that does not lower denies, as the
/// reference does for an inconsistent set.
pub struct IrInterp;

struct Lowered(Option<iamc_compiler::ir::PolicySet>);

impl Decide for Lowered {
    fn explain(&self, req: &Request) -> Explanation {
        match &self.0 {
            Some(ir) => iamc_compiler::ir::interp::explain(ir, req),
            None => Explanation {
                decision: Decision::ImplicitDeny,
                statements: Vec::new(),
                reason: Reason::Inconsistent,
            },
        }
    }
    fn authorize(&self, req: &Request) -> Decision {
        match &self.0 {
            Some(ir) => iamc_compiler::ir::interp::authorize(ir, req),
            None => Decision::ImplicitDeny,
        }
    }
}

impl Engine for IrInterp {
    fn name(&self) -> &'static str {
        "ir"
    }
    fn load(&self, set: &PolicySet) -> Box<dyn Decide> {
        Box::new(Lowered(iamc_compiler::lower::lower(set).ok()))
    }
}

/// The compiled engine: the set compiled to artifact bytes and loaded back
/// (`Artifact::from_bytes` validates everything), exactly as a service would use it.
pub struct Compiled;

impl Decide for iamc_runtime::Artifact {
    fn explain(&self, req: &Request) -> Explanation {
        iamc_runtime::Artifact::explain(self, req)
    }
    fn authorize(&self, req: &Request) -> Decision {
        iamc_runtime::Artifact::authorize(self, req)
    }
}

impl Engine for Compiled {
    fn name(&self) -> &'static str {
        "compiled"
    }
    fn load(&self, set: &PolicySet) -> Box<dyn Decide> {
        let bytes = iamc_compiler::compile_set(set, &iamc_compiler::Config::default())
            .unwrap_or_else(|e| panic!("policies do not compile: {e}"));
        Box::new(
            iamc_runtime::Artifact::from_bytes(&bytes)
                .unwrap_or_else(|e| panic!("compiled artifact does not load: {e}")),
        )
    }
}

/// Every engine the data-driven tests run.
pub fn engines() -> Vec<Box<dyn Engine>> {
    vec![Box::new(Reference), Box::new(IrInterp), Box::new(Compiled)]
}
