//! The `iamc` command line (spec/io.md): argument parsing, policy loading, `check`, `compile`,
//! `eval` and `inspect`.
//!
//! Hand-rolled argument parsing: the grammar is a handful of flags, and a parser dependency
//! would cost more build time than it saves. Everything writes to the streams it is given, so
//! the whole command line runs the same in tests and in `main`.

use std::ffi::OsString;
use std::io::{self, BufRead, Write};

use iamc::io::{error_to_json, explanation_to_json, request_from_json, MAX_REQUEST_BYTES};
use iamc::reference::PolicySet as Reference;
use iamc_grammar::ast;
use iamc_grammar::{PolicySet, SourceFile};
use iamc_runtime::{Artifact, Explanation, Request};

/// Exit status: success.
pub const EXIT_OK: u8 = 0;
/// Exit status: a policy is invalid (`check`) or a request line was malformed (`eval`).
pub const EXIT_INVALID: u8 = 1;
/// Exit status: usage or I/O error (and an invalid policy for `eval`).
pub const EXIT_USAGE: u8 = 2;

/// The options that name policies of other types than identity (`compile` and `eval`).
macro_rules! typed_options {
    () => {
        "  --resource-policy FILE   a resource-based policy of the resource (repeatable)
  --trust-policy FILE      the trust policy of the role being assumed (repeatable)
  --boundary FILE          the principal's permissions boundary (repeatable: one ceiling)
  --session-policy FILE    the session policy (repeatable: one ceiling)
  --scp FILE[,FILE...]     the SCPs of one organization level; repeat per level, root first
  --rcp FILE[,FILE...]     the RCPs of one organization level; repeat per level, root first
  --endpoint-policy FILE   a VPC endpoint policy the request goes through (repeatable)"
    };
}

const USAGE: &str = "\
Usage:
  iamc check [POLICY.json...] [TYPED OPTIONS]
  iamc compile [POLICY.json...] [TYPED OPTIONS] (-o SET.iamc | --emit ir)
  iamc eval (--policy POLICY.json... [TYPED OPTIONS] | --artifact SET.iamc) [--request REQ.json | --requests REQS.jsonl] [--engine compiled|reference]
  iamc inspect SET.iamc
  iamc help [COMMAND]
  iamc --version";

const HELP: &str = "\
iamc: compile AWS IAM policy sets into decision automata, and decide requests.

Usage:
  iamc check [POLICY.json...] [TYPED OPTIONS]
                                   parse and validate policies by the rules of their type
  iamc compile [POLICY.json...] [TYPED OPTIONS] -o SET.iamc
                                   compile a policy set into one artifact
  iamc compile [POLICY.json...] [TYPED OPTIONS] --emit ir
                                   print the intermediate representation
  iamc eval (--policy POLICY.json... [TYPED OPTIONS] | --artifact SET.iamc)
            [--request REQ.json | --requests REQS.jsonl] [--engine compiled|reference]
                                   decide requests against the policy set

POLICY.json files are identity-based policies; TYPED OPTIONS name the other types
(`iamc help eval` lists them): --resource-policy, --trust-policy, --boundary,
--session-policy, --scp FILE[,FILE...] (one level each, root first), --rcp (likewise),
--endpoint-policy.
  iamc inspect SET.iamc            describe an artifact (version, statements, automata)
  iamc help [COMMAND]              this help, or a command's
  iamc --version                   the version

Exit status: 0 success, 1 an invalid policy (check, compile) or a malformed request line
(eval), 2 usage or I/O error (and an invalid policy for eval, a bad artifact for eval and
inspect).";

