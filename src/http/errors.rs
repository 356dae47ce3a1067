//! From what ureq and rustls report to xpdrm's statuses: one status per kind of fault, and a reason that says
//! what happened without quoting a URL (ureq's own messages may hold one).

use std::io::ErrorKind;

use rustls::{AlertDescription, CertificateError};

use crate::Status;

/// Where in an attempt the error came up.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) enum Phase {
    /// Connecting, sending, or waiting for the answer's head.
    Head,
    /// Reading the answer's body.
    Body,
}

/// A failed attempt.
#[derive(Debug)]
pub(crate) struct Failure {
    pub(crate) status: Status,
    pub(crate) reason: String,
    /// True when the request cannot have reached the server (the connection was never set up): such an
    /// attempt may be repeated whatever the request.
    pub(crate) nothing_sent: bool,
}

impl Failure {
    pub(crate) fn new(status: Status, reason: String, nothing_sent: bool) -> Failure {
        Failure { status, reason, nothing_sent }
    }
}

/// The status of a TLS error. Alerts the server sends about our certificate mean "required" when we sent
/// none and "rejected" when we did. In TLS 1.3 the client finishes its side of the handshake before the
/// server has looked at the certificate, so a rejection may arrive only with the first read of the answer;
/// it is the same error then.
pub(crate) fn tls_status(e: &rustls::Error, has_client_cert: bool) -> Status {
    use Status::*;
    if super::trust::is_pin_mismatch(e) {
        return XPDRM_ERR_HTTP_TLS_PIN_MISMATCH;
    }
    match e {
        rustls::Error::InvalidCertificate(CertificateError::UnknownIssuer) => XPDRM_ERR_HTTP_TLS_UNKNOWN_CA,
        rustls::Error::InvalidCertificate(_) => XPDRM_ERR_HTTP_TLS_SERVER_CERT_INVALID,
        rustls::Error::AlertReceived(AlertDescription::CertificateRequired) => XPDRM_ERR_HTTP_TLS_CLIENT_CERT_REQUIRED,
        rustls::Error::AlertReceived(
            AlertDescription::BadCertificate
            | AlertDescription::UnknownCA
            | AlertDescription::CertificateUnknown
            | AlertDescription::UnsupportedCertificate
            | AlertDescription::CertificateRevoked
            | AlertDescription::CertificateExpired
            | AlertDescription::AccessDenied,
        ) => {
            if has_client_cert {
                XPDRM_ERR_HTTP_TLS_CLIENT_CERT_REJECTED
            } else {
                XPDRM_ERR_HTTP_TLS_CLIENT_CERT_REQUIRED
            }
        }
        _ => XPDRM_ERR_HTTP_TLS,
    }
}

fn tls_failure(e: &rustls::Error, has_client_cert: bool) -> Failure {
    // rustls's messages name the certificate problem or the alert; they hold no URL.
    Failure::new(tls_status(e, has_client_cert), format!("TLS: {e}"), false)
}

