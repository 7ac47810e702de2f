//! The document shape: top-level members, `Version`, `Id`, `Statement`, repeated member
//! names and the `Sid` rules.

use std::collections::HashMap;

use super::{Validator, TOP_LEVEL};
use crate::ast::{self, PolicyType, Statement, Version};
use crate::diag::clip;
use crate::diag::IssueCode;
use crate::json::{Json, Node};

impl Validator<'_> {
    /// Reports every repeated member name of every object in the tree. Iterative: no recursion.
    fn duplicate_keys(&mut self, root: &Node) {
        let mut stack = vec![root];
        while let Some(node) = stack.pop() {
            match &node.value {
                Json::Object(members) => {
                    let mut seen: HashMap<&str, ()> = HashMap::new();
                    for (i, m) in members.iter().enumerate() {
                        // Small objects (nearly all of them): compare with the earlier keys.
                        let repeated = if members.len() <= 16 {
                            members.iter().take(i).any(|e| e.key == m.key)
                        } else {
                            seen.insert(m.key.as_str(), ()).is_some()
                        };
                        if repeated {
                            self.error(
                                m.key_span,
                                IssueCode::JsonSyntaxError,
                                format!("duplicate key `{}`", clip(&m.key)),
                            );
                        }
                        stack.push(&m.value);
                    }
                }
                Json::Array(items) => stack.extend(items.iter()),
                _ => {}
            }
        }
    }

    /// Validates the document; `None` when any error was found.
    pub(super) fn document(&mut self, root: &Node) -> Option<ast::Policy> {
        self.duplicate_keys(root);
        let Json::Object(members) = &root.value else {
            self.mismatch(root, "a policy must be a JSON object");
            return None;
        };
        let mut version_span = None;
        let mut id = None;
        let mut statement = None;
        for m in members {
            match m.key.as_str() {
                "Version" => {
                    version_span = Some(m.value.span);
                    match &m.value.value {
                        Json::String(s) if s == "2012-10-17" => self.version = Version::V2012_10_17,
                        Json::String(s) if s == "2008-10-17" => self.version = Version::V2008_10_17,
                        Json::String(s) => self.error_help(
                            m.value.span,
                            IssueCode::InvalidVersion,
                            format!("invalid `Version` `{}`", clip(s)),
                            Some("the version is `2012-10-17` or `2008-10-17`".into()),
                        ),
                        _ => self.mismatch(&m.value, "`Version` must be a string"),
                    }
                }
                "Id" => id = self.string_value(&m.value, "Id").or(id),
                "Statement" => statement = Some(&m.value),
                _ => self.unknown_member(
                    m,
                    &TOP_LEVEL,
                    "top-level element",
                    IssueCode::InvalidPolicyElement,
                ),
            }
        }
        let mut statements = Vec::new();
        match statement {
            None => self.error(
                root.span,
                IssueCode::MissingStatement,
                "the policy has no `Statement` element",
            ),
            Some(node) => match &node.value {
                Json::Object(_) => statements.extend(self.statement(node, 0)),
                Json::Array(items) => {
                    for (index, item) in items.iter().enumerate() {
                        statements.extend(self.statement(item, index));
                    }
                }
                _ => self.mismatch(node, "`Statement` must be an object or an array of objects"),
            },
        }
        self.sids(&statements);
        if self.errors > 0 {
            return None;
        }
        Some(ast::Policy {
            name: self.src.name().to_owned(),
            kind: self.kind,
            version: self.version,
            version_span,
            id,
            statements,
            span: root.span,
        })
    }

    /// Sid rules of identity policies: unique within the policy (an error: IAM refuses a
    /// repeated `Sid`), and `[A-Za-z0-9]` only (a warning: IAM's CreatePolicy refuses other
    /// characters, but AWS's policy simulator answers Sids such as `identity#stmt:0`, which
    /// real tools send, so a policy breaking it still compiles).
    fn sids(&mut self, statements: &[Statement]) {
        if self.kind != PolicyType::Identity {
            return;
        }
        let mut seen: HashMap<&str, ()> = HashMap::new();
        for sid in statements.iter().filter_map(|s| s.sid.as_ref()) {
            if !sid.node.chars().all(|c| c.is_ascii_alphanumeric()) {
                self.warning(
                    sid.span,
                    IssueCode::UnsupportedSid,
                    format!(
                        "invalid `Sid` `{}`: only letters and digits are allowed",
                        clip(&sid.node)
                    ),
                    Some("IAM accepts only `A-Z`, `a-z` and `0-9` in the `Sid` of an identity policy".into()),
                );
            }
            if !sid.node.is_empty() && seen.insert(sid.node.as_str(), ()).is_some() {
                self.error_help(
                    sid.span,
                    IssueCode::UniqueSidsRequired,
                    format!("duplicate `Sid` `{}`", clip(&sid.node)),
                    Some("IAM requires the `Sid` values of a policy to be unique".into()),
                );
            }
        }
    }
}
