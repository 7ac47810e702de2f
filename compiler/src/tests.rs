//! End-to-end checks of the compiled path on hand-built ASTs (the differential tests against
//! the reference interpreter live in the root package's `tests/`).

use iamc_grammar::ast;
use iamc_runtime::{Decision, Request, Scalar, Value};
use iamc_testkit::builder::{self, allow, arn, arn_with_vars, deny, Stmt};

use crate::{compile_artifact, Config};

/// An Allow on `actions` and `resources`, `${...}` in a resource being a variable.
fn allow_on(actions: &[&str], resources: &[&str]) -> Stmt {
    allow().actions(actions).resources(with_vars(resources))
}

/// Resource patterns whose `${...}` are variables (as under 2012-10-17).
fn with_vars(resources: &[&str]) -> Vec<ast::ResourcePattern> {
    let pattern = |r: &&str| if *r == "*" { arn(r) } else { arn_with_vars(r) };
    resources.iter().map(pattern).collect()
}

fn policy(name: &str, statements: Vec<Stmt>) -> ast::Policy {
    builder::policy(name, ast::Version::V2012_10_17, statements)
}

fn decide(p: &[ast::Policy], config: &Config, cases: &[(&str, &str, Decision)]) {
    let (a, _) = compile_artifact(p, config).unwrap();
    for &(act, res, want) in cases {
        let got = a.authorize(&Request::new(act, res));
        assert_eq!(got, want, "{act} on {res}");
        assert_eq!(
            a.explain(&Request::new(act, res)).decision,
            want,
            "explain {act} on {res}"
        );
    }
}

#[test]
fn actions_are_case_insensitive_globs() {
    let p = policy(
        "p",
        vec![allow_on(&["ECS:Describe*", "s3:Get?bject"], &["*"])],
    );
    decide(
        &[p],
        &Config::default(),
        &[
            ("ecs:describeclusters", "*", Decision::Allow),
            ("Ecs:DescribeClusters", "*", Decision::Allow),
            ("ecs:ListClusters", "*", Decision::ImplicitDeny),
            ("s3:GetObject", "*", Decision::Allow),
            ("s3:Getébject", "*", Decision::Allow),
            ("s3:GetObjectX", "*", Decision::ImplicitDeny),
            ("s3:Getbject", "*", Decision::ImplicitDeny),
            ("ſ3:GetObject", "*", Decision::ImplicitDeny),
        ],
    );
}

#[test]
fn not_action_and_deny() {
    let p = policy(
        "p",
        vec![
            deny()
                .not_actions(&["ecs:Describe*", "ecs:List*"])
                .resources(with_vars(&["*"])),
            allow_on(&["ecs:*"], &["*"]),
        ],
    );
    decide(
        &[p],
        &Config::default(),
        &[
            ("ecs:DescribeClusters", "*", Decision::Allow),
            ("ecs:RunTask", "*", Decision::ExplicitDeny),
            ("s3:ListBucket", "*", Decision::ExplicitDeny),
        ],
    );
}

