#!/usr/bin/env python3
"""Persistent routes (create-route, delete-route, show-route; issue 13 item 1)
against the real kernel: traffic flows over the created default routes (v4
and v6) to addresses behind the peer, which routes for a third namespace
("far"); routes survive a daemon SIGKILL untouched and come back after a
simulated reboot (`ipadm restore`) after their addresses; refused requests
change nothing; foreign routes are shown and never touched.

    main ns  veth0 192.0.2.10/24 2001:db8::10/64
       |
    peer ns  veth1 192.0.2.1/24 2001:db8::1/64   (forwarding on)
             veth2 203.0.113.1/24 198.51.100.1/24 2001:db8:2::1/64
       |
    far ns   veth3 203.0.113.2/24 198.51.100.2/24 2001:db8:2::2/64
"""

import os
import signal
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import Env, check, eq, main, run, wait_for  # noqa: E402

FAR_V4 = "203.0.113.2"
FAR_V4B = "198.51.100.2"
FAR_V6 = "2001:db8:2::2"


def far_ns(e):
    return e.peer[:-1] + "c"


def make_far(e, create_ns=True):
    """The far namespace behind the peer; the peer forwards both families."""
    far = far_ns(e)
    if create_ns:
        harness._ns_add(far)
    run(["ip", "-n", e.peer, "link", "add", "veth2", "type", "veth", "peer", "name", "veth3",
         "netns", far])
    for a in ("203.0.113.1/24", "198.51.100.1/24"):
        run(["ip", "-n", e.peer, "addr", "add", a, "dev", "veth2"])
    run(["ip", "-n", e.peer, "addr", "add", "2001:db8:2::1/64", "dev", "veth2", "nodad"])
    run(["ip", "-n", e.peer, "link", "set", "veth2", "up"])
    for a in (FAR_V4 + "/24", FAR_V4B + "/24"):
        run(["ip", "-n", far, "addr", "add", a, "dev", "veth3"])
    run(["ip", "-n", far, "addr", "add", FAR_V6 + "/64", "dev", "veth3", "nodad"])
    run(["ip", "-n", far, "link", "set", "veth3", "up"])
    run(["ip", "-n", far, "route", "add", "default", "via", "203.0.113.1"])
    run(["ip", "-n", far, "-6", "route", "add", "default", "via", "2001:db8:2::1"])
    e.nsexec("sysctl", "-qw", "net.ipv4.ip_forward=1", "net.ipv6.conf.all.forwarding=1",
             ns=e.peer, check=True)


def pings(e, addr):
    rc, _, _ = e.nsexec("ping", "-n", "-c", "1", "-W", "2", addr)
    return rc == 0


def kroutes(e):
    """The main table of the main namespace, both families, as ip -j shows it
    (sorted JSON texts, for before/after comparisons)."""
    import json
    rows = e.ip_j("-4", "route", "show", "table", "main") + \
        e.ip_j("-6", "route", "show", "table", "main")
    return sorted(json.dumps(r, sort_keys=True) for r in rows)


def kroute(e, family, dst):
    for r in e.ip_j(family, "route", "show", "table", "main"):
        if r.get("dst") == dst:
            return r
    return None


def show_routes(e):
    """show-route -p: a list of dicts, one per row."""
    fields = "destination,gateway,interface,metric,type,state,persistent"
    out = e.ipadm_ok("show-route", "-p", "-o", fields)
    rows = []
    for line in out.splitlines():
        vals = harness.split_parsable(line)
        rows.append(dict(zip(fields.split(","), vals)))
    return rows


def setup_addrs(e):
    e.ipadm_ok("create-if", "veth0")
    e.ipadm_ok("create-addr", "-T", "static", "-a", "192.0.2.10/24", "veth0/v4")
    e.ipadm_ok("create-addr", "-T", "static", "-a", "2001:db8::10/64", "veth0/v6")
    e.wait_dad()
    e.wait_running()


def setup_routes(e):
    e.ipadm_ok("create-route", "-g", "192.0.2.1", "default")
    e.ipadm_ok("create-route", "-g", "2001:db8::1", "default")
    e.ipadm_ok("create-route", "-m", "10", "-g", "192.0.2.1", "198.51.100.0/24")


