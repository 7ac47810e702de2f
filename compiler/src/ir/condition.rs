//! Condition clauses: one per (operator, key) of a `Condition` block, with typed values.
//!
//! What a clause means is DESIGN.md "Conditions" (spec 5.3.1): the request's values for
//! [`Clause::key`] are compared with the clause's values under the operator's family; each
//! comparison is Match, NoMatch, Error (a value that does not read as the family's type, on
//! either side) or Unresolved (a policy variable with no value and no default); positive
//! operators need a Match, negated ones every result NoMatch or Unresolved.
//!
//! The values are what the engines compare, exactly: numbers as exact decimals, dates as
//! instants, IP ranges as masked networks, base64 as bytes, `...IgnoreCase` strings folded,
//! `Like` patterns as [`Glob`]s whose wildcards know their reach. INVARIANT
//! (values-complete): one [`Operand`] per policy value, in document order; nothing is dropped,
//! merged or sorted here (the emitter sorts what the runtime wants sorted).
//!
//! The typed values (`Decimal`, `Instant`, `Cidr`) and their parsers are the shared vocabulary
//! of policy and request values (the runtime reads request values with the same parsers).

use std::fmt;

/// Exact decimals, instants and networks: the condition value types policy values and
/// request values share.
pub use iamc_format::value::{Cidr, Decimal, Instant};

/// How a request value `x` must relate to a policy value `v` (`Eq` for the `...Equals` and
/// `...NotEquals` operators; the negation is [`Clause::negated`]): the format's one order, whose
/// [`Order::holds`] says whether `x.cmp(v)` satisfies it.
///
/// ```
/// use iamc_grammar::{ast::PolicyType, PolicySet, SourceFile};
/// use iamc_compiler::ir::condition::{Order, Test};
/// assert!(Order::Le.holds(std::cmp::Ordering::Equal));
/// assert!(!Order::Gt.holds(std::cmp::Ordering::Less));
///
/// let src = SourceFile::new("p.json", r#"{"Statement":{"Effect":"Allow","Action":"ecs:RunTask","Resource":"*","Condition":{"NumericLessThanEquals":{"ecs:task-cpu":"1024"}}}}"#);
/// let policy = iamc_grammar::parse_policy(&src, PolicyType::Identity)?.policy;
/// let ir = iamc_compiler::lower::lower(&PolicySet::identity(vec![policy]))?;
///
/// let Test::Numeric { order, .. } = ir.statements[0].conditions[0].test else {
///     return Err("a numeric test".into());
/// };
/// let (x, v) = (512, 1024);
/// assert!(order.holds(u32::cmp(&x, &v)), "512 <= 1024");
/// assert!(!order.holds(u32::cmp(&2048, &v)));
///
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub use iamc_format::cond::Order;
use iamc_format::template::{write_tokens, Spelling};
use iamc_grammar::Span;

use super::Glob;

/// `Operator: { key: [values] }` for one key.
///
/// ```
/// use iamc_grammar::{ast::PolicyType, PolicySet, SourceFile};
/// let src = SourceFile::new("p.json", r#"{"Version":"2012-10-17","Statement":[{"Sid":"Read","Effect":"Allow","Action":"s3:Get*","Resource":"arn:aws:s3:::b/*","Condition":{"NumericLessThan":{"s3:max-keys":"10"}}},{"Effect":"Deny","NotAction":"s3:*","NotResource":"*"}]}"#);
/// let policy = iamc_grammar::parse_policy(&src, PolicyType::Identity)?.policy;
/// let ir = iamc_compiler::lower::lower(&PolicySet::identity(vec![policy]))?;
///
/// let c = &ir.statements[0].conditions[0];
/// assert_eq!((c.key.as_str(), c.written.as_str()), ("s3:max-keys", "s3:max-keys"));
/// assert!(c.qualifier.is_none() && !c.if_exists && !c.negated);
///
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Clause {
    /// The key, ASCII-lowercased (INVARIANT (lowercase-keys)): a request's value is looked up
    /// ignoring ASCII case.
    pub key: String,
    /// The key as written, for messages and `--emit ir`.
    pub written: String,
    /// The key's bytes in its policy file.
    pub span: Span,
    /// The operator as written (`ForAnyValue:StringLikeIfExists`), for explanations.
    pub operator: String,
    /// The policy values as written (their JSON text), in document order, for explanations.
    pub texts: Vec<String>,
    /// `ForAllValues:` / `ForAnyValue:`, or neither.
    pub qualifier: Option<Qualifier>,
    /// `...IfExists`. A plain operator on an absent key then holds; with a qualifier it
    /// changes nothing (`ForAnyValue:...IfExists` on an absent key is false, A9).
    pub if_exists: bool,
    /// A `...Not...` operator (`StringNotEquals`, `NotIpAddress`, ...): NOR over the values
    /// instead of OR. Never set for `Null` and `Bool`.
    pub negated: bool,
    /// The operator family and the values.
    pub test: Test,
}

