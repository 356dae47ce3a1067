/*
 * http_faults.c: what a player sees when the network or a server misbehaves. Each fault gets its own status
 * and a reason to log (never a secret: URLs appear without their query); nothing is written to the output,
 * and nothing leaks (the test harness runs this under AddressSanitizer and LeakSanitizer).
 *
 * NEEDS: test-servers
 * It runs against the local fault servers, whose addresses come in XPDRM_TEST_* environment variables (the
 * test harness starts them; see testsrv/src/faults.rs for what each path does).
 *
 * The test harness checks that the output contains each EXPECT line below.
 * EXPECT: connection refused: 500 (Could not connect: the server refused the connection or cannot be reached.)
 * EXPECT: 5xx forever: 502 (The server answered HTTP 5xx to every attempt the retry policy allows.)
 * EXPECT: 5xx, then success: the device ID after 2 attempts
 * EXPECT: truncated body: 503 (The connection closed before the whole answer arrived.)
 * EXPECT: oversized body: 504 (The answer is larger than the client's maximum response size.)
 * EXPECT: wrong content type: 505 (The answer has a content type that this operation does not accept.)
 * EXPECT: unknown CA: 506 (TLS: the server's certificate is not issued by a trusted CA.)
 * EXPECT: mutual TLS without a client certificate: 508 (TLS: the server requires a client certificate and none is configured.)
 * EXPECT: mutual TLS with a certificate of another CA: 509 (TLS: the server rejected the client certificate.)
 * EXPECT: a stalling server: 501 (The server did not answer in time (connect, read or overall timeout).)
 * EXPECT: http_faults: OK
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

#define AUTHENTICATOR "1,00112233445566778899aabbccddeeff"

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

/* A client trusting the test CA, with short timeouts, two attempts, answers up to 64 KiB, and the client
 * certificate of the given files (NULL: none). */
static xpdrm_http_client *client_with(const char *cert_var, const char *key_var) {
    xpdrm_http_config *cfg = NULL;
    xpdrm_http_client *client = NULL;
    size_t ca_len = 0, cert_len = 0, key_len = 0;
    unsigned char *ca = read_file(env("XPDRM_TEST_CA_PEM"), &ca_len);
    unsigned char *cert = cert_var != NULL ? read_file(env(cert_var), &cert_len) : NULL;
    unsigned char *key = key_var != NULL ? read_file(env(key_var), &key_len) : NULL;
    if (ca != NULL && xpdrm_http_config_new(&cfg) == XPDRM_OK) {
        CHECK(xpdrm_http_config_add_ca_pem(cfg, ca, ca_len) == XPDRM_OK, "CA");
        if (cert != NULL && key != NULL) {
            CHECK(xpdrm_http_config_set_client_cert_pem(cfg, cert, cert_len, key, key_len) == XPDRM_OK, "cert");
        }
        CHECK(xpdrm_http_config_set_timeouts(cfg, 2000, 300, 5000) == XPDRM_OK, "timeouts");
        CHECK(xpdrm_http_config_set_retry(cfg, 2, 10, 50) == XPDRM_OK, "retry");
        CHECK(xpdrm_http_config_set_max_response_size(cfg, 65536) == XPDRM_OK, "size");
        CHECK(xpdrm_http_client_new(cfg, &client) == XPDRM_OK, "client");
    }
    xpdrm_http_config_free(cfg);
    free(ca);
    free(cert);
    if (key != NULL) {
        xpdrm_wipe(key, key_len);
        free(key);
    }
    return client;
}

