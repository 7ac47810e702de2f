//! Globs (`*` any run, `?` one character) for the checks: matching a text, and deciding that one
//! pattern covers another.
//!
//! [`covers`] is a sound under-approximation of language inclusion: when it says `q` covers
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

fn symbols(p: &str, fold: bool) -> Vec<Sym> {
    p.chars()
        .map(|c| match c {
            '*' => Sym::Star,
            '?' => Sym::One,
            c if fold => Sym::Lit(c.to_ascii_lowercase()),
            c => Sym::Lit(c),
        })
        .collect()
}

/// Whether glob `pattern` matches `text` (whole text; `fold` ignores ASCII case).
pub(crate) fn matches(pattern: &str, text: &str, fold: bool) -> bool {
    let lits: String = if fold {
        text.to_ascii_lowercase()
    } else {
        text.to_owned()
    };
    let lits: Vec<Sym> = lits.chars().map(Sym::Lit).collect();
    covers_symbols(&symbols(pattern, fold), &lits) == Some(true)
}

/// Whether every string `p` matches is matched by `q` (see the module doc; `fold` ignores
/// ASCII case). `false` when not shown, including past the work bound.
pub(crate) fn covers(q: &str, p: &str, fold: bool) -> bool {
    covers_symbols(&symbols(q, fold), &symbols(p, fold)) == Some(true)
}

/// The alignment of `q`'s symbols over `p`'s; `None` past the work bound.
fn covers_symbols(q: &[Sym], p: &[Sym]) -> Option<bool> {
    let cols = p.len() + 1;
    if (q.len() + 1).checked_mul(cols)? > MAX_CELLS {
        return None;
    }
    // reach[j]: q's first i symbols can absorb p's first j symbols (row by row over i).
    let mut reach = vec![false; cols];
    if let Some(r) = reach.first_mut() {
        *r = true;
    }
    for &qs in q {
        let mut next = vec![false; cols];
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
        reach = next;
    }
    Some(reach.last().copied().unwrap_or(false))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matching() {
        assert!(matches("sts:*", "sts:AssumeRole", false));
        assert!(matches("STS:assume*", "sts:AssumeRole", true));
        assert!(!matches("sts:Assume?", "sts:AssumeRole", false));
        assert!(matches("*", "", false));
        assert!(matches("a?c", "abc", false));
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
    }

    #[test]
    fn long_patterns_claim_nothing() {
        let long = "a".repeat(2000);
        assert!(!covers(&long, &long, false));
        assert!(covers("*", &"x".repeat(100), false));
    }
}
