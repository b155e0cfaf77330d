#!/bin/bash
# bench/create_addr.sh - cost of one `ipadm create-addr`, end to end.
#
#   bench/create_addr.sh [RUNS] [SIZES]
#     RUNS   samples per row (default 30)
#     SIZES  store sizes for part 2 (default "10 1000 100000")
#   IPMGMTD_OPTS="-A 0"  extra daemon options (here: no IPv4 ARP probes, so
#                        create-addr does not wait the 0.55 s of RFC 5227)
#   SAME_SIZES="10 10000"  part 3 sizes ("" skips part 3)
#   PARTS="1 2 3"          which parts to run
#
# Part 1: in a fresh namespace, one persistent `ipadm create-addr` (process
#   start to exit: exec, connect, handshake, request, kernel add, durable
#   store commit, reply) against one `ip addr add` process; plus the rows
#   that split the cost: `ipadm help` (process start, no RPC), `ipadm
#   show-if` (a read RPC: process start + one round trip), `create-addr -t`
#   (no store write), delete-addr.
# Part 2: per-operation cost of a persistent create-addr + delete-addr when
#   the store already holds N address objects. The N objects are written
#   into ROOT/etc/ipadm/ipadm.db with sqlite3 (docs/store-format.md) on a
#   second interface that is persistent only (not in the kernel), before the
#   daemon starts; also the daemon's start-up time and a full show-addr.
# Part 3: the same create-addr + delete-addr pair on veth0 while veth0
#   itself carries N address objects in the kernel (stored with sqlite3, put
#   in by `ipadm restore`), interleaved with `ip addr add` + `ip addr del`
#   pairs on the same link: the kernel's own cost grows with the addresses
#   on the link too, so the ip rows are the reference for that growth. Also,
#   when perf(1) is there, ipmgmtd's CPU time per pair (perf stat -p, the
#   kernel work of its netlink requests included): its growth with N against
#   the growth of an `ip addr add` + `ip addr del` pair.
#
# Timing (like ../shared/bench/peers/timeit.sh): the clock is read inside the
# namespace with bash $EPOCHREALTIME around the measured process only, so
# `ip netns exec` and namespace creation are not counted. Every address added
# is checked in the kernel with `ip -j addr` after the loop.
#
# Safety: namespaces are named ipadmb-<pid>-<k> and deleted on exit; only the
# daemons started here are signalled, by PID. Needs root.
set -euo pipefail

HERE=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
TOP=$(dirname "$HERE")
IPADM=${IPADM_BIN:-$TOP/build/ipadm}
IPMGMTD=${IPMGMTD_BIN:-$TOP/build/ipmgmtd}
SELF=$HERE/$(basename "$0")

