//! CloudFormation templates: the policy documents of IAM and resource-policy resources, with
//! the intrinsic functions in them resolved where the result is literal.
//!
//! Resolved: `Ref` to a parameter (the user's value, else its `Default`) or to a pseudo
//! parameter the user gave a value (`AWS::AccountId`, ...); `Ref: AWS::NoValue` (the entry is
//! dropped, as CloudFormation does); `Fn::Sub` (both forms; `${!Literal}` escapes) and
//! `Fn::Join` (of a literal list) over those. Everything else is an unknown part of its string
//! (`Fn::GetAtt`, `Ref` to a resource, `Fn::If`, `Fn::ImportValue`, `Fn::Select`, list
//! parameters, SSM parameter types, `{{resolve:...}}` dynamic references, ...), reported at its
//! place, never dropped.

use std::collections::{BTreeMap, HashMap, HashSet};

use iamc_grammar::ast::PolicyType;
use iamc_grammar::{Severity, Span};

use super::doc::{Doc, Draft, Part, RValue, UnknownInfo};
use super::map::Mapped;
use super::tree::{clip, Node, Problem, Value};

/// A diagnostic about the template itself (not about a policy's text).
pub(crate) type Note = (Severity, Problem);

/// Where each resource type keeps its policies.
enum Shape {
    /// One document property.
    Document(&'static str, PolicyType, Required),
    /// A role: its trust policy and inline policies.
    Role,
    /// A user or group: inline policies.
    Inline,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Required {
    Yes,
    No,
}

fn shape(resource_type: &str) -> Option<Shape> {
    use PolicyType::{Identity, Resource};
    Some(match resource_type {
        "AWS::IAM::Policy"
        | "AWS::IAM::ManagedPolicy"
        | "AWS::IAM::RolePolicy"
        | "AWS::IAM::UserPolicy"
        | "AWS::IAM::GroupPolicy" => Shape::Document("PolicyDocument", Identity, Required::Yes),
        "AWS::IAM::Role" => Shape::Role,
        "AWS::IAM::User" | "AWS::IAM::Group" => Shape::Inline,
        "AWS::S3::BucketPolicy" | "AWS::SQS::QueuePolicy" | "AWS::SNS::TopicPolicy" => {
            Shape::Document("PolicyDocument", Resource, Required::Yes)
        }
        "AWS::KMS::Key" => Shape::Document("KeyPolicy", Resource, Required::No),
        _ => return None,
    })
}

/// Resource types that carry a policy iamc does not read (a warning says so).
const UNREAD: &[&str] = &[
    "AWS::Serverless::Function",
    "AWS::Serverless::StateMachine",
    "AWS::Serverless::Connector",
    "AWS::KMS::ReplicaKey",
    "AWS::SecretsManager::ResourcePolicy",
    "AWS::ECR::Repository",
    "AWS::ECR::RegistryPolicy",
    "AWS::Organizations::Policy",
    "AWS::Organizations::ResourcePolicy",
    "AWS::S3::AccessPoint",
    "AWS::S3::MultiRegionAccessPointPolicy",
    "AWS::S3Express::BucketPolicy",
    "AWS::S3Outposts::BucketPolicy",
    "AWS::Logs::ResourcePolicy",
    "AWS::Events::EventBusPolicy",
    "AWS::EFS::FileSystem",
    "AWS::OpenSearchService::Domain",
    "AWS::Elasticsearch::Domain",
    "AWS::ApiGateway::RestApi",
    "AWS::Backup::BackupVault",
    "AWS::Lambda::Permission",
    "AWS::IAM::InstanceProfile",
    "AWS::EC2::VPCEndpoint",
    "AWS::Glue::ResourcePolicy",
    "AWS::CodeArtifact::Domain",
    "AWS::CodeArtifact::Repository",
];

/// Pseudo parameters with a single value (given by the user, never guessed).
const PSEUDO: &[&str] = &[
    "AWS::AccountId",
    "AWS::Partition",
    "AWS::Region",
    "AWS::StackId",
    "AWS::StackName",
    "AWS::URLSuffix",
];

/// Every policy of the template `root` (a mapping with `Resources`), in template order, and
/// the notes about the template itself.
pub(crate) fn extract(
    root: &Node,
    text: &str,
    user: &BTreeMap<String, String>,
) -> (Vec<Draft>, Vec<Note>) {
    let mut cx = Cx {
        text,
        user,
        params: HashMap::new(),
        resources: HashSet::new(),
        drafts: Vec::new(),
        notes: Vec::new(),
    };
    if let Some(t) = root.get("Transform") {
        cx.warn(
            Problem::new(
                t.span,
                "the template declares a `Transform`: the resources it would create are not read",
            )
            .help("run the transform first (`sam build`, or the processed template of a change set) to read them"),
        );
    }
    if let Some(Node {
        value: Value::Map(params),
        ..
    }) = root.get("Parameters")
    {
        for p in params {
            cx.params.insert(p.key.as_str(), &p.value);
        }
    }
    let Some(resources) = root.get("Resources") else {
        cx.error(Problem::new(
            Span::new(root.span.start, root.span.start),
            "the template has no `Resources` section",
        ));
        return (cx.drafts, cx.notes);
    };
    let Value::Map(entries) = &resources.value else {
        cx.error(Problem::new(
            resources.span,
            format!(
                "`Resources` must be a mapping, found {}",
                resources.describe()
            ),
        ));
        return (cx.drafts, cx.notes);
    };
    cx.resources = entries.iter().map(|e| e.key.as_str()).collect();
    for e in entries {
        cx.resource(&e.key, e.key_span, &e.value);
    }
    (cx.drafts, cx.notes)
}

struct Cx<'a> {
    text: &'a str,
    user: &'a BTreeMap<String, String>,
    params: HashMap<&'a str, &'a Node>,
    resources: HashSet<&'a str>,
    drafts: Vec<Draft>,
    notes: Vec<Note>,
}

/// What a `Ref` (or a `${Name}` of `Fn::Sub`) stands for.
enum Reference {
    /// `AWS::NoValue`: the entry is removed.
    NoValue,
    Parts(Vec<Part>),
}

impl<'a> Cx<'a> {
    fn warn(&mut self, p: Problem) {
        self.notes.push((Severity::Warning, p));
    }