const COMPILE_HELP: &str = concat!(
    "\
iamc compile [POLICY.json...] [TYPED OPTIONS] -o SET.iamc
iamc compile [POLICY.json...] [TYPED OPTIONS] --emit ir

Compiles a policy set into one artifact: the identity policies given as arguments (attached to
one principal, evaluated together) and the policies of the other types named by the options
below, each validated by the rules of its type. The artifact holds the typed set: action,
resource and condition automata plus the statements' metadata, loadable by the runtime crate
(`iamc_runtime::Artifact::from_bytes`) and by `iamc eval --artifact`. The file is written
whole or not at all (a temporary file beside it, then renamed). With `--emit ir` the
intermediate representation is printed on stdout instead and nothing is written.

Options:
",
    typed_options!(),
    "

Exit status: 0 written (or printed), 1 a policy is invalid or the set does not compile (nothing
written), 2 usage or I/O error."
);

const INSPECT_HELP: &str = "\
iamc inspect SET.iamc

Validates an artifact completely (as `eval --artifact` does) and describes it: format version,
the versions that produced it, its sections, policies and statements, and every automaton with
its role, patterns, reachable states and bytes.

Exit status: 0 valid, 2 I/O error or an invalid artifact (the error says what is wrong).";

const CHECK_HELP: &str = concat!(
    "\
iamc check [POLICY.json...] [TYPED OPTIONS]

Parses and validates each policy by the rules of its type: the files given as arguments are
identity policies, the options below name the other types. Every problem is printed on stderr
as `PATH:LINE:COL: error: MESSAGE` (warnings as `warning:`).

Options:
",
    typed_options!(),
    "

Exit status: 0 all valid, 1 some policy has an error, 2 usage or I/O error."
);

