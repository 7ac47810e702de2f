//! Requests and decisions as JSON (`spec/io.md`): the request objects `iamc eval` reads and the
//! decision lines it prints.
//!
//! Requests are read with the grammar's JSON reader (`iamc_grammar::parse_json`: the one
//! lexer, with its exact string and number rules), so a malformed request is refused with its
//! `line:col` like a malformed policy. Requests are untrusted: the text, its nesting and its
//! counts are bounded ([`MAX_REQUEST_BYTES`], [`MAX_DEPTH`], [`MAX_OBJECT_MEMBERS`],
//! [`MAX_ARRAY_ELEMENTS`]), and so is each field ([`RequestLimits`]). Numbers keep their exact
//! text, duplicate and unknown fields are errors.
//!
//! ```
//! use iamc::io;
//!
//! let req = io::request_from_json(r#"{"action": "s3:GetObject", "resource": "arn:aws:s3:::b/k"}"#)?;
//! assert_eq!(req.action, "s3:GetObject");
//!
//! let e = io::request_from_json(r#"{"acton": "s3:GetObject"}"#).unwrap_err();
//! assert_eq!(e.to_string(), "1:2: unknown field `acton`");
//! assert_eq!(e.message(), "unknown field `acton`");
//! # Ok::<(), io::RequestError>(())
//! ```

use std::fmt;
use std::fmt::Write as _;

use iamc_grammar::json::{write_array, Json, Member, Node};
use iamc_grammar::{SourceFile, Span};
use iamc_runtime::{Context, Explanation, MatchedStatement, Request, Scalar, Value};

/// Largest request text accepted, in bytes (one JSON Lines line, or one `--request` file).
pub const MAX_REQUEST_BYTES: usize = 1 << 20;
/// Deepest nesting of arrays and objects accepted. A request needs 3 (request object, context
/// object, value array); anything deeper is rejected anyway, this only stops the reader early.
pub const MAX_DEPTH: usize = 8;
/// Most members of one object (the context included).
pub const MAX_OBJECT_MEMBERS: usize = 4096;
/// Most elements of one array (a multi-valued context value).
pub const MAX_ARRAY_ELEMENTS: usize = 4096;

/// Why a request text was refused: a lowercase message that names the offending field or
/// limit, and where in the text it is.
///
/// It displays as `LINE:COL: MESSAGE` (`1:2: unknown field `acton``), or as the message alone
/// for a request checked without its text ([`RequestLimits::check`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestError {
    message: String,
    /// 1-based line and column (in characters) of the offending place.
    at: Option<(usize, usize)>,
}

impl RequestError {
    fn new(message: impl Into<String>) -> RequestError {
        RequestError {
            message: message.into(),
            at: None,
        }
    }

    fn at(src: &SourceFile, span: Span, message: impl Into<String>) -> RequestError {
        RequestError {
            message: message.into(),
            at: Some(src.line_col(span.start)),
        }
    }

    /// The message, without the position.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The 1-based line and column of the offending place, if the error came from a text.
    pub fn line_col(&self) -> Option<(usize, usize)> {
        self.at
    }

    /// The same error for a text that is line `line` (1-based) of a larger input, such as a
    /// JSON Lines file: the line number becomes that line's, the column stays.
    ///
    /// ```
    /// let e = iamc::io::request_from_json(r#"{"action": 7}"#).unwrap_err().on_line(12);
    /// assert_eq!(e.to_string(), "12:12: field `action` must be a string, not a number");
    /// ```
    #[must_use]
    pub fn on_line(mut self, line: usize) -> RequestError {
        if let Some((l, c)) = self.at {
            self.at = Some((l.saturating_add(line.saturating_sub(1)), c));
        }
        self
    }
}

