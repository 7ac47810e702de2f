//! `iamc compile`: a policy set into one artifact, or its intermediate representation.

use std::io::{self, Write};
use std::path::Path;

use super::input::Input;
use super::output::{write_bytes, write_raw};
use super::policies::{load_set, TypedArgs};
use super::{CliError, Streams, EXIT_INVALID, EXIT_OK};

/// Compile a policy set into one artifact (or print its intermediate representation)
///
/// Compiles a policy set into one artifact: the identity policies given as arguments (attached
/// to one principal, evaluated together) and the policies of the other types named by the
/// options, each validated by the rules of its type. The artifact holds the typed set: action,
/// resource and condition automata plus the statements' metadata, loadable by the runtime
/// crate (`iamc_runtime::Artifact::from_bytes`) and by `iamc eval --artifact`. The file is
/// written whole or not at all (a temporary file beside it, then renamed). With `--emit ir`
/// the intermediate representation is printed on stdout instead and nothing is written.
///
/// Exit status: 0 written (or printed), 1 a policy is invalid or the set does not compile
/// (nothing written), 2 usage or I/O error.
#[derive(clap::Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// Identity-based policy files, templates or plans (`-`: standard input; a directory: the
    /// files below it)
    #[arg(value_name = "POLICY.json", value_parser = Input::parse)]
    files: Vec<Input>,
    /// Write the artifact to this file (`-`: standard output)
    #[arg(
        short = 'o',
        long = "output",
        value_name = "SET.iamc",
        required_unless_present = "emit",
        conflicts_with = "emit"
    )]
    output: Option<String>,
    /// Print this representation on stdout instead of writing an artifact
    #[arg(long, value_enum, value_name = "KIND")]
    emit: Option<Emit>,
    // Last: its heading applies to the arguments after it.
    #[command(flatten)]
    typed: TypedArgs,
}

/// What `--emit` prints.
#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
enum Emit {
    /// The intermediate representation: statements with group, provenance, principals,
    /// lowered actions, resources and typed conditions
    Ir,
}

/// 0 written (or IR printed), 1 invalid policy or compile error, 2 usage/I/O.
pub fn run(args: &Args, io: &mut Streams<'_>) -> Result<u8, CliError> {
    if args.files.is_empty() && args.typed.is_empty() {
        return Err(CliError::usage("`compile` needs at least one policy file"));
    }
    let files = args.typed.files(&args.files)?;
    let policies = match load_set(&args.typed, &files, io) {
        Ok(p) => p,
        // Every problem is reported already; an invalid policy is status 1 for `compile`.
        Err(CliError::InvalidPolicy) => {
            let _ = writeln!(io.stderr, "iamc: error: invalid policy, nothing written");
            return Ok(EXIT_INVALID);
        }
        Err(e) => return Err(e),
    };
    let path = match (&args.emit, &args.output) {
        (Some(Emit::Ir), _) => {
            write_raw(io.stdout, &iamc_compiler::emit_ir(&policies))?;
            return Ok(EXIT_OK);
        }
        (None, Some(path)) => path,
        (None, None) => return Err(CliError::usage("`compile` needs `-o FILE` or `--emit ir`")),
    };
    let bytes = match iamc_compiler::compile_set(&policies, &iamc_compiler::Config::default()) {
        Ok(bytes) => bytes,
        Err(e) => {
            let _ = writeln!(io.stderr, "iamc: error: the policies do not compile: {e}");
            let _ = writeln!(io.stderr, "iamc: error: nothing written");
            return Ok(EXIT_INVALID);
        }
    };
    if path == "-" {
        write_bytes(io.stdout, &bytes)?;
        return Ok(EXIT_OK);
    }
    write_atomically(Path::new(path), &bytes)
        .map_err(|e| CliError::Fatal(format!("cannot write `{path}`: {e}")))?;
    Ok(EXIT_OK)
}

/// Writes `bytes` to a temporary file beside `path`, then renames it over `path`: a reader never
/// sees half an artifact, and a failed write leaves any earlier file in place.
fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
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
