//! `iamc simulate`: IAM's `SimulateCustomPolicy`, offline. Reads the request document of
//! `aws iam simulate-custom-policy --cli-input-json` ([`input::read`]), decides each action on
//! each resource with either engine, and prints the response as `--output json` does
//! ([`Simulation::to_json`]).
//!
//! What AWS's simulator does is recorded in `tests/data/simulate/README.md` (facts from real
//! answers, with sources); DESIGN.md "Simulation" says where iamc follows it and where not.
//! In short:
//! - `SourcePolicyId` is `PolicyInputList.N`, `ResourcePolicy`,
//!   `PermissionsBoundaryPolicyInputList.N` or
//!   `OrderedOrganizationPolicyInputList.L.ServiceControlPolicyInputList.N` (1-based);
//!   `SourcePolicyType` the display strings AWS prints (`IAM Policy`, `Resource Policy`,
//!   `Permissions Boundary Policy`, `Service Control Policy`).
//! - `StartPosition`/`EndPosition` follow AWS's rule: the end just after the statement's `}`,
//!   the start just after the last token before the statement (the `[` for the first of an
//!   array, the previous statement's `}` for the others, the statement's own `{` when
//!   `Statement` is one object); 1-based, columns in UTF-16 code units (Jackson's).
//! - `MatchedStatements` is empty for `implicitDeny`, else every statement that applied,
//!   the resource policy's first.
//! - `MissingContextValues`: AWS's definition (the keys any statement references that the
//!   request lacks), SCP keys included (AWS leaves them out: aws/aws-cli#10525).
//! - [`Semantics::Simulator`] (the default) answers `sts:AssumeRole*` as AWS's simulator does,
//!   from the identity-based policies alone (the trust policy is parsed, not evaluated);
//!   [`Semantics::Iam`] as IAM does (the trust policy must grant).

pub mod input;
mod output;

use std::collections::HashMap;
use std::fmt;

use iamc_grammar::ast::{self, PolicyType};
use iamc_grammar::json::Json;
use iamc_grammar::{IssueCode, SourceFile};
use iamc_runtime::{Decision, Effect, MatchedStatement, Request};

pub use input::{read, ContextEntry, Input, KeyType, Located};
use output::J;

use crate::engine::Decider;
pub use crate::engine::Engine;

/// Why a simulation could not run: the error code AWS would answer with (`InvalidInput`,
/// `PolicyEvaluation`) and the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimulateError {
    code: &'static str,
    message: String,
}

impl SimulateError {
    pub(crate) fn invalid(message: impl Into<String>) -> SimulateError {
        SimulateError {
            code: "InvalidInput",
            message: message.into(),
        }
    }

    /// `InvalidInput` (the request or a policy is invalid) or `PolicyEvaluation` (a valid set
    /// could not be compiled).
    pub fn code(&self) -> &str {
        self.code
    }

    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for SimulateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for SimulateError {}

/// How `sts:AssumeRole*` actions are answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Semantics {
    /// As AWS's simulator answers: a trust policy given as `ResourcePolicy` is parsed (and
    /// its syntax only warned about) but not evaluated; the identity-based policies, the
    /// permissions boundary and the SCPs decide (aws/aws-cli#10314).
    #[default]
    Simulator,
    /// As IAM decides: the role's trust policy must grant (DESIGN.md "Whole decision").
    Iam,
}

/// How to simulate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Options {
    pub semantics: Semantics,
    pub engine: Engine,
}

/// `allowed`, `explicitDeny` or `implicitDeny`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EvalDecision {
    Allowed,
    ExplicitDeny,
    ImplicitDeny,
}

impl EvalDecision {
    pub fn as_str(self) -> &'static str {
        match self {
            EvalDecision::Allowed => "allowed",
            EvalDecision::ExplicitDeny => "explicitDeny",
            EvalDecision::ImplicitDeny => "implicitDeny",
        }
    }

    fn of(d: Decision) -> EvalDecision {
        match d {
            Decision::Allow => EvalDecision::Allowed,
            Decision::ExplicitDeny => EvalDecision::ExplicitDeny,
            Decision::ImplicitDeny => EvalDecision::ImplicitDeny,
        }
    }
}

/// `{Line, Column}`, 1-based.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

/// One `MatchedStatements` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    pub source_policy_id: String,
    pub source_policy_type: &'static str,
    pub start: Position,
    pub end: Position,
}

