//! The grammar crate against the real policy corpus and a table of malformed policies with
//! their exact diagnostics.

use iamc_grammar::ast::PolicyType;
use iamc_grammar::{parse_policy, SourceFile};

/// Every real policy parses as an identity policy with no error.
#[test]
fn every_corpus_policy_parses() {
    let files = iamc_testkit::data::json_files(&iamc_testkit::data::policies_dir());
    assert_eq!(files.len(), 1533);
    let mut failures = Vec::new();
    let mut warnings = 0;
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap();
        let src = SourceFile::new(path.display().to_string(), text);
        match parse_policy(&src, PolicyType::Identity) {
            Ok(p) => {
                assert_eq!(p.policy.name, src.name());
                warnings += p.warnings.len();
            }
            Err(d) => failures.push(d.render(&src)),
        }
    }
    assert!(
        failures.is_empty(),
        "{} rejected:\n{}",
        failures.len(),
        failures.concat()
    );
    eprintln!("{} policies, {warnings} warnings", files.len());
}

use iamc_grammar::ast::{
    ActionPattern, BaseOperator, Effect, Principals, ResourcePattern, Segment, SetQualifier,
    ValueKind, Version,
};
use iamc_grammar::{parse_policy_bytes, Severity, Span};

/// Each diagnostic of `text` parsed as `kind`, as `LINE:COL: severity: message`.
fn problems(kind: PolicyType, text: &str) -> Vec<String> {
    let src = SourceFile::new("p.json", text);
    match parse_policy(&src, kind) {
        Ok(p) => p.warnings.iter().map(|d| headline(&src, d)).collect(),
        Err(d) => d.iter().map(|d| headline(&src, d)).collect(),
    }
}

fn headline(src: &SourceFile, d: &iamc_grammar::Diagnostic) -> String {
    let h = d.headline(src);
    h.strip_prefix("p.json:").unwrap().to_owned()
}

