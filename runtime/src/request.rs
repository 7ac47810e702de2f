//! A request to decide: action, resource, context, and (for the whole-decision policy types)
//! the calling principal and the resource's account.
//!
//! Requests are built in code; reading them from JSON is the `iamc` package's (`iamc::io`),
//! which also bounds their fields.

/// One scalar context value, kept with its JSON type.
///
/// A condition compares the value's text ([`Scalar::as_text`]) read as its operator's type: a
/// `Numeric...` operator reads the string `"512"` as it reads the number `512`.
///
/// ```
/// use iamc_runtime::{Artifact, Decision, Request, Scalar, Value};
///
/// let artifact = Artifact::from_bytes(include_bytes!("../../tests/data/artifacts/v5/ecs.iamc"))?;
/// let dev = Scalar::String("arn:aws:ecs:us-east-1:111122223333:cluster/dev".into());
/// let run = |cpu: Scalar| {
///     let req = Request::new("ecs:RunTask", "arn:aws:ecs:us-east-1:111122223333:task-definition/web:7")
///         .with_context("ecs:cluster", Value::Single(dev.clone()))
///         .with_context("ecs:task-cpu", Value::Single(cpu));
///     artifact.authorize(&req)
/// };
/// assert_eq!(run(Scalar::Number("512".into())), Decision::Allow);
/// assert_eq!(run(Scalar::String("512".into())), Decision::Allow);
/// assert_eq!(run(Scalar::Number("2048".into())), Decision::ImplicitDeny);
/// # Ok::<(), iamc_runtime::LoadError>(())
/// ```
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
    ///
    /// ```
    /// let c = iamc_runtime::Context::new();
    /// assert!(c.is_empty() && c.get("aws:SourceIp").is_none());
    /// ```
    pub fn new() -> Context {
        Context::default()
    }

    /// Sets `key` (any case) to `value`, replacing an earlier value of the same key.
    ///
    /// ```
    /// use iamc_runtime::{Context, Scalar, Value};
    ///
    /// let mut c = Context::new();
    /// c.insert("aws:RequestedRegion", Value::Single(Scalar::String("us-east-1".into())));
    /// c.insert("AWS:RequestedRegion", Value::Single(Scalar::String("eu-west-1".into())));
    /// assert_eq!(c.len(), 1);
    /// assert_eq!(c.get("aws:requestedregion"), Some(&Value::Single(Scalar::String("eu-west-1".into()))));
    /// ```
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
    ///
    /// ```
    /// use iamc_runtime::{Context, Scalar, Value};
    ///
    /// let mut c = Context::new();
    /// c.insert("s3:prefix", Value::Single(Scalar::String("home/alice/".into())));
    /// assert_eq!(c.get("S3:Prefix").map(|v| matches!(v, Value::Single(s) if s.as_text() == "home/alice/")), Some(true));
    /// assert!(c.get("s3:delimiter").is_none());
    /// ```
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.entries
            .binary_search_by(|(k, _)| cmp_ascii_ci(k, key))
            .ok()
            .and_then(|i| self.entries.get(i))
            .map(|(_, v)| v)
    }

    /// The text a policy variable `${key}` (or `${key, 'default'}`) stands for here: the key's
    /// canonical text when it has one value (an empty text falls back to the default when one
    /// is given, A17); otherwise the default; otherwise `None` (unresolved). The rule is the
    /// format's [`variable_text`](iamc_format::template::variable_text).
    ///
    /// ```
    /// use iamc_runtime::{Context, Scalar, Value};
    ///
    /// let mut c = Context::new();
    /// c.insert("aws:username", Value::Single(Scalar::String("alice".into())));
    /// assert_eq!(c.variable("AWS:UserName", Some("x")), Some("alice"));
    /// assert_eq!(c.variable("aws:userid", Some("x")), Some("x"));
    /// assert_eq!(c.variable("aws:userid", None), None);
    /// ```
    pub fn variable<'a>(&'a self, key: &str, default: Option<&'a str>) -> Option<&'a str> {
        let single = match self.get(key) {
            Some(Value::Single(s)) => Some(s.as_text()),
            Some(Value::Multi(_)) | None => None,
        };
        iamc_format::template::variable_text(single, default)
    }

    /// Number of keys.
    ///
    /// ```
    /// use iamc_runtime::{Request, Scalar, Value};
    ///
    /// let req = Request::new("s3:ListBucket", "arn:aws:s3:::reports")
    ///     .with_context("s3:prefix", Value::Single(Scalar::String("2026/".into())))
    ///     .with_context("s3:max-keys", Value::Single(Scalar::Number("100".into())));
    /// assert_eq!(req.context.len(), 2);
    /// ```
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the context has no key.
    ///
    /// ```
    /// use iamc_runtime::{Request, Scalar, Value};
    ///
    /// let req = Request::new("ecs:ListClusters", "*");
    /// assert!(req.context.is_empty());
    /// let req = req.with_context("aws:SecureTransport", Value::Single(Scalar::Bool(true)));
    /// assert!(!req.context.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Entries in key order; keys are lowercased.
    ///
    /// ```
    /// use iamc_runtime::{Context, Scalar, Value};
    ///
    /// let mut c = Context::new();
    /// c.insert("ecs:task-cpu", Value::Single(Scalar::Number("512".into())));
    /// c.insert("ecs:Cluster", Value::Single(Scalar::String("dev".into())));
    /// let keys: Vec<&str> = c.iter().map(|(k, _)| k).collect();
    /// assert_eq!(keys, ["ecs:cluster", "ecs:task-cpu"]);
    /// ```
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
    /// A request for `action` on `resource` with an empty context, no principal (a same-account
    /// request) and the resource's account taken from its ARN.
    ///
    /// ```
    /// use iamc_runtime::Request;
    ///
    /// let req = Request::new("s3:GetObject", "arn:aws:s3:::reports/2026/q1.csv");
    /// assert_eq!((req.action.as_str(), req.resource.as_str()), ("s3:GetObject", "arn:aws:s3:::reports/2026/q1.csv"));
    /// assert!(req.context.is_empty() && req.principal.is_none() && req.resource_account.is_none());
    /// ```
    pub fn new(action: impl Into<String>, resource: impl Into<String>) -> Request {
        Request {
            action: action.into(),
            resource: resource.into(),
            context: Context::new(),
            principal: None,
            resource_account: None,
        }
    }

    /// Builder form of [`Context::insert`]: sets `key` (any case) to `value` in the request's
    /// context, replacing an earlier value of the same key.
    ///
    /// ```
    /// use iamc_runtime::{Artifact, Decision, Request, Scalar, Value};
    ///
    /// let artifact = Artifact::from_bytes(include_bytes!("../../tests/data/artifacts/v5/ecs.iamc"))?;
    /// let req = Request::new("s3:GetObject", "arn:aws:s3:::home/alice/notes.txt")
    ///     .with_context("aws:username", Value::Single(Scalar::String("alice".into())));
    /// assert_eq!(artifact.authorize(&req), Decision::Allow);
    /// let bob = req.with_context("AWS:UserName", Value::Single(Scalar::String("bob".into())));
    /// assert_eq!(artifact.authorize(&bob), Decision::ImplicitDeny);
    /// # Ok::<(), iamc_runtime::LoadError>(())
    /// ```
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