/// One `ResourceSpecificResults` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceResult {
    pub resource: String,
    pub decision: EvalDecision,
    pub matched: Vec<Statement>,
    pub missing_context_values: Vec<String>,
    pub allowed_by_boundary: Option<bool>,
}

/// One `EvaluationResults` entry: one action on one resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvaluationResult {
    pub action: String,
    /// `*` without `ResourceArns`.
    pub resource: String,
    pub decision: EvalDecision,
    pub matched: Vec<Statement>,
    pub missing_context_values: Vec<String>,
    /// `OrganizationsDecisionDetail.AllowedByOrganizations`, when SCPs were given.
    pub allowed_by_organizations: Option<bool>,
    /// `PermissionsBoundaryDecisionDetail.AllowedByPermissionsBoundary`, when a boundary was
    /// given.
    pub allowed_by_boundary: Option<bool>,
    /// `EvalDecisionDetails` (for a named resource): empty in one account, the identity and
    /// resource sides' decisions across accounts.
    pub details: Option<Vec<(String, EvalDecision)>>,
    /// `ResourceSpecificResults` (for a named resource): one entry.
    pub resource_specific: Option<Vec<ResourceResult>>,
    /// The decision IAM itself would give, where it differs (`sts:AssumeRole*` under
    /// [`Semantics::Simulator`]).
    pub iam_decision: Option<EvalDecision>,
}

/// The answer: the results in request order (actions, then resources), and the warnings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Simulation {
    pub results: Vec<EvaluationResult>,
    /// Lines for standard error: fields ignored, values that do not read as their type,
    /// policy rules iamc holds stricter than the simulator, answers that differ from IAM's.
    pub warnings: Vec<String>,
}

/// Reads and simulates a `--cli-input-json` document named `name`.
///
/// ```
/// use iamc::simulate::{run, Options};
///
/// let input = r#"{
///   "PolicyInputList": ["{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\"}]}"],
///   "ActionNames": ["s3:GetObject", "s3:PutObject"]
/// }"#;
/// let sim = run("input.json", input, &Options::default())?;
/// assert_eq!(sim.results[0].decision.as_str(), "allowed");
/// assert_eq!(sim.results[1].decision.as_str(), "implicitDeny");
/// let m = &sim.results[0].matched[0];
/// assert_eq!((m.source_policy_id.as_str(), m.start.column, m.end.column), ("PolicyInputList.1", 38, 95));
/// assert!(sim.to_json().starts_with("{\n    \"EvaluationResults\": [\n        {\n            \"EvalActionName\": \"s3:GetObject\","));
/// # Ok::<(), iamc::simulate::SimulateError>(())
/// ```
///
/// # Errors
/// What [`read`] and [`simulate`] refuse.
pub fn run(name: &str, text: &str, options: &Options) -> Result<Simulation, SimulateError> {
    let (input, mut warnings) = read(name, text)?;
    let mut sim = simulate(&input, options)?;
    warnings.append(&mut sim.warnings);
    sim.warnings = warnings;
    Ok(sim)
}

/// One policy text of the input, parsed.
struct Given {
    /// `PolicyInputList.1`, ...; also the AST's name.
    id: String,
    display: &'static str,
    policy: ast::Policy,
    /// AWS's start and end position of each statement, by index.
    positions: Vec<(Position, Position)>,
}

/// The display string AWS prints as `SourcePolicyType`.
fn display(t: PolicyType) -> &'static str {
    match t {
        PolicyType::Identity => "IAM Policy",
        PolicyType::Resource | PolicyType::Trust => "Resource Policy",
        PolicyType::Boundary => "Permissions Boundary Policy",
        PolicyType::Scp => "Service Control Policy",
        PolicyType::Session => "Session Policy",
        PolicyType::Rcp => "Resource Control Policy",
        PolicyType::Endpoint => "VPC Endpoint Policy",
    }
}

/// Line and column of byte `at` as AWS's simulator reports them (Jackson's location): 1-based,
/// `\n`, `\r\n` and a lone `\r` end a line, columns count UTF-16 code units.
fn aws_position(text: &str, at: usize) -> Position {
    let (mut line, mut column) = (1usize, 1usize);
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if i >= at {
            break;
        }
        match c {
            '\n' => {
                line += 1;
                column = 1;
            }
            '\r' => {
                if chars.peek().is_some_and(|&(_, n)| n == '\n') {
                    continue;
                }
                line += 1;
                column = 1;
            }
            c => column += c.len_utf16(),
        }
    }
    Position { line, column }
}

