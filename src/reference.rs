//! The reference interpreter: decides a request by walking the policy AST directly.
//!
//! Deliberately simple and slow: globs are a dynamic program over characters, conditions are
//! linear scans, numbers are compared as digit strings, dates are parsed by hand. It shares no
//! code with the compiler (never import `iamc_compiler`): it is the oracle the compiled engine is
//! tested against. Every rule implements a point of DESIGN.md "Semantics both engines
//! implement", which resolves the open choices of the semantics spec; the spec section is named
//! on each function.
//!
//! The policies are a typed set (`iamc_grammar::PolicySet`): identity-based policies, resource
//! and trust policies, permissions boundary, session policy, SCP and RCP levels, endpoint
//! policies. Each statement is decided alone (`statement_applies`, plus the `Principal` block
//! for resource-like policies, `principal_grant`), then `decide` applies spec 7.3 to what
//! each type said.

use iamc_grammar::ast;
use iamc_runtime::diagnosis::{Diagnosis, FailedCondition, NearMiss, Span};
use iamc_runtime::{
    Context, Decision, Effect, Explanation, MatchedStatement, PolicyType, Reason, Request, Value,
};

mod conditions;
mod glob;

use glob::Tok;

/// A typed policy set, decided by walking its ASTs.
#[derive(Debug, Clone, Default)]
pub struct PolicySet {
    set: iamc_grammar::PolicySet,
}

impl PolicySet {
    /// Policies sorted into slots by their kind (identity policies for what was parsed with
    /// `PolicyType::Identity`); SCPs form one level, RCPs one level.
    pub fn new(policies: Vec<ast::Policy>) -> PolicySet {
        PolicySet::from_set(iamc_grammar::PolicySet::from_policies(policies))
    }

    /// A typed set as given. A set whose policies sit in the wrong slots (see
    /// `iamc_grammar::PolicySet::check`) denies every request.
    pub fn from_set(set: iamc_grammar::PolicySet) -> PolicySet {
        PolicySet { set }
    }

    pub fn set(&self) -> &iamc_grammar::PolicySet {
        &self.set
    }

    /// The decision with every applying statement (types in listing order, policies in the
    /// order given, statements by index) and the reason (spec 7.3).
    pub fn explain(&self, req: &Request) -> Explanation {
        if self.set.check().is_err() {
            return Explanation {
                decision: Decision::ImplicitDeny,
                statements: Vec::new(),
                reason: Reason::Inconsistent,
            };
        }
        let who = Who::of(req.principal.as_deref());
        let mut said = Said::default();
        let mut statements = Vec::new();
        for group in self.set.groups() {
            let ty = group.kind;
            match ty {
                PolicyType::Boundary => said.boundary = Some(false),
                PolicyType::Session => said.session = Some(false),
                PolicyType::Endpoint => said.endpoint = Some(false),
                PolicyType::Trust => said.trust = true,
                PolicyType::Scp => said.scp.push(false),
                // An RCP level always allows (A21): nothing to record but its Denies.
                PolicyType::Identity | PolicyType::Resource | PolicyType::Rcp => {}
            }
            // SCPs bind principals of member accounts only: not anonymous or service callers.
            if ty == PolicyType::Scp && matches!(who, Who::Anonymous | Who::Service(_)) {
                continue;
            }
            for policy in group.policies {
                for stmt in &policy.statements {
                    let grant = match &stmt.principal {
                        None => Grant::Direct,
                        Some(block) => {
                            principal_grant(block, &who, stmt.effect.node == ast::Effect::Deny)
                        }
                    };
                    if grant == Grant::None || !statement_applies(policy, stmt, req) {
                        continue;
                    }
                    let effect = stmt.effect.node;
                    if effect == Effect::Deny {
                        said.denied.push(ty);
                    } else {
                        said.allowed(ty, grant);
                    }
                    statements.push(MatchedStatement {
                        policy_type: ty,
                        level: group.level,
                        policy: policy.name.clone(),
                        index: u32::try_from(stmt.index).unwrap_or(u32::MAX),
                        sid: stmt.sid.as_ref().map(|s| s.node.clone()),
                        effect,
                    });
                }
            }
        }
        let (decision, reason) = decide(&said, &who, req);
        Explanation {
            decision,
            statements,
            reason,
        }
    }

