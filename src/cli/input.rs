//! File arguments: a path, `-` for standard input, or a directory standing for the policy files
//! below it; reading them with size caps.

use std::io::{BufRead, Read};
use std::path::Path;

use super::CliError;

/// The largest policy file read: the grammar's document limit (8 MiB by default), far above
/// IAM's own limits (6,144 characters for a managed policy), checked before the file is held
/// in memory. Templates and plans are held to it too.
pub fn max_policy_file_bytes() -> u64 {
    u64::try_from(iamc_grammar::Limits::default().max_document_bytes).unwrap_or(u64::MAX)
}

/// The largest artifact file read (1 GiB; the whole AWS-managed corpus compiles to tens of MB).
pub const MAX_ARTIFACT_FILE_BYTES: u64 = 1 << 30;

/// How diagnostics and decisions name standard input.
pub const STDIN_NAME: &str = "<stdin>";

/// A file argument.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// `-`: standard input.
    Stdin,
    /// A path as given; `found` when it was found below a directory given as an argument.
    Path { path: String, found: bool },
}

impl Input {
    /// Reads an argument: `-` is standard input, anything else a path (clap's value parser).
    ///
    /// # Errors
    /// An empty argument.
    pub fn parse(arg: &str) -> Result<Input, String> {
        match arg {
            "" => Err("a file name cannot be empty".to_owned()),
            "-" => Ok(Input::Stdin),
            path => Ok(Input::Path {
                path: path.to_owned(),
                found: false,
            }),
        }
    }

    /// The name diagnostics and decisions use: the path as given, `<stdin>` for `-`.
    pub fn name(&self) -> &str {
        match self {
            Input::Stdin => STDIN_NAME,
            Input::Path { path, .. } => path,
        }
    }

    pub fn is_stdin(&self) -> bool {
        matches!(self, Input::Stdin)
    }

    /// Whether the file was found below a directory (not named on the command line).
    pub fn is_found(&self) -> bool {
        matches!(self, Input::Path { found: true, .. })
    }

    /// Reads the whole input, refusing more than `limit` bytes (without reading past them);
    /// `what` names the kind of file in that error.
    ///
    /// # Errors
    /// The file cannot be read or is larger than `limit`.
    pub fn read(
        &self,
        stdin: &mut dyn BufRead,
        limit: u64,
        what: &str,
    ) -> Result<Vec<u8>, CliError> {
        let bytes = self.read_prefix(stdin, limit.saturating_add(1))?;
        if u64::try_from(bytes.len()).unwrap_or(u64::MAX) > limit {
            return Err(CliError::Fatal(format!(
                "`{}` is larger than the limit of {limit} bytes for {what}",
                self.name()
            )));
        }
        Ok(bytes)
    }

    /// Reads at most `max` bytes of the input (the caller decides what a longer input means).
    ///
    /// # Errors
    /// The file cannot be read.
    pub fn read_prefix(&self, stdin: &mut dyn BufRead, max: u64) -> Result<Vec<u8>, CliError> {
        let mut bytes = Vec::new();
        match self {
            Input::Stdin => stdin
                .take(max)
                .read_to_end(&mut bytes)
                .map_err(|e| CliError::Fatal(format!("cannot read standard input: {e}")))?,
            Input::Path { path, .. } => std::fs::File::open(path)
                .and_then(|f| f.take(max).read_to_end(&mut bytes))
                .map_err(|e| CliError::Fatal(format!("cannot read `{path}`: {e}")))?,
        };
        Ok(bytes)
    }
}

/// The file names a directory argument takes in: JSON (policies, JSON templates, Terraform
/// plans) and YAML (templates). `.tf.json` is Terraform configuration, which iamc does not
/// read (it reads plans: `terraform show -json`).
fn is_policy_file_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    !lower.ends_with(".tf.json")
        && (lower.ends_with(".json") || lower.ends_with(".yaml") || lower.ends_with(".yml"))
}

/// Whether a file name is YAML (a file found in a directory is read only if it is a
/// CloudFormation template: see [`skip_found`]).
pub fn is_yaml_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.ends_with(".yaml") || lower.ends_with(".yml")
}

/// Whether a file found below a directory is left out: a YAML file that is no CloudFormation
/// template (a workflow, a compose file) is not a policy a user put there. A file named on the
/// command line is never left out.
pub fn skip_found(input: &Input, bytes: &[u8]) -> bool {
    if !input.is_found() || !is_yaml_name(input.name()) {
        return false;
    }
    let text = String::from_utf8_lossy(bytes);
    !(text.contains("AWSTemplateFormatVersion") || text.contains("Resources"))
}

/// `inputs` with every directory replaced by the policy files below it (see
/// [`is_policy_file_name`]), sorted by path; entries whose name starts with `.` are skipped,
/// and symbolic links to directories are not followed (no cycles).
///
/// # Errors
/// A directory that cannot be read, or that holds no policy file.
pub fn expand_dirs(inputs: &[Input]) -> Result<Vec<Input>, CliError> {
    let mut out = Vec::with_capacity(inputs.len());
    for input in inputs {
        let Input::Path { path, .. } = input else {
            out.push(input.clone());
            continue;
        };
        if !Path::new(path).is_dir() {
            out.push(input.clone());
            continue;
        }
        let mut found = Vec::new();
        walk(Path::new(path), &mut found)?;
        if found.is_empty() {
            return Err(CliError::Fatal(format!(
                "`{path}` holds no policy file (`.json`, `.yaml`, `.yml`)"
            )));
        }
        found.sort();
        out.extend(
            found
                .into_iter()
                .map(|path| Input::Path { path, found: true }),
        );
    }
    Ok(out)
}

fn walk(dir: &Path, found: &mut Vec<String>) -> Result<(), CliError> {
    let cannot = |e: std::io::Error| {
        CliError::Fatal(format!(
            "cannot read the directory `{}`: {e}",
            dir.display()
        ))
    };
    for entry in std::fs::read_dir(dir).map_err(cannot)? {
        let entry = entry.map_err(cannot)?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with('.') {
            continue;
        }
        let path = entry.path();
        let kind = entry.file_type().map_err(cannot)?;
        if kind.is_dir() {
            walk(&path, found)?;
        } else if is_policy_file_name(&name) && path.is_file() {
            found.push(path.to_string_lossy().into_owned());
        }
    }
    Ok(())
}

/// At most one argument may be standard input (it can be read once).
///
/// # Errors
/// A usage error when two do.
pub fn stdin_once<'a>(inputs: impl IntoIterator<Item = &'a Input>) -> Result<(), CliError> {
    if inputs.into_iter().filter(|i| i.is_stdin()).count() > 1 {
        return Err(
            CliError::usage("`-` (standard input) is given more than once")
                .with_help("standard input can be read only once"),
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_a_directory_takes_in() {
        for name in ["p.json", "P.JSON", "stack.yaml", "stack.yml", "plan.json"] {
            assert!(is_policy_file_name(name), "{name}");
        }
        for name in ["main.tf.json", "notes.md", "policy.json5", "json"] {
            assert!(!is_policy_file_name(name), "{name}");
        }
    }

    #[test]
    fn dash_is_stdin() {
        assert_eq!(Input::parse("-"), Ok(Input::Stdin));
        assert_eq!(Input::Stdin.name(), "<stdin>");
        assert!(Input::parse("").is_err());
        assert_eq!(
            Input::parse("./-").map(|i| i.name().to_owned()),
            Ok("./-".to_owned())
        );
    }
}
