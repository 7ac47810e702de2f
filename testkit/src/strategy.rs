//! proptest strategies over the generators: proptest draws a byte tape of
//! [`Settings::tape_len`] bytes and shrinks it (each byte toward 0, the simplest choice), and
//! the generators read it ([`crate::gen`]). The fuzz targets read the same generators from
//! libFuzzer's bytes.

use proptest::collection::vec;
use proptest::prelude::*;

use crate::gen::{Case, InvalidCase, Settings};
use crate::tape::Tape;

/// A tape of `len` bytes.
pub fn tape(len: usize) -> BoxedStrategy<Vec<u8>> {
    vec(any::<u8>(), len).boxed()
}

/// A generated case: policies and the requests derived from them.
pub fn case_strategy(s: &Settings) -> BoxedStrategy<Case> {
    let s = *s;
    tape(s.tape_len)
        .prop_map(move |bytes| Case::generate(&mut Tape::new(&bytes), &s))
        .boxed()
}

/// A generated policy broken one way (every validator must reject it).
pub fn invalid_strategy(s: &Settings) -> BoxedStrategy<InvalidCase> {
    let s = *s;
    tape(s.tape_len / 2)
        .prop_map(move |bytes| InvalidCase::generate(&mut Tape::new(&bytes), &s))
        .boxed()
}

/// proptest's default config (the case count from `PROPTEST_CASES`) with failing seeds
/// persisted in the file at `path`; see [`persisted_config!`](crate::persisted_config).
pub fn persisted_config(path: &'static str) -> ProptestConfig {
    ProptestConfig {
        failure_persistence: Some(Box::new(
            proptest::test_runner::FileFailurePersistence::Direct(path),
        )),
        ..ProptestConfig::default()
    }
}

/// [`persisted_config`](crate::strategy::persisted_config) with the seeds of `NAME` in the
/// calling package's `tests/proptest-regressions/NAME.txt`.
#[macro_export]
macro_rules! persisted_config {
    ($name:literal) => {
        $crate::strategy::persisted_config(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/proptest-regressions/",
            $name,
            ".txt"
        ))
    };
}
