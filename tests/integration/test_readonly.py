#!/usr/bin/env python3
"""Read-only /etc fallback (spec 6.4; src/store/fallback_store.h;
docs/reliability.md).

The daemon is started in a private mount namespace (unshare -m --propagation
private) where ROOT/etc/ipadm is bind-mounted onto itself read-only, and in
the test network namespace through `nsenter --net` (NOT `ip netns exec`,
which makes a mount namespace of its own and would not see the later
remount). It must:
  * say that it works on a copy in ROOT/run/ipadm/ipadm.db;
  * accept persistent changes (exit 0) while the real ipadm.db stays
    byte-for-byte unchanged;
  * once the mount is made read-write (mount -o remount,bind,rw, inside the
    daemon's mount namespace), copy the copy back within ~7 s (it checks
    every 5 s): the real store has everything, the copy is gone;
  * after a normal restart (and after a reboot + enable-if) know it all.
A daemon restarted while /etc is still read-only continues on its copy.
"""

import os
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Env, check, eq, main, wait_for  # noqa: E402
import reliability_lib as rl  # noqa: E402

# each IPv4 object in a subnet of its own: see
# test_crash_loop.test_delete_keeps_other_objects
A = ("veth0/a4", "192.0.2.10", 24)
B = ("veth0/b4", "198.51.100.11", 24)
B6 = ("veth0/b6", "2001:db8::11", 64)
C = ("veth0/c4", "203.0.113.12", 24)


def create(e, obj, temp=False):
    name, addr, plen = obj
    rl.cli_ok(e.root, "create-addr", *(["-t"] if temp else []), "-T", "static", "-a",
              "%s/%d" % (addr, plen), name, ns=e.ns)


def copy_path(e):
    return os.path.join(e.root, "run", "ipadm", "ipadm.db")


def copy_files(e):
    d = os.path.join(e.root, "run", "ipadm")
    return sorted(f for f in os.listdir(d) if f.startswith("ipadm.db"))


def store_names(path):
    s = rl.store_snapshot(path)
    check(s is not None, "%s missing" % path)
    eq(s["integrity"], "ok", "%s integrity_check" % path)
    eq(s["fk"], [], "%s foreign_key_check" % path)
    return set(s.get("addrs", {}))


def shown(e):
    return {r["addrobj"]: r for r in rl.show_addr(e.root, ns=e.ns)}


def first_store(e):
    """A store with one persistent address, daemon stopped cleanly."""
    rl.open_root(e.root)
    d = rl.Daemon(e.root, ns=e.ns, log=e.daemon_log)
    d.start()
    rl.cli_ok(e.root, "create-if", "veth0", ns=e.ns)
    create(e, A)
    eq(d.kill(signal.SIGTERM), 0, "exit status of the first daemon")
    eq(store_names(rl.store_path(e.root)), {A[0]}, "store after the first run")


def start_readonly(e):
    d = rl.readonly_etc_daemon(e.root, e.ns, log=e.daemon_log)
    d.start()
    check(rl.etc_readonly_for(d.pid, e.root), "ROOT/etc/ipadm is not read-only for the daemon")
    check(not rl.etc_readonly_for(os.getpid(), e.root),
          "ROOT/etc/ipadm read-only outside the daemon's mount namespace")
    return d


