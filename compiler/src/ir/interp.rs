//! The IR interpreter: decides a request by walking an [`ir::PolicySet`](super::PolicySet)
//! directly.
//!
//! A test oracle one layer down. The reference interpreter (`iamc::reference`) checks the whole
//! compiler against the AST; this one decides on the IR, so a disagreement between the three
//! engines says where a bug is: reference ≠ IR interpreter means lowering (AST → IR);
//! IR interpreter ≠ compiled runtime means the automata, the emitter or the runtime.
//!
//! It implements the same whole decision (DESIGN.md "Whole decision", spec 7) and returns the
//! same [`Explanation`] (decision, applying statements in listing order, reason), by the
//! simplest means: globs are matched by a dynamic program over characters (O(pattern ×
//! text) steps and O(pattern) memory, whatever the input: no backtracking), condition values
//! are compared with the IR's typed values one by one, every statement is looked at. It reads
//! request values with the vocabulary's parsers (`Decimal`, `Instant`, `Cidr`, base64,
//! booleans), as the runtime does; the reference interpreter checks those independently.
//!
//! ```
//! use iamc_grammar::{ast::PolicyType, PolicySet, SourceFile};
//! let src = SourceFile::new("p.json", r#"{"Version":"2012-10-17","Statement":
//!     {"Effect":"Allow","Action":"ecs:Describe*","Resource":"*"}}"#);
//! let policy = iamc_grammar::parse_policy(&src, PolicyType::Identity)?.policy;
//! let ir = iamc_compiler::lower::lower(&PolicySet::identity(vec![policy]))?;
//! let req = iamc_runtime::Request::new("ecs:DescribeClusters", "*");
//! assert!(iamc_compiler::ir::interp::authorize(&ir, &req).is_allowed());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use iamc_runtime::diagnosis::{Diagnosis, FailedCondition, NearMiss, Span};
use iamc_runtime::{Decision, Explanation, MatchedStatement, PolicyType, Reason, Request};

use super::{ActionMatcher, Effect, PolicySet, ResourceMatcher, Statement};

mod condition;
mod glob;
mod principal;

use principal::Grant;
pub use principal::{Caller, Kind as CallerKind};

/// The decision alone.
///
/// ```
/// use iamc_grammar::{ast::PolicyType, PolicySet, SourceFile};
/// let src = SourceFile::new("p.json", r#"{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"},{"Effect":"Deny","Action":"s3:DeleteBucket","Resource":"*"}]}"#);
/// let policy = iamc_grammar::parse_policy(&src, PolicyType::Identity)?.policy;
/// let ir = iamc_compiler::lower::lower(&PolicySet::identity(vec![policy]))?;
///
/// use iamc_runtime::{Decision, Request};
/// let decide = |action| iamc_compiler::ir::interp::authorize(&ir, &Request::new(action, "*"));
/// assert_eq!(decide("s3:GetObject"), Decision::Allow);
/// assert_eq!(decide("s3:DeleteBucket"), Decision::ExplicitDeny);
/// assert_eq!(decide("ec2:RunInstances"), Decision::ImplicitDeny);
///
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn authorize(set: &PolicySet, req: &Request) -> Decision {
    explain(set, req).decision
}

/// The decision, every applying statement (types in listing order, policies in the order
/// given, statements by index) and the reason.
///
/// A set whose statements point at groups or policies it does not have (never one that
/// [`crate::lower::lower`] made) denies, with [`Reason::Inconsistent`].
///
/// ```
/// use iamc_grammar::{ast::PolicyType, PolicySet, SourceFile};
/// let src = SourceFile::new("p.json", r#"{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"},{"Effect":"Deny","Action":"s3:DeleteBucket","Resource":"*"}]}"#);
/// let policy = iamc_grammar::parse_policy(&src, PolicyType::Identity)?.policy;
/// let ir = iamc_compiler::lower::lower(&PolicySet::identity(vec![policy]))?;
///
/// let req = iamc_runtime::Request::new("s3:DeleteBucket", "*");
/// let x = iamc_compiler::ir::interp::explain(&ir, &req);
/// let indexes: Vec<u32> = x.statements.iter().map(|m| m.index).collect();
/// assert_eq!(indexes, [0, 1], "both statements apply; the Deny decides");
///
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn explain(set: &PolicySet, req: &Request) -> Explanation {
    explain_over(set, req, &set.statements, |s| applies(s, req), true)
}

