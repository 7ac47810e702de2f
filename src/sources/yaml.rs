//! YAML text to a template tree, from `saphyr-parser`'s events (each with its span).
//!
//! The tree is built here, not by a YAML library's document model, so that every hazard is
//! decided in one place:
//! - **Types**: a plain scalar is `true`, `false`, null (`null`, `~`, empty) or a JSON-syntax
//!   number; anything else (`yes`, `no`, `on`, `01`, `0x1F`, `1_000`, `.5`, `True`) stays a
//!   string *as written*, never re-typed by YAML 1.1 rules. Quoted and block scalars are
//!   strings. `!!str` forces a string.
//! - **CloudFormation short forms**: `!Ref x` becomes `{Ref: x}`, `!Condition x` becomes
//!   `{Condition: x}`, any other `!Name v` becomes `{Fn::Name: v}`; other tags are errors.
//! - **Anchors and aliases**: an alias is a copy of its anchored node; every copy is charged
//!   against a byte budget (the file size limit), so an alias bomb ("billion laughs") is an
//!   error at the alias that crosses it, never unbounded memory. An alias to a node that is not
//!   complete yet (one containing the alias) is an error.
//! - **Merge keys** (`<<: *base`, `<<: [*a, *b]`): the merged mappings' entries are added
//!   unless the mapping has the key already (the earlier merged mapping wins among them).
//! - **Keys**: a key is a scalar, taken as written (`1: x` has the key `1`); an empty key, a
//!   collection as key, a tagged key or a key written twice in one mapping is an error (at the
//!   second occurrence for a duplicate).
//! - **Depth**: the tree is at most [`MAX_DEPTH`] levels deep (a short-form tag counts as a
//!   level: it becomes a mapping); the parser itself stops flow nesting at 255.
//! - **One document**: a second document in the stream is an error.

use std::collections::HashMap;

use iamc_grammar::Span;
use saphyr_parser::{Event, Parser, ScalarStyle as YamlStyle, Span as YamlSpan, Tag};

use super::map::{CharIndex, ScalarStyle};
use super::tree::{clip, duplicate, Entry, Node, Problem, Style, Value, MAX_DEPTH};

/// Parses `text` as one YAML document. `Ok(None)` for a stream without a document.
/// `copy_budget` bounds the bytes that anchors and aliases may copy.
pub(crate) fn parse(text: &str, copy_budget: usize) -> Result<Option<Node>, Problem> {
    let mut b = Builder {
        text,
        index: CharIndex::new(text),
        stack: Vec::new(),
        anchors: HashMap::new(),
        budget: copy_budget,
        limit: copy_budget,
        root: None,
        documents: 0,
    };
    for event in Parser::new_from_str(text) {
        match event {
            Ok((event, span)) => b.event(event, span)?,
            Err(e) => {
                let m = e.marker();
                let at = b.index.byte(text, m.index());
                return Err(Problem::new(
                    Span::new(at, at),
                    format!("invalid YAML: {}", e.info()),
                )
                .help("read as a YAML CloudFormation template, as the file does not start with `{`"));
            }
        }
    }
    Ok(b.root)
}

struct Builder<'t> {
    text: &'t str,
    index: CharIndex,
    stack: Vec<Frame>,
    /// Complete anchored nodes by the parser's anchor id, with their height.
    anchors: HashMap<usize, (Node, usize)>,
    /// Bytes anchors and aliases may still copy.
    budget: usize,
    limit: usize,
    root: Option<Node>,
    documents: usize,
}

struct Frame {
    kind: FrameKind,
    anchor: usize,
    tag: Option<Tag>,
    /// The template byte where the collection's event starts (its tag or anchor included).
    start: usize,
    /// The end of its last child so far.
    last_end: usize,
    /// The tree depth of the collection node (a tag wrapper below it counted).
    depth: usize,
}

