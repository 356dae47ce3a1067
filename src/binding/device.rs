//! The device's side of the device-binding flow (SPEC.md §6 steps 1, 2, 3 and 5).
//!
//! 1. [`DeviceFlow::registration_request`]: an entitlement request of type 2 (device registration) for the
//!    dummy content, with the cookie, `POST`ed to SEES. [`DeviceFlow::handle_response`] checks SEES's
//!    answer against it and keeps the cookie-bound token URL.
//! 2. [`DeviceFlow::spc_request`]: the DRM's SPC (challenge; opaque bytes from the platform), `POST`ed to
//!    that token URL. ExpressPlay logs the SPC's device ID with the token's cookie; the license it answers
//!    with (for the dummy content) is not needed, only a 2xx status.
//! 3. [`DeviceFlow::bound_request`]: an entitlement request of type 3 (device-bound) for the real content,
//!    with the same cookie. SEES looks the device up and answers with a device-bound, time-bound token URL.
//! 5. [`DeviceFlow::token_url`]: that URL, for the player's DRM to redeem.

use zeroize::Zeroizing;

use super::{Step, already_failed, wrong_state};
use crate::Status;
use crate::outbound::{OutboundRequest, Response};
use crate::secret_string::SecretString;
use crate::sees::{EntitlementRequest, EntitlementResponse, Problem, RequestType, check_guid};

/// Longest SEES URL accepted, in bytes.
pub const MAX_URL_LEN: usize = 2048;

/// Largest SPC accepted, in bytes (1 MiB; real ones are a few KiB).
pub const MAX_SPC_LEN: usize = 1 << 20;

enum State {
    Register,
    AwaitRegistration(EntitlementRequest),
    SendSpc(SecretString),
    AwaitSpc,
    RequestBound,
    AwaitBound(EntitlementRequest),
    Done(SecretString),
    Failed(Problem),
}

/// The device's state machine. See the module documentation.
pub struct DeviceFlow {
    sees_url: String,
    registration_content_id: String,
    content_id: String,
    cookie: String,
    state: State,
}

impl core::fmt::Debug for DeviceFlow {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "DeviceFlow(step {:?})", self.step())
    }
}

/// Checks a service URL argument (the SEES URL, the record retrieval URL) by the one URL rule (src/url.rs,
/// a query allowed), with the status of every refused service URL; the reason names it.
pub(crate) fn check_url(name: &str, url: &str) -> Result<(), Problem> {
    match crate::url::problem(url, MAX_URL_LEN, crate::url::Use::Service { query: true }) {
        None => Ok(()),
        Some(p) => Err(Problem::new(Status::XPDRM_ERR_INVALID_BASE_URL, format!("{name} {p}"))),
    }
}

impl DeviceFlow {
    /// A new flow.
    ///
    /// * `sees_url`: where SEES takes entitlement requests (absolute `http`/`https` with a host, without user
    ///   information, at most 2048 bytes; else `XPDRM_ERR_INVALID_BASE_URL`).
    /// * `registration_content_id`: the dummy content's ID (a GUID; else `XPDRM_ERR_SEES_INVALID_FIELD`).
    /// * `content_id`: the real content's ID (a GUID).
    /// * `cookie`: 1 to 32 characters (else -2033), or `None` to generate one from the OS random source.
    pub fn new(
        sees_url: &str,
        registration_content_id: &str,
        content_id: &str,
        cookie: Option<&str>,
    ) -> Result<DeviceFlow, Problem> {
        check_url("the SEES URL", sees_url)?;
        check_guid("the registration content ID", registration_content_id)?;
        check_guid("the content ID", content_id)?;
        let cookie = match cookie {
            Some(c) => {
                crate::device::cookie::check(c)
                    .map_err(|s| Problem::new(s, "the cookie must be 1 to 32 characters"))?;
                c.to_owned()
            }
            None => {
                crate::device::cookie::generate().map_err(|s| Problem::new(s, "no cookie: the random source failed"))?
            }
        };
        Ok(DeviceFlow {
            sees_url: sees_url.to_owned(),
            registration_content_id: registration_content_id.to_owned(),
            content_id: content_id.to_owned(),
            cookie,
            state: State::Register,
        })
    }