    /// The decision explained in detail (`iamc_runtime::Diagnosis`): the explanation, the
    /// place of each applying statement, the statements whose principal, action and resource
    /// match but some condition does not (each failed clause as written, with the request's
    /// value and why it fails), and the context keys the set references that the request does
    /// not carry (AWS's `MissingContextValues`: every statement, whatever its action).
    pub fn diagnose(&self, req: &Request) -> Diagnosis {
        let explanation = self.explain(req);
        let missing_context_values = missing_context_values(&self.set, req);
        if explanation.reason == Reason::Inconsistent {
            return Diagnosis {
                explanation,
                statement_spans: Vec::new(),
                near_misses: Vec::new(),
                missing_context_values,
            };
        }
        let who = Who::of(req.principal.as_deref());
        let mut spans = Vec::new();
        let mut near_misses = Vec::new();
        for group in self.set.groups() {
            let ty = group.kind;
            for policy in group.policies {
                for stmt in &policy.statements {
                    let at = to_span(stmt.span);
                    let index = u32::try_from(stmt.index).unwrap_or(u32::MAX);
                    let statement = MatchedStatement {
                        policy_type: ty,
                        level: group.level,
                        policy: policy.name.clone(),
                        index,
                        sid: stmt.sid.as_ref().map(|s| s.node.clone()),
                        effect: stmt.effect.node,
                    };
                    if explanation.statements.contains(&statement) {
                        spans.push((statement, at));
                        continue;
                    }
                    if ty == PolicyType::Scp && matches!(who, Who::Anonymous | Who::Service(_)) {
                        continue;
                    }
                    if let Some(block) = &stmt.principal {
                        let deny = stmt.effect.node == ast::Effect::Deny;
                        if principal_grant(block, &who, deny) == Grant::None {
                            continue;
                        }
                    }
                    if !action_ok(&stmt.action, &req.action)
                        || !stmt
                            .resource
                            .as_ref()
                            .is_none_or(|b| resource_ok(policy.kind, policy.version, b, req))
                    {
                        continue;
                    }
                    let failed: Vec<FailedCondition> = stmt
                        .conditions
                        .iter()
                        .flat_map(|clause| {
                            clause.keys.iter().filter_map(|key| {
                                let op = clause.operator.node;
                                let failure =
                                    conditions::key_failure(policy.version, op, key, &req.context)?;
                                Some(FailedCondition {
                                    operator: op.to_string(),
                                    key: key.key.node.clone(),
                                    span: to_span(key.key.span),
                                    values: key
                                        .values
                                        .iter()
                                        .map(|v| v.node.text.clone())
                                        .collect(),
                                    request: req.context.get(&key.key.node).cloned(),
                                    failure,
                                })
                            })
                        })
                        .collect();
                    if !failed.is_empty() {
                        near_misses.push(NearMiss {
                            statement,
                            span: at,
                            failed,
                        });
                    }
                }
            }
        }
        let statement_spans = explanation
            .statements
            .iter()
            .map(|m| {
                spans
                    .iter()
                    .find(|(s, _)| s == m)
                    .map(|&(_, at)| at)
                    .unwrap_or_default()
            })
            .collect();
        Diagnosis {
            explanation,
            statement_spans,
            near_misses,
            missing_context_values,
        }
    }

    /// The decision alone.
    pub fn authorize(&self, req: &Request) -> Decision {
        self.explain(req).decision
    }
}

fn to_span(s: iamc_grammar::Span) -> Span {
    let at = |x: usize| u32::try_from(x).unwrap_or(u32::MAX);
    Span {
        start: at(s.start),
        end: at(s.end),
    }
}

/// The context keys the set's statements reference (DESIGN.md "Explanations": variables of
/// `Resource`/`NotResource`, then per clause its key and the variables of its values where the
/// operator substitutes them) that the request does not carry: each once (ASCII case ignored),
/// as first written, in listing order.
fn missing_context_values(set: &iamc_grammar::PolicySet, req: &Request) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut add = |k: &str| {
        if req.context.get(k).is_none() && !out.iter().any(|seen| seen.eq_ignore_ascii_case(k)) {
            out.push(k.to_owned());
        }
    };
    let variables = |t: &ast::Template| -> Vec<String> {
        t.segments
            .iter()
            .filter_map(|s| match s {
                ast::Segment::Variable { key, .. } => Some(key.clone()),
                _ => None,
            })
            .collect()
    };
    for group in set.groups() {
        for policy in group.policies {
            for stmt in &policy.statements {
                for p in stmt.resource.iter().flat_map(|b| &b.patterns) {
                    if let ast::ResourcePattern::Arn { template, .. } = &p.node {
                        variables(template).iter().for_each(|k| add(k));
                    }
                }
                for clause in &stmt.conditions {
                    for key in &clause.keys {
                        add(&key.key.node);
                        if clause.operator.node.base.admits_variables() {
                            for v in &key.values {
                                variables(&v.node.template).iter().for_each(|k| add(k));
                            }
                        }
                    }
                }
            }
        }
    }
    out
}

