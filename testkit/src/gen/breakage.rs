//! Invalid variants: a generated policy broken in one of the ways spec sections 1, 2 and 5 (or
//! JSON) forbid, which every IAM validator must reject.

use super::model::*;
use super::policy::policy;
use super::render::{render_policy, statement_json};
use super::Settings;
use crate::json::json_string;
use crate::tape::Tape;

/// One way of breaking a valid policy, each a rule of spec sections 1, 2 and 5 (or JSON).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Breakage {
    /// `"Effect": "allow"`: effect values are case-sensitive (spec 1.2).
    LowercaseEffect,
    /// `"Effect": "Permit"`.
    UnknownEffect,
    /// `*:Get`, `e*s:Get`: wildcard in the service prefix (spec 1.2 rule 10).
    WildcardService,
    /// `ecs:a:b`: more than one colon (spec 1.2 rule 10).
    TwoColons,
    /// `""` or `ecs`: an action that is neither `*` nor `service:pattern`.
    ActionWithoutColon,
    /// `foo`, `""`: a resource that is neither `*` nor an ARN (spec 1.2 rule 4).
    ResourceNotArn,
    /// `"Resource": []` in an identity policy (spec 1.2 rule 2).
    EmptyResource,
    /// No `Effect`.
    MissingEffect,
    /// No `Action`/`NotAction`.
    MissingAction,
    /// No `Resource`/`NotResource` in an identity policy.
    MissingResource,
    /// `Action` and `NotAction` together (spec 1.2 rule 1).
    ActionAndNotAction,
    /// `Resource` and `NotResource` together.
    ResourceAndNotResource,
    /// `Principal` in an identity policy (prohibited).
    Principal,
    /// `stringEquals`: operator names are case-sensitive (spec 1.2 rule 6).
    LowercaseOperator,
    /// `StringEqual`: unknown operator.
    UnknownOperator,
    /// `NullIfExists` (spec 1.2 rule 7).
    NullIfExists,
    /// `ForAllValues:ForAnyValue:StringEquals`: at most one qualifier and one colon.
    TwoQualifiers,
    /// The same key twice in one operator block in different case (spec 1.2 rule 9).
    DuplicateKeyCase,
    /// `null`, `{}` or a nested array as a condition value (spec 1.2 rule 8).
    BadConditionValue,
    /// `"Version": "2011-01-01"` (spec 1.1 rule 5).
    BadVersion,
    /// `statement` instead of `Statement` (spec 1.1 rule 1).
    LowercaseStatement,
    /// An unknown top-level member.
    UnknownTopLevel,
    /// No `Statement`.
    MissingStatement,
    /// `"Effect"` twice in one statement (spec 1.1 rule 4).
    DuplicateMember,
    /// The text cut before its closing brace: not JSON.
    Truncated,
    /// A trailing comma inside an array: not JSON (RFC 8259).
    TrailingComma,
}

pub const BREAKAGES: [Breakage; 26] = [
    Breakage::LowercaseEffect,
    Breakage::UnknownEffect,
    Breakage::WildcardService,
    Breakage::TwoColons,
    Breakage::ActionWithoutColon,
    Breakage::ResourceNotArn,
    Breakage::EmptyResource,
    Breakage::MissingEffect,
    Breakage::MissingAction,
    Breakage::MissingResource,
    Breakage::ActionAndNotAction,
    Breakage::ResourceAndNotResource,
    Breakage::Principal,
    Breakage::LowercaseOperator,
    Breakage::UnknownOperator,
    Breakage::NullIfExists,
    Breakage::TwoQualifiers,
    Breakage::DuplicateKeyCase,
    Breakage::BadConditionValue,
    Breakage::BadVersion,
    Breakage::LowercaseStatement,
    Breakage::UnknownTopLevel,
    Breakage::MissingStatement,
    Breakage::DuplicateMember,
    Breakage::Truncated,
    Breakage::TrailingComma,
];

/// A policy text that every IAM validator must reject, with the breakage applied.
#[derive(Debug, Clone)]
pub struct InvalidCase {
    pub breakage: Breakage,
    pub text: String,
}

impl InvalidCase {
    /// A generated policy broken one way.
    pub fn generate(t: &mut Tape<'_>, s: &Settings) -> InvalidCase {
        let p = policy(t, s);
        let breakage = *t.pick(&BREAKAGES).unwrap_or(&Breakage::Truncated);
        let n = t.bits32();
        InvalidCase {
            breakage,
            text: break_policy(p, breakage, n),
        }
    }
}