const EVAL_HELP: &str = concat!(
    "\
iamc eval (--policy POLICY.json... [TYPED OPTIONS] | --artifact SET.iamc)
          [--request REQ.json | --requests REQS.jsonl] [--engine compiled|reference]

Decides requests against a policy set (identity policies with `--policy`, the other types with
the options below), or against an artifact written by `iamc compile`. With `--request` the file
holds one JSON request; with `--requests` one request per line (JSON Lines); with neither, JSON
Lines are read from standard input. Blank lines are skipped. A request may name its
`principal` (an ARN, a service principal, or `*` for anonymous) and `resourceAccount`.

Each request gives one line on stdout, in input order:
  {\"decision\":\"Allow\",\"statements\":[{\"policy\":\"p.json\",\"index\":0,\"sid\":null,\"effect\":\"Allow\",\"type\":\"identity\"}],\"reason\":\"allowed by the identity-based policies\"}
A malformed request line gives {\"error\":\"MESSAGE\"} on its line and the others are still
answered.

Options:
  --policy FILE...         identity policy files (repeatable)
",
    typed_options!(),
    "
  --artifact FILE          a compiled artifact instead of policies (compiled engine only)
  --request FILE           one request (a JSON object)
  --requests FILE          JSON Lines, one request per line
  --engine ENGINE          `compiled` (default: the automata of the runtime crate) or
                           `reference` (the interpreter that walks the policies)

Exit status: 0 every request decided, 1 some request line was malformed, 2 usage, I/O error,
invalid policy or invalid artifact."
);

/// The input and output streams of one run.
pub struct Streams<'a> {
    pub stdin: &'a mut dyn BufRead,
    pub stdout: &'a mut dyn Write,
    pub stderr: &'a mut dyn Write,
}

/// Runs the command line on `args` (without the program name); returns the exit status.
pub fn run(args: Vec<OsString>, io: &mut Streams<'_>) -> u8 {
    let args: Vec<String> = args
        .into_iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let result = match parse_command(&args) {
        Ok(Command::Help(text)) => write_out(io.stdout, text).map(|()| EXIT_OK),
        Ok(Command::Version) => {
            write_out(io.stdout, &format!("iamc {}", env!("CARGO_PKG_VERSION"))).map(|()| EXIT_OK)
        }
        Ok(Command::Check(files)) => check(&files, io),
        Ok(Command::Compile(opts)) => compile(&opts, io),
        Ok(Command::Eval(opts)) => eval(&opts, io),
        Ok(Command::Inspect(path)) => inspect(&path, io),
        Err(e) => Err(e),
    };
    match result {
        Ok(code) => code,
        Err(CliError::Usage(msg)) => {
            // Nothing more can be done if stderr is gone.
            let _ = writeln!(
                io.stderr,
                "iamc: error: {msg}\n\n{USAGE}\n\nRun `iamc help` for more."
            );
            EXIT_USAGE
        }
        Err(CliError::Fatal(msg)) => {
            if !msg.is_empty() {
                let _ = writeln!(io.stderr, "iamc: error: {msg}");
            }
            EXIT_USAGE
        }
        Err(CliError::InvalidPolicy) => {
            let _ = writeln!(io.stderr, "iamc: error: invalid policy, nothing decided");
            EXIT_USAGE
        }
    }
}

/// Why a run stopped early; both exit with status 2.
#[derive(Debug)]
enum CliError {
    /// Bad arguments: the message is followed by the usage.
    Usage(String),
    /// I/O error, invalid artifact; an empty message means already reported.
    Fatal(String),
    /// A policy did not validate (its diagnostics are reported already).
    InvalidPolicy,
}

fn usage(msg: impl Into<String>) -> CliError {
    CliError::Usage(msg.into())
}

fn write_out(out: &mut dyn Write, text: &str) -> Result<(), CliError> {
    writeln!(out, "{text}")
        .and_then(|()| out.flush())
        .map_err(|e| CliError::Fatal(format!("cannot write to standard output: {e}")))
}

enum Command {
    Help(&'static str),
    Version,
    Check(TypedFiles),
    Compile(CompileOptions),
    Eval(EvalOptions),
    Inspect(String),
}

/// What `compile` produces.
#[derive(Debug, Clone, PartialEq, Eq)]
enum CompileOutput {
    /// The artifact, written to this path.
    Artifact(String),
    /// The IR, printed on stdout.
    Ir,
}

struct CompileOptions {
    policies: TypedFiles,
    output: CompileOutput,
}

/// The policy files of a typed set, by type (spec 7.2), as the flags name them: one SCP or
/// RCP level per `--scp` / `--rcp` flag, root first.
type TypedFiles = iamc_grammar::Slots<String>;

/// Takes the typed-policy flag at `args[i]` with its value into `files`, if it is one; returns
/// how many arguments it used.
fn take_typed_flag(
    files: &mut TypedFiles,
    args: &[String],
    i: usize,
) -> Result<Option<usize>, CliError> {
    let Some(flag) = args.get(i) else {
        return Ok(None);
    };
    let slot = match flag.as_str() {
        "--resource-policy" => &mut files.resource,
        "--trust-policy" => &mut files.trust,
        "--boundary" => &mut files.boundary,
        "--session-policy" => &mut files.session,
        "--endpoint-policy" => &mut files.endpoint,
        "--scp" | "--rcp" => {
            let value = args
                .get(i + 1)
                .filter(|v| !v.starts_with("--"))
                .ok_or_else(|| usage(format!("`{flag}` needs FILE[,FILE...]")))?;
            let level: Vec<String> = value
                .split(',')
                .filter(|f| !f.is_empty())
                .map(str::to_owned)
                .collect();
            if flag == "--scp" {
                files.scp.push(level);
            } else {
                files.rcp.push(level);
            }
            return Ok(Some(2));
        }
        _ => return Ok(None),
    };
    let value = args
        .get(i + 1)
        .filter(|v| !v.starts_with("--"))
        .ok_or_else(|| usage(format!("`{flag}` needs a file")))?;
    slot.push(value.clone());
    Ok(Some(2))
}

/// Which engine answers `eval`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Engine {
    Compiled,
    Reference,
}

/// Where `eval` reads its requests.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Requests {
    /// One JSON request in a file.
    One(String),
    /// JSON Lines in a file.
    Lines(String),
    /// JSON Lines on standard input.
    Stdin,
}

struct EvalOptions {
    policies: TypedFiles,
    artifact: Option<String>,
    requests: Requests,
    engine: Engine,
}

