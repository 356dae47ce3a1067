//! Unwrapping one 128-bit content key under a 128-bit KEK, through the C ABI, key schedule included (it is
//! part of every call). Run: `cargo bench --bench keywrap`.

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;

const KEK: [u8; 16] = [0x11; 16];
const EK: [u8; 24] = [
    0x61, 0xA9, 0xD3, 0xB0, 0x82, 0xAA, 0xB5, 0xA9, 0x18, 0xEB, 0xB8, 0x64, 0x61, 0xDA, 0x47, 0x5B, 0xD8, 0x0C, 0xA4,
    0xA8, 0x3C, 0xEA, 0x16, 0xB6,
];

fn unwrap(c: &mut Criterion) {
    let mut group = c.benchmark_group("key_unwrap");
    group.bench_function("kw_aes128_16byte_key", |b| {
        let mut out = [0u8; 16];
        let mut len = 0usize;
        b.iter(|| {
            let st = unsafe {
                xpdrm::ffi::keywrap::xpdrm_key_unwrap(
                    black_box(KEK.as_ptr()),
                    16,
                    black_box(EK.as_ptr()),
                    24,
                    out.as_mut_ptr(),
                    16,
                    &mut len,
                )
            };
            assert_eq!(st, xpdrm::Status::XPDRM_OK);
            black_box(&out);
        })
    });
    group.bench_function("kw_aes128_16byte_key_hex", |b| {
        let mut out = [0u8; 16];
        let mut len = 0usize;
        let kek = c"11111111111111111111111111111111";
        let ek = c"61A9D3B082AAB5A918EBB86461DA475BD80CA4A83CEA16B6";
        b.iter(|| {
            let st = unsafe {
                xpdrm::ffi::keywrap::xpdrm_key_unwrap_hex(
                    black_box(kek.as_ptr()),
                    black_box(ek.as_ptr()),
                    out.as_mut_ptr(),
                    16,
                    &mut len,
                )
            };
            assert_eq!(st, xpdrm::Status::XPDRM_OK);
            black_box(&out);
        })
    });
    group.finish();
}

criterion_group!(benches, unwrap);
criterion_main!(benches);
