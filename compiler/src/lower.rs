//! AST → IR: a pure function of the policy set, as a list of passes run in this order.
//!
//! Consumes a validated, typed [`iamc_grammar::PolicySet`]; produces an [`ir::PolicySet`] that
//! satisfies the invariants listed in [`crate::ir`]. Builds no automaton and knows nothing of
//! the artifact format.
//!
//! 0. the set's shape is checked (policies in the slots of their kind) and its groups listed.
//! 1. [`provenance`]: number the statements in listing order and record where each came from.
//!    *After it*: no policy nesting; a statement is its [`ir::StmtId`] (INVARIANT (numbered)).
//! 2. [`principals`]: `Principal` / `NotPrincipal` to an [`ir::PrincipalBlock`]: `"*"` and
//!    `{"AWS": "*"}` become the `any` flag, the other entries are kept as written.
//! 3. [`actions`]: `Action` / `NotAction` to an [`ir::ActionMatcher`]: `*` becomes a flag,
//!    patterns are ASCII-lowercased, duplicates dropped. *After it*: no letter case in actions
//!    (INVARIANT (lowercase-actions)).
//! 4. [`resources`]: `Resource` / `NotResource` to an [`ir::ResourceMatcher`]: short ARNs are
//!    padded to six fields (or dropped where they match nothing), every wildcard learns whether
//!    it may cross `:`, policy variables become holes (only under 2012-10-17: the grammar
//!    already made them text under 2008). *After it*: no short ARN, no Version, no ambiguous
//!    wildcard (INVARIANT (six-fields)).
//! 5. [`conditions`]: the `Condition` block to [`ir::Clause`]s, one per (operator, key), values
//!    read as the operator's type. *After it*: no AST left in the statement, no operator
//!    names, no value text that still needs parsing (INVARIANT (values-complete)).
//!
//! The analyses lower single patterns with [`action_glob`] and [`resource_glob`], which read
//! one string exactly as it would be read inside a policy.

use iamc_grammar::{ast, PolicySet};
use iamc_runtime::PolicyType;

use crate::{ir, CompileError};

pub mod actions;
pub mod conditions;
pub mod principals;
pub mod provenance;
pub mod resources;

/// Lowers every statement of `set` (group by group, policies in order) through the passes
/// above.
///
/// # Errors
/// A set whose policies sit in the wrong slots, or more policies or statements than an
/// artifact can number (`u32`).
///
/// ```
/// use iamc_grammar::{ast::PolicyType, PolicySet, SourceFile};
/// let src = SourceFile::new("p.json", r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["S3:Get*","s3:get*"],"Resource":"arn:aws:s3:::b/${aws:username}"}]}"#);
/// let policy = iamc_grammar::parse_policy(&src, PolicyType::Identity)?.policy;
/// let ir = iamc_compiler::lower::lower(&PolicySet::identity(vec![policy]))?;
///
/// let s = &ir.statements[0];
/// assert_eq!(s.action.patterns.len(), 1, "lowercased, duplicates removed");
/// assert!(s.resource.patterns[0].glob.has_vars());
/// assert_eq!(ir.policy_of(s), Some("p.json"));
///
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn lower(set: &PolicySet) -> Result<ir::PolicySet, CompileError> {
    // Pass 0.
    set.check()
        .map_err(|e| CompileError::bad_set(e.message().to_owned()))?;
    let groups = set.groups();
    let typed: Vec<ir::Group> = groups
        .iter()
        .map(|g| ir::Group {
            policy_type: g.kind,
            level: g.level,
        })
        .collect();
    // Pass 1.
    let (names, numbered) = provenance::number(&groups)?;
    let mut statements = Vec::with_capacity(numbered.len());
    for (id, provenance, policy, stmt) in numbered {
        statements.push(ir::Statement {
            id,
            provenance,
            effect: stmt.effect.node,
            // Passes 2 to 5.
            principal: stmt.principal.as_ref().map(principals::lower_principal),
            action: actions::lower_actions(&stmt.action),
            resource: resources::lower_resources(stmt.resource.as_ref(), policy.kind),
            conditions: conditions::lower_conditions(&stmt.conditions),
            context_keys: conditions::context_keys(stmt),
        });
    }
    Ok(ir::PolicySet {
        groups: typed,
        policies: names,
        statements,
    })
}

