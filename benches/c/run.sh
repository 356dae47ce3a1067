#!/usr/bin/env bash
# Builds the release static library (as shipped) and the C benchmark, and runs it: xpdrm_key_unwrap against OpenSSL's
# AES-128-WRAP in one process. Needs libssl-dev. Usage: benches/c/run.sh [unwraps-per-round]
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo rustc --release --lib --crate-type staticlib,cdylib --quiet    # as shipped: with LTO
out=${CARGO_TARGET_DIR:-target}/bench-c
mkdir -p "$out"
cc -std=c99 -O2 -Wall -Wextra -Werror -Iinclude benches/c/keywrap_vs_openssl.c "${CARGO_TARGET_DIR:-target}/release/libxpdrm.a" \
   -lcrypto -lgcc_s -lutil -lrt -lpthread -lm -ldl -lc -Wl,--gc-sections -o "$out/keywrap_vs_openssl"
"$out/keywrap_vs_openssl" "$@"
