//! The real corpus (`tests/data/policies`, 1,533 AWS managed and documentation policies), each
//! checked as an identity policy with the service catalog: no panic, every finding follows the
//! general rules (spans inside the document, in order), and no ERROR on AWS's own policies
//! except the ones listed in [`expected_errors`] with the reason. Prints the count of findings
//! per issue code.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use iamc_analysis::findings::{check, CatalogChecker, FindingType, Options};
use iamc_grammar::ast::PolicyType;
use iamc_grammar::SourceFile;

use crate::check_table::general_rules;

/// Where the catalog (iam-data 0.21.202609261) is behind AWS's policies: service prefixes the
/// service authorization reference no longer (or never) lists (findings.md 3 rule 6).
const UNLISTED_SERVICES: &str =
    "a service the service authorization reference does not list: retired, renamed or console-only (findings.md 3 rule 6)";
/// Actions AWS's policies name that the catalog does not have.
const UNLISTED_ACTIONS: &str =
    "an action the catalog does not list: newer than the data, or of a retired API";
/// AWS's own policy is wrong, and the finding is right.
const AWS_MISTAKE_API_NAME: &str =
    "an API operation name, not an IAM action (Access Analyzer flags `s3:ListBuckets` so too)";
const AWS_MISTAKE_NEVER_MATCHES: &str =
    "the entry leaves region and account empty, so it never matches a log group or stack";
const KEY_NOT_LISTED: &str =
    "the catalog does not list the key for the named actions (findings.md 8 expects this on about 22 AWS policies)";

/// The ERROR findings AWS's own policies are expected to get, besides the three lists below
/// ([`expected_errors`] joins them): (file name, or `""` for any file; issue code; a text the
/// finding's details contain; why).
const EXPECTED_ERRORS: &[(&str, &str, &str, &str)] = &[
    (
        "best-practice-abac-department.json",
        "MISSING_ARN_FIELD",
        "arn:aws:ecs:*",
        "the ECS docs write the short ARN `arn:aws:ecs:*`; findings.md 4.1 reports it (‡)",
    ),
    (
        "best-practice-stop-task.json",
        "INVALID_ARN_ACCOUNT",
        "`account_id`",
        "the ECS docs keep the placeholder account `account_id` (the seed example)",
    ),
    (
        "best-practice-stop-task.json",
        "INVALID_ARN_REGION",
        "`region`",
        "the ECS docs keep the placeholder region `region` (the seed example)",
    ),
    ("", "INVALID_SERVICE", "`deepracer`", UNLISTED_SERVICES),
    (
        "RDSCloudHsmAuthorizationRole.json",
        "INVALID_ACTION",
        "`cloudhsm:",
        "CloudHSM Classic actions, retired with that API",
    ),
    ("", "INVALID_ACTION", "`s3:ListBuckets`", AWS_MISTAKE_API_NAME),
    ("", "INVALID_ACTION", "`s3:ListObjects", AWS_MISTAKE_API_NAME),
    (
        "",
        "INVALID_ACTION",
        "`ssm:RemoveTagsToResource`",
        "a misspelling of `ssm:RemoveTagsFromResource` in AWS's policy",
    ),
    (
        "AWSSSOServiceRolePolicy.json",
        "INVALID_GLOBAL_CONDITION_KEY",
        "`aws:PrincipalOrgMasterAccountId`",
        "a key AWS's global condition key list does not document",
    ),
    (
        "AmazonDataZoneGlueManageAccessRolePolicy.json",
        "INVALID_SERVICE_CONDITION_KEY",
        "`lakeformation:GlueARN`",
        "a key the catalog does not list for Lake Formation",
    ),
    (
        "",
        "MISSING_QUALIFIER",
        "`events:detail-type`",
        "the catalog types `events:detail-type` as ArrayOfString; AWS's policies use it as a single value",
    ),
    ("AmazonApplicationWizardFullaccess.json", "MISSING_ARN_REGION", "", AWS_MISTAKE_NEVER_MATCHES),
    ("AmazonApplicationWizardFullaccess.json", "MISSING_ARN_ACCOUNT", "", AWS_MISTAKE_NEVER_MATCHES),
    ("AmazonLaunchWizardFullaccess.json", "MISSING_ARN_REGION", "", AWS_MISTAKE_NEVER_MATCHES),
    ("AmazonLaunchWizardFullaccess.json", "MISSING_ARN_ACCOUNT", "", AWS_MISTAKE_NEVER_MATCHES),
    (
        "AWSServiceRoleForAmazonEKSNodegroup.json",
        "UNSUPPORTED_ACTION_FOR_CONDITION_KEY",
        "`ec2:DescribeInstances`",
        "right: a Describe call carries no resource tag, so these statements never allow it",
    ),
    (
        "AWSServiceRoleForGammaInternalAmazonEKSNodegroup.json",
        "UNSUPPORTED_ACTION_FOR_CONDITION_KEY",
        "`ec2:DescribeInstances`",
        "right: a Describe call carries no resource tag, so these statements never allow it",
    ),
];

