//! The diff (`iamc_analysis::diff`, issue 13) against the engines, on generated typed sets.
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

use iamc::reference;
use iamc_analysis::diff::{self, Judge, Options, Side};
use iamc_grammar::ast::PolicyType as K;
use iamc_grammar::PolicySet;
use iamc_runtime::{Decision, Request};
use iamc_testkit::data::parse_kind;
use iamc_testkit::gen::{self, derive_request, render_policy, GenPolicy, Settings};
use iamc_testkit::json::request_json;
use iamc_testkit::strategy::tape;
use iamc_testkit::Tape;
use proptest::prelude::*;

/// The reference interpreter as a judge of both sides.
pub struct ReferenceJudge {
    pub old: reference::PolicySet,
    pub new: reference::PolicySet,
}

impl ReferenceJudge {
    pub fn new(old: &PolicySet, new: &PolicySet) -> ReferenceJudge {
        ReferenceJudge {
            old: reference::PolicySet::from_set(old.clone()),
            new: reference::PolicySet::from_set(new.clone()),
        }
    }
}

impl Judge for ReferenceJudge {
    fn name(&self) -> &str {
        "reference"
    }

    fn decide(&self, side: Side, req: &Request) -> Decision {
        match side {
            Side::Old => self.old.authorize(req),
            Side::New => self.new.authorize(req),
        }
    }
}

/// Principal blocks resource policies get, and callers that meet them.
const PRINCIPALS: [&str; 7] = [
    r#""*""#,
    r#"{"AWS": "111122223333"}"#,
    r#"{"AWS": "arn:aws:iam::111122223333:role/dev"}"#,
    r#"{"AWS": "arn:aws:sts::111122223333:assumed-role/dev/s1"}"#,
    r#"{"Service": "ecs.amazonaws.com"}"#,
    r#"{"AWS": ["arn:aws:iam::444455556666:root", "arn:aws:iam::111122223333:user/alice"]}"#,
    r#"{"AWS": "*"}"#,
];
const CALLERS: [Option<&str>; 10] = [
    None,
    Some("*"),
    Some("ecs.amazonaws.com"),
    Some("arn:aws:iam::111122223333:user/alice"),
    Some("arn:aws:iam::111122223333:root"),
    Some("arn:aws:sts::111122223333:assumed-role/dev/s1"),
    Some("arn:aws:sts::111122223333:assumed-role/dev/s2"),
    Some("arn:aws:iam::444455556666:user/bob"),
    Some("arn:aws:sts::111122223333:federated-user/fred"),
    Some("arn:aws:iam::111122223333:role/dev"),
];
const ACCOUNTS: [Option<&str>; 3] = [None, Some("111122223333"), Some("444455556666")];

/// A generated typed set: identity policies, and at times a resource policy (principal block
/// `principal`, `not` for NotPrincipal with Deny), a boundary, an SCP level.
#[derive(Debug, Clone)]
struct GenSet {
    identity: Vec<GenPolicy>,
    resource: Option<(GenPolicy, usize)>,
    boundary: Option<GenPolicy>,
    scp: Option<GenPolicy>,
}

impl GenSet {
    fn texts(&self) -> Vec<(K, String)> {
        let mut out: Vec<(K, String)> = self
            .identity
            .iter()
            .map(|p| (K::Identity, render_policy(p)))
            .collect();
        if let Some((p, principal)) = &self.resource {
            let block = PRINCIPALS[*principal % PRINCIPALS.len()];
            let text = render_policy(p).replace(
                "\"Effect\": ",
                &format!("\"Principal\": {block}, \"Effect\": "),
            );
            out.push((K::Resource, text));
        }
        if let Some(p) = &self.boundary {
            out.push((K::Boundary, render_policy(p)));
        }
        if let Some(p) = &self.scp {
            out.push((K::Scp, render_policy(p)));
        }
        out
    }

    /// The parsed set, or `None` when a generated policy is not valid as its type (a resource
    /// policy's pattern rules differ from an identity policy's).
    fn parse(&self) -> Option<PolicySet> {
        let mut set = PolicySet::default();
        for (i, (kind, text)) in self.texts().into_iter().enumerate() {
            let p = parse_kind(&format!("p{i}.json"), &text, kind).ok()?;
            set.push(p, 0);
        }
        Some(set)
    }

