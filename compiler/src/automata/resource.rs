//! Resource pattern DFAs.
//!
//! Every distinct resource glob of the set is one pattern, compiled with the early-report trick
//! (a trailing `*` that crosses `:`, or a trailing variable hole, is dropped and the pattern is
//! not anchored at the end; the runtime collects matches along the whole walk) and with
//! field-wise wildcards (fields 1 to 5 do not cross `:`): together they keep real sets linear
//! (see `../shared/notes/dependencies-and-automata.md` sections 3 and 5). Patterns go into as
//! few DFAs as the size limits allow: a set that overflows is halved, recursively; a single
//! pattern that still overflows is an error naming it.

use std::collections::HashMap;

use iamc_runtime::program::{ResourceBlock, ResourceDfa, ResourceEntry, Template, Token};
use regex_syntax::hir::Hir;

use super::build::{BuildFailure, DfaBuilder, DfaRole};
use super::glob::{glob_hir, glob_key};
use crate::ir::{Glob, Piece, PolicySet};
use crate::CompileError;

/// The resource side of a program.
#[derive(Debug, Default)]
pub struct Resources {
    pub dfas: Vec<ResourceDfa>,
    pub patterns: u32,
    /// One block per statement, in statement order.
    pub blocks: Vec<ResourceBlock>,
    pub templates: Vec<Template>,
}

/// Builds the resource DFAs and every statement's resource block.
///
/// # Errors
/// A single pattern exceeding the size limits, or a failed build.
pub fn build_resources(set: &PolicySet, b: &mut DfaBuilder) -> Result<Resources, CompileError> {
    let mut ids: HashMap<String, u32> = HashMap::new();
    let mut hirs: Vec<Hir> = Vec::new();
    let mut labels: Vec<String> = Vec::new();
    let mut out = Resources::default();
    for s in &set.statements {
        let r = &s.resource;
        let mut block = ResourceBlock {
            negated: r.negated,
            any: r.any,
            entries: Vec::new(),
        };
        for p in &r.patterns {
            let key = glob_key(&p.glob, true);
            let pattern = match ids.get(&key) {
                Some(&id) => id,
                None => {
                    let id = u32::try_from(hirs.len())
                        .map_err(|_| CompileError::too_many("resource patterns"))?;
                    hirs.push(glob_hir(&p.glob, true));
                    labels.push(p.raw.clone());
                    ids.insert(key, id);
                    id
                }
            };
            let template = if p.glob.has_vars() {
                let t = u32::try_from(out.templates.len())
                    .map_err(|_| CompileError::too_many("templates"))?;
                out.templates.push(template(&p.glob));
                Some(t)
            } else {
                None
            };
            block.entries.push(ResourceEntry { pattern, template });
        }
        block.entries.sort_by_key(|e| e.pattern);
        block.entries.dedup();
        out.blocks.push(block);
    }
    out.patterns =
        u32::try_from(hirs.len()).map_err(|_| CompileError::too_many("resource patterns"))?;
    if !hirs.is_empty() {
        build_split(b, &hirs, &labels, 0, &mut out.dfas)?;
    }
    Ok(out)
}

fn build_split(
    b: &mut DfaBuilder,
    hirs: &[Hir],
    labels: &[String],
    first: u32,
    out: &mut Vec<ResourceDfa>,
) -> Result<(), CompileError> {
    match b.try_build(hirs) {
        Ok(dfa) => {
            let dfa = b.push(dfa, DfaRole::Resource)?;
            out.push(ResourceDfa {
                dfa,
                first_pattern: first,
            });
            Ok(())
        }
        Err(BuildFailure::TooLarge) if hirs.len() > 1 => {
            let mid = hirs.len() / 2;
            let (h1, h2) = hirs.split_at(mid);
            let (l1, l2) = labels.split_at(mid.min(labels.len()));
            build_split(b, h1, l1, first, out)?;
            let first2 = first
                .checked_add(u32::try_from(mid).map_err(|_| CompileError::too_many("patterns"))?)
                .ok_or_else(|| CompileError::too_many("resource patterns"))?;
            build_split(b, h2, l2, first2, out)
        }
        Err(BuildFailure::TooLarge) => {
            let what = format!(
                "the resource pattern `{}`",
                labels.first().map_or("?", |s| s)
            );
            Err(CompileError::too_large(&what))
        }
        Err(BuildFailure::Other(e)) => Err(CompileError::automaton("resource patterns", &e)),
    }
}

/// The runtime's exact form of a glob with variables.
pub fn template(g: &Glob) -> Template {
    Template {
        tokens: g
            .pieces
            .iter()
            .map(|p| match p {
                Piece::Lit(s) => Token::Lit(s.clone()),
                Piece::Star { colon } => Token::Star { colon: *colon },
                Piece::One { colon } => Token::One { colon: *colon },
                Piece::Var { key, default } => Token::Var {
                    key: key.clone(),
                    default: default.clone(),
                },
            })
            .collect(),
    }
}
