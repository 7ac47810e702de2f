//! Condition keys: exact names, templates, global keys, identity-provider claim keys.
//!
//! Case rules: IAM compares condition key names ignoring case, so every lookup here does.
//!
//! A catalog key is a **template** when it holds `${...}` or `<...>`, or ends in `/tag-key`
//! (findings.md §3 rule 1: `ecs:ResourceTag/${TagKey}`, `s3:ExistingObjectTag/<key>`,
//! `secretsmanager:ResourceTag/tag-key`). Each such placeholder stands for one or more
//! characters of any kind, `:` and `/` included (tag keys hold both:
//! `secretsmanager:ResourceTag/aws:secretsmanager:owningService` is a known key).

use crate::catalog::{Catalog, KeyRec};
use crate::vocab::KeyType;

/// A condition key of the catalog (a service key, or a global one).
#[derive(Debug, Clone, Copy)]
pub struct ConditionKey<'c> {
    rec: &'c KeyRec,
    global: bool,
}

impl PartialEq for ConditionKey<'_> {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self.rec, other.rec)
    }
}

impl Eq for ConditionKey<'_> {}

impl<'c> ConditionKey<'c> {
    pub(crate) fn new(rec: &'c KeyRec, global: bool) -> ConditionKey<'c> {
        ConditionKey { rec, global }
    }

    /// The name as the data spells it (`ecs:ResourceTag/${TagKey}`, `aws:PrincipalTag/tag-key`).
    pub fn name(&self) -> &'static str {
        self.rec.name
    }

    pub fn key_type(&self) -> KeyType {
        self.rec.ty
    }

    /// Whether a request may carry several values for it (an `ArrayOf` type).
    pub fn is_multivalued(&self) -> bool {
        self.rec.ty.is_multivalued()
    }

    /// Whether the name holds a placeholder (see the module docs).
    pub fn is_template(&self) -> bool {
        self.rec.template
    }

    /// Whether it is one of the global condition keys (the `aws:` keys and the six session
    /// keys without that prefix, such as `ec2:SourceInstanceArn`).
    pub fn is_global(&self) -> bool {
        self.global
    }

    /// Whether `name` is this key, or an instance of this template, ignoring case.
    pub fn matches(&self, name: &str) -> bool {
        if self.rec.template {
            template_matches(self.rec.name, name)
        } else {
            self.rec.name.eq_ignore_ascii_case(name)
        }
    }
}

/// Whether a catalog key name is a template (module docs): the same test as [`pieces`]
/// finding a placeholder, without allocating (it runs on every key at load).
pub(crate) fn is_template(name: &str) -> bool {
    let bytes = name.as_bytes();
    let closed = |open: &[u8], close: u8| {
        bytes
            .windows(open.len())
            .position(|w| w == open)
            .is_some_and(|at| bytes.get(at..).is_some_and(|rest| rest.contains(&close)))
    };
    closed(b"${", b'}') || closed(b"<", b'>') || tag_key_tail(name).is_some()
}

/// `name` without its final `tag-key` when it ends in `/tag-key` after some text.
fn tag_key_tail(name: &str) -> Option<&str> {
    let cut = name.len().checked_sub("tag-key".len())?;
    let (head, tail) = (name.get(..cut)?, name.get(cut..)?);
    (head.len() > 1 && head.ends_with('/') && tail.eq_ignore_ascii_case("tag-key")).then_some(head)
}

#[derive(Debug, PartialEq, Eq)]
enum Piece<'a> {
    Lit(&'a str),
    Hole,
}

fn pieces(template: &str) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    let mut rest = template;
    let mut tail_hole = false;
    if let Some(head) = tag_key_tail(rest) {
        rest = head;
        tail_hole = true;
    }
    while !rest.is_empty() {
        let open = [("${", '}'), ("<", '>')]
            .into_iter()
            .filter_map(|(o, c)| {
                let at = rest.find(o)?;
                let close = rest.get(at..)?.find(c)? + at;
                Some((at, close))
            })
            .min();
        match open {
            Some((at, close)) => {
                if at > 0 {
                    out.push(Piece::Lit(rest.get(..at).unwrap_or("")));
                }
                out.push(Piece::Hole);
                rest = rest.get(close + 1..).unwrap_or("");
            }
            None => {
                out.push(Piece::Lit(rest));
                rest = "";
            }
        }
    }
    if tail_hole {
        out.push(Piece::Hole);
    }
    out
}

/// Whether `name` is an instance of `template`: literal parts equal ignoring ASCII case, each
/// placeholder one or more characters.
pub(crate) fn template_matches(template: &str, name: &str) -> bool {
    fn go(pieces: &[Piece<'_>], s: &str) -> bool {
        match pieces.split_first() {
            None => s.is_empty(),
            Some((Piece::Lit(l), rest)) => match (s.get(..l.len()), s.get(l.len()..)) {
                (Some(head), Some(tail)) => head.eq_ignore_ascii_case(l) && go(rest, tail),
                _ => false,
            },
            Some((Piece::Hole, rest)) => s
                .char_indices()
                .skip(1)
                .map(|(i, _)| i)
                .chain(std::iter::once(s.len()))
                .filter(|&i| i > 0)
                .any(|i| s.get(i..).is_some_and(|tail| go(rest, tail))),
        }
    }
    go(&pieces(template), name)
}

/// Total length of a template's literal parts: the more, the more specific.
fn literal_len(template: &str) -> usize {
    pieces(template)
        .iter()
        .map(|p| match p {
            Piece::Lit(l) => l.len(),
            Piece::Hole => 0,
        })
        .sum()
}

/// The text before the first `:` (the whole text without one).
fn prefix_of(key: &str) -> &str {
    key.split_once(':').map_or(key, |(p, _)| p)
}

/// The most specific key of `keys` that `name` is or instantiates.
fn find_key<'c>(
    keys: &'c [KeyRec],
    templates: impl Iterator<Item = &'c KeyRec>,
    name: &str,
) -> Option<&'c KeyRec> {
    if let Ok(i) = keys.binary_search_by(|k| crate::catalog::cmp_ci(k.name, name)) {
        return keys.get(i);
    }
    templates
        .filter(|k| template_matches(k.name, name))
        .max_by_key(|k| literal_len(k.name))
}

