//! The one glob matcher of the runtime: a substituted template ([`Subst`]) against a whole
//! text, wherever a glob is matched at run time (resource entries confirmed after their DFA
//! pattern matched, `StringLike` and `Arn...` condition values with variables).
//!
//! Elements: literal characters, `?` (one character) and `*` (any run), each wildcard either
//! free or barred from matching `:` (the ARN field rule of resource patterns).
//!
//! The walk is the classic one-backtrack-point glob for free stars, exact because a later free
//! star can absorb whatever an earlier star would have taken: when a free star has tried every
//! run length, no longer run of the star before it can help (`Step::Fail` stops it). A barred
//! star cannot absorb a `:`, so the runs of the star before it must still be tried: each barred
//! star's run lengths are tried by recursion. That search can take exponential time in the
//! number of barred stars, so its steps are counted against a budget ([`GLOB_BUDGET`]) and an
//! exhausted budget is an error the caller turns into a denial (fail closed). Free stars alone
//! take at most O(text × pattern) comparisons and no budget. Nothing allocates.

use crate::template::{Cur, Elem, Subst};

/// Barred-star run lengths one match may try before it gives up.
pub(crate) const GLOB_BUDGET: u32 = 100_000;

/// Nested barred stars one match may enter (each is a stack frame).
const MAX_DEPTH: u32 = 256;

/// The budget ran out (or the pattern nests too many barred stars): the caller denies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Exhausted;

/// Whether the elements of `pat` from `from` match all of `text`.
///
/// # Errors
/// [`Exhausted`] when the search needs more than `budget` steps.
pub(crate) fn glob<'p>(
    pat: &Subst<'p>,
    from: Cur<'p>,
    text: &str,
    budget: &mut u32,
) -> Result<bool, Exhausted> {
    Ok(walk(pat, from, text, budget, 0)? == Step::Match)
}

/// What the rest of a pattern did from some position.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    Match,
    /// No match from here: the nearest star before may try a longer run.
    Retry,
    /// No match for any run of the nearest star before (a free star after it tried them all).
    Fail,
}

fn walk<'p, 't>(
    pat: &Subst<'p>,
    mut p: Cur<'p>,
    mut t: &'t str,
    budget: &mut u32,
    depth: u32,
) -> Result<Step, Exhausted> {
    // This frame's free star: the position after it, and the text its run has not taken yet.
    let mut star: Option<(Cur<'p>, &'t str)> = None;
    loop {
        if let Some((run, after)) = pat.literal_run(p) {
            // A run of literal characters, compared at once.
            if let Some(rest) = t.strip_prefix(run) {
                p = after;
                t = rest;
                continue;
            }
        } else {
            match pat.next(p) {
                None if t.is_empty() => return Ok(Step::Match),
                None => {}
                Some((Elem::Star { colon: true }, np)) => {
                    star = Some((np, t));
                    p = np;
                    continue;
                }
                Some((Elem::Star { colon: false }, np)) => {
                    if depth >= MAX_DEPTH {
                        return Err(Exhausted);
                    }
                    let mut run = t;
                    loop {
                        *budget = budget.checked_sub(1).ok_or(Exhausted)?;
                        match walk(pat, np, run, budget, depth + 1)? {
                            Step::Match => return Ok(Step::Match),
                            Step::Fail => break,
                            Step::Retry => {}
                        }
                        let mut it = run.chars();
                        match it.next() {
                            Some(c) if c != ':' => run = it.as_str(),
                            _ => break,
                        }
                    }
                    // Every run of the barred star failed: back to this frame's free star.
                }
                Some((e, np)) => {
                    let mut it = t.chars();
                    if it.next().is_some_and(|c| e.accepts(c)) {
                        p = np;
                        t = it.as_str();
                        continue;
                    }
                }
            }
        }
        // A mismatch: the free star of this frame takes one more character.
        let Some((sp, st)) = star else {
            return Ok(Step::Retry);
        };
        let mut it = st.chars();
        if it.next().is_none() {
            return Ok(Step::Fail);
        }
        star = Some((sp, it.as_str()));
        p = sp;
        t = it.as_str();
    }
}

#[cfg(test)]
mod tests {
    use iamc_format::template::{Template, Token};

    use super::*;
    use crate::{Context, Scalar, Value};

    /// A pattern in a small notation: `*` free star, `%` barred star, `?` free one, `!` barred
    /// one, `$` the variable `v`, anything else literal (consecutive literal characters one
    /// token, as the compiler writes them).
    fn template(p: &str) -> Template {
        let mut tokens: Vec<Token> = Vec::new();
        for c in p.chars() {
            let tok = match c {
                '*' => Token::Star { colon: true },
                '%' => Token::Star { colon: false },
                '?' => Token::One { colon: true },
                '!' => Token::One { colon: false },
                '$' => Token::Var {
                    key: "v".into(),
                    default: None,
                },
                c => {
                    if let Some(Token::Lit(text)) = tokens.last_mut() {
                        text.push(c);
                        continue;
                    }
                    Token::Lit(c.to_string())
                }
            };
            tokens.push(tok);
        }
        Template { tokens }
    }

