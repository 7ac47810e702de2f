//! Access Analyzer's vocabulary: the issue codes of its policy checks and their finding types
//! (`../shared/spec/findings.md` sections 2 and 4). Every grammar diagnostic carries one code;
//! the findings of `iamc-analysis` use the same codes.

use std::fmt;

/// How serious a finding is, least serious first (so `Ord` compares severity).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FindingType {
    /// Cosmetic: no effect on access.
    Suggestion,
    /// Works, but against best practice (Access Analyzer's "general warning").
    Warning,
    /// Grants more than it seems to.
    SecurityWarning,
    /// Part of the policy does not work, or the policy is refused.
    Error,
}

impl FindingType {
    /// Access Analyzer's spelling: `ERROR`, `SECURITY_WARNING`, `WARNING`, `SUGGESTION`.
    pub fn as_str(self) -> &'static str {
        match self {
            FindingType::Error => "ERROR",
            FindingType::SecurityWarning => "SECURITY_WARNING",
            FindingType::Warning => "WARNING",
            FindingType::Suggestion => "SUGGESTION",
        }
    }

    /// The section of the check reference that documents codes of this type, as its anchors
    /// spell it.
    fn section(self) -> &'static str {
        match self {
            FindingType::Error => "error",
            FindingType::SecurityWarning => "security-warning",
            FindingType::Warning => "general-warning",
            FindingType::Suggestion => "suggestion",
        }
    }
}

impl fmt::Display for FindingType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The page every Access Analyzer code's `learnMoreLink` points into.
const REFERENCE: &str =
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html";

macro_rules! issue_codes {
    ($($variant:ident = $name:literal, $ty:ident;)*) => {
        /// An issue code: Access Analyzer's (spelled exactly as AWS does) or one of iamc's own
        /// (`IAMC_...`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum IssueCode {
            $(
                #[doc = concat!("`", $name, "`")]
                $variant,
            )*
        }

        impl IssueCode {
            /// Every code, Access Analyzer's in the order of the spec's tables, then iamc's.
            pub const ALL: &'static [IssueCode] = &[$(IssueCode::$variant,)*];

            /// The code as AWS spells it, e.g. `PASS_ROLE_WITH_STAR_IN_RESOURCE`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(IssueCode::$variant => $name,)*
                }
            }

            /// The finding type Access Analyzer gives the code (the type of the reference
            /// section that documents it).
            pub fn aa_type(self) -> FindingType {
                match self {
                    $(IssueCode::$variant => FindingType::$ty,)*
                }
            }
        }
    };
}

