//! The whole decision (spec 4 and 7) on hand-written sets, in every engine: the SQS table of
//! spec 4.1, the grant classes of spec 7.4, sessions (7.6), organization levels (7.3), the
//! short-ARN rules by policy type (3.4) and the reasons. The sets and their cases are data,
//! `tests/data/cases/whole-decision.toml`, decided by the test kit's driver
//! (`iamc_testkit::cases::decisions`).

use iamc_testkit::cases::decisions::{check, read};
use iamc_testkit::engines;

#[test]
fn whole_decision_cases() {
    let sets = read("whole-decision");
    assert!(sets.len() >= 40, "{} sets", sets.len());
    let failures = check(&sets, &engines());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The check is able to fail: a wrong decision, a wrong reason and a refusal that does not
/// happen are each reported.
#[test]
fn whole_decision_check_reports_wrong_expectations() {
    let mut sets = read("whole-decision");
    let case = sets
        .iter_mut()
        .flat_map(|s| &mut s.cases)
        .find(|c| c.reason.is_some())
        .unwrap();
    case.decision = "ImplicitDeny".into();
    case.reason = Some("NoGrant".into());
    let accepted = sets.iter_mut().find(|s| s.rejected.is_none()).unwrap();
    accepted.rejected = Some("anything".into());
    let failures = check(&sets, &engines());
    let engines = engines().len();
    // Per engine: the decision by explain and by authorize, the reason; and the refusal once.
    assert_eq!(failures.len(), 3 * engines + 1, "{}", failures.join("\n"));
}
