//! The token requests of the device-binding flow, and reading their answers.
//!
//! **Interim.** Token requests and responses belong to the token module (`src/token/`, issue 3), which
//! validates every parameter of SPEC.md §2. Until it is merged, this file is the *only* place in the
//! binding flow that builds a token request ([`binding_token_request`]) or reads a token server's answer
//! ([`token_url_from_response`]); at merge time both are re-implemented on the token module's builder and
//! parser, and [`Drm`] and [`CustomerAuthenticator`] give way to its types. Only the rules the flow itself
//! adds are checked here: `deviceId` is 32 hex digits (-5004) and only PlayReady binds to a device (FairPlay
//! -6008, Widevine -7002), `cookie` is 1 to 32 characters (-2033), `expirationTime` is `+<seconds>` within
//! 30 days (-2002), and the customer authenticator has the form `<digits>,<32 hex>` (-2017, -2018). The
//! other parameters of the template are passed on unchecked.

use crate::Status;
use crate::device::id::DeviceId;
use crate::outbound::{OutboundRequest, Response, form_body};
use crate::secret_string::SecretString;
use crate::sees::{MAX_TOKEN_URL_LEN, Problem, url_problem};

/// The DRM whose token server is asked (numbers as `xpdrm_drm`).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
#[repr(i32)]
pub enum Drm {
    /// FairPlay: `fp-gen`.
    FairPlay = 0,
    /// Widevine: `wv-gen`.
    Widevine = 1,
    /// PlayReady: `pr-gen`.
    PlayReady = 2,
}

impl Drm {
    /// The DRM with this number.
    pub fn from_code(code: i32) -> Option<Drm> {
        match code {
            0 => Some(Drm::FairPlay),
            1 => Some(Drm::Widevine),
            2 => Some(Drm::PlayReady),
            _ => None,
        }
    }

    /// The test service's token URL (SPEC.md §1), the default base.
    pub fn test_token_url(self) -> &'static str {
        match self {
            Drm::FairPlay => "https://fp-gen.test.expressplay.com/hms/fp/token",
            Drm::Widevine => "https://wv-gen.test.expressplay.com/hms/wv/token",
            Drm::PlayReady => "https://pr-gen.test.expressplay.com/hms/pr/token",
        }
    }
}

/// Longest token lifetime ExpressPlay accepts: 30 days, in seconds.
pub const MAX_EXPIRATION_SECS: u32 = 30 * 24 * 3600;

/// Token lifetime used when the service does not set one: one hour.
pub const DEFAULT_EXPIRATION_SECS: u32 = 3600;

/// Parameters that the flow sets itself and a template may not hold.
pub const FLOW_PARAMS: [&str; 4] = ["customerAuthenticator", "cookie", "deviceId", "expirationTime"];

/// The customer authenticator (`<customer id digits>,<32 hex>`): a secret, wiped on drop, never logged.
#[derive(Clone, Debug)]
pub struct CustomerAuthenticator(SecretString);

impl CustomerAuthenticator {
    /// Checks the form: -2017 when empty, -2018 when not `<digits>,<32 hex>`.
    pub fn new(text: &str) -> Result<CustomerAuthenticator, Status> {
        if text.is_empty() {
            return Err(Status::XPDRM_ERR_MISSING_AUTHENTICATOR);
        }
        let ok = text.split_once(',').is_some_and(|(id, key)| {
            !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()) && key.len() == 32 && crate::hex::is_hex(key)
        });
        if ok {
            Ok(CustomerAuthenticator(SecretString::from(text)))
        } else {
            Err(Status::XPDRM_ERR_INVALID_AUTHENTICATOR)
        }
    }

    /// The secret text: never log it.
    pub fn expose(&self) -> &str {
        self.0.expose()
    }
}

/// What every token request of one service flow has in common: the DRM, the token server, the content's
/// own parameters (keys, rights, output protection...), and the token lifetime.
#[derive(Clone, Debug)]
pub struct TokenTemplate {
    /// The DRM.
    pub drm: Drm,
    /// The token server URL; `None` is the DRM's test service.
    pub base_url: Option<String>,
    /// The content's parameters, in order (values may be secrets: content keys).
    pub params: Vec<(String, SecretString)>,
    /// `expirationTime` as `+<seconds>`, 1 to [`MAX_EXPIRATION_SECS`].
    pub expiration_secs: u32,
}

