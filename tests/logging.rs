//! The log callback: off by default, levels respected, messages free of secrets, bad levels refused; a
//! callback that calls back into xpdrm neither recurses nor deadlocks.

use std::ffi::{CStr, c_char, c_void};
use std::sync::Mutex;

use xpdrm::Status::*;
use xpdrm::ffi::keywrap::{xpdrm_key_unwrap, xpdrm_key_unwrap_hex};
use xpdrm::ffi::log::*;

static MESSAGES: Mutex<Vec<(i32, String, usize)>> = Mutex::new(Vec::new());
static FROM_INSIDE: Mutex<Vec<xpdrm::Status>> = Mutex::new(Vec::new());

unsafe extern "C" fn record(userdata: *mut c_void, level: xpdrm_log_level, message: *const c_char) {
    let text = unsafe { CStr::from_ptr(message) }.to_str().unwrap().to_string();
    MESSAGES.lock().unwrap().push((level, text, userdata as usize));
}

/// Records the message, then calls into xpdrm: an unwrap that logs (would recurse), and a callback change
/// (would wait for itself).
unsafe extern "C" fn reentrant(userdata: *mut c_void, level: xpdrm_log_level, message: *const c_char) {
    unsafe { record(userdata, level, message) };
    unwrap_with_wrong_kek();
    let st = unsafe { xpdrm_log_set_callback(None, std::ptr::null_mut(), XPDRM_LOG_TRACE) };
    FROM_INSIDE.lock().unwrap().push(st);
}

const KEK_HEX: &str = "000102030405060708090a0b0c0d0e0f";
const WRONG_KEK: [u8; 16] = [0x42; 16];
const WRAPPED: [u8; 24] = [
    0x1F, 0xA6, 0x8B, 0x0A, 0x81, 0x12, 0xB4, 0x47, 0xAE, 0xF3, 0x4B, 0xD8, 0xFB, 0x5A, 0x7B, 0x82, 0x9D, 0x3E, 0x86,
    0x23, 0x71, 0xD2, 0xCF, 0xE5,
];

fn unwrap_with_wrong_kek() {
    let mut out = [0u8; 16];
    let mut len = 0;
    let st = unsafe { xpdrm_key_unwrap(WRONG_KEK.as_ptr(), 16, WRAPPED.as_ptr(), 24, out.as_mut_ptr(), 16, &mut len) };
    assert_eq!(st, XPDRM_ERR_INTEGRITY);
}

// One test function: the callback is process-wide, and test functions run in parallel.
#[test]
fn log_callback_levels_userdata_and_no_secrets() {
    // Off by default: nothing is delivered anywhere.
    unwrap_with_wrong_kek();
    assert!(MESSAGES.lock().unwrap().is_empty());

    // A bad level changes nothing.
    assert_eq!(unsafe { xpdrm_log_set_callback(Some(record), std::ptr::null_mut(), 0) }, XPDRM_ERR_INVALID_ARGUMENT);
    assert_eq!(unsafe { xpdrm_log_set_callback(Some(record), std::ptr::null_mut(), 6) }, XPDRM_ERR_INVALID_ARGUMENT);
    unwrap_with_wrong_kek();
    assert!(MESSAGES.lock().unwrap().is_empty());

    // At INFO, the DEBUG line about the failed integrity check is not delivered.
    assert_eq!(unsafe { xpdrm_log_set_callback(Some(record), 7usize as *mut c_void, XPDRM_LOG_INFO) }, XPDRM_OK);
    unwrap_with_wrong_kek();
    assert!(MESSAGES.lock().unwrap().is_empty());

    // At TRACE it is, with our userdata, and it names no secret.
    assert_eq!(unsafe { xpdrm_log_set_callback(Some(record), 7usize as *mut c_void, XPDRM_LOG_TRACE) }, XPDRM_OK);
    unwrap_with_wrong_kek();
    let mut out = [0u8; 16];
    let mut len = 0;
    let kek = std::ffi::CString::new(KEK_HEX).unwrap();
    let ek = c"1FA68B0A8112B447AEF34BD8FB5A7B829D3E862371D2CFE5";
    assert_eq!(unsafe { xpdrm_key_unwrap_hex(kek.as_ptr(), ek.as_ptr(), out.as_mut_ptr(), 16, &mut len) }, XPDRM_OK);
    let messages = MESSAGES.lock().unwrap().clone();
    assert!(
        messages
            .iter()
            .any(|(level, m, ud)| *level == XPDRM_LOG_DEBUG && *ud == 7 && m.contains("integrity check failed")),
        "{messages:?}"
    );
    let secrets = [KEK_HEX.to_string(), "4242424242".to_string(), "00112233445566778899aabbccddeeff".to_string()];
    for (_, m, _) in &messages {
        for s in &secrets {
            assert!(!m.to_lowercase().contains(s), "secret {s} in log message {m:?}");
        }
    }

    // A callback that calls into xpdrm: its own calls log nothing (no recursion), and it cannot change the
    // callback from inside (refused instead of a deadlock).
    MESSAGES.lock().unwrap().clear();
    assert_eq!(unsafe { xpdrm_log_set_callback(Some(reentrant), 9usize as *mut c_void, XPDRM_LOG_TRACE) }, XPDRM_OK);
    unwrap_with_wrong_kek();
    assert_eq!(MESSAGES.lock().unwrap().len(), 1, "{:?}", MESSAGES.lock().unwrap());
    assert_eq!(*FROM_INSIDE.lock().unwrap(), vec![XPDRM_ERR_INVALID_ARGUMENT]);

    // Removing the callback stops delivery; the level does not matter when removing.
    MESSAGES.lock().unwrap().clear();
    assert_eq!(unsafe { xpdrm_log_set_callback(None, std::ptr::null_mut(), 0) }, XPDRM_OK);
    unwrap_with_wrong_kek();
    assert!(MESSAGES.lock().unwrap().is_empty());
}
