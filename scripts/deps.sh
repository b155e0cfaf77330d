#!/bin/sh
# Installs what the build, the tests and the sandbox need (Debian 12), only
# the packages that are missing. Safe to run repeatedly.
# `deps.sh fuzz` also installs clang and its libFuzzer/sanitizer runtimes
# (tests/fuzz/run.sh; the CI run does not need them).
set -eu
PKGS="cmake g++ make pkg-config libmnl-dev libsqlite3-dev libprotobuf-dev protobuf-compiler
libsystemd-dev libcap-ng-dev nlohmann-json3-dev libgtest-dev libgmock-dev
iproute2 iputils-ping python3 sqlite3 util-linux procps strace dnsmasq-base radvd udhcpc isc-dhcp-client ethtool
systemd-container"
if [ "${1:-}" = fuzz ]; then PKGS="$PKGS clang libclang-rt-14-dev"; fi
missing=""
for p in $PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "deps: installing:$missing" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q $missing >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q $missing >/dev/null; }
fi
