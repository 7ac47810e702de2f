//! iamc-analysis: what can be said about IAM policies without deciding a request.
//!
//! Consumes policy documents as text (through `iamc-grammar`'s JSON reader and validation);
//! produces [`findings`]: Access Analyzer-compatible findings (its issue codes, finding types,
//! location paths and spans), rendered as text, JSON or SARIF. It sits beside the compiler and
//! never in the runtime: nothing here decides a request, and the runtime depends on nothing
//! here.
//!
//! Checks that need AWS's service catalog (actions, resource types, condition keys) plug in
//! through [`findings::CatalogChecks`]; every other check of `../shared/spec/findings.md` is
//! implemented here.

pub mod diff;
pub mod findings;
