#!/bin/bash
# bench/restore.sh - boot restore: `ipadm restore` of N persisted addresses
# against the kernel floor, `ip -batch` and systemd-networkd.
#
#   bench/restore.sh [BUILD_DIR]        (default: $BUILD or ./build)
#
# Environment:
#   NS_N="1000 10000"   address counts
#   FAMS="4"            address families (4 and/or 6)
#   REPS=3              repetitions per row (fresh namespace each time)
#   BENCH_RT=1          run every measured process (and ipmgmtd) under
#                       `chrt -f 20`, so that other load on the machine does
#                       not preempt them (default 1; 0 = normal scheduling)
#   NETWORKD=1          include systemd-networkd rows (0 = skip)
#   NODAD_REF=1         for IPv6, also the floor with IFA_F_NODAD (reference
#                       row, not the one ratios are taken against; 0 = skip)
#   ACK_REF=1           also the floor with an ACK for every address
#                       (reference row; 0 = skip)
#   PEERS=../shared/bench/peers      nlbench.c and networkd-env.sh (default: next to
#                                    the repository, whatever its path)
#   OUT=DIR             keep raw.tsv and logs here (default: temp dir, printed)
#
# Rows (each repetition: fresh namespace ipadmb-<pid>-<k>, one veth pair
# veth0 <-> veth1 both in it, veth1 and lo up, veth0 DOWN as after a reboot):
#   ipadm restore   the store (ROOT/etc/ipadm/ipadm.db) holds interface
#                   veth0 and N static address objects veth0/a<i>; the
#                   daemon (ipmgmtd -f -R ROOT) is started and ready, none of
#                   the addresses is in the kernel. Timed: exec of
#                   `ipadm -R ROOT restore` until it exits 0.
#   nlbench down+up the kernel floor: pipelined RTM_NEWADDR (256 per
#                   sendmsg, only the last of each asks for an ACK: the
#                   kernel still reports every failure; nlbench -m noack,
#                   its fastest correct mode) on the down veth0, then
#                   `ip link set veth0 up`; time = both processes.
#   nlbench down+up ack each   the same with NLM_F_ACK on every message
#                   (nlbench -m ack; reference row, ACK_REF=1). For IPv6 the floor's veth0
#                   first gets `addrgenmode none` (untimed), as ipadm plumbs
#                   it (ipadm's own call is timed).
#   ip -batch       one batch file: N `address add` lines, then
#                   `link set dev veth0 up`, on the down veth0.
#   networkd        systemd-networkd standalone (peers/networkd-env.sh),
#                   .network with N Address= lines; nlbench waitrun times
#                   exec of networkd until N addresses are on veth0.
#                   networkd accepts at most 8192 Address= lines per file, so
#                   N > 8192 is run with 8192 (labelled), and then the
#                   floor is also measured at 8192 for its ratio.
# Addresses: IPv4 10.100.0.0 + i /32; IPv6 2001:db8::1 + i /128. No row sets
# IFA_F_NODAD (ipadm does not, so the floor and ip -batch do not either; the
# floor's nlbench is a copy of nlbench.c with the flag cleared), except the
# IPv6 reference row "nlbench down+up nodad" (NODAD_REF=1). Every IPv6 row
# but that reference sets IFA_F_NOPREFIXROUTE, as ipadm does for /128s
# (ip -batch: `noprefixroute`; networkd cannot, and loses addresses).
# Every row is checked with an RTM_GETADDR count on veth0 (exactly N of the
# family, and for ipadm exactly N in total); a failed check marks the row
# ok=0. Timing is read inside the namespace (bash $EPOCHREALTIME), so
# `ip netns exec` is not counted.
#
# Safety: namespaces are ipadmb-<pid>-<k>, deleted on exit (trap); only the
# processes started here are signalled, by PID. Needs root, sqlite3, gcc.
set -uo pipefail

HERE=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
BUILD=${1:-${BUILD:-./build}}
BUILD=$(cd "$BUILD" && pwd) || { echo "restore.sh: no build dir" >&2; exit 1; }
IPADM=$BUILD/ipadm
IPMGMTD=$BUILD/ipmgmtd
PEERS=${PEERS:-$(dirname "$(dirname "$HERE")")/shared/bench/peers}
NS_N=${NS_N:-1000 10000}
FAMS=${FAMS:-4}
REPS=${REPS:-3}
BENCH_RT=${BENCH_RT:-1}
NETWORKD=${NETWORKD:-1}
NODAD_REF=${NODAD_REF:-1}
ACK_REF=${ACK_REF:-1}
ND=/lib/systemd/systemd-networkd
RT=()
[ "$BENCH_RT" = 1 ] && RT=(chrt -f 20)

