//! Compiled `Condition` blocks, as an artifact stores them.
//!
//! Built by the compiler from a statement's `Condition` element, stored in the program section,
//! checked by [`Conditions::validate`] on load, evaluated by the runtime.
//!
//! The semantics are spec 5.3.1 with the choices of DESIGN.md "Conditions" and "Policy
//! variables": clauses (one per operator and key) AND; values OR, NOR for negated operators;
//! each comparison is Match, NoMatch, Error or Unresolved. Everything a policy value can be
//! turned into ahead of time already was: exact string sets are sorted (folded for
//! `...IgnoreCase`), globs are DFAs in the artifact, numbers are exact decimals, dates instants,
//! IP ranges masked networks, base64 decoded bytes. Values with policy variables stay
//! [`Template`]s, compared after substitution.

use std::fmt;

use crate::template::Template;
use crate::value::{fold, Cidr4, Cidr6, Decimal, Instant};

/// A statement's `Condition` block: true when every clause holds (empty = always true).
///
/// Its `Display` (the `iamc compile --emit ir` form) prints one clause per line:
/// `key quantifier [not] matcher`.
///
/// ```
/// use iamc_format::cond::{Clause, Conditions, Matcher, Quantifier, Test};
///
/// let c = Conditions {
///     clauses: vec![Clause {
///         key: "aws:SecureTransport".into(),
///         quantifier: Quantifier::Plain { if_exists: false },
///         test: Test::Compare {
///             negated: false,
///             static_error: false,
///             matcher: Matcher::Bool { values: vec![true], templates: vec![] },
///         },
///     }],
/// };
/// assert_eq!(c.to_string(), r#""aws:SecureTransport" bool [true]"#);
/// assert_eq!(c.validate(0), Ok(()));
/// ```
#[derive(Debug, Clone, PartialEq, bincode::Encode, bincode::Decode)]
pub struct Conditions {
    /// The clauses, all of which must hold.
    pub clauses: Vec<Clause>,
}

/// One key of one operator: `Operator: { key: [values] }`.
#[derive(Debug, Clone, PartialEq, bincode::Encode, bincode::Decode)]
pub struct Clause {
    /// The condition key as written; looked up ignoring ASCII case.
    pub key: String,
    /// The set qualifier (or its absence) and `IfExists`.
    pub quantifier: Quantifier,
    /// What each request value is compared with.
    pub test: Test,
}

/// The set qualifier, or its absence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, bincode::Encode, bincode::Decode)]
pub enum Quantifier {
    /// No qualifier: absent key → `if_exists || negated`; multi-valued key → false.
    Plain {
        /// The operator ends in `IfExists`.
        if_exists: bool,
    },
    /// Every non-empty value must pass (absent or no values: true). `IfExists` changes nothing.
    ForAllValues,
    /// Some non-empty value must pass (absent or no values: false, `IfExists` included, A9).
    ForAnyValue,
}

/// The comparison of one clause.
#[derive(Debug, Clone, PartialEq, bincode::Encode, bincode::Decode)]
pub enum Test {
    /// `Null`: `if_absent` = some value is `true`, `if_present` = some value is `false` (both
    /// read ignoring case). The quantifier does not change it (spec 5.4.4, A18).
    Null {
        /// The outcome when the key is absent.
        if_absent: bool,
        /// The outcome when the key is present.
        if_present: bool,
    },
    /// Every other operator.
    Compare {
        /// NOR over the values (`...Not...` operators) instead of OR.
        negated: bool,
        /// Some policy value cannot be read as the operator's type: that pair is always Error,
        /// so a negated operator never holds (a positive one just ignores it).
        static_error: bool,
        /// The policy values, compiled by type.
        matcher: Matcher,
    },
}

