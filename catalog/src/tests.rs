//! Known facts of the data, the lookups' case rules, the loader's errors, and properties tying
//! the automata answers to direct computations.

use proptest::prelude::*;

use crate::*;

fn cat() -> &'static Catalog {
    Catalog::get().unwrap()
}

fn names<'c>(types: impl IntoIterator<Item = ResourceType<'c>>) -> Vec<String> {
    types.into_iter().map(|t| t.to_string()).collect()
}

#[test]
fn the_embedded_data_loads_with_its_version_and_counts() {
    let c = cat();
    assert_eq!(c.version(), VERSION);
    assert_eq!(VERSION, "0.21.202609261");
    assert_eq!(c.regions_version(), REGIONS_VERSION);
    // The figures of ../shared/notes/analysis-anchors.md §3.
    assert_eq!(c.services().count(), 456);
    assert_eq!(c.actions().count(), 22_091);
    let types: usize = c.services().map(|s| s.resource_types().count()).sum();
    assert_eq!(types, 2_334);
    let formats: usize = c
        .services()
        .flat_map(|s| s.resource_types())
        .map(|t| t.formats().count())
        .sum();
    assert_eq!(formats, 2_347);
    // 2,578 per-service entries, 1,580 distinct names (`aws:` keys repeat across services).
    assert_eq!(c.condition_keys().count(), 1_580);
    assert_eq!(c.global_keys().count(), 59);
}

#[test]
fn ecs_stop_task() {
    let c = cat();
    let stop = c.action("ecs:StopTask").unwrap();
    assert_eq!(stop.to_string(), "ecs:StopTask");
    assert_eq!(stop.access_level().to_string(), "Write");
    let res: Vec<_> = stop.resource_types().collect();
    assert_eq!(res.len(), 1);
    assert_eq!(res[0].resource_type().name(), "task");
    assert!(res[0].required());
    assert_eq!(
        res[0].resource_type().formats().next().unwrap().text(),
        "arn:${Partition}:ecs:${Region}:${Account}:task/${ClusterName}/${TaskId}"
    );
    let own: Vec<&str> = stop.own_condition_keys().map(|k| k.name()).collect();
    assert_eq!(own, ["aws:ResourceTag/${TagKey}", "ecs:cluster"]);
    let usable: Vec<&str> = stop.condition_keys().iter().map(|k| k.name()).collect();
    assert_eq!(
        usable,
        [
            "aws:ResourceTag/${TagKey}",
            "ecs:cluster",
            "ecs:ResourceTag/${TagKey}"
        ]
    );
    assert_eq!(
        c.condition_key("ecs:cluster").unwrap().key_type(),
        KeyType::Arn
    );
    // Rule 2: the ECS tag key reaches StopTask only through `task`.
    assert!(stop.supports_condition_key("ECS:ResourceTag/Team"));
    assert!(stop.supports_condition_key("ecs:Cluster"));
    assert!(!stop.supports_condition_key("ecs:task-definition"));
    assert!(!stop.supports_condition_key("ecs:ResourceTag/"));
}

#[test]
fn case_rules_of_lookups() {
    let c = cat();
    assert_eq!(c.action("ECS:stoptask").unwrap().name(), "StopTask");
    assert_eq!(c.service("EcS").unwrap().prefix(), "ecs");
    assert!(c.action("ecs").is_none());
    assert!(c.action("ecs:StopTask:x").is_none());
    // Partitions and regions are ARN text: exact.
    assert!(c.partition("AWS").is_none());
    assert!(c.region_partition("US-EAST-1").is_none());
}

#[test]
fn actions_without_resource_types_and_with_several() {
    let c = cat();
    let list = c.action("ecs:ListClusters").unwrap();
    assert_eq!(list.resource_types().count(), 0);
    assert_eq!(list.access_level().primary(), Level::List);
    let get = c.action("s3:GetObject").unwrap();
    let types: Vec<&str> = get
        .resource_types()
        .map(|r| r.resource_type().name())
        .collect();
    assert!(types.contains(&"object"), "{types:?}");
    assert!(get.resource_types().all(|r| !r.required()));
}