impl fmt::Display for RequestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.at {
            Some((line, col)) => write!(f, "{line}:{col}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for RequestError {}

/// Field lengths a request may have (bytes). The JSON reader bounds the whole text, nesting and
/// counts ([`MAX_REQUEST_BYTES`] and friends); these bound each field, so that matching a
/// request against any policy costs a bounded amount of work (an ARN is at most 2,048
/// characters in AWS; an action name under 128).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestLimits {
    /// `action` (default 1,024).
    pub max_action_bytes: usize,
    /// `resource`, `principal` and `resourceAccount` (default 4,096).
    pub max_resource_bytes: usize,
    /// A context key (default 1,024).
    pub max_key_bytes: usize,
    /// One context value, or one element of a multi-valued key (default 16,384).
    pub max_value_bytes: usize,
}

impl Default for RequestLimits {
    fn default() -> RequestLimits {
        RequestLimits {
            max_action_bytes: 1 << 10,
            max_resource_bytes: 4 << 10,
            max_key_bytes: 1 << 10,
            max_value_bytes: 16 << 10,
        }
    }
}

/// Where the fields of a parsed request were, for the limit errors.
#[derive(Default)]
struct Spans {
    action: Option<Span>,
    resource: Option<Span>,
    principal: Option<Span>,
    resource_account: Option<Span>,
    /// `(lowercased key, key span, value span)`.
    context: Vec<(String, Span, Span)>,
}

impl RequestLimits {
    /// Every field of `req` against the limits: for requests built in code or read from
    /// elsewhere (the runtime decides any request, but its work grows with the fields' length).
    ///
    /// ```
    /// use iamc::io::RequestLimits;
    /// use iamc_runtime::Request;
    ///
    /// let limits = RequestLimits { max_action_bytes: 8, ..RequestLimits::default() };
    /// let e = limits.check(&Request::new("s3:GetObject", "*")).unwrap_err();
    /// assert_eq!(
    ///     e.to_string(),
    ///     "field `action` is 12 bytes, more than the limit of 8 (`max_action_bytes`)"
    /// );
    /// ```
    ///
    /// # Errors
    /// The first field over its limit, named with the limit.
    pub fn check(&self, req: &Request) -> Result<(), RequestError> {
        self.check_at(req, None)
    }

