#!/usr/bin/env python3
"""Checkpoints (ipadm checkpoint / commit / rollback / show-checkpoint) on the
real kernel: an uncommitted change is undone in the kernel (ip -j,
/proc/sys/net) and in the store (ipadm export) when the checkpoint expires,
by rollback, after a SIGKILL of the daemon and across a simulated reboot;
commit keeps; refusals change nothing."""

import os
import re
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Env, check, eq, main, wait_for  # noqa: E402

FOREIGN = {("203.0.113.77", 24), ("203.0.113.78", 24)}
BEFORE = {("192.0.2.10", 24), ("192.0.2.11", 24), ("192.0.2.12", 24), ("2001:db8::10", 64)}


def setup(e):
    """veth0 with persistent keep/gone/v6 objects and a temporary one."""
    e.ipadm_ok("create-if", "veth0")
    e.ipadm_ok("create-addr", "-T", "static", "-a", "192.0.2.10/24", "veth0/keep")
    e.ipadm_ok("create-addr", "-T", "static", "-a", "192.0.2.11/24", "veth0/gone")
    e.ipadm_ok("create-addr", "-T", "static", "-a", "2001:db8::10/64", "veth0/v6")
    e.ipadm_ok("create-addr", "-t", "-T", "static", "-a", "192.0.2.12/24", "veth0/tmp")
    e.settle()
    eq(e.kaddrs("veth0"), BEFORE, "kernel before the checkpoint")


def state(e):
    """What a rollback must put back: kernel addresses, properties, store."""
    keep = e.kaddr("192.0.2.10") or {}
    return {
        "addrs": e.kaddrs("veth0"),
        "ttl": e.sysctl("net/ipv4/ip_default_ttl"),
        "mtu": e.link("veth0")["mtu"],
        "keep_deprecated": keep.get("deprecated", False),
        "export": e.ipadm_ok("export"),
        "tmp": e.show_addr_map().get("veth0/tmp", {}).get("persistent"),
    }


def change_everything(e):
    """A delete, a create, a protocol, an interface and an address property."""
    e.ipadm_ok("delete-addr", "veth0/gone")
    e.ipadm_ok("delete-addr", "veth0/tmp")
    e.ipadm_ok("create-addr", "-T", "static", "-a", "192.0.2.20/24", "veth0/new")
    e.ipadm_ok("set-prop", "-p", "ttl=100", "ipv4")
    e.ipadm_ok("set-ifprop", "-p", "mtu=1400", "-m", "ipv4", "veth0")
    e.ipadm_ok("set-addrprop", "-p", "deprecated=on", "veth0/keep")
    eq(e.kaddrs("veth0") - FOREIGN,
       {("192.0.2.10", 24), ("192.0.2.20", 24), ("2001:db8::10", 64)}, "kernel after the changes")
    eq(e.sysctl("net/ipv4/ip_default_ttl"), "100", "ttl after set-prop")
    eq(e.link("veth0")["mtu"], 1400, "mtu after set-ifprop")
    eq(e.kaddr("192.0.2.10").get("deprecated"), True, "deprecated after set-addrprop")
    export = e.ipadm_ok("export")
    check("veth0/new" in export and "veth0/gone" not in export and "ttl=100" in export,
          "store after the changes:\n" + export)


def pending(e):
    return e.ipadm_ok("show-checkpoint", "-p", "-o", "state").strip() == "pending"


def start_checkpoint(e, secs):
    rc, out, err = e.ipadm("checkpoint", "-t", str(secs))
    check(rc == 0, "checkpoint: rc=%d %s" % (rc, err))
    m = re.search(r"will be undone at (\d\d:\d\d:\d\d)", err)
    check(m is not None, "checkpoint did not say when it expires: %r" % err)
    want = time.strftime("%H:%M:%S", time.localtime(time.time() + secs))
    # the second may have turned between the daemon's clock and ours
    check(abs(_secs(m.group(1)) - _secs(want)) <= 2, "expires at %s, expected ~%s"
          % (m.group(1), want))
    check(pending(e), "no checkpoint pending after ipadm checkpoint")


def _secs(hms):
    h, m, s = map(int, hms.split(":"))
    return h * 3600 + m * 60 + s


def expect_expiry(e, before, what):
    wait_for(lambda: not pending(e), timeout=20, what="checkpoint expiry " + what)
    e.wait_dad()
    eq(state(e), before, "state after expiry " + what)


def test_expiry_undoes_every_change():
    with Env() as e:
        e.start_daemon()
        setup(e)
        # foreign addresses (no object owns them), before and during the
        # window: a rollback leaves both alone
        e.nsexec("ip", "addr", "add", "203.0.113.77/24", "dev", "veth0", check=True)
        before = state(e)
        start_checkpoint(e, 4)
        change_everything(e)
        e.nsexec("ip", "addr", "add", "203.0.113.78/24", "dev", "veth0", check=True)
        before["addrs"] = before["addrs"] | {("203.0.113.78", 24)}
        expect_expiry(e, before, "in the window")


def test_commit_keeps():
    with Env() as e:
        e.start_daemon()
        setup(e)
        start_checkpoint(e, 3)
        change_everything(e)
        after = state(e)
        e.ipadm_ok("commit")
        check(not pending(e), "checkpoint pending after commit")
        time.sleep(4)
        eq(state(e), after, "state after commit and the old deadline")


