//! The IAM validation pass: a JSON tree to an [`ast::Policy`], or every problem found
//! (spec sections 1, 2, 4 and 6). Walks are bounded by [`crate::lexer::MAX_DEPTH`].

use std::collections::HashMap;

use crate::ast::{
    self, ActionBlock, ActionPattern, BaseOperator, ConditionClause, ConditionKey, ConditionValue,
    Effect, Operator, PolicyType, PrincipalBlock, PrincipalEntry, PrincipalKind, Principals,
    ResourceBlock, ResourcePattern, Segment, SetQualifier, Spanned, Statement, ValueKind, Version,
};
use crate::diag::{suggest, Diagnostic, Severity};
use crate::json::{Json, Member, Node};
use crate::lexer::clip;
use crate::span::{SourceFile, Span};
use crate::template;

const TOP_LEVEL: [&str; 3] = ["Version", "Id", "Statement"];
const STATEMENT: [&str; 9] = [
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
];
const PRINCIPAL_TYPES: [&str; 4] = ["AWS", "Service", "Federated", "CanonicalUser"];

/// The validator's state: the diagnostics found so far.
pub struct Validator<'a> {
    src: &'a SourceFile,
    kind: PolicyType,
    version: Version,
    diags: Vec<Diagnostic>,
    /// Diagnostics past [`MAX_DIAGNOSTICS`], counted but not kept.
    dropped: usize,
    dropped_errors: usize,
    /// Errors found, kept or not.
    errors: usize,
}

/// The most diagnostics kept for one document; the rest are counted in a final error (a
/// megabyte of broken entries would otherwise render gigabytes).
pub const MAX_DIAGNOSTICS: usize = 100;

/// Identity, boundary, session and SCP policies: no `Principal`, `Resource` required.
fn identity_like(kind: PolicyType) -> bool {
    matches!(
        kind,
        PolicyType::Identity | PolicyType::Boundary | PolicyType::Session | PolicyType::Scp
    )
}

fn kind_name(kind: PolicyType) -> &'static str {
    match kind {
        PolicyType::Identity => "identity policies",
        PolicyType::Resource => "resource policies",
        PolicyType::Trust => "trust policies",
        PolicyType::Boundary => "permissions boundaries",
        PolicyType::Session => "session policies",
        PolicyType::Scp => "service control policies",
        PolicyType::Rcp => "resource control policies",
        PolicyType::Endpoint => "VPC endpoint policies",
    }
}

fn did_you_mean(word: &str, candidates: &[&str]) -> Option<String> {
    suggest(word, candidates)
        .filter(|c| *c != word)
        .map(|c| format!("did you mean `{c}`?"))
}

