//! Witnesses: a region's candidate requests checked with every engine (the compiled artifact,
//! the IR interpreter, and the judges the caller adds), made consistent with what AWS couples
//! where the region allows it, and written as the request JSON `iamc eval` reads.

use std::cell::OnceCell;

use iamc_compiler::ir::condition::{Operand, Test};
use iamc_compiler::ir::{self, Piece};
use iamc_grammar::json::{write_array, write_string};
use iamc_grammar::PolicySet;
use iamc_runtime::{Artifact, Decision, Request, Scalar, Value};

use super::dims::Space;
use super::region::Region;
use super::{Judge, Limits, Side};

/// Every engine, for both sides.
pub(crate) struct Engines<'a> {
    old: Option<(&'a PolicySet, &'a ir::PolicySet)>,
    new: (&'a PolicySet, &'a ir::PolicySet),
    judges: &'a [&'a dyn Judge],
    compiled: [OnceCell<Result<Artifact, String>>; 2],
}

impl<'a> Engines<'a> {
    pub(crate) fn new(
        old: Option<(&'a PolicySet, &'a ir::PolicySet)>,
        new: (&'a PolicySet, &'a ir::PolicySet),
        judges: &'a [&'a dyn Judge],
    ) -> Engines<'a> {
        Engines {
            old,
            new,
            judges,
            compiled: [OnceCell::new(), OnceCell::new()],
        }
    }

    /// The lowered set of `side` (`None`: `check_access`'s OLD).
    fn lowered(&self, side: Side) -> Option<&'a ir::PolicySet> {
        match side {
            Side::Old => self.old.map(|(_, l)| l),
            Side::New => Some(self.new.1),
        }
    }

    /// Every engine's decision of `side` on `req` (`None` for an engine that could not run,
    /// with why); a side without a set (`check_access`'s OLD) allows nothing.
    fn decide(&self, side: Side, req: &Request) -> Vec<(String, Result<Decision, String>)> {
        let set = match side {
            Side::Old => self.old,
            Side::New => Some(self.new),
        };
        let Some((grammar, lowered)) = set else {
            return vec![("none".to_owned(), Ok(Decision::ImplicitDeny))];
        };
        let slot = match side {
            Side::Old => &self.compiled[0],
            Side::New => &self.compiled[1],
        };
        let artifact = slot.get_or_init(|| {
            iamc_compiler::compile_set_artifact(grammar, &iamc_compiler::Config::default())
                .map(|(a, _)| a)
                .map_err(|e| e.to_string())
        });
        let mut out = vec![
            (
                "compiled".to_owned(),
                artifact
                    .as_ref()
                    .map(|a| a.authorize(req))
                    .map_err(Clone::clone),
            ),
            (
                "ir".to_owned(),
                Ok(iamc_compiler::ir::interp::authorize(lowered, req)),
            ),
        ];
        for j in self.judges {
            out.push((j.name().to_owned(), Ok(j.decide(side, req))));
        }
        out
    }
}

/// Why `req` does not show that `target` allows it and the other side does not, per engine;
/// empty when every engine agrees.
fn disagreements(engines: &Engines<'_>, target: Side, req: &Request) -> Vec<String> {
    let base = match target {
        Side::New => Side::Old,
        Side::Old => Side::New,
    };
    let name = |s: Side| match s {
        Side::New => "NEW",
        Side::Old => "OLD",
    };
    let mut out = Vec::new();
    for (engine, d) in engines.decide(target, req) {
        match d {
            Ok(Decision::Allow) => {}
            Ok(d) => out.push(format!(
                "the {engine} engine decides {d:?} under {}",
                name(target)
            )),
            Err(e) => out.push(format!("the {engine} engine could not run: {e}")),
        }
    }
    for (engine, d) in engines.decide(base, req) {
        match d {
            Ok(Decision::Allow) => {
                out.push(format!(
                    "the {engine} engine decides Allow under {}",
                    name(base)
                ));
            }
            Ok(_) => {}
            Err(e) => out.push(format!("the {engine} engine could not run: {e}")),
        }
    }
    out
}