def test_explicit_rollback_and_delete_if():
    with Env() as e:
        e.start_daemon()
        setup(e)
        before = state(e)
        start_checkpoint(e, 300)
        change_everything(e)
        e.ipadm_ok("delete-if", "veth0")
        eq(e.kaddrs("veth0"), set(), "kernel after delete-if")
        e.ipadm_ok("rollback")
        check(not pending(e), "checkpoint pending after rollback")
        e.settle()
        eq(state(e), before, "state after rollback")


def kroutes(e):
    """The main table's routes through a gateway, both families (ip -j)."""
    rows = e.ip_j("-4", "route") + e.ip_j("-6", "route")
    return sorted((r["dst"], r.get("gateway", ""), r.get("metric", 0)) for r in rows
                  if r.get("gateway"))


def test_rollback_puts_routes_back():
    """Routes are part of the checkpoint: a persistent route deleted, a
    temporary one deleted and a new one created in the window are put back
    as they were, in the kernel (ip -j route) and in the store (export)."""
    with Env() as e:
        e.start_daemon()
        setup(e)
        e.ipadm_ok("create-route", "-g", "192.0.2.1", "default")
        e.ipadm_ok("create-route", "-t", "-g", "192.0.2.1", "203.0.113.0/24")
        before, export = kroutes(e), e.ipadm_ok("export")
        check(("default", "192.0.2.1", 0) in before, "default route in the kernel: %r" % before)
        start_checkpoint(e, 300)
        e.ipadm_ok("delete-route", "default")
        e.ipadm_ok("delete-route", "203.0.113.0/24")
        e.ipadm_ok("create-route", "-g", "2001:db8::1", "default")
        check(kroutes(e) != before, "routes changed in the window")
        e.ipadm_ok("rollback")
        eq(kroutes(e), before, "kernel routes after the rollback")
        eq(e.ipadm_ok("export"), export, "store after the rollback")
        out = e.ipadm_ok("show-route", "-p", "-o", "destination,persistent")
        eq([l for l in out.splitlines() if l.startswith("203.0.113.0/24:")],
           ["203.0.113.0/24:no"], "the temporary route stays temporary")


def test_refusals():
    with Env() as e:
        e.start_daemon()
        setup(e)
        export = e.ipadm_ok("export")
        e.ipadm_fail(["commit"], "no checkpoint is pending")
        e.ipadm_fail(["rollback"], "no checkpoint is pending")
        e.ipadm_fail(["checkpoint", "-t", "abc"], "invalid timeout")
        e.ipadm_fail(["checkpoint", "-t", "0"], "invalid timeout")
        e.ipadm_fail(["checkpoint", "extra"], "usage")
        check(not pending(e), "a refused checkpoint started one")
        start_checkpoint(e, 300)
        e.ipadm_fail(["checkpoint"], "already pending")
        eq(e.ipadm_ok("export"), export, "store after the refusals")
        e.ipadm_ok("commit")
        e.ipadm_fail(["commit"], "no checkpoint is pending")
        # only an authorized user may start one (WRITE)
        rc, _, err = e.ipadm("checkpoint", user=["--reuid=65534", "--regid=65534",
                                                 "--clear-groups"])
        check(rc != 0 and "authorization" in err.lower(), "unprivileged checkpoint: %r" % err)
        check(not pending(e), "unprivileged checkpoint started one")
        j = e.ipadm_ok("show-checkpoint", "--json", user=["--reuid=65534", "--regid=65534",
                                                          "--clear-groups"])
        eq(j.strip(), "[]", "show-checkpoint --json without one")


def test_sigkill_inside_window():
    with Env() as e:
        e.start_daemon()
        setup(e)
        before = state(e)
        # restarted inside the window: still pending, rolled back at expiry
        start_checkpoint(e, 6)
        change_everything(e)
        e.stop_daemon(sig=signal.SIGKILL)
        e.start_daemon()
        check(pending(e), "checkpoint lost by a SIGKILL")
        check(e.kaddr("192.0.2.20") is not None, "change undone before the deadline")
        expect_expiry(e, before, "in the restarted daemon")
        # restarted after the window: rolled back at start-up
        start_checkpoint(e, 2)
        change_everything(e)
        e.stop_daemon(sig=signal.SIGKILL)
        time.sleep(3)
        e.start_daemon()
        check(not pending(e), "expired checkpoint still pending after start-up")
        e.wait_dad()
        eq(state(e), before, "state right after start-up past the deadline")


def test_reboot_inside_window():
    with Env() as e:
        e.start_daemon()
        setup(e)
        export = e.ipadm_ok("export")
        start_checkpoint(e, 300)
        change_everything(e)
        e.reboot()
        check(not pending(e), "checkpoint pending after reboot")
        eq(e.ipadm_ok("export"), export, "store after reboot")
        e.ipadm_ok("restore")
        e.settle()
        eq(e.kaddrs("veth0"), BEFORE - {("192.0.2.12", 24)}, "kernel after boot restore")
        eq(e.sysctl("net/ipv4/ip_default_ttl"), "64", "ttl after boot restore")
        eq(e.link("veth0")["mtu"], 1500, "mtu after boot restore")
        check(not e.kaddr("192.0.2.10").get("deprecated"), "keep deprecated after boot")


if __name__ == "__main__":
    main([test_expiry_undoes_every_change, test_commit_keeps, test_rollback_puts_routes_back,
          test_explicit_rollback_and_delete_if, test_refusals, test_sigkill_inside_window,
          test_reboot_inside_window])
