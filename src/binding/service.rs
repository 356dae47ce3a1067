//! The entitlement service's side of the device-binding flow: one [`ServiceFlow`] per entitlement request.
//!
//! Configure it (the DRM, the customer authenticator, the content's token template, optionally the token
//! and record servers, the token lifetime, an expected device), then [`ServiceFlow::begin`] with the
//! parsed request. Token parameters are the token module's: the template is a [`TokenRequest`] whose values
//! were checked when they were set, and every token request is built and checked by it. What follows
//! depends on `requestType`:
//!
//! * 2, device registration (step 1): a token bound to the request's `customerCookie`
//!   ([`ServiceFlow::token_request`]).
//! * 3, device-bound (steps 3 and 4): the transaction-record lookup by cookie
//!   ([`ServiceFlow::record_request`], or a device ID from another source with
//!   [`ServiceFlow::set_device_id`]), then a token bound to that device and to the configured lifetime.
//!   PlayReady only: FairPlay fails with -6008 and Widevine with -7002 at `begin`, before any lookup.
//! * 1, time-based: a token bound to the configured lifetime (and the cookie, if the request has one).
//!
//! Each answer goes to [`ServiceFlow::handle_response`]. At the end, [`ServiceFlow::entitlement_response`]
//! gives the answer for the device: it grants the license with the token URL, or, when the flow failed,
//! denies it with `error` set to the failure's status code and `errorText` to that status's text.

use super::record::device_id_for_cookie;
use super::token::{
    Binding, CustomerAuthenticator, DEFAULT_EXPIRATION_SECS, binding_token_request, check_device_binding_supported,
    check_template, token_url_from_response,
};
use super::{Step, already_failed, device::check_url, wrong_state};
use crate::Status;
use crate::device::id::DeviceId;
use crate::outbound::{OutboundRequest, Response, url_with_query};
use crate::secret_string::SecretString;
use crate::sees::{EntitlementRequest, EntitlementResponse, Problem, Rejection, RequestType};
use crate::token::{Drm, TokenRequest};

/// The record retrieval of the test service (SPEC.md §1), the default.
pub const TEST_RECORD_URL: &str = "https://api.test.expressplay.com/cmiapi/getrecord/";

struct Job {
    request: EntitlementRequest,
    device_id: Option<DeviceId>,
}

enum State {
    Begin,
    LookupRecord(Job),
    AwaitRecord(Job),
    RequestToken(Job),
    AwaitToken(Job),
    Done(Job, SecretString),
    /// The failure, and the denial that answers it (or why there can be none).
    Failed(Problem, Result<EntitlementResponse, Problem>),
}

/// The service's state machine for one entitlement request. See the module documentation.
pub struct ServiceFlow {
    /// The content's token parameters and the token server (the template's base URL).
    template: TokenRequest,
    /// A token server set on the flow, which overrides any template's base URL.
    token_base_url: Option<String>,
    /// `expirationTime=+<seconds>` of every token request.
    expiration_secs: u32,
    authenticator: CustomerAuthenticator,
    record_base_url: String,
    expected_device_id: Option<DeviceId>,
    state: State,
}

impl core::fmt::Debug for ServiceFlow {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "ServiceFlow({:?}, step {:?})", self.template.drm(), self.step())
    }
}

fn denial_for(request: &EntitlementRequest, failure: &Problem) -> Result<EntitlementResponse, Problem> {
    let mut denial = EntitlementResponse::deny(request);
    denial.set_error(failure.status.code(), Some(failure.status.text()))?;
    Ok(denial)
}

impl ServiceFlow {
    /// A new flow for `drm`, with the customer authenticator, checked by the token module's rule (-2017 when
    /// empty, -2018 when not `<digits>,<32 hex>`) and kept in memory that is wiped on drop and never logged.
    /// Its token template is empty until [`set_token_template`](Self::set_token_template): a token request
    /// then fails with the code of the first parameter the DRM requires.
    pub fn new(drm: Drm, customer_authenticator: &str) -> Result<ServiceFlow, Problem> {
        if drm.is_marlin() {
            // SEES device binding (SPEC.md section 6) is for the license-token DRMs only.
            return Err(Problem::new(
                crate::Status::XPDRM_ERR_UNKNOWN_DRM,
                format!("the device-binding flow has no {} tokens: FairPlay, Widevine or PlayReady only", drm.name()),
            ));
        }
        let authenticator = CustomerAuthenticator::new(drm, customer_authenticator)?;
        Ok(ServiceFlow {
            template: TokenRequest::new(drm),
            token_base_url: None,
            expiration_secs: DEFAULT_EXPIRATION_SECS,
            authenticator,
            record_base_url: TEST_RECORD_URL.to_owned(),
            expected_device_id: None,
            state: State::Begin,
        })
    }