# ---- inner mode: runs inside the namespace, prints one sample (us) per line
if [ "${1:-}" = __loop ]; then
  shift
  kind=$1 root=$2 first=$3 count=$4
  addr() { # i -> 10.B.x.y (B = 100 for ipadm, 101 for ip)
    local i=$1 b=$2
    echo "10.$b.$(((i >> 8) & 255)).$((i & 255))"
  }
  us() { local t=${1/./}; echo $((10#$t)); }
  for ((i = first; i < first + count; i++)); do
    case $kind in
      ipadm-create)   cmd=("$IPADM" -R "$root" create-addr -T static -a "$(addr "$i" 100)/32" "veth0/b$i") ;;
      ipadm-create-t) cmd=("$IPADM" -R "$root" create-addr -t -T static -a "$(addr "$i" 100)/32" "veth0/b$i") ;;
      ipadm-delete)   cmd=("$IPADM" -R "$root" delete-addr "veth0/b$i") ;;
      ipadm-show-if)  cmd=("$IPADM" -R "$root" show-if veth0) ;;
      ipadm-help)     cmd=("$IPADM" -R "$root" help) ;;
      ip-add)         cmd=(ip addr add "$(addr "$i" 101)/32" dev veth0) ;;
      ip-del)         cmd=(ip addr del "$(addr "$i" 101)/32" dev veth0) ;;
      ipadm-pair)     # create then delete the same object: two samples
        t0=$EPOCHREALTIME
        "$IPADM" -R "$root" create-addr -T static -a "$(addr "$i" 100)/32" "veth0/b$i" >/dev/null
        t1=$EPOCHREALTIME
        "$IPADM" -R "$root" delete-addr "veth0/b$i" >/dev/null
        t2=$EPOCHREALTIME
        echo "create $(( $(us "$t1") - $(us "$t0") ))"
        echo "delete $(( $(us "$t2") - $(us "$t1") ))"
        continue ;;
      ip-pair)        # add then delete the same address: two samples
        t0=$EPOCHREALTIME
        ip addr add "$(addr "$i" 101)/32" dev veth0
        t1=$EPOCHREALTIME
        ip addr del "$(addr "$i" 101)/32" dev veth0
        t2=$EPOCHREALTIME
        echo "ip-add $(( $(us "$t1") - $(us "$t0") ))"
        echo "ip-del $(( $(us "$t2") - $(us "$t1") ))"
        continue ;;
      ipadm-show-addr) cmd=("$IPADM" -R "$root" show-addr -p -o addrobj) ;;
      *) echo "unknown loop $kind" >&2; exit 2 ;;
    esac
    t0=$EPOCHREALTIME
    "${cmd[@]}" >/dev/null
    t1=$EPOCHREALTIME
    echo "$kind $(( $(us "$t1") - $(us "$t0") ))"
  done
  exit 0
fi

# BENCH_RT=1: run the daemon and the measured processes under SCHED_FIFO
# (chrt -f 20) so that other load on the machine (compilers) does not
# preempt them; the figures then approximate an idle machine.
RT=()
[ -n "${BENCH_RT:-}" ] && RT=(chrt -f 20)

RUNS=${1:-30}
SIZES=${2:-10 1000 100000}
SAME_SIZES=${SAME_SIZES-10 10000}
PARTS=${PARTS:-1 2 3}
[ "$(id -u)" = 0 ] || { echo "bench: needs root" >&2; exit 1; }
for b in "$IPADM" "$IPMGMTD"; do [ -x "$b" ] || { echo "bench: build first ($b)" >&2; exit 1; }; done
command -v sqlite3 >/dev/null || { echo "bench: sqlite3 missing (scripts/deps.sh)" >&2; exit 1; }

NS_LIST=()
PIDS=()
TMPS=()
SEQ=0
cleanup() {
  local p n t
  for p in "${PIDS[@]+"${PIDS[@]}"}"; do kill -KILL "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  for n in "${NS_LIST[@]+"${NS_LIST[@]}"}"; do
    ip -n "$n" link del veth0 2>/dev/null || true
    ip netns del "$n" 2>/dev/null || true
  done
  for t in "${TMPS[@]+"${TMPS[@]}"}"; do case $t in /tmp/ipadmb.*) rm -rf "$t" ;; esac; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# ns_new -> sets NSN: a namespace with veth0 <-> veth1, veth1 and lo up;
# veth0 is left down for `ipadm create-if` (an up link with a link-local
# address is a link in use by others: create-if says IF_EXISTS).
ns_new() {
  SEQ=$((SEQ + 1))
  NSN="ipadmb-$$-$SEQ"
  ip netns add "$NSN"
  NS_LIST+=("$NSN")
  ip -n "$NSN" link set lo up
  ip -n "$NSN" link add veth0 type veth peer name veth1
  ip -n "$NSN" link set veth1 up
}

ns_gone() {
  local n=$1 keep=() x
  ip -n "$n" link del veth0 2>/dev/null || true
  ip netns del "$n"
  for x in "${NS_LIST[@]}"; do [ "$x" != "$n" ] && keep+=("$x"); done
  NS_LIST=("${keep[@]+"${keep[@]}"}")
  sleep 0.3
}

