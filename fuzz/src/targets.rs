//! The bodies of the fuzz targets, one function per target.
//!
//! The libFuzzer binaries (`fuzz_targets/*.rs`) call these, and so does the replay test
//! (`tests/fuzz_replay.rs` includes this file and `gen.rs` by path), so a committed crasher is
//! replayed through exactly the code path that found it. A property violation panics: that is
//! how libFuzzer (and the replay test) notice it.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::path::Path;

use iamc::reference::PolicySet;
use iamc_grammar::ast::{self, PolicyType};
use iamc_grammar::{SourceFile, Span};
use iamc_runtime::{Artifact, Request};

use super::gen::{self, Pools, Tape};

const KINDS: [PolicyType; 8] = [
    PolicyType::Identity,
    PolicyType::Resource,
    PolicyType::Trust,
    PolicyType::Boundary,
    PolicyType::Session,
    PolicyType::Scp,
    PolicyType::Rcp,
    PolicyType::Endpoint,
];

/// Parses `text` as a policy of `kind` through the grammar.
pub fn parse_one(name: &str, text: &str, kind: PolicyType) -> Option<ast::Policy> {
    let file = SourceFile::new(name, text);
    iamc_grammar::parse_policy(&file, kind)
        .ok()
        .map(|p| p.policy)
}

// ---------------------------------------------------------------------------------------------
// parse
// ---------------------------------------------------------------------------------------------

/// `parse`: arbitrary bytes into the grammar, as an identity policy and as one other kind
/// (chosen by the input length). Never panics; diagnostics render; every span of an accepted
/// policy lies inside the text on character boundaries and renders as `line:col`; the AST
/// contract of `ast.rs` holds.
pub fn parse(data: &[u8]) {
    // Raw bytes, as the CLI reads them: invalid UTF-8 is a diagnostic, not a panic.
    let lossy = SourceFile::new("fuzz.json", String::from_utf8_lossy(data).into_owned());
    match iamc_grammar::parse_policy_bytes("fuzz.json", data, PolicyType::Identity) {
        Ok(parsed) => check_policy(&lossy, &parsed.policy, PolicyType::Identity),
        Err(diags) => {
            assert!(!diags.is_empty(), "a rejection with no diagnostic");
            assert!(
                diags.iter().any(|d| d.is_error()),
                "a rejection with no error"
            );
            assert!(!diags.to_string().is_empty());
            let _ = diags.render(&lossy);
        }
    }
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let other = KINDS[1 + data.len() % (KINDS.len() - 1)];
    for kind in [PolicyType::Identity, other] {
        let file = SourceFile::new("fuzz.json", text);
        match iamc_grammar::parse_policy(&file, kind) {
            Ok(parsed) => {
                check_policy(&file, &parsed.policy, kind);
                for w in parsed.warnings.iter() {
                    assert!(!w.is_error(), "an accepted policy with an error");
                    check_span(&file, w.span());
                }
                let _ = parsed.warnings.render(&file);
            }
            Err(diags) => {
                for d in diags.iter() {
                    let span = d.span();
                    // A diagnostic may point one past the end (end of input), never further.
                    assert!(
                        span.start <= span.end && span.start <= text.len(),
                        "diagnostic span {span:?} outside a text of {} bytes",
                        text.len()
                    );
                    assert!(!d.message().is_empty());
                    assert_eq!(d.line_col(&file), (d.line(), d.col()));
                }
                let rendered = diags.render(&file);
                assert!(!rendered.is_empty(), "an error with no diagnostic");
            }
        }
    }
}

fn check_span(file: &SourceFile, span: Span) {
    let text = file.text();
    assert!(
        span.start <= span.end && span.end <= text.len(),
        "span {span:?} outside a text of {} bytes",
        text.len()
    );
    assert!(
        text.is_char_boundary(span.start) && text.is_char_boundary(span.end),
        "span {span:?} not on character boundaries"
    );
    let (line, col) = file.line_col(span.start);
    assert!(line >= 1 && col >= 1);
    let _ = file.line_text(line);
    let _ = file.line_col(span.end);
}

