#!/usr/bin/env python3
"""Address life cycle on the real kernel: down-addr/up-addr (persistent and
-t), disable-addr -t/enable-addr -t, refresh-addr -i, delete-addr -r, and
the refusals of spec 2.2 -- each checked with `ip -j addr` and across a
simulated reboot."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Env, check, eq, main  # noqa: E402

P4 = ("192.0.2.10", 24)
T4 = ("198.51.100.10", 24)
P6 = ("2001:db8::10", 64)


def setup(e):
    e.start_daemon()
    e.ipadm_ok("create-addr", "-T", "static", "-a", "192.0.2.10/24", "veth0/p")
    e.ipadm_ok("create-addr", "-t", "-T", "static", "-a", "198.51.100.10/24", "veth0/t")
    e.ipadm_ok("create-addr", "-T", "static", "-a", "2001:db8::10/64", "veth0/v6")


def test_down_up():
    with Env() as e:
        setup(e)
        e.ipadm_ok("down-addr", "veth0/p")
        check(P4 not in e.kaddrs("veth0"), "down-addr left the address in the kernel")
        eq(e.show_addr_map()["veth0/p"]["state"], "down", "state after down-addr")
        e.ipadm_ok("down-addr", "-t", "veth0/v6")
        check(P6 not in e.kaddrs("veth0"), "down-addr -t left the v6 address")
        # persisted down survives a reboot; the -t one comes back up
        e.reboot()
        e.ipadm_ok("enable-if", "-t", "veth0")
        ks = e.kaddrs("veth0")
        check(P4 not in ks and P6 in ks, "after reboot: %r" % ks)
        eq(e.show_addr_map()["veth0/p"]["state"], "down", "persisted down after reboot")
        e.ipadm_ok("up-addr", "veth0/p")
        check(P4 in e.kaddrs("veth0"), "up-addr did not add the address")
        e.reboot()
        e.ipadm_ok("enable-if", "-t", "veth0")
        check(P4 in e.kaddrs("veth0"), "persisted up lost after reboot")


def test_disable_enable_addr():
    with Env() as e:
        setup(e)
        e.ipadm_ok("disable-addr", "-t", "veth0/p")
        check(P4 not in e.kaddrs("veth0"), "disable-addr left the address")
        eq(e.show_addr_map()["veth0/p"]["state"], "disabled", "state after disable-addr")
        e.ipadm_fail(["create-addr", "-T", "static", "-a", "192.0.2.99/24", "veth0/p"],
                     "Address object already exists")
        e.ipadm_fail(["up-addr", "-t", "veth0/p"], "disabled object")
        e.ipadm_ok("enable-addr", "-t", "veth0/p")
        check(P4 in e.kaddrs("veth0"), "enable-addr did not restore the address")
        e.ipadm_fail(["enable-addr", "-t", "veth0/p"], "Address object already exists")
        e.ipadm_fail(["disable-addr", "veth0/p"], ("not supported", "usage"))
        # disabling a temporary object deletes it
        e.ipadm_ok("disable-addr", "-t", "veth0/t")
        check(T4 not in e.kaddrs("veth0"), "temporary address still in the kernel")
        check("veth0/t" not in e.show_addr_map(), "temporary object still shown")


def test_refusals():
    with Env() as e:
        setup(e)
        before = e.kaddrs("veth0")
        e.ipadm_fail(["down-addr", "veth0/t"], "Persistent operation on temporary object")
        e.ipadm_fail(["delete-addr", "-r", "veth0/p"], "Operation not supported")
        e.ipadm_fail(["refresh-addr", "-i", "veth0/v6"], "Operation not supported")
        e.ipadm_fail(["up-addr", "veth0/none"], "Object not found")
        eq(e.kaddrs("veth0"), before, "kernel unchanged by refused requests")
        e.ipadm_ok("refresh-addr", "veth0/p")  # not a duplicate: no-op
        eq(e.kaddrs("veth0"), before, "refresh-addr of an ok address is a no-op")


if __name__ == "__main__":
    main([test_down_up, test_disable_enable_addr, test_refusals])
