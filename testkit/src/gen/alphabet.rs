//! The alphabets of the generators: tiny on purpose, so that patterns, keys and values
//! collide and most requests hit some statement.

pub const SERVICES: &[&str] = &["ecs", "ECS", "Ecs", "s3", "S3", "iam"];
pub const ACTION_LITS: &[&str] = &["Get", "get", "GET", "Obj", "obj", "a", "A", "é", "É"];
pub const ACTION_ODD_LITS: &[&str] = &[" ", ",", "-"];
pub const PARTITIONS: &[&str] = &["aws", "aws-cn", "a", ""];
pub const ARN_SERVICES: &[&str] = &["s3", "ecs", "e", ""];
pub const REGIONS: &[&str] = &["us-east-1", "us", "-1", ""];
pub const ACCOUNTS: &[&str] = &["123", "1", ""];
pub const REST_LITS: &[&str] = &["a", "b", "/", ":", "x/y", "task/", "é", "B", "a:b"];
/// Keys usable as policy variables (written in several cases).
pub const VAR_KEYS: &[&str] = &[
    "aws:username",
    "AWS:UserName",
    "aws:PrincipalTag/team",
    "aws:principaltag/TEAM",
    "ctx:a",
];
pub const DEFAULTS: &[&str] = &["shared", "a", "d*", "", "x/y"];
/// Condition keys: overlap with the variable keys on purpose.
pub const COND_KEYS: &[&str] = &[
    "aws:username",
    "aws:PrincipalTag/team",
    "AWS:PRINCIPALTAG/Team",
    "ctx:a",
    "CTX:A",
    "ctx:b",
    "ctx:n",
];
pub const STRING_LITS: &[&str] = &["a", "b", "A", "ab", "é", "É", "ß", "İ", "x y", "\"q\\", ""];
pub const NUM_POLICY_STRS: &[&str] = &["1", "1.0", "01", "-2", "10.5", "0", "-0", "2.50"];
pub const NUM_POLICY_JSON: &[&str] = &["1", "1.0", "-2", "10.50", "0", "3"];
pub const NUM_REQUEST: &[&str] = &[
    "1", "1.00", "2", "-2", "-2.0", "10.5", "0", "3", "abc", "", "1e3", "+1", ".5", "1.",
];
pub const DATE_POLICY: &[&str] = &[
    "2020-01-01",
    "2020-01-01T00:00:00Z",
    "2020-01-01T00:00Z",
    "2020-01-01T01:00:00+01:00",
    "1577836800",
    "2020-01-01T00:00:00.000000001Z",
    "2020-01",
    "2019-12-31T23:59:59Z",
    "2020-01-01T00:00:00",
];
pub const DATE_REQUEST: &[&str] = &[
    "2020-01-01T00:00:00Z",
    "1577836800",
    "1577836799",
    "2020-01-01",
    "2019-12-31T23:59:59.999Z",
    "2020-01-01T00:00:00.000000001Z",
    "2020-01-01T00:00:00-00:01",
    "2020-02",
    "2021",
    "not-a-date",
    "",
];
pub const BOOL_POLICY: &[&str] = &["true", "false", "True", "FALSE"];
pub const BOOL_REQUEST: &[&str] = &["true", "false", "TRUE", "False", "yes", ""];
pub const BINARY_POLICY: &[&str] = &["YQ==", "YWI=", "YWJj", "AA=="];
pub const BINARY_REQUEST: &[&str] = &["YQ==", "YWI=", "YWJj", "AA==", "YQ", "!!", ""];
pub const IP_POLICY: &[&str] = &[
    "10.0.0.0/8",
    "10.1.2.3",
    "10.1.2.3/24",
    "0.0.0.0/0",
    "::1",
    "2001:db8::/32",
    "2001:DB8::1/128",
    "::/0",
    "192.168.0.1/32",
];
pub const IP_REQUEST: &[&str] = &[
    "10.1.2.3",
    "10.1.2.4",
    "10.0.0.1",
    "11.0.0.1",
    "192.168.0.1",
    "::1",
    "2001:db8::5",
    "2001:db9::1",
    "::ffff:10.1.2.3",
    "10.1.2.300",
    "abc",
    "",
];
pub const NULL_POLICY: &[&str] = &["true", "false"];
/// Values for variable keys when no condition constrains them.
pub const VAR_VALUES: &[&str] = &["a", "b", "", "shared", "x*", "x/y", "d*", "é", "a:b", "?"];
/// Fill for `*` and `?` in action names.
pub const ACTION_FILL: &[&str] = &["", "a", "Get", "obj", "x", "é", ":"];
pub const INNER_FILL: &[&str] = &["", "a", "1", "us", "-", "e"];
pub const REST_FILL: &[&str] = &["", "a", "/", ":", "b/c", "é", "x:y"];
pub const ONE_CHAR: &[&str] = &["a", "x", "é", "G", "1"];
pub const ONE_CHAR_REST: &[&str] = &["a", "/", ":", "é"];
pub const OTHER_ACTIONS: &[&str] = &["ecs:RunTask", "s3:GetObject", "iam:GetUser", "ecs:getobj"];
