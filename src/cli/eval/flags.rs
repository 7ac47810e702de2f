//! One request given as options: `--action`, `--resource`, `--context`, `--principal`,
//! `--resource-account`.
//!
//! `--context KEY=VALUE` gives the key one string value, exactly as typed (IAM compares
//! condition values as text: `true`, `3600` and dates need no typing). `--context KEY:=JSON`
//! gives it a JSON value, as a request's `context` holds one: a list is an array
//! (`aws:TagKeys:=["env","team"]`, `[]` for an empty list), a JSON number or boolean is kept as
//! such. A key is given once (keys ignore case): a list is one `:=` array, so a repeated
//! `--context` cannot be read as a list by accident.

use iamc::io::{context_value_from_json, RequestLimits};
use iamc_runtime::{Context, Request, Scalar, Value};

use crate::cli::CliError;

/// A context entry: `KEY=VALUE` (a string) or `KEY:=JSON`.
fn context_entry(arg: &str) -> Result<(String, Value), String> {
    let Some((key, value)) = arg.split_once('=') else {
        return Err("expected `KEY=VALUE` or `KEY:=JSON`".to_owned());
    };
    let (key, value) = match key.strip_suffix(':') {
        Some(key) => (
            key,
            context_value_from_json(value).map_err(|e| format!("the JSON value at {e}"))?,
        ),
        None => (key, Value::Single(Scalar::String(value.to_owned()))),
    };
    if key.is_empty() {
        return Err("the condition key is empty".to_owned());
    }
    Ok((key.to_owned(), value))
}

/// The options that give one request.
#[derive(clap::Args, Debug, Default)]
#[command(next_help_heading = "A request given as options")]
pub struct RequestArgs {
    /// The action (`service:Action`): decide this one request
    #[arg(long, value_name = "SERVICE:ACTION", conflicts_with_all = ["request", "requests"])]
    action: Option<String>,
    /// The resource's ARN (default `*`)
    #[arg(long, value_name = "ARN", requires = "action")]
    resource: Option<String>,
    /// A condition key's value: `KEY=VALUE` (a string) or `KEY:=JSON` (a list such as
    /// `aws:TagKeys:=["a","b"]`, a number, a boolean); repeatable, once per key
    #[arg(long = "context", value_name = "KEY=VALUE", requires = "action", value_parser = context_entry)]
    context: Vec<(String, Value)>,
    /// The caller: an ARN, a service principal, or `*` for an anonymous caller
    #[arg(long, value_name = "PRINCIPAL", requires = "action")]
    principal: Option<String>,
    /// The resource's account (12 digits; default: the account of the resource ARN)
    #[arg(long = "resource-account", value_name = "ACCOUNT", requires = "action")]
    resource_account: Option<String>,
}

impl RequestArgs {
    /// The request the options give, if `--action` is given.
    ///
    /// # Errors
    /// A usage error: an action without `service:`, a key given twice, a field over its
    /// limit.
    pub fn request(&self) -> Result<Option<Request>, CliError> {
        let Some(action) = &self.action else {
            return Ok(None);
        };
        if !action.contains(':') {
            return Err(CliError::usage(format!(
                "action `{action}` must have the form `service:Action`"
            )));
        }
        let mut context = Context::new();
        for (i, (key, value)) in self.context.iter().enumerate() {
            let earlier = self.context.get(..i).unwrap_or_default();
            if let Some((prev, _)) = earlier.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)) {
                return Err(CliError::usage(format!(
                    "`--context {key}` is given twice (as `{prev}` before)"
                ))
                .with_help(format!(
                    "give several values as one JSON list: `--context '{key}:=[\"a\",\"b\"]'`"
                )));
            }
            context.insert(key, value.clone());
        }
        let req = Request {
            action: action.clone(),
            resource: self.resource.clone().unwrap_or_else(|| "*".to_owned()),
            context,
            principal: self.principal.clone(),
            resource_account: self.resource_account.clone(),
        };
        RequestLimits::default()
            .check(&req)
            .map_err(|e| CliError::usage(e.message()))?;
        Ok(Some(req))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn context_entries() {
        let s = |t: &str| Value::Single(Scalar::String(t.to_owned()));
        assert_eq!(
            context_entry("aws:MultiFactorAuthPresent=true"),
            Ok(("aws:MultiFactorAuthPresent".to_owned(), s("true")))
        );
        assert_eq!(context_entry("k=a=b"), Ok(("k".to_owned(), s("a=b"))));
        assert_eq!(context_entry("k="), Ok(("k".to_owned(), s(""))));
        assert_eq!(
            context_entry(r#"aws:TagKeys:=["a","b"]"#),
            Ok((
                "aws:TagKeys".to_owned(),
                Value::Multi(vec![
                    Scalar::String("a".to_owned()),
                    Scalar::String("b".to_owned())
                ])
            ))
        );
        assert_eq!(
            context_entry("n:=3600"),
            Ok((
                "n".to_owned(),
                Value::Single(Scalar::Number("3600".to_owned()))
            ))
        );
        assert!(context_entry("novalue").is_err());
        assert!(context_entry("=x").is_err());
        assert!(context_entry(":=1").is_err());
        assert_eq!(
            context_entry("k:={}"),
            Err("the JSON value at 1:1: a context value must be a string, number, boolean or array of those".to_owned())
        );
    }
}
