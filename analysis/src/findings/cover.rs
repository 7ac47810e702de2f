//! Whether one `Action` or `Resource` entry covers another, decided exactly on the engines' own
//! pattern semantics: each entry is lowered by the compiler (`lower::action_glob`,
//! `lower::resource_glob`: case folding, ARN padding, the reach of each wildcard across `:`),
//! and "`q` covers `p`" is the language inclusion `L(p) ⊆ L(q)` of their DFAs
//! (`automata::glob::build_glob_dfa`, `automata::ops::inclusion`).
//!
//! So an entry is called covered only when every request string it matches, now or with any
//! future action or resource, is matched by the other entry too: never a false redundancy.
//! Two readings keep that sound where the language is not fixed by the text:
//! - a policy variable in the *covered* entry is any text (a superset of every value it can
//!   take), so inclusion still proves coverage;
//! - an entry *with* variables covers nothing but its own repetitions (its language depends on
//!   the request), which [`super::checks`] finds by comparing texts.
//!
//! Most pairs are settled on the texts alone: `*` covers everything, and a member of the
//! covered entry (its text with wildcards empty) must be matched by the covering text read
//! loosely (every wildcard reaching across `:`, short ARNs padded: a superset of the engines'
//! language, so a miss is a sure "no"). Only the pairs left open are lowered and get DFAs
//! (each entry once): a member of the covered glob must be in the covering language (one DFA
//! walk), which for a literal covered entry is the whole answer, and otherwise the inclusion
//! search decides. Past the size bounds below nothing is claimed.

use std::cell::OnceCell;

use iamc_compiler::automata::build::OwnedDfa;
use iamc_compiler::automata::glob::{build_glob_dfa, Semantics};
use iamc_compiler::automata::ops::{self, Language};
use iamc_compiler::ir::{Glob, Piece};
use iamc_compiler::lower;
use iamc_grammar::ast::{PolicyType, Version};
use regex_automata::dfa::Automaton;
use regex_automata::util::start;
use regex_automata::Anchored;

use super::glob::{matches_symbols, Sym};

/// Wildcards and variables a glob may hold to be compared through automata; a longer pattern
/// is compared only by its text.
const MAX_HOLES: usize = 32;
/// Bytes of literal text a glob may hold to be compared through automata.
const MAX_TEXT: usize = 2048;

/// The DFA size limits for one entry: far below the compiler's, so a pathological pattern
/// fails fast (and is then not compared) instead of costing seconds.
fn config() -> iamc_compiler::Config {
    iamc_compiler::Config {
        dfa_size_limit: 1 << 20,
        determinize_size_limit: 1 << 20,
        ..iamc_compiler::Config::default()
    }
}

/// Product states one inclusion search may visit.
const SEARCH_LIMITS: ops::Limits = ops::Limits {
    max_states: 1 << 16,
};

/// One entry: its text read loosely, and its lowering on first need.
pub(crate) struct Entry {
    /// The entry as the loose reading sees it (a short ARN padded to six fields): every
    /// wildcard reaching everywhere, a superset of the engines' language, so a text it does
    /// not match is surely not in the language. `None` when the text has policy variables
    /// (then only the lowering answers).
    loose: Option<Vec<Sym>>,
    /// A member of the entry's language (wildcards empty, `?` one letter), or `None` as above.
    witness: Option<Vec<char>>,
    /// `*` itself: covers everything.
    any: bool,
    text: String,
    lowered: OnceCell<Option<Lowered>>,
}

/// An entry lowered by the compiler.
struct Lowered {
    glob: Glob,
    /// A member of the glob's language: wildcards and variables empty, `?` one letter.
    witness: String,
    /// Small enough for automata (`MAX_HOLES`, `MAX_TEXT`).
    comparable: bool,
    dfa: OnceCell<Option<OwnedDfa>>,
}

impl Lowered {
    fn new(glob: Glob) -> Lowered {
        let mut witness = String::new();
        let mut holes = 0usize;
        for p in &glob.pieces {
            match p {
                Piece::Lit(s) => witness.push_str(s),
                Piece::One { .. } => {
                    witness.push('x');
                    holes += 1;
                }
                Piece::Star { .. } | Piece::Var { .. } => holes += 1,
            }
        }
        Lowered {
            comparable: holes <= MAX_HOLES && witness.len() <= MAX_TEXT,
            witness,
            glob,
            dfa: OnceCell::new(),
        }
    }
}

