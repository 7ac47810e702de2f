//! Resource pattern DFAs.
//!
//! Every distinct resource glob of the set is one pattern, compiled with the early-report trick
//! (a trailing `*` that crosses `:`, or a trailing variable hole, is dropped and the pattern is
//! not anchored at the end; the runtime collects matches along the whole walk) and with
//! field-wise wildcards (fields 1 to 5 do not cross `:`): together they keep real sets linear
//! (see `../shared/notes/dependencies-and-automata.md` sections 3 and 5). Patterns go into as
//! few DFAs as the size limits allow: a set that overflows is halved, recursively; a single
//! pattern that still overflows is an error naming it.
//!
//! Consumes the IR's resource matchers; produces [`Resources`]: the DFAs with their global
//! pattern numbering, each statement's block of entries, and the globs confirmed exactly at
//! run time.

use std::collections::HashMap;

use regex_syntax::hir::Hir;

use super::build::{BuildFailure, DfaBuilder, DfaRole};
use super::glob::resource_form;
use crate::ir::{Glob, PolicySet};
use crate::CompileError;

/// The resource side of a compiled set.
///
/// ```
/// use iamc_grammar::{ast::PolicyType, PolicySet, SourceFile};
/// let src = SourceFile::new("p.json", r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:Get*","s3:ListBucket"],"Resource":"arn:aws:s3:::b/*","Condition":{"StringLike":{"s3:prefix":["a*","b*"]}}},{"Effect":"Deny","NotAction":"s3:*","Resource":"*"}]}"#);
/// let policy = iamc_grammar::parse_policy(&src, PolicyType::Identity)?.policy;
/// let ir = iamc_compiler::lower::lower(&PolicySet::identity(vec![policy]))?;
/// let mut b = iamc_compiler::automata::DfaBuilder::new(&iamc_compiler::Config::default());
///
/// let r = iamc_compiler::automata::resource::build_resources(&ir, &mut b)?;
/// assert_eq!((r.dfas.len(), r.patterns, r.blocks.len()), (1, 1, 2));
/// assert!(r.templates.is_empty());
///
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Default)]
pub struct Resources {
    /// The resource DFAs, in the order their patterns are numbered.
    pub dfas: Vec<ResourceDfa>,
    /// Number of distinct DFA patterns (global ids `0..patterns`).
    pub patterns: u32,
    /// One block per statement, in statement order.
    pub blocks: Vec<ResourceBlock>,
    /// Globs confirmed exactly after a DFA match: those with variables, and those the DFA
    /// holds only a prefix of.
    pub templates: Vec<Glob>,
}

/// One resource DFA and the global id of its pattern 0.
///
/// ```
/// use iamc_grammar::{ast::PolicyType, PolicySet, SourceFile};
/// let src = SourceFile::new("p.json", r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:Get*","s3:ListBucket"],"Resource":"arn:aws:s3:::b/*","Condition":{"StringLike":{"s3:prefix":["a*","b*"]}}},{"Effect":"Deny","NotAction":"s3:*","Resource":"*"}]}"#);
/// let policy = iamc_grammar::parse_policy(&src, PolicyType::Identity)?.policy;
/// let ir = iamc_compiler::lower::lower(&PolicySet::identity(vec![policy]))?;
/// let mut b = iamc_compiler::automata::DfaBuilder::new(&iamc_compiler::Config::default());
///
/// let r = iamc_compiler::automata::resource::build_resources(&ir, &mut b)?;
/// assert_eq!(r.dfas[0].first_pattern, 0);
/// assert!(b.get(r.dfas[0].dfa).is_some());
///
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResourceDfa {
    /// Index of the DFA among the artifact's DFAs.
    pub dfa: u32,
    /// The global pattern id of the DFA's pattern 0.
    pub first_pattern: u32,
}

