/*
 * logging.c: send xpdrm's log messages to the player's own logging.
 *
 * xpdrm never writes to stdout or stderr. A host that wants its messages installs a callback with a level;
 * the callback gets the userdata pointer it was installed with first, then the level and the message.
 * Messages never contain secrets. This program installs a callback, makes a key unwrap fail (a wrong KEK),
 * checks what arrived and with which userdata, and removes the callback again.
 * It checks every result and exits non-zero on any mismatch.
 *
 * Build (static):  cc -std=c99 -Iinclude examples-c/logging.c target/release/libxpdrm.a \
 *                     -lgcc_s -lutil -lrt -lpthread -lm -ldl -lc -Wl,--gc-sections
 *
 * The test harness checks that the output contains each EXPECT line below.
 * EXPECT: off by default: 0 messages
 * EXPECT: at XPDRM_LOG_INFO: 0 messages (the failed unwrap is logged at DEBUG)
 * EXPECT: at XPDRM_LOG_TRACE: 1 message, level DEBUG, with our userdata
 * EXPECT: the message names no secret
 * EXPECT: removed: 0 messages
 * EXPECT: logging: OK
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

/* What the host hands to the callback: here, a small record of what arrived. A real player would pass its
 * logger object. */
struct log_record {
    int count;
    xpdrm_log_level last_level;
    char last_message[256];
};

static const char *level_name(xpdrm_log_level level) {
    switch (level) {
    case XPDRM_LOG_ERROR: return "ERROR";
    case XPDRM_LOG_WARN: return "WARN";
    case XPDRM_LOG_INFO: return "INFO";
    case XPDRM_LOG_DEBUG: return "DEBUG";
    case XPDRM_LOG_TRACE: return "TRACE";
    default: return "?";
    }
}

/* Called on the thread of the xpdrm call that logs; the message is valid only during the call. */
static void on_log(void *userdata, xpdrm_log_level level, const char *message) {
    struct log_record *record = userdata;
    record->count++;
    record->last_level = level;
    strncpy(record->last_message, message, sizeof record->last_message - 1);
    record->last_message[sizeof record->last_message - 1] = '\0';
}

static const uint8_t WRONG_KEK[16] = {0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42,
                                      0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42};
/* ExpressPlay's published sample, wrapped under a different KEK (0x11 x 16): the unwrap must fail. */
static const uint8_t EK[24] = {0x61, 0xA9, 0xD3, 0xB0, 0x82, 0xAA, 0xB5, 0xA9, 0x18, 0xEB, 0xB8, 0x64,
                               0x61, 0xDA, 0x47, 0x5B, 0xD8, 0x0C, 0xA4, 0xA8, 0x3C, 0xEA, 0x16, 0xB6};

static void failed_unwrap(void) {
    uint8_t key[16];
    size_t key_len = 0;
    xpdrm_status st = xpdrm_key_unwrap(WRONG_KEK, sizeof WRONG_KEK, EK, sizeof EK, key, sizeof key, &key_len);
    CHECK(st == XPDRM_ERR_INTEGRITY, "the unwrap under the wrong KEK fails its integrity check");
}

int main(void) {
    struct log_record record;
    xpdrm_status st;
    memset(&record, 0, sizeof record);

    /* 1. Nothing is logged anywhere until a callback is installed. */
    failed_unwrap();
    CHECK(record.count == 0, "off by default");
    printf("off by default: %d messages\n", record.count);

    /* 2. At INFO, the DEBUG message about the failed integrity check is filtered out. */
    st = xpdrm_log_set_callback(on_log, &record, XPDRM_LOG_INFO);
    CHECK(st == XPDRM_OK, "install at INFO");
    failed_unwrap();
    CHECK(record.count == 0, "INFO filters DEBUG");
    printf("at XPDRM_LOG_INFO: %d messages (the failed unwrap is logged at DEBUG)\n", record.count);

    /* 3. At TRACE it arrives, with our userdata (the callback wrote into `record`). */
    st = xpdrm_log_set_callback(on_log, &record, XPDRM_LOG_TRACE);
    CHECK(st == XPDRM_OK, "install at TRACE");
    failed_unwrap();
    CHECK(record.count == 1 && record.last_level == XPDRM_LOG_DEBUG, "one DEBUG message");
    CHECK(strstr(record.last_message, "integrity check failed") != NULL, "the message says what failed");
    printf("at XPDRM_LOG_TRACE: %d message, level %s, with our userdata\n", record.count,
           level_name(record.last_level));
    printf("message: %s\n", record.last_message);

    /* The message says what failed, never with which key: neither the KEK's bytes nor their hex appear. */
    CHECK(strstr(record.last_message, "4242") == NULL && strstr(record.last_message, "BBBB") == NULL,
          "no KEK in the message");
    printf("the message names no secret\n");

    /* 4. Removing the callback (NULL) stops delivery; once the call returns, `record` is no longer used. */
    st = xpdrm_log_set_callback(NULL, NULL, XPDRM_LOG_TRACE);
    CHECK(st == XPDRM_OK, "remove");
    record.count = 0;
    failed_unwrap();
    CHECK(record.count == 0, "removed");
    printf("removed: %d messages\n", record.count);

    /* A level outside 1..5 is refused and changes nothing. */
    st = xpdrm_log_set_callback(on_log, &record, 9);
    CHECK(st == XPDRM_ERR_INVALID_ARGUMENT, "bad level refused");
    failed_unwrap();
    CHECK(record.count == 0, "a refused install delivers nothing");

    if (failures != 0) {
        fprintf(stderr, "logging: %d check(s) failed\n", failures);
        return 1;
    }
    printf("logging: OK\n");
    return 0;
}
