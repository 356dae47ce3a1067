//! The HTTP client on real device networks (feature `http`): cancellation, proxies, trust source and pins,
//! answer headers, the server's clock, per-attempt events. Like `src/ffi/http.rs`, every export exists in
//! every build and returns `XPDRM_ERR_FEATURE_DISABLED` without the feature, writing nothing.

#![allow(clippy::double_must_use, clippy::missing_safety_doc)]
#![cfg_attr(not(feature = "http"), allow(dead_code, unused_imports))]

use core::ffi::{c_char, c_void};
use std::ffi::CString;

use crate::Status;
use crate::ffi::guard::{OutText, free_handle, handle_ref, into_handle, opt_text, out_param, text};
#[cfg(feature = "http")]
use crate::ffi::http::set;
use crate::ffi::http::{xpdrm_http_client, xpdrm_http_config, xpdrm_http_response};
use crate::status::xpdrm_status;

#[cfg(not(feature = "http"))]
macro_rules! http_disabled {
    ($($arg:expr),* $(,)?) => {{
        $( let _ = $arg; )*
        return Err(Status::XPDRM_ERR_FEATURE_DISABLED);
    }};
}

/// A cancel handle: any thread may fire it (`xpdrm_http_cancel_fire`) while other threads are inside calls
/// of a client it is attached to (`xpdrm_http_client_set_cancel`); those calls return
/// `XPDRM_ERR_HTTP_CANCELLED` within milliseconds, wherever they are blocked (name lookup, connect, TLS
/// handshake, sending, waiting for or reading the answer, waiting between attempts), write nothing to their
/// out-parameters, and leave the client usable. A fired handle stays fired, and calls that start meanwhile
/// return `XPDRM_ERR_HTTP_CANCELLED` at once without sending anything, until `xpdrm_http_cancel_reset`.
/// Thread-safe. Owned by the caller; free with `xpdrm_http_cancel_free` (clients it is attached to keep
/// their own reference).
#[allow(non_camel_case_types)]
pub struct xpdrm_http_cancel {
    #[cfg(feature = "http")]
    inner: crate::http::Cancel,
}

/// The trust source of a config; one of the `XPDRM_HTTP_TRUST_*` values.
#[allow(non_camel_case_types)]
pub type xpdrm_http_trust = i32;
/// Mozilla's list of public web CAs, built into xpdrm (the `webpki-roots` crate), plus added CAs.
pub const XPDRM_HTTP_TRUST_BUILT_IN: xpdrm_http_trust = 0;
/// The operating system's CA store, plus added CAs: the file named by `SSL_CERT_FILE` when set, else the
/// directories of `SSL_CERT_DIR`, else the first of the platform's bundles that exists
/// (`/etc/ssl/certs/ca-certificates.crt`, `/etc/pki/tls/certs/ca-bundle.crt`, ...), else its CA directories
/// (`/system/etc/security/cacerts` on Android, `/etc/ssl/certs`).
pub const XPDRM_HTTP_TRUST_SYSTEM: xpdrm_http_trust = 1;
/// Only the CAs added with `xpdrm_http_config_add_ca_pem`.
pub const XPDRM_HTTP_TRUST_ADDED_ONLY: xpdrm_http_trust = 2;

/// Most pins a config holds.
pub const XPDRM_HTTP_MAX_PINS: usize = 16;

/// The operation an attempt belongs to; one of the `XPDRM_HTTP_OP_*` values.
#[allow(non_camel_case_types)]
pub type xpdrm_http_operation = i32;
/// `xpdrm_http_execute`.
pub const XPDRM_HTTP_OP_EXECUTE: xpdrm_http_operation = 0;
/// `xpdrm_http_fetch_token`.
pub const XPDRM_HTTP_OP_FETCH_TOKEN: xpdrm_http_operation = 1;
/// `xpdrm_http_redeem_license`.
pub const XPDRM_HTTP_OP_REDEEM_LICENSE: xpdrm_http_operation = 2;
/// `xpdrm_http_exchange_entitlement`.
pub const XPDRM_HTTP_OP_EXCHANGE_ENTITLEMENT: xpdrm_http_operation = 3;
/// `xpdrm_http_lookup_record`.
pub const XPDRM_HTTP_OP_LOOKUP_RECORD: xpdrm_http_operation = 4;
/// A step of `xpdrm_http_run_device_binding`.
pub const XPDRM_HTTP_OP_DEVICE_BINDING: xpdrm_http_operation = 5;
/// A step of `xpdrm_http_run_binding_service`.
pub const XPDRM_HTTP_OP_BINDING_SERVICE: xpdrm_http_operation = 6;

