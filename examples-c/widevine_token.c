/*
 * widevine_token.c: a Widevine license-token request with a wrapped content key, sent as a POST body.
 *
 * The content key arrives wrapped (`ek`) under a key-encryption key (`kek`); xpdrm checks, when the request
 * is built, that ek really unwraps under kek, as the server would (-4024 otherwise). The whole-request check
 * also catches a content key without its key ID with the server's own code. Then two canned answers: the
 * license URL with a token, and a JSON error.
 * It checks every result and exits non-zero on any mismatch. (Nothing goes over the network here.)
 *
 * Build (static):  cc -std=c99 -Iinclude examples-c/widevine_token.c target/release/libxpdrm.a \
 *                     -lgcc_s -lutil -lrt -lpthread -lm -ldl -lc -Wl,--gc-sections
 *
 * The test harness checks that the output contains each EXPECT line below.
 * EXPECT: build refused: -4018 (Missing kid.)
 * EXPECT: reason: the Widevine request breaks a rule: every content key has its key ID: contentKey needs kid, and contentKey.N needs kid.N (several keys in one token); kid.N without contentKey.N asks the key storage for that key [real clients]. Status -4018: Missing kid.
 * EXPECT: wrong kek: -4024 (Invalid encrypted key or kek.)
 * EXPECT: unchecked name that xpdrm knows: 202
 * EXPECT: log: https://wv-gen.service.expressplay.com/hms/wv/token?kid=%5Emovie-42&kek=<redacted>&ek=<redacted>&securityLevel=1&wvExtension=wudo%2CAAAAAA%3D%3D&wvExtension=abcd%2CAQID&hdcpOutputControl=4&useHttps=true&prFlag=<redacted>
 * EXPECT: POST https://wv-gen.service.expressplay.com/hms/wv/token (Content-Type: application/x-www-form-urlencoded), 222-byte body
 * EXPECT: license URL: https://wv.service.expressplay.com/hms/wv/rights/?ExpressPlayToken=AAAAAgAAAAEAAQ
 * EXPECT: server error: -7008 (Failed to generate Widevine license.): Failed to generate Widevine license
 * EXPECT: widevine_token: OK
 */
#include <stdio.h>
#include <stdlib.h>
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

/* Sets a parameter; on refusal prints the server's code and the reason. */
static xpdrm_status set(xpdrm_token_request *req, const char *name, const char *value) {
    char reason[512];
    size_t len = 0;
    xpdrm_status st = xpdrm_token_request_set(req, name, value);
    if (st != XPDRM_OK && xpdrm_token_request_last_error(req, reason, sizeof reason, &len) == XPDRM_OK) {
        fprintf(stderr, "%s refused: %s\n", name, reason);
    }
    return st;
}

