/*
 * marlin_tokens.c: Marlin tokens for TVs and set-top boxes (SPEC.md section 7), fetched with xpdrm's HTTP
 * client from the local ExpressPlay-compatible server: an MS3 token for a DASH stream (GET) and for an
 * hls:// stream with two keys (POST), then a Marlin BB registration token (POST) and a BB license token
 * (GET). Each answer is parsed and checked: the MS3 compound URL is kept as given, its token is the `b`
 * value and its fragment the content URL; the BB action token is XML, handed over byte for byte.
 *
 * Marlin has no public error table: xpdrm checks the form of what real clients send, and refuses with local
 * statuses that name the parameter (230-232), which this example shows too.
 *
 * NEEDS: test-servers
 * The server's address, its CA and the test account's authenticator come in XPDRM_TEST_* environment
 * variables (the test harness starts the servers).
 *
 * The test harness checks that the output contains each EXPECT line below.
 * EXPECT: MS3 (DASH, GET): compound URL .../hms/ms3/rights/?b=<214-character token>#<percent-encoded content URL>
 * EXPECT: MS3 (DASH, GET): content URL https://cdn.example/video/ExpressPlayerDASH-BBB/stream.mpd
 * EXPECT: MS3 (HLS, POST, 2 keys): content URL hls://cdn.example/video/HLSBBB/master.m3u8
 * EXPECT: refused before sending: 230 (contentURL does not start with http://, https:// or hls://)
 * EXPECT: BB registration (POST): an ActionToken document, passed on unchanged; no license URL (239)
 * EXPECT: BB license (GET): an ActionToken document with a LicenseAcquisitionAction
 * EXPECT: refused before sending: 231 (the Marlin BB request breaks a rule: a license (actionTokenType 1) needs rightsType)
 * EXPECT: marlin_tokens: OK
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

#define KEY "43210987123478904321098712340987"
#define DASH "https://cdn.example/video/ExpressPlayerDASH-BBB/stream.mpd"
#define HLS "hls://cdn.example/video/HLSBBB/master.m3u8"

static const char *env(const char *name) {
    const char *v = getenv(name);
    if (v == NULL || v[0] == '\0') {
        fprintf(stderr, "%s is not set: the test harness starts the local servers and sets it\n", name);
        exit(2);
    }
    return v;
}

static unsigned char *read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    unsigned char *data = NULL;
    long size;
    if (f == NULL) {
        return NULL;
    }
    if (fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) > 0 && fseek(f, 0, SEEK_SET) == 0) {
        data = malloc((size_t)size);
        if (data != NULL && fread(data, 1, (size_t)size, f) != (size_t)size) {
            free(data);
            data = NULL;
        }
        *len = (size_t)size;
    }
    fclose(f);
    return data;
}

/* A new request for `drm` at the local server's token URL (path "/hms/ms3/token" or "/hms/bb/token"), with
 * the test account's authenticator. */
static xpdrm_token_request *request(xpdrm_drm drm, const char *path) {
    xpdrm_token_request *req = NULL;
    char url[512];
    snprintf(url, sizeof url, "%s%s", env("XPDRM_TEST_EXPRESSPLAY_URL"), path);
    CHECK(xpdrm_token_request_new(drm, &req) == XPDRM_OK, "new request");
    CHECK(xpdrm_token_request_set_base_url(req, url) == XPDRM_OK, "base URL");
    CHECK(xpdrm_token_request_set(req, "customerAuthenticator", env("XPDRM_TEST_AUTHENTICATOR")) == XPDRM_OK,
          "authenticator");
    return req;
}

/* Sets a parameter that must pass; on refusal prints the reason. */
static void set(xpdrm_token_request *req, const char *name, const char *value) {
    char reason[512];
    size_t len = 0;
    xpdrm_status st = xpdrm_token_request_set(req, name, value);
    if (st != XPDRM_OK && xpdrm_token_request_last_error(req, reason, sizeof reason, &len) == XPDRM_OK) {
        fprintf(stderr, "%s refused (%d): %s\n", name, (int)st, reason);
    }
    CHECK(st == XPDRM_OK, name);
}

/* Fetches a token; NULL (and a message) on failure. */
static xpdrm_token_response *fetch(const xpdrm_http_client *client, const xpdrm_token_request *req,
                                   xpdrm_http_method method) {
    xpdrm_token_response *resp = NULL;
    char reason[XPDRM_HTTP_REASON_MAX];
    xpdrm_status st = xpdrm_http_fetch_token(client, req, method, &resp, reason, sizeof reason);
    if (st != XPDRM_OK) {
        fprintf(stderr, "fetch failed: %d (%s): %s\n", (int)st, xpdrm_status_str(st), reason);
        failures++;
        return NULL;
    }
    if (xpdrm_token_response_error_code(resp) != 0) {
        fprintf(stderr, "the server refused: %d\n", (int)xpdrm_token_response_error_code(resp));
        failures++;
    }
    return resp;
}