/// The loose symbols and a member of an entry's text (module docs), `None` with variables.
fn loose(text: &str, semantics: Semantics, substitutes: bool) -> Option<(Vec<Sym>, Vec<char>)> {
    if substitutes && text.contains("${") {
        return None;
    }
    let mut padded = text.to_owned();
    if semantics == Semantics::Resource && text != "*" {
        for _ in text.matches(':').count()..5 {
            padded.push_str(":*");
        }
    }
    let mut syms = Vec::with_capacity(padded.len());
    let mut witness = Vec::with_capacity(padded.len());
    for c in padded.chars() {
        match c {
            '*' => syms.push(Sym::Star),
            '?' => {
                syms.push(Sym::One);
                witness.push('x');
            }
            c => {
                syms.push(Sym::Char(c));
                witness.push(c);
            }
        }
    }
    Some((syms, witness))
}

/// Answers coverage questions between the entries of one element, lowering each entry and
/// building its DFA at most once, and only when a loose test leaves the question open.
pub(crate) struct Cover {
    semantics: Semantics,
    kind: PolicyType,
    version: Version,
}

impl Cover {
    /// For `Action` entries (ASCII case ignored, as requests are matched).
    pub(crate) fn actions() -> Cover {
        Cover {
            semantics: Semantics::Action,
            kind: PolicyType::Identity,
            version: Version::V2012_10_17,
        }
    }

    /// For `Resource` entries of a policy of type `kind` and `version`.
    pub(crate) fn resources(kind: PolicyType, version: Version) -> Cover {
        Cover {
            semantics: Semantics::Resource,
            kind,
            version,
        }
    }

    /// An entry of this element.
    pub(crate) fn entry(&self, text: &str) -> Entry {
        let substitutes = self.version == Version::V2012_10_17;
        let (loose, witness) = loose(text, self.semantics, substitutes).unzip();
        Entry {
            loose,
            witness,
            any: text == "*",
            text: text.to_owned(),
            lowered: OnceCell::new(),
        }
    }

    /// The entry as the compiler lowers it; `None` for a text that is no valid entry (then
    /// only its repetitions are redundant) or that matches nothing.
    fn lowered<'e>(&self, e: &'e Entry) -> Option<&'e Lowered> {
        e.lowered
            .get_or_init(|| {
                let glob = match self.semantics {
                    Semantics::Action => lower::action_glob(&e.text).ok(),
                    _ => lower::resource_glob(&e.text, self.kind, self.version)
                        .ok()
                        .flatten(),
                };
                glob.map(Lowered::new)
            })
            .as_ref()
    }

    fn dfa<'e>(&self, e: &'e Lowered) -> Option<&'e OwnedDfa> {
        e.dfa
            .get_or_init(|| {
                if !e.comparable {
                    return None;
                }
                build_glob_dfa(std::slice::from_ref(&e.glob), self.semantics, &config())
                    .ok()
                    .map(|g| g.dfa)
            })
            .as_ref()
    }

    /// Whether every string `p` matches is matched by `q` (module docs); `false` when not
    /// shown.
    pub(crate) fn covers(&self, q: &Entry, p: &Entry) -> bool {
        if q.any {
            return true;
        }
        let fold = self.semantics == Semantics::Action;
        if let (Some(q), Some(w)) = (&q.loose, &p.witness) {
            if !matches_symbols(q, w, fold) {
                return false;
            }
        }
        let (Some(q), Some(p)) = (self.lowered(q), self.lowered(p)) else {
            return false;
        };
        if q.glob.has_vars() || q.glob == p.glob {
            return q.glob == p.glob;
        }
        let Some(qd) = self.dfa(q) else {
            return false;
        };
        if !accepts(qd, &p.witness) {
            return false;
        }
        if p.glob.is_literal() {
            return true;
        }
        let Some(pd) = self.dfa(p) else {
            return false;
        };
        matches!(
            ops::inclusion(Language::of(pd), Language::of(qd), &SEARCH_LIMITS),
            Ok(None)
        )
    }
}