#[test]
fn resources_are_field_wise() {
    let p = policy(
        "p",
        vec![
            allow_on(&["ecs:A"], &["arn:aws:ecs:us-east-?:*:cluster/*"]),
            allow_on(&["ecs:B"], &["arn:aws:ecs"]),
            allow_on(&["ecs:C"], &["arn:aws:ecs:*:*:task-definition/web:?"]),
            allow_on(&["ecs:D"], &["arn:a*s:ecs:r:1:x"]),
            allow_on(&["ecs:E"], &["arn:aws:s3:::bkt/*/test/*"]),
            allow()
                .actions(&["ecs:F"])
                .not_resources(with_vars(&["arn:aws:s3:::secret"])),
        ],
    );
    let arn = "arn:aws:ecs:us-east-2:111122223333:cluster/x";
    decide(
        &[p],
        &Config::default(),
        &[
            ("ecs:A", arn, Decision::Allow),
            (
                "ecs:A",
                "arn:aws:ecs:us-west-2:111122223333:cluster/x",
                Decision::ImplicitDeny,
            ),
            ("ecs:A", "*", Decision::ImplicitDeny),
            ("ecs:B", arn, Decision::Allow),
            ("ecs:B", "*", Decision::ImplicitDeny),
            (
                "ecs:C",
                "arn:aws:ecs:r:1:task-definition/web:3",
                Decision::Allow,
            ),
            (
                "ecs:C",
                "arn:aws:ecs:r:1:task-definition/web:12",
                Decision::ImplicitDeny,
            ),
            ("ecs:D", "arn:aws:ecs:r:1:x", Decision::Allow),
            ("ecs:D", "arn:a:b:s:ecs:r:1:x", Decision::ImplicitDeny),
            (
                "ecs:E",
                "arn:aws:s3:::bkt/1/2/test/3/x.jpg",
                Decision::Allow,
            ),
            ("ecs:E", "arn:aws:s3:::bkt/test/x", Decision::ImplicitDeny),
            ("ecs:F", "*", Decision::Allow),
            ("ecs:F", "arn:aws:s3:::secret", Decision::ImplicitDeny),
            ("ecs:F", "arn:aws:s3:::secret2", Decision::Allow),
        ],
    );
}

#[test]
fn policy_variables_are_confirmed_after_substitution() {
    let p = policy(
        "p",
        vec![
            allow_on(
                &["ecs:A"],
                &["arn:aws:ecs:*:*:service/${aws:PrincipalTag/team}-*/*"],
            ),
            allow_on(
                &["ecs:B"],
                &["arn:aws:ecs:*:*:cluster/${aws:PrincipalTag/team, 'shared'}"],
            ),
            deny()
                .actions(&["ecs:C"])
                .not_resources(with_vars(&["arn:aws:ecs:*:*:cluster/${aws:username}"])),
            allow_on(&["ecs:C"], &["*"]),
        ],
    );
    let (a, _) = compile_artifact(&[p], &Config::default()).unwrap();
    let tagged = |r: &str, action: &str, v: &str| {
        Request::new(action, r).with_context(
            "aws:PrincipalTag/Team",
            Value::Single(Scalar::String(v.into())),
        )
    };
    let svc = "arn:aws:ecs:r:1:service/payments-prod/api";
    assert_eq!(
        a.authorize(&tagged(svc, "ecs:A", "payments")),
        Decision::Allow
    );
    assert_eq!(
        a.authorize(&tagged(svc, "ecs:A", "risk")),
        Decision::ImplicitDeny
    );
    assert_eq!(
        a.authorize(&tagged(svc, "ecs:A", "pay*")),
        Decision::ImplicitDeny
    );
    assert_eq!(
        a.authorize(&Request::new("ecs:A", svc)),
        Decision::ImplicitDeny
    );
    let cl = "arn:aws:ecs:r:1:cluster/shared";
    assert_eq!(a.authorize(&Request::new("ecs:B", cl)), Decision::Allow);
    assert_eq!(
        a.authorize(&tagged(cl, "ecs:B", "x")),
        Decision::ImplicitDeny
    );
    assert_eq!(a.authorize(&tagged(cl, "ecs:B", "")), Decision::Allow);
    // Unresolved variable in NotResource: the entry excludes nothing, the Deny applies.
    assert_eq!(
        a.authorize(&Request::new("ecs:C", cl)),
        Decision::ExplicitDeny
    );
    let bob = Request::new("ecs:C", "arn:aws:ecs:r:1:cluster/bob")
        .with_context("aws:username", Value::Single(Scalar::String("bob".into())));
    assert_eq!(a.authorize(&bob), Decision::Allow);
}

#[test]
fn version_2008_keeps_variables_literal() {
    // Under 2008-10-17 the grammar leaves `${...}` as text: one text segment.
    let p = builder::policy(
        "p",
        ast::Version::V2008_10_17,
        vec![allow()
            .actions(&["ecs:A"])
            .resources(vec![arn("arn:aws:ecs:r:1:cluster/${aws:username}")])],
    );
    let (a, _) = compile_artifact(&[p], &Config::default()).unwrap();
    let r = Request::new("ecs:A", "arn:aws:ecs:r:1:cluster/${aws:username}");
    assert_eq!(a.authorize(&r), Decision::Allow);
    let r = Request::new("ecs:A", "arn:aws:ecs:r:1:cluster/bob")
        .with_context("aws:username", Value::Single(Scalar::String("bob".into())));
    assert_eq!(a.authorize(&r), Decision::ImplicitDeny);
}

