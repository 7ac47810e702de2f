//! `iamc test`: policy test files. A test file (JSON or YAML, `spec/io.md` "Policy test
//! files") names the policies under test by type (and templates whose policies are read
//! through [`crate::sources`]), then cases: a request and the expected decision, optionally the
//! statements expected to apply. [`read`] reads one (errors at `line:col` in the test file),
//! [`run`] decides every case with either engine and measures statement coverage,
//! [`Report::to_text`] and [`junit`] render the results.
//!
//! ```
//! use iamc::testfile::{read, run, Options};
//!
//! let dir = std::env::temp_dir().join(format!("iamc-testfile-doc-{}", std::process::id()));
//! std::fs::create_dir_all(&dir)?;
//! std::fs::write(dir.join("p.json"), r#"{"Version":"2012-10-17","Statement":[
//!   {"Sid":"Read","Effect":"Allow","Action":"s3:GetObject","Resource":"*"},
//!   {"Sid":"Write","Effect":"Allow","Action":"s3:PutObject","Resource":"*"}]}"#)?;
//! let test = "policies:\n  identity: p.json\ncases:\n  - name: read\n    action: s3:GetObject\n    expect: Allow\n    matched: [Read]\n  - name: delete\n    action: s3:DeleteObject\n    expect: Deny\n";
//! let path = dir.join("t.yaml");
//! std::fs::write(&path, test)?;
//! let file = read(&path.to_string_lossy(), test.as_bytes())?;
//! let report = run(&file, &Options::default())?;
//! assert!(report.passed());
//! assert_eq!((report.coverage.covered, report.coverage.total), (1, 2));
//! assert!(report.to_text().contains("not exercised: "));
//! # std::fs::remove_dir_all(&dir)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod schema;

use std::fmt;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use iamc_grammar::ast::PolicyType;
use iamc_grammar::{SourceFile, Span};
use iamc_runtime::{Decision, Diagnosis, MatchedStatement};

pub use crate::engine::Engine;
use crate::explain::{Locate, Location, Texts};
pub use schema::{read, Case, Named, PolicySpec, TemplateSpec, TestFile};

/// The decision a case expects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    Allow,
    ExplicitDeny,
    ImplicitDeny,
    /// Either deny.
    Deny,
}

impl Expect {
    /// `Allow`, `ExplicitDeny`, `ImplicitDeny` or `Deny` (also AWS's `allowed`,
    /// `explicitDeny`, `implicitDeny`).
    pub fn parse(s: &str) -> Option<Expect> {
        Some(match s {
            "Allow" | "allowed" => Expect::Allow,
            "ExplicitDeny" | "explicitDeny" => Expect::ExplicitDeny,
            "ImplicitDeny" | "implicitDeny" => Expect::ImplicitDeny,
            "Deny" => Expect::Deny,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Expect::Allow => "Allow",
            Expect::ExplicitDeny => "ExplicitDeny",
            Expect::ImplicitDeny => "ImplicitDeny",
            Expect::Deny => "Deny",
        }
    }

    /// Whether `d` is what the case expects.
    pub fn accepts(self, d: Decision) -> bool {
        match self {
            Expect::Allow => d == Decision::Allow,
            Expect::ExplicitDeny => d == Decision::ExplicitDeny,
            Expect::ImplicitDeny => d == Decision::ImplicitDeny,
            Expect::Deny => d != Decision::Allow,
        }
    }
}

/// A test file that could not be read or run: the rendered diagnostics
/// (`PATH:LINE:COL: error: MESSAGE`, with the line and a caret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestFileError {
    rendered: String,
}

impl TestFileError {
    pub(crate) fn at(src: &SourceFile, span: Span, message: impl Into<String>) -> TestFileError {
        let d = iamc_grammar::Diagnostic::new(
            src,
            iamc_grammar::Severity::Error,
            span,
            message.into(),
            None,
        );
        TestFileError {
            rendered: d.render(src).trim_end().to_owned(),
        }
    }

    fn rendered(text: impl Into<String>) -> TestFileError {
        TestFileError {
            rendered: text.into().trim_end().to_owned(),
        }
    }

    /// The diagnostics, rendered.
    pub fn message(&self) -> &str {
        &self.rendered
    }
}

impl fmt::Display for TestFileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.rendered)
    }
}

impl std::error::Error for TestFileError {}

/// How to run a test file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Options {
    pub engine: Engine,
}

/// What one case gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseResult {
    pub name: String,
    /// Where the case is in the test file (1-based line and column).
    pub line: usize,
    pub column: usize,
    pub expect: Expect,
    /// The decision, the statements and the near misses.
    pub diagnosis: Diagnosis,
    /// Why the case failed (empty: it passed): the decision, and each expected statement that
    /// did not apply.
    pub failures: Vec<String>,
}