/// The decision for `req` when, of `statements` (statements of `set`), those `applies` accepts
/// are the ones whose action, resource and conditions hold, and no other statement's do.
/// Principal blocks are still matched against `req`'s caller and SCPs skipped for callers they
/// do not bind, then the groups combine as in [`explain`], which is this with every statement
/// and the real tests.
///
/// For analyses that decide statement applicability themselves: the diff bounds the decision
/// over a set of requests from below and from above by forcing the statements it has not
/// decided yet one way or the other (the combination is monotone in each statement).
pub fn decide_with<'s>(
    set: &PolicySet,
    req: &Request,
    statements: impl IntoIterator<Item = &'s Statement>,
    applies: impl FnMut(&Statement) -> bool,
) -> Decision {
    explain_over(set, req, statements, applies, false).decision
}

/// What [`decide_with`] reads of `req`'s caller over `statements`: two requests with the same
/// action and resource and equal profiles get the same decision from it for every `applies`
/// (the caller's kind as the combination reads it, whether the resource is in its account, and
/// how each statement's principal block names it). The diff searches one caller per profile.
pub fn caller_profile<'s>(
    req: &Request,
    statements: impl IntoIterator<Item = &'s Statement>,
) -> Vec<u8> {
    let caller = Caller::of(req.principal.as_deref());
    let mut profile = vec![
        u8::from(caller.bound_by_scps()),
        u8::from(caller.is_anonymous_or_service()),
        u8::from(caller.is_federated()),
        u8::from(caller.is_root()),
        u8::from(caller.same_account(req)),
    ];
    for s in statements {
        if let Some(block) = &s.principal {
            profile.push(
                match principal::grant(block, &caller, s.effect == Effect::Deny) {
                    Grant::None => 0,
                    Grant::Direct => 1,
                    Grant::ViaRole => 2,
                    Grant::ViaAccount => 3,
                },
            );
        }
    }
    profile
}

/// [`explain`] over `statements` with `applies` as the action, resource and condition test;
/// the applying statements are listed only when `record`.
fn explain_over<'s>(
    set: &PolicySet,
    req: &Request,
    statements: impl IntoIterator<Item = &'s Statement>,
    mut applies: impl FnMut(&Statement) -> bool,
    record: bool,
) -> Explanation {
    let caller = Caller::of(req.principal.as_deref());
    // What each group said: an applying Deny, and the grants of its applying Allows.
    let mut said = vec![Said::default(); set.groups.len()];
    let mut listed = Vec::new();
    for s in statements {
        let (Some(group), Some(policy), Some(slot)) = (
            set.group_of(s),
            set.policy_of(s),
            said.get_mut(s.provenance.group as usize),
        ) else {
            return inconsistent();
        };
        // SCPs bind principals of member accounts only: not anonymous or service callers.
        if group.policy_type == PolicyType::Scp && !caller.bound_by_scps() {
            continue;
        }
        let grant = match &s.principal {
            None => Grant::Direct,
            Some(block) => principal::grant(block, &caller, s.effect == Effect::Deny),
        };
        if grant == Grant::None || !applies(s) {
            continue;
        }
        match s.effect {
            Effect::Deny => slot.deny = true,
            Effect::Allow => slot.allow(grant),
        }
        if record {
            listed.push(matched(group, policy, s));
        }
    }
    let (decision, reason) = combine(set, &said, &caller, req);
    Explanation {
        decision,
        statements: listed,
        reason,
    }
}