/// The set qualifier of an operator.
///
/// ```
/// use iamc_grammar::{ast::PolicyType, PolicySet, SourceFile};
/// let src = SourceFile::new("p.json", r#"{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"ForAnyValue:StringEquals":{"aws:TagKeys":"env"}}}}"#);
/// let policy = iamc_grammar::parse_policy(&src, PolicyType::Identity)?.policy;
/// let ir = iamc_compiler::lower::lower(&PolicySet::identity(vec![policy]))?;
///
/// use iamc_compiler::ir::condition::Qualifier;
/// assert_eq!(ir.statements[0].conditions[0].qualifier, Some(Qualifier::ForAnyValue));
///
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Qualifier {
    /// Every non-empty request value must pass (absent or no values: true).
    ForAllValues,
    /// Some non-empty request value must pass (absent or no values: false).
    ForAnyValue,
}

/// The operator family and the clause's values, typed.
///
/// ```
/// use iamc_grammar::{ast::PolicyType, PolicySet, SourceFile};
/// let src = SourceFile::new("p.json", r#"{"Version":"2012-10-17","Statement":[{"Sid":"Read","Effect":"Allow","Action":"s3:Get*","Resource":"arn:aws:s3:::b/*","Condition":{"NumericLessThan":{"s3:max-keys":"10"}}},{"Effect":"Deny","NotAction":"s3:*","NotResource":"*"}]}"#);
/// let policy = iamc_grammar::parse_policy(&src, PolicyType::Identity)?.policy;
/// let ir = iamc_compiler::lower::lower(&PolicySet::identity(vec![policy]))?;
///
/// use iamc_compiler::ir::condition::{Operand, Order, Test};
/// let Test::Numeric { order, values } = &ir.statements[0].conditions[0].test else {
///     panic!("a numeric test")
/// };
/// assert_eq!(*order, Order::Lt);
/// assert!(matches!(values[0], Operand::Const(_)));
///
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum Test {
    /// `Null`: `if_absent` = some value is `true` (the key must be absent), `if_present` =
    /// some value is `false` (the key must be present), both read ignoring case. A set
    /// qualifier does not change it (spec 5.4.4, A18).
    Null {
        /// Some value is `true`.
        if_absent: bool,
        /// Some value is `false`.
        if_present: bool,
    },
    /// `StringEquals` / `StringEqualsIgnoreCase` (and `Not`): constants exact, or folded by
    /// simple lowercase with `ignore_case`; templates are [`Glob`]s of literal text and
    /// variables only (substituted text compared whole). Never [`Operand::Invalid`].
    Equals {
        /// `...IgnoreCase`.
        ignore_case: bool,
        /// The values.
        values: Vec<Operand<String>>,
    },
    /// `StringLike` (`arn: false`) and the four `Arn...` operators (`arn: true`).
    ///
    /// Constants are the pattern's language, case-sensitive: for `arn`, wildcards before the
    /// fifth colon have `colon: false` and the pattern has at least five colons (one with
    /// fewer is [`Operand::Invalid`]; a request value with fewer is Error). Templates (values
    /// with variables) keep their wildcards raw (`colon: true`); for `arn` the fields are cut
    /// after substitution (a colon from a variable's value separates fields too), and then the
    /// same reach applies.
    Like {
        /// An `Arn...` operator.
        arn: bool,
        /// The patterns.
        values: Vec<Operand<Glob>>,
    },
    /// `Numeric...`: exact decimals; the request value `x` must be in `order` to a value `v`.
    Numeric {
        /// How `x` must relate to `v`.
        order: Order,
        /// The values.
        values: Vec<Operand<Decimal>>,
    },
    /// `Date...`: instants; as `Numeric`.
    Date {
        /// How `x` must relate to `v`.
        order: Order,
        /// The values.
        values: Vec<Operand<Instant>>,
    },
    /// `Bool`: `true` / `false` (ASCII case ignored); templates are read after substitution.
    Bool {
        /// The values.
        values: Vec<Operand<bool>>,
    },
    /// `BinaryEquals`: decoded base64.
    Binary {
        /// The decoded values.
        values: Vec<Operand<Vec<u8>>>,
    },
    /// `IpAddress` / `NotIpAddress`: masked networks; a request address of the other family
    /// is NoMatch.
    Ip {
        /// The networks.
        values: Vec<Operand<Cidr>>,
    },
}

