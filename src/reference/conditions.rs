//! Condition blocks (spec 5, DESIGN.md "Conditions"): the pseudocode of spec 5.3.1 with the
//! choices of DESIGN.md.

use std::cmp::Ordering;
use std::net::IpAddr;

use iamc_grammar::ast::{self, BaseOperator as Op};
use iamc_runtime::diagnosis::{Failure, Outcome};
use iamc_runtime::{Context, Scalar, Value};

use super::glob::{self, Tok};
use super::{arn_tokens, resolve, Piece};

/// The result of comparing one request value with one policy value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cmp {
    Match,
    NoMatch,
    /// A value that does not parse as the operator's type, on either side.
    Error,
    /// A policy variable with no value and no default.
    Unresolved,
}

impl Cmp {
    fn from_bool(b: bool) -> Cmp {
        if b {
            Cmp::Match
        } else {
            Cmp::NoMatch
        }
    }
}

/// One `Operator: {key: values, ...}` member: every key must hold (spec 5.1.1).
pub(super) fn clause_holds(
    version: ast::Version,
    clause: &ast::ConditionClause,
    ctx: &Context,
) -> bool {
    clause
        .keys
        .iter()
        .all(|key| key_holds(version, clause.operator.node, key, ctx))
}

/// `eval_op` of spec 5.3.1 for one key, with DESIGN.md's choices: a plain operator against a
/// multi-valued key is false (A8), `IfExists` included; set qualifiers drop empty-string values
/// first; `ForAnyValue:...IfExists` on an absent key is false (A9); a set qualifier does not change
/// `Null` (spec 5.4.4, A18).
fn key_holds(
    version: ast::Version,
    op: ast::Operator,
    key: &ast::ConditionKey,
    ctx: &Context,
) -> bool {
    let value = ctx.get(&key.key.node);
    if op.base == Op::Null {
        return null_holds(key, value.is_some());
    }
    match (op.qualifier, value) {
        (None, None) => op.if_exists || op.base.is_negated(),
        (None, Some(Value::Multi(_))) => false,
        (None, Some(Value::Single(x))) => per_value(version, op.base, x, &key.values, ctx),
        (Some(q), value) => {
            let list: Vec<&Scalar> = match value {
                None => Vec::new(),
                Some(Value::Single(x)) => vec![x],
                Some(Value::Multi(xs)) => xs.iter().collect(),
            };
            let mut list = list.into_iter().filter(|x| !x.as_text().is_empty());
            match q {
                ast::SetQualifier::ForAllValues => {
                    list.all(|x| per_value(version, op.base, x, &key.values, ctx))
                }
                ast::SetQualifier::ForAnyValue => {
                    list.any(|x| per_value(version, op.base, x, &key.values, ctx))
                }
            }
        }
    }
}

/// Why `key` of a clause with operator `op` does not hold in `ctx` (`None` when it holds): the
/// cases of [`Failure`], from the definitions of spec 5.3.1 (DESIGN.md "Conditions").
pub(super) fn key_failure(
    version: ast::Version,
    op: ast::Operator,
    key: &ast::ConditionKey,
    ctx: &Context,
) -> Option<Failure> {
    if key_holds(version, op, key, ctx) {
        return None;
    }
    let value = ctx.get(&key.key.node);
    if op.base == Op::Null {
        // A set qualifier does not change `Null` (spec 5.4.4, A18).
        return Some(if value.is_none() {
            Failure::Missing
        } else {
            Failure::Present
        });
    }
    let value_failure = |x: &Scalar| {
        let text = x.as_text();
        let outcome = if op.base.is_negated() {
            let matched = key
                .values
                .iter()
                .any(|v| compare(version, op.base, text, &v.node, ctx) == Cmp::Match);
            if matched {
                Outcome::Matched
            } else {
                Outcome::NotComparable
            }
        } else if readable(op.base, text) {
            Outcome::NoMatch
        } else {
            Outcome::NotComparable
        };
        Failure::Value {
            value: text.to_owned(),
            outcome,
        }
    };
    let list: Vec<&Scalar> = match value {
        None => Vec::new(),
        Some(Value::Single(x)) => vec![x],
        Some(Value::Multi(xs)) => xs.iter().collect(),
    };
    Some(match (op.qualifier, value) {
        (None, None) => Failure::Missing,
        (None, Some(Value::Multi(_))) => Failure::MultiValued,
        (None, Some(Value::Single(x))) => value_failure(x),
        (Some(ast::SetQualifier::ForAllValues), _) => list
            .into_iter()
            .find(|x| !x.as_text().is_empty() && !per_value(version, op.base, x, &key.values, ctx))
            .map_or(Failure::NoValuePasses, value_failure),
        (Some(ast::SetQualifier::ForAnyValue), None) => Failure::Missing,
        (Some(ast::SetQualifier::ForAnyValue), Some(_)) => {
            if list.iter().all(|x| x.as_text().is_empty()) {
                Failure::NoValues
            } else {
                Failure::NoValuePasses
            }
        }
    })
}