    /// Where the flow stands.
    pub fn step(&self) -> Step {
        match self.state {
            State::Register => Step::Register,
            State::AwaitRegistration(_) => Step::AwaitRegistration,
            State::SendSpc(_) => Step::SendSpc,
            State::AwaitSpc => Step::AwaitSpc,
            State::RequestBound => Step::RequestBound,
            State::AwaitBound(_) => Step::AwaitBound,
            State::Done(_) => Step::Done,
            State::Failed(_) => Step::Failed,
        }
    }

    /// The cookie that ties the steps together (not a secret, but not logged either).
    pub fn cookie(&self) -> &str {
        &self.cookie
    }

    /// The failure, once the flow has failed.
    pub fn failure(&self) -> Option<&Problem> {
        match &self.state {
            State::Failed(p) => Some(p),
            _ => None,
        }
    }

    /// A sentence about where the flow stands or why it failed (safe to log).
    pub fn describe(&self) -> String {
        match &self.state {
            State::Register => "ready to register the cookie with SEES".into(),
            State::AwaitRegistration(_) => "waiting for SEES's answer to the cookie registration".into(),
            State::SendSpc(_) => "ready to send the SPC to the cookie-bound token URL".into(),
            State::AwaitSpc => "waiting for the license server's answer to the SPC".into(),
            State::RequestBound => "ready to request the device-bound entitlement from SEES".into(),
            State::AwaitBound(_) => "waiting for SEES's answer with the device-bound token URL".into(),
            State::Done(_) => "done: the device-bound token URL is ready".into(),
            State::Failed(p) => p.reason.clone(),
        }
    }

    fn check_step(&self, call: &str, want: Step) -> Result<(), Problem> {
        match &self.state {
            State::Failed(p) => Err(already_failed(call, p)),
            _ if self.step() == want => Ok(()),
            _ => Err(wrong_state(call, self.step())),
        }
    }

    fn entitlement_post(&self, request: &EntitlementRequest) -> OutboundRequest {
        let body = Zeroizing::new(request.to_json().into_bytes());
        OutboundRequest::post(SecretString::from(self.sees_url.as_str()), "application/json", body)
            .with_header("Accept", "application/json")
    }

    /// Step 1: the cookie registration for SEES.
    pub fn registration_request(&mut self) -> Result<OutboundRequest, Problem> {
        self.check_step("registration_request", Step::Register)?;
        let request = EntitlementRequest::new(
            &self.registration_content_id,
            RequestType::DeviceRegistration,
            Some(&self.cookie),
        )?;
        let out = self.entitlement_post(&request);
        crate::xlog!(Info, "device binding: cookie registration {} for SEES", request.message_id());
        self.state = State::AwaitRegistration(request);
        Ok(out)
    }

    /// Step 2: the SPC for the cookie-bound token URL. `spc` is 1 byte to [`MAX_SPC_LEN`]
    /// (`XPDRM_ERR_INVALID_ARGUMENT`, `XPDRM_ERR_INPUT_TOO_LARGE`; the flow is unchanged).
    pub fn spc_request(&mut self, spc: &[u8]) -> Result<OutboundRequest, Problem> {
        self.check_step("spc_request", Step::SendSpc)?;
        if spc.is_empty() {
            return Err(Problem::new(Status::XPDRM_ERR_INVALID_ARGUMENT, "the SPC is empty"));
        }
        if spc.len() > MAX_SPC_LEN {
            return Err(Problem::new(
                Status::XPDRM_ERR_INPUT_TOO_LARGE,
                format!("the SPC is {} bytes; at most {MAX_SPC_LEN} are accepted", spc.len()),
            ));
        }
        let State::SendSpc(url) = core::mem::replace(&mut self.state, State::AwaitSpc) else {
            unreachable!("checked above")
        };
        crate::xlog!(Info, "device binding: SPC of {} bytes for the license server", spc.len());
        Ok(OutboundRequest::post(url, "application/octet-stream", Zeroizing::new(spc.to_vec())))
    }

