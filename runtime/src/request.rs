//! A request to decide: action, resource, context, and (for the whole-decision policy types)
//! the calling principal and the resource's account.
//!
//! Requests are built in code; reading them from JSON is the `iamc` package's (`iamc::io`),
//! which also bounds their fields.

/// One scalar context value, kept with its JSON type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scalar {
    /// A string.
    String(String),
    /// A JSON number, as its JSON text (exact; never converted through `f64`).
    Number(String),
    /// A boolean.
    Bool(bool),
}

impl Scalar {
    /// The canonical text IAM compares with: a string's contents, a number's JSON text,
    /// `true` or `false`.
    ///
    /// ```
    /// use iamc_runtime::Scalar;
    ///
    /// assert_eq!(Scalar::Number("1024.0".into()).as_text(), "1024.0");
    /// assert_eq!(Scalar::Bool(true).as_text(), "true");
    /// ```
    pub fn as_text(&self) -> &str {
        match self {
            Scalar::String(s) | Scalar::Number(s) => s,
            Scalar::Bool(true) => "true",
            Scalar::Bool(false) => "false",
        }
    }
}

/// A context value: single-valued, or multi-valued (a JSON array, possibly empty).
///
/// A plain condition operator (no `ForAllValues`/`ForAnyValue`) never holds for a multi-valued
/// key, even with one element (DESIGN.md "Conditions").
///
/// ```
/// use iamc_runtime::{Request, Scalar, Value};
///
/// let tags = Value::Multi(vec![Scalar::String("Owner".into()), Scalar::String("Team".into())]);
/// let req = Request::new("ec2:CreateTags", "*").with_context("aws:TagKeys", tags);
/// assert!(matches!(req.context.get("aws:tagkeys"), Some(Value::Multi(v)) if v.len() == 2));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// One value.
    Single(Scalar),
    /// A list of values (possibly empty).
    Multi(Vec<Scalar>),
}

/// Context keys and values. Keys are case-insensitive: they are stored ASCII-lowercased, and
/// inserting a key again (in any case) replaces its value.
///
/// ```
/// use iamc_runtime::{Context, Scalar, Value};
///
/// let mut c = Context::new();
/// c.insert("aws:PrincipalTag/Team", Value::Single(Scalar::String("payments".into())));
/// assert!(c.get("AWS:PRINCIPALTAG/TEAM").is_some());
/// assert_eq!(c.iter().next().map(|(k, _)| k), Some("aws:principaltag/team"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Context {
    /// Sorted by (lowercased) key; keys unique.
    entries: Vec<(String, Value)>,
}

impl Context {
    /// An empty context.
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

    /// Number of keys.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the context has no key.
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

/// A request: `action` on `resource` with `context`, by `principal`.
///
/// Any request is decided without panicking, and with bounded work per pattern; requests from
/// untrusted sources should still be bounded in length (`iamc::io::RequestLimits` does it for
/// JSON requests).
///
/// ```
/// use iamc_runtime::{Request, Scalar, Value};
///
/// let mut req = Request::new("sts:AssumeRole", "arn:aws:iam::111122223333:role/deployer")
///     .with_context("aws:MultiFactorAuthPresent", Value::Single(Scalar::Bool(true)));
/// req.principal = Some("arn:aws:iam::111122223333:user/alice".into());
/// assert_eq!(req.context.len(), 1);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// `service:Operation`, as given.
    pub action: String,
    /// An ARN, or `*` for a wildcard-only action (the default).
    pub resource: String,
    /// Condition keys and their values.
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