/// Whether request text `x` reads as the type of operator `base`, so that comparing it is no
/// error on its side.
fn readable(base: Op, x: &str) -> bool {
    match base {
        Op::NumericEquals
        | Op::NumericNotEquals
        | Op::NumericLessThan
        | Op::NumericLessThanEquals
        | Op::NumericGreaterThan
        | Op::NumericGreaterThanEquals => parse_decimal(x).is_some(),
        Op::DateEquals
        | Op::DateNotEquals
        | Op::DateLessThan
        | Op::DateLessThanEquals
        | Op::DateGreaterThan
        | Op::DateGreaterThanEquals => parse_date(x).is_some(),
        Op::Bool => parse_bool(x).is_some(),
        Op::BinaryEquals => decode_base64(x).is_some(),
        Op::IpAddress | Op::NotIpAddress => x.parse::<IpAddr>().is_ok(),
        Op::ArnEquals | Op::ArnLike | Op::ArnNotEquals | Op::ArnNotLike => {
            x.matches(':').count() >= 5
        }
        Op::StringEquals
        | Op::StringNotEquals
        | Op::StringEqualsIgnoreCase
        | Op::StringNotEqualsIgnoreCase
        | Op::StringLike
        | Op::StringNotLike
        | Op::Null => true,
    }
}

/// `Null` (spec 5.4): a value `true` holds when the key is absent, `false` when it is present,
/// both read ignoring case (5.4.6: `"True"` is true); the values OR. Any other value never holds
/// (the grammar refuses it, A19).
fn null_holds(key: &ast::ConditionKey, present: bool) -> bool {
    key.values.iter().any(|v| {
        let text = v.node.text.as_str();
        if present {
            text.eq_ignore_ascii_case("false")
        } else {
            text.eq_ignore_ascii_case("true")
        }
    })
}

/// `per_value` of spec 5.3.1: positive operators need one `Match`; negated operators need every
/// result to be `NoMatch` or `Unresolved` (A3: unresolved counts as different; `Error` never
/// counts).
fn per_value(
    version: ast::Version,
    base: Op,
    x: &Scalar,
    values: &[ast::Spanned<ast::ConditionValue>],
    ctx: &Context,
) -> bool {
    let mut results = values
        .iter()
        .map(|v| compare(version, base, x.as_text(), &v.node, ctx));
    if base.is_negated() {
        results.all(|r| matches!(r, Cmp::NoMatch | Cmp::Unresolved))
    } else {
        results.any(|r| r == Cmp::Match)
    }
}

