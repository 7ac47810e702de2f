//! Typed values of the condition operators: the stored (compiled) forms, and the parsers that
//! read both sides.
//!
//! The compiler parses policy values with these functions at lowering time and the runtime
//! parses request values with the same functions at decision time, so a policy value and a
//! request value are read by one grammar per type (DESIGN.md "Conditions"). The request-side
//! parsers borrow from the text and never allocate.

use std::cmp::Ordering;
use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};

// ---------------------------------------------------------------------------------------------
// Numbers: `-?digits(.digits)?`, exact.

/// An exact decimal, normalized: `int` has no leading zeros, `frac` no trailing zeros, both are
/// ASCII digits, and zero (`int` and `frac` empty) is never negative. `1024`, `1024.0` and
/// `01024.000` are the same `Decimal`.
#[derive(Debug, Clone, PartialEq, Eq, bincode::Encode, bincode::Decode)]
///
/// ```
/// use iamc_format::value::parse_decimal;
///
/// let d = parse_decimal("01024.50").unwrap().to_owned_decimal();
/// assert_eq!((d.negative, d.int.as_str(), d.frac.as_str()), (false, "1024", "5"));
/// ```
pub struct Decimal {
    /// Whether the number is below zero.
    pub negative: bool,
    /// The integer digits, without leading zeros (empty for zero).
    pub int: String,
    /// The fraction digits, without trailing zeros (empty for none).
    pub frac: String,
}

impl fmt::Display for Decimal {
    /// The normalized text: `-` when negative, the integer digits (`0` when there are none),
    /// then `.` and the fraction digits when there are any.
    ///
    /// ```
    /// use iamc_format::value::parse_decimal;
    /// let shown = |s| parse_decimal(s).map(|d| d.to_owned_decimal().to_string());
    /// assert_eq!(shown("-01024.50").as_deref(), Some("-1024.5"));
    /// assert_eq!(shown("000.50").as_deref(), Some("0.5"));
    /// ```
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.negative { "-" } else { "" };
        let int = if self.int.is_empty() { "0" } else { &self.int };
        if self.frac.is_empty() {
            write!(f, "{sign}{int}")
        } else {
            write!(f, "{sign}{int}.{}", self.frac)
        }
    }
}

/// A decimal borrowed from request text (same normalization as [`Decimal`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DecRef<'a> {
    negative: bool,
    int: &'a str,
    frac: &'a str,
}

/// Reads `-?digits(.digits)?`; anything else (exponents, `+`, `.5`, `1.`, spaces) is `None`.
///
/// ```
/// use std::cmp::Ordering;
/// use iamc_format::value::parse_decimal;
///
/// let a = parse_decimal("1024").unwrap();
/// let b = parse_decimal("1024.000").unwrap();
/// assert_eq!(a.cmp_num(b), Ordering::Equal);
/// assert!(parse_decimal("1e3").is_none());
/// ```
pub fn parse_decimal(s: &str) -> Option<DecRef<'_>> {
    let (negative, body) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let (int, frac) = match body.split_once('.') {
        Some((i, f)) if !f.is_empty() => (i, f),
        Some(_) => return None,
        None => (body, ""),
    };
    if int.is_empty()
        || !int.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let int = int.trim_start_matches('0');
    let frac = frac.trim_end_matches('0');
    Some(DecRef {
        negative: negative && !(int.is_empty() && frac.is_empty()),
        int,
        frac,
    })
}

impl DecRef<'_> {
    /// The stored form (compile time).
    pub fn to_owned_decimal(self) -> Decimal {
        Decimal {
            negative: self.negative,
            int: self.int.to_owned(),
            frac: self.frac.to_owned(),
        }
    }

    /// Exact numeric order.
    pub fn cmp_num(self, other: DecRef<'_>) -> Ordering {
        let magnitude = || {
            self.int
                .len()
                .cmp(&other.int.len())
                .then_with(|| self.int.cmp(other.int))
                .then_with(|| self.frac.cmp(other.frac))
        };
        match (self.negative, other.negative) {
            (false, false) => magnitude(),
            (true, true) => magnitude().reverse(),
            (true, false) => Ordering::Less,
            (false, true) => Ordering::Greater,
        }
    }
}

