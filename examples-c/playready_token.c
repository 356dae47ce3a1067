/*
 * playready_token.c: a device-bound, time-bound PlayReady rental token, and the answers a token server gives.
 *
 * PlayReady is the one DRM whose tokens can be bound to a device (`deviceId`); FairPlay and Widevine refuse
 * it (-6008, -7002), and so does xpdrm, locally. A rental needs its period end and is persistent
 * (generalFlags=00000001); its play duration is optional (a real client sends none) but not empty; an
 * absolute `expirationTime` must lie in the next 30 days by the device's clock, which a player with a
 * doubtful clock can replace with a trusted time (here a fixed one, so that the output never changes).
 * Then the canned answers: PlayReady's JSON with a license URL and a token, an empty 404, and a captive
 * portal's login page, which is refused rather than mistaken for a token.
 * It checks every result and exits non-zero on any mismatch. (Nothing goes over the network here.)
 *
 * Build (static):  cc -std=c99 -Iinclude examples-c/playready_token.c target/release/libxpdrm.a \
 *                     -lgcc_s -lutil -lrt -lpthread -lm -ldl -lc -Wl,--gc-sections
 *
 * The test harness checks that the output contains each EXPECT line below.
 * EXPECT: FairPlay deviceId: -6008 (Device ID binding is not supported for FairPlay.)
 * EXPECT: rental with an empty play duration: -2023 (Missing rental play duration.)
 * EXPECT: expiry 31 days ahead: -2002 (Invalid token expiration time.)
 * EXPECT: log: https://pr-gen.test.expressplay.com/hms/pr/token?kid=b366360da82e9c6e0b0984002a362cf2&contentKey=<redacted>&rightsType=Rental&rental.periodEndTime=%2B172800&analogVideoOPL=100&compressedDigitalAudioOPL=100&compressedDigitalVideoOPL=300&uncompressedDigitalAudioOPL=100&uncompressedDigitalVideoOPL=300&deviceId=<redacted>&cookie=sees-7f3a&generalFlags=00000001&rental.playDuration=7200&expirationTime=2023-11-20T00%3A00%3A00Z
 * EXPECT: license URL: https://pr.test.expressplay.com/playready/RightsManager.asmx?ExpressPlayToken=AAAAAwAAAAEAAQ
 * EXPECT: header form: https://pr.test.expressplay.com/playready/RightsManager.asmx + ExpressPlayToken: AAAAAwAAAAEAAQ
 * EXPECT: empty 404: 212 (The token server answered HTTP 404 (invalid URL) without an error code.)
 * EXPECT: captive portal: 204 (The token server's answer has a content type that carries neither a token nor an error code.)
 * EXPECT: playready_token: OK
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
    char text[1024];
    size_t len = 0;
    size_t i;
    static const char *const opl[][2] = {
        {"analogVideoOPL", "100"},           {"compressedDigitalAudioOPL", "100"},
        {"compressedDigitalVideoOPL", "300"}, {"uncompressedDigitalAudioOPL", "100"},
        {"uncompressedDigitalVideoOPL", "300"},
    };
    const char *device_id = "0123456789ABCDEF0123456789abcdef"; /* from the SEES device-binding flow */

    /* 1. Device binding is PlayReady only. */
    st = xpdrm_token_request_new(XPDRM_DRM_FAIRPLAY, &req);
    CHECK(st == XPDRM_OK, "FairPlay request");
    if (st == XPDRM_OK) {
        st = xpdrm_token_request_set(req, "deviceId", device_id);
        CHECK(st == XPDRM_ERR_FAIRPLAY_DEVICE_BINDING_UNSUPPORTED, "-6008");
        printf("FairPlay deviceId: %d (%s)\n", (int)st, xpdrm_status_str(st));
        xpdrm_token_request_free(req);
    }

    /* 2. The PlayReady rental. */
    st = xpdrm_token_request_new(XPDRM_DRM_PLAYREADY, &req);
    CHECK(st == XPDRM_OK, "PlayReady request");
    if (st != XPDRM_OK) {
        return 1;
    }
    /* "Now" for absolute times: 2023-11-14T22:13:20Z (a trusted time; 0 would mean the system clock). */
    CHECK(xpdrm_token_request_set_clock(req, 1700000000) == XPDRM_OK, "clock");
    CHECK(set(req, "kid", "b366360da82e9c6e0b0984002a362cf2") == XPDRM_OK, "kid");
    CHECK(set(req, "contentKey", "00112233445566778899aabbccddeeff") == XPDRM_OK, "contentKey");
    CHECK(set(req, "rightsType", "Rental") == XPDRM_OK, "rightsType");
    CHECK(set(req, "rental.periodEndTime", "+172800") == XPDRM_OK, "rental.periodEndTime");
    for (i = 0; i < sizeof opl / sizeof opl[0]; i++) {
        CHECK(set(req, opl[i][0], opl[i][1]) == XPDRM_OK, opl[i][0]);
    }
    CHECK(set(req, "deviceId", device_id) == XPDRM_OK, "deviceId");
    CHECK(set(req, "cookie", "sees-7f3a") == XPDRM_OK, "cookie");

    /* "Rental licenses MUST be persistent", says the PlayReady page: generalFlags 00000001. */
    CHECK(set(req, "generalFlags", "00000001") == XPDRM_OK, "generalFlags");
    /* The build works without a play duration (a real client sends none); an empty one is the server's -2023. */
    st = xpdrm_token_request_url(req, NULL, 0, &len);
    CHECK(st == XPDRM_ERR_BUFFER_TOO_SMALL, "a rental without a play duration builds");
    st = xpdrm_token_request_set(req, "rental.playDuration", "");
    CHECK(st == XPDRM_ERR_MISSING_RENTAL_PLAY_DURATION, "-2023");
    printf("rental with an empty play duration: %d (%s)\n", (int)st, xpdrm_status_str(st));
    CHECK(set(req, "rental.playDuration", "7200") == XPDRM_OK, "rental.playDuration");

    /* Tokens live at most 30 days. 2023-12-15 is 31 days after our "now". */
    st = xpdrm_token_request_set(req, "expirationTime", "2023-12-15T22:13:20Z");
    CHECK(st == XPDRM_ERR_INVALID_EXPIRATION_TIME, "-2002");
    printf("expiry 31 days ahead: %d (%s)\n", (int)st, xpdrm_status_str(st));
    CHECK(set(req, "expirationTime", "2023-11-20T00:00:00Z") == XPDRM_OK, "expirationTime");

    CHECK(xpdrm_token_request_redacted(req, text, sizeof text, &len) == XPDRM_OK, "redacted");
    CHECK(strstr(text, "0123456789") == NULL && strstr(text, "00112233") == NULL, "no device ID or key in logs");
    printf("log: %s\n", text);
    st = xpdrm_token_request_url(req, text, sizeof text, &len);
    CHECK(st == XPDRM_OK && strstr(text, "&deviceId=0123456789ABCDEF0123456789abcdef&") != NULL, "the URL");
    xpdrm_wipe(text, sizeof text); /* it held the content key */
    xpdrm_token_request_free(req);

    /* 3. PlayReady's answer: JSON with the license acquisition URL and, separately, the token. */
    {
        static const char answer[] = "{\"licenseAcquisitionUrl\":\"https://pr.test.expressplay.com/playready/"
                                     "RightsManager.asmx\",\"token\":\"AAAAAwAAAAEAAQ\"}";
        char base[256], token[128];
        st = xpdrm_token_response_parse(XPDRM_DRM_PLAYREADY, 200, "application/json", (const uint8_t *)answer,
                                        strlen(answer), &resp);
        CHECK(st == XPDRM_OK && xpdrm_token_response_error_code(resp) == 0, "a token");
        if (st == XPDRM_OK) {
            CHECK(xpdrm_token_response_license_url(resp, text, sizeof text, &len) == XPDRM_OK, "license URL");
            CHECK(xpdrm_token_response_license_base_url(resp, base, sizeof base, &len) == XPDRM_OK, "base URL");
            CHECK(xpdrm_token_response_token(resp, token, sizeof token, &len) == XPDRM_OK && len == 14, "token");
            printf("license URL: %s\n", text);
            printf("header form: %s + %s: %s\n", base, xpdrm_token_header_name(), token);
            xpdrm_token_response_free(resp);
        }
    }

    /* 4. An empty 404: no code in the body, so the HTTP status decides. */
    st = xpdrm_token_response_parse(XPDRM_DRM_PLAYREADY, 404, NULL, NULL, 0, &resp);
    CHECK(st == XPDRM_OK, "parse the empty 404");
    if (st == XPDRM_OK) {
        int32_t code = xpdrm_token_response_error_code(resp);
        CHECK(code == XPDRM_ERR_SERVER_404_INVALID_URL, "212");
        printf("empty 404: %d (%s)\n", (int)code, xpdrm_status_str(code));
        xpdrm_token_response_free(resp);
    }

    /* 5. A hotel Wi-Fi login page answering 200: not a token, and nothing to free. */
    {
        static const char page[] = "<html><body>Please log in: "
                                   "<a href=\"https://pr.test.expressplay.com/?ExpressPlayToken=AAAA\">here</a></body></html>";
        resp = NULL;
        st = xpdrm_token_response_parse(XPDRM_DRM_PLAYREADY, 200, "text/html", (const uint8_t *)page, strlen(page),
                                        &resp);
        CHECK(st == XPDRM_ERR_RESPONSE_CONTENT_TYPE && resp == NULL, "a login page is refused");
        printf("captive portal: %d (%s)\n", (int)st, xpdrm_status_str(st));
    }

    if (failures != 0) {
        fprintf(stderr, "playready_token: %d check(s) failed\n", failures);
        return 1;
    }
    printf("playready_token: OK\n");
    return 0;
}