/// Compares request text `x` with one policy value under the positive form of `base`.
fn compare(
    version: ast::Version,
    base: Op,
    x: &str,
    v: &ast::ConditionValue,
    ctx: &Context,
) -> Cmp {
    let pieces = if base.admits_variables() {
        match resolve(version, &v.template, ctx) {
            Some(p) => p,
            None => return Cmp::Unresolved,
        }
    } else {
        v.text.chars().map(Piece::Policy).collect()
    };
    let text = || {
        pieces
            .iter()
            .map(|p| match p {
                Piece::Policy(c) | Piece::Literal(c) => *c,
            })
            .collect::<String>()
    };
    match base {
        Op::StringEquals | Op::StringNotEquals => Cmp::from_bool(x == text()),
        Op::StringEqualsIgnoreCase | Op::StringNotEqualsIgnoreCase => {
            Cmp::from_bool(fold_case(x).eq(fold_case(&text())))
        }
        Op::StringLike | Op::StringNotLike => {
            let toks: Vec<Tok> = pieces
                .iter()
                .map(|p| match *p {
                    Piece::Policy(c) => Tok::from_glob_char(c),
                    Piece::Literal(c) => Tok::Lit(c),
                })
                .collect();
            Cmp::from_bool(glob::matches(&toks, x, false))
        }
        Op::NumericEquals | Op::NumericNotEquals => {
            cmp_with(parse_decimal, x, &text(), |o| o.is_eq())
        }
        Op::NumericLessThan => cmp_with(parse_decimal, x, &text(), |o| o.is_lt()),
        Op::NumericLessThanEquals => cmp_with(parse_decimal, x, &text(), |o| o.is_le()),
        Op::NumericGreaterThan => cmp_with(parse_decimal, x, &text(), |o| o.is_gt()),
        Op::NumericGreaterThanEquals => cmp_with(parse_decimal, x, &text(), |o| o.is_ge()),
        Op::DateEquals | Op::DateNotEquals => cmp_with(parse_date, x, &text(), |o| o.is_eq()),
        Op::DateLessThan => cmp_with(parse_date, x, &text(), |o| o.is_lt()),
        Op::DateLessThanEquals => cmp_with(parse_date, x, &text(), |o| o.is_le()),
        Op::DateGreaterThan => cmp_with(parse_date, x, &text(), |o| o.is_gt()),
        Op::DateGreaterThanEquals => cmp_with(parse_date, x, &text(), |o| o.is_ge()),
        Op::Bool => match (parse_bool(x), parse_bool(&text())) {
            (Some(a), Some(b)) => Cmp::from_bool(a == b),
            _ => Cmp::Error,
        },
        Op::BinaryEquals => match (decode_base64(x), decode_base64(&text())) {
            (Some(a), Some(b)) => Cmp::from_bool(a == b),
            _ => Cmp::Error,
        },
        Op::IpAddress | Op::NotIpAddress => ip_in(x, &text()),
        Op::ArnEquals | Op::ArnLike | Op::ArnNotEquals | Op::ArnNotLike => arn_like(x, &pieces),
        Op::Null => Cmp::Error,
    }
}

/// Parses both sides with `parse` and tests the ordering of request against policy.
fn cmp_with<T: Ord>(
    parse: fn(&str) -> Option<T>,
    x: &str,
    v: &str,
    test: fn(Ordering) -> bool,
) -> Cmp {
    match (parse(x), parse(v)) {
        (Some(a), Some(b)) => Cmp::from_bool(test(a.cmp(&b))),
        _ => Cmp::Error,
    }
}

/// `...IgnoreCase` (spec 5.5): each character mapped to its simple lowercase; a character whose
/// lowercase is more than one character stays as it is.
fn fold_case(s: &str) -> impl Iterator<Item = char> + '_ {
    s.chars().map(|c| {
        let mut lower = c.to_lowercase();
        match (lower.next(), lower.next()) {
            (Some(l), None) => l,
            _ => c,
        }
    })
}

/// An exact decimal `-?digits(.digits)?` (spec 5.6), normalized so that derived ordering is
/// numeric: sign, integer digits without leading zeros, fraction digits without trailing zeros.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Decimal {
    negative: bool,
    int: String,
    frac: String,
}