    /// Where the flow stands.
    pub fn step(&self) -> Step {
        match self.state {
            State::Begin => Step::Begin,
            State::LookupRecord(_) => Step::LookupRecord,
            State::AwaitRecord(_) => Step::AwaitRecord,
            State::RequestToken(_) => Step::RequestToken,
            State::AwaitToken(_) => Step::AwaitToken,
            State::Done(..) => Step::Done,
            State::Failed(..) => Step::Failed,
        }
    }

    /// A sentence about where the flow stands or why it failed (safe to log).
    pub fn describe(&self) -> String {
        match &self.state {
            State::Begin => "configured; waiting for the entitlement request".into(),
            State::LookupRecord(_) => "ready to look up the transaction records by cookie".into(),
            State::AwaitRecord(_) => "waiting for the transaction records".into(),
            State::RequestToken(_) => "ready to request the token".into(),
            State::AwaitToken(_) => "waiting for the token server".into(),
            State::Done(..) => "done: the entitlement response grants the license".into(),
            State::Failed(p, _) => p.reason.clone(),
        }
    }

    /// The failure, once the flow has failed.
    pub fn failure(&self) -> Option<&Problem> {
        match &self.state {
            State::Failed(p, _) => Some(p),
            _ => None,
        }
    }

    fn check_step(&self, call: &str, allowed: &[Step]) -> Result<(), Problem> {
        match &self.state {
            State::Failed(p, _) => Err(already_failed(call, p)),
            _ if allowed.contains(&self.step()) => Ok(()),
            _ => Err(wrong_state(call, self.step())),
        }
    }

    fn configure(&mut self, call: &str) -> Result<&mut Self, Problem> {
        self.check_step(call, &[Step::Begin])?;
        Ok(self)
    }

    /// The token server, checked as [`TokenRequest::set_base_url`] checks it (`XPDRM_ERR_INVALID_BASE_URL`).
    /// It overrides the template's base URL, whether the template is set before or after. Without it, token
    /// requests go to the template's base URL (the DRM's test service unless the template says otherwise).
    /// Before `begin` only.
    pub fn set_token_base_url(&mut self, url: &str) -> Result<(), Problem> {
        let this = self.configure("set_token_base_url")?;
        this.template.set_base_url(url)?;
        this.token_base_url = Some(url.to_owned());
        Ok(())
    }

    /// The record retrieval (default: [`TEST_RECORD_URL`]). Before `begin` only.
    pub fn set_record_base_url(&mut self, url: &str) -> Result<(), Problem> {
        check_url("the record retrieval URL", url)?;
        self.configure("set_record_base_url")?.record_base_url = url.to_owned();
        Ok(())
    }

    /// The lifetime of the tokens requested (`expirationTime=+<seconds>`), checked by the token module's rule
    /// for `expirationTime` (at most 30 days, -2002); one hour if not set. Before `begin` only.
    pub fn set_expiration(&mut self, seconds: u32) -> Result<(), Problem> {
        let this = self.configure("set_expiration")?;
        this.template.check_value("expirationTime", &format!("+{seconds}"))?;
        this.expiration_secs = seconds;
        Ok(())
    }

    /// The content's token parameters (keys, rights, output protection...): a copy of `template`, a request
    /// for the flow's DRM whose values the token module checked when they were set, and which passes its
    /// whole-request check ([`TokenRequest::check`]) now, so that a missing parameter shows here and not in
    /// the middle of a flow. It may not hold the parameters the flow sets itself
    /// ([`FLOW_PARAMS`](super::token::FLOW_PARAMS): `customerAuthenticator`, `cookie`, `deviceId`,
    /// `expirationTime`): `XPDRM_ERR_INVALID_ARGUMENT`, as for a template of another DRM. Its base URL is
    /// where token requests go, unless [`set_token_base_url`](Self::set_token_base_url) says otherwise.
    /// Replaces an earlier template; a refused one changes nothing. Before `begin` only.
    pub fn set_token_template(&mut self, template: &TokenRequest) -> Result<(), Problem> {
        let this = self.configure("set_token_template")?;
        let drm = this.template.drm();
        if template.drm() != drm {
            return Err(Problem::new(
                Status::XPDRM_ERR_INVALID_ARGUMENT,
                format!(
                    "the token template is a {} request; this flow asks the {} token server",
                    template.drm().name(),
                    drm.name()
                ),
            ));
        }
        check_template(template)?;
        template.check()?;
        let mut copy = template.clone();
        if let Some(url) = &this.token_base_url {
            copy.set_base_url(url)?;
        }
        this.template = copy;
        crate::xlog!(Debug, "device binding (service): {} token template set", drm.name());
        Ok(())
    }

