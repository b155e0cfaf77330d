#!/bin/bash
# run.sh - build ipadm/ipmgmtd and try them in a sandbox network namespace.
#
#   ./run.sh          install missing packages, build, (re)create the sandbox
#                     and walk through a short tour: create-if, create-addr,
#                     show-*, ping the peer, kill -9 + restart of the daemon,
#                     a simulated reboot and enable-if.
#   ./run.sh shell    an interactive bash inside the sandbox namespace, with
#                     build/ on PATH and IPADM_ROOT set (starts the sandbox
#                     if needed); try `ipadm show-addr`.
#   ./run.sh clean    stop the sandbox daemon, delete the namespaces and
#                     sandbox/.
#   env: BUILD=dir (default build), NO_BUILD=1 (tour without deps/build).
#
# The sandbox: namespaces ipadm-sbx (interface sbx0, where ipmgmtd runs with
# root prefix ./sandbox/root) and ipadm-sbx-peer (peer0: 192.0.2.1/24 and
# 2001:db8::1/64), joined by a veth pair. Nothing outside these namespaces is
# touched. Needs root. Every mode is idempotent.
set -euo pipefail

cd "$(dirname "$(readlink -f "$0")")"
TOP=$PWD
BUILD=${BUILD:-build}
case $BUILD in /*) BDIR=$BUILD ;; *) BDIR=$TOP/$BUILD ;; esac
IPADM=$BDIR/ipadm
IPMGMTD=$BDIR/ipmgmtd
SBX=$TOP/sandbox
ROOT=$SBX/root
PIDFILE=$SBX/ipmgmtd.pid
LOG=$SBX/ipmgmtd.log
NS=ipadm-sbx
PEER=ipadm-sbx-peer
IF=sbx0
PEERIF=peer0

if [ -t 1 ]; then B=$'\e[1m'; C=$'\e[36m'; N=$'\e[0m'; else B=; C=; N=; fi

say() { printf '\n%s== %s%s\n' "$B" "$*" "$N"; }
die() { echo "run.sh: $*" >&2; exit 1; }

need_root() { [ "$(id -u)" = 0 ] || die "needs root (network namespaces); try: sudo $0 $*"; }

# Shows a command as the user would type it in `./run.sh shell`, then runs it.
show_cmd() { printf '%s[%s]# %s%s\n' "$C" "$NS" "$*" "$N"; }
sbx() { # sbx CMD... : run CMD in the sandbox namespace, printed first
  show_cmd "$*"
  ip netns exec "$NS" env PATH="$BDIR:$PATH" IPADM_ROOT="$ROOT" "$@"
}
sbx_quiet() { ip netns exec "$NS" env PATH="$BDIR:$PATH" IPADM_ROOT="$ROOT" "$@"; }
host() { printf '%s# %s%s\n' "$C" "$*" "$N"; "$@"; }

build() {
  say "installing missing packages (scripts/deps.sh)"
  ./scripts/deps.sh
  say "building ($BUILD/)"
  cmake -S . -B "$BUILD" >/dev/null
  cmake --build "$BUILD" -j"$(nproc)"
}

ns_exists() { [ -e "/run/netns/$1" ]; }

ns_up() {
  if ns_exists "$NS" && ns_exists "$PEER" && ip -n "$NS" link show "$IF" >/dev/null 2>&1; then
    return 0
  fi
  ns_down
  ip netns add "$NS"
  ip netns add "$PEER"
  ip -n "$NS" link set lo up
  ip -n "$PEER" link set lo up
  ip -n "$NS" link add "$IF" type veth peer name "$PEERIF" netns "$PEER"
  ip -n "$PEER" addr add 192.0.2.1/24 dev "$PEERIF"
  ip -n "$PEER" addr add 2001:db8::1/64 dev "$PEERIF" nodad
  ip -n "$PEER" link set "$PEERIF" up
}

ns_down() {
  local n
  for n in "$NS" "$PEER"; do
    if ns_exists "$n"; then ip netns del "$n"; fi
  done
}

# The PID in $PIDFILE if it is our ipmgmtd on $ROOT, else nothing.
daemon_pid() {
  [ -s "$PIDFILE" ] || return 1
  local pid cmd
  pid=$(cat "$PIDFILE")
  [ -r "/proc/$pid/cmdline" ] || return 1
  cmd=$(tr '\0' ' ' <"/proc/$pid/cmdline")
  case $cmd in *ipmgmtd*"$ROOT"*) ;; *) return 1 ;; esac
  grep -q '^State:.*Z' "/proc/$pid/status" 2>/dev/null && return 1
  echo "$pid"
}

daemon_start() {
  if daemon_pid >/dev/null; then return 0; fi
  mkdir -p "$ROOT"
  # -f: foreground (we keep its PID); run detached from this shell.
  # setsid: a session of its own, so a Ctrl-C in this terminal does not reach
  # it (a background job of a script is no group leader: setsid does not fork).
  setsid ip netns exec "$NS" "$IPMGMTD" -f -R "$ROOT" </dev/null >>"$LOG" 2>&1 &
  echo $! >"$PIDFILE"
  local i
  for i in $(seq 1 100); do
    if [ -S "$ROOT/run/ipadm/ipmgmt.sock" ] &&
       sbx_quiet "$IPADM" show-if >/dev/null 2>&1; then
      echo "ipmgmtd running, pid $(cat "$PIDFILE"), root $ROOT, log $LOG"
      return 0
    fi
    daemon_pid >/dev/null || { tail -20 "$LOG" >&2; die "ipmgmtd exited during start-up"; }
    sleep 0.1
  done
  tail -20 "$LOG" >&2
  die "ipmgmtd did not become ready"
}

# daemon_stop [SIGNAL]
daemon_stop() {
  local sig=${1:-TERM} pid i
  pid=$(daemon_pid) || { rm -f "$PIDFILE"; return 0; }
  kill "-$sig" "$pid"
  for i in $(seq 1 100); do
    daemon_pid >/dev/null || break
    sleep 0.1
  done
  if daemon_pid >/dev/null; then kill -KILL "$pid"; sleep 0.2; fi
  wait "$pid" 2>/dev/null || true
  rm -f "$PIDFILE"
}

sandbox_up() {
  ns_up
  daemon_start
}

clean() {
  daemon_stop TERM
  ns_down
  rm -rf "$SBX"
}

wait_dad() {
  local i
  for i in $(seq 1 50); do
    [ -z "$(ip -n "$NS" -6 addr show dev "$IF" tentative)" ] && return 0
    sleep 0.1
  done
}

kernel_addrs() { ip -n "$NS" -j addr show dev "$IF"; }

tour() {
  say "a fresh sandbox: namespaces $NS ($IF) and $PEER ($PEERIF: 192.0.2.1/24, 2001:db8::1/64)"
  clean
  mkdir -p "$SBX"
  ns_up
  daemon_start

  say "configure: one interface, one IPv4 and one IPv6 address object"
  sbx ipadm create-if "$IF"
  sbx ipadm create-addr -T static -a 192.0.2.10/24 "$IF/v4"
  sbx ipadm create-addr -T static -a 2001:db8::10/64 "$IF/v6"
  sbx ipadm create-addr -t -T static -a 198.51.100.10/24 "$IF/tmp"
  wait_dad
  sbx ipadm show-if
  sbx ipadm show-addr
  sbx ipadm show-addr -o all "$IF/"

  say "the peer answers"
  sbx ping -c 2 -i 0.2 -W 2 192.0.2.1
  sbx ping -6 -c 2 -i 0.2 -W 2 2001:db8::1

  say "kill -9 the daemon and start it again: names and kernel state survive"
  local before after
  before=$(kernel_addrs)
  host kill -9 "$(cat "$PIDFILE")"
  wait "$(cat "$PIDFILE")" 2>/dev/null || true
  rm -f "$PIDFILE"
  daemon_start
  sbx ipadm show-addr
  after=$(kernel_addrs)
  sbx ip -j addr show dev "$IF"
  echo "$after" | python3 -c 'import json,sys; [print("   kernel:", a["local"] + "/" + str(a["prefixlen"])) for l in json.load(sys.stdin) for a in l["addr_info"]]'
  if [ "$before" = "$after" ]; then
    echo "kernel address list before and after the restart: identical"
  else
    die "kernel address list changed across the restart"
  fi

  say "simulated reboot: stop the daemon, re-create the namespaces, wipe sandbox/root/run"
  daemon_stop TERM
  ns_down
  rm -rf "$ROOT/run"
  ns_up
  daemon_start
  sbx ipadm show-if
  sbx ipadm show-addr
  sbx ipadm enable-if -t "$IF"
  wait_dad
  sbx ipadm show-addr
  sbx ping -c 2 -i 0.2 -W 2 192.0.2.1
  sbx ping -6 -c 2 -i 0.2 -W 2 2001:db8::1

  say "done; the sandbox keeps running"
  echo "  ./run.sh shell   # a shell in $NS: try 'ipadm show-addr', 'ipadm help'"
  echo "  ./run.sh clean   # stop the daemon, delete the namespaces and sandbox/"
}

shell() {
  if [ ! -x "$IPADM" ] || [ ! -x "$IPMGMTD" ]; then build; fi
  mkdir -p "$SBX"
  sandbox_up
  echo "sandbox shell in namespace $NS (exit to leave; the sandbox keeps running)"
  {
    echo '[ -r ~/.bashrc ] && . ~/.bashrc'
    printf 'export PATH=%q:"$PATH" IPADM_ROOT=%q\n' "$BDIR" "$ROOT"
    printf "PS1='[%s] \\\\w# '\n" "$NS"
  } >"$SBX/bashrc"
  exec ip netns exec "$NS" bash --rcfile "$SBX/bashrc" -i
}

case ${1:-tour} in
  tour) need_root; [ -n "${NO_BUILD:-}" ] || build; tour ;;
  shell) need_root; shell ;;
  clean) need_root; clean; echo "sandbox removed" ;;
  -h|--help|help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//' ;;
  *) die "unknown mode '$1' (modes: [tour] | shell | clean)" ;;
esac
