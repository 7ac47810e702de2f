//! Pass 5: a statement's `Condition` block to [`Clause`]s.
//!
//! *After it*: no AST in conditions, no operator names, no value text that still needs
//! parsing. One clause per (operator, key), in document order; per clause one
//! [`Operand`] per value, in document order (INVARIANT (values-complete)). Per operator family:
//! - `String(Not)Equals(IgnoreCase)`: constants as text (folded by simple lowercase for
//!   `IgnoreCase`); values with variables become templates of literal text and holes;
//! - `String(Not)Like` and the four `Arn...` operators: constants become [`Glob`]s in which
//!   `?` is one Unicode scalar value and, for ARNs, the wildcards before the fifth colon exclude
//!   `:` (field-wise semantics); an ARN pattern with fewer than six fields is
//!   [`Operand::Invalid`]. Values with variables become templates with raw wildcards;
//! - `Numeric...`: exact decimals; `Date...`: instants; `IpAddress`: masked networks;
//!   `BinaryEquals`: decoded bytes; `Bool`: booleans (templates with variables); `Null`: two
//!   flags. A value that does not parse as its type is [`Operand::Invalid`]: IAM accepts such
//!   policies (spec 5.12), every comparison with the value is Error.
//!
//! Under `2008-10-17` the grammar already made `${...}` literal text, so no template arises.

use iamc_format::value::{base64_decode, fold, parse_bool, parse_cidr, parse_date, parse_decimal};
use iamc_grammar::ast::{self, BaseOperator, Segment, SetQualifier};

use crate::ir::condition::{Clause, Invalid, Operand, Order, Qualifier, Test};
use crate::ir::{Glob, Piece};

/// The clauses of one `Condition` block (empty for an empty block).
///
/// ```
/// use iamc_grammar::{ast::PolicyType, PolicySet, SourceFile};
/// let src = SourceFile::new("p.json", r#"{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"},"DateLessThan":{"aws:CurrentTime":"2030-01-01T00:00:00Z"}}}}"#);
/// let policy = iamc_grammar::parse_policy(&src, PolicyType::Identity)?.policy;
/// let stmt = &policy.statements[0];
///
/// use iamc_compiler::ir::condition::Test;
/// let clauses = iamc_compiler::lower::conditions::lower_conditions(&stmt.conditions);
/// assert_eq!(clauses.len(), 2);
/// assert_eq!(clauses[0].key, "aws:sourceip", "keys are lowercased");
/// assert!(matches!(clauses[1].test, Test::Date { .. }));
///
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn lower_conditions(clauses: &[ast::ConditionClause]) -> Vec<Clause> {
    let mut out = Vec::new();
    for clause in clauses {
        let op = clause.operator.node;
        let qualifier = op.qualifier.map(|q| match q {
            SetQualifier::ForAllValues => Qualifier::ForAllValues,
            SetQualifier::ForAnyValue => Qualifier::ForAnyValue,
        });
        for key in &clause.keys {
            out.push(Clause {
                key: key.key.node.to_ascii_lowercase(),
                written: key.key.node.clone(),
                span: key.key.span,
                operator: op.to_string(),
                texts: key.values.iter().map(|v| v.node.text.clone()).collect(),
                qualifier,
                if_exists: op.if_exists,
                negated: op.base != BaseOperator::Null && op.base.is_negated(),
                test: lower_test(op.base, &key.values),
            });
        }
    }
    out
}

/// The context keys `stmt` references, as first written, each once (ASCII case ignored):
/// variables of `Resource`/`NotResource`, then per clause its key and the variables of its
/// values where the operator substitutes them (see [`crate::ir::Statement::context_keys`]).
///
/// ```
/// use iamc_grammar::{ast::PolicyType, SourceFile};
/// let src = SourceFile::new("p.json", r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::home/${aws:username}/*","Condition":{"StringLike":{"s3:ExistingObjectTag/owner":"${aws:UserName}"},"Bool":{"aws:SecureTransport":"true"}}}}"#);
/// let policy = iamc_grammar::parse_policy(&src, PolicyType::Identity)?.policy;
///
/// let keys = iamc_compiler::lower::conditions::context_keys(&policy.statements[0]);
/// // `aws:UserName` is `aws:username` again (ASCII case ignored): listed once, as first written.
/// assert_eq!(keys, ["aws:username", "s3:ExistingObjectTag/owner", "aws:SecureTransport"]);
///
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn context_keys(stmt: &ast::Statement) -> Vec<String> {
    let mut keys: Vec<String> = Vec::new();
    let mut add = |k: &str| {
        if !keys.iter().any(|seen| seen.eq_ignore_ascii_case(k)) {
            keys.push(k.to_owned());
        }
    };
    let variables = |t: &ast::Template| -> Vec<String> {
        t.segments
            .iter()
            .filter_map(|s| match s {
                Segment::Variable { key, .. } => Some(key.clone()),
                _ => None,
            })
            .collect()
    };
    for p in stmt.resource.iter().flat_map(|b| &b.patterns) {
        if let ast::ResourcePattern::Arn { template, .. } = &p.node {
            variables(template).iter().for_each(|k| add(k));
        }
    }
    for clause in &stmt.conditions {
        let substitutes = clause.operator.node.base.admits_variables();
        for key in &clause.keys {
            add(&key.key.node);
            if substitutes {
                for v in &key.values {
                    variables(&v.node.template).iter().for_each(|k| add(k));
                }
            }
        }
    }
    keys
}