/// Renders the policy with statement 0 replaced by a member list edited by `edit`.
fn with_statement0_members(p: &GenPolicy, edit: impl FnOnce(&mut Vec<String>)) -> String {
    let mut p = p.clone();
    p.single_object = false;
    let text0 = statement_json(&p.statements[0]);
    // statement_json renders `{m1, m2, ...}` with members separated by ", " at top level and
    // no nested ", \"Effect|Action|...\"" sequences, so re-splitting on known member starts is
    // safe: rebuild from the model instead of parsing text.
    let mut members = statement_members(&p.statements[0]);
    edit(&mut members);
    let edited = format!("{{{}}}", members.join(", "));
    render_policy(&p).replacen(&text0, &edited, 1)
}

fn statement_members(st: &GenStatement) -> Vec<String> {
    let text = statement_json(st);
    // Split the top-level members of `{...}` on commas at depth 0 outside strings.
    let inner = &text[1..text.len() - 1];
    let mut out = Vec::new();
    let (mut depth, mut in_str, mut esc, mut start) = (0i32, false, false, 0usize);
    for (i, c) in inner.char_indices() {
        if in_str {
            if esc {
                esc = false;
            } else if c == '\\' {
                esc = true;
            } else if c == '"' {
                in_str = false;
            }
            continue;
        }
        match c {
            '"' => in_str = true,
            '{' | '[' => depth += 1,
            '}' | ']' => depth -= 1,
            ',' if depth == 0 => {
                out.push(inner[start..i].trim().to_owned());
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(inner[start..].trim().to_owned());
    out
}

fn member_index(members: &[String], names: &[&str]) -> usize {
    members
        .iter()
        .position(|m| names.iter().any(|n| m.starts_with(&format!("\"{n}\""))))
        .unwrap()
}

pub fn break_policy(mut p: GenPolicy, b: Breakage, n: u32) -> String {
    let st0 = p.statements[0].clone();
    match b {
        Breakage::LowercaseEffect | Breakage::UnknownEffect => with_statement0_members(&p, |m| {
            let i = member_index(m, &["Effect"]);
            m[i] = if b == Breakage::UnknownEffect {
                "\"Effect\": \"Permit\"".to_owned()
            } else if st0.deny {
                "\"Effect\": \"deny\"".to_owned()
            } else {
                "\"Effect\": \"allow\"".to_owned()
            };
        }),
        Breakage::WildcardService | Breakage::TwoColons | Breakage::ActionWithoutColon => {
            let bad = match (b, n % 3) {
                (Breakage::WildcardService, 0) => "*:Get",
                (Breakage::WildcardService, 1) => "e*s:Get",
                (Breakage::WildcardService, _) => "ec?:*",
                (Breakage::TwoColons, 0) => "ecs:a:b",
                (Breakage::TwoColons, _) => "ecs::*",
                (_, 0) => "",
                (_, 1) => "ecs",
                _ => "Get*",
            };
            p.statements[0].actions.push(GenAction::Svc {
                service: String::new(),
                name: vec![Frag::Lit(bad.to_owned())],
            });
            // The empty service renders `:bad`; replace that entry's text exactly.
            render_policy(&p).replacen(&json_string(&format!(":{bad}")), &json_string(bad), 1)
        }
        Breakage::ResourceNotArn => {
            let bad = ["foo", "", "ARN:aws:s3:::b", " *", "arn"][(n % 5) as usize];
            p.statements[0].resources.push(GenResource::Arn {
                fields: vec![vec![Frag::Lit("@@marker@@".to_owned())]],
            });
            render_policy(&p).replacen(&json_string("arn:@@marker@@"), &json_string(bad), 1)
        }
        Breakage::EmptyResource => with_statement0_members(&p, |m| {
            let i = member_index(m, &["Resource", "NotResource"]);
            m[i] = "\"Resource\": []".to_owned();
        }),
        Breakage::MissingEffect | Breakage::MissingAction | Breakage::MissingResource => {
            with_statement0_members(&p, |m| {
                let names: &[&str] = match b {
                    Breakage::MissingEffect => &["Effect"],
                    Breakage::MissingAction => &["Action", "NotAction"],
                    _ => &["Resource", "NotResource"],
                };
                let i = member_index(m, names);
                m.remove(i);
            })
        }
        Breakage::ActionAndNotAction => with_statement0_members(&p, |m| {
            m.push(if st0.not_action {
                "\"Action\": \"ecs:RunTask\"".to_owned()
            } else {
                "\"NotAction\": \"ecs:RunTask\"".to_owned()
            });
        }),
        Breakage::ResourceAndNotResource => with_statement0_members(&p, |m| {
            m.push(if st0.not_resource {
                "\"Resource\": \"*\"".to_owned()
            } else {
                "\"NotResource\": \"*\"".to_owned()
            });
        }),
        Breakage::Principal => with_statement0_members(&p, |m| {
            m.push(if n.is_multiple_of(2) {
                "\"Principal\": \"*\"".to_owned()
            } else {
                "\"NotPrincipal\": {\"AWS\": \"123456789012\"}".to_owned()
            });
        }),
        Breakage::LowercaseOperator
        | Breakage::UnknownOperator
        | Breakage::NullIfExists
        | Breakage::TwoQualifiers => {
            let op = match b {
                Breakage::LowercaseOperator => "stringEquals",
                Breakage::UnknownOperator => {
                    ["StringEqual", "StringLikeIgnoreCase", ""][(n % 3) as usize]
                }
                Breakage::NullIfExists => "NullIfExists",
                _ => [
                    "ForAllValues:ForAnyValue:StringEquals",
                    "ForAnyValue:StringEquals:IfExists",
                ][(n % 2) as usize],
            };
            with_statement0_members(&p, |m| {
                let clause = format!("{}: {{\"ctx:a\": \"a\"}}", json_string(op));
                match m.iter().position(|x| x.starts_with("\"Condition\"")) {
                    Some(i) => {
                        let c = &m[i];
                        let body = &c[c.find('{').unwrap() + 1..c.len() - 1];
                        m[i] = if body.trim().is_empty() {
                            format!("\"Condition\": {{{clause}}}")
                        } else {
                            format!("\"Condition\": {{{body}, {clause}}}")
                        };
                    }
                    None => m.push(format!("\"Condition\": {{{clause}}}")),
                }
            })
        }
        Breakage::DuplicateKeyCase | Breakage::BadConditionValue => {
            let keys = match b {
                Breakage::DuplicateKeyCase => "\"ctx:Key\": \"a\", \"CTX:KEY\": \"b\"".to_owned(),
                _ => format!(
                    "\"ctx:a\": {}",
                    ["null", "{}", "[[\"a\"]]", "[null]", "{\"x\": \"y\"}"][(n % 5) as usize]
                ),
            };
            with_statement0_members(&p, |m| {
                m.retain(|x| !x.starts_with("\"Condition\""));
                m.push(format!("\"Condition\": {{\"StringEquals\": {{{keys}}}}}"));
            })
        }
        Breakage::BadVersion => {
            p.version = GenVersion::Absent;
            let bad = ["2011-01-01", "2012-10-18", "", "2012-10-17 "][(n % 4) as usize];
            let text = render_policy(&p);
            format!(
                "{{\"Version\": {}, {}",
                json_string(bad),
                &text.trim_start()[1..]
            )
        }
        Breakage::LowercaseStatement => {
            render_policy(&p).replacen("\"Statement\"", "\"statement\"", 1)
        }
        Breakage::UnknownTopLevel => {
            let text = render_policy(&p);
            format!("{{\"Extra\": 1, {}", &text.trim_start()[1..])
        }
        Breakage::MissingStatement => {
            p.id = Some("only-an-id".to_owned());
            let text = render_policy(&p);
            let start = text.find("\"Statement\"").unwrap();
            // Everything from `, "Statement"` (the last member) to the closing brace goes.
            let cut = text[..start].rfind(',').unwrap();
            format!("{}}}", &text[..cut])
        }
        Breakage::DuplicateMember => with_statement0_members(&p, |m| {
            let i = member_index(m, &["Effect"]);
            let e = m[i].clone();
            m.push(e);
        }),
        Breakage::Truncated => {
            let text = render_policy(&p);
            let end = text.rfind('}').unwrap();
            let mut cut = (n as usize) % end.max(1);
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            text[..cut].to_owned()
        }
        Breakage::TrailingComma => with_statement0_members(&p, |m| {
            let i = member_index(m, &["Action", "NotAction"]);
            let v = &m[i];
            let name = &v[..v.find(':').unwrap()];
            m[i] = format!("{name}: [\"ecs:RunTask\",]");
        }),
    }
}
