//! Unit tests on hand-built ASTs (the JSON-driven cases live in tests/reference_cases.rs).

use iamc_grammar::ast::{self, Spanned};
use iamc_grammar::Span;
use iamc_runtime::{Decision, Request, Scalar, Value};

use super::PolicySet;

fn sp<T>(node: T) -> Spanned<T> {
    Spanned {
        node,
        span: Span::default(),
    }
}

fn text(s: &str) -> ast::Template {
    ast::Template {
        segments: vec![ast::Segment::Text(s.into())],
    }
}

fn action(a: &str) -> Spanned<ast::ActionPattern> {
    sp(match a.split_once(':') {
        None => ast::ActionPattern::Any,
        Some((s, n)) => ast::ActionPattern::Service {
            service: s.into(),
            name: n.into(),
        },
    })
}

fn resource(r: &str) -> Spanned<ast::ResourcePattern> {
    sp(if r == "*" {
        ast::ResourcePattern::Any
    } else {
        ast::ResourcePattern::Arn {
            raw: r.into(),
            template: text(r),
        }
    })
}

fn stmt(effect: ast::Effect, actions: &[&str], resources: &[&str]) -> ast::Statement {
    ast::Statement {
        index: 0,
        sid: None,
        effect: sp(effect),
        principal: None,
        action: ast::ActionBlock {
            negated: false,
            patterns: actions.iter().map(|a| action(a)).collect(),
            span: Span::default(),
        },
        resource: Some(ast::ResourceBlock {
            negated: false,
            patterns: resources.iter().map(|r| resource(r)).collect(),
            span: Span::default(),
        }),
        conditions: vec![],
        span: Span::default(),
    }
}

fn policy(statements: Vec<ast::Statement>) -> ast::Policy {
    let statements = statements
        .into_iter()
        .enumerate()
        .map(|(i, mut s)| {
            s.index = i;
            s
        })
        .collect();
    ast::Policy {
        name: "p.json".into(),
        kind: ast::PolicyType::Identity,
        version: ast::Version::V2012_10_17,
        version_span: None,
        id: None,
        statements,
        span: Span::default(),
    }
}

fn decide(p: ast::Policy, req: &Request) -> Decision {
    PolicySet::new(vec![p]).authorize(req)
}

const CL: &str = "arn:aws:ecs:us-east-1:111122223333:cluster/prod";

#[test]
fn actions_ignore_case_and_glob() {
    let p = policy(vec![stmt(
        ast::Effect::Allow,
        &["ECS:describe?lusters"],
        &["*"],
    )]);
    assert_eq!(
        decide(p.clone(), &Request::new("ecs:DescribeClusters", CL)),
        Decision::Allow
    );
    assert_eq!(
        decide(p, &Request::new("ecs:DescribeCluster", CL)),
        Decision::ImplicitDeny
    );
}

#[test]
fn resources_are_field_wise() {
    let allow = |r: &str, req: &str| {
        decide(
            policy(vec![stmt(ast::Effect::Allow, &["*"], &[r])]),
            &Request::new("a:b", req),
        )
    };
    assert_eq!(
        allow("arn:aws:ecs:us-east-1:111122223333:*", CL),
        Decision::Allow
    );
    assert_eq!(allow("arn:aws:ecs", CL), Decision::Allow);
    assert_eq!(
        allow("arn:aws::s3:*", "arn:aws:s3:::b/k"),
        Decision::ImplicitDeny
    );
    assert_eq!(allow("arn:aws:ecs:*:*:*", "*"), Decision::ImplicitDeny);
    assert_eq!(allow("*", "*"), Decision::Allow);
    assert_eq!(
        allow(
            "arn:aws:ecs:us-east-?:*:cluster/*",
            "arn:aws:ecs:us-east-2:1:cluster/x"
        ),
        Decision::Allow
    );
    assert_eq!(
        allow(
            "arn:aws:ecs:us-east-?:*:cluster/*",
            "arn:aws:ecs:us-west-2:1:cluster/x"
        ),
        Decision::ImplicitDeny
    );
    // A `*` inside a field does not cross `:`; one ending its field does (spec 3.3.5).
    assert_eq!(
        allow("arn:aws:e*s:*:*:x", "arn:aws:e:c:s:r:a:x"),
        Decision::ImplicitDeny
    );
    assert_eq!(
        allow("arn:aws:ecs*:*:*:x", "arn:aws:ecs:r:a:b:c:x"),
        Decision::Allow
    );
    assert_eq!(
        allow("arn:aws:ecs:*:*:cluster/Prod", CL),
        Decision::ImplicitDeny
    );
}

