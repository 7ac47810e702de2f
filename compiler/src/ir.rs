//! The intermediate representation: what a policy set means, before any automaton.
//!
//! Produced by [`crate::lower`] (from the grammar's AST); read by [`crate::automata`] (which
//! builds the DFAs from it), by [`crate::emit`] (which writes the runtime's program from it and
//! the DFAs), by the IR interpreter [`interp`] (a test oracle one layer down) and by the
//! analyses (findings, diff), which read the values exactly as the engines decide them. The IR
//! knows nothing of automata or of the artifact format: a format change never touches it.
//!
//! # Invariants
//! Every `ir::PolicySet` that [`crate::lower::lower`] returns satisfies these; the passes after
//! it rely on them, and the places that do say `INVARIANT (name)`.
//! - **(numbered)** `statements[i].id == StmtId(i)`; statements are in listing order: groups in
//!   [`PolicySet::groups`] order, policies in the order given within a group, statements by
//!   index. `provenance.group` indexes `groups`, `provenance.policy` indexes `policies`.
//! - **(lowercase-actions)** action globs are ASCII-lowercased `service:name` globs whose only
//!   wildcards are `Star { colon: true }` and `One { colon: true }`, in the name; no
//!   [`Piece::Var`]. The element `*` is [`ActionMatcher::any`], never a pattern.
//! - **(six-fields)** resource globs ([`ArnGlob::glob`]) span six fields: short ARNs were padded
//!   with `:*` fields, and every wildcard knows whether it may cross `:` (DESIGN.md
//!   "Resources"). Policy variables are [`Piece::Var`] holes, only under `2012-10-17` and only
//!   in field 6. The element `*` is [`ResourceMatcher::any`], never a pattern; a short ARN that
//!   matches nothing (resource and endpoint policies, spec 3.4) is not in the list.
//! - **(lowercase-keys)** condition keys ([`condition::Clause::key`], the written form kept
//!   beside) and the variable keys of resource globs are ASCII-lowercased; the variable keys of
//!   condition values keep their written case (as `--emit ir` has always shown them). Every
//!   key is looked up ignoring ASCII case, so compare keys with `eq_ignore_ascii_case`.
//! - **(values-complete)** a clause keeps one [`condition::Operand`] per policy value, in
//!   document order: a value that cannot be read as the operator's type is an
//!   [`condition::Operand::Invalid`] with its text and span, never dropped.
//! - **(globs-merged)** in every [`Glob`], no [`Piece::Lit`] is empty and no two are adjacent.
//!
//! # Modules
//! - [`glob`]: [`Glob`] and [`Piece`], the pattern language of actions, resources and condition
//!   values.
//! - [`principal`]: `Principal` / `NotPrincipal` blocks.
//! - [`condition`]: condition clauses and their typed values.
//! - [`interp`]: the IR interpreter.
//! - `render`: the text of `iamc compile --emit ir` ([`PolicySet`]'s `Display`).

use iamc_grammar::Span;
use iamc_runtime::PolicyType;

pub mod condition;
pub mod glob;
pub mod interp;
pub mod principal;
mod render;

pub use condition::Clause;
pub use glob::{Glob, Piece};
pub use principal::{PrincipalBlock, PrincipalEntry, PrincipalKind};

/// A statement's number in listing order (INVARIANT (numbered)).
///
/// ```
/// use iamc_grammar::{ast::PolicyType, PolicySet, SourceFile};
/// let src = SourceFile::new("p.json", r#"{"Version":"2012-10-17","Statement":[{"Sid":"Read","Effect":"Allow","Action":"s3:Get*","Resource":"arn:aws:s3:::b/*","Condition":{"NumericLessThan":{"s3:max-keys":"10"}}},{"Effect":"Deny","NotAction":"s3:*","NotResource":"*"}]}"#);
/// let policy = iamc_grammar::parse_policy(&src, PolicyType::Identity)?.policy;
/// let ir = iamc_compiler::lower::lower(&PolicySet::identity(vec![policy]))?;
///
/// assert_eq!(ir.statements[1].id, iamc_compiler::ir::StmtId(1));
///
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StmtId(pub u32);

