//! Condition values with policy variables, compared after substitution
//! ([`crate::template::Subst`]) without copying anything: equality (`String...Equals`),
//! `Bool`, and the globs of `StringLike` and `Arn...` (through [`crate::glob`], the one
//! matcher).

use iamc_format::template::Template;
use iamc_format::value::fold;

use super::Cmp3;
use crate::glob::{glob, Exhausted, GLOB_BUDGET};
use crate::template::{Elem, Subst};
use crate::Context;
use iamc_format::arn;

/// Equality after substitution (`String...Equals`); with `fold_case`, both sides are compared
/// by simple lowercase. Wildcard tokens, if any, stand for their characters.
pub(super) fn equals(t: &Template, ctx: &Context, x: &str, fold_case: bool) -> Cmp3 {
    let Some(s) = Subst::new(t, ctx) else {
        return Cmp3::Unresolved;
    };
    let mut c = s.start();
    let mut xs = x.chars();
    loop {
        match (s.next(c), xs.next()) {
            (None, None) => return Cmp3::Match,
            (Some((e, nc)), Some(xc)) => {
                let pc = match e {
                    Elem::Lit(p) => p,
                    Elem::Star { .. } => '*',
                    Elem::One { .. } => '?',
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
pub(super) fn bool_equals(t: &Template, ctx: &Context, x: Option<bool>) -> Cmp3 {
    let Some(s) = Subst::new(t, ctx) else {
        return Cmp3::Unresolved;
    };
    let is = |word: &str| -> bool {
        let mut c = s.start();
        let mut chars = word.chars();
        loop {
            match (s.next(c), chars.next()) {
                (None, None) => return true,
                (Some((Elem::Lit(p), nc)), Some(q)) if p.eq_ignore_ascii_case(&q) => c = nc,
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
///
/// # Errors
/// The glob's budget ran out (the caller fails closed).
pub(super) fn like(t: &Template, ctx: &Context, x: &str) -> Result<Cmp3, Exhausted> {
    let Some(s) = Subst::new(t, ctx) else {
        return Ok(Cmp3::Unresolved);
    };
    let mut budget = GLOB_BUDGET;
    Ok(Cmp3::from_bool(glob(&s, s.start(), x, &mut budget)?))
}

/// `ArnLike` (and `ArnEquals`): both sides split at their first five colons (substituted
/// colons count: the split is on the substituted text); fewer than five on either side is
/// `Error`; each field globbed on its own (so `*` never crosses `:` in fields 1 to 5), the
/// sixth as a whole.
///
/// # Errors
/// The glob's budget ran out (the caller fails closed).
pub(super) fn arn_like(t: &Template, ctx: &Context, x: &str) -> Result<Cmp3, Exhausted> {
    let Some(s) = Subst::new(t, ctx) else {
        return Ok(Cmp3::Unresolved);
    };
    // Where each field of the pattern starts, and how many elements it has.
    let mut starts = [s.start(); 6];
    let mut counts = [0usize; 6];
    let mut field = 0usize;
    let mut c = s.start();
    while let Some((e, nc)) = s.next(c) {
        if e == Elem::Lit(':') && field < 5 {
            field += 1;
            if let Some(start) = starts.get_mut(field) {
                *start = nc;
            }
        } else if let Some(n) = counts.get_mut(field) {
            *n += 1;
        }
        c = nc;
    }
    if field < 5 {
        return Ok(Cmp3::Error);
    }
    let Some(fields) = arn::fields(x) else {
        return Ok(Cmp3::Error);
    };
    let mut budget = GLOB_BUDGET;
    for ((start, count), text) in starts.into_iter().zip(counts).zip(fields) {
        if !glob(&s, Subst::bounded(start, count), text, &mut budget)? {
            return Ok(Cmp3::NoMatch);
        }
    }
    Ok(Cmp3::Match)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Scalar, Value};
    use iamc_format::template::Token;

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
        assert_eq!(like(&t, &ctx(&[("v", "*")]), "a*xyz").unwrap(), Cmp3::Match);
        assert_eq!(
            like(&t, &ctx(&[("v", "*")]), "abxyz").unwrap(),
            Cmp3::NoMatch
        );
        assert_eq!(like(&t, &ctx(&[("v", "*")]), "a*").unwrap(), Cmp3::NoMatch);
        assert_eq!(like(&t, &ctx(&[("v", "é")]), "aéé").unwrap(), Cmp3::Match);
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
        assert_eq!(arn_like(&t, &c, v).unwrap(), Cmp3::NoMatch);
        assert_eq!(
            arn_like(
                &t,
                &c,
                "arn:aws:someservice:us-east-2:111122223333:finance/a:b"
            )
            .unwrap(),
            Cmp3::Match
        );
        assert_eq!(arn_like(&t, &c, "arn:aws:x").unwrap(), Cmp3::Error);
        let whole = Template {
            tokens: vec![var("aws:PrincipalArn", None)],
        };
        let c = ctx(&[("aws:principalarn", "arn:aws:iam::1:role/a")]);
        assert_eq!(
            arn_like(&whole, &c, "arn:aws:iam::1:role/a").unwrap(),
            Cmp3::Match
        );
        assert_eq!(
            arn_like(&whole, &c, "arn:aws:iam::1:role/b").unwrap(),
            Cmp3::NoMatch
        );
        let c = ctx(&[("aws:principalarn", "notarn")]);
        assert_eq!(
            arn_like(&whole, &c, "arn:aws:iam::1:role/a").unwrap(),
            Cmp3::Error
        );
        // Substituted colons separate fields too; substituted `*` stays literal.
        let t = Template {
            tokens: vec![lit("arn:aws:iam::"), var("a", None), lit(":role/"), STAR],
        };
        let c = ctx(&[("a", "1:2")]);
        assert_eq!(
            arn_like(&t, &c, "arn:aws:iam::1:2:role/x").unwrap(),
            Cmp3::Match
        );
        assert_eq!(
            arn_like(&t, &c, "arn:aws:iam::1:3:role/x").unwrap(),
            Cmp3::NoMatch
        );
        assert_eq!(
            arn_like(&t, &c, "arn:aws:iam::1:role/x").unwrap(),
            Cmp3::NoMatch
        );
        let c = ctx(&[("a", "*")]);
        assert_eq!(
            arn_like(&t, &c, "arn:aws:iam::1:role/x").unwrap(),
            Cmp3::NoMatch
        );
        assert_eq!(
            arn_like(&t, &c, "arn:aws:iam::*:role/x").unwrap(),
            Cmp3::Match
        );
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