    /// Step 3: the device-bound entitlement request for SEES.
    pub fn bound_request(&mut self) -> Result<OutboundRequest, Problem> {
        self.check_step("bound_request", Step::RequestBound)?;
        let request = EntitlementRequest::new(&self.content_id, RequestType::DeviceBound, Some(&self.cookie))?;
        let out = self.entitlement_post(&request);
        crate::xlog!(Info, "device binding: device-bound entitlement request {} for SEES", request.message_id());
        self.state = State::AwaitBound(request);
        Ok(out)
    }

    /// The answer to the request handed out last. A bad answer fails the flow (with the status returned).
    pub fn handle_response(&mut self, response: Response<'_>) -> Result<(), Problem> {
        let step = self.step();
        if let State::Failed(p) = &self.state {
            return Err(already_failed("handle_response", p));
        }
        if !matches!(step, Step::AwaitRegistration | Step::AwaitSpc | Step::AwaitBound) {
            return Err(wrong_state("handle_response", step));
        }
        let next = match (&self.state, response.is_success()) {
            (_, false) => Err(Problem::new(
                Status::XPDRM_ERR_BINDING_HTTP_STATUS,
                format!(
                    "{} answered HTTP {}",
                    if step == Step::AwaitSpc { "the license server" } else { "SEES" },
                    response.status
                ),
            )),
            (State::AwaitRegistration(request), true) => EntitlementResponse::parse_for(request, response.body)
                .map(|granted| State::SendSpc(SecretString::from(granted.ep_token_url().unwrap_or_default())))
                .map_err(|d| Problem::new(d.status, format!("cookie registration: {}", d.reason))),
            (State::AwaitSpc, true) => Ok(State::RequestBound),
            (State::AwaitBound(request), true) => EntitlementResponse::parse_for(request, response.body)
                .map(|granted| State::Done(SecretString::from(granted.ep_token_url().unwrap_or_default())))
                .map_err(|d| Problem::new(d.status, format!("device-bound entitlement: {}", d.reason))),
            _ => unreachable!("the step was checked above"),
        };
        match next {
            Ok(state) => {
                self.state = state;
                crate::xlog!(Debug, "device binding: now at step {:?}", self.step());
                Ok(())
            }
            Err(problem) => {
                crate::xlog!(Warn, "device binding failed: {}", problem.reason);
                self.state = State::Failed(problem.clone());
                Err(problem)
            }
        }
    }