int main(void) {
    xpdrm_token_request *req = NULL;
    xpdrm_token_response *resp = NULL;
    xpdrm_status st;
    char reason[512];
    char text[1024];
    size_t len = 0;

    st = xpdrm_token_request_new(XPDRM_DRM_WIDEVINE, &req);
    CHECK(st == XPDRM_OK, "new request");
    if (st != XPDRM_OK) {
        return 1;
    }
    /* A key ID may be a name after '^' (1 to 64 characters). */
    CHECK(set(req, "kid", "^movie-42") == XPDRM_OK, "kid");
    /* RFC 3394 section 4.1: this ek is the key 00112233... wrapped under this kek. Both are secrets. */
    CHECK(set(req, "kek", "000102030405060708090A0B0C0D0E0F") == XPDRM_OK, "kek");
    CHECK(set(req, "ek", "1FA68B0A8112B447AEF34BD8FB5A7B829D3E862371D2CFE5") == XPDRM_OK, "ek");
    CHECK(set(req, "securityLevel", "1") == XPDRM_OK, "securityLevel");
    /* Repeatable: each value is sent, in order. */
    CHECK(set(req, "wvExtension", "wudo,AAAAAA==") == XPDRM_OK, "wvExtension 1");
    CHECK(set(req, "wvExtension", "abcd,AQID") == XPDRM_OK, "wvExtension 2");

    /* 1. Building checks the whole request: a second key (contentKey.1) needs its own key ID (kid.1). */
    CHECK(xpdrm_token_request_set_indexed(req, "contentKey", 1, "00112233445566778899aabbccddeeff") == XPDRM_OK,
          "contentKey.1");
    st = xpdrm_token_request_form(req, NULL, 0, &len);
    CHECK(st == XPDRM_ERR_MISSING_KID, "-4018 for contentKey.1 without kid.1");
    printf("build refused: %d (%s)\n", (int)st, xpdrm_status_str(st));
    CHECK(xpdrm_token_request_last_error(req, reason, sizeof reason, &len) == XPDRM_OK, "last_error");
    printf("reason: %s\n", reason);
    CHECK(xpdrm_token_request_unset(req, "contentKey.1") == XPDRM_OK, "unset contentKey.1");
    /* HDCP 2.2 (4): real clients send 3 to 5 although the vendor's table lists 0 to 2. */
    CHECK(set(req, "hdcpOutputControl", "4") == XPDRM_OK, "hdcpOutputControl");

    /* 2. The server unwraps ek under kek; so does xpdrm, when building: a wrong kek gives -4024. */
    CHECK(set(req, "kek", "11111111111111111111111111111111") == XPDRM_OK, "another kek is well-formed");
    st = xpdrm_token_request_form(req, NULL, 0, &len);
    CHECK(st == XPDRM_ERR_INVALID_EK_OR_KEK, "-4024 for an ek that does not unwrap");
    printf("wrong kek: %d (%s)\n", (int)st, xpdrm_status_str(st));
    CHECK(set(req, "kek", "000102030405060708090A0B0C0D0E0F") == XPDRM_OK, "kek again");

    /* 3. A parameter the server accepts but xpdrm does not list: the unchecked setter. It refuses names
     *    that xpdrm does know (their rules cannot be bypassed), and redacts its values in logs. */
    CHECK(set(req, "useHttps", "true") == XPDRM_OK, "useHttps: a listed parameter now");
    CHECK(xpdrm_token_request_set_unchecked(req, "prFlag", "true") == XPDRM_OK, "unchecked prFlag");
    st = xpdrm_token_request_set_unchecked(req, "securitylevel", "5");
    CHECK(st == XPDRM_ERR_KNOWN_PARAMETER, "a listed name, wrongly cased, through the unchecked setter");
    printf("unchecked name that xpdrm knows: %d\n", (int)st);

    /* 4. Production, then the POST body. */
    CHECK(xpdrm_token_request_set_environment(req, XPDRM_ENVIRONMENT_PRODUCTION) == XPDRM_OK, "production");
    CHECK(xpdrm_token_request_redacted(req, text, sizeof text, &len) == XPDRM_OK, "redacted");
    CHECK(strstr(text, "000102") == NULL && strstr(text, "1FA68B") == NULL, "no key material in the log text");
    printf("log: %s\n", text);
    {
        char *body;
        st = xpdrm_token_request_form(req, NULL, 0, &len); /* size query */
        CHECK(st == XPDRM_ERR_BUFFER_TOO_SMALL, "size query");
        body = malloc(len + 1);
        if (body != NULL) {
            st = xpdrm_token_request_form(req, body, len + 1, &len);
            CHECK(st == XPDRM_OK && strncmp(body, "kid=%5Emovie-42&kek=000102", 26) == 0, "the body");
            printf("POST https://wv-gen.service.expressplay.com/hms/wv/token "
                   "(Content-Type: application/x-www-form-urlencoded), %zu-byte body\n",
                   len);
            xpdrm_wipe(body, len); /* it holds kek and ek */
            free(body);
        }
    }
    xpdrm_token_request_free(req);

    /* 5. Success: a text/uri-list (LF-only lines are tolerated). */
    {
        static const char answer[] = "https://wv.service.expressplay.com/hms/wv/rights/?ExpressPlayToken=AAAAAgAAAAEAAQ\n";
        st = xpdrm_token_response_parse(XPDRM_DRM_WIDEVINE, 200, "text/uri-list; charset=utf-8",
                                        (const uint8_t *)answer, strlen(answer), &resp);
        CHECK(st == XPDRM_OK && xpdrm_token_response_error_code(resp) == 0, "a token");
        if (st == XPDRM_OK) {
            CHECK(xpdrm_token_response_license_url(resp, text, sizeof text, &len) == XPDRM_OK, "license URL");
            printf("license URL: %s\n", text);
            CHECK(xpdrm_token_response_token(resp, text, sizeof text, &len) == XPDRM_OK && strcmp(text, "AAAAAgAAAAEAAQ") == 0,
                  "token");
            xpdrm_token_response_free(resp);
        }
    }

    /* 6. A JSON error (errorFormat=json): the server's code and message. */
    {
        static const char answer[] = "{\"code\":-7008,\"message\":\"[-7008] Failed to generate Widevine license\"}";
        int32_t code;
        st = xpdrm_token_response_parse(XPDRM_DRM_WIDEVINE, 500, "application/json", (const uint8_t *)answer,
                                        strlen(answer), &resp);
        CHECK(st == XPDRM_OK, "parse the JSON error");
        if (st == XPDRM_OK) {
            code = xpdrm_token_response_error_code(resp);
            CHECK(code == XPDRM_ERR_CANNOT_GENERATE_WIDEVINE_LICENSE, "-7008");
            CHECK(xpdrm_token_response_error_text(resp, text, sizeof text, &len) == XPDRM_OK, "error text");
            CHECK(xpdrm_token_response_license_url(resp, text + 512, 512, &len) == XPDRM_ERR_RESPONSE_IS_ERROR,
                  "no license URL in an error");
            printf("server error: %d (%s): %s\n", (int)code, xpdrm_status_str(code), text);
            xpdrm_token_response_free(resp);
        }
    }

    if (failures != 0) {
        fprintf(stderr, "widevine_token: %d check(s) failed\n", failures);
        return 1;
    }
    printf("widevine_token: OK\n");
    return 0;
}
