//! A fault server: each path is one misbehaviour, for the tests of the client's statuses.
//!
//! | path | what it does |
//! |---|---|
//! | `/ok` | 200, JSON |
//! | `/stall` | reads the request, never answers |
//! | `/close` | reads the request, closes without answering |
//! | `/status/<code>` | answers `<code>` every time (`/status/503`: 5xx forever) |
//! | `/flaky/<n>/<key>` | 503 for the first `n` requests of `<key>`, then a good answer: for a `POST` of an entitlement request an entitlement response that grants it, for a `GET` the transaction records of its `cookie` |
//! | `/retry-after/<secs>/<key>` | 503 with `Retry-After: <secs>` for the first request of `<key>`, then 200 JSON |
//! | `/truncated` | declares 1000 bytes of body, sends 10, closes |
//! | `/oversized` | a 2 MiB body, declared |
//! | `/endless` | a body without a length that never ends |
//! | `/html` | 200 with an HTML page |
//!
//! Every request is counted by path ([`Faults::hits`]), so that a test can check how many attempts a
//! client made. The same handler serves over plain HTTP and over TLS (with the certificate of an unknown
//! CA, a certificate for another name, or requiring a client certificate).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use serde_json::json;

use super::httpd::{Handler, Reply, Request, Server};
use super::pki::Pki;
use xpdrm::sees::{EntitlementRequest, EntitlementResponse};

/// The device ID the flaky records name.
pub const FLAKY_DEVICE_ID: &str = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";

#[derive(Default)]
struct State {
    hits: Mutex<HashMap<String, usize>>,
}

impl State {
    fn count(&self, path: &str) -> usize {
        let mut hits = self.hits.lock().unwrap_or_else(|e| e.into_inner());
        let n = hits.entry(path.to_owned()).or_insert(0);
        *n += 1;
        *n
    }

    fn handle(&self, req: &Request) -> Reply {
        let seen = self.count(&req.path);
        let segments: Vec<&str> = req.path.trim_matches('/').split('/').collect();
        match segments.as_slice() {
            ["ok"] => Reply::json(200, &json!({ "ok": true })),
            ["stall"] => Reply::Stall,
            ["close"] => Reply::Close,
            ["status", code] => {
                let code = code.parse().unwrap_or(500);
                Reply::with(code, "application/json", format!("{{\"code\":{code}}}"))
            }
            ["flaky", n, _key] => {
                if seen <= n.parse().unwrap_or(0) {
                    return Reply::with(503, "text/plain", "try again");
                }
                if req.method == "POST" {
                    match EntitlementRequest::parse(&req.body) {
                        Ok(r) => match EntitlementResponse::allow(
                            &r,
                            "https://127.0.0.1/hms/pr/rights/?ExpressPlayToken=FLAKY",
                        ) {
                            Ok(resp) => Reply::with(200, "application/json", resp.to_json().as_bytes().to_vec()),
                            Err(_) => Reply::with(500, "text/plain", "cannot answer"),
                        },
                        Err(_) => Reply::with(400, "text/plain", "not an entitlement request"),
                    }
                } else {
                    let cookie =
                        req.query().into_iter().find(|(n, _)| n == "cookie").map(|(_, v)| v).unwrap_or_default();
                    Reply::json(200, &json!({ "records": [{ "cookie": cookie, "device_id": FLAKY_DEVICE_ID }] }))
                }
            }
            ["retry-after", secs, _key] => {
                // 503 with Retry-After the first time a key is seen, then the answer of /ok.
                if seen == 1 {
                    return Reply::AnswerWithHeaders {
                        status: 503,
                        content_type: "text/plain".into(),
                        headers: vec![format!("Retry-After: {secs}")],
                        body: b"busy".to_vec(),
                    };
                }
                Reply::json(200, &json!({ "ok": true }))
            }
            ["truncated"] => Reply::Truncated { declared: 1000, body: b"{\"records\"".to_vec() },
            ["oversized"] => Reply::with(200, "application/json", vec![b' '; 2 << 20]),
            ["endless"] => Reply::Endless,
            ["html"] => Reply::with(200, "text/html", "<html><body>Welcome to the captive portal</body></html>"),
            _ => Reply::with(404, "text/plain", "no such fault"),
        }
    }
}

/// The fault servers: plain HTTP, HTTPS with an unknown CA's certificate, HTTPS with a certificate for
/// another host name, and HTTPS requiring a client certificate from the test CA.
pub struct Faults {
    state: Arc<State>,
    plain: Server,
    unknown_ca: Server,
    wrong_name: Server,
    mutual: Server,
    refused_port: u16,
}

impl core::fmt::Debug for Faults {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "Faults({})", self.plain.base_url())
    }
}

impl Faults {
    /// Starts the four servers, and finds a closed port for "connection refused".
    pub fn start(pki: &Pki) -> std::io::Result<Faults> {
        let state = Arc::new(State::default());
        let handler: Handler = {
            let state = state.clone();
            Arc::new(move |req: &Request| state.handle(req))
        };
        // A port that was just free: bound and released. (Another process could take it meanwhile; on a test
        // machine that is unlikely, and the test would then fail loudly, not pass wrongly.)
        let refused_port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        Ok(Faults {
            plain: Server::start(None, handler.clone())?,
            unknown_ca: Server::start(Some(Pki::server_config(&pki.other_server, None)), handler.clone())?,
            wrong_name: Server::start(Some(Pki::server_config(&pki.wrong_name_server, None)), handler.clone())?,
            mutual: Server::start(Some(Pki::server_config(&pki.server, Some(&pki.ca_pem))), handler)?,
            state,
            refused_port,
        })
    }

    /// A URL on the plain HTTP fault server.
    pub fn url(&self, path: &str) -> String {
        self.plain.url(path)
    }

    /// A URL on the server whose certificate comes from an unknown CA.
    pub fn unknown_ca_url(&self, path: &str) -> String {
        self.unknown_ca.url(path)
    }

    /// A URL on the server whose certificate names another host.
    pub fn wrong_name_url(&self, path: &str) -> String {
        self.wrong_name.url(path)
    }

    /// A URL on the server that requires a client certificate from the test CA.
    pub fn mutual_url(&self, path: &str) -> String {
        self.mutual.url(path)
    }

    /// A URL on a port where nothing listens.
    pub fn refused_url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.refused_port)
    }

    /// How many requests arrived for `path` (on any of the servers).
    pub fn hits(&self, path: &str) -> usize {
        self.state.hits.lock().unwrap_or_else(|e| e.into_inner()).get(path).copied().unwrap_or(0)
    }
}