#[test]
fn tiny_limits_split_into_shards_and_agree() {
    let mut stmts = Vec::new();
    let actions: Vec<&'static str> = (0..12)
        .map(|i| &*Box::leak(format!("svc:*w{i}*x*").into_boxed_str()))
        .collect();
    let resources: Vec<&'static str> = (0..12)
        .map(|i| &*Box::leak(format!("arn:aws:iam::*:role/ecsInstanceRole{i}*").into_boxed_str()))
        .collect();
    for i in 0..12 {
        stmts.push(allow_on(&[actions[i]], &[resources[i]]));
    }
    let p = policy("p", stmts);
    let small = Config {
        dfa_size_limit: 64 << 10,
        determinize_size_limit: 64 << 10,
        ..Config::default()
    };
    let (a_small, st) = compile_artifact(std::slice::from_ref(&p), &small).unwrap();
    assert!(st.action_shards > 1, "{st:?}");
    let (a_big, _) = compile_artifact(&[p], &Config::default()).unwrap();
    for i in 0..12 {
        for j in 0..12 {
            let r = Request::new(
                format!("svc:aw{i}bxc"),
                format!("arn:aws:iam::1:role/ecsInstanceRole{j}x"),
            );
            let applies = (0..12usize).any(|k| {
                i.to_string().starts_with(&k.to_string())
                    && j.to_string().starts_with(&k.to_string())
            });
            let want = if applies {
                Decision::Allow
            } else {
                Decision::ImplicitDeny
            };
            assert_eq!(a_small.explain(&r), a_big.explain(&r));
            assert_eq!(a_big.authorize(&r), want, "{i} {j}");
            assert_eq!(a_small.authorize(&r), want, "{i} {j}");
        }
    }
}

#[test]
fn explain_lists_statements_in_policy_order() {
    let p1 = policy(
        "p1",
        vec![
            allow_on(&["s3:*"], &["*"]),
            allow_on(&["*"], &["arn:aws:s3:::b"]),
        ],
    );
    let p2 = policy(
        "p2",
        vec![deny().actions(&["s3:Get*"]).resources(with_vars(&["*"]))],
    );
    let (a, _) = compile_artifact(&[p1, p2], &Config::default()).unwrap();
    let e = a.explain(&Request::new("s3:GetObject", "arn:aws:s3:::b"));
    assert_eq!(e.decision, Decision::ExplicitDeny);
    let got: Vec<(String, u32)> = e
        .statements
        .iter()
        .map(|s| (s.policy.clone(), s.index))
        .collect();
    assert_eq!(
        got,
        vec![("p1".into(), 0), ("p1".into(), 1), ("p2".into(), 0)]
    );
}

#[test]
fn cut_resource_patterns_are_confirmed() {
    let p = policy(
        "p",
        vec![allow_on(
            &["ec2:Describe*"],
            &[
                "arn:aws:ec2:us-*-1:*:instance/*",
                "arn:aws:logs:*:*:log-group:a*:log-stream:*",
            ],
        )],
    );
    decide(
        &[p],
        &Config::default(),
        &[
            (
                "ec2:DescribeTags",
                "arn:aws:ec2:us-east-1:1:instance/i-1",
                Decision::Allow,
            ),
            (
                "ec2:DescribeTags",
                "arn:aws:ec2:us-east-2:1:instance/i-1",
                Decision::ImplicitDeny,
            ),
            (
                "ec2:DescribeTags",
                "arn:aws:logs:r:1:log-group:ab:log-stream:s",
                Decision::Allow,
            ),
            (
                "ec2:DescribeTags",
                "arn:aws:logs:r:1:log-group:ab",
                Decision::ImplicitDeny,
            ),
        ],
    );
}

