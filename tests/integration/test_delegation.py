#!/usr/bin/env python3
"""Containers: one daemon per network namespace, host-delegated links.

The host writes ROOT/etc/ipadm/delegated.conf (the zonecfg allowed-address /
defrouter analog, docs/containers.md). On the instance's first start the
daemon persists the delegated interface; `ipadm restore` (boot) brings it up
with the delegated addresses (type from-gz, names IF/_a...) and default
routes; persistent static addresses on it are refused (GZ_PERM). Checked
against `ip -j addr` / `ip -j route`."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Env, check, eq, main  # noqa: E402

DELEGATION = ("# written by the host\n"
              "link=veth0;allowed-address=192.0.2.10/24,2001:db8::10/64;"
              "defrouter=192.0.2.1;\n")


def write_delegation(e, text):
    d = os.path.join(e.root, "etc", "ipadm")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "delegated.conf"), "w") as f:
        f.write(text)


def default_routes(e):
    return [r for r in e.ip_j("-4", "route", "show", "default")]


def test_first_start_and_restore():
    with Env() as e:
        write_delegation(e, DELEGATION)
        e.start_daemon()
        ifs = e.show_if_map()
        check("veth0" in ifs, "delegated interface not persisted: %r" % ifs)
        eq(ifs["veth0"]["state"], "disabled", "state before restore")
        eq(e.kaddrs("veth0"), set(), "kernel before restore")

        e.ipadm_ok("restore")
        eq(e.kaddrs("veth0"), {("192.0.2.10", 24), ("2001:db8::10", 64)}, "kernel after restore")
        routes = default_routes(e)
        check(any(r.get("gateway") == "192.0.2.1" and r.get("dev") == "veth0" for r in routes),
              "default route via 192.0.2.1 missing: %r" % routes)
        rows = e.show_addr_map()
        eq(rows["veth0/_a"]["type"], "from-gz", "type of a delegated address")
        eq(rows["veth0/_b"]["type"], "from-gz", "type of a delegated address")
        cur = e.show_if_map()["veth0"]["current"]
        eq(cur[9], "Z", "Z flag in CURRENT %r" % cur)

        # Persistent static addresses on the delegated link: refused.
        e.ipadm_fail(["create-addr", "-T", "static", "-a", "192.0.2.50/24", "veth0/mine"],
                     "from-gz")
        check(("192.0.2.50", 24) not in e.kaddrs("veth0"), "refused address reached the kernel")
        # ... temporary ones are allowed.
        e.ipadm_ok("create-addr", "-t", "-T", "static", "-a", "192.0.2.51/24", "veth0/tmp")
        check(("192.0.2.51", 24) in e.kaddrs("veth0"), "temporary address missing")
        # Delegated addresses cannot be deleted from inside.
        e.ipadm_fail(["delete-addr", "veth0/_a"], "from-gz")
        check(("192.0.2.10", 24) in e.kaddrs("veth0"), "delegated address deleted")


def test_not_first_start_any_more():
    with Env() as e:
        write_delegation(e, DELEGATION)
        e.start_daemon()
        e.ipadm_ok("delete-if", "veth0")
        e.stop_daemon()
        e.start_daemon()
        check("veth0" not in e.show_if_map(), "delegated interface re-persisted after first start")


def test_malformed_delegation_refuses_start():
    with Env() as e:
        write_delegation(e, "link=veth0;allowed-address=192.0.2.10;\n")
        p = None
        try:
            e.start_daemon(timeout=3)
        except Exception:  # noqa: BLE001 - the daemon must not come up
            p = e.daemon
        check(p is not None and p.wait(timeout=10) != 0, "daemon started with a bad delegated.conf")
        e.daemon = None
        check("line 1" in e.log_text(), "log does not name the bad line: %r" % e.log_text())


if __name__ == "__main__":
    main([test_first_start_and_restore, test_not_first_start_any_more,
          test_malformed_delegation_refuses_start])
