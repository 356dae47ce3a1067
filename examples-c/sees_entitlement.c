/*
 * sees_entitlement.c: both sides of the SEES entitlement protocol, from the header alone.
 *
 * A device builds an entitlement request; an entitlement service parses it and answers; the device checks
 * the answer against its request. Then the answers a device must refuse: a denial, an answer to another
 * request (mismatched messageID), a higher version, a duplicate key, malformed JSON. And a service that
 * receives a broken request still addresses its denial to the request's messageID.
 * It checks every result and exits non-zero on any mismatch.
 *
 * Build (static):  cc -std=c99 -Iinclude examples-c/sees_entitlement.c target/release/libxpdrm.a \
 *                     -lgcc_s -lutil -lrt -lpthread -lm -ldl -lc -Wl,--gc-sections
 *
 * The test harness checks that the output contains each EXPECT line below.
 * EXPECT: device: request has a 36-character messageID, version 1, requestType 1
 * EXPECT: service: request for content 3f2504e0-4f89-11d3-9a0c-0305e82c3301, cookie cookie-123
 * EXPECT: device: license granted, epTokenURL matches (91 bytes)
 * EXPECT: device: denied with status 313, error -42 (subscription expired)
 * EXPECT: device: answer to another request refused: status 310, epTokenURL withheld (status 310)
 * EXPECT: device: version 2 refused: status 311 (version 2 is higher than the request's version 1)
 * EXPECT: device: duplicate isAllowed refused: status 304
 * EXPECT: device: malformed JSON refused: status 300
 * EXPECT: service: broken request refused: status 306 (version is a string; it must be an integer)
 * EXPECT: service: denial addressed to the broken request's messageID, error 306
 * EXPECT: sees_entitlement: OK
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

#define CONTENT_ID "3f2504e0-4f89-11d3-9a0c-0305e82c3301"
#define TOKEN_URL "https://pr.test.expressplay.com/playready/RightsManager.asmx?ExpressPlayToken=AAAAAwAAAAxxx"


/* Asks for the size first, then fetches into a malloc'ed buffer the caller frees. NULL on failure, with
 * the status in *status. */
static char *get_text(xpdrm_status (*getter)(const void *, char *, size_t, size_t *), const void *obj,
                      xpdrm_status *status) {
    size_t len = 0;
    char *buf;
    *status = getter(obj, NULL, 0, &len);
    if (*status != XPDRM_ERR_BUFFER_TOO_SMALL) {
        return NULL;
    }
    buf = malloc(len + 1);
    if (buf == NULL) {
        return NULL;
    }
    *status = getter(obj, buf, len + 1, &len);
    if (*status != XPDRM_OK) {
        free(buf);
        return NULL;
    }
    return buf;
}

/* Typed wrappers, so the casts live in one place. */
static xpdrm_status req_json(const void *o, char *b, size_t c, size_t *l) {
    return xpdrm_entitlement_request_to_json((const xpdrm_entitlement_request *)o, b, c, l);
}
static xpdrm_status req_reason(const void *o, char *b, size_t c, size_t *l) {
    return xpdrm_entitlement_request_reason((const xpdrm_entitlement_request *)o, b, c, l);
}
static xpdrm_status resp_json(const void *o, char *b, size_t c, size_t *l) {
    return xpdrm_entitlement_response_to_json((const xpdrm_entitlement_response *)o, b, c, l);
}
static xpdrm_status resp_reason(const void *o, char *b, size_t c, size_t *l) {
    return xpdrm_entitlement_response_reason((const xpdrm_entitlement_response *)o, b, c, l);
}

/* The service's side: parse a request body and answer it (allowed with TOKEN_URL, or denied with an
 * error). Returns the answer's JSON (caller frees) or NULL. */
