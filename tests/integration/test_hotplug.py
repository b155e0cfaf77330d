#!/usr/bin/env python3
"""Links that come and go (docs/linux-mapping.md; issue "kernel truth"),
against the real kernel with ip(8) as the actor and `ip -j` as the oracle:
a persistent interface whose link is deleted and re-created, moved out of the
namespace and back, or renamed into its name, gets its configuration back by
itself within a second; while its link is away it shows `offline`; a link
that appears after `ipadm restore` is configured when it appears; an overrun
of the daemon's event socket is recovered from."""

import os
import re
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Env, check, eq, main, wait_for  # noqa: E402

V4 = ("192.0.2.10", 24)
V6 = ("2001:db8::10", 64)


def configure(e, ifname="veth0"):
    e.ipadm_ok("create-addr", "-T", "static", "-a", "%s/%d" % V4, ifname + "/v4")
    e.ipadm_ok("create-addr", "-T", "static", "-a", "%s/%d" % V6, ifname + "/v6")
    e.ipadm_ok("create-addr", "-t", "-T", "static", "-a", "198.51.100.10/24", ifname + "/tmp")


def recreate_veth(e, name="veth0"):
    """A new veth pair: NAME in the main namespace, its peer in the peer one."""
    e.nsexec("ip", "link", "add", name, "type", "veth", "peer", "name", "peer-" + name,
             check=True)
    e.nsexec("ip", "link", "set", "peer-" + name, "netns", e.peer, check=True)
    e.nsexec("ip", "addr", "add", "192.0.2.1/24", "dev", "peer-" + name, ns=e.peer, check=True)
    e.nsexec("ip", "link", "set", "peer-" + name, "up", ns=e.peer, check=True)


def configured(e, ifname="veth0", timeout=1.5):
    """Waits (up to a second and a half) until the persistent addresses are
    in the kernel and the link is up."""
    wait_for(lambda: {V4, V6} <= e.kaddrs(ifname) and e.link_up(ifname), timeout=timeout,
             what="%s configured again" % ifname)


def test_deleted_and_recreated_link_comes_back():
    with Env() as e:
        e.start_daemon()
        configure(e)
        old_index = e.link("veth0")["ifindex"]
        e.nsexec("ip", "link", "del", "veth0", check=True)
        wait_for(lambda: e.show_if_map().get("veth0", {}).get("state") == "offline",
                 timeout=2, what="show-if veth0 offline")
        rows = e.show_addr_map()
        eq(rows["veth0/v4"]["state"], "disabled", "veth0/v4 while the link is away")
        check("veth0/tmp" not in rows, "the temporary object is forgotten")
        e.ipadm_fail(["create-addr", "-T", "static", "-a", "192.0.2.99/24", "veth0/v4"],
                     "Address object already exists")
        recreate_veth(e)
        check(e.link("veth0")["ifindex"] != old_index, "a new ifindex")
        configured(e)
        e.settle("veth0")
        eq(e.show_addr_map()["veth0/v4"]["state"], "ok", "veth0/v4 after the link came back")
        check(("198.51.100.10", 24) not in e.kaddrs("veth0"), "temporary stays gone")
        e.nsexec("ping", "-c1", "-W2", "192.0.2.1", check=True)
        # no error storm in the log
        lines = [l for l in e.log_text().splitlines() if "veth0" in l]
        check(len(lines) <= 6, "a few log lines, not a storm: %r" % lines)


def test_moved_out_and_back():
    with Env() as e:
        e.start_daemon()
        configure(e)
        e.nsexec("ip", "link", "set", "veth0", "netns", e.peer, check=True)
        wait_for(lambda: e.show_if_map().get("veth0", {}).get("state") == "offline",
                 timeout=2, what="offline while moved away")
        e.nsexec("ip", "link", "set", "veth0", "netns", e.ns, ns=e.peer, check=True)
        configured(e)


def test_renamed_into_the_name():
    with Env() as e:
        e.start_daemon()
        configure(e)
        e.nsexec("ip", "link", "del", "veth0", check=True)
        recreate_veth(e, "tmp8")
        e.nsexec("ip", "link", "set", "tmp8", "down", check=True)
        e.nsexec("ip", "link", "set", "tmp8", "name", "veth0", check=True)
        configured(e)
        # renamed away: it counts as gone; its addresses are no longer ipadm's
        e.nsexec("ip", "link", "set", "veth0", "down", check=True)
        e.nsexec("ip", "link", "set", "veth0", "name", "other0", check=True)
        wait_for(lambda: e.show_if_map().get("veth0", {}).get("state") == "offline",
                 timeout=2, what="offline after a rename away")


