//! Reports as text for a reviewer and as JSON (spec/io.md "iamc diff", "iamc check-access").

use std::fmt::Write as _;

use iamc_grammar::json::{write_array, write_string};

use super::witness::request_to_json;
use super::{Access, Described, Region, Report};

/// How much to print.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RenderOptions {
    /// List every catalog action of a region (otherwise the first few and a count).
    pub expand: bool,
    /// Items shown per list before "and N more" in text (actions, resources, exclusions).
    pub max_listed: usize,
}

impl Default for RenderOptions {
    fn default() -> RenderOptions {
        RenderOptions {
            expand: false,
            max_listed: 8,
        }
    }
}

fn listed(items: &[String], max: usize) -> String {
    if items.len() <= max {
        return items.join(", ");
    }
    let shown: Vec<&str> = items.iter().take(max).map(String::as_str).collect();
    format!("{}, and {} more", shown.join(", "), items.len() - max)
}

/// One class: matching all of its patterns (joined by "and"), none of its exclusions.
fn class_text(d: &Described, what: &str, max: usize) -> String {
    let quoted = |v: &[String]| -> Vec<String> { v.iter().map(|s| format!("`{s}`")).collect() };
    let all = quoted(&d.matches).join(" and ");
    match (d.matches.is_empty(), d.except.is_empty()) {
        (true, true) => format!("any {what}"),
        (true, false) => format!("any {what} except {}", listed(&quoted(&d.except), max)),
        (false, true) => all,
        (false, false) => format!("{all} except {}", listed(&quoted(&d.except), max)),
    }
}

/// The indentation of a region's lines under a label (as wide as `"  resources: "`).
const INDENT: &str = "             ";

/// `items` one a line, the first after `label`, the others under it; with `limit` `(max,
/// what)`, the first `max` and then a line "and N more `what`".
fn labelled<T>(
    out: &mut String,
    label: &str,
    items: &[T],
    limit: Option<(usize, &str)>,
    line: impl Fn(&T) -> String,
) {
    let shown = limit.map_or(items.len(), |(max, _)| max);
    for (i, x) in items.iter().take(shown).enumerate() {
        let label = if i == 0 { label } else { INDENT };
        let _ = writeln!(out, "{label}{}", line(x));
    }
    if let Some((max, what)) = limit {
        if items.len() > max {
            let _ = writeln!(out, "{INDENT}and {} more {what}", items.len() - max);
        }
    }
}

fn region_text(out: &mut String, n: usize, r: &Region, opts: &RenderOptions) {
    let status = if r.certain { "certain" } else { "may allow" };
    let _ = writeln!(out, "region {n} ({status}):");
    let m = opts.max_listed;
    labelled(out, "  actions:   ", &r.actions, None, |a| {
        class_text(a, "action", m)
    });
    if !r.known_actions.is_empty() {
        let shown = if opts.expand {
            r.known_actions.join(", ")
        } else {
            listed(&r.known_actions, m)
        };
        let only = if r.catalog_only {
            ""
        } else {
            " (and unknown ones)"
        };
        let _ = writeln!(
            out,
            "{INDENT}{} known action{}{only}: {shown}",
            r.known_actions.len(),
            if r.known_actions.len() == 1 { "" } else { "s" }
        );
    }
    let few = m.max(1);
    labelled(
        out,
        "  resources: ",
        &r.resources,
        Some((few, "resource classes")),
        |res| class_text(res, "resource", m),
    );
    labelled(
        out,
        "  callers:   ",
        &r.callers,
        Some((few, "caller classes")),
        String::clone,
    );
    if r.conditions.is_empty() {
        let _ = writeln!(out, "  context:   any");
    }
    labelled(out, "  context:   ", &r.conditions, None, |c| {
        format!("`{}`: {}", c.key, c.allowed.join(" | "))
    });
    for w in &r.witnesses {
        let _ = writeln!(out, "  witness:   {}", request_to_json(w));
    }
    for note in &r.notes {
        let _ = writeln!(out, "  note:      {note}");
    }
}

/// The summary line of `a` (`yes` when it has regions, `no` when none), then its regions, then
/// the reasons it is not exact (each after `yes`).
fn access_text(out: &mut String, a: &Access, (yes, no): (&str, &str), opts: &RenderOptions) {
    let _ = writeln!(out, "{}", summary(a, yes, no));
    for (i, r) in a.regions.iter().enumerate() {
        region_text(out, i + 1, r, opts);
    }
    if !a.exact {
        for reason in &a.reasons {
            let _ = writeln!(out, "{yes}: {reason}");
        }
    }
}