/// What the statements of each type said about the request.
#[derive(Debug, Default)]
struct Said {
    /// Types with an applying Deny.
    denied: Vec<PolicyType>,
    identity: bool,
    /// Resource-policy grants: naming the caller (or everyone), its session's role, its account.
    direct: bool,
    via_role: bool,
    via_account: bool,
    trust: bool,
    boundary: Option<bool>,
    session: Option<bool>,
    endpoint: Option<bool>,
    /// One entry per SCP level: whether it has an applying Allow.
    scp: Vec<bool>,
}

impl Said {
    fn allowed(&mut self, ty: PolicyType, grant: Grant) {
        match ty {
            PolicyType::Identity => self.identity = true,
            PolicyType::Resource | PolicyType::Trust => match grant {
                Grant::Direct => self.direct = true,
                Grant::ViaRole => self.via_role = true,
                Grant::ViaAccount => self.via_account = true,
                Grant::None => {}
            },
            PolicyType::Boundary => self.boundary = Some(true),
            PolicyType::Session => self.session = Some(true),
            PolicyType::Endpoint => self.endpoint = Some(true),
            PolicyType::Scp => {
                if let Some(last) = self.scp.last_mut() {
                    *last = true;
                }
            }
            PolicyType::Rcp => {}
        }
    }
}

/// Spec 7.3 over what the types said (DESIGN.md "Whole decision").
fn decide(said: &Said, who: &Who, req: &Request) -> (Decision, Reason) {
    let implicit = |r| (Decision::ImplicitDeny, r);
    if let Some(&t) = said.denied.iter().min() {
        return (Decision::ExplicitDeny, Reason::ExplicitDeny(t));
    }
    // RCP levels never deny by lack of an Allow: each holds RCPFullAWSAccess, which cannot be
    // detached (spec 7.3 step 2, A21); only their Deny statements act.
    if !matches!(who, Who::Anonymous | Who::Service(_)) {
        if let Some(level) = said.scp.iter().position(|&allowed| !allowed) {
            return implicit(Reason::NoAllowAtLevel(PolicyType::Scp, level as u32));
        }
    }
    if said.endpoint == Some(false) {
        return implicit(Reason::NoAllow(PolicyType::Endpoint));
    }
    let boundary_ok = said.boundary.unwrap_or(true);
    let session_ok = said
        .session
        .unwrap_or(!matches!(who, Who::Federated { .. }));
    // Trust policies hold only `sts:` actions: for those the resource side is the trust policy.
    let resource_type = if said.trust && req.action.to_ascii_lowercase().starts_with("sts:") {
        PolicyType::Trust
    } else {
        PolicyType::Resource
    };
    let identity = said.identity || matches!(who, Who::Root { .. });
    let identity_path = identity && boundary_ok && session_ok;
    let capped = || {
        if !boundary_ok {
            Reason::NoAllow(PolicyType::Boundary)
        } else if said.session.is_some() {
            Reason::NoAllow(PolicyType::Session)
        } else {
            Reason::FederatedWithoutSessionPolicy
        }
    };
    let any_grant = said.direct || said.via_role || said.via_account;
    // Spec 7.3 rule 3: KMS key policies, and the resource policy of a role being assumed (its
    // trust policy), must grant even in the same account.
    // Every role has a trust policy and every key a key policy: without one in the set,
    // nothing grants such a request.
    let action = req.action.to_ascii_lowercase();
    let key = action.starts_with("kms:")
        && Arn::parse(&req.resource)
            .is_some_and(|a| a.service == "kms" && a.resource.starts_with("key/"));
    let must_grant = key || action.starts_with("sts:assumerole");
    if !who.same_account(req) {
        if matches!(who, Who::Anonymous | Who::Service(_)) {
            return if any_grant {
                (Decision::Allow, Reason::AllowedBy(resource_type))
            } else {
                implicit(Reason::NoAllow(resource_type))
            };
        }
        if !any_grant {
            return implicit(Reason::NoAllow(resource_type));
        }
        if !identity {
            return implicit(Reason::NoAllow(PolicyType::Identity));
        }
        if !identity_path {
            return implicit(capped());
        }
        return (Decision::Allow, Reason::AllowedByBoth(resource_type));
    }
    if said.direct {
        return (Decision::Allow, Reason::AllowedBy(resource_type));
    }
    if !must_grant {
        if identity_path {
            return (Decision::Allow, Reason::AllowedBy(PolicyType::Identity));
        }
        if said.via_role && boundary_ok && session_ok {
            return (Decision::Allow, Reason::AllowedBy(resource_type));
        }
        if identity || said.via_role {
            return implicit(capped());
        }
        return implicit(Reason::NoGrant);
    }
    if said.via_role && boundary_ok && session_ok {
        return (Decision::Allow, Reason::AllowedBy(resource_type));
    }
    if said.via_account && identity_path {
        return (Decision::Allow, Reason::AllowedByBoth(resource_type));
    }
    if !any_grant {
        return implicit(Reason::NoAllow(resource_type));
    }
    if said.via_account && !identity {
        return implicit(Reason::NoAllow(PolicyType::Identity));
    }
    implicit(capped())
}