#[test]
fn compound_access_levels() {
    let c = cat();
    let tag = c.action("ecs:TagResource").unwrap();
    assert_eq!(tag.access_level().to_string(), "Tagging, Write");
    let write = c.expand("ecs:*", Some(Level::Write)).unwrap();
    let tagging = c.expand("ecs:*", Some(Level::Tagging)).unwrap();
    assert!(write.contains(&tag) && tagging.contains(&tag));
    let tagging: Vec<String> = tagging.iter().map(|a| a.to_string()).collect();
    assert_eq!(tagging, ["ecs:TagResource", "ecs:UntagResource"]);
    assert!(write
        .iter()
        .all(|a| a.access_level().contains(Level::Write)));
}

#[test]
fn global_keys_with_types_and_multivaluedness() {
    let c = cat();
    let mfa = c.global_key("aws:MultiFactorAuthPresent").unwrap();
    assert_eq!(mfa.key_type(), KeyType::Bool);
    assert!(mfa.is_global() && !mfa.is_multivalued());
    let tags = c.global_key("aws:tagkeys").unwrap();
    assert_eq!(tags.name(), "aws:TagKeys");
    assert!(tags.is_multivalued());
    assert_eq!(c.key_type("aws:MultiFactorAuthAge"), Some(KeyType::Numeric));
    let tag = c.global_key("aws:PrincipalTag/Dept:cost-center").unwrap();
    assert_eq!(tag.name(), "aws:PrincipalTag/tag-key");
    assert!(tag.is_template());
    assert!(c.global_key("aws:PrincipalTag/").is_none());
    assert!(c.global_key("aws:MultiFactorAuthPresnt").is_none());
    // Session keys without the `aws:` prefix are global too.
    assert_eq!(
        c.global_key("ec2:SourceInstanceArn").unwrap().key_type(),
        KeyType::Arn
    );
}

#[test]
fn service_keys_and_their_three_template_spellings() {
    let c = cat();
    let k = c.condition_key("ecs:resourcetag/Team").unwrap();
    assert_eq!(k.name(), "ecs:ResourceTag/${TagKey}");
    let k = c
        .condition_key("secretsmanager:ResourceTag/aws:secretsmanager:owningService")
        .unwrap();
    assert_eq!(k.name(), "secretsmanager:ResourceTag/tag-key");
    let k = c
        .condition_key("s3:ExistingObjectTag/classification")
        .unwrap();
    assert_eq!(k.name(), "s3:ExistingObjectTag/<key>");
    assert!(c.condition_key("ecs:clustr").is_none());
    assert!(c.condition_key("ecs:ResourceTags/Dept").is_none());
    assert_eq!(c.key_type("s3:prefix"), Some(KeyType::String));
    // The one key two services type differently keeps its owner's type.
    assert_eq!(
        c.condition_key("identitystore:UserId").unwrap().key_type(),
        KeyType::String
    );
}

#[test]
fn claim_keys_and_key_prefixes() {
    let c = cat();
    assert!(Catalog::is_claim_key(
        "token.actions.githubusercontent.com:sub"
    ));
    assert!(Catalog::is_claim_key(
        "oidc.eks.us-east-1.amazonaws.com/id/X:aud"
    ));
    assert!(!Catalog::is_claim_key("aws:SourceIp"));
    assert!(!Catalog::is_claim_key("saml:aud"));
    // GitHub's `sub` is not listed (findings.md §3 rule 4): a claim of unknown type.
    assert!(c
        .key_type("token.actions.githubusercontent.com:sub")
        .is_none());
    assert_eq!(c.key_type("accounts.google.com:aud"), Some(KeyType::String));
    assert_eq!(
        c.key_type("agent.example.buildkite.dev:cluster_id"),
        Some(KeyType::String)
    );
    assert!(c.is_known_key_prefix("saml"));
    assert!(c.is_known_key_prefix("agent.acme.buildkite.dev"));
    assert!(c.is_known_key_prefix("ECS"));
    assert!(!c.is_known_key_prefix("ecss"));
}

#[test]
fn did_you_mean() {
    let c = cat();
    let ecs = c.service("ecs").unwrap();
    assert_eq!(ecs.suggest_action("StopTsk").unwrap().name(), "StopTask");
    assert_eq!(c.suggest_service("ecss").unwrap().prefix(), "ecs");
    assert_eq!(
        c.suggest_global_key("aws:MultiFactorAuthPresnt")
            .unwrap()
            .name(),
        "aws:MultiFactorAuthPresent"
    );
    assert_eq!(
        c.suggest_condition_key("ecs:clustr").unwrap().name(),
        "ecs:cluster"
    );
    let s3 = c.service("s3").unwrap();
    assert_eq!(s3.suggest_action("GetObjet").unwrap().name(), "GetObject");
    assert!(ecs.suggest_action("Frobnicate").is_none());
}

