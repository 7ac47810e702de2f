//! Pass 1: number statements in policy order and record their provenance.

use iamc_grammar::ast;

use crate::{ir, CompileError};

/// A numbered statement: its id, provenance, policy and AST.
pub type Numbered<'a> = (
    ir::StmtId,
    ir::Provenance,
    &'a ast::Policy,
    &'a ast::Statement,
);

/// The policy names and every statement, numbered in policy order.
///
/// # Errors
/// More than `u32::MAX` policies or statements.
pub fn number(policies: &[ast::Policy]) -> Result<(Vec<String>, Vec<Numbered<'_>>), CompileError> {
    let mut names = Vec::with_capacity(policies.len());
    let mut out = Vec::new();
    for (pi, policy) in policies.iter().enumerate() {
        let pi = u32::try_from(pi).map_err(|_| CompileError::too_many("policies"))?;
        names.push(policy.name.clone());
        for stmt in &policy.statements {
            let id = u32::try_from(out.len()).map_err(|_| CompileError::too_many("statements"))?;
            let index =
                u32::try_from(stmt.index).map_err(|_| CompileError::too_many("statements"))?;
            let prov = ir::Provenance {
                policy: pi,
                index,
                sid: stmt.sid.as_ref().map(|s| s.node.clone()),
                span: stmt.span,
            };
            out.push((ir::StmtId(id), prov, policy, stmt));
        }
    }
    Ok((names, out))
}
