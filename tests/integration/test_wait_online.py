#!/usr/bin/env python3
"""ipadm wait-online (issue 13 item 3) against the real kernel.

- IPv6 DAD made slow (dad_transmits=4 and neigh retrans_time_ms=1000 on veth0: about
  4 s of tentative address): wait-online -t 1 fails naming the address
  (tentative) while the kernel still has it tentative; wait-online without a
  short timeout returns 0 only once the kernel has cleared IFA_F_TENTATIVE
  (oracle: `ip -j addr`), after waiting; other requests are answered while a
  wait-online polls (the daemon never blocks in it).
- An addrconf object: not ready while its link-local address is tentative,
  ready once DAD cleared it.
- A DHCP object without a server: wait-online -t 3 exits 1 after its timeout
  naming the object (no DHCP lease) and not the ready static one; a named
  subset without it returns 0 at once; once dnsmasq runs, the lease is
  waited for and wait-online returns 0 with the lease in the kernel.
- A persistent route deleted with ip(8): wait-online fails naming it (not in
  the kernel); a temporary route is not waited for; restore puts it back.
- Unknown and invalid names: illumos wording, exit 1; any user may wait.
"""

import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import IPADM, Env, check, clean_env, eq, main  # noqa: E402

NOBODY = ["--reuid=65534", "--regid=65534", "--clear-groups"]


def tentative(e, local):
    for a in e.addr_info("veth0"):
        if a.get("local") == local:
            return bool(a.get("tentative"))
    raise AssertionError("%s not in the kernel" % local)


def timed(e, *args):
    t0 = time.monotonic()
    rc, out, err = e.ipadm(*args)
    return rc, out, err, time.monotonic() - t0


def slow_dad(e):
    e.nsexec("sysctl", "-qw", "net.ipv6.conf.veth0.dad_transmits=4",
             "net.ipv6.neigh.veth0.retrans_time_ms=1000", check=True)


