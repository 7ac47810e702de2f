//! `iamc inspect`: validate an artifact and describe it.

use super::input::{Input, MAX_ARTIFACT_FILE_BYTES};
use super::output::write_raw;
use super::{CliError, Streams, EXIT_OK};

/// Describe an artifact: version, sections, statements, automata
///
/// Validates an artifact completely (as `eval --artifact` does) and describes it: format
/// version, the versions that produced it, its sections, policies and statements, and every
/// automaton with its role, patterns, reachable states and bytes.
///
/// Exit status: 0 valid, 2 I/O error or an invalid artifact (the error says what is wrong).
#[derive(clap::Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// The artifact, written by `iamc compile` (`-`: standard input)
    #[arg(value_name = "SET.iamc", value_parser = Input::parse)]
    artifact: Input,
}

/// 0 valid (described on stdout), 2 I/O error or invalid artifact.
pub fn run(args: &Args, io: &mut Streams<'_>) -> Result<u8, CliError> {
    let path = args.artifact.name();
    let bytes = args
        .artifact
        .read(io.stdin, MAX_ARTIFACT_FILE_BYTES, "an artifact")?;
    let info = iamc_compiler::inspect::inspect(&bytes)
        .map_err(|e| CliError::Fatal(format!("`{path}` is not a valid iamc artifact: {e}")))?;
    write_raw(io.stdout, &info.render(path))?;
    Ok(EXIT_OK)
}
