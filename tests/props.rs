//! Property tests: the compiled engine and the IR interpreter against the reference
//! interpreter (issue 3).
//!
//! Over generated cases (`iamc_testkit::gen`, driven by a byte tape proptest draws and shrinks:
//! policy JSON using every element and operator, requests derived from the policies' own
//! patterns):
//! 1. the compiled artifact (compiled, written to bytes, loaded back), the IR interpreter
//!    (`iamc_compiler::ir::interp` on the lowered set) and the reference interpreter give the
//!    same explanation (decision and matched-statement list) for every request; `authorize`
//!    gives that decision; the decision follows from the list, which is in policy order;
//! 2. an artifact's bytes loaded twice, or from a fresh unaligned copy, decide the same;
//! 3. every generated policy parses, into exactly the AST the generator meant, and broken
//!    variants are rejected with diagnostics, never panicked on.
//!
//! The case count comes from `PROPTEST_CASES` only (`ProptestConfig::default()` reads it;
//! proptest's default of 256 keeps CI quick because a case is a few tiny policies). The soak:
//!
//! ```text
//! PROPTEST_CASES=1000000 cargo test --release --test integration props
//! ```
//!
//! Property 1 costs about 1 ms a case in release on an idle core (compilation dominates; over
//! 13 ms when the 2-core machine is shared with builds): 100,000 cases ran in 97 s. A soak can be
//! split over processes, each drawing its own random seed; the test prints a line every 5,000
//! cases (`-- --nocapture`), so a run cut short by `timeout` still says how far it got.
//!
//! Failures are persisted in `tests/proptest-regressions/props.txt` and replayed first on every
//! run.

use iamc::reference::PolicySet;
use iamc_grammar::ast;
use iamc_runtime::{Artifact, Decision, Effect, Explanation, Request};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config as ProptestConfig, TestRunner};

use iamc_testkit::gen::{to_ast, Case, GenPolicy, Settings};
use iamc_testkit::json::request_json;
use iamc_testkit::strategy::{case_strategy, invalid_strategy, tape};
use iamc_testkit::Tape;

fn config() -> ProptestConfig {
    iamc_testkit::persisted_config!("props")
}

fn parse(name: &str, text: &str) -> Result<ast::Policy, String> {
    iamc_grammar::parse_policy(
        &iamc_grammar::SourceFile::new(name, text),
        ast::PolicyType::Identity,
    )
    .map(|p| p.policy)
    .map_err(|d| d.to_string())
}

fn parse_case(case: &Case) -> Result<Vec<ast::Policy>, TestCaseError> {
    case.documents
        .iter()
        .map(|(name, text)| {
            parse(name, text)
                .map_err(|e| TestCaseError::fail(format!("{name} rejected: {e}\n{text}")))
        })
        .collect()
}

/// Compiles, writes the artifact to bytes and loads it back: the path a service takes.
fn compile_bytes(case: &Case, policies: &[ast::Policy]) -> Result<Vec<u8>, TestCaseError> {
    iamc_compiler::compile(policies, &iamc_compiler::Config::default())
        .map_err(|e| TestCaseError::fail(format!("compile failed: {e}\n{case:?}")))
}

fn load(bytes: &[u8]) -> Result<Artifact, TestCaseError> {
    Artifact::from_bytes(bytes).map_err(|e| TestCaseError::fail(format!("load failed: {e}")))
}

/// What a list of matched statements implies (spec 7.1).
fn implied(x: &Explanation) -> Decision {
    if x.statements.iter().any(|m| m.effect == Effect::Deny) {
        Decision::ExplicitDeny
    } else if x.statements.is_empty() {
        Decision::ImplicitDeny
    } else {
        Decision::Allow
    }
}

/// Prints a line every 5,000 cases, so that a time-boxed soak killed by `timeout` still says
/// how far it got (`--nocapture` shows it; CI's 256 cases print nothing).
fn soak_progress(name: &str) {
    use std::sync::atomic::{AtomicU64, Ordering};
    static CASES: AtomicU64 = AtomicU64::new(0);
    let n = CASES.fetch_add(1, Ordering::Relaxed) + 1;
    if n.is_multiple_of(5000) {
        eprintln!("{name}: {n} cases run");
    }
}