    /// The device the cookie must lead to (for instance the one registered to the account): a lookup that
    /// finds another device fails with `XPDRM_ERR_BINDING_DEVICE_ID_MISMATCH`. Before `begin` only.
    pub fn set_expected_device_id(&mut self, id: &str) -> Result<(), Problem> {
        let id = DeviceId::new(id).map_err(|s| Problem::new(s, "the expected device ID is refused"))?;
        self.configure("set_expected_device_id")?.expected_device_id = Some(id);
        Ok(())
    }

    fn fail(&mut self, problem: Problem, request: Option<&EntitlementRequest>) -> Problem {
        crate::xlog!(Warn, "device binding (service) failed: {}", problem.reason);
        let answer = match request {
            Some(r) => denial_for(r, &problem),
            None => Err(problem.clone()),
        };
        self.state = State::Failed(problem.clone(), answer);
        problem
    }

    /// Starts on a valid entitlement request. A request that the flow cannot serve (no `requestType`, no
    /// `customerCookie` for type 2 or 3, type 3 with FairPlay or Widevine) fails the flow; the entitlement
    /// response is then a denial.
    pub fn begin(&mut self, request: &EntitlementRequest) -> Result<(), Problem> {
        self.check_step("begin", &[Step::Begin])?;
        let job = Job { request: request.clone(), device_id: None };
        let cookie = request.customer_cookie();
        let next = match (request.request_type(), cookie) {
            (None, _) => Err(Problem::new(
                Status::XPDRM_ERR_SEES_MISSING_FIELD,
                "requestType is missing; the device-binding service needs it",
            )),
            (Some(t @ (RequestType::DeviceRegistration | RequestType::DeviceBound)), None) => Err(Problem::new(
                Status::XPDRM_ERR_SEES_MISSING_FIELD,
                format!("customerCookie is missing; requestType {} needs it", t.code()),
            )),
            (Some(RequestType::DeviceBound), Some(_)) => {
                check_device_binding_supported(self.template.drm()).map(|()| State::LookupRecord(job))
            }
            (Some(_), _) => Ok(State::RequestToken(job)),
        };
        match next {
            Ok(state) => {
                self.state = state;
                crate::xlog!(
                    Info,
                    "device binding (service): request {} now at {:?}",
                    request.message_id(),
                    self.step()
                );
                Ok(())
            }
            Err(p) => Err(self.fail(p, Some(request))),
        }
    }

    /// Starts on a request that was refused when it was parsed: the flow fails at once, and its
    /// entitlement response is a denial addressed to the request's `messageID` when that was readable.
    /// Returns the rejection's status and reason.
    pub fn begin_rejected(&mut self, rejection: &Rejection) -> Result<(), Problem> {
        self.check_step("begin", &[Step::Begin])?;
        let problem = Problem::new(rejection.status, rejection.reason.clone());
        let answer = match &rejection.message_id {
            Some(id) => EntitlementResponse::deny_message(id).and_then(|mut d| {
                d.set_error(problem.status.code(), Some(problem.status.text()))?;
                Ok(d)
            }),
            None => Err(problem.clone()),
        };
        crate::xlog!(Warn, "device binding (service): the entitlement request was refused: {}", problem.reason);
        self.state = State::Failed(problem.clone(), answer);
        Err(problem)
    }

    /// The transaction-record lookup: `GET <record base>?customerAuthenticator=...&cookie=...`. The URL
    /// holds the authenticator: never log it (the request's redacted URL is safe).
    pub fn record_request(&mut self) -> Result<OutboundRequest, Problem> {
        self.check_step("record_request", &[Step::LookupRecord])?;
        let State::LookupRecord(job) = core::mem::replace(&mut self.state, State::Begin) else {
            unreachable!("checked above")
        };
        let cookie = job.request.customer_cookie().unwrap_or_default();
        let url = url_with_query(
            &self.record_base_url,
            &[("customerAuthenticator", self.authenticator.expose()), ("cookie", cookie)],
        );
        let out = OutboundRequest::get(url).with_header("Accept", "application/json");
        crate::xlog!(Debug, "device binding (service): record lookup at {}", out.redacted_url());
        self.state = State::AwaitRecord(job);
        Ok(out)
    }