impl<'a> Validator<'a> {
    pub fn new(src: &'a SourceFile, kind: PolicyType) -> Validator<'a> {
        Validator {
            src,
            kind,
            version: Version::V2008_10_17,
            diags: Vec::new(),
            dropped: 0,
            dropped_errors: 0,
            errors: 0,
        }
    }

    /// Every diagnostic kept, plus one summing up those past [`MAX_DIAGNOSTICS`].
    pub fn into_diagnostics(mut self) -> Vec<Diagnostic> {
        if self.dropped > 0 {
            let last = self.diags.iter().map(|d| d.span().start).max().unwrap_or(0);
            let severity = if self.dropped_errors > 0 {
                Severity::Error
            } else {
                Severity::Warning
            };
            self.diags.push(Diagnostic::new(
                self.src,
                severity,
                Span::new(last, last),
                format!("{} more problems not shown", self.dropped),
                None,
            ));
        }
        self.diags
    }

    fn error(&mut self, span: Span, message: impl Into<String>) {
        self.push(Severity::Error, span, message.into(), None);
    }

    fn error_help(&mut self, span: Span, message: impl Into<String>, help: Option<String>) {
        self.push(Severity::Error, span, message.into(), help);
    }

    fn warning(&mut self, span: Span, message: impl Into<String>, help: Option<String>) {
        self.push(Severity::Warning, span, message.into(), help);
    }

    fn push(&mut self, severity: Severity, span: Span, message: String, help: Option<String>) {
        if severity == Severity::Error {
            self.errors += 1;
        }
        if self.diags.len() < MAX_DIAGNOSTICS {
            self.diags
                .push(Diagnostic::new(self.src, severity, span, message, help));
        } else {
            self.dropped += 1;
            if severity == Severity::Error {
                self.dropped_errors += 1;
            }
        }
    }

    /// Reports every repeated member name of every object in the tree. Iterative: no recursion.
    fn duplicate_keys(&mut self, root: &Node) {
        let mut stack = vec![root];
        while let Some(node) = stack.pop() {
            match &node.value {
                Json::Object(members) => {
                    let mut seen: HashMap<&str, ()> = HashMap::new();
                    for (i, m) in members.iter().enumerate() {
                        // Small objects (nearly all of them): compare with the earlier keys.
                        let repeated = if members.len() <= 16 {
                            members.iter().take(i).any(|e| e.key == m.key)
                        } else {
                            seen.insert(m.key.as_str(), ()).is_some()
                        };
                        if repeated {
                            self.error(m.key_span, format!("duplicate key `{}`", clip(&m.key)));
                        }
                        stack.push(&m.value);
                    }
                }
                Json::Array(items) => stack.extend(items.iter()),
                _ => {}
            }
        }
    }

    /// Validates the document; `None` when any error was found.
    pub fn policy(&mut self, root: &Node) -> Option<ast::Policy> {
        self.duplicate_keys(root);
        let Json::Object(members) = &root.value else {
            self.error(
                root.span,
                format!("a policy must be a JSON object, found {}", root.describe()),
            );
            return None;
        };
        let mut version_span = None;
        let mut id = None;
        let mut statement = None;
        for m in members {
            match m.key.as_str() {
                "Version" => {
                    version_span = Some(m.value.span);
                    match &m.value.value {
                        Json::String(s) if s == "2012-10-17" => self.version = Version::V2012_10_17,
                        Json::String(s) if s == "2008-10-17" => self.version = Version::V2008_10_17,
                        Json::String(s) => self.error_help(
                            m.value.span,
                            format!("invalid `Version` `{}`", clip(s)),
                            Some("the version is `2012-10-17` or `2008-10-17`".into()),
                        ),
                        _ => self.error(
                            m.value.span,
                            format!("`Version` must be a string, found {}", m.value.describe()),
                        ),
                    }
                }
                "Id" => match &m.value.value {
                    Json::String(s) => {
                        id = Some(Spanned {
                            node: s.clone(),
                            span: m.value.span,
                        })
                    }
                    _ => self.error(
                        m.value.span,
                        format!("`Id` must be a string, found {}", m.value.describe()),
                    ),
                },
                "Statement" => statement = Some(&m.value),
                _ => self.unknown_member(m, &TOP_LEVEL, "top-level element"),
            }
        }
        let mut statements = Vec::new();
        match statement {
            None => self.error(root.span, "the policy has no `Statement` element"),
            Some(node) => match &node.value {
                Json::Object(_) => statements.extend(self.statement(node, 0)),
                Json::Array(items) => {
                    for (index, item) in items.iter().enumerate() {
                        statements.extend(self.statement(item, index));
                    }
                }
                _ => self.error(
                    node.span,
                    format!(
                        "`Statement` must be an object or an array of objects, found {}",
                        node.describe()
                    ),
                ),
            },
        }
        self.sids(&statements);
        if self.errors > 0 {
            return None;
        }
        Some(ast::Policy {
            name: self.src.name().to_owned(),
            kind: self.kind,
            version: self.version,
            version_span,
            id,
            statements,
            span: root.span,
        })
    }

    fn unknown_member(&mut self, m: &Member, candidates: &[&str], what: &str) {
        self.error_help(
            m.key_span,
            format!("unknown {what} `{}`", clip(&m.key)),
            did_you_mean(&m.key, candidates),
        );
    }

    /// Sid rules of identity policies: `[A-Za-z0-9]` only, unique within the policy (no real
    /// policy of the corpus breaks either, so both are errors).
    fn sids(&mut self, statements: &[Statement]) {
        if self.kind != PolicyType::Identity {
            return;
        }
        let mut seen: HashMap<&str, ()> = HashMap::new();
        for sid in statements.iter().filter_map(|s| s.sid.as_ref()) {
            if !sid.node.chars().all(|c| c.is_ascii_alphanumeric()) {
                self.error_help(
                    sid.span,
                    format!(
                        "invalid `Sid` `{}`: only letters and digits are allowed",
                        clip(&sid.node)
                    ),
                    Some("IAM accepts only `A-Z`, `a-z` and `0-9` in the `Sid` of an identity policy".into()),
                );
            }
            if !sid.node.is_empty() && seen.insert(sid.node.as_str(), ()).is_some() {
                self.error_help(
                    sid.span,
                    format!("duplicate `Sid` `{}`", clip(&sid.node)),
                    Some("IAM requires the `Sid` values of a policy to be unique".into()),
                );
            }
        }
    }

    fn statement(&mut self, node: &Node, index: usize) -> Option<Statement> {
        let Json::Object(members) = &node.value else {
            self.error(
                node.span,
                format!("a statement must be an object, found {}", node.describe()),
            );
            return None;
        };
        let errors_before = self.error_count();
        let mut sid = None;
        let mut effect = None;
        let mut principal: Option<&Member> = None;
        let mut not_principal: Option<&Member> = None;
        let mut action: Option<&Member> = None;
        let mut not_action: Option<&Member> = None;
        let mut resource: Option<&Member> = None;
        let mut not_resource: Option<&Member> = None;
        let mut condition: Option<&Member> = None;
        for m in members {
            match m.key.as_str() {
                "Sid" => match &m.value.value {
                    Json::String(s) => {
                        sid = Some(Spanned {
                            node: s.clone(),
                            span: m.value.span,
                        })
                    }
                    _ => self.error(
                        m.value.span,
                        format!("`Sid` must be a string, found {}", m.value.describe()),
                    ),
                },
                "Effect" => effect = self.effect(&m.value),
                "Principal" => principal = Some(m),
                "NotPrincipal" => not_principal = Some(m),
                "Action" => action = Some(m),
                "NotAction" => not_action = Some(m),
                "Resource" => resource = Some(m),
                "NotResource" => not_resource = Some(m),
                "Condition" => condition = Some(m),
                _ => self.unknown_member(m, &STATEMENT, "statement element"),
            }
        }
        if effect.is_none() && !members.iter().any(|m| m.key == "Effect") {
            self.error(node.span, "the statement has no `Effect`");
        }

        // Principal / NotPrincipal.
        let principal_block = self.principal_element(node, principal, not_principal);

        // Action / NotAction.
        let action_block = match self.pick(node, action, not_action, "Action", "NotAction", true) {
            Some((m, negated)) => self.actions(m, negated),
            None => None,
        };

        // Resource / NotResource.
        let resource_block = if self.kind == PolicyType::Trust {
            for m in [resource, not_resource].into_iter().flatten() {
                self.error(
                    m.key_span,
                    format!("`{}` is not allowed in trust policies", m.key),
                );
            }
            None
        } else {
            match self.pick(
                node,
                resource,
                not_resource,
                "Resource",
                "NotResource",
                true,
            ) {
                Some((m, negated)) => self.resources(m, negated),
                None => None,
            }
        };

        let conditions = match condition {
            Some(m) => self.conditions(&m.value),
            None => Vec::new(),
        };

        if self.error_count() > errors_before {
            return None;
        }
        Some(Statement {
            index,
            sid,
            effect: effect?,
            principal: principal_block,
            action: action_block?,
            resource: resource_block,
            conditions,
            span: node.span,
        })
    }

    fn effect_is_allow(&self, stmt: &Node) -> bool {
        let Json::Object(members) = &stmt.value else {
            return false;
        };
        members
            .iter()
            .any(|m| m.key == "Effect" && matches!(&m.value.value, Json::String(e) if e == "Allow"))
    }

    fn error_count(&self) -> usize {
        self.errors
    }

    /// Picks the one of `X` / `NotX` present; reports both or neither (when `required`).
    fn pick<'m>(
        &mut self,
        stmt: &Node,
        plain: Option<&'m Member>,
        negated: Option<&'m Member>,
        name: &str,
        not_name: &str,
        required: bool,
    ) -> Option<(&'m Member, bool)> {
        match (plain, negated) {
            (Some(_), Some(n)) => {
                self.error(
                    n.key_span,
                    format!("a statement cannot have both `{name}` and `{not_name}`"),
                );
                None
            }
            (Some(p), None) => Some((p, false)),
            (None, Some(n)) => Some((n, true)),
            (None, None) => {
                if required {
                    self.error(
                        stmt.span,
                        format!("the statement has no `{name}` or `{not_name}`"),
                    );
                }
                None
            }
        }
    }

