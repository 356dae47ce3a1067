//! The operations a player (or an entitlement service) needs, each a thin composition of the core's request
//! descriptions and parsers with [`Client::execute`]: nothing is validated or parsed here that the core
//! already validates or parses.

use zeroize::Zeroizing;

use super::client::{Answer, Client, Repeat};
use super::events::Operation;
use crate::Status;
use crate::binding::record::device_id_for_cookie;
use crate::binding::token::CustomerAuthenticator;
use crate::binding::{DeviceFlow, ServiceFlow, Step, already_failed, device, wrong_state};
use crate::device::id::DeviceId;
use crate::outbound::{Method, OutboundRequest, is_json_media_type, url_with_query};
use crate::secret_string::SecretString;
use crate::sees::{Denial, EntitlementRequest, EntitlementResponse, Problem};
use crate::token::{Drm, TOKEN_HEADER, TokenRequest, TokenResponse};

/// Where a license redemption puts the token.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum TokenPlacement {
    /// In the URL, as the token server returned it (`...?ExpressPlayToken=<token>`).
    Url,
    /// In an `ExpressPlayToken` request header, the URL without it.
    Header,
}

/// Largest challenge (SPC, license request) sent, in bytes: the device-binding flow's limit for SPCs.
pub const MAX_CHALLENGE_LEN: usize = device::MAX_SPC_LEN;

/// SEES and the record retrieval answer JSON: an answer with another content type is refused before its
/// body is read as JSON (an answer without one is read).
fn require_json(answer: &Answer, who: &str) -> Result<(), Problem> {
    match answer.content_type.as_deref() {
        Some(ct) if !is_json_media_type(ct) => Err(Problem::new(
            Status::XPDRM_ERR_HTTP_CONTENT_TYPE,
            format!("{who} answered HTTP {} with content type {:?}, not JSON", answer.status, printable(ct)),
        )),
        _ => Ok(()),
    }
}

/// A server-given text made safe to quote in a reason: printable ASCII, at most 64 characters.
fn printable(s: &str) -> String {
    s.chars().take(64).map(|c| if c.is_ascii_graphic() || c == ' ' { c } else { '?' }).collect()
}

fn require_success(answer: &Answer, who: &str) -> Result<(), Problem> {
    if answer.is_success() {
        Ok(())
    } else {
        Err(Problem::new(Status::XPDRM_ERR_HTTP_STATUS, format!("{who} answered HTTP {}", answer.status)))
    }
}

/// The `Accept` header of a token request: a Marlin BB server answers an XML action token.
fn accept(drm: Drm) -> &'static str {
    match drm {
        Drm::MarlinBb => {
            "application/vnd.marlin.drm.actiontoken+xml, application/xml;q=0.9, application/json, text/html;q=0.5"
        }
        _ => "application/json, text/uri-list, text/html;q=0.5",
    }
}

impl Client {
    /// Fetches a token: the token request as a `GET` of its URL or a `POST` of its form body (checked whole
    /// by the token module first: a missing parameter is its code, and nothing is sent), and the answer read
    /// by [`TokenResponse::parse`]. A server error is a successful result with an error code, as for
    /// `parse`; a 5xx answer is not retried (a token request mints a token).
    pub fn fetch_token(&self, request: &TokenRequest, method: Method) -> Result<TokenResponse, Problem> {
        let drm = request.drm();
        let out = match method {
            Method::Get => {
                let mut url = request.url()?;
                OutboundRequest::get(SecretString::new(core::mem::take(&mut *url)))
            }
            Method::Post => {
                let mut form = request.form()?;
                let body = Zeroizing::new(core::mem::take(&mut *form).into_bytes());
                OutboundRequest::post(SecretString::from(request.base_url()), "application/x-www-form-urlencoded", body)
            }
        }
        .with_header("Accept", accept(drm));
        let answer = self.execute_op(&out, Repeat::UnlessSent, Operation::FetchToken)?;
        TokenResponse::parse(drm, answer.status, answer.content_type.as_deref(), &answer.body).map_err(|s| {
            Problem::new(
                s,
                format!("the {} token server's answer (HTTP {}) is refused: {}", drm.name(), answer.status, s.text()),
            )
        })
    }