/// The caller, as the request names it (spec 4, 7.4).
#[derive(Debug, Clone, PartialEq, Eq)]
enum Who {
    /// No principal: a same-account caller that only `*` names.
    Unnamed,
    Anonymous,
    Service(String),
    Root {
        partition: String,
        account: String,
    },
    User {
        arn: String,
        partition: String,
        account: String,
    },
    Role {
        arn: String,
        partition: String,
        account: String,
    },
    Session {
        arn: String,
        partition: String,
        account: String,
        role: String,
    },
    Federated {
        arn: String,
        partition: String,
        account: String,
    },
    Other(String),
}

impl Who {
    fn of(principal: Option<&str>) -> Who {
        let Some(p) = principal else {
            return Who::Unnamed;
        };
        if p == "*" {
            return Who::Anonymous;
        }
        let Some(Arn {
            partition,
            service,
            account,
            resource,
        }) = Arn::parse(p)
        else {
            return if !p.is_empty() && !p.contains(':') {
                Who::Service(p.to_owned())
            } else {
                Who::Other(p.to_owned())
            };
        };
        if !is_account_id(account) {
            return Who::Other(p.to_owned());
        }
        let (partition, account, arn) = (partition.to_owned(), account.to_owned(), p.to_owned());
        if service == "iam" && resource == "root" {
            return Who::Root { partition, account };
        }
        if service == "iam" && resource.starts_with("user/") {
            return Who::User {
                arn,
                partition,
                account,
            };
        }
        if service == "iam" && resource.starts_with("role/") {
            return Who::Role {
                arn,
                partition,
                account,
            };
        }
        if service == "sts" {
            if let Some(rest) = resource.strip_prefix("assumed-role/") {
                if let Some((role, session)) = rest.split_once('/') {
                    if !role.is_empty() && !session.is_empty() {
                        let role = role.to_owned();
                        return Who::Session {
                            arn,
                            partition,
                            account,
                            role,
                        };
                    }
                }
                return Who::Other(p.to_owned());
            }
            if let Some(name) = resource.strip_prefix("federated-user/") {
                if !name.is_empty() {
                    return Who::Federated {
                        arn,
                        partition,
                        account,
                    };
                }
            }
        }
        Who::Other(p.to_owned())
    }

    fn account(&self) -> Option<&str> {
        match self {
            Who::Root { account, .. }
            | Who::User { account, .. }
            | Who::Role { account, .. }
            | Who::Session { account, .. }
            | Who::Federated { account, .. } => Some(account),
            _ => None,
        }
    }

    fn partition(&self) -> Option<&str> {
        match self {
            Who::Root { partition, .. }
            | Who::User { partition, .. }
            | Who::Role { partition, .. }
            | Who::Session { partition, .. }
            | Who::Federated { partition, .. } => Some(partition),
            _ => None,
        }
    }