/* Checks an MS3 answer: the compound URL, its b token and its content URL. */
static void check_ms3(const xpdrm_token_response *resp, const char *what, const char *content) {
    char url[2048], token[1024], content_url[512];
    size_t url_len = 0, token_len = 0, content_len = 0;
    const char *b;
    CHECK(xpdrm_token_response_license_url(resp, url, sizeof url, &url_len) == XPDRM_OK, "compound URL");
    CHECK(xpdrm_token_response_token(resp, token, sizeof token, &token_len) == XPDRM_OK, "b token");
    CHECK(xpdrm_token_response_content_url(resp, content_url, sizeof content_url, &content_len) == XPDRM_OK,
          "content URL");
    b = strstr(url, "/hms/ms3/rights/?b=");
    CHECK(b != NULL && strncmp(b + strlen("/hms/ms3/rights/?b="), token, token_len) == 0, "the token is the b value");
    CHECK(b != NULL && b[strlen("/hms/ms3/rights/?b=") + token_len] == '#', "the fragment follows the token");
    CHECK(strcmp(content_url, content) == 0, "the content URL is the request's");
    CHECK(strstr(url, "%3A%2F%2F") != NULL, "the fragment is percent-encoded");
    if (strcmp(what, "DASH, GET") == 0) {
        printf("MS3 (%s): compound URL .../hms/ms3/rights/?b=<%zu-character token>#<percent-encoded content URL>\n",
               what, token_len);
    }
    printf("MS3 (%s): content URL %s\n", what, content_url);
    xpdrm_wipe(token, sizeof token); /* a bearer credential */
}

/* Checks a BB answer: an XML action token, not a license URL. Returns its bytes (caller frees). */
static unsigned char *check_bb(const xpdrm_token_response *resp, size_t *len) {
    unsigned char *xml;
    char url[64];
    size_t url_len = 0;
    *len = 0;
    CHECK(xpdrm_token_response_action_token(resp, NULL, 0, len) == XPDRM_ERR_BUFFER_TOO_SMALL, "size query");
    xml = malloc(*len + 1);
    if (xml == NULL) {
        failures++;
        return NULL;
    }
    CHECK(xpdrm_token_response_action_token(resp, xml, *len, len) == XPDRM_OK, "action token");
    xml[*len] = '\0';
    CHECK(strncmp((const char *)xml, "<?xml", 5) == 0, "an XML document");
    CHECK(strstr((const char *)xml, "<ActionToken xmlns=\"urn:marlin:broadband:1-2:nemo:services:action-token\"") != NULL,
          "an ActionToken root");
    CHECK(xpdrm_token_response_license_url(resp, url, sizeof url, &url_len) == XPDRM_ERR_RESPONSE_IS_ACTION_TOKEN,
          "no license URL");
    return xml;
}

