//! `diff`: the diff (`iamc_analysis::diff`, issue 13) against the engines, on generated typed
//! sets. One body for the property test (`tests/diff.rs`, bytes proptest draws and shrinks) and
//! the fuzz target (libFuzzer's bytes, split by [`diff()`]).
//!
//! For generated OLD and NEW sets (identity policies from [`crate::gen`], plus at times a
//! resource policy with a principal block, a permissions boundary or an SCP level) and requests
//! derived from both (with callers and resource accounts from a menu that meets the principal
//! blocks), [`check_pair`] holds:
//! 1. **completeness**: every request the reference interpreter decides `Allow` under NEW and
//!    not under OLD lies in a reported region (and `any` is set), unless a budget stopped the
//!    listing (then "may allow" covers it);
//! 2. **precision**: a request inside a region found without approximation is such a request;
//! 3. **witnesses**: every witness of a certain region lies in its region and is decided
//!    `Allow` under NEW and not under OLD by the reference interpreter, the IR interpreter and
//!    the compiled engine;
//! 4. the same for the access NEW removes (`--both`), the diff reversed.
//!
//! [`same_set`] holds the fifth: `diff A A` reports nothing, exactly.

use iamc::reference;
use iamc_analysis::diff::{self, Judge, Options, Side};
use iamc_grammar::ast::PolicyType as K;
use iamc_grammar::PolicySet;
use iamc_runtime::{Decision, Request};

use crate::data::parse_kind;
use crate::gen::{self, derive_request, render_policy, GenPolicy, Settings};
use crate::json::request_json;
use crate::Tape;

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

/// A generated typed set: identity policies, and at times a resource policy (with the principal
/// block of the fixed list of principals its index picks), a boundary, an SCP level.
#[derive(Debug, Clone)]
pub struct GenSet {
    pub identity: Vec<GenPolicy>,
    pub resource: Option<(GenPolicy, usize)>,
    pub boundary: Option<GenPolicy>,
    pub scp: Option<GenPolicy>,
}

