//! IR + automata → the runtime's [`Program`] (and, through the container, artifact bytes).

use iamc_format::program::{Program, StatementMeta};

use crate::automata::action::build_action_shards;
use crate::automata::build::{DfaStats, OwnedDfa};
use crate::automata::resource::build_resources;
use crate::automata::DfaBuilder;
use crate::ir::{Effect, PolicySet};
use crate::CompileError;

/// A compiled set before serialization.
#[derive(Debug)]
pub struct Compiled {
    pub program: Program,
    pub dfas: Vec<OwnedDfa>,
    pub stats: Vec<DfaStats>,
}

/// Builds the action and resource automata of `set` into `b` (which may already hold
/// condition automata) and assembles the program.
///
/// # Errors
/// See [`build_action_shards`] and [`build_resources`].
pub fn emit(set: PolicySet, mut b: DfaBuilder) -> Result<Compiled, CompileError> {
    let mut shards = build_action_shards(&set, &mut b)?;
    // `allow_all` says "some Allow here applies whatever the request": enough to decide only
    // when the identity policies are all there is; the runtime honours it there alone.
    let identity_only = matches!(
        set.groups.as_slice(),
        [g] if g.policy_type == iamc_format::PolicyType::Identity
    );
    if !identity_only {
        for sh in &mut shards {
            for l in sh.lists.iter_mut().chain(sh.early.iter_mut()) {
                l.allow_all = false;
            }
        }
    }
    let resources = build_resources(&set, &mut b)?;
    let mut blocks = resources.blocks.into_iter();
    let mut statements = Vec::with_capacity(set.statements.len());
    for s in set.statements {
        let resource = blocks
            .next()
            .ok_or_else(|| CompileError::program("missing resource block".into()))?;
        statements.push(StatementMeta {
            group: s.provenance.group,
            principal: s.principal,
            policy: s.provenance.policy,
            index: s.provenance.index,
            sid: s.provenance.sid,
            effect: match s.effect {
                Effect::Allow => iamc_format::Effect::Allow,
                Effect::Deny => iamc_format::Effect::Deny,
            },
            resource,
            conditions: s.conditions,
        });
    }
    let program = Program {
        groups: set.groups,
        policies: set.policies,
        statements,
        shards,
        resource_dfas: resources.dfas,
        resource_patterns: resources.patterns,
        templates: resources.templates,
    };
    let (dfas, stats) = b.into_parts();
    Ok(Compiled {
        program,
        dfas,
        stats,
    })
}