/// One attempt of an HTTP call, as the event callback receives it. It holds no secret: the host and the
/// URL's path, never its query (which may hold a token or an authenticator), no header, no body. The
/// pointers are valid only during the callback. Times are in microseconds from the attempt's start, -1
/// when they do not apply.
#[repr(C)]
#[allow(non_camel_case_types)]
pub struct xpdrm_http_event {
    /// The operation, an `XPDRM_HTTP_OP_*` value.
    pub operation: xpdrm_http_operation,
    /// The server's host, NUL-terminated.
    pub host: *const c_char,
    /// The URL's path without the query, NUL-terminated.
    pub path: *const c_char,
    /// 1 for the first attempt of the call.
    pub attempt: u32,
    /// Time to connect (TCP; to the proxy when there is one); -1 on a kept-alive connection or none made.
    pub connect_us: i64,
    /// Time of the TLS handshake (through a proxy, the CONNECT exchange included); -1 for plain HTTP, a
    /// kept-alive connection, or none made.
    pub tls_us: i64,
    /// Time from the attempt's start until the answer's head arrived; -1 when none arrived.
    pub first_byte_us: i64,
    /// Time of the whole attempt, the body included.
    pub total_us: i64,
    /// The HTTP status, 0 when no answer arrived.
    pub http_status: u16,
    /// The ExpressPlay error code of an error answer (-4001, ...), 0 when none.
    pub expressplay_code: i32,
    /// `XPDRM_OK` when an answer arrived (whatever its HTTP status), else the attempt's failure
    /// (`XPDRM_ERR_HTTP_TIMEOUT`, `XPDRM_ERR_HTTP_CANCELLED`, ...).
    pub outcome: xpdrm_status,
    /// The wait the server asked for with `Retry-After` (on 429 or 503), in milliseconds; -1 when none.
    pub retry_after_ms: i64,
    /// True when a kept-alive connection served the attempt.
    pub reused_connection: bool,
}

/// An event callback: receives `userdata` as given to `xpdrm_http_config_set_event_callback` and one
/// attempt's record (valid only during the call). Called synchronously on the thread of the HTTP call, once
/// per attempt after it ended, possibly from several threads at once. It must not throw (C++) or unwind;
/// it should return quickly (the call waits for it) and must not free the client it reports on.
#[allow(non_camel_case_types)]
pub type xpdrm_http_event_callback =
    Option<unsafe extern "C" fn(userdata: *mut c_void, event: *const xpdrm_http_event)>;

#[cfg(feature = "http")]
struct EventTarget {
    callback: unsafe extern "C" fn(*mut c_void, *const xpdrm_http_event),
    userdata: *mut c_void,
}

// SAFETY: the caller of `xpdrm_http_config_set_event_callback` promises that the callback may be called
// from any thread with this userdata (documented in the header).
#[cfg(feature = "http")]
unsafe impl Send for EventTarget {}
#[cfg(feature = "http")]
unsafe impl Sync for EventTarget {}

#[cfg(feature = "http")]
fn micros(d: Option<std::time::Duration>) -> i64 {
    d.map_or(-1, |d| i64::try_from(d.as_micros()).unwrap_or(i64::MAX))
}

#[cfg(feature = "http")]
impl EventTarget {
    fn deliver(&self, e: &crate::http::AttemptEvent) {
        let host = CString::new(e.host.replace('\0', "")).unwrap_or_default();
        let path = CString::new(e.path.replace('\0', "")).unwrap_or_default();
        let event = xpdrm_http_event {
            operation: e.operation as i32,
            host: host.as_ptr(),
            path: path.as_ptr(),
            attempt: e.attempt,
            connect_us: micros(e.connect),
            tls_us: micros(e.tls),
            first_byte_us: micros(e.first_byte),
            total_us: micros(Some(e.total)),
            http_status: e.http_status,
            expressplay_code: e.expressplay_code,
            outcome: e.outcome,
            retry_after_ms: e.retry_after.map_or(-1, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX)),
            reused_connection: e.reused_connection,
        };
        // SAFETY: the callback and userdata were given for exactly this use; the record lives through it.
        unsafe { (self.callback)(self.userdata, &event) };
    }
}