impl GenSet {
    /// Identity policies, then a resource policy (30%), a boundary (15%), an SCP (15%).
    pub fn draw(t: &mut Tape<'_>, s: &Settings) -> GenSet {
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

    /// The policy texts, each with its type.
    pub fn texts(&self) -> Vec<(K, String)> {
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
    pub fn parse(&self) -> Option<PolicySet> {
        let mut set = PolicySet::default();
        for (i, (kind, text)) in self.texts().into_iter().enumerate() {
            let p = parse_kind(&format!("p{i}.json"), &text, kind).ok()?;
            set.push(p, 0);
        }
        Some(set)
    }

    /// Every policy of the set, whatever its type (the pool requests are derived from).
    pub fn all(&self) -> Vec<GenPolicy> {
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
pub fn settings() -> Settings {
    Settings {
        max_policies: 2,
        max_statements: 2,
        max_requests: 12,
        ..Settings::default()
    }
}

/// OLD and NEW from `bytes`: independent, or NEW as OLD with one identity policy replaced or
/// added.
pub fn draw_pair(bytes: &[u8], s: &Settings) -> (GenSet, GenSet) {
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

/// One request per tape, derived from the policies of both sets, with a caller and a resource
/// account from the menus.
pub fn requests(old: &GenSet, new: &GenSet, tapes: &[&[u8]], s: &Settings) -> Vec<Request> {
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
    fn new(old: &PolicySet, new: &PolicySet) -> Result<Engines, String> {
        let compile = |s: &PolicySet| {
            iamc_compiler::compile_set_artifact(s, &iamc_compiler::Config::default())
                .map(|(a, _)| a)
                .map_err(|e| format!("a generated set failed to compile: {e:?}"))
        };
        let lower = |s: &PolicySet| {
            iamc_compiler::lower::lower(s)
                .map_err(|e| format!("a generated set failed to lower: {e:?}"))
        };
        Ok(Engines {
            reference: [
                reference::PolicySet::from_set(old.clone()),
                reference::PolicySet::from_set(new.clone()),
            ],
            ir: [lower(old)?, lower(new)?],
            compiled: [compile(old)?, compile(new)?],
        })
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

/// Both sets' policy texts, for a failure message.
fn show(old: &GenSet, new: &GenSet) -> String {
    let mut t = String::from("OLD:\n");
    for (k, p) in old.texts() {
        t.push_str(&format!("  {k:?}: {p}\n"));
    }
    t.push_str("NEW:\n");
    for (k, p) in new.texts() {
        t.push_str(&format!("  {k:?}: {p}\n"));
    }
    t
}

/// Properties 1 to 4 of the module for OLD `old_g`, NEW `new_g` and the requests `tapes`
/// derive ([`requests`]), with the diff's default limits. `Ok` also when a generated policy is
/// not valid as its type (nothing to test); `Err` says which property failed and shows the
/// sets and the report.
pub fn check_pair(old_g: &GenSet, new_g: &GenSet, tapes: &[&[u8]]) -> Result<(), String> {
    let s = settings();
    let (Some(old), Some(new)) = (old_g.parse(), new_g.parse()) else {
        // A generated identity statement not valid in a resource policy: nothing to test.
        return Ok(());
    };
    let show = || show(old_g, new_g);
    let judge = ReferenceJudge::new(&old, &new);
    let opts = Options {
        removed: true,
        judges: vec![&judge],
        ..Options::default()
    };
    let report =
        diff::diff(&old, &new, &opts).map_err(|e| format!("diff failed: {e}\n{}", show()))?;
    let rendered = || diff::render::text(&report, &Default::default());
    let engines = Engines::new(&old, &new).map_err(|e| format!("{e}\n{}", show()))?;
    let removed = report
        .removed
        .as_ref()
        .ok_or_else(|| format!("`removed` asked for but not reported\n{}", show()))?;
    let reqs = requests(old_g, new_g, tapes, &s);
    for (dir, access, base, target) in [
        ("added", &report.added, &judge.old, &judge.new),
        ("removed", removed, &judge.new, &judge.old),
    ] {
        for req in &reqs {
            let t = target.authorize(req);
            let b = base.authorize(req);
            let inside: Vec<usize> = access
                .regions
                .iter()
                .enumerate()
                .filter(|(_, r)| r.contains(req))
                .map(|(i, _)| i)
                .collect();
            // In a region, unless a budget stopped the listing (then "may allow" covers it).
            if t == Decision::Allow
                && b != Decision::Allow
                && !(access.any && (!inside.is_empty() || !access.complete))
            {
                return Err(format!(
                    "{dir}: {} is allowed by one side only ({t:?} vs {b:?}) but in no region\n{}\n{}",
                    request_json(req),
                    show(),
                    rendered()
                ));
            }
            for i in inside {
                let r = &access.regions[i];
                if r.exact() && !(t == Decision::Allow && b != Decision::Allow) {
                    return Err(format!(
                        "{dir}: region {} claims {} exactly, but the reference says {t:?} vs {b:?}\n{}\n{}",
                        i + 1,
                        request_json(req),
                        show(),
                        rendered()
                    ));
                }
            }
        }
        for r in access.regions.iter().filter(|r| r.certain) {
            for w in &r.witnesses {
                if !r.contains(w) {
                    return Err(format!(
                        "{dir}: witness outside its region: {}\n{}\n{}",
                        request_json(w),
                        show(),
                        rendered()
                    ));
                }
                engines
                    .agree(usize::from(dir == "added"), w)
                    .map_err(|e| format!("{dir}: witness not confirmed: {e}\n{}", show()))?;
            }
        }
    }
    Ok(())
}

/// Property 5: `set` diffed with itself reports nothing, exactly (and removes nothing). `Ok`
/// also when a generated policy is not valid as its type.
pub fn same_set(set: &GenSet) -> Result<(), String> {
    let Some(parsed) = set.parse() else {
        return Ok(());
    };
    let opts = Options {
        removed: true,
        ..Options::default()
    };
    let r = diff::diff(&parsed, &parsed, &opts)
        .map_err(|e| format!("diff failed: {e}\n{}", show(set, set)))?;
    let removes = r.removed.as_ref().is_none_or(|a| a.any);
    if r.new_access() || !r.exact() || removes {
        return Err(format!(
            "a set diffed with itself reports access\n{}\n{}",
            show(set, set),
            diff::render::text(&r, &Default::default())
        ));
    }
    Ok(())
}

/// Bytes of one request tape at most (the property test draws tapes of this length).
pub const REQUEST_TAPE: usize = 96;
/// Bytes of the pair's tape at most (the property test draws one of this length).
pub const PAIR_TAPE: usize = 1024;

/// `diff`: the fuzzer's bytes split deterministically into the pair's tape and the request
/// tapes, then [`check_pair`]; a failure panics. The first byte `h` says how: `1 + (h & 0x7f) %
/// 11` request tapes of `8 + b % 89` bytes each (`b` the second byte) are cut from the end of
/// the rest (as many as there are bytes for, at least one, possibly empty), and the pair's tape
/// is what comes before them (at most [`PAIR_TAPE`] bytes). With `h & 0x80`, OLD is also diffed
/// with itself ([`same_set`]).
pub fn diff(data: &[u8]) {
    let (head, rest) = match data {
        [h, b, rest @ ..] => ((*h, *b), rest),
        [h] => ((*h, 0), &[][..]),
        [] => ((0, 0), &[][..]),
    };
    let count = 1 + usize::from(head.0 & 0x7f) % 11;
    let len = 8 + usize::from(head.1) % 89;
    let cut = rest.len().saturating_sub(count * len);
    let (pair, tail) = rest.split_at(cut);
    let mut tapes: Vec<&[u8]> = tail.chunks(len).collect();
    if tapes.is_empty() {
        tapes.push(&[]);
    }
    let pair = &pair[..pair.len().min(PAIR_TAPE)];
    let (old, new) = draw_pair(pair, &settings());
    if let Err(e) = check_pair(&old, &new, &tapes) {
        panic!("{e}");
    }
    if head.0 & 0x80 != 0 {
        if let Err(e) = same_set(&old) {
            panic!("{e}");
        }
    }
}
