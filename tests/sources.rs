//! Policies read where they live (`iamc::sources`): CloudFormation templates (JSON, YAML) and
//! Terraform plans in `tests/data/templates/`, every diagnostic asserted at its line and column
//! in the template; intrinsic functions resolved or reported; hostile input refused at its
//! place.

use iamc_testkit::assert_contains;
use std::path::Path;

use iamc::sources::{self, ExtractedPolicy, Format, Options, Source};
use iamc_grammar::ast::PolicyType;
use iamc_grammar::{Diagnostic, Limits, Severity, SourceFile, Span};

const DIR: &str = "tests/data/templates";

fn fixture(name: &str) -> (String, Vec<u8>) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(DIR).join(name);
    (format!("{DIR}/{name}"), std::fs::read(path).unwrap())
}

fn read_with(name: &str, options: &Options) -> Source {
    let (path, bytes) = fixture(name);
    sources::read(&path, &bytes, options).unwrap_or_else(|e| panic!("{e}"))
}

fn read(name: &str) -> Source {
    read_with(name, &Options::default())
}

/// `sources::read` of an in-memory file named `t.yaml`.
fn read_text(text: &str) -> Result<Source, sources::SourceError> {
    sources::read("t.yaml", text.as_bytes(), &Options::default())
}

/// The first line of each rendering: `PATH:LINE:COL: severity: message`.
fn headlines<'a>(diags: impl IntoIterator<Item = &'a Diagnostic>) -> Vec<String> {
    diags
        .into_iter()
        .map(|d| d.to_string().lines().next().unwrap_or("").to_owned())
        .collect()
}

fn error_headlines(e: &sources::SourceError) -> Vec<String> {
    headlines(e.diagnostics())
}

fn names(s: &Source) -> Vec<(String, PolicyType)> {
    s.policies()
        .iter()
        .map(|p| (p.name().to_owned(), p.kind()))
        .collect()
}

fn policy<'a>(s: &'a Source, name: &str) -> &'a ExtractedPolicy {
    s.policies()
        .iter()
        .find(|p| p.name() == name)
        .unwrap_or_else(|| panic!("no policy `{name}`"))
}

/// The template text the policy-text bytes `needle` (first occurrence) map to.
fn maps_to<'a>(p: &'a ExtractedPolicy, needle: &str) -> &'a str {
    let at = p
        .text()
        .find(needle)
        .unwrap_or_else(|| panic!("no `{needle}`"));
    let t = p.map().to_template(Span::new(at, at + needle.len()));
    &p.template().text()[t.span.start..t.span.end]
}

#[test]
fn cloudformation_yaml_every_resource_type() {
    let s = read("stack.yaml");
    assert_eq!(s.format(), Format::CloudFormationYaml);
    use PolicyType::{Identity, Resource, Trust};
    let expected: Vec<(String, PolicyType)> = [
        ("AppPolicy.PolicyDocument", Identity),
        ("Managed.PolicyDocument", Identity),
        ("AppRole.AssumeRolePolicyDocument", Trust),
        ("AppRole.Policies[0]", Identity),
        ("AppRole.Policies[1]", Identity),
        ("Auditor.Policies[0]", Identity),
        ("Admins.Policies[0]", Identity),
        ("BucketPolicy.PolicyDocument", Resource),
        ("QueuePolicy.PolicyDocument", Resource),
        ("TopicPolicy.PolicyDocument", Resource),
        ("Key.KeyPolicy", Resource),
    ]
    .iter()
    .map(|(n, k)| ((*n).to_owned(), *k))
    .collect();
    assert_eq!(names(&s), expected);
    let p = "tests/data/templates/stack.yaml";
    assert_eq!(
        headlines(&s.check(&Limits::default())),
        vec![
            format!("{p}:30:21: error: invalid `Effect` `allow`: it is `Allow` or `Deny`"),
            format!("{p}:41:21: warning: `Fn::GetAtt` `Table.Arn` is known only once the stack is deployed, so the value is unknown"),
            format!("{p}:45:36: warning: `Ref` to `AWS::Region`: the pseudo parameter has no value here, so the value is unknown"),
            format!("{p}:64:19: error: unknown condition operator `StringLikee`"),
            format!("{p}:65:11: warning: `Fn::If` depends on the condition `IsProd`, which iamc does not evaluate, so the value is unknown"),
            format!("{p}:76:25: error: invalid action `cloudtrail`"),
            format!("{p}:80:46: warning: `${{AWS::AccountId}}`: the pseudo parameter has no value here, so the value is unknown"),
            format!("{p}:119:23: warning: `Fn::GetAtt` `Queue.Arn` is known only once the stack is deployed, so the value is unknown"),
            format!("{p}:120:52: warning: `Ref` to `Topic`: a resource's id is known only once the stack is deployed, so the value is unknown"),
            format!("{p}:133:40: warning: `${{AWS::Partition}}`: the pseudo parameter has no value here, so the value is unknown"),
            format!("{p}:133:63: warning: `${{AWS::AccountId}}`: the pseudo parameter has no value here, so the value is unknown"),
            format!("{p}:145:49: warning: `Ref` to `AWS::AccountId`: the pseudo parameter has no value here, so the value is unknown"),
        ]
    );
    // The rendering shows the template's line with carets under the value.
    let first = s.check(&Limits::default())[0].to_string();
    assert_contains(
        &first,
        "30 |           - Effect: allow\n   |                     ^^^^^\n",
    );
}

