//! Glob matching of one text (`*` any run, `?` one character), for the checks that ask whether
//! a pattern names a given action (`iam:PassRole`, `sts:TagSession`). Whether one pattern
//! covers another is decided with automata ([`super::cover`]).

/// One symbol of a glob.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Sym {
    Char(char),
    /// Any run of characters.
    Star,
    /// Exactly one character.
    One,
}

/// Whether glob `pattern` matches the whole of `text` (`fold` ignores ASCII case). The text's
/// own `*` and `?` are plain characters.
pub(crate) fn matches(pattern: &str, text: &str, fold: bool) -> bool {
    let p: Vec<Sym> = pattern
        .chars()
        .map(|c| match c {
            '*' => Sym::Star,
            '?' => Sym::One,
            c => Sym::Char(c),
        })
        .collect();
    let t: Vec<char> = text.chars().collect();
    matches_symbols(&p, &t, fold)
}

/// [`matches`] for a glob given as symbols. Linear in `pattern.len() * text.len()` at worst
/// (the classic greedy matcher, which backtracks only to the last `*`).
pub(crate) fn matches_symbols(p: &[Sym], t: &[char], fold: bool) -> bool {
    let eq = |a: char, b: char| {
        if fold {
            a.eq_ignore_ascii_case(&b)
        } else {
            a == b
        }
    };
    let (mut i, mut j) = (0usize, 0usize);
    // The position after the last `*` seen, and the text position it was last tried from.
    let mut star: Option<(usize, usize)> = None;
    while let Some(&c) = t.get(j) {
        match p.get(i) {
            Some(Sym::Star) => {
                star = Some((i + 1, j));
                i += 1;
            }
            Some(Sym::One) => {
                i += 1;
                j += 1;
            }
            Some(&Sym::Char(q)) if eq(q, c) => {
                i += 1;
                j += 1;
            }
            _ => match star {
                Some((after, from)) => {
                    i = after;
                    j = from + 1;
                    star = Some((after, from + 1));
                }
                None => return false,
            },
        }
    }
    p.get(i..)
        .is_some_and(|rest| rest.iter().all(|&s| s == Sym::Star))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matching() {
        assert!(matches("sts:*", "sts:AssumeRole", false));
        assert!(matches("STS:assume*", "sts:AssumeRole", true));
        assert!(!matches("STS:assume*", "sts:AssumeRole", false));
        assert!(!matches("sts:Assume?", "sts:AssumeRole", false));
        assert!(matches("*", "", false));
        assert!(matches("**", "abc", false));
        assert!(!matches("?", "", false));
        assert!(matches("a?c", "abc", false));
        assert!(matches("a*b*c", "aXbYbZc", false));
        assert!(!matches("a*b*c", "aXbYbZ", false));
        assert!(matches("*a", "aaa", false));
        assert!(matches("é?", "éü", false));
        // The text's own `*` and `?` are plain characters.
        assert!(matches("a?", "a*", false));
        assert!(!matches("ab", "a?", false));
        assert!(!matches("a*", "b", false));
    }
}
