//! Reports as text for a reviewer and as JSON (spec/io.md "iamc diff", "iamc check-access").

use std::fmt::Write as _;

use super::witness::{request_to_json, write_json_string};
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

fn region_text(out: &mut String, n: usize, r: &Region, opts: &RenderOptions) {
    let status = if r.certain { "certain" } else { "may allow" };
    let _ = writeln!(out, "region {n} ({status}):");
    let m = opts.max_listed;
    for (i, a) in r.actions.iter().enumerate() {
        let label = if i == 0 {
            "  actions:   "
        } else {
            "             "
        };
        let _ = writeln!(out, "{label}{}", class_text(a, "action", m));
    }
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
            "             {} known action{}{only}: {shown}",
            r.known_actions.len(),
            if r.known_actions.len() == 1 { "" } else { "s" }
        );
    }
    for (i, res) in r.resources.iter().take(m.max(1)).enumerate() {
        let label = if i == 0 {
            "  resources: "
        } else {
            "             "
        };
        let _ = writeln!(out, "{label}{}", class_text(res, "resource", m));
    }
    if r.resources.len() > m.max(1) {
        let _ = writeln!(
            out,
            "             and {} more resource classes",
            r.resources.len() - m.max(1)
        );
    }
    for (i, c) in r.callers.iter().take(m.max(1)).enumerate() {
        let label = if i == 0 {
            "  callers:   "
        } else {
            "             "
        };
        let _ = writeln!(out, "{label}{c}");
    }
    if r.callers.len() > m.max(1) {
        let _ = writeln!(
            out,
            "             and {} more caller classes",
            r.callers.len() - m.max(1)
        );
    }
    if r.conditions.is_empty() {
        let _ = writeln!(out, "  context:   any");
    }
    for (i, c) in r.conditions.iter().enumerate() {
        let label = if i == 0 {
            "  context:   "
        } else {
            "             "
        };
        let _ = writeln!(out, "{label}`{}`: {}", c.key, c.allowed.join(" | "));
    }
    for w in &r.witnesses {
        let _ = writeln!(out, "  witness:   {}", request_to_json(w));
    }
    for note in &r.notes {
        let _ = writeln!(out, "  note:      {note}");
    }
}

fn access_text(out: &mut String, a: &Access, what: &str, opts: &RenderOptions) {
    for (i, r) in a.regions.iter().enumerate() {
        region_text(out, i + 1, r, opts);
    }
    if !a.exact {
        for reason in &a.reasons {
            let _ = writeln!(out, "{what}: {reason}");
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
    let _ = writeln!(
        out,
        "{}",
        summary(&report.added, "new access", "no new access")
    );
    access_text(&mut out, &report.added, "new access", opts);
    if let Some(removed) = &report.removed {
        let _ = writeln!(
            out,
            "{}",
            summary(removed, "removed access", "no removed access")
        );
        access_text(&mut out, removed, "removed access", opts);
    }
    out
}

/// A `check_access` answer for a reviewer.
pub fn access_text_report(access: &Access, opts: &RenderOptions) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}",
        summary(access, "allowed", "not allowed by any request")
    );
    access_text(&mut out, access, "allowed", opts);
    out
}

fn json_list(out: &mut String, items: &[String]) {
    out.push('[');
    for (i, s) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_json_string(out, s);
    }
    out.push(']');
}

fn described_json(out: &mut String, d: &[Described]) {
    out.push('[');
    for (i, c) in d.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str("{\"matches\":");
        json_list(out, &c.matches);
        out.push_str(",\"except\":");
        json_list(out, &c.except);
        out.push('}');
    }
    out.push(']');
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
    out.push_str(",\"conditions\":[");
    for (i, c) in r.conditions.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str("{\"key\":");
        write_json_string(out, &c.key);
        out.push_str(",\"allowed\":");
        json_list(out, &c.allowed);
        out.push('}');
    }
    out.push_str("],\"witnesses\":[");
    for (i, w) in r.witnesses.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&request_to_json(w));
    }
    out.push_str("],\"notes\":");
    json_list(out, &r.notes);
    out.push('}');
}

fn regions_json(out: &mut String, regions: &[Region], opts: &RenderOptions) {
    out.push('[');
    for (i, r) in regions.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        region_json(out, r, opts);
    }
    out.push(']');
}

/// A diff report as one JSON object: `new_access`, `exact`, `complete`, `reasons`, `regions`
/// (each with `witnesses`, request objects `iamc eval` reads), and with `--both`
/// `removed_access`, `removed_exact`, `removed_complete`, `removed_reasons` and `removed`.
pub fn json(report: &Report, opts: &RenderOptions) -> String {
    let a = &report.added;
    let mut out = format!(
        "{{\"new_access\":{},\"exact\":{},\"complete\":{},\"reasons\":",
        a.any, a.exact, a.complete
    );
    json_list(&mut out, &a.reasons);
    out.push_str(",\"regions\":");
    regions_json(&mut out, &a.regions, opts);
    if let Some(r) = &report.removed {
        let _ = write!(
            out,
            ",\"removed_access\":{},\"removed_exact\":{},\"removed_complete\":{},\"removed_reasons\":",
            r.any, r.exact, r.complete
        );
        json_list(&mut out, &r.reasons);
        out.push_str(",\"removed\":");
        regions_json(&mut out, &r.regions, opts);
    }
    out.push('}');
    out
}

/// A `check_access` answer as one JSON object: `allowed`, `exact`, `complete`, `reasons`,
/// `regions`.
pub fn access_json(access: &Access, opts: &RenderOptions) -> String {
    let mut out = format!(
        "{{\"allowed\":{},\"exact\":{},\"complete\":{},\"reasons\":",
        access.any, access.exact, access.complete
    );
    json_list(&mut out, &access.reasons);
    out.push_str(",\"regions\":");
    regions_json(&mut out, &access.regions, opts);
    out.push('}');
    out
}
