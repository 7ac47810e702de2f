//! The typed-set flags (`--boundary`, `--scp`, ...), `--param`, and loading a policy set from
//! files: plain policy files, CloudFormation templates and Terraform plans (`iamc::sources`,
//! detected by content), directories standing for the files below them, `-` for standard
//! input.

use std::collections::BTreeMap;

use iamc::sources::{self, Format};
use iamc_grammar::ast::PolicyType;
use iamc_grammar::{Limits, PolicySet, Slots};

use super::input::{expand_dirs, max_policy_file_bytes, skip_found, Input};
use super::output::report;
use super::{CliError, Streams};

/// `--engine`: which engine decides the policy set (`eval`, `simulate`, `test`).
#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    /// The automata of the runtime crate
    Compiled,
    /// The interpreter that walks the policies
    Reference,
}

impl From<Engine> for iamc::engine::Engine {
    fn from(e: Engine) -> iamc::engine::Engine {
        match e {
            Engine::Compiled => iamc::engine::Engine::Compiled,
            Engine::Reference => iamc::engine::Engine::Reference,
        }
    }
}

/// The policy files of a typed set, by type (spec 7.2), as the flags name them: one SCP or
/// RCP level per `--scp` / `--rcp` flag, root first.
pub type Files = Slots<Input>;

/// One organization level: `FILE[,FILE...]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Level(pub Vec<Input>);

/// Reads `a.json,b.json` (empty names are dropped).
fn level(value: &str) -> Result<Level, String> {
    value
        .split(',')
        .filter(|f| !f.is_empty())
        .map(Input::parse)
        .collect::<Result<_, _>>()
        .map(Level)
}

/// Reads `NAME=VALUE`.
fn param(value: &str) -> Result<(String, String), String> {
    match value.split_once('=') {
        Some((name, v)) if !name.is_empty() => Ok((name.to_owned(), v.to_owned())),
        _ => Err("expected `NAME=VALUE`".to_owned()),
    }
}

/// The flags that name policies of other types than identity, and the values of template
/// parameters (`check`, `compile`, `eval`). Each plain policy file is validated by the rules
/// of its type; a template's policies have the types of where they sit.
#[derive(clap::Args, Debug, Default)]
#[command(next_help_heading = "Policies of other types")]
pub struct TypedArgs {
    /// A resource-based policy of the resource (repeatable)
    #[arg(long = "resource-policy", value_name = "FILE", value_parser = Input::parse)]
    resource_policy: Vec<Input>,
    /// The trust policy of the role being assumed (repeatable)
    #[arg(long = "trust-policy", value_name = "FILE", value_parser = Input::parse)]
    trust_policy: Vec<Input>,
    /// The principal's permissions boundary (repeatable: one ceiling)
    #[arg(long, value_name = "FILE", value_parser = Input::parse)]
    boundary: Vec<Input>,
    /// The session policy (repeatable: one ceiling)
    #[arg(long = "session-policy", value_name = "FILE", value_parser = Input::parse)]
    session_policy: Vec<Input>,
    /// The SCPs of one organization level; repeat per level, root first
    #[arg(long, value_name = "FILE[,FILE...]", value_parser = level)]
    scp: Vec<Level>,
    /// The RCPs of one organization level; repeat per level, root first
    #[arg(long, value_name = "FILE[,FILE...]", value_parser = level)]
    rcp: Vec<Level>,
    /// A VPC endpoint policy the request goes through (repeatable)
    #[arg(long = "endpoint-policy", value_name = "FILE", value_parser = Input::parse)]
    endpoint_policy: Vec<Input>,
    /// The value of a CloudFormation parameter or pseudo parameter (`AWS::AccountId`,
    /// `AWS::Region`, `AWS::Partition`, ...) in templates (repeatable)
    #[arg(long = "param", value_name = "NAME=VALUE", value_parser = param, help_heading = "Templates")]
    params: Vec<(String, String)>,
}

