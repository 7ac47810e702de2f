//! Exit statuses (spec/io.md) and why a run stops early.

use std::io::Write;

/// Exit status: success.
pub const EXIT_OK: u8 = 0;
/// Exit status: a policy is invalid or has a finding at or above `--fail-on` (`check`,
/// `compile`), a request was malformed (`eval`), a pattern matched no action (`expand`).
pub const EXIT_INVALID: u8 = 1;
/// Exit status: usage or I/O error (and an invalid policy or artifact for `eval`).
pub const EXIT_USAGE: u8 = 2;

/// Why a run stopped early; every one exits with status 2.
#[derive(Debug)]
pub enum CliError {
    /// Bad arguments: printed with the command's usage.
    Usage {
        message: String,
        help: Option<String>,
    },
    /// An I/O error, an invalid artifact, ...; an empty message means already reported.
    Fatal(String),
    /// A policy did not validate (its diagnostics are reported already).
    InvalidPolicy,
}

impl CliError {
    /// A usage error: `message` names the offending argument in backticks.
    pub fn usage(message: impl Into<String>) -> CliError {
        CliError::Usage {
            message: message.into(),
            help: None,
        }
    }

    /// The same usage error with a hint (other errors are unchanged).
    #[must_use]
    pub fn with_help(self, hint: impl Into<String>) -> CliError {
        self.with_help_opt(Some(hint.into()))
    }

    /// [`CliError::with_help`] when there is a hint.
    #[must_use]
    pub fn with_help_opt(self, hint: Option<String>) -> CliError {
        match (self, hint) {
            (CliError::Usage { message, .. }, Some(h)) => CliError::Usage {
                message,
                help: Some(h),
            },
            (other, _) => other,
        }
    }

    /// Prints the error on `stderr` (with `usage` after a usage error) and returns its exit
    /// status. Nothing more can be done if stderr is gone.
    pub fn report(self, stderr: &mut dyn Write, usage: Option<&str>) -> u8 {
        match self {
            CliError::Usage { message, help } => {
                let _ = writeln!(stderr, "iamc: error: {message}");
                if let Some(help) = help {
                    let _ = writeln!(stderr, "  = help: {help}");
                }
                if let Some(usage) = usage {
                    let _ = writeln!(stderr, "\n{}", usage.trim_end());
                }
                let _ = writeln!(stderr, "\nRun `iamc help` for more.");
            }
            CliError::Fatal(message) => {
                if !message.is_empty() {
                    let _ = writeln!(stderr, "iamc: error: {message}");
                }
            }
            CliError::InvalidPolicy => {
                let _ = writeln!(stderr, "iamc: error: invalid policy, nothing decided");
            }
        }
        EXIT_USAGE
    }
}
