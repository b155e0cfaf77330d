#!/usr/bin/env python3
"""ipadm under a real systemd as PID 1: the Debian package installed in a
container that boots twice (issue 4, service integration).

The container is this machine's own root file system seen through an
overlay (lower: /, upper: a tmpfs of the test's), so the host's files are
never changed, booted with `systemd-nspawn -b` inside a network namespace of
the test's (ipadmt-sd-<pid>, veth0 <-> veth1, both inside it). The admin-
enabled units of the host (/etc/systemd/system/*.wants) are disabled in the
overlay, so only systemd's own units and the package's run. nspawn is given
CAP_NET_ADMIN (without it ipmgmtd refuses to start, naming it).

Boot 1: the package's units were enabled by dpkg before the boot.
ipmgmtd.service (Type=notify) is active without a restart; its main process
runs as netadm with CAP_NET_ADMIN + CAP_NET_RAW effective, an empty bounding
set, no groups and no-new-privs (/proc/PID/status); ipadm-restore.service
finished before network.target, and ipadm-wait-online.service before
network-online.target (pulled in by a probe unit of the test's, ordered after
it). Persistent and temporary addresses and a
protocol property are set with ipadm and checked with `ip -j` and
/proc/sys/net from the host; `systemctl restart ipmgmtd` changes nothing in
the kernel. Boot 2, after the container was powered off and the namespace's
addresses flushed and its link set down (a reboot of the network state):
ipadm-restore.service re-creates exactly the persistent part; with IPv6 DAD
made slow (dad_transmits=3, 1 s apart), ipadm-wait-online.service waits for
it, so the probe unit started after network-online.target finds both
persistent addresses in the kernel and none tentative.

Environment: IPADM_BIN (<build>/ipadm; the build directory is its dirname).
Exit status: 0 passed, 1 failed, 77 skipped (not root, or systemd-nspawn,
cpack or dpkg missing)."""

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import IPADM, build_deb, check, clean_env, eq, wait_for  # noqa: E402

BUILD = os.path.dirname(IPADM)
NS = "ipadmt-sd-%d" % os.getpid()
MACHINE = "ipadmtsd%d" % os.getpid()
CAP_NET_ADMIN, CAP_NET_RAW = 12, 13


def sh(cmd, check_rc=True, timeout=60, input=None):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                       timeout=timeout, env=clean_env(), input=input)
    if check_rc and p.returncode != 0:
        raise AssertionError("command failed (rc=%d): %s\nstdout: %s\nstderr: %s"
                             % (p.returncode, " ".join(cmd), p.stdout[-3000:], p.stderr[-3000:]))
    return p