/// The decision explained in detail, as the runtime's `Artifact::diagnose` gives it: the
/// explanation, the place of each applying statement, the statements whose principal, action
/// and resource match but a condition does not (with every failed clause), and the context
/// keys the set references that the request does not carry.
///
/// ```
/// use iamc_grammar::{ast::PolicyType, PolicySet, SourceFile};
/// use iamc_runtime::diagnosis::Failure;
/// use iamc_runtime::{Decision, Request, Scalar, Value};
/// let text = r#"{"Version":"2012-10-17","Statement":{"Sid":"RunWebOnDev","Effect":"Allow","Action":"ecs:RunTask","Resource":"*","Condition":{"ArnEquals":{"ecs:cluster":"arn:aws:ecs:us-east-1:111122223333:cluster/dev"},"NumericLessThanEquals":{"ecs:task-cpu":"1024"}}}}"#;
/// let policy = iamc_grammar::parse_policy(&SourceFile::new("ecs.json", text), PolicyType::Identity)?.policy;
/// let ir = iamc_compiler::lower::lower(&PolicySet::identity(vec![policy]))?;
///
/// let dev = Scalar::String("arn:aws:ecs:us-east-1:111122223333:cluster/dev".into());
/// let req = Request::new("ecs:RunTask", "arn:aws:ecs:us-east-1:111122223333:task-definition/web:7")
///     .with_context("ecs:cluster", Value::Single(dev));
/// let d = iamc_compiler::ir::interp::diagnose(&ir, &req);
/// assert_eq!(d.explanation.decision, Decision::ImplicitDeny);
/// let failed = &d.near_misses[0].failed;
/// assert_eq!((failed.len(), failed[0].key.as_str()), (1, "ecs:task-cpu"));
/// assert_eq!(failed[0].failure, Failure::Missing);
/// assert_eq!(d.missing_context_values, ["ecs:task-cpu"]);
///
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn diagnose(set: &PolicySet, req: &Request) -> Diagnosis {
    let explanation = explain(set, req);
    let missing_context_values = missing_context_values(set, req);
    if explanation.reason == Reason::Inconsistent {
        return Diagnosis {
            explanation,
            statement_spans: Vec::new(),
            near_misses: Vec::new(),
            missing_context_values,
        };
    }
    let statement_spans = explanation
        .statements
        .iter()
        .map(|m| {
            set.statements
                .iter()
                .find(|s| {
                    s.provenance.index == m.index
                        && set.policy_of(s) == Some(m.policy.as_str())
                        && set
                            .group_of(s)
                            .is_some_and(|g| g.policy_type == m.policy_type && g.level == m.level)
                })
                .map(span)
                .unwrap_or_default()
        })
        .collect();
    let caller = Caller::of(req.principal.as_deref());
    let mut near_misses = Vec::new();
    for s in &set.statements {
        let (Some(group), Some(policy)) = (set.group_of(s), set.policy_of(s)) else {
            continue;
        };
        if s.conditions.is_empty()
            || (group.policy_type == PolicyType::Scp && !caller.bound_by_scps())
        {
            continue;
        }
        let grant = match &s.principal {
            None => Grant::Direct,
            Some(block) => principal::grant(block, &caller, s.effect == Effect::Deny),
        };
        if grant == Grant::None
            || !action_holds(&s.action, &req.action)
            || !resource_holds(&s.resource, req)
        {
            continue;
        }
        let failed: Vec<FailedCondition> = s
            .conditions
            .iter()
            .filter_map(|c| {
                condition::failure(c, &req.context).map(|failure| FailedCondition {
                    operator: c.operator.clone(),
                    key: c.written.clone(),
                    span: to_span(c.span),
                    values: c.texts.clone(),
                    request: req.context.get(&c.key).cloned(),
                    failure,
                })
            })
            .collect();
        if failed.is_empty() {
            continue;
        }
        near_misses.push(NearMiss {
            statement: matched(group, policy, s),
            span: span(s),
            failed,
        });
    }
    Diagnosis {
        explanation,
        statement_spans,
        near_misses,
        missing_context_values,
    }
}