/// Creates a cancel handle that has not fired. `out` receives it; free it with `xpdrm_http_cancel_free`.
///
/// Returns `XPDRM_OK`; `XPDRM_ERR_NULL_ARGUMENT`; `XPDRM_ERR_FEATURE_DISABLED`.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_http_cancel_new(out: *mut *mut xpdrm_http_cancel) -> xpdrm_status {
    ffi_guard!({
        #[cfg(not(feature = "http"))]
        http_disabled!(out);
        #[cfg(feature = "http")]
        {
            let out = unsafe { out_param(out) }?;
            out.write(into_handle(xpdrm_http_cancel { inner: crate::http::Cancel::new() }));
            Ok(())
        }
    })
}

/// Fires the handle, from any thread: the calls watching it return `XPDRM_ERR_HTTP_CANCELLED` as soon as
/// they can (their sockets are shut down now), and calls that start before `xpdrm_http_cancel_reset` do
/// so at once. Firing a fired handle does nothing more.
///
/// Returns `XPDRM_OK`; `XPDRM_ERR_NULL_ARGUMENT`; `XPDRM_ERR_FEATURE_DISABLED`.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_http_cancel_fire(cancel: *const xpdrm_http_cancel) -> xpdrm_status {
    ffi_guard!({
        #[cfg(not(feature = "http"))]
        http_disabled!(cancel);
        #[cfg(feature = "http")]
        {
            unsafe { handle_ref(cancel) }?.inner.cancel();
            Ok(())
        }
    })
}

/// Makes a fired handle usable for new calls again (calls already cancelled stay cancelled).
///
/// Returns `XPDRM_OK`; `XPDRM_ERR_NULL_ARGUMENT`; `XPDRM_ERR_FEATURE_DISABLED`.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_http_cancel_reset(cancel: *const xpdrm_http_cancel) -> xpdrm_status {
    ffi_guard!({
        #[cfg(not(feature = "http"))]
        http_disabled!(cancel);
        #[cfg(feature = "http")]
        {
            unsafe { handle_ref(cancel) }?.inner.reset();
            Ok(())
        }
    })
}

/// Returns true when the handle has fired (and was not reset since); false for NULL, and in a build without
/// `http`.
/// cbindgen:nullable=\[cancel\]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_http_cancel_is_fired(cancel: *const xpdrm_http_cancel) -> bool {
    ffi_guard!(on_panic: false, {
        #[cfg(not(feature = "http"))]
        {
            let _ = cancel;
            false
        }
        #[cfg(feature = "http")]
        {
            unsafe { crate::ffi::guard::handle_peek(cancel) }.is_some_and(|c| c.inner.is_cancelled())
        }
    })
}

/// Frees a cancel handle. NULL does nothing. Clients it is attached to keep watching it (they hold their
/// own reference); detach it by giving `xpdrm_http_client_set_cancel` a NULL handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_http_cancel_free(cancel: *mut xpdrm_http_cancel) {
    ffi_guard!(on_panic: (), { unsafe { free_handle(cancel) } })
}

/// Attaches a cancel handle to a client (NULL detaches it): every call of the client that starts afterwards
/// watches it. Thread-safe: calls running on other threads keep the handle they started with. One handle
/// may be attached to several clients.
///
/// Returns `XPDRM_OK`; `XPDRM_ERR_NULL_ARGUMENT` (`client`); `XPDRM_ERR_FEATURE_DISABLED`.
/// cbindgen:nullable=\[cancel\]
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_http_client_set_cancel(
    client: *const xpdrm_http_client,
    cancel: *const xpdrm_http_cancel,
) -> xpdrm_status {
    ffi_guard!({
        #[cfg(not(feature = "http"))]
        http_disabled!(client, cancel);
        #[cfg(feature = "http")]
        {
            let client = unsafe { handle_ref(client) }?;
            let cancel = if cancel.is_null() { None } else { Some(unsafe { handle_ref(cancel) }?.inner.clone()) };
            client.client().set_cancel(cancel);
            Ok(())
        }
    })
}