fn check_template(t: &ast::Template) {
    for s in &t.segments {
        if let ast::Segment::Escaped(c) = s {
            assert!(matches!(c, '*' | '?' | '$'), "escaped {c:?}");
        }
    }
}

fn check_policy(file: &SourceFile, p: &ast::Policy, kind: PolicyType) {
    assert_eq!(p.kind, kind);
    check_span(file, p.span);
    if let Some(s) = p.version_span {
        check_span(file, s);
    }
    if let Some(id) = &p.id {
        check_span(file, id.span);
    }
    // `"Statement": []` is accepted (a policy that never applies; the spec is silent on it).
    let identity_like = matches!(
        kind,
        PolicyType::Identity | PolicyType::Boundary | PolicyType::Session
    );
    for st in &p.statements {
        check_span(file, st.span);
        check_span(file, st.effect.span);
        if let Some(sid) = &st.sid {
            check_span(file, sid.span);
        }
        if identity_like {
            assert!(
                st.principal.is_none(),
                "a principal in an identity-like policy"
            );
        }
        if let Some(pb) = &st.principal {
            check_span(file, pb.span);
            if let ast::Principals::Map(entries) = &pb.principals {
                for e in entries {
                    check_span(file, e.value.span);
                }
            }
        }
        check_span(file, st.action.span);
        assert!(!st.action.patterns.is_empty(), "an empty action block");
        for a in &st.action.patterns {
            check_span(file, a.span);
            if let ast::ActionPattern::Service { service, name } = &a.node {
                assert!(
                    !service.is_empty() && !service.contains([':', '*', '?']),
                    "action service `{service}`"
                );
                assert!(!name.contains(':'), "action name `{name}` with a colon");
            }
        }
        match &st.resource {
            Some(rb) => {
                check_span(file, rb.span);
                if identity_like {
                    assert!(!rb.patterns.is_empty(), "an empty resource block");
                }
                for r in &rb.patterns {
                    check_span(file, r.span);
                    if let ast::ResourcePattern::Arn { raw, template } = &r.node {
                        assert!(raw.starts_with("arn:"), "resource `{raw}`");
                        check_template(template);
                        if p.version == ast::Version::V2008_10_17 {
                            assert!(template.is_constant(), "variables under 2008-10-17");
                        }
                    }
                }
            }
            None => assert!(
                !identity_like,
                "no resource block in an identity-like policy"
            ),
        }
        for c in &st.conditions {
            check_span(file, c.operator.span);
            assert!(
                !(c.operator.node.if_exists && c.operator.node.base == ast::BaseOperator::Null)
            );
            for (i, k) in c.keys.iter().enumerate() {
                check_span(file, k.key.span);
                for other in c.keys.iter().skip(i + 1) {
                    assert!(
                        !other.key.node.eq_ignore_ascii_case(&k.key.node),
                        "repeated condition key `{}`",
                        k.key.node
                    );
                }
                for v in &k.values {
                    check_span(file, v.span);
                    check_template(&v.node.template);
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// compile_differential
// ---------------------------------------------------------------------------------------------

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

/// `compile_differential`: a generated policy set (rendered as JSON and parsed by the grammar)
/// and generated requests; compiled and reference explanations are equal. Each policy goes to
/// a slot the tape chooses among the identity-like types (identity, boundary, session, one of
/// two SCP levels), and each request names a caller and sometimes a resource account. A
/// generated policy the grammar refuses is skipped (the generator aims to stay valid); a small
/// valid set that does not compile, or an artifact that does not load back, is a finding.
pub fn compile_differential(data: &[u8]) {
    let mut t = Tape::new(data);
    let case = gen::case(&mut t);
    let mut set = iamc_grammar::PolicySet::default();
    let scp_levels = t.below(3);
    set.scp = vec![Vec::new(); scp_levels];
    for (name, text) in &case.policies {
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
                set.scp[level].push(p);
            }
            _ => set.identity.push(p),
        }
    }
    let artifact = match iamc_compiler::compile_set(&set, &iamc_compiler::Config::default())
        .map_err(|e| format!("compile: {e}"))
        .and_then(|bytes| load(&bytes))
    {
        Ok(a) => a,
        Err(e) => panic!("{e}\npolicies: {:#?}", case.policies),
    };
    let reference = PolicySet::from_set(set);
    for req in &case.requests {
        let mut req = req.clone();
        req.principal = t.pick(&CALLERS).map(str::to_owned);
        if t.one_in(4) {
            req.resource_account = Some(t.pick(&["111122223333", "444455556666"]).to_string());
        }
        assert_same(&artifact, &reference, &req);
    }
}

// ---------------------------------------------------------------------------------------------
// load_artifact and authorize: a real compiled set
// ---------------------------------------------------------------------------------------------

/// A real policy set, its reference and compiled forms, and requests that reach its statements.
pub struct Fixture {
    pub reference: PolicySet,
    pub bytes: Vec<u8>,
    pub artifact: Artifact,
    /// A small artifact (two policies of the set), for byte-level mutation.
    pub small_bytes: Vec<u8>,
    pub small: Artifact,
    pub pools: Pools,
    /// Requests every loaded mutation of `small_bytes` is probed with.
    pub probes: Vec<Request>,
}

/// The policies of `dir` (`*.json`, sorted by name), parsed as identity policies.
pub fn load_dir(dir: &Path) -> Vec<ast::Policy> {
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            let text = std::fs::read_to_string(p).unwrap();
            let file = SourceFile::new(name, text);
            match iamc_grammar::parse_policy(&file, PolicyType::Identity) {
                Ok(parsed) => parsed.policy,
                Err(d) => panic!("{}: {d}", p.display()),
            }
        })
        .collect()
}

impl Fixture {
    /// Builds the fixture from the ECS policy set in `shared/policies/ecs`.
    pub fn new(shared: &Path) -> Fixture {
        let policies = load_dir(&shared.join("policies/ecs"));
        let (bytes, artifact) = compile_and_load(&policies).unwrap();
        let small_set: Vec<ast::Policy> = policies
            .iter()
            .filter(|p| p.name.starts_with("best-practice"))
            .cloned()
            .collect();
        let (small_bytes, small) = compile_and_load(&small_set).unwrap();
        let pools = Pools::of(&policies);
        let mut probes = Vec::new();
        for i in 0u8..64 {
            let seed = [
                i,
                i.wrapping_mul(7),
                i.wrapping_mul(13),
                i ^ 0x55,
                i.wrapping_add(3),
            ];
            probes.push(gen::pooled_request(&mut Tape::new(&seed), &pools));
        }
        Fixture {
            reference: PolicySet::new(policies),
            bytes,
            artifact,
            small_bytes,
            small,
            pools,
            probes,
        }
    }
}

/// CRC-32 (IEEE, reflected, as `crc32fast` computes it), bit by bit: the harness forges
/// checksums without a dependency.
pub fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(
        b.get(at..at.checked_add(4)?)?.try_into().ok()?,
    ))
}

