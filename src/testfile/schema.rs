//! Reading a policy test file (JSON or YAML) into a [`TestFile`]; every error at its
//! `line:col` in the test file. The schema is `spec/io.md` "Policy test files".

use std::collections::BTreeMap;

use iamc_grammar::{SourceFile, Span};
use iamc_runtime::{Context, Request, Scalar, Value};

use super::{Expect, TestFileError};
use crate::sources::tree::{self, Entry, Node, Value as V};

/// The largest test file read (bytes).
pub const MAX_TEST_FILE_BYTES: usize = 8 << 20;

/// Most cases in one file, and most entries of any list in it.
pub const MAX_ENTRIES: usize = 10_000;

/// A path or name of the test file and where it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Named {
    pub text: String,
    /// The value's bytes in the test file.
    pub span: Span,
}

/// A template (CloudFormation, Terraform) whose policies are under test.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateSpec {
    pub file: Named,
    /// `--param NAME=VALUE` for its parameters.
    pub params: BTreeMap<String, String>,
    /// The policies to take, by name in the template (`MyRole.Policies[0]`); all when empty.
    pub select: Vec<Named>,
}

/// The policies under test, by type (paths relative to the test file).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PolicySpec {
    pub slots: iamc_grammar::Slots<Named>,
    pub templates: Vec<TemplateSpec>,
}

/// One test case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Case {
    pub name: String,
    /// The case's bytes in the test file.
    pub span: Span,
    pub request: Request,
    pub expect: Expect,
    /// The statements expected to apply (a `Sid`, or `POLICY#INDEX`), when given.
    pub matched: Option<Vec<Named>>,
}

/// A test file, read.
#[derive(Debug, Clone)]
pub struct TestFile {
    /// The file as read (its name is the path given).
    pub source: SourceFile,
    pub policies: PolicySpec,
    pub cases: Vec<Case>,
}

struct Reader<'a> {
    src: &'a SourceFile,
}