fn help_for(command: &str) -> Option<&'static str> {
    match command {
        "check" => Some(CHECK_HELP),
        "compile" => Some(COMPILE_HELP),
        "eval" => Some(EVAL_HELP),
        "inspect" => Some(INSPECT_HELP),
        "help" => Some(HELP),
        _ => None,
    }
}

fn parse_command(args: &[String]) -> Result<Command, CliError> {
    let Some((first, rest)) = args.split_first() else {
        return Err(usage("no command given"));
    };
    match first.as_str() {
        "--help" | "-h" => Ok(Command::Help(HELP)),
        "--version" | "-V" => Ok(Command::Version),
        "help" => match rest {
            [] => Ok(Command::Help(HELP)),
            [topic] => help_for(topic)
                .map(Command::Help)
                .ok_or_else(|| usage(format!("unknown command `{topic}`"))),
            _ => Err(usage("`help` takes at most one command name")),
        },
        "check" | "compile" | "eval" | "inspect"
            if rest.iter().any(|a| a == "--help" || a == "-h") =>
        {
            Ok(Command::Help(help_for(first).unwrap_or(HELP)))
        }
        "check" => parse_check(rest),
        "compile" => parse_compile(rest),
        "eval" => parse_eval(rest),
        "inspect" => match rest {
            [path] if !path.starts_with('-') => Ok(Command::Inspect(path.clone())),
            [flag] => Err(usage(format!("unknown option `{flag}` for `inspect`"))),
            [] => Err(usage("`inspect` needs an artifact file")),
            _ => Err(usage("`inspect` takes exactly one artifact file")),
        },
        other if other.starts_with('-') => Err(usage(format!("unknown option `{other}`"))),
        other => Err(usage(format!("unknown command `{other}`"))),
    }
}

fn parse_check(args: &[String]) -> Result<Command, CliError> {
    let mut files = TypedFiles::default();
    let mut i = 0;
    while let Some(arg) = args.get(i) {
        if let Some(used) = take_typed_flag(&mut files, args, i)? {
            i += used;
            continue;
        }
        if arg.starts_with("--") {
            return Err(usage(format!("unknown option `{arg}` for `check`")));
        }
        files.identity.push(arg.clone());
        i += 1;
    }
    if files.is_empty() {
        return Err(usage("`check` needs at least one policy file"));
    }
    Ok(Command::Check(files))
}

fn parse_compile(args: &[String]) -> Result<Command, CliError> {
    let mut policies = TypedFiles::default();
    let mut output = None;
    let mut i = 0;
    while let Some(arg) = args.get(i) {
        if let Some(used) = take_typed_flag(&mut policies, args, i)? {
            i += used;
            continue;
        }
        match arg.as_str() {
            "-o" | "--output" => {
                let path = args
                    .get(i + 1)
                    .filter(|v| !v.starts_with('-'))
                    .ok_or_else(|| usage(format!("`{arg}` needs a file")))?;
                set_once(
                    &mut output,
                    CompileOutput::Artifact(path.clone()),
                    "-o/--emit",
                )?;
                i += 2;
            }
            "--emit" => {
                match args.get(i + 1).map(String::as_str) {
                    Some("ir") => set_once(&mut output, CompileOutput::Ir, "-o/--emit")?,
                    Some(other) if !other.starts_with('-') => {
                        return Err(usage(format!(
                            "unknown `--emit` kind `{other}` (expected `ir`)"
                        )))
                    }
                    _ => return Err(usage("`--emit` needs a kind (`ir`)")),
                }
                i += 2;
            }
            other if other.starts_with('-') => {
                return Err(usage(format!("unknown option `{other}` for `compile`")))
            }
            other => {
                policies.identity.push(other.to_owned());
                i += 1;
            }
        }
    }
    if policies.is_empty() {
        return Err(usage("`compile` needs at least one policy file"));
    }
    let output = output.ok_or_else(|| usage("`compile` needs `-o FILE` or `--emit ir`"))?;
    Ok(Command::Compile(CompileOptions { policies, output }))
}

