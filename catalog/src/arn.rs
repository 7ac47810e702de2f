//! ARN formats as automata, and the resource types an ARN or ARN pattern can denote.
//!
//! **Formats.** Each ARN format of the catalog is a regular language over the ARN text:
//! - literal text is itself (case-sensitive, as ARNs are);
//! - a placeholder `${Name}` is one or more characters, a `*` zero or more (the data writes
//!   `*` for "anything here": `dms` `endpoint:*`, `braket` devices with region and account
//!   `*`, which AWS's own simulators leave empty);
//! - before the fifth colon (partition, service, region, account) neither holds a `:`;
//! - in the resource part (after the fifth colon) a placeholder directly followed by `/` holds
//!   no `/`, one directly followed by `:` holds no `:`, and the last one holds any character
//!   except `/` when another format of the same ARN service continues this one with `/`.
//!
//! The data has no character sets for its placeholders, so this rule reads them from the
//! formats themselves. A separator that follows a name ends it (ECS
//! `task/${ClusterName}/${TaskId}`: no `/` in a cluster name). A format that another extends
//! with `/` is a container (S3 `${BucketName}` and `${BucketName}/${ObjectName}`), so
//! `arn:aws:s3:::b/*` does not denote the bucket: `s3:ListBucket` on it, the classic mistake,
//! allows nothing. Anything else stays open, because real names hold both separators: IAM
//! `role/${RoleNameWithPath}` has a path, CloudWatch Logs names groups `/aws/lambda/f` and
//! policies write them `log-group:NAME:*`, Lambda authorizes `function:NAME:ALIAS`, Glue has
//! `connection/aws:s3tables`, RDS `snapshot:awsbackup:...`.
//!
//! **Patterns are read field by field.** A policy's resource entry is lowered by the compiler
//! (`arn_glob`: padding, `?` as one character, policy variables as wildcards), except that no
//! wildcard before the fifth colon crosses a `:`. The engines let a `*` ending one of those
//! fields cross colons (spec 3.3.5), and under that reading every format with an open last
//! placeholder meets nearly every pattern (`arn:aws:ecs:*:*:task-definition/web:*` would
//! "denote" a cluster named `x:task-definition/web:1`, `arn:*:elasticloadbalancing:...`
//! every service's types). Field by field, the answers are the ones a reader expects. The
//! cost: a pattern that reaches a resource *only* by a field-ending `*` swallowing colons
//! (`arn:aws:logs:*:*:log-stream:*` does match real log streams in the engines: the account
//! `*` takes `123:log-group:g`) denotes nothing here; a finding built on an empty answer
//! should say so when the pattern has such a `*`.
//!
//! Calibrated on the policies of `tests/data/policies` against an "any character" reading of
//! the resource part (both field by field): the rule narrows what 223 of the corpus's ARN
//! patterns denote (mostly API Gateway paths, where a `*` would otherwise span segments) but
//! leaves none without a type that the loose reading gives one, and the literal actions that
//! meet none of their statement's resources differ in five: `s3:ListBucket` on
//! `arn:aws:s3:::*/CodeDeploy/*` (the mistake above) and four `profile:*UploadJob*` actions on
//! `domains/.../upload-jobs/*` (the catalog has no upload-job type and gives those actions the
//! domain). The crate tests' `calibration` module holds these figures.
//!
//! **Groups.** Formats are grouped by the ARN's *service field*, not by the service whose page
//! lists them (findings.md §3 rule 3: `sts` lists `arn:...:iam::...:role/...`). A pattern
//! with a literal service field is met with its group's formats element by element
//! (`meet.rs`: a product of two position automata per format, no determinization), which gives
//! the automata's answers; the group that has a format `meet.rs` cannot read, and a pattern
//! whose service field is not literal (found through a service index), use automata: one
//! multi-pattern DFA per group, built on first use (one DFA per format if that one would
//! exceed the compiler's size limit). Backup's recovery points have the service field
//! `${Vendor}`: [`Catalog::arn_formats_for`] includes them, [`Catalog::resource_types_for`]
//! leaves them out (they would answer for nearly every ARN with a `:` in its resource part).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use iamc_grammar::ast;
use regex_syntax::hir::{Class, ClassBytes, ClassBytesRange, Hir, Look, Repetition};