    fn error(&mut self, p: Problem) {
        self.notes.push((Severity::Error, p));
    }

    fn resource(&mut self, id: &str, id_span: Span, node: &'a Node) {
        let Value::Map(_) = &node.value else {
            self.error(Problem::new(
                node.span,
                format!(
                    "resource `{}` must be a mapping, found {}",
                    clip(id),
                    node.describe()
                ),
            ));
            return;
        };
        let Some(ty) = node.get("Type") else {
            self.error(Problem::new(
                id_span,
                format!("resource `{}` has no `Type`", clip(id)),
            ));
            return;
        };
        let Some(ty) = ty.as_str() else {
            self.error(Problem::new(
                ty.span,
                format!("the `Type` of resource `{}` must be a string", clip(id)),
            ));
            return;
        };
        let Some(shape) = shape(ty) else {
            if UNREAD.contains(&ty) {
                self.warn(Problem::new(
                    id_span,
                    format!(
                        "the policies of resource `{}` (`{ty}`) are not read",
                        clip(id)
                    ),
                ));
            }
            return;
        };
        if let Some(cond) = node.get("Condition") {
            let name = cond.as_str().unwrap_or("?");
            self.warn(Problem::new(
                cond.span,
                format!(
                    "resource `{}` exists only when the condition `{}` holds; its policies are read as if it does",
                    clip(id),
                    clip(name)
                ),
            ));
        }
        let props = match node.get("Properties") {
            None => None,
            Some(
                p @ Node {
                    value: Value::Map(_),
                    ..
                },
            ) => Some(p),
            Some(p) => {
                self.error(Problem::new(
                    p.span,
                    format!(
                        "the `Properties` of resource `{}` must be a mapping, found {}",
                        clip(id),
                        p.describe()
                    ),
                ));
                return;
            }
        };
        match shape {
            Shape::Document(prop, kind, required) => {
                self.document(id, id_span, props, prop, kind, required);
            }
            Shape::Role => {
                self.document(
                    id,
                    id_span,
                    props,
                    "AssumeRolePolicyDocument",
                    PolicyType::Trust,
                    Required::Yes,
                );
                self.inline(id, props);
            }
            Shape::Inline => self.inline(id, props),
        }
    }

