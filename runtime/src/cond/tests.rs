use super::*;
use crate::Scalar;
use iamc_format::cond::{Clause, Conditions, Matcher, Quantifier, Test};

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
    assert!(!eval(&plain, &none, &[]));
    assert!(eval(&not, &none, &[]));
    assert!(eval(&all, &none, &[]));
    assert!(!eval(&any, &none, &[]));
    let multi = req(&[("k", Value::Multi(vec![Scalar::String("a".into())]))]);
    assert!(!eval(&plain, &multi, &[]));
    assert!(!eval(&not, &multi, &[]));
    assert!(eval(&all, &multi, &[]));
    assert!(eval(&any, &multi, &[]));
    let mixed = req(&[(
        "k",
        Value::Multi(vec![Scalar::String("a".into()), Scalar::String("".into())]),
    )]);
    assert!(eval(&all, &mixed, &[]));
    assert!(eval(&plain, &req(&[("k", s("a"))]), &[]));
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
    assert_eq!(
        eval_checked(&c, &req(&[("k", s("a"))]), &[]),
        Err(EvalError)
    );
    assert!(!eval(&c, &req(&[("k", s("a"))]), &[]));
}
