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
}
