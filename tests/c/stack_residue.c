/*
 * stack_residue.c: after key wrap calls return, no bytes of the key or of the KEK remain in the stack memory
 * that xpdrm's frames used. The scan reads the dead stack below main() through an uninitialised volatile
 * array in a deeper frame, and looks for any 8-byte window of the secrets.
 * Exits 0 if nothing is found, 1 (printing where) otherwise.
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

static int contains_window(const unsigned char *hay, size_t n, const unsigned char *secret, size_t len,
                           size_t *at) {
    size_t i, off;
    for (off = 0; off + 8 <= len; off += 4) {
        for (i = 0; i + 8 <= n; i++) {
            if (memcmp(hay + i, secret + off, 8) == 0) {
                *at = i;
                return 1;
            }
        }
    }
    return 0;
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

    if (xpdrm_key_unwrap(KEK, sizeof KEK, WRAPPED, sizeof WRAPPED, out, sizeof out, &len) != XPDRM_OK ||
        len != 16 || memcmp(out, KEY, 16) != 0) {
        printf("unwrap failed\n");
        return 2;
    }
    memset(out, 0, sizeof out);
    found |= scan("xpdrm_key_unwrap");

    if (xpdrm_key_wrap(KEK, sizeof KEK, KEY, sizeof KEY, out, sizeof out, &len) != XPDRM_OK || len != 24) {
        printf("wrap failed\n");
        return 2;
    }
    found |= scan("xpdrm_key_wrap");

    if (xpdrm_key_unwrap_hex("000102030405060708090a0b0c0d0e0f", "1FA68B0A8112B447AEF34BD8FB5A7B829D3E862371D2CFE5",
                             out, sizeof out, &len) != XPDRM_OK) {
        printf("hex unwrap failed\n");
        return 2;
    }
    memset(out, 0, sizeof out);
    found |= scan("xpdrm_key_unwrap_hex");

    if (!found) {
        printf("no key or KEK bytes on the dead stack\n");
    }
    return found;
}
