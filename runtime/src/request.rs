//! A request to decide: action, resource, context, and (for the whole-decision policy types)
//! the calling principal and the resource's account.

/// One scalar context value, kept with its JSON type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scalar {
    String(String),
    /// A JSON number, as its JSON text (exact; never converted through `f64`).
    Number(String),
    Bool(bool),
}

impl Scalar {
    /// The canonical text IAM compares with: a string's contents, a number's JSON text,
    /// `true` or `false`.
    pub fn as_text(&self) -> &str {
        match self {
            Scalar::String(s) | Scalar::Number(s) => s,
            Scalar::Bool(true) => "true",
            Scalar::Bool(false) => "false",
        }
    }
}

/// A context value: single-valued, or multi-valued (a JSON array, possibly empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Single(Scalar),
    Multi(Vec<Scalar>),
}

/// Context keys and values. Keys are case-insensitive: they are stored ASCII-lowercased, and
/// two keys that differ only in case are an error when parsing a request.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Context {
    /// Sorted by (lowercased) key; keys unique.
    entries: Vec<(String, Value)>,
}

impl Context {
    pub fn new() -> Context {
        Context::default()
    }

    /// Sets `key` (any case) to `value`, replacing an earlier value of the same key.
    pub fn insert(&mut self, key: &str, value: Value) {
        let key = key.to_ascii_lowercase();
        match self.entries.binary_search_by(|(k, _)| k.as_str().cmp(&key)) {
            Ok(i) => {
                if let Some(slot) = self.entries.get_mut(i) {
                    slot.1 = value;
                }
            }
            Err(i) => self.entries.insert(i, (key, value)),
        }
    }

    /// Looks `key` up case-insensitively without allocating.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.entries
            .binary_search_by(|(k, _)| cmp_ascii_ci(k, key))
            .ok()
            .and_then(|i| self.entries.get(i))
            .map(|(_, v)| v)
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Entries in key order; keys are lowercased.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.entries.iter().map(|(k, v)| (k.as_str(), v))
    }
}

/// Compares an already-lowercased `lower` with `other` as if `other` were lowercased too.
fn cmp_ascii_ci(lower: &str, other: &str) -> std::cmp::Ordering {
    lower
        .bytes()
        .cmp(other.bytes().map(|b| b.to_ascii_lowercase()))
}

/// A request: `action` on `resource` with `context`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// `service:Operation`, as given.
    pub action: String,
    /// An ARN, or `*` for a wildcard-only action (the default).
    pub resource: String,
    pub context: Context,
    /// The calling principal's ARN (or a service principal, or `*` for anonymous); `None` means
    /// a same-account request decided by the policies given.
    pub principal: Option<String>,
    /// The resource's 12-digit account; by default the account field of the resource ARN,
    /// else the caller's.
    pub resource_account: Option<String>,
}

impl Request {
    /// A request for `action` on `resource` with an empty context.
    pub fn new(action: impl Into<String>, resource: impl Into<String>) -> Request {
        Request {
            action: action.into(),
            resource: resource.into(),
            context: Context::new(),
            principal: None,
            resource_account: None,
        }
    }

    /// Builder form of [`Context::insert`].
    pub fn with_context(mut self, key: &str, value: Value) -> Request {
        self.context.insert(key, value);
        self
    }
}

/// Why a request text was refused. The message is lowercase and names the offending field or
/// limit, e.g. ``unknown field `acton` ``.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestError {
    message: String,
}

impl RequestError {
    fn new(message: impl Into<String>) -> RequestError {
        RequestError {
            message: message.into(),
        }
    }

    pub fn message(&self) -> &str {
        &self.message
    }
}

impl std::fmt::Display for RequestError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for RequestError {}

impl Request {
    /// Parses one request object of `spec/io.md`:
    /// `{"action": "svc:Op", "resource": "...", "context": {...}, "principal": "...",
    /// "resourceAccount": "..."}`.
    ///
    /// Strict: `action` is required and must contain a colon; `resource` defaults to `*`;
    /// context values are strings, numbers, booleans or flat arrays of those (numbers keep their
    /// JSON text); two context keys differing only in case, duplicate fields and unknown fields
    /// are errors. Input size, nesting and counts are bounded by the limits of the JSON reader
    /// ([`MAX_REQUEST_BYTES`](crate::MAX_REQUEST_BYTES) and friends).
    /// The field limits are the defaults of [`RequestLimits`].
    pub fn from_json(text: &str) -> Result<Request, RequestError> {
        Request::from_json_with(text, &RequestLimits::default())
    }

