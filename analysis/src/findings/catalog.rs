//! The checks of findings.md that need AWS's service catalog (§4.2, the catalog rows of §4.3,
//! and iamc's own IAMC_RESOURCE_MISMATCH of §5), through the [`CatalogChecks`] seam, on the
//! vendored `iamc-catalog`.
//!
//! ```
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use iamc_analysis::findings::{check, CatalogChecker, IssueCode, Options};
//! use iamc_grammar::{ast::PolicyType, SourceFile};
//!
//! let src = SourceFile::new(
//!     "p.json",
//!     r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "ecs:StopTsk", "Resource": "*"}}"#,
//! );
//! let options = Options { catalog: Some(CatalogChecker::shared()?), ..Options::default() };
//! let findings = check(&src, PolicyType::Identity, &options);
//! assert_eq!(findings[0].issue_code, IssueCode::InvalidAction);
//! assert!(findings[0].details.contains("did you mean `ecs:StopTask`"));
//! # Ok(())
//! # }
//! ```
//!
//! **A stale catalog is not an error of the policy.** These findings never make `compile`
//! refuse a policy (findings.md §2.2). Where the catalog's answer could be wrong in a way the
//! engines would contradict, no ERROR is reported: the catalog reads an ARN pattern field by
//! field, while the engines let a `*` ending the region or account field cross `:` (spec
//! 3.3.5), so a pattern such as `arn:aws:logs:*:*:log-stream:*` matches real log streams
//! though its resource part alone fits no format. Such entries are asked about twice, as
//! written and with the resource part widened to `*:PART` (what the crossing `*` can
//! prepend), and judged on the union (`CatalogChecker::formats`, `arns::Reach`).

mod actions;
mod arns;
mod keys;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use iamc_catalog::{ArnFormat, Catalog, CatalogError};
use iamc_grammar::ast;

use super::doc::Document;
use super::{CatalogChecks, Findings};

/// Distinct ARN queries remembered at most; past it the memory starts afresh.
const MAX_CACHED: usize = 1 << 16;

/// The longest query and the most wildcards in one that are put to the catalog: a hostile
/// pattern (`*a` and a hundred `?`) makes automata whose products take seconds, and is
/// answered "could be anything" instead. AWS's own policies have at most 11 wildcards and 203
/// characters in an entry.
const MAX_QUERY_LEN: usize = 1024;
const MAX_QUERY_WILDCARDS: usize = 24;

/// The catalog-based checks on a loaded [`Catalog`]. It remembers the ARN formats each
/// distinct resource pattern can denote (the costly question), so one checker should serve a
/// whole run: [`CatalogChecker::shared`] is the process's.
pub struct CatalogChecker {
    catalog: &'static Catalog,
    formats: Mutex<HashMap<String, Arc<[ArnFormat<'static>]>>>,
    /// Every format by its ARN service field (`iam` holds `sts`'s roles), made on first use.
    by_service: OnceLock<HashMap<&'static str, Vec<ArnFormat<'static>>>>,
}

impl std::fmt::Debug for CatalogChecker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CatalogChecker")
            .field("version", &self.catalog.version())
            .finish_non_exhaustive()
    }
}

impl CatalogChecker {
    /// A checker on `catalog`.
    pub fn new(catalog: &'static Catalog) -> CatalogChecker {
        CatalogChecker {
            catalog,
            formats: Mutex::new(HashMap::new()),
            by_service: OnceLock::new(),
        }
    }

    /// The checker on the vendored catalog, made on first use and shared by the process.
    ///
    /// # Errors
    /// The vendored catalog does not load (a build defect, which `iamc-catalog`'s tests rule
    /// out).
    pub fn shared() -> Result<&'static CatalogChecker, CatalogError> {
        static SHARED: OnceLock<Result<CatalogChecker, CatalogError>> = OnceLock::new();
        SHARED
            .get_or_init(|| Catalog::get().map(CatalogChecker::new))
            .as_ref()
            .map_err(Clone::clone)
    }

    /// The catalog checked against.
    pub fn catalog(&self) -> &'static Catalog {
        self.catalog
    }

    /// The formats whose ARN service field is `service`; `None` when there is none (a service
    /// the catalog knows no ARN of).
    fn service_formats(&self, service: &str) -> Option<&[ArnFormat<'static>]> {
        let map = self.by_service.get_or_init(|| {
            let mut map: HashMap<&'static str, Vec<ArnFormat<'static>>> = HashMap::new();
            for f in self
                .catalog
                .services()
                .flat_map(|s| s.resource_types())
                .flat_map(|t| t.formats())
            {
                map.entry(f.service_field()).or_default().push(f);
            }
            map
        });
        map.get(service).map(Vec::as_slice)
    }

    /// The ARN formats the resource pattern `query` (no policy variables: the caller wrote
    /// them as `*`) can denote, field by field; `None` when the catalog cannot answer (an
    /// automaton limit, or a query past [`MAX_QUERY_LEN`] or [`MAX_QUERY_WILDCARDS`]), which
    /// every caller reads as "could be anything".
    fn formats(&self, query: &str) -> Option<Arc<[ArnFormat<'static>]>> {
        if query.len() > MAX_QUERY_LEN
            || query.chars().filter(|c| matches!(c, '*' | '?')).count() > MAX_QUERY_WILDCARDS
        {
            return None;
        }
        if let Ok(cache) = self.formats.lock() {
            if let Some(f) = cache.get(query) {
                return Some(f.clone());
            }
        }
        let template = ast::Template {
            segments: vec![ast::Segment::Text(query.to_owned())],
        };
        let found: Arc<[ArnFormat<'static>]> = self.catalog.arn_formats_for(&template).ok()?.into();
        if let Ok(mut cache) = self.formats.lock() {
            if cache.len() >= MAX_CACHED {
                cache.clear();
            }
            cache.insert(query.to_owned(), found.clone());
        }
        Some(found)
    }
}

impl CatalogChecks for CatalogChecker {
    fn version(&self) -> &str {
        self.catalog.version()
    }

    fn check(&self, doc: &Document<'_>, out: &mut Findings<'_>) {
        for st in doc.statements() {
            actions::run(self, doc, st, out);
            keys::run(self, doc, st, out);
            arns::run(self, doc, st, out);
        }
    }
}

/// `names` as a message list: the first few in backticks, then how many more.
fn listed(names: &[String], total: usize) -> String {
    const SHOWN: usize = 5;
    let shown: Vec<String> = names.iter().take(SHOWN).map(|n| format!("`{n}`")).collect();
    let more = total.saturating_sub(shown.len());
    if more > 0 {
        format!("{} and {more} more", shown.join(", "))
    } else {
        shown.join(", ")
    }
}

/// `; did you mean `X`?` when there is a suggestion.
fn did_you_mean(suggestion: Option<String>) -> String {
    suggestion.map_or_else(String::new, |s| format!("; did you mean `{s}`?"))
}

/// For a name `prefix:rest` whose service `prefix` is unknown: `; did you mean `S:rest`?` with
/// the nearest known service `S`, when there is one.
fn did_you_mean_service(catalog: &Catalog, prefix: &str, rest: &str) -> String {
    did_you_mean(
        catalog
            .suggest_service(prefix)
            .map(|s| format!("{}:{rest}", s.prefix())),
    )
}