fn parse_eval(args: &[String]) -> Result<Command, CliError> {
    let mut policies = TypedFiles::default();
    let mut artifact = None;
    let mut requests = None;
    let mut engine = None;
    let mut i = 0;
    let value = |i: usize, flag: &str| -> Result<String, CliError> {
        args.get(i + 1)
            .filter(|v| !v.starts_with("--"))
            .cloned()
            .ok_or_else(|| usage(format!("`{flag}` needs a value")))
    };
    while let Some(arg) = args.get(i) {
        if let Some(used) = take_typed_flag(&mut policies, args, i)? {
            i += used;
            continue;
        }
        match arg.as_str() {
            "--policy" => {
                let start = i + 1;
                let mut end = start;
                while args.get(end).is_some_and(|a| !a.starts_with("--")) {
                    end += 1;
                }
                if end == start {
                    return Err(usage("`--policy` needs at least one file"));
                }
                policies
                    .identity
                    .extend(args.get(start..end).unwrap_or_default().iter().cloned());
                i = end;
                continue;
            }
            "--artifact" => set_once(&mut artifact, value(i, arg)?, arg)?,
            "--request" => set_once(
                &mut requests,
                Requests::One(value(i, arg)?),
                "--request/--requests",
            )?,
            "--requests" => set_once(
                &mut requests,
                Requests::Lines(value(i, arg)?),
                "--request/--requests",
            )?,
            "--engine" => {
                let e = match value(i, arg)?.as_str() {
                    "compiled" => Engine::Compiled,
                    "reference" => Engine::Reference,
                    other => {
                        return Err(usage(format!(
                            "unknown engine `{other}` (expected `compiled` or `reference`)"
                        )))
                    }
                };
                set_once(&mut engine, e, arg)?;
            }
            other if other.starts_with('-') => {
                return Err(usage(format!("unknown option `{other}` for `eval`")))
            }
            other => {
                return Err(usage(format!(
                    "unexpected argument `{other}` (policies follow `--policy`)"
                )))
            }
        }
        i += 2;
    }
    if policies.is_empty() && artifact.is_none() {
        return Err(usage(
            "`eval` needs `--policy FILE...` or `--artifact FILE`",
        ));
    }
    if !policies.is_empty() && artifact.is_some() {
        return Err(usage(
            "policy files (`--policy`, `--boundary`, `--scp`, ...) and `--artifact` cannot be used together",
        ));
    }
    Ok(Command::Eval(EvalOptions {
        policies,
        artifact,
        requests: requests.unwrap_or(Requests::Stdin),
        engine: engine.unwrap_or(Engine::Compiled),
    }))
}

fn set_once<T>(slot: &mut Option<T>, value: T, flag: &str) -> Result<(), CliError> {
    if slot.is_some() {
        return Err(usage(format!("`{flag}` given twice")));
    }
    *slot = Some(value);
    Ok(())
}

/// A policy file read and decoded, or why it could not be.
enum Loaded {
    Source(SourceFile),
    /// Not UTF-8: the rendered error.
    Invalid(String),
}

/// The largest policy file read: the grammar's document limit (8 MiB by default), far above
/// IAM's own limits (6,144 characters for a managed policy), checked before the file is held
/// in memory.
fn max_policy_file_bytes() -> u64 {
    u64::try_from(iamc_grammar::Limits::default().max_document_bytes).unwrap_or(u64::MAX)
}

/// The largest artifact file read (1 GiB; the whole AWS-managed corpus compiles to tens of MB).
const MAX_ARTIFACT_FILE_BYTES: u64 = 1 << 30;

