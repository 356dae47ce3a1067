//! Key wrap through the C ABI: the RFC examples, the ExpressPlay sample, and the contract of every export
//! (NULL arguments, short buffers, wrong lengths, no output on failure).

mod common;

use common::ffi::{ALL_BINARY, UNWRAP, UNWRAP_PADDED, WRAP, WRAP_PADDED, call, hex, run, unwrap_hex};
use xpdrm::Status::{self, *};

/// RFC 3394 §4.1–4.6 (KW) and RFC 5649 §6 (KWP): (kek, key, wrapped, padded).
const RFC_CASES: &[(&str, &str, &str, bool)] = &[
    (
        "000102030405060708090A0B0C0D0E0F",
        "00112233445566778899AABBCCDDEEFF",
        "1FA68B0A8112B447AEF34BD8FB5A7B829D3E862371D2CFE5",
        false,
    ),
    (
        "000102030405060708090A0B0C0D0E0F1011121314151617",
        "00112233445566778899AABBCCDDEEFF",
        "96778B25AE6CA435F92B5B97C050AED2468AB8A17AD84E5D",
        false,
    ),
    (
        "000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F",
        "00112233445566778899AABBCCDDEEFF",
        "64E8C3F9CE0F5BA263E9777905818A2A93C8191E7D6E8AE7",
        false,
    ),
    (
        "000102030405060708090A0B0C0D0E0F1011121314151617",
        "00112233445566778899AABBCCDDEEFF0001020304050607",
        "031D33264E15D33268F24EC260743EDCE1C6C7DDEE725A936BA814915C6762D2",
        false,
    ),
    (
        "000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F",
        "00112233445566778899AABBCCDDEEFF0001020304050607",
        "A8F9BC1612C68B3FF6E6F4FBE30E71E4769C8B80A32CB8958CD5D17D6B254DA1",
        false,
    ),
    (
        "000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F",
        "00112233445566778899AABBCCDDEEFF000102030405060708090A0B0C0D0E0F",
        "28C9F404C4B810F4CBCCB35CFB87F8263F5786E2D80ED326CBC7F0E71A99F43BFB988B9B7A02DD21",
        false,
    ),
    (
        "5840DF6E29B02AF1AB493B705BF16EA1AE8338F4DCC176A8",
        "C37B7E6492584340BED12207808941155068F738",
        "138BDEAA9B8FA7FC61F97742E72248EE5AE6AE5360D1AE6A5F54F373FA543B6A",
        true,
    ),
    ("5840DF6E29B02AF1AB493B705BF16EA1AE8338F4DCC176A8", "466F7250617369", "AFBEB0F07DFBF5419200F2CCB50BB24F", true),
];

/// SPEC.md §4: the published ExpressPlay sample.
const SAMPLE_KEK: &str = "11111111111111111111111111111111";
const SAMPLE_EK: &str = "61A9D3B082AAB5A918EBB86461DA475BD80CA4A83CEA16B6";
const SAMPLE_KEY: &str = "f2434ca0f6a7de822574bf2f8190f6cd";

#[test]
fn rfc_examples_wrap_and_unwrap() {
    for &(kek, key, wrapped, padded) in RFC_CASES {
        let (kek, key, wrapped) = (hex(kek), hex(key), hex(wrapped));
        let (w, u) = if padded { (WRAP_PADDED, UNWRAP_PADDED) } else { (WRAP, UNWRAP) };
        assert_eq!(run(w, &kek, &key), Ok(wrapped.clone()), "wrap {}", key.len());
        assert_eq!(run(u, &kek, &wrapped), Ok(key.clone()), "unwrap {}", key.len());
    }
}

#[test]
fn expressplay_sample_unwraps_in_binary_and_hex_form() {
    assert_eq!(run(UNWRAP, &hex(SAMPLE_KEK), &hex(SAMPLE_EK)), Ok(hex(SAMPLE_KEY)));
    let (status, out, len) = unwrap_hex(SAMPLE_KEK, SAMPLE_EK, 16);
    assert_eq!((status, len, out), (XPDRM_OK, 16, hex(SAMPLE_KEY)));
    // Hex is case-insensitive.
    let (status, out, _) = unwrap_hex(SAMPLE_KEK, &SAMPLE_EK.to_lowercase(), 16);
    assert_eq!((status, out), (XPDRM_OK, hex(SAMPLE_KEY)));
    // And the sample key wraps back to the sample ek.
    assert_eq!(run(WRAP, &hex(SAMPLE_KEK), &hex(SAMPLE_KEY)), Ok(hex(SAMPLE_EK)));
}