static char *service_answers(const char *request_body, bool allow) {
    xpdrm_entitlement_request *req = NULL;
    xpdrm_entitlement_response *resp = NULL;
    xpdrm_status st;
    char *json = NULL;

    st = xpdrm_entitlement_request_parse((const uint8_t *)request_body, strlen(request_body), &req);
    CHECK(st == XPDRM_OK, "service parses the request");
    if (st == XPDRM_OK) {
        st = xpdrm_entitlement_request_status(req); /* the verdict: a refused request is parsed too */
        CHECK(st == XPDRM_OK, "the request is valid");
    }
    if (st == XPDRM_OK) {
        st = xpdrm_entitlement_response_new(req, allow, allow ? TOKEN_URL : NULL, &resp);
        CHECK(st == XPDRM_OK, "service builds its answer");
        if (st == XPDRM_OK && !allow) {
            st = xpdrm_entitlement_response_set_error(resp, -42, "subscription expired");
            CHECK(st == XPDRM_OK, "service sets error and errorText");
        }
        if (st == XPDRM_OK) {
            json = get_text(resp_json, resp, &st);
            CHECK(json != NULL, "service serialises its answer");
        }
    }
    xpdrm_entitlement_response_free(resp);
    xpdrm_entitlement_request_free(req);
    return json;
}

/* The device's side: check an answer; returns the verdict, and frees everything. */
static xpdrm_status device_checks(const xpdrm_entitlement_request *req, const char *answer, char **reason) {
    xpdrm_entitlement_response *resp = NULL;
    xpdrm_status st, ignored;
    st = xpdrm_entitlement_response_parse(req, (const uint8_t *)answer, strlen(answer), &resp);
    if (st != XPDRM_OK) {
        return st; /* no object is handed out without XPDRM_OK: nothing leaks */
    }
    CHECK(resp != NULL, "the device gets a response object also for a denial");
    st = xpdrm_entitlement_response_status(resp); /* the verdict */
    if (reason != NULL) {
        *reason = get_text(resp_reason, resp, &ignored);
    }
    xpdrm_entitlement_response_free(resp);
    return st;
}

