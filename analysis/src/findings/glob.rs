//! Globs (`*` any run, `?` one character) for the checks: matching a text, and deciding that one
//! pattern covers another.
//!
//! [`Pattern::covers`] is a sound under-approximation of language inclusion: when it says `q` covers
//! `p`, every string `p` matches is matched by `q` (each symbol of `p` is absorbed by a `*` of
//! `q` or matched by an equal symbol); it may miss inclusions that need reasoning across
//! symbols (`?*` covers `*?`). So a redundancy finding built on it is never wrong, only
//! sometimes missing. Exact inclusion with automata (`iamc_compiler::automata::ops`) can replace
//! it without changing a caller.

/// Work bound for one comparison (pattern length product); past it nothing is claimed.
const MAX_CELLS: usize = 1 << 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sym {
    Lit(char),
    One,
    Star,
}

/// A glob read once, for comparing it with many others.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Pattern {
    syms: Vec<Sym>,
    /// Symbols before the first wildcard.
    head: usize,
    /// Symbols after the last wildcard (all of them for a literal).
    tail: usize,
}

impl Pattern {
    /// `p` as a glob (`*` any run, `?` one character); `fold` ignores ASCII case.
    pub(crate) fn new(p: &str, fold: bool) -> Pattern {
        let syms: Vec<Sym> = p
            .chars()
            .map(|c| match c {
                '*' => Sym::Star,
                '?' => Sym::One,
                c if fold => Sym::Lit(c.to_ascii_lowercase()),
                c => Sym::Lit(c),
            })
            .collect();
        let lit = |s: &&Sym| matches!(s, Sym::Lit(_));
        let head = syms.iter().take_while(lit).count();
        let tail = if head == syms.len() {
            head
        } else {
            syms.iter().rev().take_while(lit).count()
        };
        Pattern { syms, head, tail }
    }

    fn is_literal(&self) -> bool {
        self.head == self.syms.len()
    }

    /// Whether every string `p` matches is matched by `self` (see the module doc). `false`
    /// when not shown, including past the work bound.
    pub(crate) fn covers(&self, p: &Pattern) -> bool {
        let (q, ps) = (&self.syms, &p.syms);
        if self.is_literal() {
            return q == ps;
        }
        // A literal symbol of `q` before its first `*` or `?`, or after its last, can only
        // absorb the equal literal of `p` at the same distance from that end.
        if ps.len() < self.head + self.tail
            || q.get(..self.head) != ps.get(..self.head)
            || q.get(q.len() - self.tail..) != ps.get(ps.len() - self.tail..)
        {
            return false;
        }
        covers_symbols(q, ps) == Some(true)
    }
}

/// Whether glob `pattern` matches `text` (whole text; `fold` ignores ASCII case).
pub(crate) fn matches(pattern: &str, text: &str, fold: bool) -> bool {
    let syms: Vec<Sym> = text
        .chars()
        .map(|c| Sym::Lit(if fold { c.to_ascii_lowercase() } else { c }))
        .collect();
    let len = syms.len();
    let text = Pattern {
        syms,
        head: len,
        tail: len,
    };
    Pattern::new(pattern, fold).covers(&text)
}

/// The alignment of `q`'s symbols over `p`'s; `None` past the work bound.
fn covers_symbols(q: &[Sym], p: &[Sym]) -> Option<bool> {
    let cols = p.len() + 1;
    if (q.len() + 1).checked_mul(cols)? > MAX_CELLS {
        return None;
    }
    // reach[j]: q's first i symbols can absorb p's first j symbols (row by row over i).
    let mut reach = vec![false; cols];
    let mut next = vec![false; cols];
    if let Some(r) = reach.first_mut() {
        *r = true;
    }
    for &qs in q {
        for j in 0..cols {
            let here = match qs {
                // A `*` absorbs nothing more (from the previous row) or one more symbol of `p`
                // (from the left in this row), whatever it is.
                Sym::Star => {
                    reach.get(j).copied().unwrap_or(false)
                        || (j > 0 && next.get(j - 1).copied().unwrap_or(false))
                }
                Sym::One => {
                    j > 0
                        && reach.get(j - 1).copied().unwrap_or(false)
                        && matches!(p.get(j - 1), Some(Sym::Lit(_) | Sym::One))
                }
                Sym::Lit(c) => {
                    j > 0
                        && reach.get(j - 1).copied().unwrap_or(false)
                        && p.get(j - 1) == Some(&Sym::Lit(c))
                }
            };
            if let Some(n) = next.get_mut(j) {
                *n = here;
            }
        }
        std::mem::swap(&mut reach, &mut next);
    }
    Some(reach.last().copied().unwrap_or(false))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn covers(q: &str, p: &str, fold: bool) -> bool {
        Pattern::new(q, fold).covers(&Pattern::new(p, fold))
    }

    #[test]
    fn matching() {
        assert!(matches("sts:*", "sts:AssumeRole", false));
        assert!(matches("STS:assume*", "sts:AssumeRole", true));
        assert!(!matches("sts:Assume?", "sts:AssumeRole", false));
        assert!(matches("*", "", false));
        assert!(matches("a?c", "abc", false));
        // The text's own `*` and `?` are plain characters.
        assert!(matches("a?", "a*", false));
        assert!(!matches("ab", "a?", false));
    }

    #[test]
    fn coverage_is_sound() {
        assert!(covers("iam:Get*", "iam:GetUser", false));
        assert!(covers("iam:Get*", "iam:GetUs?r*", false));
        assert!(!covers("iam:Get*", "iam:*CredentialReport", false));
        assert!(!covers("iam:GetUser", "iam:Get*", false));
        assert!(covers("*", "a*b?c", false));
        assert!(covers("a*", "a*", false));
        assert!(!covers("a?", "a*", false));
        assert!(covers("a*b", "a?b", false));
        assert!(covers("role/jane*", "role/jane-admin", false));
        assert!(covers("Role/Jane*", "role/jane-admin", true));
        assert!(!covers("Role/Jane*", "role/jane-admin", false));
        // Missed but sound: both match every non-empty string.
        assert!(!covers("?*", "*?", false));
        // The head and tail filters are exact.
        assert!(covers("a*z", "abz", false));
        assert!(!covers("a*z", "a*", false));
        assert!(!covers("ab*", "a*", false));
        assert!(covers("*b", "?b", false));
        assert!(!covers("a*a", "a", false));
    }

    #[test]
    fn long_patterns_claim_nothing() {
        // Past the work bound even equal patterns are not claimed; equal literals are.
        let long = "a*".repeat(1100);
        assert!(!covers(&long, &long, false));
        let literal = "a".repeat(2000);
        assert!(covers(&literal, &literal, false));
        assert!(covers("*", &"x".repeat(100), false));
    }
}
