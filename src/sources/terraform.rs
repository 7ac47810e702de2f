//! Terraform plans (`terraform show -json PLAN`) and states (`terraform show -json`): the
//! policy attributes of IAM and resource-policy resources. A policy there is a JSON *string*
//! inside the plan's JSON; its text is the decoded string, mapped byte for byte to the string
//! literal in the plan (an escape sequence maps to its whole sequence).
//!
//! Read from `resource_changes[].change.after` when the plan has `resource_changes` (a
//! resource being deleted is skipped; `after_unknown` says which values are known only after
//! apply), else from `planned_values.root_module` (or a state's `values.root_module`) and its
//! `child_modules`. Data sources are skipped (an `aws_iam_policy_document` is attached to
//! nothing by itself).

use iamc_grammar::ast::PolicyType;
use iamc_grammar::json::{Json, Node};
use iamc_grammar::{Severity, Span};

use super::cfn::Note;
use super::doc::{Doc, Draft, Part, UnknownInfo};
use super::map;
use super::tree::{clip, Problem};

/// Resource types that carry a policy iamc does not read (a warning says so).
const UNREAD: &[&str] = &[
    "aws_ecr_repository_policy",
    "aws_secretsmanager_secret_policy",
    "aws_organizations_policy",
    "aws_s3_access_point",
    "aws_cloudwatch_log_resource_policy",
    "aws_cloudwatch_event_bus_policy",
    "aws_opensearch_domain_policy",
    "aws_elasticsearch_domain_policy",
    "aws_efs_file_system_policy",
    "aws_backup_vault_policy",
    "aws_api_gateway_rest_api_policy",
    "aws_glacier_vault_lock",
    "aws_vpc_endpoint_policy",
    "aws_iam_policy_attachment",
];

/// Whether `root` (a JSON object) is a Terraform plan or state.
pub(crate) fn is_plan(root: &Node) -> bool {
    get(root, "format_version").is_some()
        && [
            "planned_values",
            "resource_changes",
            "terraform_version",
            "values",
        ]
        .iter()
        .any(|k| get(root, k).is_some())
}

/// Every policy of the plan, in plan order, and notes about the plan itself.
pub(crate) fn extract(root: &Node, text: &str) -> (Vec<Draft>, Vec<Note>) {
    let mut cx = Cx {
        text,
        drafts: Vec::new(),
        notes: Vec::new(),
    };
    if let Some(changes) = get(root, "resource_changes") {
        for rc in items(changes) {
            let managed = get(rc, "mode").and_then(as_str) == Some("managed");
            let change = get(rc, "change");
            let deleted = change
                .and_then(|c| get(c, "actions"))
                .is_some_and(|a| items(a).iter().map(|x| as_str(x)).eq([Some("delete")]));
            let after = change.and_then(|c| get(c, "after"));
            if !managed || deleted {
                continue;
            }
            let Some(after) = after.filter(|a| matches!(a.value, Json::Object(_))) else {
                continue;
            };
            let unknown = change.and_then(|c| get(c, "after_unknown"));
            cx.resource(rc, after, unknown);
        }
        return (cx.drafts, cx.notes);
    }
    let module = get(root, "planned_values")
        .or_else(|| get(root, "values"))
        .and_then(|v| get(v, "root_module"));
    let mut stack: Vec<&Node> = module.into_iter().collect();
    // Modules are walked with an explicit stack, in document order.
    while let Some(m) = stack.pop() {
        for r in get(m, "resources").map(items).unwrap_or_default() {
            if get(r, "mode").and_then(as_str) != Some("managed") {
                continue;
            }
            if let Some(values) = get(r, "values") {
                cx.resource(r, values, None);
            }
        }
        let children = get(m, "child_modules").map(items).unwrap_or_default();
        stack.extend(children.iter().rev());
    }
    (cx.drafts, cx.notes)
}

struct Cx<'a> {
    text: &'a str,
    drafts: Vec<Draft>,
    notes: Vec<Note>,
}

