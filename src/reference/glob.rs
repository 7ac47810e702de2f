//! Anchored globs over Unicode scalar values, by the classic O(pattern × text) dynamic program
//! (no backtracking blowup).

/// One glob token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Tok {
    /// This character exactly (ASCII case folded when the match ignores case).
    Lit(char),
    /// Any run of characters, zero or more.
    Star,
    /// Any run of characters other than `:`.
    StarNoColon,
    /// Exactly one character.
    One,
    /// Exactly one character other than `:`.
    OneNoColon,
}

impl Tok {
    /// A character of policy glob text: `*` and `?` are wildcards, the rest literal.
    pub(super) fn from_glob_char(c: char) -> Tok {
        match c {
            '*' => Tok::Star,
            '?' => Tok::One,
            c => Tok::Lit(c),
        }
    }

    fn is_star(self) -> bool {
        matches!(self, Tok::Star | Tok::StarNoColon)
    }

    /// Whether this token can consume `c`.
    fn accepts(self, c: char, ignore_ascii_case: bool) -> bool {
        match self {
            Tok::Lit(l) => l == c || (ignore_ascii_case && l.eq_ignore_ascii_case(&c)),
            Tok::Star | Tok::One => true,
            Tok::StarNoColon | Tok::OneNoColon => c != ':',
        }
    }
}

/// Whether `toks` matches the whole of `text`.
///
/// `reach[i]` says the first `i` tokens can match the text read so far; a star at token `i`
/// keeps state `i` alive while it consumes characters, and every reached star lets state `i + 1`
/// be reached without consuming.
pub(super) fn matches(toks: &[Tok], text: &str, ignore_ascii_case: bool) -> bool {
    let mut reach = vec![false; toks.len() + 1];
    let mut next = vec![false; toks.len() + 1];
    if let Some(first) = reach.first_mut() {
        *first = true;
    }
    close_stars(toks, &mut reach);
    for c in text.chars() {
        next.iter_mut().for_each(|r| *r = false);
        for (i, tok) in toks.iter().enumerate() {
            if !reach.get(i).copied().unwrap_or(false) || !tok.accepts(c, ignore_ascii_case) {
                continue;
            }
            let target = if tok.is_star() { i } else { i + 1 };
            if let Some(slot) = next.get_mut(target) {
                *slot = true;
            }
        }
        std::mem::swap(&mut reach, &mut next);
        close_stars(toks, &mut reach);
        if !reach.iter().any(|&r| r) {
            return false;
        }
    }
    reach.last().copied().unwrap_or(false)
}

/// A reached star can be skipped: reach the state after it.
fn close_stars(toks: &[Tok], reach: &mut [bool]) {
    for (i, tok) in toks.iter().enumerate() {
        if tok.is_star() && reach.get(i).copied().unwrap_or(false) {
            if let Some(slot) = reach.get_mut(i + 1) {
                *slot = true;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn glob(p: &str, t: &str) -> bool {
        let toks: Vec<Tok> = p.chars().map(Tok::from_glob_char).collect();
        matches(&toks, t, false)
    }

    #[test]
    fn stars_and_questions() {
        for (pattern, text, want) in [
            ("*", "", true),
            ("a*b", "ab", true),
            ("a*b", "axxb", true),
            ("a*b", "axxbc", false),
            ("a?c", "abc", true),
            ("a?c", "aéc", true),
            ("a?c", "ac", false),
            ("**a**", "xxaxx", true),
            ("", "a", false),
            ("", "", true),
            ("bkt/*/test/*", "bkt/1/2/test/3/x.jpg", true),
            ("bkt/*/test/*", "bkt/test/x", false),
        ] {
            assert_eq!(glob(pattern, text), want, "{pattern} on {text}");
        }
    }

    #[test]
    fn no_colon_classes() {
        let toks = [Tok::Lit('a'), Tok::StarNoColon, Tok::Lit('b')];
        assert!(matches(&toks, "axyb", false));
        assert!(!matches(&toks, "ax:b", false));
        let toks = [Tok::OneNoColon];
        assert!(!matches(&toks, ":", false));
    }

    #[test]
    fn ignore_ascii_case() {
        let toks: Vec<Tok> = "describe*".chars().map(Tok::from_glob_char).collect();
        assert!(matches(&toks, "DescribeClusters", true));
        assert!(!matches(&toks, "DescribeClusters", false));
    }

    #[test]
    fn many_stars_stay_polynomial() {
        let p = "a*".repeat(200) + "b";
        assert!(!glob(&p, &"a".repeat(5000)));
    }
}