#[test]
fn the_safe_rust_api_agrees_with_the_c_abi() {
    use xpdrm::keywrap::{Mode, unwrap, wrap};
    let key = unwrap(Mode::Kw, &hex(SAMPLE_KEK), &hex(SAMPLE_EK), |k| Ok(k.to_vec())).unwrap();
    assert_eq!(key, hex(SAMPLE_KEY));
    let back = wrap(Mode::Kw, &hex(SAMPLE_KEK), &key, |w| Ok(w.to_vec())).unwrap();
    assert_eq!(back, hex(SAMPLE_EK));
    let err = unwrap(Mode::Kw, &hex(SAMPLE_KEK), &hex(SAMPLE_KEY), |_| -> Result<(), Status> {
        panic!("deliver must not run for an invalid input")
    });
    assert_eq!(err, Err(XPDRM_ERR_WRAPPED_LENGTH));
}

#[test]
fn a_wrong_kek_or_a_flipped_bit_fails_integrity_and_writes_nothing() {
    let kek = hex(SAMPLE_KEK);
    let ek = hex(SAMPLE_EK);
    let mut wrong_kek = kek.clone();
    wrong_kek[15] ^= 1;
    let (status, _, untouched) = call(UNWRAP, &wrong_kek, &ek, 64);
    assert_eq!((status, untouched), (XPDRM_ERR_INTEGRITY, true));
    for bit in 0..ek.len() * 8 {
        let mut bad = ek.clone();
        bad[bit / 8] ^= 1 << (bit % 8);
        let (status, _, untouched) = call(UNWRAP, &kek, &bad, 64);
        assert_eq!((status, untouched), (XPDRM_ERR_INTEGRITY, true), "bit {bit}");
    }
    // KWP: a wrong KEK, and a corrupted RFC 5649 example.
    let (kek5649, w) = (hex(RFC_CASES[7].0), hex(RFC_CASES[7].2));
    let mut wrong = kek5649.clone();
    wrong[0] ^= 0x40;
    let (status, _, untouched) = call(UNWRAP_PADDED, &wrong, &w, 64);
    assert_eq!((status, untouched), (XPDRM_ERR_INTEGRITY, true));
    for bit in 0..w.len() * 8 {
        let mut bad = w.clone();
        bad[bit / 8] ^= 1 << (bit % 8);
        let (status, _, untouched) = call(UNWRAP_PADDED, &kek5649, &bad, 64);
        assert_eq!((status, untouched), (XPDRM_ERR_INTEGRITY, true), "KWP bit {bit}");
    }
}

#[test]
fn kw_and_kwp_are_not_interchangeable() {
    let kek = hex(SAMPLE_KEK);
    let kw = run(WRAP, &kek, &hex(SAMPLE_KEY)).unwrap();
    let kwp = run(WRAP_PADDED, &kek, &hex(SAMPLE_KEY)).unwrap();
    assert_eq!(kw.len(), kwp.len());
    assert_ne!(kw, kwp);
    assert_eq!(run(UNWRAP_PADDED, &kek, &kw), Err(XPDRM_ERR_INTEGRITY));
    assert_eq!(run(UNWRAP, &kek, &kwp), Err(XPDRM_ERR_INTEGRITY));
}

#[test]
fn kek_lengths_other_than_16_24_32_are_refused_at_every_export() {
    let input = [0u8; 32];
    for (name, f) in ALL_BINARY {
        for len in [0usize, 1, 8, 15, 17, 20, 23, 25, 31, 33, 64] {
            let kek = vec![7u8; len];
            let (status, _, untouched) = call(f, &kek, &input, 64);
            assert_eq!((status, untouched), (XPDRM_ERR_KEK_LENGTH, true), "{name} with a {len}-byte kek");
        }
        for len in [16usize, 24, 32] {
            let (status, ..) = call(f, &vec![7u8; len], &input, 64);
            assert_ne!(status, XPDRM_ERR_KEK_LENGTH, "{name} refused a {len}-byte kek");
        }
    }
    for kek in ["", "11", "111111111111111111111111111111", "1111111111111111111111111111111111"] {
        let (status, ..) = unwrap_hex(kek, SAMPLE_EK, 16);
        let expected = if kek.is_empty() { XPDRM_ERR_INVALID_HEX } else { XPDRM_ERR_KEK_LENGTH };
        assert_eq!(status, expected, "kek hex {kek:?}");
    }
}