/// The service prefixes of [`UNLISTED_SERVICES`], as an `INVALID_SERVICE_IN_ACTION` finding
/// of any file quotes them: one expected ERROR each.
const UNLISTED_SERVICE_PREFIXES: &[&str] = &[
    "`deepracer`",
    "`iot1click`",
    "`deepcomposer`",
    "`elastic-inference`",
    "`deeplens`",
    "`zocalo`",
    "`mobilehub`",
    "`sumerian`",
    "`iotroborunner`",
    "`crowd`",
    "`ec2-reports`",
    "`applicationwizard`",
    "`datazonecontrol`",
    "`catalog-admin`",
    "`catalog-user`",
    "`sagemaker-groundtruth-synthetic`",
];

/// The actions of [`UNLISTED_ACTIONS`] (or the start of their names), as an `INVALID_ACTION`
/// finding of any file quotes them: one expected ERROR each.
const UNLISTED_ACTION_NAMES: &[&str] = &[
    "`cloud9:ValidateEnvironmentName`",
    "`qapps:ImportDocumentToQApp",
    "`sagemaker-unified-studio-mcp:",
    "`securityagent:",
    "`servicecatalog:AccountLevel",
    "`route53-recovery-control-config:DescribeRoutingControlByName`",
    "`memorydb:ReplicateMultiRegionClusterData`",
    "`servicecatalog:GetTagOptionMigrationStatus`",
];

/// The files whose `UNSUPPORTED_ACTION_FOR_CONDITION_KEY` findings are [`KEY_NOT_LISTED`]:
/// one expected ERROR each.
const KEY_NOT_LISTED_FILES: &[&str] = &[
    "AWSDeadlineCloud-UserAccessFarms.json",
    "AWSDeadlineCloud-UserAccessFleets.json",
    "AWSIoTTwinMakerServiceRolePolicy.json",
    "AWSLakeFormationCrossAccountManager.json",
    "AWSServiceRoleForIoTSiteWise.json",
    "AWSVendorInsightsAssessorFullAccess.json",
    "AWSVendorInsightsVendorFullAccess.json",
    "AlexaForBusinessLifesizeDelegatedAccessPolicy.json",
    "AlexaForBusinessPolyDelegatedAccessPolicy.json",
    "AmazonNimbleStudio-StudioUser.json",
    "AmazonSecurityLakeAdministrator.json",
    "AmazonTimestreamConsoleFullAccess.json",
    "AmazonTimestreamInfluxDBFullAccess.json",
    "DynamoDBGlobalTableSettingsManagementServiceRolePolicy.json",
    "KafkaConnectServiceRolePolicy.json",
    "ROSAManageSubscription.json",
    "SageMakerStudioProjectUserRolePermissionsBoundary.json",
    "SageMakerStudioProjectUserRolePolicy.json",
];