use crate::automata::{self, ops, ArnPattern, Dfa};
use crate::catalog::{Catalog, FormatRec};
use crate::error::PatternError;
use crate::view::{Action, ActionResource, ArnFormat, ResourceType};

mod meet;

/// The formats whose ARN service field is `service`.
#[derive(Debug)]
pub(crate) struct ArnGroup {
    pub service: &'static str,
    /// Into `Catalog::formats`; pattern `i` of the group's DFA is `formats[i]`.
    pub formats: Vec<u32>,
    dfa: OnceLock<Result<GroupAutomata, String>>,
    /// The formats as elements (`meet.rs`), or `None` when the group needs its automata.
    elements: OnceLock<Option<Vec<Vec<meet::Element>>>>,
}

/// A group's automata: one DFA whose pattern `i` is format `i`, or, when that DFA would exceed
/// the compiler's size limit, one DFA per format (each then with one pattern).
#[derive(Debug)]
enum GroupAutomata {
    One(Box<Dfa>),
    PerFormat(Vec<Dfa>),
}

impl ArnGroup {
    /// Whether the service field is a placeholder (`${Vendor}`) rather than a service.
    fn is_open(&self) -> bool {
        self.service.contains("${") || self.service.contains('*')
    }
}

/// One pattern per literal ARN group: `arn:<partition>:<service>:` and anything after, so one
/// product finds the groups a pattern with wildcards before its service field can reach.
#[derive(Debug)]
pub(crate) struct ServiceIndex {
    dfa: Dfa,
    /// Pattern `i` is group `groups[i]`.
    groups: Vec<u32>,
}

pub(crate) fn group_formats(formats: &[FormatRec]) -> Vec<ArnGroup> {
    let mut by_service: BTreeMap<&'static str, Vec<u32>> = BTreeMap::new();
    for (i, f) in formats.iter().enumerate() {
        let service = f.text.split(':').nth(2).unwrap_or("");
        if let Ok(i) = u32::try_from(i) {
            by_service.entry(service).or_default().push(i);
        }
    }
    by_service
        .into_iter()
        .map(|(service, formats)| ArnGroup {
            service,
            formats,
            dfa: OnceLock::new(),
            elements: OnceLock::new(),
        })
        .collect()
}

enum Token<'a> {
    Lit(&'a str),
    /// A placeholder (`min` 1) or a `*` (`min` 0).
    Hole {
        min: u32,
    },
}

fn tokens(format: &str) -> Vec<Token<'_>> {
    let mut out = Vec::new();
    let mut rest = format;
    while !rest.is_empty() {
        let dollar = rest.find("${");
        let star = rest.find('*');
        let (at, len, min) = match (dollar, star) {
            (Some(d), Some(s)) if s < d => (s, 1, 0),
            (Some(d), _) => match rest.get(d..).and_then(|r| r.find('}')) {
                Some(close) => (d, close + 1, 1),
                None => (rest.len(), 0, 0),
            },
            (None, Some(s)) => (s, 1, 0),
            (None, None) => (rest.len(), 0, 0),
        };
        if at > 0 {
            out.push(Token::Lit(rest.get(..at).unwrap_or("")));
        }
        if len > 0 {
            out.push(Token::Hole { min });
        }
        rest = rest.get(at + len..).unwrap_or("");
    }
    out
}

fn class_without(excluded: &[u8]) -> Hir {
    let mut ranges = Vec::new();
    let mut lo = 0u16;
    let mut sorted = excluded.to_vec();
    sorted.sort_unstable();
    for &b in &sorted {
        if u16::from(b) > lo {
            ranges.push(ClassBytesRange::new(lo as u8, b - 1));
        }
        lo = u16::from(b) + 1;
    }
    if lo <= 255 {
        ranges.push(ClassBytesRange::new(lo as u8, 255));
    }
    Hir::class(Class::Bytes(ClassBytes::new(ranges)))
}

/// How placeholders treat `/` and `:` (module docs). Only the calibration test uses another
/// rule than [`PlaceholderRule::Separators`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PlaceholderRule {
    /// The rule of the module docs.
    Separators,
    /// Any character in the resource part (no `:` before it): the loosest reading.
    /// (The calibration test's yardstick, compiled for tests only.)
    #[cfg(test)]
    Permissive,
}

