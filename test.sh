#!/bin/sh
# Installs what is missing, builds, and runs every test through ctest, each
# test once:
#   $SAN_BUILD (build-asan): the unit tests and the fuzz corpus replays, built
#       with ASan+UBSan (halt on the first report) at -O0 (half the compile
#       time of -O1, for 7 s more test time), ctest -L 'unit|fuzz';
#   $BUILD (build): the programs, built plainly, for the other tests
#       (integration), ctest -LE 'unit|fuzz'.
# IPADM_TEST_SANITIZE=0: one plain build that runs everything instead.
# Arguments go to both ctest runs. Integration tests need root (they create
# their own network namespaces).
set -eu
cd "$(dirname "$0")"
./scripts/deps.sh
BUILD=${BUILD:-build}
SAN_BUILD=${SAN_BUILD:-build-asan}
jobs=$(nproc)
if [ "${IPADM_TEST_SANITIZE:-1}" = 0 ]; then
  cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  cmake --build "$BUILD" -j"$jobs"
  cd "$BUILD"
  exec ctest --output-on-failure "$@"
fi
cmake -S . -B "$SAN_BUILD" -DIPADM_SANITIZE=ON -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_CXX_FLAGS_RELEASE=-O0 -DCMAKE_C_FLAGS_RELEASE=-O0 >/dev/null
cmake --build "$SAN_BUILD" -j"$jobs" --target ipadm_tests
IPADM_UNIT_TESTS=0 cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$BUILD" -j"$jobs"
rc=0
(cd "$SAN_BUILD" &&
  ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1} \
  UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1} \
  ctest --output-on-failure -L 'unit|fuzz' "$@") || rc=1
(cd "$BUILD" && ctest --output-on-failure -LE 'unit|fuzz' "$@") || rc=1
exit $rc