fn u64_at(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_le_bytes(
        b.get(at..at.checked_add(8)?)?.try_into().ok()?,
    ))
}

fn put_u32(b: &mut [u8], at: usize, v: u32) {
    if let Some(slot) = b.get_mut(at..at + 4) {
        slot.copy_from_slice(&v.to_le_bytes());
    }
}

/// The section count and header length (`112 + 24n`) of a container (format version 1,
/// `runtime/src/format.rs`), when the count field is readable and plausible.
pub fn header_len(b: &[u8]) -> Option<(usize, usize)> {
    let n = usize::try_from(u32_at(b, 28)?).ok()?;
    if n > 1 << 16 {
        return None;
    }
    Some((n, 112 + 24 * n))
}

/// Makes a tampered container self-consistent the way a forger would: the total length field
/// (offset 32) is set to the buffer's length, every section CRC whose bounds lie inside the
/// buffer is recomputed, then the header CRC. Whatever then loads got past every checksum, so
/// only the structural validation stands between it and the runtime.
pub fn forge_checksums(b: &mut [u8]) {
    let Some((n, hlen)) = header_len(b) else {
        return;
    };
    if b.len() < hlen {
        return;
    }
    let total = (b.len() as u64).to_le_bytes();
    b[32..40].copy_from_slice(&total);
    for i in 0..n {
        let row = 104 + 24 * i;
        let (Some(off), Some(len)) = (u64_at(b, row + 8), u64_at(b, row + 16)) else {
            continue;
        };
        let range = usize::try_from(off)
            .ok()
            .zip(usize::try_from(len).ok())
            .and_then(|(o, l)| Some(o..o.checked_add(l)?));
        if let Some(section) = range.and_then(|r| b.get(r)) {
            let c = crc32(section);
            put_u32(b, row + 4, c);
        }
    }
    let table_end = 104 + 24 * n;
    let c = crc32(&b[..table_end]);
    put_u32(b, table_end, c);
}

