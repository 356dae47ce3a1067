/*
 * unwrap_key.c: unwrap a content key that ExpressPlay hands out wrapped under a key-encryption key.
 *
 * The token API names the pair `kek` and `ek`: ek is the content key wrapped with AES Key Wrap (RFC 3394)
 * under kek. This program unwraps the published ExpressPlay sample three ways (hex form, binary form with a
 * size query first, and the padded variant's round trip) and shows what a tampered key gives.
 * It checks every result and exits non-zero on any mismatch.
 *
 * Build (static):  cc -std=c99 -Iinclude examples-c/unwrap_key.c target/release/libxpdrm.a \
 *                     -lgcc_s -lutil -lrt -lpthread -lm -ldl -lc -Wl,--gc-sections
 *
 * The test harness checks that the output contains each EXPECT line below.
 * EXPECT: hex form: key f2434ca0f6a7de822574bf2f8190f6cd
 * EXPECT: binary form: size query says 16 bytes
 * EXPECT: binary form: key f2434ca0f6a7de822574bf2f8190f6cd
 * EXPECT: tampered: status 100 (Key unwrap integrity check failed: wrong KEK or corrupted wrapped key; no output was written.), buffer untouched
 * EXPECT: padded: 5-byte key wrapped to 16 bytes and back
 * EXPECT: unwrap_key: OK
 */
#include <stdio.h>
#include <string.h>

#include "xpdrm.h"

static int failures = 0;

#define CHECK(cond, what)                                                     \
    do {                                                                      \
        if (!(cond)) {                                                        \
            fprintf(stderr, "FAILED: %s (%s:%d)\n", what, __FILE__, __LINE__); \
            failures++;                                                       \
        }                                                                     \
    } while (0)

static void print_hex(const char *label, const uint8_t *bytes, size_t len) {
    size_t i;
    printf("%s", label);
    for (i = 0; i < len; i++) {
        printf("%02x", bytes[i]);
    }
    printf("\n");
}

int main(void) {
    /* The published sample (SPEC.md section 4). */
    const char *kek_hex = "11111111111111111111111111111111";
    const char *ek_hex = "61A9D3B082AAB5A918EBB86461DA475BD80CA4A83CEA16B6";
    const uint8_t expected[16] = {0xf2, 0x43, 0x4c, 0xa0, 0xf6, 0xa7, 0xde, 0x82,
                                  0x25, 0x74, 0xbf, 0x2f, 0x81, 0x90, 0xf6, 0xcd};
    const uint8_t kek[16] = {0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11,
                             0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11};
    const uint8_t ek[24] = {0x61, 0xA9, 0xD3, 0xB0, 0x82, 0xAA, 0xB5, 0xA9, 0x18, 0xEB, 0xB8, 0x64,
                            0x61, 0xDA, 0x47, 0x5B, 0xD8, 0x0C, 0xA4, 0xA8, 0x3C, 0xEA, 0x16, 0xB6};
    uint8_t key[32];
    size_t key_len = 0;
    xpdrm_status st;

    printf("library: %s\n", xpdrm_version());

    /* 1. The token API's hex form: the key lands in our buffer, which we own. */
    st = xpdrm_key_unwrap_hex(kek_hex, ek_hex, key, sizeof key, &key_len);
    CHECK(st == XPDRM_OK, "hex unwrap succeeds");
    CHECK(key_len == 16 && memcmp(key, expected, 16) == 0, "hex unwrap gives the sample key");
    if (st == XPDRM_OK) {
        print_hex("hex form: key ", key, key_len);
    }

    /* 2. Binary form, asking for the size first (out == NULL, out_cap == 0). */
    st = xpdrm_key_unwrap(kek, sizeof kek, ek, sizeof ek, NULL, 0, &key_len);
    CHECK(st == XPDRM_ERR_BUFFER_TOO_SMALL && key_len == 16, "size query reports 16 bytes");
    printf("binary form: size query says %zu bytes\n", key_len);
    xpdrm_wipe(key, sizeof key);
    st = xpdrm_key_unwrap(kek, sizeof kek, ek, sizeof ek, key, key_len, &key_len);
    CHECK(st == XPDRM_OK && key_len == 16 && memcmp(key, expected, 16) == 0, "binary unwrap gives the sample key");
    if (st == XPDRM_OK) {
        print_hex("binary form: key ", key, key_len);
    }

    /* 3. A tampered wrapped key fails the integrity check, and the output buffer is not touched. */
    {
        uint8_t bad[24];
        uint8_t out[16];
        size_t out_len = 0;
        size_t i;
        int untouched = 1;
        memcpy(bad, ek, sizeof bad);
        bad[5] ^= 0x01;
        memset(out, 0xA5, sizeof out);
        st = xpdrm_key_unwrap(kek, sizeof kek, bad, sizeof bad, out, sizeof out, &out_len);
        for (i = 0; i < sizeof out; i++) {
            untouched &= out[i] == 0xA5;
        }
        CHECK(st == XPDRM_ERR_INTEGRITY && untouched, "tampered key is refused without output");
        printf("tampered: status %d (%s), buffer %s\n", (int)st, xpdrm_status_str(st),
               untouched ? "untouched" : "WRITTEN");
    }

    /* 4. KWP (RFC 5649) wraps keys of any length; the unwrapped length comes back in *out_len. */
    {
        const uint8_t short_key[5] = {1, 2, 3, 4, 5};
        uint8_t wrapped[16];
        size_t wrapped_len = 0;
        uint8_t back[8];
        size_t back_len = 0;
        st = xpdrm_key_wrap_padded(kek, sizeof kek, short_key, sizeof short_key, wrapped, sizeof wrapped,
                                   &wrapped_len);
        CHECK(st == XPDRM_OK && wrapped_len == 16, "KWP wrap of 5 bytes gives 16");
        st = xpdrm_key_unwrap_padded(kek, sizeof kek, wrapped, wrapped_len, back, sizeof back, &back_len);
        CHECK(st == XPDRM_OK && back_len == 5 && memcmp(back, short_key, 5) == 0, "KWP round trip");
        if (st == XPDRM_OK) {
            printf("padded: %zu-byte key wrapped to %zu bytes and back\n", back_len, wrapped_len);
        }
    }

    /* Keys are secrets: wipe our copy when done. */
    xpdrm_wipe(key, sizeof key);

    if (failures != 0) {
        fprintf(stderr, "unwrap_key: %d check(s) failed\n", failures);
        return 1;
    }
    printf("unwrap_key: OK\n");
    return 0;
}