/// How a pattern is met with a group's formats: on their elements where the group allows it
/// (`meet.rs`, always outside the tests), or with the automata (the tests' yardstick).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Meeting {
    Elements,
    #[cfg_attr(not(test), expect(dead_code, reason = "the tests' yardstick"))]
    Automata,
}

/// One part of an ARN format's language: literal text, or a hole of at least `min` bytes
/// none of which is in `excluded` (only `:` and `/` ever are).
pub(crate) enum Part<'a> {
    Lit(&'a str),
    Hole { min: u32, excluded: Vec<u8> },
}

/// The parts of one ARN format (module docs). `continued` says whether another format of the
/// same ARN group is this one followed by `/` and more. Both [`format_hir`] and the element
/// reading of `meet.rs` are made from these, so they describe one language.
pub(crate) fn format_parts(format: &str, continued: bool, rule: PlaceholderRule) -> Vec<Part<'_>> {
    let tokens = tokens(format);
    let mut colons = 0usize;
    let mut parts = Vec::with_capacity(tokens.len());
    for (i, t) in tokens.iter().enumerate() {
        match t {
            Token::Lit(s) => {
                colons += s.matches(':').count();
                parts.push(Part::Lit(s));
            }
            Token::Hole { min } => {
                let mut excluded = Vec::new();
                if colons < 5 {
                    excluded.push(b':');
                } else if rule == PlaceholderRule::Separators {
                    match tokens.get(i + 1) {
                        Some(Token::Lit(next)) if next.starts_with('/') => excluded.push(b'/'),
                        Some(Token::Lit(next)) if next.starts_with(':') => excluded.push(b':'),
                        None if continued => excluded.push(b'/'),
                        _ => {}
                    }
                }
                parts.push(Part::Hole {
                    min: *min,
                    excluded,
                });
            }
        }
    }
    parts
}

/// The language of one ARN format (module docs), end-anchored; `continued` as in
/// [`format_parts`].
pub(crate) fn format_hir(format: &str, continued: bool, rule: PlaceholderRule) -> Hir {
    let mut subs: Vec<Hir> = format_parts(format, continued, rule)
        .into_iter()
        .map(|part| match part {
            Part::Lit(s) => Hir::literal(s.as_bytes()),
            Part::Hole { min, excluded } => Hir::repetition(Repetition {
                min,
                max: None,
                greedy: true,
                sub: Box::new(class_without(&excluded)),
            }),
        })
        .collect();
    subs.push(Hir::look(Look::End));
    Hir::concat(subs)
}

fn text_template(text: &str) -> ast::Template {
    ast::Template {
        segments: vec![ast::Segment::Text(text.to_string())],
    }
}

impl Catalog {
    /// The ARN groups, made on first use.
    pub(crate) fn arn_groups(&self) -> &[ArnGroup] {
        self.arn_groups.get_or_init(|| group_formats(&self.formats))
    }

    /// The texts of a group's formats, each with whether another format of the group
    /// continues it with `/` (module docs).
    fn group_texts(&self, group: &ArnGroup) -> Vec<(&'static str, bool)> {
        let texts: Vec<&'static str> = group
            .formats
            .iter()
            .filter_map(|&f| self.formats.get(f as usize))
            .map(|f| f.text)
            .collect();
        texts
            .iter()
            .map(|&f| {
                let continued = texts
                    .iter()
                    .any(|g| g.strip_prefix(f).is_some_and(|rest| rest.starts_with('/')));
                (f, continued)
            })
            .collect()
    }

    /// A group's formats as elements (`meet.rs`), element list `i` being format `i`; `None`
    /// when some format must be matched by its automaton (then the whole group is).
    fn group_elements<'a>(&'a self, group: &'a ArnGroup) -> Option<&'a [Vec<meet::Element>]> {
        group
            .elements
            .get_or_init(|| {
                self.group_texts(group)
                    .into_iter()
                    .map(|(f, continued)| {
                        meet::format_elements(&format_parts(f, continued, self.placeholder_rule))
                    })
                    .collect()
            })
            .as_deref()
    }