int main(void) {
    xpdrm_http_config *cfg = NULL;
    xpdrm_http_client *client = NULL;
    xpdrm_token_request *req;
    xpdrm_token_response *resp;
    unsigned char *ca, *xml;
    size_t ca_len = 0, xml_len = 0, len = 0;
    char reason[512], url[1024];
    xpdrm_status st;

    ca = read_file(env("XPDRM_TEST_CA_PEM"), &ca_len);
    CHECK(ca != NULL, "CA file");
    CHECK(xpdrm_http_config_new(&cfg) == XPDRM_OK, "config");
    CHECK(xpdrm_http_config_add_ca_pem(cfg, ca, ca_len) == XPDRM_OK, "CA");
    CHECK(xpdrm_http_client_new(cfg, &client) == XPDRM_OK, "client");
    xpdrm_http_config_free(cfg);
    free(ca);
    if (client == NULL) {
        return 1;
    }

    /* 1. MS3 for a DASH stream, as the HbbTV reference application asks for it (GET). */
    req = request(XPDRM_DRM_MARLIN_MS3, "/hms/ms3/token");
    set(req, "contentId", "urn:marlin:kid:67895432987623454756654729382341");
    set(req, "contentKey", KEY);
    set(req, "outputControlOverride", "urn:marlin:organization:intertrust:wudo,ImageConstraintLevel,0");
    set(req, "expirationTime", "+2592000");
    set(req, "extensionType", "wudo");
    set(req, "extensionCriticalFlag", "false");
    set(req, "extensionPayload", "AAAAAA==");
    set(req, "errorFormat", "json");
    set(req, "contentURL", DASH);
    resp = fetch(client, req, XPDRM_HTTP_GET);
    if (resp != NULL) {
        check_ms3(resp, "DASH, GET", DASH);
    }
    xpdrm_token_response_free(resp);

    /* 2. MS3 for an hls:// stream with two keys (indexed parameters), POST. */
    xpdrm_token_request_free(req);
    req = request(XPDRM_DRM_MARLIN_MS3, "/hms/ms3/token");
    set(req, "contentId.0", "urn:marlin:kid:67895432987623454756654729382341");
    set(req, "contentKey.0", KEY);
    set(req, "contentId.1", "urn:marlin:kid:67895432987623454756654729382342");
    set(req, "contentKey.1", "43210987123478904321098712340988");
    set(req, "ms3Extension", "wudo,false,AAAAAA==");
    set(req, "contentURL", HLS);
    resp = fetch(client, req, XPDRM_HTTP_POST);
    if (resp != NULL) {
        check_ms3(resp, "HLS, POST, 2 keys", HLS);
    }
    xpdrm_token_response_free(resp);

    /* A content URL that no real client sends is refused here, with a reason naming the parameter. */
    st = xpdrm_token_request_set(req, "contentURL", "ftp://cdn.example/video.mpd");
    CHECK(st == XPDRM_ERR_MARLIN_INVALID_VALUE, "ftp content URL refused");
    CHECK(xpdrm_token_request_last_error(req, reason, sizeof reason, &len) == XPDRM_OK, "reason");
    CHECK(strncmp(reason, "contentURL does not start with http://, https:// or hls://", 58) == 0, "reason text");
    printf("refused before sending: %d (%.58s)\n", (int)st, reason);
    xpdrm_token_request_free(req);

    /* 3. BB registration: binds the device's Marlin agent to a user (POST). */
    req = request(XPDRM_DRM_MARLIN_BB, "/hms/bb/token");
    set(req, "actionTokenType", "0");
    set(req, "userId", "555556");
    set(req, "userKey", "000102030405060708090a0b0c0d0124");
    resp = fetch(client, req, XPDRM_HTTP_POST);
    if (resp != NULL) {
        xml = check_bb(resp, &xml_len);
        CHECK(xml != NULL && strstr((const char *)xml, "<UserRegistrationAction>") != NULL, "a registration");
        printf("BB registration (POST): an ActionToken document, passed on unchanged; no license URL (%d)\n",
               (int)XPDRM_ERR_RESPONSE_IS_ACTION_TOKEN);
        free(xml);
    }
    xpdrm_token_response_free(resp);
    xpdrm_token_request_free(req);

    /* 4. BB license: content ID, key and rights (GET). */
    req = request(XPDRM_DRM_MARLIN_BB, "/hms/bb/token");
    set(req, "actionTokenType", "1");
    set(req, "contentId", "urn:marlin:organization:example:bigbuckbunny");
    set(req, "contentKey", KEY);
    resp = NULL;
    st = xpdrm_http_fetch_token(client, req, XPDRM_HTTP_GET, &resp, url, sizeof url);
    CHECK(st == XPDRM_ERR_MARLIN_MISSING_PARAMETER && resp == NULL, "a license without rightsType is not sent");
    set(req, "rightsType", "BuyToOwn");
    resp = fetch(client, req, XPDRM_HTTP_GET);
    if (resp != NULL) {
        xml = check_bb(resp, &xml_len);
        CHECK(xml != NULL && strstr((const char *)xml, "<LicenseAcquisitionAction>") != NULL, "a license");
        printf("BB license (GET): an ActionToken document with a LicenseAcquisitionAction\n");
        free(xml);
    }
    xpdrm_token_response_free(resp);
    CHECK(xpdrm_token_request_unset(req, "rightsType") == XPDRM_OK, "unset");
    st = xpdrm_token_request_url(req, url, sizeof url, &len);
    CHECK(st == XPDRM_ERR_MARLIN_MISSING_PARAMETER, "rightsType needed");
    CHECK(xpdrm_token_request_last_error(req, reason, sizeof reason, &len) == XPDRM_OK, "reason");
    {
        const char *cut = strstr(reason, ". Status");
        int n = cut != NULL ? (int)(cut - reason) : (int)strlen(reason);
        printf("refused before sending: %d (%.*s)\n", (int)st, n, reason);
    }
    xpdrm_token_request_free(req);

    xpdrm_http_client_free(client);
    if (failures != 0) {
        fprintf(stderr, "marlin_tokens: %d check(s) failed\n", failures);
        return 1;
    }
    printf("marlin_tokens: OK\n");
    return 0;
}
