#!/usr/bin/env python3
"""ipmgmtd start-up (spec 1.3): refuses to run from a shell without -f or a
service manager; self-daemonizes with a readiness pipe so that the parent
exits 0 only once the socket accepts; start-up failures give a non-zero
parent exit and leave no daemon behind."""

import os
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (IPMGMTD, Env, check, clean_env, daemons_with_root, eq, main,  # noqa: E402
                     pid_alive, socket_accepts, wait_for)


def run_daemon_cmd(e, args, env, timeout=30):
    return subprocess.run(["ip", "netns", "exec", e.ns, IPMGMTD] + args,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                          timeout=timeout, env=env)


def kill_pid(pid):
    """Stops a daemon we started (found by its unique root path) by PID."""
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        wait_for(lambda: not pid_alive(pid), timeout=10, what="pid %d to exit" % pid)
    except AssertionError:
        os.kill(pid, signal.SIGKILL)
        raise


def test_refuses_without_service_manager():
    with Env() as e:
        p = run_daemon_cmd(e, ["-R", e.root], clean_env())
        eq(p.returncode, 22, "exit status without -f and without a service manager")
        check(p.stderr.strip() != "", "no message on stderr")
        check("-f" in p.stderr, "the message should mention -f: %r" % p.stderr)
        check(not os.path.exists(e.sock), "a socket was created")
        eq(daemons_with_root(e.root), [], "daemons left running")
        # bad options: usage, non-zero
        p = run_daemon_cmd(e, ["-x", "-R", e.root], clean_env())
        check(p.returncode != 0, "ipmgmtd -x exited 0")
        check("usage" in p.stderr.lower(), "usage expected for -x: %r" % p.stderr)
        p = run_daemon_cmd(e, ["-f", "-R", e.root, "extra"], clean_env())
        check(p.returncode != 0, "ipmgmtd with an operand exited 0")
        eq(daemons_with_root(e.root), [], "daemons left running")


def test_service_mode_daemonizes():
    with Env() as e:
        env = clean_env(IPMGMTD_SERVICE="1")
        t0 = time.monotonic()
        p = run_daemon_cmd(e, ["-R", e.root], env)
        took = time.monotonic() - t0
        pids = daemons_with_root(e.root)
        try:
            eq(p.returncode, 0, "parent exit status (stderr %r)" % p.stderr)
            # ready means ready: the socket accepts right now
            check(socket_accepts(e.sock), "socket does not accept right after the parent exit")
            rc, out, err = e.ipadm("show-if")
            eq(rc, 0, "show-if right after start (stderr %r)" % err)
            eq(len(pids), 1, "exactly one background daemon expected, found %r" % pids)
            pid = pids[0]
            check(pid_alive(pid), "daemon not running")
            # the listening socket belongs to that process (ss -xlp)
            _, ss, _ = e.nsexec("ss", "-xlpn", check=True)
            owners = [l for l in ss.splitlines() if e.sock in l]
            check(owners and ("pid=%d," % pid) in owners[0],
                  "socket %s not owned by pid %d: %r" % (e.sock, pid, owners))
            # it is detached: a session leader of its own, not our child
            with open("/proc/%d/stat" % pid) as f:
                stat = f.read()
            fields = stat[stat.rfind(")") + 2:].split()
            sid = int(fields[3])
            eq(sid, pid, "the daemon should be a session leader (setsid)")
            # and it works
            e.ipadm_ok("create-addr", "-T", "static", "-a", "192.0.2.10/24", "veth0/v4")
            eq(e.kaddrs("veth0"), {("192.0.2.10", 24)}, "kernel")
            check(took < 10, "start took %.1fs" % took)
            # a second start while it runs fails and leaves the first alone
            p2 = run_daemon_cmd(e, ["-R", e.root], env)
            check(p2.returncode != 0, "second service-mode start exited 0")
            eq(daemons_with_root(e.root), [pid], "daemons after the second start")
            e.ipadm_ok("show-addr", "veth0/v4")
            kill_pid(pid)
            wait_for(lambda: not os.path.exists(e.sock), timeout=5,
                     what="socket removal after SIGTERM")
            eq(daemons_with_root(e.root), [], "daemon still running after SIGTERM")
        finally:
            for pid in daemons_with_root(e.root):
                os.kill(pid, signal.SIGKILL)


