//! Pass 4: a statement's `Condition` block to the runtime's [`Conditions`].
//!
//! *After it*: no AST in conditions, no operator names, no value text that still needs parsing.
//! One [`Clause`] per (operator, key), in document order. Per operator family:
//! - `String(Not)Equals(IgnoreCase)`: constant values become a sorted, deduplicated set
//!   (folded by simple lowercase for `IgnoreCase`); values with variables stay templates;
//! - `String(Not)Like` and the four `Arn...` operators: constant patterns become one DFA per
//!   clause (added to the artifact through [`DfaBuilder`]; the clause stores its index;
//!   identical pattern lists share one DFA through `DfaBuilder::condition_cache`), with
//!   `?` one UTF-8 scalar; for ARNs the wildcards before the fifth colon exclude `:` (field-wise
//!   semantics) and a pattern with fewer than six fields is a policy-side Error. Patterns with
//!   variables stay templates (the runtime globs them after substitution); if the DFA cannot be
//!   built under the size limits, the constant patterns become templates too (same result,
//!   slower), so this pass never fails on size;
//! - `Numeric...`: exact decimals; `Date...`: instants; `IpAddress`: masked networks by family;
//!   `BinaryEquals`: decoded bytes; `Bool`: booleans (templates with variables); `Null`: two
//!   flags. A value that does not parse as its type is a policy-side Error (`static_error`),
//!   not a compile error: IAM accepts such policies (spec 5.12).
//!
//! For the compiler engineer: call [`lower_conditions`] with the statement's
//! `conditions`; an empty block gives [`Conditions::always`] (store `None` for it if you prefer).
//! At run time the runtime evaluates the block and treats an internal error as *true* for
//! Deny statements and *false* for Allow statements.

use iamc_format::cond::{Clause, Conditions, Matcher, Order, Quantifier, Test};
use iamc_format::template::{Template, Token};
use iamc_format::value::{
    base64_decode, fold, parse_bool, parse_cidr, parse_date, parse_decimal, Cidr,
};
use iamc_grammar::ast::{self, BaseOperator, Segment, SetQualifier};

use crate::automata::glob::{glob_hir, glob_key};
use crate::automata::{DfaBuilder, DfaRole};
use crate::ir::{Glob, Piece};
use crate::CompileError;

/// Lowers one `Condition` block. Under `2008-10-17` the grammar already made `${...}` literal
/// text, so `version` only documents the contract.
///
/// # Errors
/// Only an automaton failure other than a size limit (size limits fall back to templates).
pub(crate) fn lower_conditions(
    clauses: &[ast::ConditionClause],
    _version: ast::Version,
    dfas: &mut DfaBuilder,
) -> Result<Conditions, CompileError> {
    let mut out = Vec::new();
    for clause in clauses {
        let op = clause.operator.node;
        let quantifier = match op.qualifier {
            None => Quantifier::Plain {
                if_exists: op.if_exists,
            },
            Some(SetQualifier::ForAllValues) => Quantifier::ForAllValues,
            Some(SetQualifier::ForAnyValue) => Quantifier::ForAnyValue,
        };
        for key in &clause.keys {
            let values: Vec<&ast::ConditionValue> = key.values.iter().map(|v| &v.node).collect();
            let test = lower_test(op.base, &values, dfas)?;
            out.push(Clause {
                key: key.key.node.clone(),
                quantifier,
                test,
            });
        }
    }
    Ok(Conditions { clauses: out })
}