    /// The caller's own ARN (or service name), compared exactly.
    fn name(&self) -> Option<&str> {
        match self {
            Who::User { arn, .. }
            | Who::Role { arn, .. }
            | Who::Session { arn, .. }
            | Who::Federated { arn, .. } => Some(arn),
            Who::Service(s) | Who::Other(s) => Some(s),
            _ => None,
        }
    }

    /// Spec 7.3 step 4: the resource's account is `resourceAccount`, else the 12-digit account
    /// field of the resource ARN, else the caller's. Anonymous and service callers have no
    /// account: never the same account. Unknown accounts count as the same.
    fn same_account(&self, req: &Request) -> bool {
        if matches!(self, Who::Anonymous | Who::Service(_)) {
            return false;
        }
        let from_arn = Arn::parse(&req.resource)
            .map(|a| a.account)
            .filter(|a| is_account_id(a));
        let resource_account = req.resource_account.as_deref().or(from_arn);
        match (self.account(), resource_account) {
            (Some(mine), Some(theirs)) => mine == theirs,
            _ => true,
        }
    }
}

/// The fields of `arn:partition:service:region:account:resource` (cut at the first five
/// colons) the principal rules read.
struct Arn<'a> {
    partition: &'a str,
    service: &'a str,
    account: &'a str,
    resource: &'a str,
}

impl<'a> Arn<'a> {
    fn parse(s: &'a str) -> Option<Arn<'a>> {
        let parts: Vec<&str> = s.splitn(6, ':').collect();
        match parts.as_slice() {
            ["arn", partition, service, _region, account, resource] => Some(Arn {
                partition,
                service,
                account,
                resource,
            }),
            _ => None,
        }
    }
}

fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.chars().all(|c| c.is_ascii_digit())
}

/// How a statement's principal names the caller (spec 7.4): the rows of the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Grant {
    None,
    /// The caller itself, or everyone: not capped.
    Direct,
    /// The role of the calling session: capped by boundary and session policy.
    ViaRole,
    /// The caller's account: delegates to the identity-based policies.
    ViaAccount,
}

/// The `Principal` block of a statement against the caller. `NotPrincipal` applies unless the
/// caller is excluded (A14, the docs' reading: `*` excludes everyone; otherwise every identity
/// of the caller's chain (account, the session's role, the caller) must be listed), and then
/// counts as a direct grant.
///
/// With `Allow` (which most services reject) the caller is excluded as soon as any identity of
/// its chain is listed: the reading that grants least.
fn principal_grant(block: &ast::PrincipalBlock, who: &Who, deny: bool) -> Grant {
    let entries: Vec<(ast::PrincipalKind, &str)> = match &block.principals {
        ast::Principals::Any => vec![(ast::PrincipalKind::Aws, "*")],
        ast::Principals::Map(list) => list
            .iter()
            .map(|e| (e.kind, e.value.node.as_str()))
            .collect(),
    };
    let grants: Vec<Grant> = entries
        .iter()
        .map(|&(k, v)| entry_grant(k, v, who))
        .collect();
    if !block.negated {
        for wanted in [Grant::Direct, Grant::ViaRole, Grant::ViaAccount] {
            if grants.contains(&wanted) {
                return wanted;
            }
        }
        return Grant::None;
    }
    let star = entries
        .iter()
        .any(|&(k, v)| k == ast::PrincipalKind::Aws && v == "*");
    let listed = |g: Grant| {
        entries
            .iter()
            .zip(&grants)
            .any(|(&(k, v), &h)| h == g && !(k == ast::PrincipalKind::Aws && v == "*"))
    };
    let excluded = star
        || (!deny && grants.iter().any(|&g| g != Grant::None))
        || deny
            && match who {
                Who::Unnamed => false,
                Who::Anonymous | Who::Service(_) | Who::Other(_) => listed(Grant::Direct),
                Who::Root { .. } => listed(Grant::ViaAccount),
                Who::Session { .. } => {
                    listed(Grant::ViaAccount) && listed(Grant::ViaRole) && listed(Grant::Direct)
                }
                Who::User { .. } | Who::Federated { .. } => {
                    listed(Grant::ViaAccount) && listed(Grant::Direct)
                }
                // A role's own ARN names it through the role row.
                Who::Role { .. } => listed(Grant::ViaAccount) && listed(Grant::ViaRole),
            };
    if excluded {
        Grant::None
    } else {
        Grant::Direct
    }
}