/// `Resource` / `NotResource` of one statement.
///
/// ```
/// use iamc_grammar::{ast::PolicyType, PolicySet, SourceFile};
/// let src = SourceFile::new("p.json", r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:Get*","s3:ListBucket"],"Resource":"arn:aws:s3:::b/*","Condition":{"StringLike":{"s3:prefix":["a*","b*"]}}},{"Effect":"Deny","NotAction":"s3:*","Resource":"*"}]}"#);
/// let policy = iamc_grammar::parse_policy(&src, PolicyType::Identity)?.policy;
/// let ir = iamc_compiler::lower::lower(&PolicySet::identity(vec![policy]))?;
/// let mut b = iamc_compiler::automata::DfaBuilder::new(&iamc_compiler::Config::default());
///
/// let r = iamc_compiler::automata::resource::build_resources(&ir, &mut b)?;
/// assert!(!r.blocks[0].any && r.blocks[0].entries.len() == 1);
/// assert!(r.blocks[1].any && r.blocks[1].entries.is_empty());
///
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceBlock {
    /// `NotResource`.
    pub negated: bool,
    /// An entry `*` (or no resource element at all).
    pub any: bool,
    /// The other entries, sorted by pattern id, unique.
    pub entries: Vec<ResourceEntry>,
}

/// One resource entry: a global DFA pattern id, and the glob to confirm, if any.
///
/// ```
/// use iamc_grammar::{ast::PolicyType, PolicySet, SourceFile};
/// let src = SourceFile::new("p.json", r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:Get*","s3:ListBucket"],"Resource":"arn:aws:s3:::b/*","Condition":{"StringLike":{"s3:prefix":["a*","b*"]}}},{"Effect":"Deny","NotAction":"s3:*","Resource":"*"}]}"#);
/// let policy = iamc_grammar::parse_policy(&src, PolicyType::Identity)?.policy;
/// let ir = iamc_compiler::lower::lower(&PolicySet::identity(vec![policy]))?;
/// let mut b = iamc_compiler::automata::DfaBuilder::new(&iamc_compiler::Config::default());
///
/// let r = iamc_compiler::automata::resource::build_resources(&ir, &mut b)?;
/// let entry = r.blocks[0].entries[0];
/// // `arn:aws:s3:::b/*` is decided by its DFA prefix alone.
/// assert_eq!((entry.pattern, entry.template), (0, None));
///
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct ResourceEntry {
    /// The global DFA pattern id.
    pub pattern: u32,
    /// Index into [`Resources::templates`].
    pub template: Option<u32>,
}

/// Builds the resource DFAs and every statement's resource block.
///
/// # Errors
/// A single pattern exceeding the size limits, or a failed build.
///
/// ```
/// use iamc_grammar::{ast::PolicyType, PolicySet, SourceFile};
/// let src = SourceFile::new("p.json", r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:Get*","s3:ListBucket"],"Resource":"arn:aws:s3:::b/*","Condition":{"StringLike":{"s3:prefix":["a*","b*"]}}},{"Effect":"Deny","NotAction":"s3:*","Resource":"*"}]}"#);
/// let policy = iamc_grammar::parse_policy(&src, PolicyType::Identity)?.policy;
/// let ir = iamc_compiler::lower::lower(&PolicySet::identity(vec![policy]))?;
/// let mut b = iamc_compiler::automata::DfaBuilder::new(&iamc_compiler::Config::default());
///
/// let r = iamc_compiler::automata::resource::build_resources(&ir, &mut b)?;
/// assert_eq!(b.stats().len(), r.dfas.len());
///
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn build_resources(set: &PolicySet, b: &mut DfaBuilder) -> Result<Resources, CompileError> {
    // Pass 1: distinct DFA patterns (provisional ids in first-seen order) and the entries.
    let mut ids: HashMap<(Glob, bool), usize> = HashMap::new();
    let mut forms: Vec<(Hir, String, u8)> = Vec::new();
    let mut out = Resources::default();
    let mut per_stmt: Vec<Vec<(usize, Option<u32>)>> = Vec::with_capacity(set.statements.len());
    for s in &set.statements {
        let mut entries = Vec::new();
        // INVARIANT (six-fields): each glob is the whole pattern, reach explicit.
        for p in &s.resource.patterns {
            let form = resource_form(&p.glob);
            let provisional = *ids.entry(form.key).or_insert_with(|| {
                forms.push((form.hir, p.raw.clone(), form.group));
                forms.len() - 1
            });
            let template = if p.glob.has_vars() || !form.exact {
                let t = u32::try_from(out.templates.len())
                    .map_err(|_| CompileError::too_many("templates"))?;
                out.templates.push(p.glob.clone());
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