/// Chooses where the trusted CAs come from: `XPDRM_HTTP_TRUST_BUILT_IN`, `XPDRM_HTTP_TRUST_SYSTEM` (read
/// now) or `XPDRM_HTTP_TRUST_ADDED_ONLY`. CAs added with `xpdrm_http_config_add_ca_pem` are trusted with
/// every source. Without this call: the built-in CAs until a CA is added, then only added CAs.
///
/// Returns `XPDRM_OK`; `XPDRM_ERR_HTTP_TRUST_STORE` (the system source, and no store was found or
/// `SSL_CERT_FILE` cannot be read); `XPDRM_ERR_INVALID_ARGUMENT` (another value); `XPDRM_ERR_NULL_ARGUMENT`;
/// `XPDRM_ERR_FEATURE_DISABLED`. A refusal changes nothing; `xpdrm_http_config_reason` says why.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_http_config_set_trust(
    cfg: *mut xpdrm_http_config,
    trust: xpdrm_http_trust,
) -> xpdrm_status {
    ffi_guard!({
        #[cfg(not(feature = "http"))]
        http_disabled!(cfg, trust);
        #[cfg(feature = "http")]
        {
            use crate::http::TrustSource;
            unsafe {
                set(cfg, |c| {
                    let source = match trust {
                        XPDRM_HTTP_TRUST_BUILT_IN => TrustSource::BuiltIn,
                        XPDRM_HTTP_TRUST_SYSTEM => TrustSource::System,
                        XPDRM_HTTP_TRUST_ADDED_ONLY => TrustSource::AddedOnly,
                        _ => {
                            return Err(crate::sees::Problem::new(
                                Status::XPDRM_ERR_INVALID_ARGUMENT,
                                format!("the trust source is {trust}; it must be an XPDRM_HTTP_TRUST_* value"),
                            ));
                        }
                    };
                    c.set_trust(source)
                })
            }
        }
    })
}

/// Pins a server key: `pin` is the SHA-256 of the server certificate's SubjectPublicKeyInfo, as base64 (44
/// characters, or 43 without padding; an optional `sha256/` prefix) or as 64 hex digits (colons allowed).
/// `openssl x509 -in cert.pem -pubkey -noout | openssl pkey -pubin -outform der | openssl dgst -sha256`
/// gives it in hex. Several pins may be added (at most `XPDRM_HTTP_MAX_PINS`, for key rotation). With pins,
/// a server must first pass the normal checks (chain to a trusted CA, name, dates), and then its own key
/// (the leaf certificate's) must match one of them, else the call fails with
/// `XPDRM_ERR_HTTP_TLS_PIN_MISMATCH`. Pins apply to every https server the client talks to.
///
/// Returns `XPDRM_OK` (also for a pin already held); `XPDRM_ERR_INVALID_ARGUMENT` (not 32 bytes of base64 or
/// hex, or too many pins; nothing changes, `xpdrm_http_config_reason` says why); `XPDRM_ERR_INVALID_UTF8`;
/// `XPDRM_ERR_NULL_ARGUMENT`; `XPDRM_ERR_FEATURE_DISABLED`.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_http_config_add_pin(cfg: *mut xpdrm_http_config, pin: *const c_char) -> xpdrm_status {
    ffi_guard!({
        #[cfg(not(feature = "http"))]
        http_disabled!(cfg, pin);
        #[cfg(feature = "http")]
        {
            let pin = unsafe { text(pin) }?;
            unsafe { set(cfg, |c| c.add_pin(pin)) }
        }
    })
}

/// Removes every pin of the config.
///
/// Returns `XPDRM_OK`; `XPDRM_ERR_NULL_ARGUMENT`; `XPDRM_ERR_FEATURE_DISABLED`.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_http_config_clear_pins(cfg: *mut xpdrm_http_config) -> xpdrm_status {
    ffi_guard!({
        #[cfg(not(feature = "http"))]
        http_disabled!(cfg);
        #[cfg(feature = "http")]
        {
            unsafe {
                set(cfg, |c| {
                    c.clear_pins();
                    Ok(())
                })
            }
        }
    })
}

