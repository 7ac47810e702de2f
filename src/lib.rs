//! iamc: compile AWS IAM policies into decision automata.
//!
//! This package is the command line (`src/main.rs`) and the reference interpreter
//! ([`reference`]), a deliberately simple evaluator that walks the parsed policy directly and
//! shares no matching code with the compiler: it is the oracle the compiled path is tested
//! against.

pub mod reference;
pub mod sources;