def test_bogus_root_fails():
    with Env() as e:
        blocker = os.path.join(e.root, "file")
        with open(blocker, "w") as f:
            f.write("not a directory\n")
        bogus = os.path.join(blocker, "sub")
        try:
            p = run_daemon_cmd(e, ["-R", bogus], clean_env(IPMGMTD_SERVICE="1"))
            check(p.returncode != 0, "parent exit status with a bogus root is 0")
            eq(daemons_with_root(bogus), [], "daemons left running with a bogus root")
            # foreground mode reports it too
            p = run_daemon_cmd(e, ["-f", "-R", bogus], clean_env())
            check(p.returncode != 0, "-f with a bogus root exited 0")
            check(p.stderr.strip() != "", "-f with a bogus root: no message")
            eq(daemons_with_root(bogus), [], "daemons left running with a bogus root")
        finally:
            for pid in daemons_with_root(bogus):
                os.kill(pid, signal.SIGKILL)


def test_unwritable_store_dir_fails():
    with Env() as e:
        # ROOT/etc is a file: the store directory cannot be created
        with open(os.path.join(e.root, "etc"), "w") as f:
            f.write("x\n")
        try:
            p = run_daemon_cmd(e, ["-R", e.root], clean_env(IPMGMTD_SERVICE="1"))
            check(p.returncode != 0, "parent exit status is 0 with ROOT/etc a file")
            eq(daemons_with_root(e.root), [], "daemons left running")
            check(not socket_accepts(e.sock), "socket accepts although start-up failed")
        finally:
            for pid in daemons_with_root(e.root):
                os.kill(pid, signal.SIGKILL)


def test_missing_capability_refused():
    """Started without CAP_NET_ADMIN in its bounding set (a container that
    was not granted it), the daemon names the missing capability, exits
    non-zero and creates nothing under its root."""
    import shutil
    setpriv = shutil.which("setpriv")
    check(setpriv is not None, "setpriv (util-linux) missing")
    with Env() as e:
        for extra in ([], ["-u", "0"]):
            p = subprocess.run(["ip", "netns", "exec", e.ns, setpriv, "--bounding-set",
                                "-net_admin", IPMGMTD, "-f", "-R", e.root] + extra,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               timeout=30, env=clean_env())
            check(p.returncode != 0, "started without CAP_NET_ADMIN (%r)" % extra)
            check("CAP_NET_ADMIN" in p.stderr and "missing" in p.stderr,
                  "message names the capability: %r" % p.stderr)
            check("CAP_NET_RAW" not in p.stderr, "only the missing one is named: %r" % p.stderr)
            eq(sorted(os.listdir(e.root)), [], "what the refused start created under ROOT")
            eq(daemons_with_root(e.root), [], "daemons left running")


def test_protocol_version_mismatch_refused():
    """A client of another protocol version gets the daemon's plain refusal
    to its Hello, and a request it pipelined behind the Hello (as libipadm
    does) is never answered: the connection is closed."""
    import socket
    with Env() as e:
        e.start_daemon()
        s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        s.settimeout(10)
        s.connect(e.sock)
        # Request{id=1, hello{version=99}} then Request{id=2, show_if{}}
        s.send(bytes([0x08, 0x01, 0x12, 0x02, 0x08, 99]))
        s.send(bytes([0x08, 0x02, 0x72, 0x00]))
        first = s.recv(65536)
        check(b"protocol version" in first and b"99" in first,
              "refusal names both versions: %r" % first)
        try:
            rest = s.recv(65536)
        except ConnectionResetError:  # closed with the pipelined request unread
            rest = b""
        eq(rest, b"", "connection closed after the refusal")
        s.close()
        e.ipadm_ok("show-if")  # the daemon still serves good clients


if __name__ == "__main__":
    main([
        test_missing_capability_refused,
        test_protocol_version_mismatch_refused,
        test_refuses_without_service_manager,
        test_service_mode_daemonizes,
        test_bogus_root_fails,
        test_unwritable_store_dir_fails,
    ])
