//! `iamc eval`: decide requests against a policy set or an artifact.

mod lines;

use std::io::{self, Write};

use iamc::io::{error_to_json, explanation_to_json, request_from_json, MAX_REQUEST_BYTES};
use iamc::reference::PolicySet as Reference;
use iamc_grammar::PolicySet;
use iamc_runtime::{Artifact, Explanation, Request};

use super::input::{read_capped, MAX_ARTIFACT_FILE_BYTES};
use super::output::stdout_error;
use super::policies::{load_set, TypedArgs};
use super::{CliError, Streams, EXIT_INVALID, EXIT_OK};

/// Decide requests against a policy set or an artifact
///
/// Decides requests against a policy set (identity policies with `--policy`, the other types
/// with the typed options), or against an artifact written by `iamc compile`. With `--request`
/// the file holds one JSON request; with `--requests` one request per line (JSON Lines); with
/// neither, JSON Lines are read from standard input. Blank lines are skipped. A request may
/// name its `principal` (an ARN, a service principal, or `*` for anonymous) and
/// `resourceAccount`.
///
/// Each request gives one line on stdout, in input order:
/// {"decision":"Allow","statements":[{"policy":"p.json","index":0,"sid":null,"effect":"Allow","type":"identity"}],"reason":"allowed by the identity-based policies"}
/// A malformed request gives {"error":"LINE:COL: MESSAGE"} on its line and the others are
/// still answered.
///
/// Exit status: 0 every request decided, 1 some request was malformed, 2 usage, I/O error,
/// invalid policy or invalid artifact.
#[derive(clap::Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// Identity-based policy files (repeatable)
    #[arg(long = "policy", value_name = "FILE", num_args = 1..)]
    policies: Vec<String>,
    /// A compiled artifact instead of policies (compiled engine only)
    #[arg(long, value_name = "SET.iamc")]
    artifact: Option<String>,
    /// One request (a JSON object)
    #[arg(long, value_name = "FILE", conflicts_with = "requests")]
    request: Option<String>,
    /// JSON Lines, one request per line
    #[arg(long, value_name = "FILE")]
    requests: Option<String>,
    /// Which engine decides
    #[arg(long, value_enum, default_value_t = Engine::Compiled)]
    engine: Engine,
    // Last: its heading applies to the arguments after it.
    #[command(flatten)]
    typed: TypedArgs,
}

/// Which engine answers `eval`.
#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
enum Engine {
    /// The automata of the runtime crate
    Compiled,
    /// The interpreter that walks the policies
    Reference,
}

/// Decides requests: the compiled artifact or the reference interpreter.
trait Decider {
    fn explain(&self, req: &Request) -> Explanation;
}

impl Decider for Reference {
    fn explain(&self, req: &Request) -> Explanation {
        Reference::explain(self, req)
    }
}

impl Decider for Artifact {
    fn explain(&self, req: &Request) -> Explanation {
        Artifact::explain(self, req)
    }
}

/// Reads and validates an artifact file.
fn load_artifact(path: &str) -> Result<Artifact, CliError> {
    let bytes = read_capped(path, MAX_ARTIFACT_FILE_BYTES, "an artifact")?;
    Artifact::from_bytes(&bytes)
        .map_err(|e| CliError::Fatal(format!("`{path}` is not a valid iamc artifact: {e}")))
}

/// Compiles a parsed set into a loaded artifact.
fn compile_policies(set: &PolicySet) -> Result<Artifact, iamc_compiler::CompileError> {
    iamc_compiler::compile_set_artifact(set, &iamc_compiler::Config::default()).map(|(a, _)| a)
}

/// Builds the engine `eval` answers with.
fn build_decider(args: &Args, stderr: &mut dyn Write) -> Result<Box<dyn Decider>, CliError> {
    let files = args.typed.files(&args.policies);
    if files.is_empty() && args.artifact.is_none() {
        return Err(CliError::usage(
            "`eval` needs `--policy FILE...` or `--artifact FILE`",
        ));
    }
    if !files.is_empty() && args.artifact.is_some() {
        return Err(CliError::usage(
            "policy files (`--policy`, `--boundary`, `--scp`, ...) and `--artifact` cannot be used together",
        ));
    }
    match args.engine {
        Engine::Compiled => match &args.artifact {
            Some(path) => Ok(Box::new(load_artifact(path)?)),
            None => {
                let policies = load_set(&files, stderr)?;
                let artifact = compile_policies(&policies)
                    .map_err(|e| CliError::Fatal(format!("the policies do not compile: {e}")))?;
                Ok(Box::new(artifact))
            }
        },
        Engine::Reference => {
            if args.artifact.is_some() {
                return Err(CliError::usage(
                    "`--engine reference` needs `--policy`, not `--artifact`",
                ));
            }
            Ok(Box::new(Reference::from_set(load_set(&files, stderr)?)))
        }
    }
}

/// 0 every request decided, 1 some line malformed, 2 usage, I/O or invalid policy.
pub fn run(args: &Args, io: &mut Streams<'_>) -> Result<u8, CliError> {
    let decider = build_decider(args, io.stderr)?;
    let out_err = |e: io::Error| stdout_error(&e);
    let mut status = EXIT_OK;
    // `line`: the request text and its line number in the input (errors say `LINE:COL`).
    let mut answer =
        |line: Result<(usize, &str), String>, out: &mut dyn Write| -> Result<(), CliError> {
            let request =
                line.and_then(|(n, l)| request_from_json(l).map_err(|e| e.on_line(n).to_string()));
            let text = match request {
                Ok(req) => explanation_to_json(&decider.explain(&req)),
                Err(msg) => {
                    status = EXIT_INVALID;
                    error_to_json(&msg)
                }
            };
            writeln!(out, "{text}").map_err(out_err)
        };
    match (&args.request, &args.requests) {
        (Some(path), _) => {
            let bytes = read_limited(path)?;
            let text = std::str::from_utf8(&bytes)
                .map_err(|e| format!("request is not valid utf-8 (byte {})", e.valid_up_to()));
            answer(text.map(|t| (1, t)), io.stdout)?;
        }
        (None, Some(path)) => {
            let file = std::fs::File::open(path)
                .map_err(|e| CliError::Fatal(format!("cannot read `{path}`: {e}")))?;
            let mut reader = io::BufReader::new(file);
            let mut out = io::BufWriter::new(&mut *io.stdout);
            lines::for_each(&mut reader, path, |line| answer(line, &mut out))?;
            out.flush().map_err(out_err)?;
        }
        (None, None) => {
            lines::for_each(io.stdin, "standard input", |line| answer(line, io.stdout))?;
        }
    }
    io.stdout.flush().map_err(out_err)?;
    Ok(status)
}

/// Reads a `--request` file, at most one byte more than a request may be (the request reader
/// then refuses it, naming the limit).
fn read_limited(path: &str) -> Result<Vec<u8>, CliError> {
    use std::io::Read;
    let file = std::fs::File::open(path)
        .map_err(|e| CliError::Fatal(format!("cannot read `{path}`: {e}")))?;
    let mut bytes = Vec::new();
    let limit = u64::try_from(MAX_REQUEST_BYTES)
        .unwrap_or(u64::MAX)
        .saturating_add(1);
    file.take(limit)
        .read_to_end(&mut bytes)
        .map_err(|e| CliError::Fatal(format!("cannot read `{path}`: {e}")))?;
    Ok(bytes)
}
