//! `iamc eval`: decide requests against a policy set or an artifact.

mod flags;
mod lines;
mod pretty;

use std::io::{self, Write};

use iamc::engine::Decider;
use iamc::explain::{diagnosis_to_json, diagnosis_to_text, Texts};
use iamc::io::{error_to_json, explanation_to_json, request_from_json, MAX_REQUEST_BYTES};
use iamc_runtime::{Artifact, Diagnosis, Explanation, Request};

use super::input::{stdin_once, Input, MAX_ARTIFACT_FILE_BYTES};
use super::output::{stdout_error, ColorChoice, Paint};
use super::policies::{load_set_with_texts, Engine, TypedArgs};
use super::{CliError, Streams, EXIT_INVALID, EXIT_OK};

/// Decide requests against a policy set or an artifact
///
/// Decides requests against a policy set (identity policies with `--policy`, the other types
/// with the typed options; templates and Terraform plans too), or against an artifact written
/// by `iamc compile`. With `--request` the file holds one JSON request; with `--requests` one
/// request per line (JSON Lines); with `--action` (and the other request options) one request
/// is given as options; with none of these, JSON Lines are read from standard input. Blank
/// lines are skipped. `-` is standard input wherever a file is expected.
///
/// Each request gives one line on stdout, in input order:
/// {"decision":"Allow","statements":[{"policy":"p.json","index":0,"sid":null,"effect":"Allow","type":"identity"}],"reason":"allowed by the identity-based policies"}
/// A malformed request gives {"error":"LINE:COL: MESSAGE"} on its line and the others are
/// still answered. `--format pretty` prints the decisions for people instead.
///
/// With --explain each answer also says where each statement is (`at`: file, line and column;
/// with --artifact the byte offset), the statements that came closest (`near_misses`: action,
/// resource and principal matched, a condition did not, with each failed condition's operator,
/// key, policy values, the request's value and why it failed) and `missing_context_values`
/// (the condition keys and policy variables the policies reference that the request lacks).
///
/// Exit status: 0 every request decided, 1 some request was malformed, 2 usage, I/O error,
/// invalid policy or invalid artifact.
#[derive(clap::Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// Identity-based policy files, templates or plans (repeatable; a directory: the files
    /// below it)
    #[arg(long = "policy", value_name = "FILE", num_args = 1.., value_parser = Input::parse)]
    policies: Vec<Input>,
    /// A compiled artifact instead of policies (compiled engine only)
    #[arg(long, value_name = "SET.iamc", value_parser = Input::parse)]
    artifact: Option<Input>,
    /// One request (a JSON object)
    #[arg(long, value_name = "FILE", conflicts_with = "requests", value_parser = Input::parse)]
    request: Option<Input>,
    /// JSON Lines, one request per line
    #[arg(long, value_name = "FILE", value_parser = Input::parse)]
    requests: Option<Input>,
    /// Which engine decides
    #[arg(long, value_enum, default_value_t = Engine::Compiled)]
    engine: Engine,
    /// How decisions are printed
    #[arg(long, value_enum, default_value_t = Format::Json)]
    format: Format,
    /// Explain each decision: places, near misses, missing context keys
    #[arg(long)]
    explain: bool,
    /// Colour in `--format pretty`
    #[arg(long, value_enum, value_name = "WHEN", default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
    #[command(flatten)]
    request_flags: flags::RequestArgs,
    // Last: its heading applies to the arguments after it.
    #[command(flatten)]
    typed: TypedArgs,
}

/// How `eval` prints its answers.
#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    /// One JSON object per request, on its own line (spec/io.md)
    Json,
    /// For people: the request, the decision and why, the statements that matched
    Pretty,
}

/// Where the requests come from.
enum Requests {
    /// One JSON request in a file.
    One(Input),
    /// JSON Lines in a file or on standard input.
    Lines(Input),
    /// One request given by options.
    Flags(Request),
}

/// The answer to one request: the explanation, and the diagnosis with `--explain`.
fn decide<'r>(decider: &Decider, req: &'r Request, explain: bool) -> Answer<'r> {
    if explain {
        let d = decider.diagnose(req);
        Answer::Decided(req, d.explanation.clone(), Some(d))
    } else {
        Answer::Decided(req, decider.explain(req), None)
    }
}

/// Reads and validates an artifact file.
fn load_artifact(input: &Input, io: &mut Streams<'_>) -> Result<Artifact, CliError> {
    let bytes = input.read(io.stdin, MAX_ARTIFACT_FILE_BYTES, "an artifact")?;
    Artifact::from_bytes(&bytes).map_err(|e| {
        CliError::Fatal(format!(
            "`{}` is not a valid iamc artifact: {e}",
            input.name()
        ))
    })
}

