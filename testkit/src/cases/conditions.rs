//! Condition rows (`tests/data/cases/conditions.toml`): an operator, a key, the policy's values,
//! a request context, and whether the condition holds; decided on every engine by [`check`].

use iamc_grammar::ast;
use iamc_runtime::{Decision, Request};
use serde::Deserialize;

use crate::builder::{allow, clause, deny, policy};
use crate::engine::Engine;

#[derive(Deserialize)]
struct File {
    table: Vec<Table>,
}

#[derive(Deserialize)]
struct Table {
    version: String,
    rows: Vec<RawRow>,
}

#[derive(Deserialize)]
struct RawRow {
    op: String,
    #[serde(default = "default_key")]
    key: String,
    values: String,
    context: String,
    holds: bool,
}

fn default_key() -> String {
    "k".to_owned()
}

/// One row of the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// The operator, `ForAnyValue:StringLikeIfExists`-style.
    pub op: String,
    /// The condition key.
    pub key: String,
    /// The policy values, a JSON array.
    pub values: String,
    /// The request context, a JSON object.
    pub context: String,
    /// Whether the condition holds for that context.
    pub holds: bool,
    /// The policy version the row is decided under.
    pub version: ast::Version,
}

/// Every row of `tests/data/cases/conditions.toml`, in file order.
///
/// # Panics
/// When the file is missing or malformed.
pub fn rows() -> Vec<Row> {
    let file: File = super::read_toml("cases/conditions.toml");
    let mut out = Vec::new();
    for table in file.table {
        let version = match table.version.as_str() {
            "2012-10-17" => ast::Version::V2012_10_17,
            "2008-10-17" => ast::Version::V2008_10_17,
            other => panic!("conditions.toml: unknown version `{other}`"),
        };
        out.extend(table.rows.into_iter().map(|r| Row {
            op: r.op,
            key: r.key,
            values: r.values,
            context: r.context,
            holds: r.holds,
            version,
        }));
    }
    out
}

/// `s:a` on `*` with `context` (a JSON object).
///
/// # Panics
/// When `context` is not a JSON object of context values.
pub fn request_with(context: &str) -> Request {
    iamc::io::request_from_json(&format!(r#"{{"action":"s:a","context":{context}}}"#))
        .unwrap_or_else(|e| panic!("bad context {context}: {e}"))
}

/// The two policies a condition is checked with: the condition on an Allow; the condition on a
/// Deny beside an unconditional Allow.
pub fn policies(version: ast::Version, conditions: Vec<ast::ConditionClause>) -> [ast::Policy; 2] {
    [
        policy("row", version, vec![allow().conditions(conditions.clone())]),
        policy("row", version, vec![deny().conditions(conditions), allow()]),
    ]
}

impl Row {
    /// Whether `${...}` is substituted.
    pub fn v2012(&self) -> bool {
        self.version == ast::Version::V2012_10_17
    }

    /// The row's condition block.
    pub fn clause(&self) -> ast::ConditionClause {
        clause(&self.op, &self.key, &self.values, self.v2012())
    }

    /// `s:a` on `*` with the row's context.
    pub fn request(&self) -> Request {
        request_with(&self.context)
    }

    /// The two policies of the row (see [`policies`]).
    pub fn policies(&self) -> [ast::Policy; 2] {
        policies(self.version, vec![self.clause()])
    }

    /// What the two policies decide: Allow then ExplicitDeny when the condition holds,
    /// ImplicitDeny then Allow when it does not.
    pub fn expected(&self) -> [Decision; 2] {
        if self.holds {
            [Decision::Allow, Decision::ExplicitDeny]
        } else {
            [Decision::ImplicitDeny, Decision::Allow]
        }
    }
}

/// Decides every row on every engine of `engines`, by `authorize` and by `explain`; returns
/// one line per decision that is not the row's expectation.
pub fn check(rows: &[Row], engines: &[Box<dyn Engine>]) -> Vec<String> {
    let mut failures = Vec::new();
    for row in rows {
        let req = row.request();
        for (p, want) in row.policies().into_iter().zip(row.expected()) {
            let set = iamc_grammar::PolicySet::identity(vec![p]);
            for engine in engines {
                let loaded = engine.load(&set);
                let (authorized, explained) =
                    (loaded.authorize(&req), loaded.explain(&req).decision);
                if authorized != want || explained != want {
                    failures.push(format!(
                        "{row:?}: want {want:?}, {} authorize {authorized:?} / explain {explained:?}",
                        engine.name()
                    ));
                }
            }
        }
    }
    failures
}
