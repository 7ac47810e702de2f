//! [`Artifact`]: a loaded, validated policy set that decides requests.

pub(crate) mod codec;

use crate::program::{Dfa, DfaShape, Program, ProgramError};
use crate::{eval, Decision, Explanation, Request};
use regex_automata::dfa::Automaton;
use regex_automata::util::primitives::StateID;

/// A compiled policy set, loaded and validated: answers requests with DFA lookups.
///
/// Built by [`Artifact::from_bytes`] from the bytes `iamc compile` (or
/// `iamc_compiler::compile`) wrote. Immutable and `Send + Sync`: share one per process.
#[derive(Debug, Clone)]
pub struct Artifact {
    program: Program,
    dfas: Vec<Dfa>,
}

const _: () = {
    const fn assert_send_sync<T: Send + Sync + std::panic::UnwindSafe>() {}
    assert_send_sync::<Artifact>();
};

/// One DFA of an artifact, as [`Artifact::automata`] reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AutomatonInfo {
    /// `action`, `resource` or `condition`.
    pub role: &'static str,
    pub patterns: usize,
    /// States reachable from the anchored start (the dead state excluded).
    pub states: usize,
    /// Heap bytes of the loaded DFA.
    pub bytes: usize,
}

/// The number of states reachable from the anchored start, dead state excluded.
fn reachable_states(dfa: &Dfa) -> usize {
    let Ok(start) = eval::anchored_start(dfa) else {
        return 0;
    };
    let reps: Vec<u8> = dfa
        .byte_classes()
        .representatives(0..=255)
        .filter_map(|u| u.as_u8())
        .collect();
    let mut seen = std::collections::HashSet::new();
    let mut stack = vec![start];
    seen.insert(start);
    while let Some(s) = stack.pop() {
        for &b in &reps {
            let n = dfa.next_state(s, b);
            if !dfa.is_dead_state(n) && seen.insert(n) {
                stack.push(n);
            }
        }
    }
    seen.len()
}

impl DfaShape for Dfa {
    fn patterns(&self) -> usize {
        self.pattern_len()
    }

    fn is_match(&self, state: u32) -> bool {
        let stride = 1usize.checked_shl(self.stride2() as u32).unwrap_or(0);
        match StateID::new(state as usize) {
            Ok(id) => {
                stride != 0 && (state as usize).is_multiple_of(stride) && self.is_match_state(id)
            }
            Err(_) => false,
        }
    }

    fn has_anchored_start(&self) -> bool {
        eval::anchored_start(self).is_ok()
    }
}

/// DFA bytes above which [`Artifact::from_bytes`] validates the DFAs on a second thread (a
/// thread costs tens of microseconds: small artifacts load faster on one).
pub const PARALLEL_LOAD_BYTES: usize = 1 << 20;

impl Artifact {
    /// Loads artifact bytes, validating every byte in the order documented in
    /// `crate::format` (container, checksums, DFAs), then the metadata and every cross
    /// reference of the program. Never panics; O(size).
    ///
    /// # Errors
    /// What is wrong, naming the field or section.
    ///
    /// An artifact with more than [`PARALLEL_LOAD_BYTES`] of DFA sections is loaded on two
    /// threads: the DFAs are validated on a scoped second thread while this one decodes the
    /// metadata (the checks and their order of errors are the same; if the thread cannot be
    /// spawned, everything runs on this one). On the whole AWS-managed corpus this takes the
    /// load from 7.8 ms to about 4.8 ms on a 2-core machine (BENCHMARKS.md).
    pub fn from_bytes(bytes: &[u8]) -> Result<Artifact, crate::LoadError> {
        let checked = crate::format::check(bytes)?;
        let (dfas, program) = if checked.dfa_bytes() > PARALLEL_LOAD_BYTES {
            std::thread::scope(|s| {
                let job = std::thread::Builder::new()
                    .name("iamc-load-dfas".into())
                    .spawn_scoped(s, || checked.load_dfas())
                    .ok();
                let program = codec::decode::<Program>(checked.meta);
                let dfas = match job {
                    Some(handle) => handle.join().unwrap_or_else(|_| {
                        Err(crate::LoadError::dfa(0, "the dfa loading thread panicked"))
                    }),
                    None => checked.load_dfas(),
                };
                (dfas, program)
            })
        } else {
            (checked.load_dfas(), codec::decode::<Program>(checked.meta))
        };
        // DFA errors first, as a sequential load reports them.
        let dfas = dfas?;
        Ok(Artifact::from_parts(program?, dfas)?)
    }