    fn group_automata<'a>(
        &'a self,
        group: &'a ArnGroup,
    ) -> Result<&'a GroupAutomata, PatternError> {
        group
            .dfa
            .get_or_init(|| {
                let hirs: Vec<Hir> = self
                    .group_texts(group)
                    .into_iter()
                    .map(|(f, continued)| format_hir(f, continued, self.placeholder_rule))
                    .collect();
                match automata::build(&hirs) {
                    Ok(dfa) => Ok(GroupAutomata::One(Box::new(dfa))),
                    Err(_) => hirs
                        .into_iter()
                        .map(|h| automata::build(&[h]))
                        .collect::<Result<Vec<Dfa>, String>>()
                        .map(GroupAutomata::PerFormat),
                }
            })
            .as_ref()
            .map_err(|e| {
                PatternError::automaton(format!("ARN formats of `{}`: {e}", group.service))
            })
    }

    fn service_index(&self) -> Result<&ServiceIndex, PatternError> {
        self.arn_service_index
            .get_or_init(|| {
                let mut groups = Vec::new();
                let mut hirs = Vec::new();
                for (i, g) in self.arn_groups().iter().enumerate() {
                    if g.is_open() {
                        continue;
                    }
                    groups.push(u32::try_from(i).map_err(|e| e.to_string())?);
                    hirs.push(Hir::concat(vec![
                        Hir::literal(b"arn:".as_slice()),
                        Hir::repetition(Repetition {
                            min: 1,
                            max: None,
                            greedy: true,
                            sub: Box::new(class_without(b":")),
                        }),
                        Hir::literal(format!(":{}:", g.service).into_bytes()),
                        Hir::repetition(Repetition {
                            min: 0,
                            max: None,
                            greedy: true,
                            sub: Box::new(class_without(b"")),
                        }),
                        Hir::look(Look::End),
                    ]));
                }
                Ok(ServiceIndex {
                    dfa: automata::build(&hirs)?,
                    groups,
                })
            })
            .as_ref()
            .map_err(|e| PatternError::automaton(format!("ARN service index: {e}")))
    }

    /// The literal groups a pattern can reach.
    fn groups_for(&self, pattern: &ArnPattern) -> Result<Vec<usize>, PatternError> {
        if let Some(service) = &pattern.service {
            return Ok(self
                .arn_groups()
                .binary_search_by(|g| g.service.cmp(service))
                .ok()
                .into_iter()
                .collect());
        }
        let index = self.service_index()?;
        let dfa = pattern.dfa().map_err(PatternError::automaton)?;
        let pairs = ops::intersecting_patterns(dfa, &index.dfa, &ops::Limits::default())
            .map_err(|e| PatternError::automaton(e.to_string()))?;
        Ok(pairs
            .into_iter()
            .filter_map(|(_, g)| index.groups.get(g.as_usize()))
            .map(|&g| g as usize)
            .collect())
    }

    /// The formats of `groups` whose language meets the pattern's.
    fn formats_meeting(
        &self,
        pattern: &ArnPattern,
        groups: impl IntoIterator<Item = usize>,
        how: Meeting,
    ) -> Result<BTreeSet<u32>, PatternError> {
        let mut out = BTreeSet::new();
        let mut elements: Option<Vec<meet::Element>> = None;
        for g in groups {
            let Some(group) = self.arn_groups().get(g) else {
                continue;
            };
            let by_elements = match how {
                Meeting::Elements => self.group_elements(group),
                Meeting::Automata => None,
            };
            if let Some(formats) = by_elements {
                let pattern =
                    elements.get_or_insert_with(|| meet::pattern_elements(&pattern.glob.pieces));
                out.extend(
                    formats
                        .iter()
                        .zip(&group.formats)
                        .filter(|(format, _)| meet::meet(pattern, format))
                        .map(|(_, &f)| f),
                );
                continue;
            }
            let limits = ops::Limits::default();
            let err = |e: ops::OpsError| PatternError::automaton(e.to_string());
            let pattern_dfa = pattern.dfa().map_err(PatternError::automaton)?;
            match self.group_automata(group)? {
                GroupAutomata::One(dfa) => {
                    let pairs =
                        ops::intersecting_patterns(pattern_dfa, dfa, &limits).map_err(err)?;
                    out.extend(
                        pairs
                            .into_iter()
                            .filter_map(|(_, f)| group.formats.get(f.as_usize()).copied()),
                    );
                }
                GroupAutomata::PerFormat(dfas) => {
                    for (dfa, &f) in dfas.iter().zip(&group.formats) {
                        let a = ops::Language::of(pattern_dfa);
                        if ops::intersection(a, ops::Language::of(dfa), &limits)
                            .map_err(err)?
                            .is_some()
                        {
                            out.insert(f);
                        }
                    }
                }
            }
        }
        Ok(out)
    }

    /// The ARN formats a resource entry can denote, in format order: those whose language meets
    /// the entry's, read field by field (module docs; policy variables are wildcards). Formats
    /// whose service field is a placeholder (Backup's `${Vendor}` recovery points) are included
    /// ([`ArnFormat::service_field`] tells them); empty when the entry's service has no format.
    ///
    /// Compute this once per entry and ask each action with [`Action::resource_types_among`].
    ///
    /// # Errors
    /// An automaton exceeded its size limit.
    pub fn arn_formats_for(
        &self,
        pattern: &ast::Template,
    ) -> Result<Vec<ArnFormat<'_>>, PatternError> {
        self.arn_formats_by(pattern, Meeting::Elements)
    }

    /// [`Catalog::arn_formats_for`], the formats met as `how` says.
    pub(crate) fn arn_formats_by(
        &self,
        pattern: &ast::Template,
        how: Meeting,
    ) -> Result<Vec<ArnFormat<'_>>, PatternError> {
        let pattern = automata::arn_pattern(pattern).map_err(PatternError::automaton)?;
        let mut groups = self.groups_for(&pattern)?;
        groups.extend(
            self.arn_groups()
                .iter()
                .enumerate()
                .filter(|(_, g)| g.is_open())
                .map(|(i, _)| i),
        );
        Ok(self
            .formats_meeting(&pattern, groups, how)?
            .into_iter()
            .map(|id| ArnFormat { cat: self, id })
            .collect())
    }

    /// The resource types a resource entry can denote: those of [`Catalog::arn_formats_for`]
    /// whose ARN service field is a service (not Backup's `${Vendor}`, which would answer for
    /// nearly every ARN), each once, in format order.
    ///
    /// # Errors
    /// As [`Catalog::arn_formats_for`].
    pub fn resource_types_for(
        &self,
        pattern: &ast::Template,
    ) -> Result<Vec<ResourceType<'_>>, PatternError> {
        let mut types: Vec<ResourceType<'_>> = self
            .arn_formats_for(pattern)?
            .into_iter()
            .filter(|f| !f.has_service_placeholder())
            .map(|f| f.resource_type())
            .collect();
        types.dedup();
        Ok(types)
    }

    /// [`Catalog::resource_types_for`] of a resource string without policy variables (`$`, `{`
    /// and `}` are literal characters here): a concrete ARN or an ARN pattern such as
    /// `arn:aws:ecs:*:*:task-definition/web:*`.
    ///
    /// # Errors
    /// As [`Catalog::arn_formats_for`].
    pub fn resource_types_for_arn(
        &self,
        pattern: &str,
    ) -> Result<Vec<ResourceType<'_>>, PatternError> {
        self.resource_types_for(&text_template(pattern))
    }
}

