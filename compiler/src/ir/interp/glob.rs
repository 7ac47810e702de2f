//! Globs as a dynamic program over characters.
//!
//! A glob is first made a token list (policy variables substituted by their literal text),
//! then matched against the whole text by keeping the set of token positions reachable after
//! each character: O(tokens × characters) steps, no recursion, no backtracking.

use iamc_runtime::Context;

use crate::ir::{Glob, Piece};

/// One glob token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Tok {
    /// This character exactly.
    Ch(char),
    /// Any run of characters; `colon` says whether `:` is among them.
    Star { colon: bool },
    /// One character; `colon` says whether it may be `:`.
    One { colon: bool },
}

impl Tok {
    fn accepts(self, c: char) -> bool {
        match self {
            Tok::Ch(p) => p == c,
            Tok::Star { colon } | Tok::One { colon } => colon || c != ':',
        }
    }
}

/// The tokens of `g` with its variables substituted, or `None` when one is unresolved.
pub(super) fn resolve(g: &Glob, ctx: &Context) -> Option<Vec<Tok>> {
    let mut out = Vec::new();
    for p in &g.pieces {
        match p {
            Piece::Lit(s) => out.extend(s.chars().map(Tok::Ch)),
            Piece::Star { colon } => out.push(Tok::Star { colon: *colon }),
            Piece::One { colon } => out.push(Tok::One { colon: *colon }),
            Piece::Var { key, default } => {
                out.extend(ctx.variable(key, default.as_deref())?.chars().map(Tok::Ch));
            }
        }
    }
    Some(out)
}

/// Whether a glob without variables matches all of `text` (a variable matches nothing).
pub(super) fn matches_glob(g: &Glob, text: &str) -> bool {
    matches_in(g, &Context::new(), text)
}

/// Whether `g`, its variables substituted from `ctx`, matches all of `text` (an unresolved
/// variable matches nothing).
pub(super) fn matches_in(g: &Glob, ctx: &Context, text: &str) -> bool {
    // A cheap first test: most globs start with text most requests do not.
    if let Some(Piece::Lit(head)) = g.pieces.first() {
        if !text.starts_with(head.as_str()) {
            return false;
        }
    }
    resolve(g, ctx).is_some_and(|toks| matches(&toks, text))
}

/// Whether `toks` matches all of `text`.
pub(super) fn matches(toks: &[Tok], text: &str) -> bool {
    // reach[i]: the first i tokens match the text read so far.
    let mut reach = vec![false; toks.len() + 1];
    let mut next = vec![false; toks.len() + 1];
    if let Some(r) = reach.first_mut() {
        *r = true;
    }
    skip_stars(toks, &mut reach);
    for c in text.chars() {
        next.iter_mut().for_each(|r| *r = false);
        let mut alive = false;
        for (i, t) in toks.iter().enumerate() {
            if reach.get(i) != Some(&true) || !t.accepts(c) {
                continue;
            }
            // A star stays where it is while it consumes; anything else moves on.
            let to = if matches!(t, Tok::Star { .. }) {
                i
            } else {
                i + 1
            };
            if let Some(r) = next.get_mut(to) {
                *r = true;
                alive = true;
            }
        }
        if !alive {
            return false;
        }
        std::mem::swap(&mut reach, &mut next);
        skip_stars(toks, &mut reach);
    }
    reach.last() == Some(&true)
}

/// A reachable star may match nothing: the position after it is reachable too.
fn skip_stars(toks: &[Tok], reach: &mut [bool]) {
    for (i, t) in toks.iter().enumerate() {
        if matches!(t, Tok::Star { .. }) && reach.get(i) == Some(&true) {
            if let Some(r) = reach.get_mut(i + 1) {
                *r = true;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(p: &str) -> Vec<Tok> {
        p.chars()
            .map(|c| match c {
                '*' => Tok::Star { colon: true },
                '%' => Tok::Star { colon: false },
                '?' => Tok::One { colon: true },
                c => Tok::Ch(c),
            })
            .collect()
    }

    #[test]
    fn wildcards() {
        let m = |p: &str, t: &str| matches(&toks(p), t);
        assert!(m("*", ""));
        assert!(m("a*b", "ab") && m("a*b", "a:x/b") && !m("a*b", "abc"));
        assert!(m("a?c", "aéc") && !m("a?c", "ac"));
        assert!(m("a%b", "axb") && !m("a%b", "a:b"));
        assert!(m("", "") && !m("", "a"));
        assert!(m("**a**", "xxaxx"));
        let hostile = "ab".repeat(1000) + "c";
        assert!(!m(&"*a".repeat(300), &hostile));
    }
}
