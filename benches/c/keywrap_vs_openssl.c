/*
 * keywrap_vs_openssl.c: xpdrm_key_unwrap against OpenSSL's AES-128-WRAP, same key, same input, same run.
 *
 * One operation = unwrap one 16-byte content key (24 bytes wrapped) under a 16-byte KEK, including the AES
 * key schedule, which every call performs (a player unwraps each key once, under a KEK it just received).
 * OpenSSL is timed two ways:
 *   "per call": a new cipher context per key, as the EVP documentation and most players do it;
 *   "reused":   the cipher fetched once and one context re-initialised per key (OpenSSL's fastest way).
 * Each figure is the median of 7 rounds. Build and run with benches/c/run.sh.
 */
#define _POSIX_C_SOURCE 199309L
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "xpdrm.h"

static const unsigned char KEK[16] = {0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11,
                                      0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11};
static const unsigned char EK[24] = {0x61, 0xA9, 0xD3, 0xB0, 0x82, 0xAA, 0xB5, 0xA9, 0x18, 0xEB, 0xB8, 0x64,
                                     0x61, 0xDA, 0x47, 0x5B, 0xD8, 0x0C, 0xA4, 0xA8, 0x3C, 0xEA, 0x16, 0xB6};
static const unsigned char KEY[16] = {0xf2, 0x43, 0x4c, 0xa0, 0xf6, 0xa7, 0xde, 0x82,
                                      0x25, 0x74, 0xbf, 0x2f, 0x81, 0x90, 0xf6, 0xcd};

#define ROUNDS 7

static double now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static void fail(const char *what) {
    fprintf(stderr, "benchmark check failed: %s\n", what);
    exit(1);
}

static int xpdrm_once(unsigned char *out) {
    size_t len = 0;
    return xpdrm_key_unwrap(KEK, sizeof KEK, EK, sizeof EK, out, 16, &len) == XPDRM_OK && len == 16;
}

static int openssl_per_call(unsigned char *out) {
    int len = 0, fin = 0, ok;
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    EVP_CIPHER_CTX_set_flags(ctx, EVP_CIPHER_CTX_FLAG_WRAP_ALLOW);
    ok = EVP_DecryptInit_ex(ctx, EVP_aes_128_wrap(), NULL, KEK, NULL) == 1 &&
         EVP_DecryptUpdate(ctx, out, &len, EK, (int)sizeof EK) == 1 &&
         EVP_DecryptFinal_ex(ctx, out + len, &fin) == 1 && len + fin == 16;
    EVP_CIPHER_CTX_free(ctx);
    return ok;
}

static EVP_CIPHER *fetched;
static EVP_CIPHER_CTX *reused;

static int openssl_reused(unsigned char *out) {
    int len = 0, fin = 0;
    return EVP_DecryptInit_ex2(reused, fetched, KEK, NULL, NULL) == 1 &&
           EVP_DecryptUpdate(reused, out, &len, EK, (int)sizeof EK) == 1 &&
           EVP_DecryptFinal_ex(reused, out + len, &fin) == 1 && len + fin == 16;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Median ns per operation over ROUNDS rounds of n operations. */
static double measure(int (*op)(unsigned char *), long n, const char *name) {
    double t[ROUNDS];
    unsigned char out[24];
    int r;
    long i;
    for (r = 0; r < ROUNDS; r++) {
        double start = now_ns();
        for (i = 0; i < n; i++) {
            if (!op(out)) {
                fail(name);
            }
        }
        t[r] = (now_ns() - start) / (double)n;
        if (memcmp(out, KEY, 16) != 0) {
            fail(name);
        }
    }
    qsort(t, ROUNDS, sizeof t[0], cmp_double);
    return t[ROUNDS / 2];
}

int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 200000;
    double x, a, b;
    fetched = EVP_CIPHER_fetch(NULL, "AES-128-WRAP", NULL);
    reused = EVP_CIPHER_CTX_new();
    if (fetched == NULL || reused == NULL) {
        fail("OpenSSL has no AES-128-WRAP");
    }
    EVP_CIPHER_CTX_set_flags(reused, EVP_CIPHER_CTX_FLAG_WRAP_ALLOW);

    x = measure(xpdrm_once, n, "xpdrm");
    a = measure(openssl_per_call, n, "openssl per call");
    b = measure(openssl_reused, n, "openssl reused");

    printf("%s, %s; %ld unwraps per round, median of %d rounds\n", xpdrm_version(), OpenSSL_version(OPENSSL_VERSION),
           n, ROUNDS);
    printf("xpdrm_key_unwrap                          %8.1f ns/op\n", x);
    printf("OpenSSL AES-128-WRAP, new context per key %8.1f ns/op  (xpdrm is %.1fx faster)\n", a, a / x);
    printf("OpenSSL AES-128-WRAP, fetched + reused    %8.1f ns/op  (xpdrm is %.1fx faster)\n", b, b / x);

    EVP_CIPHER_CTX_free(reused);
    EVP_CIPHER_free(fetched);
    return 0;
}
