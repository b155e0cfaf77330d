#!/usr/bin/env python3
"""The command sequences of Ansible's illumos modules (community.general
ipadm_if, ipadm_addr, ipadm_prop, ipadm_ifprop, ipadm_addrprop) against the
real daemon: they decide from exit statuses, `-p`/`-c` output split at ':'
and a few words of the output; issue 10 keeps them working unchanged."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Env, check, eq, main  # noqa: E402


def ok(e, *args):
    rc, out, err = e.ipadm(*args)
    return rc == 0, out, err


def test_ipadm_if_module():
    with Env() as e:
        e.start_daemon()
        check(not ok(e, "show-if", "veth0")[0], "interface_exists before create")
        check(ok(e, "create-if", "veth0")[0], "create")
        check(ok(e, "show-if", "veth0")[0], "interface_exists")
        check("disabled" not in ok(e, "show-if", "-o", "state", "veth0")[1], "not disabled")
        check(ok(e, "disable-if", "-t", "veth0")[0], "disable")
        check("disabled" in ok(e, "show-if", "-o", "state", "veth0")[1], "interface_is_disabled")
        check(ok(e, "enable-if", "-t", "veth0")[0], "enable")
        check(ok(e, "delete-if", "veth0")[0], "delete")
        check(not ok(e, "show-if", "veth0")[0], "gone")


def test_ipadm_addr_module():
    with Env() as e:
        e.start_daemon()
        check(not ok(e, "show-addr", "veth0/v4")[0], "addrobj_exists before create")
        check(ok(e, "create-addr", "-T", "static", "-a", "192.0.2.10/24", "veth0/v4")[0],
              "create static")
        check(ok(e, "show-addr", "veth0/v4")[0], "addrobj_exists")
        eq(ok(e, "show-addr", "-p", "-o", "type", "veth0/v4")[1].strip(), "static", "is_dhcp")
        check(ok(e, "disable-addr", "-t", "veth0/v4")[0], "disable")
        check("disabled" in ok(e, "show-addr", "-p", "-o", "state", "veth0/v4")[1],
              "addrobj_is_disabled")
        check(ok(e, "enable-addr", "-t", "veth0/v4")[0], "enable")
        check(ok(e, "down-addr", "-t", "veth0/v4")[0], "down")
        check(ok(e, "up-addr", "-t", "veth0/v4")[0], "up")
        check(ok(e, "delete-addr", "veth0/v4")[0], "delete")
        check(not ok(e, "show-addr", "veth0/v4")[0], "gone")


def is_modified(out):
    (value, default) = out.rstrip().split(":")  # as the modules do
    return value != default


def test_ipadm_prop_module():
    with Env() as e:
        e.start_daemon()
        check(ok(e, "show-prop", "-p", "ttl", "ipv4")[0], "property_exists")
        check(not ok(e, "show-prop", "-p", "nosuch", "ipv4")[0], "unknown property")
        check(not is_modified(ok(e, "show-prop", "-c", "-o", "current,default", "-p", "ttl",
                                 "ipv4")[1]), "not modified")
        check(ok(e, "set-prop", "-t", "-p", "ttl=99", "ipv4")[0], "set")
        eq(ok(e, "show-prop", "-c", "-o", "current", "-p", "ttl", "ipv4")[1].rstrip(), "99",
           "property_is_set")
        check(is_modified(ok(e, "show-prop", "-c", "-o", "current,default", "-p", "ttl",
                             "ipv4")[1]), "modified")
        check(ok(e, "reset-prop", "-t", "-p", "ttl", "ipv4")[0], "reset")
        # the multi-valued one, in illumos syntax
        check(ok(e, "set-prop", "-p", "extra_priv_ports=2049,4045", "tcp")[0], "set list")
        eq(ok(e, "show-prop", "-c", "-o", "current", "-p", "extra_priv_ports", "tcp")[1]
           .rstrip(), "2049,4045", "list value")
        check(not is_modified(ok(e, "show-prop", "-c", "-o", "current,default", "-p",
                                 "congestion_control", "tcp")[1]), "congestion_control")


def test_ipadm_ifprop_and_addrprop_modules():
    with Env() as e:
        e.start_daemon()
        e.ipadm_ok("create-addr", "-T", "static", "-a", "192.0.2.10/24", "veth0/v4")
        base = ["-p", "mtu", "-m", "ipv4", "veth0"]
        check(ok(e, "show-ifprop", *base)[0], "ifprop exists")
        check(not is_modified(ok(e, "show-ifprop", "-c", "-o", "current,default", *base)[1]),
              "mtu not modified")
        check(ok(e, "set-ifprop", "-p", "mtu=1400", "-m", "ipv4", "veth0")[0], "set-ifprop")
        eq(ok(e, "show-ifprop", "-c", "-o", "current", *base)[1].rstrip(), "1400", "is_set")
        check(is_modified(ok(e, "show-ifprop", "-c", "-o", "current,default", *base)[1]),
              "mtu modified")
        check(ok(e, "reset-ifprop", "-p", "mtu", "-m", "ipv4", "veth0")[0], "reset-ifprop")
        a = ["-p", "deprecated", "veth0/v4"]
        check(ok(e, "show-addrprop", *a)[0], "addrprop exists")
        check(not is_modified(ok(e, "show-addrprop", "-c", "-o", "current,default", *a)[1]),
              "deprecated not modified")
        check(ok(e, "set-addrprop", "-p", "deprecated=on", "veth0/v4")[0], "set-addrprop")
        eq(ok(e, "show-addrprop", "-c", "-o", "current", *a)[1].rstrip(), "on", "is_set")
        check(ok(e, "reset-addrprop", "-p", "deprecated", "veth0/v4")[0], "reset-addrprop")


if __name__ == "__main__":
    main([
        test_ipadm_if_module,
        test_ipadm_addr_module,
        test_ipadm_prop_module,
        test_ipadm_ifprop_and_addrprop_modules,
    ])
