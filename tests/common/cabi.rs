//! Helpers for calling the handle-based exports (SEES, device binding) through the C ABI in tests.
#![allow(dead_code)]

use std::ffi::{CStr, CString, c_char};

use xpdrm::Status;

/// A text getter in the `(out, out_cap, out_len)` convention, with its other arguments bound.
pub type TextCall<'a> = &'a dyn Fn(*mut c_char, usize, *mut usize) -> Status;

/// Fetches a text output: a size query, then the exact buffer.
pub fn get_text(call: TextCall<'_>) -> Result<String, Status> {
    let mut len = usize::MAX;
    let st = call(std::ptr::null_mut(), 0, &mut len);
    if st != Status::XPDRM_ERR_BUFFER_TOO_SMALL {
        assert_eq!(len, usize::MAX, "a failed size query ({st:?}) wrote a length");
        return Err(st);
    }
    let mut buf = vec![0x5Au8; len + 1];
    let mut got = usize::MAX;
    let st = call(buf.as_mut_ptr().cast(), buf.len(), &mut got);
    assert_eq!(st, Status::XPDRM_OK, "the fetch after a size query failed");
    assert_eq!((got, buf[len]), (len, 0), "length or NUL terminator wrong");
    Ok(String::from_utf8(buf[..len].to_vec()).expect("UTF-8 output"))
}

/// Checks the whole output-buffer contract of a text getter that succeeds with `expected`: size query,
/// missing `out_len`, NULL `out` with a capacity, a buffer one byte short (untouched), the exact buffer.
pub fn check_text_contract(what: &str, expected: &str, call: TextCall<'_>) {
    let mut len = usize::MAX;
    assert_eq!(call(std::ptr::null_mut(), 0, &mut len), Status::XPDRM_ERR_BUFFER_TOO_SMALL, "{what}: size query");
    assert_eq!(len, expected.len(), "{what}: size query length");
    let mut buf = vec![0xA5u8; expected.len() + 8];
    assert_eq!(
        call(buf.as_mut_ptr().cast(), buf.len(), std::ptr::null_mut()),
        Status::XPDRM_ERR_NULL_ARGUMENT,
        "{what}: NULL out_len"
    );
    assert_eq!(
        call(std::ptr::null_mut(), 4, &mut len),
        Status::XPDRM_ERR_NULL_ARGUMENT,
        "{what}: NULL out with a capacity"
    );
    let mut len = 0;
    let st = call(buf.as_mut_ptr().cast(), expected.len(), &mut len);
    assert_eq!((st, len), (Status::XPDRM_ERR_BUFFER_TOO_SMALL, expected.len()), "{what}: no room for the NUL");
    assert!(buf.iter().all(|&b| b == 0xA5), "{what}: a too-small buffer was written");
    let st = call(buf.as_mut_ptr().cast(), expected.len() + 1, &mut len);
    assert_eq!((st, len), (Status::XPDRM_OK, expected.len()), "{what}: exact buffer");
    assert_eq!(&buf[..len], expected.as_bytes(), "{what}: content");
    assert_eq!(buf[len], 0, "{what}: NUL terminator");
    assert_eq!(buf[len + 1], 0xA5, "{what}: wrote past the NUL");
}

/// A failing text getter writes nothing, not even a length.
pub fn check_text_fails(what: &str, want: Status, call: TextCall<'_>) {
    let mut buf = vec![0xA5u8; 64];
    let mut len = usize::MAX;
    assert_eq!(call(buf.as_mut_ptr().cast(), buf.len(), &mut len), want, "{what}");
    assert_eq!(len, usize::MAX, "{what}: wrote a length on failure");
    assert!(buf.iter().all(|&b| b == 0xA5), "{what}: wrote output on failure");
    assert_eq!(call(std::ptr::null_mut(), 0, &mut len), want, "{what}: size query of a failing getter");
}

/// A C string.
pub fn c(s: &str) -> CString {
    CString::new(s).unwrap()
}

/// Bytes that are not UTF-8, NUL-terminated.
pub const NOT_UTF8: &CStr = c"\xff\xfe";

/// A value for an out-handle that a failing call must leave alone.
pub fn sentinel<T>() -> *mut T {
    0x5A5A_5A50usize as *mut T
}
