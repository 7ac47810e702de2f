//! Condition values for witnesses: a number, an instant or an address strictly between two
//! others, written so the engines' own parsers read them back; base64; the characters that
//! fold to one character.

use std::collections::HashMap;
use std::sync::OnceLock;

use iamc_format::value::{fold, Decimal, Instant};

/// The text of a decimal, as `parse_decimal` reads it back.
pub(crate) fn decimal_text(d: &Decimal) -> String {
    let sign = if d.negative { "-" } else { "" };
    let int = if d.int.is_empty() { "0" } else { &d.int };
    if d.frac.is_empty() {
        format!("{sign}{int}")
    } else {
        format!("{sign}{int}.{}", d.frac)
    }
}

/// Adds one to a string of decimal digits (`"" ` is zero).
fn increment(digits: &str) -> String {
    let mut v: Vec<u8> = digits.bytes().collect();
    let mut i = v.len();
    loop {
        if i == 0 {
            v.insert(0, b'1');
            break;
        }
        i -= 1;
        match v.get_mut(i) {
            Some(d) if *d == b'9' => *d = b'0',
            Some(d) => {
                *d += 1;
                break;
            }
            None => break,
        }
    }
    String::from_utf8(v).unwrap_or_default()
}

/// Subtracts one unit of the last place from a non-zero digit string.
fn decrement(digits: &str) -> String {
    let mut v: Vec<u8> = digits.bytes().collect();
    let mut i = v.len();
    while i > 0 {
        i -= 1;
        match v.get_mut(i) {
            Some(d) if *d == b'0' => *d = b'9',
            Some(d) => {
                *d -= 1;
                break;
            }
            None => break,
        }
    }
    String::from_utf8(v).unwrap_or_default()
}

/// `|d|` as digits with exactly `k` fraction digits (no point).
fn scaled(d: &Decimal, k: usize) -> String {
    let mut s = d.int.clone();
    s.push_str(&d.frac);
    for _ in d.frac.len()..k {
        s.push('0');
    }
    s
}

/// Digits with `k` fraction digits back to text, with a sign.
fn unscaled(negative: bool, digits: &str, k: usize) -> String {
    let padded = format!("{digits:0>width$}", width = k + 1);
    let (int, frac) = padded
        .split_at_checked(padded.len() - k)
        .unwrap_or((padded.as_str(), ""));
    let int = int.trim_start_matches('0');
    let frac = frac.trim_end_matches('0');
    let int = if int.is_empty() { "0" } else { int };
    let zero = int == "0" && frac.is_empty();
    let sign = if negative && !zero { "-" } else { "" };
    if frac.is_empty() {
        format!("{sign}{int}")
    } else {
        format!("{sign}{int}.{frac}")
    }
}

/// A number strictly between `lo` and `hi` (either open), as text. `lo < hi` when both are
/// given.
pub(crate) fn decimal_between(lo: Option<&Decimal>, hi: Option<&Decimal>) -> String {
    match (lo, hi) {
        (None, None) => "0".to_owned(),
        // Below `hi`: 0 when `hi` is positive, else `hi - 1`.
        (None, Some(h)) => {
            let zero = h.int.is_empty() && h.frac.is_empty();
            if !h.negative && !zero {
                "0".to_owned()
            } else {
                format!("-{}", increment(&h.int))
            }
        }
        (Some(l), None) => {
            if l.negative {
                "0".to_owned()
            } else {
                increment(&l.int)
            }
        }
        // `lo + 10^-(k+1)` with `k` the longer fraction: both differ by at least `10^-k`.
        (Some(l), Some(h)) => {
            let k = l.frac.len().max(h.frac.len());
            if l.negative {
                // -(|l| - 10^-(k+1)): |l| with k digits, minus one unit, then a 9.
                let mut d = decrement(&scaled(l, k));
                d.push('9');
                unscaled(true, &d, k + 1)
            } else {
                let mut d = scaled(l, k);
                d.push('1');
                unscaled(false, &d, k + 1)
            }
        }
    }
}

/// Seconds of 0000-01-01T00:00:00Z and of 9999-12-31T23:59:59Z.
const ISO_MIN: i64 = -62_167_219_200;
const ISO_MAX: i64 = 253_402_300_799;

fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    (
        y,
        u32::try_from(m).unwrap_or(1),
        u32::try_from(d).unwrap_or(1),
    )
}

fn iso(secs: i64, nanos: u32, zone: &str) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    let (hh, mm, ss) = (rem / 3600, rem % 3600 / 60, rem % 60);
    let frac = if nanos == 0 {
        String::new()
    } else {
        format!(".{nanos:09}")
    };
    format!("{y:04}-{m:02}-{d:02}T{hh:02}:{mm:02}:{ss:02}{frac}{zone}")
}

/// An instant as text `parse_date` reads back to it: ISO 8601 in UTC within years 0 to 9999
/// (with an offset just below year 0), epoch seconds above; `None` when no text names it.
pub(crate) fn instant_text(t: Instant) -> Option<String> {
    if (ISO_MIN..=ISO_MAX).contains(&t.secs) {
        return Some(iso(t.secs, t.nanos, "Z"));
    }
    if t.secs > ISO_MAX && t.nanos == 0 {
        return Some(t.secs.to_string());
    }
    // Just below year 0: a positive offset moves the local time into range.
    let behind = ISO_MIN.checked_sub(t.secs)?;
    if behind > 0 && behind <= 86_340 {
        let off = (behind + 59) / 60 * 60;
        let local = t.secs + off;
        let zone = format!("+{:02}:{:02}", off / 3600, off % 3600 / 60);
        return Some(iso(local, t.nanos, &zone));
    }
    None
}