impl CaseResult {
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }
}

/// A statement no case exercised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Uncovered {
    pub statement: MatchedStatement,
    pub at: Option<Location>,
}

/// Statement coverage: statements that applied to at least one case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coverage {
    pub total: usize,
    pub covered: usize,
    pub uncovered: Vec<Uncovered>,
}

impl Coverage {
    /// The percentage covered (100 for a set without statements).
    pub fn percent(&self) -> f64 {
        if self.total == 0 {
            100.0
        } else {
            self.covered as f64 * 100.0 / self.total as f64
        }
    }
}

/// The results of one test file.
#[derive(Debug, Clone)]
pub struct Report {
    /// The test file's path.
    pub file: String,
    pub cases: Vec<CaseResult>,
    pub coverage: Coverage,
    texts: Texts,
}

/// The largest policy or template file read.
const MAX_POLICY_FILE_BYTES: u64 = 8 << 20;

fn read_capped(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(MAX_POLICY_FILE_BYTES + 1)
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_POLICY_FILE_BYTES {
        return Err(std::io::Error::other(format!(
            "larger than the limit of {MAX_POLICY_FILE_BYTES} bytes"
        )));
    }
    Ok(bytes)
}

/// The policies of a test file, loaded: the typed set and the texts.
struct Loaded {
    set: iamc_grammar::PolicySet,
    texts: Texts,
}

fn load(file: &TestFile) -> Result<Loaded, TestFileError> {
    let base: PathBuf = Path::new(file.source.name())
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let at = |n: &Named, msg: String| TestFileError::at(&file.source, n.span, msg);
    let mut set = iamc_grammar::PolicySet::default();
    let mut texts = Texts::new();
    let mut errors = Vec::new();
    let slots = &file.policies.slots;
    for (kind, levels) in [(PolicyType::Scp, &slots.scp), (PolicyType::Rcp, &slots.rcp)] {
        // A level listed empty is still a level (it then has no Allow).
        let slot = if kind == PolicyType::Scp {
            &mut set.scp
        } else {
            &mut set.rcp
        };
        slot.resize_with(levels.len(), Vec::new);
    }
    for (kind, level, n) in slots.iter_levels() {
        let bytes = read_capped(&base.join(&n.text))
            .map_err(|e| at(n, format!("cannot read `{}`: {e}", n.text)))?;
        let text = match String::from_utf8(bytes) {
            Ok(t) => t,
            Err(e) => {
                return Err(at(
                    n,
                    format!(
                        "`{}` is not valid UTF-8 (byte {})",
                        n.text,
                        e.utf8_error().valid_up_to()
                    ),
                ))
            }
        };
        let src = SourceFile::new(n.text.as_str(), text);
        match iamc_grammar::parse_policy(&src, kind) {
            Ok(parsed) => {
                let mut policy = parsed.policy;
                policy.name = n.text.clone();
                set.push(policy, level);
                texts.add_file(src);
            }
            Err(d) => errors.push(format!(
                "{}\n{}",
                d.render(&src).trim_end(),
                at(
                    n,
                    format!("`{}` is not a valid {} policy", n.text, kind.as_str())
                )
            )),
        }
    }
    for t in &file.policies.templates {
        let path = base.join(&t.file.text);
        let bytes = read_capped(&path)
            .map_err(|e| at(&t.file, format!("cannot read `{}`: {e}", t.file.text)))?;
        let options = crate::sources::Options {
            params: t.params.clone(),
            ..crate::sources::Options::default()
        };
        let source = crate::sources::read(&t.file.text, &bytes, &options)
            .map_err(|e| TestFileError::rendered(e.to_string()))?;
        let names: Vec<&str> = source.policies().iter().map(|p| p.name()).collect();
        for s in &t.select {
            if !names.contains(&s.text.as_str()) {
                let hint = iamc_grammar::diag::suggest(&s.text, &names)
                    .map(|n| format!(" (did you mean `{n}`?)"))
                    .unwrap_or_default();
                return Err(at(
                    s,
                    format!("`{}` holds no policy `{}`{hint}", t.file.text, s.text),
                ));
            }
        }
        for p in source.policies() {
            if !t.select.is_empty() && !t.select.iter().any(|s| s.text == p.name()) {
                continue;
            }
            match p.parse(&iamc_grammar::Limits::default()) {
                Ok(parsed) => {
                    set.push(parsed.policy, 0);
                    texts.add_extracted(p.clone());
                }
                Err(d) => errors.push(d.to_string().trim_end().to_owned()),
            }
        }
    }
    if !errors.is_empty() {
        return Err(TestFileError::rendered(errors.join("\n")));
    }
    if let Err(e) = set.check() {
        return Err(TestFileError::at(
            &file.source,
            Span::new(0, 0),
            e.message(),
        ));
    }
    Ok(Loaded { set, texts })
}