impl Reader<'_> {
    fn error(&self, span: Span, message: impl Into<String>) -> TestFileError {
        TestFileError::at(self.src, span, message)
    }

    fn map<'n>(&self, node: &'n Node, what: &str) -> Result<&'n [Entry], TestFileError> {
        match &node.value {
            V::Map(entries) => Ok(entries),
            _ => Err(self.error(
                node.span,
                format!("{what} must be a mapping, not {}", node.describe()),
            )),
        }
    }

    fn string(&self, node: &Node, what: &str) -> Result<Named, TestFileError> {
        match &node.value {
            V::Str(s, _) => Ok(Named {
                text: s.clone(),
                span: node.span,
            }),
            _ => Err(self.error(
                node.span,
                format!("{what} must be a string, not {}", node.describe()),
            )),
        }
    }

    /// A list of strings, or one string for a list of one.
    fn strings(&self, node: &Node, what: &str) -> Result<Vec<Named>, TestFileError> {
        match &node.value {
            V::Seq(items) => {
                self.bounded(node, items.len(), what)?;
                items.iter().map(|n| self.string(n, what)).collect()
            }
            _ => Ok(vec![self.string(node, what)?]),
        }
    }

    fn bounded(&self, node: &Node, n: usize, what: &str) -> Result<(), TestFileError> {
        if n > MAX_ENTRIES {
            return Err(self.error(
                node.span,
                format!("{what} has more than the limit of {MAX_ENTRIES} entries"),
            ));
        }
        Ok(())
    }

    fn unknown(&self, e: &Entry, known: &[&str], what: &str) -> TestFileError {
        let hint = iamc_grammar::diag::suggest(&e.key, known)
            .map(|s| format!(" (did you mean `{s}`?)"))
            .unwrap_or_default();
        self.error(
            e.key_span,
            format!(
                "unknown field `{}` in {what}{hint}: one of `{}`",
                tree::clip(&e.key),
                known.join("`, `")
            ),
        )
    }

    fn policies(&self, node: &Node) -> Result<PolicySpec, TestFileError> {
        const KNOWN: [&str; 9] = [
            "identity",
            "resource",
            "trust",
            "boundary",
            "session",
            "scp",
            "rcp",
            "endpoint",
            "templates",
        ];
        let mut spec = PolicySpec::default();
        for e in self.map(node, "`policies`")? {
            let what = format!("`policies.{}`", tree::clip(&e.key));
            let s = &mut spec.slots;
            match e.key.as_str() {
                "identity" => s.identity = self.strings(&e.value, &what)?,
                "resource" => s.resource = self.strings(&e.value, &what)?,
                "trust" => s.trust = self.strings(&e.value, &what)?,
                "boundary" => s.boundary = self.strings(&e.value, &what)?,
                "session" => s.session = self.strings(&e.value, &what)?,
                "endpoint" => s.endpoint = self.strings(&e.value, &what)?,
                "scp" | "rcp" => {
                    let V::Seq(levels) = &e.value.value else {
                        return Err(self.error(
                            e.value.span,
                            format!(
                                "{what} must be a list of levels, root first (each a file or a list of files), not {}",
                                e.value.describe()
                            ),
                        ));
                    };
                    self.bounded(&e.value, levels.len(), &what)?;
                    if levels.len() > iamc_format::program::MAX_ORG_LEVELS as usize {
                        return Err(self.error(
                            e.value.span,
                            format!(
                                "{what} has more than {} levels",
                                iamc_format::program::MAX_ORG_LEVELS
                            ),
                        ));
                    }
                    let levels = levels
                        .iter()
                        .map(|l| self.strings(l, &what))
                        .collect::<Result<Vec<_>, _>>()?;
                    if e.key == "scp" {
                        s.scp = levels;
                    } else {
                        s.rcp = levels;
                    }
                }
                "templates" => {
                    let list = match &e.value.value {
                        V::Seq(items) => items.as_slice(),
                        _ => std::slice::from_ref(&e.value),
                    };
                    self.bounded(&e.value, list.len(), &what)?;
                    for t in list {
                        spec.templates.push(self.template(t)?);
                    }
                }
                _ => return Err(self.unknown(e, &KNOWN, "`policies`")),
            }
        }
        Ok(spec)
    }

    fn template(&self, node: &Node) -> Result<TemplateSpec, TestFileError> {
        if let V::Str(..) = node.value {
            return Ok(TemplateSpec {
                file: self.string(node, "a template")?,
                params: BTreeMap::new(),
                select: Vec::new(),
            });
        }
        let (mut file, mut params, mut select) = (None, BTreeMap::new(), Vec::new());
        for e in self.map(node, "a `templates` entry")? {
            match e.key.as_str() {
                "file" => file = Some(self.string(&e.value, "`file`")?),
                "params" => {
                    for p in self.map(&e.value, "`params`")? {
                        let v = match &p.value.value {
                            V::Str(s, _) | V::Number(s, _) => s.clone(),
                            V::Bool(b) => b.to_string(),
                            _ => {
                                return Err(self.error(
                                    p.value.span,
                                    format!(
                                        "parameter `{}` must be a string, not {}",
                                        tree::clip(&p.key),
                                        p.value.describe()
                                    ),
                                ))
                            }
                        };
                        params.insert(p.key.clone(), v);
                    }
                }
                "policies" => select = self.strings(&e.value, "`policies`")?,
                _ => {
                    return Err(self.unknown(
                        e,
                        &["file", "params", "policies"],
                        "a `templates` entry",
                    ))
                }
            }
        }
        let file = file.ok_or_else(|| self.error(node.span, "a `templates` entry needs `file`"))?;
        Ok(TemplateSpec {
            file,
            params,
            select,
        })
    }

    fn scalar(&self, node: &Node, key: &str) -> Result<Scalar, TestFileError> {
        match &node.value {
            V::Str(s, _) => Ok(Scalar::String(s.clone())),
            V::Number(n, _) => Ok(Scalar::Number(n.clone())),
            V::Bool(b) => Ok(Scalar::Bool(*b)),
            _ => Err(self.error(
                node.span,
                format!(
                    "context value for `{}` must be a string, number, boolean or list of those",
                    tree::clip(key)
                ),
            )),
        }
    }

    /// `context`: a mapping of keys to values (lists make a key multi-valued), or a list of
    /// `KEY=VALUE` strings as the `--context` flag takes them (a key given again adds a value).
    fn context(&self, node: &Node) -> Result<Context, TestFileError> {
        let mut ctx = Context::new();
        let mut seen: Vec<(String, Span)> = Vec::new();
        let mut check = |key: &str, span: Span| -> Result<(), TestFileError> {
            if let Some((prev, _)) = seen
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(key) && k != key)
            {
                return Err(self.error(
                    span,
                    format!("context keys `{prev}` and `{key}` differ only in case"),
                ));
            }
            seen.push((key.to_owned(), span));
            Ok(())
        };
        match &node.value {
            V::Map(entries) => {
                self.bounded(node, entries.len(), "`context`")?;
                for e in entries {
                    check(&e.key, e.key_span)?;
                    let v = match &e.value.value {
                        V::Seq(items) => {
                            self.bounded(&e.value, items.len(), "a context value")?;
                            Value::Multi(
                                items
                                    .iter()
                                    .map(|n| self.scalar(n, &e.key))
                                    .collect::<Result<_, _>>()?,
                            )
                        }
                        _ => Value::Single(self.scalar(&e.value, &e.key)?),
                    };
                    ctx.insert(&e.key, v);
                }
            }
            V::Seq(items) => {
                self.bounded(node, items.len(), "`context`")?;
                for n in items {
                    let s = self.string(n, "a `context` entry")?;
                    let Some((k, v)) = s.text.split_once('=').filter(|(k, _)| !k.is_empty()) else {
                        return Err(self.error(
                            n.span,
                            format!(
                                "context entry `{}` must read `KEY=VALUE`",
                                tree::clip(&s.text)
                            ),
                        ));
                    };
                    let value = Scalar::String(v.to_owned());
                    let next = match ctx.get(k) {
                        None => Value::Single(value),
                        Some(Value::Single(first)) => Value::Multi(vec![first.clone(), value]),
                        Some(Value::Multi(list)) => {
                            let mut list = list.clone();
                            list.push(value);
                            Value::Multi(list)
                        }
                    };
                    if ctx.get(k).is_none() {
                        check(k, n.span)?;
                    }
                    ctx.insert(k, next);
                }
            }
            _ => {
                return Err(self.error(
                    node.span,
                    format!(
                        "`context` must be a mapping or a list of `KEY=VALUE`, not {}",
                        node.describe()
                    ),
                ))
            }
        }
        Ok(ctx)
    }

    /// The fields of a request (`action`, `resource`, `principal`, `resourceAccount`,
    /// `context`) from `entries`; other keys are left to the caller (`other`).
    fn request(&self, at: Span, entries: &[&Entry]) -> Result<Request, TestFileError> {
        let mut req = Request::new("", "*");
        let mut action = None;
        for e in entries {
            match e.key.as_str() {
                "action" => action = Some(self.string(&e.value, "`action`")?),
                "resource" => req.resource = self.string(&e.value, "`resource`")?.text,
                "principal" => req.principal = Some(self.string(&e.value, "`principal`")?.text),
                "resourceAccount" | "resource-account" => {
                    req.resource_account = Some(self.string(&e.value, "`resourceAccount`")?.text);
                }
                "context" => req.context = self.context(&e.value)?,
                _ => {}
            }
        }
        let action = action.ok_or_else(|| self.error(at, "the request has no `action`"))?;
        if !action.text.contains(':') {
            return Err(self.error(
                action.span,
                format!(
                    "action `{}` must have the form `service:Action`",
                    tree::clip(&action.text)
                ),
            ));
        }
        req.action = action.text;
        if let Err(e) = crate::io::RequestLimits::default().check(&req) {
            return Err(self.error(at, e.message()));
        }
        Ok(req)
    }

    fn case(&self, node: &Node, index: usize) -> Result<Case, TestFileError> {
        const REQUEST: [&str; 6] = [
            "action",
            "resource",
            "principal",
            "resourceAccount",
            "resource-account",
            "context",
        ];
        // Besides the request's own members (the short form).
        const CASE: [&str; 4] = ["name", "request", "expect", "matched"];
        let entries = self.map(node, "a case")?;
        let (mut name, mut request_node, mut expect, mut matched) = (None, None, None, None);
        let mut short: Vec<&Entry> = Vec::new();
        for e in entries {
            match e.key.as_str() {
                "name" => name = Some(self.string(&e.value, "`name`")?.text),
                "request" => request_node = Some(e),
                "expect" => {
                    let s = self.string(&e.value, "`expect`")?;
                    expect = Some(Expect::parse(&s.text).ok_or_else(|| {
                        self.error(
                            s.span,
                            format!(
                                "`expect` must be `Allow`, `ExplicitDeny`, `ImplicitDeny` or `Deny` (either), not `{}`",
                                tree::clip(&s.text)
                            ),
                        )
                    })?);
                }
                "matched" => matched = Some(self.strings(&e.value, "`matched`")?),
                k if REQUEST.contains(&k) => short.push(e),
                _ => {
                    let known: Vec<&str> = CASE.iter().chain(&REQUEST).copied().collect();
                    return Err(self.unknown(e, &known, "a case"));
                }
            }
        }
        let request = match (request_node, short.first()) {
            (Some(r), None) => {
                let inner = self.map(&r.value, "`request`")?;
                if let Some(bad) = inner.iter().find(|e| !REQUEST.contains(&e.key.as_str())) {
                    return Err(self.unknown(bad, &REQUEST, "`request`"));
                }
                let refs: Vec<&Entry> = inner.iter().collect();
                self.request(r.value.span, &refs)?
            }
            (None, Some(_)) => self.request(node.span, &short)?,
            (Some(r), Some(s)) => {
                return Err(self.error(
                    s.key_span,
                    format!(
                        "`{}` beside `request` (line {}): give the request one way",
                        s.key,
                        self.src.line_col(r.key_span.start).0
                    ),
                ))
            }
            (None, None) => {
                return Err(self.error(
                    node.span,
                    "the case has no request: give `request` or `action` (with `resource`, `context`, ...)",
                ))
            }
        };
        let expect = expect.ok_or_else(|| self.error(node.span, "the case has no `expect`"))?;
        Ok(Case {
            name: name.unwrap_or_else(|| format!("case {}", index + 1)),
            span: node.span,
            request,
            expect,
            matched,
        })
    }
}

