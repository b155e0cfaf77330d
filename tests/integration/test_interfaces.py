#!/usr/bin/env python3
"""Interface subcommands against the real kernel: create-if, show-if,
delete-if, disable-if -t, enable-if -t (spec 2.1, 2.4)."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Env, check, eq, main, wait_for  # noqa: E402


def test_create_if_kernel_state():
    with Env() as e:
        e.start_daemon()
        check(not e.link_up("veth0"), "veth0 must start down")
        e.ipadm_ok("create-if", "veth0")
        check(e.link_up("veth0"), "create-if must bring the link up: %r" % e.link("veth0"))
        eq(e.sysctl("net/ipv6/conf/veth0/disable_ipv6"), "0", "disable_ipv6")
        # illumos plumbs IPv6 with no link-local address: none may appear.
        e.wait_running("veth0")
        lls = [a for a in e.addr_info("veth0") if a["local"].startswith("fe80")]
        eq(lls, [], "link-local addresses after create-if")
        eq(e.kaddrs("veth0"), set(), "kernel addresses after create-if")


def test_show_if_human_format():
    with Env() as e:
        e.start_daemon()
        e.ipadm_ok("create-if", "veth0")
        e.wait_running("veth0")
        # no address is up yet: "down", as illumos says of a bare plumbed interface
        wait_for(lambda: e.show_if_map().get("veth0", {}).get("state") == "down",
                 what="veth0 state down")
        out = e.ipadm_ok("show-if")
        lines = out.splitlines()
        eq(lines[0].rstrip(), "IFNAME     STATE    CURRENT      PERSISTENT", "show-if header")
        rows = [l for l in lines[1:] if l.startswith("veth0 ")]
        eq(len(rows), 1, "veth0 rows in %r" % out)
        want = "veth0".ljust(11) + "down".ljust(9) + "bm--------46".ljust(13) + "-46"
        eq(rows[0].rstrip(), want, "show-if row")
        # one interface selected by operand
        out = e.ipadm_ok("show-if", "veth0")
        eq([l.rstrip() for l in out.splitlines()],
           ["IFNAME     STATE    CURRENT      PERSISTENT", want], "show-if veth0")


def test_show_if_parsable():
    with Env() as e:
        e.start_daemon()
        e.ipadm_ok("create-if", "veth0")
        e.wait_running("veth0")
        e.ipadm_ok("create-addr", "-t", "-T", "static", "-a", "192.0.2.10/24", "veth0/v4")
        wait_for(lambda: e.show_if_map().get("veth0", {}).get("state") == "ok",
                 what="veth0 state ok")
        out = e.ipadm_ok("show-if", "-p", "-o", "ifname,state", "veth0")
        eq(out, "veth0:ok\n", "show-if -p -o ifname,state veth0")
        out = e.ipadm_ok("show-if", "-p", "-o", "IFNAME,Current", "veth0")
        eq(out, "veth0:bm--------46\n", "field names are case-insensitive")
        out = e.ipadm_ok("show-if", "-p", "-o", "persistent", "veth0")
        eq(out, "-46\n", "single field: no escaping")
        e.ipadm_fail(["show-if", "-p"], "-p requires -o")
        e.ipadm_fail(["show-if", "-p", "-o", "nosuchfield"], "invalid field")


def test_create_if_twice():
    with Env() as e:
        e.start_daemon()
        e.ipadm_ok("create-if", "veth0")
        e.settle()
        before = e.show_if_map()
        e.ipadm_fail(["create-if", "veth0"], "Interface already exists")
        e.ipadm_fail(["create-if", "-t", "veth0"], "Interface already exists")
        eq(e.show_if_map(), before, "show-if after failed create-if")
        check(e.link_up("veth0"), "veth0 still up")


def test_create_if_temporary():
    with Env() as e:
        e.start_daemon()
        e.ipadm_ok("create-if", "-t", "veth0")
        check(e.link_up("veth0"), "create-if -t brings the link up")
        eq(e.sysctl("net/ipv6/conf/veth0/disable_ipv6"), "0", "disable_ipv6")
        row = e.show_if_map()["veth0"]
        eq(row["persistent"], "---", "PERSISTENT of a temporary interface")
        eq(row["current"], "bm--------46", "CURRENT")
        # A persistent address on a temporary interface is refused.
        e.ipadm_fail(["create-addr", "-T", "static", "-a", "192.0.2.10/24", "veth0/v4"],
                     "Persistent operation on temporary object")
        eq(e.kaddrs("veth0"), set(), "kernel after refused persistent create-addr")
        # A temporary address is fine.
        e.ipadm_ok("create-addr", "-t", "-T", "static", "-a", "192.0.2.10/24", "veth0/v4")
        eq(e.kaddrs("veth0"), {("192.0.2.10", 24)}, "kernel")
        # Nothing was persisted: after a reboot the daemon knows nothing.
        e.reboot()
        check("veth0" not in e.show_if_map(), "temporary interface survived a reboot")
        check("veth0/v4" not in e.show_addr_map(), "temporary address survived a reboot")
        e.ipadm_fail(["enable-if", "-t", "veth0"], "Interface does not exist")


def test_delete_if():
    with Env() as e:
        e.start_daemon()
        e.ipadm_ok("create-if", "veth0")
        e.ipadm_ok("create-addr", "-T", "static", "-a", "192.0.2.10/24", "veth0/v4")
        e.ipadm_ok("create-addr", "-T", "static", "-a", "2001:db8::10/64", "veth0/v6")
        e.ipadm_ok("create-addr", "-t", "-T", "static", "-a", "192.0.2.20/24", "veth0/tmp")
        eq(e.kaddrs("veth0"), {("192.0.2.10", 24), ("2001:db8::10", 64), ("192.0.2.20", 24)},
           "kernel before delete-if")
        e.ipadm_ok("delete-if", "veth0")
        check(not e.link_up("veth0"), "delete-if must take the link down")
        eq(e.kaddrs("veth0"), set(), "kernel addresses after delete-if")
        check("veth0" not in e.show_if_map(), "show-if still lists veth0")
        eq([r for r in e.show_addr_rows() if r["addrobj"].startswith("veth0/")], [],
           "show-addr rows of veth0")
        e.ipadm_fail(["show-if", "veth0"], "Interface does not exist")
        # The names are free again.
        e.ipadm_ok("create-addr", "-t", "-T", "static", "-a", "192.0.2.30/24", "veth0/v4")
        e.ipadm_ok("delete-if", "veth0")
        # The store was emptied: nothing comes back after a reboot.
        e.reboot()
        check("veth0" not in e.show_if_map(), "deleted interface came back after reboot")
        eq([r for r in e.show_addr_rows() if r["addrobj"].startswith("veth0/")], [],
           "show-addr rows of veth0 after reboot")
        e.ipadm_fail(["delete-if", "veth0"], "Interface does not exist")


def test_delete_if_unknown():
    with Env() as e:
        e.start_daemon()
        before = e.show_if_rows()
        e.ipadm_fail(["delete-if", "veth0"], "Interface does not exist")
        e.ipadm_fail(["delete-if", "nosuch0"], "Interface does not exist")
        eq(e.show_if_rows(), before, "show-if")


def test_create_if_missing_link():
    with Env() as e:
        e.start_daemon()
        links_before = sorted((l["ifname"], tuple(l["flags"])) for l in e.ip_j("link", "show"))
        if_before = e.show_if_rows()
        addr_before = e.all_kernel_addrs()
        e.ipadm_fail(["create-if", "nosuch0"], "Interface does not exist")
        e.ipadm_fail(["create-if", "-t", "nosuch0"], "Interface does not exist")
        links_after = sorted((l["ifname"], tuple(l["flags"])) for l in e.ip_j("link", "show"))
        eq(links_after, links_before, "kernel links")
        eq(e.show_if_rows(), if_before, "show-if")
        eq(e.all_kernel_addrs(), addr_before, "kernel addresses")
        # Nothing was persisted either.
        e.reboot()
        check("nosuch0" not in e.show_if_map(), "failed create-if was persisted")
        # Too long for a Linux interface name.
        e.ipadm_fail(["create-if", "a" * 16], ("Invalid argument", "Invalid name",
                                                "Interface does not exist"))


def test_disable_enable_if():
    with Env() as e:
        e.start_daemon()
        e.ipadm_ok("create-if", "veth0")
        e.ipadm_ok("create-addr", "-T", "static", "-a", "192.0.2.10/24", "veth0/v4")
        e.ipadm_ok("create-addr", "-T", "static", "-a", "2001:db8::10/64", "veth0/v6")
        e.ipadm_ok("create-addr", "-T", "static", "-a", "local=10.9.0.1,remote=10.9.0.2",
                   "veth0/p2p")
        e.ipadm_ok("create-addr", "-t", "-T", "static", "-a", "192.0.2.20/24", "veth0/tmp")
        want = {("192.0.2.10", 24), ("2001:db8::10", 64), ("10.9.0.1", 32), ("192.0.2.20", 24)}
        eq(e.kaddrs("veth0"), want, "kernel before disable-if")

        e.ipadm_ok("disable-if", "-t", "veth0")
        eq(e.kaddrs("veth0"), set(), "kernel addresses after disable-if")
        check(not e.link_up("veth0"), "disable-if takes the link down")
        eq(e.show_if_map()["veth0"]["state"], "disabled", "show-if state after disable-if")
        rows = e.show_addr_map()
        for a in ("veth0/v4", "veth0/v6", "veth0/p2p"):
            check(a in rows, "%s missing from show-addr after disable-if" % a)
            eq(rows[a]["state"], "disabled", "%s state" % a)
        eq(rows["veth0/v4"]["addr"], "192.0.2.10/24", "ADDR of disabled veth0/v4")
        eq(rows["veth0/p2p"]["addr"], "10.9.0.1->10.9.0.2", "ADDR of disabled veth0/p2p")
        check("veth0/tmp" not in rows, "temporary addrobj must be dropped by disable-if")
        # Names of persistent objects stay reserved.
        e.ipadm_fail(["create-addr", "-t", "-T", "static", "-a", "192.0.2.99/24", "veth0/v4"],
                     ("Address object already exists", "disabled object"))
        e.ipadm_fail(["disable-if", "-t", "veth0"], "Interface does not exist")

        e.ipadm_ok("enable-if", "-t", "veth0")
        check(e.link_up("veth0"), "enable-if brings the link up")
        want_after = {("192.0.2.10", 24), ("2001:db8::10", 64), ("10.9.0.1", 32)}
        eq(e.kaddrs("veth0"), want_after, "kernel after enable-if")
        p2p = e.kaddr("10.9.0.1")
        eq(p2p.get("address"), "10.9.0.2", "peer of veth0/p2p after enable-if")
        eq(e.kaddr("192.0.2.10").get("broadcast"), "192.0.2.255", "broadcast after enable-if")
        e.wait_dad()
        e.wait_addr_state("veth0/v6", "ok")
        rows = e.show_addr_map()
        for a in ("veth0/v4", "veth0/v6", "veth0/p2p"):
            eq(rows[a]["state"], "ok", "%s state after enable-if" % a)
        check("veth0/tmp" not in rows, "temporary addrobj came back")
        e.wait_running("veth0")
        wait_for(lambda: e.show_if_map().get("veth0", {}).get("state") == "ok",
                 what="veth0 state ok")
        e.ipadm_fail(["enable-if", "-t", "veth0"], "Interface already exists")


def test_disable_enable_need_t():
    with Env() as e:
        e.start_daemon()
        e.ipadm_ok("create-if", "veth0")
        e.ipadm_ok("create-addr", "-T", "static", "-a", "192.0.2.10/24", "veth0/v4")
        e.ipadm_fail(["disable-if", "veth0"], "persistent operation not supported")
        eq(e.kaddrs("veth0"), {("192.0.2.10", 24)}, "kernel after refused disable-if")
        check(e.link_up("veth0"), "link still up")
        e.ipadm_fail(["enable-if", "veth0"], "persistent operation not supported")
        e.ipadm_fail(["disable-if"], "usage")
        e.ipadm_fail(["enable-if", "-t"], "usage")


def test_disable_if_temporary_interface():
    with Env() as e:
        e.start_daemon()
        e.ipadm_ok("create-if", "-t", "veth0")
        e.ipadm_ok("create-addr", "-t", "-T", "static", "-a", "192.0.2.10/24", "veth0/v4")
        e.ipadm_ok("disable-if", "-t", "veth0")
        eq(e.kaddrs("veth0"), set(), "kernel after disable-if")
        check("veth0" not in e.show_if_map(), "a disabled temporary interface is forgotten")
        check("veth0/v4" not in e.show_addr_map(), "its addrobjs are forgotten")
        e.ipadm_fail(["enable-if", "-t", "veth0"], "Interface does not exist")


if __name__ == "__main__":
    main([
        test_create_if_kernel_state,
        test_show_if_human_format,
        test_show_if_parsable,
        test_create_if_twice,
        test_create_if_temporary,
        test_delete_if,
        test_delete_if_unknown,
        test_create_if_missing_link,
        test_disable_enable_if,
        test_disable_enable_need_t,
        test_disable_if_temporary_interface,
    ])