# daemon_start NS ROOT -> sets DPID; prints start-to-ready seconds in READY_S
daemon_start() {
  local ns=$1 root=$2 t0 i
  t0=$EPOCHREALTIME
  "${RT[@]+"${RT[@]}"}" ip netns exec "$ns" "$IPMGMTD" -f -R "$root" ${IPMGMTD_OPTS:-} </dev/null >>"$root.log" 2>&1 &
  DPID=$!
  PIDS+=("$DPID")
  for i in $(seq 1 3000); do
    if [ -S "$root/run/ipadm/ipmgmt.sock" ] &&
       ip netns exec "$ns" "$IPADM" -R "$root" show-if >/dev/null 2>&1; then
      READY_S=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN{printf "%.3f", b - a}')
      return 0
    fi
    kill -0 "$DPID" 2>/dev/null || { cat "$root.log" >&2; echo "ipmgmtd died" >&2; exit 1; }
    sleep 0.02
  done
  echo "ipmgmtd not ready" >&2
  exit 1
}

daemon_stop() {
  local keep=() x
  kill -TERM "$DPID"
  wait "$DPID" || true
  for x in "${PIDS[@]}"; do [ "$x" != "$DPID" ] && keep+=("$x"); done
  PIDS=("${keep[@]+"${keep[@]}"}")
}

# samples KIND FILE -> sorted microsecond values of KIND
samples() { awk -v k="$1" '$1 == k {print $2}' "$2" | sort -n; }
# st KIND FILE -> "median_ms min_ms n"
st() {
  samples "$1" "$2" | awk '{v[NR] = $1} END {
    if (NR == 0) { print "- - 0"; exit }
    m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
    printf "%.2f %.2f %d\n", m / 1000, v[1] / 1000, NR }'
}

loop() { # NS ROOT KIND FIRST COUNT >> OUT
  "${RT[@]+"${RT[@]}"}" ip netns exec "$1" "$SELF" __loop "$3" "$2" "$4" "$5"
}

count_v4() { # NS PREFIX -> addresses on veth0 starting with PREFIX
  ip -n "$1" -j addr show dev veth0 | python3 -c '
import json, sys
p = sys.argv[1]
print(sum(1 for l in json.load(sys.stdin) for a in l["addr_info"] if a["local"].startswith(p)))' "$2"
}

# fill_store DB IFNAME V6 N: interface IFNAME (v4, and v6 if V6=1) and N
# static IPv4 objects IFNAME/a<i> = 10.64.0.0 + i, /32 (docs/store-format.md).
fill_store() {
  sqlite3 "$1" <<SQL
PRAGMA foreign_keys = ON;
BEGIN;
INSERT INTO interfaces(ifname, v4, v6) VALUES('$2', 1, $3);
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < $4)
INSERT INTO addrs(aobjname, ifname, family, atype, local, remote, prefixlen, up, extra)
SELECT '$2/a' || i, '$2', 2, 1,
       '10.' || (64 + i / 65536) || '.' || ((i / 256) % 256) || '.' || (i % 256), '', 32, 1, ''
FROM n;
COMMIT;
SQL
}

OUT=$(mktemp -d /tmp/ipadmb.XXXXXX)
chmod 0755 "$OUT"  # ipmgmtd's user (netadm) must traverse it to its root
TMPS+=("$OUT")
RAW=$OUT/raw.txt
: >"$RAW"

LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)

# ------------------------------------------------------------------ part 1
if [[ " $PARTS " == *" 1 "* ]]; then
log "part 1: single operations, $RUNS runs each"
ns_new
NS1=$NSN
ROOT1=$OUT/root1
mkdir -p "$ROOT1"
daemon_start "$NS1" "$ROOT1"
ip netns exec "$NS1" "$IPADM" -R "$ROOT1" create-if veth0 >/dev/null
# warm-up (page cache, first store write)
loop "$NS1" "$ROOT1" ipadm-show-if 0 3 >/dev/null
loop "$NS1" "$ROOT1" ipadm-create 60000 1 >/dev/null
loop "$NS1" "$ROOT1" ipadm-delete 60000 1 >/dev/null
# interleave the rows so that drift of the machine hits them alike
for ((r = 0; r < RUNS; r++)); do
  loop "$NS1" "$ROOT1" ip-add "$r" 1 >>"$RAW"
  loop "$NS1" "$ROOT1" ipadm-create "$r" 1 >>"$RAW"
  loop "$NS1" "$ROOT1" ipadm-show-if "$r" 1 >>"$RAW"
  loop "$NS1" "$ROOT1" ipadm-help "$r" 1 >>"$RAW"
  loop "$NS1" "$ROOT1" ipadm-create-t "$((1000 + r))" 1 >>"$RAW"