impl Cx<'_> {
    fn resource(&mut self, r: &Node, values: &Node, unknown: Option<&Node>) {
        let ty = get(r, "type").and_then(as_str).unwrap_or("");
        let address = get(r, "address").and_then(as_str).unwrap_or("?").to_owned();
        let attr = |name: &'static str, kind: PolicyType| (name, kind);
        let (single, inline) = match ty {
            "aws_iam_policy"
            | "aws_iam_role_policy"
            | "aws_iam_user_policy"
            | "aws_iam_group_policy" => (Some(attr("policy", PolicyType::Identity)), false),
            "aws_iam_role" => (Some(attr("assume_role_policy", PolicyType::Trust)), true),
            "aws_s3_bucket_policy" | "aws_sqs_queue_policy" | "aws_sns_topic_policy" => {
                (Some(attr("policy", PolicyType::Resource)), false)
            }
            "aws_kms_key" => {
                // Optional: without one AWS sets its default key policy.
                self.attribute(
                    &address,
                    values,
                    unknown,
                    "policy",
                    PolicyType::Resource,
                    false,
                );
                return;
            }
            _ => {
                if UNREAD.contains(&ty) {
                    let at = get(r, "address").map_or(r.span, |a| a.span);
                    self.notes.push((
                        Severity::Warning,
                        Problem::new(
                            at,
                            format!("the policy of `{}` (`{ty}`) is not read", clip(&address)),
                        ),
                    ));
                }
                return;
            }
        };
        if let Some((name, kind)) = single {
            // In `planned_values` a value known only after apply is absent: a required policy
            // that is absent counts as unknown.
            self.attribute(&address, values, unknown, name, kind, true);
        }
        if inline {
            self.inline(&address, values, unknown);
        }
    }

    /// The policy in attribute `name`. A value known only after apply, or a required one that
    /// is absent, is a policy unknown as a whole.
    fn attribute(
        &mut self,
        address: &str,
        values: &Node,
        unknown: Option<&Node>,
        name: &str,
        kind: PolicyType,
        required: bool,
    ) {
        let policy_name = format!("{address}.{name}");
        let flag = unknown.and_then(|u| get(u, name)).filter(|f| is_true(f));
        let value = get(values, name);
        match (flag, value.map(|v| &v.value)) {
            (Some(f), _) => self.unknown_policy(policy_name, kind, f.span, name),
            (None, Some(Json::String(_))) => {
                if let Some(v) = value {
                    self.known(policy_name, kind, v);
                }
            }
            (None, None | Some(Json::Null)) if required => {
                let at = value.map_or(values.span, |v| v.span);
                self.unknown_policy(policy_name, kind, at, name);
            }
            (None, None | Some(Json::Null)) => {}
            (None, Some(_)) => {
                let at = value.map_or(values.span, |v| v.span);
                self.notes.push((
                    Severity::Error,
                    Problem::new(
                        at,
                        format!("`{}` must be a string holding a policy", clip(&policy_name)),
                    ),
                ));
            }
        }
    }

    /// `inline_policy` blocks of an `aws_iam_role`. An empty block (`inline_policy {}`, which
    /// removes the role's inline policies) has an empty `policy` and is skipped.
    fn inline(&mut self, address: &str, values: &Node, unknown: Option<&Node>) {
        let flag = unknown.and_then(|u| get(u, "inline_policy"));
        if let Some(f) = flag.filter(|f| is_true(f)) {
            self.unknown_policy(
                format!("{address}.inline_policy"),
                PolicyType::Identity,
                f.span,
                "inline_policy",
            );
            return;
        }
        let flags = flag.map(items).unwrap_or_default();
        for (i, block) in get(values, "inline_policy")
            .map(items)
            .unwrap_or_default()
            .iter()
            .enumerate()
        {
            let name = format!("{address}.inline_policy[{i}]");
            let block_flag = flags
                .get(i)
                .and_then(|f| get(f, "policy"))
                .filter(|f| is_true(f));
            match (block_flag, get(block, "policy")) {
                (Some(f), _) => self.unknown_policy(name, PolicyType::Identity, f.span, "policy"),
                (
                    None,
                    Some(
                        p @ Node {
                            value: Json::String(s),
                            ..
                        },
                    ),
                ) if !s.is_empty() => {
                    self.known(name, PolicyType::Identity, p);
                }
                _ => {}
            }
        }
    }

    fn known(&mut self, name: String, kind: PolicyType, literal: &Node) {
        let m = map::json_string(self.text, literal.span);
        self.drafts.push(Draft {
            name,
            kind,
            doc: Doc::Text(vec![Part::Known(m)]),
            span: literal.span,
        });
    }

    fn unknown_policy(&mut self, name: String, kind: PolicyType, at: Span, attr: &str) {
        let info = UnknownInfo::warning(
            at,
            format!(
                "`{}` is known only after apply, so the policy is unknown",
                clip(&name)
            ),
        )
        .help(format!(
            "the plan has no value for `{attr}` yet; read the plan again once it is known, or the state after apply"
        ));
        self.drafts.push(Draft {
            name,
            kind,
            doc: Doc::Text(vec![Part::Unknown(info)]),
            span: at,
        });
    }
}

/// The first member `key` of an object.
fn get<'a>(node: &'a Node, key: &str) -> Option<&'a Node> {
    match &node.value {
        Json::Object(members) => members.iter().find(|m| m.key == key).map(|m| &m.value),
        _ => None,
    }
}

fn items(node: &Node) -> &[Node] {
    match &node.value {
        Json::Array(items) => items,
        _ => &[],
    }
}

fn as_str(node: &Node) -> Option<&str> {
    match &node.value {
        Json::String(s) => Some(s),
        _ => None,
    }
}

fn is_true(node: &Node) -> bool {
    node.value == Json::Bool(true)
}
