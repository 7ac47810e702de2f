//! Condition operators end to end. The table of `tests/data/cases/conditions.toml` (operator,
//! key, policy values, request context, whether the condition holds) is decided on every engine
//! (reference interpreter, IR interpreter, compiled runtime through bytes; `authorize` and
//! `explain`) by the test kit's driver, `iamc_testkit::cases::conditions::check`; the rest of
//! this file combines clauses, draws random condition blocks, and runs every condition of the
//! real corpus.

use iamc_grammar::ast::{self, BaseOperator};
use iamc_runtime::{Decision, Request, Scalar, Value};
use iamc_testkit::builder::{allow, clause, policy, sp, template};
use iamc_testkit::cases::conditions::{check, policies, request_with, rows, Row};
use iamc_testkit::Engine;

fn check_version(version: ast::Version) {
    let rows: Vec<Row> = rows()
        .into_iter()
        .filter(|r| r.version == version)
        .collect();
    assert!(rows.len() > 4, "only {} rows for {version:?}", rows.len());
    let failures = check(&rows, &iamc_testkit::engines());
    assert!(
        failures.is_empty(),
        "{} checks failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn conditions_table_2012() {
    check_version(ast::Version::V2012_10_17);
}

#[test]
fn conditions_table_2008() {
    check_version(ast::Version::V2008_10_17);
}

/// The table check is able to fail: a row with the wrong expectation is reported, once per
/// engine and policy.
#[test]
fn conditions_table_detects_a_wrong_row() {
    let wrong = Row {
        op: "StringEquals".into(),
        key: "k".into(),
        values: r#"["a"]"#.into(),
        context: r#"{"k":"a"}"#.into(),
        holds: false,
        version: ast::Version::V2012_10_17,
    };
    let failures = check(&[wrong], &iamc_testkit::engines());
    assert_eq!(failures.len(), 6, "{failures:#?}");
}

/// Every operator and every qualifier appears in the table.
#[test]
fn conditions_table_covers_every_operator() {
    let rows = rows();
    assert!(rows.len() > 200, "only {} rows", rows.len());
    for base in BaseOperator::ALL {
        assert!(
            rows.iter()
                .any(|r| iamc_testkit::builder::operator(&r.op).base == base),
            "no row for {}",
            base.name()
        );
    }
    for q in ["ForAllValues:", "ForAnyValue:"] {
        assert!(rows.iter().any(|r| r.op.starts_with(q)));
    }
    assert!(rows.iter().any(|r| r.op.ends_with("IfExists")));
}

/// Several clauses AND; several keys of one operator AND; many Like values in one DFA.
#[test]
fn conditions_clauses_and_keys_combine_with_and() {
    let a = clause("StringEquals", "a", r#"["1"]"#, true);
    let mut b = clause("StringLike", "b", r#"["x*","y*","*z","w?w"]"#, true);
    let extra = clause("StringLike", "c", r#"["q"]"#, true);
    b.keys.extend(extra.keys);
    let p = policy(
        "row",
        ast::Version::V2012_10_17,
        vec![allow().when(a).when(b)],
    );
    let (art, _) = iamc_compiler::compile_artifact(&[p], &Default::default()).unwrap();
    let decide = |ctx: &str| art.authorize(&request_with(ctx));
    assert_eq!(decide(r#"{"a":"1","b":"yy","c":"q"}"#), Decision::Allow);
    assert_eq!(decide(r#"{"a":"1","b":"wéw","c":"q"}"#), Decision::Allow);
    assert_eq!(decide(r#"{"a":"1","b":"az","c":"q"}"#), Decision::Allow);
    assert_eq!(
        decide(r#"{"a":"1","b":"ab","c":"q"}"#),
        Decision::ImplicitDeny
    );
    assert_eq!(
        decide(r#"{"a":"2","b":"yy","c":"q"}"#),
        Decision::ImplicitDeny
    );
    assert_eq!(decide(r#"{"a":"1","b":"yy"}"#), Decision::ImplicitDeny);
}

// ---------------------------------------------------------------------------------------------
// Differential property: random condition blocks, compiled engine against the reference.

mod differential {
    use proptest::prelude::*;

    use super::*;

    /// Policy and request values of every type, valid and not, so that most pairs are
    /// comparable and some are Errors.
    const POOL: &[&str] = &[
        "a",
        "A",
        "ab",
        "a*",
        "*b",
        "?",
        "a?",
        "",
        "*",
        "${v}",
        "${v, 'd'}",
        "x${v}*",
        "${*}",
        "d",
        "K",
        "\u{212A}",
        "k",
        "\u{17F}",
        "s",
        "S",
        "1",
        "1.0",
        "-1",
        "0.5",
        "10",
        "1e1",
        "abc",
        "2020-01-01",
        "2020-01-01T00:00:00Z",
        "1577836800",
        "2020-02-30",
        "true",
        "false",
        "TRUE",
        "yes",
        "AAEC",
        "aGk=",
        "aGl=",
        "10.0.0.0/8",
        "10.1.2.3",
        "::1",
        "2001:db8::/32",
        "2001:db8::5",
        "10.0.0.0/33",
        "arn:aws:s3:::b/*",
        "arn:aws:s3:::b/k",
        "arn:*:s3:::*",
        "arn:aws:s3",
        "arn:aws:iam::${v}:role/*",
        "arn:aws:iam::1:role/?",
        "arn:aws:iam::1:role/x",
        "arn:aws:iam::1:2:role/x",
        "1:2",
        "x*y",
        "xay",
    ];

    fn pooled() -> impl Strategy<Value = String> {
        prop::sample::select(POOL).prop_map(str::to_owned)
    }

    fn scalar() -> impl Strategy<Value = Scalar> {
        prop_oneof![
            4 => pooled().prop_map(Scalar::String),
            1 => prop::sample::select(&["1", "1.0", "10", "1577836800", "-1"][..])
                .prop_map(|n| Scalar::Number(n.to_owned())),
            1 => any::<bool>().prop_map(Scalar::Bool),
        ]
    }

    fn value() -> impl Strategy<Value = Option<Value>> {
        prop_oneof![
            1 => Just(None),
            4 => scalar().prop_map(|s| Some(Value::Single(s))),
            2 => prop::collection::vec(scalar(), 0..4).prop_map(|l| Some(Value::Multi(l))),
        ]
    }

    #[derive(Debug, Clone)]
    struct Case {
        op: ast::Operator,
        values: Vec<String>,
        k: Option<Value>,
        v: Option<Value>,
        v2012: bool,
    }

    fn case() -> impl Strategy<Value = Case> {
        (
            prop::sample::select(&BaseOperator::ALL[..]),
            prop::sample::select(
                &[
                    None,
                    Some(ast::SetQualifier::ForAllValues),
                    Some(ast::SetQualifier::ForAnyValue),
                ][..],
            ),
            any::<bool>(),
            prop::collection::vec(pooled(), 0..4),
            value(),
            value(),
            prop::bool::weighted(0.8),
        )
            .prop_map(|(base, qualifier, if_exists, values, k, v, v2012)| Case {
                op: ast::Operator {
                    qualifier,
                    base,
                    if_exists: if_exists && base != BaseOperator::Null,
                },
                values,
                k,
                v,
                v2012,
            })
    }

    fn clause_of(c: &Case) -> ast::ConditionClause {
        let vars = c.v2012 && c.op.base.admits_variables();
        ast::ConditionClause {
            operator: sp(c.op),
            keys: vec![ast::ConditionKey {
                key: sp("K".to_owned()),
                values: c
                    .values
                    .iter()
                    .map(|t| {
                        sp(ast::ConditionValue {
                            kind: ast::ValueKind::String,
                            text: t.clone(),
                            template: template(t, vars),
                        })
                    })
                    .collect(),
            }],
        }
    }

    proptest! {
        /// Same decision from the compiled engine, the IR interpreter and the reference, for
        /// the condition on an Allow and on a Deny beside an unconditional Allow.
        #[test]
        fn conditions_compiled_agrees_with_reference(c in case()) {
            let mut req = Request::new("s:a", "*");
            if let Some(k) = &c.k {
                req.context.insert("k", k.clone());
            }
            if let Some(v) = &c.v {
                req.context.insert("v", v.clone());
            }
            let version = if c.v2012 { ast::Version::V2012_10_17 } else { ast::Version::V2008_10_17 };
            let engines = iamc_testkit::engines();
            for p in policies(version, vec![clause_of(&c)]) {
                let set = iamc_grammar::PolicySet::identity(vec![p]);
                let reference = iamc_testkit::engine::Reference.load(&set).authorize(&req);
                for engine in &engines {
                    let got = engine.load(&set).authorize(&req);
                    prop_assert_eq!(got, reference, "{}: {:?}", engine.name(), c);
                }
            }
        }
    }
}

/// Identical Like value lists share one condition DFA; a different list or ARN semantics get
/// their own.
#[test]
fn conditions_identical_like_lists_share_a_dfa() {
    let like = |op: &str, key: &str, values: &str| allow().when(clause(op, key, values, true));
    let p = policy(
        "row",
        ast::Version::V2012_10_17,
        vec![
            like("StringLike", "a", r#"["x*","y?"]"#),
            like("ForAnyValue:StringNotLike", "b", r#"["x*","y?"]"#),
            like("StringLike", "c", r#"["x*"]"#),
            like("ArnLike", "d", r#"["arn:*:*:*:*:x*"]"#),
            like("StringLike", "e", r#"["arn:*:*:*:*:x*"]"#),
        ],
    );
    let (a, stats) = iamc_compiler::compile_artifact(&[p], &Default::default()).unwrap();
    let conditions = stats
        .dfas
        .iter()
        .filter(|d| d.role == iamc_compiler::automata::DfaRole::Condition)
        .count();
    assert_eq!(conditions, 4);
    assert_eq!(a.authorize(&request_with(r#"{"b":"z"}"#)), Decision::Allow);
    assert_eq!(a.authorize(&request_with(r#"{"a":"yz"}"#)), Decision::Allow);
    assert_eq!(
        a.authorize(&request_with(r#"{"b":"yz"}"#)),
        Decision::ImplicitDeny
    );
    assert_eq!(
        a.authorize(&request_with(r#"{"d":"arn:a:b:c:d:xe"}"#)),
        Decision::Allow
    );
    assert_eq!(
        a.authorize(&request_with(r#"{"d":"arn:a:b:c:d:e:xe"}"#)),
        Decision::ImplicitDeny
    );
    assert_eq!(
        a.authorize(&request_with(r#"{"e":"arn:a:b:c:d:e:xe"}"#)),
        Decision::Allow
    );
    assert_eq!(a.authorize(&request_with(r#"{}"#)), Decision::ImplicitDeny);
}

// ---------------------------------------------------------------------------------------------
// The real corpus: every statement's conditions, on `*`/`*`, against contexts derived from its
// own condition values; compiled engine against the reference.

/// A request-side string that a pattern value likely matches: wildcards made concrete,
/// variables dropped.
fn concretize(v: &ast::ConditionValue) -> String {
    let mut s = String::new();
    for seg in &v.template.segments {
        match seg {
            ast::Segment::Text(t) => {
                s.extend(t.chars().map(|c| match c {
                    '*' => 'x',
                    '?' => 'y',
                    c => c,
                }));
            }
            ast::Segment::Escaped(c) => s.push(*c),
            ast::Segment::Variable { .. } => s.push_str("var"),
        }
    }
    s
}

/// Contexts for one statement: every key at its first derived value; then, per key, absent,
/// each derived value, a two-element list and the empty string. Variable keys get `var`.
fn derived_contexts(stmt: &ast::Statement) -> Vec<iamc_runtime::Context> {
    let mut keys: Vec<(String, Vec<String>)> = Vec::new();
    for c in &stmt.conditions {
        for k in &c.keys {
            let vals: Vec<String> = k.values.iter().map(|v| concretize(&v.node)).collect();
            for v in &k.values {
                for seg in &v.node.template.segments {
                    if let ast::Segment::Variable { key, .. } = seg {
                        keys.push((key.clone(), vec!["var".to_owned()]));
                    }
                }
            }
            keys.push((k.key.node.clone(), vals));
        }
    }
    let single = |s: &str| Value::Single(Scalar::String(s.to_owned()));
    let mut base = iamc_runtime::Context::new();
    for (k, vals) in &keys {
        base.insert(k, single(vals.first().map_or("", String::as_str)));
    }
    let mut out = vec![iamc_runtime::Context::new(), base.clone()];
    for (k, vals) in &keys {
        let mut without = iamc_runtime::Context::new();
        for (key, value) in base.iter() {
            if !key.eq_ignore_ascii_case(k) {
                without.insert(key, value.clone());
            }
        }
        out.push(without);
        let mut variants: Vec<Value> = vals.iter().map(|v| single(v)).collect();
        variants.push(single(""));
        variants.push(Value::Multi(
            vals.iter()
                .take(2)
                .map(|v| Scalar::String(v.clone()))
                .collect(),
        ));
        for v in variants {
            let mut c = base.clone();
            c.insert(k, v);
            out.push(c);
        }
    }
    out
}

#[test]
fn conditions_corpus_agrees_with_reference() {
    let files = iamc_testkit::data::json_files(&iamc_testkit::data::policies_dir());
    let (mut statements, mut decisions, mut held, mut unparsed) = (0usize, 0usize, 0usize, 0usize);
    let mut failures = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        let src = iamc_grammar::SourceFile::new(f.display().to_string(), text);
        let Ok(parsed) = iamc_grammar::parse_policy(&src, ast::PolicyType::Identity) else {
            unparsed += 1;
            continue;
        };
        for stmt in &parsed.policy.statements {
            if stmt.conditions.is_empty() {
                continue;
            }
            statements += 1;
            let pair = policies(parsed.policy.version, stmt.conditions.clone());
            for (p_index, p) in pair.into_iter().enumerate() {
                let (a, _) =
                    iamc_compiler::compile_artifact(std::slice::from_ref(&p), &Default::default())
                        .unwrap_or_else(|e| panic!("{}: {e}", f.display()));
                let ir =
                    iamc_compiler::lower::lower(&iamc_grammar::PolicySet::identity(
                        vec![p.clone()],
                    ))
                    .unwrap_or_else(|e| panic!("{}: {e}", f.display()));
                let reference = iamc::reference::PolicySet::new(vec![p]);
                for ctx in derived_contexts(stmt) {
                    let mut req = Request::new("s:a", "*");
                    req.context = ctx;
                    let (got, want) = (a.authorize(&req), reference.authorize(&req));
                    let interpreted = iamc_compiler::ir::interp::authorize(&ir, &req);
                    decisions += 1;
                    held += usize::from(matches!(got, Decision::Allow) == matches!(p_index, 0));
                    if got != want || interpreted != want {
                        failures.push(format!(
                            "{} statement {}: compiled {got:?}, ir {interpreted:?}, reference {want:?}, context {:?}",
                            f.display(),
                            stmt.index,
                            req.context
                        ));
                    }
                }
            }
        }
    }
    assert!(
        statements > 1000,
        "only {statements} statements with conditions"
    );
    assert!(
        failures.is_empty(),
        "{} of {decisions} decisions differ:\n{}",
        failures.len(),
        failures
            .iter()
            .take(20)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
    eprintln!(
        "{} files ({unparsed} not parsed), {statements} statements with conditions, \
         {decisions} decisions agree, conditions held in {held}",
        files.len()
    );
}

/// `--emit ir` shows each lowered clause on its own line.
#[test]
fn conditions_render_in_ir() {
    let src = iamc_grammar::SourceFile::new(
        "p.json",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"ecs:RunTask",
            "Resource":"*","Condition":{
              "ForAnyValue:StringNotLike":{"aws:TagKeys":["env*","${aws:username}-*"]},
              "NumericLessThanEquals":{"ecs:task-cpu":"1024.0"},
              "NotIpAddress":{"aws:SourceIp":["10.1.0.0/8","2001:db8::/32"]},
              "DateLessThan":{"aws:CurrentTime":"2030-01-01T00:00:00Z"}}}]}"#,
    );
    let p = iamc_grammar::parse_policy(&src, ast::PolicyType::Identity)
        .unwrap()
        .policy;
    let ir = iamc_compiler::emit_ir(&iamc_grammar::PolicySet::identity(vec![p]));
    eprintln!("{ir}");
    for line in [
        r#"    "aws:TagKeys" ForAnyValue: not like dfa#"#,
        r#" | "${aws:username}-*""#,
        r#"    "ecs:task-cpu" numeric<= [1024]"#,
        r#"    "aws:SourceIp" not ip [10.0.0.0/8] [2001:db8::/32]"#,
        r#"    "aws:CurrentTime" date< [1893456000.000000000]"#,
    ] {
        assert!(ir.contains(line), "missing {line:?} in\n{ir}");
    }
}