#[test]
fn expand_follows_the_engines_glob() {
    let c = cat();
    let describe = c.expand("ecs:Describe*", None).unwrap();
    let direct: Vec<_> = c
        .service("ecs")
        .unwrap()
        .actions()
        .filter(|a| a.name().to_ascii_lowercase().starts_with("describe"))
        .collect();
    assert_eq!(describe, direct);
    assert_eq!(describe.len(), 14);
    assert_eq!(
        c.expand("ECS:stoptas?", None).unwrap(),
        [c.action("ecs:StopTask").unwrap()]
    );
    assert_eq!(c.expand("ecs:StopTask?", None).unwrap(), []);
    assert_eq!(c.expand("*", None).unwrap().len(), 22_091);
    assert_eq!(
        c.expand("ecs:*", None).unwrap().len(),
        c.service("ecs").unwrap().actions().count()
    );
    assert_eq!(c.expand("ecs:Frobnicate*", None).unwrap(), []);
}

#[test]
fn expand_errors() {
    let c = cat();
    let e = c.expand("ecs", None).unwrap_err();
    assert_eq!(
        e.to_string(),
        "action `ecs` has no service prefix (`service:action`)"
    );
    let e = c.expand("ec*:Describe*", None).unwrap_err();
    assert_eq!(
        e.to_string(),
        "wildcards are not allowed in the service prefix `ec*`"
    );
    let e = c.expand("ecss:Describe*", None).unwrap_err();
    assert!(e.is_unknown_service());
    assert_eq!(e.to_string(), "unknown service `ecss`");
    assert_eq!(e.suggestion(), Some("ecs"));
}

#[test]
fn arn_patterns_denote_resource_types() {
    let c = cat();
    assert_eq!(
        names(
            c.resource_types_for_arn("arn:aws:ecs:*:*:task-definition/web:*")
                .unwrap()
        ),
        ["ecs/task-definition"]
    );
    assert_eq!(
        names(
            c.resource_types_for_arn("arn:aws:ecs:us-east-1:111122223333:task/prod/abc")
                .unwrap()
        ),
        ["ecs/task", "ssm/task"]
    );
    // Every type with an ECS ARN format, whichever service page lists it.
    let mut all_ecs: Vec<String> = c
        .services()
        .flat_map(|s| s.resource_types())
        .filter(|t| t.formats().any(|f| f.service_field() == "ecs"))
        .map(|t| t.to_string())
        .collect();
    all_ecs.sort();
    let mut got = names(c.resource_types_for_arn("arn:aws:ecs:*:*:*").unwrap());
    got.sort();
    assert_eq!(got, all_ecs);
    assert!(got.len() > 10);
    // A short ARN is padded (identity-policy reading), so it is the same.
    let mut short = names(c.resource_types_for_arn("arn:aws:ecs").unwrap());
    short.sort();
    assert_eq!(short, all_ecs);
    // By the ARN's service field: `sts` lists IAM roles.
    let roles = names(
        c.resource_types_for_arn("arn:aws:iam::111122223333:role/x")
            .unwrap(),
    );
    assert!(roles.contains(&"iam/role".to_string()), "{roles:?}");
    assert!(roles.contains(&"sts/role".to_string()), "{roles:?}");
    // Nothing of an unknown service or a wrong resource part.
    assert_eq!(c.resource_types_for_arn("arn:aws:ecss:*:*:*").unwrap(), []);
    assert_eq!(
        c.resource_types_for_arn("arn:aws:ecs:*:*:clusters/prod")
            .unwrap(),
        []
    );
    // Wildcards before the service field go through the service index.
    let any_partition = names(
        c.resource_types_for_arn("arn:*:ecs:*:*:task-definition/web:1")
            .unwrap(),
    );
    assert_eq!(any_partition, ["ecs/task-definition"]);
    let star = c
        .resource_types_for_arn("arn:aws:*:*:*:task-definition/*")
        .unwrap();
    let star = names(star);
    assert!(
        star.contains(&"ecs/task-definition".to_string()),
        "{star:?}"
    );
}