#[test]
fn deny_beats_allow_and_statements_are_listed_in_order() {
    let mut deny = stmt(ast::Effect::Deny, &["ecs:Run*"], &["*"]);
    deny.sid = Some(sp("NoRun".into()));
    let p = policy(vec![stmt(ast::Effect::Allow, &["ecs:*"], &["*"]), deny]);
    let set = PolicySet::new(vec![p]);
    let e = set.explain(&Request::new("ecs:RunTask", CL));
    assert_eq!(e.decision, Decision::ExplicitDeny);
    assert_eq!(e.statements.len(), 2);
    assert_eq!(e.statements[1].sid.as_deref(), Some("NoRun"));
    assert_eq!(
        set.authorize(&Request::new("ecs:ListClusters", "*")),
        Decision::Allow
    );
    assert_eq!(
        set.authorize(&Request::new("s3:ListBuckets", "*")),
        Decision::ImplicitDeny
    );
}

#[test]
fn variables_resolve_with_defaults() {
    let mut s = stmt(ast::Effect::Allow, &["ecs:*"], &["*"]);
    s.resource = Some(ast::ResourceBlock {
        negated: false,
        patterns: vec![sp(ast::ResourcePattern::Arn {
            raw: String::new(),
            template: ast::Template {
                segments: vec![
                    ast::Segment::Text("arn:aws:ecs:*:*:cluster/".into()),
                    ast::Segment::Variable {
                        key: "aws:PrincipalTag/team".into(),
                        default: Some("shared".into()),
                    },
                    ast::Segment::Text("*".into()),
                ],
            },
        })],
        span: Span::default(),
    });
    let p = policy(vec![s]);
    let shared = "arn:aws:ecs:us-east-1:1:cluster/shared-x";
    assert_eq!(
        decide(p.clone(), &Request::new("ecs:A", shared)),
        Decision::Allow
    );
    let tagged = Request::new("ecs:A", shared).with_context(
        "aws:principaltag/TEAM",
        Value::Single(Scalar::String("pay".into())),
    );
    assert_eq!(decide(p.clone(), &tagged), Decision::ImplicitDeny);
    let empty = Request::new("ecs:A", shared).with_context(
        "aws:principaltag/team",
        Value::Single(Scalar::String(String::new())),
    );
    assert_eq!(decide(p, &empty), Decision::Allow);
}

fn team_template() -> ast::Template {
    ast::Template {
        segments: vec![
            ast::Segment::Text("arn:aws:ecs:*:*:cluster/".into()),
            ast::Segment::Variable {
                key: "aws:PrincipalTag/team".into(),
                default: None,
            },
        ],
    }
}

#[test]
fn unresolved_not_resource_entry_excludes_nothing() {
    // A4, DESIGN.md: the entry matches nothing, so `NotResource` holds for every resource.
    let mut s = stmt(ast::Effect::Allow, &["ecs:*"], &["*"]);
    s.resource = Some(ast::ResourceBlock {
        negated: true,
        patterns: vec![sp(ast::ResourcePattern::Arn {
            raw: String::new(),
            template: team_template(),
        })],
        span: Span::default(),
    });
    let p = policy(vec![s]);
    let cl = "arn:aws:ecs:us-east-1:1:cluster/pay";
    assert_eq!(
        decide(p.clone(), &Request::new("ecs:A", cl)),
        Decision::Allow
    );
    let tagged = Request::new("ecs:A", cl).with_context(
        "aws:PrincipalTag/team",
        Value::Single(Scalar::String("pay".into())),
    );
    assert_eq!(decide(p.clone(), &tagged), Decision::ImplicitDeny);
    // A multi-valued key is no value for a variable.
    let multi = Request::new("ecs:A", cl).with_context(
        "aws:PrincipalTag/team",
        Value::Multi(vec![Scalar::String("pay".into())]),
    );
    assert_eq!(decide(p, &multi), Decision::Allow);
}

#[test]
fn variables_are_ignored_outside_2012() {
    let mut s = stmt(ast::Effect::Allow, &["ecs:*"], &["*"]);
    s.resource = Some(ast::ResourceBlock {
        negated: false,
        patterns: vec![sp(ast::ResourcePattern::Arn {
            raw: String::new(),
            template: team_template(),
        })],
        span: Span::default(),
    });
    let mut p = policy(vec![s]);
    p.version = ast::Version::V2008_10_17;
    let tagged = Request::new("ecs:A", "arn:aws:ecs:us-east-1:1:cluster/pay").with_context(
        "aws:PrincipalTag/team",
        Value::Single(Scalar::String("pay".into())),
    );
    assert_eq!(decide(p, &tagged), Decision::ImplicitDeny);
}

#[test]
fn not_action_spans_every_service() {
    let mut s = stmt(ast::Effect::Deny, &["iam:*"], &["*"]);
    s.action.negated = true;
    let p = policy(vec![stmt(ast::Effect::Allow, &["*"], &["*"]), s]);
    assert_eq!(
        decide(p.clone(), &Request::new("s3:GetObject", "*")),
        Decision::ExplicitDeny
    );
    assert_eq!(
        decide(p, &Request::new("IAM:GetUser", "*")),
        Decision::Allow
    );
}
