//! Status texts, the version, and the feature query.

use core::ffi::{CStr, c_char};

use crate::status::c_text_for_code;

/// An optional capability compiled into a build of xpdrm; one of the `XPDRM_FEATURE_*` values.
#[allow(non_camel_case_types)]
pub type xpdrm_feature = i32;

/// The blocking HTTP client (cargo feature `http`): the `xpdrm_http_*` functions work instead of returning
/// `XPDRM_ERR_FEATURE_DISABLED`.
pub const XPDRM_FEATURE_HTTP: xpdrm_feature = 1;

// The optional features compiled in, as `xpdrm_version` lists them: `core` when there are none.
#[cfg(feature = "http")]
macro_rules! feature_list {
    () => {
        "http"
    };
}
#[cfg(not(feature = "http"))]
macro_rules! feature_list {
    () => {
        "core"
    };
}

const VERSION: &CStr = {
    const TEXT: &str = concat!("xpdrm/", env!("CARGO_PKG_VERSION"), " (", feature_list!(), ")\0");
    match CStr::from_bytes_with_nul(TEXT.as_bytes()) {
        Ok(c) => c,
        Err(_) => panic!("version text is not a C string"),
    }
};

/// The enabled optional features, as `xpdrm_version` lists them (`core` when there are none).
pub fn features() -> &'static str {
    feature_list!()
}

/// Returns the English text of a status code.
///
/// Any `int32_t` is accepted, including codes xpdrm does not know (a server's future code, say), which give
/// "Unknown status code.". Never returns NULL.
///
/// Ownership: the string is static; do not free or modify it. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn xpdrm_status_str(status: i32) -> *const c_char {
    ffi_guard!(on_panic: crate::status::UNKNOWN_STATUS_TEXT.as_ptr(), { c_text_for_code(status).as_ptr() })
}

/// Returns the library version as `"xpdrm/<semver> (<features>)"`, for example `"xpdrm/0.1.0 (http)"`;
/// `<features>` is `core` when no optional feature is compiled in. Never returns NULL.
///
/// Ownership: the string is static; do not free or modify it. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn xpdrm_version() -> *const c_char {
    ffi_guard!(on_panic: VERSION.as_ptr(), { VERSION.as_ptr() })
}

/// Returns true if `feature` (one of `XPDRM_FEATURE_*`) is compiled into this build, false otherwise,
/// including for values xpdrm does not know. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn xpdrm_has_feature(feature: xpdrm_feature) -> bool {
    ffi_guard!(on_panic: false, {
        feature == XPDRM_FEATURE_HTTP && cfg!(feature = "http")
    })
}
