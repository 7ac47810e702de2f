//! The resource dimension: one small automaton per resource pattern, and the sets of resources
//! the search reaches, each a conjunction of patterns a resource matches and patterns it does
//! not ([`Constraint`]), decided non-empty (with a member) by one product search
//! ([`ops::boolean_nonempty`], [`ops::boolean_member`] for the witnesses).
//!
//! Why not one automaton over every pattern, as for actions: resource patterns carry wildcards
//! in several fields (a `*` at the end of a field crosses `:`), and the states of their joint
//! automaton multiply with the number of such patterns (22 generated patterns made a 23 MB
//! automaton in 4 s). The search only needs the combinations that decide a statement, and a
//! product of the few patterns of one combination stays small.

use std::collections::HashMap;
use std::sync::Mutex;

use iamc_compiler::automata::build::{BuildFailure, DfaBuilder};
use iamc_compiler::automata::glob::glob_hir;
use iamc_compiler::automata::ops::{self, Language};
use iamc_compiler::automata::OwnedDfa;
use iamc_compiler::ir::{Glob, Piece};
use regex_syntax::hir::Hir;

use super::{Budget, Limits};

/// Resources that match every pattern of `inc` and none of `exc` (ids in [`Resources`],
/// sorted, disjoint). With both empty: every resource, `*` included.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub(crate) struct Constraint {
    pub inc: Vec<usize>,
    pub exc: Vec<usize>,
}

impl Constraint {
    /// `self` with pattern `p` added to `inc` (`yes`) or `exc`.
    pub(crate) fn with(&self, p: usize, yes: bool) -> Constraint {
        let mut c = self.clone();
        let list = if yes { &mut c.inc } else { &mut c.exc };
        if let Err(at) = list.binary_search(&p) {
            list.insert(at, p);
        }
        c
    }

    /// Whether `p` is assigned, and how.
    pub(crate) fn get(&self, p: usize) -> Option<bool> {
        if self.inc.binary_search(&p).is_ok() {
            Some(true)
        } else if self.exc.binary_search(&p).is_ok() {
            Some(false)
        } else {
            None
        }
    }
}

/// Whether a [`Constraint`] has members.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Answer {
    Empty,
    /// A member (an ARN-shaped one where the set has one within reach).
    Member(String),
    /// The product search hit its budget: may have members (the search keeps the set, as "may
    /// allow").
    Unknown(String),
}

/// One automaton of the dimension.
#[derive(Debug)]
struct Auto {
    dfa: OwnedDfa,
    /// How a description names it (`None`: a restriction, not shown).
    shown: Option<String>,
    /// The literal text every member starts with (two automata whose heads are not prefixes
    /// of one another share no member).
    head: String,
}

/// The literal text before a pattern's first wildcard or variable, as written.
fn head_of(raw: &str) -> String {
    raw.split(['*', '?', '$']).next().unwrap_or("").to_owned()
}

/// The resource patterns of the relevant statements, the helper patterns, and the decided
/// constraints.
#[derive(Debug)]
pub(crate) struct Resources {
    autos: Vec<Auto>,
    /// `arn:*:kms:*:*:key/*`: the combination treats KMS keys apart.
    pub kms: usize,
    /// The restriction `check_access`'s resources make (`None`: every resource).
    pub universe: Option<usize>,
    /// ARN-shaped resources, preferred as members.
    prefer: OwnedDfa,
    limits: Limits,
    decided: Mutex<HashMap<Constraint, Answer>>,
    members: Mutex<HashMap<Constraint, Answer>>,
    /// Pattern pairs `(a, b)`: whether they share no resource, whether every resource of `a`
    /// matches `b` (`false` where a product search gave up: the shortcuts below are skipped).
    pairs: Mutex<HashMap<(usize, usize), (bool, bool)>>,
}

/// `*` crossing `:`.
pub(crate) fn star() -> Piece {
    Piece::Star { colon: true }
}

/// The glob of `pieces`, in order.
pub(crate) fn glob(pieces: Vec<Piece>) -> Glob {
    let mut g = Glob::default();
    for p in pieces {
        g.push(p);
    }
    g
}

fn build(hirs: &[Hir], limits: &Limits, what: &str) -> Result<OwnedDfa, Budget> {
    DfaBuilder::new(&limits.config)
        .try_build(hirs)
        .map_err(|e| match e {
            BuildFailure::TooLarge => Budget::new(format!(
                "the automaton of {what} exceeds the compiler's size limits (`dfa_size_limit`)"
            )),
            BuildFailure::Other(m) => Budget::new(format!("the automaton of {what}: {m}")),
        })
}