/// Sends every request through an HTTP proxy, tunnelled with `CONNECT` (for `https` and plain `http`
/// servers alike), except to the hosts of the no-proxy list. The environment (`HTTP_PROXY`, `NO_PROXY`) is
/// never read.
///
/// * `url`: `http://host[:port]` (port 80 when not given; no user information, path or query); NULL removes
///   the proxy (the other arguments must then be NULL too). `https://` proxies are not supported.
/// * `username`, `password`: basic credentials (printable ASCII, 1 to 255 bytes each, no `:` in the user
///   name), or NULL for none; a password needs a user name. The password is a secret: it is sent only to the
///   proxy and never logged (the HTTP stack keeps its own copy, not wiped, until the client is freed).
/// * `no_proxy`: NULL, or a comma-separated list of hosts reached directly: `localhost`, `10.0.0.1`,
///   `.example.com` or `*.example.com` (the hosts under a domain), `*` (all); at most 64 entries.
///
/// Failures of calls through the proxy: `XPDRM_ERR_HTTP_PROXY_CONNECT` (the proxy cannot be reached),
/// `XPDRM_ERR_HTTP_PROXY_AUTH_REQUIRED` (HTTP 407), `XPDRM_ERR_HTTP_PROXY_REFUSED` (any other refusal of the
/// tunnel, such as a server the proxy cannot reach or may not reach).
///
/// Returns `XPDRM_OK`; `XPDRM_ERR_INVALID_ARGUMENT` (a malformed URL, a bad credential or list entry;
/// nothing changes, `xpdrm_http_config_reason` says why); `XPDRM_ERR_INVALID_UTF8`; `XPDRM_ERR_NULL_ARGUMENT`
/// (`cfg`); `XPDRM_ERR_FEATURE_DISABLED`.
/// cbindgen:nullable=\[url, username, password, no_proxy\]
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_http_config_set_proxy(
    cfg: *mut xpdrm_http_config,
    url: *const c_char,
    username: *const c_char,
    password: *const c_char,
    no_proxy: *const c_char,
) -> xpdrm_status {
    ffi_guard!({
        #[cfg(not(feature = "http"))]
        http_disabled!(cfg, url, username, password, no_proxy);
        #[cfg(feature = "http")]
        {
            let url = unsafe { opt_text(url) }?;
            let username = unsafe { opt_text(username) }?;
            let password = unsafe { opt_text(password) }?;
            let no_proxy = unsafe { opt_text(no_proxy) }?;
            unsafe { set(cfg, |c| c.set_proxy(url, username, password, no_proxy)) }
        }
    })
}

/// Sets (or with `callback == NULL` removes) the per-attempt event callback of clients made from this
/// config afterwards: one `xpdrm_http_event` per attempt of every call (see `xpdrm_http_event_callback`).
/// `userdata` is passed back to every call, from any thread that uses such a client; it must stay valid
/// until those clients are freed.
///
/// Returns `XPDRM_OK`; `XPDRM_ERR_NULL_ARGUMENT` (`cfg`); `XPDRM_ERR_FEATURE_DISABLED`.
/// cbindgen:nullable=\[callback\]
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_http_config_set_event_callback(
    cfg: *mut xpdrm_http_config,
    callback: xpdrm_http_event_callback,
    userdata: *mut c_void,
) -> xpdrm_status {
    ffi_guard!({
        #[cfg(not(feature = "http"))]
        http_disabled!(cfg, callback, userdata);
        #[cfg(feature = "http")]
        {
            let sink = callback.map(|callback| {
                let target = EventTarget { callback, userdata };
                std::sync::Arc::new(move |e: &crate::http::AttemptEvent| target.deliver(e)) as crate::http::EventSink
            });
            unsafe {
                set(cfg, |c| {
                    c.set_events(sink);
                    Ok(())
                })
            }
        }
    })
}