/// Applies the payload's 5-byte records (little-endian offset, XOR mask) to `bytes`; a final
/// short record truncates (one byte: to that many 256ths) or appends (two to four bytes).
fn apply_edits(bytes: &mut Vec<u8>, payload: &[u8], skip: usize) {
    let mut chunks = payload.chunks_exact(5);
    for c in chunks.by_ref() {
        let off = u32::from_le_bytes([c[0], c[1], c[2], c[3]]) as usize;
        let editable = bytes.len().saturating_sub(skip);
        if editable > 0 {
            let i = skip + off % editable;
            bytes[i] ^= c[4].max(1);
        }
    }
    match chunks.remainder() {
        [] => {}
        [n] => bytes.truncate(usize::from(*n) * bytes.len() / 256),
        more => bytes.extend_from_slice(more),
    }
}

/// `load_artifact`: the first byte picks a mode, the rest is the payload.
/// - 0: a real header (of the small artifact: label, version, section table) followed by the
///   payload, checksums forged ([`forge_checksums`]);
/// - 1: the small artifact edited by the payload ([`apply_edits`]), checksums left alone: if it
///   loads anyway, it must decide 64 probe requests exactly like the original (every byte is
///   covered by a checksum or must be zero);
/// - 2: the payload itself (the seed corpus holds whole artifacts for libFuzzer to mutate);
/// - 3: the small artifact with its sections (past the header) edited, checksums forged:
///   structural validation alone must refuse it or produce an artifact that decides;
/// - 4: like 3, header included.
///
/// Never panics; whatever loads answers `explain`/`authorize` without panicking.
pub fn load_artifact(fx: &Fixture, data: &[u8]) {
    let (mode, payload) = match data.split_first() {
        Some((m, p)) => (*m, p),
        None => return,
    };
    let hlen = header_len(&fx.small_bytes).map_or(0, |(_, h)| h);
    match mode % 5 {
        0 => {
            let mut bytes = fx.small_bytes[..hlen.min(fx.small_bytes.len())].to_vec();
            bytes.extend_from_slice(payload);
            forge_checksums(&mut bytes);
            if let Ok(a) = load(&bytes) {
                exercise(fx, &a);
            }
        }
        1 => {
            let mut bytes = fx.small_bytes.clone();
            apply_edits(&mut bytes, payload, 0);
            if let Ok(a) = load(&bytes) {
                for req in &fx.probes {
                    assert_eq!(
                        a.explain(req),
                        fx.small.explain(req),
                        "an edited artifact loaded and decides {req:?} differently"
                    );
                }
                exercise(fx, &a);
            }
        }
        2 => {
            if let Ok(a) = load(payload) {
                exercise(fx, &a);
            }
        }
        m => {
            let mut bytes = fx.small_bytes.clone();
            apply_edits(&mut bytes, payload, if m == 3 { hlen } else { 0 });
            forge_checksums(&mut bytes);
            if let Ok(a) = load(&bytes) {
                exercise(fx, &a);
            }
        }
    }
}

fn exercise(fx: &Fixture, a: &Artifact) {
    for req in fx.probes.iter().take(16) {
        let e = a.explain(req);
        let _ = a.authorize(req);
        let _ = iamc::io::explanation_to_json(&e);
    }
}