/// Every statement of the set, in listing order.
fn statements(set: &iamc_grammar::PolicySet) -> Vec<(MatchedStatement, Span)> {
    let mut out = Vec::new();
    for g in set.groups() {
        for p in g.policies {
            for s in &p.statements {
                out.push((
                    MatchedStatement {
                        policy_type: g.kind,
                        level: g.level,
                        policy: p.name.clone(),
                        index: u32::try_from(s.index).unwrap_or(u32::MAX),
                        sid: s.sid.as_ref().map(|x| x.node.clone()),
                        effect: s.effect.node,
                    },
                    s.span,
                ));
            }
        }
    }
    out
}

/// Whether `label` (a `Sid`, or `POLICY#INDEX`) names statement `m`.
fn names(label: &str, m: &MatchedStatement) -> bool {
    if m.sid.as_deref() == Some(label) {
        return true;
    }
    label
        .rsplit_once('#')
        .is_some_and(|(p, i)| p == m.policy && i.parse::<u32>().ok() == Some(m.index))
}

/// `Sid` or `POLICY#INDEX`.
fn label(m: &MatchedStatement) -> String {
    match &m.sid {
        Some(s) if !s.is_empty() => s.clone(),
        _ => format!("{}#{}", m.policy, m.index),
    }
}

/// Runs every case of `file`.
///
/// # Errors
/// A policy or template that cannot be read or is invalid (its diagnostics, and where the test
/// file names it), a set that does not compile, a `matched` entry that names no statement of
/// the set.
pub fn run(file: &TestFile, options: &Options) -> Result<Report, TestFileError> {
    let Loaded { set, texts } = load(file)?;
    let all = statements(&set);
    let decider = options.engine.prepare(set.clone()).map_err(|e| {
        TestFileError::at(
            &file.source,
            Span::new(0, 0),
            format!("the policies do not compile: {e}"),
        )
    })?;
    for case in &file.cases {
        for n in case.matched.iter().flatten() {
            if !all.iter().any(|(m, _)| names(&n.text, m)) {
                return Err(TestFileError::at(
                    &file.source,
                    n.span,
                    format!(
                        "`{}` names no statement of the policies under test (a `Sid`, or `POLICY#INDEX`)",
                        n.text
                    ),
                ));
            }
        }
    }
    let mut covered = vec![false; all.len()];
    let mut results = Vec::with_capacity(file.cases.len());
    for case in &file.cases {
        let d = decider.diagnose(&case.request);
        for m in &d.explanation.statements {
            if let Some(i) = all.iter().position(|(s, _)| s == m) {
                if let Some(c) = covered.get_mut(i) {
                    *c = true;
                }
            }
        }
        let mut failures = Vec::new();
        if !case.expect.accepts(d.explanation.decision) {
            failures.push(format!(
                "expected {}, got {} ({})",
                case.expect.as_str(),
                d.explanation.decision.as_str(),
                d.explanation.reason.message()
            ));
        }
        for n in case.matched.iter().flatten() {
            if !d.explanation.statements.iter().any(|m| names(&n.text, m)) {
                let got: Vec<String> = d.explanation.statements.iter().map(label).collect();
                failures.push(format!(
                    "expected `{}` to apply; applied: {}",
                    n.text,
                    if got.is_empty() {
                        "none".to_owned()
                    } else {
                        format!("`{}`", got.join("`, `"))
                    }
                ));
            }
        }
        let (line, column) = file.source.line_col(case.span.start);
        results.push(CaseResult {
            name: case.name.clone(),
            line,
            column,
            expect: case.expect,
            diagnosis: d,
            failures,
        });
    }
    let uncovered: Vec<Uncovered> = all
        .iter()
        .zip(&covered)
        .filter(|(_, c)| !**c)
        .map(|((m, span), _)| {
            let at = |x: usize| u32::try_from(x).unwrap_or(u32::MAX);
            Uncovered {
                at: texts.locate(
                    &m.policy,
                    iamc_runtime::diagnosis::Span {
                        start: at(span.start),
                        end: at(span.end),
                    },
                ),
                statement: m.clone(),
            }
        })
        .collect();
    Ok(Report {
        file: file.source.name().to_owned(),
        coverage: Coverage {
            total: all.len(),
            covered: all.len() - uncovered.len(),
            uncovered,
        },
        cases: results,
        texts,
    })
}

