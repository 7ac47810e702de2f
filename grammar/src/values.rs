//! The syntax of condition values by operator family (spec 5.6 to 5.10, A19): which policy
//! values the engines can evaluate. A value these predicates refuse never compares equal,
//! less or greater to anything, so a statement using it silently never applies; the
//! validation refuses such a policy instead.
//!
//! Each predicate is the engines' own parser from `iamc-format` (`iamc_format::value`), which
//! the compiler uses for policy values and the runtime for request values, so "the validation
//! accepts it" and "the engines can evaluate it" are one rule. (The reference interpreter keeps
//! parsers of its own on purpose; the differential tests hold the two to each other.)
//!
//! Dates as AWS reads them (CreatePolicy's date parsing, as moto's AWS-verified policy-document
//! cases record it): besides `YYYY-MM`, `YYYY-MM-DD`, `YYYY-MM-DDThh:mm[:ss[.fraction]]` with
//! `Z` or `±hh:mm` and epoch seconds within `i64`, AWS accepts a lowercase `t` separator, a
//! one-digit hour and a zone offset of hours alone (`+23`), and so do the engines. Two more
//! forms AWS accepts have no known meaning: a year with an empty time (`01T`) and a negative
//! number (`-292275054`: epoch seconds, or a year as Java prints its earliest date); the
//! engines cannot evaluate them as AWS does, so they are refused here rather than guessed.
//! AWS and the engines agree on refusing `sdfdsf`, `234-13` and `9223372036854775808`.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use iamc_format::value;

/// `true` or `false` ignoring ASCII case (`Bool` and `Null` values, spec 5.8 and 5.4.6).
pub fn is_bool(s: &str) -> bool {
    value::parse_bool(s).is_some()
}

/// An exact decimal: `-?digits(.digits)?` (spec 5.6). Exponents, `+`, `.5`, `1.` and spaces
/// are not numbers.
pub fn is_decimal(s: &str) -> bool {
    value::parse_decimal(s).is_some()
}

/// Epoch seconds: a non-empty run of ASCII digits within `i64` (all-digit dates are epoch
/// seconds, A11).
pub fn is_epoch(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) && value::parse_date(s).is_some()
}

/// A date (spec 5.7): epoch seconds, or `YYYY-MM`, `YYYY-MM-DD` or
/// `YYYY-MM-DDThh:mm[:ss[.f{1,9}]][Z|±hh:mm|±hh]` (`T` or `t`, a one- or two-digit hour, an
/// upper-case `Z`), every field in range (days per month and leap years; hours 0-23, minutes
/// and seconds 0-59, offsets up to 23:59).
pub fn is_date(s: &str) -> bool {
    value::parse_date(s).is_some()
}

/// Epoch seconds `secs` as `YYYY-MM-DDThh:mm:ssZ`, when the year has four digits.
pub fn epoch_to_w3c(secs: i64) -> Option<String> {
    let days = secs.div_euclid(86_400);
    let rest = secs.rem_euclid(86_400);
    // Howard Hinnant's `civil_from_days`.
    let z = days.checked_add(719_468)?;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (0..=9999).contains(&year).then(|| {
        format!(
            "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
            rest / 3600,
            rest % 3600 / 60,
            rest % 60
        )
    })
}

/// A network as written: the address (host bits kept, so a caller can tell `10.1.2.3/8`
/// from `10.0.0.0/8`) and the prefix length (32 or 128 for a bare address).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpRange {
    pub addr: IpAddr,
    pub len: u8,
}

impl IpRange {
    /// The address with the host bits cleared.
    pub fn network(self) -> IpAddr {
        match self.addr {
            IpAddr::V4(a) => {
                let mask = u32::MAX.checked_shl(32 - u32::from(self.len)).unwrap_or(0);
                IpAddr::V4(Ipv4Addr::from(u32::from(a) & mask))
            }
            IpAddr::V6(a) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.len))
                    .unwrap_or(0);
                IpAddr::V6(Ipv6Addr::from(u128::from(a) & mask))
            }
        }
    }

    /// Whether bits after the prefix are set (`203.0.113.5/24`).
    pub fn has_host_bits(self) -> bool {
        self.network() != self.addr
    }
}

/// An `IpAddress` / `NotIpAddress` value (spec 5.10), as the engines read it
/// ([`iamc_format::value::parse_cidr`]): an IPv4 or IPv6 address as `std::net` reads it
/// (dotted quad without leading zeros; RFC 4291 text without a zone), optionally followed by
/// `/` and a prefix length of ASCII digits (leading zeros allowed) within the family's width;
/// the address is kept as written (host bits included).
pub fn parse_ip_range(s: &str) -> Option<IpRange> {
    let len = match value::parse_cidr(s)? {
        value::Cidr::V4(c) => c.len,
        value::Cidr::V6(c) => c.len,
    };
    let addr = s.split('/').next()?.parse::<IpAddr>().ok()?;
    Some(IpRange { addr, len })
}

/// Standard base64 with `=` padding, canonical (the unused bits of the last character are
/// zero): `BinaryEquals` values (spec 5.9). The empty string is the empty byte string.
pub fn is_base64(s: &str) -> bool {
    value::base64_valid(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The predicates are the engines' parsers: the cases of each value syntax are in
    /// `iamc_format::value`'s tests, here only that each predicate says what its parser says.
    #[test]
    fn predicates_are_the_engines_parsers() {
        assert!(is_decimal("007.50") && !is_decimal("1e3"));
        assert!(is_date("2024-02-29") && !is_date("2023-02-29"));
        assert!(is_base64("aGk=") && !is_base64("aGl="));
        assert!(is_bool("True") && !is_bool("true "));
        assert!(is_epoch("1798761600") && !is_epoch("2030-01-01") && !is_epoch(""));
    }

    /// Forms AWS's CreatePolicy accepts (moto's AWS-verified valid documents): those with a
    /// known meaning are dates, the two without one are refused (listed so a change of the
    /// engines' date parser shows up).
    #[test]
    fn dates_aws_accepts() {
        for accepted in [
            "2016-12-13t2:00:00.593194+23",
            "2016-12-13T21:20:37.593194+00:00",
        ] {
            assert!(is_date(accepted), "{accepted}");
        }
        for unknown_meaning in ["01T", "-292275054"] {
            assert!(!is_date(unknown_meaning), "{unknown_meaning}");
        }
    }

    #[test]
    fn epoch_as_w3c() {
        assert_eq!(epoch_to_w3c(0).unwrap(), "1970-01-01T00:00:00Z");
        assert_eq!(epoch_to_w3c(1_709_164_800).unwrap(), "2024-02-29T00:00:00Z");
        assert_eq!(epoch_to_w3c(1_798_761_600).unwrap(), "2027-01-01T00:00:00Z");
        assert_eq!(epoch_to_w3c(i64::MAX), None);
    }

    #[test]
    fn ip_ranges() {
        let r = parse_ip_range("10.1.2.3/8").unwrap();
        assert!(r.has_host_bits());
        assert_eq!(r.network().to_string(), "10.0.0.0");
        assert!(!parse_ip_range("10.0.0.0/8").unwrap().has_host_bits());
        assert_eq!(parse_ip_range("::1").unwrap().len, 128);
        assert_eq!(parse_ip_range("10.0.0.0/0008").unwrap().len, 8);
        assert!(parse_ip_range("2001:db8::1/32").unwrap().has_host_bits());
        // What the engines' CIDR parser refuses is refused (its cases: `iamc_format::value`).
        assert!(parse_ip_range("10.0.0.300/8").is_none());
    }
}