/// Reads a whole file, refusing one larger than `limit` bytes (without reading past it).
fn read_capped(path: &str, limit: u64, what: &str) -> Result<Vec<u8>, CliError> {
    use std::io::Read;
    let file = std::fs::File::open(path)
        .map_err(|e| CliError::Fatal(format!("cannot read `{path}`: {e}")))?;
    let mut bytes = Vec::new();
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| CliError::Fatal(format!("cannot read `{path}`: {e}")))?;
    if u64::try_from(bytes.len()).unwrap_or(u64::MAX) > limit {
        return Err(CliError::Fatal(format!(
            "`{path}` is larger than the limit of {limit} bytes for {what}"
        )));
    }
    Ok(bytes)
}

/// Reads a policy file as bytes; text that is not UTF-8 is an error at the first bad byte,
/// rendered by the grammar crate like every other diagnostic.
fn read_policy(path: &str) -> Result<Loaded, CliError> {
    let bytes = read_capped(path, max_policy_file_bytes(), "a policy file")?;
    match String::from_utf8(bytes) {
        Ok(text) => Ok(Loaded::Source(SourceFile::new(path, text))),
        Err(e) => {
            let rendered = match iamc_grammar::parse_policy_bytes(
                path,
                e.as_bytes(),
                ast::PolicyType::Identity,
            ) {
                Err(diagnostics) => diagnostics.to_string(),
                Ok(_) => format!("{path}: error: the policy is not valid utf-8"),
            };
            Ok(Loaded::Invalid(rendered))
        }
    }
}

/// Parses one policy of `kind` with the grammar crate. `Ok` carries the policy (named as given
/// on the command line) and the rendered warnings; `Err` the rendered errors.
fn parse_as(src: &SourceFile, kind: ast::PolicyType) -> Result<(ast::Policy, String), String> {
    match iamc_grammar::parse_policy(src, kind) {
        Ok(parsed) => {
            let mut policy = parsed.policy;
            policy.name = src.name().to_owned();
            Ok((policy, parsed.warnings.render(src)))
        }
        Err(diagnostics) => Err(diagnostics.to_string()),
    }
}

fn report(stderr: &mut dyn Write, rendered: &str) {
    if !rendered.is_empty() {
        let _ = write!(stderr, "{rendered}");
        if !rendered.ends_with('\n') {
            let _ = writeln!(stderr);
        }
    }
}

/// Reads and parses one policy file as `kind`, reporting its warnings, or its errors (then
/// `None`). An I/O error is fatal.
fn load_one(
    path: &str,
    kind: ast::PolicyType,
    stderr: &mut dyn Write,
) -> Result<Option<ast::Policy>, CliError> {
    let parsed = match read_policy(path)? {
        Loaded::Invalid(msg) => Err(msg),
        Loaded::Source(src) => parse_as(&src, kind),
    };
    Ok(match parsed {
        Ok((policy, warnings)) => {
            report(stderr, &warnings);
            Some(policy)
        }
        Err(errors) => {
            report(stderr, &errors);
            None
        }
    })
}

