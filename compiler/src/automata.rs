//! IR → `regex-automata` dense DFAs.
//!
//! - [`glob`]: an IR glob to a regex-syntax `Hir` (never through regex text).
//! - [`build`]: the one place DFAs are determinized: anchored, `MatchKind::All`, byte classes,
//!   size limits; [`DfaBuilder`] collects every DFA of an artifact (conditions add theirs).
//! - [`action`]: the action shards and their precomputed candidate lists.
//! - [`resource`]: the resource pattern DFAs, split on overflow.

pub mod action;
pub mod build;
pub mod glob;
pub mod ops;
pub mod resource;

pub use build::{DfaBuilder, DfaRole};