/// Where the requests come from, checking that standard input is read at most once.
fn requests(args: &Args, policies: &[&Input]) -> Result<Requests, CliError> {
    let requests = match (&args.request, &args.requests, args.request_flags.request()?) {
        (_, _, Some(req)) => Requests::Flags(req),
        (Some(input), _, None) => Requests::One(input.clone()),
        (None, Some(input), None) => Requests::Lines(input.clone()),
        (None, None, None) => Requests::Lines(Input::Stdin),
    };
    let from_stdin = match &requests {
        Requests::One(i) | Requests::Lines(i) => i.is_stdin(),
        Requests::Flags(_) => false,
    };
    let policy_on_stdin = policies.iter().any(|i| i.is_stdin())
        || args.artifact.as_ref().is_some_and(Input::is_stdin);
    if from_stdin && policy_on_stdin {
        let implicit = args.request.is_none() && args.requests.is_none();
        let message = if implicit {
            "standard input holds a policy (`-`), so it cannot hold the requests too"
        } else {
            "`-` (standard input) is given more than once"
        };
        return Err(CliError::usage(message).with_help(
            "give the requests with `--request FILE`, `--requests FILE` or `--action ...`",
        ));
    }
    Ok(requests)
}

/// Builds the engine `eval` answers with, and the texts of its policies (for `--explain`).
fn build_decider(args: &Args, io: &mut Streams<'_>) -> Result<(Decider, Texts), CliError> {
    let named = !args.policies.is_empty() || !args.typed.is_empty();
    if !named && args.artifact.is_none() {
        return Err(CliError::usage(
            "`eval` needs `--policy FILE...` or `--artifact FILE`",
        ));
    }
    if named && args.artifact.is_some() {
        return Err(CliError::usage(
            "policy files (`--policy`, `--boundary`, `--scp`, ...) and `--artifact` cannot be used together",
        ));
    }
    if args.engine == Engine::Reference && args.artifact.is_some() {
        return Err(CliError::usage(
            "`--engine reference` needs `--policy`, not `--artifact`",
        ));
    }
    if let Some(input) = &args.artifact {
        let artifact = load_artifact(input, io)?;
        return Ok((Decider::Compiled(Box::new(artifact)), Texts::new()));
    }
    let files = args.typed.files(&args.policies)?;
    let (policies, texts) = load_set_with_texts(&args.typed, &files, io)?;
    let decider = iamc::engine::Engine::from(args.engine)
        .prepare(policies)
        .map_err(|e| CliError::Fatal(format!("the policies do not compile: {e}")))?;
    Ok((decider, texts))
}

/// One answer to print.
enum Answer<'r> {
    /// A decided request, and its diagnosis with `--explain`.
    Decided(&'r Request, Explanation, Option<Diagnosis>),
    /// A request that could not be read: where (`NAME:LINE:COL`, or without the column) and why.
    Refused {
        name: &'r str,
        line: usize,
        col: Option<usize>,
        message: String,
    },
}

/// Prints answers in the chosen format.
struct Printer {
    format: Format,
    paint: Paint,
    /// Answers printed so far (pretty output separates them with a blank line).
    count: usize,
    /// The policy texts, for the places of `--explain`.
    texts: Texts,
}

impl Printer {
    fn print(&mut self, answer: &Answer<'_>, out: &mut dyn Write) -> Result<(), CliError> {
        let text = match (self.format, answer) {
            (Format::Json, Answer::Decided(_, _, Some(d))) => diagnosis_to_json(d, &self.texts),
            (Format::Json, Answer::Decided(_, e, None)) => explanation_to_json(e),
            (
                Format::Json,
                Answer::Refused {
                    col, line, message, ..
                },
            ) => match col {
                // The contract: `LINE:COL: MESSAGE`; a line that is no text (not UTF-8, too
                // long) has no column and keeps its bare message.
                Some(col) => error_to_json(&format!("{line}:{col}: {message}")),
                None => error_to_json(message),
            },
            (Format::Pretty, Answer::Decided(req, e, d)) => {
                let mut text = pretty::decision(req, e, self.paint);
                if let Some(d) = d {
                    // The explanation's first line is the decision, already printed.
                    for line in diagnosis_to_text(d, &self.texts).lines().skip(1) {
                        text.push_str("\n  ");
                        text.push_str(line);
                    }
                }
                text
            }
            (
                Format::Pretty,
                Answer::Refused {
                    name,
                    line,
                    col,
                    message,
                },
            ) => {
                let at = match col {
                    Some(col) => format!("{name}:{line}:{col}"),
                    None => format!("{name}:{line}"),
                };
                pretty::refusal(&at, message, self.paint)
            }
        };
        let sep = if self.format == Format::Pretty && self.count > 0 {
            "\n"
        } else {
            ""
        };
        self.count += 1;
        writeln!(out, "{sep}{text}").map_err(|e| stdout_error(&e))
    }
}