#[test]
fn yaml_values_keep_their_text_and_map_exactly() {
    let s = read("stack.yaml");
    let app = policy(&s, "AppPolicy.PolicyDocument");
    assert!(app.is_known());
    assert!(app
        .text()
        .contains(r#""Resource":["arn:aws:s3:::example-bucket","arn:aws:s3:::example-bucket/*"]"#));
    // Literal text maps to itself, a resolved `${Param}` to the variable.
    assert_eq!(maps_to(app, "arn:aws:s3:::"), "arn:aws:s3:::");
    assert_eq!(maps_to(app, "example-bucket"), "${BucketName}");
    assert_eq!(maps_to(app, "/uploads/*"), "/uploads/*");
    assert_eq!(maps_to(app, "\"s3:ListBucket\""), "s3:ListBucket");
    assert_eq!(maps_to(app, "\"s3:GetObject\""), "\"s3:GetObject\"");
    // A whole statement maps to the whole YAML mapping.
    let stmt = maps_to(app, r#"{"Sid":"ReadBucket""#);
    assert!(stmt.starts_with("Sid: ReadBucket"), "{stmt}");
    // YAML 1.1 booleans and unquoted dates stay as written.
    let managed = policy(&s, "Managed.PolicyDocument");
    assert!(managed.text().contains(r#""Version":"2012-10-17""#));
    assert!(managed.text().contains(r#""aws:PrincipalTag/team":"yes""#));
    // `${!aws:username}` is the IAM policy variable, not a Sub variable.
    let auditor = policy(&s, "Auditor.Policies[0]");
    assert!(auditor
        .text()
        .contains("arn:aws:iam::*:user/${aws:username}"));
    assert_eq!(maps_to(auditor, "${aws:username}"), "${!aws:username}");
    // A bare `false` is a JSON boolean; a quoted "true" stays a string.
    assert!(policy(&s, "BucketPolicy.PolicyDocument")
        .text()
        .contains(r#""aws:SecureTransport":false"#));
    assert!(policy(&s, "Admins.Policies[0]")
        .text()
        .contains(r#""aws:MultiFactorAuthPresent":"true""#));
}

#[test]
fn parameters_given_by_the_user_resolve_pseudo_parameters() {
    let mut options = Options::default();
    for (k, v) in [
        ("AWS::AccountId", "111122223333"),
        ("AWS::Partition", "aws"),
        ("AWS::Region", "eu-west-1"),
        ("BucketName", "given-bucket"),
    ] {
        options.params.insert(k.to_owned(), v.to_owned());
    }
    let s = read_with("stack.yaml", &options);
    let topic = policy(&s, "TopicPolicy.PolicyDocument");
    assert!(topic.is_known());
    assert!(topic
        .text()
        .contains(r#""AWS":"arn:aws:iam::111122223333:root""#));
    assert_eq!(maps_to(topic, "111122223333"), "${AWS::AccountId}");
    let key = policy(&s, "Key.KeyPolicy");
    assert!(key
        .text()
        .contains(r#""AWS":"arn:aws:iam::111122223333:root""#));
    let parsed = key.parse(&Limits::default()).unwrap();
    assert_eq!(
        parsed.policy.name,
        "tests/data/templates/stack.yaml#Key.KeyPolicy"
    );
    assert_eq!(parsed.policy.kind, PolicyType::Resource);
    // The user's value wins over the parameter's `Default`.
    assert!(policy(&s, "AppPolicy.PolicyDocument")
        .text()
        .contains("arn:aws:s3:::given-bucket/*"));
    assert!(policy(&s, "Managed.PolicyDocument")
        .text()
        .contains(r#""aws:RequestedRegion":"eu-west-1""#));
    // What stays unknown: `Fn::GetAtt`, `Ref` to a resource, `Fn::If`.
    let unknown: Vec<&str> = s
        .policies()
        .iter()
        .filter(|p| !p.is_known())
        .map(ExtractedPolicy::name)
        .collect();
    assert_eq!(
        unknown,
        vec![
            "Managed.PolicyDocument",
            "AppRole.Policies[1]",
            "QueuePolicy.PolicyDocument"
        ]
    );
}

#[test]
fn a_policy_with_an_unknown_value_is_never_decided() {
    let s = read("stack.yaml");
    let managed = policy(&s, "Managed.PolicyDocument");
    let err = managed.parse(&Limits::default()).unwrap_err();
    let p = "tests/data/templates/stack.yaml";
    assert_eq!(
        headlines(&err),
        vec![
            format!("{p}:41:21: error: `Fn::GetAtt` `Table.Arn` is known only once the stack is deployed, so the value is unknown"),
            format!("{p}:45:36: error: `Ref` to `AWS::Region`: the pseudo parameter has no value here, so the value is unknown"),
        ]
    );
    assert!(err.as_slice()[1]
        .help()
        .unwrap()
        .contains("iamc decides only policies whose every value is known"));
    // The whole file: every error and every unknown, nothing decided.
    let all = s.parse_all(&Limits::default()).unwrap_err();
    assert_eq!(all.iter().filter(|d| d.is_error()).count(), all.len());
    // One per unknown value (a refused policy is not validated further) and the grammar's
    // errors of the known policies.
    assert_eq!(all.len(), 11);
    // A fully known trust policy parses, named by file and path.
    let trust = policy(&s, "AppRole.AssumeRolePolicyDocument")
        .parse(&Limits::default())
        .unwrap();
    assert_eq!(
        trust.policy.name,
        "tests/data/templates/stack.yaml#AppRole.AssumeRolePolicyDocument"
    );
    assert_eq!(trust.policy.kind, PolicyType::Trust);
}

#[test]
fn diagnostics_on_the_policy_text_render_at_the_template() {
    let s = read("stack.yaml");
    let app = policy(&s, "AppPolicy.PolicyDocument");
    let at = app.text().find("\"s3:PutObject\"").unwrap();
    let d = Diagnostic::new(
        app.source_file(),
        Severity::Warning,
        Span::new(at, at + "\"s3:PutObject\"".len()),
        "a finding about `s3:PutObject`",
        None,
    );
    let t = app.to_template(&d);
    assert_eq!(
        t.to_string(),
        "tests/data/templates/stack.yaml:31:21: warning: a finding about `s3:PutObject`\n   |\n31 |             Action: s3:PutObject\n   |                     ^^^^^^^^^^^^\n"
    );
    assert_eq!((t.line(), t.col()), (31, 21));
}

#[test]
fn cloudformation_json_long_forms_and_string_documents() {
    let s = read("stack.json");
    assert_eq!(s.format(), Format::CloudFormationJson);
    assert_eq!(
        names(&s),
        vec![
            (
                "Deployer.AssumeRolePolicyDocument".to_owned(),
                PolicyType::Trust
            ),
            ("Deployer.Policies[0]".to_owned(), PolicyType::Identity),
            ("Written.PolicyDocument".to_owned(), PolicyType::Identity),
        ]
    );
    let p = "tests/data/templates/stack.json";
    assert_eq!(
        headlines(&s.check(&Limits::default())),
        vec![
            format!("{p}:17:66: warning: `${{AWS::AccountId}}`: the pseudo parameter has no value here, so the value is unknown"),
            format!("{p}:19:13: error: `Resource` is not allowed in trust policies"),
            format!("{p}:36:67: warning: `Fn::ImportValue` reads another stack's export at deployment, so the value is unknown"),
            format!("{p}:41:31: warning: `Ref` to `KeyArns`: a list parameter (`List<String>`) is not expanded by iamc, so the value is unknown"),
            format!("{p}:42:75: warning: `Ref` to `TeamTag`: the parameter is read from SSM Parameter Store at deployment, so the value is unknown"),
            format!("{p}:53:141: error: invalid resource `bucket/*`"),
        ]
    );
    let deploy = policy(&s, "Deployer.Policies[0]");
    // `Fn::Sub` with a variable map; a JSON escape maps to its sequence.
    assert!(deploy
        .text()
        .contains("arn:aws:cloudformation:us-east-1:*:stack/dev-*/*"));
    assert_eq!(maps_to(deploy, "us-east-1"), "us-east-1");
    assert_eq!(maps_to(deploy, "dev"), "${Stage}");
    assert_eq!(maps_to(deploy, "C"), "\\u0043");
    assert_eq!(maps_to(deploy, "reateStack"), "reateStack");
    // `Fn::Join` around an unknown keeps the known parts.
    assert!(deploy.text().contains(r#""Resource":"arn:aws:s3:::*/*""#));
    // A document written as a JSON string: its text is the string's content.
    let written = policy(&s, "Written.PolicyDocument");
    assert!(written.text().starts_with(r#"{"Version": "2012-10-17""#));
    assert_eq!(maps_to(written, "\"bucket/*\""), "\\\"bucket/*\\\"");
}

#[test]
fn terraform_plan_policies_map_byte_for_byte() {
    let s = read("plan.json");
    assert_eq!(s.format(), Format::TerraformPlan);
    use PolicyType::{Identity, Resource, Trust};
    let expected: Vec<(String, PolicyType)> = [
        ("aws_iam_policy.reader.policy", Identity),
        ("module.app.aws_iam_role.task.assume_role_policy", Trust),
        ("module.app.aws_iam_role.task.inline_policy[0]", Identity),
        ("module.app.aws_iam_role.task.inline_policy[1]", Identity),
        ("module.app.aws_iam_role_policy.extra.policy", Identity),
        ("aws_s3_bucket_policy.reports.policy", Resource),
        ("aws_iam_user_policy.ops.policy", Identity),
        ("aws_iam_group_policy.devs.policy", Identity),
        ("aws_sqs_queue_policy.events.policy", Resource),
    ]
    .iter()
    .map(|(n, k)| ((*n).to_owned(), *k))
    .collect();
    // The deleted queue policy, the data source and the empty inline block are not read.
    assert_eq!(names(&s), expected);
    let p = "tests/data/templates/plan.json";
    assert_eq!(
        headlines(&s.check(&Limits::default())),
        vec![
            format!("{p}:16:184: error: invalid `Effect` `Alow`: it is `Allow` or `Deny`"),
            format!("{p}:31:185: error: `Resource` is not allowed in trust policies"),
            format!("{p}:38:60: warning: `module.app.aws_iam_role.task.inline_policy[1]` is known only after apply, so the policy is unknown"),
            format!("{p}:49:37: warning: `module.app.aws_iam_role_policy.extra.policy` is known only after apply, so the policy is unknown"),
            format!("{p}:115:18: warning: the policy of `aws_ecr_repository_policy.repo` (`aws_ecr_repository_policy`) is not read"),
        ]
    );
    // Every character of every known policy maps to itself or to the escape that wrote it.
    for pol in s.policies().iter().filter(|p| p.is_known()) {
        for (i, c) in pol.text().char_indices() {
            let t = pol.map().to_template(Span::new(i, i + c.len_utf8()));
            let written = &pol.template().text()[t.span.start..t.span.end];
            let decoded = iamc_grammar::parse_json(&SourceFile::new("s", format!("\"{written}\"")))
                .map(|n| n.value);
            assert!(
                written == c.to_string()
                    || decoded == Ok(iamc_grammar::json::Json::String(c.to_string())),
                "{}: `{c}` at {i} maps to `{written}`",
                pol.name()
            );
        }
    }
    let reader = policy(&s, "aws_iam_policy.reader.policy");
    assert_eq!(maps_to(reader, "é"), "\\u00e9");
    assert_eq!(maps_to(reader, "\"Alow\""), "\\\"Alow\\\"");
    let reports = policy(&s, "aws_s3_bucket_policy.reports.policy");
    assert_eq!(maps_to(reports, "\n  \"Version\""), "\\n  \\\"Version\\\"");
}

#[test]
fn terraform_planned_values_walk_child_modules() {
    let s = read("planned-values.json");
    assert_eq!(
        names(&s),
        vec![
            ("aws_iam_policy.p.policy".to_owned(), PolicyType::Identity),
            (
                "module.net.aws_iam_role.flow.assume_role_policy".to_owned(),
                PolicyType::Trust
            ),
            (
                "module.net.module.inner.aws_kms_key.k.policy".to_owned(),
                PolicyType::Resource
            ),
        ]
    );
    // In `planned_values` a required policy that is absent is known only after apply.
    let flow = policy(&s, "module.net.aws_iam_role.flow.assume_role_policy");
    assert!(!flow.is_known());
    assert_eq!(
        headlines(flow.unknowns().iter().map(|u| u.diagnostic())),
        vec!["tests/data/templates/planned-values.json:13:22: warning: `module.net.aws_iam_role.flow.assume_role_policy` is known only after apply, so the policy is unknown"]
    );
    assert!(policy(&s, "aws_iam_policy.p.policy")
        .parse(&Limits::default())
        .is_ok());
}

#[test]
fn plain_policy_files_read_as_before() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/invalid/invalid-effect.json");
    let bytes = std::fs::read(&path).unwrap();
    let s = sources::read("invalid-effect.json", &bytes, &Options::default()).unwrap();
    assert_eq!(s.format(), Format::Policy);
    assert_eq!(s.policies().len(), 1);
    let p = &s.policies()[0];
    assert_eq!(p.name(), "invalid-effect.json");
    assert_eq!(p.qualified_name(), "invalid-effect.json");
    // Exactly what the grammar says of the file itself, rendered the same.
    let src = SourceFile::new("invalid-effect.json", String::from_utf8(bytes).unwrap());
    let direct = iamc_grammar::parse_policy(&src, PolicyType::Identity).unwrap_err();
    let ours = p.parse(&Limits::default()).unwrap_err();
    assert_eq!(ours.to_string(), direct.to_string());
    let checked: String = s
        .check(&Limits::default())
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(checked, direct.to_string());
    // Broken JSON and empty files stay the grammar's to report.
    for (text, headline) in [
        ("", "p.json:1:1: error: the policy is empty"),
        (
            "{\"Resources\": ",
            "p.json:1:14: error: unexpected end of input, expected a value",
        ),
        (
            "[1]",
            "p.json:1:1: error: a policy must be a JSON object, found an array",
        ),
    ] {
        let s = sources::read("p.json", text.as_bytes(), &Options::default()).unwrap();
        assert_eq!(s.format(), Format::Policy);
        assert_eq!(
            headlines(&s.check(&Limits::default())),
            vec![headline],
            "{text}"
        );
    }
    // The kind of a plain file is the caller's.
    let options = Options {
        kind: PolicyType::Resource,
        ..Options::default()
    };
    let s = sources::read("r.json", br#"{"Statement":[]}"#, &options).unwrap();
    assert_eq!(s.policies()[0].kind(), PolicyType::Resource);
}

#[test]
fn files_that_are_none_of_them_say_so() {
    let e = read_text("just: a mapping\n").unwrap_err();
    assert_eq!(
        error_headlines(&e),
        vec!["t.yaml:1:1: error: `t.yaml` is not a JSON policy, a CloudFormation template or a Terraform plan"]
    );
    assert!(e.diagnostics().as_slice()[0]
        .help()
        .unwrap()
        .contains("`Resources`"));
    let e = read_text("hello").unwrap_err();
    assert!(error_headlines(&e)[0].contains("is not a JSON policy"));
    let e = read_text("Resources:\n  A: [b\n").unwrap_err();
    assert_eq!(
        error_headlines(&e),
        vec!["t.yaml:3:1: error: invalid YAML: while parsing a flow sequence, expected ',' or ']'"]
    );
    let e = read_text("Resources: {}\n---\nResources: {}\n").unwrap_err();
    assert_eq!(
        error_headlines(&e),
        vec!["t.yaml:2:1: error: the file holds more than one YAML document"]
    );
    // A template without policies is read, with a warning.
    let s = read_text("Resources:\n  Q: {Type: AWS::SQS::Queue}\n").unwrap();
    assert!(s.policies().is_empty());
    assert_eq!(
        headlines(s.notes()),
        vec![
            "t.yaml:1:1: warning: a CloudFormation template (YAML) holds no policy that iamc reads"
        ]
    );
}

/// A YAML template with one `AWS::IAM::Policy` whose document is `doc` (indented by the
/// caller to sit under `PolicyDocument:` at 6 spaces).
fn yaml_policy(doc: &str) -> String {
    format!(
        "Resources:\n  P:\n    Type: AWS::IAM::Policy\n    Properties:\n      PolicyDocument:\n{doc}"
    )
}

#[test]
fn template_structure_problems_are_notes_at_their_place() {
    let text = "Resources:\n  NoType: {Properties: {}}\n  Role:\n    Type: AWS::IAM::Role\n    Properties:\n      Policies:\n        - PolicyName: x\n  Bad: [1]\n  Pol:\n    Type: AWS::IAM::Policy\n    Condition: IsProd\n    Properties:\n      PolicyDocument: {Statement: {Effect: Allow, Action: \"*\", Resource: \"*\"}}\n  Fn:\n    Type: AWS::Serverless::Function\n";
    let s = read_text(text).unwrap();
    assert_eq!(
        headlines(s.notes()),
        vec![
            "t.yaml:2:3: error: resource `NoType` has no `Type`",
            "t.yaml:3:3: error: resource `Role` has no `AssumeRolePolicyDocument`",
            "t.yaml:7:11: error: `Role.Policies[0]` has no `PolicyDocument`",
            "t.yaml:8:8: error: resource `Bad` must be a mapping, found a list",
            "t.yaml:11:16: warning: resource `Pol` exists only when the condition `IsProd` holds; its policies are read as if it does",
            "t.yaml:14:3: warning: the policies of resource `Fn` (`AWS::Serverless::Function`) are not read",
        ]
    );
    // The policy that could be read is there, but nothing is decided while a note is an error.
    assert_eq!(s.policies().len(), 1);
    let err = s.parse_all(&Limits::default()).unwrap_err();
    assert_eq!(err.len(), 4);
}

#[test]
fn intrinsic_functions_in_detail() {
    let doc = "        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Action: !Sub '${Svc}:Get*'
            Resource:
              - !Sub ['arn:aws:s3:::${B}/${K}', {B: !Ref Bucket, K: literal}]
              - !Sub 'arn:aws:s3:::${Bucket.Arn}'
              - !Sub 'arn:aws:iam::${AWS::AccountId}:user/${aws:username}'
              - !Join ['', [!Select [0, [a]], x]]
              - !Ref Missing
              - {'Fn::Sub': 'arn:aws:s3:::${Prefix}-logs', Other: 1}
              - '{{resolve:ssm:/bucket/arn}}'
              - !Sub '${!Literal}'
";
    let text = yaml_policy(doc).replace("Resources:", "Parameters:\n  Svc: {Type: String, Default: s3}\n  Prefix: {Type: String}\nResources:\n  Bucket: {Type: AWS::S3::Bucket}");
    let s = read_text(&text).unwrap();
    let p = &s.policies()[0];
    assert_contains(p.text(), r#""Action":"s3:Get*""#);
    assert_eq!(
        p.text(),
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:Get*","Resource":["arn:aws:s3:::*/literal","arn:aws:s3:::*","arn:aws:iam::*:user/*","*x","*","*","*","${Literal}"]}]}"#
    );
    assert_eq!(
        headlines(&s.check(&Limits::default())),
        vec![
            "t.yaml:15:53: warning: `Ref` to `Bucket`: a resource's id is known only once the stack is deployed, so the value is unknown",
            "t.yaml:16:36: warning: `${Bucket.Arn}` (`Fn::GetAtt`) is known only once the stack is deployed, so the value is unknown",
            "t.yaml:17:36: warning: `${AWS::AccountId}`: the pseudo parameter has no value here, so the value is unknown",
            "t.yaml:17:59: error: `${aws:username}`, which is neither a parameter nor a resource of the template",
            "t.yaml:18:29: warning: `Fn::Select` is not resolved by iamc, so the value is unknown",
            "t.yaml:19:17: error: `Ref` to `Missing`, which is neither a parameter nor a resource of the template",
            "t.yaml:20:18: warning: `Fn::Sub` beside other keys is not resolved by iamc: the value is unknown",
            "t.yaml:21:17: warning: a dynamic reference `{{resolve:...}}` is read only at deployment: the value is unknown",
            "t.yaml:22:17: error: invalid resource `${Literal}`",
        ]
    );
    let help = s.check(&Limits::default())[3].help().unwrap().to_owned();
    assert_eq!(
        help,
        "to write the IAM policy variable `${aws:username}` inside `Fn::Sub`, write `${!aws:username}`"
    );
}

#[test]
fn no_value_removes_entries_and_documents() {
    let doc = "        Statement:
          - Effect: Allow
            Action: s3:GetObject
            Resource: '*'
            Condition: !Ref AWS::NoValue
          - !Ref AWS::NoValue
";
    let s = read_text(&yaml_policy(doc)).unwrap();
    assert_eq!(
        s.policies()[0].text(),
        r#"{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#
    );
    let key = "Resources:\n  K:\n    Type: AWS::KMS::Key\n    Properties:\n      KeyPolicy: !Ref AWS::NoValue\n";
    let s = read_text(key).unwrap();
    assert!(s.policies().is_empty());
}

#[test]
fn a_json_document_in_a_yaml_block_scalar_maps_into_the_block() {
    let doc = "        |
          {\"Version\": \"2012-10-17\",
           \"Statement\": {\"Effect\": \"Allow\", \"Action\": \"s3\\\"Get\",
                         \"Resource\": \"bucket\"}}
";
    let text = yaml_policy(doc);
    let s = read_text(&text).unwrap();
    assert_eq!(
        headlines(&s.check(&Limits::default())),
        vec![
            "t.yaml:8:55: error: invalid action `s3\"Get`",
            "t.yaml:9:38: error: invalid resource `bucket`",
        ]
    );
}

#[test]
fn yaml_merge_keys_anchors_and_aliases() {
    let text = "Resources:
  P:
    Type: AWS::IAM::Policy
    Properties:
      PolicyDocument:
        Statement:
          - &base {Effect: Allow, Action: 's3:GetObject', Resource: '*'}
          - <<: *base
            Effect: Deny
          - <<: [{Sid: A1, Effect: Allow}, {Sid: B2, Action: 'sqs:*'}]
            Resource: '*'
";
    let s = read_text(text).unwrap();
    assert_eq!(
        s.policies()[0].text(),
        r#"{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"},{"Effect":"Deny","Action":"s3:GetObject","Resource":"*"},{"Resource":"*","Sid":"A1","Effect":"Allow","Action":"sqs:*"}]}"#
    );
    assert!(s.check(&Limits::default()).is_empty());
}

#[test]
fn yaml_scalars_are_never_retyped() {
    let doc = "        Statement:
          Effect: Allow
          Action: ['s3:GetObject']
          Resource: '*'
          Condition:
            StringEquals: {k1: no, k2: 01, k3: 0x1F, k4: on, k5: True, k6: 1.5e3, k7: ~, k8: '1', k9: 1_000}
";
    let s = read_text(&yaml_policy(doc)).unwrap();
    assert_contains(
        s.policies()[0].text(),
        r#"{"k1":"no","k2":"01","k3":"0x1F","k4":"on","k5":"True","k6":1.5e3,"k7":null,"k8":"1","k9":"1_000"}"#,
    );
}

#[test]
fn hostile_yaml_is_an_error_at_its_place() {
    // An alias bomb: each level doubles ten times.
    let mut bomb = String::from("Resources:\n  a0: &a0 [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
    for i in 1..10 {
        let p = i - 1;
        bomb.push_str(&format!(
            "  a{i}: &a{i} [*a{p},*a{p},*a{p},*a{p},*a{p},*a{p},*a{p},*a{p},*a{p},*a{p}]\n"
        ));
    }
    let e = read_text(&bomb).unwrap_err();
    let h = error_headlines(&e);
    assert!(
        h[0].contains("error: YAML anchors and aliases copy more than 8388608 bytes"),
        "{h:?}"
    );
    assert!(h[0].starts_with("t.yaml:6:7:"), "{h:?}");
    // A recursive alias.
    let e = read_text("Resources: &r\n  a: *r\n").unwrap_err();
    assert_eq!(
        error_headlines(&e),
        vec!["t.yaml:2:6: error: the alias `*r` refers to a node that contains it"]
    );
    // Deep nesting, block and flow.
    let mut deep = String::from("Resources:\n");
    for i in 0..80 {
        deep.push_str(&format!("{}k{i}:\n", " ".repeat(2 * i + 2)));
    }
    let e = read_text(&deep).unwrap_err();
    assert_eq!(
        error_headlines(&e),
        vec!["t.yaml:65:129: error: the YAML nests deeper than 64 levels"]
    );
    let flow = format!("Resources: {}", "[".repeat(100_000));
    let e = read_text(&flow).unwrap_err();
    assert!(error_headlines(&e)[0].starts_with("t.yaml:1:"));
    // Duplicate keys: at the second, naming the first.
    let e = read_text("Resources:\n  A: {Type: x}\n  B: 1\n  A: 2\n").unwrap_err();
    assert_eq!(
        error_headlines(&e),
        vec!["t.yaml:4:3: error: duplicate key `A`"]
    );
    assert_eq!(
        e.diagnostics().as_slice()[0].help(),
        Some("first written at line 2, column 3")
    );
    // Keys that are not strings, tags iamc does not know.
    let e = read_text("Resources:\n  [a, b]: x\n").unwrap_err();
    assert_eq!(
        error_headlines(&e),
        vec!["t.yaml:2:3: error: a mapping key must be a string, not a collection"]
    );
    let e = read_text("Resources:\n  : x\n").unwrap_err();
    assert_eq!(
        error_headlines(&e),
        vec!["t.yaml:2:3: error: a mapping key is empty"]
    );
    let e = read_text("Resources:\n  A: !!binary aGk=\n").unwrap_err();
    assert_eq!(
        error_headlines(&e),
        vec!["t.yaml:2:6: error: unsupported YAML tag `!!binary`"]
    );
}

#[test]
fn hostile_json_and_bytes_are_errors_at_their_place() {
    // A duplicate key in a JSON template.
    let text = "{\"Resources\": {\"A\": {}, \n \"A\": {}}}";
    let e = sources::read("t.json", text.as_bytes(), &Options::default()).unwrap_err();
    assert_eq!(
        error_headlines(&e),
        vec!["t.json:2:2: error: duplicate key `A`"]
    );
    // Not UTF-8: at the first bad byte.
    let mut bytes = b"Resources:\n  A: x".to_vec();
    bytes.push(0xff);
    let e = sources::read("t.yaml", &bytes, &Options::default()).unwrap_err();
    assert_eq!(
        error_headlines(&e),
        vec!["t.yaml:2:7: error: the file is not valid UTF-8 (byte 17)"]
    );
    let e = sources::read("p.json", b"{\"Statement\": \"\xc3\"}", &Options::default()).unwrap_err();
    assert_eq!(
        error_headlines(&e),
        vec!["p.json:1:16: error: the policy is not valid UTF-8 (byte 15)"]
    );
    // Over the file limit.
    let options = Options {
        max_file_bytes: 10,
        ..Options::default()
    };
    let e = sources::read("big.yaml", &[b' '; 11], &options).unwrap_err();
    assert_eq!(
        error_headlines(&e),
        vec!["big.yaml:1:1: error: `big.yaml` is 11 bytes, more than the limit of 10 bytes (`max_file_bytes`)"]
    );
    // A huge string in a policy: the grammar's limit, at the string in the template.
    let long = "a".repeat(70_000);
    let doc = format!(
        "        Statement: {{Effect: Allow, Action: '*', Resource: 'arn:aws:s3:::{long}'}}\n"
    );
    let s = read_text(&yaml_policy(&doc)).unwrap();
    assert_eq!(
        headlines(&s.check(&Limits::default())),
        vec!["t.yaml:6:59: error: a string of 70013 bytes, more than the limit of 65536 (`max_string_bytes`)"]
    );
}

#[test]
fn findings_of_any_file_at_their_places_in_it() {
    use iamc_analysis::findings::{Finding, Options as CheckOptions};
    use iamc_grammar::{FindingType, IssueCode};
    let check = |name: &str, options: &Options| -> Vec<Finding> {
        let (path, bytes) = fixture(name);
        sources::check_file(&path, &bytes, options, &CheckOptions::default())
    };
    let at = |f: &Finding| {
        let s = f.locations[0].span.start;
        (f.issue_code, s.line, s.column)
    };
    // A template: the grammar's findings and the unknown values, in the YAML file.
    let found = check("stack.yaml", &Options::default());
    assert!(found
        .iter()
        .all(|f| f.file == "tests/data/templates/stack.yaml"));
    let effect = found
        .iter()
        .find(|f| f.issue_code == IssueCode::InvalidEffect)
        .unwrap();
    assert_eq!(at(effect), (IssueCode::InvalidEffect, 30, 20));
    // The span covers `allow` in the template (0-based columns, end exclusive) and the path
    // stays the one inside the policy document.
    assert_eq!(effect.locations[0].span.end.column, 25);
    assert_eq!(
        effect.locations[0].path,
        vec![
            iamc_grammar::PathElement::Value("Statement".to_owned()),
            iamc_grammar::PathElement::Index(1),
            iamc_grammar::PathElement::Value("Effect".to_owned()),
        ]
    );
    let unknown = found
        .iter()
        .find(|f| f.issue_code == IssueCode::IamcUnknownValue)
        .unwrap();
    assert_eq!(at(unknown), (IssueCode::IamcUnknownValue, 41, 20));
    assert_eq!(unknown.finding_type, FindingType::Warning);
    // Sorted by position.
    let starts: Vec<_> = found.iter().map(|f| f.locations[0].span.start).collect();
    let mut sorted = starts.clone();
    sorted.sort();
    assert_eq!(starts, sorted);
    // A plain policy file is checked as the kind given.
    let bytes = br#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}}"#;
    let identity = sources::check_file(
        "p.json",
        bytes,
        &Options::default(),
        &CheckOptions::default(),
    );
    assert_eq!(identity[0].issue_code, IssueCode::UnsupportedPrincipal);
    let resource = Options {
        kind: PolicyType::Resource,
        ..Options::default()
    };
    let as_resource = sources::check_file("p.json", bytes, &resource, &CheckOptions::default());
    assert!(!as_resource
        .iter()
        .any(|f| f.issue_code == IssueCode::UnsupportedPrincipal));
    // Not JSON, named as a policy: a syntax error; named as a template: the template's error.
    let garbage = sources::check_file(
        "x.json",
        b"nope: [",
        &Options::default(),
        &CheckOptions::default(),
    );
    assert_eq!(garbage.len(), 1);
    assert_eq!(garbage[0].issue_code, IssueCode::JsonSyntaxError);
    let bad_yaml = sources::check_file(
        "x.yaml",
        b"Resources: [",
        &Options::default(),
        &CheckOptions::default(),
    );
    assert_eq!(bad_yaml.len(), 1);
    assert_eq!(bad_yaml[0].issue_code, IssueCode::IamcTemplate);
    assert_eq!(bad_yaml[0].finding_type, FindingType::Error);
}