issue_codes! {
    JsonSyntaxError = "JSON_SYNTAX_ERROR", Error;
    DataTypeMismatch = "DATA_TYPE_MISMATCH", Error;
    InvalidPolicyElement = "INVALID_POLICY_ELEMENT", Error;
    MissingStatement = "MISSING_STATEMENT", Error;
    InvalidVersion = "INVALID_VERSION", Error;
    MissingVersion = "MISSING_VERSION", Warning;
    MissingEffect = "MISSING_EFFECT", Error;
    InvalidEffect = "INVALID_EFFECT", Error;
    MissingAction = "MISSING_ACTION", Error;
    MissingResource = "MISSING_RESOURCE", Error;
    UnsupportedElementCombination = "UNSUPPORTED_ELEMENT_COMBINATION", Error;
    UniqueSidsRequired = "UNIQUE_SIDS_REQUIRED", Error;
    UniqueSidsRecommended = "UNIQUE_SIDS_RECOMMENDED", Warning;
    UnsupportedSid = "UNSUPPORTED_SID", Error;
    EmptySidValue = "EMPTY_SID_VALUE", Suggestion;
    MissingPrincipal = "MISSING_PRINCIPAL", Error;
    UnsupportedPrincipal = "UNSUPPORTED_PRINCIPAL", Error;
    InvalidPrincipalFormat = "INVALID_PRINCIPAL_FORMAT", Error;
    InvalidPrincipalKey = "INVALID_PRINCIPAL_KEY", Error;
    UnsupportedWildcardInPrincipal = "UNSUPPORTED_WILDCARD_IN_PRINCIPAL", Error;
    InvalidUserReference = "INVALID_USER_REFERENCE", Warning;
    InvalidRoleReference = "INVALID_ROLE_REFERENCE", Warning;
    FederatedPrincipalNotSupported = "FEDERATED_PRINCIPAL_NOT_SUPPORTED", Error;
    AllowWithNotPrincipal = "ALLOW_WITH_NOT_PRINCIPAL", SecurityWarning;
    EmptyArrayPrincipal = "EMPTY_ARRAY_PRINCIPAL", Suggestion;
    EmptyObjectPrincipal = "EMPTY_OBJECT_PRINCIPAL", Suggestion;
    RoleTrustPolicySyntaxErrorNotprincipal = "ROLE_TRUST_POLICY_SYNTAX_ERROR_NOTPRINCIPAL", Error;
    RoleTrustPolicyUnsupportedWildcardInPrincipal = "ROLE_TRUST_POLICY_UNSUPPORTED_WILDCARD_IN_PRINCIPAL", Error;
    RoleTrustPolicySyntaxErrorResource = "ROLE_TRUST_POLICY_SYNTAX_ERROR_RESOURCE", Error;
    InvalidFederatedPrincipalSyntaxInRoleTrustPolicy = "INVALID_FEDERATED_PRINCIPAL_SYNTAX_IN_ROLE_TRUST_POLICY", Error;
    MismatchedActionForPrincipal = "MISMATCHED_ACTION_FOR_PRINCIPAL", Error;
    MissingActionForRolesAnywhereTrustPolicy = "MISSING_ACTION_FOR_ROLES_ANYWHERE_TRUST_POLICY", Error;
    RedundantPrincipalInRoleTrustPolicy = "REDUNDANT_PRINCIPAL_IN_ROLE_TRUST_POLICY", Suggestion;
    ScpSyntaxErrorPrincipal = "SCP_SYNTAX_ERROR_PRINCIPAL", Error;
    ScpSyntaxErrorActionWildcard = "SCP_SYNTAX_ERROR_ACTION_WILDCARD", Error;
    RcpSyntaxErrorPrincipal = "RCP_SYNTAX_ERROR_PRINCIPAL", Error;
    RcpSyntaxErrorAllow = "RCP_SYNTAX_ERROR_ALLOW", Error;
    RcpSyntaxErrorNotaction = "RCP_SYNTAX_ERROR_NOTACTION", Error;
    PolicySizeExceedsIdentityPolicyQuota = "POLICY_SIZE_EXCEEDS_IDENTITY_POLICY_QUOTA", Warning;
    PolicySizeExceedsResourcePolicyQuota = "POLICY_SIZE_EXCEEDS_RESOURCE_POLICY_QUOTA", Warning;
    PolicySizeExceedsRoleTrustPolicyQuota = "POLICY_SIZE_EXCEEDS_ROLE_TRUST_POLICY_QUOTA", Warning;
    PolicySizeExceedsScpQuota = "POLICY_SIZE_EXCEEDS_SCP_QUOTA", Error;
    PolicySizeExceedsRcpQuota = "POLICY_SIZE_EXCEEDS_RCP_QUOTA", Error;
    EmptyArrayAction = "EMPTY_ARRAY_ACTION", Suggestion;
    EmptyArrayResource = "EMPTY_ARRAY_RESOURCE", Suggestion;
    EmptyObjectCondition = "EMPTY_OBJECT_CONDITION", Suggestion;
    EmptyArrayCondition = "EMPTY_ARRAY_CONDITION", Suggestion;
    EmptyArrayConditionForallvalues = "EMPTY_ARRAY_CONDITION_FORALLVALUES", Suggestion;
    EmptyArrayConditionForanyvalue = "EMPTY_ARRAY_CONDITION_FORANYVALUE", Suggestion;
    EmptyArrayConditionIfexists = "EMPTY_ARRAY_CONDITION_IFEXISTS", Suggestion;
    RedundantStatement = "REDUNDANT_STATEMENT", Suggestion;
    InvalidConditionOperator = "INVALID_CONDITION_OPERATOR", Error;
    NullWithIfExists = "NULL_WITH_IF_EXISTS", Error;
    NullWithQualifier = "NULL_WITH_QUALIFIER", Suggestion;
    InvalidConditionKeyFormat = "INVALID_CONDITION_KEY_FORMAT", Error;
    DuplicateKeysWithDifferentCase = "DUPLICATE_KEYS_WITH_DIFFERENT_CASE", Error;
    MissingTagKeyInCondition = "MISSING_TAG_KEY_IN_CONDITION", Error;
    InvalidConditionDataType = "INVALID_CONDITION_DATA_TYPE", Error;
    InvalidConditionMultipleBoolean = "INVALID_CONDITION_MULTIPLE_BOOLEAN", Error;
    TypeMismatchBoolean = "TYPE_MISMATCH_BOOLEAN", Warning;
    TypeMismatchNumber = "TYPE_MISMATCH_NUMBER", Warning;
    TypeMismatchDate = "TYPE_MISMATCH_DATE", Warning;
    InvalidDateValue = "INVALID_DATE_VALUE", Warning;
    TypeMismatchIpRange = "TYPE_MISMATCH_IP_RANGE", Error;
    TypeMismatchString = "TYPE_MISMATCH_STRING", Warning;
    ImproveIpRange = "IMPROVE_IP_RANGE", Suggestion;
    PrivateIpAddress = "PRIVATE_IP_ADDRESS", Error;
    PrivateNotIpAddress = "PRIVATE_NOT_IP_ADDRESS", Error;
    PrivateIpAddressSubset = "PRIVATE_IP_ADDRESS_SUBSET", Suggestion;
    PrivateNotIpAddressSubset = "PRIVATE_NOT_IP_ADDRESS_SUBSET", Suggestion;
    WildcardWithoutLikeOperator = "WILDCARD_WITHOUT_LIKE_OPERATOR", Warning;
    RedundantConditionValueNum = "REDUNDANT_CONDITION_VALUE_NUM", Suggestion;
    InvalidVpcFormat = "INVALID_VPC_FORMAT", Error;
    InvalidVpceFormat = "INVALID_VPCE_FORMAT", Error;
    MissingBraceInVariable = "MISSING_BRACE_IN_VARIABLE", Error;
    MissingQuoteInVariable = "MISSING_QUOTE_IN_VARIABLE", Error;
    UnsupportedSpaceInVariable = "UNSUPPORTED_SPACE_IN_VARIABLE", Error;
    EmptyVariable = "EMPTY_VARIABLE", Error;
    VariableUnsupportedInElement = "VARIABLE_UNSUPPORTED_IN_ELEMENT", Error;
    VariableUnsupportedInVersion = "VARIABLE_UNSUPPORTED_IN_VERSION", Error;
    InvalidVariableForOperator = "INVALID_VARIABLE_FOR_OPERATOR", Error;
    InvalidArnPrefix = "INVALID_ARN_PREFIX", Error;
    MissingArnField = "MISSING_ARN_FIELD", Error;
    InvalidArnServiceCase = "INVALID_ARN_SERVICE_CASE", Error;
    WildcardInServiceName = "WILDCARD_IN_SERVICE_NAME", Suggestion;
    InvalidArnAccount = "INVALID_ARN_ACCOUNT", Error;
    InvalidServiceInAction = "INVALID_SERVICE_IN_ACTION", Error;
    InvalidAction = "INVALID_ACTION", Error;
    InvalidService = "INVALID_SERVICE", Error;
    InvalidGlobalConditionKey = "INVALID_GLOBAL_CONDITION_KEY", Error;
    InvalidServiceConditionKey = "INVALID_SERVICE_CONDITION_KEY", Error;
    UnsupportedGlobalConditionKey = "UNSUPPORTED_GLOBAL_CONDITION_KEY", Error;
    DeprecatedGlobalConditionKey = "DEPRECATED_GLOBAL_CONDITION_KEY", Warning;
    TypeMismatch = "TYPE_MISMATCH", Warning;
    MissingQualifier = "MISSING_QUALIFIER", Error;
    ForallvaluesWithSingleValuedKey = "FORALLVALUES_WITH_SINGLE_VALUED_KEY", SecurityWarning;
    UnsupportedActionForConditionKey = "UNSUPPORTED_ACTION_FOR_CONDITION_KEY", Error;
    MissingActionForConditionKey = "MISSING_ACTION_FOR_CONDITION_KEY", Error;
    InvalidRegion = "INVALID_REGION", Error;
    InvalidPartition = "INVALID_PARTITION", Error;
    InvalidArnRegion = "INVALID_ARN_REGION", Error;
    InvalidArnResource = "INVALID_ARN_RESOURCE", Error;
    MissingArnRegion = "MISSING_ARN_REGION", Error;
    ArnRegionNotAllowed = "ARN_REGION_NOT_ALLOWED", Error;
    MissingArnAccount = "MISSING_ARN_ACCOUNT", Error;
    ArnAccountNotAllowed = "ARN_ACCOUNT_NOT_ALLOWED", Error;
    UnsupportedActionInPolicy = "UNSUPPORTED_ACTION_IN_POLICY", Error;
    UnsupportedResourceArnInPolicy = "UNSUPPORTED_RESOURCE_ARN_IN_POLICY", Error;
    IrrelevantConditionKeyInPolicy = "IRRELEVANT_CONDITION_KEY_IN_POLICY", Suggestion;
    RcpSyntaxErrorAction = "RCP_SYNTAX_ERROR_ACTION", Error;
    StringLikeOperatorWithArnConditionKeys = "STRING_LIKE_OPERATOR_WITH_ARN_CONDITION_KEYS", SecurityWarning;
    DenyWithUnsupportedTagConditionKeyForService = "DENY_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE", SecurityWarning;
    DenyNotactionWithUnsupportedTagConditionKeyForService = "DENY_NOTACTION_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE", SecurityWarning;
    AllowWithUnsupportedTagConditionKeyForService = "ALLOW_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE", Suggestion;
    AllowNotactionWithUnsupportedTagConditionKeyForService = "ALLOW_NOTACTION_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE", Suggestion;
    RedundantAction = "REDUNDANT_ACTION", Suggestion;
    RedundantResource = "REDUNDANT_RESOURCE", Suggestion;
    InvalidServicePrincipalFormat = "INVALID_SERVICE_PRINCIPAL_FORMAT", Error;
    InvalidKmsKeyValue = "INVALID_KMS_KEY_VALUE", Error;
    UseConditionKeyOnlyWithSupportedServices = "USE_CONDITION_KEY_ONLY_WITH_SUPPORTED_SERVICES", Warning;
    VariableUsageTooPermissive = "VARIABLE_USAGE_TOO_PERMISSIVE", Error;
    WildcardUsageTooPermissive = "WILDCARD_USAGE_TOO_PERMISSIVE", Error;
    PassRoleWithStarInResource = "PASS_ROLE_WITH_STAR_IN_RESOURCE", SecurityWarning;
    PassRoleWithStarInActionAndResource = "PASS_ROLE_WITH_STAR_IN_ACTION_AND_RESOURCE", SecurityWarning;
    PassRoleWithStarInResourceAndNotAction = "PASS_ROLE_WITH_STAR_IN_RESOURCE_AND_NOT_ACTION", SecurityWarning;
    PassRoleWithNotResource = "PASS_ROLE_WITH_NOT_RESOURCE", SecurityWarning;
    PassRoleWithStarInActionAndNotResource = "PASS_ROLE_WITH_STAR_IN_ACTION_AND_NOT_RESOURCE", SecurityWarning;
    PassRoleWithNotActionAndNotResource = "PASS_ROLE_WITH_NOT_ACTION_AND_NOT_RESOURCE", SecurityWarning;
    CreateSlrWithStarInResource = "CREATE_SLR_WITH_STAR_IN_RESOURCE", Warning;
    CreateSlrWithStarInActionAndResource = "CREATE_SLR_WITH_STAR_IN_ACTION_AND_RESOURCE", Warning;
    CreateSlrWithStarInResourceAndNotAction = "CREATE_SLR_WITH_STAR_IN_RESOURCE_AND_NOT_ACTION", Warning;
    CreateSlrWithNotResource = "CREATE_SLR_WITH_NOT_RESOURCE", Warning;
    CreateSlrWithStarInActionAndNotResource = "CREATE_SLR_WITH_STAR_IN_ACTION_AND_NOT_RESOURCE", Warning;
    CreateSlrWithNotActionAndNotResource = "CREATE_SLR_WITH_NOT_ACTION_AND_NOT_RESOURCE", Warning;
    RestrictAccessToServicePrincipal = "RESTRICT_ACCESS_TO_SERVICE_PRINCIPAL", SecurityWarning;
    RecommendedConditionKeyForServicePrincipal = "RECOMMENDED_CONDITION_KEY_FOR_SERVICE_PRINCIPAL", Suggestion;
    UnsupportedConditionKeyForServicePrincipal = "UNSUPPORTED_CONDITION_KEY_FOR_SERVICE_PRINCIPAL", Error;
    MissingConditionKeyForOidcPrincipal = "MISSING_CONDITION_KEY_FOR_OIDC_PRINCIPAL", SecurityWarning;
    MissingGithubRepoConditionKey = "MISSING_GITHUB_REPO_CONDITION_KEY", SecurityWarning;
    SpecificGithubRepoAndBranchRecommended = "SPECIFIC_GITHUB_REPO_AND_BRANCH_RECOMMENDED", Warning;
    ForanyvalueWithAudienceClaimType = "FORANYVALUE_WITH_AUDIENCE_CLAIM_TYPE", SecurityWarning;
    ConfirmAudienceClaimType = "CONFIRM_AUDIENCE_CLAIM_TYPE", Suggestion;
    MissingPairedConditionKeys = "MISSING_PAIRED_CONDITION_KEYS", SecurityWarning;
    UntrustworthyConditionKey = "UNTRUSTWORTHY_CONDITION_KEY", SecurityWarning;
    DynamodbAttributesWithoutSelect = "DYNAMODB_ATTRIBUTES_WITHOUT_SELECT", SecurityWarning;
    S3PrefixInNegativeContext = "S3_PREFIX_IN_NEGATIVE_CONTEXT", SecurityWarning;
    RcpMissingRelatedPrincipalConditionKey = "RCP_MISSING_RELATED_PRINCIPAL_CONDITION_KEY", Warning;
    RcpMissingRelatedServicePrincipalConditionKey = "RCP_MISSING_RELATED_SERVICE_PRINCIPAL_CONDITION_KEY", Warning;
    RcpMissingServiceConditionKeyNullCheck = "RCP_MISSING_SERVICE_CONDITION_KEY_NULL_CHECK", Warning;
    EquivalentToNullFalse = "EQUIVALENT_TO_NULL_FALSE", Suggestion;
    EquivalentToNullTrue = "EQUIVALENT_TO_NULL_TRUE", Suggestion;
    RedundantKeyDueToWildcardInCondition = "REDUNDANT_KEY_DUE_TO_WILDCARD_IN_CONDITION", Suggestion;
    RedundantStatementDueToWildcardInCondition = "REDUNDANT_STATEMENT_DUE_TO_WILDCARD_IN_CONDITION", Suggestion;
    // iamc's own codes (findings.md section 5 and the grammar's limits).
    IamcResourceMismatch = "IAMC_RESOURCE_MISMATCH", Warning;
    IamcLimitExceeded = "IAMC_LIMIT_EXCEEDED", Error;
    IamcWildcardInResourceType = "IAMC_WILDCARD_IN_RESOURCE_TYPE", Warning;
    // iamc's own codes for policies read from templates and plans (`iamc::sources`): a problem
    // of the template itself (an error when a policy could not be extracted), and a value of a
    // policy that cannot be known before deployment.
    IamcTemplate = "IAMC_TEMPLATE", Warning;
    IamcUnknownValue = "IAMC_UNKNOWN_VALUE", Warning;
}

