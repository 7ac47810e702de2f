//! `iamc`: the command line (spec/io.md). The logic lives in [`cli`]; this only binds it to the
//! process's streams and exit status.

mod cli;

use std::io::IsTerminal;

fn main() -> std::process::ExitCode {
    let stdin = std::io::stdin();
    let stdin_is_terminal = stdin.is_terminal();
    let mut stdin = stdin.lock();
    let stdout = std::io::stdout();
    let stdout_is_terminal = stdout.is_terminal();
    let mut stdout = stdout.lock();
    let mut stderr = std::io::stderr();
    let code = cli::run(
        std::env::args_os().skip(1).collect(),
        &mut cli::Streams {
            stdin: &mut stdin,
            stdout: &mut stdout,
            stderr: &mut stderr,
            stdout_is_terminal,
            stdin_is_terminal,
        },
    );
    std::process::ExitCode::from(code)
}
