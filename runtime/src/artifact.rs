//! [`Artifact`]: a loaded, validated policy set that decides requests.

mod load;

use iamc_format::codec::decode_program;
use iamc_format::container;
use iamc_format::program::Program;

use crate::{eval, Decision, Dfa, Explanation, LoadError, PolicyType, Request};

/// A compiled policy set, loaded and validated: answers requests with DFA lookups.
///
/// Built by [`Artifact::from_bytes`] from the bytes `iamc compile` (or
/// `iamc_compiler::compile_set`) wrote. Immutable, `Send + Sync` and `UnwindSafe`: share one
/// per process.
///
/// ```
/// use iamc_runtime::{Artifact, Decision, Request};
///
/// let artifact = Artifact::from_bytes(include_bytes!("../../tests/data/artifacts/v5/ecs.iamc"))?;
/// let req = Request::new("ecs:ListClusters", "*");
/// assert_eq!(artifact.authorize(&req), Decision::Allow);
/// # Ok::<(), iamc_runtime::LoadError>(())
/// ```
#[derive(Debug, Clone)]
pub struct Artifact {
    program: Program,
    dfas: Vec<Dfa>,
}

// testoibits: what a service may rely on when it shares one artifact between threads.
const _: () = {
    const fn assert_traits<T: Send + Sync + std::panic::UnwindSafe + std::panic::RefUnwindSafe>() {}
    assert_traits::<Artifact>();
};

/// DFA bytes above which [`Artifact::from_bytes`] validates the DFAs on a second thread (a
/// thread costs tens of microseconds: small artifacts load faster on one).
const PARALLEL_LOAD_BYTES: usize = 1 << 20;

impl Artifact {
    /// Loads artifact bytes, validating every byte: the container (label, version, checksums,
    /// section table: `iamc_format::container::read_with`, checksums by `crc32fast`), each DFA section (`regex-automata`'s
    /// checking deserializer), the metadata, then every cross reference of the program against
    /// the DFAs. O(size); never panics.
    ///
    /// An artifact with more than 1 MiB of DFA sections is loaded on two threads: the DFAs are
    /// validated on a scoped second thread while this one decodes the metadata (the checks and
    /// their order of errors are the same; if the thread cannot be spawned, everything runs on
    /// this one). On the whole AWS-managed corpus this takes the load from 7.8 ms to about
    /// 4.8 ms on a 2-core machine (BENCHMARKS.md).
    ///
    /// ```
    /// use iamc_runtime::Artifact;
    ///
    /// let bytes = include_bytes!("../../tests/data/artifacts/v5/ecs.iamc");
    /// let artifact = Artifact::from_bytes(bytes)?;
    /// assert_eq!(artifact.policy_count(), 10);
    ///
    /// let mut damaged = bytes.to_vec();
    /// damaged[200] ^= 1;
    /// assert!(Artifact::from_bytes(&damaged).unwrap_err().is_checksum_error());
    /// # Ok::<(), iamc_runtime::LoadError>(())
    /// ```
    ///
    /// # Errors
    /// The first check that fails, naming the field or section (`checksum mismatch in section
    /// 2 (dfa)`, `unsupported format version: expected 5, found 4`, `invalid program: ...`).
    pub fn from_bytes(bytes: &[u8]) -> Result<Artifact, LoadError> {
        let container = container::read_with(bytes, crc32fast::hash)?;
        let dfa_sections = || load::load_dfas(container.dfa_sections());
        let (dfas, program) = if container.dfa_bytes() > PARALLEL_LOAD_BYTES {
            std::thread::scope(|s| {
                let job = std::thread::Builder::new()
                    .name("iamc-load-dfas".into())
                    .spawn_scoped(s, dfa_sections)
                    .ok();
                let program = decode_program(container.metadata());
                let dfas = match job {
                    Some(handle) => handle.join().unwrap_or_else(|_| {
                        Err(LoadError::dfa(0, "the dfa loading thread panicked"))
                    }),
                    None => dfa_sections(),
                };
                (dfas, program)
            })
        } else {
            (dfa_sections(), decode_program(container.metadata()))
        };
        // DFA errors first, as a sequential load reports them.
        let dfas = dfas?;
        let program = program?;
        let shapes: Vec<load::Shape<'_>> = dfas.iter().map(load::Shape).collect();
        program.validate(&shapes)?;
        Ok(Artifact { program, dfas })
    }

    /// The decision for `req`: explicit deny beats allow beats implicit deny.
    ///
    /// Allocates nothing; its cost grows with the request's length and the number of statements
    /// whose action element accepts the request's action, not with the policy set's size.
    /// Anything inconsistent met on the way denies.
    ///
    /// ```
    /// use iamc_runtime::{Artifact, Decision, Request, Scalar, Value};
    ///
    /// let artifact = Artifact::from_bytes(include_bytes!("../../tests/data/artifacts/v5/ecs.iamc"))?;
    /// let task = "arn:aws:ecs:us-east-1:111122223333:task/dev/0a1b2c";
    /// let without_mfa = Request::new("ecs:StopTask", task)
    ///     .with_context("aws:MultiFactorAuthPresent", Value::Single(Scalar::Bool(false)));
    /// assert_eq!(artifact.authorize(&without_mfa), Decision::ExplicitDeny);
    /// # Ok::<(), iamc_runtime::LoadError>(())
    /// ```
    pub fn authorize(&self, req: &Request) -> Decision {
        eval::authorize(&self.program, &self.dfas, req)
    }

