#!/usr/bin/env python3
"""DNS learned by DHCPv4 (options 6, 15, 119), DHCPv6 (options 23, 24) and
router advertisements (RDNSS, DNSSL) is applied, and goes with the lease,
the object or the router (issue 13 item 2).

Real servers in the peer namespace: dnsmasq (DHCPv4, DHCPv6) and radvd.
A daemon with a root prefix writes ROOT/run/ipadm/resolv.conf (never the
host's resolver): that file is the oracle."""

import ipaddress
import os
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Env, check, eq, main, wait_for  # noqa: E402


def resolv(e):
    """(nameservers, search domains) of ROOT/run/ipadm/resolv.conf; None if
    the file does not exist."""
    try:
        with open(os.path.join(e.root, "run/ipadm/resolv.conf")) as f:
            lines = f.read().splitlines()
    except FileNotFoundError:
        return None
    servers, search = [], []
    for line in lines:
        w = line.split()
        if w and w[0] == "nameserver":
            servers.append(w[1])
        elif w and w[0] == "search":
            search.extend(w[1:])
    return servers, search


def wait_resolv(e, want, timeout=30, what="resolv.conf"):
    try:
        wait_for(lambda: resolv(e) == want, timeout=timeout, what=what)
    except AssertionError:
        eq(resolv(e), want, what)  # names what the file holds


def v4_lease(e):
    pool = ipaddress.ip_network("192.0.2.0/24")
    return [a["local"] for a in e.addr_info("veth0")
            if a["family"] == "inet" and ipaddress.ip_address(a["local"]) in pool]


def test_dhcpv4_options_6_15_119():
    """dnsmasq hands out two name servers, a domain name (15) and a domain
    search list (119): all of them, in that order, reach resolv.conf; they
    go with disable-addr -t, come back with enable-addr -t, and go with
    delete-addr."""
    with Env() as e:
        e.no_tx_checksum()
        e.start_dnsmasq(extra=["--dhcp-option=6,192.0.2.53,192.0.2.54",
                               "--dhcp-option=15,corp.test",
                               "--dhcp-option=119,a.corp.test,b.corp.test"])
        e.start_daemon()
        eq(resolv(e), None, "no resolv.conf before anything is learned")
        e.ipadm_ok("create-addr", "-T", "dhcp", "-w", "30", "veth0/dh")
        want = (["192.0.2.53", "192.0.2.54"], ["corp.test", "a.corp.test", "b.corp.test"])
        wait_resolv(e, want, what="DNS of the DHCPv4 lease")
        st = os.stat(os.path.join(e.root, "run/ipadm/resolv.conf"))
        eq(oct(st.st_mode & 0o777), oct(0o644), "resolv.conf mode")
        e.ipadm_ok("disable-addr", "-t", "veth0/dh")
        eq(resolv(e), ([], []), "DNS gone with disable-addr -t")
        e.ipadm_ok("enable-addr", "-t", "veth0/dh")
        wait_resolv(e, want, what="DNS back with enable-addr -t")
        e.ipadm_ok("delete-addr", "veth0/dh")
        eq(v4_lease(e), [], "lease address gone")
        eq(resolv(e), ([], []), "DNS gone with delete-addr")


def test_dhcpv4_dns_goes_with_the_link():
    """The link of the lease goes away: so does its DNS."""
    with Env() as e:
        e.no_tx_checksum()
        e.start_dnsmasq(extra=["--dhcp-option=6,192.0.2.53"])
        e.start_daemon()
        e.ipadm_ok("create-addr", "-T", "dhcp", "-w", "30", "veth0/dh")
        wait_resolv(e, (["192.0.2.53"], []), what="DNS of the lease")
        e.nsexec("ip", "link", "set", "veth0", "name", "gone0", check=True)
        wait_resolv(e, ([], []), timeout=10, what="DNS after the link went away")
        e.nsexec("ip", "link", "set", "gone0", "name", "veth0", check=True)
        # The link is back under its name: its persistent object restarts
        # the client, which gets the lease and its DNS again.
        wait_resolv(e, (["192.0.2.53"], []), what="DNS once the link is back")


def test_dhcpv4_dns_across_a_daemon_restart():
    """ipmgmtd is SIGKILLed: the file keeps the DNS meanwhile; the restarted
    daemon's client binds again and the DNS is its again, so delete-addr
    still takes it away."""
    with Env() as e:
        e.no_tx_checksum()
        e.start_dnsmasq(extra=["--dhcp-option=6,192.0.2.53", "--dhcp-option=15,corp.test"])
        e.start_daemon()
        e.ipadm_ok("create-addr", "-T", "dhcp", "-w", "30", "veth0/dh")
        want = (["192.0.2.53"], ["corp.test"])
        wait_resolv(e, want, what="DNS of the lease")
        e.stop_daemon(signal.SIGKILL)
        eq(resolv(e), want, "resolv.conf while the daemon is down")
        e.start_daemon()
        wait_for(lambda: "learned DNS goes to" in e.log_text().split("==== start")[-1],
                 timeout=30, what="the restarted daemon to apply the lease's DNS")
        eq(resolv(e), want, "resolv.conf after the restart")
        e.ipadm_ok("delete-addr", "veth0/dh")
        eq(resolv(e), ([], []), "DNS gone with delete-addr after the restart")


