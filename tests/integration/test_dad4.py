#!/usr/bin/env python3
"""IPv4 duplicate address detection (RFC 5227 ARP probes) against a real
host on the link: the peer namespace.

A static IPv4 address the peer already uses is `duplicate` as soon as
create-addr returns, and is not in the kernel (so this host never answers
for it); up-addr refuses it (DAD_FOUND); once the peer gives the address up,
refresh-addr probes again and brings it into the kernel, `ok`. An address
nobody uses stays `ok`. enable-if and boot restore probe in the
background and take back only the conflicting address."""

import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import IPADM, IPMGMTD, Env, check, eq, main, wait_for  # noqa: E402

CONFLICT = "192.0.2.50"


def in_kernel(e, local):
    return any(a.get("local") == local for a in e.addr_info("veth0"))


def state(e, aobj):
    return (e.show_addr_map().get(aobj) or {}).get("state")


def start(e, extra=()):
    """The daemon, and veth0 plumbed and running."""
    e.start_daemon(extra=list(extra))
    e.ipadm_ok("create-if", "veth0")
    e.wait_running("veth0")


def timed_create(e, addr, aobj):
    """create-addr -T static; returns the seconds it took."""
    t0 = time.monotonic()
    e.ipadm_ok("create-addr", "-T", "static", "-a", addr, aobj)
    return time.monotonic() - t0


def peer_addr(e, op):
    e.nsexec("ip", "addr", op, CONFLICT + "/24", "dev", "veth1", ns=e.peer, check=True)


def test_conflict_is_duplicate_then_refresh():
    with Env() as e:
        peer_addr(e, "add")
        start(e)
        # Not an error, as illumos: the object exists, in state duplicate.
        took = timed_create(e, CONFLICT + "/24", "veth0/dup")
        check(took < 2.5, "create-addr took %.2fs" % took)
        # No waiting: create-addr returned with the verdict.
        check(not in_kernel(e, CONFLICT), "the duplicate address is in the kernel")
        eq(state(e, "veth0/dup"), "duplicate", "state after create-addr")
        e.ipadm_fail(["up-addr", "-t", "veth0/dup"], "Duplicate address detected")
        # Still in use: refresh-addr finds it again.
        e.ipadm_ok("refresh-addr", "veth0/dup")
        eq(state(e, "veth0/dup"), "duplicate", "state after refresh, still in use")
        check(not in_kernel(e, CONFLICT), "still-duplicate address is in the kernel")
        # The peer gives it up: refresh-addr probes again.
        peer_addr(e, "del")
        e.ipadm_ok("refresh-addr", "veth0/dup")
        eq(state(e, "veth0/dup"), "ok", "state after refresh")
        check(in_kernel(e, CONFLICT), "address not in the kernel after refresh")


