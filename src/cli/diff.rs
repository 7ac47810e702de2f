//! `iamc diff`: the access a policy change adds (and with `--both` removes), as regions of
//! requests with witness requests (`iamc_analysis::diff`).

use iamc::reference;
use iamc_analysis::diff::{self, render, Judge, Options, Side};
use iamc_grammar::ast::PolicyType;
use iamc_grammar::PolicySet;
use iamc_runtime::{Decision, Request};

use super::check::policy_type;
use super::input::{expand_dirs, stdin_once, Input};
use super::output::write_text;
use super::policies::{load_set, Files, TypedArgs};
use super::{CliError, Streams, EXIT_INVALID, EXIT_OK};

/// Report the access a policy change adds: the requests NEW allows and OLD does not
///
/// Compares two policy sets and reports the requests the NEW set allows and the OLD set does
/// not, as regions (actions, resources, callers and condition constraints a reviewer reads),
/// each with a witness request that `iamc eval` decides Allow under NEW and not under OLD
/// (checked with the compiled engine, the IR interpreter and the reference interpreter).
/// `--both` adds the access NEW removes.
///
/// Two policy documents: `iamc diff OLD NEW` (of `--type`, identity by default; templates
/// and plans too). Two whole sets: the options of `eval` name policies of both sets
/// (`--policy`, `--boundary`, `--scp`, ...), the same options prefixed with `old-` or `new-`
/// name the policies of one set only (`--old-policy`, `--new-boundary`, `--new-scp`, ...).
/// SCP and RCP levels are given for both sets or per set, not both.
///
/// The answer is exact for actions, resources, principals and conditions without policy
/// variables; where AWS couples what the policies cannot say (policy variables, keys tied to
/// the caller, lists past the budget), a region may say "may allow" with the reason, never a
/// false "no new access". `--catalog-resources` keeps only requests AWS can make: an action
/// of the service catalog on a resource of a type it takes.
///
/// `--format text` (the default) prints a summary line, then each region with one witness
/// request; `--format json` one object: {"new_access":true,"exact":true,"complete":true,
/// "reasons":[],"regions":[{"certain":true,"actions":[...],"resources":[...],
/// "principals":[...],"conditions":[...],"witnesses":[REQUEST...],"notes":[]}]}, each witness
/// a request object `iamc eval` reads.
///
/// Exit status: 0 no new access, 1 new access (or "may allow": a CI gate), 2 usage or I/O
/// error, or an invalid policy.
#[derive(clap::Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// OLD and NEW: two policy documents, templates or plans, of `--type`
    #[arg(value_names = ["OLD", "NEW"], num_args = 0..=2, value_parser = Input::parse)]
    files: Vec<Input>,
    /// The type of OLD and NEW
    #[arg(long = "type", value_name = "TYPE", value_parser = policy_type(), default_value = "identity")]
    kind: PolicyType,
    /// Also report the access NEW removes
    #[arg(long)]
    both: bool,
    #[command(flatten)]
    report: ReportArgs,
    /// Identity-based policies of both sets (repeatable; a directory: the files below it)
    #[arg(long = "policy", value_name = "FILE", value_parser = Input::parse)]
    policies: Vec<Input>,
    #[command(flatten)]
    old: OldArgs,
    #[command(flatten)]
    new: NewArgs,
    // Last: its heading applies to the arguments after it.
    #[command(flatten)]
    typed: TypedArgs,
}

/// `--format` of `diff` and `check-access`.
#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A summary line, then each region with a witness request
    Text,
    /// One JSON object (spec/io.md)
    Json,
}

/// The options of `diff` and `check-access` that shape the answer: which requests count and
/// how the answer is printed.
#[derive(clap::Args, Debug)]
pub struct ReportArgs {
    /// How the answer is printed
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Only requests AWS can make: actions of the service catalog on resources of the types
    /// they take
    #[arg(long = "catalog-resources")]
    catalog_resources: bool,
    /// List every catalog action of a region (text: all of them; json: `known_actions`)
    #[arg(long)]
    expand: bool,
}

