//! AST → IR, as a list of passes run in this order on every statement.
//!
//! 1. [`provenance`]: number the statements in policy order and record where each came from.
//!    *After it*: no policy nesting; a statement is its [`ir::StmtId`].
//! 2. [`actions`]: `Action` / `NotAction` to an [`ir::ActionMatcher`]: `*` becomes a flag,
//!    patterns are ASCII-lowercased, duplicates dropped. *After it*: no letter case in actions.
//! 3. [`resources`]: `Resource` / `NotResource` to an [`ir::ResourceMatcher`]: short ARNs are
//!    padded to six fields, every wildcard learns whether it may cross `:`, policy variables
//!    become holes (only under 2012-10-17: the grammar already made them text under 2008).
//!    *After it*: no short ARN, no Version, no ambiguous wildcard.
//! 4. conditions (`lower/condition.rs`, owned by the conditions work): the `Condition` block to
//!    the runtime's lowered form. *After it*: no AST left in the statement.

use iamc_grammar::ast;

use crate::automata::DfaBuilder;
use crate::{ir, CompileError};

pub mod actions;
mod condition;
pub mod provenance;
pub mod resources;

/// Lowers every statement of `policies` (in order) through the passes above.
///
/// Condition automata (if any) are added to `dfas`.
///
/// # Errors
/// A policy that is not identity-based (the other policy types of spec 7 are not compiled yet:
/// treated as identity policies, a permissions boundary or an SCP would grant instead of
/// capping), or a statement the passes cannot lower (too many statements, a condition the
/// conditions pass rejects).
pub fn lower(
    policies: &[ast::Policy],
    dfas: &mut DfaBuilder,
) -> Result<ir::PolicySet, CompileError> {
    if let Some(p) = policies
        .iter()
        .find(|p| p.kind != ast::PolicyKind::Identity)
    {
        return Err(CompileError::unsupported_kind(&p.name, p.kind));
    }
    let (names, numbered) = provenance::number(policies)?;
    let mut statements = Vec::with_capacity(numbered.len());
    for (id, prov, policy, stmt) in numbered {
        let action = actions::lower_actions(&stmt.action);
        let resource = resources::lower_resources(stmt.resource.as_ref());
        let conditions = lower_conditions(stmt, policy.version, dfas)?;
        statements.push(ir::Statement {
            id,
            provenance: prov,
            effect: match stmt.effect.node {
                ast::Effect::Allow => ir::Effect::Allow,
                ast::Effect::Deny => ir::Effect::Deny,
            },
            action,
            resource,
            conditions,
        });
    }
    Ok(ir::PolicySet {
        policies: names,
        statements,
    })
}

/// Pass 4: `lower/condition.rs`; an empty block is `None`.
fn lower_conditions(
    stmt: &ast::Statement,
    version: ast::Version,
    dfas: &mut DfaBuilder,
) -> Result<Option<iamc_runtime::program::Conditions>, CompileError> {
    let c = condition::lower_conditions(&stmt.conditions, version, dfas)?;
    Ok((!c.is_always()).then_some(c))
}
