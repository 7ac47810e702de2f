//! Policies where they live: plain policy files, CloudFormation templates (JSON or YAML) and
//! Terraform plans (`terraform show -json`), read into policy texts the grammar parses, each
//! with a map back to its place in the file.
//!
//! [`read`] decides what a file is from its content ([`Format`]), extracts every policy it
//! holds ([`ExtractedPolicy`]: a name such as `MyRole.Policies[0]` or
//! `module.x.aws_iam_role.r.assume_role_policy`, a policy kind, a JSON text, a
//! [`PositionMap`]), and reports problems of the file itself. Every diagnostic about an
//! extracted policy is rendered at its line and column *in the file*: [`ExtractedPolicy::check`]
//! and [`ExtractedPolicy::parse`] map the grammar's diagnostics, and
//! [`ExtractedPolicy::to_template`] maps any other diagnostic made on the policy text (a
//! finding, say).
//!
//! **Unknown values.** CloudFormation intrinsic functions are resolved where the result is
//! literal (`Ref` to a parameter with a value, `Fn::Sub`, `Fn::Join` of those); anything else
//! (`Fn::GetAtt`, `Ref` to a resource, `Fn::If`, a pseudo parameter without a user value, a
//! Terraform value known only after apply) is an [`Unknown`]: a warning at its place, a `*`
//! in the policy text so that the rest still validates. [`ExtractedPolicy::check`] reports it
//! and goes on (diagnostics inside the placeholder are not reported); [`ExtractedPolicy::parse`],
//! the entry point for anything that decides requests or compares policies, refuses a policy
//! with an unknown value, naming each one at its place. A guess could allow more than the
//! deployed policy (a wildcard in an `Allow`) or less (in a `Deny`), so no guess is made. See
//! DESIGN.md, "Policies in templates".
//!
//! **Findings.** [`check_file`] gives the findings of `iamc check` (`iamc_analysis::findings`)
//! for any file: each policy's findings moved to their places in the file
//! ([`ExtractedPolicy::findings`]), the file's own problems and unknown values as findings of
//! iamc's codes `IAMC_TEMPLATE` and `IAMC_UNKNOWN_VALUE`.
//!
//! This module reads and maps; it decides nothing. It depends on the grammar (parsing, the
//! diagnostic type), on `saphyr-parser` (YAML events with spans) and, for the findings, on
//! `iamc-analysis`.

mod cfn;
mod doc;
mod findings;
mod map;
mod terraform;
pub(crate) mod tree;
pub(crate) mod yaml;

pub use findings::check_file;
pub use map::{PositionMap, TemplateSpan};

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use iamc_grammar::ast::PolicyType;
use iamc_grammar::{Diagnostic, Diagnostics, Limits, Parsed, Severity, SourceFile, Span, Warnings};

use doc::Draft;
use map::Mapped;
use tree::Problem;

/// What a file holds, decided from its content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// One IAM policy document (JSON); also anything JSON-like that is no template or plan,
    /// so that the grammar reports its problems as for any policy.
    Policy,
    /// A CloudFormation template in JSON (`AWSTemplateFormatVersion` or `Resources`).
    CloudFormationJson,
    /// A CloudFormation template in YAML.
    CloudFormationYaml,
    /// A Terraform plan or state in JSON (`format_version` with `planned_values`,
    /// `resource_changes` or `values`).
    TerraformPlan,
}

impl Format {
    /// `a policy`, `a CloudFormation template (YAML)`, ...
    pub fn describe(self) -> &'static str {
        match self {
            Format::Policy => "a policy",
            Format::CloudFormationJson => "a CloudFormation template (JSON)",
            Format::CloudFormationYaml => "a CloudFormation template (YAML)",
            Format::TerraformPlan => "a Terraform plan",
        }
    }
}

/// How [`read`] reads a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// The kind of a plain policy file (a template's policies have the kind of where they
    /// sit: a role's `AssumeRolePolicyDocument` is a trust policy, a bucket policy a resource
    /// policy, ...). Default: identity.
    pub kind: PolicyType,
    /// Values for CloudFormation parameters and pseudo parameters (`AWS::AccountId`,
    /// `AWS::Region`, `AWS::Partition`, ...), as `--param NAME=VALUE` gives them. A
    /// parameter's value here wins over its `Default`; a pseudo parameter has a value only
    /// here.
    pub params: BTreeMap<String, String>,
    /// The largest file read, in bytes (default 8 MiB, the policy document limit). Also the
    /// budget of bytes that YAML aliases may copy.
    pub max_file_bytes: usize,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            kind: PolicyType::Identity,
            params: BTreeMap::new(),
            max_file_bytes: Limits::default().max_document_bytes,
        }
    }
}

