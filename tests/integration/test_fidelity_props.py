#!/usr/bin/env python3
"""illumos fidelity of the properties against the real kernel (issue 10):
extra_priv_ports in illumos syntax (item 6); defaults that are what the
kernel had, the IPv6 MTU that follows the link, the documented refusals
(item 10)."""

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


def ifprop(e, prop, proto, ifname="veth0", field="current"):
    return e.ipadm_ok("show-ifprop", "-c", "-o", field, "-p", prop, "-m", proto,
                      ifname).strip()


def test_congestion_control_default_is_what_the_kernel_had():
    with Env() as e:
        e.start_daemon()
        had = e.sysctl("net/ipv4/tcp_congestion_control")  # inherited from the host
        eq(current(e, "congestion_control", "tcp", "default"), had, "DEFAULT before any set")
        other = "reno" if had != "reno" else "cubic"
        e.ipadm_ok("set-prop", "-p", "congestion_control=" + other, "tcp")
        eq(e.sysctl("net/ipv4/tcp_congestion_control"), other, "set")
        eq(current(e, "congestion_control", "tcp", "default"), had, "DEFAULT after a set")
        e.stop_daemon()
        e.start_daemon()
        eq(current(e, "congestion_control", "tcp", "default"), had,
           "DEFAULT after a daemon restart")
        e.ipadm_ok("reset-prop", "-p", "congestion_control", "tcp")
        eq(e.sysctl("net/ipv4/tcp_congestion_control"), had, "reset-prop gives it back")


def test_mtu_defaults_and_ipv6_follows():
    with Env() as e:
        e.nsexec("ip", "link", "set", "veth0", "mtu", "1450", check=True)  # the link's own
        e.start_daemon()
        e.ipadm_ok("create-if", "veth0")
        eq(ifprop(e, "mtu", "ipv4", field="default"), "1450", "DEFAULT: the link's MTU")
        e.ipadm_ok("set-ifprop", "-p", "mtu=1300", "-m", "ipv6", "veth0")
        e.ipadm_ok("set-ifprop", "-p", "mtu=1400", "-m", "ipv4", "veth0")
        eq(e.sysctl("net/ipv6/conf/veth0/mtu"), "1400", "Linux resets the IPv6 MTU")
        eq(ifprop(e, "mtu", "ipv6", field="persistent"), "1400",
           "the persisted IPv6 mtu follows the kernel")
        eq(ifprop(e, "mtu", "ipv6"), "1400", "CURRENT")
        e.stop_daemon()
        e.start_daemon()
        eq(ifprop(e, "mtu", "ipv4", field="default"), "1450",
           "DEFAULT after a daemon restart: still the link's, not the value at start")
        e.ipadm_ok("reset-ifprop", "-p", "mtu", "-m", "ipv4", "veth0")
        eq(e.link("veth0")["mtu"], 1450, "reset-ifprop gives the link's MTU back")


def test_documented_refusals():
    with Env() as e:
        e.start_daemon()
        for args in (["-p", "hostmodel=strong", "ipv6"], ["-p", "hostmodel=src-priority", "ipv6"],
                     ["-p", "sack=passive", "tcp"]):
            rc, out, err = e.ipadm("set-prop", *args)
            eq(rc, 1, "set-prop %s" % " ".join(args))
            lines = err.splitlines()
            name = args[1].split("=")[0]
            eq(lines[0], "ipadm: set-prop: %s: Operation not supported" % name, "illumos line")
            check(len(lines) == 2 and lines[1].startswith("ipadm: detail: "),
                  "the reason on a second line: %r" % err)
        eq(current(e, "hostmodel", "ipv6"), "weak", "unchanged")
        eq(e.sysctl("net/ipv4/tcp_sack"), "1", "sack unchanged")


if __name__ == "__main__":
    main([
        test_extra_priv_ports_illumos_syntax,
        test_congestion_control_default_is_what_the_kernel_had,
        test_mtu_defaults_and_ipv6_follows,
        test_documented_refusals,
    ])