fn is_account(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

/// What AWS derives from the caller and the resource, for the coupled keys.
struct Derived {
    account: Option<String>,
    arn: Option<String>,
    kind: Option<&'static str>,
    user: Option<String>,
    resource_account: Option<String>,
}

fn derived(req: &Request) -> Derived {
    let mut d = Derived {
        account: None,
        arn: None,
        kind: None,
        user: None,
        resource_account: req.resource_account.clone().or_else(|| {
            iamc_format::arn::parse(&req.resource)
                .map(|f| f[4])
                .filter(|a| is_account(a))
                .map(str::to_owned)
        }),
    };
    let Some(p) = req.principal.as_deref() else {
        return d;
    };
    if p == "*" {
        d.kind = Some("Anonymous");
        return d;
    }
    let Some([_, _, service, _, account, resource]) = iamc_format::arn::parse(p) else {
        return d;
    };
    if !is_account(account) {
        return d;
    }
    d.account = Some(account.to_owned());
    match (service, resource.split_once('/')) {
        ("iam", None) if resource == "root" => {
            d.kind = Some("Account");
            d.arn = Some(p.to_owned());
        }
        ("iam", Some(("user", path))) => {
            d.kind = Some("User");
            d.arn = Some(p.to_owned());
            d.user = path.rsplit('/').next().map(str::to_owned);
        }
        ("sts", Some(("assumed-role", _))) => d.kind = Some("AssumedRole"),
        ("sts", Some(("federated-user", _))) => {
            d.kind = Some("FederatedUser");
            d.arn = Some(p.to_owned());
        }
        _ => {}
    }
    d
}

/// Keys AWS sets from the request itself, with the value it would set.
fn coupled(req: &Request) -> Vec<(&'static str, Option<String>)> {
    let d = derived(req);
    vec![
        ("aws:principalaccount", d.account),
        ("aws:principalarn", d.arn),
        ("aws:principaltype", d.kind.map(str::to_owned)),
        ("aws:username", d.user),
        ("aws:resourceaccount", d.resource_account),
    ]
}

/// Sets each coupled key the region constrains to the value AWS would give it, where that
/// value is allowed in the region.
fn repair(region: &Region, space: &Space, req: &mut Request) {
    for (key, value) in coupled(req) {
        let (Some(value), Some(&k)) = (value, space.key_index.get(key)) else {
            continue;
        };
        let Some(d) = space.keys.get(k) else { continue };
        if req.context.get(key).is_none() {
            continue;
        }
        let v = Value::Single(Scalar::String(value));
        let ok = match (region.key_states(k), d.state_of(Some(&v))) {
            (Some(states), Some(s)) => states.contains(&s),
            (None, Some(_)) => true,
            _ => false,
        };
        if ok {
            req.context.insert(key, v);
        }
    }
}

/// The ways `req` is not a request AWS could make (a coupled key set otherwise than AWS
/// would set it).
fn unrealistic(req: &Request) -> Vec<String> {
    let mut out = Vec::new();
    for (key, value) in coupled(req) {
        let (Some(value), Some(given)) = (value, req.context.get(key)) else {
            continue;
        };
        let same = match given {
            Value::Single(s) => s.as_text() == value,
            Value::Multi(_) => false,
        };
        if !same {
            out.push(format!(
                "the witness gives `{key}` a value AWS would not (it derives `{value}` from the request)"
            ));
        }
    }
    let text = |k: &str| match req.context.get(k) {
        Some(Value::Single(s)) => Some(s.as_text().to_owned()),
        _ => None,
    };
    if let (Some(c), Some(e)) = (text("aws:currenttime"), text("aws:epochtime")) {
        let at = iamc_format::value::parse_date(&c).map(|t| t.secs.to_string());
        if at.as_deref() != Some(e.as_str()) {
            out.push(
                "the witness gives `aws:CurrentTime` and `aws:EpochTime` different instants"
                    .to_owned(),
            );
        }
    }
    let tag_keys: Vec<String> = req
        .context
        .iter()
        .filter_map(|(k, _)| k.strip_prefix("aws:requesttag/").map(str::to_owned))
        .collect();
    if let Some(v) = req.context.get("aws:tagkeys") {
        if !tag_keys.is_empty() {
            let listed: Vec<String> = match v {
                Value::Single(s) => vec![s.as_text().to_ascii_lowercase()],
                Value::Multi(xs) => xs
                    .iter()
                    .map(|x| x.as_text().to_ascii_lowercase())
                    .collect(),
            };
            if tag_keys.iter().any(|t| !listed.contains(t)) {
                out.push(
                    "the witness's `aws:TagKeys` does not list its `aws:RequestTag/...` keys"
                        .to_owned(),
                );
            }
        }
    }
    out
}

/// A key the allowing side tests for equality with a policy variable's value
/// (`"aws:ResourceAccount": "${aws:PrincipalAccount}"`): the key, and the value's text around
/// its one variable.
struct Tie {
    key: String,
    prefix: String,
    var: String,
    suffix: String,
}

/// The ties of `set`'s `StringEquals` clauses whose value is one variable with literal text
/// around it (the approximated comparisons witnesses most often fail on).
fn ties(set: &ir::PolicySet) -> Vec<Tie> {
    let mut out: Vec<Tie> = Vec::new();
    for c in set.statements.iter().flat_map(|s| s.conditions.iter()) {
        let Test::Equals { values, .. } = &c.test else {
            continue;
        };
        if c.negated || c.qualifier.is_some() {
            continue;
        }
        for v in values {
            let Operand::Template(g) = v else { continue };
            let (mut prefix, mut var, mut suffix) = (String::new(), None, String::new());
            let mut plain = true;
            for p in &g.pieces {
                match (p, &var) {
                    (Piece::Lit(t), None) => prefix.push_str(t),
                    (Piece::Lit(t), Some(_)) => suffix.push_str(t),
                    // Keys are case-insensitive; the domains are indexed by the lower-case name.
                    (Piece::Var { key, .. }, None) => var = Some(key.to_ascii_lowercase()),
                    _ => plain = false,
                }
            }
            if let (true, Some(var)) = (plain, var) {
                if !out.iter().any(|t| t.key == c.key && t.var == var) {
                    out.push(Tie {
                        key: c.key.clone(),
                        prefix,
                        var,
                        suffix,
                    });
                }
            }
        }
    }
    out
}

/// Whether the region lets `key` take the single value `value` (keys it does not constrain:
/// yes).
fn allows(region: &Region, space: &Space, key: &str, value: &str) -> bool {
    let Some(&k) = space.key_index.get(&key.to_ascii_lowercase()) else {
        return true;
    };
    let Some(d) = space.keys.get(k) else {
        return true;
    };
    let v = Value::Single(Scalar::String(value.to_owned()));
    match (region.key_states(k), d.state_of(Some(&v))) {
        (None, _) => true,
        (Some(states), Some(s)) => states.contains(&s),
        (Some(_), None) => false,
    }
}

/// `req` with each tied key and variable given values that make the tie hold, where the region
/// allows them: the variable from the key, the key from the variable, or both from the value
/// AWS would derive for either (else a made-up one).
fn tie(req: &Request, region: &Region, space: &Space, ties: &[Tie]) -> Request {
    let mut out = req.clone();
    let text = |r: &Request, k: &str| match r.context.get(k) {
        Some(Value::Single(s)) => Some(s.as_text().to_owned()),
        _ => None,
    };
    for t in ties {
        match (text(&out, &t.key), text(&out, &t.var)) {
            (Some(k), None) => {
                let v = k
                    .strip_prefix(t.prefix.as_str())
                    .and_then(|r| r.strip_suffix(t.suffix.as_str()));
                if let Some(v) = v.filter(|v| allows(region, space, &t.var, v)) {
                    out.context
                        .insert(&t.var, Value::Single(Scalar::String(v.to_owned())));
                }
            }
            (None, Some(v)) => {
                let k = format!("{}{v}{}", t.prefix, t.suffix);
                if allows(region, space, &t.key, &k) {
                    out.context.insert(&t.key, Value::Single(Scalar::String(k)));
                }
            }
            (None, None) => {
                let derived = coupled(&out)
                    .into_iter()
                    .find(|(k, v)| v.is_some() && (k.eq_ignore_ascii_case(&t.var) || *k == t.key));
                let v = match derived {
                    Some((k, Some(d))) if k.eq_ignore_ascii_case(&t.var) => d,
                    Some((_, Some(d))) => d
                        .strip_prefix(t.prefix.as_str())
                        .and_then(|r| r.strip_suffix(t.suffix.as_str()))
                        .unwrap_or("111122223333")
                        .to_owned(),
                    _ => "111122223333".to_owned(),
                };
                let k = format!("{}{v}{}", t.prefix, t.suffix);
                if allows(region, space, &t.key, &k) && allows(region, space, &t.var, &v) {
                    out.context.insert(&t.key, Value::Single(Scalar::String(k)));
                    out.context.insert(&t.var, Value::Single(Scalar::String(v)));
                }
            }
            (Some(_), Some(_)) => {}
        }
    }
    out
}

/// Checks a region's candidate witnesses: the first every engine confirms (and AWS could
/// make) makes the region certain; otherwise it is "may allow", with why.
pub(crate) fn confirm(
    mut region: Region,
    space: &Space,
    target: Side,
    engines: &Engines<'_>,
    limits: &Limits,
) -> Region {
    let mut first_problem: Option<Vec<String>> = None;
    let mut confirmed_but_odd: Option<(Request, Vec<String>)> = None;
    let candidates = std::mem::take(&mut region.candidates);
    let ties = engines.lowered(target).map(ties).unwrap_or_default();
    let tries = candidates.iter().flat_map(|cell| {
        let req = super::region::witness_of(space, cell);
        let tied = (!ties.is_empty()).then(|| tie(&req, &region, space, &ties));
        std::iter::once(req).chain(tied)
    });
    let tries: Vec<Request> = tries.take(limits.max_witness_tries.max(1)).collect();
    for mut req in tries {
        repair(&region, space, &mut req);
        let problems = disagreements(engines, target, &req);
        if !problems.is_empty() {
            first_problem.get_or_insert(problems);
            continue;
        }
        let odd = unrealistic(&req);
        if odd.is_empty() {
            region.witnesses = vec![req];
            region.certain = true;
            break;
        }
        confirmed_but_odd.get_or_insert((req, odd));
    }
    if !region.certain {
        if let Some((req, odd)) = confirmed_but_odd {
            region.witnesses = vec![req];
            region
                .notes
                .extend(odd.into_iter().map(|o| format!("may allow: {o}")));
        } else if let Some(p) = first_problem {
            region.notes.push(format!(
                "may allow: no witness confirmed ({})",
                p.join("; ")
            ));
        }
    }
    if region.approx {
        region.notes.push(
            "an approximation was needed (policy variables, mixed operator families or long lists): the region may be wider than the access".to_owned(),
        );
    }
    if let Some(g) = &region.gave_up {
        region.notes.push(g.clone());
    }
    region
}

fn scalar(out: &mut String, s: &Scalar) {
    match s {
        Scalar::String(t) => write_string(out, t),
        Scalar::Number(n) => out.push_str(n),
        Scalar::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
    }
}

/// A request as the JSON object `iamc eval` reads (spec/io.md): `action`, `resource`,
/// `principal` and `resourceAccount` when set, `context` when not empty.
///
/// ```
/// let req = iamc_runtime::Request::new("s3:GetObject", "arn:aws:s3:::b/k");
/// assert_eq!(
///     iamc_analysis::diff::request_to_json(&req),
///     r#"{"action":"s3:GetObject","resource":"arn:aws:s3:::b/k"}"#
/// );
/// ```
pub fn request_to_json(req: &Request) -> String {
    let mut out = String::from("{\"action\":");
    write_string(&mut out, &req.action);
    out.push_str(",\"resource\":");
    write_string(&mut out, &req.resource);
    if let Some(p) = &req.principal {
        out.push_str(",\"principal\":");
        write_string(&mut out, p);
    }
    if let Some(a) = &req.resource_account {
        out.push_str(",\"resourceAccount\":");
        write_string(&mut out, a);
    }
    let mut entries = req.context.iter().peekable();
    if entries.peek().is_some() {
        out.push_str(",\"context\":{");
        for (i, (k, v)) in entries.enumerate() {
            if i > 0 {
                out.push(',');
            }
            write_string(&mut out, k);
            out.push(':');
            match v {
                Value::Single(s) => scalar(&mut out, s),
                Value::Multi(xs) => write_array(&mut out, xs, scalar),
            }
        }
        out.push('}');
    }
    out.push('}');
    out
}