impl Decimal {
    /// The borrowed form, to compare with [`DecRef::cmp_num`].
    pub fn as_ref(&self) -> DecRef<'_> {
        DecRef {
            negative: self.negative,
            int: &self.int,
            frac: &self.frac,
        }
    }

    /// Whether the stored form is normalized (checked on load).
    pub fn is_normal(&self) -> bool {
        self.int.bytes().all(|b| b.is_ascii_digit())
            && self.frac.bytes().all(|b| b.is_ascii_digit())
            && !self.int.starts_with('0')
            && !self.frac.ends_with('0')
            && !(self.negative && self.int.is_empty() && self.frac.is_empty())
    }
}

// ---------------------------------------------------------------------------------------------
// Dates: all digits = epoch seconds; otherwise the W3C profile of ISO 8601.

/// An instant: seconds since the Unix epoch (UTC) and nanoseconds (`< 1_000_000_000`).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, bincode::Encode, bincode::Decode,
)]
pub struct Instant {
    /// Whole seconds since 1970-01-01T00:00:00Z (negative before).
    pub secs: i64,
    /// Nanoseconds within the second.
    pub nanos: u32,
}

impl fmt::Display for Instant {
    /// Epoch seconds, `.`, and the nanoseconds in nine digits.
    ///
    /// ```
    /// use iamc_format::value::parse_date;
    /// let i = parse_date("1970-01-02T00:00:00.5Z");
    /// assert_eq!(i.map(|i| i.to_string()).as_deref(), Some("86400.500000000"));
    /// ```
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:09}", self.secs, self.nanos)
    }
}

/// Reads a date (DESIGN.md "Conditions"): a non-empty all-digit string is epoch seconds (an
/// overflowing `i64` is `None`); otherwise `YYYY-MM`, `YYYY-MM-DD` or
/// `YYYY-MM-DDThh:mm[:ss[.f{1,9}]][Z|±hh:mm|±hh]` (no zone = UTC), every field range-checked
/// (days per month, leap years; hours 0-23, minutes and seconds 0-59, offsets up to 23:59).
/// As IAM's CreatePolicy does (tests/data/validate-policy/README.md), the time may follow a
/// lower-case `t`, its hour may have one digit and its offset may omit the minutes. Anything
/// else is `None`, among it two forms CreatePolicy accepts whose meaning is not known (`01T`;
/// a negative number, an epoch value or a year).
///
/// ```
/// use iamc_format::value::parse_date;
///
/// assert_eq!(parse_date("1970-01-02").map(|i| i.secs), Some(86_400));
/// assert_eq!(parse_date("2020-01-01T01:00+01:00"), parse_date("2020-01-01T00:00:00Z"));
/// assert_eq!(parse_date("86400").map(|i| i.secs), Some(86_400));
/// assert!(parse_date("2023-02-29").is_none());
/// // Forms AWS accepts in policies: `t`, a one-digit hour, an offset in hours.
/// assert_eq!(parse_date("2016-12-13t2:00:00+01"), parse_date("2016-12-13T01:00:00Z"));
/// ```
pub fn parse_date(s: &str) -> Option<Instant> {
    let b = s.as_bytes();
    if !b.is_empty() && b.iter().all(u8::is_ascii_digit) {
        return s.parse::<i64>().ok().map(|secs| Instant { secs, nanos: 0 });
    }
    let year = digits(b, 0, 4)?;
    lit(b, 4, b'-')?;
    let month = digits(b, 5, 2)?;
    if !(1..=12).contains(&month) {
        return None;
    }
    let (day, rest) = if b.len() == 7 {
        (1, None)
    } else {
        lit(b, 7, b'-')?;
        let day = digits(b, 8, 2)?;
        if b.len() == 10 {
            (day, None)
        } else {
            lit(b, 10, b'T').or_else(|| lit(b, 10, b't'))?;
            (day, Some(11))
        }
    };
    if day < 1 || day > days_in_month(year, month) {
        return None;
    }
    let mut secs_of_day = 0i64;
    let mut nanos = 0u32;
    let mut offset = 0i64;
    if let Some(at) = rest {
        // One or two digits of hour.
        let hour_len = if b.get(at + 1) == Some(&b':') { 1 } else { 2 };
        let hh = digits(b, at, hour_len)?;
        let colon = at + hour_len;
        lit(b, colon, b':')?;
        let mm = digits(b, colon + 1, 2)?;
        let mut i = colon + 3;
        let mut ss = 0;
        if b.get(i) == Some(&b':') {
            ss = digits(b, i + 1, 2)?;
            i += 3;
            if b.get(i) == Some(&b'.') {
                i += 1;
                let start = i;
                while b.get(i).is_some_and(u8::is_ascii_digit) {
                    i += 1;
                }
                let n = i - start;
                if n == 0 || n > 9 {
                    return None;
                }
                let f = digits(b, start, n)?;
                nanos = u32::try_from(u64::from(f) * 10u64.pow(9 - n as u32)).ok()?;
            }
        }
        if hh > 23 || mm > 59 || ss > 59 {
            return None;
        }
        secs_of_day = i64::from(hh) * 3600 + i64::from(mm) * 60 + i64::from(ss);
        match b.get(i) {
            None => {}
            Some(b'Z') if b.len() == i + 1 => {}
            Some(&sign @ (b'+' | b'-')) if b.len() == i + 6 || b.len() == i + 3 => {
                let oh = digits(b, i + 1, 2)?;
                let om = if b.len() == i + 3 {
                    0
                } else {
                    lit(b, i + 3, b':')?;
                    digits(b, i + 4, 2)?
                };
                if oh > 23 || om > 59 {
                    return None;
                }
                offset = i64::from(oh) * 3600 + i64::from(om) * 60;
                if sign == b'-' {
                    offset = -offset;
                }
            }
            Some(_) => return None,
        }
    }
    let days = days_from_civil(i64::from(year), i64::from(month), i64::from(day));
    Some(Instant {
        secs: days * 86_400 + secs_of_day - offset,
        nanos,
    })
}

