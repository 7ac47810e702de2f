//! The diff on small hand-written sets: the regions, their witnesses and exactness.

use iamc_analysis::diff::{self, render, AccessQuery, Options};
use iamc_grammar::{ast::PolicyType, PolicySet, SourceFile};
use iamc_runtime::{Decision, Request, Scalar, Value};

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

fn report(old: &PolicySet, new: &PolicySet) -> diff::Report {
    let r = diff::diff(old, new, &Options::default()).unwrap();
    eprintln!("{}", render::text(&r, &render::RenderOptions::default()));
    r
}

const GET_OBJECT: &str = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}}"#;
const GET_ANY: &str = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:Get*","Resource":"arn:aws:s3:::b/*"}}"#;

fn compiled(s: &PolicySet) -> iamc_runtime::Artifact {
    iamc_compiler::compile_set_artifact(s, &iamc_compiler::Config::default())
        .unwrap()
        .0
}

#[test]
fn a_widened_action_is_the_new_access_and_nothing_else() {
    let (old, new) = (identity(GET_OBJECT), identity(GET_ANY));
    let r = report(&old, &new);
    assert!(r.new_access() && r.exact() && r.added.complete);
    assert_eq!(r.added.regions.len(), 1);
    let region = &r.added.regions[0];
    assert!(region.certain);
    assert_eq!(region.actions[0].matches, vec!["s3:get*"]);
    assert_eq!(region.actions[0].except, vec!["s3:getobject"]);
    assert_eq!(region.resources[0].matches, vec!["arn:aws:s3:::b/*"]);
    assert!(region.conditions.is_empty());
    // The witness: allowed by NEW, not by OLD, inside the region.
    let w = &region.witnesses[0];
    assert_eq!(compiled(&new).authorize(w), Decision::Allow);
    assert_ne!(compiled(&old).authorize(w), Decision::Allow);
    assert!(region.contains(w));
    // Membership is exact: the old action, another bucket and another service are outside.
    for (a, res) in [
        ("s3:GetObject", "arn:aws:s3:::b/k"),
        ("s3:GetBucketPolicy", "arn:aws:s3:::c/k"),
        ("s3:PutObject", "arn:aws:s3:::b/k"),
    ] {
        assert!(!region.contains(&Request::new(a, res)), "{a} {res}");
    }
    assert!(region.contains(&Request::new("s3:GetBucketPolicy", "arn:aws:s3:::b/k")));
    // Nothing was taken away; the reverse diff is the same region.
    let both = diff::diff(
        &old,
        &new,
        &Options {
            removed: true,
            ..Options::default()
        },
    )
    .unwrap();
    assert!(!both.removed.as_ref().unwrap().any);
    let back = diff::diff(&new, &old, &Options::default()).unwrap();
    assert!(!back.new_access() && back.exact());
}

/// A region an approximation found (OLD's resource holds a policy variable, read as any text
/// where OLD's Allow is narrowed) is certain once its witness holds, but it may be wider than
/// the access: the answer does not call itself exact.
#[test]
fn a_certain_region_found_by_an_approximation_is_not_exact() {
    let old = identity(
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${aws:username}/*"}}"#,
    );
    let r = report(&old, &identity(GET_OBJECT));
    assert!(r.new_access() && r.added.complete);
    let region = &r.added.regions[0];
    assert!(region.certain && !region.exact());
    assert!(!r.exact() && !r.added.exact);
    assert!(!r.added.reasons.is_empty());
    let w = &region.witnesses[0];
    assert_ne!(compiled(&old).authorize(w), Decision::Allow);
}

#[test]
fn conditions_are_constraints_of_the_region() {
    let new = identity(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:Get*","Resource":"arn:aws:s3:::b/*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"},"StringLike":{"aws:PrincipalTag/team":["a*","ab"]}}}]}"#,
    );
    let r = report(&identity(GET_OBJECT), &new);
    assert!(r.new_access() && r.exact());
    let region = &r.added.regions[0];
    let keys: Vec<&str> = region.conditions.iter().map(|c| c.key.as_str()).collect();
    assert_eq!(keys, vec!["aws:PrincipalTag/team", "aws:SourceIp"]);
    let w = &region.witnesses[0];
    assert_eq!(compiled(&new).authorize(w), Decision::Allow);
    // The same request from outside the address range is not in the region.
    let mut outside = w.clone();
    outside.context.insert(
        "aws:SourceIp",
        Value::Single(Scalar::String("192.168.0.1".into())),
    );
    assert!(!region.contains(&outside));
}

#[test]
fn check_access_answers_with_a_witness() {
    let set = identity(GET_ANY);
    let ask = |actions: &[&str], resources: &[&str]| {
        diff::check_access(
            &set,
            &AccessQuery {
                actions: actions.iter().map(|s| (*s).to_owned()).collect(),
                resources: resources.iter().map(|s| (*s).to_owned()).collect(),
            },
            &Options::default(),
        )
        .unwrap()
    };
    let no = ask(&["s3:PutObject"], &[]);
    assert!(!no.any && no.exact);
    let no = ask(&["s3:GetObject"], &["arn:aws:s3:::other/*"]);
    assert!(!no.any && no.exact);
    let yes = ask(&["s3:GetObject"], &["arn:aws:s3:::b/k"]);
    assert!(yes.any && yes.exact);
    let w = &yes.regions[0].witnesses[0];
    assert!(w.action.eq_ignore_ascii_case("s3:GetObject"));
    assert_eq!(w.resource, "arn:aws:s3:::b/k");
    assert_eq!(compiled(&set).authorize(w), Decision::Allow);
    eprintln!(
        "{}",
        render::access_text_report(&yes, &render::RenderOptions::default())
    );
}

/// OLD and NEW say the same: no new access and no removed access, exactly.
fn assert_equivalent(old: &PolicySet, new: &PolicySet, opts: &Options<'_>) {
    let r = diff::diff(
        old,
        new,
        &Options {
            removed: true,
            catalog_resources: opts.catalog_resources,
            ..Options::default()
        },
    )
    .unwrap();
    let text = render::text(&r, &render::RenderOptions::default());
    assert!(!r.new_access(), "{text}");
    assert!(!r.removed.as_ref().unwrap().any, "{text}");
    assert!(r.exact(), "{text}");
}

fn doc(statements: &str) -> String {
    format!(r#"{{"Version":"2012-10-17","Statement":[{statements}]}}"#)
}

#[test]
fn equivalent_rewrites_add_no_access() {
    let get = r#"{"Effect":"Allow","Action":["s3:GetObject","s3:GetObjectTagging"],"Resource":"arn:aws:s3:::b/*"}"#;
    let list = r#"{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::b","Condition":{"StringLike":{"s3:prefix":["home/","home/*"]}}}"#;
    let deny = r#"{"Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}"#;
    let original = identity(&doc(&[get, list, deny].join(",")));
    let opts = Options::default();
    // Statements reordered.
    assert_equivalent(
        &original,
        &identity(&doc(&[deny, list, get].join(","))),
        &opts,
    );
    // A statement split in two (one action each).
    let split = [
        r#"{"Effect":"Allow","Action":"s3:GetObjectTagging","Resource":"arn:aws:s3:::b/*"}"#,
        r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}"#,
        list,
        deny,
    ];
    assert_equivalent(&original, &identity(&doc(&split.join(","))), &opts);
    // Duplicate entries: an action, a resource, a value, a whole statement.
    let duplicated = [
        r#"{"Effect":"Allow","Action":["s3:GetObject","s3:GetObjectTagging","s3:GetObject"],"Resource":["arn:aws:s3:::b/*","arn:aws:s3:::b/*"]}"#,
        r#"{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::b","Condition":{"StringLike":{"s3:prefix":["home/","home/*","home/"]}}}"#,
        deny,
        deny,
    ];
    assert_equivalent(&original, &identity(&doc(&duplicated.join(","))), &opts);
    // A list of condition values as one statement per value.
    let per_value = [
        get,
        r#"{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::b","Condition":{"StringLike":{"s3:prefix":"home/"}}}"#,
        r#"{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::b","Condition":{"StringLike":{"s3:prefix":"home/*"}}}"#,
        deny,
    ];
    assert_equivalent(&original, &identity(&doc(&per_value.join(","))), &opts);
    // The same policy split over two documents of the set.
    let two = set(&[
        (doc(get).as_str(), PolicyType::Identity),
        (doc(&[list, deny].join(",")).as_str(), PolicyType::Identity),
    ]);
    assert_equivalent(&original, &two, &opts);
    // A real change is still seen: the wildcard value dropped from the list.
    let narrower = [
        get,
        r#"{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::b","Condition":{"StringLike":{"s3:prefix":"home/"}}}"#,
        deny,
    ];
    let r = diff::diff(
        &identity(&doc(&narrower.join(","))),
        &original,
        &Options::default(),
    )
    .unwrap();
    assert!(r.new_access() && r.exact());
    let w = &r.added.regions[0].witnesses[0];
    let Some(Value::Single(prefix)) = w.context.get("s3:prefix") else {
        panic!("no prefix in {w:?}")
    };
    assert!(prefix.as_text().starts_with("home/") && prefix.as_text() != "home/");
}

#[test]
fn a_wildcard_and_the_catalog_actions_it_matches_are_equivalent_with_catalog_resources() {
    let catalog = iamc_catalog::Catalog::get().unwrap();
    let names: Vec<String> = catalog
        .service("ecs")
        .unwrap()
        .actions()
        .filter(|a| a.name().starts_with("Describe"))
        .map(|a| format!("\"ecs:{}\"", a.name()))
        .collect();
    assert!(names.len() > 5, "{names:?}");
    let wildcard = identity(&doc(
        r#"{"Effect":"Allow","Action":"ecs:Describe*","Resource":"*"}"#,
    ));
    let listed = identity(&doc(&format!(
        r#"{{"Effect":"Allow","Action":[{}],"Resource":"*"}}"#,
        names.join(",")
    )));
    let with_catalog = Options {
        catalog_resources: true,
        ..Options::default()
    };
    assert_equivalent(&wildcard, &listed, &with_catalog);
    // Without the catalog, the wildcard also grants actions AWS may add: new access.
    let r = diff::diff(&listed, &wildcard, &Options::default()).unwrap();
    assert!(r.new_access() && r.exact());
    let w = &r.added.regions[0].witnesses[0];
    assert!(w.action.to_ascii_lowercase().starts_with("ecs:describe"));
    assert!(
        !names.contains(&format!("\"{}\"", w.action)),
        "{}",
        w.action
    );
    // With it, each class of actions takes only the resources its actions take.
    let r = diff::diff(&identity(&doc("")), &listed, &with_catalog).unwrap();
    assert!(r.new_access());
    for region in &r.added.regions {
        assert!(region.catalog_only && !region.known_actions.is_empty());
    }
}
