//! Explanations in detail (`diagnose`, `iamc eval --explain`): the three engines give the same
//! [`Diagnosis`] (a property over generated cases, as for decisions), and the failure each
//! reports is the exact one for negated operators, `IfExists`, set qualifiers and `Null`
//! (spec 5.3), in identity policies and in typed sets.
//!
//! The case count of the property comes from `PROPTEST_CASES` (see `props.rs`).

use iamc::reference::PolicySet;
use iamc_grammar::ast::{self, PolicyType as K};
use iamc_grammar::SourceFile;
use iamc_runtime::diagnosis::{Failure, Outcome};
use iamc_runtime::{Artifact, Diagnosis, Request, Scalar, Value};
use iamc_testkit::assert_contains;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config as ProptestConfig, TestRunner};

use iamc_testkit::data::parse_kind;
use iamc_testkit::gen::{Case, Settings};
use iamc_testkit::json::request_json;
use iamc_testkit::strategy::case_strategy;

fn config() -> ProptestConfig {
    iamc_testkit::persisted_config!("explain")
}

/// The three engines' diagnoses of `req` against a typed set: reference, IR interpreter and
/// the compiled artifact (through bytes).
fn diagnoses(set: &iamc_grammar::PolicySet, req: &Request) -> [Diagnosis; 3] {
    let bytes = iamc_compiler::compile_set(set, &iamc_compiler::Config::default()).unwrap();
    let artifact = Artifact::from_bytes(&bytes).unwrap();
    let ir = iamc_compiler::lower::lower(set).unwrap();
    [
        PolicySet::from_set(set.clone()).diagnose(req),
        iamc_compiler::ir::interp::diagnose(&ir, req),
        artifact.diagnose(req),
    ]
}

/// The diagnosis every engine gives (asserting they agree).
fn diagnose(set: &iamc_grammar::PolicySet, req: &Request) -> Diagnosis {
    let [reference, ir, compiled] = diagnoses(set, req);
    assert_eq!(
        ir,
        reference,
        "IR interpreter vs reference, {}",
        request_json(req)
    );
    assert_eq!(
        compiled,
        reference,
        "compiled vs reference, {}",
        request_json(req)
    );
    reference
}

fn identity(texts: &[&str]) -> iamc_grammar::PolicySet {
    let mut set = iamc_grammar::PolicySet::default();
    for (i, t) in texts.iter().enumerate() {
        set.push(
            parse_kind(&format!("p{i}.json"), t, K::Identity).unwrap(),
            0,
        );
    }
    set
}

/// A one-statement identity policy `Allow s3:GetObject on *` under `condition`.
fn allow_if(condition: &str) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Sid":"S","Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{condition}}}]}}"#
    )
}

fn s(x: &str) -> Value {
    Value::Single(Scalar::String(x.into()))
}

fn list(xs: &[&str]) -> Value {
    Value::Multi(xs.iter().map(|x| Scalar::String((*x).into())).collect())
}

fn value(x: &str, outcome: Outcome) -> Failure {
    Failure::Value {
        value: x.into(),
        outcome,
    }
}

/// The failure of the single clause of `allow_if(condition)` for `context`, or `None` when the
/// statement applies.
fn failure_of(condition: &str, context: &[(&str, Value)]) -> Option<Failure> {
    let text = allow_if(condition);
    let set = identity(&[&text]);
    let mut req = Request::new("s3:GetObject", "arn:aws:s3:::b/k");
    for (k, v) in context {
        req = req.with_context(k, v.clone());
    }
    let d = diagnose(&set, &req);
    if !d.explanation.statements.is_empty() {
        assert!(d.near_misses.is_empty());
        return None;
    }
    assert_eq!(d.near_misses.len(), 1, "{}", text);
    let failed = &d.near_misses[0].failed;
    assert_eq!(failed.len(), 1);
    Some(failed[0].failure.clone())
}