/// `authorize`: odd first byte: the rest, as text, through `iamc::io::request_from_json`; even: a request
/// built from the set's own patterns and condition values. Compiled and reference explanations
/// of every request that parses are equal.
pub fn authorize(fx: &Fixture, data: &[u8]) {
    let (mode, payload) = match data.split_first() {
        Some((m, p)) => (*m, p),
        None => return,
    };
    let req = if mode % 2 == 1 {
        match iamc::io::request_from_json(&String::from_utf8_lossy(payload)) {
            Ok(r) => r,
            Err(e) => {
                assert!(!e.to_string().is_empty());
                return;
            }
        }
    } else {
        gen::pooled_request(&mut Tape::new(payload), &fx.pools)
    };
    assert_same(&fx.artifact, &fx.reference, &req);
}

// ---------------------------------------------------------------------------------------------
// sources
// ---------------------------------------------------------------------------------------------

/// `sources`: arbitrary bytes to `iamc::sources::read`. The first byte picks how the rest is
/// presented: (0) as the whole file; (1) as a YAML policy document inside a CloudFormation
/// role; (2) as the lines of a YAML `Resources` section; (3) as the policy string of a
/// Terraform plan, characters escaped as the bytes say. Never panics; an error has a
/// diagnostic inside the file; every extracted policy's map sends every span of its text to a
/// span inside the file on character boundaries; `check` and `parse` render their diagnostics
/// inside the file.
pub fn sources(data: &[u8]) {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let input = sources_input(mode, rest);
    let mut options = iamc::sources::Options {
        max_file_bytes: 1 << 20,
        ..iamc::sources::Options::default()
    };
    if mode & 0x10 != 0 {
        options
            .params
            .insert("AWS::AccountId".into(), "111122223333".into());
    }
    let read = iamc::sources::read("fuzz.src", &input, &options);
    let len = input.len();
    let src = match read {
        Err(e) => {
            assert!(!e.diagnostics().is_empty(), "an error with no diagnostic");
            for d in e.diagnostics() {
                assert!(d.span().start <= len.max(1), "error span out of the file");
                assert!(!d.to_string().is_empty());
            }
            return;
        }
        Ok(src) => src,
    };
    let template = src.file().text();
    let inside = |s: Span| {
        s.start <= s.end
            && s.end <= template.len()
            && template.is_char_boundary(s.start)
            && template.is_char_boundary(s.end)
    };
    for n in src.notes() {
        assert!(n.span().end <= template.len(), "note out of the file");
    }
    let limits = iamc_grammar::Limits::default();
    for p in src.policies() {
        let text = p.text();
        let map = p.map();
        let mut probes: Vec<Span> = text
            .char_indices()
            .take(2048)
            .map(|(i, c)| Span::new(i, i + c.len_utf8()))
            .collect();
        probes.extend([
            Span::new(0, text.len()),
            Span::new(0, 0),
            Span::new(text.len(), text.len()),
            Span::new(text.len() + 7, text.len() + 9),
            Span::new(5, 2),
        ]);
        for s in probes {
            let t = map.to_template(s);
            assert!(inside(t.span), "{}: {s:?} maps to {:?}", p.name(), t.span);
            assert_eq!(
                src.file().line_col(t.span.start),
                (t.line, t.col),
                "line:col of {:?}",
                t.span
            );
        }
        for u in p.unknowns() {
            assert!(inside(u.span()), "unknown out of the file");
            assert!(
                u.text_span().end <= text.len(),
                "placeholder out of the text"
            );
        }
        for d in p.check(&limits) {
            assert!(
                d.span().end <= template.len(),
                "check diagnostic out of the file"
            );
            assert!(d.to_string().starts_with("fuzz.src:"));
        }
        match p.parse(&limits) {
            Ok(parsed) => {
                assert!(
                    p.is_known(),
                    "a policy with unknowns was parsed for deciding"
                );
                for w in parsed.warnings.iter() {
                    assert!(w.span().end <= template.len());
                }
            }
            Err(d) => assert!(d.iter().all(|d| d.span().end <= template.len())),
        }
    }
}

