/*
 * device_binding.c: the whole device-binding flow (SEES reference flow), both sides, from the header alone.
 *
 * xpdrm does no I/O here: each step hands out the HTTP request to make (method, URL, headers, body) and
 * takes the answer back (status, content type, body). This program plays every party: the device's flow,
 * the entitlement service's flows (one per entitlement request), and canned answers for ExpressPlay's
 * token server, license server and transaction records. The content's token parameters are a token request
 * (xpdrm_token_request_*, each value checked as it is set) that SEES hands to each service flow as its
 * template. It checks every step, then the failures: a call out of order, a cookie without a record, a
 * device other than the expected one, FairPlay device binding, a template that sets what the flow sets.
 * It checks every result and exits non-zero on any mismatch.
 *
 * Build (static):  cc -std=c99 -Iinclude examples-c/device_binding.c target/release/libxpdrm.a \
 *                     -lgcc_s -lutil -lrt -lpthread -lm -ldl -lc -Wl,--gc-sections
 *
 * The test harness checks that the output contains each EXPECT line below.
 * EXPECT: device: cookie of 32 characters
 * EXPECT: 1. device -> SEES: POST https://sees.example.com/entitlement (registration, requestType 2)
 * EXPECT: 1. SEES -> token server: POST https://pr-gen.test.expressplay.com/hms/pr/token (cookie-bound)
 * EXPECT: 1. SEES -> device: license granted
 * EXPECT: 2. device -> license server: POST https://pr.test.expressplay.com/playready/RightsManager.asmx?<redacted> (SPC of 16 bytes)
 * EXPECT: 3. device -> SEES: POST https://sees.example.com/entitlement (device-bound, requestType 3)
 * EXPECT: 3. SEES -> records: GET http://127.0.0.1:8080/cmiapi/getrecord/?<redacted>
 * EXPECT: 3. SEES: device fingerprint 3eb1bd439947eb762998e566ccc2e099c791118b2f40579cc4f7da2b5061b7f9
 * EXPECT: 4. SEES -> token server: POST https://pr-gen.test.expressplay.com/hms/pr/token (deviceId, expirationTime=+600)
 * EXPECT: 5. device: device-bound token URL ready (96 bytes)
 * EXPECT: out of order: spc_request when done: status 400
 * EXPECT: missing record: status 402; the device is denied with status 313, error 402
 * EXPECT: other device: status 403
 * EXPECT: FairPlay: status -6008
 * EXPECT: template with a cookie: status 4 (the token template sets cookie, which the device-binding flow sets itself)
 * EXPECT: device_binding: OK
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

#define SEES_URL "https://sees.example.com/entitlement"
#define RECORD_URL "http://127.0.0.1:8080/cmiapi/getrecord/"
#define DUMMY_CONTENT "00000000-0000-4000-8000-000000000001"
#define CONTENT "3f2504e0-4f89-11d3-9a0c-0305e82c3301"
#define AUTHENTICATOR "12345,00112233445566778899aabbccddeeff"
#define DEVICE_ID "0123456789ABCDEF0123456789ABCDEF"
#define LICENSE_URL "https://pr.test.expressplay.com/playready/RightsManager.asmx"
#define REGISTRATION_TOKEN_ANSWER "{\"licenseAcquisitionUrl\":\"" LICENSE_URL "\",\"token\":\"REGISTRATION-TOKEN\"}"
#define BOUND_TOKEN_ANSWER "{\"licenseAcquisitionUrl\":\"" LICENSE_URL "\",\"token\":\"DEVICE-BOUND-TOKEN\"}"
#define BOUND_TOKEN_URL LICENSE_URL "?ExpressPlayToken=DEVICE-BOUND-TOKEN"

/* A request description's parts, copied into our own memory (the URL and body may hold secrets). */
typedef struct {
    const char *method; /* static */
    char url[2048];
    char redacted[2048];
    char *body; /* malloc'ed, NUL-terminated for convenience */
    size_t body_len;
} outbound;

