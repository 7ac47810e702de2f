//! Why a request was decided as it was, in detail ([`Artifact::diagnose`]): the
//! [`Explanation`], the statements that came closest without applying ([`NearMiss`]: action,
//! resource and principal matched, a condition did not) with each failed condition
//! ([`FailedCondition`]), and the context keys the policies reference that the request does not
//! carry (`missing_context_values`, as AWS's `MissingContextValues`).
//!
//! Places are byte offsets into the policy texts ([`Span`]): an artifact holds no policy text,
//! so whoever holds it (the `iamc` command line, a service that keeps its policy files) turns
//! them into lines and columns.
//!
//! [`Artifact::diagnose`]: crate::Artifact::diagnose

use crate::{Explanation, MatchedStatement, Value};

/// Bytes `start..end` of a policy text.
///
/// ```
/// use iamc_runtime::{Artifact, Request};
///
/// let artifact = Artifact::from_bytes(include_bytes!("../../tests/data/artifacts/v5/ecs.iamc"))?;
/// let policy = include_str!("../../tests/data/artifacts/v5/policies/ecs-dev.json");
/// let d = artifact.diagnose(&Request::new("ecs:ListClusters", "*"));
/// // The first statement that applied is `List` of `ecs-dev.json`; its span is in that text.
/// assert_eq!(d.explanation.statements[0].policy, "ecs-dev.json");
/// let span = d.statement_spans[0];
/// let text = policy.get(span.start as usize..span.end as usize).ok_or("span out of the text")?;
/// assert!(text.starts_with('{') && text.contains(r#""Sid": "List""#));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Span {
    /// The first byte.
    pub start: u32,
    /// One past the last byte.
    pub end: u32,
}

/// A decision explained in detail.
///
/// ```
/// use iamc_runtime::diagnosis::{Failure, Outcome};
/// use iamc_runtime::{Artifact, Decision, Request, Scalar, Value};
///
/// let artifact = Artifact::from_bytes(include_bytes!("../../tests/data/artifacts/v5/ecs.iamc"))?;
/// let cluster = "arn:aws:ecs:us-east-1:111122223333:cluster/prod";
/// let req = Request::new("ecs:RunTask", "arn:aws:ecs:us-east-1:111122223333:task-definition/web:7")
///     .with_context("ecs:cluster", Value::Single(Scalar::String(cluster.into())));
/// let d = artifact.diagnose(&req);
/// assert_eq!(d.explanation.decision, Decision::ImplicitDeny);
/// // The statement allowing `ecs:RunTask` on the dev cluster came closest:
/// let miss = &d.near_misses[0];
/// assert_eq!(miss.statement.sid.as_deref(), Some("RunWebOnDev"));
/// let failed = &miss.failed[0];
/// assert_eq!((failed.operator.as_str(), failed.key.as_str()), ("ArnEquals", "ecs:cluster"));
/// assert_eq!(failed.values, ["arn:aws:ecs:us-east-1:111122223333:cluster/dev"]);
/// assert_eq!(failed.failure, Failure::Value { value: cluster.into(), outcome: Outcome::NoMatch });
/// // The other clause of that statement fails too: the request has no `ecs:task-cpu`.
/// assert_eq!(miss.failed[1].failure, Failure::Missing);
/// assert!(d.missing_context_values.contains(&"ecs:task-cpu".to_owned()));
/// # Ok::<(), iamc_runtime::LoadError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnosis {
    /// What [`Artifact::explain`](crate::Artifact::explain) says.
    pub explanation: Explanation,
    /// The place of each statement of `explanation.statements`, in the same order.
    pub statement_spans: Vec<Span>,
    /// Every statement whose principal (where it has one), action and resource matched the
    /// request but some condition did not, in the order of `explanation.statements` (by
    /// policy type, then as the policies were given, then by index). Statements of SCPs are
    /// left out for callers SCPs do not bind (anonymous and service callers).
    pub near_misses: Vec<NearMiss>,
    /// The context keys some statement of the set references (a condition key, or the key of a
    /// policy variable in `Resource` or in a condition value) that the request does not carry:
    /// AWS's `MissingContextValues`, over every statement whatever its action, SCPs included.
    /// Each key once (ASCII case ignored), as first written, in statement order.
    pub missing_context_values: Vec<String>,
}

