//! JSON text for generated policies and failure reports: one string writer, one number check.

use iamc_runtime::{Request, Scalar, Value};

/// `s` as a JSON string literal (`iamc::io`'s writer), with `é` written as `\u00e9` so that
/// generated policies exercise the grammar's `\u` escapes.
pub fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    iamc::io::write_json_string(&mut out, s);
    if out.contains('é') {
        out = out.replace('é', "\\u00e9");
    }
    out
}

/// Whether `t` is a JSON number without exponent: `-?(0|[1-9][0-9]*)(\.[0-9]+)?`.
pub fn is_json_number(t: &str) -> bool {
    let digits = t.strip_prefix('-').unwrap_or(t);
    let (int, frac) = match digits.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (digits, None),
    };
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    all_digits(int) && (int == "0" || !int.starts_with('0')) && frac.is_none_or(all_digits)
}

/// A request as the JSON of spec/io.md (for failure reports and data files).
pub fn request_json(r: &Request) -> String {
    let mut out = format!(
        "{{\"action\":{},\"resource\":{}",
        json_string(&r.action),
        json_string(&r.resource)
    );
    if !r.context.is_empty() {
        let entries: Vec<String> = r
            .context
            .iter()
            .map(|(k, v)| format!("{}:{}", json_string(k), value_json(v)))
            .collect();
        out.push_str(&format!(",\"context\":{{{}}}", entries.join(",")));
    }
    if let Some(p) = &r.principal {
        out.push_str(&format!(",\"principal\":{}", json_string(p)));
    }
    if let Some(a) = &r.resource_account {
        out.push_str(&format!(",\"resourceAccount\":{}", json_string(a)));
    }
    out.push('}');
    out
}

fn scalar_json(s: &Scalar) -> String {
    match s {
        Scalar::String(s) => json_string(s),
        Scalar::Number(n) => n.clone(),
        Scalar::Bool(b) => b.to_string(),
    }
}

/// A context value as JSON.
pub fn value_json(v: &Value) -> String {
    match v {
        Value::Single(s) => scalar_json(s),
        Value::Multi(list) => {
            let items: Vec<String> = list.iter().map(scalar_json).collect();
            format!("[{}]", items.join(","))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_escape_and_numbers_are_recognized() {
        assert_eq!(json_string("a\"é\n"), r#""a\"\u00e9\n""#);
        for n in ["0", "-2", "10.5", "1.0"] {
            assert!(is_json_number(n), "{n}");
        }
        for n in ["01", "1.", ".5", "1e3", "+1", "", "-"] {
            assert!(!is_json_number(n), "{n}");
        }
    }

    #[test]
    fn requests_read_back() {
        let mut r = Request::new("s3:GetObject", "arn:aws:s3:::b/é");
        r.context
            .insert("k", Value::Multi(vec![Scalar::Number("1".into())]));
        r.principal = Some("*".into());
        let back = iamc::io::request_from_json(&request_json(&r)).map_err(|e| e.to_string());
        assert_eq!(back, Ok(r));
    }
}
