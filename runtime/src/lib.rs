//! iamc-runtime: load a compiled iamc artifact and decide requests.
//!
//! Consumes artifact bytes (untrusted: every byte is validated, nothing panics) and
//! [`Request`]s; produces [`Decision`]s. Depends on nothing of the iamc grammar or compiler.

mod artifact;
#[doc(hidden)]
pub mod cond;
mod decision;
mod error;
mod eval;
#[doc(hidden)]
pub mod format;
pub(crate) mod json;
mod principal;
#[doc(hidden)]
pub mod program;
mod request;

pub use artifact::{Artifact, AutomatonInfo};
pub use decision::{
    Decision, Effect, EffectName, Explanation, MatchedStatement, PolicyType, Reason,
};
pub use error::LoadError;
pub use json::{
    write_string as write_json_string, MAX_ARRAY_ELEMENTS, MAX_DEPTH, MAX_OBJECT_MEMBERS,
    MAX_REQUEST_BYTES,
};
pub use request::{Context, Request, RequestError, RequestLimits, Scalar, Value};
