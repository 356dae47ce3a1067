/*
 * http_network.c: the HTTP client on a real device network, from the header alone. A player
 *   - pins the token server's key (and sees a wrong pin refused),
 *   - receives one event per attempt (timings, HTTP status, outcome; never a query or a secret),
 *   - reads Retry-After from an answer and the server's clock offset from its Date header,
 *   - cancels a hung license request from another thread (the user pressed Back) and gets its status at once,
 *   - sends its requests through an HTTP proxy, with a no-proxy list.
 *
 * NEEDS: test-servers
 * It runs against the local servers, whose addresses and certificates come in XPDRM_TEST_* environment
 * variables (the test harness starts them; see testsrv/src/lib.rs). When XPDRM_TEST_PROXY_URL is set (the
 * harness starts tinyproxy when it is installed), a token is also fetched through that proxy.
 *
 * Build (static):  cc -std=c99 -Iinclude examples-c/http_network.c target/release/libxpdrm.a \
 *                     -lgcc_s -lutil -lrt -lpthread -lm -ldl -lc -Wl,--gc-sections
 *
 * The test harness checks that the output contains each EXPECT line below.
 * EXPECT: pinned token server: token received (FairPlay)
 * EXPECT: wrong pin: 519 (TLS: the server's certificate chain is valid but its key matches none of the pins.)
 * EXPECT: bad pin refused: 4 (the pin is 3 characters; a SHA-256 is 44 characters of base64 (43 unpadded) or 64 hex digits)
 * EXPECT: events: attempt 1, HTTP 200, outcome 0, connect and TLS timed, path /hms/fp/token
 * EXPECT: Retry-After: HTTP 503 asked to wait 1000 ms; 2 attempts in all
 * EXPECT: clock offset: known, within a minute
 * EXPECT: hung license request cancelled from another thread: 515 (The call was cancelled through its cancel handle; nothing was written.)
 * EXPECT: after a reset the client works again: 0
 * EXPECT: unreachable proxy: 516 (Could not connect to the proxy: it refused the connection, cannot be reached, or did not answer in time.)
 * EXPECT: no-proxy host reached directly: 0
 * EXPECT: http_network: OK
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

/* ---- events: the last event of each call is kept (a real player would send them to its telemetry) ---- */
struct events {
    pthread_mutex_t lock;
    unsigned count;
    xpdrm_http_event first, last;
    char path[256];
    int saw_query;
};

static void on_event(void *userdata, const xpdrm_http_event *e) {
    struct events *ev = userdata;
    pthread_mutex_lock(&ev->lock);
    ev->count++;
    ev->last = *e; /* the pointers inside are valid only now: copy the text */
    if (e->attempt == 1) {
        ev->first = *e;
    }
    snprintf(ev->path, sizeof ev->path, "%s", e->path);
    if (strchr(e->path, '?') != NULL || strchr(e->host, '?') != NULL) {
        ev->saw_query = 1;
    }
    pthread_mutex_unlock(&ev->lock);
}

/* A config trusting the test CA, with short timeouts; the caller frees it. */
static xpdrm_http_config *base_config(void) {
    xpdrm_http_config *cfg = NULL;
    size_t ca_len = 0;
    unsigned char *ca = read_file(env("XPDRM_TEST_CA_PEM"), &ca_len);
    CHECK(ca != NULL && xpdrm_http_config_new(&cfg) == XPDRM_OK, "config");
    if (cfg != NULL) {
        CHECK(xpdrm_http_config_add_ca_pem(cfg, ca, ca_len) == XPDRM_OK, "the test CA");
        CHECK(xpdrm_http_config_set_timeouts(cfg, 5000, 10000, 30000) == XPDRM_OK, "timeouts");
    }
    free(ca);
    return cfg;
}

/* A FairPlay token request for the test content. */
static xpdrm_token_request *token_request(void) {
    xpdrm_token_request *req = NULL;
    char base[512];
    snprintf(base, sizeof base, "%s/hms/fp/token", env("XPDRM_TEST_EXPRESSPLAY_URL"));
    CHECK(xpdrm_token_request_new(XPDRM_DRM_FAIRPLAY, &req) == XPDRM_OK, "token request");
    CHECK(xpdrm_token_request_set_base_url(req, base) == XPDRM_OK, "base URL");
    CHECK(xpdrm_token_request_set(req, "customerAuthenticator", env("XPDRM_TEST_AUTHENTICATOR")) == XPDRM_OK, "auth");
    CHECK(xpdrm_token_request_set(req, "contentKey", env("XPDRM_TEST_CONTENT_KEY")) == XPDRM_OK, "key");
    CHECK(xpdrm_token_request_set(req, "iv", "00112233445566778899aabbccddeeff") == XPDRM_OK, "iv");
    return req;
}

