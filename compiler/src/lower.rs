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

use iamc_format::program;
use iamc_format::PolicyType;
use iamc_grammar::{ast, PolicySet};

use crate::automata::DfaBuilder;
use crate::{ir, CompileError};

pub mod actions;
mod condition;
pub mod provenance;
pub mod resources;

/// Lowers every statement of `set` (group by group, policies in order) through the passes
/// above.
///
/// Condition automata (if any) are added to `dfas`.
///
/// # Errors
/// A set whose policies sit in the wrong slots, or a statement the passes cannot lower (too
/// many statements, a condition the conditions pass rejects).
pub fn lower(set: &PolicySet, dfas: &mut DfaBuilder) -> Result<ir::PolicySet, CompileError> {
    set.check()
        .map_err(|e| CompileError::bad_set(e.message().to_owned()))?;
    let groups = set.groups();
    let typed: Vec<program::Group> = groups
        .iter()
        .map(|g| program::Group {
            policy_type: policy_type(g.kind),
            level: g.level,
        })
        .collect();
    let (names, numbered) = provenance::number(&groups)?;
    let mut statements = Vec::with_capacity(numbered.len());
    for (id, prov, policy, stmt) in numbered {
        let action = actions::lower_actions(&stmt.action);
        let resource = resources::lower_resources(stmt.resource.as_ref(), policy.kind);
        let conditions = lower_conditions(stmt, policy.version, dfas)?;
        statements.push(ir::Statement {
            id,
            provenance: prov,
            effect: match stmt.effect.node {
                ast::Effect::Allow => ir::Effect::Allow,
                ast::Effect::Deny => ir::Effect::Deny,
            },
            principal: stmt.principal.as_ref().map(lower_principal),
            action,
            resource,
            conditions,
        });
    }
    Ok(ir::PolicySet {
        groups: typed,
        policies: names,
        statements,
    })
}

/// The runtime's name for a policy kind.
pub fn policy_type(kind: ast::PolicyType) -> PolicyType {
    match kind {
        ast::PolicyType::Identity => PolicyType::Identity,
        ast::PolicyType::Resource => PolicyType::Resource,
        ast::PolicyType::Trust => PolicyType::Trust,
        ast::PolicyType::Boundary => PolicyType::Boundary,
        ast::PolicyType::Session => PolicyType::Session,
        ast::PolicyType::Scp => PolicyType::Scp,
        ast::PolicyType::Rcp => PolicyType::Rcp,
        ast::PolicyType::Endpoint => PolicyType::Endpoint,
    }
}

/// `Principal` / `NotPrincipal` as the runtime matches it: `"*"` and `{"AWS": "*"}` become the
/// `any` flag, every other entry is kept as written.
fn lower_principal(b: &ast::PrincipalBlock) -> program::PrincipalBlock {
    let mut out = program::PrincipalBlock {
        negated: b.negated,
        any: false,
        entries: Vec::new(),
    };
    match &b.principals {
        ast::Principals::Any => out.any = true,
        ast::Principals::Map(entries) => {
            for e in entries {
                let kind = match e.kind {
                    ast::PrincipalKind::Aws => program::PrincipalEntryType::Aws,
                    ast::PrincipalKind::Service => program::PrincipalEntryType::Service,
                    ast::PrincipalKind::Federated => program::PrincipalEntryType::Federated,
                    ast::PrincipalKind::CanonicalUser => program::PrincipalEntryType::CanonicalUser,
                };
                if kind == program::PrincipalEntryType::Aws && e.value.node == "*" {
                    out.any = true;
                } else {
                    out.entries.push(program::PrincipalEntry {
                        kind,
                        value: e.value.node.clone(),
                    });
                }
            }
        }
    }
    out
}

/// Pass 4: `lower/condition.rs`; an empty block is `None`.
fn lower_conditions(
    stmt: &ast::Statement,
    version: ast::Version,
    dfas: &mut DfaBuilder,
) -> Result<Option<iamc_format::cond::Conditions>, CompileError> {
    let c = condition::lower_conditions(&stmt.conditions, version, dfas)?;
    Ok((!c.is_always()).then_some(c))
}
