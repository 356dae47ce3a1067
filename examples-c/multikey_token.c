/*
 * multikey_token.c: several content keys in one token, as production content is packaged (one key per SD,
 * HD and UHD video track, or per video and audio track), built with validated calls only.
 *
 * 1. A three-key Widevine request in the HbbTV reference application's form: each key (kid.N,
 *    contentKey.N) with its own security level, HDCP version and track type, a persistent license
 *    (generalFlags 00000001), an https license URL (useHttps) and JSON errors. xpdrm_token_request_set_indexed
 *    sets "name.N" without formatting names by hand, and checks each value with the plain name's rule.
 * 2. A two-key PlayReady CBCS request (algId aescbc): video at security level 3000, audio at 2000.
 * 3. What goes wrong is caught before the round trip, with the server's own codes: a value out of range for
 *    one key (-2034, the reason names hdcpOutputControl.2), and a content key without its key ID (-4018).
 * 4. A `^name` key ID, matched with the KID in the content: xpdrm_kid_from_name.
 * 5. The PlayReady answer, whose content type says text/uri-list although its body is (pretty-printed) JSON.
 * It checks every URL against the one it expects and exits non-zero on any mismatch. (No network.)
 *
 * Build (static):  cc -std=c99 -Iinclude examples-c/multikey_token.c target/release/libxpdrm.a \
 *                     -lgcc_s -lutil -lrt -lpthread -lm -ldl -lc -Wl,--gc-sections
 *
 * The test harness checks that the output contains each EXPECT line below.
 * EXPECT: widevine, 3 keys: 638-byte URL as expected
 * EXPECT: hdcpOutputControl.2=6: -2034 (Invalid output control, values out of specified range.)
 * EXPECT: reason: hdcpOutputControl.2 is out of range: must be 0 to 5. Rule for hdcpOutputControl.2: 0 HDCP_NONE, 1 HDCP_V1, 2 HDCP_V2, 3 HDCP_V2_1, 4 HDCP_V2_2, 5 HDCP_NO_DIGITAL_OUTPUT; the table lists 0 to 2 and marks it required (-7006), but real clients send 3 to 5 (HDCP 2.2 for UHD) and requests without it get tokens, so neither is refused here; an empty value is still -7006 [vendor's table; real clients]. Status -2034: Invalid output control, values out of specified range.
 * EXPECT: widevine, 3 keys, unchanged: 638-byte URL as expected
 * EXPECT: contentKey.3 without kid.3: -4018 (Missing kid.)
 * EXPECT: playready CBCS, 2 keys: 624-byte URL as expected
 * EXPECT: ^kid1 is KID 80ea8bc8a58f990ad1f76bc665b30bfa
 * EXPECT: playready answer (text/uri-list, JSON body): https://pr2.service.expressplay.com/playready/RightsManager.asmx?ExpressPlayToken=AgAAAA2dN3UAAABw
 * EXPECT: multikey_token: OK
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

/* Sets a plain parameter; on refusal prints the code and the reason. */
static void set(xpdrm_token_request *req, const char *name, const char *value) {
    char reason[1024];
    size_t len = 0;
    xpdrm_status st = xpdrm_token_request_set(req, name, value);
    if (st != XPDRM_OK) {
        if (xpdrm_token_request_last_error(req, reason, sizeof reason, &len) == XPDRM_OK) {
            fprintf(stderr, "%s refused: %s\n", name, reason);
        }
        failures++;
    }
}

/* Sets name.index; on refusal prints the code and the reason. */
static void set_key(xpdrm_token_request *req, const char *name, uint32_t index, const char *value) {
    char reason[1024];
    size_t len = 0;
    xpdrm_status st = xpdrm_token_request_set_indexed(req, name, index, value);
    if (st != XPDRM_OK) {
        if (xpdrm_token_request_last_error(req, reason, sizeof reason, &len) == XPDRM_OK) {
            fprintf(stderr, "%s.%u refused: %s\n", name, (unsigned)index, reason);
        }
        failures++;
    }
}