    /// Redeems a license: `POST`s the DRM's challenge (1 byte to [`MAX_CHALLENGE_LEN`]) to the license URL
    /// (the token URL a token server or SEES returned), with the token in the URL or in an `ExpressPlayToken`
    /// header. A 2xx answer's body is the license. Any other answer fails: with the ExpressPlay code it holds
    /// when xpdrm knows it (read as [`TokenResponse::parse`] reads error answers; -4001 for a device the
    /// license server does not accept, say), else `XPDRM_ERR_HTTP_STATUS`. Not retried after a 5xx.
    pub fn redeem_license(
        &self,
        license_url: &str,
        challenge: &[u8],
        placement: TokenPlacement,
    ) -> Result<Zeroizing<Vec<u8>>, Problem> {
        if challenge.is_empty() {
            return Err(Problem::new(Status::XPDRM_ERR_INVALID_ARGUMENT, "the challenge is empty"));
        }
        if challenge.len() > MAX_CHALLENGE_LEN {
            return Err(Problem::new(
                Status::XPDRM_ERR_INPUT_TOO_LARGE,
                format!("the challenge is {} bytes; at most {MAX_CHALLENGE_LEN} are sent", challenge.len()),
            ));
        }
        super::client::check_url(license_url)?;
        let body = Zeroizing::new(challenge.to_vec());
        let out = match placement {
            TokenPlacement::Url => {
                OutboundRequest::post(SecretString::from(license_url), "application/octet-stream", body)
            }
            TokenPlacement::Header => {
                // The URL read as a token server's text/uri-list answer: its base and its token.
                let parts = TokenResponse::parse(Drm::PlayReady, 200, Some("text/uri-list"), license_url.as_bytes())
                    .map_err(|s| {
                        Problem::new(s, format!("the license URL holds no token to put in a header: {}", s.text()))
                    })?;
                let no_token = |s: Status| Problem::new(s, "the license URL holds no token to put in a header");
                let (base, token) = (parts.license_base_url().map_err(no_token)?, parts.token().map_err(no_token)?);
                OutboundRequest::post(SecretString::from(base), "application/octet-stream", body)
                    .with_header(TOKEN_HEADER, token)
            }
        };
        let mut answer = self.execute_op(&out, Repeat::UnlessSent, Operation::RedeemLicense)?;
        if answer.is_success() {
            crate::xlog!(Info, "license redeemed at {}: {} bytes", out.redacted_url(), answer.body.len());
            return Ok(core::mem::take(&mut answer.body));
        }
        // The DRM is only recorded by the parse; error answers read the same for all three.
        let code = TokenResponse::parse(Drm::PlayReady, answer.status, answer.content_type.as_deref(), &answer.body)
            .map(|r| r.error_code())
            .unwrap_or(0);
        let known = Status::from_code(code).filter(|s| s.is_server_code());
        let problem = match known {
            Some(s) => Problem::new(
                s,
                format!("the license server answered HTTP {} with code {code}: {}", answer.status, s.text()),
            ),
            None => Problem::new(
                Status::XPDRM_ERR_HTTP_STATUS,
                format!("the license server answered HTTP {} without an error code xpdrm knows", answer.status),
            ),
        };
        crate::xlog!(Warn, "license redemption at {} refused: {}", out.redacted_url(), problem.reason);
        Err(problem)
    }

    /// Sends an entitlement request to SEES (`POST`, JSON) and checks the answer against it
    /// ([`EntitlementResponse::parse_for`]). The outer error is the transport's (or a non-2xx status,
    /// `XPDRM_ERR_HTTP_STATUS`, or a content type other than JSON, `XPDRM_ERR_HTTP_CONTENT_TYPE`); the inner
    /// result is SEES's verdict. Retried after a 5xx: the repeat carries the same `messageID`, by which a
    /// SEES recognises it (the reference server answers a repeat from its record of the first).
    pub fn exchange_entitlement(
        &self,
        sees_url: &str,
        request: &EntitlementRequest,
    ) -> Result<Result<EntitlementResponse, Denial>, Problem> {
        device::check_url("the SEES URL", sees_url)?;
        let body = Zeroizing::new(request.to_json().into_bytes());
        let out = OutboundRequest::post(SecretString::from(sees_url), "application/json", body)
            .with_header("Accept", "application/json");
        let answer = self.execute_op(&out, Repeat::Idempotent, Operation::ExchangeEntitlement)?;
        require_success(&answer, "SEES")?;
        require_json(&answer, "SEES")?;
        Ok(EntitlementResponse::parse_for(request, &answer.body))
    }

