//! iamc benchmarks (criterion): authorize latency against statement count, the real sets (ECS,
//! the whole `aws-managed` corpus), compile time, artifact size and load time, and throughput
//! with two threads sharing one artifact; with `--features peers`, the same policies and
//! requests through cedar-policy, regorus and iam-rs (benches/peers.rs).
//!
//! Run: `cargo bench -p iamc-bench` (add `--features peers` for the peers; the bench crate
//! `bench/` holds the peers so that the published `iamc` package does not). `IAMC_BENCH_QUICK=1`
//! shortens every measurement for development runs. The report (BENCHMARKS.md) quotes medians.
//!
//! Requests are derived from the sets' own patterns (`iamc_testkit::corpus::derive_requests`,
//! the derivation the corpus tests hold to the reference: hits, near misses, `*`, contexts from
//! the policies' own condition values); every request batch is decided once before timing and
//! its mix of Allow / ExplicitDeny / ImplicitDeny printed. The policies are the repository's
//! (`tests/data/policies`).

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a bench binary: a failed setup or a disagreement of the engines aborts the run"
)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, Throughput};
use iamc::reference::PolicySet;
use iamc_grammar::ast;
use iamc_runtime::{Artifact, Decision, Request};
use iamc_testkit::{corpus, data, Tape};

#[cfg(feature = "peers")]
mod peers;

/// Requests per timed batch (each iteration decides the whole batch).
const BATCH: usize = 256;

/// A named policy set with its request batch.
pub struct Set {
    pub name: String,
    pub policies: Vec<ast::Policy>,
    pub requests: Vec<Request>,
}

impl Set {
    fn statements(&self) -> usize {
        self.policies.iter().map(|p| p.statements.len()).sum()
    }
}

/// A Deny that refuses (nearly) everything: `Action: "*"` or any `NotAction`. Drawn sets leave
/// these out so that their requests keep a real mix of decisions (with them, every request of a
/// large draw is an explicit deny and nothing else is measured).
fn is_blanket_deny(s: &ast::Statement) -> bool {
    s.effect.node == ast::Effect::Deny
        && (s.action.negated
            || s.action
                .patterns
                .iter()
                .any(|p| matches!(p.node, ast::ActionPattern::Any)))
}

/// `n` statements drawn from `corpus` in a fixed pseudo-random order of policies, blanket
/// denies left out; past the corpus's size the draw wraps around with renamed copies
/// (`name#2`), so 10,000 statements are the 7,656 real ones and 2,344 repeated ones.
fn draw(corpus: &[ast::Policy], n: usize, seed: &str) -> Vec<ast::Policy> {
    let mut order: Vec<usize> = (0..corpus.len()).collect();
    let mut rng = Tape::seeded(seed);
    for i in (1..order.len()).rev() {
        let j = (rng.word() % (i as u64 + 1)) as usize;
        order.swap(i, j);
    }
    let mut out = Vec::new();
    let mut taken = 0usize;
    let mut round = 1;
    while taken < n {
        for &i in &order {
            if taken >= n {
                break;
            }
            let mut p = corpus[i].clone();
            p.statements.retain(|s| !is_blanket_deny(s));
            p.statements.truncate(n - taken);
            if p.statements.is_empty() {
                continue;
            }
            if round > 1 {
                p.name = format!("{}#{round}", p.name);
            }
            taken += p.statements.len();
            out.push(p);
        }
        round += 1;
    }
    out
}

/// `BATCH` requests: derived from a sample of the set's own policies.
fn requests_for(policies: &[ast::Policy], seed: &str) -> Vec<Request> {
    let mut rng = Tape::seeded(seed);
    let mut reqs = Vec::new();
    let mut guard = 0;
    while reqs.len() < BATCH && guard < 100 * BATCH {
        let Some(p) = rng.pick(policies) else { break };
        reqs.extend(corpus::derive_requests(
            std::slice::from_ref(p),
            2,
            4,
            &format!("{seed}{guard}"),
        ));
        guard += 1;
    }
    reqs.truncate(BATCH);
    reqs
}

fn compile(policies: &[ast::Policy]) -> (Vec<u8>, Duration) {
    let start = Instant::now();
    let bytes = iamc_compiler::compile(policies, &iamc_compiler::Config::default())
        .unwrap_or_else(|e| panic!("compile failed: {e}"));
    (bytes, start.elapsed())
}

