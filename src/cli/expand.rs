//! `iamc expand`: the actions an action pattern matches, from the vendored service catalog.

use std::fmt::Write as _;

use iamc::io::write_json_string;
use iamc_catalog::{Action, Catalog, Level};

use super::output::write_raw;
use super::{CliError, Streams, EXIT_INVALID, EXIT_OK};

/// List the actions an action pattern matches, with their access levels
///
/// Prints every action of the service catalog that one of the patterns matches, with its
/// access level, sorted by service and name (each action once). Patterns are matched as the
/// engines match them: `*` is any run of characters, `?` one character, case is ignored.
///
///   iamc expand 'ecs:Describe*'
///   iamc expand --access-level write 'ecs:*' 's3:Put*'
///
/// `--format json` prints {"catalog": VERSION, "actions": [{"action": "ecs:DescribeClusters",
/// "accessLevel": "List"}, ...]}.
///
/// Exit status: 0 every pattern matched an action, 1 some pattern matched none (or named an
/// unknown service: the error suggests the nearest name), 2 usage error.
#[derive(clap::Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// Action patterns (`service:Name`, wildcards allowed in the name, or `*`)
    #[arg(value_name = "PATTERN", required = true)]
    patterns: Vec<String>,
    /// Only actions of this access level (list, read, write, permissions-management, tagging)
    #[arg(long = "access-level", value_name = "LEVEL", value_parser = level)]
    access_level: Option<Level>,
    /// How the actions are printed
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

/// `--format`.
#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    /// One action per line with its access level
    Text,
    /// One JSON document
    Json,
}

fn level(text: &str) -> Result<Level, String> {
    Level::parse(text).ok_or_else(|| {
        "expected `list`, `read`, `write`, `permissions-management` or `tagging`".to_owned()
    })
}

/// The catalog, or the error that it did not load.
pub fn catalog() -> Result<&'static Catalog, CliError> {
    Catalog::get().map_err(|e| CliError::Fatal(format!("the service catalog did not load: {e}")))
}

/// 0 every pattern matched, 1 some matched nothing, 2 usage.
pub fn run(args: &Args, io: &mut Streams<'_>) -> Result<u8, CliError> {
    let catalog = catalog()?;
    let mut status = EXIT_OK;
    let mut actions: Vec<Action<'_>> = Vec::new();
    for pattern in &args.patterns {
        let (message, help) = match catalog.expand(pattern, args.access_level) {
            Ok(found) if !found.is_empty() => {
                actions.extend(found);
                continue;
            }
            Ok(_) => no_match(catalog, pattern, args.access_level),
            Err(e) => {
                let help = e.suggestion().map(|s| format!("did you mean `{s}`?"));
                (format!("`{pattern}`: {e}"), help)
            }
        };
        status = EXIT_INVALID;
        let _ = writeln!(io.stderr, "iamc: error: {message}");
        if let Some(help) = help {
            let _ = writeln!(io.stderr, "  = help: {help}");
        }
    }
    let key = |a: &Action<'_>| (a.service().prefix(), a.name());
    actions.sort_by_key(key);
    actions.dedup_by_key(|a| key(a));
    let text = match args.format {
        Format::Text => text(&actions),
        Format::Json => json(&actions, catalog.version()),
    };
    write_raw(io.stdout, &text)?;
    Ok(status)
}

/// Why `pattern` matched nothing, and the nearest action when it names one.
fn no_match(catalog: &Catalog, pattern: &str, level: Option<Level>) -> (String, Option<String>) {
    if let Some(level) = level {
        if catalog
            .expand(pattern, None)
            .is_ok_and(|all| !all.is_empty())
        {
            return (
                format!("`{pattern}` matches no action of access level `{level}`"),
                None,
            );
        }
    }
    let suggestion = pattern.split_once(':').and_then(|(service, name)| {
        if name.contains(['*', '?']) {
            return None;
        }
        let svc = catalog.service(service)?;
        let found = svc.suggest_action(name)?;
        Some(format!("did you mean `{}:{}`?", svc.prefix(), found.name()))
    });
    (format!("`{pattern}` matches no action"), suggestion)
}

/// `service:Name` and the access level, aligned.
fn text(actions: &[Action<'_>]) -> String {
    let names: Vec<String> = actions
        .iter()
        .map(|a| format!("{}:{}", a.service().prefix(), a.name()))
        .collect();
    let width = names.iter().map(String::len).max().unwrap_or(0);
    let mut out = String::new();
    for (name, a) in names.iter().zip(actions) {
        let _ = writeln!(out, "{name:width$}  {}", a.access_level());
    }
    out
}

fn json(actions: &[Action<'_>], version: &str) -> String {
    let mut out = String::from("{\"catalog\": ");
    write_json_string(&mut out, version);
    out.push_str(", \"actions\": [");
    for (i, a) in actions.iter().enumerate() {
        out.push_str(if i == 0 { "\n  " } else { ",\n  " });
        out.push_str("{\"action\": ");
        write_json_string(&mut out, &format!("{}:{}", a.service().prefix(), a.name()));
        out.push_str(", \"accessLevel\": ");
        write_json_string(&mut out, &a.access_level().to_string());
        out.push('}');
    }
    if !actions.is_empty() {
        out.push('\n');
    }
    out.push_str("]}\n");
    out
}