done
n_ip=$(count_v4 "$NS1" 10.101.)
n_ipadm=$(count_v4 "$NS1" 10.100.)
[ "$n_ip" = "$RUNS" ] || { echo "bench: ip addr add left $n_ip addresses, want $RUNS" >&2; exit 1; }
[ "$n_ipadm" = "$((2 * RUNS))" ] || { echo "bench: ipadm left $n_ipadm addresses, want $((2 * RUNS))" >&2; exit 1; }
for ((r = 0; r < RUNS; r++)); do
  loop "$NS1" "$ROOT1" ip-del "$r" 1 >>"$RAW"
  loop "$NS1" "$ROOT1" ipadm-delete "$r" 1 >>"$RAW"
done
[ "$(count_v4 "$NS1" 10.101.)" = 0 ] || { echo "bench: ip addr del left addresses" >&2; exit 1; }
[ "$(count_v4 "$NS1" 10.100.)" = "$RUNS" ] || { echo "bench: ipadm delete-addr left addresses" >&2; exit 1; }
daemon_stop
ns_gone "$NS1"
fi

# ------------------------------------------------------------------ part 2
declare -A P2_CREATE P2_DELETE P2_READY P2_SHOW P2_FILL
[[ " $PARTS " == *" 2 "* ]] || SIZES=""
for N in $SIZES; do
  log "part 2: N=$N persisted address objects"
  ns_new
  NS2=$NSN
  ROOT2=$OUT/root-$N
  mkdir -p "$ROOT2"
  # let the daemon create an empty store (schema), then stop it and fill it
  daemon_start "$NS2" "$ROOT2"
  daemon_stop
  DB=$ROOT2/etc/ipadm/ipadm.db
  t0=$EPOCHREALTIME
  fill_store "$DB" vbulk0 1 "$N"
  P2_FILL[$N]=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN{printf "%.2f", b - a}')
  got=$(sqlite3 "$DB" "SELECT count(*) FROM addrs WHERE ifname = 'vbulk0'")
  [ "$got" = "$N" ] || { echo "bench: store holds $got rows, want $N" >&2; exit 1; }
  daemon_start "$NS2" "$ROOT2"
  P2_READY[$N]=$READY_S
  # the daemon sees the N objects (disabled: persistent only)
  shown=$(ip netns exec "$NS2" "$IPADM" -R "$ROOT2" show-addr -p -o addrobj,state vbulk0/ | grep -c ':disabled$' || true)
  [ "$shown" = "$N" ] || { echo "bench: show-addr vbulk0/ lists $shown disabled objects, want $N" >&2; exit 1; }
  ip netns exec "$NS2" "$IPADM" -R "$ROOT2" create-if veth0 >/dev/null
  loop "$NS2" "$ROOT2" ipadm-pair 60000 2 >/dev/null   # warm-up
  F=$OUT/p2-$N.txt
  loop "$NS2" "$ROOT2" ipadm-pair 0 "$RUNS" >"$F"
  loop "$NS2" "$ROOT2" ipadm-show-addr 0 3 >>"$F"
  [ "$(count_v4 "$NS2" 10.100.)" = 0 ] || { echo "bench: addresses left after create+delete" >&2; exit 1; }
  got=$(sqlite3 "$DB" "SELECT count(*) FROM addrs")
  [ "$got" = "$N" ] || { echo "bench: store holds $got rows after the loop, want $N" >&2; exit 1; }
  P2_CREATE[$N]=$(st create "$F")
  P2_DELETE[$N]=$(st delete "$F")
  P2_SHOW[$N]=$(st ipadm-show-addr "$F")
  daemon_stop
  ns_gone "$NS2"