#[test]
fn explain_failures_are_exact_for_each_operator_form() {
    use Outcome::{Matched, NoMatch, NotComparable};
    let k = "aws:PrincipalTag/team";
    type Row<'a> = (&'a str, Vec<(&'a str, Value)>, Option<Failure>);
    let rows: Vec<Row<'_>> = vec![
        // Plain: absent, multi-valued, a value that does not match.
        (
            r#"{"StringEquals":{"aws:PrincipalTag/team":"web"}}"#,
            vec![],
            Some(Failure::Missing),
        ),
        (
            r#"{"StringEquals":{"aws:PrincipalTag/team":"web"}}"#,
            vec![(k, list(&["web"]))],
            Some(Failure::MultiValued),
        ),
        (
            r#"{"StringEquals":{"aws:PrincipalTag/team":"web"}}"#,
            vec![(k, s("ops"))],
            Some(value("ops", NoMatch)),
        ),
        (
            r#"{"StringEquals":{"aws:PrincipalTag/team":"web"}}"#,
            vec![(k, s("web"))],
            None,
        ),
        // IfExists: absent holds; present and different fails as without it.
        (
            r#"{"StringEqualsIfExists":{"aws:PrincipalTag/team":"web"}}"#,
            vec![],
            None,
        ),
        (
            r#"{"StringEqualsIfExists":{"aws:PrincipalTag/team":"web"}}"#,
            vec![(k, s("ops"))],
            Some(value("ops", NoMatch)),
        ),
        (
            r#"{"StringEqualsIfExists":{"aws:PrincipalTag/team":"web"}}"#,
            vec![(k, list(&[]))],
            Some(Failure::MultiValued),
        ),
        // Negated: absent holds; a matching value fails as "matched".
        (
            r#"{"StringNotEquals":{"aws:PrincipalTag/team":["web","ops"]}}"#,
            vec![],
            None,
        ),
        (
            r#"{"StringNotEquals":{"aws:PrincipalTag/team":["web","ops"]}}"#,
            vec![(k, s("ops"))],
            Some(value("ops", Matched)),
        ),
        (
            r#"{"NotIpAddress":{"aws:SourceIp":"10.0.0.0/8"}}"#,
            vec![("aws:SourceIp", s("10.1.2.3"))],
            Some(value("10.1.2.3", Matched)),
        ),
        (
            r#"{"NotIpAddress":{"aws:SourceIp":"10.0.0.0/8"}}"#,
            vec![("aws:SourceIp", s("nope"))],
            Some(value("nope", NotComparable)),
        ),
        (
            r#"{"NumericNotEquals":{"s3:max-keys":"10"}}"#,
            vec![("s3:max-keys", s("x"))],
            Some(value("x", NotComparable)),
        ),
        // Typed operators: an unreadable request value is not comparable.
        (
            r#"{"NumericLessThan":{"s3:max-keys":"10"}}"#,
            vec![("s3:max-keys", s("ten"))],
            Some(value("ten", NotComparable)),
        ),
        (
            r#"{"NumericLessThan":{"s3:max-keys":"10"}}"#,
            vec![("s3:max-keys", s("12"))],
            Some(value("12", NoMatch)),
        ),
        (
            r#"{"DateGreaterThan":{"aws:CurrentTime":"2030-01-01T00:00:00Z"}}"#,
            vec![("aws:CurrentTime", s("2026-01-01T00:00:00Z"))],
            Some(value("2026-01-01T00:00:00Z", NoMatch)),
        ),
        (
            r#"{"Bool":{"aws:SecureTransport":"true"}}"#,
            vec![("aws:SecureTransport", s("yes"))],
            Some(value("yes", NotComparable)),
        ),
        (
            r#"{"ArnLike":{"aws:SourceArn":"arn:aws:sns:*:*:topic"}}"#,
            vec![("aws:SourceArn", s("topic"))],
            Some(value("topic", NotComparable)),
        ),
        (
            r#"{"ArnLike":{"aws:SourceArn":"arn:aws:sns:*:*:topic"}}"#,
            vec![("aws:SourceArn", s("arn:aws:sns:us-east-1:1:other"))],
            Some(value("arn:aws:sns:us-east-1:1:other", NoMatch)),
        ),
        // ForAllValues: absent holds; the first failing value (empty strings skipped).
        (
            r#"{"ForAllValues:StringEquals":{"aws:TagKeys":["a","b"]}}"#,
            vec![],
            None,
        ),
        (
            r#"{"ForAllValues:StringEquals":{"aws:TagKeys":["a","b"]}}"#,
            vec![("aws:TagKeys", list(&["a", "", "c", "d"]))],
            Some(value("c", NoMatch)),
        ),
        (
            r#"{"ForAllValues:StringNotLike":{"aws:TagKeys":["x*"]}}"#,
            vec![("aws:TagKeys", list(&["a", "xy"]))],
            Some(value("xy", Matched)),
        ),
        // ForAnyValue: absent, only empty values, none passing; IfExists changes nothing (A9).
        (
            r#"{"ForAnyValue:StringEquals":{"aws:TagKeys":"a"}}"#,
            vec![],
            Some(Failure::Missing),
        ),
        (
            r#"{"ForAnyValue:StringEqualsIfExists":{"aws:TagKeys":"a"}}"#,
            vec![],
            Some(Failure::Missing),
        ),
        (
            r#"{"ForAnyValue:StringEquals":{"aws:TagKeys":"a"}}"#,
            vec![("aws:TagKeys", list(&["", ""]))],
            Some(Failure::NoValues),
        ),
        (
            r#"{"ForAnyValue:StringEquals":{"aws:TagKeys":"a"}}"#,
            vec![("aws:TagKeys", list(&["b", "c"]))],
            Some(Failure::NoValuePasses),
        ),
        (
            r#"{"ForAnyValue:StringEquals":{"aws:TagKeys":"a"}}"#,
            vec![("aws:TagKeys", s("a"))],
            None,
        ),
        // Null.
        (
            r#"{"Null":{"aws:TokenIssueTime":"true"}}"#,
            vec![("aws:TokenIssueTime", s("x"))],
            Some(Failure::Present),
        ),
        (
            r#"{"Null":{"aws:TokenIssueTime":"false"}}"#,
            vec![],
            Some(Failure::Missing),
        ),
        // A set qualifier does not change Null (A18), and `True` reads as true.
        (
            r#"{"ForAnyValue:Null":{"aws:TokenIssueTime":"false"}}"#,
            vec![],
            Some(Failure::Missing),
        ),
        (
            r#"{"ForAllValues:Null":{"aws:TokenIssueTime":"True"}}"#,
            vec![("aws:TokenIssueTime", list(&[]))],
            Some(Failure::Present),
        ),
        // Policy variables: unresolved counts as different.
        (
            r#"{"StringEquals":{"aws:PrincipalTag/team":"${aws:username}"}}"#,
            vec![(k, s("web"))],
            Some(value("web", NoMatch)),
        ),
        (
            r#"{"StringNotEquals":{"aws:PrincipalTag/team":"${aws:username}"}}"#,
            vec![(k, s("web")), ("aws:username", s("web"))],
            Some(value("web", Matched)),
        ),
    ];
    for (condition, context, want) in rows {
        assert_eq!(
            failure_of(condition, &context),
            want,
            "{condition} with {context:?}"
        );
    }
}

