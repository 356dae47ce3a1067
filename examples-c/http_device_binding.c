/*
 * http_device_binding.c: the whole device-binding story over the network, from the header alone: what the
 * README's main command (the offline demo, `cargo run --release -p xpdrm-demo`) runs.
 *
 * A device registers its cookie with SEES (over mutual TLS), sends a stand-in SPC to the license server,
 * gets its device bound, obtains a device-bound token, redeems it for a license and unwraps the content key
 * with its KEK. Then a second device tries the first device's token and is refused, and runs the whole flow
 * for itself in one call. Each request of the sans-IO flow is executed with xpdrm's HTTP client
 * (xpdrm_http_execute), so that each step can be shown; xpdrm_http_run_device_binding does all of it at once.
 *
 * NEEDS: test-servers
 * It runs against the local servers (ExpressPlay-compatible token, license and getrecord server; SEES),
 * whose addresses, test certificates, devices and content come in XPDRM_TEST_* environment variables:
 * the demo and the test harness start the servers and set them (see testsrv/src/lib.rs).
 *
 * The stand-in SPC is xpdrm's test format ("XPDRM-TEST-SPC 1\ndevice_id=<32 hex>\n"), and the test license
 * server's license is JSON whose "ek" is the content key wrapped under the device's KEK (RFC 3394): a real
 * DRM has its own formats for both. Everything else is the real protocol.
 *
 * Build (static):  cc -std=c99 -Iinclude examples-c/http_device_binding.c target/release/libxpdrm.a \
 *                     -lgcc_s -lutil -lrt -lpthread -lm -ldl -lc -Wl,--gc-sections
 *
 * The test harness checks that the output contains each EXPECT line below.
 * EXPECT: 0. device: HTTP client with the test CA and the device's client certificate; a new cookie of 32 characters
 * EXPECT: 1. device -> SEES: cookie registered (requestType 2): HTTP 200, granted with a cookie-bound token URL
 * EXPECT: 2. device -> license server: stand-in SPC with the cookie-bound token: HTTP 200, the license server logged (cookie, device)
 * EXPECT: 3. device -> SEES: device-bound request (requestType 3): HTTP 200, granted with a device-bound token URL
 * EXPECT: 4. device -> license server: device-bound token redeemed (token in a header): license received
 * EXPECT: 5. device: content key unwrapped with the device's KEK: it is the content's key
 * EXPECT: 6. another device -> license server: the first device's token is refused: -4001 (Device could not be authenticated.)
 * EXPECT: 7. another device: its own flow in one call (xpdrm_http_run_device_binding), license redeemed, key unwrapped
 * EXPECT: http_device_binding: OK
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

static const char *env(const char *name) {
    const char *v = getenv(name);
    if (v == NULL || v[0] == '\0') {
        fprintf(stderr, "%s is not set: run this program through the demo (cargo run --release -p xpdrm-demo) "
                        "or the test harness, which start the local servers\n", name);
        exit(2);
    }
    return v;
}

/* The whole file, malloc'ed; NULL on failure. */
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

static void wipe_free(void *p, size_t len) {
    if (p != NULL) {
        xpdrm_wipe(p, len);
        free(p);
    }
}