impl Catalog {
    /// The service condition key `name` is (ignoring case) or instantiates: every key some
    /// service's page lists, `aws:` keys included as those pages spell them
    /// (`aws:ResourceTag/${TagKey}`). Global keys are [`Catalog::global_key`].
    pub fn condition_key(&self, name: &str) -> Option<ConditionKey<'_>> {
        let templates = self
            .key_templates
            .iter()
            .filter_map(|&i| self.keys.get(usize::from(i)));
        find_key(&self.keys, templates, name).map(|k| ConditionKey::new(k, false))
    }

    /// The global condition key `name` is or instantiates (`aws:PrincipalTag/Dept` is
    /// `aws:PrincipalTag/tag-key`), ignoring case.
    pub fn global_key(&self, name: &str) -> Option<ConditionKey<'_>> {
        let templates = self.globals.iter().filter(|k| k.template);
        find_key(&self.globals, templates, name).map(|k| ConditionKey::new(k, true))
    }

    /// The type of a condition key: a global key's, else a service key's; `None` for unknown
    /// keys and identity-provider claims the catalog does not list.
    pub fn key_type(&self, name: &str) -> Option<KeyType> {
        self.global_key(name)
            .or_else(|| self.condition_key(name))
            .map(|k| k.key_type())
    }

    /// Every service condition key, sorted by name ignoring case.
    pub fn condition_keys(&self) -> impl Iterator<Item = ConditionKey<'_>> {
        self.keys.iter().map(|k| ConditionKey::new(k, false))
    }

    /// Every global condition key, sorted by name ignoring case.
    pub fn global_keys(&self) -> impl Iterator<Item = ConditionKey<'_>> {
        self.globals.iter().map(|k| ConditionKey::new(k, true))
    }

    /// Whether `key` is an identity-provider claim key (findings.md §3 rule 4): its prefix
    /// (before the first `:`) holds `.` or `/` (`token.actions.githubusercontent.com:sub`,
    /// `oidc.eks.us-east-1.amazonaws.com/id/X:aud`). The catalog lists only some; the others
    /// are valid keys of unknown type.
    pub fn is_claim_key(key: &str) -> bool {
        key.split_once(':')
            .is_some_and(|(p, _)| p.contains(['.', '/']))
    }

    /// Whether `prefix` may start a condition key: a service prefix, or a prefix of
    /// `unassociatedConditions` (`saml`, `cognito-identity.amazonaws.com`,
    /// `agent.${Domain}.buildkite.dev`), ignoring case.
    pub fn is_known_key_prefix(&self, prefix: &str) -> bool {
        self.service(prefix).is_some()
            || self.key_prefixes.iter().any(|(p, _)| {
                p.eq_ignore_ascii_case(prefix) || (is_template(p) && template_matches(p, prefix))
            })
    }

    /// The service key nearest to `name` among those with its prefix, for a `did you mean`
    /// (edit distance at most 2, ignoring case).
    pub fn suggest_condition_key(&self, name: &str) -> Option<ConditionKey<'_>> {
        let prefix = prefix_of(name);
        let candidates: Vec<&str> = self
            .keys
            .iter()
            .filter(|k| prefix_of(k.name).eq_ignore_ascii_case(prefix))
            .map(|k| k.name)
            .collect();
        let best = iamc_grammar::diag::suggest(name, &candidates)?;
        self.condition_key(best)
    }

    /// The global key nearest to `name`, for a `did you mean`.
    pub fn suggest_global_key(&self, name: &str) -> Option<ConditionKey<'_>> {
        let candidates: Vec<&str> = self.globals.iter().map(|k| k.name).collect();
        let best = iamc_grammar::diag::suggest(name, &candidates)?;
        self.global_key(best)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_template_spellings() {
        assert!(is_template("ecs:ResourceTag/${TagKey}"));
        assert!(is_template("s3:ExistingObjectTag/<key>"));
        assert!(is_template("secretsmanager:ResourceTag/tag-key"));
        assert!(is_template("agent.${Domain}.buildkite.dev:cluster_id"));
        assert!(!is_template("ecs:cluster"));
        assert!(!is_template("aws:tag-key"));
        assert!(template_matches(
            "ecs:ResourceTag/${TagKey}",
            "ECS:resourcetag/Dept"
        ));
        assert!(template_matches(
            "secretsmanager:ResourceTag/tag-key",
            "secretsmanager:ResourceTag/aws:secretsmanager:owningService"
        ));
        assert!(template_matches(
            "s3:ExistingObjectTag/<key>",
            "s3:ExistingObjectTag/é"
        ));
        assert!(template_matches(
            "codebuild:secondarySources/${sourceIdentifier}.location",
            "codebuild:secondarySources/x.y.location"
        ));
        // A placeholder is one or more characters.
        assert!(!template_matches(
            "ecs:ResourceTag/${TagKey}",
            "ecs:ResourceTag/"
        ));
        assert!(!template_matches(
            "ecs:ResourceTag/${TagKey}",
            "ecs:ResourceTags/x"
        ));
        assert!(!template_matches("ecs:cluster", "ecs:clusters"));
    }
}