#[test]
fn key_and_wrapped_lengths_follow_sp800_38f() {
    let kek = [1u8; 16];
    // KW wraps at least two semiblocks, in whole semiblocks.
    for len in [0usize, 1, 7, 8, 9, 15, 17, 23] {
        assert_eq!(run(WRAP, &kek, &vec![0; len]), Err(XPDRM_ERR_KEY_LENGTH), "KW wrap of {len}");
    }
    for len in [16usize, 24, 32, 40] {
        assert_eq!(run(WRAP, &kek, &vec![0; len]).map(|w| w.len()), Ok(len + 8));
    }
    // KWP wraps anything from one byte.
    assert_eq!(run(WRAP_PADDED, &kek, &[]), Err(XPDRM_ERR_KEY_LENGTH));
    for len in 1usize..=33 {
        assert_eq!(run(WRAP_PADDED, &kek, &vec![3; len]).map(|w| w.len()), Ok(len.div_ceil(8) * 8 + 8));
    }
    // Unwrapping: KW needs at least 24 bytes, KWP 16, both in whole semiblocks. This also covers inputs that
    // aes-kw alone would accept without any cipher operation (a bare 8-byte IV).
    let bare_kw_iv = hex("A6A6A6A6A6A6A6A6");
    let bare_kwp_iv = hex("A65959A600000000");
    assert_eq!(run(UNWRAP, &kek, &bare_kw_iv), Err(XPDRM_ERR_WRAPPED_LENGTH));
    assert_eq!(run(UNWRAP_PADDED, &kek, &bare_kwp_iv), Err(XPDRM_ERR_WRAPPED_LENGTH));
    for len in [0usize, 1, 8, 15, 16, 17, 23, 25, 31] {
        assert_eq!(run(UNWRAP, &kek, &vec![0; len]), Err(XPDRM_ERR_WRAPPED_LENGTH), "KW unwrap of {len}");
    }
    for len in [0usize, 1, 8, 15, 17, 23] {
        assert_eq!(run(UNWRAP_PADDED, &kek, &vec![0; len]), Err(XPDRM_ERR_WRAPPED_LENGTH), "KWP unwrap of {len}");
    }
    // The hex form: a too-short ek.
    assert_eq!(unwrap_hex(SAMPLE_KEK, &SAMPLE_EK[..32], 16).0, XPDRM_ERR_WRAPPED_LENGTH);
}

#[test]
fn oversized_inputs_are_refused_before_any_work() {
    let kek = [1u8; 16];
    let max = xpdrm::ffi::keywrap::XPDRM_KEY_WRAP_MAX_KEY_LEN;
    let big = vec![0u8; max + 8];
    assert_eq!(run(WRAP, &kek, &big), Err(XPDRM_ERR_INPUT_TOO_LARGE));
    assert_eq!(run(WRAP_PADDED, &kek, &big[..max + 1]), Err(XPDRM_ERR_INPUT_TOO_LARGE));
    assert_eq!(run(UNWRAP, &kek, &vec![0u8; max + 16]), Err(XPDRM_ERR_INPUT_TOO_LARGE));
    // The largest allowed key round-trips.
    let key: Vec<u8> = (0..max).map(|i| i as u8).collect();
    let w = run(WRAP_PADDED, &kek, &key).unwrap();
    assert_eq!(run(UNWRAP_PADDED, &kek, &w), Ok(key));
}

#[test]
fn null_pointers_are_refused_at_every_export() {
    let kek = [1u8; 16];
    let input = [0u8; 24];
    let mut out = [0u8; 64];
    let mut len = 0usize;
    let null = std::ptr::null::<u8>();
    for (name, f) in ALL_BINARY {
        unsafe {
            assert_eq!(
                f(null, 16, input.as_ptr(), 24, out.as_mut_ptr(), 64, &mut len),
                XPDRM_ERR_NULL_ARGUMENT,
                "{name} kek"
            );
            assert_eq!(
                f(kek.as_ptr(), 16, null, 24, out.as_mut_ptr(), 64, &mut len),
                XPDRM_ERR_NULL_ARGUMENT,
                "{name} input"
            );
            assert_eq!(
                f(kek.as_ptr(), 16, input.as_ptr(), 24, std::ptr::null_mut(), 64, &mut len),
                XPDRM_ERR_NULL_ARGUMENT,
                "{name} out with a capacity"
            );
            assert_eq!(
                f(kek.as_ptr(), 16, input.as_ptr(), 24, out.as_mut_ptr(), 64, std::ptr::null_mut()),
                XPDRM_ERR_NULL_ARGUMENT,
                "{name} out_len"
            );
        }
    }
    let kek_hex = c"11111111111111111111111111111111";
    let ek_hex = c"61A9D3B082AAB5A918EBB86461DA475BD80CA4A83CEA16B6";
    let unwrap_hex = xpdrm::ffi::keywrap::xpdrm_key_unwrap_hex;
    unsafe {
        assert_eq!(
            unwrap_hex(std::ptr::null(), ek_hex.as_ptr(), out.as_mut_ptr(), 64, &mut len),
            XPDRM_ERR_NULL_ARGUMENT
        );
        assert_eq!(
            unwrap_hex(kek_hex.as_ptr(), std::ptr::null(), out.as_mut_ptr(), 64, &mut len),
            XPDRM_ERR_NULL_ARGUMENT
        );
        assert_eq!(
            unwrap_hex(kek_hex.as_ptr(), ek_hex.as_ptr(), std::ptr::null_mut(), 64, &mut len),
            XPDRM_ERR_NULL_ARGUMENT
        );
        assert_eq!(
            unwrap_hex(kek_hex.as_ptr(), ek_hex.as_ptr(), out.as_mut_ptr(), 64, std::ptr::null_mut()),
            XPDRM_ERR_NULL_ARGUMENT
        );
    }
}