/* A client that trusts the test CA and presents the device's client certificate (SEES needs mutual TLS). */
static xpdrm_http_client *make_client(void) {
    xpdrm_http_config *cfg = NULL;
    xpdrm_http_client *client = NULL;
    size_t ca_len = 0, cert_len = 0, key_len = 0;
    unsigned char *ca = read_file(env("XPDRM_TEST_CA_PEM"), &ca_len);
    unsigned char *cert = read_file(env("XPDRM_TEST_CLIENT_CERT_PEM"), &cert_len);
    unsigned char *key = read_file(env("XPDRM_TEST_CLIENT_KEY_PEM"), &key_len);
    char why[256];
    size_t len = 0;
    CHECK(ca != NULL && cert != NULL && key != NULL, "the certificate files can be read");
    if (ca != NULL && cert != NULL && key != NULL && xpdrm_http_config_new(&cfg) == XPDRM_OK) {
        CHECK(xpdrm_http_config_add_ca_pem(cfg, ca, ca_len) == XPDRM_OK, "the test CA");
        if (xpdrm_http_config_set_client_cert_pem(cfg, cert, cert_len, key, key_len) != XPDRM_OK) {
            CHECK(0, "the client certificate");
            if (xpdrm_http_config_reason(cfg, why, sizeof why, &len) == XPDRM_OK) {
                fprintf(stderr, "  %s\n", why);
            }
        }
        CHECK(xpdrm_http_config_set_timeouts(cfg, 5000, 10000, 30000) == XPDRM_OK, "timeouts");
        CHECK(xpdrm_http_config_set_user_agent(cfg, "xpdrm-demo/1.0") == XPDRM_OK, "user agent");
        CHECK(xpdrm_http_client_new(cfg, &client) == XPDRM_OK, "the client");
    }
    xpdrm_http_config_free(cfg); /* the client keeps what it needs; the config wipes its copy of the key */
    free(ca);
    free(cert);
    wipe_free(key, key_len);     /* the private key: wipe our copy too */
    return client;
}

/* Executes the request the flow handed out, gives the answer back to the flow, frees both. Returns the flow's
 * status; *http_status gets the HTTP status (0 when the transport failed). */
static xpdrm_status step(const xpdrm_http_client *client, xpdrm_binding_device *dev, xpdrm_outbound_request *req,
                         uint16_t *http_status) {
    xpdrm_http_response *resp = NULL;
    char reason[XPDRM_HTTP_REASON_MAX];
    char ctype[128];
    const uint8_t *body = NULL;
    size_t body_len = 0, len = 0;
    xpdrm_status st = xpdrm_http_execute(client, req, &resp, reason, sizeof reason);
    xpdrm_outbound_request_free(req);
    *http_status = 0;
    if (st != XPDRM_OK) {
        fprintf(stderr, "transport: %s (%d): %s\n", xpdrm_status_str(st), (int)st, reason);
        return st;
    }
    CHECK(xpdrm_http_response_status(resp, http_status) == XPDRM_OK, "status");
    CHECK(xpdrm_http_response_content_type(resp, ctype, sizeof ctype, &len) == XPDRM_OK, "content type");
    CHECK(xpdrm_http_response_body(resp, &body, &body_len) == XPDRM_OK, "body");
    st = xpdrm_binding_device_handle_response(dev, *http_status, ctype, body, body_len);
    xpdrm_http_response_free(resp); /* wipes the body: it held a token */
    if (st != XPDRM_OK) {
        char why[512];
        if (xpdrm_binding_device_reason(dev, why, sizeof why, &len) == XPDRM_OK) {
            fprintf(stderr, "the flow failed: %s (%d): %s\n", xpdrm_status_str(st), (int)st, why);
        }
    }
    return st;
}

/* The stand-in SPC of a device. */
static void make_spc(const char *device_id, char *out, size_t cap) {
    snprintf(out, cap, "XPDRM-TEST-SPC 1\ndevice_id=%s\n", device_id);
}

/* The test license's "ek" (hex), copied into ek; 0 when there is none. */
static int license_ek(const xpdrm_bytes *license, char *ek, size_t cap) {
    const char *data = (const char *)xpdrm_bytes_data(license);
    size_t len = xpdrm_bytes_len(license), i, start;
    static const char marker[] = "\"ek\":\"";
    for (i = 0; i + sizeof marker - 1 <= len; i++) {
        if (memcmp(data + i, marker, sizeof marker - 1) == 0) {
            start = i + sizeof marker - 1;
            for (i = start; i < len && data[i] != '"'; i++) {
            }
            if (i == len || i - start >= cap) {
                return 0;
            }
            memcpy(ek, data + start, i - start);
            ek[i - start] = '\0';
            return 1;
        }
    }
    return 0;
}

static void to_hex(const uint8_t *b, size_t n, char *out) {
    static const char digits[] = "0123456789abcdef";
    size_t i;
    for (i = 0; i < n; i++) {
        out[2 * i] = digits[b[i] >> 4];
        out[2 * i + 1] = digits[b[i] & 15];
    }
    out[2 * n] = '\0';
}

