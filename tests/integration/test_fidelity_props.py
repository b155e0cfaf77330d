#!/usr/bin/env python3
"""illumos fidelity of the properties against the real kernel (issue 10):
extra_priv_ports in illumos syntax (item 6)."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Env, check, eq, main  # noqa: E402


def current(e, prop, proto, field="current"):
    return e.ipadm_ok("show-prop", "-c", "-o", field, "-p", prop, proto).strip()


def test_extra_priv_ports_illumos_syntax():
    with Env() as e:
        e.start_daemon()
        reserved = "net/ipv4/ip_local_reserved_ports"
        before = e.sysctl(reserved)
        e.ipadm_ok("set-prop", "-p", "extra_priv_ports=6000-6002", "tcp")
        eq(current(e, "extra_priv_ports", "tcp"), "6000,6001,6002", "CURRENT: a list of ports")
        eq(current(e, "extra_priv_ports", "udp", "persistent"), "6000,6001,6002", "PERSISTENT")
        eq(e.sysctl(reserved), "6000-6002", "Linux keeps its range form")
        e.ipadm_ok("set-prop", "-p", "extra_priv_ports+=7000", "tcp")
        eq(current(e, "extra_priv_ports", "sctp"), "6000,6001,6002,7000", "+= one port")
        e.ipadm_fail(["set-prop", "-p", "extra_priv_ports+=7000", "tcp"],
                     "set-prop: extra_priv_ports: Already exists")
        e.ipadm_fail(["set-prop", "-p", "extra_priv_ports+=7001,7002", "tcp"],
                     "set-prop: extra_priv_ports: Invalid argument provided")
        e.ipadm_fail(["set-prop", "-p", "extra_priv_ports-=7001", "tcp"],
                     "set-prop: extra_priv_ports: Value does not exist")
        e.ipadm_ok("set-prop", "-p", "extra_priv_ports-=6001", "tcp")
        eq(current(e, "extra_priv_ports", "tcp"), "6000,6002,7000", "-= one port")
        eq(e.sysctl(reserved), "6000,6002,7000", "kernel")
        exported = e.ipadm_ok("export")
        check("extra_priv_ports=6000,6002,7000;" in exported,
              "export in illumos syntax: %r" % exported)
        e.ipadm_ok("reset-prop", "-p", "extra_priv_ports", "tcp")
        eq(e.sysctl(reserved), before, "reset")


if __name__ == "__main__":
    main([
        test_extra_priv_ports_illumos_syntax,
    ])
