#!/usr/bin/env python3
"""create-addr -T dhcp (spec 3.4) against a real DHCP server.

dnsmasq serves 192.0.2.50-60/24 (router 192.0.2.1, 2-minute leases) in the
peer namespace; ipmgmtd runs busybox udhcpc per DHCP object and puts the
lease into the kernel itself: the address with the lease time as lifetime,
a default route (protocol dhcp) via the router. Checked with ip -j and the
server's own lease file."""

import ipaddress
import os
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Env, check, eq, main, proc_cmdlines, wait_for  # noqa: E402

POOL = ipaddress.ip_network("192.0.2.0/24")


def lease_addrs(e):
    """The IPv4 addresses on veth0 from the pool: {local: addr_info}."""
    return {a["local"]: a for a in e.addr_info("veth0")
            if a["family"] == "inet" and ipaddress.ip_address(a["local"]) in POOL}


def dhcp_routes(e):
    return [r for r in e.ip_j("route", "show", "default")
            if r.get("protocol") == "dhcp" and r.get("dev") == "veth0"]


def setup(e, server=True):
    """Returns the dnsmasq process (None without a server)."""
    e.no_tx_checksum()
    p = e.start_dnsmasq() if server else None
    e.start_daemon()
    return p


def test_create_show_delete_release():
    with Env() as e:
        setup(e)
        e.ipadm_ok("create-addr", "-T", "dhcp", "-w", "30", "-h", "ipadmhost", "veth0/dh")
        got = lease_addrs(e)
        eq(len(got), 1, "one leased address on veth0: %r" % got)
        local, a = next(iter(got.items()))
        eq(a["prefixlen"], 24, "prefix length from the subnet mask")
        check(0 < a["valid_life_time"] <= 120, "lease time as valid lifetime: %r" % a)
        routes = dhcp_routes(e)
        eq([r.get("gateway") for r in routes], ["192.0.2.1"], "default route via the router")
        row = e.show_addr_map()["veth0/dh"]
        eq((row["type"], row["state"], row["addr"]), ("dhcp", "ok", local + "/24"), "show-addr")
        check(("ipadmhost" in [h for _, h in e.leases()]), "host name sent: %r" % e.leases())
        # The server sees the same lease.
        check(local in [x for x, _ in e.leases()], "server lease %r" % e.leases())
        # persistent: in the store
        out = e.ipadm_ok("show-addr", "-p", "-o", "persistent", "veth0/dh").strip()
        eq(out, "U--", "persistent flags")
        e.ipadm_ok("delete-addr", "-r", "veth0/dh")
        eq(lease_addrs(e), {}, "lease address removed")
        eq(dhcp_routes(e), [], "default route removed")
        wait_for(lambda: local not in [x for x, _ in e.leases()], timeout=10,
                 what="server got the DHCPRELEASE")
        check("veth0/dh" not in e.show_addr_map(), "object gone")


def test_restart_keeps_lease_then_reboot():
    with Env() as e:
        server = setup(e)
        e.ipadm_ok("create-addr", "-T", "dhcp", "-w", "30", "veth0/dh")
        local = next(iter(lease_addrs(e)))
        before = e.kaddr(local)
        # SIGKILL: the daemon's clients die with it; the lease stays.
        e.stop_daemon(signal.SIGKILL)
        check(local in lease_addrs(e), "lease kept while the daemon is down")
        e.start_daemon()
        check(local in lease_addrs(e), "lease kept across the restart")
        eq(e.show_addr_map()["veth0/dh"]["addr"], local + "/24", "object adopted")
        # The new client asks for the same address and renews it.
        wait_for(lambda: e.kaddr(local) and e.kaddr(local)["valid_life_time"] >
                 before["valid_life_time"] - 1, timeout=20, what="lease renewed")
        eq(len(lease_addrs(e)), 1, "still exactly one address")
        # Reboot: the persistent object comes back with a lease.
        e.stop_peer(server)  # the server goes with the old namespace
        e.reboot()
        eq(lease_addrs(e), {}, "nothing before restore")
        e.no_tx_checksum()  # new veth pair after the reboot
        e.start_dnsmasq()
        e.ipadm_ok("restore")
        wait_for(lambda: len(lease_addrs(e)) == 1, timeout=40, what="lease after restore")
        e.wait_addr_state("veth0/dh", "ok")


