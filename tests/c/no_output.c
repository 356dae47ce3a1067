/*
 * no_output.c: xpdrm writes nothing to stdout or stderr, whatever goes wrong. Every failure path of every
 * function is taken, first with no log callback and then with one installed at TRACE (which only counts).
 * This program itself prints nothing unless a status is not the one expected; tests/no_output.rs checks
 * that both streams stay empty and the exit status is 0.
 */
#include <stdio.h>
#include <string.h>

#include "xpdrm.h"

static int failures = 0;

static void expect(xpdrm_status got, xpdrm_status want, int line) {
    if (got != want) {
        printf("line %d: status %d, expected %d\n", line, (int)got, (int)want);
        failures++;
    }
}
#define EXPECT(call, want) expect((call), (want), __LINE__)

static int messages = 0;
static void count(void *userdata, xpdrm_log_level level, const char *message) {
    (void)userdata;
    (void)level;
    (void)message;
    messages++;
}

static void every_failure(void) {
    static const uint8_t kek[16] = {0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11,
                                    0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11};
    static const uint8_t ek[24] = {0x61, 0xA9, 0xD3, 0xB0, 0x82, 0xAA, 0xB5, 0xA9, 0x18, 0xEB, 0xB8, 0x64,
                                   0x61, 0xDA, 0x47, 0x5B, 0xD8, 0x0C, 0xA4, 0xA8, 0x3C, 0xEA, 0x16, 0xB6};
    uint8_t bad[24];
    uint8_t out[64];
    size_t len = 0;
    const char bad_utf8[] = {(char)0xff, (char)0xfe, 0};

    memcpy(bad, ek, sizeof bad);
    bad[0] ^= 1;

    EXPECT(xpdrm_key_unwrap(NULL, 16, ek, sizeof ek, out, sizeof out, &len), XPDRM_ERR_NULL_ARGUMENT);
    EXPECT(xpdrm_key_unwrap(kek, sizeof kek, ek, sizeof ek, NULL, 8, &len), XPDRM_ERR_NULL_ARGUMENT);
    EXPECT(xpdrm_key_unwrap(kek, sizeof kek, ek, sizeof ek, out, sizeof out, NULL), XPDRM_ERR_NULL_ARGUMENT);
    EXPECT(xpdrm_key_unwrap(kek, 15, ek, sizeof ek, out, sizeof out, &len), XPDRM_ERR_KEK_LENGTH);
    EXPECT(xpdrm_key_unwrap(kek, sizeof kek, ek, 20, out, sizeof out, &len), XPDRM_ERR_WRAPPED_LENGTH);
    EXPECT(xpdrm_key_unwrap(kek, sizeof kek, ek, sizeof ek, out, 4, &len), XPDRM_ERR_BUFFER_TOO_SMALL);
    EXPECT(xpdrm_key_unwrap(kek, sizeof kek, bad, sizeof bad, out, sizeof out, &len), XPDRM_ERR_INTEGRITY);
    EXPECT(xpdrm_key_unwrap_padded(kek, sizeof kek, bad, sizeof bad, out, sizeof out, &len), XPDRM_ERR_INTEGRITY);
    EXPECT(xpdrm_key_wrap(kek, sizeof kek, kek, 12, out, sizeof out, &len), XPDRM_ERR_KEY_LENGTH);
    EXPECT(xpdrm_key_wrap_padded(kek, sizeof kek, kek, 0, out, sizeof out, &len), XPDRM_ERR_KEY_LENGTH);
    EXPECT(xpdrm_key_unwrap_hex("zz", "61A9", out, sizeof out, &len), XPDRM_ERR_INVALID_HEX);
    EXPECT(xpdrm_key_unwrap_hex(bad_utf8, "61A9", out, sizeof out, &len), XPDRM_ERR_INVALID_UTF8);
    EXPECT(xpdrm_key_unwrap_hex(NULL, "61A9", out, sizeof out, &len), XPDRM_ERR_NULL_ARGUMENT);
    EXPECT(xpdrm_key_unwrap_hex("11111111111111111111111111111111", "61A9D3B082AAB5A918EBB86461DA475BD80CA4A83CEA16B7",
                                out, sizeof out, &len),
           XPDRM_ERR_INTEGRITY);
    EXPECT(xpdrm_has_feature(12345) ? XPDRM_OK : XPDRM_ERR_INVALID_ARGUMENT, XPDRM_ERR_INVALID_ARGUMENT);
    EXPECT(strcmp(xpdrm_status_str(123456), "Unknown status code.") == 0 ? XPDRM_OK : XPDRM_ERR_INVALID_ARGUMENT,
           XPDRM_OK);
    EXPECT(xpdrm_log_set_callback(count, NULL, 0), XPDRM_ERR_INVALID_ARGUMENT);
}

int main(void) {
    every_failure();
    if (xpdrm_log_set_callback(count, NULL, XPDRM_LOG_TRACE) != XPDRM_OK) {
        printf("cannot install the callback\n");
        return 1;
    }
    every_failure();
    if (xpdrm_log_set_callback(NULL, NULL, XPDRM_LOG_TRACE) != XPDRM_OK || messages == 0) {
        printf("the callback got %d messages; the integrity failures log at DEBUG\n", messages);
        return 1;
    }
    return failures != 0;
}