    /// The document in property `prop`.
    fn document(
        &mut self,
        id: &str,
        id_span: Span,
        props: Option<&'a Node>,
        prop: &str,
        kind: PolicyType,
        required: Required,
    ) {
        match props.and_then(|p| p.get(prop)) {
            Some(doc) => self.draft(format!("{id}.{prop}"), kind, doc),
            None if required == Required::Yes => self.error(Problem::new(
                id_span,
                format!("resource `{}` has no `{prop}`", clip(id)),
            )),
            None => {}
        }
    }

    /// The inline policies of a role, user or group (`Policies[].PolicyDocument`).
    fn inline(&mut self, id: &str, props: Option<&'a Node>) {
        let Some(list) = props.and_then(|p| p.get("Policies")) else {
            return;
        };
        let items = match &list.value {
            Value::Seq(items) => items,
            Value::Map(_) if intrinsic(list).is_some() => {
                // The whole list is computed (`!If [...]`): one unknown policy stands for it.
                if self.is_no_value(list) {
                    return;
                }
                self.draft(format!("{id}.Policies"), PolicyType::Identity, list);
                return;
            }
            _ => {
                self.error(Problem::new(
                    list.span,
                    format!(
                        "the `Policies` of resource `{}` must be a list, found {}",
                        clip(id),
                        list.describe()
                    ),
                ));
                return;
            }
        };
        for (i, item) in items.iter().enumerate() {
            let name = format!("{id}.Policies[{i}]");
            if self.is_no_value(item) {
                continue;
            }
            if intrinsic(item).is_some() {
                self.draft(name, PolicyType::Identity, item);
                continue;
            }
            match item.get("PolicyDocument") {
                Some(doc) => self.draft(name, PolicyType::Identity, doc),
                None => self.error(Problem::new(
                    item.span,
                    format!("`{}` has no `PolicyDocument`", clip(&name)),
                )),
            }
        }
    }

    fn is_no_value(&self, node: &Node) -> bool {
        matches!(intrinsic(node), Some(("Ref", arg)) if arg.as_str() == Some("AWS::NoValue"))
    }

    fn draft(&mut self, name: String, kind: PolicyType, node: &'a Node) {
        let Some(v) = self.value(node) else {
            return; // `Ref: AWS::NoValue`: no document.
        };
        let doc = match v {
            RValue::Str(parts, _) => Doc::Text(parts),
            other => Doc::Value(other),
        };
        self.drafts.push(Draft {
            name,
            kind,
            doc,
            span: node.span,
        });
    }

    // ---- values (`None`: `AWS::NoValue`, the entry disappears) ----

    // INVARIANT (tree-depth): the recursion follows the template tree, at most `MAX_DEPTH`
    // deep; `Fn::Sub` variables and `Fn::Join` parts are nodes of the same tree.
    fn value(&mut self, node: &'a Node) -> Option<RValue> {
        let span = node.span;
        Some(match &node.value {
            Value::Null => RValue::Null(span),
            Value::Bool(b) => RValue::Bool(*b, span),
            Value::Number(..) => RValue::Number(node.scalar_mapped(self.text)?, span),
            Value::Str(..) => RValue::Str(self.scalar(node), span),
            Value::Seq(items) => {
                RValue::Seq(items.iter().filter_map(|n| self.value(n)).collect(), span)
            }
            Value::Map(entries) => {
                if let Some((name, arg)) = intrinsic(node) {
                    return self.intrinsic_value(name, arg, node);
                }
                if let Some(e) = entries.iter().find(|e| is_function_key(&e.key)) {
                    let info = UnknownInfo::warning(
                        e.key_span,
                        format!(
                            "`{}` beside other keys is not resolved by iamc: the value is unknown",
                            clip(&e.key)
                        ),
                    );
                    return Some(RValue::Str(vec![Part::Unknown(info)], span));
                }
                RValue::Map(
                    entries
                        .iter()
                        .filter_map(|e| {
                            let v = self.value(&e.value)?;
                            Some((e.key_mapped(self.text), e.key_span, v))
                        })
                        .collect(),
                    span,
                )
            }
        })
    }

