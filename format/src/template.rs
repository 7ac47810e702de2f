//! [`Template`]: a pattern or value with policy variables, kept for an exact check at run time.
//!
//! One type serves both places an artifact keeps one:
//! - resource entries with variables (or longer than what their DFA pattern holds), confirmed
//!   after the DFA matched: `*` and `?` there carry the ARN field rule (in fields 1 to 5 they
//!   never match `:`, except a `*` that ends its field);
//! - condition values with variables (`StringEquals`, `StringLike`, `Arn...`, `Bool`): their `*`
//!   and `?` may match any character (an `Arn...` comparison splits the fields first).
//!
//! Substituted text is literal (DESIGN.md "Policy variables").

use std::fmt;

/// A sequence of [`Token`]s with at least one variable or wildcard.
///
/// Its `Display` quotes it: literal `*`, `?`, `$` and `\` escaped with `\`, variables as
/// `${key}` or `${key, 'default'}`, a wildcard that never matches `:` as `[^:]*` or `[^:]`.
///
/// ```
/// use iamc_format::template::{Template, Token};
///
/// let t = Template {
///     tokens: vec![
///         Token::Lit("home/".into()),
///         Token::Var { key: "aws:username".into(), default: None },
///         Token::Lit("/*".into()),
///         Token::Star { colon: true },
///     ],
/// };
/// assert_eq!(t.to_string(), r#""home/${aws:username}/\**""#);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, bincode::Encode, bincode::Decode)]
pub struct Template {
    /// The pieces, in order.
    pub tokens: Vec<Token>,
}

/// One piece of a [`Template`] (and of the compiler's IR globs, which use this type).
#[derive(Debug, Clone, PartialEq, Eq, Hash, bincode::Encode, bincode::Decode)]
pub enum Token {
    /// Literal text (wildcard characters included: they are literal here).
    Lit(String),
    /// `*`: any run of characters; `colon` says whether the run may include `:`.
    Star {
        /// Whether the run may include `:`.
        colon: bool,
    },
    /// `?`: one character (one Unicode scalar value); `colon` says whether it may be `:`.
    One {
        /// Whether the character may be `:`.
        colon: bool,
    },
    /// A policy variable `${key}` or `${key, 'default'}`; its value is literal text. The key is
    /// looked up ignoring ASCII case.
    Var {
        /// The condition key whose value is substituted.
        key: String,
        /// The text used when the key has no value (`${key, 'default'}`).
        default: Option<String>,
    },
}

impl Template {
    /// Whether some variable has an empty key (refused on load: no request key is empty).
    pub fn has_empty_key(&self) -> bool {
        self.tokens
            .iter()
            .any(|t| matches!(t, Token::Var { key, .. } if key.is_empty()))
    }
}

impl fmt::Display for Template {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"")?;
        write_tokens(f, &self.tokens, TEMPLATE)?;
        f.write_str("\"")
    }
}

/// A [`Template`]'s spelling: a wildcard that never matches `:` as `[^:]*` or `[^:]`.
const TEMPLATE: Spelling = Spelling {
    wildcards: ["*", "[^:]*", "?", "[^:]"],
    escape_bang: false,
};

/// How [`write_tokens`] spells wildcards.
#[derive(Debug, Clone, Copy)]
pub struct Spelling {
    /// `*` that may match `:`, `*` that may not, `?` that may match `:`, `?` that may not.
    pub wildcards: [&'static str; 4],
    /// Whether a literal `!` right after a wildcard is escaped too (where a `!` after a
    /// wildcard means that it may not match `:`).
    pub escape_bang: bool,
}

/// Writes `tokens` as the text of a policy value, unquoted: literal `*`, `?`, `$` and `\`
/// escaped with `\`, variables as `${key}` or `${key, 'default'}`, wildcards as `spelling`
/// says. The one way tokens are written: a [`Template`]'s `Display`, and the compiler's IR
/// texts.
///
/// ```
/// use iamc_format::template::{write_tokens, Spelling, Token};
/// let tokens = [Token::Star { colon: false }, Token::Lit("!$".into())];
/// let mut out = String::new();
/// let spelling = Spelling { wildcards: ["*", "*!", "?", "?!"], escape_bang: true };
/// write_tokens(&mut out, &tokens, spelling)?;
/// assert_eq!(out, r"*!\!\$");
/// # Ok::<(), std::fmt::Error>(())
/// ```
///
/// # Errors
/// Those of `f`.
pub fn write_tokens(f: &mut dyn fmt::Write, tokens: &[Token], spelling: Spelling) -> fmt::Result {
    let [star, star_no_colon, one, one_no_colon] = spelling.wildcards;
    let mut after_wildcard = false;
    for t in tokens {
        match t {
            Token::Lit(text) => {
                for (i, c) in text.chars().enumerate() {
                    if matches!(c, '*' | '?' | '$' | '\\')
                        || (spelling.escape_bang && i == 0 && after_wildcard && c == '!')
                    {
                        f.write_char('\\')?;
                    }
                    f.write_char(c)?;
                }
            }
            Token::Star { colon: true } => f.write_str(star)?,
            Token::Star { colon: false } => f.write_str(star_no_colon)?,
            Token::One { colon: true } => f.write_str(one)?,
            Token::One { colon: false } => f.write_str(one_no_colon)?,
            Token::Var { key, default: None } => write!(f, "${{{key}}}")?,
            Token::Var {
                key,
                default: Some(d),
            } => write!(f, "${{{key}, '{d}'}}")?,
        }
        after_wildcard = matches!(t, Token::Star { .. } | Token::One { .. });
    }
    Ok(())
}

/// The text a policy variable stands for (spec 6, DESIGN.md "Policy variables"), given
/// `single`, the key's canonical text when the request holds it with one value (`None` when
/// the key is absent or multi-valued), and the variable's default: the key's text, except that
/// an empty text falls back to the default when there is one (A17); else the default; else
/// `None` (unresolved). The one statement of the rule: the runtime and the compiler's IR
/// interpreter both call it.
///
/// ```
/// use iamc_format::template::variable_text;
/// assert_eq!(variable_text(Some("alice"), Some("x")), Some("alice"));
/// assert_eq!(variable_text(Some(""), Some("x")), Some("x"));
/// assert_eq!(variable_text(Some(""), None), Some(""));
/// assert_eq!(variable_text(None, None), None);
/// ```
pub fn variable_text<'a>(single: Option<&'a str>, default: Option<&'a str>) -> Option<&'a str> {
    match (single, default) {
        (Some(""), Some(d)) => Some(d),
        (Some(text), _) => Some(text),
        (None, d) => d,
    }
}