    fn all(&self) -> Vec<GenPolicy> {
        let mut v = self.identity.clone();
        v.extend(self.resource.iter().map(|(p, _)| p.clone()));
        v.extend(self.boundary.iter().cloned());
        v.extend(self.scp.iter().cloned());
        v
    }
}

/// Sets of up to 2 identity policies (and at times a resource policy, a boundary and an SCP)
/// of up to 2 statements each: the analysis is exact, so its cost grows with every wildcard
/// and condition value of the sets (3 statements make the default run several times longer;
/// raise it here for a soak).
fn settings() -> Settings {
    Settings {
        max_policies: 2,
        max_statements: 2,
        max_requests: 12,
        ..Settings::default()
    }
}

impl GenSet {
    /// Identity policies, then a resource policy (30%), a boundary (15%), an SCP (15%).
    fn draw(t: &mut Tape<'_>, s: &Settings) -> GenSet {
        let one = Settings {
            max_policies: 1,
            ..*s
        };
        let identity = gen::policy::policy_set(t, s);
        let resource = t
            .chance(30)
            .then(|| (gen::policy::policy(t, &one), t.below(PRINCIPALS.len())));
        let boundary = t.chance(15).then(|| gen::policy::policy(t, &one));
        let scp = t.chance(15).then(|| gen::policy::policy(t, &one));
        GenSet {
            identity,
            resource,
            boundary,
            scp,
        }
    }
}

/// OLD and NEW: independent, or NEW as OLD with one identity policy replaced or added.
fn draw_pair(bytes: &[u8], s: &Settings) -> (GenSet, GenSet) {
    let t = &mut Tape::new(bytes);
    if t.coin() {
        return (GenSet::draw(t, s), GenSet::draw(t, s));
    }
    let old = GenSet::draw(t, s);
    let extra = gen::policy::policy(t, s);
    let mut new = old.clone();
    if t.coin() || new.identity.is_empty() {
        new.identity.push(extra);
    } else {
        new.identity[0] = extra;
    }
    (old, new)
}

fn requests(old: &GenSet, new: &GenSet, tapes: &[Vec<u8>], s: &Settings) -> Vec<Request> {
    let mut pool = old.all();
    pool.extend(new.all());
    tapes
        .iter()
        .map(|bytes| {
            let t = &mut Tape::new(bytes);
            let mut r = derive_request(&pool, t, s);
            r.principal = CALLERS[t.below(CALLERS.len())].map(str::to_owned);
            r.resource_account = ACCOUNTS[t.below(ACCOUNTS.len())].map(str::to_owned);
            r
        })
        .collect()
}

/// Both sets in every engine, built once per case.
struct Engines {
    reference: [reference::PolicySet; 2],
    ir: [iamc_compiler::ir::PolicySet; 2],
    compiled: [iamc_runtime::Artifact; 2],
}

impl Engines {
    fn new(old: &PolicySet, new: &PolicySet) -> Engines {
        let compile = |s: &PolicySet| {
            iamc_compiler::compile_set_artifact(s, &iamc_compiler::Config::default())
                .unwrap()
                .0
        };
        let lower = |s: &PolicySet| iamc_compiler::lower::lower(s).unwrap();
        Engines {
            reference: [
                reference::PolicySet::from_set(old.clone()),
                reference::PolicySet::from_set(new.clone()),
            ],
            ir: [lower(old), lower(new)],
            compiled: [compile(old), compile(new)],
        }
    }

    /// Every engine decides `w` `Allow` under side `target` (0 OLD, 1 NEW) and not under the
    /// other.
    fn agree(&self, target: usize, w: &Request) -> Result<(), String> {
        let base = 1 - target;
        let decide = |i: usize| {
            [
                ("reference", self.reference[i].authorize(w)),
                ("ir", iamc_compiler::ir::interp::authorize(&self.ir[i], w)),
                ("compiled", self.compiled[i].authorize(w)),
            ]
        };
        for ((name, t), (_, b)) in decide(target).into_iter().zip(decide(base)) {
            if t != Decision::Allow || b == Decision::Allow {
                return Err(format!(
                    "{name}: allowing side {t:?}, other side {b:?} on {}",
                    request_json(w)
                ));
            }
        }
        Ok(())
    }
}

