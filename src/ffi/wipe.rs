//! `xpdrm_wipe`: the library's own wiping, for the caller's copies of secrets.

use core::ffi::c_void;

use zeroize::Zeroize;

/// Overwrites `len` bytes at `ptr` with zeros in a way the compiler may not remove as a dead store (unlike
/// `memset` before `free` or before a buffer goes out of scope). For the caller's own copies of secrets:
/// content keys and KEKs read out of xpdrm, customer authenticators, tokens. xpdrm wipes its own copies
/// itself.
///
/// `ptr` must be valid for writes of `len` bytes; it may be NULL, and then nothing happens (whatever `len`
/// is). Thread-safe (it touches only the caller's bytes). Never fails.
/// cbindgen:nullable=\[ptr\]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xpdrm_wipe(ptr: *mut c_void, len: usize) {
    ffi_guard!(on_panic: (), {
        if !ptr.is_null() && len != 0 && len <= isize::MAX as usize {
            // SAFETY: non-NULL and valid for writes of `len` bytes by the caller's contract.
            unsafe { core::slice::from_raw_parts_mut(ptr.cast::<u8>(), len) }.zeroize();
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wipes_exactly_the_given_bytes_and_accepts_null() {
        let mut buf = [0xA5u8; 16];
        unsafe { xpdrm_wipe(buf.as_mut_ptr().add(4).cast(), 8) };
        assert_eq!(buf[..4], [0xA5; 4]);
        assert_eq!(buf[4..12], [0; 8]);
        assert_eq!(buf[12..], [0xA5; 4]);
        unsafe {
            xpdrm_wipe(core::ptr::null_mut(), 0);
            xpdrm_wipe(core::ptr::null_mut(), 5);
            xpdrm_wipe(buf.as_mut_ptr().cast(), 0);
        }
        assert_eq!(buf[..4], [0xA5; 4]);
    }
}