#[test]
fn the_seed_example_stop_task_on_a_task_definition() {
    let c = cat();
    let stop = c.action("ecs:StopTask").unwrap();
    assert_eq!(
        stop.resource_types_for_arn("arn:aws:ecs:us-east-1:111122223333:task-definition/web:*")
            .unwrap()
            .len(),
        0
    );
    let task = stop
        .resource_types_for_arn("arn:aws:ecs:*:*:task/*")
        .unwrap();
    assert_eq!(task.len(), 1);
    assert_eq!(task[0].resource_type().name(), "task");
    assert_eq!(stop.resource_types_for_arn("*").unwrap().len(), 1);
    // Actions that only take `*` denote nothing by an ARN.
    let list = c.action("ecs:ListClusters").unwrap();
    assert_eq!(
        list.resource_types_for_arn("arn:aws:ecs:*:*:*")
            .unwrap()
            .len(),
        0
    );
    // The S3 mix-up: ListBucket takes buckets, not objects.
    let list_bucket = c.action("s3:ListBucket").unwrap();
    assert_eq!(
        list_bucket
            .resource_types_for_arn("arn:aws:s3:::b/*")
            .unwrap()
            .len(),
        0
    );
    assert_eq!(
        list_bucket
            .resource_types_for_arn("arn:aws:s3:::b")
            .unwrap()
            .len(),
        1
    );
    let get = c.action("s3:GetObject").unwrap();
    assert_eq!(
        get.resource_types_for_arn("arn:aws:s3:::b").unwrap().len(),
        0
    );
    let objects = get.resource_types_for_arn("arn:aws:s3:::b/*").unwrap();
    assert!(objects.iter().any(|r| r.resource_type().name() == "object"));
}

#[test]
fn policy_variables_are_wildcards() {
    use iamc_grammar::ast::{Segment, Template};
    let c = cat();
    let t = Template {
        segments: vec![
            Segment::Text("arn:aws:s3:::home/".into()),
            Segment::Variable {
                key: "aws:username".into(),
                default: None,
            },
            Segment::Text("/*".into()),
        ],
    };
    assert_eq!(names(c.resource_types_for(&t).unwrap()), ["s3/object"]);
}

#[test]
fn partitions_and_regions() {
    let c = cat();
    let ids: Vec<&str> = c.partitions().map(|p| p.id()).collect();
    assert_eq!(
        ids,
        [
            "aws",
            "aws-cn",
            "aws-eusc",
            "aws-iso",
            "aws-iso-b",
            "aws-iso-e",
            "aws-iso-f",
            "aws-us-gov"
        ]
    );
    assert_eq!(c.region_partition("us-east-1").unwrap().id(), "aws");
    assert_eq!(
        c.region_partition("us-gov-west-1").unwrap().id(),
        "aws-us-gov"
    );
    assert_eq!(c.region_partition("cn-north-1").unwrap().id(), "aws-cn");
    assert!(c.region_partition("aws-global").is_none());
    assert!(c.region_partition("us-eest-1").is_none());
    assert!(c.partition("aws").unwrap().regions().contains(&"eu-west-1"));
}

#[test]
fn rcp_services() {
    let c = cat();
    assert!(c.supports_rcp("s3"));
    assert!(c.service("S3").unwrap().supports_rcp());
    assert!(!c.supports_rcp("ec2"));
    assert!(c.rcp_services().count() > 20);
}

