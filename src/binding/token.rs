//! The token requests of the device-binding flow, and reading their answers, on the token module.
//!
//! The flow does not check token parameters itself: the content's parameters come as a template (a
//! [`TokenRequest`] whose values were checked when they were set), and the parameters the flow adds
//! (`customerAuthenticator`, `expirationTime`, `cookie`, `deviceId`) go through the same validated setter.
//! The token server's answer is read by [`TokenResponse::parse`]. What is left here is the flow's own part:
//! which parameters the flow owns ([`FLOW_PARAMS`]), the request's form (a `POST` of a form body), and how
//! an answer becomes the `epTokenURL` that SEES hands to the device.

use zeroize::Zeroizing;

use crate::Status;
use crate::device::id::DeviceId;
use crate::outbound::{OutboundRequest, Response};
use crate::secret_string::SecretString;
use crate::sees::{MAX_TOKEN_URL_LEN, Problem};
use crate::token::params::{self, Check};
use crate::token::{self, Drm, TokenRequest, TokenResponse};

/// Token lifetime used when the service does not set one: one hour.
pub const DEFAULT_EXPIRATION_SECS: u32 = 3600;

/// Parameters that the flow sets itself and a template may not hold: the authenticator the service was
/// created with, the token lifetime the service configured, and the cookie and device of each request.
pub const FLOW_PARAMS: [&str; 4] = ["customerAuthenticator", "cookie", "deviceId", "expirationTime"];

/// The customer authenticator (`<customer id digits>,<32 hex>`): a secret, wiped on drop, never logged.
/// The flow needs it on its own (the record lookup sends it too), so it is kept apart from the template;
/// its form is checked by the token module's rule for `customerAuthenticator`.
#[derive(Clone, Debug)]
pub struct CustomerAuthenticator(SecretString);

impl CustomerAuthenticator {
    /// Checks `text` as `drm`'s token request would: -2017 when empty, -2018 when not `<digits>,<32 hex>`.
    pub fn new(drm: Drm, text: &str) -> Result<CustomerAuthenticator, token::Error> {
        TokenRequest::new(drm).check_value("customerAuthenticator", text)?;
        Ok(CustomerAuthenticator(SecretString::from(text)))
    }

    /// The secret text: never log it.
    pub fn expose(&self) -> &str {
        self.0.expose()
    }
}

/// What binds one token: the cookie (registration, and correlation), the device, and the lifetime.
#[derive(Copy, Clone, Debug)]
pub struct Binding<'a> {
    /// `cookie`, if the entitlement request has one.
    pub cookie: Option<&'a str>,
    /// `deviceId`, for a device-bound request (PlayReady only).
    pub device_id: Option<&'a DeviceId>,
    /// `expirationTime=+<seconds>`.
    pub expiration_secs: u32,
}

/// Device binding is PlayReady's alone: the early check of a device-bound request, before any lookup. The
/// rule is the token module's: a DRM whose table refuses every `deviceId` (FairPlay -6008, Widevine -7002)
/// cannot bind.
pub fn check_device_binding_supported(drm: Drm) -> Result<(), Problem> {
    match params::find(drm, "deviceId") {
        Some((_, row)) => match row.check {
            Check::Unsupported { code } => Err(Problem::new(
                code,
                format!(
                    "deviceId: the {} token server does not bind tokens to a device ({}): {}",
                    drm.name(),
                    code.code(),
                    row.rule
                ),
            )),
            _ => Ok(()),
        },
        // Every table lists deviceId; a DRM without the row could not bind either.
        None => Err(Problem::new(
            Status::XPDRM_ERR_INVALID_ARGUMENT,
            format!("deviceId: the {} token request has no such parameter", drm.name()),
        )),
    }
}

/// Refuses a template that holds a parameter the flow sets itself ([`FLOW_PARAMS`]).
pub fn check_template(template: &TokenRequest) -> Result<(), Problem> {
    use crate::token::params::Lookup;
    match FLOW_PARAMS.iter().find(|name| template.has(name)) {
        Some(name) => Err(Problem::new(
            Status::XPDRM_ERR_INVALID_ARGUMENT,
            format!("the token template sets {name}, which the device-binding flow sets itself"),
        )),
        None => Ok(()),
    }
}