    fn accept_device_id(&mut self, id: DeviceId) -> Result<(), Problem> {
        let (State::LookupRecord(job) | State::AwaitRecord(job)) = core::mem::replace(&mut self.state, State::Begin)
        else {
            unreachable!("checked by the callers")
        };
        if let Some(expected) = &self.expected_device_id
            && !expected.ct_matches(&id)
        {
            let p = Problem::new(
                Status::XPDRM_ERR_BINDING_DEVICE_ID_MISMATCH,
                format!(
                    "the cookie leads to device {}…, not to the expected device {}…",
                    &id.fingerprint()[..16],
                    &expected.fingerprint()[..16]
                ),
            );
            return Err(self.fail(p, Some(&job.request)));
        }
        crate::xlog!(Info, "device binding (service): device fingerprint {}", id.fingerprint());
        self.state = State::RequestToken(Job { device_id: Some(id), ..job });
        Ok(())
    }

    /// A device ID from another source than the record lookup (instead of `record_request` and its answer,
    /// or instead of the answer). An empty or oversized ID is refused and changes nothing.
    pub fn set_device_id(&mut self, id: &str) -> Result<(), Problem> {
        self.check_step("set_device_id", &[Step::LookupRecord, Step::AwaitRecord])?;
        let id = DeviceId::new(id).map_err(|s| Problem::new(s, "the device ID is refused"))?;
        self.accept_device_id(id)
    }

    /// The token request (see [`binding_token_request`]); its body holds the authenticator and the
    /// content's parameters. A request the rules refuse (a device ID that is not 32 hex digits: -5004)
    /// fails the flow.
    pub fn token_request(&mut self) -> Result<OutboundRequest, Problem> {
        self.check_step("token_request", &[Step::RequestToken])?;
        let State::RequestToken(job) = core::mem::replace(&mut self.state, State::Begin) else {
            unreachable!("checked above")
        };
        let binding = Binding {
            cookie: job.request.customer_cookie(),
            device_id: job.device_id.as_ref(),
            expiration_secs: self.expiration_secs,
        };
        match binding_token_request(&self.template, &self.authenticator, binding) {
            Ok(out) => {
                self.state = State::AwaitToken(job);
                Ok(out)
            }
            Err(p) => Err(self.fail(p, Some(&job.request))),
        }
    }

    /// The answer to the request handed out last (the records, or the token server's answer). A bad
    /// answer fails the flow.
    pub fn handle_response(&mut self, response: Response<'_>) -> Result<(), Problem> {
        self.check_step("handle_response", &[Step::AwaitRecord, Step::AwaitToken])?;
        if let State::AwaitRecord(job) = &self.state {
            let request = job.request.clone();
            if !response.is_success() {
                let p = Problem::new(
                    Status::XPDRM_ERR_BINDING_HTTP_STATUS,
                    format!("the record retrieval answered HTTP {}", response.status),
                );
                return Err(self.fail(p, Some(&request)));
            }
            return match device_id_for_cookie(response.body, request.customer_cookie().unwrap_or_default()) {
                Ok(id) => self.accept_device_id(id),
                Err(p) => Err(self.fail(p, Some(&request))),
            };
        }
        let State::AwaitToken(job) = core::mem::replace(&mut self.state, State::Begin) else {
            unreachable!("checked above")
        };
        match token_url_from_response(self.template.drm(), response) {
            Ok(url) => {
                crate::xlog!(Info, "device binding (service): token received for {}", job.request.message_id());
                self.state = State::Done(job, url);
                Ok(())
            }
            Err(p) => Err(self.fail(p, Some(&job.request))),
        }
    }

    /// The answer for the device: a grant with the token URL when done; a denial (or, for a request whose
    /// `messageID` was unreadable, the failure itself) when failed; `XPDRM_ERR_BINDING_WRONG_STATE` before.
    pub fn entitlement_response(&self) -> Result<EntitlementResponse, Problem> {
        match &self.state {
            State::Done(job, url) => EntitlementResponse::allow(&job.request, url.expose()),
            State::Failed(_, answer) => answer.clone(),
            _ => Err(wrong_state("entitlement_response", self.step())),
        }
    }

