#!/bin/bash
# bench/serving.sh - ipmgmtd serving at scale (issue 12), side by side with
# references measured in the same run on the same machine.
#
#   sudo bench/serving.sh [BUILD]          (BUILD: default ./build)
#   SIZES="10 1000 10000 100000"  objects for part 1
#   RPC_SIZES="10 10000"          addresses on the interface for part 2
#   CLIENTS="1 8 32 128"          concurrent clients for part 2
#   RPC_SECONDS=2                 seconds per load run
#   RPC_REPS=3                    load runs per tool and client count, alternating
#   REPS=5                        runs per timed row in parts 1 and 3
#   BENCH_RT=1                    measured processes and ipmgmtd under chrt -f 20
#   OUT=DIR                       raw data, summary and plots (default: a temp dir)
#
# Part 1, listings: N address objects in the store (sqlite3, spread over
#   ceil(N/10000) veth pairs, at most 10,000 per link), put into the kernel by
#   `ipadm restore`; then `ipadm show-addr`, `ipadm show-addr -p -o
#   addrobj,type,state,addr` and `ip -j addr show`, interleaved, each process
#   exec to exit with its output to /dev/null.
#   Checks: the kernel holds the N addresses; show-addr -p lists the N
#   objects; the human form prints the same rows plus one header.
# Part 2, read RPC: bench_load (bench/tools/rpc_load.cc, built by this
#   script with the project's CMake, as bench_echo) sends show-if of
#   the link carrying 10 or 10,000 addresses, one request at a time per
#   client, over libipadm, for RPC_SECONDS, at each client count; the same
#   request bytes to bench_echo (bench/tools/echo_server.cc, a raw
#   SOCK_SEQPACKET echo server, one thread per connection) are the reference,
#   run alternately with it RPC_REPS times (the report gives medians, and
#   the median of each run's ipadm/echo ratio: the echo's rate moves from
#   run to run on a 2-vCPU guest).
#   Checks: no failed request (bench_load exits non-zero otherwise).
# Part 3, restart: with 10,000 objects in the kernel, ipmgmtd is SIGKILLed
#   and started again (forking: the parent exits when the socket accepts);
#   timed is that start to ready. Checks: `ip -j addr` and `ip -j link` of
#   the namespace, 1 s after ready, equal those before the kill.
#
# Every failed check exits non-zero. Namespaces ipadmb-<pid>-<k> and the
# processes started here (by PID) are removed on exit; the temporary root is
# 0755 (ipmgmtd's user must traverse it).
set -euo pipefail

# ---- inner mode: inside the namespace, REPS timings of one command (seconds)
if [ "${1:-}" = __time ]; then
  shift
  t0=$EPOCHREALTIME
  "$@" >/dev/null
  t1=$EPOCHREALTIME
  awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.6f\n", b - a}'
  exit 0
fi

HERE=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
TOP=$(dirname "$HERE")
BUILD=${1:-${BUILD:-$TOP/build}}
BUILD=$(cd "$BUILD" && pwd) || { echo "serving.sh: no build dir" >&2; exit 1; }
IPADM=$BUILD/ipadm
IPMGMTD=$BUILD/ipmgmtd
ECHO=$BUILD/bench_echo
LOAD=$BUILD/bench_load
SIZES=${SIZES:-10 1000 10000 100000}
RPC_SIZES=${RPC_SIZES:-10 10000}
CLIENTS=${CLIENTS:-1 8 32 128}
RPC_SECONDS=${RPC_SECONDS:-2}
RPC_REPS=${RPC_REPS:-3}
REPS=${REPS:-5}
RT=()
[ "${BENCH_RT:-0}" = 1 ] && RT=(chrt -f 20)
PER_LINK=10000

[ "$(id -u)" = 0 ] || { echo "serving.sh: needs root" >&2; exit 1; }
# The echo server and the load client (bench/tools) are built here, with the
# project's CMake, in the same build tree as the programs measured.
cmake --build "$BUILD" --target bench_echo bench_load >/dev/null ||
  { echo "serving.sh: cannot build bench_echo and bench_load in $BUILD" >&2; exit 1; }
for b in "$IPADM" "$IPMGMTD" "$ECHO" "$LOAD"; do
  [ -x "$b" ] || { echo "serving.sh: build first ($b: cmake --build build --target ipadm-cli ipmgmtd)" >&2; exit 1; }
done
command -v sqlite3 >/dev/null || { echo "serving.sh: sqlite3 missing (scripts/deps.sh)" >&2; exit 1; }

WORK=$(mktemp -d /tmp/ipadmb-serving.XXXXXX)
chmod 0755 "$WORK"
OUT=${OUT:-$WORK/out}
mkdir -p "$OUT"
RAW=$OUT/serving-raw.tsv
printf 'part\tn\ttool\tclients\trep\tvalue\tp50_us\tp99_us\n' >"$RAW"