/// **The** token request of the flow: a `POST` of an `application/x-www-form-urlencoded` body (so the
/// authenticator and content keys stay out of URLs and server logs) to the template's base URL, holding the
/// template's parameters, then `customerAuthenticator`, `expirationTime=+<seconds>`, and the binding's
/// `cookie` and `deviceId`, each set through [`TokenRequest::set`], and the whole request checked by
/// [`TokenRequest::form`]. A refusal carries the token module's code and reason (for example -5004 for a
/// device ID that is not 32 hex digits, or the missing-parameter code of an incomplete template).
pub fn binding_token_request(
    template: &TokenRequest,
    authenticator: &CustomerAuthenticator,
    binding: Binding<'_>,
) -> Result<OutboundRequest, Problem> {
    check_template(template)?;
    let mut request = template.clone();
    request.set("customerAuthenticator", authenticator.expose())?;
    request.set("expirationTime", &format!("+{}", binding.expiration_secs))?;
    if let Some(cookie) = binding.cookie {
        request.set("cookie", cookie)?;
    }
    if let Some(id) = binding.device_id {
        request.set("deviceId", id.expose()).map_err(|e| {
            Problem::new(e.status(), format!("{} (device fingerprint {}…)", e.reason(), &id.fingerprint()[..16]))
        })?;
    }
    let mut form = request.form()?;
    // The form's own buffer becomes the body: no copy of the secrets is left behind.
    let body = Zeroizing::new(core::mem::take(&mut *form).into_bytes());
    crate::xlog!(
        Debug,
        "token request for {}: {} body bytes, cookie {}, device-bound {}, expires in {} s",
        template.drm().name(),
        body.len(),
        binding.cookie.is_some(),
        binding.device_id.is_some(),
        binding.expiration_secs
    );
    Ok(OutboundRequest::post(SecretString::from(request.base_url()), "application/x-www-form-urlencoded", body)
        .with_header("Accept", "application/json, text/uri-list"))
}

fn refused(reason: String) -> Problem {
    Problem::new(Status::XPDRM_ERR_BINDING_TOKEN_REFUSED, reason)
}

