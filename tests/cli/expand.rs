//! `iamc expand`: the actions a pattern matches, with their access levels.

use super::{iamc, iamc_line, stderr, stdout};
use iamc_testkit::assert_contains;

#[test]
fn patterns_expand_to_catalog_actions() {
    let o = iamc(&["expand", "ecs:describe*"], None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = stdout(&o);
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines.len() > 5, "{text}");
    // Sorted, each with its level after the aligned name.
    let mut names: Vec<&str> = lines
        .iter()
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    let before = names.clone();
    names.sort_unstable();
    assert_eq!(names, before);
    assert!(
        lines.contains(&"ecs:DescribeClusters               Read"),
        "{text}"
    );
    assert!(lines
        .iter()
        .all(|l| l.starts_with("ecs:Describe") && l.ends_with("Read")));
    // Two patterns overlap: each action once.
    let o = iamc(&["expand", "ecs:DescribeClusters", "ecs:Describe*"], None);
    assert_eq!(stdout(&o), text);
}

#[test]
fn access_level_and_json() {
    let o = iamc_line("expand --access-level write --format json ecs:*", None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let doc: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(doc["catalog"], iamc_catalog::VERSION);
    let actions = doc["actions"].as_array().unwrap();
    assert!(actions.iter().any(|a| a["action"] == "ecs:StopTask"));
    assert!(actions
        .iter()
        .all(|a| a["accessLevel"].as_str().unwrap().contains("Write")));
    assert!(!actions.iter().any(|a| a["action"] == "ecs:ListClusters"));
    let o = iamc(
        &[
            "expand",
            "--access-level",
            "permissions-management",
            "iam:*Policy",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_contains(&stdout(&o), "iam:PutRolePolicy");
}

#[test]
fn a_pattern_matching_nothing_exits_1_with_a_suggestion() {
    let o = iamc(&["expand", "ecs:StopTsk", "ecs:ListClusters"], None);
    assert_eq!(o.status.code(), Some(1));
    // The patterns that match are still printed.
    assert!(stdout(&o).starts_with("ecs:ListClusters"), "{}", stdout(&o));
    assert_eq!(
        stderr(&o),
        "iamc: error: `ecs:StopTsk` matches no action\n  = help: did you mean `ecs:StopTask`?\n"
    );
    let o = iamc(&["expand", "ecss:StopTask"], None);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stderr(&o),
        "iamc: error: `ecss:StopTask`: unknown service `ecss`\n  = help: did you mean `ecs`?\n"
    );
    let o = iamc(&["expand", "--access-level", "write", "ecs:List*"], None);
    assert_eq!(o.status.code(), Some(1));
    assert_contains(
        &stderr(&o),
        "`ecs:List*` matches no action of access level `Write`",
    );
    for args in [
        &["expand"][..],
        &["expand", "--access-level", "admin", "ecs:*"],
    ] {
        assert_eq!(iamc(args, None).status.code(), Some(2), "{args:?}");
    }
}