    /// [`RequestLimits::check`], with the error at the field's place in `src` when known.
    fn check_at(
        &self,
        req: &Request,
        spans: Option<(&SourceFile, &Spans)>,
    ) -> Result<(), RequestError> {
        let over = |what: &str, len: usize, limit: usize, name: &str, span: Option<Span>| {
            let message =
                format!("{what} is {len} bytes, more than the limit of {limit} (`{name}`)");
            match (spans, span) {
                (Some((src, _)), Some(span)) => RequestError::at(src, span, message),
                _ => RequestError::new(message),
            }
        };
        let at = spans.map(|(_, s)| s);
        if req.action.len() > self.max_action_bytes {
            return Err(over(
                "field `action`",
                req.action.len(),
                self.max_action_bytes,
                "max_action_bytes",
                at.and_then(|s| s.action),
            ));
        }
        let fields = [
            ("resource", Some(&req.resource), at.and_then(|s| s.resource)),
            (
                "principal",
                req.principal.as_ref(),
                at.and_then(|s| s.principal),
            ),
            (
                "resourceAccount",
                req.resource_account.as_ref(),
                at.and_then(|s| s.resource_account),
            ),
        ];
        for (field, value, span) in fields {
            if let Some(v) = value.filter(|v| v.len() > self.max_resource_bytes) {
                return Err(over(
                    &format!("field `{field}`"),
                    v.len(),
                    self.max_resource_bytes,
                    "max_resource_bytes",
                    span,
                ));
            }
        }
        let context_span = |key: &str, value: bool| {
            spans.and_then(|(_, s)| {
                s.context
                    .iter()
                    .find(|(k, _, _)| k == key)
                    .map(|&(_, k, v)| if value { v } else { k })
            })
        };
        for (key, value) in req.context.iter() {
            if key.len() > self.max_key_bytes {
                return Err(over(
                    "a context key",
                    key.len(),
                    self.max_key_bytes,
                    "max_key_bytes",
                    context_span(key, false),
                ));
            }
            let scalars: &[Scalar] = match value {
                Value::Single(s) => std::slice::from_ref(s),
                Value::Multi(v) => v,
            };
            if let Some(s) = scalars
                .iter()
                .find(|s| s.as_text().len() > self.max_value_bytes)
            {
                return Err(over(
                    &format!("the context value of `{key}`"),
                    s.as_text().len(),
                    self.max_value_bytes,
                    "max_value_bytes",
                    context_span(key, true),
                ));
            }
        }
        Ok(())
    }
}

/// Parses one request object of `spec/io.md` within the default [`RequestLimits`]:
/// `{"action": "svc:Op", "resource": "...", "context": {...}, "principal": "...",
/// "resourceAccount": "..."}`.
///
/// Strict: `action` is required and must contain a colon; `resource` defaults to `*`; context
/// values are strings, numbers, booleans or flat arrays of those (numbers keep their JSON
/// text); two context keys differing only in case, duplicate fields and unknown fields are
/// errors.
///
/// ```
/// use iamc::io::request_from_json;
/// use iamc_runtime::{Scalar, Value};
///
/// let req = request_from_json(r#"{"action":"ecs:RunTask","context":{"ecs:task-cpu":1024.0}}"#)?;
/// assert_eq!(req.resource, "*");
/// assert_eq!(
///     req.context.get("ECS:TASK-CPU"),
///     Some(&Value::Single(Scalar::Number("1024.0".into())))
/// );
/// # Ok::<(), iamc::io::RequestError>(())
/// ```
///
/// # Errors
/// The first problem, with its line and column in `text`: malformed JSON, a limit exceeded, a
/// missing, unknown, duplicate or mistyped field.
pub fn request_from_json(text: &str) -> Result<Request, RequestError> {
    request_from_json_with(text, &RequestLimits::default())
}

/// [`request_from_json`] within the given field limits: a field over its limit is an error
/// naming the field and the limit, at the field.
///
/// # Errors
/// As [`request_from_json`].
pub fn request_from_json_with(text: &str, limits: &RequestLimits) -> Result<Request, RequestError> {
    if text.len() > MAX_REQUEST_BYTES {
        return Err(RequestError {
            message: format!(
                "request is {} bytes, more than the limit of {MAX_REQUEST_BYTES}",
                text.len()
            ),
            at: Some((1, 1)),
        });
    }
    if text.trim().is_empty() {
        return Err(RequestError {
            message: "invalid json: the request is empty".to_owned(),
            at: Some((1, 1)),
        });
    }
    let src = SourceFile::new("request", text);
    let root = read_bounded(&src)?;
    let (req, spans) = request(&src, root)?;
    limits.check_at(&req, Some((&src, &spans)))?;
    Ok(req)
}

/// The JSON tree of `src`, its nesting and counts bounded ([`MAX_DEPTH`],
/// [`MAX_OBJECT_MEMBERS`], [`MAX_ARRAY_ELEMENTS`]).
fn read_bounded(src: &SourceFile) -> Result<Node, RequestError> {
    check_depth(src)?;
    let root = iamc_grammar::parse_json(src).map_err(|d| RequestError {
        message: format!("invalid json: {}", d.message()),
        at: Some((d.line(), d.col())),
    })?;
    check_counts(src, &root)?;
    Ok(root)
}

/// The first bracket or brace nested deeper than [`MAX_DEPTH`], before the text is read (the
/// grammar's reader allows 64 levels: a request stops at 8).
fn check_depth(src: &SourceFile) -> Result<(), RequestError> {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for (i, b) in src.text().bytes().enumerate() {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Err(RequestError::at(
                        src,
                        Span::new(i, i + 1),
                        format!("nesting deeper than the limit of {MAX_DEPTH}"),
                    ));
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}

/// Object and array sizes within their limits, member names unique in every object.
fn check_counts(src: &SourceFile, node: &Node) -> Result<(), RequestError> {
    match &node.value {
        Json::Array(items) => {
            if items.len() > MAX_ARRAY_ELEMENTS {
                return Err(RequestError::at(
                    src,
                    node.span,
                    format!("array has more than the limit of {MAX_ARRAY_ELEMENTS} elements"),
                ));
            }
            items.iter().try_for_each(|n| check_counts(src, n))
        }
        Json::Object(members) => {
            if members.len() > MAX_OBJECT_MEMBERS {
                return Err(RequestError::at(
                    src,
                    node.span,
                    format!("object has more than the limit of {MAX_OBJECT_MEMBERS} members"),
                ));
            }
            let mut names: Vec<&str> = members.iter().map(|m| m.key.as_str()).collect();
            names.sort_unstable();
            if let Some(dup) = names.windows(2).find_map(|w| match w {
                [a, b] if a == b => Some(*a),
                _ => None,
            }) {
                let second = members
                    .iter()
                    .filter(|m| m.key == dup)
                    .nth(1)
                    .map_or(node.span, |m| m.key_span);
                return Err(RequestError::at(
                    src,
                    second,
                    format!("duplicate field `{dup}`"),
                ));
            }
            members.iter().try_for_each(|m| check_counts(src, &m.value))
        }
        Json::Null | Json::Bool(_) | Json::Number(_) | Json::String(_) => Ok(()),
    }
}

/// A JSON value's type, as a message names it.
fn type_name(node: &Node) -> &'static str {
    match node.value {
        Json::Null => "null",
        Json::Bool(_) => "a boolean",
        Json::Number(_) => "a number",
        Json::String(_) => "a string",
        Json::Array(_) => "an array",
        Json::Object(_) => "an object",
    }
}

/// The request of a checked JSON tree, and where its fields were.
fn request(src: &SourceFile, root: Node) -> Result<(Request, Spans), RequestError> {
    let Json::Object(members) = root.value else {
        return Err(RequestError::at(
            src,
            root.span,
            "a request must be a json object",
        ));
    };
    let mut spans = Spans::default();
    let mut action = None;
    let mut resource = None;
    let mut context = Context::new();
    let mut principal = None;
    let mut resource_account = None;
    for Member {
        key,
        key_span,
        value,
    } in members
    {
        let (field, at) = match key.as_str() {
            "action" => (&mut action, &mut spans.action),
            "resource" => (&mut resource, &mut spans.resource),
            "principal" => (&mut principal, &mut spans.principal),
            "resourceAccount" => (&mut resource_account, &mut spans.resource_account),
            "context" => {
                context = context_field(src, value, &mut spans)?;
                continue;
            }
            other => {
                return Err(RequestError::at(
                    src,
                    key_span,
                    format!("unknown field `{other}`"),
                ))
            }
        };
        *at = Some(value.span);
        *field = Some(string_field(src, &key, value)?);
    }
    let Some(action) = action else {
        return Err(RequestError::at(src, root.span, "missing field `action`"));
    };
    if !action.contains(':') {
        return Err(RequestError::at(
            src,
            spans.action.unwrap_or(root.span),
            format!("action `{action}` must have the form `service:Action`"),
        ));
    }
    let req = Request {
        action,
        resource: resource.unwrap_or_else(|| "*".to_owned()),
        context,
        principal,
        resource_account,
    };
    Ok((req, spans))
}

fn string_field(src: &SourceFile, name: &str, value: Node) -> Result<String, RequestError> {
    match value.value {
        Json::String(s) => Ok(s),
        _ => Err(RequestError::at(
            src,
            value.span,
            format!("field `{name}` must be a string, not {}", type_name(&value)),
        )),
    }
}

fn context_field(
    src: &SourceFile,
    value: Node,
    spans: &mut Spans,
) -> Result<Context, RequestError> {
    let Json::Object(members) = value.value else {
        return Err(RequestError::at(
            src,
            value.span,
            format!(
                "field `context` must be an object, not {}",
                type_name(&value)
            ),
        ));
    };
    for (i, m) in members.iter().enumerate() {
        let earlier = members.get(..i).unwrap_or_default();
        if let Some(prev) = earlier.iter().find(|p| p.key.eq_ignore_ascii_case(&m.key)) {
            return Err(RequestError::at(
                src,
                m.key_span,
                format!(
                    "context keys `{}` and `{}` differ only in case",
                    prev.key, m.key
                ),
            ));
        }
    }
    let mut context = Context::new();
    for m in members {
        let bad = |span: Span| {
            RequestError::at(
                src,
                span,
                format!(
                    "context value for `{}` must be a string, number, boolean or array of those",
                    m.key
                ),
            )
        };
        let value = match &m.value.value {
            Json::Array(items) => Value::Multi(
                items
                    .iter()
                    .map(|v| scalar(v).ok_or_else(|| bad(v.span)))
                    .collect::<Result<_, _>>()?,
            ),
            _ => Value::Single(scalar(&m.value).ok_or_else(|| bad(m.value.span))?),
        };
        spans
            .context
            .push((m.key.to_ascii_lowercase(), m.key_span, m.value.span));
        context.insert(&m.key, value);
    }
    Ok(context)
}

/// One context value written as JSON, as a request's `context` holds it: a string, number or
/// boolean, or an array of those (`"prod"`, `3600`, `true`, `["a", "b"]`, `[]`). What `iamc eval
/// --context KEY:=JSON` reads.
///
/// ```
/// use iamc_runtime::{Scalar, Value};
///
/// let v = iamc::io::context_value_from_json(r#"["env", "team"]"#)?;
/// assert_eq!(v, Value::Multi(vec![Scalar::String("env".into()), Scalar::String("team".into())]));
/// let e = iamc::io::context_value_from_json("{}").unwrap_err();
/// assert_eq!(e.to_string(), "1:1: a context value must be a string, number, boolean or array of those");
/// # Ok::<(), iamc::io::RequestError>(())
/// ```
///
/// # Errors
/// Malformed JSON, or a value of another type (null, an object, a nested array), at its
/// line and column in `text`.
pub fn context_value_from_json(text: &str) -> Result<Value, RequestError> {
    if text.len() > MAX_REQUEST_BYTES {
        return Err(RequestError::new(format!(
            "the value is {} bytes, more than the limit of {MAX_REQUEST_BYTES}",
            text.len()
        )));
    }
    let src = SourceFile::new("value", text);
    let root = read_bounded(&src)?;
    let bad = |span: Span| {
        RequestError::at(
            &src,
            span,
            "a context value must be a string, number, boolean or array of those",
        )
    };
    match &root.value {
        Json::Array(items) => items
            .iter()
            .map(|v| scalar(v).ok_or_else(|| bad(v.span)))
            .collect::<Result<_, _>>()
            .map(Value::Multi),
        _ => scalar(&root)
            .map(Value::Single)
            .ok_or_else(|| bad(root.span)),
    }
}

fn scalar(node: &Node) -> Option<Scalar> {
    match &node.value {
        Json::String(s) => Some(Scalar::String(s.clone())),
        Json::Number(n) => Some(Scalar::Number(n.clone())),
        Json::Bool(b) => Some(Scalar::Bool(*b)),
        Json::Null | Json::Array(_) | Json::Object(_) => None,
    }
}

/// Appends `s` as a JSON string literal (the workspace's one writer,
/// [`iamc_grammar::json::write_string`]).
///
/// ```
/// let mut out = String::new();
/// iamc::io::write_json_string(&mut out, "a\"b\n");
/// assert_eq!(out, r#""a\"b\n""#);
/// ```
pub use iamc_grammar::json::write_string as write_json_string;

/// The decision line of `spec/io.md`, extended with each statement's policy `type` (and
/// `level` for SCPs and RCPs) and the decision's `reason`:
/// `{"decision":"Allow","statements":[{"policy":"p.json","index":3,"sid":null,"effect":"Allow","type":"identity"}],"reason":"allowed by the identity-based policies"}`
///
/// ```
/// use iamc_runtime::{Decision, Explanation, Reason};
///
/// let e = Explanation { decision: Decision::ImplicitDeny, statements: vec![], reason: Reason::NoGrant };
/// assert_eq!(
///     iamc::io::explanation_to_json(&e),
///     r#"{"decision":"ImplicitDeny","statements":[],"reason":"implicitly denied: no identity-based or resource-based policy allows the request"}"#
/// );
/// ```
pub fn explanation_to_json(e: &Explanation) -> String {
    let mut out = String::with_capacity(64 + 80 * e.statements.len());
    let _ = write!(
        out,
        "{{\"decision\":\"{}\",\"statements\":",
        e.decision.as_str()
    );
    write_array(&mut out, &e.statements, |out, s| {
        out.push('{');
        write_statement(out, s);
        out.push('}');
    });
    out.push_str(",\"reason\":");
    write_json_string(&mut out, &e.reason.message());
    out.push('}');
    out
}

/// The fields of one statement of a decision line (`policy`, `index`, `sid`, `effect`, `type`,
/// and `level` for SCPs and RCPs), without braces: shared by `iamc eval` and its `--explain`.
pub(crate) fn write_statement(out: &mut String, s: &MatchedStatement) {
    out.push_str("\"policy\":");
    write_json_string(out, &s.policy);
    let _ = write!(out, ",\"index\":{},\"sid\":", s.index);
    match &s.sid {
        Some(sid) => write_json_string(out, sid),
        None => out.push_str("null"),
    }
    let _ = write!(
        out,
        ",\"effect\":\"{}\",\"type\":\"{}\"",
        s.effect.as_str(),
        s.policy_type.as_str()
    );
    if s.policy_type.is_org() {
        let _ = write!(out, ",\"level\":{}", s.level);
    }
}

/// The line `iamc eval` prints for a request it could not read: `{"error":"MESSAGE"}`.
///
/// ```
/// assert_eq!(iamc::io::error_to_json("1:2: unknown field `acton`"), r#"{"error":"1:2: unknown field `acton`"}"#);
/// ```
pub fn error_to_json(message: &str) -> String {
    let mut s = String::from("{\"error\":");
    write_json_string(&mut s, message);
    s.push('}');
    s
}

#[cfg(test)]
mod tests;