[ "$(id -u)" = 0 ] || { echo "restore.sh: needs root" >&2; exit 1; }
for b in "$IPADM" "$IPMGMTD"; do [ -x "$b" ] || { echo "restore.sh: build first ($b)" >&2; exit 1; }; done
command -v sqlite3 >/dev/null || { echo "restore.sh: sqlite3 missing" >&2; exit 1; }

WORK=$(mktemp -d /tmp/ipadmb-restore.XXXXXX)
chmod 0755 "$WORK"  # ipmgmtd's user (netadm) must traverse it to its root
OUT=${OUT:-$WORK/out}
mkdir -p "$OUT/logs"
RAW=$OUT/raw.tsv
printf 'tool\tfam\tn\trep\tseconds\tok\tnote\n' >"$RAW"

NLBENCH=$WORK/nlbench
gcc -O2 -Wall -o "$NLBENCH" "$PEERS/nlbench.c" || { echo "restore.sh: cannot build nlbench" >&2; exit 1; }
# The v6 floor must ask the kernel for the same work as ipadm, which does not
# set IFA_F_NODAD (its addresses are tentative and DAD runs after link-up)
# but sets IFA_F_NOPREFIXROUTE on /128s (without it Linux drops thousands of
# them at link-up: "Failed to add prefix route ...; dropping"; the floor
# would not be a correct way to get the addresses into the kernel).
# nlbench hard-codes IFA_F_NODAD for v6, so the floor is built from a copy
# with that flag swapped; the original (nodad) is kept as a reference row.
NLBENCH_DAD=$WORK/nlbench-dad
sed -e 's/uint32_t fl = IFA_F_NODAD;/uint32_t fl = IFA_F_NOPREFIXROUTE;/' -e 's/ifa->ifa_flags = IFA_F_NODAD;/ifa->ifa_flags = 0;/' \
  "$PEERS/nlbench.c" >"$WORK/nlbench-dad.c"
[ "$(grep -c '= IFA_F_NODAD;' "$WORK/nlbench-dad.c")" = 0 ] || { echo "restore.sh: cannot derive nlbench-dad" >&2; exit 1; }
gcc -O2 -Wall -o "$NLBENCH_DAD" "$WORK/nlbench-dad.c" || { echo "restore.sh: cannot build nlbench-dad" >&2; exit 1; }

NS_LIST=()
PIDS=()
SEQ=0
cleanup() {
  local p n
  for p in "${PIDS[@]+"${PIDS[@]}"}"; do kill -KILL "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
  for n in "${NS_LIST[@]+"${NS_LIST[@]}"}"; do
    ip -n "$n" link del veth0 2>/dev/null
    ip netns del "$n" 2>/dev/null
  done
  case $WORK in /tmp/ipadmb-restore.*) find "$WORK" -mindepth 1 -maxdepth 1 ! -name out -exec rm -rf {} + ;; esac
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

ns_new() {  # -> NSN ; veth0 stays down
  SEQ=$((SEQ + 1))
  NSN="ipadmb-$$-$SEQ"
  ip netns add "$NSN" || exit 1
  NS_LIST+=("$NSN")
  ip -n "$NSN" link set lo up
  ip -n "$NSN" link add veth0 type veth peer name veth1
  ip -n "$NSN" link set veth1 up
}
ns_gone() {
  local n=$1 keep=() x
  ip -n "$n" link del veth0 2>/dev/null
  ip netns del "$n" 2>/dev/null
  for x in "${NS_LIST[@]}"; do [ "$x" != "$n" ] && keep+=("$x"); done
  NS_LIST=("${keep[@]+"${keep[@]}"}")
  sleep 0.5
}
timed() {  # NS LOG CMD... -> "SECONDS RC"
  local ns=$1 lf=$2
  shift 2
  ip netns exec "$ns" "${RT[@]+"${RT[@]}"}" env TIMEIT_LOG="$lf" "$PEERS/timeit.sh" "$@"
}
count() { ip netns exec "$1" "$NLBENCH" count veth0 "$2"; }
record() {  # tool fam n rep seconds ok note
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >>"$RAW"
  log "$1 v$2 N=$3 rep=$4: ${5}s ok=$6 $7"
}
add_s() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.6f", a + b}'; }

