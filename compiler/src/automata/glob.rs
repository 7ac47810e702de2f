//! IR globs to `Hir`s, and one DFA for a set of globs.
//!
//! The DFAs run over bytes of valid UTF-8 (requests are `&str`):
//! - `*` crossing `:` is any byte, repeated; `*` not crossing `:` is any byte but `:`, repeated
//!   (`:` is ASCII, so it is never inside a multi-byte character: both are exact over UTF-8);
//! - `?` is one Unicode scalar value (a UTF-8 automaton), minus `:` when it may not cross;
//! - a policy-variable hole is `*` (the exact value is confirmed at run time);
//! - literals are their UTF-8 bytes, compared exactly (action globs were lowercased already),
//!   or ignoring ASCII case in [`build_glob_dfa`] with [`Semantics::Action`].
//!
//! [`build_glob_dfa`] is the entry point of the analyses: one anchored DFA for a list of IR
//! globs, pattern id `i` being glob `i`.

use regex_syntax::hir::{
    Class, ClassBytes, ClassBytesRange, ClassUnicode, ClassUnicodeRange, Hir, Look, Repetition,
};

use super::build::{BuildFailure, DfaBuilder, OwnedDfa};
use crate::ir::{Glob, Piece};
use crate::{CompileError, Config};

fn star(colon: bool) -> Hir {
    let class = if colon {
        ClassBytes::new([ClassBytesRange::new(0, 255)])
    } else {
        ClassBytes::new([
            ClassBytesRange::new(0, b':' - 1),
            ClassBytesRange::new(b':' + 1, 255),
        ])
    };
    Hir::repetition(Repetition {
        min: 0,
        max: None,
        greedy: true,
        sub: Box::new(Hir::class(Class::Bytes(class))),
    })
}

fn one(colon: bool) -> Hir {
    let class = if colon {
        ClassUnicode::new([ClassUnicodeRange::new('\0', '\u{10FFFF}')])
    } else {
        ClassUnicode::new([
            ClassUnicodeRange::new('\0', '9'),
            ClassUnicodeRange::new(';', '\u{10FFFF}'),
        ])
    };
    Hir::class(Class::Unicode(class))
}

/// Literal text; with `ascii_ci`, each ASCII letter also matches its other case.
///
/// ```
/// use iamc_compiler::automata::glob::literal;
/// assert_eq!(literal("true", false), regex_syntax::hir::Hir::literal(&b"true"[..]));
/// assert_ne!(literal("true", true), literal("true", false));
/// ```
pub fn literal(s: &str, ascii_ci: bool) -> Hir {
    if !ascii_ci || !s.bytes().any(|b| b.is_ascii_alphabetic()) {
        return Hir::literal(s.as_bytes());
    }
    Hir::concat(
        s.bytes()
            .map(|b| {
                if b.is_ascii_alphabetic() {
                    let (l, u) = (b.to_ascii_lowercase(), b.to_ascii_uppercase());
                    Hir::class(Class::Bytes(ClassBytes::new([
                        ClassBytesRange::new(u, u),
                        ClassBytesRange::new(l, l),
                    ])))
                } else {
                    Hir::literal([b])
                }
            })
            .collect(),
    )
}

/// Whether a piece, at the end of a pattern, accepts every remainder: such trailing pieces are
/// dropped and the pattern reported as soon as the rest matched (the early-report trick).
fn accepts_any_rest(p: &Piece) -> bool {
    matches!(p, Piece::Star { colon: true } | Piece::Var { .. })
}

/// The pieces a DFA pattern keeps, and whether it is anchored at the end: with `early`,
/// trailing pieces that accept any remainder are dropped and the pattern is not anchored.
fn dfa_pieces(g: &Glob, early: bool) -> (&[Piece], bool) {
    let mut pieces: &[Piece] = &g.pieces;
    let mut anchored = true;
    if early {
        while let Some((last, rest)) = pieces.split_last() {
            if !accepts_any_rest(last) {
                break;
            }
            pieces = rest;
            anchored = false;
        }
    }
    (pieces, anchored)
}

