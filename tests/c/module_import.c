/*
 * module_import.c: imports xpdrm as a clang module (include/module.modulemap), the way Swift's importer
 * sees it, and calls into it. Compiled with -fmodules by tests/module_map.rs; the import fails outright if
 * the module map is missing or does not cover the header.
 */
#pragma clang module import xpdrm

#include <stdio.h>
#include <string.h>

int main(void) {
    uint8_t key[16];
    size_t key_len = 0;
    xpdrm_status st = xpdrm_key_unwrap_hex("11111111111111111111111111111111",
                                           "61A9D3B082AAB5A918EBB86461DA475BD80CA4A83CEA16B6", key, sizeof key,
                                           &key_len);
    if (st != XPDRM_OK || key_len != 16 || key[0] != 0xf2 || key[15] != 0xcd) {
        printf("unwrap through the module failed: %s\n", xpdrm_status_str(st));
        return 1;
    }
    printf("module xpdrm: %s, key unwrapped\n", xpdrm_version());
    return 0;
}
