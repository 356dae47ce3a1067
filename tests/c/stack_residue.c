/*
 * stack_residue.c: after key wrap calls return, no bytes of the key or of the KEK remain in the stack memory
 * that xpdrm's frames used, nor in the vector registers. The scan reads the dead stack below main() through an
 * uninitialised volatile array in a deeper frame, and looks for any 8-byte window of the secrets.
 * Exits 0 if nothing is found, 1 (printing where) otherwise.
 *
 * Registers matter because whatever saves them next writes them to the stack: the first call of a libc
 * function through the PLT (lazy binding spills the vector argument registers), a signal frame. That is also
 * why this program compares and searches byte by byte instead of with memcmp: memcmp would load the
 * secrets into registers itself, and the next first call of a libc function would spill them.
 */
#include <stdio.h>
#include <string.h>

#include "xpdrm.h"

/* RFC 3394 section 4.1: distinctive byte patterns that do not occur on a stack by chance. */
static const unsigned char KEK[16] = {0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
                                      0x08, 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x0E, 0x0F};
static const unsigned char KEY[16] = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
                                      0x88, 0x99, 0xAA, 0xBB, 0xCC, 0xDD, 0xEE, 0xFF};
static const unsigned char WRAPPED[24] = {0x1F, 0xA6, 0x8B, 0x0A, 0x81, 0x12, 0xB4, 0x47, 0xAE, 0xF3, 0x4B, 0xD8,
                                          0xFB, 0x5A, 0x7B, 0x82, 0x9D, 0x3E, 0x86, 0x23, 0x71, 0xD2, 0xCF, 0xE5};

#define AREA 65536

static int same(const unsigned char *a, const unsigned char *b, size_t n) {
    size_t i;
    for (i = 0; i < n; i++) {
        if (a[i] != b[i]) {
            return 0;
        }
    }
    return 1;
}

static int contains_window(const unsigned char *hay, size_t n, const unsigned char *secret, size_t len,
                           size_t *at) {
    size_t i, off;
    for (off = 0; off + 8 <= len; off += 4) {
        for (i = 0; i + 8 <= n; i++) {
            if (same(hay + i, secret + off, 8)) {
                *at = i;
                return 1;
            }
        }
    }
    return 0;
}

/* The SIMD registers, stored right after an xpdrm call returns (before this program uses any). */
#if defined(__x86_64__)
#define VREG_BYTES (16 * 32)
static int use_ymm = 0; /* set in main: with AVX, the whole ymm registers (xpdrm's AES may run VEX code) */
__attribute__((noinline)) static void capture_vector_registers(unsigned char *buf) {
    if (use_ymm) {
        __asm__ volatile("vmovdqu %%ymm0, 0(%0)\n\tvmovdqu %%ymm1, 32(%0)\n\tvmovdqu %%ymm2, 64(%0)\n\t"
                         "vmovdqu %%ymm3, 96(%0)\n\tvmovdqu %%ymm4, 128(%0)\n\tvmovdqu %%ymm5, 160(%0)\n\t"
                         "vmovdqu %%ymm6, 192(%0)\n\tvmovdqu %%ymm7, 224(%0)\n\tvmovdqu %%ymm8, 256(%0)\n\t"
                         "vmovdqu %%ymm9, 288(%0)\n\tvmovdqu %%ymm10, 320(%0)\n\tvmovdqu %%ymm11, 352(%0)\n\t"
                         "vmovdqu %%ymm12, 384(%0)\n\tvmovdqu %%ymm13, 416(%0)\n\tvmovdqu %%ymm14, 448(%0)\n\t"
                         "vmovdqu %%ymm15, 480(%0)"
                         :
                         : "r"(buf)
                         : "memory");
    } else {
        __asm__ volatile("movdqu %%xmm0, 0(%0)\n\tmovdqu %%xmm1, 32(%0)\n\tmovdqu %%xmm2, 64(%0)\n\t"
                         "movdqu %%xmm3, 96(%0)\n\tmovdqu %%xmm4, 128(%0)\n\tmovdqu %%xmm5, 160(%0)\n\t"
                         "movdqu %%xmm6, 192(%0)\n\tmovdqu %%xmm7, 224(%0)\n\tmovdqu %%xmm8, 256(%0)\n\t"
                         "movdqu %%xmm9, 288(%0)\n\tmovdqu %%xmm10, 320(%0)\n\tmovdqu %%xmm11, 352(%0)\n\t"
                         "movdqu %%xmm12, 384(%0)\n\tmovdqu %%xmm13, 416(%0)\n\tmovdqu %%xmm14, 448(%0)\n\t"
                         "movdqu %%xmm15, 480(%0)"
                         :
                         : "r"(buf)
                         : "memory");
    }
}
#define REG_SIZE 32
#elif defined(__aarch64__)
#define VREG_BYTES (32 * 16)
#define REG_SIZE 16
__attribute__((noinline)) static void capture_vector_registers(unsigned char *buf) {
    __asm__ volatile("stp q0, q1, [%0, #0]\n\tstp q2, q3, [%0, #32]\n\tstp q4, q5, [%0, #64]\n\t"
                     "stp q6, q7, [%0, #96]\n\tstp q8, q9, [%0, #128]\n\tstp q10, q11, [%0, #160]\n\t"
                     "stp q12, q13, [%0, #192]\n\tstp q14, q15, [%0, #224]\n\tstp q16, q17, [%0, #256]\n\t"
                     "stp q18, q19, [%0, #288]\n\tstp q20, q21, [%0, #320]\n\tstp q22, q23, [%0, #352]\n\t"
                     "stp q24, q25, [%0, #384]\n\tstp q26, q27, [%0, #416]\n\tstp q28, q29, [%0, #448]\n\t"
                     "stp q30, q31, [%0, #480]"
                     :
                     : "r"(buf)
                     : "memory");
}
#else
/* Other architectures: xpdrm's AES runs in general-purpose registers there; only the stack is checked. */
#define VREG_BYTES 0
#define REG_SIZE 16
static void capture_vector_registers(unsigned char *buf) { (void)buf; }
#endif