/// The status and reason of a ureq error.
pub(crate) fn classify(e: &ureq::Error, phase: Phase, has_client_cert: bool) -> Failure {
    use Status::*;
    use ureq::Error as E;
    match e {
        E::Timeout(t) => {
            let before = matches!(t, ureq::Timeout::Connect | ureq::Timeout::Resolve);
            Failure::new(XPDRM_ERR_HTTP_TIMEOUT, format!("timed out ({t:?})"), before)
        }
        E::HostNotFound => Failure::new(XPDRM_ERR_HTTP_CONNECT, "the host name does not resolve".into(), true),
        E::ConnectionFailed => Failure::new(XPDRM_ERR_HTTP_CONNECT, "no connection could be made".into(), true),
        E::BadUri(_) | E::RequireHttpsOnly(_) => {
            Failure::new(XPDRM_ERR_HTTP_INVALID_URL, "the HTTP stack refuses the URL".into(), false)
        }
        E::BodyExceedsLimit(_) => {
            Failure::new(XPDRM_ERR_HTTP_RESPONSE_TOO_LARGE, "the answer's body is too large".into(), false)
        }
        E::LargeResponseHeader(n, max) => Failure::new(
            XPDRM_ERR_HTTP_RESPONSE_TOO_LARGE,
            format!("the answer's head is {n} bytes; at most {max} are read"),
            false,
        ),
        E::Rustls(r) => tls_failure(r, has_client_cert),
        E::ConnectProxyFailed(m) => {
            // ureq's message is "proxy server responded <code>/<reason>" or "proxy server did not respond".
            let code = m.split("responded ").nth(1).and_then(|r| r.get(..3)).and_then(|c| c.parse::<u16>().ok());
            match code {
                // 407 is the standard answer; tinyproxy answers wrong credentials with 401. Before the tunnel
                // exists, either is the proxy's own refusal of the credentials.
                Some(c @ (401 | 407)) => Failure::new(
                    XPDRM_ERR_HTTP_PROXY_AUTH_REQUIRED,
                    format!(
                        "the proxy answered CONNECT with HTTP {c} (authentication required or credentials refused)"
                    ),
                    false,
                ),
                Some(c) => Failure::new(
                    XPDRM_ERR_HTTP_PROXY_REFUSED,
                    format!("the proxy answered CONNECT with HTTP {c}"),
                    false,
                ),
                None => Failure::new(XPDRM_ERR_HTTP_PROXY_REFUSED, "the proxy did not answer CONNECT".into(), false),
            }
        }
        E::InvalidProxyUrl => Failure::new(XPDRM_ERR_HTTP_INVALID_URL, "the proxy URL cannot be used".into(), true),
        E::Tls(m) => Failure::new(XPDRM_ERR_HTTP_TLS, format!("TLS: {m}"), false),
        E::Protocol(p) => {
            Failure::new(XPDRM_ERR_HTTP_TRANSPORT, format!("the answer is not valid HTTP/1.1 ({p})"), false)
        }
        E::Io(io) => {
            if io.get_ref().is_some_and(|inner| inner.is::<super::cancel::Cancelled>()) {
                return Failure::new(XPDRM_ERR_HTTP_CANCELLED, "cancelled".into(), false);
            }
            if let Some(r) = io.get_ref().and_then(|inner| inner.downcast_ref::<rustls::Error>()) {
                return tls_failure(r, has_client_cert);
            }
            match io.kind() {
                ErrorKind::ConnectionRefused => {
                    Failure::new(XPDRM_ERR_HTTP_CONNECT, "the connection was refused".into(), true)
                }
                ErrorKind::HostUnreachable | ErrorKind::NetworkUnreachable | ErrorKind::AddrNotAvailable => {
                    Failure::new(XPDRM_ERR_HTTP_CONNECT, format!("the server cannot be reached ({io})"), true)
                }
                ErrorKind::TimedOut | ErrorKind::WouldBlock => {
                    Failure::new(XPDRM_ERR_HTTP_TIMEOUT, "a read or write timed out".into(), false)
                }
                ErrorKind::UnexpectedEof if phase == Phase::Body => Failure::new(
                    XPDRM_ERR_HTTP_TRUNCATED,
                    "the connection closed before the whole body arrived".into(),
                    false,
                ),
                ErrorKind::UnexpectedEof => Failure::new(
                    XPDRM_ERR_HTTP_TRANSPORT,
                    "the connection closed before an answer arrived".into(),
                    false,
                ),
                _ => Failure::new(XPDRM_ERR_HTTP_TRANSPORT, format!("transport error ({io})"), false),
            }
        }
        // Any other error of the HTTP stack: its kind only (a message could quote the URL).
        other => Failure::new(XPDRM_ERR_HTTP_TRANSPORT, format!("the HTTP stack failed ({})", kind_name(other)), false),
    }
}