/// Wraps statement members in a 2012-10-17 policy: the first member starts at column 43.
fn stmt(members: &str) -> String {
    format!(r#"{{"Version": "2012-10-17", "Statement": [{{{members}}}]}}"#)
}

const ID: PolicyType = PolicyType::Identity;

#[rustfmt::skip]
fn malformed() -> Vec<(PolicyType, String, Vec<&'static str>)> {
    let s = |m: &str| stmt(m);
    let t = |x: &str| x.to_owned();
    vec![
        // JSON syntax.
        (ID, t(r#"{"Statement": [{"Effect": "Allow", "Action": ["s3:GetObject",], "Resource": "*"}]}"#),
            vec!["1:61: error: trailing comma"]),
        (ID, t(r#"{"Version": "2012-10-17",}"#), vec!["1:25: error: trailing comma"]),
        (ID, t(r#"{"Id": "a\qb"}"#), vec!["1:10: error: invalid escape `\\q` in string"]),
        (ID, t(r#"{"Id": "\uD83D"}"#), vec!["1:9: error: lone surrogate `\\uD83D` in string"]),
        (ID, t(r#"{"Id": "x\uDE00"}"#), vec!["1:10: error: lone surrogate `\\uDE00` in string"]),
        (ID, t(r#"{"Id": 012}"#), vec!["1:8: error: invalid number `012`: leading zeros are not allowed"]),
        (ID, t(r#"{"Statement": []} {}"#), vec!["1:19: error: unexpected `{` after the end of the document"]),
        (ID, t("{\n  \"Id\": \"abc\n}"), vec!["2:9: error: unterminated string"]),
        (ID, t(r#"{"Id": "abc"#), vec!["1:8: error: unterminated string"]),
        (ID, t("  \n "), vec!["1:1: error: the policy is empty"]),
        (ID, t(r#"{"Id" "x"}"#), vec!["1:7: error: expected `:`, found `\"x\"`"]),
        (ID, t(r#"{"Id": "x""#), vec!["1:11: error: unexpected end of input, expected `,` or `}`"]),
        (ID, t(r#"{"Id": True}"#), vec!["1:8: error: unexpected `True`"]),
        (ID, t("{\"Id\": \"a\tb\"}"), vec!["1:10: error: unescaped control character U+0009 in string"]),
        (ID, t(r#"{'Id': 1}"#), vec!["1:2: error: unexpected character `'`"]),
        (ID, t(r#"{"Id": [1 2]}"#), vec!["1:11: error: expected `,` or `]`, found `2`"]),
        (ID, t(r#"{"Id": }"#), vec!["1:8: error: expected a value, found `}`"]),
        (ID, "[".repeat(10_000), vec!["1:65: error: the document nests deeper than 64 levels"]),
        // Top level.
        (ID, t(r#"{"Version": "2012-10-17", "statement": []}"#), vec![
            "1:1: error: the policy has no `Statement` element",
            "1:27: error: unknown top-level element `statement`",
        ]),
        (ID, t(r#"["Statement"]"#), vec!["1:1: error: a policy must be a JSON object, found an array"]),
        (ID, t(r#"{"Version": "2012-10-18", "Statement": []}"#), vec!["1:13: error: invalid `Version` `2012-10-18`"]),
        (ID, t(r#"{"Version": 2012, "Statement": []}"#), vec!["1:13: error: `Version` must be a string, found a number"]),
        (ID, t(r#"{"Id": 7, "Statement": []}"#), vec!["1:8: error: `Id` must be a string, found a number"]),
        (ID, t(r#"{"Statement": "Allow"}"#), vec!["1:15: error: `Statement` must be an object or an array of objects, found a string"]),
        (ID, t(r#"{"Statement": [[]]}"#), vec!["1:16: error: a statement must be an object, found an array"]),
        // Statement elements.
        (ID, s(r#""Effect": "allow", "Action": "s3:GetObject", "Resource": "*""#),
            vec!["1:52: error: invalid `Effect` `allow`: it is `Allow` or `Deny`"]),
        (ID, s(r#""Effect": true, "Action": "s3:GetObject", "Resource": "*""#),
            vec!["1:52: error: `Effect` must be a string, found `true`"]),
        (ID, s(r#""Action": "s3:GetObject", "Resource": "*""#), vec!["1:41: error: the statement has no `Effect`"]),
        (ID, s(r#""Effect": "Allow", "Actions": "s3:GetObject", "Resource": "*""#), vec![
            "1:41: error: the statement has no `Action` or `NotAction`",
            "1:61: error: unknown statement element `Actions`",
        ]),
        (ID, s(r#""Effect": "Allow", "Action": "s3:*", "NotAction": "s3:Get*", "Resource": "*""#),
            vec!["1:79: error: a statement cannot have both `Action` and `NotAction`"]),
        (ID, s(r#""Effect": "Allow", "Action": "s3:*", "Resource": "*", "NotResource": "*""#),
            vec!["1:96: error: a statement cannot have both `Resource` and `NotResource`"]),
        (ID, s(r#""Effect": "Allow", "Action": "s3:*""#), vec!["1:41: error: the statement has no `Resource` or `NotResource`"]),
        (ID, s(r#""Effect": "Allow", "Action": "s3:*", "Resource": []"#), vec!["1:91: error: `Resource` is an empty array"]),
        (ID, s(r#""Effect": "Allow", "Action": [], "Resource": "*""#), vec!["1:71: error: `Action` is an empty array"]),
        (ID, s(r#""Effect": "Allow", "Action": "s3:*", "Resource": """#), vec!["1:91: error: invalid resource ``"]),
        (ID, s(r#""Effect": "Allow", "Action": "s3:*", "Resource": "s3://bucket/key""#), vec!["1:91: error: invalid resource `s3://bucket/key`"]),
        (ID, s(r#""Effect": "Allow", "Action": "s3:*", "Resource": ["*", 3]"#), vec!["1:97: error: the entries of `Resource` must be strings, found a number"]),
        (ID, s(r#""Effect": "Allow", "Action": "s3GetObject", "Resource": "*""#), vec!["1:71: error: invalid action `s3GetObject`"]),
        (ID, s(r#""Effect": "Allow", "Action": "s3:Get:Object", "Resource": "*""#), vec!["1:71: error: invalid action `s3:Get:Object`: an action has exactly one colon"]),
        (ID, s(r#""Effect": "Allow", "Action": ["*:Get*", "s?:Put*"], "Resource": "*""#), vec![
            "1:72: error: invalid action `*:Get*`: the service prefix cannot contain wildcards",
            "1:82: error: invalid action `s?:Put*`: the service prefix cannot contain wildcards",
        ]),
        (ID, s(r#""Effect": "Allow", "Action": ":Get", "Resource": "*""#), vec!["1:71: error: invalid action `:Get`: the service prefix is empty"]),
        (ID, s(r#""Effect": "Allow", "Action": {"s3": "Get"}, "Resource": "*""#), vec!["1:71: error: `Action` must be a string or an array of strings, found an object"]),
        (ID, s(r#""Effect": "Allow", "Effect": "Deny", "Action": "s3:*", "Resource": "*""#), vec!["1:61: error: duplicate key `Effect`"]),
        (ID, s(r#""Sid": "Read-Only", "Effect": "Allow", "Action": "s3:*", "Resource": "*""#), vec!["1:49: warning: invalid `Sid` `Read-Only`: only letters and digits are allowed"]),
        (ID, t(r#"{"Statement": [{"Sid": "A", "Effect": "Allow", "Action": "s3:*", "Resource": "*"}, {"Sid": "A", "Effect": "Deny", "Action": "s3:*", "Resource": "*"}]}"#),
            vec!["1:92: error: duplicate `Sid` `A`"]),
        (ID, s(r#""Sid": 1, "Effect": "Allow", "Action": "s3:*", "Resource": "*""#), vec!["1:49: error: `Sid` must be a string, found a number"]),
        // Principal.
        (ID, s(r#""Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "*""#), vec!["1:61: error: `Principal` is not allowed in identity policies"]),
        (PolicyType::Scp, s(r#""Effect": "Deny", "NotPrincipal": {"AWS": "1"}, "Action": "s3:*", "Resource": "*""#), vec!["1:60: error: `NotPrincipal` is not allowed in service control policies"]),
        (PolicyType::Resource, s(r#""Effect": "Allow", "Action": "s3:*", "Resource": "*""#), vec!["1:41: error: the statement has no `Principal` or `NotPrincipal`"]),
        (PolicyType::Resource, s(r#""Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:user/*"}, "Action": "s3:*", "Resource": "*""#),
            vec!["1:82: error: invalid principal `arn:aws:iam::111122223333:user/*`: partial wildcards are not allowed"]),
        (PolicyType::Resource, s(r#""Effect": "Allow", "Principal": {"aws": "*"}, "Action": "s3:*", "Resource": "*""#),
            vec!["1:75: error: unknown principal type `aws`"]),
        (PolicyType::Resource, s(r#""Effect": "Allow", "Principal": "arn:aws:iam::111122223333:root", "Action": "s3:*", "Resource": "*""#),
            vec!["1:74: error: invalid `Principal` `arn:aws:iam::111122223333:root`"]),
        (PolicyType::Resource, s(r#""Effect": "Allow", "Principal": {"AWS": []}, "Action": "s3:*", "Resource": "*""#),
            vec!["1:82: error: `AWS` is an empty array"]),
        (PolicyType::Resource, s(r#""Effect": "Allow", "Principal": {"AWS": "${aws:username}"}, "Action": "s3:*", "Resource": "*""#),
            vec!["1:82: error: policy variables are not allowed in `Principal`"]),
        (PolicyType::Trust, s(r#""Effect": "Allow", "NotPrincipal": {"Service": "ecs.amazonaws.com"}, "Action": "sts:AssumeRole""#),
            vec!["1:61: error: `NotPrincipal` is not allowed in trust policies"]),
        (PolicyType::Trust, s(r#""Effect": "Allow", "Principal": {"Service": "ecs.amazonaws.com"}, "Action": "sts:AssumeRole", "Resource": "*""#),
            vec!["1:136: error: `Resource` is not allowed in trust policies"]),
        (PolicyType::Rcp, s(r#""Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "s3:*", "Resource": "*""#),
            vec!["1:73: error: `Principal` must be `\"*\"` in resource control policies"]),
        (PolicyType::Resource, s(r#""Effect": "Allow", "Principal": {"AWS": ["alice", "111122223333"]}, "Action": "s3:*", "Resource": "*""#),
            vec!["1:83: error: invalid `AWS` principal `alice`"]),
        (PolicyType::Resource, s(r#""Effect": "Allow", "NotPrincipal": {"AWS": "111122223333"}, "Action": "s3:*", "Resource": "*""#),
            vec!["1:61: warning: `NotPrincipal` with `Allow` is rejected by most services"]),
        // IAM's own ARN checks are warnings (spec 1.2 rule 5, A7).
        (ID, s(r#""Effect": "Allow", "Action": "iam:*", "Resource": ["arn:aws:iam:us-east-1:111122223333:user/a", "arn:aws:iam::111122223333:u*", "arn:aws:iam::*:*"]"#),
            vec![
                "1:93: warning: IAM resource `arn:aws:iam:us-east-1:111122223333:user/a` has a region",
                "1:138: warning: IAM resource `arn:aws:iam::111122223333:u*` has a wildcard in its resource type `u*`",
            ]),
        // Conditions.
        (ID, s(r#""Effect": "Allow", "Action": "s3:*", "Resource": "*", "Condition": {"stringEquals": {"aws:username": "a"}}"#),
            vec!["1:110: error: unknown condition operator `stringEquals`"]),
        (ID, s(r#""Effect": "Allow", "Action": "s3:*", "Resource": "*", "Condition": {"ForAllValues:ForAnyValue:StringLike": {"aws:TagKeys": "a"}}"#),
            vec!["1:110: error: invalid condition operator `ForAllValues:ForAnyValue:StringLike`: at most one `ForAllValues:` or `ForAnyValue:` prefix"]),
        (ID, s(r#""Effect": "Allow", "Action": "s3:*", "Resource": "*", "Condition": {"NullIfExists": {"aws:TagKeys": "true"}}"#),
            vec!["1:110: error: invalid condition operator `NullIfExists`: `Null` takes no `IfExists`"]),
        (ID, s(r#""Effect": "Allow", "Action": "s3:*", "Resource": "*", "Condition": {"StringEquals": {"a:b": null, "a:c": {"x": "y"}, "a:d": [["x"]]}}"#),
            vec![
                "1:134: error: a condition value cannot be `null`",
                "1:147: error: a condition value must be a string, number or boolean, found an object",
                "1:167: error: condition values cannot be nested arrays",
            ]),
        (ID, s(r#""Effect": "Allow", "Action": "s3:*", "Resource": "*", "Condition": {"StringEquals": ["a"]}"#),
            vec!["1:126: error: the block of condition operator `StringEquals` must be an object, found an array"]),
        (ID, s(r#""Effect": "Allow", "Action": "s3:*", "Resource": "*", "Condition": "x""#),
            vec!["1:109: error: `Condition` must be an object, found a string"]),
        (ID, s(r#""Effect": "Allow", "Action": "s3:*", "Resource": "*", "Condition": {"ArnEquals": {"ecs:cluster": "arn:x", "ECS:CLUSTER": "arn:x"}}"#),
            vec!["1:148: error: condition key `ECS:CLUSTER` repeats `ecs:cluster` in another letter case"]),
        (ID, s(r#""Effect": "Allow", "Action": "s3:*", "Resource": "*", "Condition": {"Bool": {"a:b": "true"}, "Bool": {"a:c": "true"}}"#),
            vec!["1:135: error: duplicate key `Bool`"]),
        // Policy variables.
        (ID, s(r#""Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::b/${}""#), vec!["1:91: error: empty policy variable `${}`"]),
        (ID, s(r#""Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::b/${aws:username""#),
            vec!["1:91: error: unclosed policy variable `${aws:username`"]),
        (ID, s(r#""Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::b/${aws:username, x}""#),
            vec!["1:91: error: the default of policy variable `${aws:username` must be in single quotes"]),
        (ID, s(r#""Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::b/${aws: username}""#),
            vec!["1:91: error: policy variable key `aws: username` contains spaces"]),
        (ID, s(r#""Effect": "Allow", "Action": "s3:${aws:username}", "Resource": "*""#),
            vec!["1:71: error: policy variables are not allowed in `Action`"]),
        (ID, s(r#""Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:iam::${aws:PrincipalAccount}:user/x""#),
            vec!["1:91: error: policy variables are allowed only in the resource part of an ARN in `Resource`"]),
        (ID, s(r#""Effect": "Allow", "Action": "s3:*", "Resource": "*", "Condition": {"NumericEquals": {"a:b": "${aws:username}"}}"#),
            vec!["1:135: error: policy variables are not allowed in the values of `NumericEquals`"]),
        // Values that can never be evaluated (A19): the statement would silently never apply.
        (ID, s(r#""Effect": "Deny", "Action": "ecs:*", "Resource": "*", "Condition": {"NumericGreaterThan": {"aws:MultiFactorAuthAge": "1h"}}"#),
            vec!["1:159: error: `NumericGreaterThan` value `1h` is not a number"]),
        (ID, s(r#""Effect": "Deny", "Action": "ecs:*", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": ["true", "yes"]}}"#),
            vec!["1:151: error: `Bool` value `yes` is neither `true` nor `false`"]),
        (ID, s(r#""Effect": "Deny", "Action": "ecs:*", "Resource": "*", "Condition": {"Null": {"aws:TagKeys": "no"}}"#),
            vec!["1:134: error: `Null` value `no` is neither `true` nor `false`"]),
        (ID, s(r#""Effect": "Deny", "Action": "ecs:*", "Resource": "*", "Condition": {"NotIpAddress": {"aws:SourceIp": "10.0.0.300/8"}}"#),
            vec!["1:143: error: `NotIpAddress` value `10.0.0.300/8` is not an IP address or CIDR range"]),
        (ID, s(r#""Effect": "Deny", "Action": "ecs:*", "Resource": "*", "Condition": {"DateGreaterThan": {"aws:CurrentTime": "sdfdsf"}}"#),
            vec!["1:149: error: `DateGreaterThan` value `sdfdsf` is not a date"]),
        (ID, s(r#""Effect": "Deny", "Action": "ecs:*", "Resource": "*", "Condition": {"BinaryEquals": {"k:b": "aGl="}}"#),
            vec!["1:134: error: `BinaryEquals` value `aGl=` is not base64"]),
        (ID, s(r#""Effect": "Deny", "Action": "ecs:*", "Resource": "*", "Condition": {"DateLessThan": {"aws:CurrentTime": 1798761600}}"#),
            vec!["1:146: warning: `DateLessThan` value `1798761600` is read as epoch seconds (`2027-01-01T00:00:00Z`)"]),
        (ID, s(r#""Effect": "Allow", "Action": "s3:*", "Resource": "*", "Condition": {"StringEquals": {"aws:PrincipalTag/${aws:username}": "x"}}"#),
            vec!["1:127: error: policy variables are not allowed in condition keys"]),
        (ID, s(r#""Effect": "Allow", "Action": "s3:*", "Resource": "*", "Condition": {"StringLike": {"s3:prefix": ["a/${aws:username", "b/${*}"]}}"#),
            vec!["1:139: error: unclosed policy variable `${aws:username`"]),
        // Several problems reported together.
        (ID, t(r#"{"Version": "2012-10-17", "Statement": [{"Effect": "allow", "Action": "s3GetObject", "Resource": "bucket"}, {"Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {"StringLik": {"a:b": "c"}}}]}"#),
            vec![
                "1:52: error: invalid `Effect` `allow`: it is `Allow` or `Deny`",
                "1:71: error: invalid action `s3GetObject`",
                "1:98: error: invalid resource `bucket`",
                "1:174: error: unknown condition operator `StringLik`",
            ]),
    ]
}

#[test]
fn malformed_policies_get_exact_diagnostics() {
    let table = malformed();
    assert!(table.len() >= 40);
    let mut wrong = Vec::new();
    for (kind, text, expected) in &table {
        let got = problems(*kind, text);
        if got != *expected {
            wrong.push(format!(
                "{}\n  expected {expected:?}\n  got      {got:?}",
                &text[..text.len().min(300)]
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// The help line of the first diagnostic of `text` (identity policy).
fn first_help(text: &str) -> Option<String> {
    let src = SourceFile::new("p.json", text);
    let d = parse_policy(&src, ID).unwrap_err();
    d.iter().find_map(|d| d.help()).map(str::to_owned)
}

#[test]
fn misspellings_get_suggestions() {
    let cases = [
        (t(r#"{"statement": []}"#), "did you mean `Statement`?"),
        (t(r#"{"Statment": []}"#), "did you mean `Statement`?"),
        (
            stmt(r#""Effect": "allow", "Action": "s3:*", "Resource": "*""#),
            "did you mean `Allow`?",
        ),
        (
            stmt(r#""Effect": "Denny", "Action": "s3:*", "Resource": "*""#),
            "did you mean `Deny`?",
        ),
        (
            stmt(r#""effect": "Allow", "Action": "s3:*", "Resource": "*""#),
            "did you mean `Effect`?",
        ),
        (
            stmt(r#""Effect": "Allow", "action": "s3:*", "Resource": "*""#),
            "did you mean `Action`?",
        ),
        (
            stmt(
                r#""Effect": "Allow", "Action": "s3:*", "Resource": "*", "Condition": {"stringEquals": {"a:b": "c"}}"#,
            ),
            "did you mean `StringEquals`?",
        ),
        (
            stmt(
                r#""Effect": "Allow", "Action": "s3:*", "Resource": "*", "Condition": {"StringLke": {"a:b": "c"}}"#,
            ),
            "did you mean `StringLike`?",
        ),
        (
            stmt(
                r#""Effect": "Allow", "Action": "s3:*", "Resource": "*", "Condition": {"forAnyValue:stringlikeIfExists": {"a:b": "c"}}"#,
            ),
            "did you mean `ForAnyValue:StringLikeIfExists`?",
        ),
        (
            stmt(
                r#""Effect": "Allow", "Action": "s3:*", "Resource": "*", "Condition": {"IPAddress": {"a:b": "c"}}"#,
            ),
            "did you mean `IpAddress`?",
        ),
        (t(r#"{"Id": TRUE}"#), "JSON literals are lowercase: `true`"),
    ];
    for (text, help) in cases {
        assert_eq!(first_help(&text).as_deref(), Some(help), "{text}");
    }
    // Nothing close: no help line.
    let far = stmt(
        r#""Effect": "Allow", "Action": "s3:*", "Resource": "*", "Condition": {"Whatever": {"a:b": "c"}}"#,
    );
    assert_eq!(first_help(&far), None);
    let far = stmt(r#""Effect": "Permit", "Action": "s3:*", "Resource": "*""#);
    assert_eq!(first_help(&far), None);
}

fn t(s: &str) -> String {
    s.to_owned()
}

#[test]
fn renders_the_contract_format() {
    let text = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\n        \"Effect\": \"allow\",\n        \"Action\": \"s3:GetObject\",\n        \"Resource\": \"*\"\n    }\n  ]\n}\n";
    let src = SourceFile::new("dir/p.json", text);
    let d = parse_policy(&src, ID).unwrap_err();
    assert_eq!(d.len(), 1);
    assert_eq!(
        d.render(&src),
        "dir/p.json:5:19: error: invalid `Effect` `allow`: it is `Allow` or `Deny`\n  |\n5 |         \"Effect\": \"allow\",\n  |                   ^^^^^^^\n  = help: did you mean `Allow`?\n"
    );
    let first = d.iter().next().unwrap();
    assert_eq!(first.severity(), Severity::Error);
    assert_eq!((first.line(), first.col()), (5, 19));
    assert_eq!(first.line_col(&src), (5, 19));
    assert_eq!(&text[first.span().start..first.span().end], "\"allow\"");
    assert_eq!(
        first.message(),
        "invalid `Effect` `allow`: it is `Allow` or `Deny`"
    );
    assert_eq!(d.to_string(), d.render(&src));

    // Columns count characters, not bytes; lexer errors carry positions too.
    let src = SourceFile::new("p", "{\"Id\": \"é\", \"x\": 01}");
    let d = parse_policy(&src, ID).unwrap_err();
    assert!(d.render(&src).starts_with("p:1:18: error: invalid number `01`: leading zeros are not allowed\n  |\n1 | {\"Id\": \"é\", \"x\": 01}\n  |                  ^^\n"), "{}", d.render(&src));

    // Two-digit line numbers widen the gutter.
    let mut text = "\n".repeat(11);
    text.push_str("{\"Statement\": 1}");
    let src = SourceFile::new("p", text);
    let d = parse_policy(&src, ID).unwrap_err();
    assert_eq!(
        d.render(&src),
        "p:12:15: error: `Statement` must be an object or an array of objects, found a number\n   |\n12 | {\"Statement\": 1}\n   |               ^\n"
    );
}

#[test]
fn accepted_policies_carry_spans_and_templates() {
    let text = r#"{"Version": "2012-10-17", "Id": "x", "Statement": [
  {"Sid": "S1", "Effect": "Allow", "Action": ["ecs:Describe*", "*", "s3:GetObject,PutObject"],
   "Resource": ["*", "arn:aws:s3:::b/${aws:username}/${*}x", "arn:aws:ecs:*:*:cluster/${aws:PrincipalTag/team, 'shared'}"],
   "Condition": {"NumericLessThanEquals": {"ecs:task-cpu": [1024.0, "2048"]},
                 "ForAnyValue:StringLikeIfExists": {"aws:TagKeys": ["a${aws:username}", true]},
                 "Null": {"aws:TagKeys": false}}},
  {"Effect": "Deny", "NotAction": "iam:*", "NotResource": "arn:aws:iam::*:role/x", "Condition": {}}
]}"#;
    let src = SourceFile::new("p.json", text);
    let parsed = parse_policy(&src, ID).unwrap();
    assert!(parsed.warnings.is_empty());
    let p = parsed.policy;
    assert_eq!(p.name, "p.json");
    assert_eq!(p.version, Version::V2012_10_17);
    assert_eq!(
        &text[p.version_span.unwrap().start..p.version_span.unwrap().end],
        "\"2012-10-17\""
    );
    assert_eq!(p.id.as_ref().unwrap().node, "x");
    assert_eq!(p.span, Span::new(0, text.len()));
    assert_eq!(p.statements.len(), 2);
    let s0 = &p.statements[0];
    assert_eq!(s0.index, 0);
    assert_eq!(s0.sid.as_ref().unwrap().node, "S1");
    assert_eq!(s0.effect.node, Effect::Allow);
    assert!(!s0.action.negated);
    let actions: Vec<_> = s0.action.patterns.iter().map(|a| a.node.clone()).collect();
    assert_eq!(
        actions,
        vec![
            ActionPattern::Service {
                service: "ecs".into(),
                name: "Describe*".into()
            },
            ActionPattern::Any,
            ActionPattern::Service {
                service: "s3".into(),
                name: "GetObject,PutObject".into()
            },
        ]
    );
    let a0 = &s0.action.patterns[0];
    assert_eq!(&text[a0.span.start..a0.span.end], "\"ecs:Describe*\"");
    let res = &s0.resource.as_ref().unwrap().patterns;
    assert_eq!(res[0].node, ResourcePattern::Any);
    let ResourcePattern::Arn { raw, template } = &res[1].node else {
        panic!()
    };
    assert_eq!(raw, "arn:aws:s3:::b/${aws:username}/${*}x");
    assert_eq!(
        template.segments,
        vec![
            Segment::Text("arn:aws:s3:::b/".into()),
            Segment::Variable {
                key: "aws:username".into(),
                default: None
            },
            Segment::Text("/".into()),
            Segment::Escaped('*'),
            Segment::Text("x".into()),
        ]
    );
    let ResourcePattern::Arn { template, .. } = &res[2].node else {
        panic!()
    };
    assert_eq!(
        template.segments[1],
        Segment::Variable {
            key: "aws:PrincipalTag/team".into(),
            default: Some("shared".into())
        }
    );
    assert_eq!(s0.conditions.len(), 3);
    let numeric = &s0.conditions[0];
    assert_eq!(
        numeric.operator.node.base,
        BaseOperator::NumericLessThanEquals
    );
    assert_eq!(
        &text[numeric.operator.span.start..numeric.operator.span.end],
        "\"NumericLessThanEquals\""
    );
    let values = &numeric.keys[0].values;
    assert_eq!(values[0].node.kind, ValueKind::Number);
    assert_eq!(values[0].node.text, "1024.0");
    assert_eq!(values[1].node.kind, ValueKind::String);
    let like = &s0.conditions[1];
    assert_eq!(
        like.operator.node.qualifier,
        Some(SetQualifier::ForAnyValue)
    );
    assert!(like.operator.node.if_exists);
    assert_eq!(like.operator.node.base, BaseOperator::StringLike);
    let v = &like.keys[0].values;
    assert_eq!(
        v[0].node.template.segments,
        vec![
            Segment::Text("a".into()),
            Segment::Variable {
                key: "aws:username".into(),
                default: None
            }
        ]
    );
    assert_eq!(
        (v[1].node.kind, v[1].node.text.as_str()),
        (ValueKind::Bool, "true")
    );
    let null = &s0.conditions[2];
    assert_eq!(null.keys[0].values[0].node.text, "false");
    let s1 = &p.statements[1];
    assert_eq!(s1.index, 1);
    assert!(s1.action.negated && s1.resource.as_ref().unwrap().negated);
    assert!(s1.conditions.is_empty());
    assert!(s1.principal.is_none());
}

#[test]
fn variables_are_literal_under_2008_and_without_version() {
    for version in [r#""Version": "2008-10-17", "#, ""] {
        let text = format!(
            r#"{{{version}"Statement": {{"Effect": "Allow", "Action": "s3:${{x}}", "Resource": "arn:aws:iam::${{a}}:user/${{aws:username}}",
                "Condition": {{"StringEquals": {{"a:${{b}}": "${{c}}"}}, "StringLike": {{"k": "${{}}"}}}}}}}}"#
        );
        let p = parse_policy(&SourceFile::new("p", text.as_str()), ID)
            .unwrap()
            .policy;
        assert_eq!(p.version, Version::V2008_10_17);
        let s = &p.statements[0];
        assert_eq!(s.index, 0);
        let ResourcePattern::Arn { template, .. } = &s.resource.as_ref().unwrap().patterns[0].node
        else {
            panic!()
        };
        assert_eq!(
            template.segments,
            vec![Segment::Text(
                "arn:aws:iam::${a}:user/${aws:username}".into()
            )]
        );
        let v = &s.conditions[0].keys[0].values[0].node;
        assert_eq!(v.template.segments, vec![Segment::Text("${c}".into())]);
        let v = &s.conditions[1].keys[0].values[0].node;
        assert_eq!(v.template.segments, vec![Segment::Text("${}".into())]);
        // A literal `${c}` is no number: the statement could never apply (A19).
        let numeric = format!(
            r#"{{{version}"Statement": {{"Effect": "Allow", "Action": "s3:x", "Resource": "*",
                "Condition": {{"NumericEquals": {{"a:b": "${{c}}"}}}}}}}}"#
        );
        let err = parse_policy(&SourceFile::new("p", numeric.as_str()), ID).unwrap_err();
        assert_eq!(
            err.iter().map(|d| d.code()).collect::<Vec<_>>(),
            vec![Some(iamc_grammar::IssueCode::TypeMismatchNumber)]
        );
    }
}

#[test]
fn principals_by_kind() {
    let text = stmt(
        r#""Effect": "Allow", "Principal": {"AWS": ["*", "111122223333", "arn:aws:iam::111122223333:role/r"], "Service": "ecs.amazonaws.com", "Federated": "cognito-identity.amazonaws.com", "CanonicalUser": "abc"}, "Action": "sqs:SendMessage", "Resource": "arn:aws:sqs:us-east-1:111122223333:q1""#,
    );
    let p = parse_policy(&SourceFile::new("p", text.as_str()), PolicyType::Resource)
        .unwrap()
        .policy;
    let block = p.statements[0].principal.as_ref().unwrap();
    assert!(!block.negated);
    let Principals::Map(entries) = &block.principals else {
        panic!()
    };
    assert_eq!(entries.len(), 6);
    // Trust: Principal without Resource; RCP: `"*"`.
    let trust = stmt(
        r#""Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole""#,
    );
    let p = parse_policy(&SourceFile::new("p", trust.as_str()), PolicyType::Trust)
        .unwrap()
        .policy;
    assert!(p.statements[0].resource.is_none());
    let rcp = stmt(r#""Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*""#);
    let p = parse_policy(&SourceFile::new("p", rcp.as_str()), PolicyType::Rcp)
        .unwrap()
        .policy;
    assert_eq!(
        p.statements[0].principal.as_ref().unwrap().principals,
        Principals::Any
    );
    // Resource policies: an empty Resource array is a warning (the statement has no effect).
    let empty = stmt(r#""Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": []"#);
    assert_eq!(
        problems(PolicyType::Resource, &empty),
        vec!["1:109: warning: `Resource` is an empty array: the statement has no effect"]
    );
    // Every identity-like kind prohibits Principal.
    let with = stmt(r#""Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "*""#);
    for (kind, name) in [
        (PolicyType::Boundary, "permissions boundaries"),
        (PolicyType::Session, "session policies"),
        (PolicyType::Scp, "service control policies"),
    ] {
        assert_eq!(
            problems(kind, &with),
            vec![format!("1:61: error: `Principal` is not allowed in {name}")]
        );
    }
}

#[test]
fn non_utf8_is_an_error_at_the_first_bad_byte() {
    let bytes = b"{\n  \"Id\": \"a\xff\"}";
    let d = parse_policy_bytes("p.json", bytes, ID).unwrap_err();
    let first = d.iter().next().unwrap();
    assert_eq!((first.line(), first.col()), (2, 11));
    assert_eq!(first.span().start, 12);
    assert!(d
        .to_string()
        .starts_with("p.json:2:11: error: the policy is not valid UTF-8 (byte 12)\n"));
    let ok = parse_policy_bytes("p.json", br#"{"Statement": []}"#, ID).unwrap();
    assert!(ok.policy.statements.is_empty());
}

#[test]
fn deep_nesting_is_rejected_without_recursion() {
    for open in ["[", "{\"a\":"] {
        let text = open.repeat(100_000);
        let d = parse_policy(&SourceFile::new("p", text.as_str()), ID).unwrap_err();
        assert_eq!(d.len(), 1);
        assert!(d
            .iter()
            .next()
            .unwrap()
            .message()
            .contains("nests deeper than 64 levels"));
    }
    // At the limit the document parses (and is then rejected by IAM rules, not by depth).
    // Document, Statement array, statement, Condition and operator block: 5 levels.
    let depth = iamc_grammar::MAX_DEPTH - 5;
    let value = format!("{}1{}", "[".repeat(depth), "]".repeat(depth));
    let text = stmt(&format!(
        r#""Effect": "Allow", "Action": "s3:*", "Resource": "*", "Condition": {{"StringEquals": {{"a:b": {value}}}}}"#
    ));
    let d = parse_policy(&SourceFile::new("p", text.as_str()), ID).unwrap_err();
    assert!(d
        .iter()
        .all(|d| d.message() == "condition values cannot be nested arrays"));
}

#[test]
fn a_five_megabyte_policy_parses() {
    let mut text = String::from(r#"{"Version": "2012-10-17", "Statement": ["#);
    let mut i = 0;
    while text.len() < 5 << 20 {
        if i > 0 {
            text.push(',');
        }
        text.push_str(&format!(
            "\n  {{\"Sid\": \"S{i}\", \"Effect\": \"Allow\", \"Action\": [\"ecs:Describe*\", \"s3:GetObject\"], \"Resource\": \"arn:aws:s3:::bucket-{i}/${{aws:username}}/*\", \"Condition\": {{\"StringEquals\": {{\"aws:RequestTag/team\": [\"a{i}\", \"b\"]}}}}}}"
        ));
        i += 1;
    }
    text.push_str("\n]}");
    let p = parse_policy(&SourceFile::new("big", text.as_str()), ID)
        .unwrap()
        .policy;
    assert_eq!(p.statements.len(), i);
    // The same size of broken entries: diagnostics are capped, not gigabytes.
    let broken = text.replace("\"Allow\"", "\"allow\"");
    let d = parse_policy(&SourceFile::new("big", broken.as_str()), ID).unwrap_err();
    assert_eq!(d.len(), 101);
    assert!(d
        .iter()
        .last()
        .unwrap()
        .message()
        .ends_with("more problems not shown"));
}
