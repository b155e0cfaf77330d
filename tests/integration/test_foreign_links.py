#!/usr/bin/env python3
"""Links configured by someone else (docs/linux-mapping.md, "Links configured
by others"; core/link_guard.h), against the real kernel:
- a failed command leaves `ip -j link` and `ip -j addr` byte for byte as
  they were, and the link's sysctls too (lo, and a veth configured with ip);
- create-if on such a link is refused as illumos refuses an interface that
  is already plumbed;
- create-addr adopts it without resetting it, and delete-if / disable-if
  leave it up with its own addresses and settings."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Env, check, eq, main, run  # noqa: E402

SYSCTLS = ["net/ipv6/conf/{}/accept_ra", "net/ipv6/conf/{}/addr_gen_mode",
           "net/ipv6/conf/{}/disable_ipv6", "net/ipv6/conf/{}/autoconf",
           "net/ipv4/conf/{}/promote_secondaries"]


def snapshot(e, ifname):
    """Everything a command could change, as the kernel prints it."""
    _, links, _ = run(["ip", "-n", e.ns, "-j", "link", "show"])
    _, addrs, _ = run(["ip", "-n", e.ns, "-j", "addr", "show"])
    sysctls = [e.sysctl(p.format(ifname)) for p in SYSCTLS]
    return links, addrs, sysctls


def same(e, ifname, before, what):
    after = snapshot(e, ifname)
    eq(after[0], before[0], what + ": ip -j link")
    eq(after[1], before[1], what + ": ip -j addr")
    eq(after[2], before[2], what + ": sysctls " + ", ".join(p.format(ifname) for p in SYSCTLS))


def configure_veth_with_ip(e):
    """veth0 as another tool leaves it: up, an IPv4 address, SLAAC on, its
    EUI-64 link-local address."""
    e.nsexec("ip", "addr", "add", "198.51.100.7/24", "dev", "veth0", check=True)
    e.nsexec("sysctl", "-qw", "net.ipv6.conf.veth0.accept_ra=2", check=True)
    e.nsexec("ip", "link", "set", "veth0", "up", check=True)
    e.wait_running("veth0")
    e.wait_dad("veth0")
    check(any(a["local"].startswith("fe80") for a in e.addr_info("veth0")),
          "veth0 has its link-local address")


def test_failed_create_addr_on_loopback_keeps_it_up():
    with Env() as e:
        e.start_daemon()
        before = snapshot(e, "lo")
        e.ipadm_fail(["create-addr", "-t", "-T", "static", "-a", "127.0.0.1/8", "lo/v4"],
                     "Address already in use")
        same(e, "lo", before, "after a failed create-addr on lo")
        e.ipadm_fail(["create-addr", "-T", "static", "-a", "::1/128", "lo/v6"],
                     "Address already in use")
        same(e, "lo", before, "after a failed persistent create-addr on lo")
        names = [r["addrobj"] for r in e.show_addr_rows()]
        check("lo/v4" not in names and "lo/v6" not in names, "no lo object: %r" % names)
        e.nsexec("ping", "-c1", "-W2", "127.0.0.1", check=True)


def test_failed_commands_on_foreign_veth_change_nothing():
    with Env() as e:
        e.start_daemon()
        configure_veth_with_ip(e)
        before = snapshot(e, "veth0")
        e.ipadm_fail(["create-addr", "-t", "-T", "static", "-a", "198.51.100.7/24",
                      "veth0/v4"], "Address already in use")
        same(e, "veth0", before, "after a failed create-addr -t")
        e.ipadm_fail(["create-addr", "-T", "static", "-a", "198.51.100.7/24", "veth0/v4"],
                     "Address already in use")
        same(e, "veth0", before, "after a failed persistent create-addr")
        e.ipadm_fail(["create-if", "-t", "veth0"], "Interface already exists")
        e.ipadm_fail(["create-if", "veth0"], "Interface already exists")
        same(e, "veth0", before, "after refused create-if")
        e.ipadm_fail(["create-if", "-t", "lo"], "Interface already exists")


def test_create_addr_adopts_and_delete_if_leaves_the_link():
    with Env() as e:
        e.start_daemon()
        configure_veth_with_ip(e)
        before = snapshot(e, "veth0")
        e.ipadm_ok("create-addr", "-T", "static", "-a", "192.0.2.10/24", "veth0/v4")
        e.ipadm_ok("create-addr", "-t", "-T", "static", "-a", "2001:db8::10/64", "veth0/v6")
        e.wait_dad("veth0")
        # ours are in, theirs kept; IPv6 settings untouched
        check(e.kaddr("192.0.2.10") is not None, "192.0.2.10 in the kernel")
        check(e.kaddr("198.51.100.7") is not None, "the foreign address stays")
        eq(e.sysctl("net/ipv6/conf/veth0/accept_ra"), "2", "accept_ra kept")
        eq(e.sysctl("net/ipv6/conf/veth0/addr_gen_mode"), before[2][1], "addr_gen_mode kept")
        check(any(a["local"].startswith("fe80") for a in e.addr_info("veth0")),
              "link-local address kept")
        e.nsexec("ping", "-c1", "-W2", "192.0.2.1", check=True)
        rows = e.show_addr_map()
        eq(rows["veth0/v4"]["state"], "ok", "veth0/v4 state")
        unowned = [r["addr"] for r in e.show_addr_rows() if r["addrobj"] == "veth0/?"]
        check("198.51.100.7/24" in unowned, "the foreign address shows as veth0/?: %r"
              % unowned)
        # disable-if and enable-if -t keep the link and its addresses
        e.ipadm_ok("disable-if", "-t", "veth0")
        check(e.link_up("veth0"), "disable-if left the link up")
        check(e.kaddr("198.51.100.7") is not None, "disable-if kept the foreign address")
        check(e.kaddr("192.0.2.10") is None, "disable-if removed ipadm's address")
        e.ipadm_ok("enable-if", "-t", "veth0")
        check(e.kaddr("192.0.2.10") is not None, "enable-if put 192.0.2.10 back")
        eq(e.sysctl("net/ipv6/conf/veth0/accept_ra"), "2", "accept_ra kept by enable-if")
        # delete-if: back to exactly what the other tool had, but
        # promote_secondaries (documented: it only protects their addresses)
        e.ipadm_ok("delete-if", "veth0")
        after = snapshot(e, "veth0")
        eq(after[0], before[0], "ip -j link after delete-if")
        eq(after[1], before[1], "ip -j addr after delete-if")
        eq(after[2][:4], before[2][:4], "IPv6 sysctls after delete-if")
        eq(after[2][4], "1", "promote_secondaries after delete-if")


def test_bare_link_is_plumbed_and_unplumbed_as_before():
    with Env() as e:
        e.start_daemon()
        before = snapshot(e, "veth0")
        e.ipadm_fail(["create-addr", "-t", "-T", "static", "-a", "192.0.2.10/33",
                      "veth0/v4"])
        same(e, "veth0", before, "after a refused create-addr on a bare link")
        e.ipadm_ok("create-addr", "-t", "-T", "static", "-a", "192.0.2.10/24", "veth0/v4")
        check(e.link_up("veth0"), "plumbing brings a bare link up")
        eq(e.sysctl("net/ipv6/conf/veth0/addr_gen_mode"), "1", "addr_gen_mode none")
        e.ipadm_ok("delete-if", "veth0")
        check(not e.link_up("veth0"), "delete-if takes down a link ipadm brought up")


if __name__ == "__main__":
    main([
        test_failed_create_addr_on_loopback_keeps_it_up,
        test_failed_commands_on_foreign_veth_change_nothing,
        test_create_addr_adopts_and_delete_if_leaves_the_link,
        test_bare_link_is_plumbed_and_unplumbed_as_before,
    ])
