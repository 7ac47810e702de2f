//! The one module that names the compiler's lowering and automata: the catalog matches action
//! and resource patterns with the engines' own code, and when the compiler's passes are renamed
//! only this file changes.
//!
//! Compiler items used, and for what:
//! - `lower::actions::service_glob`: an action pattern to its lowercased glob;
//! - `lower::resources::arn_glob`: a resource template to its six-field glob (DESIGN.md
//!   "Resources": padding, where `*` and `?` may cross `:`, variables as holes);
//! - `ir::{Glob, Piece}`: read the literal head of an ARN glob (its service field);
//! - `automata::glob::glob_hir` with `early = false`: a glob to an end-anchored `Hir`;
//! - `automata::build::{DfaBuilder, BuildFailure, OwnedDfa}` and `Config::default()`: the
//!   compiler's DFA configuration (anchored, `MatchKind::All`) and size limits;
//! - `automata::ops`: products, emptiness, inclusion.

use iamc_compiler::automata::build::{BuildFailure, DfaBuilder};
use iamc_compiler::automata::glob::glob_hir;
use iamc_compiler::ir::{Glob, Piece};
use iamc_compiler::lower::actions::service_glob;
use iamc_compiler::lower::resources::arn_glob;
use std::cell::OnceCell;

use iamc_grammar::ast;
use regex_syntax::hir::Hir;

pub(crate) use iamc_compiler::automata::ops;

/// The compiler's DFA type.
pub(crate) type Dfa = iamc_compiler::automata::build::OwnedDfa;

/// Determinizes `hirs` (pattern `i` is `hirs[i]`) exactly as the compiler does.
pub(crate) fn build(hirs: &[Hir]) -> Result<Dfa, String> {
    DfaBuilder::new(&iamc_compiler::Config::default())
        .try_build(hirs)
        .map_err(|e| match e {
            BuildFailure::TooLarge => "automaton exceeds the size limit".to_string(),
            BuildFailure::Other(e) => e,
        })
}

/// The DFA of the action pattern `service:name` (one pattern, end-anchored). It matches the
/// ASCII-lowercased `service:name` of a request, as the compiled artifact does.
pub(crate) fn action_pattern(service: &str, name: &str) -> Result<Dfa, String> {
    build(&[glob_hir(&service_glob(service, name), false)])
}

/// A resource pattern read field by field: its glob, its DFA (built on first use: most
/// questions are answered on the glob's pieces, `arn/meet.rs`) and, when its first three
/// fields are literal text, the ARN service it names.
pub(crate) struct ArnPattern {
    /// The compiler's six-field glob with no wildcard crossing `:` before the fifth colon.
    pub glob: Glob,
    pub service: Option<String>,
    dfa: OnceCell<Result<Dfa, String>>,
}

impl ArnPattern {
    /// The pattern's DFA (one pattern, end-anchored), built on first use.
    pub(crate) fn dfa(&self) -> Result<&Dfa, String> {
        self.dfa
            .get_or_init(|| build(&[glob_hir(&self.glob, false)]))
            .as_ref()
            .map_err(Clone::clone)
    }
}

/// The DFA of a policy's resource entry (an ARN pattern) read field by field: the engines'
/// resource semantics (padding, `?`, variables as holes) except that no wildcard before the
/// fifth colon crosses a `:` (see `arn.rs` on why).
pub(crate) fn arn_pattern(template: &ast::Template) -> Result<ArnPattern, String> {
    let mut glob = arn_glob(template);
    let mut colons = 0usize;
    for piece in &mut glob.pieces {
        if colons >= 5 {
            break;
        }
        match piece {
            Piece::Lit(s) => colons += s.matches(':').count(),
            Piece::Star { colon } | Piece::One { colon } => *colon = false,
            Piece::Var { .. } => *piece = Piece::Star { colon: false },
        }
    }
    let mut head = String::new();
    for piece in &glob.pieces {
        match piece {
            Piece::Lit(s) => head.push_str(s),
            _ => break,
        }
    }
    let mut fields = head.splitn(4, ':');
    let service = match (fields.next(), fields.next(), fields.next(), fields.next()) {
        (Some(_), Some(_), Some(service), Some(_)) => Some(service.to_string()),
        _ => None,
    };
    Ok(ArnPattern {
        glob,
        service,
        dfa: OnceCell::new(),
    })
}