int main(void) {
    xpdrm_entitlement_request *req = NULL;
    xpdrm_entitlement_request *other = NULL;
    xpdrm_status st;
    char *body = NULL;
    char *answer = NULL;
    char text[128];
    size_t len = 0;
    int32_t version = 0;
    xpdrm_request_type type = 0;

    /* 1. The device builds a request: a fresh GUID messageID, version 1. */
    st = xpdrm_entitlement_request_new(CONTENT_ID, XPDRM_REQUEST_TIME_BASED, "cookie-123", &req);
    CHECK(st == XPDRM_OK, "device builds a request");
    if (st != XPDRM_OK) {
        fprintf(stderr, "cannot continue: %s\n", xpdrm_status_str(st));
        return 1;
    }
    st = xpdrm_entitlement_request_message_id(req, text, sizeof text, &len);
    CHECK(st == XPDRM_OK && len == XPDRM_SEES_GUID_LEN, "messageID is a GUID");
    CHECK(xpdrm_entitlement_request_version(req, &version) == XPDRM_OK && version == 1, "version 1");
    CHECK(xpdrm_entitlement_request_type(req, &type) == XPDRM_OK && type == XPDRM_REQUEST_TIME_BASED, "type");
    printf("device: request has a %zu-character messageID, version %d, requestType %d\n", len, (int)version,
           (int)type);
    body = get_text(req_json, req, &st); /* what the device POSTs to SEES */
    CHECK(body != NULL, "device serialises the request");

    /* 2. The service parses it and reads the fields. */
    if (body != NULL) {
        xpdrm_entitlement_request *seen = NULL;
        char content[64], cookie[64];
        size_t content_len = 0, cookie_len = 0;
        st = xpdrm_entitlement_request_parse((const uint8_t *)body, strlen(body), &seen);
        CHECK(st == XPDRM_OK && xpdrm_entitlement_request_status(seen) == XPDRM_OK, "service parses the request");
        CHECK(xpdrm_entitlement_request_content_id(seen, content, sizeof content, &content_len) == XPDRM_OK,
              "contentID");
        CHECK(xpdrm_entitlement_request_customer_cookie(seen, cookie, sizeof cookie, &cookie_len) == XPDRM_OK,
              "customerCookie");
        if (st == XPDRM_OK) {
            printf("service: request for content %s, cookie %s\n", content, cookie);
        }
        xpdrm_entitlement_request_free(seen);
    }

    /* 3. The service grants; the device checks the answer and reads the token URL into its own buffer. */
    answer = body != NULL ? service_answers(body, true) : NULL;
    if (answer != NULL) {
        xpdrm_entitlement_response *resp = NULL;
        char url[XPDRM_SEES_MAX_TOKEN_URL_LEN + 1];
        size_t url_len = 0;
        st = xpdrm_entitlement_response_parse(req, (const uint8_t *)answer, strlen(answer), &resp);
        CHECK(st == XPDRM_OK && xpdrm_entitlement_response_is_allowed(resp), "device: granted");
        st = xpdrm_entitlement_response_ep_token_url(resp, url, sizeof url, &url_len);
        CHECK(st == XPDRM_OK && strcmp(url, TOKEN_URL) == 0, "device: the token URL came through");
        /* The URL holds a token: use it, then wipe it. Never log it. */
        if (st == XPDRM_OK) {
            printf("device: license granted, epTokenURL matches (%zu bytes)\n", url_len);
        }
        xpdrm_wipe(url, sizeof url);
        xpdrm_entitlement_response_free(resp);
        free(answer);
    }

    /* 4. The service denies, with an error number and text. */
    answer = body != NULL ? service_answers(body, false) : NULL;
    if (answer != NULL) {
        xpdrm_entitlement_response *resp = NULL;
        int32_t error = 0;
        char error_text[XPDRM_SEES_MAX_ERROR_TEXT_CHARS * 4 + 1];
        size_t error_len = 0;
        st = xpdrm_entitlement_response_parse(req, (const uint8_t *)answer, strlen(answer), &resp);
        CHECK(st == XPDRM_OK, "device: the answer parses");
        st = xpdrm_entitlement_response_status(resp); /* the verdict */
        CHECK(st == XPDRM_ERR_SEES_DENIED && !xpdrm_entitlement_response_is_allowed(resp), "device: denied");
        CHECK(xpdrm_entitlement_response_error(resp, &error) == XPDRM_OK && error == -42, "error");
        CHECK(xpdrm_entitlement_response_error_text(resp, error_text, sizeof error_text, &error_len) == XPDRM_OK,
              "errorText");
        CHECK(xpdrm_entitlement_response_ep_token_url(resp, text, sizeof text, &len) == XPDRM_ERR_SEES_DENIED,
              "no token URL from a denial");
        printf("device: denied with status %d, error %d (%s)\n", (int)st, (int)error, error_text);
        xpdrm_entitlement_response_free(resp);
        free(answer);
    }

    /* 5. An answer to another request: the messageIDs differ, so the device must deny. */
    st = xpdrm_entitlement_request_new(CONTENT_ID, XPDRM_REQUEST_TIME_BASED, NULL, &other);
    CHECK(st == XPDRM_OK, "a second request");
    if (st == XPDRM_OK) {
        char *other_body = get_text(req_json, other, &st);
        char *other_answer = other_body != NULL ? service_answers(other_body, true) : NULL;
        if (other_answer != NULL) {
            xpdrm_entitlement_response *resp = NULL;
            xpdrm_status url_st;
            st = xpdrm_entitlement_response_parse(req, (const uint8_t *)other_answer, strlen(other_answer), &resp);
            CHECK(st == XPDRM_OK, "the answer parses");
            st = xpdrm_entitlement_response_status(resp); /* the verdict */
            url_st = xpdrm_entitlement_response_ep_token_url(resp, text, sizeof text, &len);
            CHECK(st == XPDRM_ERR_SEES_MESSAGE_ID_MISMATCH, "mismatched messageID is denied");
            CHECK(!xpdrm_entitlement_response_is_allowed(resp), "not allowed");
            CHECK(url_st == XPDRM_ERR_SEES_MESSAGE_ID_MISMATCH, "no token URL from a mismatched answer");
            printf("device: answer to another request refused: status %d, epTokenURL withheld (status %d)\n",
                   (int)st, (int)url_st);
            xpdrm_entitlement_response_free(resp);
        }
        free(other_answer);
        free(other_body);
    }

    /* 6. Hand-made answers that break the rules. */
    {
        char id[XPDRM_SEES_GUID_LEN + 1];
        char bad[512];
        char *reason = NULL;
        CHECK(xpdrm_entitlement_request_message_id(req, id, sizeof id, &len) == XPDRM_OK, "messageID");

        snprintf(bad, sizeof bad, "{\"messageID\":\"%s\",\"version\":2,\"isAllowed\":true,\"epTokenURL\":\"%s\"}",
                 id, TOKEN_URL);
        st = device_checks(req, bad, &reason);
        CHECK(st == XPDRM_ERR_SEES_VERSION_TOO_HIGH && reason != NULL, "version above the request's");
        printf("device: version 2 refused: status %d (%s)\n", (int)st, reason != NULL ? reason : "?");
        free(reason);

        snprintf(bad, sizeof bad,
                 "{\"messageID\":\"%s\",\"version\":1,\"isAllowed\":false,\"isAllowed\":true,\"epTokenURL\":\"%s\"}",
                 id, TOKEN_URL);
        st = device_checks(req, bad, NULL);
        CHECK(st == XPDRM_ERR_SEES_DUPLICATE_KEY, "duplicate key");
        printf("device: duplicate isAllowed refused: status %d\n", (int)st);

        st = device_checks(req, "{\"messageID\": ", NULL);
        CHECK(st == XPDRM_ERR_SEES_MALFORMED_JSON, "malformed JSON");
        printf("device: malformed JSON refused: status %d\n", (int)st);
    }

    /* 7. The service gets a broken request: it reads why, and still answers the readable messageID. */
    {
        const char *broken = "{\"messageID\":\"6ba7b810-9dad-11d1-80b4-00c04fd430c8\",\"version\":\"1\","
                             "\"contentID\":\"" CONTENT_ID "\"}";
        xpdrm_entitlement_request *seen = NULL;
        xpdrm_entitlement_response *denial = NULL;
        char *reason = NULL;
        st = xpdrm_entitlement_request_parse((const uint8_t *)broken, strlen(broken), &seen);
        CHECK(st == XPDRM_OK, "a refused request is handed out with XPDRM_OK");
        reason = get_text(req_reason, seen, &st);
        CHECK(xpdrm_entitlement_request_status(seen) == XPDRM_ERR_SEES_WRONG_TYPE, "broken request refused");
        printf("service: broken request refused: status %d (%s)\n", (int)xpdrm_entitlement_request_status(seen),
               reason != NULL ? reason : "?");
        free(reason);
        st = xpdrm_entitlement_response_new(seen, false, NULL, &denial);
        CHECK(st == XPDRM_OK, "a denial can still be addressed");
        if (st == XPDRM_OK) {
            int32_t error = 0;
            st = xpdrm_entitlement_response_message_id(denial, text, sizeof text, &len);
            CHECK(st == XPDRM_OK && strcmp(text, "6ba7b810-9dad-11d1-80b4-00c04fd430c8") == 0, "echoed messageID");
            st = xpdrm_entitlement_response_set_error(denial, xpdrm_entitlement_request_status(seen),
                                                      xpdrm_status_str(xpdrm_entitlement_request_status(seen)));
            CHECK(st == XPDRM_OK && xpdrm_entitlement_response_error(denial, &error) == XPDRM_OK, "error set");
            printf("service: denial addressed to the broken request's messageID, error %d\n", (int)error);
        }
        xpdrm_entitlement_response_free(denial);
        xpdrm_entitlement_request_free(seen);
    }

    free(body);
    xpdrm_entitlement_request_free(other);
    xpdrm_entitlement_request_free(req);
    if (failures != 0) {
        fprintf(stderr, "sees_entitlement: %d check(s) failed\n", failures);
        return 1;
    }
    printf("sees_entitlement: OK\n");
    return 0;
}
