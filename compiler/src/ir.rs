//! The intermediate representation: what a policy set means, before any automaton.
//!
//! Produced by [`crate::lower`]; consumed by [`crate::automata`] and [`crate::emit`]. In the IR:
//! - statements are flat, numbered in policy order ([`StmtId`]), and carry their provenance;
//! - action patterns are ASCII-lowercased globs over `service:name` (`*` = [`Piece::Star`]);
//! - resource patterns are full six-field ARN globs in which every wildcard already knows
//!   whether it may cross `:` (DESIGN.md "Resources"), and policy variables are holes
//!   ([`Piece::Var`]) only where the policy's Version substitutes them;
//! - conditions are the runtime's lowered [`Conditions`], opaque here.

use std::fmt::{self, Write as _};

use iamc_format::cond::Conditions;
use iamc_grammar::Span;

/// A statement's number in policy order (policies in the order given, statements by index).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StmtId(pub u32);

/// A whole policy set, lowered.
#[derive(Debug, Clone)]
pub struct PolicySet {
    /// The typed groups (see `iamc_format::program::Program::groups`).
    pub groups: Vec<iamc_format::program::Group>,
    /// Policy names, group by group, in the order given within a group.
    pub policies: Vec<String>,
    /// Every statement; `statements[i].id == StmtId(i)`.
    pub statements: Vec<Statement>,
}

/// Where a statement came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Provenance {
    /// Index into [`PolicySet::groups`].
    pub group: u32,
    /// Index into [`PolicySet::policies`].
    pub policy: u32,
    /// Index in the policy's `Statement` array.
    pub index: u32,
    pub sid: Option<String>,
    /// The statement object's bytes in its policy file.
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Effect {
    Allow,
    Deny,
}

#[derive(Debug, Clone)]
pub struct Statement {
    pub id: StmtId,
    pub provenance: Provenance,
    pub effect: Effect,
    /// `Principal` / `NotPrincipal`, in resource-like policies.
    pub principal: Option<iamc_format::program::PrincipalBlock>,
    pub action: ActionMatcher,
    pub resource: ResourceMatcher,
    /// `None` when the statement has no condition.
    pub conditions: Option<Conditions>,
}

/// `Action` (negated = false) or `NotAction`: true iff some pattern (or `any`) accepts the
/// request action, inverted for `NotAction`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionMatcher {
    pub negated: bool,
    /// The element lists `*`.
    pub any: bool,
    /// Lowercased `service:name` globs, duplicates removed, in first-seen order.
    pub patterns: Vec<Glob>,
}

/// `Resource` (negated = false) or `NotResource`; a statement with no resource element (trust
/// policies) is `any`: it is about the role it is attached to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceMatcher {
    pub negated: bool,
    /// The element lists `*`.
    pub any: bool,
    pub patterns: Vec<ArnGlob>,
}

/// A resource pattern: the text as written, and its six-field glob.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArnGlob {
    pub raw: String,
    pub glob: Glob,
}

/// A glob: literal text, wildcards and policy-variable holes, in order.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Glob {
    pub pieces: Vec<Piece>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Piece {
    /// Literal text (never empty).
    Lit(String),
    /// `*`: any run of characters; `colon` says whether `:` is among them.
    Star { colon: bool },
    /// `?`: exactly one character (Unicode scalar value); `colon` says whether it may be `:`.
    One { colon: bool },
    /// A policy variable: `key` ASCII-lowercased; its value is literal text.
    Var {
        key: String,
        default: Option<String>,
    },
}

impl Glob {
    /// Whether some piece is a policy variable.
    pub fn has_vars(&self) -> bool {
        self.pieces.iter().any(|p| matches!(p, Piece::Var { .. }))
    }

    /// Appends literal text, merging with a preceding literal.
    pub fn push_lit(&mut self, text: &str) {
        if text.is_empty() {
            return;
        }
        if let Some(Piece::Lit(last)) = self.pieces.last_mut() {
            last.push_str(text);
        } else {
            self.pieces.push(Piece::Lit(text.to_owned()));
        }
    }
}

impl fmt::Display for Glob {
    /// Glob text with wildcard reach made explicit: `*` crosses `:`, `*!` does not; `?` and
    /// `?!` likewise; holes print as `${key}` / `${key, 'default'}`; literal `*`, `?`, `$` and
    /// `\` are backslash-escaped.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for p in &self.pieces {
            match p {
                Piece::Lit(s) => {
                    for c in s.chars() {
                        if matches!(c, '*' | '?' | '$' | '\\') {
                            f.write_char('\\')?;
                        }
                        f.write_char(c)?;
                    }
                }
                Piece::Star { colon: true } => f.write_char('*')?,
                Piece::Star { colon: false } => f.write_str("*!")?,
                Piece::One { colon: true } => f.write_char('?')?,
                Piece::One { colon: false } => f.write_str("?!")?,
                Piece::Var { key, default: None } => write!(f, "${{{key}}}")?,
                Piece::Var {
                    key,
                    default: Some(d),
                } => write!(f, "${{{key}, '{d}'}}")?,
            }
        }
        Ok(())
    }
}

impl PolicySet {
    /// The IR as text, one statement per block (`iamc compile --emit ir`).
    pub fn render(&self) -> String {
        let mut out = String::new();
        // An identity-only set prints as it did before typed sets.
        let typed = self.groups.len() > 1;
        let mut group = None;
        for s in &self.statements {
            if typed && group != Some(s.provenance.group) {
                group = Some(s.provenance.group);
                if let Some(g) = self.groups.get(s.provenance.group as usize) {
                    let _ = if g.policy_type.is_org() {
                        writeln!(out, "group {} level {}", g.policy_type.as_str(), g.level)
                    } else {
                        writeln!(out, "group {}", g.policy_type.as_str())
                    };
                }
            }
            let policy = self
                .policies
                .get(s.provenance.policy as usize)
                .map_or("?", String::as_str);
            let _ = writeln!(
                out,
                "stmt {} {:?}  # {} statement {}{} bytes {}..{}",
                s.id.0,
                s.effect,
                policy,
                s.provenance.index,
                s.provenance
                    .sid
                    .as_ref()
                    .map_or(String::new(), |sid| format!(" sid {sid:?}")),
                s.provenance.span.start,
                s.provenance.span.end,
            );
            if let Some(b) = &s.principal {
                let kw = if b.negated {
                    "not-principal"
                } else {
                    "principal"
                };
                let _ = write!(out, "  {kw}:");
                if b.any {
                    out.push_str(" *");
                }
                for e in &b.entries {
                    let _ = write!(out, " {:?}={}", e.kind, e.value);
                }
                out.push('\n');
            }
            let kw = if s.action.negated {
                "not-action"
            } else {
                "action"
            };
            let _ = write!(out, "  {kw}:");
            if s.action.any {
                out.push_str(" *");
            }
            for p in &s.action.patterns {
                let _ = write!(out, " {p}");
            }
            out.push('\n');
            let kw = if s.resource.negated {
                "not-resource"
            } else {
                "resource"
            };
            let _ = write!(out, "  {kw}:");
            if s.resource.any {
                out.push_str(" *");
            }
            for p in &s.resource.patterns {
                let _ = write!(out, " {}", p.glob);
            }
            out.push('\n');
            if let Some(c) = &s.conditions {
                out.push_str("  conditions:\n");
                for line in c.to_string().lines() {
                    let _ = writeln!(out, "    {line}");
                }
            }
        }
        out
    }
}