/// A statement that did not apply only because of its conditions.
///
/// ```
/// use iamc_runtime::{Artifact, Request, Scalar, Value};
///
/// let artifact = Artifact::from_bytes(include_bytes!("../../tests/data/artifacts/v5/ecs.iamc"))?;
/// let policy = include_str!("../../tests/data/artifacts/v5/policies/ecs-dev.json");
/// let dev = "arn:aws:ecs:us-east-1:111122223333:cluster/dev";
/// // `RunWebOnDev` also needs `ecs:task-cpu` at most 1024; the request says 2048.
/// let req = Request::new("ecs:RunTask", "arn:aws:ecs:us-east-1:111122223333:task-definition/web:7")
///     .with_context("ecs:cluster", Value::Single(Scalar::String(dev.into())))
///     .with_context("ecs:task-cpu", Value::Single(Scalar::Number("2048".into())));
/// let d = artifact.diagnose(&req);
/// assert!(!d.explanation.decision.is_allowed());
/// let miss = &d.near_misses[0];
/// assert_eq!(miss.statement.sid.as_deref(), Some("RunWebOnDev"));
/// assert_eq!(miss.failed.len(), 1, "the cluster matched, only the CPU clause failed");
/// let text = policy.get(miss.span.start as usize..miss.span.end as usize).ok_or("bad span")?;
/// assert!(text.contains("RunWebOnDev"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NearMiss {
    /// Which statement.
    pub statement: MatchedStatement,
    /// Its place in its policy text.
    pub span: Span,
    /// Every clause that does not hold, in document order (at least one).
    pub failed: Vec<FailedCondition>,
}

/// One condition clause (one operator, one key) that did not hold.
///
/// ```
/// use iamc_runtime::{Artifact, Request, Scalar, Value};
///
/// let artifact = Artifact::from_bytes(include_bytes!("../../tests/data/artifacts/v5/ecs.iamc"))?;
/// let policy = include_str!("../../tests/data/artifacts/v5/policies/ecs-dev.json");
/// let dev = "arn:aws:ecs:us-east-1:111122223333:cluster/dev";
/// let cpu = Value::Single(Scalar::Number("2048".into()));
/// let req = Request::new("ecs:RunTask", "arn:aws:ecs:us-east-1:111122223333:task-definition/web:7")
///     .with_context("ecs:cluster", Value::Single(Scalar::String(dev.into())))
///     .with_context("ecs:task-cpu", cpu.clone());
/// let failed = &artifact.diagnose(&req).near_misses[0].failed[0];
/// assert_eq!(failed.operator, "NumericLessThanEquals");
/// assert_eq!((failed.key.as_str(), failed.values.as_slice()), ("ecs:task-cpu", &["1024".to_owned()][..]));
/// assert_eq!(failed.request, Some(cpu));
/// // The span covers the key as written, quotes included.
/// let key = policy.get(failed.span.start as usize..failed.span.end as usize).ok_or("bad span")?;
/// assert_eq!(key, r#""ecs:task-cpu""#);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailedCondition {
    /// The operator as written (`ForAnyValue:StringLikeIfExists`).
    pub operator: String,
    /// The key as written.
    pub key: String,
    /// The key's place in its policy text.
    pub span: Span,
    /// The policy's values as written, in document order.
    pub values: Vec<String>,
    /// The request's value for the key (`None`: the request does not carry it).
    pub request: Option<Value>,
    /// Why the clause does not hold.
    pub failure: Failure,
}

/// Why a clause does not hold (spec 5.3, DESIGN.md "Conditions"). Exactly one applies:
///
/// ```
/// use iamc_runtime::diagnosis::{Failure, Outcome};
/// use iamc_runtime::{Artifact, Request, Scalar, Value};
///
/// let artifact = Artifact::from_bytes(include_bytes!("../../tests/data/artifacts/v5/ecs.iamc"))?;
/// let task_definition = "arn:aws:ecs:us-east-1:111122223333:task-definition/web:7";
/// // No `ecs:cluster` and no `ecs:task-cpu`: both clauses of `RunWebOnDev` miss their key.
/// let d = artifact.diagnose(&Request::new("ecs:RunTask", task_definition));
/// let failures: Vec<&Failure> = d.near_misses[0].failed.iter().map(|f| &f.failure).collect();
/// assert_eq!(failures, [&Failure::Missing, &Failure::Missing]);
/// // A CPU above the limit reads as a number and compares: no match.
/// let req = Request::new("ecs:RunTask", task_definition)
///     .with_context("ecs:task-cpu", Value::Single(Scalar::Number("4096".into())));
/// let d = artifact.diagnose(&req);
/// let cpu = d.near_misses[0].failed.iter().find(|f| f.key == "ecs:task-cpu").ok_or("no cpu clause")?;
/// assert_eq!(cpu.failure, Failure::Value { value: "4096".into(), outcome: Outcome::NoMatch });
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Failure {
    /// The request does not carry the key, and the operator needs it: a plain operator without
    /// `IfExists` that is not negated, any `ForAnyValue:` operator, or `Null` with `false`
    /// (with or without a set qualifier, which does not change `Null`).
    Missing,
    /// `Null` with `true`, and the request carries the key.
    Present,
    /// A plain operator (no `ForAllValues:`/`ForAnyValue:`) and the request gives a list of
    /// values: never holds, even for one element (A8).
    MultiValued,
    /// `ForAnyValue:`, and the request's list holds no value but empty strings (or nothing).
    NoValues,
    /// The request value that failed: the single value of a plain operator, or the first value
    /// of the list (in request order, empty strings skipped) that fails under `ForAllValues:`.
    Value {
        /// The request value, as compared (its text).
        value: String,
        /// How its comparison with the policy's values came out.
        outcome: Outcome,
    },
    /// `ForAnyValue:`, and no value of the request's list passes.
    NoValuePasses,
    /// The clause could not be evaluated (a run-time glob over its budget): an `Allow` does
    /// not apply, a `Deny` would.
    Unevaluable,
}