#[test]
fn explain_reports_every_failed_clause_as_written_with_its_place() {
    let text = r#"{"Version":"2012-10-17","Statement":[
  {"Sid":"Other","Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::b/${aws:username}/*"},
  {"Sid":"Read","Effect":"Allow","Action":"s3:GetObject","Resource":"*",
   "Condition":{"StringEquals":{"aws:PrincipalTag/team":["web","ops"]},
                "ForAnyValue:StringLikeIfExists":{"aws:TagKeys":"env*"},
                "Bool":{"aws:SecureTransport":"true"}}}]}"#;
    let set = identity(&[text]);
    let req = Request::new("s3:GetObject", "arn:aws:s3:::b/k")
        .with_context("aws:SecureTransport", Value::Single(Scalar::Bool(true)))
        .with_context("aws:PrincipalTag/team", s("dev"));
    let d = diagnose(&set, &req);
    assert!(d.explanation.statements.is_empty());
    assert_eq!(d.near_misses.len(), 1);
    let m = &d.near_misses[0];
    assert_eq!(m.statement.sid.as_deref(), Some("Read"));
    assert!(text[m.span.start as usize..m.span.end as usize].starts_with("{\"Sid\":\"Read\""));
    let failed: Vec<(&str, &str, Vec<&str>, &str)> = m
        .failed
        .iter()
        .map(|f| {
            (
                f.operator.as_str(),
                f.key.as_str(),
                f.values.iter().map(String::as_str).collect(),
                f.failure.kind(),
            )
        })
        .collect();
    assert_eq!(
        failed,
        [
            (
                "StringEquals",
                "aws:PrincipalTag/team",
                vec!["web", "ops"],
                "no-match"
            ),
            (
                "ForAnyValue:StringLikeIfExists",
                "aws:TagKeys",
                vec!["env*"],
                "missing"
            ),
        ]
    );
    assert_eq!(m.failed[0].request, Some(s("dev")));
    assert_eq!(m.failed[1].request, None);
    let key = &m.failed[0];
    assert_eq!(
        &text[key.span.start as usize..key.span.end as usize],
        "\"aws:PrincipalTag/team\""
    );
    // AWS's MissingContextValues: keys of every statement, the variable of another action's
    // statement included; the request's keys are not missing.
    assert_eq!(d.missing_context_values, ["aws:username", "aws:TagKeys"]);
    // Rendered with places.
    let src = SourceFile::new("p0.json", text);
    let mut texts = iamc::explain::Texts::new();
    texts.add_file(src);
    let line = iamc::explain::diagnosis_to_json(&d, &texts);
    assert_contains(
        &line,
        r#""operator":"StringEquals","key":"aws:PrincipalTag/team","values":["web","ops"],"request":"dev","failure":"no-match","message":"`dev` matches none of them","at":{"file":"p0.json","line":4,"column":33}"#,
    );
    assert_contains(
        &line,
        r#""sid":"Read","effect":"Allow","type":"identity","at":{"file":"p0.json","line":3,"column":3}"#,
    );
    let text_out = iamc::explain::diagnosis_to_text(&d, &texts);
    assert_contains(
        &text_out,
        "  closest: p0.json:3:3: Allow statement 1 `Read` (identity)\n",
    );
    assert_contains(&text_out, "    p0.json:5:51: ForAnyValue:StringLikeIfExists `aws:TagKeys` [\"env*\"], request null: the request has no value for the key\n");
    // Without the texts (an artifact alone): byte offsets.
    let bare = iamc::explain::diagnosis_to_json(&d, &iamc::explain::NoTexts);
    assert_contains(&bare, &format!("\"at\":{{\"offset\":{}}}", key.span.start));
}