impl Resources {
    /// The patterns (as written, and their automata: holes read as `*`), then the KMS key
    /// helper.
    pub(crate) fn build(
        patterns: Vec<(String, OwnedDfa)>,
        limits: &Limits,
    ) -> Result<Resources, Budget> {
        let mut autos = Vec::with_capacity(patterns.len() + 1);
        for (raw, dfa) in patterns {
            let head = head_of(&raw);
            autos.push(Auto {
                dfa,
                shown: Some(raw),
                head,
            });
        }
        let kms = glob(vec![
            Piece::Lit("arn:".into()),
            Piece::Star { colon: false },
            Piece::Lit(":kms:".into()),
            Piece::Star { colon: false },
            Piece::Lit(":".into()),
            Piece::Star { colon: false },
            Piece::Lit(":key/".into()),
            star(),
        ]);
        autos.push(Auto {
            dfa: build(&[glob_hir(&kms, false)], limits, "KMS keys")?,
            shown: Some("arn:*:kms:*:*:key/*".to_owned()),
            head: "arn:".to_owned(),
        });
        let prefer = glob(vec![
            Piece::Lit("arn:aws:".into()),
            Piece::One { colon: false },
            Piece::Star { colon: false },
            Piece::Lit(":".into()),
            Piece::Star { colon: false },
            Piece::Lit(":".into()),
            Piece::Star { colon: false },
            Piece::Lit(":".into()),
            Piece::One { colon: true },
            star(),
        ]);
        Ok(Resources {
            kms: autos.len() - 1,
            autos,
            universe: None,
            prefer: build(&[glob_hir(&prefer, false)], limits, "ARN-shaped resources")?,
            limits: limits.clone(),
            decided: Mutex::new(HashMap::new()),
            members: Mutex::new(HashMap::new()),
            pairs: Mutex::new(HashMap::new()),
        })
    }

    /// Adds a restriction: the resources some of `hirs` match, and the request `*` with
    /// `star`. Returns its id.
    pub(crate) fn restriction(
        &mut self,
        mut hirs: Vec<Hir>,
        star: bool,
        what: &str,
    ) -> Result<usize, Budget> {
        if star {
            hirs.push(Hir::literal(&b"*"[..]));
        }
        let dfa = build(&hirs, &self.limits, what)?;
        self.autos.push(Auto {
            dfa,
            shown: None,
            head: String::new(),
        });
        Ok(self.autos.len() - 1)
    }

    /// The pattern as written (`None` for restrictions).
    pub(crate) fn name(&self, id: usize) -> Option<&str> {
        self.autos.get(id).and_then(|a| a.shown.as_deref())
    }

    /// Whether `resource` matches automaton `id`.
    pub(crate) fn matches(&self, id: usize, resource: &str) -> bool {
        self.autos
            .get(id)
            .is_some_and(|a| ops::matched_patterns(&a.dfa, resource).is_ok_and(|m| !m.is_empty()))
    }

    /// Whether `resource` is in `c`.
    pub(crate) fn contains(&self, c: &Constraint, resource: &str) -> bool {
        c.inc.iter().all(|&p| self.matches(p, resource))
            && !c.exc.iter().any(|&p| self.matches(p, resource))
    }

    /// Whether `c` has members, with a shortest one (cached: the search asks again for every
    /// caller).
    pub(crate) fn decide(&self, c: &Constraint) -> Answer {
        if self
            .decided
            .lock()
            .is_ok_and(|m| m.len() >= self.limits.max_resource_sets)
        {
            if let Some(a) = self.decided.lock().ok().and_then(|m| m.get(c).cloned()) {
                return a;
            }
            return Answer::Unknown(format!(
                "may allow: more than {} sets of resources to decide (`max_resource_sets`)",
                self.limits.max_resource_sets
            ));
        }
        cached(&self.decided, c, || self.search(c, false))
    }

    /// [`Resources::decide`] with an ARN-shaped member where `c` has one within reach: for
    /// witnesses.
    pub(crate) fn member(&self, c: &Constraint) -> Answer {
        cached(&self.members, c, || self.search(c, true))
    }

    /// (disjoint, `a` within `b`) for two automata, cached.
    fn relation(&self, a: usize, b: usize) -> (bool, bool) {
        if let Some(r) = self.pairs.lock().ok().and_then(|m| m.get(&(a, b)).copied()) {
            return r;
        }
        let r = match (self.autos.get(a), self.autos.get(b)) {
            (Some(x), Some(y)) if !(x.head.starts_with(&y.head) || y.head.starts_with(&x.head)) => {
                (true, false)
            }
            (Some(x), Some(y)) => {
                let (lx, ly) = (Language::of(&x.dfa), Language::of(&y.dfa));
                (
                    matches!(ops::intersection(lx, ly, &self.limits.ops), Ok(None)),
                    matches!(ops::inclusion(lx, ly, &self.limits.ops), Ok(None)),
                )
            }
            _ => (false, false),
        };
        if let Ok(mut m) = self.pairs.lock() {
            m.insert((a, b), r);
        }
        r
    }