fn pieces_hir(pieces: &[Piece], anchored: bool, ascii_ci: bool) -> Hir {
    let mut subs: Vec<Hir> = pieces
        .iter()
        .map(|p| match p {
            Piece::Lit(s) => literal(s, ascii_ci),
            Piece::Star { colon } => star(*colon),
            Piece::One { colon } => one(*colon),
            Piece::Var { .. } => star(true),
        })
        .collect();
    if anchored {
        subs.push(Hir::look(Look::End));
    }
    Hir::concat(subs)
}

/// The pattern a glob contributes to a DFA.
///
/// With `early`, trailing pieces that accept any remainder are dropped and the pattern is not
/// anchored at the end: the DFA reports it as soon as its prefix matched, and the runtime
/// collects matches along the whole walk. Without, the pattern must match the whole input.
///
/// ```
/// use iamc_compiler::automata::glob::glob_hir;
/// use regex_syntax::hir::Look;
/// let g = iamc_compiler::lower::action_glob("s3:Get*")?;
/// assert!(glob_hir(&g, false).properties().look_set().contains(Look::End));
/// assert!(!glob_hir(&g, true).properties().look_set().contains(Look::End), "early: no end anchor");
///
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn glob_hir(g: &Glob, early: bool) -> Hir {
    let (pieces, anchored) = dfa_pieces(g, early);
    pieces_hir(pieces, anchored, false)
}

/// A value naming the language [`glob_hir`] gives (for deduplicating patterns): the kept
/// pieces with holes as `*`, and whether the pattern is anchored at the end. Equal keys give
/// the same language (INVARIANT (globs-merged) makes equal pieces the only way to spell one).
///
/// ```
/// use iamc_compiler::{automata::glob::dfa_key, lower::action_glob};
/// let (a, b) = (action_glob("s3:Get*")?, action_glob("S3:GET*")?);
/// assert_eq!(dfa_key(&a, true), dfa_key(&b, true));
/// assert_ne!(dfa_key(&a, true), dfa_key(&a, false), "early drops the trailing `*`");
///
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn dfa_key(g: &Glob, early: bool) -> (Glob, bool) {
    let (pieces, anchored) = dfa_pieces(g, early);
    let pieces = pieces
        .iter()
        .map(|p| match p {
            Piece::Var { .. } => Piece::Star { colon: true },
            p => p.clone(),
        })
        .collect();
    (Glob { pieces }, anchored)
}

/// How the strings a glob set is matched against are read (DESIGN.md "Actions",
/// "Resources", "Conditions").
///
/// ```
/// use iamc_compiler::automata::glob::{build_glob_dfa, Semantics};
/// use regex_automata::{dfa::Automaton, Anchored, Input};
/// let g = iamc_compiler::lower::action_glob("s3:Get*")?;
/// let config = iamc_compiler::Config::default();
/// let matches = |semantics| -> Result<bool, Box<dyn std::error::Error>> {
///     let d = build_glob_dfa(std::slice::from_ref(&g), semantics, &config)?;
///     let input = Input::new("S3:GetObject").anchored(Anchored::Yes);
///     Ok(d.dfa.try_search_fwd(&input)?.is_some())
/// };
/// assert!(matches(Semantics::Action)?, "actions ignore ASCII case");
/// assert!(!matches(Semantics::String)?, "condition values do not");
///
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Semantics {
    /// Request actions: ASCII case-insensitive (the globs of [`crate::lower::action_glob`] are
    /// lowercase; the DFA accepts every ASCII case of them).
    Action,
    /// Request resources: case-sensitive; the field-wise reach of each wildcard is already in
    /// the glob ([`crate::lower::resource_glob`]), and variable holes match any text (a
    /// superset: the value a hole takes depends on the request's context).
    Resource,
    /// Condition values (`StringLike`, `Arn...` constants): case-sensitive, as the glob says.
    String,
}