fn lower_test(
    base: BaseOperator,
    values: &[&ast::ConditionValue],
    dfas: &mut DfaBuilder,
) -> Result<Test, CompileError> {
    use BaseOperator as B;
    let mut static_error = false;
    let matcher = match base {
        B::Null => {
            return Ok(Test::Null {
                if_absent: values.iter().any(|v| v.text == "true"),
                if_present: values.iter().any(|v| v.text != "true"),
            })
        }
        B::StringEquals | B::StringNotEquals => equals(values, false),
        B::StringEqualsIgnoreCase | B::StringNotEqualsIgnoreCase => equals(values, true),
        B::StringLike | B::StringNotLike => like(values, false, dfas, &mut static_error)?,
        B::ArnEquals | B::ArnLike | B::ArnNotEquals | B::ArnNotLike => {
            like(values, true, dfas, &mut static_error)?
        }
        B::NumericEquals
        | B::NumericNotEquals
        | B::NumericLessThan
        | B::NumericLessThanEquals
        | B::NumericGreaterThan
        | B::NumericGreaterThanEquals => Matcher::Numeric {
            op: order(base),
            values: values
                .iter()
                .filter_map(|v| {
                    let d = parse_decimal(&v.text).map(|d| d.to_owned_decimal());
                    static_error |= d.is_none();
                    d
                })
                .collect(),
        },
        B::DateEquals
        | B::DateNotEquals
        | B::DateLessThan
        | B::DateLessThanEquals
        | B::DateGreaterThan
        | B::DateGreaterThanEquals => Matcher::Date {
            op: order(base),
            values: values
                .iter()
                .filter_map(|v| {
                    let d = parse_date(&v.text);
                    static_error |= d.is_none();
                    d
                })
                .collect(),
        },
        B::Bool => {
            let mut bools = Vec::new();
            let mut templates = Vec::new();
            for v in values {
                match template(&v.template, false) {
                    Some(t) => templates.push(t),
                    None => match parse_bool(&constant_text(&v.template)) {
                        Some(b) => bools.push(b),
                        None => static_error = true,
                    },
                }
            }
            bools.sort_unstable();
            bools.dedup();
            Matcher::Bool {
                values: bools,
                templates,
            }
        }
        B::BinaryEquals => Matcher::Binary {
            values: values
                .iter()
                .filter_map(|v| {
                    let d = base64_decode(&v.text);
                    static_error |= d.is_none();
                    d
                })
                .collect(),
        },
        B::IpAddress | B::NotIpAddress => {
            let mut v4 = Vec::new();
            let mut v6 = Vec::new();
            for v in values {
                match parse_cidr(&v.text) {
                    Some(Cidr::V4(c)) => v4.push(c),
                    Some(Cidr::V6(c)) => v6.push(c),
                    None => static_error = true,
                }
            }
            Matcher::Ip { v4, v6 }
        }
    };
    Ok(Test::Compare {
        negated: base.is_negated(),
        static_error,
        matcher,
    })
}

fn order(base: BaseOperator) -> Order {
    use BaseOperator as B;
    match base {
        B::NumericLessThan | B::DateLessThan => Order::Lt,
        B::NumericLessThanEquals | B::DateLessThanEquals => Order::Le,
        B::NumericGreaterThan | B::DateGreaterThan => Order::Gt,
        B::NumericGreaterThanEquals | B::DateGreaterThanEquals => Order::Ge,
        _ => Order::Eq,
    }
}

/// The text of a template without variables (escapes are their character).
fn constant_text(t: &ast::Template) -> String {
    let mut s = String::new();
    for seg in &t.segments {
        match seg {
            Segment::Text(x) => s.push_str(x),
            Segment::Escaped(c) => s.push(*c),
            Segment::Variable { .. } => {}
        }
    }
    s
}

/// The runtime template of a value with variables (`None` without); with `wild`, `*` and `?`
/// in policy text are wildcards.
fn template(t: &ast::Template, wild: bool) -> Option<Template> {
    if t.is_constant() {
        return None;
    }
    Some(runtime_template(t, wild))
}