impl ReportArgs {
    /// The analysis options: witnesses also checked with `judge`.
    pub fn options<'a>(&self, judge: &'a dyn Judge) -> Options<'a> {
        Options {
            catalog_resources: self.catalog_resources,
            judges: vec![judge],
            ..Options::default()
        }
    }

    /// Prints `answer` on stdout, by `text` or `json` as `--format` says.
    pub fn print<T>(
        &self,
        io: &mut Streams<'_>,
        answer: &T,
        text: fn(&T, &render::RenderOptions) -> String,
        json: fn(&T, &render::RenderOptions) -> String,
    ) -> Result<(), CliError> {
        let opts = render::RenderOptions {
            expand: self.expand,
            ..render::RenderOptions::default()
        };
        let out = match self.format {
            Format::Text => text(answer, &opts),
            Format::Json => json(answer, &opts),
        };
        write_text(io.stdout, &out)
    }
}

/// `FILE[,FILE...]`: one organization level.
fn level(value: &str) -> Result<Vec<Input>, String> {
    value
        .split(',')
        .filter(|f| !f.is_empty())
        .map(Input::parse)
        .collect()
}

/// The typed options of one set: the options of `eval` prefixed with `old-` or `new-`.
macro_rules! side_args {
    ($name:ident, $side:literal, $set:literal, $heading:literal) => {
        #[derive(clap::Args, Debug, Default)]
        #[command(next_help_heading = $heading)]
        pub struct $name {
            #[arg(id = concat!($side, "-policy"), long = concat!($side, "-policy"), value_name = "FILE", value_parser = Input::parse,
                help = concat!("Identity-based policies of the ", $set, " set only (repeatable)"))]
            policy: Vec<Input>,
            #[arg(id = concat!($side, "-resource-policy"), long = concat!($side, "-resource-policy"), value_name = "FILE", value_parser = Input::parse,
                help = concat!("A resource-based policy of the ", $set, " set only (repeatable)"))]
            resource_policy: Vec<Input>,
            #[arg(id = concat!($side, "-trust-policy"), long = concat!($side, "-trust-policy"), value_name = "FILE", value_parser = Input::parse,
                help = concat!("The trust policy of the ", $set, " set only (repeatable)"))]
            trust_policy: Vec<Input>,
            #[arg(id = concat!($side, "-boundary"), long = concat!($side, "-boundary"), value_name = "FILE", value_parser = Input::parse,
                help = concat!("The permissions boundary of the ", $set, " set only (repeatable)"))]
            boundary: Vec<Input>,
            #[arg(id = concat!($side, "-session-policy"), long = concat!($side, "-session-policy"), value_name = "FILE", value_parser = Input::parse,
                help = concat!("The session policy of the ", $set, " set only (repeatable)"))]
            session_policy: Vec<Input>,
            #[arg(id = concat!($side, "-scp"), long = concat!($side, "-scp"), value_name = "FILE[,FILE...]", value_parser = level,
                help = concat!("The SCPs of one level of the ", $set, " set; repeat per level, root first"))]
            scp: Vec<Vec<Input>>,
            #[arg(id = concat!($side, "-rcp"), long = concat!($side, "-rcp"), value_name = "FILE[,FILE...]", value_parser = level,
                help = concat!("The RCPs of one level of the ", $set, " set; repeat per level, root first"))]
            rcp: Vec<Vec<Input>>,
            #[arg(id = concat!($side, "-endpoint-policy"), long = concat!($side, "-endpoint-policy"), value_name = "FILE", value_parser = Input::parse,
                help = concat!("A VPC endpoint policy of the ", $set, " set only (repeatable)"))]
            endpoint_policy: Vec<Input>,
        }

        impl $name {
            fn slots(&self) -> Files {
                Files {
                    identity: self.policy.clone(),
                    resource: self.resource_policy.clone(),
                    trust: self.trust_policy.clone(),
                    boundary: self.boundary.clone(),
                    session: self.session_policy.clone(),
                    scp: self.scp.clone(),
                    rcp: self.rcp.clone(),
                    endpoint: self.endpoint_policy.clone(),
                }
            }
        }
    };
}

side_args!(OldArgs, "old", "OLD", "The OLD set only");
side_args!(NewArgs, "new", "NEW", "The NEW set only");

/// `files` with `file` added to the slot of `kind` (an SCP or RCP as a level of its own).
pub fn add_typed(files: &mut Files, kind: PolicyType, file: Input) {
    match kind {
        PolicyType::Identity => files.identity.push(file),
        PolicyType::Resource => files.resource.push(file),
        PolicyType::Trust => files.trust.push(file),
        PolicyType::Boundary => files.boundary.push(file),
        PolicyType::Session => files.session.push(file),
        PolicyType::Scp => files.scp.push(vec![file]),
        PolicyType::Rcp => files.rcp.push(vec![file]),
        PolicyType::Endpoint => files.endpoint.push(file),
    }
}

