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
                panic!("divergences.toml: `{}` names the unknown reason `{}`", e.id, e.reason)
            });
            let before = out.insert(e.id.clone(), reason.clone());
            assert!(before.is_none(), "divergences.toml: `{}` is listed twice", e.id);
        }
        out
    };
    Divergences {
        divergent: select(&file.divergent),
        rejected: select(&file.rejected),
    }
}
