#!/usr/bin/env python3
"""create-addr -T addrconf (spec 3.5): IPv6 stateless autoconfiguration by
the kernel, against a real router (radvd in the peer namespace advertising
2001:db8:1::/64 every few seconds).

The object is the link-local address (fe80::EUI-64/64, or fe80::TOKEN with
-i) plus the kernel's SLAAC (accept_ra/autoconf on the interface); the
addresses the kernel derives from the advertisements show under the
object's name. Checked with ip -j and /proc/sys/net."""

import ipaddress
import os
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Env, check, eq, main, norm_v6, proc_cmdlines, wait_for  # noqa: E402

PREFIX = ipaddress.ip_network("2001:db8:1::/64")

RADVD_CONF = """interface veth1 {
  AdvSendAdvert on;
  MinRtrAdvInterval 3;
  MaxRtrAdvInterval 4;
  prefix 2001:db8:1::/64 { AdvOnLink on; AdvAutonomous on; };
};
"""


def start_radvd(e, managed=False):
    """radvd on veth1; managed=True sets the M flag (AdvManagedFlag)."""
    conf = os.path.join(e.root, "radvd.conf")
    with open(conf, "w") as f:
        f.write(RADVD_CONF.replace("AdvSendAdvert on;", "AdvSendAdvert on;\n  AdvManagedFlag %s;"
                                   % ("on" if managed else "off")))
    e.nsexec("sysctl", "-q", "-w", "net.ipv6.conf.all.forwarding=1", ns=e.peer, check=True)
    return e.start_peer("radvd", "--nodaemon", "-C", conf, "-p",
                        os.path.join(e.root, "radvd.pid"), "-m", "stderr", log_name="radvd")


def slaac(e):
    """{local: addr_info} of veth0's addresses inside the advertised prefix."""
    return {a["local"]: a for a in e.addr_info("veth0")
            if a["family"] == "inet6" and ipaddress.ip_address(a["local"]) in PREFIX}


def linklocals(e):
    return [a["local"] for a in e.addr_info("veth0")
            if a["family"] == "inet6" and a["local"].startswith("fe80:")]


def eui64_ll(e):
    mac = (e.link("veth0") or {})["address"].split(":")
    b = [int(x, 16) for x in mac]
    b[0] ^= 2
    iid = "%02x%02x:%02xff:fe%02x:%02x%02x" % (b[0], b[1], b[2], b[3], b[4], b[5])
    return norm_v6("fe80::" + iid)


def test_stateless_slaac_show_delete():
    with Env() as e:
        start_radvd(e)
        e.start_daemon()
        e.ipadm_ok("create-if", "veth0")
        eq(e.sysctl("net/ipv6/conf/veth0/accept_ra"), "0", "create-if alone: no RAs")
        e.ipadm_ok("create-addr", "-T", "addrconf", "veth0/v6")
        eq(linklocals(e), [eui64_ll(e)], "link-local from the MAC (EUI-64)")
        eq(e.sysctl("net/ipv6/conf/veth0/accept_ra"), "1", "accept_ra on")
        eq(e.sysctl("net/ipv6/conf/veth0/autoconf"), "1", "autoconf on (stateless=yes)")
        wait_for(lambda: len(slaac(e)) == 1, timeout=20, what="SLAAC address from the RA")
        got = next(iter(slaac(e)))
        eq(got, norm_v6("2001:db8:1::" + eui64_ll(e).split("::")[1]), "SLAAC interface id")
        rows = [r for r in e.show_addr_rows() if r["addrobj"] == "veth0/v6"]
        eq(sorted(r["addr"] for r in rows), sorted([eui64_ll(e) + "/64", got + "/64"]),
           "both addresses under the object")
        check(all(r["type"] == "addrconf" for r in rows), "type addrconf: %r" % rows)
        e.ipadm_fail(["create-addr", "-T", "addrconf", "veth0/again"], "Addrconf already in progress")
        e.ipadm_fail(["up-addr", "-t", "veth0/v6"], "Operation not supported")
        e.ipadm_fail(["set-addrprop", "-p", "private=on", "veth0/v6"], "Operation not supported")
        e.ipadm_fail(["refresh-addr", "veth0/v6"], "Operation not supported")
        e.ipadm_fail(["create-addr", "-T", "addrconf", "-w", "3", "veth0/x"],
                     "Invalid arguments for type addrconf")
        e.ipadm_fail(["create-addr", "-T", "addrconf", "-i", "::1:2", "veth0/x"],
                     "Invalid argument")
        e.ipadm_ok("delete-addr", "veth0/v6")
        eq(linklocals(e), [], "link-local removed")
        eq(slaac(e), {}, "SLAAC addresses removed")
        eq(e.sysctl("net/ipv6/conf/veth0/accept_ra"), "0", "accept_ra off again")
        time.sleep(5)  # more than one advertisement interval
        eq(slaac(e), {}, "no SLAAC after delete")