impl IssueCode {
    /// The finding type iamc reports: Access Analyzer's, except that a condition value that
    /// can never be evaluated is an error (findings.md 2.2, A19): iamc refuses such a policy
    /// because a `Deny` using it would silently never apply.
    pub fn finding_type(self) -> FindingType {
        match self {
            IssueCode::TypeMismatchBoolean
            | IssueCode::TypeMismatchNumber
            | IssueCode::TypeMismatchDate
            | IssueCode::TypeMismatchString => FindingType::Error,
            other => other.aa_type(),
        }
    }

    /// Whether the code is one of iamc's own, not Access Analyzer's.
    pub fn is_iamc(self) -> bool {
        self.as_str().starts_with("IAMC_")
    }

    /// The code's section of the check reference (findings.md 2.2); `None` for iamc's own
    /// codes, which AWS does not document.
    pub fn learn_more_link(self) -> Option<String> {
        if self.is_iamc() {
            return None;
        }
        let anchor = self.as_str().to_ascii_lowercase().replace('_', "-");
        Some(format!(
            "{REFERENCE}#access-analyzer-reference-policy-checks-{}-{anchor}",
            self.aa_type().section()
        ))
    }

    /// The code named `name` (exact spelling).
    pub fn from_name(name: &str) -> Option<IssueCode> {
        IssueCode::ALL.iter().copied().find(|c| c.as_str() == name)
    }
}