enum FrameKind {
    Seq(Vec<Node>),
    Map {
        entries: Vec<Entry>,
        key: Option<Key>,
        merges: Vec<Node>,
        seen: HashMap<String, Span>,
    },
}

enum Key {
    Merge,
    Text(String, Span, Style),
}

impl Builder<'_> {
    fn span(&self, s: YamlSpan) -> Span {
        let a = self.index.byte(self.text, s.start.index());
        let b = self.index.byte(self.text, s.end.index()).max(a);
        Span::new(a, b)
    }

    /// The depth a new node would have, or an error past the limit.
    fn child_depth(&self, at: Span, tagged: bool) -> Result<usize, Problem> {
        let parent = self.stack.last().map_or(0, |f| f.depth);
        let depth = parent + 1 + usize::from(tagged);
        if depth > MAX_DEPTH {
            return Err(Problem::new(
                at,
                format!("the YAML nests deeper than {MAX_DEPTH} levels"),
            ));
        }
        Ok(depth)
    }

    fn event(&mut self, event: Event<'_>, span: YamlSpan) -> Result<(), Problem> {
        let at = self.span(span);
        match event {
            Event::Nothing | Event::StreamStart | Event::StreamEnd | Event::DocumentEnd => Ok(()),
            Event::DocumentStart(_) => {
                self.documents += 1;
                if self.documents > 1 {
                    return Err(
                        Problem::new(at, "the file holds more than one YAML document")
                            .help("a CloudFormation template is one YAML document"),
                    );
                }
                Ok(())
            }
            Event::Alias(id) => {
                let Some((node, height)) = self.anchors.get(&id) else {
                    return Err(Problem::new(
                        at,
                        format!(
                            "the alias `{}` refers to a node that contains it",
                            clip(self.text.get(at.start..at.end).unwrap_or(""))
                        ),
                    ));
                };
                let depth = self.stack.last().map_or(0, |f| f.depth) + height;
                if depth > MAX_DEPTH {
                    return Err(Problem::new(
                        at,
                        format!("the YAML nests deeper than {MAX_DEPTH} levels once this alias is expanded"),
                    ));
                }
                let cost = cost(node);
                if cost > self.budget {
                    return Err(self.over_budget(at));
                }
                self.budget -= cost;
                // The copy keeps the spans of the anchored node: that is where its text is.
                let copy = node.clone();
                self.finish(copy, 0)
            }
            Event::Scalar(value, style, anchor, tag) => {
                if self.expects_key() {
                    return self.key(value.into_owned(), style, tag.as_deref(), at, anchor);
                }
                let depth_tagged = tag.as_deref().is_some_and(is_intrinsic_tag);
                self.child_depth(at, depth_tagged)?;
                let node = self.scalar(value.into_owned(), style, tag.as_deref(), at)?;
                self.finish(node, anchor)
            }
            Event::SequenceStart(anchor, tag) => self.open(at, anchor, tag, false),
            Event::MappingStart(anchor, tag) => self.open(at, anchor, tag, true),
            Event::SequenceEnd | Event::MappingEnd => {
                let Some(frame) = self.stack.pop() else {
                    return Ok(());
                };
                let end = if at.end > at.start {
                    at.end
                } else {
                    frame.last_end
                };
                let span = Span::new(frame.start, end.max(frame.start));
                let value = match frame.kind {
                    FrameKind::Seq(items) => Value::Seq(items),
                    FrameKind::Map {
                        mut entries,
                        merges,
                        mut seen,
                        key,
                    } => {
                        if key.is_some() {
                            return Err(Problem::new(at, "a mapping key has no value"));
                        }
                        merge(&mut entries, &mut seen, merges)?;
                        Value::Map(entries)
                    }
                };
                let node = wrap(Node { span, value }, frame.tag.as_ref(), self.text)?;
                self.finish(node, frame.anchor)
            }
        }
    }

    /// A collection starts.
    fn open(
        &mut self,
        at: Span,
        anchor: usize,
        tag: Option<std::borrow::Cow<'_, Tag>>,
        is_map: bool,
    ) -> Result<(), Problem> {
        if self.expects_key() {
            return Err(Problem::new(
                at,
                "a mapping key must be a string, not a collection",
            ));
        }
        let tag = tag.map(std::borrow::Cow::into_owned);
        let depth = self.child_depth(at, tag.as_ref().is_some_and(is_intrinsic_tag))?;
        let kind = if is_map {
            FrameKind::Map {
                entries: Vec::new(),
                key: None,
                merges: Vec::new(),
                seen: HashMap::new(),
            }
        } else {
            FrameKind::Seq(Vec::new())
        };
        self.stack.push(Frame {
            kind,
            anchor,
            tag,
            start: at.start,
            last_end: at.end,
            depth,
        });
        Ok(())
    }

    fn over_budget(&self, at: Span) -> Problem {
        Problem::new(
            at,
            format!(
                "YAML anchors and aliases copy more than {} bytes, the limit for this file",
                self.limit
            ),
        )
        .help("an alias repeats its anchored node; deeply repeated aliases (an alias bomb) are refused")
    }

    fn expects_key(&self) -> bool {
        matches!(
            self.stack.last(),
            Some(Frame {
                kind: FrameKind::Map { key: None, .. },
                ..
            })
        )
    }

    /// A scalar in key position.
    fn key(
        &mut self,
        value: String,
        style: YamlStyle,
        tag: Option<&Tag>,
        at: Span,
        anchor: usize,
    ) -> Result<(), Problem> {
        let style = scalar_style(style);
        let span = trim_end(self.text, at);
        if let Some(tag) = tag {
            if !(tag.is_yaml_core_schema() && tag.suffix == "str") {
                return Err(Problem::new(
                    span,
                    format!(
                        "a mapping key must be a plain string, found the tag `{}`",
                        show_tag(tag)
                    ),
                ));
            }
        }
        if style == ScalarStyle::Plain && tag.is_none() && value.is_empty() {
            return Err(Problem::new(span, "a mapping key is empty"));
        }
        let key = if style == ScalarStyle::Plain && tag.is_none() && value == "<<" {
            Key::Merge
        } else {
            Key::Text(value, span, Style::Yaml(style))
        };
        if anchor != 0 {
            if let Key::Text(text, span, style) = &key {
                let node = Node {
                    span: *span,
                    value: Value::Str(text.clone(), *style),
                };
                self.store_anchor(anchor, &node, *span)?;
            }
        }
        if let Some(Frame {
            kind: FrameKind::Map { key: slot, .. },
            last_end,
            ..
        }) = self.stack.last_mut()
        {
            *slot = Some(key);
            *last_end = (*last_end).max(span.end);
        }
        Ok(())
    }

    /// A scalar in value position, typed and with its tag applied.
    fn scalar(
        &self,
        value: String,
        style: YamlStyle,
        tag: Option<&Tag>,
        at: Span,
    ) -> Result<Node, Problem> {
        let style = scalar_style(style);
        let span = trim_end(self.text, at);
        let value = match tag {
            None if style == ScalarStyle::Plain => plain(value),
            None => Value::Str(value, Style::Yaml(style)),
            Some(t) if t.is_yaml_core_schema() && t.suffix == "str" => {
                Value::Str(value, Style::Yaml(style))
            }
            Some(t) if is_intrinsic_tag(t) => Value::Str(value, Style::Yaml(style)),
            Some(t) => return Err(unsupported_tag(t, span)),
        };
        wrap(Node { span, value }, tag, self.text)
    }

    fn store_anchor(&mut self, anchor: usize, node: &Node, at: Span) -> Result<(), Problem> {
        let cost = cost(node);
        if cost > self.budget {
            return Err(self.over_budget(at));
        }
        self.budget -= cost;
        self.anchors.insert(anchor, (node.clone(), height(node)));
        Ok(())
    }

    /// Attaches a complete node to its parent (or makes it the root), storing it under its
    /// anchor first.
    fn finish(&mut self, node: Node, anchor: usize) -> Result<(), Problem> {
        if anchor != 0 {
            self.store_anchor(anchor, &node, node.span)?;
        }
        let Some(frame) = self.stack.last_mut() else {
            if self.root.is_none() {
                self.root = Some(node);
            }
            return Ok(());
        };
        frame.last_end = frame.last_end.max(node.span.end);
        match &mut frame.kind {
            FrameKind::Seq(items) => items.push(node),
            FrameKind::Map {
                entries,
                key,
                merges,
                seen,
            } => match key.take() {
                // An alias in key position: a scalar is a key as written.
                None => {
                    let (text, style) = match &node.value {
                        Value::Str(s, style) | Value::Number(s, style) => (s.clone(), *style),
                        Value::Bool(b) => (b.to_string(), Style::Synthetic),
                        _ => {
                            return Err(Problem::new(
                                node.span,
                                format!(
                                    "a mapping key must be a string, found {}",
                                    node.describe()
                                ),
                            ))
                        }
                    };
                    *key = Some(Key::Text(text, node.span, style));
                }
                Some(Key::Merge) => merges.push(node),
                Some(Key::Text(k, key_span, key_style)) => {
                    if let Some(first) = seen.get(&k) {
                        return Err(duplicate(&k, key_span, *first));
                    }
                    seen.insert(k.clone(), key_span);
                    entries.push(Entry {
                        key: k,
                        key_span,
                        key_style,
                        value: node,
                    });
                }
            },
        }
        Ok(())
    }
}