    fn intrinsic_value(&mut self, name: &str, arg: &'a Node, node: &'a Node) -> Option<RValue> {
        let span = node.span;
        let parts = match name {
            "Ref" => match self.reference(arg, node.span) {
                Reference::NoValue => return None,
                Reference::Parts(p) => p,
            },
            "Fn::Sub" => self.sub(arg, node),
            "Fn::Join" => self.join(arg, node),
            _ => vec![Part::Unknown(unknown_function(name, arg, node))],
        };
        Some(RValue::Str(parts, span))
    }

    /// A string scalar (a dynamic reference `{{resolve:...}}` in it makes it unknown).
    fn scalar(&self, node: &Node) -> Vec<Part> {
        if node.as_str().is_some_and(|s| s.contains("{{resolve:")) {
            return vec![Part::Unknown(UnknownInfo::warning(
                node.span,
                "a dynamic reference `{{resolve:...}}` is read only at deployment: the value is unknown",
            ))];
        }
        match node.scalar_mapped(self.text) {
            Some(m) => vec![Part::Known(m)],
            None => Vec::new(),
        }
    }

    /// A node where a string is expected (a `Fn::Sub` variable, a `Fn::Join` part).
    fn string(&mut self, node: &'a Node) -> Vec<Part> {
        match &node.value {
            Value::Str(..) | Value::Number(..) | Value::Bool(_) => self.scalar(node),
            Value::Map(_) => match intrinsic(node) {
                Some(("Ref", arg)) => match self.reference(arg, node.span) {
                    Reference::Parts(p) => p,
                    Reference::NoValue => vec![Part::Unknown(UnknownInfo::error(
                        node.span,
                        "`AWS::NoValue` where a string is expected",
                    ))],
                },
                Some(("Fn::Sub", arg)) => self.sub(arg, node),
                Some(("Fn::Join", arg)) => self.join(arg, node),
                Some((name, arg)) => vec![Part::Unknown(unknown_function(name, arg, node))],
                None => vec![Part::Unknown(not_a_string(node))],
            },
            Value::Null | Value::Seq(_) => vec![Part::Unknown(not_a_string(node))],
        }
    }

    /// `Ref: name`, or `${name}` of `Fn::Sub` (then `at` is the `${name}` text).
    fn reference(&mut self, arg: &Node, at: Span) -> Reference {
        let Some(name) = arg.as_str() else {
            return Reference::Parts(vec![Part::Unknown(UnknownInfo::error(
                arg.span,
                "`Ref` takes the name of a parameter or resource",
            ))]);
        };
        self.reference_to(name, at, false)
    }

    fn reference_to(&mut self, name: &str, at: Span, in_sub: bool) -> Reference {
        let unknown = |info: UnknownInfo| Reference::Parts(vec![Part::Unknown(info)]);
        let known = |value: &str| {
            let mut m = Mapped::new();
            m.push(value, at, false);
            Reference::Parts(vec![Part::Known(m)])
        };
        let what = if in_sub {
            format!("`${{{}}}`", clip(name))
        } else {
            format!("`Ref` to `{}`", clip(name))
        };
        if name == "AWS::NoValue" {
            return Reference::NoValue;
        }
        if PSEUDO.contains(&name) {
            return match self.user.get(name) {
                Some(v) => known(v),
                None => unknown(
                    UnknownInfo::warning(
                        at,
                        format!("{what}: the pseudo parameter has no value here, so the value is unknown"),
                    )
                    .help(format!("give it one with `--param {name}=VALUE`")),
                ),
            };
        }
        if name == "AWS::NotificationARNs" {
            return unknown(UnknownInfo::warning(
                at,
                format!("{what}: the pseudo parameter is a list known only at deployment, so the value is unknown"),
            ));
        }
        if let Some(decl) = self.params.get(name).copied() {
            return self.parameter(name, decl, at, &what);
        }
        if self.resources.contains(name) {
            return unknown(UnknownInfo::warning(
                at,
                format!("{what}: a resource's id is known only once the stack is deployed, so the value is unknown"),
            ));
        }
        let info = UnknownInfo::error(
            at,
            format!("{what}, which is neither a parameter nor a resource of the template"),
        );
        unknown(if in_sub && name.contains(':') {
            info.help(format!(
                "to write the IAM policy variable `${{{0}}}` inside `Fn::Sub`, write `${{!{0}}}`",
                clip(name)
            ))
        } else {
            info
        })
    }