/// A DFA over a list of globs.
///
/// ```
/// use iamc_compiler::automata::glob::{build_glob_dfa, Semantics};
/// let globs = vec![iamc_compiler::lower::action_glob("ec2:*")?];
/// let d = build_glob_dfa(&globs, Semantics::Action, &Default::default())?;
/// assert_eq!(d.patterns, globs);
///
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct GlobDfa {
    /// Anchored at the start (`StartKind::Anchored`: search with `Anchored::Yes`), every
    /// pattern anchored at the end, `MatchKind::All`: a string `s` matches glob `i` exactly
    /// when the state reached after `s` and end of input is a match state reporting
    /// `PatternID` `i`.
    pub dfa: OwnedDfa,
    /// The globs in pattern-id order: `PatternID(i)` is `patterns[i]`.
    pub patterns: Vec<Glob>,
}

/// Builds one DFA for `globs` (pattern id `i` = `globs[i]`), read with `semantics`, under the
/// size limits of `config`.
///
/// ```
/// use iamc_compiler::automata::glob::{build_glob_dfa, Semantics};
/// use regex_automata::{dfa::Automaton, Anchored, Input};
/// let globs = vec![iamc_compiler::lower::action_glob("ecs:Describe*")?];
/// let d = build_glob_dfa(&globs, Semantics::Action, &iamc_compiler::Config::default())?;
/// let input = Input::new("ECS:DescribeClusters").anchored(Anchored::Yes);
/// assert!(d.dfa.try_search_fwd(&input).map_err(|e| e.to_string())?.is_some());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// The automaton exceeds `config`'s size limits (`dfa_size_limit`, `determinize_size_limit`),
/// or cannot be built.
pub fn build_glob_dfa(
    globs: &[Glob],
    semantics: Semantics,
    config: &Config,
) -> Result<GlobDfa, CompileError> {
    let ascii_ci = semantics == Semantics::Action;
    let hirs: Vec<Hir> = globs
        .iter()
        .map(|g| pieces_hir(&g.pieces, true, ascii_ci))
        .collect();
    match DfaBuilder::new(config).try_build(&hirs) {
        Ok(dfa) => Ok(GlobDfa {
            dfa,
            patterns: globs.to_vec(),
        }),
        Err(BuildFailure::TooLarge) => Err(CompileError::too_large(&format!(
            "the set of {} patterns",
            globs.len()
        ))),
        Err(BuildFailure::Other(e)) => Err(CompileError::automaton("a glob set", &e)),
    }
}

/// Longest head of its first significant floating literal a resource DFA pattern keeps (see
/// [`resource_form`]). Measured on the `aws-managed` corpus (1,870 distinct resource globs):
/// 12 gives 61k resource DFA states (31 MB), 4 gives 85k (a prefix trie times a multi-string
/// search still multiply), 0 gives 4.3k states (1.2 MB) and cuts the compile from 24 s to 8 s;
/// the cost moves to run time, where only the entries of action-matching statements whose
/// prefix matched are confirmed (allocation-free, ~50-100 ns each).
///
/// ```
/// use iamc_compiler::automata::glob::{resource_form, MAX_FLOATING_LITERAL};
/// use iamc_grammar::ast::Version;
/// use iamc_runtime::PolicyType;
/// let g = iamc_compiler::lower::resource_glob(
///     "arn:aws:logs:*:*:log-group:abc*",
///     PolicyType::Identity,
///     Version::V2012_10_17,
/// )?
/// .ok_or("matches nothing")?;
///
/// // The literal after the first `*` is kept up to its first MAX_FLOATING_LITERAL characters.
/// assert_eq!(resource_form(&g).exact, "log-group:abc".len() <= MAX_FLOATING_LITERAL);
///
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub const MAX_FLOATING_LITERAL: usize = 0;

/// What a resource glob contributes to the resource DFA.
///
/// ```
/// use iamc_compiler::automata::glob::resource_form;
/// use iamc_grammar::ast::Version;
/// use iamc_runtime::PolicyType;
/// let g = iamc_compiler::lower::resource_glob(
///     "arn:aws:s3:::b/*",
///     PolicyType::Identity,
///     Version::V2012_10_17,
/// )?
/// .ok_or("matches nothing")?;
///
/// let form = resource_form(&g);
/// assert!(form.exact);
/// assert_eq!(form.group, 0, "a prefix test");
///
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct DfaForm {
    /// The DFA pattern (early-reported).
    pub hir: Hir,
    /// Deduplication key of `hir`'s language ([`dfa_key`]).
    pub key: (Glob, bool),
    /// The DFA decides the glob alone (apart from variable holes); otherwise every match of
    /// the DFA pattern is a candidate the runtime confirms with the exact glob.
    pub exact: bool,
    /// Which resource DFA group the pattern goes to: 0 when the DFA pattern is a prefix test
    /// (no `*` before its end), 1 when it starts searching after the service field, 2 when it
    /// searches from earlier (`arn:*:logs:...`). Patterns of different groups in one DFA would
    /// multiply their states (a search running beside every other pattern's prefix walk).
    pub group: u8,
}

