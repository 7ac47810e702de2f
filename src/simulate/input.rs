//! The `--cli-input-json` document of `aws iam simulate-custom-policy`, read with the grammar's
//! JSON reader: every error and warning at its `line:col` in the input.

use iamc_grammar::json::{Json, Member, Node};
use iamc_grammar::{SourceFile, Span};
use iamc_runtime::{Scalar, Value};

use super::SimulateError;

/// The largest input read (bytes): the policy document limit. AWS takes up to 131,072
/// characters per policy text.
pub const MAX_INPUT_BYTES: usize = 8 << 20;

/// Most entries of any list of the input (policies, actions, resources, context entries,
/// values of one entry): far above anything AWS accepts in one call.
pub const MAX_LIST_ENTRIES: usize = 4096;

/// A string of the input and where it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    pub text: String,
    /// 1-based line and column of the string in the input.
    pub line: usize,
    pub column: usize,
}

/// `ContextKeyType`: what the values of a context entry are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyType {
    String,
    Numeric,
    Boolean,
    Ip,
    Date,
    Binary,
}

/// One `ContextEntries` element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContextEntry {
    pub name: Located,
    pub values: Vec<String>,
    pub key_type: KeyType,
    /// A `...List` type.
    pub list: bool,
}

/// A `SimulateCustomPolicy` request, as read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Input {
    /// `PolicyInputList`: identity-based policies.
    pub policies: Vec<Located>,
    /// `PermissionsBoundaryPolicyInputList`.
    pub boundaries: Vec<Located>,
    /// `OrderedOrganizationPolicyInputList`: SCP levels, root first.
    pub scp_levels: Vec<Vec<Located>>,
    /// `ActionNames`.
    pub actions: Vec<Located>,
    /// `ResourceArns` (absent: `*`).
    pub resources: Option<Vec<Located>>,
    pub resource_policy: Option<Located>,
    pub resource_owner: Option<Located>,
    pub caller: Option<Located>,
    pub context: Vec<ContextEntry>,
}

/// The parameters of `SimulateCustomPolicy` iamc reads, then those it accepts and ignores.
const FIELDS: [&str; 9] = [
    "PolicyInputList",
    "PermissionsBoundaryPolicyInputList",
    "OrderedOrganizationPolicyInputList",
    "ActionNames",
    "ResourceArns",
    "ResourcePolicy",
    "ResourceOwner",
    "CallerArn",
    "ContextEntries",
];
const IGNORED: [&str; 3] = ["ResourceHandlingOption", "MaxItems", "Marker"];

struct Reader<'a> {
    src: &'a SourceFile,
    warnings: Vec<String>,
}