def test_link_appearing_after_restore():
    with Env() as e:
        e.start_daemon()
        configure(e)
        e.reboot(start=False)
        e.nsexec("ip", "link", "del", "veth0", check=True)
        e.start_daemon()
        rc, out, err = e.ipadm("restore")
        check("veth0" in out + err, "restore reports veth0 missing: %r %r" % (out, err))
        eq(e.kaddrs("veth0"), set(), "nothing yet")
        recreate_veth(e)
        configured(e)


def test_link_recreated_while_the_daemon_was_down():
    """The daemon is killed (SIGKILL), veth0 is deleted and re-created (a new
    ifindex, bare), and the daemon started again: it tells the new link from
    the one it had enabled and configures it, as hotplug would. A link that
    is missing at start-up shows offline and is configured when it comes."""
    with Env() as e:
        e.start_daemon()
        configure(e)
        e.stop_daemon(signal.SIGKILL)
        e.nsexec("ip", "link", "del", "veth0", check=True)
        recreate_veth(e)
        e.start_daemon()
        configured(e)
        e.settle("veth0")
        rows = e.show_addr_map()
        eq(rows["veth0/v4"]["state"], "ok", "veth0/v4 after the restart")
        check("veth0/tmp" not in rows, "the temporary object went with the old link")
        e.stop_daemon(signal.SIGKILL)
        e.nsexec("ip", "link", "del", "veth0", check=True)
        e.start_daemon()
        wait_for(lambda: e.show_if_map().get("veth0", {}).get("state") == "offline",
                 timeout=2, what="offline: the link went away while the daemon was down")
        recreate_veth(e)
        configured(e)


def test_disabled_interface_stays_disabled():
    with Env() as e:
        e.start_daemon()
        configure(e)
        e.ipadm_ok("disable-if", "-t", "veth0")
        e.nsexec("ip", "link", "del", "veth0", check=True)
        recreate_veth(e)
        time.sleep(1.0)
        eq(e.kaddrs("veth0") & {V4, V6}, set(), "a disabled interface is not re-enabled")


def test_restart_keeps_hands_off():
    with Env() as e:
        e.start_daemon()
        configure(e)
        e.ipadm_ok("disable-if", "-t", "veth0")
        e.stop_daemon()
        e.start_daemon()
        time.sleep(0.5)
        eq(e.kaddrs("veth0") & {V4, V6}, set(), "a restart enables nothing")


def test_drift_admin_down_up_and_addr_del():
    """Linux drops IPv6 addresses on admin down: after `ip link set down/up`
    the managed ones come back by themselves. An address removed with
    `ip addr del` stays removed (as an ifconfig removal sticks on illumos),
    shows `down`, and `up-addr` puts it back rather than claim success."""
    with Env() as e:
        e.start_daemon()
        configure(e)
        e.settle("veth0")
        e.nsexec("ip", "link", "set", "veth0", "down", check=True)
        check(V6 not in e.kaddrs("veth0"), "the kernel dropped the IPv6 address")
        e.nsexec("ip", "link", "set", "veth0", "up", check=True)
        configured(e)
        e.nsexec("ip", "addr", "del", "%s/%d" % V4, "dev", "veth0", check=True)
        wait_for(lambda: e.show_addr_map()["veth0/v4"]["state"] == "down", timeout=1,
                 what="veth0/v4 shown down")
        time.sleep(0.5)
        check(V4 not in e.kaddrs("veth0"), "an ip addr del is not undone by itself")
        e.ipadm_ok("up-addr", "-t", "veth0/v4")
        check(V4 in e.kaddrs("veth0"), "up-addr put the address back")
        eq(e.show_addr_map()["veth0/v4"]["state"], "ok", "veth0/v4 after up-addr")


