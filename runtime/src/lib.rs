//! iamc-runtime: load a compiled iamc artifact and decide requests.
//!
//! Consumes artifact bytes (untrusted: every byte is validated, nothing panics) and
//! [`Request`]s; produces [`Decision`]s. Depends on nothing of the iamc grammar or compiler.

mod artifact;
mod cond;
mod decision;
mod error;
mod eval;
pub(crate) mod json;
mod principal;
mod request;

pub use artifact::Artifact;
pub use decision::{Decision, Explanation, MatchedStatement, Reason};
pub use error::LoadError;
pub use iamc_format::{Effect, PolicyType};
pub use json::{
    write_string as write_json_string, MAX_ARRAY_ELEMENTS, MAX_DEPTH, MAX_OBJECT_MEMBERS,
    MAX_REQUEST_BYTES,
};
pub use request::{Context, Request, RequestError, RequestLimits, Scalar, Value};

/// The automata an artifact carries, loaded into owned `u32`-aligned storage.
pub(crate) type Dfa = regex_automata::dfa::dense::DFA<Vec<u32>>;