/// A whole policy set, lowered.
///
/// ```
/// use iamc_grammar::{ast::PolicyType, PolicySet, SourceFile};
/// let src = SourceFile::new("p.json", r#"{"Version":"2012-10-17","Statement":[{"Sid":"Read","Effect":"Allow","Action":"s3:Get*","Resource":"arn:aws:s3:::b/*","Condition":{"NumericLessThan":{"s3:max-keys":"10"}}},{"Effect":"Deny","NotAction":"s3:*","NotResource":"*"}]}"#);
/// let policy = iamc_grammar::parse_policy(&src, PolicyType::Identity)?.policy;
/// let ir = iamc_compiler::lower::lower(&PolicySet::identity(vec![policy]))?;
///
/// assert_eq!(ir.groups.len(), 1);
/// assert_eq!(ir.policies, ["p.json"]);
/// assert_eq!(ir.statements.len(), 2);
///
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct PolicySet {
    /// The typed groups of the set (spec 7.2): policy types in [`PolicyType::ALL`] order,
    /// organization levels root first. Every group of the set is here, even one without
    /// statements (an SCP level with no policy has no Allow).
    pub groups: Vec<Group>,
    /// Policy names, group by group, in the order given within a group.
    pub policies: Vec<String>,
    /// Every statement; `statements[i].id == StmtId(i)` (INVARIANT (numbered)).
    pub statements: Vec<Statement>,
}

/// One typed group of policies: all policies of one type, or one organization level.
///
/// ```
/// use iamc_grammar::{ast::PolicyType, PolicySet, SourceFile};
/// let src = SourceFile::new("p.json", r#"{"Version":"2012-10-17","Statement":[{"Sid":"Read","Effect":"Allow","Action":"s3:Get*","Resource":"arn:aws:s3:::b/*","Condition":{"NumericLessThan":{"s3:max-keys":"10"}}},{"Effect":"Deny","NotAction":"s3:*","NotResource":"*"}]}"#);
/// let policy = iamc_grammar::parse_policy(&src, PolicyType::Identity)?.policy;
/// let ir = iamc_compiler::lower::lower(&PolicySet::identity(vec![policy]))?;
///
/// use iamc_compiler::ir::Group;
/// let identity = Group { policy_type: iamc_runtime::PolicyType::Identity, level: 0 };
/// assert_eq!(ir.groups, [identity]);
///
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Group {
    /// The policies' type.
    pub policy_type: PolicyType,
    /// The organization level of an SCP or RCP group (0 = root), else 0.
    pub level: u32,
}

/// Where a statement came from.
///
/// ```
/// use iamc_grammar::{ast::PolicyType, PolicySet, SourceFile};
/// let src = SourceFile::new("p.json", r#"{"Version":"2012-10-17","Statement":[{"Sid":"Read","Effect":"Allow","Action":"s3:Get*","Resource":"arn:aws:s3:::b/*","Condition":{"NumericLessThan":{"s3:max-keys":"10"}}},{"Effect":"Deny","NotAction":"s3:*","NotResource":"*"}]}"#);
/// let policy = iamc_grammar::parse_policy(&src, PolicyType::Identity)?.policy;
/// let ir = iamc_compiler::lower::lower(&PolicySet::identity(vec![policy]))?;
///
/// let p = &ir.statements[0].provenance;
/// assert_eq!((p.group, p.policy, p.index, p.sid.as_deref()), (0, 0, 0, Some("Read")));
///
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Provenance {
    /// Index into [`PolicySet::groups`].
    pub group: u32,
    /// Index into [`PolicySet::policies`].
    pub policy: u32,
    /// Index in the policy's `Statement` array.
    pub index: u32,
    /// The statement's `Sid`.
    pub sid: Option<String>,
    /// The statement object's bytes in its policy file.
    pub span: Span,
}

/// A statement's effect: the one `Effect` of the workspace (the grammar's, the IR's, the
/// format's and the runtime's are this type).
pub use iamc_format::Effect;

