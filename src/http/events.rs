//! Per-attempt events (opt-in) and the answer headers the client reads for itself: `Retry-After` and `Date`.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::Status;

/// Which operation an attempt belongs to.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
#[repr(i32)]
pub enum Operation {
    /// [`Client::execute`](super::Client::execute) of a request description.
    Execute = 0,
    /// A token fetch.
    FetchToken = 1,
    /// A license redemption.
    RedeemLicense = 2,
    /// A SEES entitlement exchange.
    ExchangeEntitlement = 3,
    /// A transaction record lookup.
    LookupRecord = 4,
    /// A step of the device's side of device binding.
    DeviceBinding = 5,
    /// A step of an entitlement service's side of device binding.
    BindingService = 6,
}

/// One attempt, as the event callback receives it. Holds no secret: the host and the path of the URL
/// (never its query, which may hold a token or an authenticator), no header, no body.
#[derive(Clone, Debug)]
pub struct AttemptEvent {
    /// The operation.
    pub operation: Operation,
    /// The server's host.
    pub host: String,
    /// The URL's path, without the query.
    pub path: String,
    /// 1 for the first attempt.
    pub attempt: u32,
    /// Time to connect (TCP, through the proxy when there is one), from the attempt's start; `None` when a
    /// kept-alive connection was used or no connection was made.
    pub connect: Option<Duration>,
    /// Time of the TLS handshake (through a proxy, the CONNECT exchange included); `None` for plain HTTP, a
    /// kept-alive connection, or no connection.
    pub tls: Option<Duration>,
    /// Time from the attempt's start to the answer's head; `None` when none arrived.
    pub first_byte: Option<Duration>,
    /// Time of the whole attempt, the body read included.
    pub total: Duration,
    /// The HTTP status, 0 when no answer arrived.
    pub http_status: u16,
    /// The ExpressPlay error code the answer carried (a token server's or license server's error answer),
    /// 0 when none.
    pub expressplay_code: i32,
    /// What came of the attempt: `XPDRM_OK` when an answer arrived (whatever its HTTP status), else the
    /// failure's status (`XPDRM_ERR_HTTP_TIMEOUT`, `XPDRM_ERR_HTTP_CANCELLED`, ...).
    pub outcome: Status,
    /// The wait the server asked for with `Retry-After` (429 or 503), if any.
    pub retry_after: Option<Duration>,
    /// True when a kept-alive connection served the attempt.
    pub reused_connection: bool,
}

/// Reads a `Retry-After` value: delay-seconds, or an HTTP date (then the wait from `now`; a date in the
/// past is no wait). `None` when it is neither.
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let v = value.trim();
    if !v.is_empty() && v.len() <= 10 && v.bytes().all(|b| b.is_ascii_digit()) {
        return v.parse::<u64>().ok().map(Duration::from_secs);
    }
    let at = parse_http_date(v)?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// Reads an HTTP date in the preferred format (IMF-fixdate, RFC 9110 §5.6.7: `Sun, 06 Nov 1994 08:49:37
/// GMT`), the one servers send.
pub fn parse_http_date(v: &str) -> Option<SystemTime> {
    let b = v.trim().as_bytes();
    if b.len() != 29 || &b[3..5] != b", " || &b[25..] != b" GMT" || b[7] != b' ' || b[11] != b' ' || b[16] != b' ' {
        return None;
    }
    let num = |r: core::ops::Range<usize>| -> Option<u64> {
        let s = core::str::from_utf8(&b[r]).ok()?;
        if s.bytes().all(|c| c.is_ascii_digit()) { s.parse().ok() } else { None }
    };
    let day = num(5..7)?;
    const MONTHS: [&[u8]; 12] =
        [b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct", b"Nov", b"Dec"];
    let month = MONTHS.iter().position(|m| *m == &b[8..11])? as u64 + 1;
    let year = num(12..16)?;
    if b[19] != b':' || b[22] != b':' {
        return None;
    }
    let (h, m, s) = (num(17..19)?, num(20..22)?, num(23..25)?);
    if !(1..=31).contains(&day) || h > 23 || m > 59 || s > 60 || year < 1970 {
        return None;
    }
    // Days from civil (Howard Hinnant's algorithm), for years from 1970.
    let (y, mo) = if month <= 2 { (year - 1, month + 9) } else { (year, month - 3) };
    let era = y / 400;
    let yoe = y - era * 400;
    let doy = (153 * mo + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = (era * 146_097 + doe).checked_sub(719_468)?;
    Some(UNIX_EPOCH + Duration::from_secs(days * 86_400 + h * 3600 + m * 60 + s))
}

/// The offset of the server's clock from the device's, in milliseconds (positive: the server is ahead):
/// the server's `Date` (whole seconds: its middle, +500 ms) against the device's time halfway between
/// sending the request and receiving the answer's head. Good to about a second.
pub fn clock_offset_ms(date: SystemTime, sent: SystemTime, received: SystemTime) -> i64 {
    let ms = |t: SystemTime| match t.duration_since(UNIX_EPOCH) {
        Ok(d) => d.as_millis() as i64,
        Err(e) => -(e.duration().as_millis() as i64),
    };
    let local = (ms(sent) + ms(received)) / 2;
    ms(date) + 500 - local
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_dates_and_retry_after() {
        let t = parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT").unwrap();
        assert_eq!(t.duration_since(UNIX_EPOCH).unwrap().as_secs(), 784_111_777);
        let t = parse_http_date("Tue, 29 Feb 2028 23:59:59 GMT").unwrap();
        assert_eq!(t.duration_since(UNIX_EPOCH).unwrap().as_secs(), 1_835_481_599);
        for bad in [
            "",
            "Sun, 06 Nov 1994 08:49:37 UTC",
            "Sunday, 06-Nov-94 08:49:37 GMT",
            "Sun, 06 Foo 1994 08:49:37 GMT",
            "Sun, 32 Nov 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 24:49:37 GMT",
            "Sun, 06 Nov 1969 08:49:37 GMT",
        ] {
            assert!(parse_http_date(bad).is_none(), "{bad}");
        }
        let now = UNIX_EPOCH + Duration::from_secs(784_111_700);
        assert_eq!(parse_retry_after("120", now), Some(Duration::from_secs(120)));
        assert_eq!(parse_retry_after(" 0 ", now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now), Some(Duration::from_secs(77)));
        assert_eq!(parse_retry_after("Sun, 06 Nov 1994 08:00:00 GMT", now), Some(Duration::ZERO));
        for bad in ["-1", "1.5", "soon", "99999999999"] {
            assert_eq!(parse_retry_after(bad, now), None, "{bad}");
        }
        let sent = UNIX_EPOCH + Duration::from_millis(1_000_000);
        let received = sent + Duration::from_millis(200);
        assert_eq!(clock_offset_ms(UNIX_EPOCH + Duration::from_secs(1010), sent, received), 10_400);
    }
}
