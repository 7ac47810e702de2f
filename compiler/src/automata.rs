//! IR → `regex-automata` dense DFAs: a pass after lowering.
//!
//! Consumes an [`ir::PolicySet`]; produces [`Automata`]: every DFA of the artifact (in the
//! order the program refers to them) and, beside them, what the emitter needs to lay the
//! program out (candidate lists per action DFA state, resource entries by pattern id, the
//! condition DFA of each clause). Knows nothing of the artifact format.
//!
//! - [`glob`]: an IR glob to a regex-syntax `Hir` (never through regex text); one DFA for a set
//!   of globs ([`glob::build_glob_dfa`], for the analyses).
//! - [`build`]: the one place DFAs are determinized: anchored, `MatchKind::All`, byte classes,
//!   size limits; [`DfaBuilder`] collects every DFA of an artifact.
//! - [`condition`]: one DFA per distinct list of constant `Like` patterns.
//! - [`action`]: the action shards and their precomputed candidate lists.
//! - [`resource`]: the resource pattern DFAs, split on overflow.
//!
//! The DFAs are built in that order (conditions, actions, resources); their index in
//! [`Automata::dfas`] is how everything else names them.

use crate::{ir, CompileError, Config};

pub mod action;
pub mod build;
pub mod condition;
pub mod glob;
pub mod ops;
pub mod resource;

pub use build::{DfaBuilder, DfaRole, DfaStats, OwnedDfa};

/// Every automaton of a compiled set, and how the statements refer to them.
///
/// ```
/// use iamc_grammar::{ast::PolicyType, PolicySet, SourceFile};
/// let src = SourceFile::new("p.json", r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:Get*","s3:ListBucket"],"Resource":"arn:aws:s3:::b/*","Condition":{"StringLike":{"s3:prefix":["a*","b*"]}}},{"Effect":"Deny","NotAction":"s3:*","Resource":"*"}]}"#);
/// let policy = iamc_grammar::parse_policy(&src, PolicyType::Identity)?.policy;
/// let ir = iamc_compiler::lower::lower(&PolicySet::identity(vec![policy]))?;
///
/// let automata = iamc_compiler::automata::build_from_ir(&ir, &Default::default())?;
/// assert_eq!(automata.dfas.len(), automata.stats.len());
/// assert_eq!(automata.actions.len(), 1);
/// assert_eq!(automata.resources.blocks.len(), 2);
///
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct Automata {
    /// Every DFA; the indices below point here.
    pub dfas: Vec<OwnedDfa>,
    /// `stats[i]` describes `dfas[i]`.
    pub stats: Vec<DfaStats>,
    /// The condition DFA of each `Like` clause with constant patterns.
    pub conditions: condition::ConditionDfas,
    /// Contiguous statement ranges covering every statement once, in order.
    pub actions: Vec<action::ActionShard>,
    /// The resource DFAs and every statement's resource block.
    pub resources: resource::Resources,
}

/// Builds the automata of `set` under the limits of `config`.
///
/// # Errors
/// A statement whose action patterns, or a single resource pattern, exceed the size limits
/// even alone; all automata together over `max_total_dfa_bytes`; a failed build.
///
/// ```
/// use iamc_grammar::{ast::PolicyType, PolicySet, SourceFile};
/// let src = SourceFile::new("p.json", r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:Get*","s3:ListBucket"],"Resource":"arn:aws:s3:::b/*","Condition":{"StringLike":{"s3:prefix":["a*","b*"]}}},{"Effect":"Deny","NotAction":"s3:*","Resource":"*"}]}"#);
/// let policy = iamc_grammar::parse_policy(&src, PolicyType::Identity)?.policy;
/// let ir = iamc_compiler::lower::lower(&PolicySet::identity(vec![policy]))?;
///
/// let automata = iamc_compiler::automata::build_from_ir(&ir, &iamc_compiler::Config::default())?;
/// assert!(automata.stats.iter().any(|s| s.role == iamc_compiler::automata::DfaRole::Condition));
///
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn build_from_ir(set: &ir::PolicySet, config: &Config) -> Result<Automata, CompileError> {
    let mut b = DfaBuilder::new(config);
    let conditions = condition::build_conditions(set, &mut b)?;
    let actions = action::build_action_shards(set, &mut b)?;
    let resources = resource::build_resources(set, &mut b)?;
    let (dfas, stats) = b.into_parts();
    Ok(Automata {
        dfas,
        stats,
        conditions,
        actions,
        resources,
    })
}