/// One principal entry against the caller.
fn entry_grant(kind: ast::PrincipalKind, value: &str, who: &Who) -> Grant {
    match kind {
        ast::PrincipalKind::Service => match who {
            Who::Service(name) if name.eq_ignore_ascii_case(value) => Grant::Direct,
            _ => Grant::None,
        },
        ast::PrincipalKind::Federated | ast::PrincipalKind::CanonicalUser => {
            if who.name() == Some(value) {
                Grant::Direct
            } else {
                Grant::None
            }
        }
        ast::PrincipalKind::Aws => {
            if value == "*" {
                return Grant::Direct;
            }
            if matches!(who, Who::Unnamed | Who::Anonymous) {
                return Grant::None;
            }
            if is_account_id(value) {
                return if who.account() == Some(value) {
                    Grant::ViaAccount
                } else {
                    Grant::None
                };
            }
            if who.name() == Some(value) {
                // A role named by its own ARN: the "role ARN" row of spec 7.4 (capped).
                return if matches!(who, Who::Role { .. }) {
                    Grant::ViaRole
                } else {
                    Grant::Direct
                };
            }
            let Some(arn) = Arn::parse(value) else {
                return Grant::None;
            };
            if arn.service != "iam"
                || who.partition() != Some(arn.partition)
                || who.account() != Some(arn.account)
            {
                return Grant::None;
            }
            if arn.resource == "root" {
                return Grant::ViaAccount;
            }
            if let (Who::Session { role, .. }, Some(path)) =
                (who, arn.resource.strip_prefix("role/"))
            {
                // The role's path is not in the session ARN: compare the name alone.
                if path.rsplit('/').next() == Some(role.as_str()) {
                    return Grant::ViaRole;
                }
            }
            Grant::None
        }
    }
}

/// A statement applies when its action, resource and condition tests all hold (spec 0, 7.1).
/// A statement without a resource element (a trust policy's) is about the role it is attached
/// to: its resource test holds.
fn statement_applies(policy: &ast::Policy, stmt: &ast::Statement, req: &Request) -> bool {
    let version = policy.version;
    action_ok(&stmt.action, &req.action)
        && stmt
            .resource
            .as_ref()
            .is_none_or(|block| resource_ok(policy.kind, version, block, req))
        && stmt
            .conditions
            .iter()
            .all(|clause| conditions::clause_holds(version, clause, &req.context))
}

/// `Action` is an OR of its entries; `NotAction` holds when no entry matches (spec 2.6, 2.7).
fn action_ok(block: &ast::ActionBlock, action: &str) -> bool {
    let any = block
        .patterns
        .iter()
        .any(|p| action_matches(&p.node, action));
    any != block.negated
}

/// One action entry (spec 2.1-2.5): `*` matches everything; `service:name` compares the service
/// ignoring ASCII case and globs the name ignoring ASCII case. The request action is split at
/// its first colon; without one it matches nothing.
fn action_matches(pattern: &ast::ActionPattern, action: &str) -> bool {
    match pattern {
        ast::ActionPattern::Any => true,
        ast::ActionPattern::Service { service, name } => {
            let Some((req_service, req_name)) = action.split_once(':') else {
                return false;
            };
            if !service.eq_ignore_ascii_case(req_service) {
                return false;
            }
            let toks: Vec<Tok> = name.chars().map(Tok::from_glob_char).collect();
            glob::matches(&toks, req_name, true)
        }
    }
}

/// `Resource` is an OR of its entries; `NotResource` holds when no entry matches (spec 3.2,
/// 3.5). An entry whose variable is unresolved matches nothing in `Resource` and excludes
/// nothing in `NotResource` (A4, DESIGN.md): both reduce to "the entry does not match".
fn resource_ok(
    kind: ast::PolicyType,
    version: ast::Version,
    block: &ast::ResourceBlock,
    req: &Request,
) -> bool {
    let any = block
        .patterns
        .iter()
        .any(|p| !never_matches(kind, &p.node) && resource_matches(version, &p.node, req));
    any != block.negated
}

/// Spec 3.4 (A5, the iam-simulate table): in resource-based and endpoint policies a short ARN
/// (fewer than six fields) without `*` matches nothing.
fn never_matches(kind: ast::PolicyType, pattern: &ast::ResourcePattern) -> bool {
    let ast::ResourcePattern::Arn { raw, .. } = pattern else {
        return false;
    };
    matches!(kind, ast::PolicyType::Resource | ast::PolicyType::Endpoint)
        && raw.chars().filter(|&c| c == ':').count() < 5
        && !raw.contains('*')
}