NS_LIST=()
PIDS=()
SEQ=0
cleanup() {
  local p n
  for p in "${PIDS[@]+"${PIDS[@]}"}"; do kill -KILL "$p" 2>/dev/null || true; done
  for n in "${NS_LIST[@]+"${NS_LIST[@]}"}"; do ip netns del "$n" 2>/dev/null || true; done
  case $WORK in /tmp/ipadmb-serving.*) find "$WORK" -mindepth 1 -maxdepth 1 ! -name out -exec rm -rf {} + ;; esac
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { echo "serving.sh: FAILED: $*" >&2; exit 1; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.6f", b - a}'; }
in_ns() { ip netns exec "$NSN" "$@"; }

# setup N -> NSN ROOT LINKS: namespace, ceil(N/PER_LINK) veth pairs
# (vethK <-> vpK, vpK up), N objects in the store on vethK, not yet applied.
setup() {
  local n=$1 links k db
  SEQ=$((SEQ + 1))
  NSN="ipadmb-$$-$SEQ"
  ROOT=$WORK/root-$SEQ
  mkdir -p "$ROOT"
  ip netns add "$NSN"
  NS_LIST+=("$NSN")
  ip -n "$NSN" link set lo up
  LINKS=$(((n + PER_LINK - 1) / PER_LINK))
  for ((k = 0; k < LINKS; k++)); do
    ip -n "$NSN" link add "veth$k" type veth peer name "vp$k"
    ip -n "$NSN" link set "vp$k" up
  done
  daemon_up
  daemon_kill
  db=$ROOT/etc/ipadm/ipadm.db
  sqlite3 "$db" <<SQL
PRAGMA foreign_keys = ON;
BEGIN;
WITH RECURSIVE k(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM k WHERE i + 1 < $LINKS)
INSERT INTO interfaces(ifname, v4, v6) SELECT 'veth' || i, 1, 0 FROM k;
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < $n)
INSERT INTO addrs(aobjname, ifname, family, atype, local, remote, prefixlen, up, extra)
SELECT 'veth' || (i / $PER_LINK) || '/a' || i, 'veth' || (i / $PER_LINK), 2, 1,
       '10.' || (64 + i / 65536) || '.' || ((i / 256) % 256) || '.' || (i % 256), '', 32, 1, ''
FROM n;
COMMIT;
SQL
  [ "$(sqlite3 "$db" 'SELECT count(*) FROM addrs')" = "$n" ] || die "store fill N=$n"
}

# daemon_up -> DPID READY_S: forking start; the parent exits once the
# socket accepts (its readiness pipe), so its run time is start to ready.
daemon_up() {
  local t0 t1
  t0=$EPOCHREALTIME
  in_ns "${RT[@]+"${RT[@]}"}" env IPMGMTD_SERVICE=1 "$IPMGMTD" -A 0 -R "$ROOT" </dev/null >>"$ROOT.log" 2>&1 ||
    { cat "$ROOT.log" >&2; die "ipmgmtd did not start"; }
  t1=$EPOCHREALTIME
  READY_S=$(secs "$t0" "$t1")
  DPID=$(in_ns ss -xlpn | awk -v s="$ROOT/run/ipadm/ipmgmt.sock" '$5 == s {match($0, /pid=[0-9]+/); print substr($0, RSTART + 4, RLENGTH - 4); exit}')
  [ -n "$DPID" ] || die "no ipmgmtd listening on $ROOT/run/ipadm/ipmgmt.sock"
  PIDS+=("$DPID")
}
daemon_kill() {  # SIGKILL, as a crash; waits until the process is gone
  kill -KILL "$DPID"
  while kill -0 "$DPID" 2>/dev/null; do sleep 0.01; done
}

kernel_count() {  # -> 10.x addresses in the namespace
  in_ns ip -j addr show | python3 -c '
import json, sys
print(sum(1 for l in json.load(sys.stdin) for a in l.get("addr_info", []) if a["local"].startswith("10.")))'
}

record() { printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >>"$RAW"; }
timed() {  # tool n rep CMD...
  local tool=$1 n=$2 rep=$3 s
  shift 3
  s=$(in_ns "${RT[@]+"${RT[@]}"}" "$HERE/serving.sh" __time "$@") || die "$tool N=$n exited non-zero"
  record listing "$n" "$tool" 1 "$rep" "$s" "" ""
}

