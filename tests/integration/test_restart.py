#!/usr/bin/env python3
"""Daemon restart: kill -9 and restart on the same root keeps every name and
leaves the kernel untouched; SIGTERM exits cleanly; a second daemon on the
same root is refused (spec 6.7, architecture 'Daemon start-up')."""

import os
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (IPMGMTD, Env, check, clean_env, eq, main,  # noqa: E402
                     socket_accepts)


def populate(e):
    """~20 objects: persistent and temporary, v4 and v6, one p2p, one down,
    plus one unmanaged address. Returns the set of addrobj names."""
    names = set()
    e.ipadm_ok("create-if", "veth0")
    for i in range(6):
        e.ipadm_ok("create-addr", "-T", "static", "-a", "192.0.2.%d/24" % (10 + i),
                   "veth0/p4x%d" % i)
        e.ipadm_ok("create-addr", "-T", "static", "-a", "2001:db8::%x/64" % (0x10 + i),
                   "veth0/p6x%d" % i)
        names |= {"veth0/p4x%d" % i, "veth0/p6x%d" % i}
    for i in range(4):
        e.ipadm_ok("create-addr", "-t", "-T", "static", "-a", "198.18.0.%d/16" % (10 + i),
                   "veth0/t4x%d" % i)
        e.ipadm_ok("create-addr", "-t", "-T", "static", "-a", "2001:db8:2::%x/64" % (0x10 + i),
                   "veth0/t6x%d" % i)
        names |= {"veth0/t4x%d" % i, "veth0/t6x%d" % i}
    e.ipadm_ok("create-addr", "-T", "static", "-a", "local=10.9.0.1,remote=10.9.0.2",
               "veth0/ptp")
    e.ipadm_ok("create-addr", "-d", "-T", "static", "-a", "192.0.2.99/24", "veth0/dn")
    names |= {"veth0/ptp", "veth0/dn"}
    e.nsexec("ip", "addr", "add", "203.0.113.77/24", "dev", "veth0", check=True)
    e.settle()
    return names


MARK = "203.0.113.78/32"


def kernel_bytes(e):
    _, out, _ = e.nsexec("ip", "-j", "addr", "show", "dev", "veth0", check=True)
    return out


class AddrMonitor:
    """`ip monitor address` in the namespace: counts every address event."""

    def __init__(self, e):
        self.p = subprocess.Popen(["ip", "-o", "-n", e.ns, "monitor", "address"],
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                  env=clean_env())
        time.sleep(0.3)  # let it subscribe

    def stop(self):
        time.sleep(0.3)
        os.kill(self.p.pid, signal.SIGTERM)
        out, _ = self.p.communicate(timeout=10)
        return [l for l in out.splitlines() if l.strip()]


def test_kill9_restart_keeps_state():
    with Env() as e:
        e.start_daemon()
        names = populate(e)
        rows_before = e.show_addr_map()
        eq(set(rows_before), names, "managed names before the kill")
        unnamed_before = sorted(r["addr"] for r in e.show_addr_rows() if r["addrobj"] == "veth0/?")
        eq(unnamed_before, ["203.0.113.77/24"], "unmanaged rows")
        if_before = e.show_if_map()
        k_before = kernel_bytes(e)

        mon = AddrMonitor(e)
        try:
            # positive control: the monitor sees these two events
            e.nsexec("ip", "addr", "add", MARK, "dev", "veth0", check=True)
            e.nsexec("ip", "addr", "del", MARK, "dev", "veth0", check=True)
            e.stop_daemon(signal.SIGKILL)
            check(os.path.exists(e.sock), "socket file of a killed daemon (stale) expected")
            e.start_daemon()
            rows_after = e.show_addr_map()
            if_after = e.show_if_map()
        finally:
            events = mon.stop()
        marks = [l for l in events if MARK.split("/")[0] in l]
        check(len(marks) >= 2, "address monitor missed the control events: %r" % events)
        eq([l for l in events if l not in marks], [],
           "kernel address events during kill -9 + restart")
        eq(kernel_bytes(e), k_before, "ip -j addr show dev veth0 (bytes)")
        eq(rows_after, rows_before, "show-addr after restart")
        eq(if_after, if_before, "show-if after restart")
        unnamed_after = sorted(r["addr"] for r in e.show_addr_rows() if r["addrobj"] == "veth0/?")
        eq(unnamed_after, unnamed_before, "unmanaged rows after restart")

        # Objects created before the kill are still fully managed.
        e.ipadm_ok("delete-addr", "veth0/p4x0")
        e.ipadm_ok("delete-addr", "veth0/t6x1")
        e.ipadm_ok("delete-addr", "veth0/dn")
        got = e.kaddrs("veth0")
        check(("192.0.2.10", 24) not in got, "veth0/p4x0 still in the kernel")
        check(("2001:db8:2::11", 64) not in got, "veth0/t6x1 still in the kernel")
        check(("203.0.113.77", 24) in got, "unmanaged address lost")
        left = set(e.show_addr_map())
        eq(left, names - {"veth0/p4x0", "veth0/t6x1", "veth0/dn"}, "names after deletes")
        # The names are still reserved.
        e.ipadm_fail(["create-addr", "-t", "-T", "static", "-a", "192.0.2.200/24",
                      "veth0/p4x1"], "Address object already exists")
        e.ipadm_fail(["create-addr", "-t", "-T", "static", "-a", "192.0.2.200/24",
                      "veth0/t4x1"], "Address object already exists")

        # A second kill -9 in a row, with a create right before it.
        e.ipadm_ok("create-addr", "-t", "-T", "static", "-a", "192.0.2.201/24", "veth0/late")
        e.stop_daemon(signal.SIGKILL)
        e.start_daemon()
        eq(e.show_addr_map()["veth0/late"]["addr"], "192.0.2.201/24", "veth0/late after kill")
        e.ipadm_ok("delete-addr", "veth0/late")
        check(("192.0.2.201", 24) not in e.kaddrs("veth0"), "veth0/late still in kernel")

        # Persistent state is intact as well: after a reboot exactly the
        # persistent objects remain (disabled) and come back with enable-if.
        e.reboot()
        persist = {n for n in names if "/p" in n} - {"veth0/p4x0"}
        rows = e.show_addr_map()
        eq(set(rows), persist, "persistent names after reboot")
        e.ipadm_ok("enable-if", "-t", "veth0")
        check(("192.0.2.11", 24) in e.kaddrs("veth0"), "persistent address back after enable-if")