static int take(xpdrm_outbound_request *req, outbound *o) {
    size_t len = 0, count = 0, i;
    int ok = 1;
    memset(o, 0, sizeof *o);
    o->method = xpdrm_outbound_request_method(req);
    ok &= o->method != NULL;
    ok &= xpdrm_outbound_request_url(req, o->url, sizeof o->url, &len) == XPDRM_OK;
    ok &= xpdrm_outbound_request_redacted_url(req, o->redacted, sizeof o->redacted, &len) == XPDRM_OK;
    ok &= xpdrm_outbound_request_header_count(req, &count) == XPDRM_OK && count >= 1;
    for (i = 0; i < count; i++) {
        char name[64], value[256];
        ok &= xpdrm_outbound_request_header_name(req, i, name, sizeof name, &len) == XPDRM_OK;
        ok &= xpdrm_outbound_request_header_value(req, i, value, sizeof value, &len) == XPDRM_OK;
    }
    /* Size query first: a GET answers 0. */
    if (xpdrm_outbound_request_body(req, NULL, 0, &o->body_len) != XPDRM_ERR_BUFFER_TOO_SMALL) {
        ok = 0;
    }
    o->body = malloc(o->body_len + 1);
    if (o->body == NULL) {
        return 0;
    }
    ok &= xpdrm_outbound_request_body(req, (uint8_t *)o->body, o->body_len, &len) == XPDRM_OK;
    o->body[o->body_len] = '\0';
    xpdrm_outbound_request_free(req);
    return ok;
}

static void release(outbound *o) {
    /* The body may hold the customer authenticator or content keys: wipe before freeing. */
    if (o->body != NULL) {
        xpdrm_wipe(o->body, o->body_len);
        free(o->body);
    }
    xpdrm_wipe(o, sizeof *o);
}

/* The service's answer (entitlement response JSON), malloc'ed; NULL on failure. */
static char *answer_json(const xpdrm_binding_service *svc) {
    xpdrm_entitlement_response *resp = NULL;
    char *json = NULL;
    size_t len = 0;
    if (xpdrm_binding_service_entitlement_response(svc, &resp) != XPDRM_OK) {
        return NULL;
    }
    if (xpdrm_entitlement_response_to_json(resp, NULL, 0, &len) == XPDRM_ERR_BUFFER_TOO_SMALL) {
        json = malloc(len + 1);
        if (json != NULL && xpdrm_entitlement_response_to_json(resp, json, len + 1, &len) != XPDRM_OK) {
            free(json);
            json = NULL;
        }
    }
    xpdrm_entitlement_response_free(resp);
    return json;
}

static xpdrm_binding_step device_step(const xpdrm_binding_device *dev) {
    xpdrm_binding_step step = 0;
    CHECK(xpdrm_binding_device_step(dev, &step) == XPDRM_OK, "device step");
    return step;
}

static xpdrm_binding_step service_step(const xpdrm_binding_service *svc) {
    xpdrm_binding_step step = 0;
    CHECK(xpdrm_binding_service_step(svc, &step) == XPDRM_OK, "service step");
    return step;
}

/* The content's token parameters for `drm` (PlayReady or FairPlay), as a token request: each value is
 * checked as it is set, with the code the token server would answer. NULL on failure. The caller frees it
 * with xpdrm_token_request_free (which wipes the content key). */
static xpdrm_token_request *content_template(xpdrm_drm drm) {
    static const char *const playready[][2] = {
        {"kid", "b366360da82e9c6e0b0984002a362cf2"},
        {"contentKey", "000102030405060708090a0b0c0d0e0f"},
        {"rightsType", "BuyToOwn"},
        {"analogVideoOPL", "0"},
        {"compressedDigitalAudioOPL", "0"},
        {"compressedDigitalVideoOPL", "0"},
        {"uncompressedDigitalAudioOPL", "0"},
        {"uncompressedDigitalVideoOPL", "0"},
    };
    static const char *const fairplay[][2] = {
        {"contentKey", "000102030405060708090a0b0c0d0e0f"},
        {"iv", "f0e0d0c0b0a090807060504030201000"},
    };
    const char *const(*params)[2] = drm == XPDRM_DRM_PLAYREADY ? playready : fairplay;
    size_t count = drm == XPDRM_DRM_PLAYREADY ? sizeof playready / sizeof playready[0]
                                               : sizeof fairplay / sizeof fairplay[0];
    xpdrm_token_request *tmpl = NULL;
    size_t i;
    if (xpdrm_token_request_new(drm, &tmpl) != XPDRM_OK) {
        return NULL;
    }
    for (i = 0; i < count; i++) {
        if (xpdrm_token_request_set(tmpl, params[i][0], params[i][1]) != XPDRM_OK) {
            char why[512];
            size_t len = 0;
            if (xpdrm_token_request_last_error(tmpl, why, sizeof why, &len) == XPDRM_OK) {
                fprintf(stderr, "template: %s\n", why); /* names the parameter and the rule, never the value */
            }
            xpdrm_token_request_free(tmpl);
            return NULL;
        }
    }
    return tmpl;
}