/// Exactly `n` ASCII digits at `at`, as a number.
fn digits(b: &[u8], at: usize, n: usize) -> Option<u32> {
    let d = b.get(at..at.checked_add(n)?)?;
    let mut v = 0u32;
    for &c in d {
        if !c.is_ascii_digit() {
            return None;
        }
        v = v.checked_mul(10)?.checked_add(u32::from(c - b'0'))?;
    }
    Some(v)
}

fn lit(b: &[u8], at: usize, c: u8) -> Option<()> {
    (b.get(at) == Some(&c)).then_some(())
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days from 1970-01-01 to `y-m-d` in the proleptic Gregorian calendar (H. Hinnant's
/// `days_from_civil`).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

// ---------------------------------------------------------------------------------------------
// IP addresses.

/// An IPv4 network, host bits cleared (`net & !mask(len) == 0`, `len <= 32`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, bincode::Encode, bincode::Decode)]
pub struct Cidr4 {
    /// The network address, host bits zero.
    pub net: u32,
    /// The prefix length, 0 to 32.
    pub len: u8,
}

/// An IPv6 network, host bits cleared (`len <= 128`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, bincode::Encode, bincode::Decode)]
pub struct Cidr6 {
    /// The network address, host bits zero.
    pub net: u128,
    /// The prefix length, 0 to 128.
    pub len: u8,
}

impl fmt::Display for Cidr4 {
    /// `address/length`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", Ipv4Addr::from(self.net), self.len)
    }
}

impl fmt::Display for Cidr6 {
    /// `address/length`, the address as [`Ipv6Addr`] prints it.
    ///
    /// ```
    /// use iamc_format::value::{parse_cidr, Cidr};
    /// let (Some(Cidr::V4(a)), Some(Cidr::V6(b))) = (parse_cidr("10.1.2.3/8"), parse_cidr("2001:db8::1/32")) else {
    ///     return Err("two networks".into());
    /// };
    /// assert_eq!((a.to_string(), b.to_string()), ("10.0.0.0/8".into(), "2001:db8::/32".into()));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", Ipv6Addr::from(self.net), self.len)
    }
}

/// The IPv4 netmask of a prefix length (`len` above 32 counts as 32).
pub fn mask4(len: u8) -> u32 {
    match 32u32.checked_sub(u32::from(len)) {
        Some(32) | None => 0,
        Some(shift) => u32::MAX << shift,
    }
}

/// The IPv6 netmask of a prefix length (`len` above 128 counts as 128).
pub fn mask6(len: u8) -> u128 {
    match 128u32.checked_sub(u32::from(len)) {
        Some(128) | None => 0,
        Some(shift) => u128::MAX << shift,
    }
}

impl Cidr4 {
    /// Whether address `a` is in the network.
    pub fn contains(self, a: u32) -> bool {
        a & mask4(self.len) == self.net
    }