fn add_nanos(t: Instant, n: i128) -> Option<Instant> {
    let total = i128::from(t.secs) * 1_000_000_000 + i128::from(t.nanos) + n;
    let secs = i64::try_from(total.div_euclid(1_000_000_000)).ok()?;
    let nanos = u32::try_from(total.rem_euclid(1_000_000_000)).ok()?;
    Some(Instant { secs, nanos })
}

/// An instant strictly between `lo` and `hi` (either open) that some text names, preferring
/// whole seconds; `None` when there is none.
pub(crate) fn instant_between(lo: Option<Instant>, hi: Option<Instant>) -> Option<String> {
    let inside = |t: Instant| lo.is_none_or(|l| t > l) && hi.is_none_or(|h| t < h);
    let mut tries: Vec<Instant> = Vec::new();
    match (lo, hi) {
        (None, None) => tries.push(Instant { secs: 0, nanos: 0 }),
        (Some(l), _) => {
            tries.extend(add_nanos(
                Instant {
                    secs: l.secs,
                    nanos: 0,
                },
                1_000_000_000,
            ));
            tries.extend(add_nanos(l, 1));
        }
        (None, Some(h)) => {
            tries.extend(add_nanos(
                Instant {
                    secs: h.secs,
                    nanos: 0,
                },
                -1_000_000_000,
            ));
            tries.extend(add_nanos(h, -1));
        }
    }
    tries
        .into_iter()
        .filter(|&t| inside(t))
        .find_map(instant_text)
}

/// Standard padded base64 (the canonical encoding, the only one the engines accept).
pub(crate) fn base64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let ch = |i: u32| char::from(A.get(i as usize & 63).copied().unwrap_or(b'A'));
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = |i: usize| u32::from(chunk.get(i).copied().unwrap_or(0));
        let n = b(0) << 16 | b(1) << 8 | b(2);
        out.push(ch(n >> 18));
        out.push(ch(n >> 12));
        out.push(if chunk.len() > 1 { ch(n >> 6) } else { '=' });
        out.push(if chunk.len() > 2 { ch(n) } else { '=' });
    }
    out
}

/// Every character whose simple lowercase ([`fold`]) is `c`'s: what `StringEqualsIgnoreCase`
/// takes for `c`.
pub(crate) fn folding_to(c: char) -> Vec<char> {
    static TABLE: OnceLock<HashMap<char, Vec<char>>> = OnceLock::new();
    let table = TABLE.get_or_init(|| {
        let mut t: HashMap<char, Vec<char>> = HashMap::new();
        for x in (0..=0x10_FFFFu32).filter_map(char::from_u32) {
            let f = fold(x);
            if f != x {
                t.entry(f).or_default().push(x);
            }
        }
        t
    });
    let target = fold(c);
    let mut out: Vec<char> = table.get(&target).cloned().unwrap_or_default();
    if fold(target) == target {
        out.push(target);
    }
    out.sort_unstable();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use iamc_format::value::{base64_decode, parse_date, parse_decimal};

    fn dec(s: &str) -> Decimal {
        parse_decimal(s).unwrap().to_owned_decimal()
    }

    #[test]
    fn numbers_between() {
        let cases: [(Option<&str>, Option<&str>); 9] = [
            (Some("1"), Some("2")),
            (Some("-2"), Some("-1")),
            (Some("-0.5"), Some("0")),
            (Some("1.25"), Some("1.3")),
            (None, Some("5")),
            (None, Some("-5")),
            (None, Some("0")),
            (Some("9.99"), None),
            (Some("-3"), None),
        ];
        for (lo, hi) in cases {
            let (l, h) = (lo.map(dec), hi.map(dec));
            let t = decimal_between(l.as_ref(), h.as_ref());
            let x = parse_decimal(&t).unwrap();
            if let Some(l) = &l {
                assert_eq!(
                    x.cmp_num(l.as_ref()),
                    std::cmp::Ordering::Greater,
                    "{t} vs {lo:?}"
                );
            }
            if let Some(h) = &h {
                assert_eq!(
                    x.cmp_num(h.as_ref()),
                    std::cmp::Ordering::Less,
                    "{t} vs {hi:?}"
                );
            }
        }
    }

    #[test]
    fn instants_read_back() {
        for s in [
            "2020-02-29T12:34:56Z",
            "1969-12-31T23:59:59.5Z",
            "0000-01-01",
            "9999-12-31T23:59:59Z",
        ] {
            let t = parse_date(s).unwrap();
            assert_eq!(parse_date(&instant_text(t).unwrap()), Some(t), "{s}");
        }
        let far = Instant {
            secs: ISO_MAX + 10,
            nanos: 0,
        };
        assert_eq!(parse_date(&instant_text(far).unwrap()), Some(far));
        let before = Instant {
            secs: ISO_MIN - 30,
            nanos: 0,
        };
        assert_eq!(parse_date(&instant_text(before).unwrap()), Some(before));
        let a = parse_date("2020-01-01").unwrap();
        let b = Instant {
            secs: a.secs,
            nanos: 1,
        };
        let between = instant_between(
            Some(a),
            Some(Instant {
                secs: a.secs,
                nanos: 3,
            }),
        )
        .unwrap();
        assert_eq!(parse_date(&between), Some(b));
        assert!(instant_between(Some(a), Some(b)).is_none());
    }

    #[test]
    fn base64_round_trips() {
        for b in [&b""[..], b"a", b"ab", b"abc", b"hello"] {
            assert_eq!(base64_decode(&base64(b)).as_deref(), Some(b));
        }
    }

    #[test]
    fn folding() {
        let k = folding_to('k');
        assert!(k.contains(&'K') && k.contains(&'k') && k.contains(&'\u{212A}'));
        assert_eq!(folding_to('1'), vec!['1']);
    }
}