#[test]
fn loader_errors_name_the_line() {
    let err = |text: &'static str| Catalog::parse(text).unwrap_err().to_string();
    assert_eq!(
        err("iamc-catalog 2\n"),
        "service catalog data, line 1: expected `iamc-catalog 1`"
    );
    assert_eq!(
        err("iamc-catalog 1\nsource\tiam-data\t1\nsource\tbotocore\t1\nbogus\tx\n"),
        "service catalog data, line 4: unknown record `bogus`"
    );
    assert_eq!(
        err("iamc-catalog 1\nsource\tiam-data\t1\nsource\tbotocore\t1\nkey\tecs:a\tString\nservice\tecs\tECS\nactions\tecs\t14\naction\tX\tW\t1\t\n"),
        "service catalog data, line 7: key id 1 out of range"
    );
    assert_eq!(
        err("iamc-catalog 1\nsource\tiam-data\t1\nsource\tbotocore\t1\nservice\tecs\tECS\nactions\tecs\t23\n# comment\naction\tX\tQ\t\t\n"),
        "service catalog data, line 7: bad access level `Q`"
    );
    assert_eq!(
        err("iamc-catalog 1\nsource\tiam-data\t1\nsource\tbotocore\t1\nservice\tecs\tECS\nactions\tecs\t14\naction\tX\tW\t\t0\n"),
        "service catalog data, line 6: resource type 0 out of range"
    );
    assert_eq!(
        err("iamc-catalog 1\nsource\tiam-data\t1\nsource\tbotocore\t1\nservice\tecs\tECS\nactions\tecs\t12\naction\tX\tW\t\n"),
        "service catalog data, line 6: expected an `action` line of 5 fields, found `action` with 4"
    );
    assert_eq!(
        err("iamc-catalog 1\nsource\tiam-data\t1\nsource\tbotocore\t1\nservice\tecs\tECS\ntype\tt\t\tarn:x\n"),
        "service catalog data, line 5: bad ARN format `arn:x`"
    );
    assert_eq!(
        err("iamc-catalog 1\nsource\tiam-data\t1\nsource\tbotocore\t1\nservice\ts3\tS3\nservice\tecs\tECS\nactions\ts3\t0\nactions\tecs\t0\n"),
        "service catalog data: services out of order"
    );
    assert_eq!(
        err("iamc-catalog 1\nsource\tiam-data\t1\nsource\tbotocore\t1\nservice\tecs\tECS\nactions\tecs\t26\naction\tb\tW\t\t\naction\tA\tW\t\t\n"),
        "service catalog data: actions of `ecs` out of order"
    );
    assert_eq!(
        err("iamc-catalog 1\nsource\tiam-data\t1\nsource\tbotocore\t1\nservice\tecs\tECS\nactions\ts3\t0\n"),
        "service catalog data, line 5: actions of `s3` where those of `ecs` belong"
    );
    assert_eq!(
        err("iamc-catalog 1\nsource\tiam-data\t1\nsource\tbotocore\t1\nservice\tecs\tECS\n"),
        "service catalog data: a service without its actions"
    );
    assert_eq!(
        err("iamc-catalog 1\nsource\tiam-data\t1\nservice\tecs\tECS\nactions\tecs\t0\n"),
        "service catalog data: no botocore source"
    );
    assert_eq!(
        err("iamc-catalog 1\nsource\tiam-data\t1\nsource\tbotocore\t1\nservice\tecs\tECS\nactions\tecs\t9\naction\tA\tTW\t\t\n"),
        "service catalog data, line 5: actions of `ecs` are not 9 bytes long"
    );
    assert_eq!(
        err("iamc-catalog 1\nsource\tiam-data\t1\nsource\tbotocore\t1\nservice\tecs\tECS\nactions\tecs\n"),
        "service catalog data, line 5: expected `actions`, found `actions\tecs`"
    );
    let good = "iamc-catalog 1\nsource\tiam-data\t1\nsource\tbotocore\t1\nservice\tecs\tECS\nactions\tecs\t14\naction\tA\tTW\t\t\n";
    let c = Catalog::parse(good).unwrap();
    assert_eq!(c.version(), "1");
    assert_eq!(
        c.action("ecs:a").unwrap().access_level().to_string(),
        "Tagging, Write"
    );
}

#[test]
fn action_blocks_load_on_demand_and_agree_with_the_eager_load() {
    // `get` reads a service's block on first use; `parse` reads them all. Same answers.
    let lazy = cat();
    let eager = Catalog::parse(crate::catalog::TEXT).unwrap();
    let a: Vec<String> = lazy
        .actions()
        .map(|a| format!("{a} {}", a.access_level()))
        .collect();
    let b: Vec<String> = eager
        .actions()
        .map(|a| format!("{a} {}", a.access_level()))
        .collect();
    assert_eq!(a, b);
}

/// A reference glob matcher over characters, ASCII case ignored (DESIGN.md "Actions").
fn glob_ci(glob: &[char], s: &[char]) -> bool {
    match glob.split_first() {
        None => s.is_empty(),
        Some(('*', rest)) => (0..=s.len()).any(|i| glob_ci(rest, &s[i..])),
        Some(('?', rest)) => !s.is_empty() && glob_ci(rest, &s[1..]),
        Some((c, rest)) => {
            s.first().is_some_and(|x| x.eq_ignore_ascii_case(c)) && glob_ci(rest, &s[1..])
        }
    }
}