/// `items` without those whose glob an earlier item has (first seen kept, order kept), in
/// linear time: an element may hold thousands of patterns.
fn first_seen<T>(items: Vec<T>, glob: impl Fn(&T) -> &ir::Glob) -> Vec<T> {
    let mut seen = std::collections::HashSet::with_capacity(items.len());
    let keep: Vec<bool> = items.iter().map(|it| seen.insert(glob(it))).collect();
    drop(seen);
    items
        .into_iter()
        .zip(keep)
        .filter_map(|(it, k)| k.then_some(it))
        .collect()
}

/// One `Action` entry (`*` or `service:name`, as a policy would hold it) as its IR glob: the
/// ASCII-lowercased `service:name` glob (INVARIANT (lowercase-actions)); `*` is
/// [`ir::Glob::any`].
///
/// ```
/// let g = iamc_compiler::lower::action_glob("ECS:Describe*")?;
/// assert_eq!(g.to_string(), "ecs:describe*");
/// # Ok::<(), iamc_compiler::CompileError>(())
/// ```
///
/// # Errors
/// A pattern a policy would reject (no colon, a wildcard in the service prefix, ...), with the
/// grammar's message.
pub fn action_glob(pattern: &str) -> Result<ir::Glob, CompileError> {
    let policy = single_statement(
        pattern,
        "Action",
        ast::PolicyType::Identity,
        ast::Version::V2012_10_17,
    )?;
    let stmt = policy
        .statements
        .first()
        .ok_or_else(|| CompileError::pattern(pattern, "no statement".into()))?;
    let m = actions::lower_actions(&stmt.action);
    Ok(if m.any {
        ir::Glob::any()
    } else {
        m.patterns.into_iter().next().unwrap_or_default()
    })
}

/// One `Resource` entry (`*` or an ARN, as a policy of type `policy_type` and `version` would
/// hold it) as its IR glob: six fields, wildcard reach explicit, variables as holes
/// (INVARIANT (six-fields)); `*` is [`ir::Glob::any`]. `None` when the entry matches nothing
/// (a short ARN without `*` in a resource-based or endpoint policy, spec 3.4).
///
/// ```
/// use iamc_grammar::ast::Version;
/// use iamc_runtime::PolicyType;
/// let g = iamc_compiler::lower::resource_glob("arn:aws:ecs", PolicyType::Identity, Version::V2012_10_17)?;
/// assert_eq!(g.map(|g| g.to_string()).as_deref(), Some("arn:aws:ecs:*:*:*"));
/// # Ok::<(), iamc_compiler::CompileError>(())
/// ```
///
/// # Errors
/// A pattern a policy of that type would reject (not an ARN, a short ARN in an SCP without a
/// trailing `*` or in an RCP, a variable before the resource part; trust policies have no
/// `Resource`), with the grammar's message.
pub fn resource_glob(
    pattern: &str,
    policy_type: PolicyType,
    version: ast::Version,
) -> Result<Option<ir::Glob>, CompileError> {
    let kind = policy_type;
    let policy = single_statement(pattern, "Resource", kind, version)?;
    let stmt = policy
        .statements
        .first()
        .ok_or_else(|| CompileError::pattern(pattern, "no statement".into()))?;
    let m = resources::lower_resources(stmt.resource.as_ref(), kind);
    Ok(if m.any {
        Some(ir::Glob::any())
    } else {
        m.patterns.into_iter().next().map(|p| p.glob)
    })
}