/// AWS's positions of every statement of a policy text (see the module documentation).
fn statement_positions(src: &SourceFile) -> Vec<(Position, Position)> {
    let Ok(root) = iamc_grammar::parse_json(src) else {
        return Vec::new();
    };
    let Json::Object(members) = &root.value else {
        return Vec::new();
    };
    let Some(statement) = members.iter().find(|m| m.key == "Statement") else {
        return Vec::new();
    };
    let text = src.text();
    let at = |o: usize| aws_position(text, o);
    match &statement.value.value {
        Json::Array(items) => {
            let mut prev_end = statement.value.span.start + 1;
            items
                .iter()
                .map(|n| {
                    let p = (at(prev_end), at(n.span.end));
                    prev_end = n.span.end;
                    p
                })
                .collect()
        }
        Json::Object(_) => vec![(
            at(statement.value.span.start + 1),
            at(statement.value.span.end),
        )],
        _ => Vec::new(),
    }
}

/// Rules of a policy type that AWS's simulator does not apply to a trust policy it does not
/// evaluate.
fn trust_only(code: Option<IssueCode>) -> bool {
    matches!(
        code,
        Some(
            IssueCode::RoleTrustPolicySyntaxErrorNotprincipal
                | IssueCode::RoleTrustPolicySyntaxErrorResource
                | IssueCode::RoleTrustPolicyUnsupportedWildcardInPrincipal
                | IssueCode::InvalidFederatedPrincipalSyntaxInRoleTrustPolicy
                | IssueCode::MissingActionForRolesAnywhereTrustPolicy
        )
    )
}

/// Parses one policy of the input as `kind`. With `lenient`, errors of the trust-only rules
/// become warnings and the policy is `None` (not evaluated).
fn parse_given(
    id: String,
    text: &Located,
    kind: PolicyType,
    lenient: bool,
    warnings: &mut Vec<String>,
) -> Result<Option<Given>, SimulateError> {
    let src = SourceFile::new(id.as_str(), text.text.as_str());
    match iamc_grammar::parse_policy(&src, kind) {
        Ok(parsed) => {
            if !parsed.warnings.is_empty() {
                warnings.push(parsed.warnings.render(&src).trim_end().to_owned());
            }
            let mut policy = parsed.policy;
            policy.name = id.clone();
            Ok(Some(Given {
                positions: statement_positions(&src),
                display: display(kind),
                id,
                policy,
            }))
        }
        Err(d) if lenient && d.errors().all(|e| trust_only(e.code())) => {
            warnings.push(format!(
                "{}\n{id}: warning: accepted as AWS's simulator accepts it: it does not evaluate trust policies for `sts:AssumeRole*` (use `--semantics iam` to evaluate it, which IAM would refuse)",
                d.render(&src).trim_end().replace(": error: ", ": warning: ")
            ));
            Ok(None)
        }
        Err(d) => Err(SimulateError::invalid(format!(
            "`{id}` (input line {}, column {}) is not a valid {} policy:\n{}",
            text.line,
            text.column,
            kind.as_str(),
            d.render(&src).trim_end()
        ))),
    }
}

/// The typed set decided for one action, and its engine.
struct Prepared {
    decider: Decider,
}

/// The account of `arn:PARTITION:iam::ACCOUNT:root` (or of any ARN with a 12-digit account).
fn account_of(arn: &str) -> Option<&str> {
    let mut fields = arn.splitn(6, ':');
    let (Some("arn"), Some(_), Some(_), Some(_), Some(account)) = (
        fields.next(),
        fields.next(),
        fields.next(),
        fields.next(),
        fields.next(),
    ) else {
        return None;
    };
    (account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit())).then_some(account)
}

/// Whether `arn` is an IAM user's ARN.
fn is_user_arn(arn: &str) -> bool {
    let fields: Vec<&str> = arn.splitn(6, ':').collect();
    matches!(fields.as_slice(), ["arn", _, "iam", "", account, res]
        if account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit()) && res.starts_with("user/") && res.len() > 5)
}

fn is_assume_role(action: &str) -> bool {
    action.to_ascii_lowercase().starts_with("sts:assumerole")
}