def test_token_and_stateless_no():
    with Env() as e:
        start_radvd(e)
        e.start_daemon()
        e.ipadm_ok("create-addr", "-T", "addrconf", "-i", "::1:2:3:4/64", "veth0/v6")
        eq(linklocals(e), [norm_v6("fe80::1:2:3:4")], "link-local from the token")
        wait_for(lambda: list(slaac(e)) == [norm_v6("2001:db8:1::1:2:3:4")], timeout=20,
                 what="SLAAC address with the token")
        e.ipadm_ok("delete-addr", "veth0/v6")
        e.ipadm_ok("create-addr", "-T", "addrconf", "-p", "stateless=no", "veth0/v6")
        eq(e.sysctl("net/ipv6/conf/veth0/autoconf"), "0", "stateless=no: autoconf off")
        time.sleep(5)
        eq(slaac(e), {}, "no SLAAC address with stateless=no")


def test_persistent_across_restart_and_reboot():
    with Env() as e:
        radvd = start_radvd(e)
        e.start_daemon()
        e.ipadm_ok("create-addr", "-T", "addrconf", "veth0/v6")
        wait_for(lambda: len(slaac(e)) == 1, timeout=20, what="SLAAC address")
        before = e.all_kernel_addrs()
        e.stop_daemon()
        e.start_daemon()
        eq(e.all_kernel_addrs(), before, "restart changed nothing in the kernel")
        e.stop_peer(radvd)  # the router goes with the old namespace
        e.reboot()
        start_radvd(e)
        eq(linklocals(e), [], "nothing before restore")
        e.ipadm_ok("restore")
        eq(linklocals(e), [eui64_ll(e)], "link-local after restore")
        wait_for(lambda: len(slaac(e)) == 1, timeout=20, what="SLAAC after restore")
        out = e.ipadm_ok("export")
        check("_intfid=" in out, "addrconf object exported: %s" % out)


DHCP6_POOL = (ipaddress.ip_address("2001:db8:2::100"), ipaddress.ip_address("2001:db8:2::1ff"))


def dhcp6_addrs(e):
    """veth0's addresses from dnsmasq's DHCPv6 pool: {local: addr_info}."""
    lo, hi = DHCP6_POOL
    return {a["local"]: a for a in e.addr_info("veth0")
            if a["family"] == "inet6" and lo <= ipaddress.ip_address(a["local"]) <= hi}


def start_dhcp6_server(e, ra=True):
    """dnsmasq: a DHCPv6 pool, 2-minute leases (dnsmasq serves a range only
    on a link holding an address of its prefix), and with ra=True router
    advertisements with the managed (M) flag."""
    e.nsexec("ip", "addr", "add", "2001:db8:2::1/64", "dev", "veth1", "nodad", ns=e.peer,
             check=True)
    ra_args = ["--enable-ra", "--ra-param=veth1,4"] if ra else []
    return e.start_peer("dnsmasq", "--no-daemon", "--conf-file=/dev/null", "--port=0",
                        "--interface=veth1", "--bind-interfaces", *ra_args,
                        "--dhcp-range=2001:db8:2::100,2001:db8:2::1ff,64,2m",
                        "--dhcp-leasefile=" + os.path.join(e.root, "dnsmasq6.leases"),
                        "--pid-file=", "--log-dhcp", log_name="dnsmasq6")