impl Ord for Decimal {
    fn cmp(&self, other: &Decimal) -> Ordering {
        let magnitude = |d: &Decimal| (d.int.len(), d.int.clone(), d.frac.clone());
        match (self.negative, other.negative) {
            (false, true) => Ordering::Greater,
            (true, false) => Ordering::Less,
            (false, false) => magnitude(self).cmp(&magnitude(other)),
            (true, true) => magnitude(other).cmp(&magnitude(self)),
        }
    }
}

impl PartialOrd for Decimal {
    fn partial_cmp(&self, other: &Decimal) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

fn parse_decimal(s: &str) -> Option<Decimal> {
    let (negative, rest) = match s.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, s),
    };
    let (int, frac) = rest.split_once('.').unwrap_or((rest, ""));
    let all_digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    if int.is_empty()
        || !all_digits(int)
        || !all_digits(frac)
        || (rest.contains('.') && frac.is_empty())
    {
        return None;
    }
    let int = int.trim_start_matches('0').to_owned();
    let frac = frac.trim_end_matches('0').to_owned();
    let negative = negative && !(int.is_empty() && frac.is_empty());
    Some(Decimal {
        negative,
        int,
        frac,
    })
}

/// An instant: seconds since the epoch and nanoseconds.
type Instant = (i64, u32);

/// A date (spec 5.7, DESIGN.md): all digits = epoch seconds (A11);
/// otherwise `YYYY-MM`, `YYYY-MM-DD` or `YYYY-MM-DDThh:mm[:ss[.s+]]TZD` with TZD `Z`, `±hh:mm`
/// or `±hh`, missing TZD = UTC, at most 9 fraction digits. The forms CreatePolicy also accepts
/// (a lower-case `t`, a one-digit hour) are first rewritten to the canonical one.
fn parse_date(s: &str) -> Option<Instant> {
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
        return Some((s.parse::<i64>().ok()?, 0));
    }
    let canonical = canonical_date(s);
    let s = canonical.as_str();
    let b = s.as_bytes();
    let num = |from: usize, len: usize| -> Option<i64> {
        let t = s.get(from..from + len)?;
        t.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| t.parse().ok())?
    };
    let year = num(0, 4)?;
    if b.get(4) != Some(&b'-') {
        return None;
    }
    let month = num(5, 2)?;
    if !(1..=12).contains(&month) {
        return None;
    }
    if b.len() == 7 {
        return Some((days_from_civil(year, month, 1) * 86_400, 0));
    }
    if b.get(7) != Some(&b'-') {
        return None;
    }
    let day = num(8, 2)?;
    if day < 1 || day > days_in_month(year, month) {
        return None;
    }
    let days = days_from_civil(year, month, day);
    if b.len() == 10 {
        return Some((days * 86_400, 0));
    }
    if b.get(10) != Some(&b'T') || b.get(13) != Some(&b':') {
        return None;
    }
    let hour = num(11, 2)?;
    let minute = num(14, 2)?;
    let mut pos = 16;
    let mut second = 0;
    let mut nanos = 0u32;
    if b.get(pos) == Some(&b':') {
        second = num(pos + 1, 2)?;
        pos += 3;
        if b.get(pos) == Some(&b'.') {
            let start = pos + 1;
            let mut end = start;
            while b.get(end).is_some_and(u8::is_ascii_digit) {
                end += 1;
            }
            let digits = s.get(start..end)?;
            if digits.is_empty() || digits.len() > 9 {
                return None;
            }
            nanos = format!("{digits:0<9}").parse().ok()?;
            pos = end;
        }
    }
    if hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    let offset = match s.get(pos..)? {
        "" | "Z" => 0,
        tz => {
            let sign = match tz.as_bytes().first() {
                Some(b'+') => 1,
                Some(b'-') => -1,
                _ => return None,
            };
            let (h, m) = match tz.len() {
                3 => (num(pos + 1, 2)?, 0),
                6 if tz.as_bytes().get(3) == Some(&b':') => (num(pos + 1, 2)?, num(pos + 4, 2)?),
                _ => return None,
            };
            if h > 23 || m > 59 {
                return None;
            }
            sign * (h * 3600 + m * 60)
        }
    };
    Some((
        days * 86_400 + hour * 3600 + minute * 60 + second - offset,
        nanos,
    ))
}

