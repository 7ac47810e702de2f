//! Programs and policy sets that must fail closed: inconsistent indices, ceilings alone,
//! policies in the slot of another type.

use super::*;

/// A program whose indices do not fit its DFAs never loads: inconsistency is refused at the
/// door, so evaluation never sees it (and denies if it ever did).
#[test]
fn hostile_inconsistent_programs_are_refused() {
    let policies = vec![parse("ops.json", &operators_text())];
    let c = iamc_compiler::compile_program(&policies, &iamc_compiler::Config::default()).unwrap();
    let good = c.program.clone();
    let load = |p: &iamc_format::program::Program| {
        Artifact::from_bytes(&iamc_compiler::container::write_artifact(p, &c.dfas))
    };
    assert!(load(&good).is_ok());
    type Edit = Box<dyn Fn(&mut iamc_format::program::Program)>;
    let edits: Vec<(&str, Edit)> = vec![
        ("policy index", Box::new(|p| p.statements[0].policy = 99)),
        ("shard range", Box::new(|p| p.shards[0].end += 1)),
        ("shard dfa", Box::new(|p| p.shards[0].dfa = 999)),
        ("default list", Box::new(|p| p.shards[0].default_list = 999)),
        ("pattern count", Box::new(|p| p.resource_patterns += 1)),
        (
            "candidate",
            Box::new(|p| {
                let sh = &mut p.shards[0];
                let l = sh.lists[0];
                let at = (l.start + l.deny_len) as usize;
                sh.ids[at..]
                    .iter_mut()
                    .take(1)
                    .for_each(|id| *id = u32::MAX);
                sh.ids.push(u32::MAX);
            }),
        ),
        (
            "candidate range",
            Box::new(|p| p.shards[0].lists[0].allow_len += 1_000_000),
        ),
        (
            "literal list",
            Box::new(|p| {
                if let Some(l) = p.shards[0].literals.lists.first_mut() {
                    *l = 999_999;
                }
            }),
        ),
        (
            "literal slot",
            Box::new(|p| {
                let t = &mut p.shards[0].literals;
                if let Some(slot) = t.slots.iter_mut().find(|s| **s != u32::MAX) {
                    *slot = u32::MAX;
                }
            }),
        ),
        (
            "candidate effect",
            Box::new(|p| {
                // The first list's Allow statements counted as Deny statements.
                let l = &mut p.shards[0].lists[0];
                l.deny_len += l.allow_len;
                l.allow_len = 0;
            }),
        ),
        (
            "missing statement",
            Box::new(|p| {
                p.statements.pop();
            }),
        ),
    ];
    for (what, edit) in edits {
        let mut p = good.clone();
        edit(&mut p);
        if p == good {
            continue; // e.g. the first list had no Allow to move
        }
        let e = load(&p).expect_err(what);
        assert!(
            e.to_string().starts_with("invalid program: "),
            "{what}: an inconsistent program loaded or failed otherwise: {e}"
        );
    }
}

/// A ceiling (boundary, session policy, SCP) never grants on its own, in either engine; a
/// policy put in the slot of another type is refused by the compiler and denies everything in
/// the reference interpreter (it must never be decided as the type of the slot).
#[test]
fn hostile_ceilings_never_grant_and_misplaced_policies_fail_closed() {
    let text =
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}"#;
    let req = Request::new("s3:GetObject", "arn:aws:s3:::b/k");
    for kind in [PolicyType::Boundary, PolicyType::Session, PolicyType::Scp] {
        let mut p = iamc_grammar::parse_policy(&SourceFile::new("ceiling.json", text), kind)
            .unwrap()
            .policy;
        p.name = "ceiling.json".into();
        // Alone: nothing grants.
        let alone = vec![p.clone()];
        let compiled = compile(&alone).unwrap().explain(&req);
        let reference = PolicySet::new(alone).explain(&req);
        assert_eq!(compiled, reference, "{kind:?}");
        assert_eq!(reference.decision, Decision::ImplicitDeny, "{kind:?}");
        assert_eq!(reference.reason, iamc_runtime::Reason::NoGrant, "{kind:?}");
        // With an identity policy: allowed, the ceiling's statement listed with its type.
        let with_identity = vec![parse("id.json", text), p.clone()];
        let compiled = compile(&with_identity).unwrap().explain(&req);
        let reference = PolicySet::new(with_identity).explain(&req);
        assert_eq!(compiled, reference, "{kind:?}");
        assert_eq!(reference.decision, Decision::Allow, "{kind:?}");
        assert_eq!(reference.statements.len(), 2, "{kind:?}");
        // Misplaced: a ceiling in the identity slot.
        let misplaced = iamc_grammar::PolicySet {
            identity: vec![p],
            ..Default::default()
        };
        let e = iamc_compiler::compile_set(&misplaced, &iamc_compiler::Config::default())
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            format!("`ceiling.json` is a {kind:?} policy, given as an identity policy")
        );
        let x = PolicySet::from_set(misplaced).explain(&req);
        assert_eq!(x.decision, Decision::ImplicitDeny);
        assert!(x.statements.is_empty());
    }
}