/// Reads a test file named `path` (its errors say `PATH:LINE:COL`): JSON when its text starts
/// with `{`, YAML otherwise.
///
/// # Errors
/// Text over [`MAX_TEST_FILE_BYTES`] or not UTF-8, malformed JSON or YAML (hostile YAML
/// included: alias bombs, nesting, duplicate keys), or a schema error: an unknown field (with
/// the nearest known one), a value of the wrong type, a case without request or `expect`.
pub fn read(path: &str, bytes: &[u8]) -> Result<TestFile, TestFileError> {
    if bytes.len() > MAX_TEST_FILE_BYTES {
        return Err(TestFileError::at(
            &SourceFile::new(path, ""),
            Span::new(0, 0),
            format!(
                "the test file is {} bytes, more than the limit of {MAX_TEST_FILE_BYTES}",
                bytes.len()
            ),
        ));
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t.to_owned(),
        Err(e) => {
            let at = e.valid_up_to();
            return Err(TestFileError::at(
                &SourceFile::new(path, String::from_utf8_lossy(bytes).into_owned()),
                Span::new(at, at + 1),
                format!("the test file is not valid UTF-8 (byte {at})"),
            ));
        }
    };
    let src = SourceFile::new(path, text);
    let text = src.text();
    let trimmed = text.trim_start_matches('\u{feff}').trim_start();
    let root = if trimmed.starts_with('{') {
        let json = iamc_grammar::parse_json(&src).map_err(|d| {
            TestFileError::at(&src, d.span(), format!("invalid JSON: {}", d.message()))
        })?;
        tree::from_json(json).map_err(|p| TestFileError::at(&src, p.span, p.message))?
    } else {
        match crate::sources::yaml::parse(text, MAX_TEST_FILE_BYTES) {
            Ok(Some(root)) => root,
            Ok(None) => {
                return Err(TestFileError::at(
                    &src,
                    Span::new(0, 0),
                    "the test file is empty",
                ))
            }
            Err(p) => return Err(TestFileError::at(&src, p.span, p.message)),
        }
    };
    let r = Reader { src: &src };
    let (mut policies, mut cases) = (None, None);
    for e in r.map(&root, "a test file")? {
        match e.key.as_str() {
            "policies" => policies = Some(r.policies(&e.value)?),
            "cases" => {
                let V::Seq(items) = &e.value.value else {
                    return Err(r.error(
                        e.value.span,
                        format!("`cases` must be a list, not {}", e.value.describe()),
                    ));
                };
                r.bounded(&e.value, items.len(), "`cases`")?;
                cases = Some(
                    items
                        .iter()
                        .enumerate()
                        .map(|(i, n)| r.case(n, i))
                        .collect::<Result<Vec<_>, _>>()?,
                );
            }
            _ => return Err(r.unknown(e, &["policies", "cases"], "a test file")),
        }
    }
    let policies = policies.ok_or_else(|| r.error(root.span, "the test file has no `policies`"))?;
    if policies.slots.is_empty() && policies.templates.is_empty() {
        return Err(r.error(root.span, "`policies` names no policy"));
    }
    let cases = cases.ok_or_else(|| r.error(root.span, "the test file has no `cases`"))?;
    Ok(TestFile {
        source: src.clone(),
        policies,
        cases,
    })
}