impl<'c> Action<'c> {
    /// The action's resource types among the types of `formats` (the answer of
    /// [`Catalog::arn_formats_for`] for some entry, `${Vendor}` formats included). Empty means
    /// the entry never names a resource this action takes: a statement allowing the action
    /// only there allows nothing (IAMC_RESOURCE_MISMATCH). Actions without resource types take
    /// only `*`, so the answer is empty for them too.
    pub fn resource_types_among(&self, formats: &[ArnFormat<'_>]) -> Vec<ActionResource<'c>> {
        self.resource_types()
            .filter(|r| {
                let id = r.resource_type().id;
                formats
                    .iter()
                    .any(|f| std::ptr::eq(f.cat, self.cat) && f.resource_type().id == id)
            })
            .collect()
    }

    /// [`Action::resource_types_among`] the formats `pattern` can denote.
    ///
    /// # Errors
    /// As [`Catalog::arn_formats_for`].
    pub fn resource_types_for(
        &self,
        pattern: &ast::Template,
    ) -> Result<Vec<ActionResource<'c>>, PatternError> {
        if self.resource_types().next().is_none() {
            return Ok(Vec::new());
        }
        Ok(self.resource_types_among(&self.cat.arn_formats_for(pattern)?))
    }

    /// [`Action::resource_types_for`] of a resource string without policy variables.
    ///
    /// # Errors
    /// As [`Catalog::arn_formats_for`].
    pub fn resource_types_for_arn(
        &self,
        pattern: &str,
    ) -> Result<Vec<ActionResource<'c>>, PatternError> {
        self.resource_types_for(&text_template(pattern))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accepts(format: &str, arn: &str) -> bool {
        accepts_in(format, false, arn)
    }

    fn accepts_in(format: &str, continued: bool, arn: &str) -> bool {
        let dfa =
            automata::build(&[format_hir(format, continued, PlaceholderRule::Separators)]).unwrap();
        let lang = ops::Language::of(&dfa);
        let lit = automata::arn_pattern(&text_template(arn)).unwrap();
        ops::intersection(
            lang,
            ops::Language::of(lit.dfa().unwrap()),
            &ops::Limits::default(),
        )
        .unwrap()
        .is_some()
    }

    #[test]
    fn placeholders_hold_what_the_module_docs_say() {
        let object = "arn:${Partition}:s3:::${BucketName}/${ObjectName}";
        let bucket = "arn:${Partition}:s3:::${BucketName}";
        assert!(accepts(object, "arn:aws:s3:::b/k/with/slashes:and:colons"));
        assert!(!accepts(object, "arn:aws:s3:::b"));
        // The object format continues the bucket's with `/`: a bucket name holds no `/`.
        assert!(accepts_in(bucket, true, "arn:aws:s3:::b"));
        assert!(!accepts_in(bucket, true, "arn:aws:s3:::b/k"));
        assert!(accepts_in(bucket, false, "arn:aws:s3:::b/k"));
        // A placeholder holds no separator that directly follows it.
        let stream = "arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}:log-stream:${LogStreamName}";
        assert!(accepts(
            stream,
            "arn:aws:logs:us-east-1:1:log-group:/aws/lambda/f:log-stream:s"
        ));
        assert!(!accepts(
            stream,
            "arn:aws:logs:us-east-1:1:log-group:a:b:log-stream:s"
        ));
        let task = "arn:${Partition}:ecs:${Region}:${Account}:task/${ClusterName}/${TaskId}";
        assert!(accepts(task, "arn:aws:ecs:us-east-1:1:task/c/t"));
        assert!(!accepts(task, "arn:aws:ecs:us-east-1:1:task/c"));
        // The last one holds both (log groups are written `log-group:NAME:*`).
        let group = "arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}";
        assert!(accepts(
            group,
            "arn:aws:logs:us-east-1:1:log-group:/aws/lambda/f:*"
        ));
        let connection = "arn:${Partition}:glue:${Region}:${Account}:connection/${ConnectionName}";
        assert!(accepts(
            connection,
            "arn:aws:glue:us-east-1:1:connection/aws:s3tables"
        ));
        // Before the fifth colon, nothing holds a `:`, and a pattern's `*` does not cross one.
        assert!(!accepts(task, "arn:aws:ecs:us:east:1:1:task/c/t"));
        assert!(!accepts(group, "arn:aws:logs:*:*:log-stream:*"));
        // Placeholders are one or more characters; `*` may be empty.
        assert!(!accepts(task, "arn:aws:ecs::1:task/c/t"));
        let braket = "arn:${Partition}:braket:*:*:device/${DeviceType}/${Provider}/${DeviceId}";
        assert!(accepts(
            braket,
            "arn:aws:braket:::device/quantum-simulator/amazon/sv1"
        ));
        let dms = "arn:${Partition}:dms:${Region}:${Account}:endpoint:*";
        assert!(accepts(dms, "arn:aws:dms:us-east-1:1:endpoint:"));
        assert!(accepts(dms, "arn:aws:dms:us-east-1:1:endpoint:ABC"));
    }
}