class Container:
    """The overlay root, the namespace and the nspawn process (one boot at a
    time). close() undoes all of it, whatever state it is in."""

    def __init__(self):
        self.tmp = tempfile.mkdtemp(prefix="ipadmt-sd-")
        self.layer = os.path.join(self.tmp, "layer")      # tmpfs: upper + work
        self.root = os.path.join(self.tmp, "root")        # the overlay
        self.mounts = []
        self.ns_made = False
        self.nspawn = None
        self.log = None

    # -- set-up
    def make(self, deb):
        os.makedirs(self.layer)
        os.makedirs(self.root)
        sh(["mount", "-t", "tmpfs", "-o", "mode=0755", "ipadmt-sd", self.layer])
        self.mounts.append(self.layer)
        for d in ("upper", "work"):
            os.makedirs(os.path.join(self.layer, d))
        sh(["mount", "-t", "overlay", "ipadmt-sd", "-o",
            "lowerdir=/,upperdir=%s/upper,workdir=%s/work" % (self.layer, self.layer), self.root])
        self.mounts.append(self.root)
        # A machine of its own, with none of the host's enabled services.
        with open(os.path.join(self.root, "etc/machine-id"), "w") as f:
            f.write(sh(["systemd-id128", "new"]).stdout.strip() + "\n")
        wants = os.path.join(self.root, "etc/systemd/system")
        for d in os.listdir(wants):
            if d.endswith(".wants") and os.path.isdir(os.path.join(wants, d)):
                shutil.rmtree(os.path.join(wants, d))
        # The package's netadm user must come from the package, not the host.
        for f in ("etc/passwd", "etc/group", "etc/shadow", "etc/gshadow"):
            path = os.path.join(self.root, f)
            if os.path.exists(path):
                with open(path) as fh:
                    lines = [ln for ln in fh if not ln.startswith("netadm:")]
                with open(path, "w") as fh:
                    fh.writelines(lines)
        for d in ("etc/ipadm", "run/ipadm"):
            shutil.rmtree(os.path.join(self.root, d), ignore_errors=True)
        # A service that needs the network online, as a real one would.
        with open(os.path.join(wants, PROBE), "w") as f:
            f.write(PROBE_UNIT)
        os.makedirs(os.path.join(wants, "multi-user.target.wants"))
        os.symlink("../" + PROBE, os.path.join(wants, "multi-user.target.wants", PROBE))
        shutil.copy(deb, os.path.join(self.root, "root/ipadm.deb"))
        # Installed before the first boot, as on a real host: dpkg enables
        # the units; systemd is not running in there yet.
        p = sh(["systemd-nspawn", "-q", "-D", self.root, "--register=no", "--keep-unit",
                "--link-journal=no", "-M", MACHINE, "dpkg", "-i", "/root/ipadm.deb"],
               timeout=300)
        print("  dpkg -i in the container:", p.stdout.strip().splitlines()[-1:])
        sh(["ip", "netns", "add", NS])
        self.ns_made = True
        sh(["ip", "-n", NS, "link", "add", "veth0", "type", "veth", "peer", "name", "veth1"])
        sh(["ip", "-n", NS, "link", "set", "veth1", "up"])

    # -- boots
    def boot(self):
        self.log = open(os.path.join(self.tmp, "boot.log"), "a")
        self.nspawn = subprocess.Popen(
            ["systemd-nspawn", "-q", "-b", "-D", self.root, "--register=no", "--keep-unit",
             "--link-journal=no", "-M", MACHINE, "--capability=CAP_NET_ADMIN",
             "--network-namespace-path=/run/netns/" + NS, "--console=pipe"],
            stdin=subprocess.DEVNULL, stdout=self.log, stderr=subprocess.STDOUT,
            env=clean_env())
        self.pid1 = wait_for(self._pid1, timeout=30, what="the container's systemd")
        # is-system-running --wait needs systemd's bus: until it answers,
        # systemctl prints nothing (or "offline").
        state = wait_for(lambda: self._state(), timeout=120, interval=0.2,
                         what="the container's boot to finish")
        if state != "running":
            failed = self.run(["systemctl", "--failed", "--no-legend"], check_rc=False).stdout
            raise AssertionError("system state %r; failed units:\n%s" % (state, failed))

    def _state(self):
        p = self.run(["systemctl", "is-system-running", "--wait"], check_rc=False, timeout=120)
        state = p.stdout.strip()
        return state if state not in ("", "offline", "initializing", "starting") else None

    def _pid1(self):
        if self.nspawn.poll() is not None:
            raise AssertionError("systemd-nspawn exited (%d): %s"
                                 % (self.nspawn.returncode, self.read_log()))
        try:
            with open("/proc/%d/task/%d/children" % (self.nspawn.pid, self.nspawn.pid)) as f:
                kids = f.read().split()
        except OSError:
            return None
        for k in kids:
            try:
                with open("/proc/%s/comm" % k) as f:
                    if f.read().strip() == "systemd":
                        return int(k)
            except OSError:
                pass
        return None

    def run(self, cmd, check_rc=True, timeout=60):
        """cmd inside the running container (all its namespaces)."""
        return sh(["nsenter", "-t", str(self.pid1), "-a"] + cmd, check_rc=check_rc,
                  timeout=timeout)

    def poweroff(self):
        if not self.nspawn or self.nspawn.poll() is not None:
            return
        self.nspawn.send_signal(signal.SIGTERM)  # nspawn: power the container off
        try:
            self.nspawn.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.nspawn.kill()
            self.nspawn.wait(timeout=30)
            raise AssertionError("container did not power off within 60 s")
        finally:
            self.log.close()

    def read_log(self):
        try:
            with open(os.path.join(self.tmp, "boot.log"), errors="replace") as f:
                return f.read()[-3000:]
        except OSError:
            return ""

    def close(self):
        if self.nspawn and self.nspawn.poll() is None:
            self.nspawn.send_signal(signal.SIGTERM)
            try:
                self.nspawn.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.nspawn.kill()
                self.nspawn.wait(timeout=30)
        for m in reversed(self.mounts):
            subprocess.run(["umount", "-l", m], stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
        self.mounts = []
        if self.ns_made:
            subprocess.run(["ip", "netns", "del", NS], stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
            self.ns_made = False
        # nspawn leaves its (empty) propagation directory for the machine.
        prop = "/run/systemd/nspawn/propagate/" + MACHINE
        if os.path.isdir(prop) and not os.listdir(prop):
            os.rmdir(prop)
        shutil.rmtree(self.tmp, ignore_errors=True)


# A unit ordered after network-online.target records the kernel's view of
# veth0 when it starts: what a service that waits for the network gets.
PROBE = "ipadmt-online-probe.service"
PROBE_OUT = "/run/ipadmt-online-probe.json"
PROBE_UNIT = """[Unit]
Description=ipadm test: the addresses of veth0 once the network is online
Wants=network-online.target
After=network-online.target

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/bin/sh -c 'ip -j addr show dev veth0 > %s'
""" % PROBE_OUT


# ---------------------------------------------------------------- oracles

def kernel_addrs():
    """{address/plen} on veth0 of the test's namespace, from the kernel."""
    out = json.loads(sh(["ip", "-n", NS, "-j", "addr", "show", "dev", "veth0"]).stdout)
    return {"%s/%d" % (a["local"], a["prefixlen"])
            for link in out for a in link.get("addr_info", [])
            if a.get("scope") == "global"}


def ns_sysctl(path):
    return sh(["ip", "netns", "exec", NS, "cat", "/proc/sys/" + path]).stdout.strip()


def unit(c, name, *props):
    out = c.run(["systemctl", "show", name] + ["-p" + p for p in props]).stdout
    return dict(line.split("=", 1) for line in out.splitlines() if "=" in line)


def status_fields(c, pid):
    out = {}
    for line in c.run(["cat", "/proc/%d/status" % pid]).stdout.splitlines():
        k, _, v = line.partition(":")
        out[k] = v.strip()
    return out


PERSISTENT = {"192.0.2.10/24", "2001:db8::10/64"}
TEMPORARY = {"198.51.100.7/24"}


def check_service(c):
    d = unit(c, "ipmgmtd.service", "Type", "ActiveState", "SubState", "MainPID", "NRestarts",
             "Result")
    eq((d["Type"], d["ActiveState"], d["SubState"], d["Result"]),
       ("notify", "active", "running", "success"), "ipmgmtd.service state")
    eq(d["NRestarts"], "0", "ipmgmtd.service restarts")
    pid = int(d["MainPID"])
    st = status_fields(c, pid)
    netadm = c.run(["getent", "passwd", "netadm"]).stdout.split(":")
    eq(st["Uid"].split(), [netadm[2]] * 4, "ipmgmtd uids (netadm)")
    eq(st["Gid"].split(), [netadm[3]] * 4, "ipmgmtd gids (netadm)")
    eq(st.get("Groups", ""), "", "supplementary groups")
    eq(int(st["CapEff"], 16), (1 << CAP_NET_ADMIN) | (1 << CAP_NET_RAW), "CapEff")
    eq(int(st["CapBnd"], 16), 0, "CapBnd")
    eq(st["NoNewPrivs"], "1", "NoNewPrivs")
    r = unit(c, "ipadm-restore.service", "ActiveState", "Result",
             "ActiveEnterTimestampMonotonic")
    eq((r["ActiveState"], r["Result"]), ("active", "success"), "ipadm-restore.service")
    n = unit(c, "network.target", "ActiveState", "ActiveEnterTimestampMonotonic")
    eq(n["ActiveState"], "active", "network.target")
    check(0 < int(r["ActiveEnterTimestampMonotonic"]) <= int(n["ActiveEnterTimestampMonotonic"]),
          "ipadm-restore finished before network.target: %r %r" % (r, n))
    # network-online.target (pulled in by the probe) waited for ipadm.
    w = unit(c, "ipadm-wait-online.service", "ActiveState", "Result",
             "ExecMainStartTimestampMonotonic", "ActiveEnterTimestampMonotonic")
    eq((w["ActiveState"], w["Result"]), ("active", "success"), "ipadm-wait-online.service")
    o = unit(c, "network-online.target", "ActiveState", "ActiveEnterTimestampMonotonic")
    eq(o["ActiveState"], "active", "network-online.target")
    check(int(r["ActiveEnterTimestampMonotonic"]) <= int(w["ExecMainStartTimestampMonotonic"])
          and 0 < int(w["ActiveEnterTimestampMonotonic"])
          <= int(o["ActiveEnterTimestampMonotonic"]),
          "restore, then wait-online, then network-online.target: %r %r %r" % (r, w, o))
    return pid


def wait_online_seconds(c):
    w = unit(c, "ipadm-wait-online.service", "ExecMainStartTimestampMonotonic",
             "ActiveEnterTimestampMonotonic")
    return (int(w["ActiveEnterTimestampMonotonic"])
            - int(w["ExecMainStartTimestampMonotonic"])) / 1e6


def probe_addrs(c):
    """{address: tentative?} of veth0 as the probe unit saw it."""
    out = json.loads(c.run(["cat", PROBE_OUT]).stdout or "[]")
    return {a["local"]: bool(a.get("tentative")) for link in out
            for a in link.get("addr_info", []) if a.get("scope") == "global"}


def test_boot_configure_restart_reboot(c):
    c.boot()
    pid = check_service(c)
    print("  boot 1: ipmgmtd pid %d (in the container), units and privileges as expected" % pid)
    ipadm = lambda *a: c.run(["ipadm"] + list(a))  # noqa: E731
    ipadm("create-if", "veth0")
    ipadm("create-addr", "-T", "static", "-a", "192.0.2.10/24", "veth0/v4")
    ipadm("create-addr", "-T", "static", "-a", "2001:db8::10/64", "veth0/v6")
    ipadm("create-addr", "-t", "-T", "static", "-a", "198.51.100.7/24", "veth0/tmp")
    ipadm("set-prop", "-p", "ttl=99", "ipv4")
    eq(kernel_addrs(), PERSISTENT | TEMPORARY, "kernel addresses after create-addr")
    eq(ns_sysctl("net/ipv4/ip_default_ttl"), "99", "ip_default_ttl after set-prop")

    c.run(["systemctl", "restart", "ipmgmtd.service"])
    d = unit(c, "ipmgmtd.service", "ActiveState", "MainPID")
    eq(d["ActiveState"], "active", "ipmgmtd after restart")
    check(int(d["MainPID"]) != pid, "restart started a new process")
    eq(kernel_addrs(), PERSISTENT | TEMPORARY, "kernel addresses after systemctl restart")
    # The objects are still known (the v6 one may still be in DAD: tentative).
    want = {"veth0/v4:ok", "veth0/v6:ok", "veth0/tmp:ok"}
    wait_for(lambda: want <= set(ipadm("show-addr", "-p", "-o", "addrobj,state").stdout.split()),
             timeout=10, what="%s after the restart" % sorted(want))

    c.poweroff()
    # The network state of a reboot: no addresses, link down, default TTL.
    sh(["ip", "-n", NS, "addr", "flush", "dev", "veth0"])
    sh(["ip", "-n", NS, "link", "set", "veth0", "down"])
    sh(["ip", "netns", "exec", NS, "sysctl", "-q", "-w", "net.ipv4.ip_default_ttl=64"])
    # IPv6 DAD that takes about 3 s once restore brings veth0 up.
    sh(["ip", "netns", "exec", NS, "sysctl", "-q", "-w", "net.ipv6.conf.veth0.dad_transmits=3",
        "net.ipv6.neigh.veth0.retrans_time_ms=1000"])
    eq(kernel_addrs(), set(), "kernel addresses before boot 2")

    c.boot()
    check_service(c)
    # The service ordered after network-online.target found the persistent
    # addresses in the kernel with DAD over, because wait-online waited.
    seen = probe_addrs(c)
    eq(seen, {"192.0.2.10": False, "2001:db8::10": False},
       "veth0 as the network-online service saw it (address: tentative)")
    took = wait_online_seconds(c)
    check(took > 1.0, "ipadm wait-online returned after %.2fs: it did not wait for DAD" % took)
    print("  boot 2: ipadm-wait-online waited %.1fs for DAD before network-online.target" % took)
    wait_for(lambda: kernel_addrs() == PERSISTENT, timeout=10,
             what="the persistent addresses after boot 2 (have %r)" % kernel_addrs())
    eq(ns_sysctl("net/ipv4/ip_default_ttl"), "99", "ip_default_ttl after boot 2")
    link = json.loads(sh(["ip", "-n", NS, "-j", "link", "show", "dev", "veth0"]).stdout)[0]
    check("UP" in link["flags"], "veth0 up after boot 2: %r" % link["flags"])
    log = c.run(["journalctl", "-b", "-u", "ipadm-restore.service", "--no-pager"]).stdout
    check("restored 1 interface(s), 2 address(es)" in log, "restore's report: %s" % log[-800:])
    out = c.run(["ipadm", "show-addr", "-p", "-o", "addrobj"]).stdout.split()
    check("veth0/tmp" not in out, "the temporary object is gone after the reboot: %r" % out)
    print("  boot 2: restored %s, ttl 99" % sorted(PERSISTENT))
    c.poweroff()


def main():
    if os.geteuid() != 0:
        print("SKIP: needs root")
        sys.exit(77)
    for tool in ("systemd-nspawn", "cpack", "dpkg", "nsenter"):
        if not shutil.which(tool):
            print("SKIP: %s not found (scripts/deps.sh installs it)" % tool)
            sys.exit(77)
    signal.signal(signal.SIGTERM, lambda s, f: sys.exit(128 + s))
    c = Container()
    t0 = time.monotonic()
    failed = False
    try:
        deb = build_deb(BUILD, os.path.join(c.tmp, "out"))
        c.make(deb)
        test_boot_configure_restart_reboot(c)
    except Exception:  # noqa: BLE001 - report every kind of failure
        failed = True
        traceback.print_exc(file=sys.stdout)
        print("---- nspawn output (tail) ----\n" + c.read_log())
    finally:
        c.close()
    print("%s test_boot_configure_restart_reboot (%.1fs)"
          % ("FAIL" if failed else "PASS", time.monotonic() - t0))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
