//! iamc-format: the artifact format, shared by the compiler, which writes artifacts, and the
//! runtime, which reads them.
//!
//! An artifact is a container ([`container`]: a checksummed header and a section table) holding
//! one metadata section, the [`program::Program`] encoded by [`codec`], and one section per
//! `regex-automata` dense DFA. This crate owns everything both sides must agree on:
//! - the vocabulary: [`PolicyType`] and [`Effect`], the ARN's six fields ([`arn`]) and the
//!   policy-variable rule ([`template::variable_text`]);
//! - the program types ([`program`]), the compiled conditions ([`cond`]) and the one template
//!   type ([`template`]) they use;
//! - the condition value types and their parsers ([`value`]: decimals, instants, networks,
//!   booleans, base64), so that a policy value (parsed by the compiler) and a request value
//!   (parsed by the runtime) are read by one grammar per type;
//! - the container layout and its reader ([`container::read`]), which checks structure,
//!   checksums and producer versions and hands back the metadata and DFA section bytes;
//! - the program's cross-reference check ([`program::Program::validate`]), written against
//!   the [`program::DfaShape`] trait so that it needs no automata library.
//!
//! It must not depend on the automata library (DFA sections are bytes here: the runtime
//! deserializes them with `regex-automata`, the compiler serializes them), on the grammar, the
//! compiler or the runtime. Its only dependency is `bincode`, named in [`codec`] alone.
//!
//! Evaluation is not here: the runtime evaluates programs, the compiler builds them.

#![warn(missing_docs)]

pub mod arn;
pub mod codec;
pub mod cond;
pub mod container;
mod crc32;
mod error;
pub mod program;
pub mod template;
pub mod value;
mod vocab;

pub use error::FormatError;
pub use vocab::{Effect, PolicyType};
