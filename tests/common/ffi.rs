//! Safe wrappers for calling the key-wrap exports through the C ABI in tests.
#![allow(dead_code)]

use std::ffi::CString;

use xpdrm::Status;
use xpdrm::ffi::keywrap as k;

pub type RawFn = unsafe extern "C" fn(*const u8, usize, *const u8, usize, *mut u8, usize, *mut usize) -> Status;

pub const UNWRAP: RawFn = k::xpdrm_key_unwrap;
pub const WRAP: RawFn = k::xpdrm_key_wrap;
pub const UNWRAP_PADDED: RawFn = k::xpdrm_key_unwrap_padded;
pub const WRAP_PADDED: RawFn = k::xpdrm_key_wrap_padded;

/// The four binary exports, with their names.
pub const ALL_BINARY: [(&str, RawFn); 4] = [
    ("xpdrm_key_unwrap", UNWRAP),
    ("xpdrm_key_wrap", WRAP),
    ("xpdrm_key_unwrap_padded", UNWRAP_PADDED),
    ("xpdrm_key_wrap_padded", WRAP_PADDED),
];

/// Calls `f` with an output buffer of `cap` bytes pre-filled with 0xA5, and returns the status, the
/// output (truncated to `*out_len` on success) and whether the buffer was left untouched.
pub fn call(f: RawFn, kek: &[u8], input: &[u8], cap: usize) -> (Status, Vec<u8>, bool) {
    let mut out = vec![0xA5u8; cap];
    let mut len = usize::MAX;
    let status = unsafe { f(kek.as_ptr(), kek.len(), input.as_ptr(), input.len(), out.as_mut_ptr(), cap, &mut len) };
    let untouched = out.iter().all(|&b| b == 0xA5);
    if status == Status::XPDRM_OK {
        out.truncate(len);
    }
    (status, out, untouched)
}

/// Calls `f` with a generous buffer and returns the output or the failing status.
pub fn run(f: RawFn, kek: &[u8], input: &[u8]) -> Result<Vec<u8>, Status> {
    let (status, out, untouched) = call(f, kek, input, input.len() + 64);
    if status == Status::XPDRM_OK {
        Ok(out)
    } else {
        assert!(untouched, "a failed call ({status:?}) wrote to the output buffer");
        Err(status)
    }
}

pub fn unwrap_hex(kek: &str, ek: &str, cap: usize) -> (Status, Vec<u8>, usize) {
    let kek = CString::new(kek).unwrap();
    let ek = CString::new(ek).unwrap();
    let mut out = vec![0xA5u8; cap];
    let mut len = usize::MAX;
    let status = unsafe { k::xpdrm_key_unwrap_hex(kek.as_ptr(), ek.as_ptr(), out.as_mut_ptr(), cap, &mut len) };
    (status, out, len)
}

pub fn hex(s: &str) -> Vec<u8> {
    assert!(s.len().is_multiple_of(2), "odd hex in test data: {s}");
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex in test data")).collect()
}
