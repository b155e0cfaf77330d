#!/usr/bin/env python3
"""Protocol, interface and address properties against the real kernel
(/proc/sys/net, `ip -j`), their persistence across a daemon restart and a
simulated reboot, and a table of bad inputs (error text, exit 1, nothing
changed in the kernel or the store)."""

import json
import os
import sqlite3
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Env, check, eq, main  # noqa: E402


def sysctl(e, path):
    return e.sysctl(path).strip()


def store_props(e):
    db = sqlite3.connect("file:%s?mode=ro" % e.store_db, uri=True)
    try:
        return sorted(db.execute("SELECT protocol, ifname, aobjname, name, value FROM props"))
    finally:
        db.close()


def prop_row(e, *args):
    out = e.ipadm_ok(*args, "--json")
    rows = json.loads(out)
    check(len(rows) == 1, "one row expected: %r" % rows)
    return rows[0]


def test_protocol_properties():
    with Env() as e:
        e.start_daemon()
        e.ipadm_ok("set-prop", "-p", "ttl=99", "ipv4")
        eq(sysctl(e, "net/ipv4/ip_default_ttl"), "99", "ttl in the kernel")
        e.ipadm_ok("set-prop", "-p", "forwarding=on", "ipv4")
        eq(sysctl(e, "net/ipv4/ip_forward"), "1", "ipv4 forwarding")
        e.ipadm_ok("set-prop", "-p", "hoplimit=33", "ipv6")
        eq(sysctl(e, "net/ipv6/conf/default/hop_limit"), "33", "hoplimit")
        e.ipadm_ok("set-prop", "-p", "smallest_anon_port=40000", "tcp")
        eq(sysctl(e, "net/ipv4/ip_local_port_range").split(), ["40000", "60999"], "port range")
        # shared between protocols on Linux: udp shows the same value
        eq(prop_row(e, "show-prop", "-p", "smallest_anon_port", "udp")["current"], "40000",
           "udp sees the shared range")
        e.ipadm_ok("set-prop", "-p", "ecn=never", "tcp")
        eq(sysctl(e, "net/ipv4/tcp_ecn"), "0", "tcp_ecn")
        avail = sysctl(e, "net/ipv4/tcp_available_congestion_control").split()
        row = prop_row(e, "show-prop", "-p", "congestion_control", "tcp")
        eq(sorted(row["possible"].split(",")), sorted(avail), "POSSIBLE of congestion_control")
        e.ipadm_ok("set-prop", "-p", "extra_priv_ports+=5001", "tcp")
        e.ipadm_ok("set-prop", "-p", "extra_priv_ports+=5002", "tcp")
        check("5001" in sysctl(e, "net/ipv4/ip_local_reserved_ports"), "reserved ports")
        e.ipadm_ok("set-prop", "-p", "extra_priv_ports-=5001", "tcp")
        eq(sysctl(e, "net/ipv4/ip_local_reserved_ports"), "5002", "after -=")
        # temporary: kernel only
        e.ipadm_ok("set-prop", "-t", "-p", "ttl=77", "ipv4")
        eq(sysctl(e, "net/ipv4/ip_default_ttl"), "77", "temporary ttl")
        check(("ipv4", "", "", "ttl", "99") in store_props(e), "store keeps the persistent 99")

        # restart: the daemon re-applies persistent protocol properties
        e.stop_daemon()
        e.nsexec("sh", "-c", "echo 64 > /proc/sys/net/ipv4/ip_default_ttl", check=True)
        e.start_daemon()
        eq(sysctl(e, "net/ipv4/ip_default_ttl"), "99", "ttl re-applied at start-up")
        # reboot: fresh namespace, same store
        e.reboot()
        eq(sysctl(e, "net/ipv4/ip_default_ttl"), "99", "ttl after reboot")
        eq(sysctl(e, "net/ipv4/ip_forward"), "1", "forwarding after reboot")
        eq(sysctl(e, "net/ipv4/tcp_ecn"), "0", "ecn after reboot")
        # reset: kernel default and no store line
        e.ipadm_ok("reset-prop", "-p", "ttl", "ipv4")
        eq(sysctl(e, "net/ipv4/ip_default_ttl"), "64", "ttl after reset")
        check(all(p[3] != "ttl" for p in store_props(e)), "ttl line removed")