/// Every expected ERROR: [`EXPECTED_ERRORS`], then a row for each of
/// [`UNLISTED_SERVICE_PREFIXES`], [`UNLISTED_ACTION_NAMES`] and [`KEY_NOT_LISTED_FILES`].
fn expected_errors() -> Vec<(&'static str, &'static str, &'static str, &'static str)> {
    let services = UNLISTED_SERVICE_PREFIXES
        .iter()
        .map(|&prefix| ("", "INVALID_SERVICE_IN_ACTION", prefix, UNLISTED_SERVICES));
    let actions = UNLISTED_ACTION_NAMES
        .iter()
        .map(|&name| ("", "INVALID_ACTION", name, UNLISTED_ACTIONS));
    let keys = KEY_NOT_LISTED_FILES.iter().map(|&file| {
        (
            file,
            "UNSUPPORTED_ACTION_FOR_CONDITION_KEY",
            "",
            KEY_NOT_LISTED,
        )
    });
    EXPECTED_ERRORS
        .iter()
        .copied()
        .chain(services)
        .chain(actions)
        .chain(keys)
        .collect()
}

/// Every issue code the corpus gets with the catalog (iam-data 0.21.202609261), as (finding
/// type, issue code, findings, policies), ERROR first. A change of any count is a change of
/// behaviour: the test prints the new table to paste here once the change is understood
/// (`analysis/CORPUS.md` reviews the counts).
const COUNTS: &[(&str, &str, usize, usize)] = &[
    ("ERROR", "INVALID_ACTION", 43, 11),
    ("ERROR", "INVALID_ARN_ACCOUNT", 1, 1),
    ("ERROR", "INVALID_ARN_REGION", 1, 1),
    ("ERROR", "INVALID_GLOBAL_CONDITION_KEY", 2, 1),
    ("ERROR", "INVALID_SERVICE", 3, 2),
    ("ERROR", "INVALID_SERVICE_CONDITION_KEY", 1, 1),
    ("ERROR", "INVALID_SERVICE_IN_ACTION", 110, 29),
    ("ERROR", "MISSING_ARN_ACCOUNT", 8, 2),
    ("ERROR", "MISSING_ARN_FIELD", 1, 1),
    ("ERROR", "MISSING_ARN_REGION", 8, 2),
    ("ERROR", "MISSING_QUALIFIER", 4, 4),
    ("ERROR", "UNSUPPORTED_ACTION_FOR_CONDITION_KEY", 25, 20),
    (
        "SECURITY_WARNING",
        "FORALLVALUES_WITH_SINGLE_VALUED_KEY",
        4,
        4,
    ),
    (
        "SECURITY_WARNING",
        "PASS_ROLE_WITH_STAR_IN_ACTION_AND_RESOURCE",
        3,
        3,
    ),
    (
        "SECURITY_WARNING",
        "PASS_ROLE_WITH_STAR_IN_RESOURCE",
        29,
        25,
    ),
    (
        "SECURITY_WARNING",
        "STRING_LIKE_OPERATOR_WITH_ARN_CONDITION_KEYS",
        20,
        13,
    ),
    (
        "WARNING",
        "CREATE_SLR_WITH_STAR_IN_ACTION_AND_RESOURCE",
        3,
        3,
    ),
    ("WARNING", "CREATE_SLR_WITH_STAR_IN_RESOURCE", 4, 4),
    ("WARNING", "IAMC_RESOURCE_MISMATCH", 350, 65),
    (
        "WARNING",
        "POLICY_SIZE_EXCEEDS_IDENTITY_POLICY_QUOTA",
        69,
        69,
    ),
    ("WARNING", "TYPE_MISMATCH", 2, 2),
    (
        "SUGGESTION",
        "ALLOW_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE",
        24,
        15,
    ),
    ("SUGGESTION", "EQUIVALENT_TO_NULL_FALSE", 113, 59),
    ("SUGGESTION", "REDUNDANT_ACTION", 53, 19),
    ("SUGGESTION", "REDUNDANT_RESOURCE", 137, 23),
];