gen_addrs() {  # fam n -> one address per line, no prefix
  if [ "$1" = 4 ]; then
    awk -v n="$2" 'BEGIN{for(i=0;i<n;i++){a=100*65536+i; printf "10.%d.%d.%d\n", int(a/65536), int(a/256)%256, a%256}}'
  else
    awk -v n="$2" 'BEGIN{for(i=1;i<=n;i++){printf "2001:db8::%x:%x\n", int(i/65536), i%65536}}'
  fi
}
plen() { [ "$1" = 4 ] && echo 32 || echo 128; }

daemon_start() {  # NS ROOT -> DPID
  local ns=$1 root=$2 i
  ip netns exec "$ns" "${RT[@]+"${RT[@]}"}" "$IPMGMTD" -f -R "$root" </dev/null >>"$root.log" 2>&1 &
  DPID=$!
  PIDS+=("$DPID")
  for i in $(seq 1 3000); do
    if [ -S "$root/run/ipadm/ipmgmt.sock" ] &&
       ip netns exec "$ns" "$IPADM" -R "$root" show-if >/dev/null 2>&1; then return 0; fi
    kill -0 "$DPID" 2>/dev/null || { cat "$root.log" >&2; echo "ipmgmtd died" >&2; exit 1; }
    sleep 0.02
  done
  echo "ipmgmtd not ready" >&2
  exit 1
}
daemon_stop() {
  local keep=() x
  kill -TERM "$DPID" 2>/dev/null
  wait "$DPID" 2>/dev/null
  for x in "${PIDS[@]}"; do [ "$x" != "$DPID" ] && keep+=("$x"); done
  PIDS=("${keep[@]+"${keep[@]}"}")
}

# fill_store ROOT FAM N: schema from a first daemon start, then sqlite3
# inserts interface veth0 and N addrs rows (docs/store-format.md).
fill_store() {
  local ns=$1 root=$2 fam=$3 n=$4 af v4 v6 db
  daemon_start "$ns" "$root"
  daemon_stop
  db=$root/etc/ipadm/ipadm.db
  if [ "$fam" = 4 ]; then af=2; v4=1; v6=0; else af=10; v4=0; v6=1; fi
  gen_addrs "$fam" "$n" | awk -v af="$af" -v p="$(plen "$fam")" '{printf "veth0/a%d|veth0|%d|1|%s||%d|1|\n", NR, af, $1, p}' >"$WORK/rows"
  sqlite3 "$db" <<SQL || exit 1
PRAGMA foreign_keys = ON;
BEGIN;
INSERT INTO interfaces(ifname, v4, v6) VALUES('veth0', $v4, $v6);
CREATE TEMP TABLE t(aobjname, ifname, family, atype, local, remote, prefixlen, up, extra);
.mode list
.separator |
.import $WORK/rows t
INSERT INTO addrs(aobjname, ifname, family, atype, local, remote, prefixlen, up, extra)
  SELECT aobjname, ifname, family, atype, local, remote, prefixlen, up, extra FROM t ORDER BY rowid;
COMMIT;
SQL
  local got
  got=$(sqlite3 "$db" "SELECT count(*) FROM addrs WHERE ifname = 'veth0'")
  [ "$got" = "$n" ] || { echo "store holds $got rows, want $n" >&2; exit 1; }
}

bench_ipadm() {  # fam n rep
  local fam=$1 n=$2 rep=$3 root s rc cf ct ok out
  ns_new
  root=$WORK/root-$NSN
  mkdir -p "$root"
  fill_store "$NSN" "$root" "$fam" "$n"
  daemon_start "$NSN" "$root"   # ready: N persistent objects, none in the kernel
  [ "$(count "$NSN" 0)" = 0 ] || { echo "veth0 not empty before restore" >&2; exit 1; }
  read -r s rc < <(timed "$NSN" "$OUT/logs/ipadm-restore.log" "$IPADM" -R "$root" restore)
  cf=$(count "$NSN" "$fam"); ct=$(count "$NSN" 0)
  out=$(tail -1 "$OUT/logs/ipadm-restore.log")
  ok=0; [ "$rc" = 0 ] && [ "$cf" = "$n" ] && [ "$ct" = "$n" ] && ok=1
  case $out in *failed*) ok=0 ;; esac
  ip -n "$NSN" link show veth0 | grep -q 'state UP\|,UP' || ok=0
  record "ipadm restore" "$fam" "$n" "$rep" "$s" "$ok" "rc=$rc count_fam=$cf count_all=$ct out=\"$out\""
  daemon_stop
  ns_gone "$NSN"
}

