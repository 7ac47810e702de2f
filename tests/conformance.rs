//! The iam-simulate identity-only conformance cases (`../shared/conformance`), run against every
//! engine of [`iamc_testkit::engines`].
//!
//! The engines agree with every case except those `tests/data/conformance/divergences.toml`
//! lists for the suite `identity-only` (each under a divergence of spec section 10 or a
//! DESIGN.md choice, with the reason) and the policies our validator rejects (listed there
//! too). The test asserts the exact sets: a new divergence fails, and so does one that stops
//! diverging.
//!
//! The cases are AGPL and not vendored: the test is `#[ignore]`d, and fails when
//! `../shared/conformance` is absent; `.ci/run` runs it with `--include-ignored`.

use std::collections::BTreeMap;

use iamc_testkit::cases::divergences::{self, Outcome};
use iamc_testkit::data::{conformance_dir, parse_identity};
use iamc_testkit::engines;
use serde_json::value::RawValue;

struct Case {
    id: String,
    policies: Vec<String>,
    request: String,
    expect: String,
}

fn load_cases() -> Vec<Case> {
    let path = conformance_dir().join("identity-only.jsonl");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let cases = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let fields: BTreeMap<String, Box<RawValue>> = serde_json::from_str(line).unwrap();
            let policies: Vec<Box<RawValue>> =
                serde_json::from_str(fields["policies"].get()).unwrap();
            Case {
                id: serde_json::from_str(fields["id"].get()).unwrap(),
                policies: policies.iter().map(|p| p.get().to_owned()).collect(),
                request: fields["request"].get().to_owned(),
                expect: serde_json::from_str(fields["expect"].get()).unwrap(),
            }
        })
        .collect();
    cases
}

#[test]
#[ignore = "needs ../shared/conformance (AGPL, not vendored)"]
fn identity_only_cases_agree_except_the_listed_divergences() {
    let cases = load_cases();
    let listed = divergences::of_suite("identity-only");
    assert_eq!(cases.len(), 174, "the conformance file changed");
    for engine in engines() {
        let mut outcome = Outcome::default();
        for case in &cases {
            let names: Vec<String> = (0..case.policies.len())
                .map(|i| format!("policy{i}.json"))
                .collect();
            if let Some(err) = names
                .iter()
                .zip(&case.policies)
                .find_map(|(n, p)| parse_identity(n, p).err())
            {
                outcome.rejected.insert(case.id.clone(), err);
                continue;
            }
            let req = iamc::io::request_from_json(&case.request)
                .unwrap_or_else(|e| panic!("{}: bad request: {e}", case.id));
            let refs: Vec<(&str, &str)> = names
                .iter()
                .map(String::as_str)
                .zip(case.policies.iter().map(String::as_str))
                .collect();
            let got = engine.explain(&refs, &req).decision.as_str();
            if got == case.expect {
                outcome.agreed += 1;
            } else {
                outcome.divergent.insert(
                    case.id.clone(),
                    format!("got {got}, iam-simulate {}", case.expect),
                );
            }
        }
        listed.assert_listed("identity-only", engine.name(), &outcome);
    }
}
