//! Pass 2: `Principal` / `NotPrincipal` to an [`ir::PrincipalBlock`].
//!
//! `"*"` and `{"AWS": "*"}` become the `any` flag; every other entry is kept as written, in
//! document order (which callers it names depends on the request: DESIGN.md "Whole decision").

use iamc_grammar::ast;

use crate::ir;

/// The block of a statement's `Principal` / `NotPrincipal` element.
///
/// ```
/// use iamc_grammar::{ast::PolicyType, PolicySet, SourceFile};
/// let src = SourceFile::new("p.json", r#"{"Statement":{"Effect":"Allow","Principal":{"AWS":["111122223333","arn:aws:iam::111122223333:role/dev"]},"Action":"sqs:*","Resource":"*"}}"#);
/// let policy = iamc_grammar::parse_policy(&src, PolicyType::Resource)?.policy;
/// let stmt = &policy.statements[0];
///
/// let block = stmt.principal.as_ref().ok_or("no principal")?;
/// let p = iamc_compiler::lower::principals::lower_principal(block);
/// assert!(!p.negated && !p.any);
/// assert_eq!(p.entries.len(), 2);
///
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn lower_principal(b: &ast::PrincipalBlock) -> ir::PrincipalBlock {
    let mut out = ir::PrincipalBlock {
        negated: b.negated,
        any: false,
        entries: Vec::new(),
    };
    match &b.principals {
        ast::Principals::Any => out.any = true,
        ast::Principals::Map(entries) => {
            for e in entries {
                if e.kind == ast::PrincipalKind::Aws && e.value.node == "*" {
                    out.any = true;
                } else {
                    out.entries.push(ir::PrincipalEntry {
                        kind: e.kind,
                        value: e.value.node.clone(),
                    });
                }
            }
        }
    }
    out
}
