//! The two engines the commands decide with (`eval`, `simulate`, `test`): the compiled artifact,
//! through the runtime, and the reference interpreter. [`Engine`] names one; [`Decider`] is a
//! policy set made ready for it.
//!
//! ```
//! use iamc::engine::Engine;
//! use iamc_grammar::{ast::PolicyType, PolicySet, SourceFile};
//!
//! let src = SourceFile::new("p.json", r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}"#);
//! let set = PolicySet::identity(vec![iamc_grammar::parse_policy(&src, PolicyType::Identity)?.policy]);
//! let req = iamc_runtime::Request::new("s3:GetObject", "arn:aws:s3:::b/k");
//! for engine in [Engine::Compiled, Engine::Reference] {
//!     let decider = engine.prepare(set.clone())?;
//!     assert_eq!(decider.explain(&req).decision, iamc_runtime::Decision::Allow);
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use iamc_runtime::{Artifact, Diagnosis, Explanation, Request};

use crate::reference;

/// Which engine decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Engine {
    /// The compiled artifact, through the runtime.
    #[default]
    Compiled,
    /// The reference interpreter.
    Reference,
}

impl Engine {
    /// Makes `set` ready to decide: compiled into an artifact, or kept for the reference
    /// interpreter.
    ///
    /// # Errors
    ///
    /// With [`Engine::Compiled`], the set does not compile (a limit of the artifact).
    pub fn prepare(
        self,
        set: iamc_grammar::PolicySet,
    ) -> Result<Decider, iamc_compiler::CompileError> {
        Ok(match self {
            Engine::Compiled => {
                let (artifact, _) =
                    iamc_compiler::compile_set_artifact(&set, &iamc_compiler::Config::default())?;
                Decider::Compiled(Box::new(artifact))
            }
            Engine::Reference => Decider::Reference(Box::new(reference::PolicySet::from_set(set))),
        })
    }
}

/// A policy set ready to decide requests with one engine.
#[derive(Debug, Clone)]
pub enum Decider {
    /// A loaded artifact (compiled here, or read from a file).
    Compiled(Box<Artifact>),
    /// The policies, walked by the reference interpreter.
    Reference(Box<reference::PolicySet>),
}

impl Decider {
    /// The decision and the statements that made it.
    pub fn explain(&self, req: &Request) -> Explanation {
        match self {
            Decider::Compiled(a) => a.explain(req),
            Decider::Reference(r) => r.explain(req),
        }
    }

    /// The explanation, each statement's place, the near misses and the missing context keys.
    pub fn diagnose(&self, req: &Request) -> Diagnosis {
        match self {
            Decider::Compiled(a) => a.diagnose(req),
            Decider::Reference(r) => r.diagnose(req),
        }
    }
}