def test_interface_and_address_properties():
    with Env() as e:
        e.start_daemon()
        e.ipadm_ok("create-addr", "-T", "static", "-a", "192.0.2.10/24", "veth0/v4")
        e.ipadm_ok("set-ifprop", "-p", "mtu=1400", "-m", "ipv4", "veth0")
        eq(e.link("veth0")["mtu"], 1400, "link mtu")
        e.ipadm_ok("set-ifprop", "-p", "forwarding=on", "-m", "ipv6", "veth0")
        eq(sysctl(e, "net/ipv6/conf/veth0/forwarding"), "1", "if forwarding")
        e.ipadm_ok("set-ifprop", "-p", "arp=off", "-m", "ipv4", "veth0")
        check("NOARP" in e.link("veth0")["flags"], "NOARP flag")
        e.ipadm_ok("set-addrprop", "-p", "prefixlen=16", "veth0/v4")
        eq(e.kaddrs("veth0"), {("192.0.2.10", 16)}, "prefixlen change in the kernel")
        e.ipadm_ok("set-addrprop", "-p", "deprecated=on", "veth0/v4")
        a = [x for x in e.addr_info("veth0") if x.get("local") == "192.0.2.10"][0]
        check(a.get("deprecated") or a.get("preferred_life_time") == 0,
              "kernel does not mark the address deprecated: %r" % a)
        # reboot + enable-if: interface and address properties come back
        e.reboot()
        e.ipadm_ok("enable-if", "-t", "veth0")
        eq(e.link("veth0")["mtu"], 1400, "mtu after reboot")
        eq(sysctl(e, "net/ipv6/conf/veth0/forwarding"), "1", "if forwarding after reboot")
        check("NOARP" in e.link("veth0")["flags"], "NOARP after reboot")
        eq(e.kaddrs("veth0"), {("192.0.2.10", 16)}, "prefixlen after reboot")
        a = [x for x in e.addr_info("veth0") if x.get("local") == "192.0.2.10"][0]
        check(a.get("deprecated") or a.get("preferred_life_time") == 0,
              "deprecated lost after reboot: %r" % a)
        e.ipadm_ok("reset-ifprop", "-p", "arp", "-m", "ipv4", "veth0")
        check("NOARP" not in e.link("veth0")["flags"], "arp reset")


# Every other protocol property: (proto, prop, value, [(sysctl, expected)])
# checked in the kernel after the set, after a daemon restart and after a
# simulated reboot (fresh namespace: only ipmgmtd's re-apply can restore it).
PROTO_TABLE = [
    ("ipv4", "hostmodel", "strong", [("net/ipv4/conf/all/rp_filter", "1"),
                                    ("net/ipv4/conf/all/arp_ignore", "1"),
                                    ("net/ipv4/conf/all/arp_announce", "2")]),
    ("ipv6", "forwarding", "on", [("net/ipv6/conf/all/forwarding", "1")]),
    ("tcp", "sack", "never", [("net/ipv4/tcp_sack", "0")]),
    ("tcp", "congestion_control", "reno", [("net/ipv4/tcp_congestion_control", "reno")]),
    ("tcp", "smallest_nonpriv_port", "2000", [("net/ipv4/ip_unprivileged_port_start", "2000")]),
    ("udp", "largest_anon_port", "50000", [("net/ipv4/ip_local_port_range", "32768 50000")]),
    ("tcp", "send_buf", "32768", [("net/ipv4/tcp_wmem", "4096 32768 4194304")]),
    ("tcp", "recv_buf", "262144", [("net/ipv4/tcp_rmem", None)]),
]


# net/core/{r,w}mem_{max,default} belong to the initial network namespace:
# Linux refuses writes from any other, even by root. Inside a test namespace
# these properties must fail clearly and change nothing.
GLOBAL_ONLY = [("tcp", "max_buf", "8388608"), ("udp", "send_buf", "300000"),
               ("icmp", "recv_buf", "300000")]


def test_global_only_properties_refused_in_a_namespace():
    with Env() as e:
        e.start_daemon()
        before = [sysctl(e, "net/core/" + f) for f in
                  ("rmem_max", "wmem_max", "wmem_default", "rmem_default")]
        for proto, prop, value in GLOBAL_ONLY:
            e.ipadm_fail(["set-prop", "-p", "%s=%s" % (prop, value), proto],
                         "Permission denied")
            eq(prop_row(e, "show-prop", "-p", prop, proto)["persistent"], "",
               "%s %s not persisted" % (proto, prop))
        after = [sysctl(e, "net/core/" + f) for f in
                 ("rmem_max", "wmem_max", "wmem_default", "rmem_default")]
        eq(after, before, "net/core unchanged")