#[test]
fn explain_in_typed_sets_keeps_scp_keys_and_skips_what_cannot_apply() {
    let identity = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"sqs:*","Resource":"*"}}"#;
    let scp = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},
      {"Effect":"Deny","Action":"sqs:*","Resource":"*","Condition":{"StringNotEquals":{"aws:RequestedRegion":"us-east-1"}}}]}"#;
    let queue = r#"{"Version":"2012-10-17","Statement":[
      {"Sid":"Team","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/alice"},"Action":"sqs:SendMessage","Resource":"*",
       "Condition":{"StringEquals":{"aws:PrincipalTag/team":"web"}}},
      {"Sid":"Bob","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/bob"},"Action":"sqs:SendMessage","Resource":"*",
       "Condition":{"Bool":{"aws:SecureTransport":"true"}}}]}"#;
    let mut set = iamc_grammar::PolicySet::default();
    set.push(parse_kind("id.json", identity, K::Identity).unwrap(), 0);
    set.push(parse_kind("scp.json", scp, K::Scp).unwrap(), 0);
    set.push(parse_kind("queue.json", queue, K::Resource).unwrap(), 0);
    let mut req = Request::new("sqs:SendMessage", "arn:aws:sqs:us-east-1:444455556666:q")
        .with_context("aws:RequestedRegion", s("eu-west-1"));
    req.principal = Some("arn:aws:iam::111122223333:user/alice".into());
    let d = diagnose(&set, &req);
    assert_eq!(d.explanation.decision, iamc_runtime::Decision::ExplicitDeny);
    // The SCP Deny applied; the queue statement naming alice came closest, bob's did not.
    assert_eq!(d.near_misses.len(), 1);
    assert_eq!(d.near_misses[0].statement.sid.as_deref(), Some("Team"));
    assert_eq!(d.near_misses[0].failed[0].failure, Failure::Missing);
    assert_eq!(
        d.missing_context_values,
        ["aws:PrincipalTag/team", "aws:SecureTransport"]
    );
    // In us-east-1 the SCP Deny's `StringNotEquals` does not hold: the Deny is a near miss,
    // its request value matching one of the values the operator excludes.
    let mut ok = req.clone();
    ok.context.insert("aws:RequestedRegion", s("us-east-1"));
    let d = diagnose(&set, &ok);
    let scp_miss = d
        .near_misses
        .iter()
        .find(|m| m.statement.policy_type == iamc_runtime::PolicyType::Scp)
        .unwrap();
    assert_eq!(
        scp_miss.failed[0].failure,
        value("us-east-1", Outcome::Matched)
    );
    // SCPs do not bind a service caller: their statements are no near misses then, but their
    // keys are still referenced.
    let mut service = ok.clone();
    service.principal = Some("sns.amazonaws.com".into());
    let d = diagnose(&set, &service);
    assert!(d
        .near_misses
        .iter()
        .all(|m| m.statement.policy_type != iamc_runtime::PolicyType::Scp));
    assert!(d
        .missing_context_values
        .contains(&"aws:PrincipalTag/team".to_owned()));
}

