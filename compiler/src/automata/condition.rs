//! Condition DFAs: one per distinct list of constant `Like` patterns.
//!
//! Consumes the IR's `Like` clauses (`StringLike` and the `Arn...` operators); produces, per
//! statement and clause, the index of the DFA over the clause's constant patterns
//! ([`ConditionDfas`]). The DFA is anchored at both ends, `?` one UTF-8 scalar, and for ARNs
//! the wildcards before the fifth colon already exclude `:` in the glob. Identical pattern
//! lists (common across managed policies) share one DFA; they are numbered in order of first
//! appearance, as `--emit ir` numbers them (`ir::condition::Test::like_constants`). A list
//! whose DFA cannot be built under the size limits gets none: the emitter then hands its
//! patterns to the runtime's glob (same result, slower), so this pass never fails on size.

use std::collections::HashMap;

use regex_syntax::hir::Hir;

use super::build::{DfaBuilder, DfaRole};
use super::glob::glob_hir;
use crate::ir::{Glob, PolicySet, StmtId};
use crate::CompileError;

/// The condition DFA of each clause: `None` for a clause that is not a `Like` with constants,
/// or whose DFA could not be built.
///
/// ```
/// use iamc_grammar::{ast::PolicyType, PolicySet, SourceFile};
/// let src = SourceFile::new("p.json", r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:Get*","s3:ListBucket"],"Resource":"arn:aws:s3:::b/*","Condition":{"StringLike":{"s3:prefix":["a*","b*"]}}},{"Effect":"Deny","NotAction":"s3:*","Resource":"*"}]}"#);
/// let policy = iamc_grammar::parse_policy(&src, PolicyType::Identity)?.policy;
/// let ir = iamc_compiler::lower::lower(&PolicySet::identity(vec![policy]))?;
/// let mut b = iamc_compiler::automata::DfaBuilder::new(&iamc_compiler::Config::default());
///
/// use iamc_compiler::ir::StmtId;
/// let dfas = iamc_compiler::automata::condition::build_conditions(&ir, &mut b)?;
/// assert_eq!(dfas.get(StmtId(0), 0), Some(0));
/// assert_eq!(dfas.get(StmtId(1), 0), None);
///
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConditionDfas {
    /// `per_statement[stmt][clause]`.
    per_statement: Vec<Vec<Option<u32>>>,
}

impl ConditionDfas {
    /// The DFA index of clause `clause` (its index in the statement's
    /// [`conditions`](crate::ir::Statement::conditions)) of statement `stmt`; `None` also for a
    /// statement or clause the set does not have.
    ///
    /// ```
    /// use iamc_grammar::{ast::PolicyType, PolicySet, SourceFile};
    /// use iamc_compiler::ir::StmtId;
    /// let src = SourceFile::new("p.json", r#"{"Version":"2012-10-17","Statement":[{"Sid":"Reports","Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::reports","Condition":{"StringLike":{"s3:prefix":["2026/*","shared/*"]}}},{"Sid":"Home","Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::home","Condition":{"StringEquals":{"s3:prefix":"${aws:username}/"}}}]}"#);
    /// let policy = iamc_grammar::parse_policy(&src, PolicyType::Identity)?.policy;
    /// let ir = iamc_compiler::lower::lower(&PolicySet::identity(vec![policy]))?;
    /// let mut b = iamc_compiler::automata::DfaBuilder::new(&iamc_compiler::Config::default());
    ///
    /// let dfas = iamc_compiler::automata::condition::build_conditions(&ir, &mut b)?;
    /// assert_eq!(dfas.get(StmtId(0), 0), Some(0), "`StringLike` with constants: a DFA");
    /// assert_eq!(dfas.get(StmtId(1), 0), None, "`StringEquals` needs none");
    /// assert_eq!(dfas.get(StmtId(2), 0), None, "no third statement");
    ///
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn get(&self, stmt: StmtId, clause: usize) -> Option<u32> {
        self.per_statement
            .get(stmt.0 as usize)
            .and_then(|c| c.get(clause))
            .copied()
            .flatten()
    }
}

/// Builds the condition DFAs of `set` into `b`.
///
/// # Errors
/// Only the total automaton budget (`max_total_dfa_bytes`) or too many automata.
///
/// ```
/// use iamc_grammar::{ast::PolicyType, PolicySet, SourceFile};
/// let src = SourceFile::new("p.json", r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:Get*","s3:ListBucket"],"Resource":"arn:aws:s3:::b/*","Condition":{"StringLike":{"s3:prefix":["a*","b*"]}}},{"Effect":"Deny","NotAction":"s3:*","Resource":"*"}]}"#);
/// let policy = iamc_grammar::parse_policy(&src, PolicyType::Identity)?.policy;
/// let ir = iamc_compiler::lower::lower(&PolicySet::identity(vec![policy]))?;
/// let mut b = iamc_compiler::automata::DfaBuilder::new(&iamc_compiler::Config::default());
///
/// iamc_compiler::automata::condition::build_conditions(&ir, &mut b)?;
/// assert_eq!(b.stats().len(), 1, "one DFA for `a*`, `b*`");
///
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn build_conditions(
    set: &PolicySet,
    b: &mut DfaBuilder,
) -> Result<ConditionDfas, CompileError> {
    let mut cache: HashMap<Vec<&Glob>, Option<u32>> = HashMap::new();
    let mut out = ConditionDfas::default();
    for s in &set.statements {
        let mut ids = Vec::with_capacity(s.conditions.len());
        for c in &s.conditions {
            let Some(list) = c.test.like_constants() else {
                ids.push(None);
                continue;
            };
            if let Some(&id) = cache.get(&list) {
                ids.push(id);
                continue;
            }
            let hirs: Vec<Hir> = list.iter().map(|g| glob_hir(g, false)).collect();
            let id = match b.try_build(&hirs) {
                Ok(d) => Some(b.push(d, DfaRole::Condition)?),
                // Too large or otherwise unbuildable: the runtime globs the patterns itself.
                Err(_) => None,
            };
            cache.insert(list, id);
            ids.push(id);
        }
        out.per_statement.push(ids);
    }
    Ok(out)
}