/// Statement `s` of `group`, in the policy named `policy`, as an explanation names it.
fn matched(group: super::Group, policy: &str, s: &Statement) -> MatchedStatement {
    MatchedStatement {
        policy_type: group.policy_type,
        level: group.level,
        policy: policy.to_owned(),
        index: s.provenance.index,
        sid: s.provenance.sid.clone(),
        effect: s.effect,
    }
}

fn to_span(s: iamc_grammar::Span) -> Span {
    let at = |x: usize| u32::try_from(x).unwrap_or(u32::MAX);
    Span {
        start: at(s.start),
        end: at(s.end),
    }
}

fn span(s: &Statement) -> Span {
    to_span(s.provenance.span)
}

/// The context keys the statements reference that the request does not carry, each once
/// (ASCII case ignored), as first written, in statement order.
fn missing_context_values(set: &PolicySet, req: &Request) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for key in set.statements.iter().flat_map(|s| &s.context_keys) {
        if req.context.get(key).is_none() && !out.iter().any(|k| k.eq_ignore_ascii_case(key)) {
            out.push(key.clone());
        }
    }
    out
}

fn inconsistent() -> Explanation {
    Explanation {
        decision: Decision::ImplicitDeny,
        statements: Vec::new(),
        reason: Reason::Inconsistent,
    }
}

/// What the applying statements of one group said.
#[derive(Debug, Clone, Copy, Default)]
struct Said {
    deny: bool,
    allow: bool,
    direct: bool,
    via_role: bool,
    via_account: bool,
}

impl Said {
    fn allow(&mut self, grant: Grant) {
        self.allow = true;
        match grant {
            Grant::Direct => self.direct = true,
            Grant::ViaRole => self.via_role = true,
            Grant::ViaAccount => self.via_account = true,
            Grant::None => {}
        }
    }
}

/// A statement applies when its action, resource and condition tests all hold.
fn applies(s: &Statement, req: &Request) -> bool {
    action_holds(&s.action, &req.action)
        && resource_holds(&s.resource, req)
        && s.conditions
            .iter()
            .all(|c| condition::holds(c, &req.context))
}

/// INVARIANT (lowercase-actions): the globs are lowercase, so the request is lowercased
/// (ASCII) and matched exactly.
fn action_holds(m: &ActionMatcher, action: &str) -> bool {
    let lower = action.to_ascii_lowercase();
    let hit = m.any || m.patterns.iter().any(|g| glob::matches_glob(g, &lower));
    hit != m.negated
}

/// `*` matches every resource, the `*` request included; an ARN glob never matches the `*`
/// request; an entry whose variable is unresolved matches nothing (so it excludes nothing in
/// `NotResource`). INVARIANT (six-fields): the globs are whole-string patterns.
fn resource_holds(m: &ResourceMatcher, req: &Request) -> bool {
    let hit = m.any
        || (req.resource != "*"
            && m.patterns
                .iter()
                .any(|p| glob::matches_in(&p.glob, &req.context, &req.resource)));
    hit != m.negated
}