/* A service flow for one entitlement request body, configured as a SEES would be; *begun gets the status
 * of xpdrm_binding_service_begin. */
static xpdrm_binding_service *service_for(const char *body, size_t body_len, xpdrm_drm drm,
                                          const char *expected_device, xpdrm_status *begun) {
    xpdrm_entitlement_request *req = NULL;
    xpdrm_binding_service *svc = NULL;
    xpdrm_token_request *tmpl = NULL;
    xpdrm_status st;
    *begun = XPDRM_ERR_NULL_ARGUMENT;
    st = xpdrm_entitlement_request_parse((const uint8_t *)body, body_len, &req);
    CHECK(st == XPDRM_OK && xpdrm_entitlement_request_status(req) == XPDRM_OK, "SEES parses the entitlement request");
    st = xpdrm_binding_service_new(drm, AUTHENTICATOR, &svc);
    CHECK(st == XPDRM_OK, "service flow");
    if (st == XPDRM_OK) {
        CHECK(xpdrm_binding_service_set_record_base_url(svc, RECORD_URL) == XPDRM_OK, "record URL");
        CHECK(xpdrm_binding_service_set_expiration(svc, 600) == XPDRM_OK, "expiration");
        /* The flow copies the template; ours is freed (and wiped) at once. */
        tmpl = content_template(drm);
        CHECK(tmpl != NULL, "token template");
        CHECK(xpdrm_binding_service_set_token_template(svc, tmpl) == XPDRM_OK, "template set");
        xpdrm_token_request_free(tmpl);
        if (expected_device != NULL) {
            CHECK(xpdrm_binding_service_set_expected_device_id(svc, expected_device) == XPDRM_OK, "expected");
        }
        *begun = xpdrm_binding_service_begin(svc, req);
    }
    xpdrm_entitlement_request_free(req);
    return svc;
}

/* The records answer ExpressPlay's getrecord would give for this cookie (format: see the README). */
static void records_for(const char *cookie, char *out, size_t cap) {
    snprintf(out, cap,
             "{\"records\":[{\"cookie\":\"other\",\"device_id\":\"ffffffffffffffffffffffffffffffff\"},"
             "{\"cookie\":\"%s\",\"device_id\":\"" DEVICE_ID "\",\"timestamp\":\"2026-11-22T10:00:00Z\"}]}",
             cookie);
}