impl TypedArgs {
    /// The typed set these flags name, with `identity` as its identity policies; directories
    /// replaced by the files below them.
    ///
    /// # Errors
    /// A directory that cannot be read or holds no policy file; `-` given twice.
    pub fn files(&self, identity: &[Input]) -> Result<Files, CliError> {
        let levels = |levels: &[Level]| -> Result<Vec<Vec<Input>>, CliError> {
            levels.iter().map(|l| expand_dirs(&l.0)).collect()
        };
        let files = Files {
            identity: expand_dirs(identity)?,
            resource: expand_dirs(&self.resource_policy)?,
            trust: expand_dirs(&self.trust_policy)?,
            boundary: expand_dirs(&self.boundary)?,
            session: expand_dirs(&self.session_policy)?,
            scp: levels(&self.scp)?,
            rcp: levels(&self.rcp)?,
            endpoint: expand_dirs(&self.endpoint_policy)?,
        };
        super::input::stdin_once(files.iter().map(|(_, i)| i))?;
        Ok(files)
    }

    /// Whether no policy file is named (directories not yet looked into).
    pub fn is_empty(&self) -> bool {
        self.resource_policy.is_empty()
            && self.trust_policy.is_empty()
            && self.boundary.is_empty()
            && self.session_policy.is_empty()
            && self.scp.is_empty()
            && self.rcp.is_empty()
            && self.endpoint_policy.is_empty()
    }

    /// How to read a file whose plain policy is of type `kind`.
    ///
    /// # Errors
    /// A parameter given twice.
    pub fn sources_options(&self, kind: PolicyType) -> Result<sources::Options, CliError> {
        let mut params = BTreeMap::new();
        for (name, value) in &self.params {
            if params.insert(name.clone(), value.clone()).is_some() {
                return Err(CliError::usage(format!("`--param {name}` is given twice")));
            }
        }
        Ok(sources::Options {
            kind,
            params,
            max_file_bytes: usize::try_from(max_policy_file_bytes()).unwrap_or(usize::MAX),
        })
    }
}

/// Every file of `files` with its type and organization level (0 outside SCPs and RCPs), in
/// group order.
pub fn each_file(files: &Files) -> Vec<(PolicyType, usize, &Input)> {
    files.iter_levels().collect()
}

/// Loads every policy of the set, each validated by the rules of its type: a plain policy
/// file goes to the slot of its flag, each policy of a template or plan to the slot of its own
/// type. Warnings are reported on stderr as they come; any invalid policy (or a template
/// policy with an unknown value) stops the load after all are reported, an I/O error at once.
pub fn load_set(
    args: &TypedArgs,
    files: &Files,
    io: &mut Streams<'_>,
) -> Result<PolicySet, CliError> {
    load_set_with_texts(args, files, io).map(|(set, _)| set)
}

/// [`load_set`], and the texts of the policies (plain files, and policies of templates with
/// their map into the template), for the places `eval --explain` prints.
pub fn load_set_with_texts(
    args: &TypedArgs,
    files: &Files,
    io: &mut Streams<'_>,
) -> Result<(PolicySet, iamc::explain::Texts), CliError> {
    let mut texts = iamc::explain::Texts::new();
    let limits = Limits::default();
    let mut set = PolicySet {
        scp: vec![Vec::new(); files.scp.len()],
        rcp: vec![Vec::new(); files.rcp.len()],
        ..PolicySet::default()
    };
    let mut failed = false;
    for (kind, level, input) in each_file(files) {
        let bytes = input.read(io.stdin, max_policy_file_bytes(), "a policy file")?;
        if skip_found(input, &bytes) {
            continue;
        }
        let source = match sources::read(input.name(), &bytes, &args.sources_options(kind)?) {
            Ok(source) => source,
            Err(e) => {
                report(io.stderr, &e.to_string());
                failed = true;
                continue;
            }
        };
        for p in source.policies() {
            if source.format() == Format::Policy {
                texts.add_file(p.source_file().clone());
            } else {
                texts.add_extracted(p.clone());
            }
        }
        // The notes that are errors come back from `parse_all`: report the others here.
        for note in source.notes().iter().filter(|d| !d.is_error()) {
            report(io.stderr, &note.to_string());
        }
        match source.parse_all(&limits) {
            Ok(parsed) => {
                // A plain policy was parsed as the type of its flag; a template's policies
                // have their own types (and no organization level).
                let level = if source.format() == Format::Policy {
                    level
                } else {
                    0
                };
                for p in parsed {
                    for w in p.warnings.iter() {
                        report(io.stderr, &w.to_string());
                    }
                    set.push(p.policy, level);
                }
            }
            Err(errors) => {
                report(io.stderr, &errors.to_string());
                failed = true;
            }
        }
    }
    if failed {
        return Err(CliError::InvalidPolicy);
    }
    if let Err(e) = set.check() {
        return Err(CliError::usage(e.message()));
    }
    Ok((set, texts))
}
