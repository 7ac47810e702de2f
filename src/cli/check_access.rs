//! `iamc check-access`: whether a policy set allows any request with given actions and
//! resources, for some context and caller (`iamc_analysis::diff::check_access`).

use iamc_analysis::diff::{self, render, AccessQuery};

use super::check::Positional;
use super::diff::{add_typed, analysis_error, ReferenceJudge, ReportArgs};
use super::input::{expand_dirs, stdin_once, Input};
use super::policies::{load_set, TypedArgs};
use super::{CliError, Streams, EXIT_INVALID, EXIT_OK};

/// Ask whether a policy set allows any request with these actions on these resources
///
/// Asks whether the policy set allows some request with one of the `--action` patterns on
/// one of the `--resource` patterns (every resource when none is given), for some context and
/// some caller other than an account's root user, whom no policy needs to grant anything.
/// Patterns are read as a policy's `Action` and `Resource` entries (`s3:Get*`,
/// `arn:aws:s3:::bucket/*`; `*` also takes the resource `*` of actions without resource
/// types). The policies are the files given as arguments (of `--type`, identity by default;
/// templates and plans too) and those the typed options of `eval` name. When some request is
/// allowed, each region of them is printed with a witness request that `iamc eval` decides
/// Allow (checked with the compiled engine, the IR interpreter and the reference interpreter).
/// Like Access Analyzer's CheckAccessNotGranted, offline and with the requests.
///
/// `--format text` (the default) prints a summary line, then each region; `--format json`
/// one object: {"allowed":true,"exact":true,"complete":true,"reasons":[],"regions":[...]},
/// regions as `iamc diff` prints them.
///
/// Exit status: 0 no such request is allowed, 1 some is (or may be), 2 usage or I/O error, or
/// an invalid policy.
#[derive(clap::Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct Args {
    #[command(flatten)]
    positional: Positional,
    /// An action pattern to ask about (repeatable, at least one)
    #[arg(long = "action", value_name = "SERVICE:ACTION", required = true)]
    actions: Vec<String>,
    /// A resource pattern to ask about (repeatable; none: every resource)
    #[arg(long = "resource", value_name = "ARN")]
    resources: Vec<String>,
    #[command(flatten)]
    report: ReportArgs,
    /// Identity-based policies (repeatable; as the arguments with `--type identity`)
    #[arg(long = "policy", value_name = "FILE", value_parser = Input::parse)]
    policies: Vec<Input>,
    // Last: its heading applies to the arguments after it.
    #[command(flatten)]
    typed: TypedArgs,
}

/// 0 not allowed, 1 allowed or may be, 2 usage, I/O error or invalid policy.
pub fn run(args: &Args, io: &mut Streams<'_>) -> Result<u8, CliError> {
    let mut files = args.typed.files(&args.policies)?;
    for input in expand_dirs(&args.positional.files)? {
        add_typed(&mut files, args.positional.kind, input);
    }
    stdin_once(files.iter().map(|(_, i)| i))?;
    if files.is_empty() {
        return Err(CliError::usage(
            "`check-access` needs at least one policy file",
        ));
    }
    let set = load_set(&args.typed, &files, io)?;
    let judge = ReferenceJudge::new(None, &set);
    let query = AccessQuery {
        actions: args.actions.clone(),
        resources: args.resources.clone(),
    };
    let access = diff::check_access(&set, &query, &args.report.options(&judge))
        .map_err(|e| analysis_error(&e))?;
    args.report
        .print(io, &access, render::access_text_report, render::access_json)?;
    Ok(if access.any { EXIT_INVALID } else { EXIT_OK })
}