/// Decides every request of `set` with both engines and checks they agree: how many were
/// allowed, explicitly denied and implicitly denied.
fn decide_all(label: &str, set: &Set, artifact: &Artifact, reference: &PolicySet) -> [usize; 3] {
    let mut m = [0usize; 3];
    for r in &set.requests {
        let d = artifact.authorize(r);
        assert_eq!(
            d,
            reference.authorize(r),
            "{label}{}: engines disagree on {r:?}",
            set.name
        );
        m[match d {
            Decision::Allow => 0,
            Decision::ExplicitDeny => 1,
            Decision::ImplicitDeny => 2,
        }] += 1;
    }
    m
}

/// Decides every request with both engines, checks they agree, and prints the mix.
fn mix(set: &Set, artifact: &Artifact, reference: &PolicySet) -> [usize; 3] {
    let m = decide_all("", set, artifact, reference);
    println!(
        "set {:<18} {:>6} statements {:>5} policies; requests: {} Allow, {} ExplicitDeny, {} ImplicitDeny",
        set.name,
        set.statements(),
        set.policies.len(),
        m[0],
        m[1],
        m[2]
    );
    m
}

/// `identity` as the identity policies of a typed set: a boundary allowing all but `iam:*`,
/// three SCP levels (full access everywhere, the middle level also denying `ec2:*` outside
/// us-east-1), an RCP level with full access, and a resource policy naming a role, an account
/// and everyone with a condition.
fn typed_set(identity: &[ast::Policy]) -> iamc_grammar::PolicySet {
    use ast::PolicyType as K;
    let parse = |name: &str, kind: K, text: &str| {
        let mut p = iamc_grammar::parse_policy(&iamc_grammar::SourceFile::new(name, text), kind)
            .unwrap_or_else(|e| panic!("{name}: {e}"))
            .policy;
        p.name = name.into();
        p
    };
    let full = r#"{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#;
    iamc_grammar::PolicySet {
        identity: identity.to_vec(),
        boundary: vec![parse(
            "boundary.json",
            K::Boundary,
            r#"{"Statement":{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}}"#,
        )],
        scp: vec![
            vec![parse("full.json", K::Scp, full)],
            vec![
                parse("full.json", K::Scp, full),
                parse(
                    "region.json",
                    K::Scp,
                    r#"{"Statement":{"Effect":"Deny","Action":"ec2:*","Resource":"*","Condition":{"StringNotEquals":{"aws:RequestedRegion":"us-east-1"}}}}"#,
                ),
            ],
            vec![parse("full.json", K::Scp, full)],
        ],
        rcp: vec![vec![parse(
            "rcp-full.json",
            K::Rcp,
            r#"{"Statement":{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}}"#,
        )]],
        resource: vec![parse(
            "resource.json",
            K::Resource,
            r#"{"Statement":[
                {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/dev"},"Action":["s3:GetObject","sqs:SendMessage"],"Resource":"*"},
                {"Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":"s3:ListBucket","Resource":"*"},
                {"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-123"}}}]}"#,
        )],
        ..Default::default()
    }
}

fn quick() -> bool {
    std::env::var_os("IAMC_BENCH_QUICK").is_some()
}

fn criterion() -> Criterion {
    let c = Criterion::default();
    let c = if quick() {
        c.warm_up_time(Duration::from_millis(300))
            .measurement_time(Duration::from_secs(1))
            .sample_size(10)
    } else {
        c.warm_up_time(Duration::from_secs(1))
            .measurement_time(Duration::from_secs(3))
            .sample_size(30)
    };
    c.configure_from_args()
}

fn bench_batch(
    c: &mut Criterion,
    group: &str,
    id: BenchmarkId,
    reqs: &[Request],
    f: impl Fn(&Request) -> Decision,
) {
    let mut g = c.benchmark_group(group);
    g.throughput(Throughput::Elements(reqs.len() as u64));
    g.bench_function(id, |b| {
        b.iter(|| {
            for r in reqs {
                black_box(f(black_box(r)));
            }
        })
    });
    g.finish();
}