    /// `c` without the patterns that change nothing (a "does not match" pattern no member of
    /// an "matches" one can match; a "matches" pattern another one implies), or `None` when
    /// two patterns alone show it empty. The same set of resources either way.
    fn reduce(&self, c: &Constraint) -> Option<Constraint> {
        for (i, &a) in c.inc.iter().enumerate() {
            for &b in c.inc.iter().skip(i + 1) {
                if self.relation(a, b).0 {
                    return None;
                }
            }
            for &e in &c.exc {
                if self.relation(a, e).1 {
                    return None;
                }
            }
        }
        let exc = c
            .exc
            .iter()
            .copied()
            .filter(|&e| !c.inc.iter().any(|&a| self.relation(a, e).0))
            .collect();
        let inc = c
            .inc
            .iter()
            .copied()
            .filter(|&a| {
                !c.inc
                    .iter()
                    .any(|&b| b != a && self.relation(b, a).1 && !(b > a && self.relation(a, b).1))
            })
            .collect();
        Some(Constraint { inc, exc })
    }

    fn search(&self, c: &Constraint, readable: bool) -> Answer {
        let Some(reduced) = self.reduce(c) else {
            return Answer::Empty;
        };
        let lang = |id: &usize| self.autos.get(*id).map(|a| Language::of(&a.dfa));
        let inc: Vec<Language<'_, Vec<u32>>> = reduced.inc.iter().filter_map(lang).collect();
        let exc: Vec<Language<'_, Vec<u32>>> = reduced.exc.iter().filter_map(lang).collect();
        if !readable {
            return match ops::boolean_nonempty(&inc, &exc, &self.limits.ops) {
                Ok(Some(w)) => Answer::Member(w),
                Ok(None) => Answer::Empty,
                Err(e) => Answer::Unknown(format!(
                    "may allow: deciding a set of resources: {e} (`max_product_states`)"
                )),
            };
        }
        let any = match self.decide(c) {
            Answer::Member(w) => w,
            other => return other,
        };
        // An ARN-shaped member if there is one within a small budget (depth first: readable
        // bytes first, so members stay short).
        let small = ops::Limits {
            max_states: self.limits.ops.max_states.min(4096),
        };
        let mut preferred = inc.clone();
        preferred.push(Language::of(&self.prefer));
        if let Ok(Some(w)) = ops::boolean_nonempty(&preferred, &exc, &small) {
            return Answer::Member(w);
        }
        Answer::Member(any)
    }
}

fn cached(
    map: &Mutex<HashMap<Constraint, Answer>>,
    c: &Constraint,
    compute: impl FnOnce() -> Answer,
) -> Answer {
    if let Some(a) = map.lock().ok().and_then(|m| m.get(c).cloned()) {
        return a;
    }
    let answer = compute();
    if let Ok(mut m) = map.lock() {
        m.insert(c.clone(), answer.clone());
    }
    answer
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use super::*;
    use iamc_compiler::lower::resource_glob;
    use iamc_grammar::ast::Version;
    use iamc_runtime::PolicyType;

    fn resources(patterns: &[&str]) -> Resources {
        let limits = Limits::default();
        let globs: Vec<(String, OwnedDfa)> = patterns
            .iter()
            .map(|p| {
                let g = resource_glob(p, PolicyType::Identity, Version::V2012_10_17)
                    .unwrap()
                    .unwrap();
                let dfa = build(&[glob_hir(&g, false)], &limits, p).unwrap();
                ((*p).to_owned(), dfa)
            })
            .collect();
        Resources::build(globs, &limits).unwrap()
    }

    #[test]
    fn constraints_are_decided_with_readable_members() {
        let r = resources(&[
            "arn:aws:s3:::b/*",
            "arn:aws:s3:::b/private/*",
            "arn:*:*:*:*:*",
        ]);
        let c = Constraint::default().with(0, true).with(1, false);
        let Answer::Member(w) = r.member(&c) else {
            panic!("no member")
        };
        assert!(w.starts_with("arn:aws:s3:::b/") && !w.starts_with("arn:aws:s3:::b/private/"));
        assert!(r.contains(&c, &w));
        assert!(!r.contains(&c, "arn:aws:s3:::b/private/k"));
        // Every `b/private/` object is a `b/` object; every ARN-shaped one matches the third.
        assert_eq!(
            r.decide(&Constraint::default().with(1, true).with(0, false)),
            Answer::Empty
        );
        assert_eq!(
            r.decide(&Constraint::default().with(0, true).with(2, false)),
            Answer::Empty
        );
        // Nothing assigned: `*` and every other string.
        assert!(matches!(
            r.decide(&Constraint::default()),
            Answer::Member(_)
        ));
        let kms = Constraint::default().with(r.kms, true);
        let Answer::Member(k) = r.member(&kms) else {
            panic!("no key")
        };
        assert!(k.contains(":kms:") && k.contains(":key/"));
    }
}
