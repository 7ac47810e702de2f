//! The diff (`iamc_analysis::diff`, issue 13) against the engines, on generated typed sets
//! (the checks are the `diff` fuzz target's, `iamc_testkit::fuzz::diff`), and on the ECS
//! managed policy updates.
//!
//! For generated OLD and NEW sets (identity policies from `iamc_testkit::gen`, plus at times a
//! resource policy with a principal block, a permissions boundary or an SCP level) and
//! requests derived from both (with callers and resource accounts from a menu that meets the
//! principal blocks), all drawn from byte tapes proptest shrinks:
//! 1. **completeness**: every request the reference interpreter decides `Allow` under NEW and
//!    not under OLD lies in a reported region (and `new_access` is set);
//! 2. **precision**: a request inside a region found without approximation is such a request;
//! 3. **witnesses**: every witness of a certain region is decided `Allow` under NEW and not
//!    under OLD by the reference interpreter, the IR interpreter and the compiled engine;
//! 4. `diff A A` reports nothing, exactly; `--both`'s removed access is the diff reversed.
//!
//! The case count comes from `PROPTEST_CASES`; failures persist in
//! `tests/proptest-regressions/diff.txt`.

use iamc_analysis::diff::{self, Options};
use iamc_grammar::ast::PolicyType as K;
use iamc_grammar::PolicySet;
use iamc_testkit::data::parse_kind;
use iamc_testkit::fuzz::diff::{
    check_pair, draw_pair, same_set, settings, GenSet, ReferenceJudge, PAIR_TAPE, REQUEST_TAPE,
};
use iamc_testkit::strategy::tape;
use iamc_testkit::Tape;
use proptest::prelude::*;

proptest! {
    #![proptest_config(iamc_testkit::persisted_config!("diff"))]

    #[test]
    fn diff_is_complete_precise_and_witnessed(
        pair in tape(PAIR_TAPE),
        tapes in prop::collection::vec(tape(REQUEST_TAPE), 1..12),
    ) {
        let (old, new) = draw_pair(&pair, &settings());
        let tapes: Vec<&[u8]> = tapes.iter().map(Vec::as_slice).collect();
        check_pair(&old, &new, &tapes).map_err(TestCaseError::fail)?;
    }

    #[test]
    fn diff_of_a_set_with_itself_is_empty(bytes in tape(512)) {
        let set = GenSet::draw(&mut Tape::new(&bytes), &settings());
        same_set(&set).map_err(TestCaseError::fail)?;
    }
}

/// One ECS managed policy in its two real versions (`tests/data/policies/ecs`: the version of
/// the ECS documentation; `aws-managed`: the current one): the regions of what the update
/// granted.
/// A region as (action patterns, resource patterns, constrained keys).
type Shape = (Vec<String>, Vec<String>, Vec<String>);

fn ecs_update(name: &str) -> (diff::Report, Vec<Shape>) {
    let dir = iamc_testkit::data::policies_dir();
    let load = |sub: &str| {
        let path = dir.join(sub).join(format!("{name}.json"));
        let text = std::fs::read_to_string(&path).unwrap();
        let p = parse_kind(name, &text, K::Identity).unwrap();
        PolicySet::identity(vec![p])
    };
    let (old, new) = (load("ecs"), load("aws-managed"));
    let judge = ReferenceJudge::new(&old, &new);
    let report = diff::diff(
        &old,
        &new,
        &Options {
            removed: true,
            judges: vec![&judge],
            ..Options::default()
        },
    )
    .unwrap();
    let regions = report
        .added
        .regions
        .iter()
        .map(|r| {
            assert!(
                r.certain,
                "{name}: {}",
                diff::render::text(&report, &Default::default())
            );
            let names = |d: &[diff::Described]| {
                let mut v: Vec<String> = d.iter().flat_map(|x| x.matches.clone()).collect();
                v.sort();
                v.dedup();
                v
            };
            let keys = r.conditions.iter().map(|c| c.key.clone()).collect();
            (names(&r.actions), names(&r.resources), keys)
        })
        .collect();
    (report, regions)
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| (*s).to_owned()).collect()
}