#[test]
fn automata_report_roles_and_states() {
    let p = policy("p", vec![allow_on(&["s3:Get*"], &["arn:aws:s3:::b/*"])]);
    let (bytes, stats) = crate::compile_with_stats(&[p], &Config::default()).unwrap();
    let info = crate::inspect::inspect(&bytes).unwrap().automata;
    let roles: Vec<&str> = info.iter().map(|i| i.role).collect();
    assert_eq!(roles, vec!["action", "resource"]);
    for (i, s) in info.iter().zip(&stats.dfas) {
        assert_eq!((i.patterns, i.states), (s.patterns, s.states));
        assert!(i.states > 0 && i.bytes > 0);
    }
}

#[test]
fn compile_files_writes_a_loadable_artifact_and_reports_invalid_policies() {
    let dir = std::env::temp_dir().join(format!("iamc-compile-files-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let good = dir.join("app.json");
    std::fs::write(
        &good,
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}}"#,
    )
    .unwrap();
    let out = dir.join("set.iamc");
    crate::compile_files(std::slice::from_ref(&good), &out).unwrap();
    let a = iamc_runtime::Artifact::from_bytes(&std::fs::read(&out).unwrap()).unwrap();
    let e = a.explain(&Request::new("s3:GetObject", "arn:aws:s3:::b/k"));
    assert_eq!(e.decision, Decision::Allow);
    assert_eq!(e.statements[0].policy, "app.json");
    let bad = dir.join("bad.json");
    std::fs::write(
        &bad,
        r#"{"Version":"2012-10-17","Statement":{"Effect":"allow"}}"#,
    )
    .unwrap();
    let err = crate::compile_files(&[bad], &dir.join("bad.iamc"))
        .unwrap_err()
        .to_string();
    assert!(err.contains("bad.json"), "{err}");
    let missing = crate::compile_files(&[dir.join("missing.json")], &out).unwrap_err();
    assert!(missing.to_string().contains("missing.json"), "{missing}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn compile_set_files_parses_each_file_by_its_type() {
    let dir = std::env::temp_dir().join(format!("iamc-set-files-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let write = |name: &str, text: &str| {
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        p
    };
    let all = write(
        "all.json",
        r#"{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#,
    );
    let s3 = write(
        "s3.json",
        r#"{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}"#,
    );
    let trust = write(
        "trust.json",
        r#"{"Statement":{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}}"#,
    );
    let files = crate::SetFiles {
        identity: vec![all.clone()],
        boundary: vec![s3.clone()],
        trust: vec![trust.clone()],
        scp: vec![vec![all.clone()], vec![s3.clone()]],
        ..crate::SetFiles::default()
    };
    let out = dir.join("set.iamc");
    crate::compile_set_files(&files, &out).unwrap();
    let a = iamc_runtime::Artifact::from_bytes(&std::fs::read(&out).unwrap()).unwrap();
    let groups: Vec<_> = a.groups().map(|(t, l)| (t.as_str(), l)).collect();
    assert_eq!(
        groups,
        [
            ("identity", 0),
            ("trust", 0),
            ("boundary", 0),
            ("scp", 0),
            ("scp", 1)
        ]
    );
    assert_eq!(
        a.authorize(&Request::new("s3:GetObject", "arn:aws:s3:::b/k")),
        Decision::Allow
    );
    // The boundary and the second SCP level cap everything else.
    let e = a.explain(&Request::new("ec2:RunInstances", "*"));
    assert_eq!(e.decision, Decision::ImplicitDeny);
    assert_eq!(
        e.reason,
        iamc_runtime::Reason::NoAllowAtLevel(iamc_runtime::PolicyType::Scp, 1)
    );
    // A trust policy given as a boundary is refused, naming the file and the rule.
    let wrong = crate::SetFiles {
        boundary: vec![trust],
        ..crate::SetFiles::default()
    };
    let err = crate::compile_set_files(&wrong, &dir.join("wrong.iamc"))
        .unwrap_err()
        .to_string();
    assert!(err.contains("trust.json"), "{err}");
    assert!(
        err.contains("`Principal` is not allowed in permissions boundaries"),
        "{err}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