/// The file `sources` reads for `mode` and the fuzzer's bytes.
fn sources_input(mode: u8, rest: &[u8]) -> Vec<u8> {
    let indent = |prefix: &str, pad: &str| {
        let mut out = prefix.as_bytes().to_vec();
        for line in rest.split(|&b| b == b'\n') {
            out.extend_from_slice(pad.as_bytes());
            out.extend_from_slice(line);
            out.push(b'\n');
        }
        out
    };
    match mode % 4 {
        0 => rest.to_vec(),
        1 => indent(
            "Parameters:\n  P: {Type: String, Default: s3}\nResources:\n  R:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument:\n",
            "        ",
        ),
        2 => indent("AWSTemplateFormatVersion: '2010-09-09'\nResources:\n", "  "),
        _ => {
            let text = String::from_utf8_lossy(rest);
            let mut out = String::from(
                "{\"format_version\":\"1.2\",\"resource_changes\":[{\"address\":\"aws_iam_policy.p\",\"mode\":\"managed\",\"type\":\"aws_iam_policy\",\"change\":{\"actions\":[\"create\"],\"after\":{\"policy\":\"",
            );
            for (i, c) in text.chars().enumerate() {
                let escape = (mode >> 2).wrapping_add(i as u8).is_multiple_of(3);
                match c {
                    '"' => out.push_str("\\\""),
                    '\\' => out.push_str("\\\\"),
                    c if u32::from(c) < 0x20 || (escape && !c.is_ascii()) => {
                        let mut units = [0u16; 2];
                        for u in c.encode_utf16(&mut units) {
                            out.push_str(&format!("\\u{u:04x}"));
                        }
                    }
                    '/' if escape => out.push_str("\\/"),
                    c => out.push(c),
                }
            }
            out.push_str("\"}}}]}");
            out.into_bytes()
        }
    }
}

// ---------------------------------------------------------------------------------------------
// simulate
// ---------------------------------------------------------------------------------------------