impl fmt::Display for IssueCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_spec_counts_and_links() {
        let aa: Vec<IssueCode> = IssueCode::ALL
            .iter()
            .copied()
            .filter(|c| !c.is_iamc())
            .collect();
        assert_eq!(aa.len(), 153);
        let count = |t| aa.iter().filter(|c| c.aa_type() == t).count();
        assert_eq!(count(FindingType::Error), 79);
        assert_eq!(count(FindingType::Warning), 26);
        assert_eq!(count(FindingType::SecurityWarning), 19);
        assert_eq!(count(FindingType::Suggestion), 29);
        assert_eq!(
            IssueCode::PassRoleWithStarInResource.learn_more_link().as_deref(),
            Some("https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-security-warning-pass-role-with-star-in-resource")
        );
        assert_eq!(
            IssueCode::TypeMismatchDate.learn_more_link().as_deref(),
            Some("https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-general-warning-type-mismatch-date")
        );
        assert_eq!(
            IssueCode::TypeMismatchDate.finding_type(),
            FindingType::Error
        );
        assert_eq!(
            IssueCode::InvalidDateValue.finding_type(),
            FindingType::Warning
        );
        assert_eq!(IssueCode::IamcResourceMismatch.learn_more_link(), None);
        for c in IssueCode::ALL {
            assert_eq!(IssueCode::from_name(c.as_str()), Some(*c));
        }
        assert!(FindingType::Error > FindingType::SecurityWarning);
        assert!(FindingType::Warning > FindingType::Suggestion);
    }
}