/// Writes the value of an answer's header as NUL-terminated text: `name` in any case (`"Retry-After"`,
/// `"date"`); several headers of that name are joined with `", "`. Bytes outside printable ASCII in a value
/// are written as `?`.
///
/// Returns `XPDRM_OK`; `XPDRM_ERR_HTTP_NO_SUCH_HEADER` (the answer has none; nothing is written);
/// `XPDRM_ERR_BUFFER_TOO_SMALL` with the length in `*out_len`; `XPDRM_ERR_INVALID_UTF8`;
/// `XPDRM_ERR_NULL_ARGUMENT`; `XPDRM_ERR_FEATURE_DISABLED`.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_http_response_header(
    resp: *const xpdrm_http_response,
    name: *const c_char,
    out: *mut c_char,
    out_cap: usize,
    out_len: *mut usize,
) -> xpdrm_status {
    ffi_guard!({
        #[cfg(not(feature = "http"))]
        http_disabled!(resp, name, out, out_cap, out_len);
        #[cfg(feature = "http")]
        {
            let resp = unsafe { handle_ref(resp) }?;
            let name = unsafe { text(name) }?;
            let out = unsafe { OutText::new(out, out_cap, out_len) }?;
            let value = resp.header(name).ok_or(Status::XPDRM_ERR_HTTP_NO_SUCH_HEADER)?;
            out.write(&value)
        }
    })
}

/// Writes the offset of the server's clock from the device's, in milliseconds (positive: the server's is
/// ahead), estimated from the `Date` header of the latest answer that had one (any server this client
/// talked to), good to about a second. Add it to the device's time before comparing with absolute times a
/// server issued (a token's `expirationTime`).
///
/// Returns `XPDRM_OK`; `XPDRM_ERR_HTTP_NO_SUCH_HEADER` (no answer had a `Date` header yet; nothing is
/// written); `XPDRM_ERR_NULL_ARGUMENT`; `XPDRM_ERR_FEATURE_DISABLED`.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_http_client_clock_offset(
    client: *const xpdrm_http_client,
    out_offset_ms: *mut i64,
) -> xpdrm_status {
    ffi_guard!({
        #[cfg(not(feature = "http"))]
        http_disabled!(client, out_offset_ms);
        #[cfg(feature = "http")]
        {
            let client = unsafe { handle_ref(client) }?;
            let out = unsafe { out_param(out_offset_ms) }?;
            let offset = client.client().clock_offset_ms().ok_or(Status::XPDRM_ERR_HTTP_NO_SUCH_HEADER)?;
            out.write(offset);
            Ok(())
        }
    })
}

/// Writes the SHA-256 of the SubjectPublicKeyInfo of the first certificate of a PEM text: the pin of that
/// certificate's key, as 64 lower-case hex digits and a NUL into `out` (at least 65 bytes).
///
/// Returns `XPDRM_OK`; `XPDRM_ERR_HTTP_BAD_PEM` (no certificate, or one that cannot be parsed);
/// `XPDRM_ERR_BUFFER_TOO_SMALL` (with 64 in `*out_len`); `XPDRM_ERR_INPUT_TOO_LARGE` (over 1 MiB);
/// `XPDRM_ERR_NULL_ARGUMENT`; `XPDRM_ERR_FEATURE_DISABLED`.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_http_pin_of_cert_pem(
    cert_pem: *const u8,
    cert_len: usize,
    out: *mut c_char,
    out_cap: usize,
    out_len: *mut usize,
) -> xpdrm_status {
    ffi_guard!({
        #[cfg(not(feature = "http"))]
        http_disabled!(cert_pem, cert_len, out, out_cap, out_len);
        #[cfg(feature = "http")]
        {
            let pem = unsafe { crate::ffi::guard::bytes(cert_pem, cert_len) }?;
            let out = unsafe { OutText::new(out, out_cap, out_len) }?;
            if pem.len() > crate::http::MAX_PEM_LEN {
                return Err(Status::XPDRM_ERR_INPUT_TOO_LARGE);
            }
            let der = ureq::tls::parse_pem(pem)
                .find_map(|i| match i {
                    Ok(ureq::tls::PemItem::Certificate(c)) => Some(c.der().to_vec()),
                    _ => None,
                })
                .ok_or(Status::XPDRM_ERR_HTTP_BAD_PEM)?;
            let pin = crate::http::spki_sha256(&der).map_err(|p| p.status)?;
            let hex: String = pin.iter().map(|b| format!("{b:02x}")).collect();
            out.write(&hex)
        }
    })
}