    /// Whether the stored form is normalized: a prefix length within 32, no host bits
    /// (checked on load).
    pub fn is_normal(self) -> bool {
        self.len <= 32 && self.net & !mask4(self.len) == 0
    }
}

impl Cidr6 {
    /// Whether address `a` is in the network.
    pub fn contains(self, a: u128) -> bool {
        a & mask6(self.len) == self.net
    }

    /// Whether the stored form is normalized: a prefix length within 128, no host bits
    /// (checked on load).
    pub fn is_normal(self) -> bool {
        self.len <= 128 && self.net & !mask6(self.len) == 0
    }
}

/// A policy-side network.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cidr {
    /// An IPv4 network.
    V4(Cidr4),
    /// An IPv6 network.
    V6(Cidr6),
}

/// A request-side address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Addr {
    /// An IPv4 address.
    V4(u32),
    /// An IPv6 address (an IPv4-mapped one included).
    V6(u128),
}

/// A bare address, as `std::net` reads it (dotted quad without leading zeros; RFC 4291 text
/// for IPv6, `::ffff:a.b.c.d` included, no zone). Anything else is `None`.
pub fn parse_addr(s: &str) -> Option<Addr> {
    if let Ok(a) = s.parse::<Ipv4Addr>() {
        return Some(Addr::V4(u32::from(a)));
    }
    s.parse::<Ipv6Addr>().ok().map(|a| Addr::V6(u128::from(a)))
}