bench_floor() {  # fam n rep [nodad|ack]
  local fam=$1 n=$2 rep=$3 s1 rc1 s2 rc2 c ok bin=$NLBENCH_DAD label="nlbench down+up (floor)" mode=noack
  if [ "${4:-}" = nodad ]; then bin=$NLBENCH; label="nlbench down+up nodad (reference)"; fi
  if [ "${4:-}" = ack ]; then mode=ack; label="nlbench down+up ack each (reference)"; fi
  ns_new
  # as ipadm plumbs it: no kernel-generated link-local address at link-up
  # (ipadm's own sysctl and RTM_SETLINK for this are inside its timing)
  [ "$fam" = 6 ] && ip -n "$NSN" link set veth0 addrgenmode none
  read -r s1 rc1 < <(timed "$NSN" "$OUT/logs/nlbench.log" "$bin" add veth0 "$fam" "$n" -m "$mode" -b 256)
  read -r s2 rc2 < <(timed "$NSN" "$OUT/logs/nlbench.log" ip link set veth0 up)
  c=$(count "$NSN" "$fam")
  [ "$fam" = 6 ] || true
  ok=0; [ "$rc1$rc2" = 00 ] && [ "$c" -ge "$n" ] && [ "$(ip -n "$NSN" -o -"$fam" addr show dev veth0 scope global | wc -l)" = "$n" ] && ok=1
  record "$label" "$fam" "$n" "$rep" "$(add_s "$s1" "$s2")" "$ok" "add=${s1}s linkup=${s2}s count_fam=$c"
  ns_gone "$NSN"
}

bench_batch() {  # fam n rep
  local fam=$1 n=$2 rep=$3 s rc c ok bf=$WORK/batch-$1-$2
  if [ ! -s "$bf" ]; then
    { gen_addrs "$fam" "$n" | awk -v p="$(plen "$fam")" -v x="$([ "$fam" = 6 ] && echo " noprefixroute")" \
        '{print "address add " $1 "/" p " dev veth0" x}'
      echo "link set dev veth0 up"; } >"$bf"
  fi
  ns_new
  read -r s rc < <(timed "$NSN" "$OUT/logs/ip-batch.log" ip -batch "$bf")
  c=$(ip -n "$NSN" -o -"$fam" addr show dev veth0 scope global | wc -l)
  ok=0; [ "$rc" = 0 ] && [ "$c" = "$n" ] && ok=1
  record "ip -batch down+up" "$fam" "$n" "$rep" "$s" "$ok" "rc=$rc count_global=$c"
  ns_gone "$NSN"
}

bench_networkd() {  # fam n rep
  local fam=$1 n=$2 rep=$3 m conf out rc ta tf fin ok label
  m=$n; label="systemd-networkd"
  if [ "$n" -gt 8192 ]; then m=8192; label="systemd-networkd (8192 = its per-file maximum)"; fi
  ns_new
  conf=$WORK/nd-$NSN
  mkdir -p "$conf"
  { printf '[Match]\nName=veth0\n\n[Link]\nRequiredForOnline=no\n\n[Network]\nLinkLocalAddressing=no\nIPv6AcceptRA=no\n'
    gen_addrs "$fam" "$m" | awk -v p="$(plen "$fam")" '{print "Address=" $1 "/" p}'
    [ "$fam" = 6 ] && true; } >"$conf/10-veth0.network"
  out=$(ip netns exec "$NSN" "${RT[@]+"${RT[@]}"}" unshare -m --propagation private "$PEERS/networkd-env.sh" "$conf" \
    "$NLBENCH" waitrun veth0 "$fam" "$m" 120 -- "$ND" 2>>"$OUT/logs/networkd.log")
  rc=$?
  echo "$NSN fam=$fam n=$m rep=$rep: $out" >>"$OUT/logs/networkd.log"
  tf=$(sed -n 's/.*t_first_s=\([^ ]*\).*/\1/p' <<<"$out")
  ta=$(sed -n 's/.*t_all_s=\([^ ]*\).*/\1/p' <<<"$out")
  fin=$(sed -n 's/.*final_dump=\([^ ]*\).*/\1/p' <<<"$out")
  ok=0; [ "$rc" = 0 ] && [ "$fin" = "$m" ] && ok=1
  record "$label" "$fam" "$m" "$rep" "${ta:-NA}" "$ok" "first_addr_at=${tf}s final_dump=$fin rc=$rc"
  ns_gone "$NSN"
}