def test_timeout_then_server_comes():
    with Env() as e:
        setup(e, server=False)
        rc, out, err = e.ipadm("create-addr", "-T", "dhcp", "-t", "-w", "2", "veth0/dh")
        eq(rc, 0, "a DHCP timeout is only a warning: %s" % err)
        check("timed out" in err, "timeout warning: %r" % err)
        row = e.show_addr_map()["veth0/dh"]
        eq((row["type"], row["state"], row["addr"]), ("dhcp", "down", "?"), "no lease yet")
        eq(lease_addrs(e), {}, "nothing in the kernel")
        e.start_dnsmasq()
        e.ipadm_ok("refresh-addr", "veth0/dh")
        wait_for(lambda: len(lease_addrs(e)) == 1, timeout=40, what="lease once the server runs")
        e.wait_addr_state("veth0/dh", "ok")
        # temporary: not in the store
        out = e.ipadm_ok("show-addr", "-p", "-o", "persistent", "veth0/dh").strip()
        eq(out, "---", "temporary object")


def test_down_up_disable_enable():
    with Env() as e:
        setup(e)
        e.ipadm_ok("create-addr", "-T", "dhcp", "-w", "30", "veth0/dh")
        local = next(iter(lease_addrs(e)))
        e.ipadm_fail(["down-addr", "veth0/dh"], "Operation not supported")
        e.ipadm_ok("down-addr", "-t", "veth0/dh")
        eq(lease_addrs(e), {}, "down: out of the kernel")
        eq(e.show_addr_map()["veth0/dh"]["state"], "down", "state down")
        e.ipadm_ok("up-addr", "-t", "veth0/dh")
        check(local in lease_addrs(e), "up: the lease is back")
        e.ipadm_ok("disable-addr", "-t", "veth0/dh")
        eq(lease_addrs(e), {}, "disabled: out of the kernel")
        eq(dhcp_routes(e), [], "disabled: no dhcp route")
        eq(e.show_addr_map()["veth0/dh"]["state"], "disabled", "state disabled")
        e.ipadm_ok("enable-addr", "-t", "veth0/dh")
        wait_for(lambda: len(lease_addrs(e)) == 1, timeout=30, what="lease after enable")


def test_props_and_refusals():
    with Env() as e:
        setup(e)
        e.ipadm_ok("create-addr", "-T", "dhcp", "-1", "-w", "30", "veth0/dh")
        out = e.ipadm_ok("show-addrprop", "-c", "-o", "current", "-p", "primary", "veth0/dh")
        eq(out.strip(), "on", "primary from -1")
        e.ipadm_ok("set-addrprop", "-p", "reqhost=newname", "veth0/dh")
        wait_for(lambda: "newname" in [h for _, h in e.leases()], timeout=30,
                 what="new host name reaches the server")
        out = e.ipadm_ok("show-addrprop", "-c", "-o", "current,persistent", "-p", "reqhost",
                         "veth0/dh")
        eq(out.strip(), "newname:newname", "reqhost current and persistent")
        before = set(lease_addrs(e))
        for args, msg in [
            (["create-addr", "-T", "dhcp", "-a", "192.0.2.9", "veth0/x"],
             "Invalid arguments for type dhcp"),
            (["create-addr", "-T", "dhcp", "veth0/second"], "already running"),
            (["create-addr", "-T", "dhcp", "-h", "bad_host!", "veth0/x"], "Invalid argument"),
            (["create-addr", "-T", "dhcp", "-w", "soon", "veth0/x"], "Invalid argument"),
            (["set-addrprop", "-p", "prefixlen=25", "veth0/dh"], "Operation not supported"),
            (["set-addrprop", "-p", "reqhost=bad_host!", "veth0/dh"], "Invalid argument"),
            (["set-addrprop", "-p", "primary=off", "veth0/dh"], "Operation not supported"),
            (["refresh-addr", "-i", "veth0/dh"], "Invalid argument"),
            (["create-addr", "-T", "dhcp", "lo/dh"], "Operation not supported"),
        ]:
            e.ipadm_fail(args, msg)
        eq(set(lease_addrs(e)), before, "refusals changed nothing in the kernel")
        check("veth0/x" not in e.show_addr_map(), "no object from a refused create")
        e.ipadm_ok("create-addr", "-T", "static", "-a", "198.51.100.1/24", "veth0/st")
        e.ipadm_fail(["delete-addr", "-r", "veth0/st"], "Operation not supported")
        e.ipadm_fail(["set-addrprop", "-p", "reqhost=x", "veth0/st"], "Operation not supported")


