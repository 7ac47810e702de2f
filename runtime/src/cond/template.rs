//! Condition values with policy variables, compared after substitution without allocating.
//!
//! A [`Template`] is a list of tokens: literal text, the glob wildcards (only in `...Like` and
//! `Arn...` values) and variables. Substituted text is literal (DESIGN.md "Policy variables").
//! The comparisons walk the template as a stream of tokens (one character, `*` or `?`),
//! resolving a variable each time the walk enters it, so nothing is ever copied.

use iamc_format::template::{Template, Token};
use iamc_format::value::fold;

use crate::{Context, Value};

/// A variable's text: the key's canonical text when present and single-valued (an empty string
/// falls back to the default when one is given, A17); otherwise the default; otherwise `None`
/// (unresolved).
pub(crate) fn resolve<'a>(
    ctx: &'a Context,
    key: &str,
    default: Option<&'a str>,
) -> Option<&'a str> {
    match ctx.get(key) {
        Some(Value::Single(s)) => {
            let t = s.as_text();
            if t.is_empty() {
                Some(default.unwrap_or(""))
            } else {
                Some(t)
            }
        }
        Some(Value::Multi(_)) | None => default,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tok {
    Ch(char),
    Star,
    One,
}

/// A position in the token stream: segment, byte offset in its text, tokens still allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Cur {
    seg: usize,
    off: usize,
    left: usize,
}

/// Outcome of one comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Cmp3 {
    Match,
    NoMatch,
    /// Not comparable (not an ARN with six fields, not a boolean).
    Error,
    /// A variable has no value and no default.
    Unresolved,
}

impl Cmp3 {
    pub(crate) fn from_bool(b: bool) -> Cmp3 {
        if b {
            Cmp3::Match
        } else {
            Cmp3::NoMatch
        }
    }
}

/// Whether every variable has a value (or a default) in `ctx`.
fn resolves(t: &Template, ctx: &Context) -> bool {
    t.tokens.iter().all(|s| match s {
        Token::Var { key, default } => resolve(ctx, key, default.as_deref()).is_some(),
        _ => true,
    })
}

fn start() -> Cur {
    Cur {
        seg: 0,
        off: 0,
        left: usize::MAX,
    }
}

/// A template and the context its variables are read from.
#[derive(Clone, Copy)]
struct Walk<'a> {
    t: &'a Template,
    ctx: &'a Context,
}

impl Walk<'_> {
    /// The token at `c` and the position after it; `None` at the end (or when `left` is 0).
    fn next(&self, mut c: Cur) -> Option<(Tok, Cur)> {
        if c.left == 0 {
            return None;
        }
        c.left -= 1;
        loop {
            let text = match self.t.tokens.get(c.seg)? {
                Token::Star { .. } => {
                    return Some((
                        Tok::Star,
                        Cur {
                            seg: c.seg + 1,
                            off: 0,
                            ..c
                        },
                    ))
                }
                Token::One { .. } => {
                    return Some((
                        Tok::One,
                        Cur {
                            seg: c.seg + 1,
                            off: 0,
                            ..c
                        },
                    ))
                }
                Token::Lit(s) => s.as_str(),
                Token::Var { key, default } => {
                    resolve(self.ctx, key, default.as_deref()).unwrap_or("")
                }
            };
            match text.get(c.off..).and_then(|r| r.chars().next()) {
                Some(ch) => {
                    return Some((
                        Tok::Ch(ch),
                        Cur {
                            off: c.off + ch.len_utf8(),
                            ..c
                        },
                    ))
                }
                None => {
                    c.seg += 1;
                    c.off = 0;
                }
            }
        }
    }

    /// Anchored glob of the tokens from `from` (up to its `left` count) over all of `text`:
    /// `*` any run of characters, `?` one character. The classic single-star backtracking walk:
    /// O(pattern × text) steps, no recursion, no allocation.
    fn glob(&self, from: Cur, text: &str) -> bool {
        let mut p = from;
        let mut t = 0usize;
        let mut star: Option<(Cur, usize)> = None;
        loop {
            let tc = text.get(t..).and_then(|r| r.chars().next());
            match (self.next(p), tc) {
                (Some((Tok::Star, np)), _) => {
                    star = Some((np, t));
                    p = np;
                    continue;
                }
                (Some((Tok::One, np)), Some(c)) => {
                    p = np;
                    t += c.len_utf8();
                    continue;
                }
                (Some((Tok::Ch(pc), np)), Some(c)) if pc == c => {
                    p = np;
                    t += c.len_utf8();
                    continue;
                }
                (None, None) => return true,
                _ => {}
            }
            let Some((sp, st)) = star else {
                return false;
            };
            let Some(c) = text.get(st..).and_then(|r| r.chars().next()) else {
                return false;
            };
            let nt = st + c.len_utf8();
            star = Some((sp, nt));
            p = sp;
            t = nt;
        }
    }
}