/// How one request value compared with a failed clause's values.
///
/// ```
/// use iamc_runtime::diagnosis::{Failure, Outcome};
/// use iamc_runtime::{Artifact, Request, Scalar, Value};
///
/// let artifact = Artifact::from_bytes(include_bytes!("../../tests/data/artifacts/v5/ecs.iamc"))?;
/// // `ecs:task-cpu` is compared as a number: `large` does not read as one.
/// let req = Request::new("ecs:RunTask", "arn:aws:ecs:us-east-1:111122223333:task-definition/web:7")
///     .with_context("ecs:task-cpu", Value::Single(Scalar::String("large".into())));
/// let d = artifact.diagnose(&req);
/// let cpu = d.near_misses[0].failed.iter().find(|f| f.key == "ecs:task-cpu").ok_or("no cpu clause")?;
/// assert_eq!(cpu.failure, Failure::Value { value: "large".into(), outcome: Outcome::NotComparable });
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Outcome {
    /// A positive operator: the value reads as the operator's type but matches none of the
    /// policy's values.
    NoMatch,
    /// A negated operator (`StringNotEquals`, `NotIpAddress`, ...): the value matches one of
    /// the policy's values.
    Matched,
    /// The value cannot be compared: it does not read as the operator's type (a positive
    /// operator), or, for a negated one, some comparison is an error (the request value or a
    /// policy value does not read as the type) and none matches.
    NotComparable,
}

impl Failure {
    /// A phrase for people: `the request has no value`, `` `eu-west-1` matches none of them``.
    ///
    /// ```
    /// use iamc_runtime::diagnosis::{Failure, Outcome};
    ///
    /// let f = Failure::Value { value: "10.1.2.3".into(), outcome: Outcome::Matched };
    /// assert_eq!(f.describe(), "`10.1.2.3` matches one of them");
    /// ```
    pub fn describe(&self) -> String {
        match self {
            Failure::Missing => "the request has no value for the key".to_owned(),
            Failure::Present => "the request has a value for the key".to_owned(),
            Failure::MultiValued => {
                "the request gives a list of values, which an operator without `ForAllValues:` or `ForAnyValue:` never matches".to_owned()
            }
            Failure::NoValues => "the request's list holds no value".to_owned(),
            Failure::Value { value, outcome } => match outcome {
                Outcome::NoMatch => format!("`{value}` matches none of them"),
                Outcome::Matched => format!("`{value}` matches one of them"),
                Outcome::NotComparable => {
                    format!("`{value}` cannot be compared with them")
                }
            },
            Failure::NoValuePasses => "no value of the request's list matches".to_owned(),
            Failure::Unevaluable => "the condition could not be evaluated".to_owned(),
        }
    }

    /// A short name for scripts: `missing`, `present`, `multi-valued`, `no-values`,
    /// `no-match`, `matched`, `not-comparable`, `no-value-passes`, `unevaluable`.
    ///
    /// ```
    /// use iamc_runtime::diagnosis::{Failure, Outcome};
    ///
    /// assert_eq!(Failure::Missing.kind(), "missing");
    /// let f = Failure::Value { value: "eu-west-1".into(), outcome: Outcome::NoMatch };
    /// assert_eq!(f.kind(), "no-match");
    /// ```
    pub fn kind(&self) -> &'static str {
        match self {
            Failure::Missing => "missing",
            Failure::Present => "present",
            Failure::MultiValued => "multi-valued",
            Failure::NoValues => "no-values",
            Failure::Value { outcome, .. } => match outcome {
                Outcome::NoMatch => "no-match",
                Outcome::Matched => "matched",
                Outcome::NotComparable => "not-comparable",
            },
            Failure::NoValuePasses => "no-value-passes",
            Failure::Unevaluable => "unevaluable",
        }
    }
}
