#![allow(clippy::unwrap_used, clippy::indexing_slicing)]
use super::*;
use crate::Scalar;

fn req(pairs: &[(&str, Value)]) -> Request {
    let mut r = Request::new("s:a", "*");
    for (k, v) in pairs {
        r.context.insert(k, v.clone());
    }
    r
}
fn s(x: &str) -> Value {
    Value::Single(Scalar::String(x.to_owned()))
}

fn clause(q: Quantifier, negated: bool, m: Matcher) -> Conditions {
    Conditions {
        clauses: vec![Clause {
            key: "K".to_owned(),
            quantifier: q,
            test: Test::Compare {
                negated,
                static_error: false,
                matcher: m,
            },
        }],
    }
}

#[test]
fn quantifiers_follow_the_table() {
    let eq = || Matcher::Equals {
        fold: false,
        exact: vec!["a".to_owned()],
        templates: vec![],
    };
    let plain = clause(Quantifier::Plain { if_exists: false }, false, eq());
    let not = clause(Quantifier::Plain { if_exists: false }, true, eq());
    let all = clause(Quantifier::ForAllValues, false, eq());
    let any = clause(Quantifier::ForAnyValue, false, eq());
    let none = req(&[]);
    assert!(!plain.eval(&none, &[]));
    assert!(not.eval(&none, &[]));
    assert!(all.eval(&none, &[]));
    assert!(!any.eval(&none, &[]));
    let multi = req(&[("k", Value::Multi(vec![Scalar::String("a".into())]))]);
    assert!(!plain.eval(&multi, &[]));
    assert!(!not.eval(&multi, &[]));
    assert!(all.eval(&multi, &[]));
    assert!(any.eval(&multi, &[]));
    let mixed = req(&[(
        "k",
        Value::Multi(vec![Scalar::String("a".into()), Scalar::String("".into())]),
    )]);
    assert!(all.eval(&mixed, &[]));
    assert!(plain.eval(&req(&[("k", s("a"))]), &[]));
}

#[test]
fn missing_dfa_is_an_error_not_a_panic() {
    let c = clause(
        Quantifier::Plain { if_exists: false },
        true,
        Matcher::Like {
            arn: false,
            dfa: Some(7),
            templates: vec![],
        },
    );
    assert_eq!(c.eval_checked(&req(&[("k", s("a"))]), &[]), Err(EvalError));
    assert!(!c.eval(&req(&[("k", s("a"))]), &[]));
    assert_eq!(c.validate(3), Err("condition automaton index out of range"));
}

#[test]
fn validate_rejects_unsorted_sets() {
    let c = clause(
        Quantifier::Plain { if_exists: false },
        false,
        Matcher::Equals {
            fold: false,
            exact: vec!["b".into(), "a".into()],
            templates: vec![],
        },
    );
    assert!(c.validate(0).is_err());
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
                            segs: vec![
                                Seg::Var {
                                    key: "v".into(),
                                    default: Some("d".into()),
                                },
                                Seg::Lit("*".into()),
                                Seg::Star,
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