fn kind_name(e: &ureq::Error) -> &'static str {
    match e {
        ureq::Error::Http(_) => "invalid request",
        ureq::Error::RedirectFailed | ureq::Error::TooManyRedirects => "redirect",
        ureq::Error::TlsRequired => "TLS required",
        _ => "other",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Status::*;

    #[test]
    fn certificate_alerts_depend_on_whether_a_certificate_was_sent() {
        let bad = rustls::Error::AlertReceived(AlertDescription::BadCertificate);
        assert_eq!(tls_status(&bad, true), XPDRM_ERR_HTTP_TLS_CLIENT_CERT_REJECTED);
        assert_eq!(tls_status(&bad, false), XPDRM_ERR_HTTP_TLS_CLIENT_CERT_REQUIRED);
        let required = rustls::Error::AlertReceived(AlertDescription::CertificateRequired);
        assert_eq!(tls_status(&required, true), XPDRM_ERR_HTTP_TLS_CLIENT_CERT_REQUIRED);
        let unknown = rustls::Error::InvalidCertificate(CertificateError::UnknownIssuer);
        assert_eq!(tls_status(&unknown, false), XPDRM_ERR_HTTP_TLS_UNKNOWN_CA);
        let expired = rustls::Error::InvalidCertificate(CertificateError::Expired);
        assert_eq!(tls_status(&expired, false), XPDRM_ERR_HTTP_TLS_SERVER_CERT_INVALID);
        let pin = rustls::Error::InvalidCertificate(CertificateError::Other(rustls::OtherError(std::sync::Arc::new(
            super::super::trust::PinMismatch,
        ))));
        assert_eq!(tls_status(&pin, false), XPDRM_ERR_HTTP_TLS_PIN_MISMATCH);
        let other = rustls::Error::AlertReceived(AlertDescription::ProtocolVersion);
        assert_eq!(tls_status(&other, false), XPDRM_ERR_HTTP_TLS);
    }

    #[test]
    fn io_errors_by_kind_and_phase() {
        let io = |k: ErrorKind| ureq::Error::Io(std::io::Error::new(k, "x"));
        let f = classify(&io(ErrorKind::ConnectionRefused), Phase::Head, false);
        assert_eq!((f.status, f.nothing_sent), (XPDRM_ERR_HTTP_CONNECT, true));
        assert_eq!(classify(&io(ErrorKind::UnexpectedEof), Phase::Body, false).status, XPDRM_ERR_HTTP_TRUNCATED);
        assert_eq!(classify(&io(ErrorKind::UnexpectedEof), Phase::Head, false).status, XPDRM_ERR_HTTP_TRANSPORT);
        assert_eq!(classify(&io(ErrorKind::TimedOut), Phase::Body, false).status, XPDRM_ERR_HTTP_TIMEOUT);
        let wrapped = ureq::Error::Io(std::io::Error::new(
            ErrorKind::InvalidData,
            rustls::Error::InvalidCertificate(CertificateError::UnknownIssuer),
        ));
        assert_eq!(classify(&wrapped, Phase::Head, false).status, XPDRM_ERR_HTTP_TLS_UNKNOWN_CA);
        let t = classify(&ureq::Error::Timeout(ureq::Timeout::Connect), Phase::Head, false);
        assert_eq!((t.status, t.nothing_sent), (XPDRM_ERR_HTTP_TIMEOUT, true));
        let t = classify(&ureq::Error::Timeout(ureq::Timeout::RecvResponse), Phase::Head, false);
        assert_eq!((t.status, t.nothing_sent), (XPDRM_ERR_HTTP_TIMEOUT, false));
        let auth = classify(
            &ureq::Error::ConnectProxyFailed("proxy server responded 407/Proxy Authentication Required".into()),
            Phase::Head,
            false,
        );
        assert_eq!(auth.status, XPDRM_ERR_HTTP_PROXY_AUTH_REQUIRED);
        let refused = classify(
            &ureq::Error::ConnectProxyFailed("proxy server responded 403/Forbidden".into()),
            Phase::Head,
            false,
        );
        assert_eq!(refused.status, XPDRM_ERR_HTTP_PROXY_REFUSED);
        assert_eq!(
            classify(&ureq::Error::Io(super::super::cancel::cancelled_io()), Phase::Body, false).status,
            XPDRM_ERR_HTTP_CANCELLED
        );
        let secret = ureq::Error::BadUri("https://h/p?customerAuthenticator=SECRET".into());
        assert!(!classify(&secret, Phase::Head, false).reason.contains("SECRET"));
    }
}
