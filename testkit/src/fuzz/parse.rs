//! `parse`: the grammar on arbitrary bytes.

use iamc_grammar::ast::{self, PolicyType};
use iamc_grammar::{SourceFile, Span};

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
    let other = PolicyType::ALL[1 + data.len() % (PolicyType::ALL.len() - 1)];
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
