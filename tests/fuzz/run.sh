#!/bin/sh
# Builds the libFuzzer targets with clang (-fsanitize=fuzzer,address,undefined)
# in a separate build dir and fuzzes each for SECONDS (default 60), one after
# the other, starting from the committed corpus tests/fuzz/corpus/<target>.
#
#   tests/fuzz/run.sh [SECONDS] [TARGET...]
#
# New inputs go to $FUZZ_BUILD/corpus/<target> (not committed: copy the ones
# worth keeping, e.g. a crash's input, into the committed corpus). A crash
# stops that target, leaves crash-* in $FUZZ_BUILD/artifacts/<target>/ and
# makes the script exit 1 after the other targets ran. One line per target:
#   fuzz <target>: <executions> execs in <s> s, <n> corpus inputs, ok|CRASH
# Environment: FUZZ_BUILD (default build-fuzz), FUZZ_JOBS (build -j, default 2),
# FUZZ_FLAGS (extra libFuzzer flags).
set -eu
cd "$(dirname "$0")/../.."
./scripts/deps.sh fuzz
SECS=${1:-60}
[ $# -gt 0 ] && shift
TARGETS=${*:-"rpc_dispatch illumos_conf conf_json rtnl dhcp_hook cli"}
B=${FUZZ_BUILD:-build-fuzz}
launcher=""
command -v ccache >/dev/null 2>&1 && launcher="-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache"
# shellcheck disable=SC2086
IPADM_UNIT_TESTS=0 cmake -S . -B "$B" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=clang \
  -DCMAKE_CXX_COMPILER=clang++ -DIPADM_FUZZ=ON $launcher >/dev/null
tgts=""
for t in $TARGETS; do tgts="$tgts fuzz_$t"; done
# shellcheck disable=SC2086
cmake --build "$B" -j"${FUZZ_JOBS:-2}" --target $tgts >/dev/null
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
rc=0
for t in $TARGETS; do
  work="$B/corpus/$t"
  art="$B/artifacts/$t/"
  mkdir -p "$work" "$art"
  log="$B/fuzz-$t.log"
  # shellcheck disable=SC2086
  if "$B/fuzz_$t" -max_total_time="$SECS" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
       -artifact_prefix="$art" ${FUZZ_FLAGS:-} "$work" "tests/fuzz/corpus/$t" >"$log" 2>&1; then
    verdict=ok
  else
    verdict="CRASH (see $log, $art)"
    rc=1
  fi
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  n=$(find "$work" -type f | wc -l)
  echo "fuzz $t: ${execs:-?} execs in ${SECS} s, $n corpus inputs, $verdict"
done
exit $rc