/// Adds the entries of the `<<` mappings that the mapping does not have yet.
fn merge(
    entries: &mut Vec<Entry>,
    seen: &mut HashMap<String, Span>,
    merges: Vec<Node>,
) -> Result<(), Problem> {
    for m in merges {
        let span = m.span;
        let sources = match m.value {
            Value::Map(e) => vec![e],
            Value::Seq(items) => items
                .into_iter()
                .map(|n| match n.value {
                    Value::Map(e) => Ok(e),
                    _ => Err(merge_error(n.span, n.describe())),
                })
                .collect::<Result<_, _>>()?,
            _ => return Err(merge_error(span, m.describe())),
        };
        for source in sources {
            for e in source {
                if !seen.contains_key(&e.key) {
                    seen.insert(e.key.clone(), e.key_span);
                    entries.push(e);
                }
            }
        }
    }
    Ok(())
}

fn merge_error(at: Span, found: &str) -> Problem {
    Problem::new(
        at,
        format!("a merge key `<<` takes a mapping or a list of mappings, found {found}"),
    )
}

/// A plain scalar's value: `true`, `false`, null, a JSON-syntax number, or else the text as
/// written.
fn plain(text: String) -> Value {
    match text.as_str() {
        "true" => Value::Bool(true),
        "false" => Value::Bool(false),
        "" | "~" | "null" => Value::Null,
        t if is_json_number(t) => Value::Number(text, Style::Yaml(ScalarStyle::Plain)),
        _ => Value::Str(text, Style::Yaml(ScalarStyle::Plain)),
    }
}

/// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`
fn is_json_number(t: &str) -> bool {
    let b = t.as_bytes();
    let mut i = usize::from(b.first() == Some(&b'-'));
    let digits = |i: &mut usize| {
        let s = *i;
        while b.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i - s
    };
    match b.get(i) {
        Some(b'0') => i += 1,
        Some(b'1'..=b'9') => {
            digits(&mut i);
        }
        _ => return false,
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

fn scalar_style(s: YamlStyle) -> ScalarStyle {
    match s {
        YamlStyle::Plain => ScalarStyle::Plain,
        YamlStyle::SingleQuoted => ScalarStyle::SingleQuoted,
        YamlStyle::DoubleQuoted => ScalarStyle::DoubleQuoted,
        YamlStyle::Literal => ScalarStyle::Literal,
        YamlStyle::Folded => ScalarStyle::Folded,
    }
}

/// A CloudFormation short-form tag: `!Name` with the primary handle.
fn is_intrinsic_tag(t: &Tag) -> bool {
    t.handle == "!" && !t.suffix.is_empty()
}

fn show_tag(t: &Tag) -> String {
    if t.is_yaml_core_schema() {
        format!("!!{}", t.suffix)
    } else {
        format!("{}{}", t.handle, t.suffix)
    }
}

fn unsupported_tag(t: &Tag, at: Span) -> Problem {
    Problem::new(at, format!("unsupported YAML tag `{}`", clip(&show_tag(t)))).help(
        "iamc reads CloudFormation's short forms (`!Ref`, `!Sub`, `!GetAtt`, ...) and `!!str`",
    )
}

/// Applies a node's tag: a short form becomes a one-entry mapping `{Fn::Name: node}` (`Ref`
/// and `Condition` keep their names); `!!map`, `!!seq` and `!!str` (checked by the caller for
/// scalars) leave it as is.
fn wrap(node: Node, tag: Option<&Tag>, text: &str) -> Result<Node, Problem> {
    let Some(tag) = tag else { return Ok(node) };
    if tag.is_yaml_core_schema() {
        let fits = matches!(
            (&node.value, tag.suffix.as_str()),
            (Value::Map(_), "map") | (Value::Seq(_), "seq") | (Value::Str(..), "str")
        );
        return if fits {
            Ok(node)
        } else {
            Err(unsupported_tag(tag, node.span))
        };
    }
    if !is_intrinsic_tag(tag) {
        return Err(unsupported_tag(tag, node.span));
    }
    let name = match tag.suffix.as_str() {
        "Ref" => "Ref".to_owned(),
        "Condition" => "Condition".to_owned(),
        other => format!("Fn::{other}"),
    };
    // The key stands for the tag's text where it is written (`!Sub`), else the whole node.
    let written = format!("!{}", tag.suffix);
    let key_span = text
        .get(node.span.start..)
        .and_then(|rest| rest.get(..rest.len().min(512)))
        .and_then(|rest| rest.find(&written))
        .map_or(node.span, |i| {
            Span::new(node.span.start + i, node.span.start + i + written.len())
        });
    let span = node.span;
    Ok(Node {
        span,
        value: Value::Map(vec![Entry {
            key: name,
            key_span,
            key_style: Style::Synthetic,
            value: node,
        }]),
    })
}

/// `at` without the whitespace the parser counts after a block scalar.
fn trim_end(text: &str, at: Span) -> Span {
    let s = text.get(at.start..at.end).unwrap_or("");
    Span::new(at.start, at.start + s.trim_end().len())
}

/// What copying `node` costs against the alias budget: its text bytes plus 32 per node.
fn cost(node: &Node) -> usize {
    const NODE: usize = 32;
    // INVARIANT (tree-depth): nodes are at most `MAX_DEPTH` deep, so this recursion is shallow.
    NODE + match &node.value {
        Value::Null | Value::Bool(_) => 0,
        Value::Number(s, _) | Value::Str(s, _) => s.len(),
        Value::Seq(items) => items.iter().map(cost).fold(0, usize::saturating_add),
        Value::Map(entries) => entries
            .iter()
            .map(|e| e.key.len().saturating_add(cost(&e.value)))
            .fold(0, usize::saturating_add),
    }
}

/// Levels of `node` (1 for a scalar).
fn height(node: &Node) -> usize {
    1 + match &node.value {
        Value::Seq(items) => items.iter().map(height).max().unwrap_or(0),
        Value::Map(entries) => entries.iter().map(|e| height(&e.value)).max().unwrap_or(0),
        _ => 0,
    }
}