/// A file that could not be read at all: too large, not UTF-8, not a policy, template or plan,
/// invalid YAML, or hostile YAML (an alias bomb, nesting too deep, a duplicate key, ...). The
/// diagnostics point into the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceError {
    diagnostics: Diagnostics,
}

impl SourceError {
    pub fn diagnostics(&self) -> &Diagnostics {
        &self.diagnostics
    }

    fn at(file: &SourceFile, p: Problem) -> SourceError {
        SourceError {
            diagnostics: Diagnostics::from_one(diagnostic(file, Severity::Error, p)),
        }
    }
}

impl fmt::Display for SourceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.diagnostics)
    }
}

impl std::error::Error for SourceError {}

/// A file read: its policies and the problems of the file itself.
#[derive(Debug, Clone)]
pub struct Source {
    file: Arc<SourceFile>,
    format: Format,
    policies: Vec<ExtractedPolicy>,
    notes: Vec<Diagnostic>,
}

impl Source {
    /// The file as read (named by the path given to [`read`]).
    pub fn file(&self) -> &SourceFile {
        &self.file
    }

    pub fn format(&self) -> Format {
        self.format
    }

    /// Every policy found, in file order. A plain policy file holds exactly one.
    pub fn policies(&self) -> &[ExtractedPolicy] {
        &self.policies
    }

    /// Problems of the file itself, not of a policy text: a resource without `Type`, a role
    /// without `AssumeRolePolicyDocument`, a resource type whose policies are not read, a
    /// conditional resource, no policy at all, ... Errors among them mean some policy could
    /// not be extracted.
    pub fn notes(&self) -> &[Diagnostic] {
        &self.notes
    }

    /// Everything `iamc check` reports for this file, in file order: the notes, then for each
    /// policy its unknown values and the grammar's diagnostics (see [`ExtractedPolicy::check`]).
    pub fn check(&self, limits: &Limits) -> Vec<Diagnostic> {
        let mut out = self.notes.clone();
        for p in &self.policies {
            out.extend(p.check(limits));
        }
        sort(&mut out);
        out
    }

    /// Every policy parsed for deciding requests, or every error: the notes that are errors
    /// (a policy that could not be extracted) and each policy's errors from
    /// [`ExtractedPolicy::parse`] (unknown values included).
    ///
    /// # Errors
    /// When any note is an error or any policy fails [`ExtractedPolicy::parse`]; the
    /// diagnostics are at their places in the file.
    pub fn parse_all(&self, limits: &Limits) -> Result<Vec<Parsed>, Diagnostics> {
        let mut errors: Vec<Diagnostic> = self
            .notes
            .iter()
            .filter(|d| d.is_error())
            .cloned()
            .collect();
        let mut parsed = Vec::new();
        for p in &self.policies {
            match p.parse(limits) {
                Ok(ok) => parsed.push(ok),
                Err(d) => errors.extend(d.into_vec()),
            }
        }
        match Diagnostics::new(errors) {
            Some(d) => Err(d),
            None => Ok(parsed),
        }
    }
}

/// A value of a policy that could not be resolved (see the module documentation).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unknown {
    /// The report at its place in the file: a warning, or an error for a malformed or
    /// dangling reference (CloudFormation would refuse the template).
    diagnostic: Diagnostic,
    /// The placeholder in the policy text.
    text_span: Span,
    /// The policy-text token holding the placeholder (the string literal around it): the
    /// grammar's diagnostics within it are not reported.
    token_span: Span,
}

impl Unknown {
    /// The report at the value's place in the file.
    pub fn diagnostic(&self) -> &Diagnostic {
        &self.diagnostic
    }

    /// The value's bytes in the file.
    pub fn span(&self) -> Span {
        self.diagnostic.span()
    }

    /// The placeholder's bytes in the policy text.
    pub fn text_span(&self) -> Span {
        self.text_span
    }
}

/// One policy found in a file.
#[derive(Debug, Clone)]
pub struct ExtractedPolicy {
    name: String,
    kind: PolicyType,
    /// The policy text, named by [`ExtractedPolicy::qualified_name`].
    src: SourceFile,
    map: PositionMap,
    unknowns: Vec<Unknown>,
}