    /// Step 5: the device-bound token URL for the player's DRM. It holds a token: never log it.
    pub fn token_url(&self) -> Result<&str, Problem> {
        match &self.state {
            State::Done(url) => Ok(url.expose()),
            State::Failed(p) => Err(already_failed("token_url", p)),
            _ => Err(wrong_state("token_url", self.step())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Status::*;

    const SEES: &str = "https://sees.example.com/entitlement";
    const DUMMY: &str = "00000000-0000-4000-8000-000000000001";
    const CONTENT: &str = "3f2504e0-4f89-11d3-9a0c-0305e82c3301";
    const REG_URL: &str = "https://fp.test.expressplay.com/hms/fp/rights/?ExpressPlayToken=REGISTRATION-TOKEN";
    const BOUND_URL: &str = "https://pr.test.expressplay.com/playready/RightsManager.asmx?ExpressPlayToken=BOUND-TOKEN";

    fn json_ok(body: &[u8]) -> Response<'_> {
        Response { status: 200, content_type: Some("application/json"), body }
    }

    /// SEES's side of one exchange: parse the request the device sent, answer it.
    fn sees_answers(sent: &OutboundRequest, url: &str) -> (EntitlementRequest, String) {
        let req = EntitlementRequest::parse(sent.body()).unwrap();
        let resp = EntitlementResponse::allow(&req, url).unwrap();
        (req, resp.to_json().to_string())
    }

    #[test]
    fn the_whole_device_side() {
        let mut flow = DeviceFlow::new(SEES, DUMMY, CONTENT, None).unwrap();
        assert_eq!(flow.cookie().len(), 32);
        assert_eq!(flow.step(), Step::Register);

        let reg = flow.registration_request().unwrap();
        assert_eq!((reg.method().name(), reg.url()), ("POST", SEES));
        let (sent, answer) = sees_answers(&reg, REG_URL);
        assert_eq!(sent.request_type(), Some(RequestType::DeviceRegistration));
        assert_eq!(sent.customer_cookie(), Some(flow.cookie()));
        assert_eq!(sent.content_id(), DUMMY);
        assert_eq!(flow.step(), Step::AwaitRegistration);
        flow.handle_response(json_ok(answer.as_bytes())).unwrap();

        assert_eq!(flow.step(), Step::SendSpc);
        let spc = flow.spc_request(b"\x00SPC bytes\xff").unwrap();
        assert_eq!((spc.url(), spc.body()), (REG_URL, &b"\x00SPC bytes\xff"[..]));
        assert_eq!(spc.headers()[0].1.expose(), "application/octet-stream");
        flow.handle_response(Response { status: 200, content_type: Some("application/octet-stream"), body: b"ckc" })
            .unwrap();

        assert_eq!(flow.step(), Step::RequestBound);
        let bound = flow.bound_request().unwrap();
        let (sent, answer) = sees_answers(&bound, BOUND_URL);
        assert_eq!(sent.request_type(), Some(RequestType::DeviceBound));
        assert_eq!((sent.customer_cookie(), sent.content_id()), (Some(flow.cookie()), CONTENT));
        flow.handle_response(json_ok(answer.as_bytes())).unwrap();
        assert_eq!(flow.step(), Step::Done);
        assert_eq!(flow.token_url(), Ok(BOUND_URL));
    }

    #[test]
    fn calls_out_of_order_are_refused_and_change_nothing() {
        let mut flow = DeviceFlow::new(SEES, DUMMY, CONTENT, Some("my-cookie")).unwrap();
        assert_eq!(flow.cookie(), "my-cookie");
        for status in [
            flow.spc_request(b"x").unwrap_err().status,
            flow.bound_request().unwrap_err().status,
            flow.handle_response(json_ok(b"{}")).unwrap_err().status,
            flow.token_url().unwrap_err().status,
        ] {
            assert_eq!(status, XPDRM_ERR_BINDING_WRONG_STATE);
        }
        assert_eq!(flow.step(), Step::Register);
        let reg = flow.registration_request().unwrap();
        assert_eq!(flow.registration_request().unwrap_err().status, XPDRM_ERR_BINDING_WRONG_STATE);
        assert_eq!(flow.spc_request(b"x").unwrap_err().reason, "spc_request does not fit step AwaitRegistration (2)");
        let (_, answer) = sees_answers(&reg, REG_URL);
        flow.handle_response(json_ok(answer.as_bytes())).unwrap();
        // Bad SPC arguments leave the flow where it is.
        assert_eq!(flow.spc_request(b"").unwrap_err().status, XPDRM_ERR_INVALID_ARGUMENT);
        assert_eq!(flow.spc_request(&vec![0; MAX_SPC_LEN + 1]).unwrap_err().status, XPDRM_ERR_INPUT_TOO_LARGE);
        assert_eq!(flow.step(), Step::SendSpc);
    }

    #[test]
    fn a_mismatched_message_id_fails_the_flow() {
        let mut flow = DeviceFlow::new(SEES, DUMMY, CONTENT, None).unwrap();
        let _ = flow.registration_request().unwrap();
        // An answer to some other request.
        let other = EntitlementRequest::new(DUMMY, RequestType::DeviceRegistration, Some("x")).unwrap();
        let answer = EntitlementResponse::allow(&other, REG_URL).unwrap().to_json();
        let p = flow.handle_response(json_ok(answer.as_bytes())).unwrap_err();
        assert_eq!(p.status, XPDRM_ERR_SEES_MESSAGE_ID_MISMATCH);
        assert_eq!(flow.step(), Step::Failed);
        assert!(flow.describe().starts_with("cookie registration: messageID"), "{}", flow.describe());
        let later = flow.spc_request(b"x").unwrap_err();
        assert_eq!(later.status, XPDRM_ERR_BINDING_FAILED);
        assert!(later.reason.contains(&format!("{}", XPDRM_ERR_SEES_MESSAGE_ID_MISMATCH.code())), "{}", later.reason);
        assert_eq!(flow.handle_response(json_ok(b"{}")).unwrap_err().status, XPDRM_ERR_BINDING_FAILED);
    }

    #[test]
    fn denials_and_http_errors_fail_the_flow() {
        let mut flow = DeviceFlow::new(SEES, DUMMY, CONTENT, None).unwrap();
        let reg = flow.registration_request().unwrap();
        let req = EntitlementRequest::parse(reg.body()).unwrap();
        let denial = EntitlementResponse::deny(&req).to_json();
        assert_eq!(flow.handle_response(json_ok(denial.as_bytes())).unwrap_err().status, XPDRM_ERR_SEES_DENIED);

        let mut flow = DeviceFlow::new(SEES, DUMMY, CONTENT, None).unwrap();
        let _ = flow.registration_request().unwrap();
        let p = flow.handle_response(Response { status: 503, content_type: None, body: b"" }).unwrap_err();
        assert_eq!((p.status, p.reason.as_str()), (XPDRM_ERR_BINDING_HTTP_STATUS, "SEES answered HTTP 503"));

        let mut flow = DeviceFlow::new(SEES, DUMMY, CONTENT, None).unwrap();
        let reg = flow.registration_request().unwrap();
        let (_, answer) = sees_answers(&reg, REG_URL);
        flow.handle_response(json_ok(answer.as_bytes())).unwrap();
        let _ = flow.spc_request(b"spc").unwrap();
        let p = flow.handle_response(Response { status: 403, content_type: None, body: b"" }).unwrap_err();
        assert_eq!(p.reason, "the license server answered HTTP 403");

        let mut flow = DeviceFlow::new(SEES, DUMMY, CONTENT, None).unwrap();
        let _ = flow.registration_request().unwrap();
        assert_eq!(flow.handle_response(json_ok(b"[")).unwrap_err().status, XPDRM_ERR_SEES_MALFORMED_JSON);
    }

    #[test]
    fn arguments_are_checked() {
        assert_eq!(
            DeviceFlow::new("sees.example.com", DUMMY, CONTENT, None).unwrap_err().status,
            XPDRM_ERR_INVALID_BASE_URL
        );
        assert_eq!(DeviceFlow::new(SEES, "x", CONTENT, None).unwrap_err().status, XPDRM_ERR_SEES_INVALID_FIELD);
        assert_eq!(DeviceFlow::new(SEES, DUMMY, "x", None).unwrap_err().status, XPDRM_ERR_SEES_INVALID_FIELD);
        assert_eq!(DeviceFlow::new(SEES, DUMMY, CONTENT, Some("")).unwrap_err().status, XPDRM_ERR_INVALID_COOKIE);
        let long = "c".repeat(33);
        assert_eq!(DeviceFlow::new(SEES, DUMMY, CONTENT, Some(&long)).unwrap_err().status, XPDRM_ERR_INVALID_COOKIE);
        let e = crate::random::failing(|| DeviceFlow::new(SEES, DUMMY, CONTENT, None));
        assert_eq!(e.unwrap_err().status, XPDRM_ERR_RANDOM_SOURCE);
        let mut flow = DeviceFlow::new(SEES, DUMMY, CONTENT, Some("c")).unwrap();
        let e = crate::random::failing(|| flow.registration_request());
        assert_eq!(e.unwrap_err().status, XPDRM_ERR_RANDOM_SOURCE);
        assert_eq!(flow.step(), Step::Register, "a failing random source does not fail the flow");
    }

    #[test]
    fn logs_carry_no_token_or_cookie() {
        let mut cookie = String::new();
        let logged = crate::log::capture::logged(|| {
            let mut flow = DeviceFlow::new(SEES, DUMMY, CONTENT, None).unwrap();
            cookie = flow.cookie().to_owned();
            let reg = flow.registration_request().unwrap();
            let (_, answer) = sees_answers(&reg, REG_URL);
            flow.handle_response(json_ok(answer.as_bytes())).unwrap();
            let _ = flow.spc_request(b"spc").unwrap();
            flow.handle_response(json_ok(b"")).unwrap();
            let bound = flow.bound_request().unwrap();
            let (_, answer) = sees_answers(&bound, BOUND_URL);
            flow.handle_response(json_ok(answer.as_bytes())).unwrap();
        });
        assert!(logged.len() >= 5, "{logged:?}");
        for (_, m) in &logged {
            assert!(!m.contains("TOKEN") && !m.contains(&cookie), "{m}");
        }
    }
}