fn action_glob() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        3 => proptest::sample::select(vec!["Describe", "describe", "Task", "List", "Stop", "s", "e", "T", "Cluster", "é"]).prop_map(str::to_string),
        2 => Just("*".to_string()),
        1 => Just("?".to_string()),
    ];
    proptest::collection::vec(piece, 0..5).prop_map(|v| v.concat())
}

/// An instance of an ARN format: each placeholder or `*` replaced by `fill` without the
/// characters `arn.rs`'s rule keeps out of it there. `continued`: another format of the group
/// is this one followed by `/`.
fn instantiate(format: &str, fill: &str, continued: bool) -> String {
    let mut out = String::new();
    let mut rest = format;
    while let Some(at) = rest.find(['$', '*']) {
        out.push_str(&rest[..at]);
        let after = if rest[at..].starts_with("${") {
            let close = rest[at..].find('}').map_or(rest.len(), |c| at + c + 1);
            &rest[close..]
        } else {
            &rest[at + 1..]
        };
        let colons = out.matches(':').count();
        let keep = |c: char| {
            if colons < 5 {
                c != ':'
            } else if after.is_empty() {
                !(continued && c == '/')
            } else {
                !after.starts_with(c) || !matches!(c, '/' | ':')
            }
        };
        let text: String = fill.chars().filter(|&c| keep(c)).collect();
        out.push_str(if text.is_empty() { "x" } else { &text });
        rest = after;
    }
    out.push_str(rest);
    out
}

proptest! {
    #[test]
    fn expansion_agrees_with_a_reference_glob(glob in action_glob(), service in proptest::sample::select(vec!["ecs", "s3", "iam"])) {
        let c = cat();
        let got = c.expand(&format!("{service}:{glob}"), None).unwrap();
        let g: Vec<char> = glob.chars().collect();
        let want: Vec<_> = c.service(service).unwrap().actions()
            .filter(|a| glob_ci(&g, &a.name().chars().collect::<Vec<_>>()))
            .collect();
        prop_assert_eq!(got, want);
    }

    #[test]
    fn every_format_instance_denotes_its_type(index in 0usize..2_347, fill in "[a-zA-Z0-9/:._-]{1,12}") {
        let c = cat();
        let format = c.services().flat_map(|s| s.resource_types()).flat_map(|t| t.formats()).nth(index).unwrap();
        let continued = c.services().flat_map(|s| s.resource_types()).flat_map(|t| t.formats())
            .any(|g| g.service_field() == format.service_field()
                && g.text().strip_prefix(format.text()).is_some_and(|r| r.starts_with('/')));
        let arn = instantiate(format.text(), &fill, continued);
        let ty = format.resource_type();
        if format.service_field().contains('$') {
            // `${Vendor}` formats are only asked about through an action's own types.
            let action = ty.service().actions().find(|a| a.resource_types().any(|r| r.resource_type() == ty));
            if let Some(action) = action {
                let got = action.resource_types_for_arn(&arn).unwrap();
                prop_assert!(got.iter().any(|r| r.resource_type() == ty), "{} from {}", arn, format.text());
            }
        } else {
            let got = c.resource_types_for_arn(&arn).unwrap();
            prop_assert!(got.contains(&ty), "{} from {}: {:?}", arn, format.text(), got);
        }
    }
}

/// The placeholder rule of `arn.rs`, held against the real corpus: the module docs' claims.
mod calibration {
    use super::*;
    use crate::arn::PlaceholderRule;
    use iamc_grammar::ast;
    use std::collections::BTreeSet;