    fn effect(&mut self, v: &Node) -> Option<Spanned<Effect>> {
        let Json::String(s) = &v.value else {
            self.error(
                v.span,
                format!("`Effect` must be a string, found {}", v.describe()),
            );
            return None;
        };
        let node = match s.as_str() {
            "Allow" => Effect::Allow,
            "Deny" => Effect::Deny,
            _ => {
                self.error_help(
                    v.span,
                    format!("invalid `Effect` `{}`: it is `Allow` or `Deny`", clip(s)),
                    did_you_mean(s, &["Allow", "Deny"]),
                );
                return None;
            }
        };
        Some(Spanned { node, span: v.span })
    }

    /// A string or an array of strings (`what` names the element in messages). `None` after
    /// reporting a wrong type.
    fn strings<'n>(&mut self, v: &'n Node, what: &str) -> Option<Vec<(&'n str, Span)>> {
        match &v.value {
            Json::String(s) => Some(vec![(s.as_str(), v.span)]),
            Json::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                let mut ok = true;
                for item in items {
                    match &item.value {
                        Json::String(s) => out.push((s.as_str(), item.span)),
                        _ => {
                            self.error(
                                item.span,
                                format!(
                                    "the entries of `{what}` must be strings, found {}",
                                    item.describe()
                                ),
                            );
                            ok = false;
                        }
                    }
                }
                ok.then_some(out)
            }
            _ => {
                self.error(
                    v.span,
                    format!(
                        "`{what}` must be a string or an array of strings, found {}",
                        v.describe()
                    ),
                );
                None
            }
        }
    }

    /// Under `2012-10-17`, reports a policy variable where none is allowed.
    fn no_variables(&mut self, s: &str, span: Span, place: impl Fn() -> String) -> bool {
        if self.version == Version::V2012_10_17 && template::has_variable(s) {
            self.error(
                span,
                format!("policy variables are not allowed in {}", place()),
            );
            false
        } else {
            true
        }
    }

    fn actions(&mut self, m: &Member, negated: bool) -> Option<ActionBlock> {
        let entries = self.strings(&m.value, &m.key)?;
        if entries.is_empty() {
            self.error_help(
                m.value.span,
                format!("`{}` is an empty array", m.key),
                Some("a statement must name at least one action".into()),
            );
            return None;
        }
        let mut patterns = Vec::with_capacity(entries.len());
        let mut ok = true;
        for (s, span) in entries {
            match self.action(s, span, &m.key) {
                Some(node) => patterns.push(Spanned { node, span }),
                None => ok = false,
            }
        }
        ok.then_some(ActionBlock {
            negated,
            patterns,
            span: m.value.span,
        })
    }

    fn action(&mut self, s: &str, span: Span, element: &str) -> Option<ActionPattern> {
        if s == "*" {
            return Some(ActionPattern::Any);
        }
        if !self.no_variables(s, span, || format!("`{element}`")) {
            return None;
        }
        let Some((service, name)) = s.split_once(':') else {
            self.error_help(
                span,
                format!("invalid action `{}`", clip(s)),
                Some("an action is `*` or `service:action`, such as `ecs:RunTask`".into()),
            );
            return None;
        };
        if name.contains(':') {
            self.error(
                span,
                format!(
                    "invalid action `{}`: an action has exactly one colon",
                    clip(s)
                ),
            );
            return None;
        }
        if service.is_empty() {
            self.error(
                span,
                format!("invalid action `{}`: the service prefix is empty", clip(s)),
            );
            return None;
        }
        if service.contains(['*', '?']) {
            self.error(
                span,
                format!(
                    "invalid action `{}`: the service prefix cannot contain wildcards",
                    clip(s)
                ),
            );
            return None;
        }
        Some(ActionPattern::Service {
            service: service.to_owned(),
            name: name.to_owned(),
        })
    }

    fn resources(&mut self, m: &Member, negated: bool) -> Option<ResourceBlock> {
        let entries = self.strings(&m.value, &m.key)?;
        if entries.is_empty() {
            if identity_like(self.kind) {
                self.error_help(
                    m.value.span,
                    format!("`{}` is an empty array", m.key),
                    Some("a statement must name at least one resource".into()),
                );
                return None;
            }
            self.warning(
                m.value.span,
                format!("`{}` is an empty array: the statement has no effect", m.key),
                None,
            );
        }
        let mut patterns = Vec::with_capacity(entries.len());
        let mut ok = true;
        for (s, span) in entries {
            match self.resource(s, span, &m.key) {
                Some(node) => patterns.push(Spanned { node, span }),
                None => ok = false,
            }
        }
        ok.then_some(ResourceBlock {
            negated,
            patterns,
            span: m.value.span,
        })
    }

    fn resource(&mut self, s: &str, span: Span, element: &str) -> Option<ResourcePattern> {
        if s == "*" {
            return Some(ResourcePattern::Any);
        }
        if !s.starts_with("arn:") {
            self.error_help(
                span,
                format!("invalid resource `{}`", clip(s)),
                Some("a resource is `*` or an ARN starting with `arn:`".into()),
            );
            return None;
        }
        let template = if self.version == Version::V2012_10_17 {
            match template::parse(s) {
                Ok(t) => t,
                Err(msg) => {
                    self.error(span, msg);
                    return None;
                }
            }
        } else {
            template::literal(s)
        };
        // Variables only in the sixth field (after the fifth colon outside variables).
        let mut colons = 0usize;
        for seg in &template.segments {
            match seg {
                Segment::Text(t) => colons += t.matches(':').count(),
                Segment::Escaped(_) => {}
                Segment::Variable { .. } if colons < 5 => {
                    self.error_help(
                        span,
                        format!(
                            "policy variables are allowed only in the resource part of an ARN in `{element}`"
                        ),
                        Some("the resource part follows the fifth colon: `arn:partition:service:region:account:resource`".into()),
                    );
                    return None;
                }
                Segment::Variable { .. } => {}
            }
        }
        // Short ARNs (fewer than six fields) by policy type (spec 3.4, A5: the iam-simulate
        // table): SCPs only with a trailing `*`, RCPs never; elsewhere they are padded (and in
        // resource-based and endpoint policies one without `*` matches nothing).
        if s.matches(':').count() < 5 {
            if self.kind == PolicyType::Scp && !s.ends_with('*') {
                self.error_help(
                    span,
                    format!("short ARN `{}` in a service control policy", clip(s)),
                    Some("give all six fields, or end the ARN with `*`".into()),
                );
                return None;
            }
            if self.kind == PolicyType::Rcp {
                self.error_help(
                    span,
                    format!("short ARN `{}` in a resource control policy", clip(s)),
                    Some(
                        "give all six fields: `arn:partition:service:region:account:resource`"
                            .into(),
                    ),
                );
                return None;
            }
        }
        self.iam_arn_checks(s, span);
        Some(ResourcePattern::Arn {
            raw: s.to_owned(),
            template,
        })
    }

    /// IAM's own checks on `iam` ARNs (spec 1.2 rule 5, A7), as warnings: IAM resources have no
    /// region, and the resource-type token (`user`, `role`, ...) takes no wildcard.
    fn iam_arn_checks(&mut self, s: &str, span: Span) {
        let fields: Vec<&str> = s.splitn(6, ':').collect();
        let (Some(&"iam"), Some(region), Some(resource)) =
            (fields.get(2), fields.get(3), fields.get(5))
        else {
            return;
        };
        if !region.is_empty() {
            self.warning(
                span,
                format!("IAM resource `{}` has a region", clip(s)),
                Some(
                    "IAM is global: its ARNs look like `arn:aws:iam::111122223333:role/name`"
                        .into(),
                ),
            );
        }
        let token = resource.split('/').next().unwrap_or_default();
        if *resource != "*" && token.contains(['*', '?']) {
            self.warning(
                span,
                format!(
                    "IAM resource `{}` has a wildcard in its resource type `{}`",
                    clip(s),
                    clip(token)
                ),
                Some("IAM documents wildcards in the resource type (`user`, `role`, ...) as not allowed; such a pattern matches only by the literal text".into()),
            );
        }
    }

    fn principal_element(
        &mut self,
        stmt: &Node,
        principal: Option<&Member>,
        not_principal: Option<&Member>,
    ) -> Option<PrincipalBlock> {
        if identity_like(self.kind) {
            for m in [principal, not_principal].into_iter().flatten() {
                self.error(
                    m.key_span,
                    format!("`{}` is not allowed in {}", m.key, kind_name(self.kind)),
                );
            }
            return None;
        }
        if matches!(self.kind, PolicyType::Trust | PolicyType::Rcp) {
            if let Some(m) = not_principal {
                self.error(
                    m.key_span,
                    format!("`NotPrincipal` is not allowed in {}", kind_name(self.kind)),
                );
                return None;
            }
        }
        // VPC endpoint policies may leave the principal out: the statement then applies to
        // every caller.
        let (m, negated) = self.pick(
            stmt,
            principal,
            not_principal,
            "Principal",
            "NotPrincipal",
            self.kind != PolicyType::Endpoint,
        )?;
        if self.kind == PolicyType::Rcp && !matches!(&m.value.value, Json::String(s) if s == "*") {
            self.error(
                m.value.span,
                "`Principal` must be `\"*\"` in resource control policies",
            );
            return None;
        }
        if negated && self.effect_is_allow(stmt) {
            self.warning(
                m.key_span,
                "`NotPrincipal` with `Allow` is rejected by most services",
                Some("use `NotPrincipal` only with `Deny`".into()),
            );
        }
        let principals = self.principals(m)?;
        Some(PrincipalBlock {
            negated,
            principals,
            span: m.value.span,
        })
    }

    fn principals(&mut self, m: &Member) -> Option<Principals> {
        let v = &m.value;
        match &v.value {
            Json::String(s) if s == "*" => Some(Principals::Any),
            Json::Object(members) => {
                if members.is_empty() {
                    self.error(v.span, format!("`{}` is an empty object", m.key));
                    return None;
                }
                let mut entries = Vec::new();
                let mut ok = true;
                for pm in members {
                    let kind = match pm.key.as_str() {
                        "AWS" => PrincipalKind::Aws,
                        "Service" => PrincipalKind::Service,
                        "Federated" => PrincipalKind::Federated,
                        "CanonicalUser" => PrincipalKind::CanonicalUser,
                        _ => {
                            self.unknown_member(pm, &PRINCIPAL_TYPES, "principal type");
                            ok = false;
                            continue;
                        }
                    };
                    let Some(values) = self.strings(&pm.value, &pm.key) else {
                        ok = false;
                        continue;
                    };
                    if values.is_empty() {
                        self.error(pm.value.span, format!("`{}` is an empty array", pm.key));
                        ok = false;
                    }
                    for (s, span) in values {
                        if !self.principal_value(s, span, &m.key, kind) {
                            ok = false;
                            continue;
                        }
                        entries.push(PrincipalEntry {
                            kind,
                            value: Spanned {
                                node: s.to_owned(),
                                span,
                            },
                        });
                    }
                }
                ok.then_some(Principals::Map(entries))
            }
            Json::String(s) => {
                self.error_help(
                    v.span,
                    format!("invalid `{}` `{}`", m.key, clip(s)),
                    Some(format!(
                        "`{}` is `\"*\"` or an object such as `{{\"AWS\": \"arn:aws:iam::111122223333:root\"}}`",
                        m.key
                    )),
                );
                None
            }
            _ => {
                self.error(
                    v.span,
                    format!(
                        "`{}` must be `\"*\"` or an object, found {}",
                        m.key,
                        v.describe()
                    ),
                );
                None
            }
        }
    }

    fn principal_value(&mut self, s: &str, span: Span, element: &str, kind: PrincipalKind) -> bool {
        if s.is_empty() {
            self.error(span, format!("empty principal in `{element}`"));
            return false;
        }
        if !self.no_variables(s, span, || format!("`{element}`")) {
            return false;
        }
        let account = s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit());
        if kind == PrincipalKind::Aws && s != "*" && !account && !s.starts_with("arn:") {
            self.error_help(
                span,
                format!("invalid `AWS` principal `{}`", clip(s)),
                Some("an `AWS` principal is `*`, a 12-digit account id or an ARN".into()),
            );
            return false;
        }
        if s != "*" && s.contains(['*', '?']) {
            self.error_help(
                span,
                format!(
                    "invalid principal `{}`: partial wildcards are not allowed",
                    clip(s)
                ),
                Some("name the principal exactly, or use `\"*\"` for everyone".into()),
            );
            return false;
        }
        true
    }

    fn conditions(&mut self, v: &Node) -> Vec<ConditionClause> {
        let Json::Object(ops) = &v.value else {
            self.error(
                v.span,
                format!("`Condition` must be an object, found {}", v.describe()),
            );
            return Vec::new();
        };
        let mut clauses = Vec::with_capacity(ops.len());
        for om in ops {
            let operator = self.operator(om);
            let keys = self.condition_keys(om, operator.map(|o| o.base));
            if let (Some(op), Some(keys)) = (operator, keys) {
                clauses.push(ConditionClause {
                    operator: Spanned {
                        node: op,
                        span: om.key_span,
                    },
                    keys,
                });
            }
        }
        clauses
    }

    fn operator(&mut self, m: &Member) -> Option<Operator> {
        let s = m.key.as_str();
        let (qualifier, rest) = if let Some(r) = s.strip_prefix("ForAllValues:") {
            (Some(SetQualifier::ForAllValues), r)
        } else if let Some(r) = s.strip_prefix("ForAnyValue:") {
            (Some(SetQualifier::ForAnyValue), r)
        } else {
            (None, s)
        };
        if qualifier.is_some()
            && (rest.starts_with("ForAllValues:") || rest.starts_with("ForAnyValue:"))
        {
            self.error(
                m.key_span,
                format!(
                    "invalid condition operator `{}`: at most one `ForAllValues:` or `ForAnyValue:` prefix",
                    clip(s)
                ),
            );
            return None;
        }
        let (base_name, if_exists) = match rest.strip_suffix("IfExists") {
            Some(b) => (b, true),
            None => (rest, false),
        };
        let base = BaseOperator::ALL
            .iter()
            .copied()
            .find(|b| b.name() == base_name);
        match base {
            Some(BaseOperator::Null) if if_exists => {
                self.error(
                    m.key_span,
                    format!(
                        "invalid condition operator `{}`: `Null` takes no `IfExists`",
                        clip(s)
                    ),
                );
                None
            }
            Some(base) => Some(Operator {
                qualifier,
                base,
                if_exists,
            }),
            None => {
                self.error_help(
                    m.key_span,
                    format!("unknown condition operator `{}`", clip(s)),
                    operator_suggestion(s).map(|c| format!("did you mean `{c}`?")),
                );
                None
            }
        }
    }

    fn condition_keys(
        &mut self,
        m: &Member,
        base: Option<BaseOperator>,
    ) -> Option<Vec<ConditionKey>> {
        let Json::Object(members) = &m.value.value else {
            self.error(
                m.value.span,
                format!(
                    "the block of condition operator `{}` must be an object, found {}",
                    clip(&m.key),
                    m.value.describe()
                ),
            );
            return None;
        };
        let mut keys = Vec::with_capacity(members.len());
        let mut lower_seen: HashMap<String, &str> = HashMap::new();
        let mut ok = true;
        for km in members {
            let lower = km.key.to_lowercase();
            match lower_seen.get(&lower) {
                Some(first) if *first != km.key => {
                    self.error(
                        km.key_span,
                        format!(
                            "condition key `{}` repeats `{}` in another letter case",
                            clip(&km.key),
                            clip(first)
                        ),
                    );
                    ok = false;
                }
                Some(_) => {} // exact duplicate: reported by the duplicate-key pass
                None => {
                    lower_seen.insert(lower, km.key.as_str());
                }
            }
            if km.key.is_empty() {
                self.error(km.key_span, "empty condition key");
                ok = false;
            }
            if !self.no_variables(&km.key, km.key_span, || "condition keys".to_owned()) {
                ok = false;
            }
            let values = self.condition_values(&km.value, base);
            match values {
                Some(values) => keys.push(ConditionKey {
                    key: Spanned {
                        node: km.key.clone(),
                        span: km.key_span,
                    },
                    values,
                }),
                None => ok = false,
            }
        }
        ok.then_some(keys)
    }

    fn condition_values(
        &mut self,
        v: &Node,
        base: Option<BaseOperator>,
    ) -> Option<Vec<Spanned<ConditionValue>>> {
        match &v.value {
            Json::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                let mut ok = true;
                for item in items {
                    match self.condition_value(item, base, true) {
                        Some(value) => out.push(value),
                        None => ok = false,
                    }
                }
                ok.then_some(out)
            }
            _ => self
                .condition_value(v, base, false)
                .map(|value| vec![value]),
        }
    }

    fn condition_value(
        &mut self,
        v: &Node,
        base: Option<BaseOperator>,
        in_array: bool,
    ) -> Option<Spanned<ConditionValue>> {
        let (kind, text) = match &v.value {
            Json::String(s) => (ValueKind::String, s.clone()),
            Json::Number(n) => (ValueKind::Number, n.clone()),
            Json::Bool(b) => (ValueKind::Bool, b.to_string()),
            Json::Null => {
                self.error(v.span, "a condition value cannot be `null`");
                return None;
            }
            Json::Array(_) if in_array => {
                self.error(v.span, "condition values cannot be nested arrays");
                return None;
            }
            Json::Array(_) | Json::Object(_) => {
                self.error(
                    v.span,
                    format!(
                        "a condition value must be a string, number or boolean, found {}",
                        v.describe()
                    ),
                );
                return None;
            }
        };
        let base = base?;
        let template = if self.version == Version::V2012_10_17 && template::has_variable(&text) {
            if !base.admits_variables() {
                self.error(
                    v.span,
                    format!(
                        "policy variables are not allowed in the values of `{}`",
                        base.name()
                    ),
                );
                return None;
            }
            match template::parse(&text) {
                Ok(t) => t,
                Err(msg) => {
                    self.error(v.span, msg);
                    return None;
                }
            }
        } else {
            template::literal(&text)
        };
        Some(Spanned {
            node: ConditionValue {
                kind,
                text,
                template,
            },
            span: v.span,
        })
    }
}