/// What each update of the five ECS managed policies that exist in two versions granted (and
/// that the other two are unchanged); none took anything away.
#[test]
fn the_ecs_managed_policy_updates() {
    let (r, regions) = ecs_update("AmazonECS_FullAccess");
    assert!(r.exact());
    assert_eq!(
        regions,
        vec![(
            strings(&["iam:passrole"]),
            strings(&["arn:aws:iam::*:role/ecsInfrastructureRole"]),
            strings(&["iam:PassedToService"]),
        )]
    );
    let (r, regions) = ecs_update("AmazonEC2ContainerServiceforEC2Role");
    assert!(r.exact());
    assert_eq!(
        regions,
        vec![(
            strings(&["ecs:listtagsforresource"]),
            strings(&[
                "arn:aws:ecs:*:*:container-instance/*/*",
                "arn:aws:ecs:*:*:task/*/*",
            ]),
            Vec::new(),
        )]
    );
    // CreateVolume from any snapshot (the old grant on volumes needed two request tags; a
    // resource can match both patterns, `*` crossing `:`), and DescribeInstances.
    let (r, regions) = ecs_update("AmazonECSInfrastructureRolePolicyForVolumes");
    assert!(r.exact());
    let create: Vec<_> = regions
        .iter()
        .filter(|(a, _, _)| a == &strings(&["ec2:createvolume"]))
        .collect();
    assert!(
        !create.is_empty() && create.len() + 1 == regions.len(),
        "{regions:?}"
    );
    assert!(create
        .iter()
        .all(|(_, res, _)| res.contains(&"arn:aws:ec2:*:*:snapshot/*".to_owned())));
    assert!(regions.contains(&(strings(&["ec2:describeinstances"]), Vec::new(), Vec::new())));
    // AssociateTrunkInterface; OpenDataChannel on sessions of the caller's account (the
    // comparison with a variable is an atom: certain, not exact); UpdateServiceAttributes on
    // resources tagged AmazonECSManaged.
    let (r, regions) = ecs_update("AmazonECSServiceRolePolicy");
    assert!(!r.exact() && r.added.complete);
    assert_eq!(
        regions,
        vec![
            (
                strings(&[
                    "ec2:associatetrunkinterface",
                    "ec2:disassociatetrunkinterface"
                ]),
                Vec::new(),
                Vec::new()
            ),
            (
                strings(&["ssmmessages:opendatachannel"]),
                strings(&["arn:aws:ssm:*:*:session/*"]),
                strings(&["aws:PrincipalAccount StringEquals ${aws:ResourceAccount}"]),
            ),
            (
                strings(&["servicediscovery:updateserviceattributes"]),
                Vec::new(),
                strings(&["aws:ResourceTag/AmazonECSManaged"]),
            ),
        ]
    );
    // DescribeSecret no longer needs the owningService tag (still in the caller's account).
    let (r, regions) =
        ecs_update("AmazonECSInfrastructureRolePolicyForServiceConnectTransportLayerSecurity");
    assert!(r.added.complete);
    assert_eq!(
        regions,
        vec![(
            strings(&["secretsmanager:describesecret"]),
            strings(&["arn:aws:secretsmanager:*:*:secret:ecs-sc!*"]),
            strings(&[
                "secretsmanager:ResourceTag/aws:secretsmanager:owningService",
                "aws:ResourceAccount StringEquals ${aws:PrincipalAccount}",
            ]),
        )]
    );
    for name in [
        "AmazonEC2ContainerServiceEventsRole",
        "AmazonECSTaskExecutionRolePolicy",
    ] {
        let (r, regions) = ecs_update(name);
        assert!(regions.is_empty() && !r.new_access() && r.exact(), "{name}");
    }
    for name in [
        "AmazonECS_FullAccess",
        "AmazonEC2ContainerServiceforEC2Role",
        "AmazonECSInfrastructureRolePolicyForVolumes",
        "AmazonECSServiceRolePolicy",
        "AmazonECSInfrastructureRolePolicyForServiceConnectTransportLayerSecurity",
    ] {
        let (r, _) = ecs_update(name);
        assert!(!r.removed.unwrap().any, "{name}");
    }
}
