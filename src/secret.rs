//! Working memory for secrets: short-lived buffers that are wiped when they go out of scope, even when the
//! code using them panics.
//!
//! Buffers are made of 64-bit words and wiped word by word: `zeroize` writes each element with a volatile
//! store, and byte-sized elements made the wipe cost more than the AES work it protects.

use zeroize::Zeroizing;

/// Secrets up to this many bytes get their working buffer on the stack (no heap allocation on the common
/// path: content keys are 16 or 32 bytes).
const SMALL: usize = 64;
/// Up to this many bytes the buffer is still on the stack; beyond it, on the heap.
const MEDIUM: usize = 1024;

/// Views whole words as bytes.
fn as_bytes(words: &mut [u64]) -> &mut [u8] {
    // SAFETY: u8 has no alignment or validity requirements, the length covers exactly the same memory, and the
    // returned borrow keeps `words` exclusively borrowed for its lifetime.
    unsafe { core::slice::from_raw_parts_mut(words.as_mut_ptr().cast::<u8>(), core::mem::size_of_val(words)) }
}

/// Runs `f` with a zeroed scratch buffer of exactly `len` bytes that is wiped afterwards.
pub(crate) fn with_scratch<R>(len: usize, f: impl FnOnce(&mut [u8]) -> R) -> R {
    if len <= SMALL {
        let mut buf = Zeroizing::new([0u64; SMALL / 8]);
        f(&mut as_bytes(&mut buf[..])[..len])
    } else if len <= MEDIUM {
        let mut buf = Zeroizing::new([0u64; MEDIUM / 8]);
        f(&mut as_bytes(&mut buf[..])[..len])
    } else {
        let mut buf = Zeroizing::new(vec![0u64; len.div_ceil(8)]);
        f(&mut as_bytes(&mut buf[..])[..len])
    }
}

/// Bytes of stack that [`scrub_stack`] overwrites: measured key residue lay within 1 KiB below `keywrap::unwrap`
/// in release builds and within 6 KiB in unoptimised ones, whose frames are far larger.
const SCRUB_SIZE: usize = if cfg!(debug_assertions) { 16384 } else { 2048 };

/// Overwrites the stack area below the caller's frame, then the vector registers.
///
/// The key-wrap crate keeps its working block (which holds key bytes after an unwrap) in a local of its own
/// that it does not wipe. Calling this right after a wrap or unwrap overwrites the stack memory that those
/// frames used. It is a best-effort measure (the compiler decides frame layout); its size comes from
/// measuring where key bytes were left (`tests/c/stack_residue.c`, run by `tests/stack_residue.rs`).
///
/// The AES code also leaves round keys and key bytes in the SIMD registers, which the calling convention
/// lets a function return with unchanged. Whatever saves registers next writes them to the stack: glibc's
/// lazy symbol binding (the first call of a libc function through the PLT spills the vector argument
/// registers), any variadic function such as `printf`, a signal frame. Found by running the residue probe
/// on aarch64, where the KEK and the content key reached the dead stack this way (on x86_64 too, once the
/// probe stopped loading the secrets into registers itself); [`clear_vector_registers`] prevents it.
#[inline(never)]
pub(crate) fn scrub_stack() {
    // Registers first: the stack wipe below may be a first call of `memset` through the PLT, whose lazy
    // binding spills the registers below this frame, out of the wipe's reach.
    clear_vector_registers();
    let mut area = core::mem::MaybeUninit::<[u8; SCRUB_SIZE]>::uninit();
    // SAFETY: writing zeros to memory we own; `black_box` keeps the store from being optimised away.
    unsafe { core::ptr::write_bytes(area.as_mut_ptr(), 0, 1) };
    core::hint::black_box(&area);
}

