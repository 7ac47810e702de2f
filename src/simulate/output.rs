//! The response as `aws iam simulate-custom-policy --output json` prints it: Python's
//! `json.dumps(indent=4, ensure_ascii=False)` over the members in the API model's order.

use std::fmt::Write as _;

// Python's `json.dumps(ensure_ascii=False)` escapes strings as this writer does.
use iamc_grammar::json::write_string;

/// A JSON value of the response, members in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum J {
    Str(String),
    Num(u64),
    Bool(bool),
    Arr(Vec<J>),
    Obj(Vec<(&'static str, J)>),
    /// An object whose keys are data (`EvalDecisionDetails`).
    Map(Vec<(String, J)>),
}

fn indent(out: &mut String, level: usize) {
    out.push('\n');
    for _ in 0..level {
        out.push_str("    ");
    }
}

/// Writes `v` at nesting `level` (4 spaces per level, `": "` between key and value).
pub(crate) fn write(out: &mut String, v: &J, level: usize) {
    match v {
        J::Str(s) => write_string(out, s),
        J::Num(n) => {
            let _ = write!(out, "{n}");
        }
        J::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        J::Arr(items) if items.is_empty() => out.push_str("[]"),
        J::Arr(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                indent(out, level + 1);
                write(out, item, level + 1);
            }
            indent(out, level);
            out.push(']');
        }
        J::Obj(members) => {
            let members: Vec<(&str, &J)> = members.iter().map(|(k, v)| (*k, v)).collect();
            object(out, &members, level);
        }
        J::Map(members) => {
            let members: Vec<(&str, &J)> = members.iter().map(|(k, v)| (k.as_str(), v)).collect();
            object(out, &members, level);
        }
    }
}

fn object(out: &mut String, members: &[(&str, &J)], level: usize) {
    if members.is_empty() {
        out.push_str("{}");
        return;
    }
    out.push('{');
    for (i, (k, v)) in members.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        indent(out, level + 1);
        write_string(out, k);
        out.push_str(": ");
        write(out, v, level + 1);
    }
    indent(out, level);
    out.push('}');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prints_like_python_json_dumps_indent_4() {
        let v = J::Obj(vec![(
            "EvaluationResults",
            J::Arr(vec![J::Obj(vec![
                ("EvalActionName", J::Str("s3:GetObject".into())),
                ("MatchedStatements", J::Arr(vec![])),
                ("EvalDecisionDetails", J::Map(vec![])),
                (
                    "Start",
                    J::Obj(vec![("Line", J::Num(1)), ("Column", J::Num(41))]),
                ),
                ("B", J::Bool(false)),
                ("S", J::Str("é\"\u{1}\n".into())),
            ])]),
        )]);
        let mut out = String::new();
        write(&mut out, &v, 0);
        assert_eq!(
            out,
            "{\n    \"EvaluationResults\": [\n        {\n            \"EvalActionName\": \"s3:GetObject\",\n            \"MatchedStatements\": [],\n            \"EvalDecisionDetails\": {},\n            \"Start\": {\n                \"Line\": 1,\n                \"Column\": 41\n            },\n            \"B\": false,\n            \"S\": \"é\\\"\\u0001\\n\"\n        }\n    ]\n}"
        );
    }
}