impl ExtractedPolicy {
    /// The policy's name in its file: a CloudFormation logical id and property path
    /// (`MyRole.Policies[0]`, `MyRole.AssumeRolePolicyDocument`, `Bucket.PolicyDocument`), a
    /// Terraform address and attribute (`module.x.aws_iam_role.r.assume_role_policy`,
    /// `aws_iam_role.r.inline_policy[0]`, `aws_iam_policy.p.policy`); for a plain policy file,
    /// the path given to [`read`].
    pub fn name(&self) -> &str {
        &self.name
    }

    /// `PATH#NAME` for a policy of a template or plan (`stack.yaml#MyRole.Policies[0]`); the
    /// path for a plain policy file. The name [`ExtractedPolicy::parse`] gives the AST.
    pub fn qualified_name(&self) -> &str {
        self.src.name()
    }

    pub fn kind(&self) -> PolicyType {
        self.kind
    }

    /// The policy as JSON text, an unknown value written as `*`.
    pub fn text(&self) -> &str {
        self.src.text()
    }

    /// The policy text as a source file for the grammar (named by the qualified name).
    pub fn source_file(&self) -> &SourceFile {
        &self.src
    }

    /// The map from the policy text back to the file.
    pub fn map(&self) -> &PositionMap {
        &self.map
    }

    /// The template file the policy was read from.
    pub fn template(&self) -> &SourceFile {
        self.map.template()
    }

    /// The values that could not be resolved (none for a fully known policy).
    pub fn unknowns(&self) -> &[Unknown] {
        &self.unknowns
    }

    /// Whether every value of the policy is known.
    pub fn is_known(&self) -> bool {
        self.unknowns.is_empty()
    }

    /// A diagnostic made on the policy text (by the grammar, a finding, ...) rendered at its
    /// place in the file: `PATH:LINE:COL: error: MESSAGE`, with the file's line and carets.
    pub fn to_template(&self, d: &Diagnostic) -> Diagnostic {
        let at = self.map.to_template(d.span());
        Diagnostic::new(
            self.map.template(),
            d.severity(),
            at.span,
            d.message(),
            d.help().map(str::to_owned),
        )
    }

    /// What `iamc check` reports for the policy, in file order: each unknown value (a
    /// warning, or an error when malformed), then the grammar's errors and warnings at their
    /// places in the file, except those inside an unknown value's placeholder token (they are
    /// about a value nobody knows).
    pub fn check(&self, limits: &Limits) -> Vec<Diagnostic> {
        let mut out: Vec<Diagnostic> = self.unknowns.iter().map(|u| u.diagnostic.clone()).collect();
        let found = match iamc_grammar::parse_policy_with(&self.src, self.kind, limits) {
            Ok(parsed) => parsed.warnings.0,
            Err(d) => d.into_vec(),
        };
        for d in found {
            let s = d.span();
            let hidden = self
                .unknowns
                .iter()
                .any(|u| u.token_span.start <= s.start && s.end <= u.token_span.end);
            if !hidden {
                out.push(self.to_template(&d));
            }
        }
        sort(&mut out);
        out
    }

    /// The policy parsed for deciding requests (or comparing policies). The AST is named
    /// [`ExtractedPolicy::qualified_name`]; its spans are in [`ExtractedPolicy::text`] (map
    /// them with [`ExtractedPolicy::map`]); its warnings are at their places in the file.
    ///
    /// # Errors
    /// Each unknown value, as an error at its place in the file (a policy with an unknown value
    /// is never decided: any guess could allow what the deployed policy does not); else the
    /// grammar's diagnostics, at their places in the file.
    pub fn parse(&self, limits: &Limits) -> Result<Parsed, Diagnostics> {
        if !self.unknowns.is_empty() {
            let refusals = self
                .unknowns
                .iter()
                .map(|u| {
                    let d = &u.diagnostic;
                    let help = d.help().map_or_else(
                        || "iamc decides only policies whose every value is known".to_owned(),
                        |h| format!("{h}; iamc decides only policies whose every value is known"),
                    );
                    Diagnostic::new(
                        self.map.template(),
                        Severity::Error,
                        d.span(),
                        d.message(),
                        Some(help),
                    )
                })
                .collect();
            return Err(Diagnostics::new(refusals).unwrap_or_else(|| {
                Diagnostics::from_one(Diagnostic::new(
                    self.map.template(),
                    Severity::Error,
                    Span::new(0, 0),
                    "the policy has an unknown value",
                    None,
                ))
            }));
        }
        match iamc_grammar::parse_policy_with(&self.src, self.kind, limits) {
            Ok(mut parsed) => {
                let warnings = parsed
                    .warnings
                    .iter()
                    .map(|d| self.to_template(d))
                    .collect();
                parsed.warnings = Warnings(warnings);
                Ok(parsed)
            }
            Err(d) => {
                let mapped: Vec<Diagnostic> = d.iter().map(|d| self.to_template(d)).collect();
                Err(Diagnostics::new(mapped).unwrap_or(d))
            }
        }
    }
}

