// A C++11 program built with find_package(xpdrm) (tests/cmake/CMakeLists.txt): unwraps ExpressPlay's
// sample key and builds a FairPlay token URL, through the C API from C++.
#include <xpdrm.h>

#include <array>
#include <cstdio>
#include <string>

namespace {

bool ok(xpdrm_status status, const char *what) {
    if (status != XPDRM_OK) {
        std::fprintf(stderr, "%s: %d (%s)\n", what, static_cast<int>(status), xpdrm_status_str(status));
        return false;
    }
    return true;
}

}  // namespace

int main() {
    std::array<uint8_t, 16> key{};
    size_t key_len = 0;
    if (!ok(xpdrm_key_unwrap_hex("11111111111111111111111111111111", "61A9D3B082AAB5A918EBB86461DA475BD80CA4A83CEA16B6",
                                 key.data(), key.size(), &key_len),
            "unwrap")) {
        return 1;
    }
    std::string hex;
    for (size_t i = 0; i < key_len; i++) {
        char byte[3];
        std::snprintf(byte, sizeof byte, "%02x", key[i]);
        hex += byte;
    }
    std::printf("key %s\n", hex.c_str());
    if (hex != "f2434ca0f6a7de822574bf2f8190f6cd") return 1;

    xpdrm_token_request *req = nullptr;
    if (!ok(xpdrm_token_request_new(XPDRM_DRM_FAIRPLAY, &req), "new")) return 1;
    bool good = ok(xpdrm_token_request_set(req, "contentKey", "b366360da82e9c6e0b0984002a362cf2"), "contentKey") &&
                ok(xpdrm_token_request_set(req, "iv", "d5fbd6b82ed93e4ef98ae40931ee8d9d"), "iv") &&
                ok(xpdrm_token_request_set(req, "customerAuthenticator", "201722,1ad8eed133edf43cbcc185f0236828ae"),
                   "customerAuthenticator");
    std::string url(1024, '\0');
    size_t len = 0;
    good = good && ok(xpdrm_token_request_url(req, &url[0], url.size(), &len), "url");
    xpdrm_token_request_free(req);
    if (!good) return 1;
    url.resize(len);
    std::printf("url %s\n", url.substr(0, url.find('?')).c_str());
    std::printf("%s\n", xpdrm_version());
    std::printf("cmake player: OK\n");
    return 0;
}