    /// The fingerprint of the device ID the flow found (safe to log), once it has one.
    pub fn device_id_fingerprint(&self) -> Option<String> {
        match &self.state {
            State::RequestToken(job) | State::AwaitToken(job) | State::Done(job, _) => {
                job.device_id.as_ref().map(DeviceId::fingerprint)
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::token::tests::template;
    use super::*;
    use Status::*;

    const AUTH: &str = "12345,00112233445566778899aabbccddeeff";
    const CONTENT: &str = "3f2504e0-4f89-11d3-9a0c-0305e82c3301";
    const ID: &str = "0123456789ABCDEF0123456789ABCDEF";
    const COOKIE: &str = "k3JbW1GQ7m0w2Yx8nHq4Zt5vLc6pR9sA";
    const PR_ANSWER: &[u8] =
        br#"{"licenseAcquisitionUrl":"https://pr.test.expressplay.com/playready/RightsManager.asmx","token":"PRTOKEN"}"#;

    fn request(t: RequestType, cookie: Option<&str>) -> EntitlementRequest {
        EntitlementRequest::new(CONTENT, t, cookie).unwrap()
    }

    fn ok(body: &[u8]) -> Response<'_> {
        Response { status: 200, content_type: Some("application/json"), body }
    }

    fn records() -> String {
        format!(r#"{{"records":[{{"cookie":"{COOKIE}","device_id":"{ID}"}}]}}"#)
    }

    fn service_for(drm: Drm) -> ServiceFlow {
        let mut s = ServiceFlow::new(drm, AUTH).unwrap();
        s.set_token_template(&template(drm)).unwrap();
        s
    }

    fn service() -> ServiceFlow {
        let mut s = service_for(Drm::PlayReady);
        s.set_expiration(900).unwrap();
        s
    }

    #[test]
    fn device_bound_request_walks_lookup_token_and_grant() {
        let mut s = service();
        s.set_record_base_url("http://127.0.0.1:8080/getrecord/").unwrap();
        let req = request(RequestType::DeviceBound, Some(COOKIE));
        s.begin(&req).unwrap();
        assert_eq!(s.step(), Step::LookupRecord);
        let lookup = s.record_request().unwrap();
        assert_eq!(lookup.method().name(), "GET");
        assert_eq!(
            lookup.url(),
            format!(
                "http://127.0.0.1:8080/getrecord/?customerAuthenticator=12345%2C00112233445566778899aabbccddeeff&cookie={COOKIE}"
            )
        );
        assert_eq!(lookup.redacted_url(), "http://127.0.0.1:8080/getrecord/?<redacted>");
        assert_eq!(s.step(), Step::AwaitRecord);
        s.handle_response(ok(records().as_bytes())).unwrap();
        assert_eq!(s.device_id_fingerprint(), Some(crate::device::id::fingerprint(ID).unwrap()));
        let token = s.token_request().unwrap();
        let body = String::from_utf8(token.body().to_vec()).unwrap();
        assert!(
            body.starts_with("kid=b366360da82e9c6e0b0984002a362cf2&contentKey=000102030405060708090a0b0c0d0e0f&"),
            "{body}"
        );
        assert!(
            body.ends_with(&format!(
                "&customerAuthenticator=12345%2C00112233445566778899aabbccddeeff&expirationTime=%2B900\
                 &cookie={COOKIE}&deviceId=0123456789abcdef0123456789abcdef"
            )),
            "{body}"
        );
        s.handle_response(ok(PR_ANSWER)).unwrap();
        assert_eq!(s.step(), Step::Done);
        let answer = s.entitlement_response().unwrap();
        assert_eq!(
            answer.ep_token_url(),
            Some("https://pr.test.expressplay.com/playready/RightsManager.asmx?ExpressPlayToken=PRTOKEN")
        );
        // The device accepts it.
        assert!(EntitlementResponse::parse_for(&req, answer.to_json().as_bytes()).is_ok());
    }

    #[test]
    fn registration_and_time_based_requests_go_straight_to_the_token() {
        let mut s = service_for(Drm::FairPlay);
        s.begin(&request(RequestType::DeviceRegistration, Some(COOKIE))).unwrap();
        assert_eq!(s.step(), Step::RequestToken);
        assert_eq!(s.record_request().unwrap_err().status, XPDRM_ERR_BINDING_WRONG_STATE);
        let t = s.token_request().unwrap();
        assert_eq!(t.url(), "https://fp-gen.test.expressplay.com/hms/fp/token");
        let body = String::from_utf8(t.body().to_vec()).unwrap();
        assert!(
            body.ends_with(&format!("&expirationTime=%2B3600&cookie={COOKIE}")) && !body.contains("deviceId"),
            "{body}"
        );
        s.handle_response(Response {
            status: 200,
            content_type: Some("text/uri-list"),
            body: b"https://fp/?ExpressPlayToken=TTTT\r\n",
        })
        .unwrap();
        assert_eq!(s.entitlement_response().unwrap().ep_token_url(), Some("https://fp/?ExpressPlayToken=TTTT"));

        let mut s = service_for(Drm::Widevine);
        s.set_token_base_url("https://127.0.0.1/wv").unwrap();
        s.begin(&request(RequestType::TimeBased, None)).unwrap();
        let t = s.token_request().unwrap();
        assert_eq!(t.url(), "https://127.0.0.1/wv");
        assert!(!String::from_utf8(t.body().to_vec()).unwrap().contains("cookie"));
    }

    #[test]
    fn requests_the_flow_cannot_serve_become_denials() {
        let cases: Vec<(ServiceFlow, EntitlementRequest, Status)> = vec![
            (service(), request(RequestType::DeviceBound, None), XPDRM_ERR_SEES_MISSING_FIELD),
            (service(), request(RequestType::DeviceRegistration, None), XPDRM_ERR_SEES_MISSING_FIELD),
            (
                service_for(Drm::FairPlay),
                request(RequestType::DeviceBound, Some("c")),
                XPDRM_ERR_FAIRPLAY_DEVICE_BINDING_UNSUPPORTED,
            ),
            (
                service_for(Drm::Widevine),
                request(RequestType::DeviceBound, Some("c")),
                XPDRM_ERR_WIDEVINE_DEVICE_BINDING_UNSUPPORTED,
            ),
        ];
        for (mut s, req, want) in cases {
            assert_eq!(s.begin(&req).unwrap_err().status, want);
            assert_eq!(s.step(), Step::Failed);
            let denial = s.entitlement_response().unwrap();
            assert!(!denial.is_allowed());
            assert_eq!((denial.error(), denial.error_text()), (Some(want.code()), Some(want.text())));
            let d = EntitlementResponse::parse_for(&req, denial.to_json().as_bytes()).unwrap_err();
            assert_eq!(d.status, XPDRM_ERR_SEES_DENIED);
        }
        // No requestType at all.
        let parsed = EntitlementRequest::parse(
            format!(r#"{{"messageID":"6ba7b810-9dad-11d1-80b4-00c04fd430c8","version":1,"contentID":"{CONTENT}"}}"#)
                .as_bytes(),
        )
        .unwrap();
        let mut s = service();
        assert_eq!(s.begin(&parsed).unwrap_err().status, XPDRM_ERR_SEES_MISSING_FIELD);
    }

    #[test]
    fn a_rejected_request_is_denied_when_its_message_id_is_readable() {
        let mut s = service();
        let rejection =
            EntitlementRequest::parse(br#"{"messageID":"6ba7b810-9dad-11d1-80b4-00c04fd430c8","version":"1"}"#)
                .unwrap_err();
        assert_eq!(s.begin_rejected(&rejection).unwrap_err().status, XPDRM_ERR_SEES_WRONG_TYPE);
        let denial = s.entitlement_response().unwrap();
        assert_eq!((denial.message_id(), denial.error()), ("6ba7b810-9dad-11d1-80b4-00c04fd430c8", Some(306)));
        let mut s = service();
        let rejection = EntitlementRequest::parse(b"[]").unwrap_err();
        assert_eq!(s.begin_rejected(&rejection).unwrap_err().status, XPDRM_ERR_SEES_NOT_AN_OBJECT);
        assert_eq!(s.entitlement_response().unwrap_err().status, XPDRM_ERR_SEES_NOT_AN_OBJECT);
    }

    #[test]
    fn missing_records_and_mismatched_devices_fail_the_flow() {
        let req = request(RequestType::DeviceBound, Some(COOKIE));
        let mut s = service();
        s.begin(&req).unwrap();
        let _ = s.record_request().unwrap();
        assert_eq!(s.handle_response(ok(b"[]")).unwrap_err().status, XPDRM_ERR_BINDING_NO_RECORD);
        assert_eq!(s.entitlement_response().unwrap().error(), Some(XPDRM_ERR_BINDING_NO_RECORD.code()));
        assert_eq!(s.token_request().unwrap_err().status, XPDRM_ERR_BINDING_FAILED);

        let mut s = service();
        s.set_expected_device_id(&ID.replace('A', "B")).unwrap();
        s.begin(&req).unwrap();
        let _ = s.record_request().unwrap();
        let p = s.handle_response(ok(records().as_bytes())).unwrap_err();
        assert_eq!(p.status, XPDRM_ERR_BINDING_DEVICE_ID_MISMATCH);
        assert!(!p.reason.to_lowercase().contains(&ID.to_lowercase()), "{}", p.reason);

        // The expected device, in another spelling, matches.
        let mut s = service();
        s.set_expected_device_id(&format!(" {} ", ID.to_lowercase())).unwrap();
        s.begin(&req).unwrap();
        let _ = s.record_request().unwrap();
        s.handle_response(ok(records().as_bytes())).unwrap();
        assert_eq!(s.step(), Step::RequestToken);

        let mut s = service();
        s.begin(&req).unwrap();
        let _ = s.record_request().unwrap();
        let p = s.handle_response(Response { status: 404, content_type: None, body: b"" }).unwrap_err();
        assert_eq!(
            (p.status, p.reason.as_str()),
            (XPDRM_ERR_BINDING_HTTP_STATUS, "the record retrieval answered HTTP 404")
        );
    }

    #[test]
    fn a_device_id_from_another_source() {
        let req = request(RequestType::DeviceBound, Some(COOKIE));
        let mut s = service();
        s.begin(&req).unwrap();
        assert_eq!(s.set_device_id("  ").unwrap_err().status, XPDRM_ERR_DEVICE_ID_EMPTY);
        assert_eq!(s.step(), Step::LookupRecord, "a refused argument changes nothing");
        s.set_device_id("abcd").unwrap();
        // Not 32 hex digits: the token request fails with the server's code.
        assert_eq!(s.token_request().unwrap_err().status, XPDRM_ERR_DEVICE_ID_NOT_32_HEX);
        assert_eq!(s.entitlement_response().unwrap().error(), Some(-5004));
    }

    #[test]
    fn configuration_rules_and_order() {
        assert_eq!(ServiceFlow::new(Drm::PlayReady, "").unwrap_err().status, XPDRM_ERR_MISSING_AUTHENTICATOR);
        assert_eq!(ServiceFlow::new(Drm::PlayReady, "12,zz").unwrap_err().status, XPDRM_ERR_INVALID_AUTHENTICATOR);
        let mut s = service();
        // The lifetime is judged by the token module's rule for expirationTime, with its code and reason.
        for secs in [0, 1, 3600, 2_592_000, 2_592_001, u32::MAX] {
            let want = TokenRequest::new(Drm::PlayReady).check_value("expirationTime", &format!("+{secs}"));
            assert_eq!(
                s.set_expiration(secs).map_err(|p| (p.status, p.reason)),
                want.map_err(|e| (e.status(), e.reason().to_owned())),
                "{secs}"
            );
        }
        assert_eq!(s.set_expiration(2_592_001).unwrap_err().status, XPDRM_ERR_INVALID_EXPIRATION_TIME);
        assert_eq!(s.set_record_base_url("getrecord").unwrap_err().status, XPDRM_ERR_INVALID_BASE_URL);
        assert_eq!(s.set_token_base_url("https://x/t?a=1").unwrap_err().status, XPDRM_ERR_INVALID_BASE_URL);
        let long_id = "123456789012345678901,00112233445566778899aabbccddeeff";
        assert_eq!(ServiceFlow::new(Drm::PlayReady, long_id).unwrap_err().status, XPDRM_ERR_INVALID_AUTHENTICATOR);
        assert_eq!(s.entitlement_response().unwrap_err().status, XPDRM_ERR_BINDING_WRONG_STATE);
        assert_eq!(s.handle_response(ok(b"[]")).unwrap_err().status, XPDRM_ERR_BINDING_WRONG_STATE);
        assert_eq!(s.set_device_id(ID).unwrap_err().status, XPDRM_ERR_BINDING_WRONG_STATE);
        s.begin(&request(RequestType::DeviceBound, Some(COOKIE))).unwrap();
        assert_eq!(s.set_expiration(60).unwrap_err().status, XPDRM_ERR_BINDING_WRONG_STATE);
        assert_eq!(s.set_token_template(&template(Drm::PlayReady)).unwrap_err().status, XPDRM_ERR_BINDING_WRONG_STATE);
        assert_eq!(s.set_token_base_url("https://x/").unwrap_err().status, XPDRM_ERR_BINDING_WRONG_STATE);
        assert_eq!(
            s.begin(&request(RequestType::DeviceBound, Some(COOKIE))).unwrap_err().status,
            XPDRM_ERR_BINDING_WRONG_STATE
        );
        assert_eq!(s.token_request().unwrap_err().status, XPDRM_ERR_BINDING_WRONG_STATE);
    }

    #[test]
    fn token_templates_are_copied_checked_and_may_not_hold_the_flows_parameters() {
        let mut s = ServiceFlow::new(Drm::PlayReady, AUTH).unwrap();
        // Another DRM's template, an incomplete one, one with a parameter the flow sets: refused, unchanged.
        let p = s.set_token_template(&template(Drm::FairPlay)).unwrap_err();
        assert_eq!(p.status, XPDRM_ERR_INVALID_ARGUMENT);
        assert_eq!(p.reason, "the token template is a FairPlay request; this flow asks the PlayReady token server");
        let mut incomplete = template(Drm::PlayReady);
        incomplete.unset("rightsType").unwrap();
        let p = s.set_token_template(&incomplete).unwrap_err();
        assert_eq!(p.status, XPDRM_ERR_MISSING_RIGHTS_TYPE);
        assert!(p.reason.starts_with("rightsType is missing; a PlayReady request requires it."), "{}", p.reason);
        for (name, value) in [
            ("cookie", "c"),
            ("deviceId", "0123456789abcdef0123456789abcdef"),
            ("expirationTime", "+60"),
            ("customerAuthenticator", AUTH),
        ] {
            let mut t = template(Drm::PlayReady);
            t.set(name, value).unwrap();
            let p = s.set_token_template(&t).unwrap_err();
            assert_eq!(p.status, XPDRM_ERR_INVALID_ARGUMENT, "{name}");
            assert_eq!(p.reason, format!("the token template sets {name}, which the device-binding flow sets itself"));
        }
        // Without a template, the token request fails the flow with the first missing parameter's code.
        s.begin(&request(RequestType::TimeBased, None)).unwrap();
        assert_eq!(s.token_request().unwrap_err().status, XPDRM_ERR_MISSING_KID);
        assert_eq!(s.entitlement_response().unwrap().error(), Some(XPDRM_ERR_MISSING_KID.code()));

        // A copy: changing or dropping the caller's template afterwards changes nothing.
        let mut s = ServiceFlow::new(Drm::PlayReady, AUTH).unwrap();
        let mut t = template(Drm::PlayReady);
        t.set_base_url("http://127.0.0.1:1/pr").unwrap();
        s.set_token_template(&t).unwrap();
        t.set("contentKey", "ffffffffffffffffffffffffffffffff").unwrap();
        drop(t);
        s.begin(&request(RequestType::TimeBased, None)).unwrap();
        let r = s.token_request().unwrap();
        assert_eq!(r.url(), "http://127.0.0.1:1/pr", "the template's base URL");
        let body = String::from_utf8(r.body().to_vec()).unwrap();
        assert!(body.contains("&contentKey=000102030405060708090a0b0c0d0e0f&"), "{body}");
    }

    #[test]
    fn the_flows_token_server_overrides_the_templates_in_either_order() {
        let mut t = template(Drm::FairPlay);
        t.set_base_url("http://127.0.0.1:1/template").unwrap();
        for url_first in [true, false] {
            let mut s = ServiceFlow::new(Drm::FairPlay, AUTH).unwrap();
            if url_first {
                s.set_token_base_url("http://127.0.0.1:2/flow").unwrap();
                s.set_token_template(&t).unwrap();
            } else {
                s.set_token_template(&t).unwrap();
                s.set_token_base_url("http://127.0.0.1:2/flow").unwrap();
            }
            s.begin(&request(RequestType::TimeBased, None)).unwrap();
            assert_eq!(s.token_request().unwrap().url(), "http://127.0.0.1:2/flow");
        }
    }

    #[test]
    fn logs_carry_no_authenticator_device_id_or_token() {
        let logged = crate::log::capture::logged(|| {
            let req = request(RequestType::DeviceBound, Some(COOKIE));
            let mut s = service();
            s.begin(&req).unwrap();
            let _ = s.record_request().unwrap();
            s.handle_response(ok(records().as_bytes())).unwrap();
            let _ = s.token_request().unwrap();
            s.handle_response(ok(PR_ANSWER)).unwrap();
            let _ = s.entitlement_response().unwrap();
            let mut bad = service();
            bad.set_expected_device_id("ffffffffffffffffffffffffffffffff").unwrap();
            bad.begin(&req).unwrap();
            bad.set_device_id(ID).unwrap_err();
        });
        assert!(logged.len() >= 6, "{logged:?}");
        for (_, m) in &logged {
            let lower = m.to_lowercase();
            for secret in
                ["00112233445566778899aabbccddeeff", "0123456789abcdef", "prtoken", "ffffffffffffffff", "000102030405"]
            {
                assert!(!lower.contains(secret), "{secret} in {m}");
            }
        }
    }
}
