//! The blocking HTTP client (feature `http`): it executes the request descriptions of the sans-IO core with
//! ureq (rustls, ring) and hands the answers back to the core's parsers and flows.
//!
//! * [`Config`]: timeouts, trusted CAs, a client certificate for mutual TLS, the largest answer, the retry
//!   policy, the user agent; every value checked when it is set.
//! * [`Client`]: the central operation [`Client::execute`] (one [`OutboundRequest`](crate::outbound::OutboundRequest)
//!   with retries, timeouts and the size limit), and the operations built on it: [`Client::fetch_token`],
//!   [`Client::redeem_license`], [`Client::exchange_entitlement`], [`Client::lookup_record`],
//!   [`Client::run_device_binding`], [`Client::run_binding_service`].
//!
//! # Retries
//!
//! A request is sent again (up to the policy's attempts, with exponential backoff and jitter, within the
//! overall timeout) only when that is safe: after a connection failure, when nothing was sent, always; after a
//! 5xx answer only for requests that may be repeated ([`Repeat::Idempotent`]): record lookups, `GET`s of a
//! request description, and SEES entitlement messages (a repeat carries the same `messageID`). Token
//! requests (`GET` or `POST`: either mints a token and uses up account credit), license redemptions and other
//! `POST`s are not repeated after a 5xx.
//!
//! # Faults
//!
//! Each fault has its own status in the 500 group (see `src/status.rs`): connection refused
//! (`XPDRM_ERR_HTTP_CONNECT`), a server that stalls (`XPDRM_ERR_HTTP_TIMEOUT`), 5xx on every attempt
//! (`XPDRM_ERR_HTTP_RETRIES_EXHAUSTED`), a truncated body (`XPDRM_ERR_HTTP_TRUNCATED`), an oversized one
//! (`XPDRM_ERR_HTTP_RESPONSE_TOO_LARGE`, as soon as it is seen), a content type the operation does not take
//! (`XPDRM_ERR_HTTP_CONTENT_TYPE`), a server certificate from an unknown CA or otherwise invalid, a client
//! certificate that is required or rejected, other TLS and transport errors, a URL the client cannot use,
//! a PEM that cannot be used, and an HTTP status the operation does not accept; then (515-521) a cancelled
//! call, the three proxy failures, a pin mismatch, a trust store that cannot be loaded, an absent header.
//!
//! # Device networks
//!
//! * [`Cancel`]: a handle any thread fires while another is blocked in a call; the call returns
//!   `XPDRM_ERR_HTTP_CANCELLED` (see the `cancel` module for how each phase notices).
//! * [`Config::set_proxy`]: an `http://` proxy (`CONNECT` tunnels), basic credentials, a no-proxy list;
//!   `XPDRM_ERR_HTTP_PROXY_CONNECT`, `_PROXY_REFUSED`, `_PROXY_AUTH_REQUIRED`.
//! * [`Config::set_trust`] ([`TrustSource`]) and [`Config::add_pin`]: built-in, system or only added CAs;
//!   SPKI SHA-256 pins checked after the chain (`XPDRM_ERR_HTTP_TLS_PIN_MISMATCH`).
//! * [`Answer::header`], `Retry-After` on 429/503 for requests safe to repeat, [`Client::clock_offset_ms`]
//!   from `Date`, and per-attempt [`AttemptEvent`]s ([`Config::set_events`]).
//! * xpdrm's own TCP and TLS connectors for ureq (the `transport` module): cancellable sockets, the rustls
//!   configuration, timings, and the server's TLS alert read after a broken pipe (OpenSSL servers close
//!   right after it).
//!
//! # Secrets
//!
//! Bodies and URLs are held in memory that is wiped on drop, and logs carry redacted URLs only. What xpdrm
//! cannot wipe: the copies inside the TLS stack (ureq's buffers, rustls's and ring's copy of the client's
//! private key), which live until the client is dropped.
//!
//! [`Answer::header`]: crate::http::Answer::header
//! [`AttemptEvent`]: crate::http::AttemptEvent
//! [`Cancel`]: crate::http::Cancel
//! [`Client`]: crate::http::Client
//! [`Client::clock_offset_ms`]: crate::http::Client::clock_offset_ms
//! [`Client::exchange_entitlement`]: crate::http::Client::exchange_entitlement
//! [`Client::execute`]: crate::http::Client::execute
//! [`Client::fetch_token`]: crate::http::Client::fetch_token
//! [`Client::lookup_record`]: crate::http::Client::lookup_record
//! [`Client::redeem_license`]: crate::http::Client::redeem_license
//! [`Client::run_binding_service`]: crate::http::Client::run_binding_service
//! [`Client::run_device_binding`]: crate::http::Client::run_device_binding
//! [`Config`]: crate::http::Config
//! [`Config::add_pin`]: crate::http::Config::add_pin
//! [`Config::set_events`]: crate::http::Config::set_events
//! [`Config::set_proxy`]: crate::http::Config::set_proxy
//! [`Config::set_trust`]: crate::http::Config::set_trust
//! [`Repeat::Idempotent`]: crate::http::Repeat::Idempotent
//! [`TrustSource`]: crate::http::TrustSource

mod cancel;
mod client;
mod config;
mod errors;
mod events;
mod ops;
mod transport;
mod trust;

pub use cancel::{Cancel, POLL_SLICE};
#[cfg(debug_assertions)]
pub use client::STALLED_DNS_HOST;
pub use client::{Answer, Client, Repeat};
pub use config::{
    Config, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_SIZE, DEFAULT_OVERALL_TIMEOUT, DEFAULT_READ_TIMEOUT,
    EventSink, MAX_ATTEMPTS_LIMIT, MAX_BACKOFF_LIMIT, MAX_NO_PROXY_ENTRIES, MAX_PEM_LEN, MAX_PROXY_CREDENTIAL_LEN,
    MAX_PROXY_URL_LEN, MAX_RESPONSE_SIZE_LIMIT, MAX_USER_AGENT_LEN, Retry, default_user_agent,
};
pub use events::{AttemptEvent, Operation, clock_offset_ms, parse_http_date, parse_retry_after};
pub use ops::{MAX_CHALLENGE_LEN, TokenPlacement};
pub use trust::{MAX_PINS, Pin, TrustSource, parse_pin, spki_sha256, system_roots};