/// One resource entry (spec 3.2-3.4): `*` matches everything including the `*` request; the `*`
/// request is matched by nothing else; an ARN pattern is a class-restricted glob over the whole
/// request string.
fn resource_matches(version: ast::Version, pattern: &ast::ResourcePattern, req: &Request) -> bool {
    match pattern {
        ast::ResourcePattern::Any => true,
        ast::ResourcePattern::Arn { template, .. } => {
            if req.resource == "*" {
                return false;
            }
            let Some(pieces) = resolve(version, template, &req.context) else {
                return false;
            };
            glob::matches(&resource_tokens(&pieces), &req.resource, false)
        }
    }
}

/// A resolved template character: policy text (where `*` and `?` are wildcards) or literal text
/// from an escape or a substituted variable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Piece {
    Policy(char),
    Literal(char),
}

/// Substitutes policy variables (spec 6, DESIGN.md): only under 2012-10-17 (the grammar leaves
/// variables as text otherwise; this guards it again). A key present and single-valued gives its
/// canonical text, except that an empty value falls back to the default when one is given
/// (A17); an absent or multi-valued key gives the default, else the template is unresolved
/// (`None`).
fn resolve(version: ast::Version, template: &ast::Template, ctx: &Context) -> Option<Vec<Piece>> {
    let mut out = Vec::new();
    for seg in &template.segments {
        match seg {
            ast::Segment::Text(t) => out.extend(t.chars().map(Piece::Policy)),
            ast::Segment::Escaped(c) => out.push(Piece::Literal(*c)),
            ast::Segment::Variable { key, default } => {
                if version != ast::Version::V2012_10_17 {
                    return None;
                }
                let value = match ctx.get(key) {
                    Some(Value::Single(s)) if !(s.as_text().is_empty() && default.is_some()) => {
                        s.as_text().to_owned()
                    }
                    _ => default.clone()?,
                };
                out.extend(value.chars().map(Piece::Literal));
            }
        }
    }
    Some(out)
}

/// Splits resolved pieces into ARN glob tokens, marking which wildcards stand in fields 1 to 5
/// (before the fifth colon). Fields are cut after substitution: a colon from a variable's value
/// separates fields like one of the policy text (`ArnEquals` on `${aws:PrincipalArn}`). Returns
/// the tokens and the number of colons seen (capped at 5).
fn arn_tokens(pieces: &[Piece], trailing_star_crosses: bool) -> (Vec<Tok>, usize) {
    let is_colon = |p: Option<&Piece>| matches!(p, Some(Piece::Policy(':') | Piece::Literal(':')));
    let mut toks = Vec::with_capacity(pieces.len());
    let mut colons = 0usize;
    for (i, piece) in pieces.iter().enumerate() {
        let inner = colons < 5;
        match *piece {
            Piece::Policy(':') | Piece::Literal(':') => {
                colons += 1;
                toks.push(Tok::Lit(':'));
            }
            Piece::Policy('*') if inner => {
                let ends_field = is_colon(pieces.get(i + 1)) || i + 1 == pieces.len();
                toks.push(if trailing_star_crosses && ends_field {
                    Tok::Star
                } else {
                    Tok::StarNoColon
                });
            }
            Piece::Policy('?') if inner => toks.push(Tok::OneNoColon),
            Piece::Policy(c) => toks.push(Tok::from_glob_char(c)),
            Piece::Literal(c) => toks.push(Tok::Lit(c)),
        }
    }
    (toks, colons.min(5))
}

/// The glob tokens of a resource ARN pattern (spec 3.3, 3.4, DESIGN.md): short ARNs padded with
/// `*` fields to six; in fields 1 to 5 wildcards do not cross `:` except a `*` ending its field;
/// in field 6 they cross everything.
fn resource_tokens(pieces: &[Piece]) -> Vec<Tok> {
    let mut padded = pieces.to_vec();
    let colons = pieces
        .iter()
        .filter(|p| matches!(p, Piece::Policy(':') | Piece::Literal(':')))
        .count();
    for _ in colons..5 {
        padded.push(Piece::Policy(':'));
        padded.push(Piece::Policy('*'));
    }
    arn_tokens(&padded, true).0
}

#[cfg(test)]
mod tests;