/// Reads the file `path` (its content `bytes`): what it is and every policy it holds.
///
/// Detection: content starting with `{` or `[` (after whitespace and a byte order mark), or
/// empty, is JSON: a CloudFormation template when its root object has
/// `AWSTemplateFormatVersion` (or `Resources` and no `Statement`), a Terraform plan when it
/// has `format_version` and `planned_values`, `resource_changes` or `values`, and otherwise a
/// policy (JSON that does not parse is a policy too: the grammar reports its syntax error
/// as for any policy file). Any other content is read as YAML and must be a CloudFormation
/// template.
///
/// # Errors
/// A [`SourceError`] at its place in the file when the file cannot be read at all: more than
/// [`Options::max_file_bytes`], not UTF-8 (at the first bad byte), YAML that is invalid or
/// hostile (see `sources/yaml.rs`), or content that is no policy, template or plan. Problems
/// of single resources are not errors here: they are [`Source::notes`].
pub fn read(path: &str, bytes: &[u8], options: &Options) -> Result<Source, SourceError> {
    if bytes.len() > options.max_file_bytes {
        let file = SourceFile::new(path, "");
        return Err(SourceError::at(
            &file,
            Problem::new(
                Span::new(0, 0),
                format!(
                    "`{path}` is {} bytes, more than the limit of {} bytes (`max_file_bytes`)",
                    bytes.len(),
                    options.max_file_bytes
                ),
            ),
        ));
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t.to_owned(),
        Err(e) => {
            let at = e.valid_up_to();
            let lossy = String::from_utf8_lossy(bytes).into_owned();
            let what = if ["Resources", "AWSTemplateFormatVersion", "format_version"]
                .iter()
                .any(|k| lossy.contains(k))
            {
                "the file"
            } else {
                "the policy"
            };
            let file = SourceFile::new(path, lossy);
            return Err(SourceError::at(
                &file,
                Problem::new(
                    Span::new(at, at + 1),
                    format!("{what} is not valid UTF-8 (byte {at})"),
                ),
            ));
        }
    };
    let file = Arc::new(SourceFile::new(path, text));
    let text = file.text();
    let first = text
        .trim_start_matches('\u{feff}')
        .trim_start()
        .chars()
        .next();
    let (format, drafts, mut notes) = if matches!(first, None | Some('{' | '[')) {
        match json_document(&file) {
            Some(Json::Template(root)) => {
                let (drafts, notes) = cfn::extract(&root, text, &options.params);
                (Format::CloudFormationJson, drafts, notes)
            }
            Some(Json::Plan(root)) => {
                let (drafts, notes) = terraform::extract(&root, text);
                (Format::TerraformPlan, drafts, notes)
            }
            Some(Json::Invalid(p)) => return Err(SourceError::at(&file, p)),
            None => {
                return Ok(plain_policy(file, options.kind));
            }
        }
    } else {
        let root = match yaml::parse(text, options.max_file_bytes) {
            Ok(Some(root)) => root,
            Ok(None) => return Err(SourceError::at(&file, unrecognized(path))),
            Err(p) => return Err(SourceError::at(&file, p)),
        };
        if !is_template(&root) {
            return Err(SourceError::at(&file, unrecognized(path)));
        }
        let (drafts, notes) = cfn::extract(&root, text, &options.params);
        (Format::CloudFormationYaml, drafts, notes)
    };
    if drafts.is_empty() && !notes.iter().any(|(s, _)| *s == Severity::Error) {
        notes.push((
            Severity::Warning,
            Problem::new(
                Span::new(0, 0),
                format!("{} holds no policy that iamc reads", format.describe()),
            ),
        ));
    }
    let policies = drafts.into_iter().map(|d| finish(&file, d)).collect();
    let mut notes: Vec<Diagnostic> = notes
        .into_iter()
        .map(|(s, p)| diagnostic(&file, s, p))
        .collect();
    sort(&mut notes);
    Ok(Source {
        file,
        format,
        policies,
        notes,
    })
}