/// The files of one set: those of both sets (`shared`), then this set's own (`own`), then
/// `file` of `kind` (OLD or NEW given as an argument); directories expanded.
fn side_files(
    shared: &Files,
    own: Files,
    file: Option<(&Input, PolicyType)>,
    side: &str,
) -> Result<Files, CliError> {
    let mut files = shared.clone();
    let levels = |shared: &[Vec<Input>], own: Vec<Vec<Input>>, what: &str| {
        if !shared.is_empty() && !own.is_empty() {
            return Err(CliError::usage(format!(
                "`--{what}` and `--{side}-{what}` are both given"
            ))
            .with_help(format!(
                "levels are given for both sets (`--{what}`) or per set (`--old-{what}`, `--new-{what}`)"
            )));
        }
        Ok(if own.is_empty() { shared.to_vec() } else { own })
    };
    files.scp = levels(&shared.scp, own.scp, "scp")?;
    files.rcp = levels(&shared.rcp, own.rcp, "rcp")?;
    for (into, more) in [
        (&mut files.identity, own.identity),
        (&mut files.resource, own.resource),
        (&mut files.trust, own.trust),
        (&mut files.boundary, own.boundary),
        (&mut files.session, own.session),
        (&mut files.endpoint, own.endpoint),
    ] {
        into.extend(expand_dirs(&more)?);
    }
    for level in files.scp.iter_mut().chain(files.rcp.iter_mut()) {
        *level = expand_dirs(level)?;
    }
    if let Some((input, kind)) = file {
        for i in expand_dirs(std::slice::from_ref(input))? {
            add_typed(&mut files, kind, i);
        }
    }
    Ok(files)
}

/// The reference interpreter, as the third engine witnesses are checked with.
pub struct ReferenceJudge {
    old: Option<reference::PolicySet>,
    new: reference::PolicySet,
}

impl ReferenceJudge {
    pub fn new(old: Option<&PolicySet>, new: &PolicySet) -> ReferenceJudge {
        ReferenceJudge {
            old: old.map(|s| reference::PolicySet::from_set(s.clone())),
            new: reference::PolicySet::from_set(new.clone()),
        }
    }
}

impl Judge for ReferenceJudge {
    fn name(&self) -> &str {
        "reference"
    }

    fn decide(&self, side: Side, req: &Request) -> Decision {
        match (side, &self.old) {
            (Side::New, _) => self.new.authorize(req),
            (Side::Old, Some(old)) => old.authorize(req),
            (Side::Old, None) => Decision::ImplicitDeny,
        }
    }
}

/// The analysis failed: an error of the sets (exit 2).
pub fn analysis_error(e: &diff::DiffError) -> CliError {
    CliError::Fatal(e.to_string())
}

/// 0 no new access, 1 new access or may allow, 2 usage, I/O error or invalid policy.
pub fn run(args: &Args, io: &mut Streams<'_>) -> Result<u8, CliError> {
    let (old_file, new_file) = match args.files.as_slice() {
        [] => (None, None),
        [old, new] => (Some((old, args.kind)), Some((new, args.kind))),
        _ => {
            return Err(
                CliError::usage("`diff` takes two files, OLD and NEW, or none")
                    .with_help("name whole sets with `--old-policy`, `--new-policy`, ..."),
            )
        }
    };
    let shared = args.typed.files(&args.policies)?;
    let old_files = side_files(&shared, args.old.slots(), old_file, "old")?;
    let new_files = side_files(&shared, args.new.slots(), new_file, "new")?;
    stdin_once(
        old_files
            .iter()
            .map(|(_, i)| i)
            .chain(new_files.iter().map(|(_, i)| i)),
    )?;
    if old_files.is_empty() && new_files.is_empty() {
        return Err(
            CliError::usage("`diff` needs policies: OLD and NEW, or the typed options").with_help(
                "`iamc diff old.json new.json`, or `--old-policy FILE --new-policy FILE`",
            ),
        );
    }
    let old = load_set(&args.typed, &old_files, io)?;
    let new = load_set(&args.typed, &new_files, io)?;
    let judge = ReferenceJudge::new(Some(&old), &new);
    let opts = Options {
        removed: args.both,
        ..args.report.options(&judge)
    };
    let report = diff::diff(&old, &new, &opts).map_err(|e| analysis_error(&e))?;
    args.report.print(io, &report, render::text, render::json)?;
    Ok(if report.new_access() {
        EXIT_INVALID
    } else {
        EXIT_OK
    })
}
