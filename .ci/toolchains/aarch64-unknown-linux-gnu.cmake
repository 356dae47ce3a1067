# CMake toolchain file for aarch64-unknown-linux-gnu with Debian's cross compilers (README, "CMake"):
#   cmake -S . -B build -DCMAKE_TOOLCHAIN_FILE=<xpdrm>/.ci/toolchains/aarch64-unknown-linux-gnu.cmake -DCMAKE_PREFIX_PATH=<xpdrm prefix>
# (apt-get install gcc-aarch64-linux-gnu g++-aarch64-linux-gnu). Programs run here under qemu-aarch64 -L /usr/aarch64-linux-gnu.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
# Libraries and headers from the target's sysroot and the prefixes given in CMAKE_PREFIX_PATH only; the
# host's programs (cmake's own tools) from the host.
set(CMAKE_FIND_ROOT_PATH /usr/aarch64-linux-gnu)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE BOTH)