/// The policy values of one clause, compiled by type. A request value that does not parse as
/// the type is Error against every value of the list (no value: nothing to compare).
#[derive(Debug, Clone, PartialEq, bincode::Encode, bincode::Decode)]
pub enum Matcher {
    /// `StringEquals` / `StringEqualsIgnoreCase` (and the `Not` forms).
    Equals {
        /// `...IgnoreCase`: `exact` holds folded strings; comparisons fold on the fly.
        fold: bool,
        /// Constant values, sorted by `str` order and deduplicated.
        exact: Vec<String>,
        /// Values with variables (their `*` and `?` are literal here).
        templates: Vec<Template>,
    },
    /// `StringLike` (`arn: false`) and all four `Arn...` operators (`arn: true`).
    Like {
        /// An `Arn...` operator: both sides are split into six fields first.
        arn: bool,
        /// The DFA (artifact index) over the constant patterns: anchored, matching the whole
        /// value; for `arn`, patterns whose wildcards in fields 1 to 5 exclude `:` (a request
        /// value must still have six fields, checked at run time).
        dfa: Option<u32>,
        /// Values with variables, and any constant pattern not in the DFA.
        templates: Vec<Template>,
    },
    /// `Numeric...` operators.
    Numeric {
        /// How the request value must relate to a policy value.
        op: Order,
        /// The policy values.
        values: Vec<Decimal>,
    },
    /// `Date...` operators.
    Date {
        /// How the request value must relate to a policy value.
        op: Order,
        /// The policy values.
        values: Vec<Instant>,
    },
    /// `Bool`.
    Bool {
        /// The constant policy values.
        values: Vec<bool>,
        /// Values with variables (2012-10-17, A10).
        templates: Vec<Template>,
    },
    /// `BinaryEquals`.
    Binary {
        /// The decoded policy values.
        values: Vec<Vec<u8>>,
    },
    /// `IpAddress` / `NotIpAddress`.
    Ip {
        /// The IPv4 networks.
        v4: Vec<Cidr4>,
        /// The IPv6 networks.
        v6: Vec<Cidr6>,
    },
}

/// How a request value `x` must relate to a policy value `v` (negated operators use `Eq` and
/// `Test::Compare::negated`).
///
/// ```
/// use iamc_format::cond::Order;
/// assert!(Order::Le.holds(std::cmp::Ordering::Equal));
/// assert!(!Order::Gt.holds(std::cmp::Ordering::Less));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, bincode::Encode, bincode::Decode)]
pub enum Order {
    /// `x = v`.
    Eq,
    /// `x < v`.
    Lt,
    /// `x <= v`.
    Le,
    /// `x > v`.
    Gt,
    /// `x >= v`.
    Ge,
}

impl Order {
    /// Whether `x.cmp(v)` satisfies the order, `x` the request's value and `v` the policy's.
    pub fn holds(self, o: std::cmp::Ordering) -> bool {
        use std::cmp::Ordering::{Equal, Greater, Less};
        match self {
            Order::Eq => o == Equal,
            Order::Lt => o == Less,
            Order::Le => o != Greater,
            Order::Gt => o == Greater,
            Order::Ge => o != Less,
        }
    }

    /// The order as printed: `=`, `<`, `<=`, `>`, `>=`.
    pub fn symbol(self) -> &'static str {
        match self {
            Order::Eq => "=",
            Order::Lt => "<",
            Order::Le => "<=",
            Order::Gt => ">",
            Order::Ge => ">=",
        }
    }
}

impl Conditions {
    /// The empty block: always true.
    pub fn always() -> Conditions {
        Conditions {
            clauses: Vec::new(),
        }
    }

    /// Whether the block has no clause (and so always holds).
    pub fn is_always(&self) -> bool {
        self.clauses.is_empty()
    }

    /// Checks the invariants evaluation relies on, after decoding an untrusted artifact: DFA
    /// ids below `dfa_count`, sorted exact sets (folded ones folded), normalized decimals,
    /// nanoseconds below one second, masked networks, non-empty variable keys.
    ///
    /// # Errors
    /// The first invariant that does not hold, as a message.
    pub fn validate(&self, dfa_count: usize) -> Result<(), &'static str> {
        for c in &self.clauses {
            c.validate(dfa_count)?;
        }
        Ok(())
    }
}

