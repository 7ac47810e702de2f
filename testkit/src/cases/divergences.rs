//! Where iamc and the iam-simulate conformance cases disagree
//! (`tests/data/conformance/divergences.toml`), read by both conformance suites.

use std::collections::BTreeMap;

use serde::Deserialize;

#[derive(Deserialize)]
struct File {
    reasons: BTreeMap<String, String>,
    divergent: Vec<Entry>,
    rejected: Vec<Entry>,
}

#[derive(Deserialize)]
struct Entry {
    id: String,
    reason: String,
    suites: Vec<String>,
}

/// The listed cases of one suite: case id → reason.
#[derive(Debug, Clone, Default)]
pub struct Divergences {
    /// Cases where iamc follows the spec or DESIGN.md rather than iam-simulate.
    pub divergent: BTreeMap<String, String>,
    /// Cases with a policy iamc's validator rejects.
    pub rejected: BTreeMap<String, String>,
}

/// The entries of `suite` (`identity-only` or `core-engine`), reasons spelled out.
///
/// # Panics
/// When the file is missing or malformed, an entry names an unknown reason or suite, or an id
/// is listed twice.
pub fn of_suite(suite: &str) -> Divergences {
    let file: File = super::read_toml("conformance/divergences.toml");
    let select = |entries: &[Entry]| {
        let mut out = BTreeMap::new();
        for e in entries {
            for s in &e.suites {
                assert!(
                    s == "identity-only" || s == "core-engine",
                    "divergences.toml: `{}` names the unknown suite `{s}`",
                    e.id
                );
            }
            if !e.suites.iter().any(|s| s == suite) {
                continue;
            }
            let reason = file.reasons.get(&e.reason).unwrap_or_else(|| {
                panic!(
                    "divergences.toml: `{}` names the unknown reason `{}`",
                    e.id, e.reason
                )
            });
            let before = out.insert(e.id.clone(), reason.clone());
            assert!(
                before.is_none(),
                "divergences.toml: `{}` is listed twice",
                e.id
            );
        }
        out
    };
    Divergences {
        divergent: select(&file.divergent),
        rejected: select(&file.rejected),
    }
}

/// What one engine did on a suite: the cases it disagreed on and the cases whose policies it
/// refused, each with a line saying how.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    /// Cases that agreed with iam-simulate.
    pub agreed: usize,
    /// Case id → what the engine decided and what iam-simulate expects.
    pub divergent: BTreeMap<String, String>,
    /// Case id → why a policy was refused.
    pub rejected: BTreeMap<String, String>,
}

impl Divergences {
    /// Where `outcome` differs from the listed cases: new divergences, listed ones that now
    /// agree, new rejections, listed rejections now accepted; empty when it matches exactly.
    pub fn compare(&self, outcome: &Outcome) -> Vec<String> {
        let mut problems = Vec::new();
        let mut differ =
            |what: &str, got: &BTreeMap<String, String>, want: &BTreeMap<String, String>| {
                for (id, how) in got.iter().filter(|(id, _)| !want.contains_key(*id)) {
                    let first = how.lines().next().unwrap_or_default();
                    problems.push(format!("new {what}: {id}: {first}"));
                }
                for id in want.keys().filter(|id| !got.contains_key(*id)) {
                    problems.push(format!("listed {what} no longer seen: {id}"));
                }
            };
        differ("divergence", &outcome.divergent, &self.divergent);
        differ("rejection", &outcome.rejected, &self.rejected);
        problems
    }

    /// Reports what `engine` did on `suite` (on stderr) and asserts that it is exactly what is
    /// listed.
    ///
    /// # Panics
    /// When [`Divergences::compare`] finds a difference.
    pub fn assert_listed(&self, suite: &str, engine: &str, outcome: &Outcome) {
        eprintln!(
            "{suite}, engine {engine}: {} agree, {} diverge, {} rejected",
            outcome.agreed,
            outcome.divergent.len(),
            outcome.rejected.len()
        );
        let problems = self.compare(outcome);
        assert!(
            problems.is_empty(),
            "engine {engine}:\n{}",
            problems.join("\n")
        );
    }
}
