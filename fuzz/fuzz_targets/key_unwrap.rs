//! Arbitrary KEKs, wrapped keys and output capacities through the C ABI's key-unwrap functions: never a
//! panic, never a write on failure, never output beyond the capacity; whatever unwraps must wrap back.
#![no_main]

use libfuzzer_sys::fuzz_target;
use xpdrm::Status;
use xpdrm::ffi::keywrap::*;

fuzz_target!(|data: &[u8]| {
    if data.len() < 2 {
        return;
    }
    let kek_len = [16usize, 24, 32, data[0] as usize % 40][(data[1] % 4) as usize];
    let rest = &data[2..];
    let (kek, wrapped) = rest.split_at(kek_len.min(rest.len()));
    let cap = (data[0] as usize) % 64;
    for (unwrap, wrap) in [
        (
            xpdrm_key_unwrap as unsafe extern "C" fn(_, _, _, _, _, _, _) -> _,
            xpdrm_key_wrap as unsafe extern "C" fn(_, _, _, _, _, _, _) -> _,
        ),
        (xpdrm_key_unwrap_padded, xpdrm_key_wrap_padded),
    ] {
        let mut out = vec![0xA5u8; cap + 16];
        let mut len = usize::MAX;
        let st = unsafe {
            unwrap(kek.as_ptr(), kek.len(), wrapped.as_ptr(), wrapped.len(), out.as_mut_ptr(), cap, &mut len)
        };
        assert_ne!(st, Status::XPDRM_ERR_PANIC);
        assert!(out[cap..].iter().all(|&b| b == 0xA5), "wrote beyond out_cap");
        if st == Status::XPDRM_OK {
            let key = out[..len].to_vec();
            let mut again = vec![0u8; wrapped.len()];
            let mut again_len = 0;
            let st = unsafe {
                wrap(kek.as_ptr(), kek.len(), key.as_ptr(), key.len(), again.as_mut_ptr(), again.len(), &mut again_len)
            };
            assert_eq!(st, Status::XPDRM_OK);
            assert_eq!(&again[..again_len], wrapped, "unwrap then wrap does not round-trip");
        } else if st != Status::XPDRM_ERR_BUFFER_TOO_SMALL {
            assert!(out.iter().all(|&b| b == 0xA5), "wrote output on failure {st:?}");
        }
    }
});
