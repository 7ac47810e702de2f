//! The command line as a whole: did-you-mean for commands, options and values, completion
//! scripts, help of every command.

use super::{iamc, stderr, stdout, DEV};
use iamc_testkit::assert_contains;

#[test]
fn did_you_mean_for_commands_options_and_values() {
    for (args, message, help) in [
        (
            &["chek", DEV][..],
            "unknown command `chek`",
            "did you mean `check`?",
        ),
        (
            &["check", "--boundry", DEV],
            "unknown option `--boundry`",
            "did you mean `--boundary`?",
        ),
        (
            &["eval", "--polcy", DEV],
            "unknown option `--polcy`",
            "did you mean `--policy`?",
        ),
        (
            &["eval", "--policy", DEV, "--engine", "refrence"],
            "invalid value `refrence` for `--engine <ENGINE>`",
            "did you mean `reference`?",
        ),
        (
            &["check", "--format", "sarf", DEV],
            "invalid value `sarf` for `--format <FORMAT>`",
            "did you mean `sarif`?",
        ),
    ] {
        let o = iamc(args, None);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let err = stderr(&o);
        assert!(
            err.starts_with(&format!("iamc: error: {message}\n  = help: {help}\n")),
            "{args:?}: {err}"
        );
        assert_contains(&err, "\nUsage: iamc");
        assert!(stdout(&o).is_empty());
    }
}

#[test]
fn completion_scripts_for_each_shell() {
    for (shell, marker) in [
        ("bash", "complete -F _iamc"),
        ("zsh", "#compdef iamc"),
        ("fish", "complete -c iamc"),
        ("powershell", "Register-ArgumentCompleter"),
        ("elvish", "edit:completion:arg-completer[iamc]"),
    ] {
        let o = iamc(&["completions", shell], None);
        assert_eq!(o.status.code(), Some(0), "{shell}: {}", stderr(&o));
        let script = stdout(&o);
        assert!(script.contains(marker), "{shell}: {script}");
        // Commands and typed options are completed.
        for word in ["check", "expand", "boundary", "fail-on"] {
            assert!(script.contains(word), "{shell} lacks {word}");
        }
    }
    assert_eq!(iamc(&["completions", "tcsh"], None).status.code(), Some(2));
}

/// The commands whose help and listing are checked here.
const COMMANDS: [&str; 6] = [
    "check",
    "compile",
    "eval",
    "inspect",
    "expand",
    "completions",
];

#[test]
fn every_command_has_help() {
    for command in COMMANDS {
        for args in [
            vec!["help", command],
            vec![command, "--help"],
            vec![command, "-h"],
        ] {
            let o = iamc(&args, None);
            assert_eq!(o.status.code(), Some(0), "{args:?}");
            assert!(
                stdout(&o).starts_with(&format!("iamc {command}: ")),
                "{args:?}: {}",
                stdout(&o)
            );
        }
    }
    let o = iamc(&["--help"], None);
    for command in COMMANDS {
        assert_contains(&stdout(&o), &format!("\n  {command} "));
    }
}
