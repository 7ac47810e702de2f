//! `iamc check`: parse and validate policies by the rules of their type.

use super::policies::{load_one, TypedArgs};
use super::{CliError, Streams, EXIT_INVALID, EXIT_OK};

/// Parse and validate policies by the rules of their type
///
/// Parses and validates each policy by the rules of its type: the files given as arguments are
/// identity policies, the options below name the other types. Every problem is printed on
/// stderr as `PATH:LINE:COL: error: MESSAGE` (warnings as `warning:`).
///
/// Exit status: 0 all valid, 1 some policy has an error, 2 usage or I/O error.
#[derive(clap::Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// Identity-based policy files
    #[arg(value_name = "POLICY.json")]
    files: Vec<String>,
    // Last: its heading applies to the arguments after it.
    #[command(flatten)]
    typed: TypedArgs,
}

/// 0 all valid, 1 any error, 2 I/O error.
pub fn run(args: &Args, io: &mut Streams<'_>) -> Result<u8, CliError> {
    let files = args.typed.files(&args.files);
    if files.is_empty() {
        return Err(CliError::usage("`check` needs at least one policy file"));
    }
    let mut status = EXIT_OK;
    for (kind, path) in files.iter() {
        if load_one(path, kind, io.stderr)?.is_none() {
            status = EXIT_INVALID;
        }
    }
    Ok(status)
}
