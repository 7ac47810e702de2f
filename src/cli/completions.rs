//! `iamc completions`: a shell's completion script for the whole command line.

use clap_complete::Shell;

use super::{CliError, Streams, EXIT_OK};

/// Print a shell completion script
///
/// Prints the completion script of `iamc` for SHELL on stdout: commands, options and their
/// values. For example:
///
///   iamc completions bash > ~/.local/share/bash-completion/completions/iamc
///   iamc completions zsh > ~/.zfunc/_iamc   (with ~/.zfunc in $fpath)
///   iamc completions fish > ~/.config/fish/completions/iamc.fish
///
/// Exit status: 0 printed, 2 usage or I/O error.
#[derive(clap::Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// The shell
    #[arg(value_enum)]
    shell: Shell,
}

/// 0 printed, 2 when stdout cannot be written.
pub fn run(args: &Args, io: &mut Streams<'_>) -> Result<u8, CliError> {
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut super::command(), "iamc", &mut script);
    super::output::write_bytes(io.stdout, &script)?;
    Ok(EXIT_OK)
}