/// `s` with a lower-case time separator made upper-case and a one-digit hour given its `0`
/// (`2016-12-13t2:00` → `2016-12-13T02:00`); other strings unchanged.
fn canonical_date(s: &str) -> String {
    let mut out = s.to_owned();
    if out.get(10..11) == Some("t") {
        out.replace_range(10..11, "T");
    }
    let one_digit_hour = out
        .get(11..12)
        .is_some_and(|h| h.bytes().all(|c| c.is_ascii_digit()))
        && out.get(12..13) == Some(":");
    if out.get(10..11) == Some("T") && one_digit_hour {
        out.insert(11, '0');
    }
    out
}

fn days_in_month(year: i64, month: i64) -> i64 {
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// `Bool` (spec 5.8): `true` / `false` ignoring case.
fn parse_bool(s: &str) -> Option<bool> {
    if s.eq_ignore_ascii_case("true") {
        Some(true)
    } else if s.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

/// Standard base64 with required padding (spec 5.9). Non-zero bits left over in the last
/// character are refused, as strict decoders do.
fn decode_base64(s: &str) -> Option<Vec<u8>> {
    let b = s.as_bytes();
    if !b.len().is_multiple_of(4) {
        return None;
    }
    let pad = b.iter().rev().take_while(|&&c| c == b'=').count();
    if pad > 2 {
        return None;
    }
    let body = b.get(..b.len() - pad)?;
    let mut out = Vec::with_capacity(b.len() / 4 * 3);
    let (mut acc, mut bits) = (0u32, 0u32);
    for &c in body {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(u8::try_from((acc >> bits) & 0xff).ok()?);
            acc &= (1 << bits) - 1;
        }
    }
    (acc == 0).then_some(out)
}

/// `IpAddress` (spec 5.10): the policy value is a CIDR or a bare address (`/32`, `/128`), host
/// bits masked; the request value a bare address; different families never match.
fn ip_in(x: &str, v: &str) -> Cmp {
    let (addr, len) = match v.split_once('/') {
        Some((a, l)) if !l.is_empty() && l.bytes().all(|c| c.is_ascii_digit()) => {
            match (a.parse::<IpAddr>(), l.parse::<u32>()) {
                (Ok(a), Ok(l)) => (a, Some(l)),
                _ => return Cmp::Error,
            }
        }
        Some(_) => return Cmp::Error,
        None => match v.parse::<IpAddr>() {
            Ok(a) => (a, None),
            Err(_) => return Cmp::Error,
        },
    };
    let Ok(req) = x.parse::<IpAddr>() else {
        return Cmp::Error;
    };
    let width = if addr.is_ipv4() { 32 } else { 128 };
    let len = len.unwrap_or(width);
    if len > width {
        return Cmp::Error;
    }
    let (net, req) = match (addr, req) {
        (IpAddr::V4(n), IpAddr::V4(r)) => (u128::from(u32::from(n)), u128::from(u32::from(r))),
        (IpAddr::V6(n), IpAddr::V6(r)) => (u128::from(n), u128::from(r)),
        (IpAddr::V4(_), IpAddr::V6(_)) | (IpAddr::V6(_), IpAddr::V4(_)) => return Cmp::NoMatch,
    };
    let shift = width - len;
    let masked = |a: u128| a.checked_shr(shift).unwrap_or(0);
    Cmp::from_bool(masked(net) == masked(req))
}

/// `ArnLike` (spec 5.11): both sides need six fields; fields 1 to 5 globbed one by one (`*`
/// never crosses `:`), field 6 as a whole; case-sensitive.
fn arn_like(x: &str, pieces: &[Piece]) -> Cmp {
    let (toks, colons) = arn_tokens(pieces, false);
    if colons < 5 || x.matches(':').count() < 5 {
        return Cmp::Error;
    }
    Cmp::from_bool(glob::matches(&toks, x, false))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_compare_exactly() {
        let d = |s| parse_decimal(s).unwrap();
        assert_eq!(d("1024"), d("1024.0"));
        assert_eq!(d("-0"), d("0.000"));
        assert!(d("9") < d("10"));
        assert!(d("-10") < d("-9"));
        assert!(d("0.1") < d("0.10000000000000000001"));
        assert!(d("007") == d("7"));
        for bad in ["", "-", "1.", ".5", "1e3", "+1", "0x10", "1.2.3", " 1"] {
            assert!(parse_decimal(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn dates_are_instants() {
        let d = |s| parse_date(s).unwrap();
        assert_eq!(d("1970-01-01T00:00:00Z"), (0, 0));
        assert_eq!(d("2030"), (2030, 0));
        assert_eq!(d("2020-01-01"), d("2020-01-01T00:00Z"));
        assert_eq!(d("2020-01-01T01:00:00+01:00"), d("2020-01-01T00:00:00Z"));
        assert_eq!(d("2020-02"), d("2020-02-01T00:00:00"));
        assert_eq!(d("2020-01-01T00:00:00.5Z"), (1_577_836_800, 500_000_000));
        assert_eq!(d("2025-01-01T00:00:00Z"), (1_735_689_600, 0));
        assert!(d("1969-12-31T23:59:59Z").0 == -1);
        // Forms CreatePolicy accepts (tests/data/validate-policy/README.md).
        assert_eq!(d("2016-12-13t2:00:00+23"), d("2016-12-12T03:00:00Z"));
        assert_eq!(d("2020-01-01T9:30-05"), d("2020-01-01T14:30:00Z"));
        for bad in [
            "2020-02-30",
            "2020-13",
            "2020-01-01T24:00Z",
            "2020-01-01T00:00:00.1234567890Z",
            "x",
            "",
            "2020-01-01T00:00+1:00",
            "2020-01-01T00:00+1",
            "2016-12-13t2:00:00.593194+1",
            "2020-1-01",
            "-",
            "01T",
            "-292275054",
        ] {
            assert!(parse_date(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn base64_is_strict() {
        assert_eq!(decode_base64("aGk=").unwrap(), b"hi");
        assert_eq!(decode_base64("").unwrap(), b"");
        assert_eq!(decode_base64("AAEC").unwrap(), vec![0, 1, 2]);
        assert!(decode_base64("aGk").is_none());
        assert!(decode_base64("aGl=").is_none());
        assert!(decode_base64("a-k=").is_none());
        assert!(decode_base64("====").is_none());
    }

    #[test]
    fn ip_ranges() {
        assert_eq!(ip_in("203.0.113.7", "203.0.113.0/24"), Cmp::Match);
        assert_eq!(ip_in("203.0.114.7", "203.0.113.0/24"), Cmp::NoMatch);
        assert_eq!(ip_in("203.0.113.7", "203.0.113.9/24"), Cmp::Match);
        assert_eq!(ip_in("203.0.113.7", "203.0.113.7"), Cmp::Match);
        assert_eq!(ip_in("10.0.0.1", "0.0.0.0/0"), Cmp::Match);
        assert_eq!(ip_in("2001:db8::1", "2001:db8::/32"), Cmp::Match);
        assert_eq!(ip_in("2001:db8::1", "10.0.0.0/8"), Cmp::NoMatch);
        assert_eq!(ip_in("nope", "10.0.0.0/8"), Cmp::Error);
        assert_eq!(ip_in("10.0.0.1", "10.0.0.0/33"), Cmp::Error);
        assert_eq!(ip_in("10.0.0.1", "10.0.0.0/"), Cmp::Error);
    }

    #[test]
    fn ignore_case_folds_simply() {
        assert!(fold_case("ÉCOLE").eq(fold_case("école")));
        assert!(!fold_case("ß").eq(fold_case("ss")));
    }
}
