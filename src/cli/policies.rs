//! The typed-set flags (`--boundary`, `--scp`, ...) and loading a policy set from files.

use std::io::Write;

use iamc_grammar::ast;
use iamc_grammar::{PolicySet, SourceFile};

use super::input::{max_policy_file_bytes, read_capped};
use super::output::report;
use super::CliError;

/// The policy files of a typed set, by type (spec 7.2), as the flags name them: one SCP or
/// RCP level per `--scp` / `--rcp` flag, root first.
pub type Files = iamc_grammar::Slots<String>;

/// One organization level: `FILE[,FILE...]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Level(pub Vec<String>);

/// Reads `a.json,b.json` (empty names are dropped).
fn level(value: &str) -> Result<Level, String> {
    Ok(Level(
        value
            .split(',')
            .filter(|f| !f.is_empty())
            .map(str::to_owned)
            .collect(),
    ))
}

/// The flags that name policies of other types than identity (`check`, `compile`, `eval`);
/// each file is validated by the rules of its type.
#[derive(clap::Args, Debug, Default)]
#[command(next_help_heading = "Policies of other types")]
pub struct TypedArgs {
    /// A resource-based policy of the resource (repeatable)
    #[arg(long = "resource-policy", value_name = "FILE")]
    resource: Vec<String>,
    /// The trust policy of the role being assumed (repeatable)
    #[arg(long = "trust-policy", value_name = "FILE")]
    trust: Vec<String>,
    /// The principal's permissions boundary (repeatable: one ceiling)
    #[arg(long, value_name = "FILE")]
    boundary: Vec<String>,
    /// The session policy (repeatable: one ceiling)
    #[arg(long = "session-policy", value_name = "FILE")]
    session: Vec<String>,
    /// The SCPs of one organization level; repeat per level, root first
    #[arg(long, value_name = "FILE[,FILE...]", value_parser = level)]
    scp: Vec<Level>,
    /// The RCPs of one organization level; repeat per level, root first
    #[arg(long, value_name = "FILE[,FILE...]", value_parser = level)]
    rcp: Vec<Level>,
    /// A VPC endpoint policy the request goes through (repeatable)
    #[arg(long = "endpoint-policy", value_name = "FILE")]
    endpoint: Vec<String>,
}

impl TypedArgs {
    /// The typed set these flags name, with `identity` as its identity policies.
    pub fn files(&self, identity: &[String]) -> Files {
        Files {
            identity: identity.to_vec(),
            resource: self.resource.clone(),
            trust: self.trust.clone(),
            boundary: self.boundary.clone(),
            session: self.session.clone(),
            scp: self.scp.iter().map(|l| l.0.clone()).collect(),
            rcp: self.rcp.iter().map(|l| l.0.clone()).collect(),
            endpoint: self.endpoint.clone(),
        }
    }
}

/// A policy file read and decoded, or why it could not be.
enum Loaded {
    Source(SourceFile),
    /// Not UTF-8: the rendered error.
    Invalid(String),
}

/// Reads a policy file as bytes; text that is not UTF-8 is an error at the first bad byte,
/// rendered by the grammar crate like every other diagnostic.
fn read_policy(path: &str) -> Result<Loaded, CliError> {
    let bytes = read_capped(path, max_policy_file_bytes(), "a policy file")?;
    match String::from_utf8(bytes) {
        Ok(text) => Ok(Loaded::Source(SourceFile::new(path, text))),
        Err(e) => {
            let rendered = match iamc_grammar::parse_policy_bytes(
                path,
                e.as_bytes(),
                ast::PolicyType::Identity,
            ) {
                Err(diagnostics) => diagnostics.to_string(),
                Ok(_) => format!("{path}: error: the policy is not valid utf-8"),
            };
            Ok(Loaded::Invalid(rendered))
        }
    }
}

/// Parses one policy of `kind` with the grammar crate. `Ok` carries the policy (named as given
/// on the command line) and the rendered warnings; `Err` the rendered errors.
fn parse_as(src: &SourceFile, kind: ast::PolicyType) -> Result<(ast::Policy, String), String> {
    match iamc_grammar::parse_policy(src, kind) {
        Ok(parsed) => {
            let mut policy = parsed.policy;
            policy.name = src.name().to_owned();
            Ok((policy, parsed.warnings.render(src)))
        }
        Err(diagnostics) => Err(diagnostics.to_string()),
    }
}

/// Reads and parses one policy file as `kind`, reporting its warnings, or its errors (then
/// `None`). An I/O error is fatal.
pub fn load_one(
    path: &str,
    kind: ast::PolicyType,
    stderr: &mut dyn Write,
) -> Result<Option<ast::Policy>, CliError> {
    let parsed = match read_policy(path)? {
        Loaded::Invalid(msg) => Err(msg),
        Loaded::Source(src) => parse_as(&src, kind),
    };
    Ok(match parsed {
        Ok((policy, warnings)) => {
            report(stderr, &warnings);
            Some(policy)
        }
        Err(errors) => {
            report(stderr, &errors);
            None
        }
    })
}

/// Loads every policy file of the set, each validated by the rules of its type; any invalid
/// one stops (after all are reported), an I/O error at once.
pub fn load_set(files: &Files, stderr: &mut dyn Write) -> Result<PolicySet, CliError> {
    let mut failed = false;
    let mut fatal = None;
    let set = PolicySet::from_slots(files, |path, kind| {
        if fatal.is_some() {
            return None;
        }
        match load_one(path, kind, stderr) {
            Ok(Some(policy)) => Some(policy),
            Ok(None) => {
                failed = true;
                None
            }
            Err(e) => {
                fatal = Some(e);
                None
            }
        }
    });
    if let Some(e) = fatal {
        return Err(e);
    }
    if failed {
        return Err(CliError::InvalidPolicy);
    }
    if let Err(e) = set.check() {
        return Err(CliError::usage(e.message()));
    }
    Ok(set)
}