/// Zeroes the SIMD registers (x86_64: ymm0-ymm15 with AVX, else xmm0-xmm15; aarch64: v0-v31) after secret
/// work.
///
/// All are declared clobbered, so the compiler saves and restores the ones the calling convention makes
/// callee-saved (the lower halves of v8-v15 on aarch64), which hold the caller's values, not ours. On x86_64
/// with AVX the `aes` crate runs VEX-encoded code (its VAES backends, when the CPU has VAES), so the whole
/// ymm registers are cleared (`vzeroall`); zmm16-zmm31 of AVX-512 machines are not touched: the single-block
/// path that key wrap uses does not reach them, and no machine here has AVX-512 to test on. On other
/// architectures the AES code runs in general-purpose registers (armv7 has no AES instructions); measured
/// there, nothing reached the stack, and this does nothing.
#[inline(always)]
fn clear_vector_registers() {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx") {
            // SAFETY: AVX is available (checked just above).
            unsafe { vzeroall() };
        } else {
            // SAFETY: only zeroes registers that are declared as outputs; touches no memory.
            unsafe {
                core::arch::asm!(
                    "xorps xmm0, xmm0", "xorps xmm1, xmm1", "xorps xmm2, xmm2", "xorps xmm3, xmm3",
                    "xorps xmm4, xmm4", "xorps xmm5, xmm5", "xorps xmm6, xmm6", "xorps xmm7, xmm7",
                    "xorps xmm8, xmm8", "xorps xmm9, xmm9", "xorps xmm10, xmm10", "xorps xmm11, xmm11",
                    "xorps xmm12, xmm12", "xorps xmm13, xmm13", "xorps xmm14, xmm14", "xorps xmm15, xmm15",
                    out("xmm0") _, out("xmm1") _, out("xmm2") _, out("xmm3") _,
                    out("xmm4") _, out("xmm5") _, out("xmm6") _, out("xmm7") _,
                    out("xmm8") _, out("xmm9") _, out("xmm10") _, out("xmm11") _,
                    out("xmm12") _, out("xmm13") _, out("xmm14") _, out("xmm15") _,
                    options(nomem, nostack, preserves_flags),
                );
            }
        }
    }
    #[cfg(target_arch = "aarch64")]
    // SAFETY: only zeroes registers that are declared as outputs; touches no memory.
    unsafe {
        core::arch::asm!(
            "movi v0.16b, #0", "movi v1.16b, #0", "movi v2.16b, #0", "movi v3.16b, #0",
            "movi v4.16b, #0", "movi v5.16b, #0", "movi v6.16b, #0", "movi v7.16b, #0",
            "movi v8.16b, #0", "movi v9.16b, #0", "movi v10.16b, #0", "movi v11.16b, #0",
            "movi v12.16b, #0", "movi v13.16b, #0", "movi v14.16b, #0", "movi v15.16b, #0",
            "movi v16.16b, #0", "movi v17.16b, #0", "movi v18.16b, #0", "movi v19.16b, #0",
            "movi v20.16b, #0", "movi v21.16b, #0", "movi v22.16b, #0", "movi v23.16b, #0",
            "movi v24.16b, #0", "movi v25.16b, #0", "movi v26.16b, #0", "movi v27.16b, #0",
            "movi v28.16b, #0", "movi v29.16b, #0", "movi v30.16b, #0", "movi v31.16b, #0",
            out("v0") _, out("v1") _, out("v2") _, out("v3") _, out("v4") _, out("v5") _, out("v6") _,
            out("v7") _, out("v8") _, out("v9") _, out("v10") _, out("v11") _, out("v12") _, out("v13") _,
            out("v14") _, out("v15") _, out("v16") _, out("v17") _, out("v18") _, out("v19") _,
            out("v20") _, out("v21") _, out("v22") _, out("v23") _, out("v24") _, out("v25") _,
            out("v26") _, out("v27") _, out("v28") _, out("v29") _, out("v30") _, out("v31") _,
            options(nomem, nostack, preserves_flags),
        );
    }
}

/// Zeroes ymm0-ymm15 entirely.
///
/// # Safety
/// The CPU must support AVX.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx")]
unsafe fn vzeroall() {
    // SAFETY: only zeroes registers that are declared as outputs; touches no memory.
    unsafe {
        core::arch::asm!(
            "vzeroall",
            out("ymm0") _, out("ymm1") _, out("ymm2") _, out("ymm3") _,
            out("ymm4") _, out("ymm5") _, out("ymm6") _, out("ymm7") _,
            out("ymm8") _, out("ymm9") _, out("ymm10") _, out("ymm11") _,
            out("ymm12") _, out("ymm13") _, out("ymm14") _, out("ymm15") _,
            options(nomem, nostack, preserves_flags),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scratch_has_the_requested_length_in_every_tier() {
        for len in [0, 1, SMALL, SMALL + 1, MEDIUM, MEDIUM + 1, 5000, 5001] {
            with_scratch(len, |b| {
                assert_eq!(b.len(), len);
                assert!(b.iter().all(|&x| x == 0));
                b.fill(0xff);
            });
        }
    }
}