done

# ------------------------------------------------------------------ part 3
declare -A P3_CREATE P3_DELETE P3_IPADD P3_IPDEL P3_DCPU
[[ " $PARTS " == *" 3 "* ]] || SAME_SIZES=""
for N in $SAME_SIZES; do
  log "part 3: N=$N address objects on veth0 itself"
  ns_new
  NS3=$NSN
  ROOT3=$OUT/same-$N
  mkdir -p "$ROOT3"
  daemon_start "$NS3" "$ROOT3"
  daemon_stop
  DB=$ROOT3/etc/ipadm/ipadm.db
  fill_store "$DB" veth0 0 "$N"
  daemon_start "$NS3" "$ROOT3"
  ip netns exec "$NS3" "$IPADM" -R "$ROOT3" restore >/dev/null
  got=$(count_v4 "$NS3" 10.6)
  [ "$got" = "$N" ] || { echo "bench: veth0 holds $got restored addresses, want $N" >&2; exit 1; }
  loop "$NS3" "$ROOT3" ipadm-pair 60000 2 >/dev/null   # warm-up
  loop "$NS3" "$ROOT3" ip-pair 60000 2 >/dev/null
  F=$OUT/p3-$N.txt
  : >"$F"
  for ((r = 0; r < RUNS; r++)); do
    loop "$NS3" "$ROOT3" ipadm-pair "$r" 1 >>"$F"
    loop "$NS3" "$ROOT3" ip-pair "$r" 1 >>"$F"
  done
  # ipmgmtd's CPU time over RUNS more pairs, alone: perf stat counts the
  # connection threads that end meanwhile too (/proc would lose them).
  P3_DCPU[$N]=-
  if command -v perf >/dev/null 2>&1; then
    perf stat -x, -e task-clock -p "$DPID" -o "$OUT/p3cpu-$N.txt" &
    PERFP=$!
    sleep 0.3
    loop "$NS3" "$ROOT3" ipadm-pair 40000 "$RUNS" >/dev/null
    kill -INT "$PERFP"
    wait "$PERFP" || true
    P3_DCPU[$N]=$(awk -F, -v n="$RUNS" '$3 ~ /task-clock/ {printf "%.2f", $1 / n}' "$OUT/p3cpu-$N.txt")
  fi
  [ "$(count_v4 "$NS3" 10.100.)" = 0 ] || { echo "bench: ipadm left addresses on veth0" >&2; exit 1; }
  [ "$(count_v4 "$NS3" 10.101.)" = 0 ] || { echo "bench: ip left addresses on veth0" >&2; exit 1; }
  [ "$(count_v4 "$NS3" 10.6)" = "$N" ] || { echo "bench: the N objects changed" >&2; exit 1; }
  P3_CREATE[$N]=$(st create "$F")
  P3_DELETE[$N]=$(st delete "$F")
  P3_IPADD[$N]=$(st ip-add "$F")
  P3_IPDEL[$N]=$(st ip-del "$F")
  daemon_stop
  ns_gone "$NS3"
done