/// `iamc check`: 0 all valid, 1 any error, 2 I/O error.
fn check(files: &TypedFiles, io: &mut Streams<'_>) -> Result<u8, CliError> {
    let mut status = EXIT_OK;
    for (kind, path) in files.iter() {
        if load_one(path, kind, io.stderr)?.is_none() {
            status = EXIT_INVALID;
        }
    }
    Ok(status)
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

/// Loads every policy file of the set, each validated by the rules of its type; any invalid
/// one stops (after all are reported), an I/O error at once.
fn load_policies(files: &TypedFiles, stderr: &mut dyn Write) -> Result<PolicySet, CliError> {
    let mut failed = false;
    let mut fatal = None;
    let set = PolicySet::from_slots(files, |path, kind| {
        if fatal.is_some() {
            return None;
        }
        match load_one(path, kind, stderr) {
            Ok(Some(policy)) => Some(policy),
            Ok(None) => {
                failed = true;
                None
            }
            Err(e) => {
                fatal = Some(e);
                None
            }
        }
    });
    if let Some(e) = fatal {
        return Err(e);
    }
    if failed {
        return Err(CliError::InvalidPolicy);
    }
    if let Err(e) = set.check() {
        return Err(usage(e.message()));
    }
    Ok(set)
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
fn build_decider(opts: &EvalOptions, stderr: &mut dyn Write) -> Result<Box<dyn Decider>, CliError> {
    match opts.engine {
        Engine::Compiled => match &opts.artifact {
            Some(path) => Ok(Box::new(load_artifact(path)?)),
            None => {
                let policies = load_policies(&opts.policies, stderr)?;
                let artifact = compile_policies(&policies)
                    .map_err(|e| CliError::Fatal(format!("the policies do not compile: {e}")))?;
                Ok(Box::new(artifact))
            }
        },
        Engine::Reference => {
            if opts.artifact.is_some() {
                return Err(usage(
                    "`--engine reference` needs `--policy`, not `--artifact`",
                ));
            }
            Ok(Box::new(Reference::from_set(load_policies(
                &opts.policies,
                stderr,
            )?)))
        }
    }
}

/// `iamc compile`: 0 written (or IR printed), 1 invalid policy or compile error, 2 usage/I/O.
fn compile(opts: &CompileOptions, io: &mut Streams<'_>) -> Result<u8, CliError> {
    let policies = match load_policies(&opts.policies, io.stderr) {
        Ok(p) => p,
        // Every problem is reported already; an invalid policy is status 1 for `compile`.
        Err(CliError::InvalidPolicy) => {
            let _ = writeln!(io.stderr, "iamc: error: invalid policy, nothing written");
            return Ok(EXIT_INVALID);
        }
        Err(e) => return Err(e),
    };
    let path = match &opts.output {
        CompileOutput::Ir => {
            let ir = iamc_compiler::emit_ir(&policies);
            write!(io.stdout, "{ir}")
                .and_then(|()| io.stdout.flush())
                .map_err(|e| CliError::Fatal(format!("cannot write to standard output: {e}")))?;
            return Ok(EXIT_OK);
        }
        CompileOutput::Artifact(path) => path,
    };
    let bytes = match iamc_compiler::compile_set(&policies, &iamc_compiler::Config::default()) {
        Ok(bytes) => bytes,
        Err(e) => {
            let _ = writeln!(io.stderr, "iamc: error: the policies do not compile: {e}");
            let _ = writeln!(io.stderr, "iamc: error: nothing written");
            return Ok(EXIT_INVALID);
        }
    };
    write_atomically(std::path::Path::new(path), &bytes)
        .map_err(|e| CliError::Fatal(format!("cannot write `{path}`: {e}")))?;
    Ok(EXIT_OK)
}

/// Writes `bytes` to a temporary file beside `path`, then renames it over `path`: a reader never
/// sees half an artifact, and a failed write leaves any earlier file in place.
fn write_atomically(path: &std::path::Path, bytes: &[u8]) -> io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "not a file name"))?;
    let mut tmp_name = std::ffi::OsString::from(".");
    tmp_name.push(name);
    tmp_name.push(format!(".{}.tmp", std::process::id()));
    let tmp = dir.join(tmp_name);
    let result = std::fs::File::create(&tmp).and_then(|mut f| {
        f.write_all(bytes)?;
        f.sync_all()
    });
    match result.and_then(|()| std::fs::rename(&tmp, path)) {
        Ok(()) => Ok(()),
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            Err(e)
        }
    }
}

/// `iamc inspect`: 0 valid (described on stdout), 2 I/O error or invalid artifact.
fn inspect(path: &str, io: &mut Streams<'_>) -> Result<u8, CliError> {
    let bytes = read_capped(path, MAX_ARTIFACT_FILE_BYTES, "an artifact")?;
    let info = iamc_compiler::inspect::inspect(&bytes)
        .map_err(|e| CliError::Fatal(format!("`{path}` is not a valid iamc artifact: {e}")))?;
    write!(io.stdout, "{}", info.render(path))
        .and_then(|()| io.stdout.flush())
        .map_err(|e| CliError::Fatal(format!("cannot write to standard output: {e}")))?;
    Ok(EXIT_OK)
}