#[test]
fn short_buffers_report_the_size_and_write_nothing_at_every_export() {
    let kek = hex(SAMPLE_KEK);
    let cases: [(&str, common::ffi::RawFn, Vec<u8>, usize); 4] = [
        ("xpdrm_key_unwrap", UNWRAP, hex(SAMPLE_EK), 16),
        ("xpdrm_key_wrap", WRAP, hex(SAMPLE_KEY), 24),
        ("xpdrm_key_unwrap_padded", UNWRAP_PADDED, run(WRAP_PADDED, &kek, &[9u8; 5]).unwrap(), 5),
        ("xpdrm_key_wrap_padded", WRAP_PADDED, vec![9u8; 5], 16),
    ];
    for (name, f, input, needed) in cases {
        // Size query: out == NULL, out_cap == 0.
        let mut len = 0usize;
        let status = unsafe { f(kek.as_ptr(), 16, input.as_ptr(), input.len(), std::ptr::null_mut(), 0, &mut len) };
        assert_eq!((status, len), (XPDRM_ERR_BUFFER_TOO_SMALL, needed), "{name} size query");
        // One byte short.
        let mut out = vec![0xA5u8; needed - 1];
        let mut len = 0usize;
        let status =
            unsafe { f(kek.as_ptr(), 16, input.as_ptr(), input.len(), out.as_mut_ptr(), needed - 1, &mut len) };
        assert_eq!((status, len), (XPDRM_ERR_BUFFER_TOO_SMALL, needed), "{name} short buffer");
        assert!(out.iter().all(|&b| b == 0xA5), "{name} wrote into a short buffer");
        // Exactly enough.
        let (status, out, _) = call(f, &kek, &input, needed);
        assert_eq!((status, out.len()), (XPDRM_OK, needed), "{name} exact buffer");
    }
    let (status, out, len) = unwrap_hex(SAMPLE_KEK, SAMPLE_EK, 15);
    assert_eq!((status, len), (XPDRM_ERR_BUFFER_TOO_SMALL, 16));
    assert!(out.iter().all(|&b| b == 0xA5));
}

#[test]
fn hex_form_refuses_malformed_text_and_invalid_utf8() {
    for ek in [
        "61A9D3B082AAB5A918EBB86461DA475BD80CA4A83CEA16B",
        "61A9D3B082AAB5A918EBB86461DA475BD80CA4A83CEA16BG",
        "61A9D3B082AAB5A918EBB86461DA475BD80CA4A83CEA16 6",
        "0x61A9D3B082AAB5A918EBB86461DA475BD80CA4A83CEA16B6",
        "",
    ] {
        let (status, out, _) = unwrap_hex(SAMPLE_KEK, ek, 64);
        assert_eq!(status, XPDRM_ERR_INVALID_HEX, "{ek:?}");
        assert!(out.iter().all(|&b| b == 0xA5));
    }
    let bad = [0xC3u8, 0x28, 0];
    let mut out = [0u8; 16];
    let mut len = 0;
    let status = unsafe {
        xpdrm::ffi::keywrap::xpdrm_key_unwrap_hex(bad.as_ptr().cast(), c"00".as_ptr(), out.as_mut_ptr(), 16, &mut len)
    };
    assert_eq!(status, XPDRM_ERR_INVALID_UTF8);
}

#[test]
fn status_texts_version_and_features() {
    use std::ffi::CStr;
    use xpdrm::ffi::basics::*;
    let text = |code: i32| unsafe { CStr::from_ptr(xpdrm_status_str(code)) }.to_str().unwrap().to_string();
    assert_eq!(text(0), "Success.");
    assert_eq!(text(-2027), "Content encryption key must be 32 hexadecimal digits long.");
    assert_eq!(text(100), XPDRM_ERR_INTEGRITY.text());
    assert_eq!(text(12345), "Unknown status code.");
    for s in Status::ALL {
        assert_eq!(text(s.code()), s.text());
        assert!(!s.text().is_empty());
    }
    let version = unsafe { CStr::from_ptr(xpdrm_version()) }.to_str().unwrap();
    assert_eq!(version, format!("xpdrm/{} ({})", env!("CARGO_PKG_VERSION"), xpdrm::ffi::basics::features()));
    assert_eq!(xpdrm_has_feature(XPDRM_FEATURE_HTTP), version.contains("http"));
    assert!(!xpdrm_has_feature(0) && !xpdrm_has_feature(-1) && !xpdrm_has_feature(9999));
}