impl TokenTemplate {
    /// A template with no content parameters, the test service, and the default lifetime.
    pub fn new(drm: Drm) -> TokenTemplate {
        TokenTemplate { drm, base_url: None, params: Vec::new(), expiration_secs: DEFAULT_EXPIRATION_SECS }
    }
}

/// What binds a token: the cookie (registration, and correlation), and the device.
#[derive(Copy, Clone, Debug, Default)]
pub struct Binding<'a> {
    /// `cookie`: 1 to 32 characters.
    pub cookie: Option<&'a str>,
    /// `deviceId`: PlayReady only, 32 hex digits after normalisation.
    pub device_id: Option<&'a DeviceId>,
}

/// Checks an expiration: 1 second to 30 days (-2002).
pub fn check_expiration(secs: u32) -> Result<(), Status> {
    if (1..=MAX_EXPIRATION_SECS).contains(&secs) { Ok(()) } else { Err(Status::XPDRM_ERR_INVALID_EXPIRATION_TIME) }
}

/// Device binding is PlayReady's alone: FairPlay answers -6008, Widevine -7002.
pub fn check_device_binding_supported(drm: Drm) -> Result<(), Problem> {
    match drm {
        Drm::PlayReady => Ok(()),
        Drm::FairPlay => Err(Problem::new(
            Status::XPDRM_ERR_FAIRPLAY_DEVICE_BINDING_UNSUPPORTED,
            "deviceId: device binding is not supported for FairPlay (-6008)",
        )),
        Drm::Widevine => Err(Problem::new(
            Status::XPDRM_ERR_WIDEVINE_DEVICE_BINDING_UNSUPPORTED,
            "deviceId: device binding is not supported for Widevine (-7002)",
        )),
    }
}

/// **The** token request of the flow: a `POST` of an `application/x-www-form-urlencoded` body (so the
/// authenticator and content keys stay out of URLs and server logs) to the template's token server, with
/// `customerAuthenticator`, the template's parameters, `expirationTime=+<seconds>`, and the binding's
/// `cookie` and `deviceId`.
pub fn binding_token_request(
    template: &TokenTemplate,
    authenticator: &CustomerAuthenticator,
    binding: Binding<'_>,
) -> Result<OutboundRequest, Problem> {
    check_expiration(template.expiration_secs)
        .map_err(|s| Problem::new(s, "expirationTime must be +1 to +2592000 seconds"))?;
    if let Some(cookie) = binding.cookie {
        crate::device::cookie::check(cookie).map_err(|s| Problem::new(s, "cookie must be 1 to 32 characters"))?;
    }
    if let Some(id) = binding.device_id {
        check_device_binding_supported(template.drm)?;
        if !id.is_32_hex() {
            return Err(Problem::new(
                Status::XPDRM_ERR_DEVICE_ID_NOT_32_HEX,
                format!("deviceId must be 32 hexadecimal digits (device fingerprint {}…)", &id.fingerprint()[..16]),
            ));
        }
    }
    let expiration = format!("+{}", template.expiration_secs);
    let mut pairs: Vec<(&str, &str)> = vec![("customerAuthenticator", authenticator.expose())];
    pairs.extend(template.params.iter().map(|(n, v)| (n.as_str(), v.expose())));
    pairs.push(("expirationTime", &expiration));
    if let Some(cookie) = binding.cookie {
        pairs.push(("cookie", cookie));
    }
    if let Some(id) = binding.device_id {
        pairs.push(("deviceId", id.expose()));
    }
    let url = template.base_url.as_deref().unwrap_or(template.drm.test_token_url());
    crate::xlog!(
        Debug,
        "token request for {:?}: {} parameters, cookie {}, device-bound {}",
        template.drm,
        pairs.len(),
        binding.cookie.is_some(),
        binding.device_id.is_some()
    );
    Ok(OutboundRequest::post(SecretString::from(url), "application/x-www-form-urlencoded", form_body(&pairs))
        .with_header("Accept", "application/json, text/uri-list"))
}

fn refused(reason: String) -> Problem {
    Problem::new(Status::XPDRM_ERR_BINDING_TOKEN_REFUSED, reason)
}

