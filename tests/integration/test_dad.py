#!/usr/bin/env python3
"""IPv6 duplicate address detection against a real conflicting address.

The peer namespace holds 2001:db8::77; creating the same address on veth0
leaves it `duplicate` (kernel IFA_F_DADFAILED; not an error, as illumos);
up-addr refuses it (DAD_FOUND); once the peer gives the address up,
refresh-addr restarts DAD and the address becomes `ok`."""

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Env, check, eq, main, wait_for  # noqa: E402


def kflags(e, local):
    for a in e.addr_info("veth0"):
        if a.get("local") == local:
            return a
    return None


def test_duplicate_then_refresh():
    with Env() as e:
        e.nsexec("ip", "addr", "add", "2001:db8::77/64", "dev", "veth1", "nodad",
                 ns=e.peer, check=True)
        e.start_daemon()
        e.ipadm_ok("create-if", "veth0")
        e.wait_running("veth0")
        t0 = time.monotonic()
        e.ipadm_ok("create-addr", "-T", "static", "-a", "2001:db8::77/64", "veth0/dup")
        took = time.monotonic() - t0
        check(took < 5, "create-addr waited %.1fs" % took)
        wait_for(lambda: (kflags(e, "2001:db8::77") or {}).get("dadfailed"), timeout=10,
                 what="kernel marks the address dadfailed")
        e.wait_addr_state("veth0/dup", "duplicate")
        e.ipadm_fail(["up-addr", "-t", "veth0/dup"], "Duplicate address detected")
        # The conflict goes away: refresh-addr restarts DAD.
        e.nsexec("ip", "addr", "del", "2001:db8::77/64", "dev", "veth1", ns=e.peer, check=True)
        e.ipadm_ok("refresh-addr", "veth0/dup")
        e.wait_addr_state("veth0/dup", "ok", timeout=15)
        a = kflags(e, "2001:db8::77")
        check(a is not None and not a.get("dadfailed") and not a.get("tentative"),
              "kernel flags after refresh: %r" % a)


def test_tentative_then_ok():
    with Env() as e:
        e.start_daemon()
        e.ipadm_ok("create-if", "veth0")
        e.wait_running("veth0")
        e.ipadm_ok("create-addr", "-T", "static", "-a", "2001:db8::5/64", "veth0/v6")
        state = e.show_addr_map()["veth0/v6"]["state"]
        check(state in ("tentative", "ok"), "state right after create: %r" % state)
        e.wait_addr_state("veth0/v6", "ok", timeout=15)
        a = kflags(e, "2001:db8::5")
        check(a is not None and not a.get("tentative"), "kernel still tentative: %r" % a)


if __name__ == "__main__":
    main([test_duplicate_then_refresh, test_tentative_then_ok])