def test_event_overrun_is_recovered():
    """The daemon is stopped (SIGSTOP, by PID) while the kernel sends more
    events than its 4 KiB event socket holds -- among them veth0 deleted and
    re-created. On SIGCONT it finds the overrun (ENOBUFS), reads links and
    addresses again and acts on what it missed."""
    with Env() as e:
        e.start_daemon(env={"IPMGMTD_TEST_EVENT_RCVBUF": "4096"})
        configure(e)
        e.nsexec("ip", "link", "add", "burst0", "type", "veth", "peer", "name", "burst1",
                 check=True)
        e.nsexec("ip", "link", "set", "burst0", "up", check=True)
        batch = "".join("address add 10.77.%d.%d/32 dev burst0\n" % (i // 250, i % 250 + 1)
                        for i in range(1000))
        os.kill(e.daemon.pid, signal.SIGSTOP)
        try:
            e.nsexec("ip", "-batch", "-", input=batch, check=True)
            e.nsexec("ip", "link", "del", "veth0", check=True)
            recreate_veth(e)
        finally:
            os.kill(e.daemon.pid, signal.SIGCONT)
        wait_for(lambda: "kernel events were lost" in e.log_text(), timeout=5,
                 what="the daemon saw the overrun")
        configured(e)
        e.ipadm_ok("show-if")


def test_reads_answer_from_the_view():
    """show-addr and show-if answer from the view the event loop keeps, not
    from a dump per request: traced with strace(1), the daemon sends no
    RTM_GETADDR or RTM_GETLINK while they run (a dump per request did),
    though it does send the RTM_NEWADDR of a create-addr traced alike."""
    with Env() as e:
        e.start_daemon()
        configure(e)
        e.settle("veth0")
        trace = os.path.join(e.root, "strace.out")
        tracer = subprocess.Popen(["strace", "-f", "-qq", "-e", "trace=sendto,sendmsg", "-o",
                                   trace, "-p", str(e.daemon.pid)],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            time.sleep(1.0)  # attached to every thread
            for _ in range(3):
                e.ipadm_ok("show-addr")
                e.ipadm_ok("show-addr", "veth0/v4")
                e.ipadm_ok("show-if")
                e.ipadm_ok("show-if", "veth0")
            reads = open(trace).read()
            e.ipadm_ok("create-addr", "-t", "-T", "static", "-a", "203.0.113.7/24", "veth0/tr")
            time.sleep(0.3)
        finally:
            tracer.send_signal(signal.SIGINT)
            tracer.wait(timeout=10)
        traced = open(trace).read()

        def nl_requests(text, *types):
            # strace names the type, or prints it in hex when it does not
            # know the socket's protocol (attached after it was opened).
            return [l for l in text.splitlines()
                    if re.search(r"nlmsg_type=(%s)\b" % "|".join(types), l)]

        check(nl_requests(traced, "RTM_NEWADDR", "0x14"),
              "the trace sees the daemon's netlink requests")
        gets = nl_requests(reads, "RTM_GETADDR", "0x16", "RTM_GETLINK", "0x12")
        check(not gets, "no kernel read while showing: %s" % gets[:3])


def test_reads_see_every_change_at_once():
    """Read-your-writes from the view: right after each command or ip(8)
    change returns, show-addr shows it (no wait for the event loop)."""
    with Env() as e:
        e.start_daemon()
        configure(e)
        for i in range(15):
            name = "veth0/r%d" % i
            addr = "203.0.113.%d" % (i + 1)
            e.ipadm_ok("create-addr", "-t", "-T", "static", "-a", addr + "/24", name)
            eq(e.show_addr_map()[name]["state"], "ok", name + " right after create-addr")
            e.ipadm_ok("down-addr", "-t", name)
            eq(e.show_addr_map()[name]["state"], "down", name + " right after down-addr")
            e.nsexec("ip", "addr", "add", "198.18.0.%d/32" % (i + 1), "dev", "veth0",
                     check=True)
            check(any(r["addr"].startswith("198.18.0.%d/" % (i + 1)) and r["addrobj"] == "veth0/?"
                      for r in e.show_addr_rows()), "an ip addr add shows at once (%d)" % i)
            e.ipadm_ok("delete-addr", name)
            check(name not in e.show_addr_map(), name + " gone right after delete-addr")
        e.nsexec("ip", "link", "set", "veth0", "down", check=True)
        eq(e.show_if_map()["veth0"]["state"], "down", "veth0 right after ip link set down")


if __name__ == "__main__":
    main([
        test_deleted_and_recreated_link_comes_back,
        test_moved_out_and_back,
        test_renamed_into_the_name,
        test_link_appearing_after_restore,
        test_disabled_interface_stays_disabled,
        test_link_recreated_while_the_daemon_was_down,
        test_restart_keeps_hands_off,
        test_drift_admin_down_up_and_addr_del,
        test_event_overrun_is_recovered,
        test_reads_answer_from_the_view,
        test_reads_see_every_change_at_once,
    ])
