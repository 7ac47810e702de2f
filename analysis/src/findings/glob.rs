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
    Glob::new(pattern, fold).matches(text)
}

/// A glob read once, to match many texts (every action of a service).
pub(crate) struct Glob {
    symbols: Vec<Sym>,
    fold: bool,
}

impl Glob {
    /// `pattern` as symbols; `fold` ignores ASCII case.
    pub(crate) fn new(pattern: &str, fold: bool) -> Glob {
        Glob {
            symbols: pattern
                .chars()
                .map(|c| match c {
                    '*' => Sym::Star,
                    '?' => Sym::One,
                    c => Sym::Char(c),
                })
                .collect(),
            fold,
        }
    }

    /// Whether the glob matches the whole of `text`. An ASCII text (every action name) is
    /// read as it is; another is decoded to characters first, so `?` stays one character.
    pub(crate) fn matches(&self, text: &str) -> bool {
        if text.is_ascii() {
            matches_with(&self.symbols, text.as_bytes(), |q, b| {
                same(q, char::from(b), self.fold)
            })
        } else {
            let t: Vec<char> = text.chars().collect();
            matches_symbols(&self.symbols, &t, self.fold)
        }
    }
}

fn same(a: char, b: char, fold: bool) -> bool {
    if fold {
        a.eq_ignore_ascii_case(&b)
    } else {
        a == b
    }
}

/// [`matches`] for a glob given as symbols. Linear in `pattern.len() * text.len()` at worst
/// (the classic greedy matcher, which backtracks only to the last `*`).
pub(crate) fn matches_symbols(p: &[Sym], t: &[char], fold: bool) -> bool {
    matches_with(p, t, |q, c| same(q, c, fold))
}

/// The greedy matcher over any text of units, `eq` comparing a pattern character with one.
fn matches_with<T: Copy>(p: &[Sym], t: &[T], eq: impl Fn(char, T) -> bool) -> bool {
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