/// One policy value of a clause, as the IR reads it.
///
/// ```
/// use iamc_grammar::{ast::PolicyType, PolicySet, SourceFile};
/// let src = SourceFile::new("p.json", r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/team":["dev","${aws:username}"]}}}}"#);
/// let policy = iamc_grammar::parse_policy(&src, PolicyType::Identity)?.policy;
/// let ir = iamc_compiler::lower::lower(&PolicySet::identity(vec![policy]))?;
///
/// use iamc_compiler::ir::condition::Test;
/// let Test::Equals { values, .. } = &ir.statements[0].conditions[0].test else {
///     panic!("an equality test")
/// };
/// assert_eq!(values[0].as_const().map(String::as_str), Some("dev"));
/// assert!(values[1].as_template().is_some_and(|g| g.has_vars()));
///
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum Operand<T> {
    /// A constant, read as the operator's type.
    Const(T),
    /// A value with policy variables (2012-10-17, String, Arn and Bool families): read after
    /// substitution; a variable with no value and no default makes the comparison Unresolved.
    Template(Glob),
    /// A constant that does not read as the operator's type: every comparison with it is
    /// Error (so it never matches, and a negated operator never holds).
    Invalid(Invalid),
}

/// A policy value that cannot be evaluated.
///
/// ```
/// use iamc_compiler::ir::condition::{Invalid, Operand, Order, Test};
/// let invalid = Invalid { text: "soon".into(), span: iamc_grammar::Span::default() };
/// let test = Test::Date { order: Order::Lt, values: vec![Operand::Invalid(invalid)] };
/// assert!(test.has_invalid());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    /// The value's canonical text.
    pub text: String,
    /// The value's bytes in its policy file.
    pub span: Span,
}

impl<T> Operand<T> {
    /// The constant, if this is one.
    ///
    /// ```
    /// use iamc_grammar::{ast::PolicyType, PolicySet, SourceFile};
    /// use iamc_compiler::ir::condition::Test;
    /// let src = SourceFile::new("p.json", r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"ecs:RunTask","Resource":"*","Condition":{"StringEquals":{"aws:RequestedRegion":["us-east-1","${aws:PrincipalTag/region}"]}}}}"#);
    /// let policy = iamc_grammar::parse_policy(&src, PolicyType::Identity)?.policy;
    /// let ir = iamc_compiler::lower::lower(&PolicySet::identity(vec![policy]))?;
    ///
    /// let Test::Equals { values, .. } = &ir.statements[0].conditions[0].test else {
    ///     return Err("an equality test".into());
    /// };
    /// assert_eq!(values[0].as_const().map(String::as_str), Some("us-east-1"));
    /// assert_eq!(values[1].as_const(), None, "a value with a variable is a template");
    ///
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn as_const(&self) -> Option<&T> {
        match self {
            Operand::Const(v) => Some(v),
            _ => None,
        }
    }

