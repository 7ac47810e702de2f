//! Finite partitions of infinite string sets: the classes of strings a multi-pattern DFA cannot
//! tell apart ([`ops::match_sets`]), each with a member and the bit set of the patterns it
//! matches. Actions, resources and condition values are all partitioned this way.

use std::collections::HashMap;

use iamc_compiler::automata::build::{BuildFailure, DfaBuilder};
use iamc_compiler::automata::ops;
use iamc_compiler::automata::OwnedDfa;
use regex_syntax::hir::Hir;

use super::{Budget, Limits};

/// A set of small integers (pattern ids, class ids), as words.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub(crate) struct Bits(Vec<u64>);

impl Bits {
    pub(crate) fn with(ids: impl IntoIterator<Item = usize>) -> Bits {
        let mut b = Bits::default();
        for i in ids {
            b.set(i);
        }
        b
    }

    pub(crate) fn set(&mut self, i: usize) {
        let (w, bit) = (i / 64, i % 64);
        if self.0.len() <= w {
            self.0.resize(w + 1, 0);
        }
        if let Some(word) = self.0.get_mut(w) {
            *word |= 1 << bit;
        }
    }

    pub(crate) fn get(&self, i: usize) -> bool {
        self.0.get(i / 64).is_some_and(|w| w & (1 << (i % 64)) != 0)
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        self.0.iter().enumerate().flat_map(|(w, &word)| {
            (0..64)
                .filter(move |b| word & (1 << b) != 0)
                .map(move |b| w * 64 + b)
        })
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.0.iter().all(|&w| w == 0)
    }

    /// The members of `self` that are in `mask`, trailing zero words dropped (so equal sets
    /// compare equal).
    pub(crate) fn and(&self, mask: &Bits) -> Bits {
        let mut v: Vec<u64> = self
            .0
            .iter()
            .zip(mask.0.iter())
            .map(|(a, b)| a & b)
            .collect();
        while v.last() == Some(&0) {
            v.pop();
        }
        Bits(v)
    }

    /// Whether every member of `self` is in `other`.
    pub(crate) fn subset_of(&self, other: &Bits) -> bool {
        self.0
            .iter()
            .enumerate()
            .all(|(i, &a)| a & !other.0.get(i).copied().unwrap_or(0) == 0)
    }
}

/// One class: the patterns its strings match, and one of them.
#[derive(Debug, Clone)]
pub(crate) struct Class {
    pub bits: Bits,
    pub witness: String,
}

/// The classes of every string under a list of patterns (pattern `i` is `hirs[i]`), and the
/// DFA that names the class of any string.
#[derive(Debug)]
pub(crate) struct Partition {
    dfa: OwnedDfa,
    pub classes: Vec<Class>,
    by_bits: HashMap<Bits, usize>,
}

impl Partition {
    /// Builds the DFA of `hirs` under the compiler's size limits and lists its classes (at
    /// most `max_classes` of them, a readable member preferred where `prefer` accepts one).
    /// `what` names the dimension in budget errors.
    pub(crate) fn build(
        hirs: &[Hir],
        prefer: Option<&Hir>,
        limits: &Limits,
        max_classes: (usize, &'static str),
        what: &str,
    ) -> Result<Partition, Budget> {
        let builder = DfaBuilder::new(&limits.config);
        let dfa = builder.try_build(hirs).map_err(|e| match e {
            BuildFailure::TooLarge => Budget::new(format!(
                "the automaton of {what} ({} patterns) exceeds the compiler's size limits (`dfa_size_limit`)",
                hirs.len()
            )),
            BuildFailure::Other(m) => Budget::new(format!("the automaton of {what}: {m}")),
        })?;
        Partition::from_dfa(dfa, prefer, limits, max_classes, what)
    }

    /// [`Partition::build`] over a DFA built elsewhere (anchored, `MatchKind::All`).
    pub(crate) fn from_dfa(
        dfa: OwnedDfa,
        prefer: Option<&Hir>,
        limits: &Limits,
        max_classes: (usize, &'static str),
        what: &str,
    ) -> Result<Partition, Budget> {
        let builder = DfaBuilder::new(&limits.config);
        let prefer =
            match prefer {
                Some(h) => Some(builder.try_build(std::slice::from_ref(h)).map_err(|_| {
                    Budget::new(format!("the preferred-witness automaton of {what}"))
                })?),
                None => None,
            };
        let sets = ops::match_sets(&dfa, prefer.as_ref(), &limits.ops).map_err(|e| {
            Budget::new(format!(
                "listing the classes of {what}: {e} (`max_product_states`)"
            ))
        })?;
        if sets.len() > max_classes.0 {
            return Err(Budget::new(format!(
                "{what} fall into {} classes, more than the limit of {} (`{}`)",
                sets.len(),
                max_classes.0,
                max_classes.1
            )));
        }
        let mut classes = Vec::with_capacity(sets.len());
        let mut by_bits = HashMap::with_capacity(sets.len());
        for m in sets {
            let bits = Bits::with(m.patterns.iter().map(|p| p.as_usize()));
            by_bits.insert(bits.clone(), classes.len());
            classes.push(Class {
                bits,
                witness: m.witness,
            });
        }
        Ok(Partition {
            dfa,
            classes,
            by_bits,
        })
    }

    /// The class of `s` (always some class: the classes cover every string).
    pub(crate) fn class_of(&self, s: &str) -> Option<usize> {
        let pats = ops::matched_patterns(&self.dfa, s).ok()?;
        let bits = Bits::with(pats.iter().map(|p| p.as_usize()));
        self.by_bits.get(&bits).copied()
    }

    /// Patterns `q` that some class matches together with all of `bits`: what a description
    /// of a class with these patterns should exclude ("`a*` except `ab*`"), leaving out the
    /// patterns that never meet it anyway.
    pub(crate) fn relevant_exclusions(&self, bits: &Bits, candidates: &Bits) -> Vec<usize> {
        let mut out = Bits::default();
        for c in &self.classes {
            if bits.subset_of(&c.bits) {
                for q in c.bits.iter() {
                    if candidates.get(q) && !bits.get(q) {
                        out.set(q);
                    }
                }
            }
        }
        out.iter().collect()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn bits() {
        let a = Bits::with([1, 70, 3]);
        assert_eq!(a.iter().collect::<Vec<_>>(), vec![1, 3, 70]);
        assert!(a.get(70) && !a.get(2));
        let m = Bits::with([3]);
        assert_eq!(a.and(&m), m);
        assert!(m.subset_of(&a) && !a.subset_of(&m));
        assert!(Bits::with([70]).and(&Bits::with([1])).is_empty());
        assert_eq!(Bits::with([70]).and(&Bits::with([1])), Bits::default());
    }
}