fn check_pair(old_g: &GenSet, new_g: &GenSet, tapes: &[Vec<u8>]) -> Result<(), TestCaseError> {
    let s = settings();
    let (Some(old), Some(new)) = (old_g.parse(), new_g.parse()) else {
        // A generated identity statement not valid in a resource policy: nothing to test.
        return Ok(());
    };
    let show = || {
        let mut t = String::from("OLD:\n");
        for (k, p) in old_g.texts() {
            t.push_str(&format!("  {k:?}: {p}\n"));
        }
        t.push_str("NEW:\n");
        for (k, p) in new_g.texts() {
            t.push_str(&format!("  {k:?}: {p}\n"));
        }
        t
    };
    let judge = ReferenceJudge::new(&old, &new);
    let opts = Options {
        removed: true,
        judges: vec![&judge],
        ..Options::default()
    };
    let report = diff::diff(&old, &new, &opts)
        .map_err(|e| TestCaseError::fail(format!("diff failed: {e}\n{}", show())))?;
    let engines = Engines::new(&old, &new);
    let removed = report.removed.as_ref().unwrap();
    for (dir, access, base, target) in [
        ("added", &report.added, &judge.old, &judge.new),
        ("removed", removed, &judge.new, &judge.old),
    ] {
        for req in requests(old_g, new_g, tapes, &s) {
            let t = target.authorize(&req);
            let b = base.authorize(&req);
            let inside: Vec<usize> = access
                .regions
                .iter()
                .enumerate()
                .filter(|(_, r)| r.contains(&req))
                .map(|(i, _)| i)
                .collect();
            if t == Decision::Allow && b != Decision::Allow {
                // In a region, unless a budget stopped the listing (then "may allow" covers it).
                prop_assert!(
                    access.any && (!inside.is_empty() || !access.complete),
                    "{dir}: {} is allowed by one side only ({t:?} vs {b:?}) but in no region\n{}\n{}",
                    request_json(&req),
                    show(),
                    diff::render::text(&report, &Default::default())
                );
            }
            for i in inside {
                let r = &access.regions[i];
                if r.exact() {
                    prop_assert!(
                        t == Decision::Allow && b != Decision::Allow,
                        "{dir}: region {} claims {} exactly, but the reference says {t:?} vs {b:?}\n{}\n{}",
                        i + 1,
                        request_json(&req),
                        show(),
                        diff::render::text(&report, &Default::default())
                    );
                }
            }
        }
        for r in &access.regions {
            if !r.certain {
                continue;
            }
            for w in &r.witnesses {
                prop_assert!(
                    r.contains(w),
                    "{dir}: witness outside its region: {}\n{}\n{}",
                    request_json(w),
                    show(),
                    diff::render::text(&report, &Default::default())
                );
                if let Err(e) = engines.agree(usize::from(dir == "added"), w) {
                    return Err(TestCaseError::fail(format!(
                        "{dir}: witness not confirmed: {e}\n{}",
                        show()
                    )));
                }
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(iamc_testkit::persisted_config!("diff"))]

    #[test]
    fn diff_is_complete_precise_and_witnessed(
        pair in tape(1024),
        tapes in prop::collection::vec(tape(96), 1..12),
    ) {
        let (old, new) = draw_pair(&pair, &settings());
        check_pair(&old, &new, &tapes)?;
    }

    #[test]
    fn diff_of_a_set_with_itself_is_empty(bytes in tape(512)) {
        let set = GenSet::draw(&mut Tape::new(&bytes), &settings());
        let Some(parsed) = set.parse() else { return Ok(()); };
        let r = diff::diff(&parsed, &parsed, &Options { removed: true, ..Options::default() }).unwrap();
        prop_assert!(!r.new_access() && r.exact(), "{}", diff::render::text(&r, &Default::default()));
        prop_assert!(!r.removed.unwrap().any);
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
