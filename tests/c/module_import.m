/*
 * module_import.m: the Objective-C form, `@import xpdrm;`, which is how Swift's `import xpdrm` reaches the
 * same module map. Uses no Objective-C runtime, so it builds and runs on Linux.
 */
@import xpdrm;

#include <stdio.h>

int main(void) {
    printf("@import xpdrm: %s, %s\n", xpdrm_version(), xpdrm_status_str(XPDRM_ERR_INTEGRITY));
    return 0;
}
