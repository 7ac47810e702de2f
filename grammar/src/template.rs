//! Policy-variable syntax (spec 6): `${key}`, `${key, 'default'}`, `${*}`, `${?}`, `${$}`.

use crate::ast::{Segment, Template};
use crate::diag::clip;
use crate::diag::IssueCode;

/// A malformed variable: Access Analyzer's code for it and the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VariableError {
    pub code: IssueCode,
    pub message: String,
}

fn fail(code: IssueCode, message: String) -> VariableError {
    VariableError { code, message }
}

/// A string with no variables: one `Text` segment holding all of it (none for `""`).
pub fn literal(s: &str) -> Template {
    let segments = if s.is_empty() {
        Vec::new()
    } else {
        vec![Segment::Text(s.to_owned())]
    };
    Template { segments }
}

/// Whether `s` contains a policy variable opening (`${`).
pub fn has_variable(s: &str) -> bool {
    s.contains("${")
}

/// Cuts `s` into text and variables, or says what is wrong with the first malformed variable.
pub fn parse(s: &str) -> Result<Template, VariableError> {
    let mut segments = Vec::new();
    let mut text = String::new();
    let mut rest = s;
    while let Some(open) = rest.find("${") {
        text.push_str(rest.get(..open).unwrap_or_default());
        let after = rest.get(open + 2..).unwrap_or_default();
        let (segment, used) = variable(after)?;
        match segment {
            Segment::Escaped(c) => {
                flush(&mut text, &mut segments);
                segments.push(Segment::Escaped(c));
            }
            other => {
                flush(&mut text, &mut segments);
                segments.push(other);
            }
        }
        rest = after.get(used..).unwrap_or_default();
    }
    text.push_str(rest);
    flush(&mut text, &mut segments);
    Ok(Template { segments })
}

fn flush(text: &mut String, segments: &mut Vec<Segment>) {
    if !text.is_empty() {
        segments.push(Segment::Text(std::mem::take(text)));
    }
}

/// Parses the inside of a variable (`s` starts right after `${`); returns the segment and the
/// bytes consumed, the closing `}` included.
fn variable(s: &str) -> Result<(Segment, usize), VariableError> {
    for (special, c) in [("*}", '*'), ("?}", '?'), ("$}", '$')] {
        if s.starts_with(special) {
            return Ok((Segment::Escaped(c), 2));
        }
    }
    let key_end = s.find(['}', ',']).ok_or_else(|| unclosed(s))?;
    let key = s.get(..key_end).unwrap_or_default();
    if key.is_empty() {
        return Err(fail(
            IssueCode::EmptyVariable,
            if s.starts_with('}') {
                "empty policy variable `${}`".to_owned()
            } else {
                format!("policy variable `${{{}` has no key", clip(s))
            },
        ));
    }
    if key.trim().is_empty() {
        return Err(fail(
            IssueCode::EmptyVariable,
            format!("empty policy variable `${{{key}}}`"),
        ));
    }
    if key.chars().any(char::is_whitespace) {
        return Err(fail(
            IssueCode::UnsupportedSpaceInVariable,
            format!("policy variable key `{}` contains spaces", clip(key)),
        ));
    }
    if key.contains(['$', '{', '\'']) {
        return Err(fail(
            IssueCode::MissingBraceInVariable,
            format!("invalid policy variable key `{}`", clip(key)),
        ));
    }
    let rest = s.get(key_end..).unwrap_or_default();
    if rest.starts_with('}') {
        return Ok((
            Segment::Variable {
                key: key.to_owned(),
                default: None,
            },
            key_end + 1,
        ));
    }
    // `, 'default'}`
    let after_comma = rest.get(1..).unwrap_or_default();
    let quoted = after_comma.trim_start_matches(' ');
    let Some(body) = quoted.strip_prefix('\'') else {
        return Err(fail(
            IssueCode::MissingQuoteInVariable,
            format!(
                "the default of policy variable `${{{}` must be in single quotes",
                clip(key)
            ),
        ));
    };
    let close = body.find('\'').ok_or_else(|| unclosed(s))?;
    let default = body.get(..close).unwrap_or_default();
    let tail = body.get(close + 1..).unwrap_or_default();
    let trimmed = tail.trim_start_matches(' ');
    if !trimmed.starts_with('}') {
        return Err(unclosed(s));
    }
    let used = s.len() - trimmed.len() + 1;
    Ok((
        Segment::Variable {
            key: key.to_owned(),
            default: Some(default.to_owned()),
        },
        used,
    ))
}

fn unclosed(s: &str) -> VariableError {
    fail(
        IssueCode::MissingBraceInVariable,
        format!("unclosed policy variable `${{{}`", clip(s)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn var(key: &str, default: Option<&str>) -> Segment {
        Segment::Variable {
            key: key.into(),
            default: default.map(Into::into),
        }
    }

    #[test]
    fn cuts_text_and_variables() {
        let t = parse("arn:aws:s3:::b/${aws:username}/*").unwrap();
        assert_eq!(
            t.segments,
            vec![
                Segment::Text("arn:aws:s3:::b/".into()),
                var("aws:username", None),
                Segment::Text("/*".into())
            ]
        );
        let t = parse("${aws:PrincipalTag/team, 'shared'}x${*}${?}${$}").unwrap();
        assert_eq!(
            t.segments,
            vec![
                var("aws:PrincipalTag/team", Some("shared")),
                Segment::Text("x".into()),
                Segment::Escaped('*'),
                Segment::Escaped('?'),
                Segment::Escaped('$'),
            ]
        );
        assert_eq!(
            parse("a$b{c}").unwrap().segments,
            vec![Segment::Text("a$b{c}".into())]
        );
        assert_eq!(parse("").unwrap().segments, vec![]);
        assert_eq!(
            parse("${k,'a}b'}").unwrap().segments,
            vec![var("k", Some("a}b"))]
        );
    }

    #[test]
    fn rejects_malformed_variables() {
        for (text, message) in [
            ("a${}", "empty policy variable `${}`"),
            (
                "a${aws:username",
                "unclosed policy variable `${aws:username`",
            ),
            (
                "${aws:username, x}",
                "the default of policy variable `${aws:username` must be in single quotes",
            ),
            (
                "${aws: username}",
                "policy variable key `aws: username` contains spaces",
            ),
            ("${k, 'x'", "unclosed policy variable `${k, 'x'`"),
        ] {
            assert_eq!(parse(text).unwrap_err().message, message, "{text}");
        }
    }
}
