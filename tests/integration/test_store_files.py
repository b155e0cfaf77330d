#!/usr/bin/env python3
"""The files and directories of ipmgmtd against hostile local users (issue 11
items 2 and 5; docs/reliability.md "Files and modes").

* The store and map files (ipadm.db, aobjmap.db and their -wal, -shm,
  -journal) are 0600: another user cannot open ipadm.db-shm to take the WAL
  write lock (fcntl F_RDLCK on byte 120), so it cannot make persistent writes
  fail after the busy timeout. Files an older ipmgmtd left 0644 are fixed at
  start-up.
* The root tree (-R ROOT down to ROOT/etc/ipadm and ROOT/run/ipadm) is walked
  with openat(O_NOFOLLOW): a symbolic link in it is refused, nothing behind it
  is handed to the daemon user; a directory of the tree that a user other
  than root can write is refused too (sshd's StrictModes).
"""

import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Env, IPMGMTD, check, clean_env, eq, main  # noqa: E402

OTHER = ["--reuid=4242", "--regid=4242", "--clear-groups"]  # an unprivileged user

# Opens PATH and takes the WAL write lock of SQLite (F_RDLCK, byte 120) like a
# hostile reader would, holds it for HOLD seconds. Prints "locked" or the
# errno name of the failure.
LOCKER = r"""
import errno, fcntl, os, struct, sys, time
path, hold = sys.argv[1], float(sys.argv[2])
try:
    fd = os.open(path, os.O_RDONLY)
except OSError as e:
    print(errno.errorcode[e.errno], flush=True); sys.exit(0)
try:
    fcntl.fcntl(fd, fcntl.F_SETLK, struct.pack("hhqqi", fcntl.F_RDLCK, 0, 120, 1, 0))
except OSError as e:
    print("lock:" + errno.errorcode[e.errno], flush=True); sys.exit(0)
print("locked", flush=True)
time.sleep(hold)
"""

STORE_FILES = ("etc/ipadm/ipadm.db", "etc/ipadm/ipadm.db-wal", "etc/ipadm/ipadm.db-shm",
               "run/ipadm/aobjmap.db", "run/ipadm/aobjmap.db-wal", "run/ipadm/aobjmap.db-shm")


def modes(root):
    out = {}
    for f in STORE_FILES:
        p = os.path.join(root, f)
        if os.path.exists(p):
            out[f] = os.stat(p).st_mode & 0o7777
    return out


def lock_attempt(e, path, hold):
    """Starts the locker as OTHER inside the namespace; returns (Popen, first line)."""
    p = subprocess.Popen(["ip", "netns", "exec", e.ns, "setpriv"] + OTHER +
                         [sys.executable, "-c", LOCKER, path, str(hold)],
                         stdout=subprocess.PIPE, text=True, env=clean_env())
    return p, p.stdout.readline().strip()


def timed_create(e, name, addr):
    t0 = time.monotonic()
    rc, _, err = e.ipadm("create-addr", "-T", "static", "-a", addr, name)
    return rc, err, time.monotonic() - t0


def check_lock_refused(e, what):
    for f in ("etc/ipadm/ipadm.db-shm", "run/ipadm/aobjmap.db-shm"):
        p, first = lock_attempt(e, os.path.join(e.root, f), 8)
        try:
            eq(first, "EACCES", "%s: another user opening %s" % (what, f))
        finally:
            if p.poll() is None:
                p.kill()
            p.wait()


def test_shm_not_lockable_by_others():
    with Env() as e:
        e.start_daemon()
        e.ipadm_ok("create-addr", "-T", "static", "-a", "192.0.2.10/24", "veth0/a")
        got = modes(e.root)
        check(len(got) == len(STORE_FILES), "store files present: %r" % sorted(got))
        eq(got, {f: 0o600 for f in STORE_FILES}, "modes of the store and map files")
        # While another user tries to hold the lock, a persistent write is fast.
        p, first = lock_attempt(e, os.path.join(e.root, "etc/ipadm/ipadm.db-shm"), 8)
        try:
            rc, err, secs = timed_create(e, "veth0/b", "192.0.2.11/24")
        finally:
            if p.poll() is None:
                p.kill()
            p.wait()
        eq(first, "EACCES", "another user opening ipadm.db-shm")
        eq((rc, err), (0, ""), "create-addr while another user tried to lock")
        check(secs < 2.0, "create-addr took %.1fs" % secs)
        check_lock_refused(e, "running daemon")