impl Reader<'_> {
    fn error(&self, span: Span, message: impl Into<String>) -> SimulateError {
        let (line, col) = self.src.line_col(span.start);
        SimulateError::invalid(format!(
            "{}:{line}:{col}: {}",
            self.src.name(),
            message.into()
        ))
    }

    fn warn(&mut self, span: Span, message: impl Into<String>) {
        let (line, col) = self.src.line_col(span.start);
        self.warnings.push(format!(
            "{}:{line}:{col}: warning: {}",
            self.src.name(),
            message.into()
        ));
    }

    fn located(&self, node: &Node, text: String) -> Located {
        let (line, column) = self.src.line_col(node.span.start);
        Located { text, line, column }
    }

    /// `what` names the value in a message: `` `CallerArn` ``, `` an entry of `ActionNames` ``.
    fn string(&self, node: &Node, what: &str) -> Result<Located, SimulateError> {
        match &node.value {
            Json::String(s) => Ok(self.located(node, s.clone())),
            _ => Err(self.error(
                node.span,
                format!("{what} must be a string, not {}", node.describe()),
            )),
        }
    }

    fn array<'n>(&self, node: &'n Node, what: &str) -> Result<&'n [Node], SimulateError> {
        match &node.value {
            Json::Array(items) if items.len() > MAX_LIST_ENTRIES => Err(self.error(
                node.span,
                format!("`{what}` has more than the limit of {MAX_LIST_ENTRIES} entries"),
            )),
            Json::Array(items) => Ok(items),
            _ => Err(self.error(
                node.span,
                format!("`{what}` must be a list, not {}", node.describe()),
            )),
        }
    }

    fn strings(&self, node: &Node, what: &str) -> Result<Vec<Located>, SimulateError> {
        self.array(node, what)?
            .iter()
            .map(|n| self.string(n, &format!("an entry of `{what}`")))
            .collect()
    }

    fn members<'n>(&self, node: &'n Node, what: &str) -> Result<&'n [Member], SimulateError> {
        match &node.value {
            Json::Object(m) => {
                for (i, a) in m.iter().enumerate() {
                    if m.get(..i)
                        .unwrap_or_default()
                        .iter()
                        .any(|b| b.key == a.key)
                    {
                        return Err(self.error(a.key_span, format!("duplicate field `{}`", a.key)));
                    }
                }
                Ok(m)
            }
            _ => Err(self.error(
                node.span,
                format!("{what} must be an object, not {}", node.describe()),
            )),
        }
    }

    fn context_entry(&mut self, node: &Node) -> Result<ContextEntry, SimulateError> {
        let members = self.members(node, "a `ContextEntries` entry")?;
        let (mut name, mut values, mut key_type) = (None, None, None);
        for m in members {
            match m.key.as_str() {
                "ContextKeyName" => name = Some(self.string(&m.value, "`ContextKeyName`")?),
                "ContextKeyValues" => {
                    let list = self.array(&m.value, "ContextKeyValues")?;
                    let mut out = Vec::with_capacity(list.len());
                    for v in list {
                        match &v.value {
                            Json::String(s) => out.push(s.clone()),
                            _ => {
                                return Err(self.error(
                                    v.span,
                                    format!(
                                        "a `ContextKeyValues` entry must be a string, not {}",
                                        v.describe()
                                    ),
                                ))
                            }
                        }
                    }
                    values = Some((out, m.value.span));
                }
                "ContextKeyType" => {
                    let t = self.string(&m.value, "`ContextKeyType`")?;
                    key_type = Some((key_type_of(&t.text).ok_or_else(|| {
                        self.error(
                            m.value.span,
                            format!(
                                "unknown `ContextKeyType` `{}`: one of `string`, `stringList`, `numeric`, `numericList`, `boolean`, `booleanList`, `ip`, `ipList`, `date`, `dateList`, `binary`, `binaryList`",
                                t.text
                            ),
                        )
                    })?, m.value.span));
                }
                other => {
                    return Err(self.error(
                        m.key_span,
                        format!(
                            "unknown field `{other}` in a `ContextEntries` entry: `ContextKeyName`, `ContextKeyValues` or `ContextKeyType`"
                        ),
                    ))
                }
            }
        }
        let name = name.ok_or_else(|| {
            self.error(node.span, "a `ContextEntries` entry needs `ContextKeyName`")
        })?;
        let ((key_type, list), type_span) = key_type.ok_or_else(|| {
            self.error(node.span, "a `ContextEntries` entry needs `ContextKeyType`")
        })?;
        let (values, values_span) = values.unwrap_or((Vec::new(), node.span));
        if !list && values.len() != 1 {
            self.warn(
                type_span,
                format!(
                    "`{}` has {} values but a single-valued type: iamc takes them as a list",
                    name.text,
                    values.len()
                ),
            );
        }
        for v in &values {
            if let Some(why) = unreadable(key_type, v) {
                self.warn(
                    values_span,
                    format!("`{}`: `{v}` is not {why}; compared as text", name.text),
                );
            }
        }
        Ok(ContextEntry {
            name,
            values,
            key_type,
            list,
        })
    }
}

/// `string` → (String, false), `stringList` → (String, true), ...
fn key_type_of(t: &str) -> Option<(KeyType, bool)> {
    let (base, list) = match t.strip_suffix("List") {
        Some(b) => (b, true),
        None => (t, false),
    };
    let k = match base {
        "string" => KeyType::String,
        "numeric" => KeyType::Numeric,
        "boolean" => KeyType::Boolean,
        "ip" => KeyType::Ip,
        "date" => KeyType::Date,
        "binary" => KeyType::Binary,
        _ => return None,
    };
    Some((k, list))
}

/// Why `v` does not read as `t` (`None` when it does).
fn unreadable(t: KeyType, v: &str) -> Option<&'static str> {
    use iamc_format::value;
    let ok = match t {
        KeyType::String => true,
        KeyType::Numeric => value::parse_decimal(v).is_some(),
        KeyType::Boolean => value::parse_bool(v).is_some(),
        KeyType::Ip => value::parse_addr(v).is_some(),
        KeyType::Date => value::parse_date(v).is_some(),
        KeyType::Binary => value::base64_valid(v),
    };
    if ok {
        return None;
    }
    Some(match t {
        KeyType::String => "a string",
        KeyType::Numeric => "a number",
        KeyType::Boolean => "`true` or `false`",
        KeyType::Ip => "an IP address",
        KeyType::Date => "a date",
        KeyType::Binary => "base64",
    })
}

impl ContextEntry {
    /// The entry as a request context value: one value for a single-valued type with one value,
    /// a list otherwise; numbers and booleans that read as such keep their type.
    pub fn value(&self) -> Value {
        let scalar = |v: &String| match self.key_type {
            KeyType::Numeric if iamc_format::value::parse_decimal(v).is_some() => {
                Scalar::Number(v.clone())
            }
            KeyType::Boolean => match iamc_format::value::parse_bool(v) {
                Some(b) => Scalar::Bool(b),
                None => Scalar::String(v.clone()),
            },
            _ => Scalar::String(v.clone()),
        };
        match self.values.as_slice() {
            [one] if !self.list => Value::Single(scalar(one)),
            many => Value::Multi(many.iter().map(scalar).collect()),
        }
    }
}

