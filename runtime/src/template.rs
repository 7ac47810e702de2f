//! Templates (`iamc_format::template`) with their variables substituted from a request
//! context, walked element by element without copying anything.
//!
//! A variable's text is literal once substituted (DESIGN.md "Policy variables"): its `*` and
//! `?` are characters, not wildcards. The walk resolves a variable once, when it enters it, and
//! then steps through the resolved text.

use iamc_format::template::{Template, Token};

use crate::Context;

/// One element of a substituted template: a literal character or a wildcard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Elem {
    /// A character that must be there (substituted text is all literal).
    Lit(char),
    /// `?`: one character, `:` only when `colon`.
    One { colon: bool },
    /// `*`: any run of characters, `:` among them only when `colon`.
    Star { colon: bool },
}

impl Elem {
    /// Whether a one-character element accepts `c`.
    pub(crate) fn accepts(self, c: char) -> bool {
        match self {
            Elem::Lit(x) => x == c,
            Elem::One { colon } | Elem::Star { colon } => colon || c != ':',
        }
    }
}

/// A template with its variables resolved in a context.
#[derive(Clone, Copy)]
pub(crate) struct Subst<'a> {
    tokens: &'a [Token],
    ctx: &'a Context,
}

/// A position in the element stream of a [`Subst`]: the next token, the rest of the current
/// token's text, and how many elements may still be taken (to walk one ARN field of it).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Cur<'a> {
    next: usize,
    rest: &'a str,
    left: usize,
}

impl<'a> Subst<'a> {
    /// `t` with its variables read from `ctx`; `None` when some variable has no value and no
    /// default (unresolved).
    pub(crate) fn new(t: &'a Template, ctx: &'a Context) -> Option<Subst<'a>> {
        let resolves = t.tokens.iter().all(|tok| match tok {
            Token::Var { key, default } => ctx.variable(key, default.as_deref()).is_some(),
            _ => true,
        });
        resolves.then_some(Subst {
            tokens: &t.tokens,
            ctx,
        })
    }

    /// The start of the element stream, with no bound on its length.
    pub(crate) fn start(&self) -> Cur<'a> {
        Cur {
            next: 0,
            rest: "",
            left: usize::MAX,
        }
    }

    /// The element at `c` and the position after it; `None` at the end (or when the bound of
    /// `c` is reached).
    pub(crate) fn next(&self, mut c: Cur<'a>) -> Option<(Elem, Cur<'a>)> {
        c.left = c.left.checked_sub(1)?;
        loop {
            let mut chars = c.rest.chars();
            if let Some(ch) = chars.next() {
                c.rest = chars.as_str();
                return Some((Elem::Lit(ch), c));
            }
            let tok = self.tokens.get(c.next)?;
            c.next += 1;
            match tok {
                Token::Lit(text) => c.rest = text,
                Token::Var { key, default } => {
                    c.rest = self.ctx.variable(key, default.as_deref()).unwrap_or("");
                }
                Token::Star { colon } => return Some((Elem::Star { colon: *colon }, c)),
                Token::One { colon } => return Some((Elem::One { colon: *colon }, c)),
            }
        }
    }

    /// The literal text at `c`, up to the next wildcard or the end of the current token, and
    /// the position after it: lets a matcher compare a run of literal characters at once.
    /// `None` at a wildcard, at the end, or when `c` is bounded ([`Subst::bounded`]).
    pub(crate) fn literal_run(&self, mut c: Cur<'a>) -> Option<(&'a str, Cur<'a>)> {
        if c.left != usize::MAX {
            return None;
        }
        while c.rest.is_empty() {
            match self.tokens.get(c.next)? {
                Token::Lit(text) => c.rest = text,
                Token::Var { key, default } => {
                    c.rest = self.ctx.variable(key, default.as_deref()).unwrap_or("");
                }
                Token::Star { .. } | Token::One { .. } => return None,
            }
            c.next += 1;
        }
        Some((c.rest, Cur { rest: "", ..c }))
    }

    /// `c` bounded to its next `n` elements.
    pub(crate) fn bounded(c: Cur<'a>, n: usize) -> Cur<'a> {
        Cur { left: n, ..c }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Scalar, Value};

    fn ctx(pairs: &[(&str, &str)]) -> Context {
        let mut c = Context::new();
        for (k, v) in pairs {
            c.insert(k, Value::Single(Scalar::String((*v).to_owned())));
        }
        c
    }

    fn elems(s: &Subst<'_>) -> Vec<Elem> {
        let mut out = Vec::new();
        let mut c = s.start();
        while let Some((e, n)) = s.next(c) {
            out.push(e);
            c = n;
        }
        out
    }

    #[test]
    fn variables_resolve_once_and_stay_literal() {
        let t = Template {
            tokens: vec![
                Token::Lit("a".into()),
                Token::Var {
                    key: "V".into(),
                    default: None,
                },
                Token::Star { colon: false },
            ],
        };
        let c = ctx(&[("v", "*:")]);
        let s = Subst::new(&t, &c).unwrap();
        assert_eq!(
            elems(&s),
            [
                Elem::Lit('a'),
                Elem::Lit('*'),
                Elem::Lit(':'),
                Elem::Star { colon: false }
            ]
        );
        assert!(Subst::new(&t, &Context::new()).is_none());
        let two = Subst::bounded(s.start(), 2);
        let (_, after) = s.next(two).unwrap();
        let (_, after) = s.next(after).unwrap();
        assert!(s.next(after).is_none());
    }

    #[test]
    fn defaults_and_empty_values() {
        let c = ctx(&[("k", "")]);
        assert_eq!(c.variable("K", Some("d")), Some("d"));
        assert_eq!(c.variable("k", None), Some(""));
        assert_eq!(Context::new().variable("k", Some("d")), Some("d"));
        assert_eq!(Context::new().variable("k", None), None);
        let mut multi = Context::new();
        multi.insert("k", Value::Multi(vec![Scalar::String("x".into())]));
        assert_eq!(multi.variable("k", None), None);
    }
}