    /// The decision, every statement that applies to `req` (by policy type, then in policy
    /// order) and the reason: which policy type decided.
    ///
    /// Unlike [`Artifact::authorize`] it allocates (the list of statements) and looks at every
    /// candidate statement, not only until the decision is known.
    ///
    /// ```
    /// use iamc_runtime::{Artifact, Decision, Effect, PolicyType, Request};
    ///
    /// let artifact = Artifact::from_bytes(include_bytes!("../../tests/data/artifacts/v5/ecs.iamc"))?;
    /// let e = artifact.explain(&Request::new("ecs:ListClusters", "*"));
    /// assert_eq!(e.decision, Decision::Allow);
    /// assert_eq!(e.statements[0].effect, Effect::Allow);
    /// assert_eq!(e.statements[0].policy_type, PolicyType::Identity);
    /// assert_eq!(e.reason.message(), "allowed by the identity-based policies");
    /// # Ok::<(), iamc_runtime::LoadError>(())
    /// ```
    pub fn explain(&self, req: &Request) -> Explanation {
        eval::explain(&self.program, &self.dfas, req)
    }

    /// The decision explained in detail: [`Artifact::explain`]'s answer, the place of each
    /// statement in its policy text, the statements that came closest (action, resource and
    /// principal matched, a condition did not) with each failed condition as written and the
    /// request's value, and the context keys the policies reference that the request lacks
    /// (see [`Diagnosis`](crate::Diagnosis)).
    ///
    /// Allocates and looks at every candidate statement's every clause: for people and logs,
    /// not for the request path.
    ///
    /// ```
    /// use iamc_runtime::{Artifact, Decision, Request};
    ///
    /// let artifact = Artifact::from_bytes(include_bytes!("../../tests/data/artifacts/v5/ecs.iamc"))?;
    /// let req = Request::new("s3:GetObject", "arn:aws:s3:::home/alice/notes.txt");
    /// let d = artifact.diagnose(&req);
    /// assert_eq!(d.explanation, artifact.explain(&req));
    /// assert_eq!(d.explanation.decision, Decision::ImplicitDeny);
    /// // `OwnHome` allows `arn:aws:s3:::home/${aws:username}/*`: the request has no user name.
    /// assert!(d.missing_context_values.contains(&"aws:username".to_owned()));
    /// # Ok::<(), iamc_runtime::LoadError>(())
    /// ```
    pub fn diagnose(&self, req: &Request) -> crate::Diagnosis {
        eval::diagnose(&self.program, &self.dfas, req)
    }

    /// Number of statements, over every policy of the set.
    ///
    /// ```
    /// use iamc_runtime::Artifact;
    ///
    /// let artifact = Artifact::from_bytes(include_bytes!("../../tests/data/artifacts/v5/ecs.iamc"))?;
    /// assert!(artifact.statement_count() >= artifact.policy_count());
    /// # Ok::<(), iamc_runtime::LoadError>(())
    /// ```
    pub fn statement_count(&self) -> usize {
        self.program.statements.len()
    }

    /// Number of policies, over every type.
    ///
    /// ```
    /// use iamc_runtime::Artifact;
    ///
    /// let artifact = Artifact::from_bytes(include_bytes!("../../tests/data/artifacts/v5/ecs.iamc"))?;
    /// // Three identity policies, a boundary, a resource policy, a trust policy, an RCP and
    /// // three SCPs over two organization levels.
    /// assert_eq!(artifact.policy_count(), 10);
    /// # Ok::<(), iamc_runtime::LoadError>(())
    /// ```
    pub fn policy_count(&self) -> usize {
        self.program.policies.len()
    }

    /// The typed groups of the set, in listing order: each policy type present, and each
    /// organization level (SCP, RCP) with its level, root first.
    ///
    /// ```
    /// use iamc_runtime::{Artifact, PolicyType};
    ///
    /// let artifact = Artifact::from_bytes(include_bytes!("../../tests/data/artifacts/v5/ecs.iamc"))?;
    /// let groups: Vec<(PolicyType, u32)> = artifact.groups().collect();
    /// assert_eq!(groups[0], (PolicyType::Identity, 0));
    /// # Ok::<(), iamc_runtime::LoadError>(())
    /// ```
    pub fn groups(&self) -> impl Iterator<Item = (PolicyType, u32)> + '_ {
        self.program.groups.iter().map(|g| (g.policy_type, g.level))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_fast_checksum_is_the_formats() {
        let data: Vec<u8> = (0..5000u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect();
        for n in [0, 1, 7, 16, 17, 100, 4096, 5000] {
            let d = data.get(..n).unwrap_or_default();
            assert_eq!(
                crc32fast::hash(d),
                iamc_format::container::crc32(d),
                "{n} bytes"
            );
        }
    }
}