def test_probe_wait_does_not_block_others():
    """The wait for the probes releases the service lock (architecture.md,
    Concurrency): a read and an unrelated write are answered meanwhile."""
    with Env() as e:
        start(e)
        t0 = time.monotonic()
        slow = subprocess.Popen(["ip", "netns", "exec", e.ns, IPADM, "-R", e.root, "create-addr",
                                 "-T", "static", "-a", "192.0.2.10/24", "veth0/a"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        wait_for(lambda: in_kernel(e, "192.0.2.10"), timeout=5, what="192.0.2.10 probed")
        t1 = time.monotonic()
        e.ipadm_ok("show-addr")
        t_read = time.monotonic() - t1
        t2 = time.monotonic()
        e.ipadm_ok("create-addr", "-T", "static", "-d", "-a", "192.0.2.11/24", "veth0/b")
        t_write = time.monotonic() - t2
        out, err = slow.communicate(timeout=30)
        t_slow = time.monotonic() - t0
        eq(slow.returncode, 0, "create-addr (%s)" % err)
        check(t_slow >= 0.5, "create-addr took only %.2fs: no probe wait" % t_slow)
        check(t_read < 0.3 and t_write < 0.3,
              "blocked behind the probe wait: show-addr %.2fs, create-addr -d %.2fs "
              "(probed create-addr %.2fs)" % (t_read, t_write, t_slow))


def test_free_address_stays_ok():
    with Env() as e:
        start(e)
        e.ipadm_ok("create-addr", "-T", "static", "-a", "192.0.2.10/24", "veth0/v4")
        eq(state(e, "veth0/v4"), "ok", "state after create-addr")
        check(in_kernel(e, "192.0.2.10"), "address not in the kernel")
        # It works with the peer (the probe did not disturb anything).
        e.nsexec("ping", "-c", "1", "-W", "2", "192.0.2.10", ns=e.peer, check=True)


def test_noarp_link_is_not_probed():
    with Env() as e:
        peer_addr(e, "add")
        e.start_daemon()
        e.ipadm_ok("create-if", "veth0")
        e.ipadm_ok("set-ifprop", "-t", "-p", "arp=off", "-m", "ipv4", "veth0")
        e.wait_running("veth0")
        e.ipadm_ok("create-addr", "-T", "static", "-a", CONFLICT + "/24", "veth0/n")
        eq(state(e, "veth0/n"), "ok", "state on a NOARP link")
        check(in_kernel(e, CONFLICT), "address not in the kernel")


def test_daemon_switch_turns_it_off():
    with Env() as e:
        peer_addr(e, "add")
        for bad in ("-1", "21", "x", ""):
            rc, _, err = e.nsexec(IPMGMTD, "-f", "-R", e.root, "-A", bad)
            check(rc != 0 and "Usage: ipmgmtd" in err, "-A %r: rc %d, %r" % (bad, rc, err))
        start(e, ["-A", "0"])
        took = timed_create(e, CONFLICT + "/24", "veth0/n")
        check(took < 0.4, "create-addr with -A 0 took %.2fs" % took)
        eq(state(e, "veth0/n"), "ok", "state with detection off")
        check(in_kernel(e, CONFLICT), "address not in the kernel")


def test_enable_if_probes_in_background():
    with Env() as e:
        start(e)
        e.ipadm_ok("create-addr", "-T", "static", "-a", "192.0.2.10/24", "veth0/a")
        e.ipadm_ok("create-addr", "-T", "static", "-a", CONFLICT + "/24", "veth0/b")
        e.ipadm_ok("disable-if", "-t", "veth0")
        peer_addr(e, "add")
        e.ipadm_ok("enable-if", "-t", "veth0")
        e.wait_addr_state("veth0/b", "duplicate", timeout=10)
        check(not in_kernel(e, CONFLICT), "the duplicate address is in the kernel")
        check(in_kernel(e, "192.0.2.10"), "the other address was taken back too")
        eq(state(e, "veth0/a"), "ok", "state of the other address")


def test_boot_restore_probes_in_background():
    with Env() as e:
        start(e)
        for i, a in enumerate(["192.0.2.10", "192.0.2.11", CONFLICT]):
            e.ipadm_ok("create-addr", "-T", "static", "-a", a + "/24", "veth0/a%d" % i)
        e.reboot()
        peer_addr(e, "add")
        t0 = time.monotonic()
        out = e.ipadm_ok("restore")
        took = time.monotonic() - t0
        check("3 address(es)" in out, "restore output: %r" % out)
        # Boot does not wait for the probes (0.55 s).
        check(took < 0.5, "restore took %.2fs" % took)
        e.wait_addr_state("veth0/a2", "duplicate", timeout=10)
        check(not in_kernel(e, CONFLICT), "the duplicate address is in the kernel")
        for i, a in enumerate(["192.0.2.10", "192.0.2.11"]):
            check(in_kernel(e, a), a + " not in the kernel")
            eq(state(e, "veth0/a%d" % i), "ok", "state of " + a)


if __name__ == "__main__":
    main([test_conflict_is_duplicate_then_refresh, test_probe_wait_does_not_block_others,
          test_free_address_stays_ok,
          test_noarp_link_is_not_probed, test_daemon_switch_turns_it_off,
          test_enable_if_probes_in_background,
          test_boot_restore_probes_in_background])