/// A policy network: `addr` (a `/32` or `/128`) or `addr/len` with `len` ASCII digits (leading
/// zeros allowed) within the family's width; host bits are masked.
///
/// ```
/// use iamc_format::value::{parse_addr, parse_cidr, Addr, Cidr};
///
/// let Some(Cidr::V4(net)) = parse_cidr("10.1.2.3/8") else { panic!() };
/// assert_eq!(net.len, 8);
/// let Some(Addr::V4(a)) = parse_addr("10.200.0.1") else { panic!() };
/// assert!(net.contains(a));
/// assert!(parse_cidr("10.0.0.0/33").is_none());
/// ```
pub fn parse_cidr(s: &str) -> Option<Cidr> {
    let (addr, len) = match s.split_once('/') {
        Some((a, l)) => {
            if l.is_empty() || !l.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            let len = l.parse::<u32>().ok()?;
            (a, Some(u8::try_from(len).ok()?))
        }
        None => (s, None),
    };
    match parse_addr(addr)? {
        Addr::V4(a) => {
            let len = len.unwrap_or(32);
            (len <= 32).then(|| {
                Cidr::V4(Cidr4 {
                    net: a & mask4(len),
                    len,
                })
            })
        }
        Addr::V6(a) => {
            let len = len.unwrap_or(128);
            (len <= 128).then(|| {
                Cidr::V6(Cidr6 {
                    net: a & mask6(len),
                    len,
                })
            })
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Base64 (standard alphabet, padding required, canonical: unused trailing bits are zero).

fn b64(c: u8) -> Option<u8> {
    match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    }
}

/// One 4-character group: its bytes and how many are used. `last` says whether padding is
/// allowed here.
fn quad(q: &[u8], last: bool) -> Option<([u8; 3], usize)> {
    let (c0, c1, c2, c3) = match q {
        [a, b, c, d] => (*a, *b, *c, *d),
        _ => return None,
    };
    let v0 = b64(c0)?;
    let v1 = b64(c1)?;
    if c2 == b'=' {
        if !last || c3 != b'=' || v1 & 0x0f != 0 {
            return None;
        }
        return Some(([(v0 << 2) | (v1 >> 4), 0, 0], 1));
    }
    let v2 = b64(c2)?;
    if c3 == b'=' {
        if !last || v2 & 0x03 != 0 {
            return None;
        }
        return Some(([(v0 << 2) | (v1 >> 4), (v1 << 4) | (v2 >> 2), 0], 2));
    }
    let v3 = b64(c3)?;
    Some((
        [(v0 << 2) | (v1 >> 4), (v1 << 4) | (v2 >> 2), (v2 << 6) | v3],
        3,
    ))
}

/// Calls `f` with each decoded chunk; `None` when `s` is not canonical padded base64.
fn base64_walk(s: &str, mut f: impl FnMut(&[u8])) -> Option<()> {
    let b = s.as_bytes();
    if !b.len().is_multiple_of(4) {
        return None;
    }
    let n = b.len() / 4;
    for (i, q) in b.chunks_exact(4).enumerate() {
        let (bytes, used) = quad(q, i + 1 == n)?;
        f(bytes.get(..used)?);
    }
    Some(())
}

/// Decodes `s` (compile time); `None` when it is not canonical padded base64.
///
/// ```
/// use iamc_format::value::{base64_decode, base64_equals};
///
/// assert_eq!(base64_decode("aGVsbG8=").as_deref(), Some(&b"hello"[..]));
/// assert!(base64_equals("aGVsbG8=", b"hello"));
/// assert!(base64_decode("aGVsbG8").is_none());
/// ```
pub fn base64_decode(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len() / 4 * 3);
    base64_walk(s, |chunk| out.extend_from_slice(chunk))?;
    Some(out)
}

/// Whether `s` is valid base64 (no allocation).
pub fn base64_valid(s: &str) -> bool {
    base64_walk(s, |_| {}).is_some()
}

/// Whether valid base64 `s` decodes to exactly `bytes` (no allocation); `false` when invalid.
pub fn base64_equals(s: &str, bytes: &[u8]) -> bool {
    let mut at = 0usize;
    let mut same = true;
    let ok = base64_walk(s, |chunk| {
        let end = at.saturating_add(chunk.len());
        same = same && bytes.get(at..end) == Some(chunk);
        at = end;
    });
    ok.is_some() && same && at == bytes.len()
}

// ---------------------------------------------------------------------------------------------
// Case folding and booleans.

/// DESIGN.md's simple lowercase: the character's lowercase when that is one character, else the
/// character itself. So the Kelvin sign `K` (U+212A) folds to `k`, while `ſ` (U+017F, already
/// lowercase) stays `ſ` and does not equal `s`; `İ` (U+0130, lowercase is two characters) stays.
///
/// ```
/// assert_eq!(iamc_format::value::fold('\u{212A}'), 'k');
/// ```
pub fn fold(c: char) -> char {
    let mut l = c.to_lowercase();
    match (l.next(), l.next()) {
        (Some(a), None) => a,
        _ => c,
    }
}

/// `true` / `false` ignoring ASCII case; anything else is `None`.
///
/// ```
/// use iamc_format::value::parse_bool;
///
/// assert_eq!(parse_bool("TRUE"), Some(true));
/// assert_eq!(parse_bool("yes"), None);
/// ```
pub fn parse_bool(s: &str) -> Option<bool> {
    if s.eq_ignore_ascii_case("true") {
        Some(true)
    } else if s.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn num(s: &str) -> DecRef<'_> {
        parse_decimal(s).unwrap()
    }

    #[test]
    fn decimals_are_exact() {
        assert_eq!(num("1024").cmp_num(num("1024.0")), Ordering::Equal);
        assert_eq!(num("-0").cmp_num(num("0.000")), Ordering::Equal);
        assert_eq!(
            num("0.3").cmp_num(num("0.30000000000000004")),
            Ordering::Less
        );
        let big = "1234567890123456789012345678901234567890";
        let big1 = "1234567890123456789012345678901234567891";
        assert_eq!(num(big).cmp_num(num(big1)), Ordering::Less);
        assert_eq!(num("-2").cmp_num(num("-10")), Ordering::Greater);
        assert_eq!(num("0.45").cmp_num(num("0.5")), Ordering::Less);
        assert_eq!(num("007.50").to_owned_decimal().int, "7");
        for good in ["1", "1024.0", "-2", "007.50", "-0", "0.30000000000000004"] {
            assert!(parse_decimal(good).is_some(), "{good}");
        }
        for bad in [
            "", "-", "1.", ".5", "+1", "1e3", "1.2.3", " 1", "0x10", "--1", "١", "abc", "1h",
        ] {
            assert!(parse_decimal(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn dates_parse_as_instants() {
        let d = |s| parse_date(s).unwrap();
        assert_eq!(d("1970-01-01T00:00:00Z").secs, 0);
        assert_eq!(d("2030").secs, 2030);
        assert_eq!(d("2024-02-29").secs, 1_709_164_800);
        assert_eq!(d("2024-02"), d("2024-02-01T00:00Z"));
        assert_eq!(d("2020-01-01T01:00+01:00"), d("2020-01-01T00:00:00"));
        assert_eq!(d("2020-01-01T00:00:00.5Z").nanos, 500_000_000);
        assert_eq!(d("1969-12-31T23:59:59Z").secs, -1);
        assert_eq!(d("2016-12-13t2:00:00+23"), d("2016-12-12T03:00:00Z"));
        assert_eq!(d("2020-01-01T9:30-05"), d("2020-01-01T14:30:00Z"));
        for good in [
            "2020-01-01T00:00:00",
            "2016-12-13T21:20:37.593194+00:00",
            "2019-07-01T13:20:15Z",
            "9223372036854775807",
            "2020",
            // Accepted by CreatePolicy (tests/data/validate-policy/README.md).
            "2016-12-13t2:00:00.593194+23",
            "2020-01-01t00:00Z",
        ] {
            assert!(parse_date(good).is_some(), "{good}");
        }
        for bad in [
            "2023-02-29",
            "2020-13-01",
            "2020-1-01",
            "2020-01-01T24:00Z",
            "2020-01-01T00:00:00.1234567890Z",
            "2020-01-01T00:00z",
            "2020-01-01T123:00Z",
            "2020-01-01T00:00+1",
            "-",
            // Accepted by CreatePolicy, meaning unknown: refused (grammar/src/values.rs).
            "-292275054",
            "01T",
            "2020-01-01T00:00+0100",
            "2020-01-01T00:00+01:60",
            "9223372036854775808",
            "99999999999999999999",
            "",
            "sdfdsf",
            "234-13",
            "2016-12-13t2:00:00.593194+1",
            "2016-12-13t2:00:00.1999999999+10:59",
        ] {
            assert!(parse_date(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn cidrs_mask_host_bits() {
        assert_eq!(
            parse_cidr("10.1.2.3/8"),
            Some(Cidr::V4(Cidr4 {
                net: 0x0a00_0000,
                len: 8
            }))
        );
        assert_eq!(
            parse_cidr("0.0.0.0/0"),
            Some(Cidr::V4(Cidr4 { net: 0, len: 0 }))
        );
        assert!(matches!(parse_cidr("2001:db8::1/32"), Some(Cidr::V6(c)) if c.len == 32));
        assert!(matches!(parse_cidr("10.0.0.0/0008"), Some(Cidr::V4(c)) if c.len == 8));
        for bad in [
            "10.0.0.0/33",
            "::/129",
            "10.0.0.0/",
            "10.0.0.0/+8",
            "10.0.0",
            "01.0.0.0",
            "10.0.0.300/8",
            "fe80::1%eth0",
            "",
        ] {
            assert!(parse_cidr(bad).is_none(), "{bad}");
        }
        assert_eq!(
            parse_addr("::ffff:1.2.3.4").map(|a| matches!(a, Addr::V6(_))),
            Some(true)
        );
    }

    #[test]
    fn base64_is_strict_and_streaming() {
        assert_eq!(base64_decode("aGVsbG8=").unwrap(), b"hello");
        assert!(base64_equals("aGVsbG8=", b"hello"));
        assert!(!base64_equals("aGVsbG8=", b"hell"));
        assert!(!base64_equals("aGVsbA==", b"hello"));
        assert!(base64_equals("", b""));
        for good in ["", "aGVsbG8=", "aGk=", "AAEC", "YQ==", "YWI="] {
            assert!(base64_valid(good), "{good}");
        }
        for bad in [
            "aGVsbG8",
            "aGVsbG9=",
            "aGVs=G8=",
            "a===",
            "aGVsbG8=\n",
            "aGV-bG8=",
            "aGl=",
            "====",
            "YQ==YQ==",
        ] {
            assert!(!base64_valid(bad), "{bad}");
        }
    }

    #[test]
    fn bools_ignore_ascii_case() {
        for (text, want) in [
            ("true", Some(true)),
            ("FALSE", Some(false)),
            ("True", Some(true)),
        ] {
            assert_eq!(parse_bool(text), want, "{text}");
        }
        for bad in ["yes", "1", "", "true "] {
            assert_eq!(parse_bool(bad), None, "{bad}");
        }
    }

    #[test]
    fn fold_is_simple_lowercase() {
        assert_eq!(fold('A'), 'a');
        assert_eq!(fold('\u{212A}'), 'k');
        assert_eq!(fold('\u{17F}'), '\u{17F}');
        assert_eq!(fold('\u{130}'), '\u{130}');
        assert_eq!(fold('Σ'), 'σ');
    }
}