# ------------------------------------------------------------------ report
row() { # label kind
  read -r med min n <<<"$(st "$2" "$RAW")"
  printf '| %s | %s | %s | %s |\n' "$1" "$med" "$min" "$n"
}
echo
echo "## Machine"
echo
echo "- date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "- kernel: $(uname -r); cpu: $(lscpu | awk -F: '/Model name/{gsub(/^ +/,"",$2); print $2; exit}') x $(nproc) vCPU"
echo "- ipadm: git ${IPADM_REV:-$(git -C "$TOP" rev-parse --short HEAD 2>/dev/null || echo "?")} ($IPADM), RelWithDebInfo"
echo "- load average (1/5/15 min) at start: $LOAD0; at end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "- scheduling: ${RT[*]:-default (SCHED_OTHER)}"
if [[ " $PARTS " == *" 1 "* ]]; then
echo
echo "## ipadm create-addr, one process, end to end"
echo
echo "| operation (one process, exec to exit) | median ms | min ms | runs |"
echo "|---|---:|---:|---:|"
row '`ip addr add A/32 dev veth0`' ip-add
row '`ipadm create-addr -T static -a A/32 veth0/bN` (persistent)' ipadm-create
row '`ipadm create-addr -t ...` (temporary: no store write)' ipadm-create-t
row '`ipadm help` (process start only, no RPC)' ipadm-help
row '`ipadm show-if veth0` (read RPC: process start + connect + round trip)' ipadm-show-if
row '`ip addr del A/32 dev veth0`' ip-del
row '`ipadm delete-addr veth0/bN` (persistent object)' ipadm-delete
fi
if [ -n "$SIZES" ]; then
echo
echo "## Persistent create-addr + delete-addr with N objects already in the store"
echo
echo "| N persisted | create-addr median ms (min) | delete-addr median ms (min) | daemon start to ready s | show-addr of all (N+) rows median ms | sqlite3 pre-fill s |"
echo "|---:|---:|---:|---:|---:|---:|"
for N in $SIZES; do
  read -r cm cmin _ <<<"${P2_CREATE[$N]}"
  read -r dm dmin _ <<<"${P2_DELETE[$N]}"
  read -r sm _ _ <<<"${P2_SHOW[$N]}"
  printf '| %s | %s (%s) | %s (%s) | %s | %s | %s |\n' "$N" "$cm" "$cmin" "$dm" "$dmin" \
    "${P2_READY[$N]}" "$sm" "${P2_FILL[$N]}"
done
fi
if [ -n "$SAME_SIZES" ]; then
  first=${SAME_SIZES%% *}
  echo
  echo "## create-addr + delete-addr on a link already carrying N address objects"
  echo
  echo "| N on veth0 | create-addr median ms (min) | vs N=$first | delete-addr median ms (min) | \`ip addr add\` median ms (min) | vs N=$first | \`ip addr del\` median ms (min) | ipmgmtd CPU per create+delete, ms | its growth from N=$first, ms | growth of \`ip addr add\` + \`del\` from N=$first, ms |"
  echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  read -r c0 _ _ <<<"${P3_CREATE[$first]}"
  read -r a0 _ _ <<<"${P3_IPADD[$first]}"
  read -r x0 _ _ <<<"${P3_IPDEL[$first]}"
  for N in $SAME_SIZES; do
    read -r cm cmin _ <<<"${P3_CREATE[$N]}"
    read -r dm dmin _ <<<"${P3_DELETE[$N]}"
    read -r am amin _ <<<"${P3_IPADD[$N]}"
    read -r xm xmin _ <<<"${P3_IPDEL[$N]}"
    printf '| %s | %s (%s) | %s | %s (%s) | %s (%s) | %s | %s (%s) | %s | %s | %s |\n' "$N" "$cm" "$cmin" \
      "$(awk -v a="$cm" -v b="$c0" 'BEGIN{printf "%.2fx", a / b}')" "$dm" "$dmin" "$am" "$amin" \
      "$(awk -v a="$am" -v b="$a0" 'BEGIN{printf "%.2fx", a / b}')" "$xm" "$xmin" \
      "${P3_DCPU[$N]}" "$(awk -v a="${P3_DCPU[$N]}" -v b="${P3_DCPU[$first]}" 'BEGIN{if (a == "-") print "-"; else printf "%+.2f", a - b}')" \
      "$(awk -v a="$am" -v b="$a0" -v x="$xm" -v y="$x0" 'BEGIN{printf "%+.2f", a + x - b - y}')"
  done
fi
echo
echo "(runs per cell: $RUNS; raw samples in $OUT, removed on exit)"