def test_waits_for_ipv6_dad():
    with Env() as e:
        e.start_daemon()
        e.ipadm_ok("create-addr", "-T", "static", "-a", "192.0.2.10/24", "veth0/v4")
        e.settle("veth0")
        slow_dad(e)
        e.ipadm_ok("create-addr", "-T", "static", "-a", "2001:db8::10/64", "veth0/v6")
        check(tentative(e, "2001:db8::10"), "the address must still be tentative")
        rc, _, err, took = timed(e, "wait-online", "-t", "1", "veth0/v6")
        eq(rc, 1, "wait-online -t 1 while DAD runs: %s" % err)
        check("ipadm: veth0/v6: not online (tentative)" in err, "names the object: %r" % err)
        check("timed out after 1 second(s): 1 of 1 object(s) not online" in err, err)
        check(0.9 <= took < 4, "took %.1fs for -t 1" % took)
        check(tentative(e, "2001:db8::10"), "the kernel still runs DAD")
        # The daemon answers others while a wait-online polls.
        bg = subprocess.Popen(["ip", "netns", "exec", e.ns, IPADM, "-R", e.root, "wait-online",
                               "-t", "30"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, env=clean_env())
        try:
            time.sleep(0.3)
            rc, _, _, took_show = timed(e, "show-addr")
            eq(rc, 0, "show-addr during wait-online")
            check(took_show < 1.0, "show-addr took %.2fs during wait-online" % took_show)
            t0 = time.monotonic()
            out, err = bg.communicate(timeout=40)
            waited = time.monotonic() - t0 + 0.3
        finally:
            if bg.poll() is None:
                bg.kill()
                bg.wait()
        eq(bg.returncode, 0, "wait-online after DAD: %s" % err)
        check(not tentative(e, "2001:db8::10"), "returned while the kernel is still tentative")
        check(waited > 0.5, "returned at once (%.1fs): nothing was waited for" % waited)
        # Ready now: every form returns 0 at once.
        for args in ((), ("veth0",), ("veth0/v6", "veth0/v4")):
            rc, _, err, took = timed(e, "wait-online", "-t", "5", *args)
            eq(rc, 0, "wait-online %s: %s" % (args, err))
            check(took < 1, "wait-online %s took %.1fs" % (args, took))


def test_addrconf_waits_for_its_link_local():
    with Env() as e:
        e.start_daemon()
        e.ipadm_ok("create-if", "veth0")
        e.settle("veth0")
        slow_dad(e)
        e.ipadm_ok("create-addr", "-T", "addrconf", "veth0/ll")
        lls = [a["local"] for a in e.addr_info("veth0") if a["local"].startswith("fe80:")]
        eq(len(lls), 1, "one link-local address: %r" % e.addr_info("veth0"))
        check(tentative(e, lls[0]), "the link-local must still be tentative")
        rc, _, err = e.ipadm("wait-online", "-t", "0", "veth0/ll")
        eq(rc, 1, "wait-online -t 0 while DAD runs: %s" % err)
        check("ipadm: veth0/ll: not online (tentative)" in err, err)
        rc, _, err = e.ipadm("wait-online", "-t", "30")
        eq(rc, 0, "wait-online once DAD is over: %s" % err)
        check(not tentative(e, lls[0]), "returned while the link-local is tentative")


def test_missing_lease_times_out():
    with Env() as e:
        e.no_tx_checksum()
        e.start_daemon()
        e.ipadm_ok("create-addr", "-T", "static", "-a", "192.0.2.10/24", "veth0/v4")
        rc, _, err = e.ipadm("create-addr", "-T", "dhcp", "-w", "1", "veth0/dh")
        eq(rc, 0, "a DHCP timeout is only a warning: %s" % err)
        e.settle("veth0")
        rc, _, err, took = timed(e, "wait-online", "-t", "3")
        eq(rc, 1, "wait-online without a lease: %s" % err)
        check("ipadm: veth0/dh: not online (no DHCP lease)" in err, "names the object: %r" % err)
        check("veth0/v4" not in err, "the static object is ready: %r" % err)
        check("2 of 3 object(s) not online" not in err and "1 of 3 object(s) not online" in err,
              "counts (veth0, veth0/v4, veth0/dh): %r" % err)
        check(3 <= took < 6, "took %.1fs for -t 3" % took)
        rc, _, err, took = timed(e, "wait-online", "-t", "3", "veth0/v4")
        eq(rc, 0, "a named subset without the dhcp object: %s" % err)
        check(took < 1, "the subset took %.1fs" % took)
        e.start_dnsmasq()
        e.ipadm_ok("refresh-addr", "veth0/dh")
        rc, _, err = e.ipadm("wait-online", "-t", "60", "veth0/dh", timeout=90)
        eq(rc, 0, "wait-online once the server runs: %s" % err)
        leases = [a for a in e.addr_info("veth0")
                  if a["family"] == "inet" and a["local"] != "192.0.2.10"]
        check(leases, "the lease is in the kernel: %r" % e.addr_info("veth0"))
        eq(e.show_addr_map()["veth0/dh"]["state"], "ok", "show-addr of the lease")


def test_waits_for_persistent_routes():
    """A persistent route is waited for until it is in the kernel (oracle:
    `ip -j route`); a temporary one is not."""
    with Env() as e:
        e.start_daemon()
        e.ipadm_ok("create-addr", "-T", "static", "-a", "192.0.2.10/24", "veth0/v4")
        e.ipadm_ok("create-route", "-g", "192.0.2.1", "default")
        e.ipadm_ok("create-route", "-t", "-g", "192.0.2.1", "203.0.113.0/24")
        e.ipadm_ok("wait-online", "-t", "5")
        e.nsexec("ip", "route", "del", "default", check=True)  # behind ipadm's back
        routes = e.nsexec("ip", "-j", "route", "show", "default", check=True)[1]
        eq(routes.strip(), "[]", "no default route in the kernel")
        rc, _, err = e.ipadm("wait-online", "-t", "1")
        eq(rc, 1, "wait-online without the route: %s" % err)
        check("ipadm: route default via 192.0.2.1: not online (not in the kernel)" in err,
              "names the route: %r" % err)
        check("203.0.113.0/24" not in err, "the temporary route is not waited for: %r" % err)
        rc, _, err = e.ipadm("wait-online", "-t", "1", "veth0/v4")
        eq(rc, 0, "an address names no route: %s" % err)
        e.ipadm_ok("restore")  # puts missing persistent routes back
        e.ipadm_ok("wait-online", "-t", "5", "veth0")


def test_unknown_names():
    with Env() as e:
        e.start_daemon()
        e.ipadm_ok("create-addr", "-T", "static", "-a", "192.0.2.10/24", "veth0/v4")
        e.ipadm_fail(["wait-online", "veth0/nope"],
                     "ipadm: Could not wait for veth0/nope: Object not found")
        e.ipadm_fail(["wait-online", "veth0/v4", "nosuch0"],
                     "ipadm: Could not wait for nosuch0: Interface does not exist")
        e.ipadm_fail(["wait-online", "a/b/c"],
                     "ipadm: Could not wait for a/b/c: Invalid argument provided")
        e.ipadm_fail(["wait-online", "-t", "soon"], "ipadm: invalid timeout value 'soon'")
        e.ipadm_ok("wait-online", "-t", "5", "veth0/v4")
        # A READ request: any user may wait (the service unit has no privilege).
        rc, _, err = e.ipadm("wait-online", "-t", "5", user=NOBODY)
        eq(rc, 0, "wait-online as nobody: %s" % err)


if __name__ == "__main__":
    main([test_waits_for_ipv6_dad, test_addrconf_waits_for_its_link_local,
          test_missing_lease_times_out, test_waits_for_persistent_routes, test_unknown_names])
