/*
 * fairplay_token.c: ask ExpressPlay for a FairPlay license token, and read the answer.
 *
 * A player (or the trusted proxy that holds the customer authenticator) builds a token request, sends it to
 * the FairPlay token service with its own HTTP stack (GET the URL, or POST the form body), and hands the
 * answer back to xpdrm. Each value is checked when it is set, with the very error code the ExpressPlay
 * server would answer, so a mistake is caught on the device with a reason that names the parameter.
 *
 * This program builds a request, shows a refused value and its reason, logs the request safely (secrets
 * redacted), writes the GET URL into a buffer sized by a size query, then parses two canned server answers:
 * a license URL with a token, and an HTML error page. It checks every result and exits non-zero on any
 * mismatch. (Nothing goes over the network here.)
 *
 * Build (static):  cc -std=c99 -Iinclude examples-c/fairplay_token.c target/release/libxpdrm.a \
 *                     -lgcc_s -lutil -lrt -lpthread -lm -ldl -lc -Wl,--gc-sections
 *
 * The test harness checks that the output contains each EXPECT line below.
 * EXPECT: refused: iv -> -6003 (Invalid iv parameter specified.)
 * EXPECT: reason: iv has 31 characters, not 32 hexadecimal digits. Rule for iv: the content's packaging IV: 32 hexadecimal digits [vendor's table]. Status -6003: Invalid iv parameter specified.
 * EXPECT: log: https://fp-gen.test.expressplay.com/hms/fp/token?customerAuthenticator=<redacted>&contentKey=<redacted>&iv=d5fbd6b82ed93e4ef98ae40931ee8d9d&expirationTime=%2B3600&cookie=living+room+%232
 * EXPECT: GET URL: 239 bytes, starts with the test service
 * EXPECT: license URL: https://fp.service.expressplay.com:80/hms/fp/rights/?ExpressPlayToken=AAAAEgAAAAFbw5nX-8t4_UNzZ2tZbz0yAQABAGTzUNq7bxHtP3K0qw
 * EXPECT: or POST the SPC to https://fp.service.expressplay.com:80/hms/fp/rights/ with header ExpressPlayToken: (54-character token)
 * EXPECT: server error: -2018 (Authentication token invalid.): [-2018] Authentication token invalid
 * EXPECT: fairplay_token: OK
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

/* Reads a text output of a request: ask for the size, allocate, fetch. The caller frees the result. */
static char *request_text(xpdrm_status (*get)(const xpdrm_token_request *, char *, size_t, size_t *),
                          const xpdrm_token_request *req, xpdrm_status *status) {
    size_t len = 0;
    char *text;
    *status = get(req, NULL, 0, &len);
    if (*status != XPDRM_ERR_BUFFER_TOO_SMALL) {
        return NULL; /* the request was refused: see xpdrm_token_request_last_error */
    }
    text = malloc(len + 1); /* + 1 for the NUL */
    if (text == NULL) {
        return NULL;
    }
    *status = get(req, text, len + 1, &len);
    if (*status != XPDRM_OK) {
        free(text);
        return NULL;
    }
    return text;
}

/* The same for a response, into a fixed buffer. */
static xpdrm_status response_text(xpdrm_status (*get)(const xpdrm_token_response *, char *, size_t, size_t *),
                                  const xpdrm_token_response *resp, char *out, size_t cap) {
    size_t len = 0;
    return get(resp, out, cap, &len);
}