def dhclients(e):
    """PIDs of DHCPv6 clients the test's daemon started (their state files
    are under its root)."""
    return [pid for pid, argv in proc_cmdlines().items()
            if argv and os.path.basename(argv[0]) == "dhclient" and any(e.root in a for a in argv)]


def test_dhcpv6_waits_for_the_m_flag():
    """stateful=yes runs DHCPv6 only once a router sets the M flag (as
    in.ndpd starts dhcpagent): no client while the RAs say M=0, even with a
    DHCPv6 server on the link; a lease soon after a router says M=1."""
    with Env() as e:
        server = start_dhcp6_server(e, ra=False)
        radvd = start_radvd(e, managed=False)
        e.start_daemon()
        e.ipadm_ok("create-addr", "-T", "addrconf", "veth0/v6")
        wait_for(lambda: len(slaac(e)) == 1, timeout=20, what="SLAAC (an RA was processed)")
        time.sleep(6)  # more advertisements, still M=0
        eq(dhclients(e), [], "DHCPv6 clients while the routers say M=0")
        eq(dhcp6_addrs(e), {}, "DHCPv6 addresses while the routers say M=0")
        e.stop_peer(radvd)
        radvd = start_radvd(e, managed=True)
        wait_for(lambda: len(dhcp6_addrs(e)) == 1, timeout=40,
                 what="a DHCPv6 lease once a router says M=1")
        eq(len(dhclients(e)), 1, "one DHCPv6 client")
        # A daemon restart finds the flag already set and starts the client
        # again at once (no new notification comes).
        e.stop_daemon(signal.SIGKILL)
        wait_for(lambda: not dhclients(e), timeout=10, what="the client to die with the daemon")
        e.start_daemon()
        wait_for(lambda: len(dhclients(e)) == 1, timeout=10, what="the client after a restart")
        e.ipadm_ok("delete-addr", "veth0/v6")
        eq(dhcp6_addrs(e), {}, "DHCPv6 address removed with the object")
        e.stop_peer(radvd)
        e.stop_peer(server)


def test_stateful_dhcpv6():
    with Env() as e:
        server = start_dhcp6_server(e)
        e.start_daemon()
        e.ipadm_ok("create-addr", "-T", "addrconf", "veth0/v6")  # stateful=yes by default
        wait_for(lambda: len(dhcp6_addrs(e)) == 1, timeout=40, what="DHCPv6 lease on veth0")
        local, a = next(iter(dhcp6_addrs(e).items()))
        eq(a["prefixlen"], 128, "DHCPv6 address is a /128")
        check(0 < a["valid_life_time"] <= 120, "lease time as valid lifetime: %r" % a)
        rows = [r for r in e.show_addr_rows() if r["addrobj"] == "veth0/v6"]
        check(local + "/128" in [r["addr"] for r in rows], "shown under the object: %r" % rows)
        # The daemon restarts: the lease stays, and a new client keeps it.
        e.stop_daemon(signal.SIGKILL)
        check(local in dhcp6_addrs(e), "lease kept while the daemon is down")
        e.start_daemon()
        time.sleep(2)
        check(local in dhcp6_addrs(e), "lease kept across the restart")
        e.ipadm_ok("delete-addr", "veth0/v6")
        eq(dhcp6_addrs(e), {}, "DHCPv6 address removed with the object")
        e.ipadm_ok("create-addr", "-T", "addrconf", "-p", "stateful=no", "veth0/v6")
        time.sleep(6)
        eq(dhcp6_addrs(e), {}, "stateful=no: no DHCPv6")
        e.stop_peer(server)


if __name__ == "__main__":
    main([test_stateless_slaac_show_delete, test_token_and_stateless_no,
          test_persistent_across_restart_and_reboot, test_stateful_dhcpv6,
          test_dhcpv6_waits_for_the_m_flag])