fn summary(a: &Access, yes: &str, no: &str) -> String {
    let certain = a.regions.iter().filter(|r| r.certain).count();
    let n = a.regions.len();
    if !a.any {
        return format!("{no} (exact)");
    }
    let exact = if a.exact { "exact" } else { "not exact" };
    format!(
        "{yes}: {n} region{}, {certain} certain ({exact})",
        if n == 1 { "" } else { "s" }
    )
}

/// A diff report for a reviewer: a summary line, then each region with one witness as an
/// `iamc eval` request line.
pub fn text(report: &Report, opts: &RenderOptions) -> String {
    let mut out = String::new();
    access_text(
        &mut out,
        &report.added,
        ("new access", "no new access"),
        opts,
    );
    if let Some(removed) = &report.removed {
        access_text(
            &mut out,
            removed,
            ("removed access", "no removed access"),
            opts,
        );
    }
    out
}

/// A `check_access` answer for a reviewer.
pub fn access_text_report(access: &Access, opts: &RenderOptions) -> String {
    let mut out = String::new();
    access_text(
        &mut out,
        access,
        ("allowed", "not allowed by any request"),
        opts,
    );
    out
}

fn json_list(out: &mut String, items: &[String]) {
    write_array(out, items, |out, s| write_string(out, s));
}

fn described_json(out: &mut String, d: &[Described]) {
    write_array(out, d, |out, c| {
        out.push_str("{\"matches\":");
        json_list(out, &c.matches);
        out.push_str(",\"except\":");
        json_list(out, &c.except);
        out.push('}');
    });
}

fn region_json(out: &mut String, r: &Region, opts: &RenderOptions) {
    let _ = write!(out, "{{\"certain\":{},\"actions\":", r.certain);
    described_json(out, &r.actions);
    let _ = write!(
        out,
        ",\"catalog_only\":{},\"known_action_count\":{}",
        r.catalog_only,
        r.known_actions.len()
    );
    if opts.expand {
        out.push_str(",\"known_actions\":");
        json_list(out, &r.known_actions);
    }
    out.push_str(",\"resources\":");
    described_json(out, &r.resources);
    out.push_str(",\"principals\":");
    json_list(out, &r.callers);
    out.push_str(",\"conditions\":");
    write_array(out, &r.conditions, |out, c| {
        out.push_str("{\"key\":");
        write_string(out, &c.key);
        out.push_str(",\"allowed\":");
        json_list(out, &c.allowed);
        out.push('}');
    });
    out.push_str(",\"witnesses\":");
    write_array(out, &r.witnesses, |out, w| {
        out.push_str(&request_to_json(w))
    });
    out.push_str(",\"notes\":");
    json_list(out, &r.notes);
    out.push('}');
}

fn regions_json(out: &mut String, regions: &[Region], opts: &RenderOptions) {
    write_array(out, regions, |out, r| region_json(out, r, opts));
}

/// The members of `access` (after a `{` or a `,`): `"{any}"`, `{prefix}exact`,
/// `{prefix}complete`, `{prefix}reasons`, and its regions as `"{regions}"`.
fn access_members(
    out: &mut String,
    access: &Access,
    names: (&str, &str, &str),
    opts: &RenderOptions,
) {
    let (any, prefix, regions) = names;
    let _ = write!(
        out,
        "\"{any}\":{},\"{prefix}exact\":{},\"{prefix}complete\":{},\"{prefix}reasons\":",
        access.any, access.exact, access.complete
    );
    json_list(out, &access.reasons);
    let _ = write!(out, ",\"{regions}\":");
    regions_json(out, &access.regions, opts);
}

/// A diff report as one JSON object: `new_access`, `exact`, `complete`, `reasons`, `regions`
/// (each with `witnesses`, request objects `iamc eval` reads), and with `--both`
/// `removed_access`, `removed_exact`, `removed_complete`, `removed_reasons` and `removed`.
pub fn json(report: &Report, opts: &RenderOptions) -> String {
    let mut out = String::from("{");
    access_members(&mut out, &report.added, ("new_access", "", "regions"), opts);
    if let Some(r) = &report.removed {
        out.push(',');
        access_members(&mut out, r, ("removed_access", "removed_", "removed"), opts);
    }
    out.push('}');
    out
}

/// A `check_access` answer as one JSON object: `allowed`, `exact`, `complete`, `reasons`,
/// `regions`.
pub fn access_json(access: &Access, opts: &RenderOptions) -> String {
    let mut out = String::from("{");
    access_members(&mut out, access, ("allowed", "", "regions"), opts);
    out.push('}');
    out
}