    fn matches_with(p: &str, text: &str, v: &str, budget: &mut u32) -> Result<bool, Exhausted> {
        let t = template(p);
        let mut ctx = Context::new();
        ctx.insert("v", Value::Single(Scalar::String(v.into())));
        let s = Subst::new(&t, &ctx).unwrap();
        glob(&s, s.start(), text, budget)
    }

    fn matches(p: &str, text: &str) -> bool {
        matches_with(p, text, "", &mut GLOB_BUDGET.clone()).unwrap()
    }

    /// Backtracking over every choice, straight from the definition.
    fn naive(p: &[char], t: &[char]) -> bool {
        match p.split_first() {
            None => t.is_empty(),
            Some((&'*', rest)) => (0..=t.len()).any(|i| naive(rest, &t[i..])),
            Some((&'%', rest)) => (0..=t.len())
                .take_while(|&i| i == 0 || t[i - 1] != ':')
                .any(|i| naive(rest, &t[i..])),
            Some((&'?', rest)) => !t.is_empty() && naive(rest, &t[1..]),
            Some((&'!', rest)) => !t.is_empty() && t[0] != ':' && naive(rest, &t[1..]),
            Some((&c, rest)) => t.first() == Some(&c) && naive(rest, &t[1..]),
        }
    }

    #[test]
    fn free_and_barred_wildcards() {
        for (pattern, text, want) in [
            ("a*c", "abbc", true),
            ("a*c", "a:c", true),
            ("a%c", "a:c", false),
            ("a%c", "abc", true),
            ("a?c", "a:c", true),
            ("a!c", "a:c", false),
            ("a!c", "aéc", true),
            ("a?c", "ac", false),
            ("*", "", true),
            ("", "", true),
            ("", "x", false),
            // A barred star before a free one: the free star cannot give back what the barred
            // one must skip.
            ("%:*b", "x:ab", true),
            ("*:%b:*", "a:b:c:xb:d", true),
            ("%b", "a:b", false),
        ] {
            assert_eq!(matches(pattern, text), want, "{pattern} on {text}");
        }
    }

    #[test]
    fn substituted_text_is_literal() {
        let mut b = GLOB_BUDGET;
        assert!(matches_with("a$*", "a*xyz", "*", &mut b).unwrap());
        assert!(!matches_with("a$*", "abxyz", "*", &mut b).unwrap());
        assert!(matches_with("a$%", "a:b", ":", &mut b).unwrap());
    }

    #[test]
    fn agrees_with_the_definition() {
        let alphabet = ['a', 'b', ':'];
        let patterns = [
            "*", "%", "a*b", "a%b", "*a*", "%a%", "*:*", "%:%", "*%*", "%*%", "a*%b", "%:*:%",
            "?*", "!%", "*!*", "%?%", "a%:%b", "*a%b*", "%%", "**:", ":%%:", "ab*ba", "*ab:*",
            "a:b%", "%ab%ba%", "*aba", "ab?:*b",
        ];
        let mut texts = vec![String::new()];
        for len in 1..=6 {
            let mut next = Vec::new();
            for t in texts.iter().filter(|t| t.chars().count() == len - 1) {
                for c in alphabet {
                    next.push(format!("{t}{c}"));
                }
            }
            texts.extend(next);
        }
        for p in patterns {
            let pc: Vec<char> = p.chars().collect();
            for t in &texts {
                let tc: Vec<char> = t.chars().collect();
                assert_eq!(matches(p, t), naive(&pc, &tc), "pattern {p:?} text {t:?}");
            }
        }
    }

    #[test]
    fn budget_is_spent_on_barred_stars_only() {
        // Free stars: no budget at all, however long the text.
        let text = "ab".repeat(50_000);
        let mut none = 0;
        assert!(matches_with("*a*b*", &text, "", &mut none).unwrap());
        // Barred stars that cannot match: the search runs out and says so.
        let hard = format!("{}x", "a".repeat(60));
        let mut b = GLOB_BUDGET;
        assert_eq!(
            matches_with("%a%a%a%a%a%a%a%a%b", &hard, "", &mut b),
            Err(Exhausted)
        );
        // A forged pattern with thousands of barred stars is refused, not a stack overflow.
        let deep = "%".repeat(10_000);
        assert_eq!(
            matches_with(&deep, "abc", "", &mut GLOB_BUDGET.clone()),
            Err(Exhausted)
        );
    }
}