/// 0 every request decided, 1 some malformed, 2 usage, I/O or invalid policy.
pub fn run(args: &Args, io: &mut Streams<'_>) -> Result<u8, CliError> {
    stdin_once(
        args.policies
            .iter()
            .chain(&args.artifact)
            .chain(&args.request)
            .chain(&args.requests),
    )?;
    let requests = requests(args, &args.policies.iter().collect::<Vec<_>>())?;
    let (decider, texts) = build_decider(args, io)?;
    let decider = &decider;
    let mut printer = Printer {
        format: args.format,
        paint: Paint::new(args.format == Format::Pretty && args.color.colors(io)),
        count: 0,
        texts,
    };
    let mut status = EXIT_OK;
    match requests {
        Requests::Flags(req) => {
            printer.print(&decide(decider, &req, args.explain), io.stdout)?;
        }
        Requests::One(input) => {
            let limit = u64::try_from(MAX_REQUEST_BYTES).unwrap_or(u64::MAX);
            // One byte more than a request may be: the request reader refuses it by its limit.
            let bytes = input.read_prefix(io.stdin, limit.saturating_add(1))?;
            let answer = match std::str::from_utf8(&bytes) {
                Ok(text) => match request_from_json(text) {
                    Ok(req) => {
                        printer.print(&decide(decider, &req, args.explain), io.stdout)?;
                        None
                    }
                    Err(e) => Some((e.line_col(), e.message().to_owned())),
                },
                Err(e) => Some((
                    None,
                    format!("request is not valid utf-8 (byte {})", e.valid_up_to()),
                )),
            };
            if let Some((at, message)) = answer {
                status = EXIT_INVALID;
                let (line, col) = at.map_or((1, None), |(l, c)| (l, Some(c)));
                let refused = Answer::Refused {
                    name: input.name(),
                    line,
                    col,
                    message,
                };
                printer.print(&refused, io.stdout)?;
            }
        }
        Requests::Lines(input) => {
            let name = input.name().to_owned();
            if input.is_stdin() && io.stdin_is_terminal {
                let _ = writeln!(
                    io.stderr,
                    "iamc: reading requests from standard input, one JSON object per line (end with Ctrl-D)"
                );
            }
            let mut answer = |line: Result<(usize, &str), (usize, String)>,
                              out: &mut dyn Write|
             -> Result<(), CliError> {
                let refused = match line {
                    Ok((n, text)) => match request_from_json(text) {
                        Ok(req) => {
                            return printer.print(&decide(decider, &req, args.explain), out);
                        }
                        Err(e) => {
                            let e = e.on_line(n);
                            let (line, col) = e.line_col().map_or((n, None), |(l, c)| (l, Some(c)));
                            (line, col, e.message().to_owned())
                        }
                    },
                    Err((n, message)) => (n, None, message),
                };
                status = EXIT_INVALID;
                let (line, col, message) = refused;
                let refused = Answer::Refused {
                    name: &name,
                    line,
                    col,
                    message,
                };
                printer.print(&refused, out)
            };
            let count = match &input {
                Input::Stdin => {
                    lines::for_each(io.stdin, "standard input", |l| answer(l, &mut *io.stdout))?
                }
                Input::Path { path, .. } => {
                    let file = std::fs::File::open(path)
                        .map_err(|e| CliError::Fatal(format!("cannot read `{path}`: {e}")))?;
                    let mut reader = io::BufReader::new(file);
                    let mut out = io::BufWriter::new(&mut *io.stdout);
                    let count = lines::for_each(&mut reader, &format!("`{path}`"), |l| {
                        answer(l, &mut out)
                    })?;
                    out.flush().map_err(|e| stdout_error(&e))?;
                    count
                }
            };
            if count == 0 {
                let what = match &input {
                    Input::Stdin => "standard input".to_owned(),
                    Input::Path { path, .. } => format!("`{path}`"),
                };
                let _ = writeln!(io.stderr, "iamc: warning: no request in {what}");
            }
        }
    }
    io.stdout.flush().map_err(|e| stdout_error(&e))?;
    Ok(status)
}