def test_sigterm_clean_exit():
    with Env() as e:
        e.start_daemon()
        e.ipadm_ok("create-addr", "-T", "static", "-a", "192.0.2.10/24", "veth0/v4")
        rc = e.stop_daemon(signal.SIGTERM)
        eq(rc, 0, "exit status after SIGTERM")
        check(not os.path.exists(e.sock), "socket file left behind after SIGTERM")
        eq(e.kaddrs("veth0"), {("192.0.2.10", 24)}, "a clean stop leaves the kernel alone")
        # without a daemon, the CLI fails cleanly
        rc, out, err = e.ipadm("create-addr", "-T", "static", "-a", "192.0.2.11/24", "veth0/x")
        eq(rc, 1, "create-addr without a daemon")
        check(err.strip() != "", "an error message without a daemon")
        e.start_daemon()
        eq(e.show_addr_map()["veth0/v4"]["state"] in ("ok", "inaccessible"), True,
           "veth0/v4 known after a clean restart")
        # SIGINT is a clean stop too
        rc = e.stop_daemon(signal.SIGINT)
        eq(rc, 0, "exit status after SIGINT")
        check(not os.path.exists(e.sock), "socket file left behind after SIGINT")


def test_second_daemon_refused():
    with Env() as e:
        e.start_daemon()
        e.ipadm_ok("create-addr", "-T", "static", "-a", "192.0.2.10/24", "veth0/v4")
        first = e.daemon
        p = subprocess.run(["ip", "netns", "exec", e.ns, IPMGMTD, "-f", "-R", e.root],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                           timeout=30, env=clean_env())
        check(p.returncode != 0, "a second ipmgmtd on the same root exited %d\nstderr: %s"
              % (p.returncode, p.stderr))
        check(first.poll() is None, "the first daemon died")
        check(socket_accepts(e.sock), "the socket no longer accepts")
        e.ipadm_ok("create-addr", "-T", "static", "-a", "192.0.2.11/24", "veth0/v4b")
        eq(e.kaddrs("veth0"), {("192.0.2.10", 24), ("192.0.2.11", 24)}, "kernel")
        rows = e.show_addr_map()
        check({"veth0/v4", "veth0/v4b"} <= set(rows), "names: %r" % rows)
        e.ipadm_ok("delete-addr", "veth0/v4")
        # still the same daemon
        check(e.daemon is first and first.poll() is None, "first daemon replaced")
        eq(e.stop_daemon(), 0, "first daemon exit status")


def test_temporary_values_survive_restart():
    """-t values the kernel cannot hold (private, exchange_routes, the
    interface metric) come back after a SIGKILL and restart, as the kernel's
    own values do; the kernel's address stays untouched."""
    with Env() as e:
        e.start_daemon()
        e.ipadm_ok("create-addr", "-T", "static", "-a", "192.0.2.10/24", "veth0/v4")
        e.ipadm_ok("set-addrprop", "-t", "-p", "private=on", "veth0/v4")
        e.ipadm_ok("set-ifprop", "-t", "-p", "exchange_routes=off", "-m", "ipv4", "veth0")
        before = e.kaddr("192.0.2.10")
        e.stop_daemon(signal.SIGKILL)
        e.start_daemon()
        out = e.ipadm_ok("show-addrprop", "-c", "-o", "current,persistent", "-p", "private",
                         "veth0/v4").strip()
        eq(out, "on:", "private: temporary value kept, nothing persisted")
        out = e.ipadm_ok("show-ifprop", "-c", "-o", "current", "-p", "exchange_routes",
                         "-m", "ipv4", "veth0").strip()
        eq(out, "off", "exchange_routes kept")
        check("p" in e.show_addr_map()["veth0/v4"]["current"], "show-addr 'p' letter")
        eq(e.kaddr("192.0.2.10"), before, "kernel address untouched")


if __name__ == "__main__":
    main([
        test_temporary_values_survive_restart,
        test_kill9_restart_keeps_state,
        test_sigterm_clean_exit,
        test_second_daemon_refused,
    ])