fn runtime_template(t: &ast::Template, wild: bool) -> Template {
    let mut segs: Vec<Token> = Vec::new();
    let push_lit = |segs: &mut Vec<Token>, c: char| {
        if let Some(Token::Lit(s)) = segs.last_mut() {
            s.push(c);
        } else {
            segs.push(Token::Lit(c.to_string()));
        }
    };
    for seg in &t.segments {
        match seg {
            Segment::Text(x) => {
                for c in x.chars() {
                    match c {
                        '*' if wild => segs.push(Token::Star { colon: true }),
                        '?' if wild => segs.push(Token::One { colon: true }),
                        c => push_lit(&mut segs, c),
                    }
                }
            }
            Segment::Escaped(c) => push_lit(&mut segs, *c),
            Segment::Variable { key, default } => segs.push(Token::Var {
                key: key.clone(),
                default: default.clone(),
            }),
        }
    }
    Template { tokens: segs }
}

fn equals(values: &[&ast::ConditionValue], fold_case: bool) -> Matcher {
    let mut exact = Vec::new();
    let mut templates = Vec::new();
    for v in values {
        match template(&v.template, false) {
            Some(t) => templates.push(t),
            None => {
                let s = constant_text(&v.template);
                exact.push(if fold_case {
                    s.chars().map(fold).collect()
                } else {
                    s
                });
            }
        }
    }
    exact.sort_unstable();
    exact.dedup();
    Matcher::Equals {
        fold: fold_case,
        exact,
        templates,
    }
}

/// A constant pattern as an IR glob; for ARNs, `None` when it has fewer than six fields.
fn like_glob(t: &ast::Template, arn: bool) -> Option<Glob> {
    let mut g = Glob::default();
    let mut colons = 0usize;
    let mut buf = [0u8; 4];
    let mut push = |g: &mut Glob, c: char, escaped: bool| {
        let field_wise = arn && colons < 5;
        match c {
            '*' if !escaped => g.pieces.push(Piece::Star { colon: !field_wise }),
            '?' if !escaped => g.pieces.push(Piece::One { colon: !field_wise }),
            c => {
                if c == ':' {
                    colons += 1;
                }
                g.push_lit(c.encode_utf8(&mut buf));
            }
        }
    };
    for seg in &t.segments {
        match seg {
            Segment::Text(x) => x.chars().for_each(|c| push(&mut g, c, false)),
            Segment::Escaped(c) => push(&mut g, *c, true),
            Segment::Variable { .. } => return None,
        }
    }
    (!arn || colons >= 5).then_some(g)
}

fn like(
    values: &[&ast::ConditionValue],
    arn: bool,
    dfas: &mut DfaBuilder,
    static_error: &mut bool,
) -> Result<Matcher, CompileError> {
    let mut globs: Vec<(Glob, &ast::Template)> = Vec::new();
    let mut templates = Vec::new();
    for v in values {
        if let Some(t) = template(&v.template, true) {
            templates.push(t);
            continue;
        }
        match like_glob(&v.template, arn) {
            Some(g) => {
                if !globs.iter().any(|(h, _)| *h == g) {
                    globs.push((g, &v.template));
                }
            }
            None => *static_error = true,
        }
    }
    let mut dfa = None;
    if !globs.is_empty() {
        // Identical pattern lists (common across managed policies) share one DFA.
        let key: String = globs
            .iter()
            .map(|(g, _)| format!("{}\u{0}", glob_key(g, false)))
            .collect();
        if let Some(&id) = dfas.condition_cache.get(&key) {
            return Ok(Matcher::Like {
                arn,
                dfa: Some(id),
                templates,
            });
        }
        let hirs: Vec<_> = globs.iter().map(|(g, _)| glob_hir(g, false)).collect();
        match dfas.try_build(&hirs) {
            Ok(d) => {
                let id = dfas.push(d, DfaRole::Condition)?;
                dfas.condition_cache.insert(key, id);
                dfa = Some(id);
            }
            // Too large or otherwise unbuildable: the runtime globs the patterns itself.
            Err(_) => {
                templates.extend(globs.iter().map(|(_, t)| runtime_template(t, true)));
            }
        }
    }
    Ok(Matcher::Like {
        arn,
        dfa,
        templates,
    })
}