/// Parses a one-statement policy of `kind` whose `element` is `pattern` (the other elements
/// neutral), so that a single pattern passes exactly the checks it would pass in a policy.
fn single_statement(
    pattern: &str,
    element: &str,
    kind: ast::PolicyType,
    version: ast::Version,
) -> Result<ast::Policy, CompileError> {
    let mut doc = String::from("{\"Version\":\"");
    doc.push_str(match version {
        ast::Version::V2008_10_17 => "2008-10-17",
        ast::Version::V2012_10_17 => "2012-10-17",
    });
    doc.push_str("\",\"Statement\":{\"Effect\":\"Allow\",");
    if matches!(
        kind,
        ast::PolicyType::Resource
            | ast::PolicyType::Trust
            | ast::PolicyType::Rcp
            | ast::PolicyType::Endpoint
    ) {
        doc.push_str("\"Principal\":\"*\",");
    }
    doc.push('"');
    doc.push_str(element);
    doc.push_str("\":");
    iamc_grammar::json::write_string(&mut doc, pattern);
    if element != "Action" {
        doc.push_str(",\"Action\":\"*\"");
    }
    if element != "Resource" && kind != ast::PolicyType::Trust {
        doc.push_str(",\"Resource\":\"*\"");
    }
    doc.push_str("}}");
    let src = iamc_grammar::SourceFile::new("pattern", doc);
    iamc_grammar::parse_policy(&src, kind)
        .map(|parsed| parsed.policy)
        .map_err(|diags| {
            let messages: Vec<&str> = diags.errors().map(|d| d.message()).collect();
            CompileError::pattern(pattern, messages.join("; "))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_action_patterns_lower_as_in_a_policy() {
        assert_eq!(action_glob("*").unwrap(), ir::Glob::any());
        assert_eq!(
            action_glob("S3:Get?bject").unwrap().to_string(),
            "s3:get?bject"
        );
        assert_eq!(action_glob("s3:").unwrap().to_string(), "s3:");
        for bad in ["s3", "*:Get", "s3:a:b", "", "s3:${aws:username}"] {
            let e = action_glob(bad).unwrap_err().to_string();
            assert!(e.contains(&format!("`{bad}`")), "{e}");
        }
        let quoted = action_glob("s3:\"x\\\n").unwrap();
        assert_eq!(quoted.as_literal().as_deref(), Some("s3:\"x\\\n"));
    }

    #[test]
    fn single_resource_patterns_follow_the_policy_type() {
        let v12 = ast::Version::V2012_10_17;
        let glob =
            |p: &str, t: PolicyType| resource_glob(p, t, v12).map(|g| g.map(|g| g.to_string()));
        assert_eq!(
            glob("*", PolicyType::Identity).unwrap().as_deref(),
            Some("*")
        );
        assert_eq!(
            glob("arn:aws:s3:::b/${aws:username}/*", PolicyType::Identity)
                .unwrap()
                .as_deref(),
            Some("arn:aws:s3:::b/${aws:username}/*")
        );
        assert_eq!(
            resource_glob(
                "arn:aws:s3:::b/${x}",
                PolicyType::Identity,
                ast::Version::V2008_10_17
            )
            .unwrap()
            .map(|g| g.to_string())
            .as_deref(),
            Some("arn:aws:s3:::b/\\${x}")
        );
        assert_eq!(glob("arn:aws:ecs", PolicyType::Resource).unwrap(), None);
        assert_eq!(
            glob("arn:aws:ecs*", PolicyType::Resource)
                .unwrap()
                .as_deref(),
            Some("arn:aws:ecs*:*:*:*")
        );
        assert!(glob("arn:aws:ecs", PolicyType::Scp).is_err());
        assert!(glob("arn:aws:ecs", PolicyType::Rcp).is_err());
        assert!(glob("arn:aws:ecs:*:*:x", PolicyType::Trust).is_err());
        assert!(glob("ecs", PolicyType::Identity).is_err());
        assert!(glob("arn:${aws:x}:s3:::b", PolicyType::Identity).is_err());
    }
}