RADVD_CONF = """interface veth1 {
  AdvSendAdvert on;
  MinRtrAdvInterval 3;
  MaxRtrAdvInterval 4;
  AdvManagedFlag %(managed)s;
  prefix 2001:db8:1::/64 { AdvOnLink on; AdvAutonomous on; };
%(extra)s};
"""

RA_DNS = """  RDNSS 2001:db8:1::53 2001:db8:1::54 { AdvRDNSSLifetime 8; };
  DNSSL ra.test other.test { AdvDNSSLLifetime 8; };
"""


def start_radvd(e, managed=False, extra=""):
    conf = os.path.join(e.root, "radvd.conf")
    with open(conf, "w") as f:
        f.write(RADVD_CONF % {"managed": "on" if managed else "off", "extra": extra})
    e.nsexec("sysctl", "-q", "-w", "net.ipv6.conf.all.forwarding=1", ns=e.peer, check=True)
    return e.start_peer("radvd", "--nodaemon", "-C", conf, "-p",
                        os.path.join(e.root, "radvd.pid"), "-m", "stderr", log_name="radvd")


def test_ra_rdnss_dnssl_with_lifetimes():
    """radvd advertises two servers and two search domains with an 8-second
    lifetime. They are applied while an addrconf object runs SLAAC, expire
    about 8 s after the router dies without a word (SIGKILL: no final RA),
    come back with the router and go at once with delete-addr. Without an
    addrconf object the same advertisements change nothing."""
    with Env() as e:
        radvd = start_radvd(e, extra=RA_DNS)
        e.start_daemon()
        e.ipadm_ok("create-addr", "-T", "static", "-a", "2001:db8:9::2/64", "veth0/st")
        time.sleep(5)  # advertisements arrive; no addrconf object on veth0
        eq(resolv(e), None, "RA DNS without an addrconf object")
        e.ipadm_ok("create-addr", "-T", "addrconf", "-p", "stateful=no", "veth0/v6")
        want = (["2001:db8:1::53", "2001:db8:1::54"], ["ra.test", "other.test"])
        wait_resolv(e, want, what="RA DNS")
        radvd.kill()  # SIGKILL: no final advertisement
        radvd.wait()
        e.stop_peer(radvd)
        t0 = time.monotonic()
        wait_resolv(e, ([], []), timeout=20, what="RA DNS after its lifetime")
        took = time.monotonic() - t0
        check(took >= 3, "expired by lifetime (8 s after the last RA), not at once: %.1fs" % took)
        print("  RA DNS expired %.1fs after the router died" % took)
        radvd = start_radvd(e, extra=RA_DNS)
        wait_resolv(e, want, what="RA DNS from the new router")
        e.ipadm_ok("delete-addr", "veth0/v6")
        eq(resolv(e), ([], []), "RA DNS gone with delete-addr")
        time.sleep(5)  # further advertisements are ignored again
        eq(resolv(e), ([], []), "RA DNS after delete-addr")
        e.stop_peer(radvd)


def test_dhcpv6_dns_server_and_search():
    """A router sets the M flag (radvd, no RDNSS); dnsmasq serves DHCPv6
    with a name server (23) and a search list (24)."""
    with Env() as e:
        e.nsexec("ip", "addr", "add", "2001:db8:2::1/64", "dev", "veth1", "nodad", ns=e.peer,
                 check=True)
        server = e.start_peer(
            "dnsmasq", "--no-daemon", "--conf-file=/dev/null", "--port=0",
            "--interface=veth1", "--bind-interfaces",
            "--dhcp-range=2001:db8:2::100,2001:db8:2::1ff,64,2m",
            "--dhcp-option=option6:dns-server,[2001:db8:2::53]",
            "--dhcp-option=option6:domain-search,v6.test",
            "--dhcp-leasefile=" + os.path.join(e.root, "dnsmasq6.leases"),
            "--pid-file=", "--log-dhcp", log_name="dnsmasq6")
        radvd = start_radvd(e, managed=True)
        e.start_daemon()
        e.ipadm_ok("create-addr", "-T", "addrconf", "veth0/v6")  # stateful=yes
        wait_resolv(e, (["2001:db8:2::53"], ["v6.test"]), timeout=40, what="DHCPv6 DNS")
        e.ipadm_ok("delete-addr", "veth0/v6")
        eq(resolv(e), ([], []), "DHCPv6 DNS gone with delete-addr")
        e.stop_peer(radvd)
        e.stop_peer(server)


if __name__ == "__main__":
    main([test_dhcpv4_options_6_15_119, test_dhcpv4_dns_goes_with_the_link,
          test_dhcpv4_dns_across_a_daemon_restart,
          test_ra_rdnss_dnssl_with_lifetimes, test_dhcpv6_dns_server_and_search])