/// The DFA form of a resource glob: the glob up to the end of its first *significant floating
/// literal*, early-reported.
///
/// After a `*` the DFA must look for the next literal at every position; one such literal per
/// pattern keeps the DFA a multi-string search (linear in the patterns). A second one makes it
/// remember, per pattern, whether the first was seen: 2^n states for n patterns alive at once
/// (`../shared/notes/dependencies-and-automata.md` section 5), which the real corpus hits
/// (`arn:aws:logs:*:*:log-group:X*:log-stream:*`, `arn:aws:s3:::*/AWSLogs/*/...`). So the DFA
/// keeps the pattern up to the second wildcard after a significant literal (literals made of
/// `:` only, as in `:*:*:`, are shared by every ARN pattern and do not count) and the rest is
/// confirmed after the match, and so is the part of that literal past its first
/// [`MAX_FLOATING_LITERAL`] characters. Trailing `*` (and variable holes) are dropped as usual.
///
/// ```
/// use iamc_compiler::automata::glob::resource_form;
/// use iamc_grammar::ast::Version;
/// use iamc_runtime::PolicyType;
/// let g = iamc_compiler::lower::resource_glob(
///     "arn:aws:s3:::*/AWSLogs/*/x",
///     PolicyType::Identity,
///     Version::V2012_10_17,
/// )?
/// .ok_or("matches nothing")?;
///
/// let form = resource_form(&g);
/// assert!(!form.exact, "the DFA holds a prefix; the runtime confirms the rest");
/// assert_eq!(form.group, 1, "it searches after the service field");
///
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn resource_form(g: &Glob) -> DfaForm {
    let mut kept: Vec<Piece> = Vec::new();
    let mut floating = false;
    let mut significant = false;
    let mut exact = true;
    for (i, p) in g.pieces.iter().enumerate() {
        match p {
            Piece::Star { .. } | Piece::Var { .. } => {
                if significant {
                    let rest = g.pieces.get(i..).unwrap_or(&[]);
                    exact = rest.iter().all(accepts_any_rest);
                    kept.push(Piece::Star { colon: true });
                    break;
                }
                floating = true;
                kept.push(p.clone());
            }
            Piece::Lit(s) => {
                if floating && s.chars().any(|c| c != ':') {
                    significant = true;
                    // The DFA searches for this literal at every position: its states grow
                    // with the total length of such literals, so keep a bounded head of it.
                    if s.chars().count() > MAX_FLOATING_LITERAL {
                        let head: String = s.chars().take(MAX_FLOATING_LITERAL).collect();
                        kept.push(Piece::Lit(head));
                        kept.push(Piece::Star { colon: true });
                        exact = false;
                        break;
                    }
                }
                kept.push(p.clone());
            }
            Piece::One { .. } => kept.push(p.clone()),
        }
    }
    let mut body: &[Piece] = &kept;
    while let Some((last, rest)) = body.split_last() {
        if !accepts_any_rest(last) {
            break;
        }
        body = rest;
    }
    let mut colons = 0usize;
    let mut group = 0u8;
    for p in body {
        match p {
            Piece::Lit(s) => colons += s.matches(':').count(),
            Piece::Star { .. } | Piece::Var { .. } => {
                group = if colons >= 3 { 1 } else { 2 };
                break;
            }
            Piece::One { .. } => {}
        }
    }
    let k = Glob { pieces: kept };
    DfaForm {
        hir: glob_hir(&k, true),
        key: dfa_key(&k, true),
        exact,
        group,
    }
}

