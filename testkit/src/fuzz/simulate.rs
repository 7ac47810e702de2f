//! `simulate`: `SimulateCustomPolicy` requests on arbitrary bytes.

use iamc_grammar::SourceFile;

use crate::json::json_string;

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