    fn parameter(&mut self, name: &str, decl: &Node, at: Span, what: &str) -> Reference {
        let unknown = |info: UnknownInfo| Reference::Parts(vec![Part::Unknown(info)]);
        let ty = decl.get("Type").and_then(Node::as_str).unwrap_or("String");
        let is_list = ty == "CommaDelimitedList"
            || ty.starts_with("List<")
            || ty.contains("<List<")
            || ty.contains("<CommaDelimitedList>");
        if is_list {
            return unknown(UnknownInfo::warning(
                at,
                format!("{what}: a list parameter (`{}`) is not expanded by iamc, so the value is unknown", clip(ty)),
            ));
        }
        let given = |value: &str| {
            let mut m = Mapped::new();
            m.push(value, at, false);
            Reference::Parts(vec![Part::Known(m)])
        };
        if let Some(v) = self.user.get(name) {
            return given(v);
        }
        if ty.starts_with("AWS::SSM::Parameter::Value<") {
            return unknown(
                UnknownInfo::warning(
                    at,
                    format!("{what}: the parameter is read from SSM Parameter Store at deployment, so the value is unknown"),
                )
                .help(format!("give its value with `--param {}=VALUE`", clip(name))),
            );
        }
        let default = decl.get("Default").and_then(|d| match &d.value {
            Value::Str(s, _) | Value::Number(s, _) => Some(s.clone()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        });
        match default {
            Some(d) => given(&d),
            None => unknown(
                UnknownInfo::warning(
                    at,
                    format!("{what}: the parameter has no `Default`, so the value is unknown"),
                )
                .help(format!(
                    "give it a value with `--param {}=VALUE`",
                    clip(name)
                )),
            ),
        }
    }

    /// `Fn::Sub: "text"` or `Fn::Sub: ["text", {Var: value}]`.
    fn sub(&mut self, arg: &'a Node, node: &'a Node) -> Vec<Part> {
        let (template, vars): (&Node, Option<&'a Node>) = match &arg.value {
            Value::Str(..) => (arg, None),
            Value::Seq(items) => match items.as_slice() {
                [t @ Node {
                    value: Value::Str(..),
                    ..
                }, v @ Node {
                    value: Value::Map(_),
                    ..
                }] => (t, Some(v)),
                [t @ Node {
                    value: Value::Str(..),
                    ..
                }] => (t, None),
                _ => return vec![Part::Unknown(malformed("Fn::Sub", node))],
            },
            _ => return vec![Part::Unknown(malformed("Fn::Sub", node))],
        };
        let scalar = self.scalar(template);
        let Some(Part::Known(m)) = scalar.first() else {
            return scalar;
        };
        let m = m.clone();
        let s = m.text.as_str();
        let mut parts = Vec::new();
        let mut literal_from = 0;
        let mut i = 0;
        while let Some(k) = s.get(i..).and_then(|r| r.find("${")) {
            let open = i + k;
            if s.get(open + 2..open + 3) == Some("!") {
                // `${!Literal}` is the text `${Literal}`.
                push_known(&mut parts, m.slice(literal_from, open + 2));
                literal_from = open + 3;
                i = open + 3;
                continue;
            }
            let Some(close) = s
                .get(open + 2..)
                .and_then(|r| r.find('}'))
                .map(|c| open + 2 + c)
            else {
                break;
            };
            push_known(&mut parts, m.slice(literal_from, open));
            let name = s.get(open + 2..close).unwrap_or("");
            let at = m.src_range(open, close + 1).unwrap_or(template.span);
            let var = vars.and_then(|v| v.get(name));
            if let Some(var) = var {
                parts.extend(self.string(var));
            } else if name.contains('.') {
                parts.push(Part::Unknown(UnknownInfo::warning(
                    at,
                    format!(
                        "`${{{}}}` (`Fn::GetAtt`) is known only once the stack is deployed, so the value is unknown",
                        clip(name)
                    ),
                )));
            } else {
                match self.reference_to(name, at, true) {
                    Reference::Parts(p) => parts.extend(p),
                    Reference::NoValue => parts.push(Part::Unknown(UnknownInfo::error(
                        at,
                        "`AWS::NoValue` where a string is expected",
                    ))),
                }
            }
            literal_from = close + 1;
            i = close + 1;
        }
        push_known(&mut parts, m.slice(literal_from, s.len()));
        parts
    }

    /// `Fn::Join: [delimiter, [part, ...]]`.
    fn join(&mut self, arg: &'a Node, node: &'a Node) -> Vec<Part> {
        let Value::Seq(items) = &arg.value else {
            return vec![Part::Unknown(malformed("Fn::Join", node))];
        };
        let [delim, list] = items.as_slice() else {
            return vec![Part::Unknown(malformed("Fn::Join", node))];
        };
        let Some(delim) = (match delim.value {
            Value::Str(..) => delim.scalar_mapped(self.text),
            _ => None,
        }) else {
            return vec![Part::Unknown(malformed("Fn::Join", node))];
        };
        let elements = match &list.value {
            Value::Seq(elements) => elements,
            Value::Map(_) if intrinsic(list).is_some() => return self.string(list),
            _ => return vec![Part::Unknown(malformed("Fn::Join", node))],
        };
        let mut parts = Vec::new();
        for (i, e) in elements.iter().enumerate() {
            if i > 0 {
                push_known(&mut parts, delim.clone());
            }
            parts.extend(self.string(e));
        }
        parts
    }
}

/// A non-empty known piece, merged into a known piece before it.
fn push_known(parts: &mut Vec<Part>, m: Mapped) {
    if m.text.is_empty() {
        return;
    }
    if let Some(Part::Known(last)) = parts.last_mut() {
        last.append(&m);
    } else {
        parts.push(Part::Known(m));
    }
}

/// `Some((name, argument))` when `node` is an intrinsic function call: a mapping of one key,
/// `Ref` or `Fn::...`.
fn intrinsic(node: &Node) -> Option<(&str, &Node)> {
    match &node.value {
        Value::Map(entries) => match entries.as_slice() {
            [e] if is_function_key(&e.key) => Some((e.key.as_str(), &e.value)),
            _ => None,
        },
        _ => None,
    }
}

fn is_function_key(key: &str) -> bool {
    key == "Ref" || key.starts_with("Fn::")
}

/// The unknown value of a function iamc does not resolve.
fn unknown_function(name: &str, arg: &Node, node: &Node) -> UnknownInfo {
    let detail = match name {
        "Fn::GetAtt" => {
            let target = match &arg.value {
                Value::Str(s, _) => s.clone(),
                Value::Seq(items) => items
                    .iter()
                    .map(|i| i.as_str().unwrap_or("?"))
                    .collect::<Vec<_>>()
                    .join("."),
                _ => "?".to_owned(),
            };
            format!(
                "`Fn::GetAtt` `{}` is known only once the stack is deployed",
                clip(&target)
            )
        }
        "Fn::If" => {
            let cond = match &arg.value {
                Value::Seq(items) => items.first().and_then(Node::as_str).unwrap_or("?"),
                _ => "?",
            };
            format!(
                "`Fn::If` depends on the condition `{}`, which iamc does not evaluate",
                clip(cond)
            )
        }
        "Fn::ImportValue" => {
            "`Fn::ImportValue` reads another stack's export at deployment".to_owned()
        }
        other => format!("`{}` is not resolved by iamc", clip(other)),
    };
    UnknownInfo::warning(node.span, format!("{detail}, so the value is unknown"))
}

fn malformed(name: &str, node: &Node) -> UnknownInfo {
    let shape = match name {
        "Fn::Sub" => "a string, or a list of a string and a mapping of variables",
        _ => "a delimiter and a list of strings",
    };
    UnknownInfo::error(node.span, format!("malformed `{name}`: it takes {shape}"))
}

fn not_a_string(node: &Node) -> UnknownInfo {
    UnknownInfo::error(
        node.span,
        format!("a string is expected here, found {}", node.describe()),
    )
}