/// Equality after substitution (`String...Equals`, `Bool` confirmation); with `fold`, both
/// sides are compared by simple lowercase. `*` and `?` segments, if any, are literal.
pub(crate) fn equals(t: &Template, ctx: &Context, x: &str, fold_case: bool) -> Cmp3 {
    let w = Walk { t, ctx };
    if !resolves(t, ctx) {
        return Cmp3::Unresolved;
    }
    let mut c = start();
    let mut xs = x.chars();
    loop {
        let tok = w.next(c);
        let xc = xs.next();
        match (tok, xc) {
            (None, None) => return Cmp3::Match,
            (Some((tok, nc)), Some(xc)) => {
                let pc = match tok {
                    Tok::Ch(p) => p,
                    Tok::Star => '*',
                    Tok::One => '?',
                };
                let same = if fold_case {
                    fold(pc) == fold(xc)
                } else {
                    pc == xc
                };
                if !same {
                    return Cmp3::NoMatch;
                }
                c = nc;
            }
            _ => return Cmp3::NoMatch,
        }
    }
}

/// `true`/`false` (ASCII case ignored) after substitution, compared with `x`'s boolean.
pub(crate) fn bool_equals(t: &Template, ctx: &Context, x: Option<bool>) -> Cmp3 {
    let w = Walk { t, ctx };
    if !resolves(t, ctx) {
        return Cmp3::Unresolved;
    }
    let is = |word: &str| -> bool {
        let mut c = start();
        let mut chars = word.chars();
        loop {
            match (w.next(c), chars.next()) {
                (None, None) => return true,
                (Some((Tok::Ch(p), nc)), Some(q)) if p.eq_ignore_ascii_case(&q) => c = nc,
                _ => return false,
            }
        }
    };
    let v = if is("true") {
        true
    } else if is("false") {
        false
    } else {
        return Cmp3::Error;
    };
    match x {
        Some(x) => Cmp3::from_bool(x == v),
        None => Cmp3::Error,
    }
}

/// `StringLike`: the whole of `x` against the glob, substituted text literal.
pub(crate) fn like(t: &Template, ctx: &Context, x: &str) -> Cmp3 {
    let w = Walk { t, ctx };
    if !resolves(t, ctx) {
        return Cmp3::Unresolved;
    }
    Cmp3::from_bool(w.glob(start(), x))
}

/// `ArnLike` (and `ArnEquals`): both sides split at their first five colons (substituted
/// colons count: the split is on the substituted text); fewer than five on either side is
/// `Error`; each field globbed on its own (so `*` never crosses `:` in fields 1 to 5), the
/// sixth as a whole.
pub(crate) fn arn_like(t: &Template, ctx: &Context, x: &str) -> Cmp3 {
    let w = Walk { t, ctx };
    if !resolves(t, ctx) {
        return Cmp3::Unresolved;
    }
    // Field starts and token counts of the pattern.
    let mut starts = [start(); 6];
    let mut counts = [0usize; 6];
    let mut field = 0usize;
    let mut c = start();
    while let Some((tok, nc)) = w.next(c) {
        if tok == Tok::Ch(':') && field < 5 {
            field += 1;
            if let Some(s) = starts.get_mut(field) {
                *s = nc;
            }
        } else if let Some(n) = counts.get_mut(field) {
            *n += 1;
        }
        c = nc;
    }
    if field < 5 {
        return Cmp3::Error;
    }
    let Some(fields) = split6(x) else {
        return Cmp3::Error;
    };
    for ((start, count), text) in starts.iter().zip(counts).zip(fields) {
        let from = Cur {
            left: count,
            ..*start
        };
        if !w.glob(from, text) {
            return Cmp3::NoMatch;
        }
    }
    Cmp3::Match
}

