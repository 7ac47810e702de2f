//! The real corpus (`tests/data/policies`): every policy compiles alone and the compiled engine
//! agrees with the reference interpreter (same decision, same matched statements) on at least 50
//! requests derived from the policy's own patterns; the whole `aws-managed` folder compiled as
//! one set agrees too. The requests come from `iamc_testkit::corpus::derive_requests` (hits,
//! near misses, `*`, contexts from the policies' own condition values), the derivation the
//! benches use.

use iamc::reference::PolicySet;
use iamc_testkit::corpus::{assert_agree, compile, derive_requests, Tally};
use iamc_testkit::data::{load_dir, parse_all, parse_identity, policies_dir, subdirs};
use iamc_testkit::Tape;

#[test]
fn every_policy_compiles_alone_and_agrees_with_the_reference() {
    let mut policies = 0usize;
    let mut tally = Tally::default();
    for dir in subdirs(&policies_dir()) {
        for (name, text) in load_dir(&dir) {
            let p =
                parse_identity(&name, &text).unwrap_or_else(|e| panic!("`{name}` rejected:\n{e}"));
            let ps = vec![p];
            let artifact = compile(&ps);
            let reqs = derive_requests(&ps, 50, 200, &name);
            assert!(reqs.len() >= 50);
            let t = assert_agree(&name, &artifact, &PolicySet::new(ps), &reqs);
            tally.allow += t.allow;
            tally.explicit_deny += t.explicit_deny;
            tally.implicit_deny += t.implicit_deny;
            tally.with_allow_statement += t.with_allow_statement;
            policies += 1;
        }
    }
    assert!(policies > 1500, "only {policies} policies found");
    eprintln!(
        "corpus: {policies} policies, {} requests agree: {tally:?}",
        tally.total()
    );
    // The derived requests hit: a good share is allowed, some explicitly denied.
    assert!(tally.allow * 5 > tally.total(), "{tally:?}");
    assert!(tally.explicit_deny > 100, "{tally:?}");
}

#[test]
fn whole_aws_managed_set_agrees_with_the_reference() {
    let files = load_dir(&policies_dir().join("aws-managed"));
    let policies = parse_all(&files);
    let statements: usize = policies.iter().map(|p| p.statements.len()).sum();
    assert_eq!((policies.len(), statements), (1452, 7656));
    let artifact = compile(&policies);
    // Requests derived from a deterministic sample of the policies (all of them would take the
    // reference interpreter too long in a debug build), decided against the whole set.
    let mut rng = Tape::seeded("aws-managed");
    let mut reqs = Vec::new();
    for p in &policies {
        if rng.word().is_multiple_of(8) {
            reqs.extend(derive_requests(std::slice::from_ref(p), 4, 12, &p.name));
        }
    }
    let reference = PolicySet::new(policies);
    let t = assert_agree("aws-managed", &artifact, &reference, &reqs);
    eprintln!(
        "aws-managed as one set: {} requests agree: {t:?}",
        t.total()
    );
    assert!(t.total() >= 500, "only {} requests", t.total());
    // The set holds deny-everything policies (AWSDenyAll...), so every decision is a Deny;
    // the explanations still list the Allow statements that apply, and those must agree too.
    assert!(t.with_allow_statement * 5 > t.total(), "{t:?}");
}