/// Whether `dfa` (anchored, end-anchored patterns) matches the whole of `text`.
fn accepts(dfa: &OwnedDfa, text: &str) -> bool {
    let Ok(mut s) = dfa.start_state(&start::Config::new().anchored(Anchored::Yes)) else {
        return false;
    };
    for &b in text.as_bytes() {
        s = dfa.next_state(s, b);
        if dfa.is_dead_state(s) {
            return false;
        }
    }
    dfa.is_match_state(dfa.next_eoi_state(s))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn action_covers(q: &str, p: &str) -> bool {
        let c = Cover::actions();
        c.covers(&c.entry(q), &c.entry(p))
    }

    fn resource_covers(q: &str, p: &str) -> bool {
        let c = Cover::resources(PolicyType::Identity, Version::V2012_10_17);
        c.covers(&c.entry(q), &c.entry(p))
    }

    #[test]
    fn actions() {
        assert!(action_covers("iam:Get*", "iam:GetUser"));
        assert!(action_covers("iam:Get*", "iam:GetUs?r*"));
        assert!(action_covers("IAM:get*", "iam:GetUser"));
        assert!(!action_covers("iam:Get*", "iam:*CredentialReport"));
        assert!(!action_covers("iam:GetUser", "iam:Get*"));
        assert!(action_covers("*", "iam:GetUser"));
        assert!(action_covers("iam:*", "iam:Get*"));
        assert!(!action_covers("iam:a?", "iam:a*"));
        assert!(action_covers("iam:a*b", "iam:a?b"));
        // Exact where alignment of symbols is not: both are "one or more characters".
        assert!(action_covers("iam:?*", "iam:*?"));
        assert!(action_covers("iam:*?", "iam:?*"));
        assert!(action_covers("iam:*a*", "iam:?a*a"));
        assert!(!action_covers("iam:*a*", "iam:*"));
    }

    #[test]
    fn resources() {
        assert!(resource_covers(
            "arn:aws:iam::111122223333:role/jane*",
            "arn:aws:iam::111122223333:role/jane-admin"
        ));
        assert!(!resource_covers(
            "arn:aws:iam::111122223333:Role/Jane*",
            "arn:aws:iam::111122223333:role/jane-admin"
        ));
        assert!(resource_covers("arn:aws:s3:::*", "arn:aws:s3:::b/k:x"));
        assert!(!resource_covers("arn:aws:s3:::b/*", "arn:aws:s3:::b"));
        assert!(!resource_covers(
            "arn:aws:ecs:*:*:task/*",
            "arn:aws:ecs:us-east-1:1:task-definition/x"
        ));
        // A short ARN is padded with `:*` fields; a field-final `*` crosses colons, as the
        // engines read it.
        assert!(resource_covers(
            "arn:aws:ecs:*",
            "arn:aws:ecs:us-east-1:1:task/x"
        ));
        assert!(resource_covers(
            "arn:aws:logs:*:*:*",
            "arn:aws:logs:us-east-1:1:log-group:g:*"
        ));
        assert!(!resource_covers(
            "arn:aws:logs:us-*:1:*",
            "arn:aws:logs:*:1:log-group:g"
        ));
        // Variables: covered entries read them as any text; covering entries cover only
        // themselves.
        assert!(resource_covers(
            "arn:aws:s3:::b/*",
            "arn:aws:s3:::b/${aws:username}/x"
        ));
        assert!(!resource_covers(
            "arn:aws:s3:::b/${aws:username}/*",
            "arn:aws:s3:::b/${aws:username}/x"
        ));
        assert!(resource_covers(
            "arn:aws:s3:::b/${aws:username}/*",
            "arn:aws:s3:::b/${aws:username}/*"
        ));
    }

    #[test]
    fn huge_patterns_claim_nothing() {
        let long = format!("arn:aws:s3:::{}", "a*".repeat(100));
        assert!(!resource_covers(&long, &long.replace('*', "x")));
        assert!(resource_covers("*", &long));
    }
}