def norm(v):
    return " ".join(v.split())


def check_proto_table(e, when):
    for proto, prop, value, checks in PROTO_TABLE:
        for path, want in checks:
            got = norm(sysctl(e, path))
            if want is None:
                check(value in got.split(), "%s %s %s: %s = %r" % (when, proto, prop, path, got))
            else:
                eq(got, want, "%s: %s %s -> %s" % (when, proto, prop, path))
        row = prop_row(e, "show-prop", "-p", prop, proto)
        eq(row["persistent"], value, "%s: PERSISTENT of %s %s" % (when, proto, prop))


def test_every_protocol_property_persists():
    with Env() as e:
        e.start_daemon()
        for proto, prop, value, _ in PROTO_TABLE:
            e.ipadm_ok("set-prop", "-p", "%s=%s" % (prop, value), proto)
        check_proto_table(e, "after set")
        e.stop_daemon()
        e.start_daemon()
        check_proto_table(e, "after restart")
        e.reboot()
        check_proto_table(e, "after reboot")


def routes(e, ifname="veth0"):
    return e.ip_j("route", "show", "dev", ifname) + e.ip_j("-6", "route", "show", "dev", ifname)


def test_remaining_if_and_addr_properties():
    with Env() as e:
        e.start_daemon()
        e.ipadm_ok("create-addr", "-T", "static", "-a", "192.0.2.10/24", "veth0/v4")
        e.ipadm_ok("create-addr", "-T", "static", "-a", "198.51.100.10/24", "veth0/b")
        e.ipadm_ok("set-ifprop", "-p", "metric=7", "-m", "ipv4", "veth0")
        e.ipadm_ok("set-ifprop", "-p", "exchange_routes=off", "-m", "ipv4", "veth0")
        e.ipadm_fail(["set-ifprop", "-p", "nud=off", "-m", "ipv6", "veth0"], "not supported")
        e.ipadm_fail(["set-ifprop", "-p", "usesrc=veth9", "-m", "ipv4", "veth0"], "not supported")
        e.ipadm_ok("set-addrprop", "-p", "private=on", "veth0/v4")
        e.ipadm_ok("set-addrprop", "-p", "transmit=off", "veth0/b")
        e.ipadm_ok("set-addrprop", "-p", "valid_lifetime=3600", "veth0/v4")
        e.ipadm_fail(["set-addrprop", "-p", "zone=other", "veth0/v4"], "not supported")

        def verify(when):
            r = [x for x in routes(e) if x.get("dst") == "192.0.2.0/24"]
            check(r and r[0].get("metric") == 7, "%s: prefix route metric 7: %r" % (when, r))
            eq(prop_row(e, "show-ifprop", "-p", "exchange_routes", "-m", "ipv4",
                        "veth0")["current"], "off", when + ": exchange_routes")
            eq(prop_row(e, "show-addrprop", "-p", "private", "veth0/v4")["current"], "on",
               when + ": private")
            a = [x for x in e.addr_info("veth0") if x.get("local") == "198.51.100.10"][0]
            check(a.get("deprecated") or a.get("preferred_life_time") == 0,
                  "%s: transmit=off must make the address never a source: %r" % (when, a))
            v = [x for x in e.addr_info("veth0") if x.get("local") == "192.0.2.10"][0]
            check(0 < v.get("valid_life_time", 0) <= 3600,
                  "%s: valid lifetime: %r" % (when, v))

        verify("after set")
        e.reboot()
        e.ipadm_ok("enable-if", "-t", "veth0")
        verify("after reboot")