def test_refresh_addr_inform():
    """refresh-addr -i of a static IPv4 object sends DHCPINFORM (spec 2.2);
    dnsmasq's log is the oracle. Without a server: the illumos warning, exit
    0, after the wait (10 s)."""
    with Env() as e:
        e.start_daemon()
        e.no_tx_checksum()
        e.ipadm_ok("create-addr", "-T", "static", "-a", "192.0.2.10/24", "veth0/st")
        e.settle("veth0")
        rc, out, err = e.ipadm("refresh-addr", "-i", "veth0/st")
        eq(rc, 0, "refresh-addr -i without a server exits 0: %r" % err)
        check("Communication with dhcpagent timed out" in err,
              "the timeout warning: %r" % err)
        e.start_dnsmasq(["--dhcp-range=192.0.2.0,static,255.255.255.0",
                         "--dhcp-option=6,192.0.2.53", "--dhcp-option=15,example.net"])
        log = os.path.join(e.root, "dnsmasq.log")
        wait_for(lambda: os.path.exists(log) and "started" in open(log).read(),
                 what="dnsmasq started")
        before = e.kaddrs("veth0")
        rc, out, err = e.ipadm("refresh-addr", "-i", "veth0/st")
        eq((rc, err), (0, ""), "refresh-addr -i with a server")
        text = open(log).read()
        check("DHCPINFORM(veth1) 192.0.2.10" in text, "dnsmasq saw the INFORM: %s" % text)
        check("DHCPACK(veth1) 192.0.2.10" in text, "dnsmasq answered it: %s" % text)
        wait_for(lambda: "dns 192.0.2.53, domain example.net" in e.log_text(),
                 what="the daemon logged the server's answer")
        eq(e.kaddrs("veth0"), before, "INFORM changes no address")
        eq(e.show_addr_map()["veth0/st"]["state"], "ok", "veth0/st still ok")
        e.ipadm_ok("down-addr", "-t", "veth0/st")
        e.ipadm_fail(["refresh-addr", "-i", "veth0/st"], "Can't assign requested address")


def clients_of(e):
    """pids of DHCP clients (udhcpc, dhclient) whose parent is our daemon."""
    out = []
    for pid, argv in proc_cmdlines().items():
        try:
            with open("/proc/%d/stat" % pid) as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        if ppid == e.daemon.pid and argv and ("udhcpc" in argv[0] or "dhclient" in argv[0]
                                              or "busybox" in argv[0]):
            out.append(pid)
    return out


def test_interface_operations_stop_the_clients():
    """disable-if, enable-if and delete-if take the lease out of the kernel
    and stop (or start again) the object's client; nothing is left behind."""
    with Env() as e:
        setup(e)
        e.ipadm_ok("create-addr", "-T", "dhcp", "-w", "30", "veth0/dh")
        wait_for(lambda: len(clients_of(e)) == 1, timeout=10, what="one udhcpc")
        e.ipadm_ok("disable-if", "-t", "veth0")
        eq(lease_addrs(e), {}, "disable-if: lease out of the kernel")
        eq(dhcp_routes(e), [], "disable-if: route removed")
        wait_for(lambda: clients_of(e) == [], timeout=10, what="client stopped by disable-if")
        e.ipadm_ok("enable-if", "-t", "veth0")
        wait_for(lambda: len(lease_addrs(e)) == 1, timeout=40, what="lease after enable-if")
        e.ipadm_ok("delete-if", "veth0")
        eq(lease_addrs(e), {}, "delete-if: lease out of the kernel")
        wait_for(lambda: clients_of(e) == [], timeout=10, what="client stopped by delete-if")
        check("veth0/dh" not in e.show_addr_map(), "object gone")
        # SIGTERM: the daemon stops its clients and leaves no process behind.
        e.ipadm_ok("create-addr", "-T", "dhcp", "-w", "30", "veth0/dh")
        pids = clients_of(e)
        eq(len(pids), 1, "one client again")
        eq(e.stop_daemon(signal.SIGTERM), 0, "clean exit")
        wait_for(lambda: not any(os.path.exists("/proc/%d" % p) for p in pids), timeout=10,
                 what="client gone with the daemon")
        eq(len(lease_addrs(e)), 1, "the lease stays in the kernel for the next daemon")


if __name__ == "__main__":
    main([test_refresh_addr_inform, test_create_show_delete_release, test_restart_keeps_lease_then_reboot,
          test_timeout_then_server_comes, test_down_up_disable_enable, test_props_and_refusals,
          test_interface_operations_stop_the_clients])