{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "kernel: $(uname -r)"
  echo "cpu: $(lscpu | awk -F: '/Model name/{gsub(/^ +/,"",$2); print $2; exit}') x $(nproc)"
  echo "ipadm: ${IPADM_REV:-$(git -C "$HERE/.." rev-parse --short HEAD 2>/dev/null)} build=$BUILD"
  echo "networkd: $($ND --version 2>/dev/null | head -1)"
  echo "iproute2: $(ip -V)"
  echo "BENCH_RT=$BENCH_RT REPS=$REPS NS_N=$NS_N FAMS=$FAMS"
  echo "loadavg_start: $(cat /proc/loadavg)"
} >"$OUT/env.txt"
cat "$OUT/env.txt" >&2

# PROFILE=1: instead of the table, one restore per N under `strace -f -tt -T`
# attached to the ready daemon; restore_phases.py splits the request into
# phases by file descriptor (store db, map mirror db, netlink, client socket).
if [ "${PROFILE:-0}" = 1 ]; then
  for fam in $FAMS; do
    for n in $NS_N; do
      ns_new
      root=$WORK/root-$NSN
      mkdir -p "$root"
      fill_store "$NSN" "$root" "$fam" "$n"
      daemon_start "$NSN" "$root"
      ls -l /proc/"$DPID"/fd >"$OUT/fds-$fam-$n.txt" 2>&1
      for f in /proc/"$DPID"/fd/*; do echo "$(basename "$f") $(readlink "$f")"; done >"$OUT/fdmap-$fam-$n.txt"
      strace -f -tt -T -p "$DPID" -o "$OUT/strace-$fam-$n.txt" &
      SPID=$!
      PIDS+=("$SPID")
      sleep 1
      read -r s rc < <(timed "$NSN" "$OUT/logs/ipadm-restore.log" "$IPADM" -R "$root" restore)
      sleep 0.5
      kill -INT "$SPID"; wait "$SPID" 2>/dev/null
      log "profile v$fam N=$n: restore under strace ${s}s rc=$rc count=$(count "$NSN" "$fam")"
      python3 "$HERE/restore_phases.py" "$OUT/strace-$fam-$n.txt" "$OUT/fdmap-$fam-$n.txt" | tee "$OUT/phases-$fam-$n.txt"
      daemon_stop
      ns_gone "$NSN"
    done
  done
  exit 0
fi

# rows interleaved per repetition so that drift of machine load hits all alike
for fam in $FAMS; do
  for n in $NS_N; do
    for rep in $(seq "$REPS"); do
      bench_floor "$fam" "$n" "$rep"
      bench_ipadm "$fam" "$n" "$rep"
      bench_batch "$fam" "$n" "$rep"
      [ "$ACK_REF" = 1 ] && bench_floor "$fam" "$n" "$rep" ack
      [ "$fam" = 6 ] && [ "$NODAD_REF" = 1 ] && bench_floor "$fam" "$n" "$rep" nodad
      if [ "$NETWORKD" = 1 ] && [ -x "$ND" ]; then
        bench_networkd "$fam" "$n" "$rep"
        # networkd stops at 8192: give it a floor of its own size
        [ "$n" -gt 8192 ] && bench_floor "$fam" 8192 "$rep"
      fi
    done
  done
done
echo "loadavg_end: $(cat /proc/loadavg)" >>"$OUT/env.txt"

# summary: median per (tool, fam, n), ratio against the floor of the same fam/N
python3 "$HERE/restore_summary.py" "$RAW" | tee "$OUT/summary.md"
python3 "$HERE/restore_plot.py" "$RAW" "$OUT/restore-ratios.svg" "$OUT/restore-times.svg" &&
  echo "plots: $OUT/restore-ratios.svg $OUT/restore-times.svg"
echo "raw: $RAW" >&2