/* Fetches a token; returns the status (XPDRM_OK with a token). */
static xpdrm_status fetch(const xpdrm_http_client *client) {
    xpdrm_token_request *req = token_request();
    xpdrm_token_response *resp = NULL;
    char reason[XPDRM_HTTP_REASON_MAX];
    xpdrm_status st = xpdrm_http_fetch_token(client, req, XPDRM_HTTP_POST, &resp, reason, sizeof reason);
    if (st == XPDRM_OK && xpdrm_token_response_error_code(resp) != 0) {
        st = (xpdrm_status)xpdrm_token_response_error_code(resp);
    }
    xpdrm_token_response_free(resp);
    xpdrm_token_request_free(req);
    return st;
}

/* ---- cancel from another thread ---- */
struct canceller {
    const xpdrm_http_cancel *cancel;
    double fired_at;
};

static void *fire_later(void *arg) {
    struct canceller *c = arg;
    struct timespec wait = {0, 200 * 1000 * 1000};
    nanosleep(&wait, NULL);
    c->fired_at = now_ms();
    if (xpdrm_http_cancel_fire(c->cancel) != XPDRM_OK) {
        c->fired_at = -1;
    }
    return NULL;
}

int main(void) {
    xpdrm_http_config *cfg = base_config();
    xpdrm_http_client *client = NULL;
    struct events ev;
    char pin[65], why[512];
    size_t len = 0, cert_len = 0;
    unsigned char *cert = read_file(env("XPDRM_TEST_SERVER_CERT_PEM"), &cert_len);
    xpdrm_status st;

    memset(&ev, 0, sizeof ev);
    pthread_mutex_init(&ev.lock, NULL);

    /* 1. Pins: the server's key (computed from its certificate) and a second one for the next key. */
    CHECK(cert != NULL && xpdrm_http_pin_of_cert_pem(cert, cert_len, pin, sizeof pin, &len) == XPDRM_OK, "pin");
    CHECK(xpdrm_http_config_add_pin(cfg, pin) == XPDRM_OK, "the server's pin");
    CHECK(xpdrm_http_config_add_pin(cfg, "sha256/YLh1dUR9y6Kja30RrAn7JKnbQG/uEtLMkBgFF2Fuihg=") == XPDRM_OK, "next pin");
    st = xpdrm_http_config_add_pin(cfg, "abc");
    if (xpdrm_http_config_reason(cfg, why, sizeof why, &len) == XPDRM_OK) {
        printf("bad pin refused: %d (%s)\n", (int)st, why);
    }
    CHECK(xpdrm_http_config_set_event_callback(cfg, on_event, &ev) == XPDRM_OK, "events");
    CHECK(xpdrm_http_config_set_retry(cfg, 2, 10, 50) == XPDRM_OK, "retry");
    CHECK(xpdrm_http_client_new(cfg, &client) == XPDRM_OK, "client");
    st = fetch(client);
    CHECK(st == XPDRM_OK, "a token from the pinned server");
    if (st == XPDRM_OK) {
        printf("pinned token server: token received (FairPlay)\n");
    }

    /* 2. The event of that fetch. */
    pthread_mutex_lock(&ev.lock);
    CHECK(ev.count == 1 && !ev.saw_query, "one event, no query");
    printf("events: attempt %u, HTTP %u, outcome %d, connect and TLS %s, path %s\n", ev.last.attempt,
           (unsigned)ev.last.http_status, (int)ev.last.outcome,
           ev.last.connect_us >= 0 && ev.last.tls_us >= 0 && ev.last.total_us >= ev.last.first_byte_us ? "timed"
                                                                                                      : "missing",
           ev.path);
    pthread_mutex_unlock(&ev.lock);

    /* 3. Retry-After (a record lookup is safe to repeat: the client waits as asked), and the clock offset. */
    {
        char url[512], id[XPDRM_DEVICE_ID_MAX_LEN + 1];
        char reason[XPDRM_HTTP_REASON_MAX];
        int64_t offset = 0;
        long retry_after_ms;
        snprintf(url, sizeof url, "%s/retry-after/1/example", env("XPDRM_TEST_FAULT_URL"));
        pthread_mutex_lock(&ev.lock);
        ev.count = 0;
        pthread_mutex_unlock(&ev.lock);
        st = xpdrm_http_lookup_record(client, url, env("XPDRM_TEST_AUTHENTICATOR"), "cookie-1", id, sizeof id, &len,
                                      reason, sizeof reason);
        /* /retry-after answers {"ok":true} at last, which holds no record: what matters here is the wait. */
        pthread_mutex_lock(&ev.lock);
        retry_after_ms = (long)ev.last.retry_after_ms;
        printf("Retry-After: HTTP %u asked to wait %ld ms; %u attempts in all\n", (unsigned)ev.first.http_status,
               (long)ev.first.retry_after_ms, ev.count);
        pthread_mutex_unlock(&ev.lock);
        CHECK(st == XPDRM_ERR_BINDING_RECORDS_INVALID || st == XPDRM_ERR_BINDING_NO_RECORD, reason);
        CHECK(retry_after_ms == -1, "the second answer asked for no wait");
        st = xpdrm_http_client_clock_offset(client, &offset);
        CHECK(st == XPDRM_OK, "a clock offset");
        printf("clock offset: %s\n", st == XPDRM_OK && offset > -60000 && offset < 60000 ? "known, within a minute"
                                                                                          : "unknown");
    }
    xpdrm_http_client_free(client);
    client = NULL;

    /* A wrong pin: the chain is valid, the key is not the pinned one. */
    CHECK(xpdrm_http_config_clear_pins(cfg) == XPDRM_OK, "clear pins");
    CHECK(xpdrm_http_config_add_pin(cfg, "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff") == XPDRM_OK,
          "wrong pin");
    CHECK(xpdrm_http_client_new(cfg, &client) == XPDRM_OK, "client");
    st = fetch(client);
    printf("wrong pin: %d (%s)\n", (int)st, xpdrm_status_str(st));
    xpdrm_http_client_free(client);
    client = NULL;
    CHECK(xpdrm_http_config_clear_pins(cfg) == XPDRM_OK, "clear pins");

    /* 4. Cancel a hung license request from another thread. */
    {
        xpdrm_http_cancel *cancel = NULL;
        xpdrm_bytes *license = NULL;
        struct canceller c;
        pthread_t thread;
        char url[512], reason[XPDRM_HTTP_REASON_MAX];
        double returned;
        snprintf(url, sizeof url, "%s/stall?ExpressPlayToken=TOKEN", env("XPDRM_TEST_FAULT_URL"));
        CHECK(xpdrm_http_client_new(cfg, &client) == XPDRM_OK, "client");
        CHECK(xpdrm_http_cancel_new(&cancel) == XPDRM_OK, "cancel handle");
        CHECK(xpdrm_http_client_set_cancel(client, cancel) == XPDRM_OK, "attach");
        c.cancel = cancel;
        c.fired_at = 0;
        CHECK(pthread_create(&thread, NULL, fire_later, &c) == 0, "thread");
        st = xpdrm_http_redeem_license(client, url, (const uint8_t *)"spc", 3, XPDRM_TOKEN_IN_URL, &license, reason,
                                       sizeof reason);
        returned = now_ms();
        pthread_join(thread, NULL);
        CHECK(license == NULL, "nothing written");
        CHECK(c.fired_at > 0 && returned - c.fired_at < 500, "returned at once");
        CHECK(strstr(reason, "TOKEN") == NULL, "no token in the reason");
        printf("hung license request cancelled from another thread: %d (%s)\n", (int)st, xpdrm_status_str(st));
        CHECK(xpdrm_http_cancel_reset(cancel) == XPDRM_OK, "reset");
        st = fetch(client);
        printf("after a reset the client works again: %d\n", (int)st);
        xpdrm_http_cancel_free(cancel); /* the client keeps its own reference */
        xpdrm_http_client_free(client);
        client = NULL;
    }

    /* 5. A proxy: one that cannot be reached; then the same with the server's host on the no-proxy list. */
    CHECK(xpdrm_http_config_set_proxy(cfg, "http://proxy url", NULL, NULL, NULL) == XPDRM_ERR_INVALID_ARGUMENT,
          "a malformed proxy URL is refused");
    CHECK(xpdrm_http_config_set_proxy(cfg, env("XPDRM_TEST_REFUSED_URL"), NULL, NULL, NULL) == XPDRM_OK, "proxy");
    CHECK(xpdrm_http_config_set_retry(cfg, 1, 0, 0) == XPDRM_OK, "retry");
    CHECK(xpdrm_http_client_new(cfg, &client) == XPDRM_OK, "client");
    st = fetch(client);
    printf("unreachable proxy: %d (%s)\n", (int)st, xpdrm_status_str(st));
    xpdrm_http_client_free(client);
    client = NULL;
    CHECK(xpdrm_http_config_set_proxy(cfg, env("XPDRM_TEST_REFUSED_URL"), NULL, NULL, "localhost,127.0.0.1") == XPDRM_OK,
          "no-proxy list");
    CHECK(xpdrm_http_client_new(cfg, &client) == XPDRM_OK, "client");
    st = fetch(client);
    printf("no-proxy host reached directly: %d\n", (int)st);
    xpdrm_http_client_free(client);
    client = NULL;
    if (getenv("XPDRM_TEST_PROXY_URL") != NULL && getenv("XPDRM_TEST_PROXY_URL")[0] != '\0') {
        CHECK(xpdrm_http_config_set_proxy(cfg, getenv("XPDRM_TEST_PROXY_URL"), NULL, NULL, NULL) == XPDRM_OK, "proxy");
        CHECK(xpdrm_http_client_new(cfg, &client) == XPDRM_OK, "client");
        st = fetch(client);
        CHECK(st == XPDRM_OK, "a token through the proxy");
        printf("through the proxy: %d\n", (int)st);
        xpdrm_http_client_free(client);
        client = NULL;
    }

    xpdrm_http_config_free(cfg);
    free(cert);
    pthread_mutex_destroy(&ev.lock);
    if (failures != 0) {
        fprintf(stderr, "http_network: %d check(s) failed\n", failures);
        return 1;
    }
    printf("http_network: OK\n");
    return 0;
}