fn describe(m: &MatchedStatement) -> String {
    let mut out = format!("{} statement {}", m.effect.as_str(), m.index);
    if let Some(sid) = &m.sid {
        let _ = write!(out, " `{sid}`");
    }
    let _ = write!(out, " ({})", m.policy_type.as_str());
    out
}

impl Report {
    /// Whether every case passed.
    pub fn passed(&self) -> bool {
        self.cases.iter().all(CaseResult::passed)
    }

    /// The number of failed cases.
    pub fn failed(&self) -> usize {
        self.cases.iter().filter(|c| !c.passed()).count()
    }

    /// The results for people: one line per case (`ok` or `FAIL` with expected and got, the
    /// explanation of a failure with its near misses), the coverage and each statement no
    /// case exercised.
    pub fn to_text(&self) -> String {
        let mut out = format!(
            "{}: {} cases, {} passed, {} failed\n",
            self.file,
            self.cases.len(),
            self.cases.len() - self.failed(),
            self.failed()
        );
        for c in &self.cases {
            if c.passed() {
                let _ = writeln!(out, "  ok    {}", c.name);
                continue;
            }
            let _ = writeln!(
                out,
                "  FAIL  {} ({}:{}:{})",
                c.name, self.file, c.line, c.column
            );
            for f in &c.failures {
                let _ = writeln!(out, "        {f}");
            }
            let why = crate::explain::diagnosis_to_text(&c.diagnosis, &self.texts);
            for l in why.lines().skip(1) {
                let _ = writeln!(out, "      {l}");
            }
        }
        let cov = &self.coverage;
        let _ = writeln!(
            out,
            "  coverage: {} of {} statements ({:.1}%)",
            cov.covered,
            cov.total,
            cov.percent()
        );
        for u in &cov.uncovered {
            let place = match &u.at {
                Some(l) => format!("{}:{}:{}", l.file, l.line, l.column),
                None => u.statement.policy.clone(),
            };
            let _ = writeln!(
                out,
                "    not exercised: {place}: {}",
                describe(&u.statement)
            );
        }
        out
    }
}

/// XML text with `&`, `<`, `>`, `"` and `'` escaped, and control characters XML 1.0 cannot
/// hold replaced by U+FFFD.
fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// The results of every test file as JUnit XML: one `testsuite` per file (a file that could
/// not be run is one `testcase` with an `error`), one `testcase` per case, a `failure` with
/// expected and got; the coverage in each suite's `system-out`.
pub fn junit(runs: &[(String, Result<Report, TestFileError>)]) -> String {
    let (mut tests, mut failures, mut errors) = (0, 0, 0);
    let mut body = String::new();
    for (file, run) in runs {
        let name = xml(file);
        match run {
            Ok(r) => {
                tests += r.cases.len();
                failures += r.failed();
                let _ = writeln!(
                    body,
                    "  <testsuite name=\"{name}\" tests=\"{}\" failures=\"{}\" errors=\"0\">",
                    r.cases.len(),
                    r.failed()
                );
                for c in &r.cases {
                    let case = xml(&c.name);
                    if c.passed() {
                        let _ =
                            writeln!(body, "    <testcase name=\"{case}\" classname=\"{name}\"/>");
                        continue;
                    }
                    let why = crate::explain::diagnosis_to_text(&c.diagnosis, &r.texts);
                    let _ = writeln!(
                        body,
                        "    <testcase name=\"{case}\" classname=\"{name}\">\n      <failure message=\"{}\">{}:{}:{}\n{}\n{}</failure>\n    </testcase>",
                        xml(&c.failures.join("; ")),
                        name,
                        c.line,
                        c.column,
                        xml(&c.failures.join("\n")),
                        xml(&why)
                    );
                }
                let _ = writeln!(
                    body,
                    "    <system-out>{}</system-out>\n  </testsuite>",
                    xml(&format!(
                        "coverage: {} of {} statements ({:.1}%)",
                        r.coverage.covered,
                        r.coverage.total,
                        r.coverage.percent()
                    ))
                );
            }
            Err(e) => {
                tests += 1;
                errors += 1;
                let _ = writeln!(
                    body,
                    "  <testsuite name=\"{name}\" tests=\"1\" failures=\"0\" errors=\"1\">\n    <testcase name=\"{name}\" classname=\"{name}\">\n      <error message=\"the test file could not be run\">{}</error>\n    </testcase>\n  </testsuite>",
                    xml(e.message())
                );
            }
        }
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"iamc test\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\">\n{body}</testsuites>\n"
    )
}
