//! The reference interpreter: decides a request by walking the policy AST directly.
//!
//! Deliberately simple and slow: globs are a dynamic program over characters, conditions are
//! linear scans, numbers are compared as digit strings, dates are parsed by hand. It shares no
//! code with the compiler (never import `iamc_compiler`): it is the oracle the compiled engine is
//! tested against. Every rule implements a point of DESIGN.md "Semantics both engines
//! implement", which resolves the open choices of the semantics spec; the spec section is named
//! on each function.
//!
//! The policies are identity-based policies attached to one principal, evaluated together
//! (spec 7.1). `Principal` blocks (absent in identity policies) are not consulted.

use iamc_grammar::ast;
use iamc_runtime::{Context, Decision, EffectName, Explanation, MatchedStatement, Request, Value};

mod conditions;
mod glob;

use glob::Tok;

/// A set of identity policies attached to one principal.
#[derive(Debug, Clone, Default)]
pub struct PolicySet {
    policies: Vec<ast::Policy>,
}

impl PolicySet {
    pub fn new(policies: Vec<ast::Policy>) -> PolicySet {
        PolicySet { policies }
    }

    pub fn policies(&self) -> &[ast::Policy] {
        &self.policies
    }

    /// The decision with every applying statement, policies in the order given, statements by
    /// index (spec 7.1): any applying Deny is `ExplicitDeny`, else any applying Allow is
    /// `Allow`, else `ImplicitDeny`.
    ///
    /// Only identity-based policies are decided so far: a set holding any other policy type
    /// (boundary, SCP, resource policy, ...) denies every request, with no statement, rather
    /// than let a ceiling grant as if it were an identity policy (the compiler refuses such a
    /// set outright).
    pub fn explain(&self, req: &Request) -> Explanation {
        if self
            .policies
            .iter()
            .any(|p| p.kind != ast::PolicyKind::Identity)
        {
            return Explanation {
                decision: Decision::ImplicitDeny,
                statements: Vec::new(),
            };
        }
        let mut statements = Vec::new();
        for policy in &self.policies {
            for stmt in &policy.statements {
                if statement_applies(policy.version, stmt, req) {
                    statements.push(MatchedStatement {
                        policy: policy.name.clone(),
                        index: u32::try_from(stmt.index).unwrap_or(u32::MAX),
                        sid: stmt.sid.as_ref().map(|s| s.node.clone()),
                        effect: match stmt.effect.node {
                            ast::Effect::Allow => EffectName::Allow,
                            ast::Effect::Deny => EffectName::Deny,
                        },
                    });
                }
            }
        }
        let decision = if statements.iter().any(|s| s.effect == EffectName::Deny) {
            Decision::ExplicitDeny
        } else if statements.iter().any(|s| s.effect == EffectName::Allow) {
            Decision::Allow
        } else {
            Decision::ImplicitDeny
        };
        Explanation {
            decision,
            statements,
        }
    }

    /// The decision alone.
    pub fn authorize(&self, req: &Request) -> Decision {
        self.explain(req).decision
    }
}

/// A statement applies when its action, resource and condition tests all hold (spec 0, 7.1).
fn statement_applies(version: ast::Version, stmt: &ast::Statement, req: &Request) -> bool {
    action_ok(&stmt.action, &req.action)
        && stmt
            .resource
            .as_ref()
            .is_some_and(|block| resource_ok(version, block, req))
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
fn resource_ok(version: ast::Version, block: &ast::ResourceBlock, req: &Request) -> bool {
    let any = block
        .patterns
        .iter()
        .any(|p| resource_matches(version, &p.node, req));
    any != block.negated
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