    /// The template, if this is one: a value with policy variables.
    ///
    /// ```
    /// use iamc_grammar::{ast::PolicyType, PolicySet, SourceFile};
    /// use iamc_compiler::ir::condition::Test;
    /// let src = SourceFile::new("p.json", r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::home","Condition":{"StringLike":{"s3:prefix":["${aws:username}/*","public/*"]}}}}"#);
    /// let policy = iamc_grammar::parse_policy(&src, PolicyType::Identity)?.policy;
    /// let ir = iamc_compiler::lower::lower(&PolicySet::identity(vec![policy]))?;
    ///
    /// let Test::Like { values, .. } = &ir.statements[0].conditions[0].test else {
    ///     return Err("a like test".into());
    /// };
    /// let template = values[0].as_template().ok_or("a template")?;
    /// assert!(template.has_vars());
    /// assert!(values[1].as_template().is_none(), "`public/*` is a constant");
    ///
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn as_template(&self) -> Option<&Glob> {
        match self {
            Operand::Template(t) => Some(t),
            _ => None,
        }
    }
}

/// The constants of `values`, in order.
///
/// ```
/// use iamc_compiler::ir::{condition::{constants, templates, Operand}, Glob};
/// let values = vec![Operand::Const(1), Operand::Template(Glob::literal("x")), Operand::Const(2)];
/// assert_eq!(constants(&values).collect::<Vec<_>>(), [&1, &2]);
/// assert_eq!(templates(&values).count(), 1);
/// ```
pub fn constants<T>(values: &[Operand<T>]) -> impl Iterator<Item = &T> {
    values.iter().filter_map(Operand::as_const)
}

/// The templates of `values`, in order.
///
/// ```
/// use iamc_grammar::{ast::PolicyType, PolicySet, SourceFile};
/// use iamc_compiler::ir::condition::{templates, Test};
/// let src = SourceFile::new("p.json", r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::home","Condition":{"StringLike":{"s3:prefix":["public/*","${aws:username}/*","${aws:PrincipalTag/team}/*"]}}}}"#);
/// let policy = iamc_grammar::parse_policy(&src, PolicyType::Identity)?.policy;
/// let ir = iamc_compiler::lower::lower(&PolicySet::identity(vec![policy]))?;
///
/// let Test::Like { values, .. } = &ir.statements[0].conditions[0].test else {
///     return Err("a like test".into());
/// };
/// assert_eq!(templates(values).count(), 2, "the two values with a variable");
/// assert!(templates(values).all(|t| t.has_vars()));
///
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn templates<T>(values: &[Operand<T>]) -> impl Iterator<Item = &Glob> {
    values.iter().filter_map(Operand::as_template)
}

/// Whether some value of `values` is [`Operand::Invalid`].
///
/// ```
/// use iamc_compiler::ir::condition::{any_invalid, Invalid, Operand};
/// let bad = Operand::<u8>::Invalid(Invalid { text: "x".into(), span: Default::default() });
/// assert!(any_invalid(&[Operand::Const(1), bad]));
/// assert!(!any_invalid(&[Operand::Const(1u8)]));
/// ```
pub fn any_invalid<T>(values: &[Operand<T>]) -> bool {
    values.iter().any(|v| matches!(v, Operand::Invalid(_)))
}