/// `authorize` of the compiled artifact and of the reference interpreter, on the set's requests,
/// in one group (their ratio is the point).
fn bench_engines(
    c: &mut Criterion,
    group: &str,
    set: &Set,
    artifact: &Artifact,
    reference: &PolicySet,
) {
    let id = |engine| BenchmarkId::new(engine, &set.name);
    bench_batch(c, group, id("compiled"), &set.requests, |r| {
        artifact.authorize(r)
    });
    bench_batch(c, group, id("reference"), &set.requests, |r| {
        reference.authorize(r)
    });
}

fn main() {
    let mut c = criterion();
    let aws = data::policies("aws-managed");
    let ecs = data::policies("ecs");

    // 1. Latency against statement count, compiled and reference on the same requests.
    let mut sets = Vec::new();
    for n in [10usize, 100, 1_000, 10_000] {
        let policies = draw(&aws, n, "draw");
        let requests = requests_for(&policies, &format!("req{n}"));
        sets.push(Set {
            name: format!("drawn-{n}"),
            policies,
            requests,
        });
    }
    // 2. The real sets, whole.
    sets.push(Set {
        name: "ecs".into(),
        requests: requests_for(&ecs, "ecs"),
        policies: ecs,
    });
    let aws_requests = requests_for(&aws, "aws-managed");
    sets.push(Set {
        name: "aws-managed".into(),
        policies: aws,
        requests: aws_requests,
    });

    for set in &sets {
        let (bytes, took) = compile(&set.policies);
        let start = Instant::now();
        let artifact = Artifact::from_bytes(&bytes).unwrap();
        let load = start.elapsed();
        let reference = PolicySet::new(set.policies.clone());
        mix(set, &artifact, &reference);
        println!(
            "set {:<18} compile {:>9.1} ms, artifact {:>11} bytes, one load {:>8.3} ms",
            set.name,
            took.as_secs_f64() * 1e3,
            bytes.len(),
            load.as_secs_f64() * 1e3
        );
        bench_engines(&mut c, "authorize", set, &artifact, &reference);
        #[cfg(feature = "peers")]
        peers::bench(&mut c, set);

        if set.name == "aws-managed" || set.name == "ecs" {
            // 3. The same set as the identity policies of a typed set (boundary, three SCP
            // levels, an RCP level, a resource policy), on the same requests: the cost of the
            // whole decision over identity alone.
            let typed = typed_set(&set.policies);
            let bytes = iamc_compiler::compile_set(&typed, &iamc_compiler::Config::default())
                .unwrap_or_else(|e| panic!("typed compile failed: {e}"));
            let typed_artifact = Artifact::from_bytes(&bytes).unwrap();
            let typed_reference = PolicySet::from_set(typed);
            let [allowed, ..] = decide_all("typed ", set, &typed_artifact, &typed_reference);
            println!(
                "set {:<18} typed: {allowed} of {} requests allowed",
                set.name,
                set.requests.len()
            );
            bench_engines(
                &mut c,
                "authorize-typed",
                set,
                &typed_artifact,
                &typed_reference,
            );
            // 4. Load time (every byte validated) and compile time of the real sets.
            let mut g = c.benchmark_group("load");
            // The artifact's drop is not part of its load: outputs are dropped untimed.
            g.bench_function(&set.name, |b| {
                b.iter_with_large_drop(|| Artifact::from_bytes(black_box(&bytes)).unwrap())
            });
            g.finish();
            let mut g = c.benchmark_group("compile");
            g.sample_size(10);
            g.bench_function(&set.name, |b| {
                b.iter(|| compile(black_box(&set.policies)).0.len())
            });
            g.finish();
        }
        if set.name == "aws-managed" {
            // Throughput: two threads sharing one loaded artifact, each deciding the batch.
            let mut g = c.benchmark_group("threads");
            g.throughput(Throughput::Elements(2 * 16 * set.requests.len() as u64));
            g.bench_function("aws-managed/2", |b| {
                b.iter(|| {
                    std::thread::scope(|s| {
                        for _ in 0..2 {
                            s.spawn(|| {
                                for _ in 0..16 {
                                    for r in &set.requests {
                                        black_box(artifact.authorize(black_box(r)));
                                    }
                                }
                            });
                        }
                    })
                })
            });
            g.finish();
        }
    }
    c.final_summary();
}