/* A record lookup (a GET that expects JSON records) at base + path; prints the status of a failure. */
static xpdrm_status lookup(const xpdrm_http_client *client, const char *what, const char *base, const char *path,
                           xpdrm_status expected) {
    char url[512], device_id[XPDRM_DEVICE_ID_MAX_LEN + 1], reason[XPDRM_HTTP_REASON_MAX];
    size_t len = 12345;
    xpdrm_status st;
    snprintf(url, sizeof url, "%s%s", base, path);
    memset(device_id, 0x5a, sizeof device_id);
    st = xpdrm_http_lookup_record(client, url, AUTHENTICATOR, "cookie-1", device_id, sizeof device_id, &len, reason,
                                  sizeof reason);
    if (st != XPDRM_OK) {
        CHECK(len == 12345 && (unsigned char)device_id[0] == 0x5a, "a failure writes no output");
        CHECK(reason[0] != '\0' && strstr(reason, "00112233") == NULL, "a reason without the secret");
        if (st == XPDRM_ERR_HTTP_RETRIES_EXHAUSTED) {
            CHECK(strstr(reason, "2 attempts") != NULL, "the retries are bounded by the policy");
        }
        if (st == expected) {
            printf("%s: %d (%s)\n", what, (int)st, xpdrm_status_str(st));
        }
    }
    CHECK(st == expected, what);
    if (st != expected) {
        fprintf(stderr, "  %s: got %d, %s\n", what, (int)st, reason);
    }
    return st;
}

int main(void) {
    const char *faults = env("XPDRM_TEST_FAULT_URL");
    xpdrm_http_client *plain = client_with(NULL, NULL);
    xpdrm_http_client *mutual_none = plain;
    xpdrm_http_client *mutual_wrong = client_with("XPDRM_TEST_OTHER_CLIENT_CERT_PEM", "XPDRM_TEST_OTHER_CLIENT_KEY_PEM");
    char reason[XPDRM_HTTP_REASON_MAX];
    char device_id[XPDRM_DEVICE_ID_MAX_LEN + 1];
    size_t len = 0;
    xpdrm_status st;

    if (plain == NULL || mutual_wrong == NULL) {
        fprintf(stderr, "no client\n");
        return 1;
    }
    lookup(plain, "connection refused", env("XPDRM_TEST_REFUSED_URL"), "/getrecord", XPDRM_ERR_HTTP_CONNECT);
    lookup(plain, "5xx forever", faults, "/status/503", XPDRM_ERR_HTTP_RETRIES_EXHAUSTED);
    {
        char url[512];
        snprintf(url, sizeof url, "%s/flaky/1/c-example", faults);
        st = xpdrm_http_lookup_record(plain, url, AUTHENTICATOR, "cookie-1", device_id, sizeof device_id, &len, reason,
                                      sizeof reason);
        CHECK(st == XPDRM_OK && len == 32, "5xx, then success");
        if (st == XPDRM_OK) {
            printf("5xx, then success: the device ID after 2 attempts\n");
        }
    }
    lookup(plain, "truncated body", faults, "/truncated", XPDRM_ERR_HTTP_TRUNCATED);
    lookup(plain, "oversized body", faults, "/oversized", XPDRM_ERR_HTTP_RESPONSE_TOO_LARGE);
    lookup(plain, "wrong content type", faults, "/html", XPDRM_ERR_HTTP_CONTENT_TYPE);
    lookup(plain, "unknown CA", env("XPDRM_TEST_UNKNOWN_CA_URL"), "/ok", XPDRM_ERR_HTTP_TLS_UNKNOWN_CA);
    lookup(mutual_none, "mutual TLS without a client certificate", env("XPDRM_TEST_MUTUAL_URL"), "/ok",
           XPDRM_ERR_HTTP_TLS_CLIENT_CERT_REQUIRED);
    lookup(mutual_wrong, "mutual TLS with a certificate of another CA", env("XPDRM_TEST_MUTUAL_URL"), "/ok",
           XPDRM_ERR_HTTP_TLS_CLIENT_CERT_REJECTED);
    lookup(plain, "a stalling server", faults, "/stall", XPDRM_ERR_HTTP_TIMEOUT);

    xpdrm_http_client_free(mutual_wrong);
    xpdrm_http_client_free(plain);
    if (failures != 0) {
        fprintf(stderr, "http_faults: %d check(s) failed\n", failures);
        return 1;
    }
    printf("http_faults: OK\n");
    return 0;
}