/// Spec 7.3 over what the groups said (DESIGN.md "Whole decision", "Combination").
fn combine(set: &PolicySet, said: &[Said], caller: &Caller, req: &Request) -> (Decision, Reason) {
    let implicit = |r| (Decision::ImplicitDeny, r);
    let groups = || set.groups.iter().zip(said);
    let of_type = |t: PolicyType| groups().filter(move |(g, _)| g.policy_type == t);
    // 1. Any applying Deny; groups are in listing order, so the first names the type.
    if let Some((g, _)) = groups().find(|(_, s)| s.deny) {
        return (Decision::ExplicitDeny, Reason::ExplicitDeny(g.policy_type));
    }
    // 2. RCP levels: each holds RCPFullAWSAccess, which cannot be detached (spec 7.3 step 2,
    // A21), so none lacks an Allow. 3. SCP levels (for the callers SCPs bind): the first
    // without an Allow.
    if caller.bound_by_scps() {
        if let Some((g, _)) = of_type(PolicyType::Scp).find(|(_, s)| !s.allow) {
            return implicit(Reason::NoAllowAtLevel(PolicyType::Scp, g.level));
        }
    }
    // 4. Endpoint policies.
    let present = |t: PolicyType| of_type(t).next().is_some();
    let allowed = |t: PolicyType| of_type(t).any(|(_, s)| s.allow);
    if present(PolicyType::Endpoint) && !allowed(PolicyType::Endpoint) {
        return implicit(Reason::NoAllow(PolicyType::Endpoint));
    }
    // 5. The grant.
    let boundary_ok = !present(PolicyType::Boundary) || allowed(PolicyType::Boundary);
    let session_present = present(PolicyType::Session);
    let session_ok = if session_present {
        allowed(PolicyType::Session)
    } else {
        !caller.is_federated()
    };
    let action = req.action.to_ascii_lowercase();
    let side = if present(PolicyType::Trust) && action.starts_with("sts:") {
        PolicyType::Trust
    } else {
        PolicyType::Resource
    };
    let resource_side = || {
        groups().filter(|(g, _)| matches!(g.policy_type, PolicyType::Resource | PolicyType::Trust))
    };
    let direct = resource_side().any(|(_, s)| s.direct);
    let via_role = resource_side().any(|(_, s)| s.via_role);
    let via_account = resource_side().any(|(_, s)| s.via_account);
    let any_grant = direct || via_role || via_account;
    let identity = allowed(PolicyType::Identity) || caller.is_root();
    let capped = boundary_ok && session_ok;
    let identity_path = identity && capped;
    let why_capped = || {
        if !boundary_ok {
            Reason::NoAllow(PolicyType::Boundary)
        } else if session_present {
            Reason::NoAllow(PolicyType::Session)
        } else {
            Reason::FederatedWithoutSessionPolicy
        }
    };
    if !caller.same_account(req) {
        if caller.is_anonymous_or_service() {
            return if any_grant {
                (Decision::Allow, Reason::AllowedBy(side))
            } else {
                implicit(Reason::NoAllow(side))
            };
        }
        return match (any_grant, identity, identity_path) {
            (false, _, _) => implicit(Reason::NoAllow(side)),
            (true, false, _) => implicit(Reason::NoAllow(PolicyType::Identity)),
            (true, true, false) => implicit(why_capped()),
            (true, true, true) => (Decision::Allow, Reason::AllowedByBoth(side)),
        };
    }
    if direct {
        return (Decision::Allow, Reason::AllowedBy(side));
    }
    // Roles being assumed (their trust policy) and KMS keys (their key policy) must grant even
    // in the same account; every role and key has such a policy, so without one nothing does.
    let kms_key = action.starts_with("kms:")
        && principal::arn_fields(&req.resource)
            .is_some_and(|[_, _, service, _, _, res]| service == "kms" && res.starts_with("key/"));
    let must_grant = kms_key || action.starts_with("sts:assumerole");
    if !must_grant {
        if identity_path {
            return (Decision::Allow, Reason::AllowedBy(PolicyType::Identity));
        }
        if via_role && capped {
            return (Decision::Allow, Reason::AllowedBy(side));
        }
        return implicit(if identity || via_role {
            why_capped()
        } else {
            Reason::NoGrant
        });
    }
    if via_role && capped {
        return (Decision::Allow, Reason::AllowedBy(side));
    }
    if via_account && identity_path {
        return (Decision::Allow, Reason::AllowedByBoth(side));
    }
    if !any_grant {
        return implicit(Reason::NoAllow(side));
    }
    if via_account && !identity {
        return implicit(Reason::NoAllow(PolicyType::Identity));
    }
    implicit(why_capped())
}