    /// Looks up the device that used `cookie`: `GET <record_url>?customerAuthenticator=...&cookie=...`, the
    /// answer read by the core's record reader (the format in the README). The authenticator is checked by
    /// the token module's rule (-2017, -2018) and the cookie by the cookie rule (-2033) before anything is
    /// sent. Retried after a 5xx (a read).
    pub fn lookup_record(&self, record_url: &str, authenticator: &str, cookie: &str) -> Result<DeviceId, Problem> {
        device::check_url("the record retrieval URL", record_url)?;
        // The customerAuthenticator rule is the same in the three DRMs' tables.
        let authenticator = CustomerAuthenticator::new(Drm::PlayReady, authenticator)?;
        crate::device::cookie::check(cookie).map_err(|s| Problem::new(s, "the cookie must be 1 to 32 characters"))?;
        let url = url_with_query(record_url, &[("customerAuthenticator", authenticator.expose()), ("cookie", cookie)]);
        let out = OutboundRequest::get(url).with_header("Accept", "application/json");
        let answer = self.execute_op(&out, Repeat::Idempotent, Operation::LookupRecord)?;
        require_success(&answer, "the record retrieval")?;
        require_json(&answer, "the record retrieval")?;
        device_id_for_cookie(&answer.body, cookie)
    }

    /// Runs the device's side of the device-binding flow from where it stands (register the cookie, send the
    /// SPC, request the device-bound entitlement) to its end: afterwards
    /// [`DeviceFlow::token_url`] gives the device-bound token URL. A bad answer fails the flow, as
    /// [`DeviceFlow::handle_response`] decides. A transport failure (or SEES answering in another content
    /// type than JSON) leaves the flow at the step that awaited the answer: start a new flow.
    pub fn run_device_binding(&self, flow: &mut DeviceFlow, spc: &[u8]) -> Result<(), Problem> {
        loop {
            let step = flow.step();
            let (request, repeat, from_sees) = match step {
                Step::Register => (flow.registration_request()?, Repeat::Idempotent, true),
                Step::SendSpc => (flow.spc_request(spc)?, Repeat::UnlessSent, false),
                Step::RequestBound => (flow.bound_request()?, Repeat::Idempotent, true),
                Step::Done => return Ok(()),
                _ => return Err(stuck("run_device_binding", step, flow.failure())),
            };
            let answer = self.execute_op(&request, repeat, Operation::DeviceBinding)?;
            if from_sees && answer.is_success() {
                require_json(&answer, "SEES")?;
            }
            flow.handle_response(answer.response())?;
        }
    }

    /// Runs an entitlement service's flow from where it stands (after `begin`) to its end: the record lookup
    /// (retried after a 5xx) and the token request (not retried after a 5xx). Afterwards
    /// [`ServiceFlow::entitlement_response`] gives the answer for the device. A transport failure leaves the
    /// flow at the step that awaited the answer; the service then answers the device with a denial of its
    /// own.
    pub fn run_binding_service(&self, flow: &mut ServiceFlow) -> Result<(), Problem> {
        loop {
            let step = flow.step();
            let (request, repeat, records) = match step {
                Step::LookupRecord => (flow.record_request()?, Repeat::Idempotent, true),
                Step::RequestToken => (flow.token_request()?, Repeat::UnlessSent, false),
                Step::Done => return Ok(()),
                _ => return Err(stuck("run_binding_service", step, flow.failure())),
            };
            let answer = self.execute_op(&request, repeat, Operation::BindingService)?;
            if records && answer.is_success() {
                require_json(&answer, "the record retrieval")?;
            }
            flow.handle_response(answer.response())?;
        }
    }
}

/// Why a flow cannot be run from where it stands: it failed, or it awaits an answer that only the caller
/// who sent the request can give.
fn stuck(call: &str, step: Step, failure: Option<&Problem>) -> Problem {
    match failure {
        Some(p) => already_failed(call, p),
        None => wrong_state(call, step),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printable_replaces_what_is_not_printable_ascii() {
        assert_eq!(printable("text/html\r\nX: y"), "text/html??X: y");
    }
}