impl Clause {
    fn validate(&self, dfa_count: usize) -> Result<(), &'static str> {
        let Test::Compare { matcher, .. } = &self.test else {
            return Ok(());
        };
        let templates_ok = |ts: &[Template]| !ts.iter().any(Template::has_empty_key);
        match matcher {
            Matcher::Equals {
                fold: f,
                exact,
                templates,
            } => {
                if !exact.windows(2).all(|w| matches!(w, [a, b] if a < b)) {
                    return Err("condition string set is not sorted");
                }
                if *f && !exact.iter().all(|s| s.chars().all(|c| fold(c) == c)) {
                    return Err("condition ignore-case set is not folded");
                }
                if !templates_ok(templates) {
                    return Err("condition variable without a key");
                }
            }
            Matcher::Like { dfa, templates, .. } => {
                if dfa.is_some_and(|d| d as usize >= dfa_count) {
                    return Err("condition automaton index out of range");
                }
                if !templates_ok(templates) {
                    return Err("condition variable without a key");
                }
            }
            Matcher::Numeric { values, .. } => {
                if !values.iter().all(Decimal::is_normal) {
                    return Err("condition number is not normalized");
                }
            }
            Matcher::Date { values, .. } => {
                if !values.iter().all(|i| i.nanos < 1_000_000_000) {
                    return Err("condition date has more than a second of nanoseconds");
                }
            }
            Matcher::Bool { templates, .. } => {
                if !templates_ok(templates) {
                    return Err("condition variable without a key");
                }
            }
            Matcher::Binary { .. } => {}
            Matcher::Ip { v4, v6 } => {
                if !v4.iter().all(|c| c.is_normal()) || !v6.iter().all(|c| c.is_normal()) {
                    return Err("condition network has host bits or a bad prefix length");
                }
            }
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// Readable form (`iamc compile --emit ir`).

impl fmt::Display for Conditions {
    /// One clause per line: `key quantifier [not] matcher`, e.g.
    /// `aws:TagKeys ForAnyValue: not like dfa#3 | "${v}*"`; templates print with `\`-escaped
    /// literal `*`, `?`, `$` and `\`; `!error` marks a policy value of the wrong type.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, c) in self.clauses.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{:?} ", c.key)?;
            match c.quantifier {
                Quantifier::Plain { if_exists: true } => f.write_str("IfExists ")?,
                Quantifier::Plain { if_exists: false } => {}
                Quantifier::ForAllValues => f.write_str("ForAllValues: ")?,
                Quantifier::ForAnyValue => f.write_str("ForAnyValue: ")?,
            }
            match &c.test {
                Test::Null {
                    if_absent,
                    if_present,
                } => write!(f, "null absent={if_absent} present={if_present}")?,
                Test::Compare {
                    negated,
                    static_error,
                    matcher,
                } => {
                    if *negated {
                        f.write_str("not ")?;
                    }
                    write_matcher(f, matcher)?;
                    if *static_error {
                        f.write_str(" !error")?;
                    }
                }
            }
        }
        Ok(())
    }
}