static unsigned char vregs[VREG_BYTES + 16];

static int check_registers(const char *after) {
    size_t at = 0;
    int found = 0;
    if (contains_window(vregs, VREG_BYTES, KEY, sizeof KEY, &at)) {
        printf("after %s: key bytes in vector register %zu\n", after, at / REG_SIZE);
        found = 1;
    }
    if (contains_window(vregs, VREG_BYTES, KEK, sizeof KEK, &at)) {
        printf("after %s: KEK bytes in vector register %zu\n", after, at / REG_SIZE);
        found = 1;
    }
    return found;
}

__attribute__((noinline)) static int scan(const char *after) {
    volatile unsigned char area[AREA]; /* not initialised: holds what the dead frames left behind */
    static unsigned char copy[AREA];
    size_t i, at = 0;
    int found = 0;
    for (i = 0; i < AREA; i++) {
        copy[i] = area[i];
    }
    if (contains_window(copy, AREA, KEY, sizeof KEY, &at)) {
        printf("after %s: key bytes %zu bytes below the top of the scanned area\n", after, (size_t)AREA - at);
        found = 1;
    }
    if (contains_window(copy, AREA, KEK, sizeof KEK, &at)) {
        printf("after %s: KEK bytes %zu bytes below the top of the scanned area\n", after, (size_t)AREA - at);
        found = 1;
    }
    return found;
}

int main(void) {
    unsigned char out[32];
    size_t len = 0;
    int found = 0;
    xpdrm_status st;

#if defined(__x86_64__)
    __builtin_cpu_init();
    use_ymm = __builtin_cpu_supports("avx");
#endif
    st = xpdrm_key_unwrap(KEK, sizeof KEK, WRAPPED, sizeof WRAPPED, out, sizeof out, &len);
    capture_vector_registers(vregs);
    if (st != XPDRM_OK || len != 16 || !same(out, KEY, 16)) {
        printf("unwrap failed\n");
        return 2;
    }
    memset(out, 0, sizeof out);
    found |= check_registers("xpdrm_key_unwrap");
    found |= scan("xpdrm_key_unwrap");

    st = xpdrm_key_wrap(KEK, sizeof KEK, KEY, sizeof KEY, out, sizeof out, &len);
    capture_vector_registers(vregs);
    if (st != XPDRM_OK || len != 24) {
        printf("wrap failed\n");
        return 2;
    }
    found |= check_registers("xpdrm_key_wrap");
    found |= scan("xpdrm_key_wrap");

    st = xpdrm_key_unwrap_hex("000102030405060708090a0b0c0d0e0f", "1FA68B0A8112B447AEF34BD8FB5A7B829D3E862371D2CFE5",
                              out, sizeof out, &len);
    capture_vector_registers(vregs);
    if (st != XPDRM_OK) {
        printf("hex unwrap failed\n");
        return 2;
    }
    memset(out, 0, sizeof out);
    found |= check_registers("xpdrm_key_unwrap_hex");
    found |= scan("xpdrm_key_unwrap_hex");

    if (!found) {
        printf("no key or KEK bytes on the dead stack or in the vector registers\n");
    }
    return found;
}
