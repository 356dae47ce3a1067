//! A SEES reference server: the entitlement protocol (SPEC.md §5) over mutual TLS, and the device-binding
//! flow of SPEC.md §6, built on the library's own service side ([`ServiceFlow`], [`xpdrm::sees`]) with the
//! library's HTTP client for the flow's requests (token server, `getrecord`): what a real SEES built on xpdrm
//! would do.
//!
//! `POST /sees/entitlement` with an entitlement request. The content's token parameters come from the
//! server's catalogue (PlayReady: device binding is PlayReady's). A request the flow cannot serve, or a
//! failure on the way, is answered with a denial whose `error` says why. A repeated `messageID` with the
//! same body is answered from the record of the first answer (bounded): the client retries entitlement
//! messages after a 5xx, and a repeat must not mint a second token.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use sha2::Digest;
use zeroize::Zeroizing;

use super::expressplay::fingerprint;
use super::httpd::{Events, Handler, Reply, Request, Server};
use super::pki::Pki;
use xpdrm::binding::ServiceFlow;
use xpdrm::http::Client;
use xpdrm::sees::{EntitlementRequest, EntitlementResponse, RequestType};
use xpdrm::token::{Drm, TokenRequest};
use xpdrm::{Status, sees};

/// Answers remembered for repeated messages.
const MAX_REMEMBERED: usize = 256;

/// One piece of content SEES grants licenses for: its GUID and its PlayReady key.
#[derive(Clone)]
pub struct Content {
    /// The content's GUID.
    pub id: String,
    /// Its key ID (32 hex).
    pub kid: String,
    /// Its content key.
    pub key: [u8; 16],
}

impl core::fmt::Debug for Content {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "Content({}, kid {}, key <redacted>)", self.id, self.kid)
    }
}

/// What SEES is set up with.
#[derive(Clone, Debug)]
pub struct Setup {
    /// The customer authenticator SEES uses with ExpressPlay.
    pub authenticator: String,
    /// The PlayReady token server.
    pub token_url: String,
    /// The record retrieval.
    pub record_url: String,
    /// Lifetime of the tokens SEES asks for, in seconds.
    pub expiration_secs: u32,
    /// The content it grants: the dummy content of the cookie registration first, then the real content.
    pub catalogue: Vec<Content>,
}

/// An answer kept for a repeat: the messageID, the SHA-256 of the request body, the answer.
type Remembered = (String, [u8; 32], Zeroizing<String>);

struct State {
    setup: Setup,
    client: Client,
    events: Events,
    remembered: Mutex<VecDeque<Remembered>>,
}

/// The running server.
pub struct Sees {
    server: Server,
}

impl core::fmt::Debug for Sees {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "Sees({})", self.server.base_url())
    }
}

/// The content's token parameters, as a PlayReady token request template.
fn template(content: &Content) -> Result<TokenRequest, xpdrm::token::Error> {
    let mut t = TokenRequest::new(Drm::PlayReady);
    t.set("kid", &content.kid)?;
    t.set("contentKey", &super::hex(&content.key))?;
    t.set("rightsType", "BuyToOwn")?;
    for opl in super::token_rules::OPLS {
        t.set(opl, "100")?;
    }
    t.set("errorFormat", "json")?;
    Ok(t)
}

fn denial(request: &EntitlementRequest, status: Status) -> Reply {
    let mut d = EntitlementResponse::deny(request);
    let _ = d.set_error(status.code(), Some(status.text()));
    Reply::with(200, "application/json", d.to_json().as_bytes().to_vec())
}

