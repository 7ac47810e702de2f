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

use iamc_format::program::{ResourceBlock, ResourceDfa, ResourceEntry};
use iamc_format::template::{Template, Token};
use regex_syntax::hir::Hir;

use super::build::{BuildFailure, DfaBuilder, DfaRole};
use super::glob::resource_form;
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
    // Pass 1: distinct DFA patterns (provisional ids in first-seen order) and the entries.
    let mut ids: HashMap<String, usize> = HashMap::new();
    let mut forms: Vec<(Hir, String, u8)> = Vec::new();
    let mut out = Resources::default();
    let mut per_stmt: Vec<Vec<(usize, Option<u32>)>> = Vec::with_capacity(set.statements.len());
    for s in &set.statements {
        let mut entries = Vec::new();
        for p in &s.resource.patterns {
            let form = resource_form(&p.glob);
            let provisional = *ids.entry(form.key).or_insert_with(|| {
                forms.push((form.hir, p.raw.clone(), form.group));
                forms.len() - 1
            });
            let template = if p.glob.has_vars() || !form.exact {
                let t = u32::try_from(out.templates.len())
                    .map_err(|_| CompileError::too_many("templates"))?;
                out.templates.push(template(&p.glob));
                Some(t)
            } else {
                None
            };
            entries.push((provisional, template));
        }
        per_stmt.push(entries);
    }
    // Pass 2: patterns ordered by group (see `DfaForm::group`); each group gets its own DFA(s).
    let mut order: Vec<usize> = (0..forms.len()).collect();
    order.sort_by_key(|&i| forms.get(i).map_or(0, |f| f.2));
    let mut final_id = vec![0u32; forms.len()];
    for (pos, &i) in order.iter().enumerate() {
        if let Some(slot) = final_id.get_mut(i) {
            *slot = u32::try_from(pos).map_err(|_| CompileError::too_many("resource patterns"))?;
        }
    }
    for (s, entries) in set.statements.iter().zip(per_stmt) {
        let mut block = ResourceBlock {
            negated: s.resource.negated,
            any: s.resource.any,
            entries: entries
                .into_iter()
                .map(|(p, template)| ResourceEntry {
                    pattern: final_id.get(p).copied().unwrap_or(0),
                    template,
                })
                .collect(),
        };
        block.entries.sort_by_key(|e| e.pattern);
        block.entries.dedup();
        out.blocks.push(block);
    }
    out.patterns =
        u32::try_from(forms.len()).map_err(|_| CompileError::too_many("resource patterns"))?;
    let mut slots: Vec<Option<(Hir, String, u8)>> = forms.into_iter().map(Some).collect();
    let sorted: Vec<(Hir, String, u8)> = order
        .iter()
        .filter_map(|&i| slots.get_mut(i).and_then(Option::take))
        .collect();
    let mut first = 0usize;
    while first < sorted.len() {
        let group = sorted.get(first).map_or(0, |f| f.2);
        let end = first
            + sorted
                .get(first..)
                .map_or(0, |r| r.iter().take_while(|f| f.2 == group).count());
        let part = sorted.get(first..end).unwrap_or(&[]);
        let hirs: Vec<Hir> = part.iter().map(|f| f.0.clone()).collect();
        let labels: Vec<String> = part.iter().map(|f| f.1.clone()).collect();
        let first_id = u32::try_from(first).map_err(|_| CompileError::too_many("patterns"))?;
        build_split(b, &hirs, &labels, first_id, &mut out.dfas)?;
        first = end.max(first + 1);
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
                crate::error::clip(labels.first().map_or("?", |s| s))
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