impl Test {
    /// The distinct constant patterns of a `Like` test, in first-seen order (`None` for other
    /// tests and for a `Like` without constants). Two clauses with the same list accept the
    /// same request values (apart from the ARN shape check): the automata pass builds one DFA
    /// per distinct list, and `--emit ir` numbers them in the same order.
    ///
    /// ```
    /// use iamc_grammar::{ast::PolicyType, PolicySet, SourceFile};
    /// let src = SourceFile::new("p.json", r#"{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringLike":{"s3:prefix":["a*","b*","a*"]}}}}"#);
    /// let policy = iamc_grammar::parse_policy(&src, PolicyType::Identity)?.policy;
    /// let ir = iamc_compiler::lower::lower(&PolicySet::identity(vec![policy]))?;
    ///
    /// let test = &ir.statements[0].conditions[0].test;
    /// let list = test.like_constants().ok_or("no constants")?;
    /// assert_eq!(list.len(), 2, "`a*` twice is one pattern");
    ///
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn like_constants(&self) -> Option<Vec<&Glob>> {
        let Test::Like { values, .. } = self else {
            return None;
        };
        let mut out: Vec<&Glob> = Vec::new();
        // INVARIANT (globs-merged): equal patterns are equal globs.
        for g in constants(values) {
            if !out.contains(&g) {
                out.push(g);
            }
        }
        (!out.is_empty()).then_some(out)
    }