/// **The** reading of a token server's answer: the license URL with its token, which the service hands to
/// the device as `epTokenURL`.
///
/// * 2xx from PlayReady: `{"licenseAcquisitionUrl": "...", "token": "..."}`; the URL becomes
///   `<licenseAcquisitionUrl>?ExpressPlayToken=<token>` (`&` if it already has a query).
/// * 2xx from FairPlay or Widevine: `text/uri-list`, the first line that is not empty or a `#` comment.
/// * Anything else: the JSON error's `code` as its status when xpdrm knows it, else
///   `XPDRM_ERR_BINDING_TOKEN_REFUSED`.
pub fn token_url_from_response(drm: Drm, response: Response<'_>) -> Result<SecretString, Problem> {
    let limits = crate::json::Limits { max_len: 65536, max_depth: 8 };
    if !response.is_success() {
        let code = crate::json::parse(response.body, limits)
            .ok()
            .and_then(|doc| doc.get("code").and_then(serde_json::Value::as_i64))
            .and_then(|c| i32::try_from(c).ok());
        let known = code.and_then(Status::from_code).filter(|s| s.is_server_code());
        let reason = format!(
            "the token server answered HTTP {}{}",
            response.status,
            code.map(|c| format!(" with code {c}")).unwrap_or_default()
        );
        return Err(Problem::new(known.unwrap_or(Status::XPDRM_ERR_BINDING_TOKEN_REFUSED), reason));
    }
    let url = match drm {
        Drm::PlayReady => {
            let doc = crate::json::parse(response.body, limits)
                .map_err(|e| refused(format!("the PlayReady token answer is refused: {e}")))?;
            let field = |k: &str| doc.get(k).and_then(serde_json::Value::as_str);
            let (Some(base), Some(token)) = (field("licenseAcquisitionUrl"), field("token")) else {
                return Err(refused("the PlayReady token answer lacks licenseAcquisitionUrl or token".into()));
            };
            let separator = if base.contains('?') { '&' } else { '?' };
            // Sized in advance (percent-encoding at most triples): a growing String would leave copies behind.
            let mut encoded = String::with_capacity(token.len() * 3);
            encoded.extend(form_urlencoded::byte_serialize(token.as_bytes()));
            let token = SecretString::new(encoded);
            let mut url = String::with_capacity(base.len() + token.expose().len() + 18);
            url.push_str(base);
            url.push(separator);
            url.push_str("ExpressPlayToken=");
            url.push_str(token.expose());
            SecretString::new(url)
        }
        Drm::FairPlay | Drm::Widevine => {
            let text = core::str::from_utf8(response.body)
                .map_err(|_| refused("the token answer is not UTF-8 text".into()))?;
            let line = text
                .split(['\r', '\n'])
                .map(str::trim)
                .find(|l| !l.is_empty() && !l.starts_with('#'))
                .ok_or_else(|| refused("the token answer holds no URL".into()))?;
            SecretString::from(line)
        }
    };
    if let Some(p) = url_problem(url.expose(), MAX_TOKEN_URL_LEN) {
        return Err(refused(format!("the token URL {p}")));
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;
    use Status::*;

    const AUTH: &str = "12345,00112233445566778899aabbccddeeff";
    const ID: &str = "0123456789ABCDEF0123456789ABCDEF";

    fn body(r: &OutboundRequest) -> String {
        String::from_utf8(r.body().to_vec()).unwrap()
    }

    #[test]
    fn the_device_bound_request_carries_binding_and_lifetime() {
        let mut t = TokenTemplate::new(Drm::PlayReady);
        t.params.push(("contentKey".into(), SecretString::from("000102030405060708090a0b0c0d0e0f")));
        t.params.push(("rightsType".into(), SecretString::from("BuyToOwn")));
        t.expiration_secs = 600;
        let id = DeviceId::new(ID).unwrap();
        let auth = CustomerAuthenticator::new(AUTH).unwrap();
        let r = binding_token_request(&t, &auth, Binding { cookie: Some("c k"), device_id: Some(&id) }).unwrap();
        assert_eq!(r.url(), "https://pr-gen.test.expressplay.com/hms/pr/token");
        assert_eq!(r.method(), crate::outbound::Method::Post);
        assert_eq!(
            body(&r),
            "customerAuthenticator=12345%2C00112233445566778899aabbccddeeff&contentKey=000102030405060708090a0b0c0d0e0f\
             &rightsType=BuyToOwn&expirationTime=%2B600&cookie=c+k&deviceId=0123456789abcdef0123456789abcdef"
        );
        assert_eq!(r.headers()[0].0, "Content-Type");
        assert_eq!(r.headers()[0].1.expose(), "application/x-www-form-urlencoded");
    }

    #[test]
    fn flow_rules_have_the_servers_codes() {
        let auth = CustomerAuthenticator::new(AUTH).unwrap();
        let id = DeviceId::new(ID).unwrap();
        let bound = Binding { cookie: Some("c"), device_id: Some(&id) };
        let code = |t: &TokenTemplate, b| binding_token_request(t, &auth, b).unwrap_err().status;
        assert_eq!(code(&TokenTemplate::new(Drm::FairPlay), bound), XPDRM_ERR_FAIRPLAY_DEVICE_BINDING_UNSUPPORTED);
        assert_eq!(code(&TokenTemplate::new(Drm::Widevine), bound), XPDRM_ERR_WIDEVINE_DEVICE_BINDING_UNSUPPORTED);
        let short = DeviceId::new("0123456789abcdef").unwrap();
        let p = binding_token_request(
            &TokenTemplate::new(Drm::PlayReady),
            &auth,
            Binding { cookie: None, device_id: Some(&short) },
        )
        .unwrap_err();
        assert_eq!(p.status, XPDRM_ERR_DEVICE_ID_NOT_32_HEX);
        assert!(!p.reason.contains("0123456789abcdef"), "{}", p.reason);
        let long_cookie = "x".repeat(33);
        assert_eq!(
            code(&TokenTemplate::new(Drm::FairPlay), Binding { cookie: Some(&long_cookie), device_id: None }),
            XPDRM_ERR_INVALID_COOKIE
        );
        let mut t = TokenTemplate::new(Drm::FairPlay);
        t.expiration_secs = MAX_EXPIRATION_SECS + 1;
        assert_eq!(code(&t, Binding::default()), XPDRM_ERR_INVALID_EXPIRATION_TIME);
        t.expiration_secs = MAX_EXPIRATION_SECS;
        assert!(binding_token_request(&t, &auth, Binding { cookie: Some("c"), device_id: None }).is_ok());
        assert_eq!(check_expiration(0), Err(XPDRM_ERR_INVALID_EXPIRATION_TIME));
    }

    #[test]
    fn authenticator_form() {
        assert!(CustomerAuthenticator::new(AUTH).is_ok());
        assert_eq!(CustomerAuthenticator::new("").unwrap_err(), XPDRM_ERR_MISSING_AUTHENTICATOR);
        for bad in [
            "12345",
            ",00112233445566778899aabbccddeeff",
            "12a,00112233445566778899aabbccddeeff",
            "1,0011",
            "1,00112233445566778899aabbccddeeffg",
        ] {
            assert_eq!(CustomerAuthenticator::new(bad).unwrap_err(), XPDRM_ERR_INVALID_AUTHENTICATOR, "{bad}");
        }
        assert!(!format!("{:?}", CustomerAuthenticator::new(AUTH).unwrap()).contains("0011"));
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
                b"# comment\r\n\r\nhttps://fp.service.expressplay.com:80/hms/fp/rights/?ExpressPlayToken=T\r\n",
            ),
        )
        .unwrap();
        assert_eq!(fp.expose(), "https://fp.service.expressplay.com:80/hms/fp/rights/?ExpressPlayToken=T");
        let err = |status, body: &'static [u8]| {
            token_url_from_response(Drm::Widevine, Response { status, content_type: Some("application/json"), body })
                .unwrap_err()
                .status
        };
        assert_eq!(
            err(400, br#"{"code":-7008,"message":"[-7008] Failed to generate Widevine license"}"#),
            XPDRM_ERR_CANNOT_GENERATE_WIDEVINE_LICENSE
        );
        assert_eq!(err(400, br#"{"code":-9999}"#), XPDRM_ERR_BINDING_TOKEN_REFUSED);
        assert_eq!(err(500, b"<html>oops</html>"), XPDRM_ERR_BINDING_TOKEN_REFUSED);
        assert_eq!(err(200, b"# only a comment\n"), XPDRM_ERR_BINDING_TOKEN_REFUSED);
        assert_eq!(err(200, b"\xff"), XPDRM_ERR_BINDING_TOKEN_REFUSED);
        assert_eq!(err(200, b"not a url"), XPDRM_ERR_BINDING_TOKEN_REFUSED);
        let pr_bad = |body: &'static [u8]| {
            token_url_from_response(Drm::PlayReady, ok("application/json", body)).unwrap_err().status
        };
        assert_eq!(pr_bad(br#"{"token":"x"}"#), XPDRM_ERR_BINDING_TOKEN_REFUSED);
        assert_eq!(pr_bad(b"nope"), XPDRM_ERR_BINDING_TOKEN_REFUSED);
    }
}
