#!/usr/bin/env python3
"""Simulated reboot: the namespace pair is deleted and re-created with the
same names, ROOT/run is wiped and ROOT/etc kept. Persistent objects come
back disabled and are restored by `enable-if -t`; temporary ones are gone."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Env, check, eq, main, wait_for  # noqa: E402

PERSIST = {
    # name: (-a argument, kernel (local, prefixlen), show-addr ADDR when disabled)
    "veth0/v4": ("192.0.2.10/24", ("192.0.2.10", 24), "192.0.2.10/24"),
    "veth0/v4b": ("192.0.2.11", ("192.0.2.11", 24), "192.0.2.11"),
    "veth0/v4c": ("10.20.30.40/16", ("10.20.30.40", 16), "10.20.30.40/16"),
    "veth0/v6": ("2001:db8::10/64", ("2001:db8::10", 64), "2001:db8::10/64"),
    "veth0/v6b": ("2001:db8:1::10/80", ("2001:db8:1::10", 80), "2001:db8:1::10/80"),
    "veth0/ptp": ("local=10.9.0.1,remote=10.9.0.2", ("10.9.0.1", 32), "10.9.0.1->10.9.0.2"),
}
TEMP = {
    "veth0/t4": ("192.0.2.20/24", ("192.0.2.20", 24)),
    "veth0/t6": ("2001:db8::20/64", ("2001:db8::20", 64)),
}


def setup(e):
    e.ipadm_ok("create-if", "veth0")
    for name, (arg, _, _) in PERSIST.items():
        e.ipadm_ok("create-addr", "-T", "static", "-a", arg, name)
    for name, (arg, _) in TEMP.items():
        e.ipadm_ok("create-addr", "-t", "-T", "static", "-a", arg, name)
    e.ipadm_ok("create-addr", "-d", "-T", "static", "-a", "192.0.2.30/24", "veth0/dn")
    # a temporary interface with a temporary address: gone after reboot
    e.nsexec("ip", "link", "add", "vtmp0", "type", "veth", "peer", "name", "vtmp1", check=True)
    e.ipadm_ok("create-if", "-t", "vtmp0")
    e.ipadm_ok("create-addr", "-t", "-T", "static", "-a", "198.51.100.5/24", "vtmp0/a")
    want = {k for _, k, _ in PERSIST.values()} | {k for _, k in TEMP.values()}
    eq(e.kaddrs("veth0"), want, "kernel before reboot")


def test_reboot_restore():
    with Env() as e:
        e.start_daemon()
        setup(e)
        e.reboot()
        # fresh kernel state
        eq(e.kaddrs("veth0"), set(), "kernel right after reboot")
        check(not e.link_up("veth0"), "veth0 down right after reboot")
        check(e.link("vtmp0") is None, "vtmp0 exists after reboot")

        ifs = e.show_if_map()
        check("veth0" in ifs, "persistent interface missing from show-if: %r" % ifs)
        eq(ifs["veth0"]["state"], "disabled", "show-if state after reboot")
        eq(ifs["veth0"]["persistent"], "-46", "PERSISTENT after reboot")
        check("vtmp0" not in ifs, "temporary interface shown after reboot")

        rows = e.show_addr_map()
        eq(set(rows), set(PERSIST) | {"veth0/dn"}, "show-addr names after reboot")
        for name, (_, _, shown) in PERSIST.items():
            eq(rows[name]["state"], "disabled", "%s state after reboot" % name)
            eq(rows[name]["addr"], shown, "%s ADDR after reboot" % name)
            eq(rows[name]["type"], "static", "%s TYPE after reboot" % name)
        eq(rows["veth0/dn"]["state"], "disabled", "veth0/dn after reboot")

        # a never-enabled persistent addrobj cannot be reused or deleted wrongly
        e.ipadm_fail(["create-addr", "-t", "-T", "static", "-a", "192.0.2.77/24", "veth0/v4"],
                     ("Address object already exists", "disabled object"))
        check(e.kaddrs("veth0") == set(), "kernel changed by a refused create-addr")

        e.ipadm_ok("enable-if", "-t", "veth0")
        check(e.link_up("veth0"), "veth0 up after enable-if")
        want = {k for _, k, _ in PERSIST.values()}
        eq(e.kaddrs("veth0"), want, "kernel after enable-if (persistent only)")
        eq(e.kaddr("10.9.0.1").get("address"), "10.9.0.2", "p2p peer after enable-if")
        eq(e.kaddr("192.0.2.10").get("broadcast"), "192.0.2.255", "broadcast after enable-if")
        e.wait_running()
        e.wait_dad()
        wait_for(lambda: all(r["state"] == "ok" for n, r in e.show_addr_map().items()
                             if n in PERSIST), what="every restored object ok")
        rows = e.show_addr_map()
        eq(set(rows), set(PERSIST) | {"veth0/dn"}, "names after enable-if")
        eq(rows["veth0/dn"]["state"], "down", "veth0/dn (persisted down) after enable-if")
        for name in TEMP:
            check(name not in rows, "%s back after reboot" % name)
        eq(e.show_if_map()["veth0"]["state"], "ok", "show-if after enable-if")
        # connectivity
        rc, out, err = e.nsexec("ping", "-c", "1", "-W", "3", "192.0.2.1", timeout=20)
        eq(rc, 0, "ping after restore (%s %s)" % (out, err))
        rc, out, err = e.nsexec("ping", "-6", "-c", "1", "-W", "3", "2001:db8::1", timeout=20)
        eq(rc, 0, "ping -6 after restore (%s %s)" % (out, err))
        # the restored objects are fully managed
        e.ipadm_ok("delete-addr", "veth0/v4b")
        check(("192.0.2.11", 24) not in e.kaddrs("veth0"), "delete-addr after restore")
        # and a second reboot restores the rest
        e.reboot()
        e.ipadm_ok("enable-if", "-t", "veth0")
        eq(e.kaddrs("veth0"), want - {("192.0.2.11", 24)}, "kernel after the second reboot")


def test_reboot_delete_disabled():
    with Env() as e:
        e.start_daemon()
        setup(e)
        e.reboot()
        # a disabled (persistent-only) addrobj can be deleted from the store
        e.ipadm_ok("delete-addr", "veth0/v6b")
        check("veth0/v6b" not in e.show_addr_map(), "deleted disabled object still shown")
        # a disabled interface can be deleted; it is purged from the store
        e.ipadm_ok("delete-if", "veth0")
        check("veth0" not in e.show_if_map(), "deleted disabled interface still shown")
        eq([n for n in e.show_addr_map() if n.startswith("veth0/")], [], "addrobjs of veth0")
        e.ipadm_fail(["enable-if", "-t", "veth0"], "Interface does not exist")
        eq(e.kaddrs("veth0"), set(), "kernel")
        e.reboot()
        check("veth0" not in e.show_if_map(), "purged interface is back after reboot")


def test_reboot_create_if_on_disabled():
    with Env() as e:
        e.start_daemon()
        e.ipadm_ok("create-addr", "-T", "static", "-a", "192.0.2.10/24", "veth0/v4")
        e.reboot()
        # create-if on a persistent-but-disabled interface: use enable-if
        e.ipadm_fail(["create-if", "veth0"], "Operation not supported on disabled object")
        e.ipadm_fail(["create-addr", "-T", "static", "-a", "192.0.2.12/24", "veth0/v4x"],
                     "Operation not supported on disabled object")
        eq(e.kaddrs("veth0"), set(), "kernel")
        e.ipadm_ok("enable-if", "-t", "veth0")
        eq(e.kaddrs("veth0"), {("192.0.2.10", 24)}, "kernel after enable-if")


if __name__ == "__main__":
    main([
        test_reboot_restore,
        test_reboot_delete_disabled,
        test_reboot_create_if_on_disabled,
    ])
