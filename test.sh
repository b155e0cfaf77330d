#!/bin/sh
# Installs what is missing, builds, and runs every test through ctest.
# Integration tests need root (they create their own network namespaces).
set -eu
cd "$(dirname "$0")"
./scripts/deps.sh
BUILD=${BUILD:-build}
cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$BUILD" -j"$(nproc)"
cd "$BUILD"
ctest --output-on-failure "$@"