/// The repository's copy of the corpus.
fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/data/policies")
}

/// The policies of the corpus's folders (`aws-managed`, `aws-managed-deprecated`, `ecs`),
/// sorted by path.
fn policy_files(root: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root)
        .unwrap()
        .map(|dir| dir.unwrap().path())
        .filter(|dir| dir.is_dir())
        .flat_map(|dir| std::fs::read_dir(dir).unwrap())
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
}

#[test]
fn corpus_findings() {
    let root = corpus_dir();
    let files = policy_files(&root);
    assert!(files.len() >= 1_500, "{} policies", files.len());
    let mut counts: BTreeMap<(FindingType, &'static str), (usize, usize)> = BTreeMap::new();
    let mut unexpected = Vec::new();
    let expected = expected_errors();
    let mut used = vec![false; expected.len()];
    let options = Options {
        catalog: Some(CatalogChecker::shared().unwrap()),
        ..Options::default()
    };
    for path in &files {
        let name = path
            .strip_prefix(&root)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let text = std::fs::read_to_string(path).unwrap();
        let src = SourceFile::new(name.as_str(), text.as_str());
        let findings = check(&src, PolicyType::Identity, &options);
        general_rules(&src, &findings);
        let mut seen = Vec::new();
        for f in &findings {
            let entry = counts
                .entry((f.finding_type, f.issue_code.as_str()))
                .or_default();
            entry.0 += 1;
            if !seen.contains(&f.issue_code) {
                seen.push(f.issue_code);
                entry.1 += 1;
            }
            let file = path.file_name().unwrap().to_string_lossy();
            let listed = expected.iter().position(|(n, c, needle, _)| {
                (n.is_empty() || *n == file)
                    && *c == f.issue_code.as_str()
                    && f.details.contains(needle)
            });
            if let Some(i) = listed {
                used[i] = true;
            }
            if f.finding_type == FindingType::Error && listed.is_none() {
                let p = f.start();
                unexpected.push(format!(
                    "{name}:{}:{}: {}: {}",
                    p.line,
                    p.column + 1,
                    f.issue_code,
                    f.details
                ));
            }
        }
    }
    // Most serious first, then by code: the order of `COUNTS`.
    let mut found: Vec<(FindingType, &str, usize, usize)> = counts
        .iter()
        .map(|(&(t, code), &(n, p))| (t, code, n, p))
        .collect();
    found.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
    let table: Vec<String> = found
        .iter()
        .map(|(t, code, n, p)| format!("    (\"{}\", \"{code}\", {n}, {p}),", t.as_str()))
        .collect();
    eprintln!(
        "findings per issue code over {} policies (type, code, findings, policies):\n{}",
        files.len(),
        table.join("\n")
    );
    let pinned: Vec<String> = COUNTS
        .iter()
        .map(|(t, code, n, p)| format!("    (\"{t}\", \"{code}\", {n}, {p}),"))
        .collect();
    assert_eq!(
        table.join("\n"),
        pinned.join("\n"),
        "the corpus's findings changed: if the change is right, paste the table above into COUNTS"
    );
    assert!(
        unexpected.is_empty(),
        "{} unexpected ERROR findings:\n{}",
        unexpected.len(),
        unexpected.join("\n")
    );
    // Every listed exception still happens: the list shrinks with the catalog's updates.
    let stale: Vec<_> = expected
        .iter()
        .zip(&used)
        .filter(|(_, used)| !**used)
        .map(|(e, _)| e)
        .collect();
    assert!(
        stale.is_empty(),
        "listed ERROR findings that no longer occur: {stale:#?}"
    );
}