/// Lowers a set for the IR interpreter.
fn lower(set: &iamc_grammar::PolicySet) -> Result<iamc_compiler::ir::PolicySet, TestCaseError> {
    iamc_compiler::lower::lower(set)
        .map_err(|e| TestCaseError::fail(format!("lowering failed: {e}")))
}

/// Which engine disagrees on one request, if one does: the IR interpreter's and the compiled
/// explanation must equal the reference's, and `authorize` give its decision.
fn disagreement(
    want: &Explanation,
    interpreted: &Explanation,
    got: &Explanation,
    decision: Decision,
) -> Option<&'static str> {
    if interpreted != want {
        Some("IR interpreter explain differs from the reference")
    } else if got != want {
        Some("compiled explain differs from the reference")
    } else if decision != want.decision {
        Some("compiled authorize differs from its explain")
    } else {
        None
    }
}

/// Property 1 for one request; on failure the message is the whole report.
fn compare(
    case: &Case,
    reference: &PolicySet,
    ir: &iamc_compiler::ir::PolicySet,
    artifact: &Artifact,
    r: &Request,
) -> Result<(), TestCaseError> {
    let want = reference.explain(r);
    let interpreted = iamc_compiler::ir::interp::explain(ir, r);
    let got = artifact.explain(r);
    let decision = artifact.authorize(r);
    let report = |what: &str| {
        TestCaseError::fail(format!(
            "{what}\n{case:?}\nrequest:   {}\nreference: {}\nir:        {}\ncompiled:  {} (authorize: {})",
            request_json(r),
            iamc::io::explanation_to_json(&want),
            iamc::io::explanation_to_json(&interpreted),
            iamc::io::explanation_to_json(&got),
            decision.as_str()
        ))
    };
    if let Some(what) = disagreement(&want, &interpreted, &got, decision) {
        return Err(report(what));
    }
    if implied(&want) != want.decision {
        return Err(report(
            "the decision does not follow from the matched statements",
        ));
    }
    let order: Vec<(usize, u32)> = want
        .statements
        .iter()
        .map(|m| {
            let p = case.documents.iter().position(|(n, _)| *n == m.policy);
            (p.unwrap_or(usize::MAX), m.index)
        })
        .collect();
    if order.windows(2).any(|w| w[0] >= w[1]) || order.iter().any(|(p, _)| *p == usize::MAX) {
        return Err(report(
            "matched statements are not listed once each in policy order",
        ));
    }
    Ok(())
}

proptest! {
    #![proptest_config(config())]

    /// Property 1: compiled (through bytes) and reference agree on every derived request.
    #[test]
    fn props_compiled_agrees_with_reference(case in case_strategy(&Settings::default())) {
        soak_progress("props_compiled_agrees_with_reference");
        let policies = parse_case(&case)?;
        let artifact = load(&compile_bytes(&case, &policies)?)?;
        let reference = PolicySet::new(policies);
        let ir = lower(reference.set())?;
        for r in &case.requests {
            compare(&case, &reference, &ir, &artifact, r)?;
        }
    }

    /// Property 2: the same bytes loaded twice, or from an unaligned copy, decide the same as
    /// the artifact the compiler built; the bytes read back write the same bytes.
    #[test]
    fn props_artifact_round_trip(case in case_strategy(&Settings::default())) {
        let policies = parse_case(&case)?;
        let (built, _) = iamc_compiler::compile_artifact(&policies, &iamc_compiler::Config::default())
            .map_err(|e| TestCaseError::fail(format!("compile failed: {e}\n{case:?}")))?;
        let bytes = compile_bytes(&case, &policies)?;
        let first = load(&bytes)?;
        let second = load(&bytes)?;
        let (program, dfas) = iamc_compiler::inspect::read_artifact(&bytes)
            .map_err(|e| TestCaseError::fail(format!("read back failed: {e}")))?;
        prop_assert_eq!(
            iamc_compiler::container::write_artifact(&program, &dfas),
            bytes.clone(),
            "write(read(b)) != b"
        );
        let mut buffer = vec![0u8; bytes.len() + 1];
        buffer[1..].copy_from_slice(&bytes);
        let unaligned = load(&buffer[1..])?;
        for r in &case.requests {
            let want = built.explain(r);
            let req = request_json(r);
            prop_assert_eq!(&first.explain(r), &want, "first load, request {}\n{:?}", req, case);
            prop_assert_eq!(&second.explain(r), &want, "second load, request {}\n{:?}", req, case);
            prop_assert_eq!(&unaligned.explain(r), &want, "unaligned, request {}\n{:?}", req, case);
            prop_assert_eq!(unaligned.authorize(r), want.decision, "unaligned authorize {}", req);
        }
    }

    /// Property 3a: every generated policy parses, into exactly the AST the generator meant.
    #[test]
    fn props_generated_policies_parse(case in case_strategy(&Settings::default())) {
        for (g, (name, text)) in case.policies.iter().zip(&case.documents) {
            let p = parse(name, text)
                .map_err(|e| TestCaseError::fail(format!("{name} rejected: {e}\n{text}")))?;
            prop_assert_eq!(to_ast::without_spans(&p), model_ast(g, name), "{}", text);
        }
    }

    /// Property 3b: broken variants are rejected with diagnostics, never panicked on.
    #[test]
    fn props_broken_policies_are_rejected(bad in invalid_strategy(&Settings::default())) {
        let result = parse("bad.json", &bad.text);
        prop_assert!(result.is_err(), "{:?} accepted:\n{}", bad.breakage, bad.text);
    }

    /// Derived requests are well formed: an action always has a colon.
    #[test]
    fn props_derived_requests_are_well_formed(case in case_strategy(&Settings::default())) {
        prop_assert!(!case.requests.is_empty());
        for r in &case.requests {
            prop_assert!(r.action.contains(':'), "{}", r.action);
        }
    }
}