    /// [`Request::from_json`] within the given field limits; a field over its limit is an
    /// error naming the field and the limit.
    pub fn from_json_with(text: &str, limits: &RequestLimits) -> Result<Request, RequestError> {
        let req = Request::parse_json(text)?;
        limits.check(&req)?;
        Ok(req)
    }

    fn parse_json(text: &str) -> Result<Request, RequestError> {
        use crate::json::JsonValue;
        let JsonValue::Object(members) = crate::json::parse(text).map_err(RequestError::new)?
        else {
            return Err(RequestError::new("a request must be a json object"));
        };
        let mut action = None;
        let mut resource = None;
        let mut context = Context::new();
        let mut principal = None;
        let mut resource_account = None;
        for (name, value) in members {
            match name.as_str() {
                "action" => action = Some(string_field("action", value)?),
                "resource" => resource = Some(string_field("resource", value)?),
                "principal" => principal = Some(string_field("principal", value)?),
                "resourceAccount" => {
                    resource_account = Some(string_field("resourceAccount", value)?);
                }
                "context" => context = context_field(value)?,
                other => return Err(RequestError::new(format!("unknown field `{other}`"))),
            }
        }
        let action = action.ok_or_else(|| RequestError::new("missing field `action`"))?;
        if !action.contains(':') {
            return Err(RequestError::new(format!(
                "action `{action}` must have the form `service:Action`"
            )));
        }
        Ok(Request {
            action,
            resource: resource.unwrap_or_else(|| "*".to_owned()),
            context,
            principal,
            resource_account,
        })
    }
}

/// Field lengths a request may have (bytes). The JSON reader bounds the whole line, nesting and
/// counts ([`MAX_REQUEST_BYTES`](crate::MAX_REQUEST_BYTES) and friends); these bound each
/// field, so that matching a request against any policy costs a bounded amount of work (an
/// ARN is at most 2,048 characters in AWS; an action name under 128).
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

impl RequestLimits {
    /// Every field of `req` against the limits.
    ///
    /// # Errors
    /// The first field over its limit, named with the limit.
    pub fn check(&self, req: &Request) -> Result<(), RequestError> {
        let over = |what: &str, len: usize, limit: usize, name: &str| {
            RequestError::new(format!(
                "{what} is {len} bytes, more than the limit of {limit} (`{name}`)"
            ))
        };
        if req.action.len() > self.max_action_bytes {
            return Err(over(
                "field `action`",
                req.action.len(),
                self.max_action_bytes,
                "max_action_bytes",
            ));
        }
        for (field, value) in [
            ("resource", Some(&req.resource)),
            ("principal", req.principal.as_ref()),
            ("resourceAccount", req.resource_account.as_ref()),
        ] {
            if let Some(v) = value.filter(|v| v.len() > self.max_resource_bytes) {
                return Err(over(
                    &format!("field `{field}`"),
                    v.len(),
                    self.max_resource_bytes,
                    "max_resource_bytes",
                ));
            }
        }
        for (key, value) in req.context.iter() {
            if key.len() > self.max_key_bytes {
                return Err(over(
                    "a context key",
                    key.len(),
                    self.max_key_bytes,
                    "max_key_bytes",
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
                ));
            }
        }
        Ok(())
    }
}

fn string_field(name: &str, value: crate::json::JsonValue) -> Result<String, RequestError> {
    match value {
        crate::json::JsonValue::String(s) => Ok(s),
        other => Err(RequestError::new(format!(
            "field `{name}` must be a string, not {}",
            other.type_name()
        ))),
    }
}