/// `x` cut at its first five colons; `None` with fewer than five.
pub(crate) fn split6(x: &str) -> Option<[&str; 6]> {
    let (a, r) = x.split_once(':')?;
    let (b, r) = r.split_once(':')?;
    let (c, r) = r.split_once(':')?;
    let (d, r) = r.split_once(':')?;
    let (e, f) = r.split_once(':')?;
    Some([a, b, c, d, e, f])
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;
    use crate::Scalar;

    const STAR: Token = Token::Star { colon: true };
    const ONE: Token = Token::One { colon: true };

    fn lit(s: &str) -> Token {
        Token::Lit(s.to_owned())
    }
    fn var(k: &str, d: Option<&str>) -> Token {
        Token::Var {
            key: k.to_owned(),
            default: d.map(str::to_owned),
        }
    }
    fn ctx(pairs: &[(&str, &str)]) -> Context {
        let mut c = Context::new();
        for (k, v) in pairs {
            c.insert(k, Value::Single(Scalar::String((*v).to_owned())));
        }
        c
    }

    #[test]
    fn equals_walks_segments() {
        let t = Template {
            tokens: vec![lit("team-"), var("aws:PrincipalTag/Team", None), lit("*")],
        };
        let c = ctx(&[("aws:principaltag/team", "Pay")]);
        assert_eq!(equals(&t, &c, "team-Pay*", false), Cmp3::Match);
        assert_eq!(equals(&t, &c, "team-Payx", false), Cmp3::NoMatch);
        assert_eq!(equals(&t, &c, "TEAM-PAY*", true), Cmp3::Match);
        assert_eq!(equals(&t, &c, "team-Pay", false), Cmp3::NoMatch);
        assert_eq!(
            equals(&t, &Context::new(), "team-", false),
            Cmp3::Unresolved
        );
    }

    #[test]
    fn defaults_and_empty_values() {
        let t = Template {
            tokens: vec![var("k", Some("dflt"))],
        };
        assert_eq!(equals(&t, &Context::new(), "dflt", false), Cmp3::Match);
        assert_eq!(equals(&t, &ctx(&[("k", "")]), "dflt", false), Cmp3::Match);
        let t = Template {
            tokens: vec![var("k", None)],
        };
        assert_eq!(equals(&t, &ctx(&[("k", "")]), "", false), Cmp3::Match);
    }

    #[test]
    fn like_treats_substitution_as_literal() {
        let t = Template {
            tokens: vec![lit("a"), var("v", None), STAR, ONE],
        };
        assert_eq!(like(&t, &ctx(&[("v", "*")]), "a*xyz"), Cmp3::Match);
        assert_eq!(like(&t, &ctx(&[("v", "*")]), "abxyz"), Cmp3::NoMatch);
        assert_eq!(like(&t, &ctx(&[("v", "*")]), "a*"), Cmp3::NoMatch);
        assert_eq!(like(&t, &ctx(&[("v", "é")]), "aéé"), Cmp3::Match);
    }

    #[test]
    fn arn_like_is_field_wise() {
        let t = Template {
            tokens: vec![
                lit("arn:aws:someservice:"),
                STAR,
                lit(":111122223333:finance/"),
                STAR,
                var("x", Some("")),
            ],
        };
        let c = Context::new();
        let v = "arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/d";
        assert_eq!(arn_like(&t, &c, v), Cmp3::NoMatch);
        assert_eq!(
            arn_like(
                &t,
                &c,
                "arn:aws:someservice:us-east-2:111122223333:finance/a:b"
            ),
            Cmp3::Match
        );
        assert_eq!(arn_like(&t, &c, "arn:aws:x"), Cmp3::Error);
        let whole = Template {
            tokens: vec![var("aws:PrincipalArn", None)],
        };
        let c = ctx(&[("aws:principalarn", "arn:aws:iam::1:role/a")]);
        assert_eq!(arn_like(&whole, &c, "arn:aws:iam::1:role/a"), Cmp3::Match);
        assert_eq!(arn_like(&whole, &c, "arn:aws:iam::1:role/b"), Cmp3::NoMatch);
        let c = ctx(&[("aws:principalarn", "notarn")]);
        assert_eq!(arn_like(&whole, &c, "arn:aws:iam::1:role/a"), Cmp3::Error);
        // Substituted colons separate fields too; substituted `*` stays literal.
        let t = Template {
            tokens: vec![lit("arn:aws:iam::"), var("a", None), lit(":role/"), STAR],
        };
        let c = ctx(&[("a", "1:2")]);
        assert_eq!(arn_like(&t, &c, "arn:aws:iam::1:2:role/x"), Cmp3::Match);
        assert_eq!(arn_like(&t, &c, "arn:aws:iam::1:3:role/x"), Cmp3::NoMatch);
        assert_eq!(arn_like(&t, &c, "arn:aws:iam::1:role/x"), Cmp3::NoMatch);
        let c = ctx(&[("a", "*")]);
        assert_eq!(arn_like(&t, &c, "arn:aws:iam::1:role/x"), Cmp3::NoMatch);
        assert_eq!(arn_like(&t, &c, "arn:aws:iam::*:role/x"), Cmp3::Match);
    }

    #[test]
    fn bool_templates() {
        let t = Template {
            tokens: vec![var("b", None)],
        };
        assert_eq!(
            bool_equals(&t, &ctx(&[("b", "TRUE")]), Some(true)),
            Cmp3::Match
        );
        assert_eq!(
            bool_equals(&t, &ctx(&[("b", "no")]), Some(true)),
            Cmp3::Error
        );
        assert_eq!(
            bool_equals(&t, &Context::new(), Some(true)),
            Cmp3::Unresolved
        );
    }
}