    pub(super) fn corpus() -> Vec<ast::Policy> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/data/policies");
        let mut out = Vec::new();
        for dir in ["aws-managed", "aws-managed-deprecated", "ecs"] {
            let mut paths: Vec<_> = std::fs::read_dir(root.join(dir))
                .unwrap()
                .map(|e| e.unwrap().path())
                .filter(|p| p.extension().is_some_and(|e| e == "json"))
                .collect();
            paths.sort();
            for p in paths {
                let text = std::fs::read_to_string(&p).unwrap();
                let src = iamc_grammar::SourceFile::new(p.display().to_string(), text);
                if let Ok(parsed) = iamc_grammar::parse_policy(&src, ast::PolicyType::Identity) {
                    out.push(parsed.policy);
                }
            }
        }
        assert!(out.len() > 1_400, "{}", out.len());
        out
    }

    /// Per ARN pattern, the resource types it denotes; per (literal action, statement
    /// resources) whose resources denote none of the action's types.
    type Answers = (Vec<(String, Vec<String>)>, BTreeSet<(String, String)>);

    fn run(rule: PlaceholderRule, policies: &[ast::Policy]) -> Answers {
        let mut c = Catalog::parse(crate::catalog::TEXT).unwrap();
        c.placeholder_rule = rule;
        let mut types = std::collections::BTreeMap::new();
        let mut cache = std::collections::HashMap::new();
        let mut mismatch = BTreeSet::new();
        for p in policies {
            for st in &p.statements {
                let Some(res) = &st.resource else { continue };
                if res.negated || st.action.negated {
                    continue;
                }
                let mut formats = Vec::new();
                let mut raws = Vec::new();
                for r in &res.patterns {
                    let ast::ResourcePattern::Arn { raw, template } = &r.node else {
                        continue;
                    };
                    let f = cache
                        .entry(raw.clone())
                        .or_insert_with(|| c.arn_formats_for(template).unwrap());
                    types.entry(raw.clone()).or_insert_with(|| {
                        f.iter()
                            .filter(|f| !f.has_service_placeholder())
                            .map(|f| f.resource_type().to_string())
                            .collect::<Vec<_>>()
                    });
                    formats.extend(f.iter().copied());
                    raws.push(raw.as_str());
                }
                if raws.len() != res.patterns.len() {
                    continue; // `*` is among them
                }
                for a in &st.action.patterns {
                    let ast::ActionPattern::Service { service, name } = &a.node else {
                        continue;
                    };
                    let Some(action) = c.action(&format!("{service}:{name}")) else {
                        continue;
                    };
                    if name.contains(['*', '?']) || action.resource_types().next().is_none() {
                        continue;
                    }
                    if action.resource_types_among(&formats).is_empty() {
                        mismatch.insert((action.to_string(), raws.join(" ")));
                    }
                }
            }
        }
        (types.into_iter().collect(), mismatch)
    }

    #[test]
    fn the_separator_rule_against_any_character() {
        let policies = corpus();
        let (loose_types, loose) = run(PlaceholderRule::Permissive, &policies);
        let (types, strict) = run(PlaceholderRule::Separators, &policies);
        assert!(types.len() > 2_000, "{}", types.len());
        // The rule narrows what many patterns denote (that is its point: 223 of them, mostly
        // API Gateway paths), but it never takes a pattern's last type away.
        let none = |t: &[(String, Vec<String>)]| -> Vec<String> {
            t.iter()
                .filter(|(_, v)| v.is_empty())
                .map(|(r, _)| r.clone())
                .collect()
        };
        assert_eq!(none(&types), none(&loose_types));
        assert!(types
            .iter()
            .zip(&loose_types)
            .all(|((_, t), (_, l))| t.iter().all(|x| l.contains(x))));
        let narrowed = types
            .iter()
            .zip(&loose_types)
            .filter(|(a, b)| a != b)
            .count();
        assert_eq!(narrowed, 223);
        let extra: Vec<String> = strict
            .difference(&loose)
            .map(|(a, r)| format!("{a} {r}"))
            .collect();
        assert_eq!(
            extra,
            [
                "profile:GetUploadJob arn:aws:profile:*:*:domains/amazon-connect-*/upload-jobs/*",
                "profile:GetUploadJobPath arn:aws:profile:*:*:domains/amazon-connect-*/upload-jobs/*",
                "profile:StartUploadJob arn:aws:profile:*:*:domains/amazon-connect-*/upload-jobs/*",
                "profile:StopUploadJob arn:aws:profile:*:*:domains/amazon-connect-*/upload-jobs/*",
                "s3:ListBucket arn:aws:s3:::*/CodeDeploy/*",
            ]
        );
        assert!(loose.is_subset(&strict));
        // The seed's example is among the corpus's own mismatches.
        assert!(
            strict.contains(&(
                "ecs:StopTask".to_string(),
                "arn:aws:ecs:*:*:task-definition/*".to_string()
            )),
            "{strict:?}"
        );
    }
}

/// The element reading of `arn/meet.rs` against the automata it stands in for: the same
/// formats for every resource entry of the corpus (as written, and as `iamc check` asks about
/// it: partition `aws`, region and account `*`; for one entry in eight also the resource part
/// behind a crossing `*`), and for generated patterns.
mod meeting {
    use super::*;
    use crate::arn::Meeting;
    use iamc_grammar::ast;

