//! Decisions for people (`eval --format pretty`): the request, the decision in colour and why,
//! the statements that matched.
//!
//! ```text
//! ecs:StopTask on arn:aws:ecs:us-east-1:111122223333:task/dev/abc123
//!   Allow: allowed by the identity-based policies
//!     Allow  identity  examples/policies/ecs-dev.json statement 1 `StopOwnClusterTasks`
//! ```

use std::fmt::Write as _;

use iamc_runtime::{Decision, Effect, Explanation, Request, Value};

use crate::cli::output::Paint;

/// A decided request, without a final newline.
pub fn decision(req: &Request, e: &Explanation, paint: Paint) -> String {
    let mut out = format!("{} on {}", paint.bold(&req.action), req.resource);
    if let Some(p) = &req.principal {
        let _ = write!(out, " by {p}");
    }
    if let Some(a) = &req.resource_account {
        let _ = write!(out, " (resource account {a})");
    }
    for (key, value) in req.context.iter() {
        let _ = write!(
            out,
            "\n  {}",
            paint.dim(&format!("{key} = {}", show(value)))
        );
    }
    let word = e.decision.as_str();
    let word = match e.decision {
        Decision::Allow => paint.green(word),
        Decision::ExplicitDeny => paint.red(word),
        Decision::ImplicitDeny => paint.yellow(word),
    };
    let _ = write!(out, "\n  {word}: {}", e.reason.message());
    for s in &e.statements {
        let effect = match s.effect {
            Effect::Allow => paint.green("Allow"),
            Effect::Deny => paint.red("Deny "),
        };
        let mut kind = s.policy_type.as_str().to_owned();
        if s.policy_type.is_org() {
            let _ = write!(kind, " level {}", s.level);
        }
        let _ = write!(
            out,
            "\n    {effect}  {kind}  {} statement {}",
            s.policy, s.index
        );
        if let Some(sid) = &s.sid {
            let _ = write!(out, " `{sid}`");
        }
    }
    out
}

/// A request that could not be read: `AT: error: MESSAGE`, without a final newline.
pub fn refusal(at: &str, message: &str, paint: Paint) -> String {
    format!("{at}: {} {message}", paint.red("error:"))
}

/// A context value as typed: a string as is, a list in brackets.
fn show(value: &Value) -> String {
    match value {
        Value::Single(s) => s.as_text().to_owned(),
        Value::Multi(list) => {
            let items: Vec<&str> = list.iter().map(|s| s.as_text()).collect();
            format!("[{}]", items.join(", "))
        }
    }
}