/// Simulates every action of `input` on every resource.
///
/// # Errors
/// `InvalidInput` for what the simulator refuses (an action without a service prefix, a
/// `ResourcePolicy` without `CallerArn`, a `CallerArn` that is not an IAM user, a `Service`
/// principal in the `ResourcePolicy`, an invalid policy, with its diagnostics);
/// `PolicyEvaluation` for a set that cannot be compiled.
pub fn simulate(input: &Input, options: &Options) -> Result<Simulation, SimulateError> {
    let mut warnings = Vec::new();
    for a in &input.actions {
        if !a.text.contains(':') {
            return Err(SimulateError::invalid(format!(
                "action `{}` (input line {}, column {}) must have the form `service:Action`",
                a.text, a.line, a.column
            )));
        }
        if a.text.contains(['*', '?']) {
            warnings.push(format!(
                "action `{}` (input line {}, column {}) has a wildcard: the simulator takes action names without wildcards; iamc decides it as a literal name",
                a.text, a.line, a.column
            ));
        }
    }
    if let Some(caller) = &input.caller {
        if !is_user_arn(&caller.text) {
            return Err(SimulateError::invalid(format!(
                "Invalid caller - Caller must be an IAM user in this context: `CallerArn` `{}` is not an IAM user's ARN",
                caller.text
            )));
        }
    }
    if input.resource_policy.is_some() && input.caller.is_none() {
        return Err(SimulateError::invalid(
            "`CallerArn` is required with a `ResourcePolicy` (its `Principal` needs a caller to name)",
        ));
    }
    let owner = match &input.resource_owner {
        None => None,
        Some(o) => match account_of(&o.text) {
            Some(a) => Some(a.to_owned()),
            None => {
                warnings.push(format!(
                    "`ResourceOwner` `{}` (input line {}, column {}) names no account (`arn:aws:iam::ACCOUNT:root`): ignored",
                    o.text, o.line, o.column
                ));
                None
            }
        },
    };
    // The policies that are the same for every action.
    let mut fixed: Vec<Given> = Vec::new();
    let mut levels: Vec<Vec<usize>> = Vec::new();
    for (list, policies, kind) in [
        ("PolicyInputList", &input.policies, PolicyType::Identity),
        (
            "PermissionsBoundaryPolicyInputList",
            &input.boundaries,
            PolicyType::Boundary,
        ),
    ] {
        for (i, p) in policies.iter().enumerate() {
            let id = format!("{list}.{}", i + 1);
            fixed.extend(parse_given(id, p, kind, false, &mut warnings)?);
        }
    }
    for (l, level) in input.scp_levels.iter().enumerate() {
        let mut ids = Vec::new();
        for (i, p) in level.iter().enumerate() {
            let id = format!(
                "OrderedOrganizationPolicyInputList.{}.ServiceControlPolicyInputList.{}",
                l + 1,
                i + 1
            );
            if let Some(g) = parse_given(id, p, PolicyType::Scp, false, &mut warnings)? {
                ids.push(fixed.len());
                fixed.push(g);
            }
        }
        levels.push(ids);
    }
    // The resource policy, by the type it is read as (resource, or trust for sts:AssumeRole*).
    let mut resource_policies: HashMap<PolicyType, Option<Given>> = HashMap::new();
    let mut prepared: HashMap<Option<PolicyType>, Prepared> = HashMap::new();
    let context = {
        let mut c = iamc_runtime::Context::new();
        for e in &input.context {
            c.insert(&e.name.text, e.value());
        }
        c
    };
    let resources: Vec<String> = match &input.resources {
        None => vec!["*".to_owned()],
        Some(list) if list.is_empty() => vec!["*".to_owned()],
        Some(list) => list.iter().map(|r| r.text.clone()).collect(),
    };
    let mut results = Vec::new();
    for action in &input.actions {
        let assume = is_assume_role(&action.text);
        let quirk = assume && options.semantics == Semantics::Simulator;
        // Which resource policy this action's set holds.
        let rp_kind = match &input.resource_policy {
            None => None,
            Some(text) => {
                let kind = if assume {
                    PolicyType::Trust
                } else {
                    PolicyType::Resource
                };
                if let std::collections::hash_map::Entry::Vacant(slot) =
                    resource_policies.entry(kind)
                {
                    let g = parse_given("ResourcePolicy".into(), text, kind, quirk, &mut warnings)?;
                    if let Some(g) = &g {
                        refuse_service_principals(g)?;
                    }
                    slot.insert(g);
                }
                resource_policies
                    .get(&kind)
                    .and_then(|g| g.as_ref())
                    .map(|_| kind)
            }
        };
        let evaluated = if quirk { None } else { rp_kind };
        for key in [evaluated, rp_kind] {
            if let std::collections::hash_map::Entry::Vacant(slot) = prepared.entry(key) {
                let set = typed_set(
                    &fixed,
                    &levels,
                    key.and_then(|k| resource_policies.get(&k)?.as_ref()),
                );
                slot.insert(prepare(set, options.engine)?);
            }
        }
        let all_given: Vec<&Given> = fixed
            .iter()
            .chain(rp_kind.and_then(|k| resource_policies.get(&k)?.as_ref()))
            .collect();
        for resource in &resources {
            let caller_account = input.caller.as_ref().and_then(|c| account_of(&c.text));
            let arn_account = account_of(resource);
            let req = Request {
                action: action.text.clone(),
                resource: resource.clone(),
                context: context.clone(),
                principal: input.caller.as_ref().map(|c| c.text.clone()),
                resource_account: if arn_account.is_none() {
                    owner.clone()
                } else {
                    None
                },
            };
            let resource_account = arn_account.map(str::to_owned).or_else(|| owner.clone());
            let cross_account = matches!((caller_account, resource_account.as_deref()), (Some(a), Some(b)) if a != b);
            let d = prepared
                .get(&evaluated)
                .map(|p| p.decider.diagnose(&req))
                .ok_or_else(|| SimulateError::invalid("internal: no prepared set"))?;
            let statements = &d.explanation.statements;
            let decision = if quirk {
                simulator_assume_role_decision(statements, &levels, input.boundaries.is_empty())
            } else {
                EvalDecision::of(d.explanation.decision)
            };
            let iam_decision = if quirk {
                let iam = prepared
                    .get(&rp_kind)
                    .map(|p| EvalDecision::of(p.decider.diagnose(&req).explanation.decision));
                iam.filter(|&i| i != decision)
            } else {
                None
            };
            if let Some(i) = iam_decision {
                warnings.push(format!(
                    "`{}` on `{resource}`: `{}` as AWS's simulator answers (it decides `sts:AssumeRole*` from the identity-based policies alone); IAM would answer `{}` (`--semantics iam`)",
                    action.text,
                    decision.as_str(),
                    i.as_str()
                ));
            }
            let matched = if decision == EvalDecision::ImplicitDeny {
                Vec::new()
            } else {
                matched_statements(statements, &all_given)
            };
            let allowed_by_boundary = (!input.boundaries.is_empty()).then(|| {
                let of = |e| {
                    statements
                        .iter()
                        .any(|m| m.policy_type == PolicyType::Boundary && m.effect == e)
                };
                of(Effect::Allow) && !of(Effect::Deny)
            });
            let allowed_by_organizations = (!input.scp_levels.is_empty()).then(|| {
                let scp = |m: &&MatchedStatement| m.policy_type == PolicyType::Scp;
                !statements
                    .iter()
                    .filter(scp)
                    .any(|m| m.effect == Effect::Deny)
                    && (0..levels.len()).all(|l| {
                        statements
                            .iter()
                            .filter(scp)
                            .any(|m| m.effect == Effect::Allow && m.level as usize == l)
                    })
            });
            let named = resource != "*";
            let details = named.then(|| {
                if cross_account {
                    vec![
                        (
                            "IAM Policy".to_owned(),
                            side(statements, &[PolicyType::Identity]),
                        ),
                        (
                            "Resource Policy".to_owned(),
                            side(statements, &[PolicyType::Resource, PolicyType::Trust]),
                        ),
                    ]
                } else {
                    Vec::new()
                }
            });
            let resource_specific = named.then(|| {
                vec![ResourceResult {
                    resource: resource.clone(),
                    decision,
                    matched: matched.clone(),
                    missing_context_values: d.missing_context_values.clone(),
                    allowed_by_boundary,
                }]
            });
            results.push(EvaluationResult {
                action: action.text.clone(),
                resource: resource.clone(),
                decision,
                matched,
                missing_context_values: d.missing_context_values.clone(),
                allowed_by_organizations,
                allowed_by_boundary,
                details,
                resource_specific,
                iam_decision,
            });
        }
    }
    Ok(Simulation { results, warnings })
}