def test_readonly_etc_fallback():
    with Env() as e:
        rl.setup_fast_dad("veth0", e.ns)
        first_store(e)
        real = rl.store_path(e.root)
        digest = rl.file_digest(real)

        d = start_readonly(e)
        log = d.log_text()
        want = "working on %s" % copy_path(e)
        check(want in log and "read-only" in log,
              "the daemon does not say it works on a copy (%r) in its log:\n%s" % (want, log))
        check(os.path.exists(copy_path(e)), "no copy at %s" % copy_path(e))
        eq(shown(e).get(A[0], {}).get("state"), "ok", "%s with /etc read-only" % A[0])

        create(e, B)                       # persistent, while /etc is read-only
        create(e, B6)
        rl.cli_ok(e.root, "down-addr", A[0], ns=e.ns)
        rl.cli_ok(e.root, "up-addr", A[0], ns=e.ns)
        k = set(rl.kernel_addrs("veth0", ns=e.ns))
        check({A[1:], B[1:], (B6[1], B6[2])} <= k, "kernel: %r" % k)
        eq(rl.file_digest(real), digest, "real ipadm.db (and WAL) bytes while read-only")
        eq(store_names(real), {A[0]}, "real store while read-only")
        eq(store_names(copy_path(e)), {A[0], B[0], B6[0]}, "the copy")

        rl.remount_etc(d, rw=True)
        t0 = time.monotonic()
        wait_for(lambda: not os.path.exists(copy_path(e)), timeout=7.5, interval=0.1,
                 what="copy-back within ~7 s of the remount")
        took = time.monotonic() - t0
        print("  copied back %.1f s after the remount" % took)
        eq(store_names(real), {A[0], B[0], B6[0]}, "real store after the copy-back")
        eq(copy_files(e), [], "files of the copy left in run/ipadm")
        check("copied back" in d.log_text(), "no 'copied back' in the log")
        left = [f for f in os.listdir(os.path.dirname(real)) if not f.startswith("ipadm.db")
                or f.endswith(".new")]
        eq(left, [], "temporary files in etc/ipadm")
        # work continues on the real store
        create(e, C)
        eq(store_names(real), {A[0], B[0], B6[0], C[0]}, "real store after a new create")

        # a normal restart: everything known
        eq(d.kill(signal.SIGTERM), 0, "exit status after SIGTERM")
        d = rl.Daemon(e.root, ns=e.ns, log=e.daemon_log)
        d.start()
        rows = shown(e)
        for n in (A[0], B[0], B6[0], C[0]):
            check(rows.get(n, {}).get("state") in ("ok", "tentative"),
                  "%s after a normal restart: %r" % (n, rows.get(n)))
        eq(copy_files(e), [], "a copy re-appeared in run/ipadm")
        d.kill(signal.SIGTERM)

        # and a reboot restores them from the real store
        e.reboot(start=False)
        d = rl.Daemon(e.root, ns=e.ns, log=e.daemon_log)
        d.start()
        rl.cli_ok(e.root, "enable-if", "-t", "veth0", ns=e.ns)
        k = set(rl.kernel_addrs("veth0", ns=e.ns))
        check({A[1:], B[1:], (B6[1], B6[2]), C[1:]} <= k, "kernel after reboot: %r" % k)


def test_readonly_restart_keeps_copy():
    """A daemon restarted while /etc is still read-only continues on its
    copy (which holds the newest acknowledged changes), and copies it back
    once /etc is writable."""
    with Env() as e:
        first_store(e)
        real = rl.store_path(e.root)
        digest = rl.file_digest(real)
        d = start_readonly(e)
        create(e, B)
        d.kill(signal.SIGKILL)
        d = start_readonly(e)
        check("working on %s" % copy_path(e) in d.log_text(), "second start not on the copy")
        rows = shown(e)
        eq(rows.get(B[0], {}).get("state"), "ok", "%s after a restart on the copy" % B[0])
        eq(store_names(copy_path(e)), {A[0], B[0]}, "the copy after the restart")
        eq(rl.file_digest(real), digest, "real ipadm.db bytes")
        create(e, C)
        rl.remount_etc(d, rw=True)
        wait_for(lambda: not os.path.exists(copy_path(e)), timeout=7.5, interval=0.1,
                 what="copy-back within ~7 s of the remount")
        eq(store_names(real), {A[0], B[0], C[0]}, "real store after the copy-back")
        d.kill(signal.SIGTERM)


if __name__ == "__main__":
    for tool in ("nsenter", "unshare", "mount"):
        if subprocess.run(["which", tool], stdout=subprocess.DEVNULL).returncode != 0:
            print("SKIP: %s not installed" % tool)
            sys.exit(77)
    main([
        test_readonly_etc_fallback,
        test_readonly_restart_keeps_copy,
    ])
