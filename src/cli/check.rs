//! `iamc check`: Access Analyzer's findings for every policy (findings.md 2.2), offline.

use iamc_analysis::findings::{self, render, CatalogChecker, CatalogChecks, Finding, FindingType};
use iamc_grammar::ast::PolicyType;

use super::input::{max_policy_file_bytes, skip_found, Input};
use super::output::{report, write_raw};
use super::policies::{each_file, TypedArgs};
use super::{CliError, Streams, EXIT_INVALID, EXIT_OK};

/// Report Access Analyzer's findings for policies, templates and plans
///
/// Checks each policy by the rules of its type and reports every finding of Access Analyzer's
/// policy checks that needs no AWS account: errors (the policy or part of it does not work),
/// security warnings, warnings and suggestions, each at the span of the element at fault.
/// The vendored service catalog names unknown services, actions and condition keys (with the
/// nearest real name), checks key types and ARNs against resource types (`--no-catalog`: not).
/// Files given as arguments are identity policies (or `--type TYPE`); the typed options name
/// the other types. CloudFormation templates and Terraform plans are read wherever a policy
/// file is (detected by content): each policy they hold is checked as the type of where it
/// sits, its findings at their places in the template. `-` is standard input; a directory
/// stands for the `.json`, `.yaml` and `.yml` files below it (sorted; hidden entries,
/// `.tf.json` files and YAML files that are no template are left out).
///
/// `--format text` (the default) prints one line per finding on stderr:
///   PATH:LINE:COL: error|warning|note: ISSUE_CODE: details
/// (a security warning prints as `warning`, a suggestion as `note`). `--format json` prints
/// one document shaped like ValidatePolicy's findings on stdout; `--format sarif` SARIF 2.1.0
/// for code scanning on stdout.
///
/// Exit status: 0 no finding at or above `--fail-on` (default `error`), 1 some finding is, 2
/// usage or I/O error. A file that is not JSON is a JSON_SYNTAX_ERROR finding (1), not 2.
#[derive(clap::Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct Args {
    #[command(flatten)]
    positional: Positional,
    /// How findings are printed
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// The least serious finding type that makes the exit status 1
    #[arg(long = "fail-on", value_enum, value_name = "TYPE", default_value_t = FailOn::Error)]
    fail_on: FailOn,
    /// Apply CreatePolicy's extra rules for managed policies (`Version` required and
    /// `2012-10-17`, the 6,144-character quota as an error)
    #[arg(long)]
    managed: bool,
    /// Skip the checks that need the vendored service catalog (unknown services, actions and
    /// condition keys, key types, ARN formats, regions)
    #[arg(long = "no-catalog")]
    no_catalog: bool,
    // Last: its heading applies to the arguments after it.
    #[command(flatten)]
    typed: TypedArgs,
}

/// The policy files given as arguments and their type (`check`, `check-access`).
#[derive(clap::Args, Debug)]
pub(super) struct Positional {
    /// Policy files, templates or plans, of `--type` (`-`: standard input; a directory: the
    /// files below it)
    #[arg(value_name = "FILE", value_parser = Input::parse)]
    pub files: Vec<Input>,
    /// The type of the policies given as arguments
    #[arg(long = "type", value_name = "TYPE", value_parser = policy_type(), default_value = "identity")]
    pub kind: PolicyType,
}

/// `--type`: the policy types of spec 7.2, by the names decisions use (`identity`, ..., `endpoint`).
pub(super) fn policy_type() -> impl clap::builder::TypedValueParser<Value = PolicyType> {
    use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser as _};
    PossibleValuesParser::new(
        PolicyType::ALL.map(|t| PossibleValue::new(t.as_str()).help(t.describe())),
    )
    .try_map(|name| PolicyType::from_name(&name).ok_or(format!("unknown policy type `{name}`")))
}

/// `--format`.
#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    /// One line per finding on stderr
    Text,
    /// One JSON document on stdout, shaped like ValidatePolicy's findings
    Json,
    /// SARIF 2.1.0 on stdout, for code scanning
    Sarif,
}

/// `--fail-on`.
#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
enum FailOn {
    /// ERROR findings
    Error,
    /// SECURITY_WARNING findings and above
    Security,
    /// WARNING findings and above
    Warning,
    /// Any finding
    Suggestion,
}

impl FailOn {
    fn threshold(self) -> FindingType {
        match self {
            FailOn::Error => FindingType::Error,
            FailOn::Security => FindingType::SecurityWarning,
            FailOn::Warning => FindingType::Warning,
            FailOn::Suggestion => FindingType::Suggestion,
        }
    }
}

/// The checks that need the service catalog (findings.md 4.2), run after the others on every
/// policy: the vendored catalog's, loaded on first use and shared by every file of the run (it
/// remembers the ARN formats of each resource pattern); none with `--no-catalog`, and then
/// `--format json` names no catalog (`null`).
fn catalog_checks(off: bool) -> Result<Option<&'static dyn CatalogChecks>, CliError> {
    if off {
        return Ok(None);
    }
    let checker = CatalogChecker::shared()
        .map_err(|e| CliError::Fatal(format!("the service catalog did not load: {e}")))?;
    Ok(Some(checker))
}

/// 0 no finding at or above `--fail-on`, 1 some finding is, 2 usage or I/O error.
pub fn run(args: &Args, io: &mut Streams<'_>) -> Result<u8, CliError> {
    if args.positional.files.is_empty() && args.typed.is_empty() {
        return Err(CliError::usage("`check` needs at least one policy file"));
    }
    let mut files = args.typed.files(&args.positional.files)?;
    // `--type` re-types the positional files: they sit in the identity slot of the set.
    let positional = std::mem::take(&mut files.identity);
    let catalog = catalog_checks(args.no_catalog)?;
    let options = findings::Options {
        managed: args.managed,
        catalog,
        ..findings::Options::default()
    };
    let mut found: Vec<Finding> = Vec::new();
    let typed = each_file(&files);
    let all = positional
        .iter()
        .map(|i| (args.positional.kind, i))
        .chain(typed.iter().map(|&(kind, _, i)| (kind, i)));
    for (kind, input) in all {
        let bytes = input.read(io.stdin, max_policy_file_bytes(), "a policy file")?;
        if skip_found(input, &bytes) {
            continue;
        }
        let sources = args.typed.sources_options(kind)?;
        found.extend(iamc::sources::check_file(
            input.name(),
            &bytes,
            &sources,
            &options,
        ));
    }
    match args.format {
        Format::Text => report(io.stderr, &render::text(&found)),
        Format::Json => write_raw(
            io.stdout,
            &render::json(&found, catalog.map(|c| c.version())),
        )?,
        Format::Sarif => write_raw(
            io.stdout,
            &render::sarif(&found, catalog.map(|c| c.version())),
        )?,
    }
    Ok(if findings::fails(&found, args.fail_on.threshold()) {
        EXIT_INVALID
    } else {
        EXIT_OK
    })
}