/// What a JSON file is.
enum Json {
    Template(tree::Node),
    Plan(iamc_grammar::json::Node),
    /// A template that cannot be read (a duplicate key).
    Invalid(Problem),
}

/// A JSON template or plan, or `None` for a policy (or JSON that does not parse).
fn json_document(file: &SourceFile) -> Option<Json> {
    // Most files are policies: parse only what may be a template or plan.
    if !looks_like_template(file.text()) {
        return None;
    }
    let root = iamc_grammar::parse_json(file).ok()?;
    let iamc_grammar::json::Json::Object(members) = &root.value else {
        return None;
    };
    let has = |k: &str| members.iter().any(|m| m.key == k);
    if has("AWSTemplateFormatVersion") || (has("Resources") && !has("Statement")) {
        return Some(match tree::from_json(root) {
            Ok(t) => Json::Template(t),
            Err(p) => Json::Invalid(p),
        });
    }
    if terraform::is_plan(&root) {
        return Some(Json::Plan(root));
    }
    None
}

fn looks_like_template(text: &str) -> bool {
    [
        "\"Resources\"",
        "\"AWSTemplateFormatVersion\"",
        "\"format_version\"",
    ]
    .iter()
    .any(|k| text.contains(k))
}

fn is_template(root: &tree::Node) -> bool {
    root.get("AWSTemplateFormatVersion").is_some() || root.get("Resources").is_some()
}

fn unrecognized(path: &str) -> Problem {
    Problem::new(
        Span::new(0, 0),
        format!("`{path}` is not a JSON policy, a CloudFormation template or a Terraform plan"),
    )
    .help("a policy is a JSON object with a `Statement`; a CloudFormation template (JSON or YAML) has a `Resources` section; a Terraform plan is the output of `terraform show -json`")
}

/// A plain policy file: one policy, the whole text, mapped to itself.
fn plain_policy(file: Arc<SourceFile>, kind: PolicyType) -> Source {
    let text = file.text();
    let mut m = Mapped::new();
    m.push(text, Span::new(0, text.len()), true);
    let whole = Span::new(0, text.len());
    let policy = ExtractedPolicy {
        name: file.name().to_owned(),
        kind,
        src: SourceFile::new(file.name(), text),
        map: PositionMap::new(&m, Arc::clone(&file), whole),
        unknowns: Vec::new(),
    };
    Source {
        file,
        format: Format::Policy,
        policies: vec![policy],
        notes: Vec::new(),
    }
}

/// A draft written out as its policy text, with its map and unknown values.
fn finish(file: &Arc<SourceFile>, d: Draft) -> ExtractedPolicy {
    let written = doc::write(&d.doc);
    let qualified = format!("{}#{}", file.name(), d.name);
    let text = written.text.text.clone();
    let tokens = if written.unknowns.is_empty() {
        Vec::new()
    } else {
        iamc_grammar::lexer::tokenize(&text).unwrap_or_default()
    };
    let unknowns = written
        .unknowns
        .into_iter()
        .map(|(info, text_span)| {
            let token_span = tokens
                .iter()
                .find(|(l, _, r)| *l <= text_span.start && text_span.end <= *r)
                .map_or(text_span, |(l, _, r)| Span::new(*l, *r));
            Unknown {
                diagnostic: Diagnostic::new(
                    file,
                    info.severity,
                    info.span,
                    info.message,
                    info.help,
                ),
                text_span,
                token_span,
            }
        })
        .collect();
    ExtractedPolicy {
        name: d.name,
        kind: d.kind,
        map: PositionMap::new(&written.text, Arc::clone(file), d.span),
        src: SourceFile::new(qualified, text),
        unknowns,
    }
}

fn diagnostic(file: &SourceFile, severity: Severity, p: Problem) -> Diagnostic {
    let help = p.help.or_else(|| {
        p.first.map(|f| {
            let (line, col) = file.line_col(f.start);
            format!("first written at line {line}, column {col}")
        })
    });
    Diagnostic::new(file, severity, p.span, p.message, help)
}

fn sort(list: &mut [Diagnostic]) {
    list.sort_by_key(|d| (d.span().start, d.severity()));
}
