#!/usr/bin/env python3
"""Daemon privileges (reliability plan (d) 'Daemon privilege', architecture
'Privileges'; docs/reliability.md).

ipmgmtd started as root with -u USER creates its directories, hands them to
USER, then runs as USER with no supplementary groups, only CAP_NET_ADMIN and
CAP_NET_RAW (effective = permitted = 0x3000), an empty bounding set and
no-new-privs -- and can still do its whole job: addresses over rtnetlink,
/proc/sys/net writes, the store. With a user that does not exist it says so
on stderr, stays uid 0, and has the same reduced capabilities.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import IPMGMTD, Env, check, eq, main, run  # noqa: E402
import reliability_lib as rl  # noqa: E402

CAP_NET_BIND_SERVICE = 10
CAP_NET_ADMIN = 12
CAP_NET_RAW = 13
WANT_CAPS = (1 << CAP_NET_ADMIN) | (1 << CAP_NET_RAW)   # 0x3000, effective
WANT_PRM = WANT_CAPS | (1 << CAP_NET_BIND_SERVICE)      # 0x3400, permitted
WANT_INH = (1 << CAP_NET_RAW) | (1 << CAP_NET_BIND_SERVICE)  # 0x2400, inheritable


def caps(st, key):
    return int(st[key], 16)


def check_reduced(pid, uid, gid, what):
    st = rl.proc_status(pid)
    eq(st["Uid"].split(), [str(uid)] * 4, "%s: Uid (real effective saved fs)" % what)
    eq(st["Gid"].split(), [str(gid)] * 4, "%s: Gid (real effective saved fs)" % what)
    eq(st["Groups"], "", "%s: supplementary groups" % what)
    eq(hex(caps(st, "CapEff")), hex(WANT_CAPS), "%s: CapEff" % what)
    eq(hex(caps(st, "CapPrm")), hex(WANT_PRM), "%s: CapPrm" % what)
    eq(hex(caps(st, "CapInh")), hex(WANT_INH), "%s: CapInh" % what)
    eq(caps(st, "CapBnd"), 0, "%s: CapBnd" % what)
    eq(caps(st, "CapAmb"), 0, "%s: CapAmb" % what)
    eq(st["NoNewPrivs"], "1", "%s: NoNewPrivs" % what)
    # every thread, not only the main one
    for t in os.listdir("/proc/%d/task" % pid):
        ts = rl.proc_status(int(t)) if t != str(pid) else st
        eq((ts["Uid"], hex(caps(ts, "CapEff")), ts["Groups"]),
           (st["Uid"], hex(WANT_CAPS), ""), "%s: thread %s credentials" % (what, t))
    return st


def does_the_job(e, what):
    """Addresses (rtnetlink), sysctls (/proc/sys/net) and the store."""
    root, ns = e.root, e.ns
    rl.cli_ok(root, "create-if", "veth0", ns=ns)
    rl.cli_ok(root, "create-addr", "-T", "static", "-a", "192.0.2.10/24", "veth0/v4", ns=ns)
    rl.cli_ok(root, "create-addr", "-T", "static", "-a", "2001:db8::10/64", "veth0/v6", ns=ns)
    rl.cli_ok(root, "create-addr", "-t", "-T", "static", "-a", "192.0.2.11/24", "veth0/t4",
              ns=ns)
    k = set(rl.kernel_addrs("veth0", ns=ns))
    check({("192.0.2.10", 24), ("2001:db8::10", 64), ("192.0.2.11", 24)} <= k,
          "%s: kernel addresses %r" % (what, k))
    # sysctls: plumbing enabled IPv6 without link-local; properties
    eq(e.sysctl("net/ipv6/conf/veth0/disable_ipv6"), "0", "%s: disable_ipv6" % what)
    eq(e.sysctl("net/ipv6/conf/veth0/addr_gen_mode"), "1", "%s: addr_gen_mode" % what)
    # properties (if this ipmgmtd implements them yet)
    rc, _, err = rl.cli(root, "set-prop", "-p", "forwarding=on", "ipv4", ns=ns)
    props_done = rc == 0
    if props_done:
        eq(e.sysctl("net/ipv4/ip_forward"), "1", "%s: set-prop forwarding" % what)
        rl.cli_ok(root, "set-ifprop", "-p", "mtu=1400", "-m", "ipv4", "veth0", ns=ns)
        eq(e.link("veth0")["mtu"], 1400, "%s: set-ifprop mtu" % what)
    else:
        check("not implemented" in err, "%s: set-prop failed: %r" % (what, err))
        print("  note: properties not implemented by this ipmgmtd; sysctl writes checked "
              "through plumbing only")
    # persistent state
    rl.cli_ok(root, "down-addr", "veth0/v4", ns=ns)
    check(("192.0.2.10", 24) not in set(rl.kernel_addrs("veth0", ns=ns)),
          "%s: down-addr left the address" % what)
    st = rl.store_snapshot(rl.store_path(root))
    eq(st["integrity"], "ok", "%s: integrity_check" % what)
    eq(set(st["addrs"]), {"veth0/v4", "veth0/v6"}, "%s: store objects" % what)
    eq(st["addrs"]["veth0/v4"]["up"], 0, "%s: persisted down" % what)
    if props_done:
        props = {(p["protocol"], p["ifname"], p["name"]): p["value"] for p in st["props"]}
        eq(props.get(("ipv4", "", "forwarding")), "on", "%s: persisted forwarding" % what)
        eq(props.get(("ipv4", "veth0", "mtu")), "1400", "%s: persisted mtu" % what)
    rl.cli_ok(root, "delete-addr", "veth0/v6", ns=ns)
    rl.cli_ok(root, "delete-addr", "veth0/t4", ns=ns)
    k = set(rl.kernel_addrs("veth0", ns=ns))
    check(("2001:db8::10", 64) not in k and ("192.0.2.11", 24) not in k,
          "%s: delete-addr left addresses: %r" % (what, k))


def test_runs_as_nobody():
    with Env() as e:
        rl.open_root(e.root)
        d = rl.Daemon(e.root, ns=e.ns, log=e.daemon_log, user=["-u", "nobody"])
        d.start()
        check_reduced(d.pid, 65534, 65534, "-u nobody")
        for sub in ("etc/ipadm", "run/ipadm"):
            s = os.stat(os.path.join(e.root, sub))
            eq((s.st_uid, s.st_gid), (65534, 65534), "owner of ROOT/%s" % sub)
        does_the_job(e, "-u nobody")
        for f in ("etc/ipadm/ipadm.db", "run/ipadm/aobjmap.db"):
            s = os.stat(os.path.join(e.root, f))
            eq(s.st_uid, 65534, "owner of ROOT/%s" % f)
        # still reduced after serving requests
        check_reduced(d.pid, 65534, 65534, "-u nobody after requests")
        eq(d.kill(15), 0, "exit status after SIGTERM")
        # a restart on directories already handed over works the same
        d.start()
        check_reduced(d.pid, 65534, 65534, "-u nobody, second start")
        rows = {r["addrobj"]: r for r in rl.show_addr(e.root, ns=e.ns)}
        eq(rows.get("veth0/v4", {}).get("state"), "down", "veth0/v4 after the restart")


def test_missing_user_stays_root_reduced():
    with Env() as e:
        rl.open_root(e.root)
        d = rl.Daemon(e.root, ns=e.ns, log=e.daemon_log, user=["-u", "nosuchuser"])
        d.start()
        log = d.log_text()
        check("'nosuchuser' does not exist" in log, "no 'does not exist' message: %r" % log)
        check("running as root with only CAP_NET_ADMIN and CAP_NET_RAW" in log,
              "the message does not say what it does instead: %r" % log)
        check_reduced(d.pid, 0, 0, "-u nosuchuser")
        s = os.stat(os.path.join(e.root, "etc/ipadm"))
        eq(s.st_uid, 0, "owner of ROOT/etc/ipadm with a missing user")
        does_the_job(e, "-u nosuchuser")
        check_reduced(d.pid, 0, 0, "-u nosuchuser after requests")


def test_unreachable_root_is_named():
    """A root the daemon user cannot traverse (here a 0700 directory above it,
    as mktemp -d makes): ipmgmtd refuses to start and names the directory and
    the user, instead of a bare "Permission denied: unlink .../ipmgmt.sock"
    (issue 12). Made traversable, the same root works."""
    with Env() as e:
        locked = os.path.join(e.root, "locked")
        os.mkdir(locked, 0o700)
        os.chmod(locked, 0o700)
        root = os.path.join(locked, "r")
        rc, out, err = run(rl.ns_prefix(e.ns) + [IPMGMTD, "-f", "-R", root, "-u", "nobody"],
                           check=False, timeout=30)
        text = out + err
        check(rc != 0, "ipmgmtd started on a root nobody cannot reach: %r" % text)
        check(locked + ":" in text, "the message does not name %s: %r" % (locked, text))
        check("user nobody" in text and "65534" in text,
              "the message does not name the user: %r" % text)
        check("ipmgmt.sock" not in text, "still the bare socket error: %r" % text)
        check(not os.path.exists(os.path.join(root, "run", "ipadm", "ipmgmt.sock")),
              "a socket was left behind")
        os.chmod(locked, 0o755)
        d = rl.Daemon(root, ns=e.ns, log=e.daemon_log, user=["-u", "nobody"])
        d.start()
        check_reduced(d.pid, 65534, 65534, "-u nobody, root made traversable")
        rl.cli_ok(root, "create-if", "veth0", ns=e.ns)
        eq(d.kill(15), 0, "exit status after SIGTERM")


if __name__ == "__main__":
    main([
        test_runs_as_nobody,
        test_missing_user_stays_root_reduced,
        test_unreachable_root_is_named,
    ])
