//! iamc: compile AWS IAM policies into decision automata.
//!
//! This package is the command line (`src/main.rs`), the reference interpreter
//! ([`reference`](mod@reference)), a deliberately simple evaluator that walks the parsed policy directly and
//! shares no matching code with the compiler: it is the oracle the compiled path is tested
//! against; and the JSON of requests and decisions ([`io`]), which the command line speaks and
//! the runtime does not.

pub mod engine;
pub mod explain;
pub mod io;
pub mod reference;
pub mod simulate;
pub mod sources;
pub mod testfile;