fn write_matcher(f: &mut fmt::Formatter<'_>, m: &Matcher) -> fmt::Result {
    fn list<T>(
        f: &mut fmt::Formatter<'_>,
        items: &[T],
        mut one: impl FnMut(&mut fmt::Formatter<'_>, &T) -> fmt::Result,
    ) -> fmt::Result {
        f.write_str("[")?;
        for (i, x) in items.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            one(f, x)?;
        }
        f.write_str("]")
    }
    let templates = |f: &mut fmt::Formatter<'_>, ts: &[Template]| -> fmt::Result {
        for t in ts {
            write!(f, " | {t}")?;
        }
        Ok(())
    };
    let order = |o: &Order| o.symbol();
    match m {
        Matcher::Equals {
            fold: fc,
            exact,
            templates: ts,
        } => {
            f.write_str(if *fc {
                "equals-ignore-case "
            } else {
                "equals "
            })?;
            list(f, exact, |f, s| write!(f, "{s:?}"))?;
            templates(f, ts)
        }
        Matcher::Like {
            arn,
            dfa,
            templates: ts,
        } => {
            f.write_str(if *arn { "arn-like" } else { "like" })?;
            if let Some(d) = dfa {
                write!(f, " dfa#{d}")?;
            }
            templates(f, ts)
        }
        Matcher::Numeric { op, values } => {
            write!(f, "numeric{} ", order(op))?;
            list(f, values, |f, d| write!(f, "{d}"))
        }
        Matcher::Date { op, values } => {
            write!(f, "date{} ", order(op))?;
            list(f, values, |f, i| write!(f, "{i}"))
        }
        Matcher::Bool {
            values,
            templates: ts,
        } => {
            f.write_str("bool ")?;
            list(f, values, |f, b| write!(f, "{b}"))?;
            templates(f, ts)
        }
        Matcher::Binary { values } => {
            f.write_str("binary ")?;
            list(f, values, |f, v| {
                f.write_str("0x")?;
                v.iter().try_for_each(|b| write!(f, "{b:02x}"))
            })
        }
        Matcher::Ip { v4, v6 } => {
            f.write_str("ip ")?;
            list(f, v4, |f, c| write!(f, "{c}"))?;
            f.write_str(" ")?;
            list(f, v6, |f, c| write!(f, "{c}"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::template::Token;
    use crate::value::parse_decimal;

    fn clause(m: Matcher) -> Conditions {
        Conditions {
            clauses: vec![Clause {
                key: "K".to_owned(),
                quantifier: Quantifier::Plain { if_exists: false },
                test: Test::Compare {
                    negated: true,
                    static_error: false,
                    matcher: m,
                },
            }],
        }
    }

    #[test]
    fn validate_rejects_what_evaluation_cannot_use() {
        let like = clause(Matcher::Like {
            arn: false,
            dfa: Some(7),
            templates: vec![],
        });
        assert_eq!(
            like.validate(3),
            Err("condition automaton index out of range")
        );
        assert_eq!(like.validate(8), Ok(()));
        let unsorted = clause(Matcher::Equals {
            fold: false,
            exact: vec!["b".into(), "a".into()],
            templates: vec![],
        });
        assert!(unsorted.validate(0).is_err());
        let no_key = clause(Matcher::Bool {
            values: vec![],
            templates: vec![Template {
                tokens: vec![Token::Var {
                    key: String::new(),
                    default: None,
                }],
            }],
        });
        assert_eq!(no_key.validate(0), Err("condition variable without a key"));
    }

    #[test]
    fn display_is_readable() {
        let c = Conditions {
            clauses: vec![
                Clause {
                    key: "aws:TagKeys".into(),
                    quantifier: Quantifier::ForAnyValue,
                    test: Test::Compare {
                        negated: true,
                        static_error: false,
                        matcher: Matcher::Like {
                            arn: false,
                            dfa: Some(3),
                            templates: vec![Template {
                                tokens: vec![
                                    Token::Var {
                                        key: "v".into(),
                                        default: Some("d".into()),
                                    },
                                    Token::Lit("*".into()),
                                    Token::Star { colon: true },
                                ],
                            }],
                        },
                    },
                },
                Clause {
                    key: "n".into(),
                    quantifier: Quantifier::Plain { if_exists: true },
                    test: Test::Compare {
                        negated: false,
                        static_error: true,
                        matcher: Matcher::Numeric {
                            op: Order::Le,
                            values: vec![parse_decimal("-0.50").unwrap().to_owned_decimal()],
                        },
                    },
                },
                Clause {
                    key: "ip".into(),
                    quantifier: Quantifier::Plain { if_exists: false },
                    test: Test::Compare {
                        negated: true,
                        static_error: false,
                        matcher: Matcher::Ip {
                            v4: vec![Cidr4 {
                                net: 0x0a00_0000,
                                len: 8,
                            }],
                            v6: vec![],
                        },
                    },
                },
            ],
        };
        assert_eq!(
            c.to_string(),
            "\"aws:TagKeys\" ForAnyValue: not like dfa#3 | \"${v, 'd'}\\**\"\n\
             \"n\" IfExists numeric<= [-0.5] !error\n\
             \"ip\" not ip [10.0.0.0/8] []"
        );
    }
}
