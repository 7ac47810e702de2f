//! IR + automata → the [`Program`] the runtime reads (and, through the container, artifact
//! bytes).
//!
//! The only module that knows the artifact format (`iamc_format`): consumes an [`ir::PolicySet`] and the
//! [`Automata`] built from it; produces the program (statement metadata, candidate lists laid
//! out in id pools, literal hash tables, resource blocks, conditions in the runtime's stored
//! form) and hands the DFAs over unchanged.
//!
//! - `actions`: action shards: candidate id pools and the literal hash table.
//! - `conditions`: condition clauses: sorted sets, DFA indices, templates.

use iamc_format::program::{
    self, Program, ResourceBlock, ResourceDfa, ResourceEntry, StatementMeta,
};
use iamc_format::template::{Template, Token};

use crate::automata::{Automata, DfaStats, OwnedDfa};
use crate::ir::{self, Glob};
use crate::CompileError;

mod actions;
mod conditions;

/// A compiled set before serialization.
///
/// ```
/// let set = iamc_grammar::PolicySet::default();
/// let compiled = iamc_compiler::compile_set_program(&set, &Default::default())?;
/// assert_eq!(compiled.dfas.len(), compiled.stats.len());
///
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct Compiled {
    /// The program: statement metadata, candidate lists, resource blocks, conditions.
    pub program: Program,
    /// The DFAs the program's indices point at.
    pub dfas: Vec<OwnedDfa>,
    /// `stats[i]` describes `dfas[i]`.
    pub stats: Vec<DfaStats>,
}

/// Assembles the program of `set` from its automata.
///
/// # Errors
/// More candidate statements or literal actions than the format can number, or automata that
/// do not cover the set (an internal error).
///
/// ```
/// let set = iamc_grammar::PolicySet::default();
/// let ir = iamc_compiler::lower::lower(&set)?;
/// let automata = iamc_compiler::automata::build_from_ir(&ir, &Default::default())?;
/// let compiled = iamc_compiler::emit::emit(ir, automata)?;
/// assert!(compiled.program.statements.is_empty());
///
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn emit(set: ir::PolicySet, automata: Automata) -> Result<Compiled, CompileError> {
    // `allow_all` says "some Allow here applies whatever the request": enough to decide only
    // when the identity policies are all there is; the runtime honours it there alone.
    let identity_only = matches!(
        set.groups.as_slice(),
        [g] if g.policy_type == iamc_runtime::PolicyType::Identity
    );
    let shards = automata
        .actions
        .iter()
        .map(|sh| actions::emit_shard(sh, identity_only))
        .collect::<Result<Vec<_>, _>>()?;
    let r = automata.resources;
    let mut blocks = r.blocks.into_iter();
    let mut statements = Vec::with_capacity(set.statements.len());
    // INVARIANT (numbered): blocks and conditions come in statement order.
    for s in set.statements {
        let block = blocks
            .next()
            .ok_or_else(|| CompileError::program("missing resource block".into()))?;
        let conditions =
            conditions::emit_conditions(&s.conditions, |i| automata.conditions.get(s.id, i));
        let origin = origin(&s);
        statements.push(StatementMeta {
            group: s.provenance.group,
            principal: s.principal.map(principal),
            policy: s.provenance.policy,
            index: s.provenance.index,
            sid: s.provenance.sid,
            effect: s.effect,
            resource: ResourceBlock {
                negated: block.negated,
                any: block.any,
                entries: block
                    .entries
                    .iter()
                    .map(|e| ResourceEntry {
                        pattern: e.pattern,
                        template: e.template,
                    })
                    .collect(),
            },
            conditions,
            origin,
        });
    }
    let program = Program {
        groups: set
            .groups
            .iter()
            .map(|g| program::Group {
                policy_type: g.policy_type,
                level: g.level,
            })
            .collect(),
        policies: set.policies,
        statements,
        shards,
        resource_dfas: r
            .dfas
            .iter()
            .map(|d| ResourceDfa {
                dfa: d.dfa,
                first_pattern: d.first_pattern,
            })
            .collect(),
        resource_patterns: r.patterns,
        templates: r.templates.iter().map(resource_template).collect(),
    };
    Ok(Compiled {
        program,
        dfas: automata.dfas,
        stats: automata.stats,
    })
}

/// A byte offset as the format stores it (a policy text is far below 4 GiB: the grammar's
/// document limit; a larger one saturates, which only blurs an explanation).
fn offset(at: usize) -> u32 {
    u32::try_from(at).unwrap_or(u32::MAX)
}

/// What an explanation reports of a statement: its place, its clauses as written, the context
/// keys it references.
fn origin(s: &ir::Statement) -> program::Origin {
    program::Origin {
        start: offset(s.provenance.span.start),
        end: offset(s.provenance.span.end),
        clauses: s
            .conditions
            .iter()
            .map(|c| program::ClauseOrigin {
                operator: c.operator.clone(),
                values: c.texts.clone(),
                start: offset(c.span.start),
                end: offset(c.span.end),
            })
            .collect(),
        context_keys: s.context_keys.clone(),
    }
}

fn principal(b: ir::PrincipalBlock) -> program::PrincipalBlock {
    program::PrincipalBlock {
        negated: b.negated,
        any: b.any,
        entries: b
            .entries
            .into_iter()
            .map(|e| program::PrincipalEntry {
                kind: match e.kind {
                    ir::PrincipalKind::Aws => program::PrincipalEntryType::Aws,
                    ir::PrincipalKind::Service => program::PrincipalEntryType::Service,
                    ir::PrincipalKind::Federated => program::PrincipalEntryType::Federated,
                    ir::PrincipalKind::CanonicalUser => program::PrincipalEntryType::CanonicalUser,
                },
                value: e.value,
            })
            .collect(),
    }
}

/// The runtime's exact form of a resource glob confirmed after a DFA match: wildcards keep
/// their reach (the ARN field rule).
fn resource_template(g: &Glob) -> Template {
    template(g, true)
}

/// `g` as the format's one template type. `field_rule`: wildcards keep their reach (resource
/// entries); otherwise every wildcard may match `:` (condition values: an `Arn...` comparison
/// splits the fields itself, after substitution).
pub(crate) fn template(g: &Glob, field_rule: bool) -> Template {
    Template {
        tokens: g
            .pieces
            .iter()
            .map(|p| match p {
                Token::Star { colon } => Token::Star {
                    colon: *colon || !field_rule,
                },
                Token::One { colon } => Token::One {
                    colon: *colon || !field_rule,
                },
                other => other.clone(),
            })
            .collect(),
    }
}