/// AWS's simulator on `sts:AssumeRole*` (its trust policy not evaluated): an applying Deny
/// (identity, boundary, SCP) is `explicitDeny`; an SCP level without an applying Allow, or a
/// boundary without one, `implicitDeny`; then an identity Allow is `allowed`.
fn simulator_assume_role_decision(
    statements: &[MatchedStatement],
    levels: &[Vec<usize>],
    no_boundary: bool,
) -> EvalDecision {
    let applies = |t: PolicyType, e: Effect| {
        statements
            .iter()
            .any(|m| m.policy_type == t && m.effect == e)
    };
    if statements.iter().any(|m| m.effect == Effect::Deny) {
        return EvalDecision::ExplicitDeny;
    }
    let level_allows = |l: usize| {
        statements.iter().any(|m| {
            m.policy_type == PolicyType::Scp && m.level as usize == l && m.effect == Effect::Allow
        })
    };
    if !(0..levels.len()).all(level_allows) {
        return EvalDecision::ImplicitDeny;
    }
    if !no_boundary && !applies(PolicyType::Boundary, Effect::Allow) {
        return EvalDecision::ImplicitDeny;
    }
    if applies(PolicyType::Identity, Effect::Allow) {
        EvalDecision::Allowed
    } else {
        EvalDecision::ImplicitDeny
    }
}