fn context_field(value: crate::json::JsonValue) -> Result<Context, RequestError> {
    use crate::json::JsonValue;
    let JsonValue::Object(members) = value else {
        return Err(RequestError::new(format!(
            "field `context` must be an object, not {}",
            value.type_name()
        )));
    };
    let mut context = Context::new();
    let mut seen: Vec<&str> = Vec::with_capacity(members.len());
    for (key, _) in &members {
        if let Some(prev) = seen.iter().find(|k| k.eq_ignore_ascii_case(key)) {
            return Err(RequestError::new(format!(
                "context keys `{prev}` and `{key}` differ only in case"
            )));
        }
        seen.push(key);
    }
    for (key, value) in &members {
        let bad = || {
            RequestError::new(format!(
                "context value for `{key}` must be a string, number, boolean or array of those"
            ))
        };
        let value = match value {
            JsonValue::Array(items) => Value::Multi(
                items
                    .iter()
                    .map(|v| scalar(v).ok_or_else(bad))
                    .collect::<Result<_, _>>()?,
            ),
            v => Value::Single(scalar(v).ok_or_else(bad)?),
        };
        context.insert(key, value);
    }
    Ok(context)
}

fn scalar(value: &crate::json::JsonValue) -> Option<Scalar> {
    use crate::json::JsonValue;
    match value {
        JsonValue::String(s) => Some(Scalar::String(s.clone())),
        JsonValue::Number(n) => Some(Scalar::Number(n.clone())),
        JsonValue::Bool(b) => Some(Scalar::Bool(*b)),
        JsonValue::Null | JsonValue::Array(_) | JsonValue::Object(_) => None,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn context_keys_are_case_insensitive() {
        let mut c = Context::new();
        c.insert(
            "aws:ResourceTag/Env",
            Value::Single(Scalar::String("prod".into())),
        );
        assert!(c.get("AWS:RESOURCETAG/env").is_some());
        assert!(c.get("aws:resourcetag/envx").is_none());
        c.insert("AWS:resourcetag/ENV", Value::Single(Scalar::Bool(true)));
        assert_eq!(c.len(), 1);
    }

    #[test]
    fn from_json_reads_every_field() {
        let r = Request::from_json(
            r#"{"action":"ecs:StopTask","resource":"arn:aws:ecs:us-east-1:1:task/p/x",
               "context":{"aws:TagKeys":["a","b"],"ecs:task-cpu":1024.0,"aws:SecureTransport":true,
                          "aws:Empty":[]},
               "principal":"arn:aws:iam::1:user/a","resourceAccount":"1"}"#,
        )
        .unwrap();
        assert_eq!(r.action, "ecs:StopTask");
        assert_eq!(r.principal.as_deref(), Some("arn:aws:iam::1:user/a"));
        assert_eq!(r.resource_account.as_deref(), Some("1"));
        assert_eq!(
            r.context.get("ECS:TASK-CPU"),
            Some(&Value::Single(Scalar::Number("1024.0".into())))
        );
        assert_eq!(r.context.get("aws:empty"), Some(&Value::Multi(vec![])));
        assert_eq!(
            r.context.get("aws:securetransport"),
            Some(&Value::Single(Scalar::Bool(true)))
        );
    }

    #[test]
    fn from_json_defaults_resource_to_star() {
        let r = Request::from_json(r#"{"action":"ecs:ListClusters"}"#).unwrap();
        assert_eq!(r.resource, "*");
        assert!(r.context.is_empty());
    }

    #[test]
    fn from_json_errors_are_specific() {
        let err = |t: &str| Request::from_json(t).unwrap_err().to_string();
        assert_eq!(err(r#"{"acton":"a:b"}"#), "unknown field `acton`");
        assert_eq!(err(r#"{"resource":"*"}"#), "missing field `action`");
        assert_eq!(
            err(r#"{"action":"a:b","action":"a:c"}"#),
            "duplicate field `action`"
        );
        assert_eq!(
            err(r#"{"action":"ab"}"#),
            "action `ab` must have the form `service:Action`"
        );
        assert_eq!(
            err(r#"{"action":1}"#),
            "field `action` must be a string, not a number"
        );
        assert_eq!(
            err(r#"{"action":"a:b","context":{"aws:TagKeys":[["x"]]}}"#),
            "context value for `aws:TagKeys` must be a string, number, boolean or array of those"
        );
        assert_eq!(
            err(r#"{"action":"a:b","context":{"k":null}}"#),
            "context value for `k` must be a string, number, boolean or array of those"
        );
        assert_eq!(
            err(r#"{"action":"a:b","context":{"aws:A":"1","AWS:a":"2"}}"#),
            "context keys `aws:A` and `AWS:a` differ only in case"
        );
        assert_eq!(err("[]"), "a request must be a json object");
        assert!(err("{").starts_with("invalid json at byte 1"));
    }
}
