//! The C boundary, and nothing else: thin `extern "C"` functions that check their arguments, call the safe
//! domain modules, and write results through out-parameters.
//!
//! Every export's body is a single `ffi_guard!` invocation (defined in [`guard`]) (a test parses this folder and fails
//! otherwise). The guard turns a panic into `XPDRM_ERR_PANIC` (or a documented safe value for functions that
//! do not return a status), and the argument helpers of [`guard`] turn NULL pointers, invalid UTF-8 and short
//! buffers into statuses.

// Exports keep `#[must_use]` although `xpdrm_status` is `#[must_use]` itself: cbindgen turns the function
// attribute into XPDRM_MUST_USE in the header. Their safety contract is the header's documentation of each
// pointer, not a Rust `# Safety` section.
#![allow(clippy::double_must_use, clippy::missing_safety_doc)]

#[macro_use]
pub mod guard;

pub mod basics;
pub mod keywrap;
pub mod log;
pub mod token;
pub mod marlin;
// In the header's reading order: device IDs and cookies, SEES messages, then the binding flow.
pub mod device;
pub mod sees;
pub mod outbound;
pub mod binding;
// The HTTP client: present in every build, working with the cargo feature `http`.
pub mod http;
// Cancellation, proxies, trust and pins, answer headers, events.
pub mod http_net;
pub mod wipe;