    fn template(text: &str) -> ast::Template {
        ast::Template {
            segments: vec![ast::Segment::Text(text.to_string())],
        }
    }

    /// The formats `pattern` meets read both ways; `None` when an automaton hit its limit.
    fn both(pattern: &ast::Template) -> Option<(Vec<ArnFormat<'static>>, Vec<ArnFormat<'static>>)> {
        let c = cat();
        let automata = c.arn_formats_by(pattern, Meeting::Automata).ok()?;
        Some((
            c.arn_formats_by(pattern, Meeting::Elements).unwrap(),
            automata,
        ))
    }

    /// `text` with each `${...}` written `*`.
    fn variables_as_stars(text: &str) -> String {
        let mut out = String::new();
        let mut rest = text;
        while let Some(open) = rest.find("${") {
            out.push_str(&rest[..open]);
            out.push('*');
            rest = rest[open..].find('}').map_or("", |c| &rest[open + c + 1..]);
        }
        out.push_str(rest);
        out
    }

    #[test]
    fn the_corpus_entries_meet_the_same_formats() {
        let mut seen = std::collections::BTreeSet::new();
        let mut compared = 0;
        for p in super::calibration::corpus() {
            for st in &p.statements {
                let Some(res) = &st.resource else { continue };
                for r in &res.patterns {
                    let ast::ResourcePattern::Arn { raw, template: t } = &r.node else {
                        continue;
                    };
                    if !seen.insert(raw.clone()) {
                        continue;
                    }
                    let mut asked = vec![t.clone()];
                    let fields: Vec<&str> = raw.splitn(6, ':').collect();
                    if let [_, _, service, _, _, resource] = fields.as_slice() {
                        let resource = variables_as_stars(resource);
                        asked.push(template(&format!("arn:aws:{service}:*:*:{resource}")));
                        // Behind a crossing `*` the automata's products are large: one entry
                        // in eight keeps the test's time near the others'.
                        if seen.len() % 8 == 0 {
                            asked.push(template(&format!("arn:aws:{service}:*:*:*:{resource}")));
                        }
                    }
                    for t in &asked {
                        if let Some((elements, automata)) = both(t) {
                            assert_eq!(elements, automata, "{t:?}");
                            compared += 1;
                        }
                    }
                }
            }
        }
        assert!(compared > 4_500, "{compared}");
    }

    /// A resource pattern near a format: an instance of it with some characters replaced by
    /// wildcards, separators, a non-ASCII letter, a policy variable (`$`) or other text.
    fn near_format() -> impl Strategy<Value = ast::Template> {
        let edit = (
            any::<prop::sample::Index>(),
            proptest::sample::select(vec!["*", "?", ":", "/", "é", "x", "", "**", "*/*", "$"]),
        );
        (
            0usize..2_347,
            "[a-z0-9/:_-]{1,8}",
            proptest::collection::vec(edit, 0..4),
        )
            .prop_map(|(index, fill, edits)| {
                let format = cat()
                    .services()
                    .flat_map(|s| s.resource_types())
                    .flat_map(|t| t.formats())
                    .nth(index)
                    .unwrap();
                let mut chars: Vec<String> = instantiate(format.text(), &fill, false)
                    .chars()
                    .map(String::from)
                    .collect();
                for (at, with) in edits {
                    let i = at.index(chars.len());
                    chars[i] = with.to_string();
                }
                let mut segments = Vec::new();
                let mut text = String::new();
                for c in chars {
                    if c == "$" {
                        segments.push(ast::Segment::Text(std::mem::take(&mut text)));
                        segments.push(ast::Segment::Variable {
                            key: "aws:username".to_string(),
                            default: None,
                        });
                    } else {
                        text.push_str(&c);
                    }
                }
                segments.push(ast::Segment::Text(text));
                segments.retain(|s| !matches!(s, ast::Segment::Text(t) if t.is_empty()));
                ast::Template { segments }
            })
    }

    proptest! {
        #[test]
        fn generated_patterns_meet_the_same_formats(pattern in near_format()) {
            if let Some((elements, automata)) = both(&pattern) {
                prop_assert_eq!(elements, automata, "{:?}", pattern);
            }
        }
    }
}
