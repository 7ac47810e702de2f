//! The bodies of the fuzz targets, one function per target.
//!
//! The libFuzzer binaries (`fuzz/fuzz_targets/*.rs`) call these, and so does the replay test
//! (`tests/fuzz_replay.rs`), so a committed crasher is replayed through exactly the code path
//! that found it. A property violation panics: that is how libFuzzer (and the replay test)
//! notice it.

mod artifact;
mod check;
pub mod diff;
mod differential;
mod parse;
mod simulate;
mod sources;
mod testfile;

pub use artifact::{authorize, fixture, load_artifact, Fixture};
pub use check::check;
pub use diff::diff;
pub use differential::{assert_same, compile_and_load, compile_differential, load};
pub use parse::parse;
pub use simulate::simulate;
pub use sources::sources;
pub use testfile::testfile;

use iamc_grammar::ast::{self, PolicyType};
use iamc_grammar::SourceFile;

/// The names of the targets: a committed crasher `tests/data/fuzz/<target>-<id>` names one.
pub const TARGETS: [&str; 9] = [
    "parse",
    "compile_differential",
    "load_artifact",
    "authorize",
    "sources",
    "check",
    "simulate",
    "testfile",
    "diff",
];

/// `prefix`, then every line of `body` after `pad`: the fuzzer's bytes placed inside a YAML
/// document at some nesting.
fn indented(prefix: &str, pad: &str, body: &[u8]) -> Vec<u8> {
    let mut out = prefix.as_bytes().to_vec();
    for line in body.split(|&b| b == b'\n') {
        out.extend_from_slice(pad.as_bytes());
        out.extend_from_slice(line);
        out.push(b'\n');
    }
    out
}

/// Parses `text` as a policy of `kind` through the grammar.
pub fn parse_one(name: &str, text: &str, kind: PolicyType) -> Option<ast::Policy> {
    let file = SourceFile::new(name, text);
    iamc_grammar::parse_policy(&file, kind)
        .ok()
        .map(|p| p.policy)
}