/// Reads a `--cli-input-json` document named `name` (its errors say `NAME:LINE:COL`). Returns
/// the input and the warnings (fields iamc ignores, values that do not read as their type).
///
/// # Errors
/// Text over [`MAX_INPUT_BYTES`], malformed JSON, an unknown field (by name, with the
/// nearest known one), a field of the wrong type, a missing `PolicyInputList` or
/// `ActionNames`: `InvalidInput`, at the place in the input.
pub fn read(name: &str, text: &str) -> Result<(Input, Vec<String>), SimulateError> {
    if text.len() > MAX_INPUT_BYTES {
        return Err(SimulateError::invalid(format!(
            "{name}: the input is {} bytes, more than the limit of {MAX_INPUT_BYTES}",
            text.len()
        )));
    }
    let src = SourceFile::new(name, text);
    if text.trim().is_empty() {
        return Err(SimulateError::invalid(format!(
            "{name}: the input is empty"
        )));
    }
    let root = iamc_grammar::parse_json(&src).map_err(|d| {
        SimulateError::invalid(format!(
            "{name}:{}:{}: invalid json: {}",
            d.line(),
            d.col(),
            d.message()
        ))
    })?;
    let mut r = Reader {
        src: &src,
        warnings: Vec::new(),
    };
    let mut input = Input::default();
    let (mut has_policies, mut has_actions) = (false, false);
    for m in r.members(&root, "the input")? {
        let v = &m.value;
        match m.key.as_str() {
            "PolicyInputList" => {
                input.policies = r.strings(v, "PolicyInputList")?;
                has_policies = true;
            }
            "PermissionsBoundaryPolicyInputList" => {
                input.boundaries = r.strings(v, "PermissionsBoundaryPolicyInputList")?;
            }
            "OrderedOrganizationPolicyInputList" => {
                let levels = r.array(v, "OrderedOrganizationPolicyInputList")?;
                if levels.len() > iamc_format::program::MAX_ORG_LEVELS as usize {
                    return Err(r.error(
                        v.span,
                        format!(
                            "`OrderedOrganizationPolicyInputList` has more than {} levels",
                            iamc_format::program::MAX_ORG_LEVELS
                        ),
                    ));
                }
                for level in levels {
                    let members =
                        r.members(level, "an `OrderedOrganizationPolicyInputList` entry")?;
                    let mut scps = None;
                    for lm in members {
                        if lm.key == "ServiceControlPolicyInputList" {
                            scps = Some(r.strings(&lm.value, "ServiceControlPolicyInputList")?);
                        } else {
                            return Err(r.error(
                                lm.key_span,
                                format!(
                                    "unknown field `{}` in an `OrderedOrganizationPolicyInputList` entry: `ServiceControlPolicyInputList`",
                                    lm.key
                                ),
                            ));
                        }
                    }
                    input.scp_levels.push(scps.unwrap_or_default());
                }
            }
            "ActionNames" => {
                input.actions = r.strings(v, "ActionNames")?;
                has_actions = true;
            }
            "ResourceArns" => input.resources = Some(r.strings(v, "ResourceArns")?),
            "ResourcePolicy" => input.resource_policy = Some(r.string(v, "`ResourcePolicy`")?),
            "ResourceOwner" => input.resource_owner = Some(r.string(v, "`ResourceOwner`")?),
            "CallerArn" => input.caller = Some(r.string(v, "`CallerArn`")?),
            "ContextEntries" => {
                let entries = r.array(v, "ContextEntries")?;
                for e in entries {
                    let entry = r.context_entry(e)?;
                    if input
                        .context
                        .iter()
                        .any(|c| c.name.text.eq_ignore_ascii_case(&entry.name.text))
                    {
                        r.warn(
                            e.span,
                            format!(
                                "context key `{}` given again (key names ignore case): the last entry wins",
                                entry.name.text
                            ),
                        );
                    }
                    input.context.push(entry);
                }
            }
            "ResourceHandlingOption" => r.warn(
                m.key_span,
                "`ResourceHandlingOption` is ignored: iamc evaluates each resource ARN on its own",
            ),
            "MaxItems" | "Marker" => r.warn(
                m.key_span,
                format!("`{}` is ignored: iamc returns every result at once", m.key),
            ),
            other => {
                let all: Vec<&str> = FIELDS.iter().chain(&IGNORED).copied().collect();
                let hint = iamc_grammar::diag::suggest(other, &all)
                    .map(|s| format!(" (did you mean `{s}`?)"))
                    .unwrap_or_default();
                return Err(r.error(
                    m.key_span,
                    format!(
                        "unknown parameter `{other}`{hint}: `SimulateCustomPolicy` takes {}",
                        FIELDS.join(", ")
                    ),
                ));
            }
        }
    }
    if !has_policies {
        return Err(r.error(root.span, "missing required parameter `PolicyInputList`"));
    }
    if !has_actions || input.actions.is_empty() {
        return Err(r.error(root.span, "`ActionNames` must name at least one action"));
    }
    Ok((input, r.warnings))
}