    /// Whether some value cannot be evaluated (every comparison with it is Error).
    ///
    /// ```
    /// use iamc_grammar::{ast::PolicyType, PolicySet, SourceFile};
    /// // An `Arn...` pattern needs six fields: `arn:aws:s3` has three.
    /// let src = SourceFile::new("p.json", r#"{"Statement":{"Effect":"Deny","Action":"s3:PutObject","Resource":"*","Condition":{"ArnNotLike":{"aws:SourceArn":["arn:aws:s3","arn:aws:ecs:us-east-1:111122223333:cluster/*"]},"StringEquals":{"aws:RequestedRegion":"us-east-1"}}}}"#);
    /// let policy = iamc_grammar::parse_policy(&src, PolicyType::Identity)?.policy;
    /// let ir = iamc_compiler::lower::lower(&PolicySet::identity(vec![policy]))?;
    ///
    /// let conditions = &ir.statements[0].conditions;
    /// assert!(conditions[0].test.has_invalid());
    /// assert!(!conditions[1].test.has_invalid());
    ///
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn has_invalid(&self) -> bool {
        match self {
            Test::Null { .. } => false,
            Test::Equals { values, .. } => any_invalid(values),
            Test::Like { values, .. } => any_invalid(values),
            Test::Numeric { values, .. } => any_invalid(values),
            Test::Date { values, .. } => any_invalid(values),
            Test::Bool { values } => any_invalid(values),
            Test::Binary { values } => any_invalid(values),
            Test::Ip { values } => any_invalid(values),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Text: `key quantifier [not] family values`, the form `iamc compile --emit ir` prints.

/// How a `Like` test's constants are shown: listed, or as the number of their pattern list.
#[derive(Debug, Clone, Copy)]
pub(crate) enum LikeShown {
    List,
    Numbered(Option<usize>),
}

impl fmt::Display for Clause {
    /// One line: `"key" [IfExists |ForAllValues: |ForAnyValue: ][not ]family values`, e.g.
    /// `"aws:TagKeys" ForAnyValue: not like ["env*"] | "${aws:username}-*"`; sets are shown
    /// as the runtime stores them (string and bool constants sorted and deduplicated), `!error`
    /// marks a value of the wrong type.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_clause(f, self, LikeShown::List)
    }
}

pub(crate) fn write_clause(f: &mut dyn fmt::Write, c: &Clause, like: LikeShown) -> fmt::Result {
    write!(f, "{:?} ", c.written)?;
    match (c.qualifier, c.if_exists) {
        (None, true) => f.write_str("IfExists ")?,
        (None, false) => {}
        (Some(Qualifier::ForAllValues), _) => f.write_str("ForAllValues: ")?,
        (Some(Qualifier::ForAnyValue), _) => f.write_str("ForAnyValue: ")?,
    }
    if let Test::Null {
        if_absent,
        if_present,
    } = &c.test
    {
        return write!(f, "null absent={if_absent} present={if_present}");
    }
    if c.negated {
        f.write_str("not ")?;
    }
    match &c.test {
        Test::Null { .. } => {}
        Test::Equals {
            ignore_case,
            values,
        } => {
            f.write_str(if *ignore_case {
                "equals-ignore-case "
            } else {
                "equals "
            })?;
            let mut exact: Vec<&String> = constants(values).collect();
            exact.sort_unstable();
            exact.dedup();
            list(f, &exact, |f, s| write!(f, "{s:?}"))?;
            write_templates(f, values)?;
        }
        Test::Like { arn, values } => {
            f.write_str(if *arn { "arn-like" } else { "like" })?;
            match like {
                LikeShown::Numbered(Some(n)) => write!(f, " dfa#{n}")?,
                LikeShown::Numbered(None) => {}
                LikeShown::List => {
                    if let Some(gs) = c.test.like_constants() {
                        f.write_char(' ')?;
                        list(f, &gs, |f, g| write_quoted(f, g))?;
                    }
                }
            }
            write_templates(f, values)?;
        }
        Test::Numeric { order, values } => {
            write!(f, "numeric{} ", order.symbol())?;
            let ds: Vec<&Decimal> = constants(values).collect();
            list(f, &ds, |f, d| write!(f, "{d}"))?;
        }
        Test::Date { order, values } => {
            write!(f, "date{} ", order.symbol())?;
            let is: Vec<&Instant> = constants(values).collect();
            list(f, &is, |f, i| write!(f, "{i}"))?;
        }
        Test::Bool { values } => {
            f.write_str("bool ")?;
            let mut bs: Vec<&bool> = constants(values).collect();
            bs.sort_unstable();
            bs.dedup();
            list(f, &bs, |f, b| write!(f, "{b}"))?;
            write_templates(f, values)?;
        }
        Test::Binary { values } => {
            f.write_str("binary ")?;
            let vs: Vec<&Vec<u8>> = constants(values).collect();
            list(f, &vs, |f, v| {
                f.write_str("0x")?;
                v.iter().try_for_each(|b| write!(f, "{b:02x}"))
            })?;
        }
        Test::Ip { values } => {
            f.write_str("ip ")?;
            let v4: Vec<_> = constants(values)
                .filter_map(|c| match c {
                    Cidr::V4(c) => Some(c),
                    Cidr::V6(_) => None,
                })
                .collect();
            let v6: Vec<_> = constants(values)
                .filter_map(|c| match c {
                    Cidr::V6(c) => Some(c),
                    Cidr::V4(_) => None,
                })
                .collect();
            list(f, &v4, |f, c| write!(f, "{c}"))?;
            f.write_char(' ')?;
            list(f, &v6, |f, c| write!(f, "{c}"))?;
        }
    }
    if c.test.has_invalid() {
        f.write_str(" !error")?;
    }
    Ok(())
}

fn list<T>(
    f: &mut dyn fmt::Write,
    items: &[T],
    mut one: impl FnMut(&mut dyn fmt::Write, &T) -> fmt::Result,
) -> fmt::Result {
    f.write_char('[')?;
    for (i, x) in items.iter().enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        one(f, x)?;
    }
    f.write_char(']')
}

fn write_templates<T>(f: &mut dyn fmt::Write, values: &[Operand<T>]) -> fmt::Result {
    for t in templates(values) {
        f.write_str(" | ")?;
        write_quoted(f, t)?;
    }
    Ok(())
}

/// A condition value in quotes: literal `*`, `?`, `$` and `\` escaped, wildcards bare,
/// variables as `${key}` / `${key, 'default'}`.
fn write_quoted(f: &mut dyn fmt::Write, g: &Glob) -> fmt::Result {
    // Wildcards print bare, whatever their reach.
    const VALUE: Spelling = Spelling {
        wildcards: ["*", "*", "?", "?"],
        escape_bang: false,
    };
    f.write_char('"')?;
    write_tokens(f, &g.pieces, VALUE)?;
    f.write_char('"')
}
