//! Pass 1: number statements in policy order and record their provenance.

use iamc_grammar::ast;

use crate::{ir, CompileError};

/// A numbered statement: its id, provenance, policy and AST.
///
/// ```
/// let set = iamc_grammar::PolicySet::default();
/// let (names, numbered) = iamc_compiler::lower::provenance::number(&set.groups())?;
/// let _: &[iamc_compiler::lower::provenance::Numbered<'_>] = &numbered;
/// assert!(names.is_empty() && numbered.is_empty());
///
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
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
///
/// ```
/// use iamc_grammar::{ast::PolicyType, PolicySet, SourceFile};
/// let text = r#"{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"},
///     {"Effect":"Deny","Action":"s3:Delete*","Resource":"*"}]}"#;
/// let p = |name: &str| iamc_grammar::parse_policy(&SourceFile::new(name, text), PolicyType::Identity);
/// let set = PolicySet::identity(vec![p("a.json")?.policy, p("b.json")?.policy]);
/// let (names, numbered) = iamc_compiler::lower::provenance::number(&set.groups())?;
/// assert_eq!(names, ["a.json", "b.json"]);
/// let (id, provenance, _, _) = &numbered[3];
/// assert_eq!((id.0, provenance.policy, provenance.index), (3, 1, 1));
///
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
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