fn model_ast(g: &GenPolicy, name: &str) -> ast::Policy {
    to_ast::without_spans(&to_ast::policy(g, name))
}

/// Measures how often derived requests hit a statement, on a fixed deterministic sample (the
/// rate cannot flake): without hits, property 1 would mostly compare implicit denies.
#[test]
fn props_derived_requests_mostly_hit() {
    let mut runner = TestRunner::deterministic();
    let strategy = case_strategy(&Settings::default());
    let (mut requests, mut allow, mut deny) = (0usize, 0usize, 0usize);
    let (mut conditional, mut negated, mut variables) = (0usize, 0usize, 0usize);
    for _ in 0..300 {
        let case = strategy.new_tree(&mut runner).unwrap().current();
        let policies = parse_case(&case).unwrap();
        let reference = PolicySet::new(policies.clone());
        for r in &case.requests {
            requests += 1;
            let x = reference.explain(r);
            match x.decision {
                Decision::Allow => allow += 1,
                Decision::ExplicitDeny => deny += 1,
                Decision::ImplicitDeny => {}
            }
            let (mut cond, mut neg, mut var) = (false, false, false);
            for m in &x.statements {
                let p = policies.iter().find(|p| p.name == m.policy).unwrap();
                let s = &p.statements[m.index as usize];
                cond |= !s.conditions.is_empty();
                neg |= s.action.negated || s.resource.as_ref().is_some_and(|b| b.negated);
                var |= s.resource.as_ref().is_some_and(|b| {
                    b.patterns.iter().any(|p| match &p.node {
                        ast::ResourcePattern::Arn { template, .. } => !template.is_constant(),
                        ast::ResourcePattern::Any => false,
                    })
                });
            }
            conditional += usize::from(cond);
            negated += usize::from(neg);
            variables += usize::from(var);
        }
    }
    let rate = (allow + deny) as f64 / requests as f64;
    eprintln!(
        "derived requests: {requests}; Allow {allow}, ExplicitDeny {deny} (hit rate {rate:.3}); \
         hit a statement with conditions {conditional}, with NotAction/NotResource {negated}, \
         with a resource variable {variables}"
    );
    assert!(
        rate > 0.30,
        "only {rate:.3} of derived requests hit a statement"
    );
    assert!(
        allow * 20 > requests && deny * 20 > requests,
        "allow {allow}, deny {deny}"
    );
    assert!(
        conditional * 20 > requests,
        "conditions rarely hold: {conditional}"
    );
    assert!(
        negated * 20 > requests,
        "NotAction/NotResource rarely apply: {negated}"
    );
    assert!(
        variables * 100 > requests,
        "resource variables rarely match: {variables}"
    );
}

// ---------------------------------------------------------------------------------------------
// Typed policy sets (issue 6)
// ---------------------------------------------------------------------------------------------