/* Redeems `token_url` with `spc`, unwraps the key under `kek_hex`, compares it with the content's key.
 * Returns the redemption's status; *key_ok says whether the key matched. */
static xpdrm_status redeem_and_unwrap(const xpdrm_http_client *client, const char *token_url, const char *spc,
                                      xpdrm_token_placement placement, const char *kek_hex, int *key_ok) {
    xpdrm_bytes *license = NULL;
    char reason[XPDRM_HTTP_REASON_MAX];
    char ek[128], key_hex[65];
    uint8_t key[32];
    size_t key_len = 0;
    xpdrm_status st = xpdrm_http_redeem_license(client, token_url, (const uint8_t *)spc, strlen(spc), placement,
                                                &license, reason, sizeof reason);
    *key_ok = 0;
    if (st != XPDRM_OK) {
        return st;
    }
    CHECK(license_ek(license, ek, sizeof ek), "the license holds an ek");
    if (xpdrm_key_unwrap_hex(kek_hex, ek, key, sizeof key, &key_len) == XPDRM_OK) {
        to_hex(key, key_len, key_hex);
        *key_ok = strcmp(key_hex, env("XPDRM_TEST_CONTENT_KEY")) == 0;
        xpdrm_wipe(key, sizeof key);
        xpdrm_wipe(key_hex, sizeof key_hex);
    }
    xpdrm_bytes_free(license);
    return st;
}

