//! The two time forms of the token API (`expirationTime`, `rental.periodEndTime`): an RFC 3339 UTC time with
//! `Z` (`2006-04-14T12:01:10Z`) or `+<seconds>` relative to issuance.
//!
//! A small strict parser rather than a date crate: the grammar is one line of RFC 3339 (section 5.6, with
//! the offset fixed to `Z`), and a date crate would be most of the token module's size.

/// A parsed time value.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) enum TimeValue {
    /// Seconds since the Unix epoch (fractions of a second dropped).
    Absolute(i64),
    /// `+N`: seconds after the token is issued.
    Relative(u64),
}

/// Seconds in 30 days: the longest token lifetime ExpressPlay allows.
pub(crate) const THIRTY_DAYS: i64 = 30 * 24 * 3600;

/// Parses either form, or `None` if `s` is neither.
///
/// Absolute: `YYYY-MM-DDTHH:MM:SS[.fraction]Z`, upper-case `T` and `Z`, a real calendar date (leap years
/// included), hours 00-23, minutes and seconds 00-59 (a leap second `60` is refused), 1 to 9 fraction
/// digits. Relative: `+` and 1 to 18 decimal digits.
pub(crate) fn parse(s: &str) -> Option<TimeValue> {
    if let Some(digits) = s.strip_prefix('+') {
        if digits.is_empty() || digits.len() > 18 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        return digits.parse().ok().map(TimeValue::Relative);
    }
    parse_rfc3339_utc(s).map(TimeValue::Absolute)
}

fn digits(b: &[u8]) -> Option<u32> {
    if b.is_empty() || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(b.iter().fold(0u32, |n, d| n * 10 + u32::from(d - b'0')))
}

fn parse_rfc3339_utc(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[13] != b':' || b[16] != b':' {
        return None;
    }
    let (year, month, day) = (digits(&b[0..4])?, digits(&b[5..7])?, digits(&b[8..10])?);
    let (hour, minute, second) = (digits(&b[11..13])?, digits(&b[14..16])?, digits(&b[17..19])?);
    let rest = &b[19..];
    let rest = match rest.split_first() {
        Some((b'.', frac)) => {
            let n = frac.iter().take_while(|c| c.is_ascii_digit()).count();
            if n == 0 || n > 9 {
                return None;
            }
            &frac[n..]
        }
        _ => rest,
    };
    if rest != b"Z" {
        return None;
    }
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
        return None;
    }
    if hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    let days = days_from_civil(i64::from(year), month, day);
    Some(days * 86400 + i64::from(hour * 3600 + minute * 60 + second))
}

fn is_leap(year: u32) -> bool {
    year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400))
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The current time in Unix seconds from the system clock (0 if the clock is before 1970).
pub(crate) fn system_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sample_time_and_the_epoch() {
        assert_eq!(parse("1970-01-01T00:00:00Z"), Some(TimeValue::Absolute(0)));
        // `date -u -d 2006-04-14T12:01:10Z +%s`
        assert_eq!(parse("2006-04-14T12:01:10Z"), Some(TimeValue::Absolute(1_145_016_070)));
        assert_eq!(parse("2006-04-14T12:01:10.123456789Z"), Some(TimeValue::Absolute(1_145_016_070)));
        assert_eq!(parse("2000-03-01T00:00:00Z"), Some(TimeValue::Absolute(951_868_800)));
        assert_eq!(parse("2038-01-19T03:14:08Z"), Some(TimeValue::Absolute(1 << 31)));
        assert_eq!(parse("9999-12-31T23:59:59Z"), Some(TimeValue::Absolute(253_402_300_799)));
    }

    #[test]
    fn calendar_rules() {
        assert!(parse("2024-02-29T00:00:00Z").is_some());
        assert!(parse("2000-02-29T00:00:00Z").is_some());
        assert!(parse("2023-02-29T00:00:00Z").is_none());
        assert!(parse("1900-02-29T00:00:00Z").is_none());
        assert!(parse("2023-04-31T00:00:00Z").is_none());
        assert!(parse("2023-13-01T00:00:00Z").is_none());
        assert!(parse("2023-00-01T00:00:00Z").is_none());
        assert!(parse("2023-01-00T00:00:00Z").is_none());
        assert!(parse("2023-01-01T24:00:00Z").is_none());
        assert!(parse("2023-01-01T00:60:00Z").is_none());
        assert!(parse("2023-01-01T00:00:60Z").is_none());
    }

    #[test]
    fn only_the_utc_z_form() {
        for bad in [
            "2006-04-14T12:01:10",
            "2006-04-14T12:01:10z",
            "2006-04-14t12:01:10Z",
            "2006-04-14 12:01:10Z",
            "2006-04-14T12:01:10+00:00",
            "2006-04-14T12:01:10.Z",
            "2006-04-14T12:01:10.1234567890Z",
            "2006-04-14T12:01:10ZZ",
            "2006-4-14T12:01:10Z",
            "+2006-04-14T12:01:10Z",
            "2006-04-14T12:01:1OZ",
            "２００６-04-14T12:01:10Z",
            "",
        ] {
            assert_eq!(parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn relative_form() {
        assert_eq!(parse("+60"), Some(TimeValue::Relative(60)));
        assert_eq!(parse("+0"), Some(TimeValue::Relative(0)));
        assert_eq!(parse("+999999999999999999"), Some(TimeValue::Relative(999_999_999_999_999_999)));
        for bad in ["+", "60", "+-1", "++1", "+1.5", "+ 1", "+1 ", "+1234567890123456789", "-60"] {
            assert_eq!(parse(bad), None, "{bad:?}");
        }
    }
}
