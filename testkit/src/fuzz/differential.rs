//! `compile_differential`: generated policy sets, compiled through bytes, against the reference
//! interpreter.

use iamc::reference::PolicySet;
use iamc_grammar::ast::{self, PolicyType};
use iamc_runtime::{Artifact, Request};

use super::parse_one;
use crate::gen::{Case, Settings};
use crate::tape::Tape;

/// Compiles `policies` to artifact bytes and loads them back.
pub fn compile_and_load(policies: &[ast::Policy]) -> Result<(Vec<u8>, Artifact), String> {
    let bytes = iamc_compiler::compile(policies, &iamc_compiler::Config::default())
        .map_err(|e| format!("compile: {e}"))?;
    let loaded = load(&bytes).map_err(|e| format!("load: {e}"))?;
    let (program, dfas) =
        iamc_compiler::inspect::read_artifact(&bytes).map_err(|e| format!("read back: {e}"))?;
    assert_eq!(
        iamc_compiler::container::write_artifact(&program, &dfas),
        bytes,
        "an artifact does not round-trip through bytes"
    );
    Ok((bytes, loaded))
}

/// `Artifact::from_bytes`, its error rendered (a load error must have a message).
pub fn load(bytes: &[u8]) -> Result<Artifact, String> {
    Artifact::from_bytes(bytes).map_err(|e| {
        let m = e.to_string();
        assert!(!m.is_empty(), "a load error with no message");
        m
    })
}

/// The compiled and the reference explanation of `req` are equal, and `authorize` agrees.
pub fn assert_same(artifact: &Artifact, reference: &PolicySet, req: &Request) {
    let compiled = artifact.explain(req);
    let expected = reference.explain(req);
    assert_eq!(
        compiled, expected,
        "compiled (left) and reference (right) differ on {req:?}"
    );
    assert_eq!(
        artifact.authorize(req),
        compiled.decision,
        "authorize vs explain on {req:?}"
    );
    let _ = iamc::io::explanation_to_json(&compiled);
}

/// Callers the differential requests name (every principal kind, two accounts, none).
const CALLERS: [Option<&str>; 7] = [
    None,
    Some("arn:aws:iam::111122223333:user/alice"),
    Some("arn:aws:sts::111122223333:assumed-role/dev/s1"),
    Some("arn:aws:sts::111122223333:federated-user/bob"),
    Some("arn:aws:iam::444455556666:user/eve"),
    Some("ecs-tasks.amazonaws.com"),
    Some("*"),
];

/// `compile_differential`: a policy set and requests drawn from the bytes by the generators
/// ([`crate::gen::Case::generate`]: policies rendered as JSON and parsed by the grammar), compiled
/// and reference explanations equal. Each policy goes to a slot the tape chooses among the
/// identity-like types (identity, boundary, session, one of two SCP levels), and each request
/// names a caller and sometimes a resource account. A generated policy the grammar refuses as
/// its slot's type is skipped (the generator writes identity policies); a small valid set that
/// does not compile, or an artifact that does not load back, is a finding.
pub fn compile_differential(data: &[u8]) {
    let mut t = Tape::new(data);
    let case = Case::generate(&mut t, &Settings::default());
    let mut set = iamc_grammar::PolicySet::default();
    let scp_levels = t.below(3);
    set.scp = vec![Vec::new(); scp_levels];
    for (name, text) in &case.documents {
        let kind = match t.below(8) {
            0 => PolicyType::Boundary,
            1 => PolicyType::Session,
            2 if scp_levels > 0 => PolicyType::Scp,
            _ => PolicyType::Identity,
        };
        let Some(mut p) = parse_one(name, text, kind) else {
            return;
        };
        p.name.clone_from(name);
        match kind {
            PolicyType::Boundary => set.boundary.push(p),
            PolicyType::Session => set.session.push(p),
            PolicyType::Scp => {
                let level = t.below(scp_levels);
                if let Some(l) = set.scp.get_mut(level) {
                    l.push(p);
                }
            }
            _ => set.identity.push(p),
        }
    }
    let artifact = match iamc_compiler::compile_set(&set, &iamc_compiler::Config::default())
        .map_err(|e| format!("compile: {e}"))
        .and_then(|bytes| load(&bytes))
    {
        Ok(a) => a,
        Err(e) => panic!("{e}\n{case:?}"),
    };
    let reference = PolicySet::from_set(set);
    for req in &case.requests {
        let mut req = req.clone();
        req.principal = t.pick(&CALLERS).copied().flatten().map(str::to_owned);
        if t.one_in(4) {
            req.resource_account = Some(t.pick_str(&["111122223333", "444455556666"]));
        }
        assert_same(&artifact, &reference, &req);
    }
}