/// One side's decision for `EvalDecisionDetails`: a Deny of those types, else an Allow, else
/// implicit.
fn side(statements: &[MatchedStatement], types: &[PolicyType]) -> EvalDecision {
    let of = |e| {
        statements
            .iter()
            .any(|m| types.contains(&m.policy_type) && m.effect == e)
    };
    if of(Effect::Deny) {
        EvalDecision::ExplicitDeny
    } else if of(Effect::Allow) {
        EvalDecision::Allowed
    } else {
        EvalDecision::ImplicitDeny
    }
}

/// The applying statements as `MatchedStatements`: the resource policy's first (as AWS lists
/// them), then identity, boundary and SCPs, each in the order given.
fn matched_statements(statements: &[MatchedStatement], given: &[&Given]) -> Vec<Statement> {
    let rank = |m: &MatchedStatement| match m.policy_type {
        PolicyType::Resource | PolicyType::Trust => 0,
        _ => 1,
    };
    let mut ordered: Vec<&MatchedStatement> = statements.iter().collect();
    ordered.sort_by_key(|m| rank(m));
    ordered
        .into_iter()
        .filter_map(|m| {
            let g = given.iter().find(|g| g.id == m.policy)?;
            let (start, end) = g.positions.get(m.index as usize).copied()?;
            Some(Statement {
                source_policy_id: g.id.clone(),
                source_policy_type: g.display,
                start,
                end,
            })
        })
        .collect()
}

/// AWS answers `InvalidInput` for a `ResourcePolicy` naming a service principal (one
/// recording, `tests/data/simulate/README.md` fact 20).
fn refuse_service_principals(g: &Given) -> Result<(), SimulateError> {
    let service = g.policy.statements.iter().any(|s| {
        s.principal.as_ref().is_some_and(|b| match &b.principals {
            ast::Principals::Map(list) => {
                list.iter().any(|e| e.kind == ast::PrincipalKind::Service)
            }
            ast::Principals::Any => false,
        })
    });
    if service {
        return Err(SimulateError::invalid(
            "Principal of type Service is not supported: the simulator evaluates a `ResourcePolicy` for an IAM user `CallerArn` only",
        ));
    }
    Ok(())
}

/// The typed set of the fixed policies and, if given, the resource policy.
fn typed_set(
    fixed: &[Given],
    levels: &[Vec<usize>],
    resource: Option<&Given>,
) -> iamc_grammar::PolicySet {
    let mut set = iamc_grammar::PolicySet::default();
    for g in fixed {
        match g.policy.kind {
            PolicyType::Scp => {}
            _ => set.push(g.policy.clone(), 0),
        }
    }
    for level in levels {
        set.scp.push(
            level
                .iter()
                .filter_map(|&i| fixed.get(i))
                .map(|g| g.policy.clone())
                .collect(),
        );
    }
    if let Some(g) = resource {
        set.push(g.policy.clone(), 0);
    }
    set
}

fn prepare(set: iamc_grammar::PolicySet, engine: Engine) -> Result<Prepared, SimulateError> {
    let decider = engine.prepare(set).map_err(|e| SimulateError {
        code: "PolicyEvaluation",
        message: format!("the policies do not compile: {e}"),
    })?;
    Ok(Prepared { decider })
}