def test_old_modes_fixed_at_startup():
    """Files an older ipmgmtd left 0644 (also after an unclean stop, with the
    -shm still there) are 0600 after the next start, before any client."""
    with Env() as e:
        e.start_daemon()
        e.ipadm_ok("create-addr", "-T", "static", "-a", "192.0.2.10/24", "veth0/a")
        e.stop_daemon(sig=9)
        for f in STORE_FILES:
            p = os.path.join(e.root, f)
            if os.path.exists(p):
                os.chmod(p, 0o644)
        e.start_daemon()
        eq(modes(e.root), {f: 0o600 for f in STORE_FILES if
                           os.path.exists(os.path.join(e.root, f))}, "modes after the restart")
        check_lock_refused(e, "after the restart")
        rc, err, secs = timed_create(e, "veth0/b", "192.0.2.11/24")
        eq((rc, err), (0, ""), "create-addr after the restart")
        check(secs < 2.0, "create-addr took %.1fs" % secs)


def start_refused(e, user=("-u", "nobody"), timeout=15):
    """Runs ipmgmtd -f on e.root; returns (exit status, output). A daemon that
    starts anyway is killed (by PID) and reported as status None."""
    p = subprocess.Popen(["ip", "netns", "exec", e.ns, IPMGMTD, "-f", "-R", e.root] + list(user),
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                         env=clean_env())
    try:
        out, _ = p.communicate(timeout=timeout)
        return p.returncode, out
    except subprocess.TimeoutExpired:
        p.kill()
        out, _ = p.communicate()
        return None, out


def victim_dir():
    """A root-owned directory outside the tree with a root-owned 0600 file."""
    import tempfile
    d = tempfile.mkdtemp(prefix="ipadmt-victim-")
    f = os.path.join(d, "secret")
    with open(f, "w") as fh:
        fh.write("root only\n")
    os.chmod(f, 0o600)
    return d, f


def test_symlink_in_tree_refused():
    """ROOT/run/ipadm is a symbolic link to another directory: refused, the
    directory and its file keep their owner."""
    with Env() as e:
        d, f = victim_dir()
        try:
            os.makedirs(os.path.join(e.root, "run"), mode=0o755)
            os.symlink(d, os.path.join(e.root, "run", "ipadm"))
            rc, out = start_refused(e)
            check(rc not in (0, None), "ipmgmtd started with a symlink in its tree: %r" % out)
            check("symbolic link" in out and "run/ipadm" in out,
                  "the refusal names the link: %r" % out)
            for p in (d, f):
                st = os.lstat(p)
                eq((st.st_uid, st.st_gid), (0, 0), "owner of %s" % p)
            eq(os.stat(f).st_mode & 0o777, 0o600, "mode of %s" % f)
            eq(sorted(os.listdir(d)), ["secret"], "files created behind the link")
        finally:
            import shutil
            shutil.rmtree(d, ignore_errors=True)


def test_tree_writable_by_others_refused():
    """A directory of the tree another user owns or may write is refused
    (the link attack needs one); the same tree made safe starts."""
    with Env() as e:
        d, f = victim_dir()
        try:
            run = os.path.join(e.root, "run")
            os.makedirs(run, mode=0o755)
            os.chown(run, 4242, 4242)   # another user's directory inside the tree
            rc, out = start_refused(e)
            check(rc not in (0, None), "ipmgmtd started on a tree uid 4242 owns: %r" % out)
            check("run" in out and "4242" in out, "the refusal names dir and owner: %r" % out)
            os.chown(run, 0, 0)
            for mode in (0o777, 0o775, 0o1777):
                os.chmod(run, mode)
                rc, out = start_refused(e)
                check(rc not in (0, None), "started with ROOT/run mode %o: %r" % (mode, out))
                check("writable" in out, "the refusal says writable: %r" % out)
            os.chmod(run, 0o755)
            os.chmod(e.root, 0o777)  # the -R root itself
            rc, out = start_refused(e)
            check(rc not in (0, None), "started with ROOT mode 777: %r" % out)
            os.chmod(e.root, 0o755)
            e.start_daemon()  # a safe tree (under the sticky /tmp) starts
            e.ipadm_ok("create-addr", "-T", "static", "-a", "192.0.2.10/24", "veth0/a")
        finally:
            import shutil
            shutil.rmtree(d, ignore_errors=True)


if __name__ == "__main__":
    main([
        test_shm_not_lockable_by_others,
        test_old_modes_fixed_at_startup,
        test_symlink_in_tree_refused,
        test_tree_writable_by_others_refused,
    ])
