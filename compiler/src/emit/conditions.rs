//! Condition clauses in the runtime's stored form (`iamc_format::cond`).
//!
//! String and bool constants become sorted, deduplicated sets (the runtime binary-searches
//! them); a `Like` clause's constants become the index of their DFA, or, when the automata pass
//! could not build one, templates the runtime globs; templates keep document order; any
//! [`Operand::Invalid`] becomes the clause's `static_error` flag.

use iamc_format::cond;
use iamc_format::template::Template;
use iamc_format::value::Cidr;

use crate::ir::condition::{constants, templates, Clause, Operand, Qualifier, Test};
use crate::ir::Glob;

/// The runtime's form of a statement's clauses (`None` when there are none); `dfa(i)` is the
/// condition DFA of clause `i`.
pub(super) fn emit_conditions(
    clauses: &[Clause],
    dfa: impl Fn(usize) -> Option<u32>,
) -> Option<cond::Conditions> {
    if clauses.is_empty() {
        return None;
    }
    let clauses = clauses
        .iter()
        .enumerate()
        .map(|(i, c)| emit_clause(c, dfa(i)))
        .collect();
    Some(cond::Conditions { clauses })
}

fn emit_clause(c: &Clause, dfa: Option<u32>) -> cond::Clause {
    let quantifier = match c.qualifier {
        None => cond::Quantifier::Plain {
            if_exists: c.if_exists,
        },
        Some(Qualifier::ForAllValues) => cond::Quantifier::ForAllValues,
        Some(Qualifier::ForAnyValue) => cond::Quantifier::ForAnyValue,
    };
    let compare = |matcher| cond::Test::Compare {
        negated: c.negated,
        // INVARIANT (values-complete): an invalid value is still there to flag the clause.
        static_error: c.test.has_invalid(),
        matcher,
    };
    let test = match &c.test {
        Test::Null {
            if_absent,
            if_present,
        } => cond::Test::Null {
            if_absent: *if_absent,
            if_present: *if_present,
        },
        Test::Equals {
            ignore_case,
            values,
        } => {
            let mut exact: Vec<String> = constants(values).cloned().collect();
            exact.sort_unstable();
            exact.dedup();
            compare(cond::Matcher::Equals {
                fold: *ignore_case,
                exact,
                templates: runtime_templates(values),
            })
        }
        Test::Like { arn, values } => {
            let mut templates = runtime_templates(values);
            if dfa.is_none() {
                // No DFA (too large to build): the runtime globs the constants too.
                if let Some(list) = c.test.like_constants() {
                    templates.extend(list.into_iter().map(runtime_template));
                }
            }
            compare(cond::Matcher::Like {
                arn: *arn,
                dfa,
                templates,
            })
        }
        Test::Numeric { order, values } => compare(cond::Matcher::Numeric {
            op: *order,
            values: constants(values).cloned().collect(),
        }),
        Test::Date { order, values } => compare(cond::Matcher::Date {
            op: *order,
            values: constants(values).copied().collect(),
        }),
        Test::Bool { values } => {
            let mut bools: Vec<bool> = constants(values).copied().collect();
            bools.sort_unstable();
            bools.dedup();
            compare(cond::Matcher::Bool {
                values: bools,
                templates: runtime_templates(values),
            })
        }
        Test::Binary { values } => compare(cond::Matcher::Binary {
            values: constants(values).cloned().collect(),
        }),
        Test::Ip { values } => {
            let (mut v4, mut v6) = (Vec::new(), Vec::new());
            for c in constants(values) {
                match c {
                    Cidr::V4(c) => v4.push(*c),
                    Cidr::V6(c) => v6.push(*c),
                }
            }
            compare(cond::Matcher::Ip { v4, v6 })
        }
    };
    // INVARIANT (lowercase-keys): the runtime looks keys up ignoring case; it stores the key as
    // written (as artifacts always have).
    cond::Clause {
        key: c.written.clone(),
        quantifier,
        test,
    }
}

fn runtime_templates<T>(values: &[Operand<T>]) -> Vec<Template> {
    templates(values).map(runtime_template).collect()
}

/// A condition value as the format's template: every wildcard may match `:` (the runtime
/// decides an `Arn...` value's field rule after substitution).
fn runtime_template(g: &Glob) -> Template {
    super::template(g, false)
}
