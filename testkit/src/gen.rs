//! The one generator stack: IAM policy sets rendered as JSON text, and requests derived from
//! them, drawn from a [`Tape`] — fuzzer bytes (the fuzz targets) or bytes proptest generates and
//! shrinks ([`crate::strategy`]).
//!
//! A [`Case`] is a set of generated policies (a [`GenPolicy`] model plus its JSON text, so the
//! grammar is exercised too) and requests derived from the policies' own patterns: action globs
//! and resource ARNs are instantiated (wildcards filled, case flipped), context values are drawn
//! from the condition values of the policies (same value in another spelling, mutated, wrong
//! type, multi-valued, absent), so that most requests hit at least one statement. Near misses
//! are mixed in. Alphabets are deliberately tiny so that patterns collide.
//!
//! Every size knob lives in [`Settings`] (like cedar-spec's `ABACSettings`).

mod alphabet;
pub mod breakage;
pub mod model;
pub mod policy;
pub mod pools;
pub mod render;
pub mod request;
pub mod to_ast;

use std::fmt;

use iamc_runtime::Request;

pub use breakage::{break_policy, Breakage, InvalidCase, BREAKAGES};
pub use model::*;
pub use pools::{pooled_request, Pools};
pub use render::render_policy;
pub use request::{derive_request, flip_case};

use crate::json::request_json;
use crate::tape::Tape;

/// Size knobs of the generators. Each case stays cheap: a handful of policies and statements.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    /// Policies per set (at least one).
    pub max_policies: usize,
    /// Statements per policy (at least one).
    pub max_statements: usize,
    /// Entries per `Action`/`NotAction` and `Resource`/`NotResource` list (at least one).
    pub max_patterns: usize,
    /// Glob fragments per action name or ARN field.
    pub max_fragments: usize,
    /// Operators per `Condition` block (zero or more).
    pub max_clauses: usize,
    /// Keys per operator (at least one).
    pub max_keys: usize,
    /// Values per condition key (zero or more), and per multi-valued context key.
    pub max_values: usize,
    /// Requests derived per policy set (at least one).
    pub max_requests: usize,
    /// Bytes of tape proptest draws per case (the policies take a few hundred, each request
    /// a few dozen; past the end every choice is the simplest).
    pub tape_len: usize,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            max_policies: 3,
            max_statements: 3,
            max_patterns: 3,
            max_fragments: 3,
            max_clauses: 2,
            max_keys: 2,
            max_values: 3,
            max_requests: 8,
            tape_len: 1024,
        }
    }
}

/// A generated case: policies and requests derived from them.
#[derive(Clone)]
pub struct Case {
    pub policies: Vec<GenPolicy>,
    /// `(name, JSON text)` per policy, names `p0.json`, `p1.json`, ...
    pub documents: Vec<(String, String)>,
    pub requests: Vec<Request>,
}

impl fmt::Debug for Case {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "Case {{")?;
        for (name, text) in &self.documents {
            writeln!(f, "  {name}: {text}")?;
        }
        for r in &self.requests {
            writeln!(f, "  request: {}", request_json(r))?;
        }
        write!(f, "}}")
    }
}

impl Case {
    /// A policy set, then one to `max_requests` requests derived from it.
    pub fn generate(t: &mut Tape<'_>, s: &Settings) -> Case {
        let policies = policy::policy_set(t, s);
        let n = t.range(1, s.max_requests);
        let requests = (0..n).map(|_| derive_request(&policies, t, s)).collect();
        Case::new(policies, requests)
    }

    /// The case of `policies` (rendered) and `requests`.
    pub fn new(policies: Vec<GenPolicy>, requests: Vec<Request>) -> Case {
        let documents = policies
            .iter()
            .enumerate()
            .map(|(i, p)| (format!("p{i}.json"), render_policy(p)))
            .collect();
        Case {
            policies,
            documents,
            requests,
        }
    }
}