/// Callers of the typed-set requests: every principal kind of spec 4, two accounts.
const CALLERS: &[Option<&str>] = &[
    None,
    Some("arn:aws:iam::111122223333:user/alice"),
    Some("arn:aws:sts::111122223333:assumed-role/dev/s1"),
    Some("arn:aws:iam::111122223333:role/dev"),
    Some("arn:aws:sts::111122223333:federated-user/bob"),
    Some("arn:aws:iam::111122223333:root"),
    Some("arn:aws:iam::444455556666:user/eve"),
    Some("arn:aws:sts::444455556666:assumed-role/ops/s2"),
    Some("ecs-tasks.amazonaws.com"),
    Some("*"),
    Some("arn:aws:iam::111122223333:group/admins"),
    Some("arn:aws:sts::111122223333:assumed-role/dev"),
];

/// `Principal` values of the typed-set policies, naming those callers every way spec 4 allows.
const PRINCIPALS: &[&str] = &[
    r#""*""#,
    r#"{"AWS":"*"}"#,
    r#"{"AWS":"111122223333"}"#,
    r#"{"AWS":"arn:aws:iam::111122223333:root"}"#,
    r#"{"AWS":"arn:aws:iam::111122223333:user/alice"}"#,
    r#"{"AWS":"arn:aws:iam::111122223333:role/team/dev"}"#,
    r#"{"AWS":"arn:aws:iam::111122223333:role/dev"}"#,
    r#"{"AWS":"arn:aws:sts::111122223333:assumed-role/dev/s1"}"#,
    r#"{"AWS":"arn:aws:sts::111122223333:federated-user/bob"}"#,
    r#"{"AWS":["arn:aws:iam::444455556666:user/eve","111122223333"]}"#,
    r#"{"AWS":"444455556666","Service":"ecs-tasks.amazonaws.com"}"#,
    r#"{"Service":"ecs-tasks.amazonaws.com"}"#,
    r#"{"Federated":"cognito-identity.amazonaws.com"}"#,
    r#"{"AWS":["111122223333","arn:aws:iam::111122223333:role/dev","arn:aws:sts::111122223333:assumed-role/dev/s1"]}"#,
];

const RESOURCE_ACCOUNTS: &[Option<&str>] = &[None, Some("111122223333"), Some("444455556666")];

/// A generated identity policy rewritten for `kind`: principals added where the kind needs or
/// admits them, `Resource` removed from trust policies.
fn retype(text: &str, kind: ast::PolicyType, t: &mut Tape<'_>) -> String {
    let mut doc: serde_json::Value = serde_json::from_str(text).unwrap();
    let mut next = move |n: usize| t.below(n);
    let mut fix = |stmt: &mut serde_json::Value| {
        let Some(obj) = stmt.as_object_mut() else {
            return;
        };
        let principal =
            |i: usize| serde_json::from_str::<serde_json::Value>(PRINCIPALS[i]).unwrap();
        let deny = obj.get("Effect").and_then(|e| e.as_str()) == Some("Deny");
        match kind {
            ast::PolicyType::Resource => {
                let p = principal(next(PRINCIPALS.len()));
                let key = if deny && next(3) == 0 {
                    "NotPrincipal"
                } else {
                    "Principal"
                };
                obj.insert(key.into(), p);
            }
            ast::PolicyType::Trust => {
                obj.remove("Resource");
                obj.remove("NotResource");
                obj.insert("Principal".into(), principal(next(PRINCIPALS.len())));
            }
            ast::PolicyType::Rcp => {
                obj.insert("Principal".into(), serde_json::Value::String("*".into()));
            }
            ast::PolicyType::Endpoint if next(2) == 0 => {
                obj.insert("Principal".into(), principal(next(PRINCIPALS.len())));
            }
            _ => {}
        }
    };
    match doc.get_mut("Statement") {
        Some(serde_json::Value::Array(list)) => list.iter_mut().for_each(&mut fix),
        Some(one) => fix(one),
        None => {}
    }
    serde_json::to_string(&doc).unwrap()
}