int main(void) {
    xpdrm_binding_device *dev = NULL;
    xpdrm_binding_service *svc = NULL;
    xpdrm_outbound_request *req = NULL;
    outbound o, token;
    xpdrm_status st;
    char cookie[XPDRM_COOKIE_MAX_CHARS * 4 + 1];
    char text[256];
    char records[512];
    char *answer = NULL;
    size_t len = 0;
    const uint8_t spc[16] = {'S', 'P', 'C', 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0xff};

    /* The device: a flow with a generated cookie. */
    st = xpdrm_binding_device_new(SEES_URL, DUMMY_CONTENT, CONTENT, NULL, &dev);
    CHECK(st == XPDRM_OK, "device flow");
    if (st != XPDRM_OK) {
        fprintf(stderr, "cannot continue: %s\n", xpdrm_status_str(st));
        return 1;
    }
    CHECK(xpdrm_binding_device_cookie(dev, cookie, sizeof cookie, &len) == XPDRM_OK, "cookie");
    printf("device: cookie of %zu characters\n", len);

    /* Step 1: the device registers its cookie with SEES (entitlement request, type 2). */
    CHECK(device_step(dev) == XPDRM_BINDING_STEP_REGISTER, "at REGISTER");
    st = xpdrm_binding_device_registration_request(dev, &req);
    CHECK(st == XPDRM_OK && take(req, &o), "registration request");
    CHECK(strcmp(o.method, "POST") == 0 && strstr(o.body, "\"requestType\":2") != NULL, "type 2 POST");
    printf("1. device -> SEES: %s %s (registration, requestType 2)\n", o.method, o.url);

    /*    SEES: a service flow for this request asks for a cookie-bound token. */
    svc = service_for(o.body, o.body_len, XPDRM_DRM_PLAYREADY, NULL, &st);
    release(&o);
    CHECK(st == XPDRM_OK && service_step(svc) == XPDRM_BINDING_STEP_REQUEST_TOKEN, "registration: to the token");
    st = xpdrm_binding_service_token_request(svc, &req);
    CHECK(st == XPDRM_OK && take(req, &token), "token request");
    snprintf(text, sizeof text, "&cookie=%s", cookie);
    CHECK(strstr(token.body, text) != NULL && strstr(token.body, "deviceId") == NULL, "cookie-bound token");
    printf("1. SEES -> token server: %s %s (cookie-bound)\n", token.method, token.url);
    release(&token);
    st = xpdrm_binding_service_handle_response(svc, 200, "application/json", (const uint8_t *)REGISTRATION_TOKEN_ANSWER,
                                               strlen(REGISTRATION_TOKEN_ANSWER));
    CHECK(st == XPDRM_OK && service_step(svc) == XPDRM_BINDING_STEP_DONE, "token received");
    answer = answer_json(svc);
    CHECK(answer != NULL, "SEES answers the device");
    xpdrm_binding_service_free(svc);

    /*    The device checks SEES's answer (messageID, version, isAllowed, epTokenURL). */
    st = xpdrm_binding_device_handle_response(dev, 200, "application/json", (const uint8_t *)answer,
                                              answer != NULL ? strlen(answer) : 0);
    CHECK(st == XPDRM_OK && device_step(dev) == XPDRM_BINDING_STEP_SEND_SPC, "registration accepted");
    if (st == XPDRM_OK) {
        printf("1. SEES -> device: license granted\n");
    }
    free(answer);

    /* Step 2: the DRM's SPC goes to the cookie-bound token URL; ExpressPlay logs cookie and device_id. */
    st = xpdrm_binding_device_spc_request(dev, spc, sizeof spc, &req);
    CHECK(st == XPDRM_OK && take(req, &o), "SPC request");
    CHECK(o.body_len == sizeof spc && memcmp(o.body, spc, sizeof spc) == 0, "the SPC is the body");
    CHECK(strstr(o.url, "ExpressPlayToken=REGISTRATION-TOKEN") != NULL, "the cookie-bound token URL");
    printf("2. device -> license server: %s %s (SPC of %zu bytes)\n", o.method, o.redacted, o.body_len);
    release(&o);
    st = xpdrm_binding_device_handle_response(dev, 200, "application/octet-stream", (const uint8_t *)"license", 7);
    CHECK(st == XPDRM_OK && device_step(dev) == XPDRM_BINDING_STEP_REQUEST_BOUND, "SPC answered");

    /* Step 3: the real request, with the same cookie (type 3). */
    st = xpdrm_binding_device_bound_request(dev, &req);
    CHECK(st == XPDRM_OK && take(req, &o), "device-bound request");
    CHECK(strstr(o.body, "\"requestType\":3") != NULL && strstr(o.body, cookie) != NULL, "type 3, same cookie");
    printf("3. device -> SEES: %s %s (device-bound, requestType 3)\n", o.method, o.url);

    /*    SEES looks the device up by cookie. */
    svc = service_for(o.body, o.body_len, XPDRM_DRM_PLAYREADY, NULL, &st);
    CHECK(st == XPDRM_OK && service_step(svc) == XPDRM_BINDING_STEP_LOOKUP_RECORD, "device-bound: to the lookup");
    st = xpdrm_binding_service_record_request(svc, &req);
    CHECK(st == XPDRM_OK && take(req, &token), "record request");
    CHECK(strcmp(token.method, "GET") == 0 && strstr(token.url, "customerAuthenticator=12345%2C") != NULL &&
              strstr(token.url, cookie) != NULL,
          "getrecord with authenticator and cookie");
    printf("3. SEES -> records: %s %s\n", token.method, token.redacted);
    release(&token);
    records_for(cookie, records, sizeof records);
    st = xpdrm_binding_service_handle_response(svc, 200, "application/json", (const uint8_t *)records,
                                               strlen(records));
    CHECK(st == XPDRM_OK && service_step(svc) == XPDRM_BINDING_STEP_REQUEST_TOKEN, "device found");
    CHECK(xpdrm_binding_service_device_id_fingerprint(svc, text, sizeof text, &len) == XPDRM_OK && len == 64,
          "fingerprint");
    {
        char expected[XPDRM_DEVICE_ID_FINGERPRINT_LEN + 1];
        CHECK(xpdrm_device_id_fingerprint(DEVICE_ID, expected, sizeof expected, &len) == XPDRM_OK &&
                  strcmp(text, expected) == 0,
              "the looked-up device is ours");
    }
    printf("3. SEES: device fingerprint %s\n", text);

    /* Step 4: a device-bound, time-bound token. */
    st = xpdrm_binding_service_token_request(svc, &req);
    CHECK(st == XPDRM_OK && take(req, &token), "device-bound token request");
    CHECK(strstr(token.body, "deviceId=0123456789abcdef0123456789abcdef") != NULL, "normalised deviceId");
    CHECK(strstr(token.body, "expirationTime=%2B600") != NULL, "time-bound");
    printf("4. SEES -> token server: %s %s (deviceId, expirationTime=+600)\n", token.method, token.url);
    release(&token);
    st = xpdrm_binding_service_handle_response(svc, 200, "application/json", (const uint8_t *)BOUND_TOKEN_ANSWER,
                                               strlen(BOUND_TOKEN_ANSWER));
    CHECK(st == XPDRM_OK, "device-bound token received");
    answer = answer_json(svc);
    xpdrm_binding_service_free(svc);
    st = xpdrm_binding_device_handle_response(dev, 200, "application/json", (const uint8_t *)answer,
                                              answer != NULL ? strlen(answer) : 0);
    CHECK(st == XPDRM_OK && device_step(dev) == XPDRM_BINDING_STEP_DONE, "device-bound answer accepted");
    free(answer);

    /* Step 5: the player's DRM redeems the device-bound token URL. */
    {
        char url[XPDRM_SEES_MAX_TOKEN_URL_LEN + 1];
        st = xpdrm_binding_device_token_url(dev, url, sizeof url, &len);
        CHECK(st == XPDRM_OK && strcmp(url, BOUND_TOKEN_URL) == 0, "the device-bound token URL");
        printf("5. device: device-bound token URL ready (%zu bytes)\n", len);
        xpdrm_wipe(url, sizeof url);
    }

    /* Out of order: the flow is done; another SPC is refused and changes nothing. */
    st = xpdrm_binding_device_spc_request(dev, spc, sizeof spc, &req);
    CHECK(st == XPDRM_ERR_BINDING_WRONG_STATE && device_step(dev) == XPDRM_BINDING_STEP_DONE, "wrong order");
    printf("out of order: spc_request when done: status %d\n", (int)st);
    {
        xpdrm_binding_device *fresh = NULL;
        CHECK(xpdrm_binding_device_new(SEES_URL, DUMMY_CONTENT, CONTENT, "my-cookie", &fresh) == XPDRM_OK, "flow");
        CHECK(xpdrm_binding_device_bound_request(fresh, &req) == XPDRM_ERR_BINDING_WRONG_STATE, "step 3 first");
        CHECK(xpdrm_binding_device_handle_response(fresh, 200, NULL, NULL, 0) == XPDRM_ERR_BINDING_WRONG_STATE,
              "an answer nobody asked for");
        CHECK(device_step(fresh) == XPDRM_BINDING_STEP_REGISTER, "unchanged");
        xpdrm_binding_device_free(fresh);
    }

    /* A cookie without a record (a device that never registered): SEES's flow fails, and its answer is a
     * denial that carries the failure's status. */
    {
        xpdrm_entitlement_request *bound = NULL;
        xpdrm_entitlement_response *resp = NULL;
        xpdrm_binding_service *miss_svc = NULL;
        char body[512];
        xpdrm_status miss = XPDRM_OK;
        int32_t error = 0;
        st = xpdrm_entitlement_request_new(CONTENT, XPDRM_REQUEST_DEVICE_BOUND, "never-registered", &bound);
        CHECK(st == XPDRM_OK, "a device-bound request");
        if (st == XPDRM_OK && xpdrm_entitlement_request_to_json(bound, body, sizeof body, &len) == XPDRM_OK) {
            miss_svc = service_for(body, len, XPDRM_DRM_PLAYREADY, NULL, &st);
            CHECK(xpdrm_binding_service_record_request(miss_svc, &req) == XPDRM_OK, "lookup");
            xpdrm_outbound_request_free(req);
            records_for(cookie, records, sizeof records); /* records of other cookies only */
            miss = xpdrm_binding_service_handle_response(miss_svc, 200, "application/json",
                                                         (const uint8_t *)records, strlen(records));
            CHECK(miss == XPDRM_ERR_BINDING_NO_RECORD && service_step(miss_svc) == XPDRM_BINDING_STEP_FAILED,
                  "no record");
            answer = answer_json(miss_svc);
            st = xpdrm_entitlement_response_parse(bound, (const uint8_t *)answer,
                                                  answer != NULL ? strlen(answer) : 0, &resp);
            if (st == XPDRM_OK) {
                st = xpdrm_entitlement_response_status(resp); /* the verdict */
            }
            CHECK(st == XPDRM_ERR_SEES_DENIED && xpdrm_entitlement_response_error(resp, &error) == XPDRM_OK &&
                      error == XPDRM_ERR_BINDING_NO_RECORD,
                  "denied with the failure's status");
            printf("missing record: status %d; the device is denied with status %d, error %d\n", (int)miss,
                   (int)st, (int)error);
            free(answer);
        }
        xpdrm_entitlement_response_free(resp);
        xpdrm_binding_service_free(miss_svc);
        xpdrm_entitlement_request_free(bound);
    }

    /* The step-3 request again, at a SEES that expects another device for this account: mismatch. */
    svc = service_for(o.body, o.body_len, XPDRM_DRM_PLAYREADY, "fedcba9876543210fedcba9876543210", &st);
    CHECK(xpdrm_binding_service_record_request(svc, &req) == XPDRM_OK, "lookup");
    xpdrm_outbound_request_free(req);
    records_for(cookie, records, sizeof records);
    st = xpdrm_binding_service_handle_response(svc, 200, "application/json", (const uint8_t *)records, strlen(records));
    CHECK(st == XPDRM_ERR_BINDING_DEVICE_ID_MISMATCH, "another device");
    CHECK(xpdrm_binding_service_reason(svc, text, sizeof text, &len) == XPDRM_OK && strstr(text, DEVICE_ID) == NULL,
          "the reason names fingerprints, not device IDs");
    printf("other device: status %d\n", (int)st);
    xpdrm_binding_service_free(svc);

    /* FairPlay cannot bind a license to a device: SEES's flow fails at once with ExpressPlay's code. */
    svc = service_for(o.body, o.body_len, XPDRM_DRM_FAIRPLAY, NULL, &st);
    CHECK(st == XPDRM_ERR_FAIRPLAY_DEVICE_BINDING_UNSUPPORTED && service_step(svc) == XPDRM_BINDING_STEP_FAILED,
          "FairPlay device binding fails");
    CHECK(xpdrm_binding_service_record_request(svc, &req) == XPDRM_ERR_BINDING_FAILED, "and stays failed");
    answer = answer_json(svc);
    CHECK(answer != NULL && strstr(answer, "\"error\":-6008") != NULL, "the denial carries -6008");
    printf("FairPlay: status %d\n", (int)st);
    free(answer);
    xpdrm_binding_service_free(svc);

    /* A template that sets a parameter the flow sets itself (here the cookie) is refused, not overridden. */
    {
        xpdrm_token_request *tmpl = content_template(XPDRM_DRM_PLAYREADY);
        xpdrm_binding_service *refusing = NULL;
        CHECK(tmpl != NULL && xpdrm_token_request_set(tmpl, "cookie", "fixed") == XPDRM_OK, "cookie set");
        st = xpdrm_binding_service_new(XPDRM_DRM_PLAYREADY, AUTHENTICATOR, &refusing);
        CHECK(st == XPDRM_OK, "service flow");
        if (st == XPDRM_OK) {
            st = xpdrm_binding_service_set_token_template(refusing, tmpl);
            CHECK(st == XPDRM_ERR_INVALID_ARGUMENT, "a template with a cookie is refused");
            CHECK(xpdrm_binding_service_reason(refusing, text, sizeof text, &len) == XPDRM_OK, "reason");
            printf("template with a cookie: status %d (%s)\n", (int)st, text);
        }
        xpdrm_binding_service_free(refusing);
        xpdrm_token_request_free(tmpl);
    }

    release(&o);
    xpdrm_binding_device_free(dev);
    if (failures != 0) {
        fprintf(stderr, "device_binding: %d check(s) failed\n", failures);
        return 1;
    }
    printf("device_binding: OK\n");
    return 0;
}
