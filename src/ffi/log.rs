//! The log callback.

use core::ffi::{c_char, c_void};
use std::ffi::CString;

use crate::Status;
use crate::log::{self, Level, Sink};
use crate::status::xpdrm_status;

/// Severity of a log message; one of the `XPDRM_LOG_*` values.
#[allow(non_camel_case_types)]
pub type xpdrm_log_level = i32;

/// Something failed.
pub const XPDRM_LOG_ERROR: xpdrm_log_level = 1;
/// Something unusual that the caller may want to know.
pub const XPDRM_LOG_WARN: xpdrm_log_level = 2;
/// A major step: a request built, a response parsed.
pub const XPDRM_LOG_INFO: xpdrm_log_level = 3;
/// Detail for debugging an integration.
pub const XPDRM_LOG_DEBUG: xpdrm_log_level = 4;
/// Everything.
pub const XPDRM_LOG_TRACE: xpdrm_log_level = 5;

/// A log callback: receives `userdata` as given to `xpdrm_log_set_callback`, the level, and a NUL-terminated
/// UTF-8 message that is valid only during the call (copy it to keep it). Called synchronously on the thread
/// of the xpdrm call that logs, possibly from several threads at once. It must not throw (C++) or unwind.
/// It may call xpdrm functions, but what they log is dropped, and `xpdrm_log_set_callback` refuses to run
/// from inside it.
#[allow(non_camel_case_types)]
pub type xpdrm_log_callback =
    Option<unsafe extern "C" fn(userdata: *mut c_void, level: xpdrm_log_level, message: *const c_char)>;

struct CallbackSink {
    callback: unsafe extern "C" fn(*mut c_void, xpdrm_log_level, *const c_char),
    userdata: *mut c_void,
}

// SAFETY: the caller of `xpdrm_log_set_callback` promises that the callback may be called from any thread
// with this userdata (documented in the header).
unsafe impl Send for CallbackSink {}
unsafe impl Sync for CallbackSink {}

impl Sink for CallbackSink {
    fn log(&self, level: Level, message: &str) {
        // Interior NULs cannot cross into C; messages are ours, so this only trims a pathological case.
        let text = CString::new(message.replace('\0', " ")).unwrap_or_default();
        // SAFETY: the callback and userdata were given to us for exactly this use.
        unsafe { (self.callback)(self.userdata, level as i32, text.as_ptr()) };
    }
}

/// Installs (or, with `callback == NULL`, removes) the process-wide log callback.
///
/// Logging is off until a callback is set. Messages at `max_level` and more severe (a smaller number) are
/// delivered; `max_level` is one of `XPDRM_LOG_ERROR` .. `XPDRM_LOG_TRACE` (it is ignored when removing).
/// Messages never contain secrets (content keys, KEKs, the customer authenticator, tokens, raw device IDs);
/// xpdrm never writes to stdout or stderr, with or without a callback.
///
/// `userdata` is passed back to every call and is not otherwise used. This function waits for callbacks in
/// progress on other threads; once it returns, the previous callback is not called again and its `userdata`
/// may be released. Thread-safe, but intended to be called at start-up and shutdown.
///
/// Returns `XPDRM_OK`, or `XPDRM_ERR_INVALID_ARGUMENT` (nothing changes) for a `max_level` outside 1..5 with
/// a callback, or when called from inside the log callback (it would wait for itself).
/// cbindgen:nullable=\[callback\]
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_log_set_callback(
    callback: xpdrm_log_callback,
    userdata: *mut c_void,
    max_level: xpdrm_log_level,
) -> xpdrm_status {
    ffi_guard!({
        if log::in_sink() {
            return Err(Status::XPDRM_ERR_INVALID_ARGUMENT);
        }
        let sink = match callback {
            None => None,
            Some(callback) => {
                Level::from_i32(max_level).ok_or(Status::XPDRM_ERR_INVALID_ARGUMENT)?;
                Some(Box::new(CallbackSink { callback, userdata }) as Box<dyn Sink>)
            }
        };
        log::set_sink(sink, Level::from_i32(max_level).unwrap_or(Level::Error));
        Ok(())
    })
}
