//! iamc-runtime: load a compiled iamc artifact and decide requests.
//!
//! Consumes artifact bytes (untrusted: every byte is validated, nothing panics) and
//! [`Request`]s; produces [`Decision`]s. Depends on nothing of the iamc grammar or compiler.

mod arn;
mod artifact;
mod cond;
mod decision;
mod error;
mod eval;
mod glob;
mod principal;
mod request;
mod template;

pub use artifact::Artifact;
pub use decision::{Decision, Explanation, MatchedStatement, Reason};
pub use error::LoadError;
pub use iamc_format::{Effect, PolicyType};
pub use request::{Context, Request, Scalar, Value};

/// The automata an artifact carries, loaded into owned `u32`-aligned storage.
pub(crate) type Dfa = regex_automata::dfa::dense::DFA<Vec<u32>>;