int main(void) {
    xpdrm_token_request *req = NULL;
    xpdrm_token_response *resp = NULL;
    xpdrm_status st;
    char reason[512];
    size_t reason_len = 0;
    char *text;

    /* 1. A FairPlay request, aimed at the test service by default. */
    st = xpdrm_token_request_new(XPDRM_DRM_FAIRPLAY, &req);
    CHECK(st == XPDRM_OK, "new request");
    if (st != XPDRM_OK) {
        return 1;
    }
    /* The authenticator is a secret; a player may leave it out and let a trusted proxy add it. */
    CHECK(xpdrm_token_request_set(req, "customerAuthenticator", "201722,1ad8eed133edf43cbcc185f0236828ae") == XPDRM_OK,
          "set customerAuthenticator");
    CHECK(xpdrm_token_request_set(req, "contentKey", "b366360da82e9c6e0b0984002a362cf2") == XPDRM_OK, "set contentKey");

    /* 2. A mistake: an IV one digit short. The request stays as it was; the reason names the parameter. */
    st = xpdrm_token_request_set(req, "iv", "d5fbd6b82ed93e4ef98ae40931ee8d9");
    CHECK(st == XPDRM_ERR_INVALID_IV, "a 31-digit iv is refused with -6003");
    printf("refused: iv -> %d (%s)\n", (int)st, xpdrm_status_str(st));
    st = xpdrm_token_request_last_error(req, reason, sizeof reason, &reason_len);
    CHECK(st == XPDRM_OK && strstr(reason, "iv has 31 characters") == reason, "the reason names iv");
    printf("reason: %s\n", reason);

    CHECK(xpdrm_token_request_set(req, "iv", "d5fbd6b82ed93e4ef98ae40931ee8d9d") == XPDRM_OK, "set iv");
    /* Relative expiry: no clock needed. '+' is percent-encoded as %2B in the URL. */
    CHECK(xpdrm_token_request_set(req, "expirationTime", "+3600") == XPDRM_OK, "set expirationTime");
    CHECK(xpdrm_token_request_set(req, "cookie", "living room #2") == XPDRM_OK, "set cookie");
    /* Names are case-sensitive: a typo is refused instead of being silently ignored by the server. */
    CHECK(xpdrm_token_request_set(req, "Cookie", "x") == XPDRM_ERR_UNKNOWN_PARAMETER, "a wrongly cased name");

    /* 3. What to log: secrets are <redacted>. */
    text = request_text(xpdrm_token_request_redacted, req, &st);
    CHECK(text != NULL && strstr(text, "1ad8eed1") == NULL && strstr(text, "b366360d") == NULL, "redacted");
    if (text != NULL) {
        printf("log: %s\n", text);
        free(text);
    }

    /* 4. The GET URL. It holds the secrets: send it, then wipe it. (xpdrm_token_request_form gives the same
     *    parameters as a POST body for Content-Type: application/x-www-form-urlencoded.) */
    text = request_text(xpdrm_token_request_url, req, &st);
    CHECK(st == XPDRM_OK && text != NULL, "url");
    if (text != NULL) {
        const char *base = "https://fp-gen.test.expressplay.com/hms/fp/token?";
        size_t n = strlen(text);
        CHECK(strncmp(text, base, strlen(base)) == 0, "the URL starts with the test service");
        printf("GET URL: %zu bytes, starts with the test service\n", n);
        /* ... send it with your HTTP stack here ... */
        xpdrm_wipe(text, n);
        free(text);
    }

    /* 5. The token server answered 200 with a text/uri-list (canned here). */
    {
        static const char answer[] =
            "# ExpressPlay license URL\r\n"
            "https://fp.service.expressplay.com:80/hms/fp/rights/?ExpressPlayToken="
            "AAAAEgAAAAFbw5nX-8t4_UNzZ2tZbz0yAQABAGTzUNq7bxHtP3K0qw\r\n";
        char url[512], base[512], token[256];
        st = xpdrm_token_response_parse(XPDRM_DRM_FAIRPLAY, 200, "text/uri-list", (const uint8_t *)answer,
                                        sizeof answer - 1, &resp);
        CHECK(st == XPDRM_OK, "parse the uri-list");
        if (st == XPDRM_OK) {
            CHECK(xpdrm_token_response_error_code(resp) == 0, "a token came back");
            CHECK(response_text(xpdrm_token_response_license_url, resp, url, sizeof url) == XPDRM_OK, "url");
            CHECK(response_text(xpdrm_token_response_license_base_url, resp, base, sizeof base) == XPDRM_OK, "base");
            CHECK(response_text(xpdrm_token_response_token, resp, token, sizeof token) == XPDRM_OK, "token");
            CHECK(strcmp(base, "https://fp.service.expressplay.com:80/hms/fp/rights/") == 0, "port 80 kept");
            CHECK(strlen(token) == 54 && strstr(url, token) != NULL, "the token is the URL's");
            /* Redeem: POST the SPC to the license URL; or to the base URL with the token in a header. */
            printf("license URL: %s\n", url);
            printf("or POST the SPC to %s with header %s: (%zu-character token)\n", base, xpdrm_token_header_name(),
                   strlen(token));
            xpdrm_wipe(token, sizeof token);
            xpdrm_wipe(url, sizeof url);
            xpdrm_token_response_free(resp);
            resp = NULL;
        }
    }

    /* 6. A refusal: HTTP 401 with an HTML page. Parsing succeeds; the error code says what went wrong. */
    {
        static const char page[] = "<html><head><title>Error</title></head>"
                                   "<body><p>[-2018] Authentication token invalid</p></body></html>";
        char message[256], token[64];
        int32_t code;
        st = xpdrm_token_response_parse(XPDRM_DRM_FAIRPLAY, 401, "text/html", (const uint8_t *)page, sizeof page - 1,
                                        &resp);
        CHECK(st == XPDRM_OK, "parse the error page");
        if (st == XPDRM_OK) {
            code = xpdrm_token_response_error_code(resp);
            CHECK(code == XPDRM_ERR_INVALID_AUTHENTICATOR, "-2018");
            st = response_text(xpdrm_token_response_error_text, resp, message, sizeof message);
            CHECK(st == XPDRM_OK, "the server's text");
            CHECK(response_text(xpdrm_token_response_token, resp, token, sizeof token) == XPDRM_ERR_RESPONSE_IS_ERROR,
                  "an error holds no token");
            if (st == XPDRM_OK) {
                printf("server error: %d (%s): %s\n", (int)code, xpdrm_status_str(code), message);
            }
            xpdrm_token_response_free(resp);
        }
    }

    /* Freeing the request wipes every value it held. */
    xpdrm_token_request_free(req);

    if (failures != 0) {
        fprintf(stderr, "fairplay_token: %d check(s) failed\n", failures);
        return 1;
    }
    printf("fairplay_token: OK\n");
    return 0;
}