fn lower_test(base: BaseOperator, values: &[ast::Spanned<ast::ConditionValue>]) -> Test {
    use BaseOperator as B;
    match base {
        // Spec 5.4.6: `true`/`false` read ignoring case; any other value never holds (the
        // grammar refuses it, A19).
        B::Null => Test::Null {
            if_absent: values
                .iter()
                .any(|v| v.node.text.eq_ignore_ascii_case("true")),
            if_present: values
                .iter()
                .any(|v| v.node.text.eq_ignore_ascii_case("false")),
        },
        B::StringEquals | B::StringNotEquals => equals(values, false),
        B::StringEqualsIgnoreCase | B::StringNotEqualsIgnoreCase => equals(values, true),
        B::StringLike | B::StringNotLike => like(values, false),
        B::ArnEquals | B::ArnLike | B::ArnNotEquals | B::ArnNotLike => like(values, true),
        B::NumericEquals
        | B::NumericNotEquals
        | B::NumericLessThan
        | B::NumericLessThanEquals
        | B::NumericGreaterThan
        | B::NumericGreaterThanEquals => Test::Numeric {
            order: order(base),
            values: parsed(values, |t| parse_decimal(t).map(|d| d.to_owned_decimal())),
        },
        B::DateEquals
        | B::DateNotEquals
        | B::DateLessThan
        | B::DateLessThanEquals
        | B::DateGreaterThan
        | B::DateGreaterThanEquals => Test::Date {
            order: order(base),
            values: parsed(values, parse_date),
        },
        B::Bool => Test::Bool {
            values: values
                .iter()
                .map(|v| match template(&v.node.template, false) {
                    Some(t) => Operand::Template(t),
                    None => match parse_bool(&constant_text(&v.node.template)) {
                        Some(b) => Operand::Const(b),
                        None => invalid(v),
                    },
                })
                .collect(),
        },
        B::BinaryEquals => Test::Binary {
            values: parsed(values, base64_decode),
        },
        B::IpAddress | B::NotIpAddress => Test::Ip {
            values: parsed(values, parse_cidr),
        },
    }
}

/// Each value's text read by `parse`, or [`Operand::Invalid`].
fn parsed<T>(
    values: &[ast::Spanned<ast::ConditionValue>],
    parse: impl Fn(&str) -> Option<T>,
) -> Vec<Operand<T>> {
    values
        .iter()
        .map(|v| parse(&v.node.text).map_or_else(|| invalid(v), Operand::Const))
        .collect()
}

