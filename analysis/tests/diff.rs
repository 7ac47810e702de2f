//! The diff on small hand-written sets: the regions, their witnesses and exactness.

use iamc_analysis::diff::{self, render, AccessQuery, Options};
use iamc_grammar::{ast::PolicyType, PolicySet, SourceFile};

fn set(docs: &[(&str, PolicyType)]) -> PolicySet {
    let mut s = PolicySet::default();
    for (i, (text, kind)) in docs.iter().enumerate() {
        let src = SourceFile::new(format!("p{i}.json"), *text);
        let p = iamc_grammar::parse_policy(&src, *kind)
            .unwrap_or_else(|d| panic!("{}", d.render(&src)))
            .policy;
        s.push(p, 0);
    }
    s
}

fn identity(text: &str) -> PolicySet {
    set(&[(text, PolicyType::Identity)])
}

fn show(old: &PolicySet, new: &PolicySet) -> diff::Report {
    let r = diff::diff(old, new, &Options::default()).unwrap();
    eprintln!("{}", render::text(&r, &render::RenderOptions::default()));
    r
}

#[test]
fn scratch() {
    let old = identity(
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}}"#,
    );
    let new = identity(
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:Get*","Resource":"arn:aws:s3:::b/*"}}"#,
    );
    show(&old, &new);
    let new2 = identity(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:Get*","Resource":"arn:aws:s3:::b/*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"},"StringLike":{"aws:PrincipalTag/team":["a*","ab"]}}}]}"#,
    );
    show(&old, &new2);
    let q = AccessQuery {
        actions: vec!["s3:PutObject".into()],
        resources: vec![],
    };
    let a = diff::check_access(&new2, &q, &Options::default()).unwrap();
    eprintln!(
        "{}",
        render::access_text_report(&a, &render::RenderOptions::default())
    );
    let a = diff::check_access(
        &new2,
        &AccessQuery {
            actions: vec!["s3:GetObject".into()],
            resources: vec![],
        },
        &Options::default(),
    )
    .unwrap();
    eprintln!(
        "{}",
        render::access_text_report(&a, &render::RenderOptions::default())
    );
}