/// One statement: it applies to a request when its principal block (if any) names the
/// caller, its action and resource matchers accept the request, and every condition clause
/// holds.
///
/// ```
/// use iamc_grammar::{ast::PolicyType, PolicySet, SourceFile};
/// let src = SourceFile::new("p.json", r#"{"Version":"2012-10-17","Statement":[{"Sid":"Read","Effect":"Allow","Action":"s3:Get*","Resource":"arn:aws:s3:::b/*","Condition":{"NumericLessThan":{"s3:max-keys":"10"}}},{"Effect":"Deny","NotAction":"s3:*","NotResource":"*"}]}"#);
/// let policy = iamc_grammar::parse_policy(&src, PolicyType::Identity)?.policy;
/// let ir = iamc_compiler::lower::lower(&PolicySet::identity(vec![policy]))?;
///
/// let s = &ir.statements[1];
/// assert_eq!(s.effect, iamc_compiler::ir::Effect::Deny);
/// assert!(s.principal.is_none() && s.conditions.is_empty());
///
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    /// Its number (INVARIANT (numbered)).
    pub id: StmtId,
    /// Where it came from.
    pub provenance: Provenance,
    /// `Allow` or `Deny`.
    pub effect: Effect,
    /// `Principal` / `NotPrincipal`, in resource-like policies; `None` elsewhere.
    pub principal: Option<PrincipalBlock>,
    /// `Action` / `NotAction`.
    pub action: ActionMatcher,
    /// `Resource` / `NotResource`.
    pub resource: ResourceMatcher,
    /// The `Condition` block: one clause per (operator, key), in document order; AND of the
    /// clauses. Empty when the statement has no condition.
    pub conditions: Vec<Clause>,
    /// Every context key the statement references, as first written, each once (ASCII case
    /// ignored): the keys of policy variables in `Resource`/`NotResource`, then clause by
    /// clause the clause's key and the keys of the variables in its values (for the operators
    /// that substitute variables). What `MissingContextValues` lists when a request lacks them.
    pub context_keys: Vec<String>,
}

/// `Action` (negated = false) or `NotAction`: true iff some pattern (or `any`) accepts the
/// request action, inverted for `NotAction`.
///
/// ```
/// use iamc_grammar::{ast::PolicyType, PolicySet, SourceFile};
/// let src = SourceFile::new("p.json", r#"{"Version":"2012-10-17","Statement":[{"Sid":"Read","Effect":"Allow","Action":"s3:Get*","Resource":"arn:aws:s3:::b/*","Condition":{"NumericLessThan":{"s3:max-keys":"10"}}},{"Effect":"Deny","NotAction":"s3:*","NotResource":"*"}]}"#);
/// let policy = iamc_grammar::parse_policy(&src, PolicyType::Identity)?.policy;
/// let ir = iamc_compiler::lower::lower(&PolicySet::identity(vec![policy]))?;
///
/// let m = &ir.statements[1].action;
/// assert!(m.negated && !m.any);
/// assert_eq!(m.patterns[0].to_string(), "s3:*");
///
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionMatcher {
    /// `NotAction`.
    pub negated: bool,
    /// The element lists `*`.
    pub any: bool,
    /// Lowercased `service:name` globs (INVARIANT (lowercase-actions)), duplicates removed, in
    /// first-seen order.
    pub patterns: Vec<Glob>,
}

/// `Resource` (negated = false) or `NotResource`; a statement with no resource element (trust
/// policies) is `any`: it is about the role it is attached to.
///
/// ```
/// use iamc_grammar::{ast::PolicyType, PolicySet, SourceFile};
/// let src = SourceFile::new("p.json", r#"{"Version":"2012-10-17","Statement":[{"Sid":"Read","Effect":"Allow","Action":"s3:Get*","Resource":"arn:aws:s3:::b/*","Condition":{"NumericLessThan":{"s3:max-keys":"10"}}},{"Effect":"Deny","NotAction":"s3:*","NotResource":"*"}]}"#);
/// let policy = iamc_grammar::parse_policy(&src, PolicyType::Identity)?.policy;
/// let ir = iamc_compiler::lower::lower(&PolicySet::identity(vec![policy]))?;
///
/// let m = &ir.statements[1].resource;
/// assert!(m.negated && m.any && m.patterns.is_empty());
///
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceMatcher {
    /// `NotResource`.
    pub negated: bool,
    /// The element lists `*`.
    pub any: bool,
    /// Six-field globs (INVARIANT (six-fields)), duplicates removed, in first-seen order.
    pub patterns: Vec<ArnGlob>,
}