impl State {
    fn answer(&self, request: &EntitlementRequest) -> Reply {
        let kind = match request.request_type() {
            Some(RequestType::DeviceRegistration) => "cookie registration (requestType 2)",
            Some(RequestType::DeviceBound) => "device-bound request (requestType 3)",
            Some(RequestType::TimeBased) => "time-based request (requestType 1)",
            None => "request without requestType",
        };
        let Some(content) = self.setup.catalogue.iter().find(|c| c.id.eq_ignore_ascii_case(request.content_id()))
        else {
            self.events.push(format!("SEES: {kind} for unknown content: denied"));
            return denial(request, Status::XPDRM_ERR_SEES_INVALID_FIELD);
        };
        let mut flow = match ServiceFlow::new(Drm::PlayReady, &self.setup.authenticator) {
            Ok(f) => f,
            Err(p) => return denial(request, p.status),
        };
        let configured = template(content)
            .and_then(|t| flow.set_token_template(&t))
            .and_then(|()| flow.set_token_base_url(&self.setup.token_url))
            .and_then(|()| flow.set_record_base_url(&self.setup.record_url))
            .and_then(|()| flow.set_expiration(self.setup.expiration_secs));
        if let Err(p) = configured {
            return denial(request, p.status);
        }
        let outcome = flow.begin(request).and_then(|()| self.client.run_binding_service(&mut flow));
        if let Err(p) = &outcome
            && flow.failure().is_none()
        {
            // A transport failure: the flow waits for an answer that will not come. Deny with its status.
            self.events.push(format!("SEES: {kind}: denied, {} ({})", p.status.text(), p.status.code()));
            return denial(request, p.status);
        }
        let response = match flow.entitlement_response() {
            Ok(r) => r,
            Err(p) => return denial(request, p.status),
        };
        match (&outcome, flow.device_id_fingerprint()) {
            (Ok(()), Some(fp)) => self.events.push(format!(
                "SEES: {kind}: getrecord names device {}…; granted with a device-bound token for {} s",
                &fp[..12],
                self.setup.expiration_secs
            )),
            (Ok(()), None) => self.events.push(format!("SEES: {kind}: granted with a cookie-bound token")),
            (Err(p), _) => self.events.push(format!("SEES: {kind}: denied, {} ({})", p.reason, p.status.code())),
        }
        Reply::with(200, "application/json", response.to_json().as_bytes().to_vec())
    }

    fn handle(&self, req: &Request) -> Reply {
        if req.path != "/sees/entitlement" {
            return Reply::with(404, "text/plain", "not found");
        }
        if req.method != "POST" {
            return Reply::with(405, "text/plain", "POST an entitlement request");
        }
        if !req.client_cert {
            return Reply::with(403, "text/plain", "a client certificate is required");
        }
        let request = match EntitlementRequest::parse(&req.body) {
            Ok(r) => r,
            Err(rejection) => {
                self.events.push(format!("SEES: entitlement request refused: {}", rejection.reason));
                return match rejection.message_id.as_deref().map(EntitlementResponse::deny_message) {
                    Some(Ok(mut d)) => {
                        let _ = d.set_error(rejection.status.code(), Some(rejection.status.text()));
                        Reply::with(200, "application/json", d.to_json().as_bytes().to_vec())
                    }
                    _ => Reply::json(
                        400,
                        &serde_json::json!({ "code": rejection.status.code(), "text": rejection.status.text() }),
                    ),
                };
            }
        };
        let digest: [u8; 32] = sha2::Sha256::digest(&req.body).into();
        {
            let remembered = self.remembered.lock().unwrap_or_else(|e| e.into_inner());
            if let Some((_, d, answer)) = remembered.iter().find(|(id, _, _)| id == request.message_id()) {
                if *d != digest {
                    self.events.push("SEES: a messageID came again with another request: denied".to_string());
                    return denial(&request, Status::XPDRM_ERR_SEES_INVALID_FIELD);
                }
                self.events.push("SEES: a repeated message: answered as the first time".to_string());
                return Reply::with(200, "application/json", answer.as_bytes().to_vec());
            }
        }
        let reply = self.answer(&request);
        if let Reply::Answer { body, .. } = &reply {
            let mut remembered = self.remembered.lock().unwrap_or_else(|e| e.into_inner());
            if remembered.len() >= MAX_REMEMBERED {
                remembered.pop_front();
            }
            let text = Zeroizing::new(String::from_utf8_lossy(body).into_owned());
            remembered.push_back((request.message_id().to_owned(), digest, text));
        }
        reply
    }
}

impl Sees {
    /// Starts SEES on 127.0.0.1: HTTPS with the test PKI's server certificate, requiring a client
    /// certificate from the test CA. Its own client trusts the test CA.
    pub fn start(pki: &Pki, setup: Setup, events: Events) -> std::io::Result<Sees> {
        let mut config = xpdrm::http::Config::new();
        let to_io = |p: sees::Problem| std::io::Error::other(p.reason);
        config.add_ca_pem(pki.ca_pem.as_bytes()).map_err(to_io)?;
        config.set_timeouts(5_000, 10_000, 30_000).map_err(to_io)?;
        let client = Client::new(&config).map_err(to_io)?;
        let state = Arc::new(State { setup, client, events, remembered: Mutex::new(VecDeque::new()) });
        let handler: Handler = Arc::new(move |req: &Request| state.handle(req));
        let server = Server::start(Some(Pki::server_config(&pki.server, Some(&pki.ca_pem))), handler)?;
        Ok(Sees { server })
    }

    /// The entitlement URL.
    pub fn url(&self) -> String {
        self.server.url("/sees/entitlement")
    }
}

/// A device ID's short fingerprint for events.
pub fn short_fingerprint(id: &str) -> String {
    fingerprint(id)[..12].to_owned()
}
