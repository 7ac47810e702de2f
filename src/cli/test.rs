//! `iamc test`: run policy test files (`iamc::testfile`).

use iamc::testfile::{junit, read, run as run_file, Options, TestFileError};

use super::input::Input;
use super::output::{stdout_error, write_raw};
use super::policies::Engine;
use super::{CliError, Streams, EXIT_INVALID, EXIT_OK};

/// Run policy test files
///
/// Each FILE (JSON or YAML; `-` for standard input) names the policies under test, by type
/// (paths relative to the file; templates through `templates:`), and cases: a request and the
/// expected decision (Allow, ExplicitDeny, ImplicitDeny, or Deny for either), optionally the
/// statements expected to apply (by Sid, or POLICY#INDEX). The schema is in spec/io.md.
///
/// Prints one line per case (`ok`, or `FAIL` with expected, got and the explanation: the
/// statements that applied, those that came closest and the conditions that failed), then the
/// statement coverage with every statement no case exercised.
///
/// Exit status: 0 every case passed (and the coverage reached --min-coverage), 1 a case failed
/// or the coverage fell short, 2 usage or I/O error, or a test file that could not be run (a
/// schema error, an invalid policy: its place in the file is printed).
#[derive(clap::Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// Test files (JSON or YAML; `-` for standard input)
    #[arg(value_name = "FILE", required = true, value_parser = Input::parse)]
    files: Vec<Input>,
    /// Which engine decides
    #[arg(long, value_enum, default_value_t = Engine::Compiled)]
    engine: Engine,
    /// Write the results as JUnit XML to this file
    #[arg(long, value_name = "FILE")]
    junit: Option<String>,
    /// Fail (status 1) when a file's statement coverage is below PCT percent
    #[arg(long = "min-coverage", value_name = "PCT", value_parser = percent)]
    min_coverage: Option<f64>,
}

fn percent(s: &str) -> Result<f64, String> {
    match s.trim_end_matches('%').parse::<f64>() {
        Ok(p) if (0.0..=100.0).contains(&p) => Ok(p),
        _ => Err("a percentage from 0 to 100".to_owned()),
    }
}

/// The largest test file read.
const MAX_TEST_FILE_BYTES: u64 = iamc::testfile::schema::MAX_TEST_FILE_BYTES as u64;

pub fn run(args: &Args, io: &mut Streams<'_>) -> Result<u8, CliError> {
    let options = Options {
        engine: args.engine.into(),
    };
    let mut runs = Vec::with_capacity(args.files.len());
    let (mut errors, mut failed, mut short) = (false, false, false);
    super::input::stdin_once(&args.files)?;
    for input in &args.files {
        let bytes = input.read(io.stdin, MAX_TEST_FILE_BYTES, "a test file")?;
        let path = input.name();
        let result: Result<_, TestFileError> =
            read(path, &bytes).and_then(|file| run_file(&file, &options));
        match &result {
            Ok(report) => {
                write_raw(io.stdout, &report.to_text())?;
                failed |= !report.passed();
                if let Some(min) = args.min_coverage {
                    if report.coverage.percent() < min {
                        short = true;
                        let _ = writeln!(
                            io.stdout,
                            "  coverage {:.1}% is below --min-coverage {min}%",
                            report.coverage.percent()
                        );
                    }
                }
            }
            Err(e) => {
                errors = true;
                let _ = writeln!(io.stderr, "{e}");
                let _ = writeln!(io.stderr, "iamc: error: `{path}` could not be run");
            }
        }
        runs.push((path.to_owned(), result));
    }
    if let Some(out) = &args.junit {
        std::fs::write(out, junit(&runs))
            .map_err(|e| CliError::Fatal(format!("cannot write `{out}`: {e}")))?;
    }
    io.stdout.flush().map_err(|e| stdout_error(&e))?;
    Ok(if errors {
        super::error::EXIT_USAGE
    } else if failed || short {
        EXIT_INVALID
    } else {
        EXIT_OK
    })
}