/// `iamc eval`: 0 every request decided, 1 some line malformed, 2 usage, I/O or invalid policy.
fn eval(opts: &EvalOptions, io: &mut Streams<'_>) -> Result<u8, CliError> {
    let decider = build_decider(opts, io.stderr)?;
    let out_err = |e: io::Error| CliError::Fatal(format!("cannot write to standard output: {e}"));
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
    match &opts.requests {
        Requests::One(path) => {
            let bytes = read_limited(path)?;
            let text = std::str::from_utf8(&bytes)
                .map_err(|e| format!("request is not valid utf-8 (byte {})", e.valid_up_to()));
            answer(text.map(|t| (1, t)), io.stdout)?;
        }
        Requests::Lines(path) => {
            let file = std::fs::File::open(path)
                .map_err(|e| CliError::Fatal(format!("cannot read `{path}`: {e}")))?;
            let mut reader = io::BufReader::new(file);
            let mut out = io::BufWriter::new(&mut *io.stdout);
            for_each_line(&mut reader, path, |line| answer(line, &mut out))?;
            out.flush().map_err(out_err)?;
        }
        Requests::Stdin => {
            for_each_line(io.stdin, "standard input", |line| answer(line, io.stdout))?;
        }
    }
    io.stdout.flush().map_err(out_err)?;
    Ok(status)
}

/// Reads a whole `--request` file, refusing one larger than a request may be.
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

/// Calls `f` on every non-blank line of `reader`: its number (from 1) and text, or why it is not
/// a request (not UTF-8, longer than [`MAX_REQUEST_BYTES`]). A line never holds more than the
/// limit in memory.
fn for_each_line(
    reader: &mut dyn BufRead,
    name: &str,
    mut f: impl FnMut(Result<(usize, &str), String>) -> Result<(), CliError>,
) -> Result<(), CliError> {
    let mut line = Vec::new();
    let mut number = 0usize;
    loop {
        line.clear();
        number += 1;
        let (read_any, too_long) = read_line_limited(reader, &mut line)
            .map_err(|e| CliError::Fatal(format!("cannot read {name}: {e}")))?;
        if !read_any {
            return Ok(());
        }
        if too_long {
            f(Err(format!(
                "request line longer than the limit of {MAX_REQUEST_BYTES} bytes"
            )))?;
            continue;
        }
        match std::str::from_utf8(&line) {
            Ok(text) if text.trim().is_empty() => {}
            Ok(text) => f(Ok((number, text)))?,
            Err(e) => f(Err(format!(
                "request is not valid utf-8 (byte {})",
                e.valid_up_to()
            )))?,
        }
    }
}

/// Reads one line (without its `\n`) into `line`, keeping at most [`MAX_REQUEST_BYTES`] + 1
/// bytes and skipping the rest. Returns (anything read, the line was too long).
fn read_line_limited(reader: &mut dyn BufRead, line: &mut Vec<u8>) -> io::Result<(bool, bool)> {
    let mut read_any = false;
    let mut too_long = false;
    loop {
        let buf = match reader.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if buf.is_empty() {
            return Ok((read_any, too_long));
        }
        read_any = true;
        let (chunk, done) = match buf.iter().position(|&b| b == b'\n') {
            Some(i) => (buf.get(..i).unwrap_or_default(), Some(i + 1)),
            None => (buf, None),
        };
        if !too_long {
            if line.len() + chunk.len() > MAX_REQUEST_BYTES {
                too_long = true;
                line.clear();
            } else {
                line.extend_from_slice(chunk);
            }
        }
        let consumed = done.unwrap_or(buf.len());
        reader.consume(consumed);
        if done.is_some() {
            if line.last() == Some(&b'\r') {
                line.pop();
            }
            return Ok((true, too_long));
        }
    }
}
