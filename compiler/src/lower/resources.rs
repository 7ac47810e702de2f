//! Pass 4: `Resource` / `NotResource` to six-field ARN globs (DESIGN.md "Resources").
//!
//! - Fields are counted by the colons of the pattern's text (a variable's key or default is not
//!   text, an escaped `${*}` is a literal); a pattern with fewer than five colons is padded with
//!   `:*` fields to six.
//! - In fields 1 to 5 a `*` matches no `:` unless it is the last character of its field (the
//!   next character is a `:`); a `?` there never matches `:`. In field 6 both cross `:`.
//! - Policy variables become holes; under 2008-10-17 the grammar left them as text already.

use iamc_grammar::ast;

use crate::ir::{ArnGlob, Glob, Piece, ResourceMatcher};

/// The matcher of a `Resource` / `NotResource` element of a policy of `kind` (`None`: no
/// resource element, as in trust policies).
///
/// ```
/// use iamc_grammar::{ast::PolicyType, PolicySet, SourceFile};
/// let src = SourceFile::new("p.json", r#"{"Statement":{"Effect":"Allow","Action":"ecs:*","Resource":["*","arn:aws:ecs"]}}"#);
/// let policy = iamc_grammar::parse_policy(&src, PolicyType::Identity)?.policy;
/// let stmt = &policy.statements[0];
///
/// let m = iamc_compiler::lower::resources::lower_resources(stmt.resource.as_ref(), PolicyType::Identity);
/// assert!(m.any, "`*` is a flag, not a pattern");
/// assert_eq!(m.patterns[0].glob.to_string(), "arn:aws:ecs:*:*:*");
///
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn lower_resources(
    block: Option<&ast::ResourceBlock>,
    kind: ast::PolicyType,
) -> ResourceMatcher {
    let Some(block) = block else {
        // No resource element (trust policies, where it is prohibited): the statement is about
        // the role it is attached to, whatever the request names.
        return ResourceMatcher {
            negated: false,
            any: true,
            patterns: Vec::new(),
        };
    };
    let globs = block.patterns.iter().filter_map(|p| match &p.node {
        ast::ResourcePattern::Any => None,
        // Spec 3.4 (A5): in resource-based and endpoint policies a short ARN without `*`
        // matches nothing: the entry is dropped (it neither grants nor excludes).
        ast::ResourcePattern::Arn { raw, .. }
            if matches!(kind, ast::PolicyType::Resource | ast::PolicyType::Endpoint)
                && raw.matches(':').count() < 5
                && !raw.contains('*') =>
        {
            None
        }
        ast::ResourcePattern::Arn { raw, template } => Some(ArnGlob {
            raw: raw.clone(),
            glob: arn_glob(template),
        }),
    });
    ResourceMatcher {
        negated: block.negated,
        any: block
            .patterns
            .iter()
            .any(|p| p.node == ast::ResourcePattern::Any),
        patterns: super::first_seen(globs.collect(), |g| &g.glob),
    }
}

/// One unit of a template before wildcard classification.
enum Unit<'a> {
    Char(char),
    /// A literal character that is never a wildcard or separator (`${*}` and friends).
    Escaped(char),
    Var(&'a str, &'a Option<String>),
}

/// The six-field glob of one resource template (INVARIANT (six-fields)).
///
/// ```
/// use iamc_grammar::{ast::PolicyType, PolicySet, SourceFile};
/// let src = SourceFile::new("p.json", r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::home/${aws:username}/*"}}"#);
/// let policy = iamc_grammar::parse_policy(&src, PolicyType::Identity)?.policy;
/// let stmt = &policy.statements[0];
///
/// use iamc_grammar::ast::ResourcePattern;
/// let pattern = stmt.resource.as_ref().map(|r| &r.patterns[0].node);
/// let Some(ResourcePattern::Arn { template, .. }) = pattern else { panic!("an ARN") };
/// assert!(iamc_compiler::lower::resources::arn_glob(template).has_vars());
///
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn arn_glob(template: &ast::Template) -> Glob {
    let mut units = Vec::new();
    for seg in &template.segments {
        match seg {
            ast::Segment::Text(t) => units.extend(t.chars().map(Unit::Char)),
            ast::Segment::Escaped(c) => units.push(Unit::Escaped(*c)),
            ast::Segment::Variable { key, default } => units.push(Unit::Var(key, default)),
        }
    }
    let colons = units
        .iter()
        .filter(|u| matches!(u, Unit::Char(':')))
        .count();
    for _ in colons..5 {
        units.push(Unit::Char(':'));
        units.push(Unit::Char('*'));
    }
    let mut g = Glob::default();
    let mut field = 1usize;
    let mut lit = String::new();
    let mut i = 0;
    while let Some(u) = units.get(i) {
        let next_is_colon = matches!(units.get(i + 1), Some(Unit::Char(':')));
        let piece = match u {
            Unit::Char(':') => {
                field += 1;
                lit.push(':');
                None
            }
            Unit::Char('*') => Some(Piece::Star {
                colon: field >= 6 || next_is_colon,
            }),
            Unit::Char('?') => Some(Piece::One { colon: field >= 6 }),
            Unit::Char(c) | Unit::Escaped(c) => {
                lit.push(*c);
                None
            }
            Unit::Var(key, default) => Some(Piece::Var {
                key: key.to_ascii_lowercase(),
                default: (*default).clone(),
            }),
        };
        if let Some(piece) = piece {
            g.push_lit(&lit);
            lit.clear();
            g.pieces.push(piece);
        }
        i += 1;
    }
    g.push_lit(&lit);
    g
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> ast::Template {
        ast::Template {
            segments: vec![ast::Segment::Text(s.into())],
        }
    }

    #[test]
    fn short_arns_are_padded_and_wildcards_classified() {
        assert_eq!(
            arn_glob(&text("arn:aws:ecs")).to_string(),
            "arn:aws:ecs:*:*:*"
        );
        assert_eq!(
            arn_glob(&text("arn:aws:ecs:us-*")).to_string(),
            "arn:aws:ecs:us-*:*:*"
        );
        assert_eq!(
            arn_glob(&text("arn:a*s:ecs:us-*-1:?:x*y:z")).to_string(),
            "arn:a*!s:ecs:us-*!-1:?!:x*y:z"
        );
        assert_eq!(
            arn_glob(&text("arn:aws:s3:::b/?*")).to_string(),
            "arn:aws:s3:::b/?*"
        );
    }

    #[test]
    fn variables_are_holes_and_escapes_literal() {
        let t = ast::Template {
            segments: vec![
                ast::Segment::Text("arn:aws:s3:::b/".into()),
                ast::Segment::Variable {
                    key: "aws:UserName".into(),
                    default: Some("x".into()),
                },
                ast::Segment::Escaped('*'),
                ast::Segment::Text("/*".into()),
            ],
        };
        assert_eq!(
            arn_glob(&t).to_string(),
            "arn:aws:s3:::b/${aws:username, 'x'}\\*/*"
        );
    }
}
