//! `sources`: the template and plan readers on arbitrary bytes.

use iamc_grammar::Span;

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
    let indent = |prefix: &str, pad: &str| super::indented(prefix, pad, rest);
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
