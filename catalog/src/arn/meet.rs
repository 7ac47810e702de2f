//! Whether an ARN pattern and an ARN format share a string, decided on their pieces instead of
//! their automata: the question [`super::Catalog::arn_formats_for`] asks of every format of a
//! service, once per distinct resource entry, where building the entry's DFA and its product
//! with the service's formats cost most of `iamc check`'s time on a corpus.
//!
//! Both sides are sequences of *elements*: a literal character, one character (`?`, or the
//! first character of a placeholder) or a run of characters (`*`, a placeholder's rest), each
//! class being every character but at most `:` and `/`. Two such sequences share a string
//! exactly when the end pair is reachable in the product of their position automata, whose
//! states are pairs of positions: at most `(|a| + 1) * (|b| + 1)`, no determinization.
//!
//! **Same answers as the automata.** The pattern's elements are read from the compiler's glob
//! (the one the DFA is built from) and a format's from the same parts as its `Hir`
//! ([`super::format_parts`]). The DFAs run over bytes of valid UTF-8 while the elements run
//! over characters; the two agree whenever a format's literals are ASCII and no two of its
//! placeholders are adjacent, because a character is then never split between two format
//! elements, and a pattern `*` that takes part of a character can take all of it (a string
//! both accept byte-wise gives one both accept character-wise, and every character string is a
//! byte string). [`format_elements`] refuses the other formats (one in the data:
//! CodeArtifact's `package-group/${DomainName}${EncodedPackageGroupPattern}`), and their
//! groups keep the automata. `catalog/src/tests.rs` holds the two to the same answers on every
//! format and every resource entry of the corpus, and on generated patterns.

use iamc_compiler::ir::Piece;

use super::Part;

/// Characters a class leaves out: at most `:` and `/` (both ASCII).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Excluded {
    colon: bool,
    slash: bool,
}

impl Excluded {
    fn of(bytes: &[u8]) -> Excluded {
        Excluded {
            colon: bytes.contains(&b':'),
            slash: bytes.contains(&b'/'),
        }
    }

    fn excludes(self, c: char) -> bool {
        (self.colon && c == ':') || (self.slash && c == '/')
    }
}

/// One element of a pattern or a format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Element {
    /// This character, compared exactly.
    Char(char),
    /// Exactly one character not excluded.
    One(Excluded),
    /// Zero or more characters not excluded.
    Run(Excluded),
}

/// The elements of a pattern's field-wise glob (policy-variable holes are runs of anything,
/// as in its DFA).
pub(crate) fn pattern_elements(pieces: &[Piece]) -> Vec<Element> {
    let mut out = Vec::new();
    for piece in pieces {
        match piece {
            Piece::Lit(s) => out.extend(s.chars().map(Element::Char)),
            Piece::Star { colon } => out.push(Element::Run(Excluded {
                colon: !colon,
                slash: false,
            })),
            Piece::One { colon } => out.push(Element::One(Excluded {
                colon: !colon,
                slash: false,
            })),
            Piece::Var { .. } => out.push(Element::Run(Excluded::default())),
        }
    }
    out
}

/// The elements of a format's parts; `None` when the characters and the DFA's bytes could
/// disagree (a non-ASCII literal, two adjacent placeholders: module docs).
pub(crate) fn format_elements(parts: &[Part<'_>]) -> Option<Vec<Element>> {
    let mut out = Vec::new();
    let mut after_hole = false;
    for part in parts {
        match part {
            Part::Lit(s) => {
                if !s.is_ascii() {
                    return None;
                }
                out.extend(s.chars().map(Element::Char));
                after_hole = false;
            }
            Part::Hole { min, excluded } => {
                if after_hole {
                    return None;
                }
                let excluded = Excluded::of(excluded);
                for _ in 0..*min {
                    out.push(Element::One(excluded));
                }
                out.push(Element::Run(excluded));
                after_hole = true;
            }
        }
    }
    Some(out)
}

/// Whether one character can be taken by both elements (neither side ever excludes more than
/// two characters, so two classes always share one).
fn both_take(x: Element, y: Element) -> bool {
    match (x, y) {
        (Element::Char(a), Element::Char(b)) => a == b,
        (Element::Char(c), Element::One(e) | Element::Run(e))
        | (Element::One(e) | Element::Run(e), Element::Char(c)) => !e.excludes(c),
        _ => true,
    }
}

/// Where an element stands after taking one character: a run stays, the others move on.
fn after(e: Element, at: usize) -> usize {
    match e {
        Element::Run(_) => at,
        Element::Char(_) | Element::One(_) => at + 1,
    }
}

/// Whether some string is accepted by both `a` and `b` (each read from start to end).
pub(crate) fn meet(a: &[Element], b: &[Element]) -> bool {
    let width = b.len() + 1;
    let mut seen = vec![0u64; ((a.len() + 1) * width).div_ceil(64)];
    let mut visit = |i: usize, j: usize, stack: &mut Vec<(usize, usize)>| {
        let k = i * width + j;
        if let Some(word) = seen.get_mut(k / 64) {
            let bit = 1u64 << (k % 64);
            if *word & bit == 0 {
                *word |= bit;
                stack.push((i, j));
            }
        }
    };
    let mut stack = Vec::new();
    visit(0, 0, &mut stack);
    while let Some((i, j)) = stack.pop() {
        let (x, y) = (a.get(i).copied(), b.get(j).copied());
        if x.is_none() && y.is_none() {
            return true;
        }
        // A run may also take nothing.
        if let Some(Element::Run(_)) = x {
            visit(i + 1, j, &mut stack);
        }
        if let Some(Element::Run(_)) = y {
            visit(i, j + 1, &mut stack);
        }
        if let (Some(x), Some(y)) = (x, y) {
            let next = (after(x, i), after(y, j));
            if both_take(x, y) && next != (i, j) {
                visit(next.0, next.1, &mut stack);
            }
        }
    }
    false
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn glob(s: &str) -> Vec<Element> {
        s.chars()
            .map(|c| match c {
                '*' => Element::Run(Excluded::default()),
                '?' => Element::One(Excluded::default()),
                '~' => Element::Run(Excluded::of(b":")),
                c => Element::Char(c),
            })
            .collect()
    }

    #[test]
    fn runs_ones_and_exclusions() {
        assert!(meet(&glob("a*c"), &glob("ab*")));
        assert!(meet(&glob("a*"), &glob("a")));
        assert!(!meet(&glob("a?"), &glob("a")));
        assert!(meet(&glob("??"), &glob("*b*")));
        assert!(!meet(&glob("a*b"), &glob("a*c")));
        assert!(meet(&glob(""), &glob("***")));
        assert!(!meet(&glob("x~y"), &glob("x:y")));
        assert!(meet(&glob("x~y"), &glob("x*y")));
        assert!(meet(&glob("x*y"), &glob("x:y")));
    }
}