/// **The** reading of a token server's answer ([`TokenResponse::parse`]): the license URL with its token
/// ([`TokenResponse::license_url`]: a `text/uri-list` URI as given, or PlayReady's
/// `<licenseAcquisitionUrl>?ExpressPlayToken=<token>`), which the service hands to the device as
/// `epTokenURL`.
///
/// * An error answer with an ExpressPlay code that xpdrm knows: that code (e.g. -2018).
/// * An error answer without a code, or with a code xpdrm does not know: `XPDRM_ERR_BINDING_TOKEN_REFUSED`,
///   the reason naming the HTTP status and the code.
/// * A success answer that the token module refuses (no license URL, no well-formed token, ...), or a URL
///   longer than `epTokenURL` allows: `XPDRM_ERR_BINDING_TOKEN_REFUSED`, the reason naming the token
///   module's status.
pub fn token_url_from_response(drm: Drm, response: Response<'_>) -> Result<SecretString, Problem> {
    let http = response.status;
    let answer = TokenResponse::parse(drm, http, response.content_type, response.body).map_err(|s| {
        refused(format!("the token server's answer (HTTP {http}) is refused: {} (status {})", s.text(), s.code()))
    })?;
    let Ok(url) = answer.license_url() else {
        let code = answer.error_code();
        // Codes without a server code behind them (the local 210-214 for a bare HTTP status) stay local.
        return Err(match Status::from_code(code).filter(|s| s.is_server_code()) {
            Some(known) => Problem::new(known, format!("the token server answered HTTP {http} with code {code}")),
            None if code < 0 => {
                refused(format!("the token server answered HTTP {http} with code {code}, unknown to xpdrm"))
            }
            None => refused(format!("the token server answered HTTP {http} without an error code")),
        });
    };
    if url.len() > MAX_TOKEN_URL_LEN {
        return Err(refused(format!(
            "the token URL is {} bytes long; epTokenURL allows at most {MAX_TOKEN_URL_LEN}",
            url.len()
        )));
    }
    Ok(SecretString::from(url))
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use Status::*;

    const AUTH: &str = "12345,00112233445566778899aabbccddeeff";
    const ID: &str = "0123456789ABCDEF0123456789ABCDEF";

    fn body(r: &OutboundRequest) -> String {
        String::from_utf8(r.body().to_vec()).unwrap()
    }

    /// A complete template for `drm`: the content's parameters only (also the service flow's tests').
    pub(in crate::binding) fn template(drm: Drm) -> TokenRequest {
        const KID: &str = "b366360da82e9c6e0b0984002a362cf2";
        const KEY: &str = "000102030405060708090a0b0c0d0e0f";
        let params: &[(&str, &str)] = match drm {
            Drm::FairPlay => &[("contentKey", KEY), ("iv", "f0e0d0c0b0a090807060504030201000")],
            Drm::Widevine => &[("kid", KID), ("securityLevel", "1"), ("hdcpOutputControl", "0")],
            Drm::PlayReady => &[
                ("kid", KID),
                ("contentKey", KEY),
                ("rightsType", "BuyToOwn"),
                ("analogVideoOPL", "0"),
                ("compressedDigitalAudioOPL", "0"),
                ("compressedDigitalVideoOPL", "0"),
                ("uncompressedDigitalAudioOPL", "0"),
                ("uncompressedDigitalVideoOPL", "0"),
            ],
            Drm::MarlinMs3 | Drm::MarlinBb => unreachable!("device binding is for the license-token DRMs"),
        };
        let mut t = TokenRequest::new(drm);
        for (n, v) in params {
            t.set(n, v).unwrap();
        }
        t
    }

    fn playready() -> TokenRequest {
        template(Drm::PlayReady)
    }

    fn fairplay() -> TokenRequest {
        template(Drm::FairPlay)
    }

    fn auth(drm: Drm) -> CustomerAuthenticator {
        CustomerAuthenticator::new(drm, AUTH).unwrap()
    }

    fn binding<'a>(cookie: Option<&'a str>, device_id: Option<&'a DeviceId>) -> Binding<'a> {
        Binding { cookie, device_id, expiration_secs: 600 }
    }

    #[test]
    fn the_device_bound_request_carries_binding_and_lifetime() {
        let id = DeviceId::new(ID).unwrap();
        let r = binding_token_request(&playready(), &auth(Drm::PlayReady), binding(Some("c k"), Some(&id))).unwrap();
        assert_eq!(r.url(), "https://pr-gen.test.expressplay.com/hms/pr/token");
        assert_eq!(r.method(), crate::outbound::Method::Post);
        assert_eq!(
            body(&r),
            "kid=b366360da82e9c6e0b0984002a362cf2&contentKey=000102030405060708090a0b0c0d0e0f&rightsType=BuyToOwn\
             &analogVideoOPL=0&compressedDigitalAudioOPL=0&compressedDigitalVideoOPL=0&uncompressedDigitalAudioOPL=0\
             &uncompressedDigitalVideoOPL=0&customerAuthenticator=12345%2C00112233445566778899aabbccddeeff\
             &expirationTime=%2B600&cookie=c+k&deviceId=0123456789abcdef0123456789abcdef"
        );
        assert_eq!(r.headers()[0].0, "Content-Type");
        assert_eq!(r.headers()[0].1.expose(), "application/x-www-form-urlencoded");
    }

    #[test]
    fn the_templates_base_url_and_values_are_kept_and_the_template_is_not_changed() {
        let mut t = fairplay();
        t.set_base_url("http://127.0.0.1:8080/fp").unwrap();
        let before = t.form().unwrap();
        let r = binding_token_request(&t, &auth(Drm::FairPlay), binding(Some("c"), None)).unwrap();
        assert_eq!(r.url(), "http://127.0.0.1:8080/fp");
        assert_eq!(
            body(&r),
            format!(
                "{}&customerAuthenticator=12345%2C00112233445566778899aabbccddeeff&expirationTime=%2B600&cookie=c",
                &*before
            )
        );
        assert_eq!(t.form().unwrap(), before);
    }

    #[test]
    fn refusals_are_the_token_modules() {
        let id = DeviceId::new(ID).unwrap();
        let a = auth(Drm::PlayReady);
        // Device binding: FairPlay and Widevine refuse deviceId with their own codes, by their tables.
        for (t, want) in [
            (fairplay(), XPDRM_ERR_FAIRPLAY_DEVICE_BINDING_UNSUPPORTED),
            (template(Drm::Widevine), XPDRM_ERR_WIDEVINE_DEVICE_BINDING_UNSUPPORTED),
        ] {
            let p = binding_token_request(&t, &a, binding(Some("c"), Some(&id))).unwrap_err();
            assert_eq!(p.status, want);
            assert_eq!(check_device_binding_supported(t.drm()).unwrap_err().status, want);
        }
        check_device_binding_supported(Drm::PlayReady).unwrap();
        // A device ID that is not 32 hex digits: -5004, named by fingerprint, never by value.
        let short = DeviceId::new("0123456789abcdef").unwrap();
        let p = binding_token_request(&playready(), &a, binding(None, Some(&short))).unwrap_err();
        assert_eq!(p.status, XPDRM_ERR_DEVICE_ID_NOT_32_HEX);
        assert!(p.reason.starts_with("deviceId has 16 characters, not 32 hexadecimal digits."), "{}", p.reason);
        assert!(p.reason.ends_with(&format!("(device fingerprint {}…)", &short.fingerprint()[..16])), "{}", p.reason);
        assert!(!p.reason.contains("0123456789abcdef"), "{}", p.reason);
        // Cookie and lifetime.
        let long_cookie = "x".repeat(33);
        let code = |t: &TokenRequest, b| binding_token_request(t, &a, b).unwrap_err().status;
        assert_eq!(code(&playready(), binding(Some(&long_cookie), None)), XPDRM_ERR_INVALID_COOKIE);
        let too_long = Binding { cookie: None, device_id: None, expiration_secs: 2_592_001 };
        assert_eq!(code(&playready(), too_long), XPDRM_ERR_INVALID_EXPIRATION_TIME);
        let longest = Binding { expiration_secs: 2_592_000, ..too_long };
        assert!(binding_token_request(&playready(), &a, longest).is_ok());
        // An incomplete template: the missing parameter's code, as the server would answer.
        assert_eq!(code(&TokenRequest::new(Drm::PlayReady), binding(None, None)), XPDRM_ERR_MISSING_KID);
        assert_eq!(code(&TokenRequest::new(Drm::FairPlay), binding(None, None)), XPDRM_ERR_INVALID_IV);
    }

    #[test]
    fn templates_may_not_hold_what_the_flow_sets() {
        for name in FLOW_PARAMS {
            let mut t = playready();
            let value = match name {
                "customerAuthenticator" => AUTH,
                "deviceId" => "0123456789abcdef0123456789abcdef",
                "expirationTime" => "+60",
                _ => "c",
            };
            t.set(name, value).unwrap();
            let p = check_template(&t).unwrap_err();
            assert_eq!(p.status, XPDRM_ERR_INVALID_ARGUMENT, "{name}");
            assert!(p.reason.contains(name), "{}", p.reason);
            let p = binding_token_request(&t, &auth(Drm::PlayReady), binding(None, None)).unwrap_err();
            assert_eq!(p.status, XPDRM_ERR_INVALID_ARGUMENT, "{name}");
        }
        check_template(&playready()).unwrap();
    }

    #[test]
    fn authenticator_form_is_the_token_modules() {
        for drm in Drm::ALL {
            assert!(CustomerAuthenticator::new(drm, AUTH).is_ok());
            assert_eq!(CustomerAuthenticator::new(drm, "").unwrap_err().status(), XPDRM_ERR_MISSING_AUTHENTICATOR);
            for bad in [
                "12345",
                ",00112233445566778899aabbccddeeff",
                "12a,00112233445566778899aabbccddeeff",
                "1,0011",
                "1,00112233445566778899aabbccddeeffg",
            ] {
                let e = CustomerAuthenticator::new(drm, bad).unwrap_err();
                assert_eq!(e, TokenRequest::new(drm).set("customerAuthenticator", bad).unwrap_err(), "{bad}");
                assert_eq!(e.status(), XPDRM_ERR_INVALID_AUTHENTICATOR, "{bad}");
            }
        }
        assert!(!format!("{:?}", auth(Drm::FairPlay)).contains("0011"));
    }

    #[test]
    fn answers_become_token_urls() {
        let ok = |ct, body: &'static [u8]| Response { status: 200, content_type: Some(ct), body };
        let pr = token_url_from_response(
            Drm::PlayReady,
            ok("application/json", br#"{"licenseAcquisitionUrl":"https://pr.test.expressplay.com/playready/RightsManager.asmx","token":"AbC-_1"}"#),
        )
        .unwrap();
        assert_eq!(pr.expose(), "https://pr.test.expressplay.com/playready/RightsManager.asmx?ExpressPlayToken=AbC-_1");
        let fp = token_url_from_response(
            Drm::FairPlay,
            ok(
                "text/uri-list",
                b"# comment\r\n\r\nhttps://fp.service.expressplay.com:80/hms/fp/rights/?ExpressPlayToken=TTTT\r\n",
            ),
        )
        .unwrap();
        assert_eq!(fp.expose(), "https://fp.service.expressplay.com:80/hms/fp/rights/?ExpressPlayToken=TTTT");
        let err = |status, body: &'static [u8]| {
            token_url_from_response(Drm::Widevine, Response { status, content_type: Some("application/json"), body })
                .unwrap_err()
        };
        let p = err(400, br#"{"code":-7008,"message":"[-7008] Failed to generate Widevine license"}"#);
        assert_eq!(
            (p.status, p.reason.as_str()),
            (XPDRM_ERR_CANNOT_GENERATE_WIDEVINE_LICENSE, "the token server answered HTTP 400 with code -7008")
        );
        // An error in a 2xx answer is an error too.
        assert_eq!(err(200, br#"{"code":-2018,"message":"x"}"#).status, XPDRM_ERR_INVALID_AUTHENTICATOR);
        let p = err(400, br#"{"code":-9999}"#);
        assert_eq!(p.status, XPDRM_ERR_BINDING_TOKEN_REFUSED);
        assert!(p.reason.contains("code -9999, unknown to xpdrm"), "{}", p.reason);
        let html = |status, body: &'static [u8]| {
            token_url_from_response(Drm::Widevine, Response { status, content_type: Some("text/html"), body })
                .unwrap_err()
        };
        let p = html(500, b"<html>oops</html>");
        assert_eq!(
            (p.status, p.reason.as_str()),
            (XPDRM_ERR_BINDING_TOKEN_REFUSED, "the token server answered HTTP 500 without an error code")
        );
        assert_eq!(html(400, b"<p>[-2027] Content key must be 32 hex</p>").status, XPDRM_ERR_CONTENT_KEY_NOT_32_HEX);
        // Success answers the token module refuses.
        for (drm, ct, body, status) in [
            (Drm::Widevine, "text/uri-list", &b"# only a comment\n"[..], XPDRM_ERR_RESPONSE_NO_LICENSE_URL),
            (Drm::Widevine, "text/uri-list", b"\xff", XPDRM_ERR_RESPONSE_NOT_UTF8),
            (Drm::Widevine, "text/uri-list", b"not a url", XPDRM_ERR_RESPONSE_NO_LICENSE_URL),
            (Drm::FairPlay, "text/uri-list", b"https://fp/?ExpressPlayToken=T", XPDRM_ERR_RESPONSE_NO_TOKEN),
            (Drm::FairPlay, "text/uri-list", b"https://fp/rights/", XPDRM_ERR_RESPONSE_NO_TOKEN),
            (Drm::PlayReady, "application/json", br#"{"token":"xxxx"}"#, XPDRM_ERR_RESPONSE_NO_LICENSE_URL),
            (Drm::PlayReady, "application/json", b"nope", XPDRM_ERR_RESPONSE_MALFORMED_JSON),
        ] {
            let p = token_url_from_response(drm, ok(ct, body)).unwrap_err();
            assert_eq!(p.status, XPDRM_ERR_BINDING_TOKEN_REFUSED, "{body:?}");
            assert!(p.reason.ends_with(&format!("{} (status {})", status.text(), status.code())), "{}", p.reason);
        }
        // A URL too long for epTokenURL.
        let long = format!("https://fp/{}?ExpressPlayToken=TTTT", "a".repeat(MAX_TOKEN_URL_LEN));
        let answer = Response { status: 200, content_type: None, body: long.as_bytes() };
        let p = token_url_from_response(Drm::FairPlay, answer).unwrap_err();
        assert_eq!(p.status, XPDRM_ERR_BINDING_TOKEN_REFUSED);
        assert!(p.reason.contains("epTokenURL allows at most 8192"), "{}", p.reason);
    }
}
