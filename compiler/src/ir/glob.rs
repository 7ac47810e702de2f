//! [`Glob`]: literal text, wildcards that know their reach, and policy-variable holes.
//!
//! One pattern language for the three places IAM globs: action names (ASCII-lowercased, every
//! wildcard crossing everything), resource ARNs (wildcards in fields 1 to 5 stopping at `:`),
//! and the values of `StringLike` / `Arn...` conditions. What a glob means is its pieces alone:
//! a [`Piece::Star`] with `colon: false` never matches `:`, wherever it stands.

use std::fmt;

/// A glob: literal text, wildcards and policy-variable holes, in order.
///
/// INVARIANT (globs-merged): no [`Piece::Lit`] is empty and no two are adjacent ([`Glob::push_lit`]
/// keeps it), so two globs with the same pieces are the same pattern and equal globs can be
/// deduplicated by `==`.
///
/// ```
/// use iamc_compiler::ir::{Glob, Piece};
/// let mut g = Glob::literal("arn:aws:s3:::b/");
/// g.push(Piece::Star { colon: true });
/// g.push_lit("");
/// assert_eq!(g.pieces.len(), 2);
/// assert_eq!(g.to_string(), "arn:aws:s3:::b/*");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Glob {
    /// The pieces, in order.
    pub pieces: Vec<Piece>,
}

/// One piece of a [`Glob`]: the format's one template piece (`iamc_format::template::Token`:
/// literal text, `*` and `?` that know whether they may cross `:`, a policy variable), so
/// the IR, the emitter and the runtime share one type. In a glob, literal text is never empty
/// and is compared exactly; a variable's `key` is looked up ignoring ASCII case
/// (INVARIANT (lowercase-keys): lowercased in resource globs, as written in condition values).
///
/// ```
/// use iamc_compiler::ir::{Glob, Piece};
/// let pieces = vec![Piece::Lit("a".into()), Piece::Star { colon: false }, Piece::One { colon: true }];
/// assert_eq!(Glob { pieces }.to_string(), "a*!?");
/// ```
pub use iamc_format::template::Token as Piece;
use iamc_format::template::{write_tokens, Spelling};

impl Glob {
    /// The glob of literal `text` (no wildcard).
    ///
    /// ```
    /// let g = iamc_compiler::ir::Glob::literal("s3:getobject");
    /// assert!(g.is_literal());
    /// assert_eq!(g.as_literal().as_deref(), Some("s3:getobject"));
    /// assert!(iamc_compiler::ir::Glob::literal("").pieces.is_empty());
    /// ```
    pub fn literal(text: &str) -> Glob {
        let mut g = Glob::default();
        g.push_lit(text);
        g
    }

    /// `*` crossing everything: matches every string.
    ///
    /// ```
    /// assert_eq!(iamc_compiler::lower::action_glob("*")?, iamc_compiler::ir::Glob::any());
    /// # Ok::<(), iamc_compiler::CompileError>(())
    /// ```
    pub fn any() -> Glob {
        Glob {
            pieces: vec![Piece::Star { colon: true }],
        }
    }

    /// Whether some piece is a policy variable.
    ///
    /// ```
    /// use iamc_grammar::ast::Version;
    /// use iamc_runtime::PolicyType;
    /// let g = |v| iamc_compiler::lower::resource_glob("arn:aws:s3:::${aws:username}", PolicyType::Identity, v);
    /// assert!(g(Version::V2012_10_17)?.is_some_and(|g| g.has_vars()));
    /// assert!(g(Version::V2008_10_17)?.is_some_and(|g| !g.has_vars()), "literal under 2008-10-17");
    /// # Ok::<(), iamc_compiler::CompileError>(())
    /// ```
    pub fn has_vars(&self) -> bool {
        self.pieces.iter().any(|p| matches!(p, Piece::Var { .. }))
    }

    /// Whether the glob is literal text only (no wildcard, no variable).
    ///
    /// ```
    /// use iamc_compiler::lower::action_glob;
    /// assert!(action_glob("s3:GetObject")?.is_literal());
    /// assert!(!action_glob("s3:Get?bject")?.is_literal());
    /// # Ok::<(), iamc_compiler::CompileError>(())
    /// ```
    pub fn is_literal(&self) -> bool {
        self.pieces.iter().all(|p| matches!(p, Piece::Lit(_)))
    }

    /// The text of a glob without wildcards or variables, or `None`.
    ///
    /// ```
    /// use iamc_compiler::lower::action_glob;
    /// assert_eq!(action_glob("S3:GetObject")?.as_literal().as_deref(), Some("s3:getobject"));
    /// assert_eq!(action_glob("s3:Get*")?.as_literal(), None);
    /// # Ok::<(), iamc_compiler::CompileError>(())
    /// ```
    pub fn as_literal(&self) -> Option<String> {
        let mut out = String::new();
        for p in &self.pieces {
            match p {
                Piece::Lit(t) => out.push_str(t),
                _ => return None,
            }
        }
        Some(out)
    }

    /// Appends literal text, merging with a preceding literal (INVARIANT (globs-merged)).
    ///
    /// ```
    /// let mut g = iamc_compiler::ir::Glob::literal("ab");
    /// g.push_lit("cd");
    /// assert_eq!(g, iamc_compiler::ir::Glob::literal("abcd"));
    /// ```
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

    /// Appends a piece, merging literal text (INVARIANT (globs-merged)).
    ///
    /// ```
    /// use iamc_compiler::ir::{Glob, Piece};
    /// let mut g = Glob::literal("a");
    /// g.push(Piece::Lit("b".into()));
    /// g.push(Piece::One { colon: true });
    /// assert_eq!(g.pieces, [Piece::Lit("ab".into()), Piece::One { colon: true }]);
    /// ```
    pub fn push(&mut self, piece: Piece) {
        match piece {
            Piece::Lit(t) => self.push_lit(&t),
            other => self.pieces.push(other),
        }
    }
}

/// A glob's spelling: `*!` and `?!` never match `:`, so a literal `!` after a wildcard is
/// escaped.
const GLOB: Spelling = Spelling {
    wildcards: ["*", "*!", "?", "?!"],
    escape_bang: true,
};

impl fmt::Display for Glob {
    /// Glob text with wildcard reach made explicit: `*` crosses `:`, `*!` does not; `?` and
    /// `?!` likewise; holes print as `${key}` / `${key, 'default'}`; literal `*`, `?`, `$` and
    /// `\` are backslash-escaped, and so is a literal `!` right after a wildcard.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_tokens(f, &self.pieces, GLOB)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_is_unambiguous() {
        let star_then_bang = Glob {
            pieces: vec![Piece::Star { colon: true }, Piece::Lit("!x".into())],
        };
        let no_colon_star = Glob {
            pieces: vec![Piece::Star { colon: false }, Piece::Lit("x".into())],
        };
        assert_eq!(star_then_bang.to_string(), "*\\!x");
        assert_eq!(no_colon_star.to_string(), "*!x");
        assert_eq!(Glob::literal("a*b!").to_string(), "a\\*b!");
    }

    #[test]
    fn literals_merge() {
        let mut g = Glob::literal("a");
        g.push(Piece::Lit("b".into()));
        g.push_lit("");
        g.push(Piece::One { colon: true });
        g.push_lit("c");
        assert_eq!(
            g.pieces,
            vec![
                Piece::Lit("ab".into()),
                Piece::One { colon: true },
                Piece::Lit("c".into())
            ]
        );
        assert_eq!(g.as_literal(), None);
        assert_eq!(Glob::literal("ab").as_literal().as_deref(), Some("ab"));
    }
}