def test_beyond_illumos_address_properties():
    """preferred_lifetime, noprefixroute and the prefix-route metric of an
    address: in the kernel, after a daemon restart and after a reboot."""
    with Env() as e:
        e.start_daemon()
        e.ipadm_ok("create-addr", "-T", "static", "-a", "192.0.2.10/24", "veth0/a")
        e.ipadm_ok("create-addr", "-T", "static", "-a", "198.51.100.10/24", "veth0/b")
        e.ipadm_ok("create-addr", "-T", "static", "-a", "203.0.113.10/24", "veth0/c")
        e.ipadm_fail(["set-addrprop", "-p", "preferred_lifetime=1800", "veth0/a"],
                     "needs a finite valid_lifetime")
        e.ipadm_ok("set-addrprop", "-p", "valid_lifetime=7200", "veth0/a")
        e.ipadm_ok("set-addrprop", "-p", "preferred_lifetime=1800", "veth0/a")
        e.ipadm_ok("set-addrprop", "-p", "noprefixroute=on", "veth0/b")
        e.ipadm_ok("set-addrprop", "-p", "metric=42", "veth0/c")
        e.ipadm_ok("set-ifprop", "-p", "forwarding=on", "-m", "ipv4", "veth0")

        def verify(when):
            a = [x for x in e.addr_info("veth0") if x.get("local") == "192.0.2.10"][0]
            check(0 < a.get("preferred_life_time", 0) <= 1800,
                  "%s: preferred lifetime %r" % (when, a))
            dsts = {r.get("dst"): r for r in routes(e)}
            check("198.51.100.0/24" not in dsts, "%s: noprefixroute: %r" % (when, dsts))
            b = [x for x in e.addr_info("veth0") if x.get("local") == "198.51.100.10"][0]
            check(b.get("noprefixroute"), "%s: kernel flag noprefixroute: %r" % (when, b))
            check(dsts.get("203.0.113.0/24", {}).get("metric") == 42,
                  "%s: metric 42: %r" % (when, dsts.get("203.0.113.0/24")))
            eq(sysctl(e, "net/ipv4/conf/veth0/forwarding"), "1", when + ": if forwarding")
            for obj, prop, val in (("veth0/a", "preferred_lifetime", "1800"),
                                   ("veth0/b", "noprefixroute", "on"),
                                   ("veth0/c", "metric", "42")):
                eq(prop_row(e, "show-addrprop", "-p", prop, obj)["persistent"], val,
                   "%s: PERSISTENT %s %s" % (when, obj, prop))

        verify("after set")
        e.stop_daemon()
        e.start_daemon()
        verify("after restart")
        e.reboot()
        e.ipadm_ok("restore")
        verify("after reboot")


BAD = [
    (["set-prop", "-p", "ttl=300", "ipv4"], "outside the allowed range"),
    (["set-prop", "-p", "ttl=abc", "ipv4"], "Invalid argument"),
    (["set-prop", "-p", "nosuchprop=1", "ipv4"], "Unknown property"),
    (["set-prop", "-p", "forwarding=on", "tcp"], ("Incorrect protocol", "Unknown property")),
    (["set-prop", "-p", "ttl=5", "bogus"], "invalid protocol"),
    (["set-prop", "-p", "ttl+=5", "ipv4"], "Invalid argument"),
    (["set-prop", "-p", "smallest_anon_port=65000", "tcp"], "outside the allowed range"),
    (["set-ifprop", "-p", "mtu=1400", "-m", "ipv4", "nosuch0"], "does not exist"),
    (["set-ifprop", "-p", "mtu=10", "-m", "ipv4", "veth0"], "outside the allowed range"),
    (["set-addrprop", "-p", "prefixlen=33", "veth0/v4"], ("outside the allowed range", "Invalid")),
    (["set-addrprop", "-p", "deprecated=on", "veth0/none"], ("not found", "Object not found")),
    (["set-addrprop", "-p", "broadcast=1.2.3.4", "veth0/v4"], ("not supported", "Permission")),
]


def test_bad_inputs_change_nothing():
    with Env() as e:
        e.start_daemon()
        e.ipadm_ok("create-addr", "-T", "static", "-a", "192.0.2.10/24", "veth0/v4")
        before = (sysctl(e, "net/ipv4/ip_default_ttl"), sysctl(e, "net/ipv4/ip_local_port_range"),
                  e.link("veth0")["mtu"], e.kaddrs("veth0"), store_props(e))
        for args, msg in BAD:
            e.ipadm_fail(args, msg)
            after = (sysctl(e, "net/ipv4/ip_default_ttl"),
                     sysctl(e, "net/ipv4/ip_local_port_range"),
                     e.link("veth0")["mtu"], e.kaddrs("veth0"), store_props(e))
            eq(after, before, "state after %r" % (args,))


if __name__ == "__main__":
    main([test_protocol_properties, test_interface_and_address_properties,
          test_every_protocol_property_persists, test_global_only_properties_refused_in_a_namespace,
          test_remaining_if_and_addr_properties, test_beyond_illumos_address_properties,
          test_bad_inputs_change_nothing])