/// A resource pattern: the text as written, and its six-field glob.
///
/// ```
/// use iamc_grammar::{ast::PolicyType, PolicySet, SourceFile};
/// let src = SourceFile::new("p.json", r#"{"Version":"2012-10-17","Statement":[{"Sid":"Read","Effect":"Allow","Action":"s3:Get*","Resource":"arn:aws:s3:::b/*","Condition":{"NumericLessThan":{"s3:max-keys":"10"}}},{"Effect":"Deny","NotAction":"s3:*","NotResource":"*"}]}"#);
/// let policy = iamc_grammar::parse_policy(&src, PolicyType::Identity)?.policy;
/// let ir = iamc_compiler::lower::lower(&PolicySet::identity(vec![policy]))?;
///
/// let p = &ir.statements[0].resource.patterns[0];
/// assert_eq!(p.raw, "arn:aws:s3:::b/*");
/// assert!(!p.glob.is_literal());
///
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArnGlob {
    /// The pattern as written.
    pub raw: String,
    /// Its six-field glob (INVARIANT (six-fields)).
    pub glob: Glob,
}

impl PolicySet {
    /// The policy type and level of a statement's group.
    ///
    /// ```
    /// use iamc_grammar::{ast::PolicyType, PolicySet, SourceFile};
    /// let src = SourceFile::new("p.json", r#"{"Version":"2012-10-17","Statement":[{"Sid":"Read","Effect":"Allow","Action":"s3:Get*","Resource":"arn:aws:s3:::b/*","Condition":{"NumericLessThan":{"s3:max-keys":"10"}}},{"Effect":"Deny","NotAction":"s3:*","NotResource":"*"}]}"#);
    /// let policy = iamc_grammar::parse_policy(&src, PolicyType::Identity)?.policy;
    /// let ir = iamc_compiler::lower::lower(&PolicySet::identity(vec![policy]))?;
    ///
    /// let g = ir.group_of(&ir.statements[0]).ok_or("no group")?;
    /// assert_eq!(g.policy_type, iamc_runtime::PolicyType::Identity);
    ///
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn group_of(&self, s: &Statement) -> Option<Group> {
        self.groups.get(s.provenance.group as usize).copied()
    }

    /// The name of a statement's policy.
    ///
    /// ```
    /// use iamc_grammar::{ast::PolicyType, PolicySet, SourceFile};
    /// let src = SourceFile::new("p.json", r#"{"Version":"2012-10-17","Statement":[{"Sid":"Read","Effect":"Allow","Action":"s3:Get*","Resource":"arn:aws:s3:::b/*","Condition":{"NumericLessThan":{"s3:max-keys":"10"}}},{"Effect":"Deny","NotAction":"s3:*","NotResource":"*"}]}"#);
    /// let policy = iamc_grammar::parse_policy(&src, PolicyType::Identity)?.policy;
    /// let ir = iamc_compiler::lower::lower(&PolicySet::identity(vec![policy]))?;
    ///
    /// assert_eq!(ir.policy_of(&ir.statements[1]), Some("p.json"));
    ///
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn policy_of(&self, s: &Statement) -> Option<&str> {
        self.policies
            .get(s.provenance.policy as usize)
            .map(String::as_str)
    }

    /// The IR as text, one statement per block (`iamc compile --emit ir`); the same as
    /// `to_string()`.
    ///
    /// ```
    /// use iamc_grammar::{ast::PolicyType, PolicySet, SourceFile};
    /// let src = SourceFile::new("p.json", r#"{"Version":"2012-10-17","Statement":[{"Sid":"Read","Effect":"Allow","Action":"s3:Get*","Resource":"arn:aws:s3:::b/*","Condition":{"NumericLessThan":{"s3:max-keys":"10"}}},{"Effect":"Deny","NotAction":"s3:*","NotResource":"*"}]}"#);
    /// let policy = iamc_grammar::parse_policy(&src, PolicyType::Identity)?.policy;
    /// let ir = iamc_compiler::lower::lower(&PolicySet::identity(vec![policy]))?;
    ///
    /// let text = ir.render();
    /// assert!(text.contains("s3:get*") && text.contains("p.json"), "{text}");
    ///
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn render(&self) -> String {
        self.to_string()
    }
}