/// A JSON string literal of `text` (for the skeletons below).
fn json_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `simulate`: arbitrary bytes to `iamc::simulate::run`. The first byte picks how the rest is
/// presented: (0) the whole `--cli-input-json` document; (1) the text of `PolicyInputList.1`;
/// (2) the text of a `ResourcePolicy` (with a caller, for `s3:GetObject` and `sts:AssumeRole`);
/// (3) the value list of a context entry whose type the byte's high bits pick. Bit 2 selects
/// IAM semantics, bit 3 the compiled engine (the reference otherwise: compiling dominates).
/// Never panics; an error names a code AWS uses and, for the document itself, a `line:col`
/// inside it; an answer has one result per action and resource and prints as JSON the grammar
/// reads back.
pub fn simulate(data: &[u8]) {
    use iamc::simulate::{run, Engine, Options, Semantics};
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    let allow =
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#;
    let types = [
        "string",
        "stringList",
        "numeric",
        "numericList",
        "boolean",
        "booleanList",
        "ip",
        "ipList",
        "date",
        "dateList",
        "binary",
        "binaryList",
    ];
    let input = match mode % 4 {
        0 => text.into_owned(),
        1 => format!(
            r#"{{"PolicyInputList": [{}], "ActionNames": ["s3:GetObject", "sts:AssumeRole"], "ResourceArns": ["arn:aws:s3:::b/k"]}}"#,
            json_string(&text)
        ),
        2 => format!(
            r#"{{"PolicyInputList": [{}], "ActionNames": ["s3:GetObject", "sts:AssumeRole"], "ResourceArns": ["arn:aws:s3:::b/k"], "ResourcePolicy": {}, "CallerArn": "arn:aws:iam::111122223333:user/u", "ResourceOwner": "arn:aws:iam::111122223333:root"}}"#,
            json_string(allow),
            json_string(&text)
        ),
        _ => {
            let values: Vec<String> = text.split(',').map(json_string).collect();
            format!(
                r#"{{"PolicyInputList": [{}], "ActionNames": ["s3:GetObject"], "ContextEntries": [{{"ContextKeyName": "aws:SourceIp", "ContextKeyType": "{}", "ContextKeyValues": [{}]}}]}}"#,
                json_string(allow),
                types[usize::from(mode >> 4) % types.len()],
                values.join(",")
            )
        }
    };
    let options = Options {
        semantics: if mode & 4 != 0 {
            Semantics::Iam
        } else {
            Semantics::Simulator
        },
        engine: if mode & 8 != 0 {
            Engine::Compiled
        } else {
            Engine::Reference
        },
    };
    match run("fuzz.json", &input, &options) {
        Err(e) => {
            assert!(
                matches!(e.code(), "InvalidInput" | "PolicyEvaluation"),
                "{e}"
            );
            assert!(!e.message().is_empty());
            if let Some(rest) = e.message().strip_prefix("fuzz.json:") {
                let mut parts = rest.splitn(3, ':');
                let line: usize = parts.next().and_then(|l| l.parse().ok()).unwrap_or(1);
                let lines = input.lines().count().max(1);
                assert!(line >= 1 && line <= lines + 1, "{e}: line out of the input");
            }
        }
        Ok(sim) => {
            let json = sim.to_json();
            let src = SourceFile::new("out.json", json.as_str());
            assert!(
                iamc_grammar::parse_json(&src).is_ok(),
                "the answer is not JSON:\n{json}"
            );
            assert!(!sim.results.is_empty());
            for r in &sim.results {
                for m in &r.matched {
                    assert!(m.start.line >= 1 && m.start.column >= 1 && m.end.column >= 1);
                    assert!((m.start.line, m.start.column) <= (m.end.line, m.end.column));
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// testfile
// ---------------------------------------------------------------------------------------------

/// `testfile`: arbitrary bytes to `iamc::testfile::read` (the schema reader; running would
/// read the files the bytes name). The first byte picks how the rest is presented: (0) the
/// whole file (YAML, or JSON when it starts with `{`); (1) the lines of a YAML case; (2) a
/// YAML `context` mapping's lines; (3) the members of a JSON case. Never panics, never
/// unbounded memory (YAML aliases are charged against a budget); an error is rendered at a
/// `line:col` inside the file; a file read has cases with actions of the form `service:Action`.
pub fn testfile(data: &[u8]) {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let indent = |prefix: &str, pad: &str| {
        let mut out = prefix.as_bytes().to_vec();
        for line in rest.split(|&b| b == b'\n') {
            out.extend_from_slice(pad.as_bytes());
            out.extend_from_slice(line);
            out.push(b'\n');
        }
        out
    };
    let input = match mode % 4 {
        0 => rest.to_vec(),
        1 => indent("policies: {identity: p.json}\ncases:\n  - ", "    "),
        2 => indent(
            "policies: {identity: p.json}\ncases:\n  - action: s3:GetObject\n    expect: Allow\n    context:\n",
            "      ",
        ),
        _ => {
            let mut out = br#"{"policies": {"identity": ["p.json"]}, "cases": [{"action": "s3:GetObject", "expect": "Allow", "#.to_vec();
            out.extend_from_slice(rest);
            out.extend_from_slice(b"}]}");
            out
        }
    };
    match iamc::testfile::read("fuzz.yaml", &input) {
        Err(e) => {
            let msg = e.message();
            let rest = msg
                .strip_prefix("fuzz.yaml:")
                .expect("an error names the file");
            let mut parts = rest.splitn(3, ':');
            let line: usize = parts.next().and_then(|l| l.parse().ok()).expect("a line");
            let col: usize = parts.next().and_then(|c| c.parse().ok()).expect("a column");
            let text = String::from_utf8_lossy(&input);
            assert!(
                line >= 1 && line <= text.split('\n').count().max(1),
                "{msg}"
            );
            assert!(col >= 1, "{msg}");
        }
        Ok(file) => {
            for c in &file.cases {
                assert!(c.request.action.contains(':'), "{:?}", c.request);
                assert!(!c.name.is_empty());
            }
        }
    }
}
