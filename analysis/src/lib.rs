//! iamc-analysis: what can be said about IAM policies without deciding a request.
//!
//! Consumes policy documents as text (through `iamc-grammar`'s JSON reader and validation);
//! produces [`findings`]: Access Analyzer-compatible findings (its issue codes, finding types,
//! location paths and spans), rendered as text, JSON or SARIF; and the [`diff`]: the requests
//! one typed set allows and another does not, as regions with witness requests (`iamc diff`,
//! `iamc check-access`). It sits beside the compiler and
//! never in the runtime: nothing here decides a request, and the runtime depends on nothing
//! here.
//!
//! [`build`] gives a build script the findings beside the compiled artifact.
//!
//! Checks that need AWS's service catalog (actions, resource types, condition keys) plug in
//! through [`findings::CatalogChecks`]; [`findings::CatalogChecker`] implements them on the
//! vendored `iamc-catalog`. Redundancy is decided with the compiler's own lowering and
//! automata (`iamc_compiler::automata::ops`).

pub mod build;
pub mod diff;
pub mod findings;
