//! # xpdrm
//!
//! A library for video players that speak the ExpressPlay DRM token protocol and the SEES entitlement
//! protocol, with a C ABI (`include/xpdrm.h`) for players written in C, C++, Swift and Kotlin.
//!
//! The safe Rust modules hold the logic and do no I/O; [`ffi`] is the C boundary and only that.
//!
//! * [`status`]: the status model shared by every function (ExpressPlay's codes and local ones).
//! * [`keywrap`]: AES Key Wrap (RFC 3394) and Key Wrap with Padding (RFC 5649), for `kek` + `ek`.
//! * [`log`]: the opt-in log callback; nothing is written anywhere until the host installs one.
//! * [`token`]: ExpressPlay token requests (checked like the server) and token responses.
//! * [`sees`]: SEES entitlement requests and responses, both sides.
//! * [`device`]: device IDs (normalisation, constant-time match, fingerprints) and correlation cookies.
//! * [`binding`]: the device-binding flow as two sans-IO state machines (device and service), and the
//!   transaction-record lookup.
//! * [`outbound`]: the description of an HTTP request that a flow asks its caller to make.
//! * `http` (feature `http`): the blocking HTTP client that executes those requests.

#![deny(unsafe_op_in_unsafe_fn)]
#![warn(missing_docs)]

// The domain modules are not read by cbindgen (`cbindgen:ignore`): the header shows only the status enum
// and what `ffi` exports, so no unprefixed Rust constant leaks into it.
// That outer doc line makes rustdoc resolve the links of each module's own docs from the crate root: the
// modules define their links' targets at the end of their docs (`[`Client`]: crate::http::Client`).
pub mod status;
/// cbindgen:ignore
pub mod keywrap;
/// cbindgen:ignore
pub mod hex;
mod url;
/// cbindgen:ignore
pub mod error;
mod secret;
/// cbindgen:ignore
pub mod log;
/// cbindgen:ignore
pub mod token;
/// cbindgen:ignore
pub mod sees;
/// cbindgen:ignore
pub mod device;
/// cbindgen:ignore
pub mod binding;
/// cbindgen:ignore
pub mod outbound;
/// cbindgen:ignore
pub mod secret_string;
/// cbindgen:ignore
#[cfg(feature = "http")]
pub mod http;
mod json;
mod random;

pub mod ffi;

pub use status::Status;
