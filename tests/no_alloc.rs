//! The key-unwrap path does not touch the heap for content-key sizes (a player may call it on a thread
//! where allocation is unwelcome, and it keeps key bytes out of allocator-managed memory).

mod alloc_support;

use alloc_support::allocations;

#[test]
fn unwrapping_and_wrapping_a_content_key_allocates_nothing() {
    use xpdrm::Status::XPDRM_OK;
    use xpdrm::ffi::keywrap::*;
    let kek = [0x11u8; 16];
    let ek: [u8; 24] = [
        0x61, 0xA9, 0xD3, 0xB0, 0x82, 0xAA, 0xB5, 0xA9, 0x18, 0xEB, 0xB8, 0x64, 0x61, 0xDA, 0x47, 0x5B, 0xD8, 0x0C,
        0xA4, 0xA8, 0x3C, 0xEA, 0x16, 0xB6,
    ];
    let mut out = [0u8; 64];
    let mut len = 0usize;
    // Warm up once (the boundary's one-time panic-hook installation allocates).
    assert_eq!(
        unsafe { xpdrm_key_unwrap(kek.as_ptr(), 16, ek.as_ptr(), 24, out.as_mut_ptr(), 64, &mut len) },
        XPDRM_OK
    );

    let before = allocations();
    for _ in 0..100 {
        let st = unsafe { xpdrm_key_unwrap(kek.as_ptr(), 16, ek.as_ptr(), 24, out.as_mut_ptr(), 64, &mut len) };
        assert_eq!((st, len), (XPDRM_OK, 16));
        let st = unsafe {
            xpdrm_key_unwrap_hex(
                c"11111111111111111111111111111111".as_ptr(),
                c"61A9D3B082AAB5A918EBB86461DA475BD80CA4A83CEA16B6".as_ptr(),
                out.as_mut_ptr(),
                64,
                &mut len,
            )
        };
        assert_eq!(st, XPDRM_OK);
        let key = out;
        let st = unsafe { xpdrm_key_wrap(kek.as_ptr(), 16, key.as_ptr(), 32, out.as_mut_ptr(), 64, &mut len) };
        assert_eq!(st, XPDRM_OK);
    }
    let after = allocations();
    assert_eq!(after - before, 0, "the key-wrap path allocated {} times", after - before);

    // The counter works: a large key takes the heap path.
    let big = vec![0u8; 4096];
    let mut wrapped = vec![0u8; 4096 + 8];
    let before = allocations();
    let st = unsafe {
        xpdrm_key_wrap(kek.as_ptr(), 16, big.as_ptr(), big.len(), wrapped.as_mut_ptr(), wrapped.len(), &mut len)
    };
    assert_eq!(st, XPDRM_OK);
    assert!(allocations() > before);
}