def test_traffic_over_created_routes():
    with Env() as e:
        e.start_daemon()
        make_far(e)
        setup_addrs(e)
        check(not pings(e, FAR_V4), "far v4 reachable before any route")
        setup_routes(e)
        r4 = kroute(e, "-4", "default")
        check(r4 is not None, "no IPv4 default route in the kernel")
        eq((r4.get("gateway"), r4.get("dev"), r4.get("protocol")), ("192.0.2.1", "veth0", "static"),
           "IPv4 default route")
        r6 = kroute(e, "-6", "default")
        check(r6 is not None, "no IPv6 default route in the kernel")
        eq((r6.get("gateway"), r6.get("dev"), r6.get("protocol")),
           ("2001:db8::1", "veth0", "static"), "IPv6 default route")
        eq(kroute(e, "-4", "198.51.100.0/24").get("metric"), 10, "prefix route metric")
        wait_for(lambda: pings(e, FAR_V4), timeout=10, what="ping " + FAR_V4)
        wait_for(lambda: pings(e, FAR_V4B), timeout=10, what="ping " + FAR_V4B)
        wait_for(lambda: pings(e, FAR_V6), timeout=10, what="ping " + FAR_V6)

        # -p -o destination,gateway: ':' of the IPv6 gateway escaped
        out = e.ipadm_ok("show-route", "-p", "-o", "destination,gateway")
        lines = out.splitlines()
        check("default:192.0.2.1" in lines, "parsable v4 default: %r" % lines)
        check("default:2001\\:db8\\:\\:1" in lines, "parsable v6 default: %r" % lines)
        rows = [r for r in show_routes(e) if r["type"] == "static"]
        eq(len(rows), 3, "static rows: %r" % rows)
        check(all(r["persistent"] == "yes" and r["state"] == "ok" and r["interface"] == "veth0"
                  for r in rows), "static rows: %r" % rows)

        # delete-route takes it out of the kernel and the store
        e.ipadm_ok("delete-route", "-g", "2001:db8::1", "default")
        check(kroute(e, "-6", "default") is None, "IPv6 default still in the kernel")
        check(not pings(e, FAR_V6), "far v6 reachable after delete-route")
        e.stop_daemon()
        e.start_daemon()
        eq(len([r for r in show_routes(e) if r["type"] == "static"]), 2,
           "static rows after delete and restart")


def test_sigkill_leaves_routes_untouched():
    with Env() as e:
        e.start_daemon()
        make_far(e)
        setup_addrs(e)
        setup_routes(e)
        e.ipadm_ok("create-route", "-t", "-i", "veth0", "10.99.0.0/16")
        before = kroutes(e)
        rows_before = show_routes(e)
        e.stop_daemon(sig=signal.SIGKILL)
        eq(kroutes(e), before, "kernel routes after SIGKILL")
        e.start_daemon()
        eq(kroutes(e), before, "kernel routes after the restart")
        rows = show_routes(e)
        persistent = lambda rs: sorted((r["destination"], r["gateway"]) for r in rs  # noqa: E731
                                       if r["persistent"] == "yes")
        eq(persistent(rows), persistent(rows_before), "persistent rows after the restart")
        check(all(r["state"] == "ok" for r in rows), "rows after restart: %r" % rows)
        check(pings(e, FAR_V4) and pings(e, FAR_V6), "traffic after the restart")
        # The temporary route is still ipadm's: shown static, deleted by delete-route.
        tmp = [r for r in rows if r["destination"] == "10.99.0.0/16"]
        eq([(r["type"], r["persistent"]) for r in tmp], [("static", "no")],
           "the temporary route after the restart")
        e.ipadm_ok("delete-route", "-i", "veth0", "10.99.0.0/16")
        check(not any(r.get("dst") == "10.99.0.0/16" for r in e.ip_j("-4", "route")),
              "the temporary route left the kernel")


def test_reboot_restores_routes_after_addresses():
    with Env() as e:
        e.start_daemon()
        make_far(e)
        setup_addrs(e)
        setup_routes(e)
        e.ipadm_ok("create-route", "-t", "-g", "192.0.2.1", "-m", "5", "10.98.0.0/16")
        e.reboot()
        make_far(e, create_ns=False)
        check(kroute(e, "-4", "default") is None, "v4 default right after reboot")
        rows = show_routes(e)
        eq(sorted((r["destination"], r["state"]) for r in rows if r["type"] == "static"),
           [("198.51.100.0/24", "inactive"), ("default", "inactive"), ("default", "inactive")],
           "persistent routes inactive after reboot")
        rc, out, err = e.ipadm("restore")
        eq(rc, 0, "restore exit status")
        check("route" not in err, "restore reported a route failure: %r" % err)
        # The kernel refuses a route whose gateway is not reachable yet: that
        # they are in proves they went in after the addresses.
        eq(kroute(e, "-4", "default").get("gateway"), "192.0.2.1", "v4 default after restore")
        eq(kroute(e, "-6", "default").get("gateway"), "2001:db8::1", "v6 default after restore")
        check(kroute(e, "-4", "198.51.100.0/24") is not None, "prefix route after restore")
        check(kroute(e, "-4", "10.98.0.0/16") is None, "temporary route came back")
        e.wait_dad()
        wait_for(lambda: pings(e, FAR_V4) and pings(e, FAR_V6), timeout=10,
                 what="traffic after restore")
        check(all(r["state"] == "ok" for r in show_routes(e)), "rows after restore")


def test_link_down_up_puts_routes_back():
    with Env() as e:
        e.start_daemon()
        make_far(e)
        setup_addrs(e)
        setup_routes(e)
        e.nsexec("ip", "link", "set", "veth0", "down", check=True)
        wait_for(lambda: kroute(e, "-4", "default") is None, what="Linux drops the route")
        wait_for(lambda: any(r["state"] == "inactive" for r in show_routes(e)),
                 what="route shown inactive")
        e.nsexec("ip", "link", "set", "veth0", "up", check=True)
        wait_for(lambda: kroute(e, "-4", "default") is not None and
                 kroute(e, "-6", "default") is not None, what="routes back after link up")


