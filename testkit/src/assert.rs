//! Assertions on text the tests share: what a command printed, a rendered report.

/// Asserts that `text` contains `needle`, printing both when it does not.
///
/// ```
/// iamc_testkit::assert_contains("error: invalid `Effect`", "invalid `Effect`");
/// ```
#[track_caller]
pub fn assert_contains(text: &str, needle: &str) {
    assert!(text.contains(needle), "`{needle}` is not in:\n{text}");
}