/// The operator `s` was most likely meant to be, fixing the prefix, base name and `IfExists`
/// suffix separately.
fn operator_suggestion(s: &str) -> Option<String> {
    let (prefix, rest) = match s.split_once(':') {
        Some((p, r)) => (Some(suggest(p, &["ForAllValues", "ForAnyValue"])?), r),
        None => (None, s),
    };
    let lower = rest.to_ascii_lowercase();
    let (base_part, if_exists) = match lower.strip_suffix("ifexists") {
        Some(_) => (
            rest.get(..rest.len() - "ifexists".len()).unwrap_or(rest),
            true,
        ),
        None => (rest, false),
    };
    let names: Vec<&str> = BaseOperator::ALL.iter().map(|b| b.name()).collect();
    let base = suggest(base_part, &names).or_else(|| suggest(rest, &names))?;
    let if_exists = if_exists && suggest(base_part, &names).is_some() && base != "Null";
    let mut out = String::new();
    if let Some(p) = prefix {
        out.push_str(p);
        out.push(':');
    }
    out.push_str(base);
    if if_exists {
        out.push_str("IfExists");
    }
    (out != s).then_some(out)
}

#[cfg(test)]
mod tests {
    #![allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::indexing_slicing,
        clippy::panic
    )]
    use super::*;

    #[test]
    fn operator_suggestions() {
        assert_eq!(
            operator_suggestion("stringEquals").as_deref(),
            Some("StringEquals")
        );
        assert_eq!(
            operator_suggestion("StringLke").as_deref(),
            Some("StringLike")
        );
        assert_eq!(
            operator_suggestion("forallvalues:stringlikeifexists").as_deref(),
            Some("ForAllValues:StringLikeIfExists")
        );
        assert_eq!(operator_suggestion("Nul").as_deref(), Some("Null"));
        assert_eq!(operator_suggestion("Whatever"), None);
        let _ = ast::Template::default();
    }
}