def test_errors_change_nothing():
    with Env() as e:
        e.start_daemon()
        make_far(e)
        setup_addrs(e)
        e.ipadm_ok("create-route", "-g", "192.0.2.1", "default")
        before = kroutes(e)
        rows_before = show_routes(e)
        cases = [
            (["create-route", "-g", "198.51.100.99", "-m", "7", "default"], "Invalid address"),
            (["create-route", "-g", "192.0.2.5", "default"], "Already exists"),
            (["create-route", "-g", "192.0.2.1", "203.0.113.1/24"], "Invalid address"),
            (["create-route", "-g", "192.0.2.1", "203.0.113.0/40"], "Invalid address"),
            (["create-route", "-m", "x", "-g", "192.0.2.1", "203.0.113.0/24"],
             "Invalid argument"),
            (["create-route", "-m", "4294967296", "-g", "192.0.2.1", "203.0.113.0/24"],
             "outside the allowed range"),
            (["create-route", "-i", "nosuch0", "-g", "192.0.2.1", "203.0.113.0/24"],
             "Interface does not exist"),
            (["create-route", "default"], "Invalid argument"),
            (["delete-route", "203.0.113.0/24"], "Object not found"),
            (["delete-route", "-g", "2001:db8::1", "default"], "Object not found"),
        ]
        for args, msg in cases:
            _, err = e.ipadm_fail(args, msg)
            check(err.startswith("ipadm: Could not "), "message of %r: %r" % (args, err))
            eq(kroutes(e), before, "kernel routes after refused %r" % args)
        eq(show_routes(e), rows_before, "show-route after the refused requests")


def test_foreign_routes_shown_never_touched():
    with Env() as e:
        e.start_daemon()
        make_far(e)
        setup_addrs(e)
        e.nsexec("ip", "route", "add", "203.0.113.0/24", "via", "192.0.2.1", check=True)
        rows = [r for r in show_routes(e) if r["destination"] == "203.0.113.0/24"]
        eq(len(rows), 1, "foreign route rows")
        eq((rows[0]["type"], rows[0]["persistent"], rows[0]["gateway"]),
           ("foreign", "", "192.0.2.1"), "foreign route row")
        e.ipadm_fail(["delete-route", "203.0.113.0/24"], "Object not found")
        e.ipadm_fail(["create-route", "-g", "192.0.2.1", "203.0.113.0/24"], "Already exists")
        r = kroute(e, "-4", "203.0.113.0/24")
        # ip -j leaves out "protocol" for boot (the default of `ip route add`)
        check(r is not None and r.get("protocol", "boot") == "boot" and r.get("gateway") == "192.0.2.1",
              "foreign route changed: %r" % r)
        # the kernel's own prefix routes are foreign too, and a restart leaves them
        e.stop_daemon(sig=signal.SIGKILL)
        e.start_daemon()
        check(kroute(e, "-4", "203.0.113.0/24") is not None, "foreign route after restart")


def test_static_routes_imported_at_first_start():
    """An illumos /etc/inet/static_routes under the root is imported once at
    the first start (the store only); restore then puts the routes in."""
    with Env() as e:
        os.makedirs(os.path.join(e.root, "etc", "inet"))
        with open(os.path.join(e.root, "etc", "inet", "static_routes"), "w") as f:
            f.write("# File generated by route(8) - do not edit.\n"
                    "-inet default 192.0.2.1\n"
                    "-inet6 default 2001:db8::1\n"
                    "-inet 198.51.100.0/24 192.0.2.1\n"
                    "-inet 10.7.0.0 -mtu 1400 192.0.2.1\n")
        e.start_daemon()
        check("static_routes: line 5: option -mtu is not supported" in e.log_text(),
              "left-out line not logged: %s" % e.log_text())
        make_far(e)
        setup_addrs(e)
        rows = sorted((r["destination"], r["gateway"]) for r in show_routes(e)
                      if r["type"] == "static")
        eq(rows, [("198.51.100.0/24", "192.0.2.1"), ("default", "192.0.2.1"),
                  ("default", "2001:db8::1")], "imported routes")
        e.stop_daemon()
        e.start_daemon()  # imported once: a route deleted stays deleted
        e.ipadm_ok("delete-route", "198.51.100.0/24")
        e.stop_daemon()
        e.start_daemon()
        eq(len([r for r in show_routes(e) if r["type"] == "static"]), 2, "routes after restart")
        e.ipadm_ok("disable-if", "-t", "veth0")
        e.ipadm_ok("enable-if", "-t", "veth0")
        wait_for(lambda: pings(e, FAR_V4) and pings(e, FAR_V6), timeout=10,
                 what="traffic over the imported routes")


if __name__ == "__main__":
    main([test_traffic_over_created_routes, test_sigkill_leaves_routes_untouched,
          test_reboot_restores_routes_after_addresses, test_link_down_up_puts_routes_back,
          test_errors_change_nothing, test_foreign_routes_shown_never_touched,
          test_static_routes_imported_at_first_start])