/// A typed set built from a generated case: each document goes to a slot drawn from the tape
/// (identity most often), organization levels get a full-access policy most of the time so that
/// the other types get a say.
fn typed_set(case: &Case, t: &mut Tape<'_>) -> Result<iamc_grammar::PolicySet, TestCaseError> {
    use ast::PolicyType as K;
    let mut set = iamc_grammar::PolicySet::default();
    let (scp_levels, rcp_levels) = (t.range(1, 3), t.range(1, 3));
    if t.below(3) == 0 {
        set.scp = vec![Vec::new(); scp_levels];
    }
    if t.below(3) == 0 {
        set.rcp = vec![Vec::new(); rcp_levels];
    }
    for (name, text) in &case.documents {
        let kind = match t.below(12) {
            0..=3 => K::Identity,
            4 => K::Resource,
            5 => K::Trust,
            6 => K::Boundary,
            7 => K::Session,
            8 if !set.scp.is_empty() => K::Scp,
            9 if !set.rcp.is_empty() => K::Rcp,
            10 => K::Endpoint,
            _ => K::Identity,
        };
        let retyped = retype(text, kind, t);
        let parse = |text: &str, kind| {
            iamc_grammar::parse_policy(&iamc_grammar::SourceFile::new(name.as_str(), text), kind)
        };
        // Short ARNs are invalid in SCPs (without a trailing `*`) and RCPs (spec 3.4): such a
        // document stays an identity policy.
        let (kind, parsed) = match parse(&retyped, kind) {
            Err(d) if d.to_string().contains("short ARN") => {
                (K::Identity, parse(text, K::Identity))
            }
            other => (kind, other),
        };
        let mut p = parsed
            .map_err(|d| {
                TestCaseError::fail(format!("{name} as {kind:?} rejected: {d}\n{retyped}"))
            })?
            .policy;
        p.name.clone_from(name);
        let level = match kind {
            K::Scp => t.below(set.scp.len()),
            K::Rcp => t.below(set.rcp.len()),
            _ => 0,
        };
        set.push(p, level);
    }
    // Full access at most levels (FullAWSAccess / RCPFullAWSAccess), not always.
    for (levels, kind, text) in [
        (
            &mut set.scp,
            K::Scp,
            r#"{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#,
        ),
        (
            &mut set.rcp,
            K::Rcp,
            r#"{"Statement":{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}}"#,
        ),
    ] {
        for (l, level) in levels.iter_mut().enumerate() {
            if t.below(5) != 0 {
                let name = format!("full-{kind:?}-{l}.json");
                let mut p = iamc_grammar::parse_policy(
                    &iamc_grammar::SourceFile::new(name.as_str(), text),
                    kind,
                )
                .unwrap()
                .policy;
                p.name = name;
                level.push(p);
            }
        }
    }
    Ok(set)
}

proptest! {
    #![proptest_config(config())]

    /// Property 4: typed sets (every policy type, organization levels, principals of every
    /// kind, same and cross account): compiled (through bytes), IR interpreter and reference
    /// give the same explanation (decision, statements with their types, reason), and
    /// `authorize` its decision.
    #[test]
    fn props_typed_sets_compiled_agrees_with_reference(
        case in case_strategy(&Settings::default()),
        bytes in tape(256),
    ) {
        soak_progress("props_typed_sets_compiled_agrees_with_reference");
        let mut t = Tape::new(&bytes);
        let set = typed_set(&case, &mut t)?;
        let bytes = iamc_compiler::compile_set(&set, &iamc_compiler::Config::default())
            .map_err(|e| TestCaseError::fail(format!("compile failed: {e}\n{case:?}")))?;
        let artifact = load(&bytes)?;
        let reference = PolicySet::from_set(set.clone());
        let ir = lower(&set)?;
        for r in &case.requests {
            for _ in 0..3 {
                let mut r = r.clone();
                r.principal = t.pick(CALLERS).copied().flatten().map(str::to_owned);
                r.resource_account = t.pick(RESOURCE_ACCOUNTS).copied().flatten().map(str::to_owned);
                let want = reference.explain(&r);
                let interpreted = iamc_compiler::ir::interp::explain(&ir, &r);
                let got = artifact.explain(&r);
                let decision = artifact.authorize(&r);
                let report = |what: &str| TestCaseError::fail(format!(
                    "{what}\n{case:?}\nset: {set:#?}\nrequest:   {}\nreference: {}\nir:        {}\ncompiled:  {} (authorize: {})",
                    request_json(&r), iamc::io::explanation_to_json(&want), iamc::io::explanation_to_json(&interpreted), iamc::io::explanation_to_json(&got), decision.as_str()
                ));
                if let Some(what) = disagreement(&want, &interpreted, &got, decision) {
                    return Err(report(what));
                }
                if std::env::var_os("IAMC_PROPS_STATS").is_some() {
                    eprintln!("STAT {}", want.reason.message());
                }
            }
        }
    }
}