fn position(p: Position) -> J {
    J::Obj(vec![
        ("Line", J::Num(p.line as u64)),
        ("Column", J::Num(p.column as u64)),
    ])
}

fn statements_json(list: &[Statement]) -> J {
    J::Arr(
        list.iter()
            .map(|s| {
                J::Obj(vec![
                    ("SourcePolicyId", J::Str(s.source_policy_id.clone())),
                    ("SourcePolicyType", J::Str(s.source_policy_type.to_owned())),
                    ("StartPosition", position(s.start)),
                    ("EndPosition", position(s.end)),
                ])
            })
            .collect(),
    )
}

fn strings_json(list: &[String]) -> J {
    J::Arr(list.iter().map(|s| J::Str(s.clone())).collect())
}

/// `MatchedStatements` and `MissingContextValues`: a result lists them, and so does each of its
/// resource-specific results.
fn matched_and_missing(matched: &[Statement], missing: &[String]) -> [(&'static str, J); 2] {
    [
        ("MatchedStatements", statements_json(matched)),
        ("MissingContextValues", strings_json(missing)),
    ]
}

/// `{"PermissionsBoundaryDecisionDetail": {"AllowedByPermissionsBoundary": b}}` when a boundary
/// was given.
fn boundary_detail(allowed: Option<bool>) -> Option<(&'static str, J)> {
    allowed.map(|b| {
        let detail = J::Obj(vec![("AllowedByPermissionsBoundary", J::Bool(b))]);
        ("PermissionsBoundaryDecisionDetail", detail)
    })
}

impl EvaluationResult {
    fn to_j(&self) -> J {
        let mut m = vec![
            ("EvalActionName", J::Str(self.action.clone())),
            ("EvalResourceName", J::Str(self.resource.clone())),
            ("EvalDecision", J::Str(self.decision.as_str().to_owned())),
        ];
        m.extend(matched_and_missing(
            &self.matched,
            &self.missing_context_values,
        ));
        if let Some(b) = self.allowed_by_organizations {
            m.push((
                "OrganizationsDecisionDetail",
                J::Obj(vec![("AllowedByOrganizations", J::Bool(b))]),
            ));
        }
        m.extend(boundary_detail(self.allowed_by_boundary));
        if let Some(details) = &self.details {
            m.push((
                "EvalDecisionDetails",
                J::Map(
                    details
                        .iter()
                        .map(|(k, d)| (k.clone(), J::Str(d.as_str().to_owned())))
                        .collect(),
                ),
            ));
        }
        if let Some(list) = &self.resource_specific {
            let results = list.iter().map(|r| {
                let mut o = vec![
                    ("EvalResourceName", J::Str(r.resource.clone())),
                    (
                        "EvalResourceDecision",
                        J::Str(r.decision.as_str().to_owned()),
                    ),
                ];
                o.extend(matched_and_missing(&r.matched, &r.missing_context_values));
                o.extend(boundary_detail(r.allowed_by_boundary));
                J::Obj(o)
            });
            m.push(("ResourceSpecificResults", J::Arr(results.collect())));
        }
        J::Obj(m)
    }
}

impl Simulation {
    /// The response as `aws iam simulate-custom-policy --output json` prints it (members in
    /// the API model's order, four spaces of indentation, a final newline).
    pub fn to_json(&self) -> String {
        let root = J::Obj(vec![(
            "EvaluationResults",
            J::Arr(self.results.iter().map(EvaluationResult::to_j).collect()),
        )]);
        let mut out = String::new();
        output::write(&mut out, &root, 0);
        out.push('\n');
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_utf16_units_and_line_ends() {
        let t = "{\"a\":\"é😀\",\r\n\"b\":1}\r2";
        assert_eq!(aws_position(t, 0), Position { line: 1, column: 1 });
        // After `{"a":"é😀",`: é is one unit, 😀 two.
        let comma = t.find(',').unwrap_or(0) + 1;
        assert_eq!(
            aws_position(t, comma),
            Position {
                line: 1,
                column: 12
            }
        );
        assert_eq!(aws_position(t, comma + 2), Position { line: 2, column: 1 });
        assert_eq!(
            aws_position(t, t.len() - 1),
            Position { line: 3, column: 1 }
        );
    }
}
