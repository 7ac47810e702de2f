//! The IR as text (`iamc compile --emit ir`): one block per statement.
//!
//! ```text
//! group trust                       (only in typed sets: a header per group)
//! stmt 3 Allow  # trust.json statement 0 sid "X" bytes 12..140
//!   principal: Service=ecs-tasks.amazonaws.com
//!   action: sts:assumerole
//!   resource: *
//!   conditions:
//!     "aws:SourceAccount" equals ["111122223333"]
//! ```
//!
//! Condition `Like` clauses name their constant pattern list by number (`like dfa#N`): the
//! lists are numbered in order of first appearance, as the automata pass builds their DFAs
//! (`Test::like_constants`).

use std::collections::HashMap;
use std::fmt::{self, Write as _};

use super::condition::{write_clause, LikeShown};
use super::{Glob, PolicySet};

impl fmt::Display for PolicySet {
    fn fmt(&self, out: &mut fmt::Formatter<'_>) -> fmt::Result {
        // An identity-only set prints as it did before typed sets.
        let typed = self.groups.len() > 1;
        let mut group = None;
        let mut like_lists: HashMap<Vec<&Glob>, usize> = HashMap::new();
        for s in &self.statements {
            if typed && group != Some(s.provenance.group) {
                group = Some(s.provenance.group);
                if let Some(g) = self.group_of(s) {
                    if g.policy_type.is_org() {
                        writeln!(out, "group {} level {}", g.policy_type.as_str(), g.level)?;
                    } else {
                        writeln!(out, "group {}", g.policy_type.as_str())?;
                    }
                }
            }
            writeln!(
                out,
                "stmt {} {:?}  # {} statement {}{} bytes {}..{}",
                s.id.0,
                s.effect,
                self.policy_of(s).unwrap_or("?"),
                s.provenance.index,
                s.provenance
                    .sid
                    .as_ref()
                    .map_or(String::new(), |sid| format!(" sid {sid:?}")),
                s.provenance.span.start,
                s.provenance.span.end,
            )?;
            if let Some(b) = &s.principal {
                let entries = b
                    .entries
                    .iter()
                    .map(|e| format!("{:?}={}", e.kind, e.value));
                write_element(out, "principal", b.negated, b.any, entries)?;
            }
            let a = &s.action;
            write_element(out, "action", a.negated, a.any, a.patterns.iter())?;
            let r = &s.resource;
            let globs = r.patterns.iter().map(|p| &p.glob);
            write_element(out, "resource", r.negated, r.any, globs)?;
            if !s.conditions.is_empty() {
                out.write_str("  conditions:\n")?;
                for c in &s.conditions {
                    let number = c.test.like_constants().map(|list| {
                        let next = like_lists.len();
                        *like_lists.entry(list).or_insert(next)
                    });
                    let mut line = String::new();
                    write_clause(&mut line, c, LikeShown::Numbered(number))?;
                    // A value with a line break continues on an indented line.
                    for part in line.lines() {
                        writeln!(out, "    {part}")?;
                    }
                }
            }
        }
        Ok(())
    }
}

/// One element line: `  action: * s3:get*` (`not-action:` when negated, `*` when it lists `*`).
fn write_element<T: fmt::Display>(
    out: &mut fmt::Formatter<'_>,
    name: &str,
    negated: bool,
    any: bool,
    patterns: impl Iterator<Item = T>,
) -> fmt::Result {
    let not = if negated { "not-" } else { "" };
    write!(out, "  {not}{name}:")?;
    if any {
        out.write_str(" *")?;
    }
    for p in patterns {
        write!(out, " {p}")?;
    }
    out.write_char('\n')
}