/* Builds the request's GET URL into a buffer of the exact size and compares it with `expected`. */
static void check_url(const xpdrm_token_request *req, const char *what, const char *expected) {
    size_t len = 0;
    char *url;
    xpdrm_status st = xpdrm_token_request_url(req, NULL, 0, &len); /* size query */
    CHECK(st == XPDRM_ERR_BUFFER_TOO_SMALL, "size query");
    url = malloc(len + 1);
    if (url == NULL) {
        failures++;
        return;
    }
    st = xpdrm_token_request_url(req, url, len + 1, &len);
    CHECK(st == XPDRM_OK, "url");
    if (st == XPDRM_OK && strcmp(url, expected) == 0) {
        printf("%s: %zu-byte URL as expected\n", what, len);
    } else {
        fprintf(stderr, "%s: got      %s\n%s: expected %s\n", what, st == XPDRM_OK ? url : "(none)", what, expected);
        failures++;
    }
    xpdrm_wipe(url, len); /* it holds the customer authenticator and the content keys */
    free(url);
}

int main(void) {
    static const char auth[] = "201722,1ad8eed133edf43cbcc185f0236828ae"; /* a test authenticator */
    /* The SD, HD and UHD keys: key ID, content key, Widevine security level, HDCP version, track type. */
    static const char *const wv_keys[3][5] = {
        {"43215678123412341234123412341234", "12341234123412341234123412341234", "1", "0", "0"},  /* SD: SW crypto, no HDCP */
        {"43215678123412341234123412341235", "12341234123412341234123412341235", "3", "1", "1"},  /* HD: HW crypto, HDCP 1 */
        {"43215678123412341234123412341236", "12341234123412341234123412341236", "5", "4", "3"},  /* UHD1: HW all, HDCP 2.2 */
    };
    static const char wv_expected[] =
        "https://wv-gen.service.expressplay.com/hms/wv/token?customerAuthenticator=201722%2C1ad8eed133edf43cbcc185f0236828ae"
        "&expirationTime=%2B2592000&generalFlags=00000001&useHttps=true&errorFormat=json&contentId=Test123412351236"
        "&kid.0=43215678123412341234123412341234&contentKey.0=12341234123412341234123412341234"
        "&securityLevel.0=1&hdcpOutputControl.0=0&trackType.0=0"
        "&kid.1=43215678123412341234123412341235&contentKey.1=12341234123412341234123412341235"
        "&securityLevel.1=3&hdcpOutputControl.1=1&trackType.1=1"
        "&kid.2=43215678123412341234123412341236&contentKey.2=12341234123412341234123412341236"
        "&securityLevel.2=5&hdcpOutputControl.2=4&trackType.2=3";
    /* Video at PlayReady security level 3000, audio at 2000. */
    static const char *const pr_keys[2][3] = {
        {"43215678123412341234123412341237", "12341234123412341234123412341237", "3000"},
        {"43215678123412341234123412341236", "12341234123412341234123412341236", "2000"},
    };
    static const char *const opl[] = {"analogVideoOPL", "compressedDigitalAudioOPL", "compressedDigitalVideoOPL",
                                      "uncompressedDigitalAudioOPL", "uncompressedDigitalVideoOPL"};
    static const char pr_expected[] =
        "https://pr-gen.service.expressplay.com/hms/pr/token?customerAuthenticator=201722%2C1ad8eed133edf43cbcc185f0236828ae"
        "&expirationTime=%2B2592000&generalFlags=00000000&useHttps=true&errorFormat=json&rightsType=BuyToOwn"
        "&unknownOutputBehavior=Allow&analogVideoOPL=100&compressedDigitalAudioOPL=100&compressedDigitalVideoOPL=100"
        "&uncompressedDigitalAudioOPL=100&uncompressedDigitalVideoOPL=100&algId=aescbc"
        "&kid.0=43215678123412341234123412341237&contentKey.0=12341234123412341234123412341237&minCertSecurityLevel.0=3000"
        "&kid.1=43215678123412341234123412341236&contentKey.1=12341234123412341234123412341236&minCertSecurityLevel.1=2000";
    xpdrm_token_request *req = NULL;
    xpdrm_token_response *resp = NULL;
    xpdrm_status st;
    char text[1024];
    size_t len = 0;
    uint8_t kid[16];
    uint32_t i;

    /* 1. Widevine, three keys. */
    CHECK(xpdrm_token_request_new(XPDRM_DRM_WIDEVINE, &req) == XPDRM_OK, "new Widevine request");
    if (req == NULL) {
        return 1;
    }
    CHECK(xpdrm_token_request_set_environment(req, XPDRM_ENVIRONMENT_PRODUCTION) == XPDRM_OK, "production");
    set(req, "customerAuthenticator", auth);
    set(req, "expirationTime", "+2592000"); /* 30 days */
    set(req, "generalFlags", "00000001");   /* persistent */
    set(req, "useHttps", "true");
    set(req, "errorFormat", "json");
    set(req, "contentId", "Test123412351236");
    for (i = 0; i < 3; i++) {
        set_key(req, "kid", i, wv_keys[i][0]);
        set_key(req, "contentKey", i, wv_keys[i][1]);
        set_key(req, "securityLevel", i, wv_keys[i][2]);
        set_key(req, "hdcpOutputControl", i, wv_keys[i][3]);
        set_key(req, "trackType", i, wv_keys[i][4]);
    }
    check_url(req, "widevine, 3 keys", wv_expected);

    /* 3. Caught before the round trip: one key's value, with the server's code and the indexed name. */
    st = xpdrm_token_request_set_indexed(req, "hdcpOutputControl", 2, "6");
    CHECK(st == XPDRM_ERR_OUTPUT_CONTROL_OUT_OF_RANGE, "-2034");
    printf("hdcpOutputControl.2=6: %d (%s)\n", (int)st, xpdrm_status_str(st));
    CHECK(xpdrm_token_request_last_error(req, text, sizeof text, &len) == XPDRM_OK, "reason");
    printf("reason: %s\n", text);
    check_url(req, "widevine, 3 keys, unchanged", wv_expected); /* the refused value left no trace */
    set_key(req, "contentKey", 3, "12341234123412341234123412341239");
    st = xpdrm_token_request_url(req, NULL, 0, &len);
    CHECK(st == XPDRM_ERR_MISSING_KID, "-4018");
    printf("contentKey.3 without kid.3: %d (%s)\n", (int)st, xpdrm_status_str(st));
    xpdrm_token_request_free(req);
    req = NULL;

    /* 2. PlayReady CBCS, two keys. */
    CHECK(xpdrm_token_request_new(XPDRM_DRM_PLAYREADY, &req) == XPDRM_OK, "new PlayReady request");
    if (req == NULL) {
        return 1;
    }
    CHECK(xpdrm_token_request_set_environment(req, XPDRM_ENVIRONMENT_PRODUCTION) == XPDRM_OK, "production");
    set(req, "customerAuthenticator", auth);
    set(req, "expirationTime", "+2592000");
    set(req, "generalFlags", "00000000");
    set(req, "useHttps", "true");
    set(req, "errorFormat", "json");
    set(req, "rightsType", "BuyToOwn");
    set(req, "unknownOutputBehavior", "Allow");
    for (i = 0; i < 5; i++) {
        set(req, opl[i], "100");
    }
    set(req, "algId", "aescbc"); /* CBCS content */
    for (i = 0; i < 2; i++) {
        set_key(req, "kid", i, pr_keys[i][0]);
        set_key(req, "contentKey", i, pr_keys[i][1]);
        set_key(req, "minCertSecurityLevel", i, pr_keys[i][2]);
    }
    check_url(req, "playready CBCS, 2 keys", pr_expected);
    xpdrm_token_request_free(req);

    /* 4. A key ID given as ^name: the KID the key storage derives (SHA-1 of the name, first 16 bytes). */
    st = xpdrm_kid_from_name("^kid1", kid);
    CHECK(st == XPDRM_OK, "kid_from_name");
    if (st == XPDRM_OK) {
        printf("^kid1 is KID ");
        for (i = 0; i < 16; i++) {
            printf("%02x", kid[i]);
        }
        printf("\n");
    }
    CHECK(xpdrm_kid_from_name("^", kid) == XPDRM_ERR_INVALID_KID, "nothing after ^");

    /* 5. The PlayReady answer: JSON, although the content type says text/uri-list. CBCS is redeemed at pr2. */
    {
        static const char answer[] =
            "{\n"
            "    \"licenseAcquisitionUrl\": \"https://pr2.service.expressplay.com/playready/RightsManager.asmx\",\n"
            "    \"token\": \"AgAAAA2dN3UAAABw\"\n"
            "}\n";
        st = xpdrm_token_response_parse(XPDRM_DRM_PLAYREADY, 200, "text/uri-list", (const uint8_t *)answer,
                                        strlen(answer), &resp);
        CHECK(st == XPDRM_OK && xpdrm_token_response_error_code(resp) == 0, "a token");
        if (st == XPDRM_OK) {
            CHECK(xpdrm_token_response_license_url(resp, text, sizeof text, &len) == XPDRM_OK, "license URL");
            printf("playready answer (text/uri-list, JSON body): %s\n", text);
            xpdrm_token_response_free(resp);
        }
    }

    if (failures != 0) {
        fprintf(stderr, "multikey_token: %d check(s) failed\n", failures);
        return 1;
    }
    printf("multikey_token: OK\n");
    return 0;
}
