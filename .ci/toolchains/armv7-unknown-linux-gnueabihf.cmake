# CMake toolchain file for armv7-unknown-linux-gnueabihf with Debian's cross compilers (README, "CMake"):
#   cmake -S . -B build -DCMAKE_TOOLCHAIN_FILE=<xpdrm>/.ci/toolchains/armv7-unknown-linux-gnueabihf.cmake -DCMAKE_PREFIX_PATH=<xpdrm prefix>
# (apt-get install gcc-arm-linux-gnueabihf g++-arm-linux-gnueabihf). Programs run here under qemu-arm -L /usr/arm-linux-gnueabihf.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR arm)
set(CMAKE_C_COMPILER arm-linux-gnueabihf-gcc)
set(CMAKE_CXX_COMPILER arm-linux-gnueabihf-g++)
# Libraries and headers from the target's sysroot and the prefixes given in CMAKE_PREFIX_PATH only; the
# host's programs (cmake's own tools) from the host.
set(CMAKE_FIND_ROOT_PATH /usr/arm-linux-gnueabihf)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE BOTH)
