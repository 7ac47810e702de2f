//! iamc-runtime: load a compiled iamc artifact and decide requests.
//!
//! The runtime is the layer a service links: it consumes artifact bytes (written by
//! `iamc compile` or `iamc_compiler::compile_set`; untrusted: every byte is validated and
//! nothing panics) and [`Request`]s, and produces [`Decision`]s, or an [`Explanation`] with the
//! statements that applied and the [`Reason`]. It depends on the artifact format
//! (`iamc-format`) and on `regex-automata`'s DFA search alone: nothing of the iamc grammar or
//! compiler, no JSON (requests and decisions as JSON are the `iamc` package's `io` module).
//!
//! ```
//! use iamc_runtime::{Artifact, Decision, Request, Scalar, Value};
//!
//! // Load once (validating every byte), share between threads, decide without allocating.
//! let artifact = Artifact::from_bytes(include_bytes!("../../tests/data/artifacts/v5/ecs.iamc"))?;
//! let req = Request::new("ecs:StopTask", "arn:aws:ecs:us-east-1:111122223333:task/dev/0a1b2c")
//!     .with_context("aws:MultiFactorAuthPresent", Value::Single(Scalar::Bool(true)));
//! assert_eq!(artifact.authorize(&req), Decision::Allow);
//! # Ok::<(), iamc_runtime::LoadError>(())
//! ```
//!
//! The crate exports the artifact ([`Artifact`], [`LoadError`]), the request ([`Request`],
//! [`Context`], [`Value`], [`Scalar`]), the answer ([`Decision`], [`Explanation`],
//! [`MatchedStatement`], [`Reason`]) and the vocabulary both sides use ([`PolicyType`],
//! [`Effect`], re-exported from `iamc-format`), and nothing else.

#![warn(missing_docs)]

mod artifact;
mod cond;
mod decision;
pub mod diagnosis;
mod error;
mod eval;
mod glob;
mod principal;
mod request;
mod template;

pub use artifact::Artifact;
pub use decision::{Decision, Explanation, MatchedStatement, Reason};
pub use diagnosis::Diagnosis;
pub use error::LoadError;
pub use iamc_format::{Effect, PolicyType};
pub use request::{Context, Request, Scalar, Value};

/// The automata an artifact carries, loaded into owned `u32`-aligned storage.
pub(crate) type Dfa = regex_automata::dfa::dense::DFA<Vec<u32>>;