fn invalid<T>(v: &ast::Spanned<ast::ConditionValue>) -> Operand<T> {
    Operand::Invalid(Invalid {
        text: v.node.text.clone(),
        span: v.span,
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

/// The template of a value with variables (`None` without); with `wild`, `*` and `?` in
/// policy text are wildcards (crossing everything: their reach in ARN fields is decided after
/// substitution).
fn template(t: &ast::Template, wild: bool) -> Option<Glob> {
    if t.is_constant() {
        return None;
    }
    let mut g = Glob::default();
    let mut buf = [0u8; 4];
    for seg in &t.segments {
        match seg {
            Segment::Text(x) => {
                for c in x.chars() {
                    g.push(match c {
                        '*' if wild => Piece::Star { colon: true },
                        '?' if wild => Piece::One { colon: true },
                        c => Piece::Lit(c.encode_utf8(&mut buf).to_owned()),
                    });
                }
            }
            Segment::Escaped(c) => g.push_lit(c.encode_utf8(&mut buf)),
            Segment::Variable { key, default } => g.push(Piece::Var {
                key: key.clone(),
                default: default.clone(),
            }),
        }
    }
    Some(g)
}

fn equals(values: &[ast::Spanned<ast::ConditionValue>], ignore_case: bool) -> Test {
    let values = values
        .iter()
        .map(|v| match template(&v.node.template, false) {
            Some(t) => Operand::Template(t),
            None => {
                let s = constant_text(&v.node.template);
                Operand::Const(if ignore_case {
                    s.chars().map(fold).collect()
                } else {
                    s
                })
            }
        })
        .collect();
    Test::Equals {
        ignore_case,
        values,
    }
}

/// A constant pattern as a glob; for ARNs, `None` when it has fewer than six fields.
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

fn like(values: &[ast::Spanned<ast::ConditionValue>], arn: bool) -> Test {
    let values = values
        .iter()
        .map(|v| {
            if let Some(t) = template(&v.node.template, true) {
                return Operand::Template(t);
            }
            match like_glob(&v.node.template, arn) {
                Some(g) => Operand::Const(g),
                None => invalid(v),
            }
        })
        .collect();
    Test::Like { arn, values }
}

#[cfg(test)]
mod tests {
    use iamc_grammar::{ast, ast::PolicyType, SourceFile};

    use super::*;
    use crate::ir::condition::Cidr;

    const POLICY: &str = r#"{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"s:a","Resource":"*",
      "Condition":{
        "StringNotEqualsIgnoreCase":{"Aws:PrincipalTag/Team":["ÉCOLE","x","x","${aws:username}"]},
        "ForAnyValue:ArnLike":{"k:arn":["arn:aws:*:r:1:x*","arn:aws:s3"]},
        "NumericLessThan":{"k:n":["01.50","999"]},
        "BoolIfExists":{"k:b":["TRUE","${k:flag}","false"]},
        "IpAddress":{"k:ip":"10.1.2.3/8"},
        "Null":{"k:absent":"true"}}}}"#;

    /// The policy's conditions, with two values the grammar would refuse (A19) put back into
    /// the AST: lowering must still keep them, typed as invalid, if an AST built some other way
    /// carries them.
    fn clauses() -> (Vec<Clause>, String) {
        let src = SourceFile::new("p.json", POLICY);
        let mut p = iamc_grammar::parse_policy(&src, PolicyType::Identity)
            .unwrap()
            .policy;
        let conditions = &mut p.statements[0].conditions;
        for (clause, value, text) in [(2, 1, "1e3"), (3, 2, "maybe")] {
            let v = &mut conditions[clause].keys[0].values[value].node;
            v.text = text.to_owned();
            v.template = ast::Template {
                segments: vec![ast::Segment::Text(text.to_owned())],
            };
        }
        (
            lower_conditions(&p.statements[0].conditions),
            POLICY.to_owned(),
        )
    }

    #[test]
    fn values_are_typed_in_document_order_and_nothing_is_dropped() {
        let (cs, text) = clauses();
        assert_eq!(cs.len(), 6);
        let c = &cs[0];
        assert_eq!(
            (c.key.as_str(), c.written.as_str()),
            ("aws:principaltag/team", "Aws:PrincipalTag/Team")
        );
        assert_eq!(&text[c.span.start..c.span.end], "\"Aws:PrincipalTag/Team\"");
        assert!(c.negated && c.qualifier.is_none() && !c.if_exists);
        let Test::Equals {
            ignore_case: true,
            values,
        } = &c.test
        else {
            panic!("{c:?}")
        };
        assert_eq!(values.len(), 4, "duplicates kept");
        assert_eq!(values[0], Operand::Const("école".into()));
        assert!(matches!(&values[3], Operand::Template(t) if t.has_vars()));

        let c = &cs[1];
        assert_eq!(c.qualifier, Some(Qualifier::ForAnyValue));
        let Test::Like { arn: true, values } = &c.test else {
            panic!("{c:?}")
        };
        assert_eq!(
            values[0].as_const().unwrap().to_string(),
            "arn:aws:*!:r:1:x*"
        );
        let Operand::Invalid(bad) = &values[1] else {
            panic!("{values:?}")
        };
        assert_eq!(bad.text, "arn:aws:s3");
        assert_eq!(&text[bad.span.start..bad.span.end], "\"arn:aws:s3\"");

        let Test::Numeric {
            order: Order::Lt,
            values,
        } = &cs[2].test
        else {
            panic!()
        };
        let d = values[0].as_const().unwrap();
        assert_eq!((d.int.as_str(), d.frac.as_str()), ("1", "5"));
        assert!(matches!(&values[1], Operand::Invalid(i) if i.text == "1e3"));

        assert!(cs[3].if_exists && !cs[3].negated);
        let Test::Bool { values } = &cs[3].test else {
            panic!()
        };
        assert_eq!(values[0], Operand::Const(true));
        assert!(values[1].as_template().is_some());
        assert!(matches!(&values[2], Operand::Invalid(i) if i.text == "maybe"));

        let Test::Ip { values } = &cs[4].test else {
            panic!()
        };
        assert!(
            matches!(values[0], Operand::Const(Cidr::V4(c)) if c.net == 0x0a00_0000 && c.len == 8)
        );

        assert_eq!(
            cs[5].test,
            Test::Null {
                if_absent: true,
                if_present: false
            }
        );
    }

    #[test]
    fn clauses_print_their_values() {
        let (cs, _) = clauses();
        let lines: Vec<String> = cs.iter().map(ToString::to_string).collect();
        assert_eq!(
            lines[0],
            r#""Aws:PrincipalTag/Team" not equals-ignore-case ["x", "école"] | "${aws:username}""#
        );
        assert_eq!(
            lines[1],
            r#""k:arn" ForAnyValue: arn-like ["arn:aws:*:r:1:x*"] !error"#
        );
        assert_eq!(lines[2], r#""k:n" numeric< [1.5] !error"#);
        assert_eq!(
            lines[3],
            r#""k:b" IfExists bool [true] | "${k:flag}" !error"#
        );
        assert_eq!(lines[4], r#""k:ip" ip [10.0.0.0/8] []"#);
        assert_eq!(lines[5], r#""k:absent" null absent=true present=false"#);
    }
}