#[cfg(test)]
mod tests {
    use iamc_grammar::ast::Version;
    use iamc_runtime::PolicyType;
    use regex_automata::dfa::Automaton;
    use regex_automata::{Anchored, Input};

    use super::*;

    /// The pattern ids `text` matches, in id order.
    fn matched(d: &GlobDfa, text: &str) -> Vec<usize> {
        let dfa = &d.dfa;
        let mut sid = dfa
            .start_state_forward(&Input::new(text).anchored(Anchored::Yes))
            .unwrap();
        for &b in text.as_bytes() {
            sid = dfa.next_state(sid, b);
        }
        let eoi = dfa.next_eoi_state(sid);
        if !dfa.is_match_state(eoi) {
            return Vec::new();
        }
        let mut out: Vec<usize> = (0..dfa.match_len(eoi))
            .map(|i| dfa.match_pattern(eoi, i).as_usize())
            .collect();
        out.sort_unstable();
        out
    }

    #[test]
    fn action_sets_ignore_ascii_case() {
        let globs: Vec<Glob> = ["ecs:Describe*", "ecs:*", "s3:Get?bject", "*"]
            .iter()
            .map(|p| crate::lower::action_glob(p).unwrap())
            .collect();
        let d = build_glob_dfa(&globs, Semantics::Action, &Config::default()).unwrap();
        assert_eq!(d.patterns, globs);
        assert_eq!(matched(&d, "ECS:describeClusters"), vec![0, 1, 3]);
        assert_eq!(matched(&d, "s3:GETébject"), vec![2, 3]);
        assert_eq!(matched(&d, "s3:GetObjects"), vec![3]);
        assert_eq!(matched(&d, "ſ3:GetObject"), vec![3]);
    }

    #[test]
    fn resource_sets_are_field_wise_and_case_sensitive() {
        let glob = |p: &str| {
            crate::lower::resource_glob(p, PolicyType::Identity, Version::V2012_10_17)
                .unwrap()
                .unwrap()
        };
        let globs = vec![
            glob("arn:aws:ecs:us-*:*:cluster/*"),
            glob("arn:aws:ecs"),
            glob("arn:aws:s3:::b/${aws:username}/*"),
        ];
        let d = build_glob_dfa(&globs, Semantics::Resource, &Config::default()).unwrap();
        assert_eq!(
            matched(&d, "arn:aws:ecs:us-east-1:1:cluster/x:y"),
            vec![0, 1]
        );
        assert_eq!(matched(&d, "arn:aws:ecs:us:x:1:cluster/x"), vec![1]);
        assert_eq!(matched(&d, "arn:aws:ecs:US-east-1:1:cluster/x"), vec![1]);
        // A hole matches any text: a superset of what the variable's value allows.
        assert_eq!(matched(&d, "arn:aws:s3:::b/anyone/k"), vec![2]);
        assert_eq!(matched(&d, "*"), Vec::<usize>::new());
    }

    #[test]
    fn string_sets_are_plain_globs() {
        let globs = vec![Glob {
            pieces: vec![
                Piece::Lit("a".into()),
                Piece::Star { colon: true },
                Piece::One { colon: true },
            ],
        }];
        let d = build_glob_dfa(&globs, Semantics::String, &Config::default()).unwrap();
        assert_eq!(matched(&d, "a:é"), vec![0]);
        assert_eq!(matched(&d, "A:é"), Vec::<usize>::new());
        assert_eq!(matched(&d, "a"), Vec::<usize>::new());
    }

    #[test]
    fn oversized_sets_are_an_error_not_a_panic() {
        let many: Vec<Glob> = (0..40)
            .map(|i| {
                let mut g = Glob::default();
                for c in ["a", "b", "c", "d", "e", "f", "g", "h"] {
                    g.push(Piece::Star { colon: true });
                    g.push_lit(&format!("{c}{i}"));
                }
                g.push(Piece::Star { colon: true });
                g
            })
            .collect();
        let tiny = Config {
            dfa_size_limit: 1 << 16,
            determinize_size_limit: 1 << 16,
            ..Config::default()
        };
        let e = build_glob_dfa(&many, Semantics::String, &tiny).unwrap_err();
        assert!(e.is_too_large(), "{e}");
    }
}