fn parse_case(case: &Case) -> Vec<ast::Policy> {
    case.documents
        .iter()
        .map(|(name, text)| parse_kind(name, text, K::Identity).unwrap())
        .collect()
}

/// Invariants of one diagnosis against its texts.
fn check_invariants(case: &Case, d: &Diagnosis) -> Result<(), TestCaseError> {
    let text_of = |policy: &str| {
        case.documents
            .iter()
            .find(|(n, _)| n == policy)
            .map(|(_, t)| t.as_str())
            .unwrap_or("")
    };
    prop_assert_eq!(d.statement_spans.len(), d.explanation.statements.len());
    for (m, sp) in d.explanation.statements.iter().zip(&d.statement_spans) {
        let t = text_of(&m.policy);
        prop_assert_eq!(t.get(sp.start as usize..=sp.start as usize), Some("{"));
    }
    for m in &d.near_misses {
        prop_assert!(!m.failed.is_empty());
        prop_assert!(!d.explanation.statements.contains(&m.statement));
        let t = text_of(&m.statement.policy);
        prop_assert_eq!(
            t.get(m.span.start as usize..=m.span.start as usize),
            Some("{")
        );
        for f in &m.failed {
            let quoted = t
                .get(f.span.start as usize..f.span.end as usize)
                .unwrap_or("");
            prop_assert!(
                quoted.starts_with('"') && quoted.ends_with('"'),
                "{}",
                quoted
            );
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(config())]

    /// The compiled engine (through bytes), the IR interpreter and the reference give the same
    /// diagnosis for every derived request, and it extends `explain`'s answer.
    #[test]
    fn explain_diagnoses_agree_across_engines(case in case_strategy(&Settings::default())) {
        let policies = parse_case(&case);
        let bytes = iamc_compiler::compile(&policies, &iamc_compiler::Config::default())
            .map_err(|e| TestCaseError::fail(format!("compile failed: {e}")))?;
        let artifact = Artifact::from_bytes(&bytes)
            .map_err(|e| TestCaseError::fail(format!("load failed: {e}")))?;
        let reference = PolicySet::new(policies);
        let ir = iamc_compiler::lower::lower(reference.set())
            .map_err(|e| TestCaseError::fail(format!("lowering failed: {e}")))?;
        for r in &case.requests {
            let want = reference.diagnose(r);
            prop_assert_eq!(&want.explanation, &reference.explain(r));
            let interpreted = iamc_compiler::ir::interp::diagnose(&ir, r);
            prop_assert_eq!(&interpreted, &want, "IR interpreter, request {}\n{:?}", request_json(r), case);
            let got = artifact.diagnose(r);
            prop_assert_eq!(&got, &want, "compiled, request {}\n{:?}", request_json(r), case);
            check_invariants(&case, &want)?;
        }
    }
}

/// On a fixed deterministic sample, the property meets near misses of every kind often enough
/// to mean something.
#[test]
fn explain_property_meets_near_misses() {
    let mut runner = TestRunner::deterministic();
    let strategy = case_strategy(&Settings::default());
    let (mut requests, mut misses, mut missing) = (0usize, 0usize, 0usize);
    let mut kinds = std::collections::BTreeSet::new();
    for _ in 0..300 {
        let case = strategy.new_tree(&mut runner).unwrap().current();
        let reference = PolicySet::new(parse_case(&case));
        for r in &case.requests {
            requests += 1;
            let d = reference.diagnose(r);
            misses += d.near_misses.len();
            missing += d.missing_context_values.len();
            for m in &d.near_misses {
                for f in &m.failed {
                    kinds.insert(f.failure.kind());
                }
            }
        }
    }
    eprintln!("requests {requests}, near misses {misses}, missing keys {missing}, kinds {kinds:?}");
    assert!(
        misses * 10 >= requests,
        "{misses} near misses in {requests} requests"
    );
    for kind in ["missing", "no-match", "matched", "multi-valued"] {
        assert!(kinds.contains(kind), "no `{kind}` failure met: {kinds:?}");
    }
}
