//! iamc-runtime: load a compiled iamc artifact and decide requests.
//!
//! Consumes artifact bytes (untrusted: every byte is validated, nothing panics) and
//! [`Request`]s; produces [`Decision`]s. Depends on nothing of the iamc grammar or compiler.

mod decision;
pub(crate) mod json;
mod request;

pub use decision::{Decision, Effect, EffectName, Explanation, MatchedStatement};
pub use request::{Context, Request, Scalar, Value};