# ---------------------------------------------------------------- part 1
log "machine: $(nproc) vCPU, load $(cut -d' ' -f1-3 /proc/loadavg); raw data in $RAW"
for N in $SIZES; do
  log "part 1: N=$N"
  setup "$N"
  daemon_up
  out=$(in_ns "$IPADM" -R "$ROOT" restore) || die "restore N=$N: $out"
  got=$(kernel_count)
  [ "$got" = "$N" ] || die "kernel holds $got addresses after restore, want $N"
  rows=$(in_ns "$IPADM" -R "$ROOT" show-addr -p -o addrobj | grep -c '^veth[0-9]*/a[0-9]*$' || true)
  [ "$rows" = "$N" ] || die "show-addr -p lists $rows objects, want $N"
  all_p=$(in_ns "$IPADM" -R "$ROOT" show-addr -p -o addrobj,type,state,addr | wc -l)
  human=$(in_ns "$IPADM" -R "$ROOT" show-addr | wc -l)
  [ "$human" = "$((all_p + 1))" ] || die "show-addr prints $human lines, want $((all_p + 1))"
  for ((r = 1; r <= REPS; r++)); do
    timed 'ip -j addr show' "$N" "$r" ip -j addr show
    timed 'ipadm show-addr' "$N" "$r" "$IPADM" -R "$ROOT" show-addr
    timed 'ipadm show-addr -p' "$N" "$r" "$IPADM" -R "$ROOT" show-addr -p -o addrobj,type,state,addr
  done

  # ------------------------------------------------------------ part 2
  if [[ " $RPC_SIZES " == *" $N "* ]]; then
    log "part 2: read RPC, veth0 carrying $N addresses"
    sock=$WORK/echo-$SEQ.sock
    "${RT[@]+"${RT[@]}"}" "$ECHO" "$sock" >"$WORK/echo.out" &
    EPID=$!
    PIDS+=("$EPID")
    while ! grep -q ready "$WORK/echo.out"; do sleep 0.01; done
    for C in $CLIENTS; do
      for ((rep = 1; rep <= RPC_REPS; rep++)); do
        for tool in echo ipadm; do
          where=$ROOT
          [ "$tool" = echo ] && where=$sock
          line=$(in_ns "${RT[@]+"${RT[@]}"}" "$LOAD" "$tool" "$where" veth0 "$C" "$RPC_SECONDS") ||
            die "bench_load $tool clients=$C N=$N: $line"
          read -r _ c _ req _ _ _ rps _ p50 _ p99 _ err <<<"$line"
          [ "$err" = 0 ] && [ "$req" -gt 0 ] || die "bench_load $tool: $line"
          record rpc "$N" "$tool" "$c" "$rep" "$rps" "$p50" "$p99"
          log "  $tool clients=$C run $rep: $rps req/s p50 ${p50}us p99 ${p99}us"
        done
      done
    done
    kill -KILL "$EPID"
    wait "$EPID" 2>/dev/null || true
  fi

  # ------------------------------------------------------------ part 3
  if [ "$N" = 10000 ]; then
    log "part 3: SIGKILL restart to ready, $N objects"
    # the kernel settles first (IPv6 link-local DAD after restore's link-up)
    for i in $(seq 1 50); do
      a=$(in_ns ip -j addr show)
      sleep 0.2
      [ "$(in_ns ip -j addr show)" = "$a" ] && [[ "$a" != *tentative* ]] && break
    done
    for ((r = 1; r <= REPS; r++)); do
      before_a=$(in_ns ip -j addr show)
      before_l=$(in_ns ip -j link show)
      daemon_kill
      daemon_up
      sleep 1
      after_a=$(in_ns ip -j addr show)
      after_l=$(in_ns ip -j link show)
      if [ "$after_a" != "$before_a" ] || [ "$after_l" != "$before_l" ]; then
        printf '%s\n' "$before_a" >"$OUT/restart-before-addr.json"
        printf '%s\n' "$after_a" >"$OUT/restart-after-addr.json"
        printf '%s\n' "$before_l" >"$OUT/restart-before-link.json"
        printf '%s\n' "$after_l" >"$OUT/restart-after-link.json"
        die "the kernel changed across the restart (ip -j addr/link: $OUT/restart-*.json)"
      fi
      rows=$(in_ns "$IPADM" -R "$ROOT" show-addr -p -o addrobj,state | grep -c '^veth0/a[0-9]*:ok$' || true)
      [ "$rows" = "$N" ] || die "after the restart show-addr lists $rows objects ok, want $N"
      record restart "$N" 'ipmgmtd SIGKILL restart to ready' 1 "$r" "$READY_S" "" ""
      log "  restart $r: ${READY_S}s, kernel unchanged"
    done
  fi
  daemon_kill
  ip netns del "$NSN"
done

log "all checks passed"
python3 "$HERE/serving_report.py" "$RAW" "$OUT"
log "summary: $OUT/serving-summary.md; plots: $OUT/show-addr.svg $OUT/rpc-throughput.svg"