int main(void) {
    const char *sees = env("XPDRM_TEST_SEES_URL");
    const char *device_id = env("XPDRM_TEST_DEVICE_ID");
    const char *other_id = env("XPDRM_TEST_OTHER_DEVICE_ID");
    xpdrm_http_client *client;
    xpdrm_binding_device *dev = NULL, *other = NULL;
    xpdrm_outbound_request *req = NULL;
    xpdrm_binding_step at = 0;
    xpdrm_status st;
    uint16_t http = 0;
    char cookie[XPDRM_COOKIE_MAX_CHARS * 4 + 1];
    char spc[128], other_spc[128];
    char token_url[XPDRM_SEES_MAX_TOKEN_URL_LEN + 1];
    char reason[XPDRM_HTTP_REASON_MAX];
    size_t len = 0;
    int key_ok = 0;

    if (!xpdrm_has_feature(XPDRM_FEATURE_HTTP)) {
        fprintf(stderr, "this xpdrm was built without the http feature (%s)\n", xpdrm_version());
        return 2;
    }
    client = make_client();
    if (client == NULL) {
        return 1;
    }
    make_spc(device_id, spc, sizeof spc);
    make_spc(other_id, other_spc, sizeof other_spc);

    st = xpdrm_binding_device_new(sees, env("XPDRM_TEST_REGISTRATION_CONTENT_ID"), env("XPDRM_TEST_CONTENT_ID"), NULL,
                                  &dev);
    CHECK(st == XPDRM_OK, "device flow");
    if (st == XPDRM_OK && xpdrm_binding_device_cookie(dev, cookie, sizeof cookie, &len) == XPDRM_OK) {
        printf("0. device: HTTP client with the test CA and the device's client certificate; a new cookie of %zu "
               "characters\n", len);
    }

    /* 1. Register the cookie with SEES: an entitlement request of type 2 for the dummy content. */
    st = xpdrm_binding_device_registration_request(dev, &req);
    if (st == XPDRM_OK) {
        st = step(client, dev, req, &http);
    }
    CHECK(st == XPDRM_OK, "cookie registration");
    if (st == XPDRM_OK) {
        printf("1. device -> SEES: cookie registered (requestType 2): HTTP %u, granted with a cookie-bound token URL\n",
               (unsigned)http);
    }

    /* 2. The DRM's SPC (here the stand-in) to the cookie-bound token URL: ExpressPlay logs (cookie, device). */
    st = xpdrm_binding_device_spc_request(dev, (const uint8_t *)spc, strlen(spc), &req);
    if (st == XPDRM_OK) {
        st = step(client, dev, req, &http);
    }
    CHECK(st == XPDRM_OK, "SPC");
    if (st == XPDRM_OK) {
        printf("2. device -> license server: stand-in SPC with the cookie-bound token: HTTP %u, the license server "
               "logged (cookie, device)\n", (unsigned)http);
    }

    /* 3. The device-bound request (type 3): SEES looks the device up by cookie and asks for a bound token. */
    st = xpdrm_binding_device_bound_request(dev, &req);
    if (st == XPDRM_OK) {
        st = step(client, dev, req, &http);
    }
    CHECK(st == XPDRM_OK && xpdrm_binding_device_step(dev, &at) == XPDRM_OK && at == XPDRM_BINDING_STEP_DONE,
          "device-bound entitlement");
    st = xpdrm_binding_device_token_url(dev, token_url, sizeof token_url, &len); /* holds a token: never log it */
    CHECK(st == XPDRM_OK, "token URL");
    if (st == XPDRM_OK) {
        printf("3. device -> SEES: device-bound request (requestType 3): HTTP %u, granted with a device-bound token "
               "URL\n", (unsigned)http);

        /* 4 and 5. Redeem the token with the device's SPC; unwrap the content key with the device's KEK. */
        st = redeem_and_unwrap(client, token_url, spc, XPDRM_TOKEN_IN_HEADER, env("XPDRM_TEST_DEVICE_KEK"), &key_ok);
        CHECK(st == XPDRM_OK, "license");
        if (st == XPDRM_OK) {
            printf("4. device -> license server: device-bound token redeemed (token in a header): license received\n");
        }
        CHECK(key_ok, "the unwrapped key is the content's");
        if (key_ok) {
            printf("5. device: content key unwrapped with the device's KEK: it is the content's key\n");
        }

        /* 6. Another device with the first device's token: the license server compares the SPC's device with
         *    the token's and refuses. */
        st = redeem_and_unwrap(client, token_url, other_spc, XPDRM_TOKEN_IN_URL, env("XPDRM_TEST_OTHER_DEVICE_KEK"),
                               &key_ok);
        CHECK(st == XPDRM_ERR_DEVICE_NOT_AUTHENTICATED && !key_ok, "the other device is refused");
        if (st == XPDRM_ERR_DEVICE_NOT_AUTHENTICATED) {
            printf("6. another device -> license server: the first device's token is refused: %d (%s)\n", (int)st,
                   xpdrm_status_str(st));
        }
        xpdrm_wipe(token_url, sizeof token_url);
    }

    /* 7. The other device binds itself, the whole flow in one call. */
    st = xpdrm_binding_device_new(sees, env("XPDRM_TEST_REGISTRATION_CONTENT_ID"), env("XPDRM_TEST_CONTENT_ID"), NULL,
                                  &other);
    if (st == XPDRM_OK) {
        st = xpdrm_http_run_device_binding(client, other, (const uint8_t *)other_spc, strlen(other_spc), reason,
                                           sizeof reason);
        if (st != XPDRM_OK) {
            fprintf(stderr, "run_device_binding: %s (%d): %s\n", xpdrm_status_str(st), (int)st, reason);
        }
    }
    if (st == XPDRM_OK) {
        st = xpdrm_binding_device_token_url(other, token_url, sizeof token_url, &len);
    }
    if (st == XPDRM_OK) {
        st = redeem_and_unwrap(client, token_url, other_spc, XPDRM_TOKEN_IN_URL, env("XPDRM_TEST_OTHER_DEVICE_KEK"),
                               &key_ok);
    }
    CHECK(st == XPDRM_OK && key_ok, "the other device's own flow");
    if (st == XPDRM_OK && key_ok) {
        printf("7. another device: its own flow in one call (xpdrm_http_run_device_binding), license redeemed, key "
               "unwrapped\n");
    }
    xpdrm_wipe(token_url, sizeof token_url);

    xpdrm_binding_device_free(other);
    xpdrm_binding_device_free(dev);
    xpdrm_http_client_free(client);
    if (failures != 0) {
        fprintf(stderr, "http_device_binding: %d check(s) failed\n", failures);
        return 1;
    }
    printf("http_device_binding: OK\n");
    return 0;
}
