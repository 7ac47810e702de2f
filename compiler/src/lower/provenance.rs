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

/// The policy names and every statement, numbered group by group (the order of
/// [`iamc_grammar::set::PolicySet::groups`]), policies in the order given within a group.
///
/// # Errors
/// More than `u32::MAX` policies or statements.
pub fn number<'a>(
    groups: &[iamc_grammar::set::Group<'a>],
) -> Result<(Vec<String>, Vec<Numbered<'a>>), CompileError> {
    let mut names = Vec::new();
    let mut out = Vec::new();
    let policies = groups
        .iter()
        .enumerate()
        .flat_map(|(g, group)| group.policies.iter().map(move |p| (g, p)));
    for (pi, (group, policy)) in policies.enumerate() {
        let pi = u32::try_from(pi).map_err(|_| CompileError::too_many("policies"))?;
        let group = u32::try_from(group).map_err(|_| CompileError::too_many("groups"))?;
        names.push(policy.name.clone());
        for stmt in &policy.statements {
            let id = u32::try_from(out.len()).map_err(|_| CompileError::too_many("statements"))?;
            let index =
                u32::try_from(stmt.index).map_err(|_| CompileError::too_many("statements"))?;
            let prov = ir::Provenance {
                group,
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