    /// The artifact's bytes (the format of `crate::format`), as `iamc compile` writes them.
    pub fn to_bytes(&self) -> Vec<u8> {
        let meta = codec::encode(&self.program);
        let dfas: Vec<Vec<u8>> = self
            .dfas
            .iter()
            .map(|d| {
                // `write_to_*` fails only on a short buffer; an empty section fails to load.
                let mut bytes = vec![0u8; d.write_to_len()];
                match d.write_to_little_endian(&mut bytes) {
                    Ok(n) if n == bytes.len() => bytes,
                    _ => Vec::new(),
                }
            })
            .collect();
        crate::format::write(&meta, &dfas, &crate::format::ProducerInfo::current())
    }

    /// Assembles an artifact from a decoded program and its loaded DFAs, validating every cross
    /// reference (the container's reader calls this; so do tests that skip the byte format).
    ///
    /// # Errors
    /// The first index of `program` that does not fit `dfas`.
    #[doc(hidden)]
    pub fn from_parts(program: Program, dfas: Vec<Dfa>) -> Result<Artifact, ProgramError> {
        program.validate(&dfas)?;
        Ok(Artifact { program, dfas })
    }

    /// The decision for `req`: explicit deny beats allow beats implicit deny.
    ///
    /// Allocates nothing; its cost grows with the request's length and the number of statements
    /// whose action element accepts the request's action, not with the policy set's size.
    /// Anything inconsistent met on the way denies.
    pub fn authorize(&self, req: &Request) -> Decision {
        eval::authorize(&self.program, &self.dfas, req)
    }

    /// The decision and every statement that applies to `req`, in policy order.
    pub fn explain(&self, req: &Request) -> Explanation {
        eval::explain(&self.program, &self.dfas, req)
    }

    /// Number of statements.
    pub fn statement_count(&self) -> usize {
        self.program.statements.len()
    }

    /// The typed groups of the set, in listing order: each policy type present, and each
    /// organization level (SCP, RCP) with its level, root first.
    pub fn groups(&self) -> impl Iterator<Item = (crate::PolicyType, u32)> + '_ {
        self.program.groups.iter().map(|g| (g.policy_type, g.level))
    }

    /// Number of policies.
    pub fn policy_count(&self) -> usize {
        self.program.policies.len()
    }

    /// `(heap bytes, pattern count)` of every DFA, in artifact order.
    pub fn dfa_sizes(&self) -> Vec<(usize, usize)> {
        self.dfas
            .iter()
            .map(|d| (d.memory_usage(), d.pattern_len()))
            .collect()
    }

    /// What each DFA is for and how big it is, in artifact order (`iamc inspect`). Counts the
    /// reachable states by exploring each DFA, so it takes time proportional to its size.
    pub fn automata(&self) -> Vec<AutomatonInfo> {
        self.dfas
            .iter()
            .enumerate()
            .map(|(i, d)| {
                let role = if self.program.shards.iter().any(|s| s.dfa as usize == i) {
                    "action"
                } else if self
                    .program
                    .resource_dfas
                    .iter()
                    .any(|r| r.dfa as usize == i)
                {
                    "resource"
                } else {
                    "condition"
                };
                AutomatonInfo {
                    role,
                    patterns: d.pattern_len(),
                    states: reachable_states(d),
                    bytes: d.memory_usage(),
                }
            })
            .collect()
    }

    #[doc(hidden)]
    pub fn program(&self) -> &Program {
        &self.program
    }
}
