#!/usr/bin/env python3
"""I/O faults and crashes at exact syscalls (reliability plan (b), (a)2;
docs/reliability.md).

strace is attached to the running daemon (-f: all threads, and the thread of
every new connection) and fails or kills one syscall:

  -e trace=SYS -e inject=SYS:error=EIO|ENOSPC|signal=SIGKILL:when=1 -P FILE

Facts this relies on (checked by test_commit_syscalls):
  * a store commit (SQLite WAL, synchronous=FULL) is pwrite64() of the frames
    to ROOT/etc/ipadm/ipadm.db-wal, then ONE fdatasync() of that file; no
    fsync(), no rename(). The map mirror (aobjmap.db, synchronous=OFF) is
    pwrite64() to ROOT/run/ipadm/aobjmap.db-wal without any sync.
  * strace counts when=N per syscall AND per thread; the daemon serves each
    connection in a new thread, so when=1 with -P FILE hits the first such
    call of every request made while strace is attached.
  * `-e trace=none` disables injection in strace 6.1: the traced set must
    contain the injected syscall.
rename() is only used by the read-only-/etc copy-back (FallbackStore); those
cases run the daemon in a private mount namespace (as test_readonly.py).

Oracles after each fault: the client got exit 1 and a message; the failed
object is absent from store AND kernel AND show-addr (the undo worked);
nothing acknowledged before is lost; the next request succeeds; PRAGMA
integrity_check is ok; after a SIGKILL, the restart changes no kernel address
and the in-flight object ends in an allowed outcome.
"""

import os
import re
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Env, TestFailure, check, eq, main, wait_for  # noqa: E402
import reliability_lib as rl  # noqa: E402

BASE_P = {"veth0/a4": ("192.0.2.10", 24), "veth0/a6": ("2001:db8::10", 64)}
BASE_T = {"veth0/t4": ("198.51.100.20", 24)}
# every IPv4 object in a subnet of its own (test_crash_loop.test_delete_keeps_other_objects)
B = ("veth0/b4", "203.0.113.30", 24)
C = ("veth0/c4", "198.18.0.31", 24)


class World:
    """A namespace pair, a daemon (-u nobody) and a baseline: two persistent
    addresses and a temporary one on veth0, all acknowledged."""

    def __init__(self, e, baseline=True):
        self.e = e
        self.root = e.root
        rl.open_root(e.root)
        rl.setup_fast_dad("veth0", e.ns)
        self.d = rl.Daemon(e.root, ns=e.ns, log=e.daemon_log)
        self.d.start()
        self.store_file = rl.store_path(e.root)   # the copy while /etc is read-only
        self.wal = rl.store_path(e.root) + "-wal"
        self.mapwal = rl.volatile_path(e.root) + "-wal"
        self.acked_p = {}
        self.acked_t = {}
        if baseline:
            self.ok("create-if", "veth0")
            for n, (a, p) in BASE_P.items():
                self.create(n, a, p)
            for n, (a, p) in BASE_T.items():
                self.create(n, a, p, temp=True)
            e.wait_dad()
            self.check_acked("baseline")

    def cli(self, *args):
        return rl.cli(self.root, *args, ns=self.e.ns)

    def ok(self, *args):
        return rl.cli_ok(self.root, *args, ns=self.e.ns)

    def create(self, name, addr, plen, temp=False):
        self.ok("create-addr", *(["-t"] if temp else []), "-T", "static", "-a",
                "%s/%d" % (addr, plen), name)
        (self.acked_t if temp else self.acked_p)[name] = (rl.norm_addr(addr), plen)

    def rows(self):
        return {r["addrobj"]: r for r in rl.show_addr(self.root, ns=self.e.ns)}

    def kernel(self, ifname="veth0"):
        return set(rl.kernel_addrs(ifname, ns=self.e.ns))

    def store(self):
        s = rl.store_snapshot(self.store_file)
        eq(s["integrity"], "ok", "ipadm.db integrity_check")
        check("addrs" in s, "%s has no tables: %r" % (self.store_file, s))
        eq(s["fk"], [], "ipadm.db foreign_key_check")
        v = rl.store_snapshot(rl.volatile_path(self.root), with_rows=False)
        if v is not None:
            eq(v["integrity"], "ok", "aobjmap.db integrity_check")
        return s

    def check_acked(self, what):
        """Every acknowledged object is intact in show-addr, kernel, store."""
        rows, k, st = self.rows(), self.kernel(), self.store()
        for n, key in list(self.acked_p.items()) + list(self.acked_t.items()):
            r = rows.get(n)
            check(r is not None, "%s: acknowledged %s missing from show-addr" % (what, n))
            check(r["state"] in ("ok", "tentative"), "%s: %s state %r" % (what, n, r["state"]))
            eq(rl.split_addr(r["addr"]), key, "%s: %s ADDR" % (what, n))
            check(key in k, "%s: acknowledged %s %s/%d missing from the kernel"
                  % (what, n, key[0], key[1]))
            in_store = n in st["addrs"]
            eq(in_store, n in self.acked_p, "%s: %s in the store" % (what, n))
        return rows, k, st

    def check_absent(self, name, addr, plen, what, store_file=True):
        """name is absent from show-addr (the daemon's view of map and store),
        the kernel and (store_file) the store file as the next opener sees it."""
        rows, k, st = self.rows(), self.kernel(), self.store()
        key = (rl.norm_addr(addr), plen)
        check(name not in rows, "%s: %s shown by show-addr: %r" % (what, name, rows.get(name)))
        if store_file:
            check(name not in st["addrs"], "%s: %s is in the store file (as a restarted "
                  "daemon would read it): %r" % (what, name, st["addrs"].get(name)))
        check(key not in k, "%s: %s/%d is in the kernel" % (what, addr, plen))

    def check_no_stray(self, allowed_unnamed=(), allowed_names=(), what=""):
        """map <-> kernel both ways on veth0; no veth0/? but the allowed; no
        unknown names in show-addr or the store."""
        rows = rl.show_addr(self.root, ns=self.e.ns)
        k = self.kernel()
        st = self.store()
        known = set(self.acked_p) | set(self.acked_t) | set(allowed_names)
        shown = set()
        for r in rows:
            if not (r["addrobj"].startswith("veth0/")):
                continue
            key = rl.split_addr(r["addr"])
            if r["state"] in rl.KERNEL_STATES:
                check(key in k, "%s: %s %s shown %s but not in the kernel"
                      % (what, r["addrobj"], r["addr"], r["state"]))
                shown.add(key)
            if r["addrobj"] == "veth0/?":
                check(key in allowed_unnamed, "%s: unexpected unnamed veth0/? %s"
                      % (what, r["addr"]))
            else:
                check(r["addrobj"] in known, "%s: unknown object %s (%s)"
                      % (what, r["addrobj"], r["state"]))
        for key in k:
            check(key in shown, "%s: kernel %s/%d not shown by show-addr" % ((what,) + key))
        for n in st["addrs"]:
            check(n in known, "%s: unknown object %s in the store" % (what, n))

    def kill_restart(self, sig=signal.SIGKILL):
        """Kills (if still alive) and restarts; checks the restart changed no
        kernel address."""
        if self.d.alive():
            self.d.kill(sig)
        else:
            self.d.kill()  # reap
        before = self.kernel()
        self.d.start()
        eq(self.kernel(), before, "kernel addresses across the restart")


def expect_fail(w, args, what, msg_re=None):
    rc, out, err = w.cli(*args)
    eq(rc, 1, "%s: exit status of %s (stderr %r)" % (what, " ".join(args), err))
    check(err.strip() != "", "%s: no error message" % what)
    if msg_re:
        check(re.search(msg_re, err, re.I), "%s: stderr %r does not match %r"
              % (what, err, msg_re))
    return err


def create_args(name, addr, plen, temp=False):
    return ["create-addr"] + (["-t"] if temp else []) + ["-T", "static", "-a",
                                                         "%s/%d" % (addr, plen), name]


# ---------------------------------------------------------------- tests

def test_commit_syscalls():
    """Which syscalls a persistent create-addr's commit uses (the facts the
    other cases inject into)."""
    with Env() as e:
        w = World(e)
        log = os.path.join(e.root, "commit.strace")
        with rl.Injector(w.d.pid, "pwrite64,write,fsync,fdatasync,rename,renameat,renameat2,"
                         "unlink,ftruncate", None, log=log):
            w.create(*B)
        with open(log) as f:
            lines = f.read().splitlines()
        calls = []
        for l in lines:
            m = re.match(r"\d+\s+[\d:.]+\s+(\w+)\((\d+)<([^>]*)>", l)
            if m:
                calls.append((m.group(1), m.group(3)))
        store_calls = [c for c in calls if c[1].startswith(rl.store_path(w.root))]
        map_calls = [c for c in calls if c[1].startswith(rl.volatile_path(w.root))]
        print("  store: %s" % ", ".join("%s(%s)" % (c, os.path.basename(p))
                                       for c, p in store_calls))
        print("  map:   %s" % ", ".join(sorted({"%s(%s)" % (c, os.path.basename(p))
                                               for c, p in map_calls})))
        check(store_calls, "no syscall on the store during create-addr:\n" + "\n".join(lines))
        eq(store_calls[-1], ("fdatasync", w.wal), "last store syscall (the commit)")
        eq([c for c in store_calls if c[0] in ("fsync", "fdatasync")], [("fdatasync", w.wal)],
           "syncs of the store during one create-addr")
        check(all(c == ("pwrite64", w.wal) for c in store_calls[:-1]),
              "store writes other than pwrite64 to the WAL: %r" % store_calls)
        check(not [c for c in calls if c[0].startswith("rename")], "rename during create-addr")
        check(not [c for c in map_calls if c[0] in ("fsync", "fdatasync")],
              "the map mirror (synchronous=OFF) was synced")
        check(map_calls and store_calls and calls.index(map_calls[0]) < calls.index(
            store_calls[0]), "the map mirror is written before the store")


def test_commit_eio():
    """fdatasync of the WAL fails (EIO) at the commit of create-addr: exit 1,
    nothing changed, earlier objects intact, the next request succeeds."""
    with Env() as e:
        w = World(e)
        e.nsexec("ip", "link", "add", "veth2", "type", "veth", "peer", "name", "veth3",
                 check=True)
        # The store FILE still holds the failed commit's frames until the next
        # commit overwrites them (see test_commit_eio_then_crash): here only
        # the daemon's view (show-addr) and the kernel are checked.
        with rl.Injector(w.d.pid, "fdatasync", "error=EIO", path=w.wal):
            expect_fail(w, create_args(*B), "create-addr with EIO at commit", r"I/O error")
            w.check_absent(*B, what="after the failed create-addr", store_file=False)
            expect_fail(w, create_args("veth0/b6", "2001:db8::30", 64), "v6 create-addr, EIO")
            w.check_absent("veth0/b6", "2001:db8::30", 64, "after the failed v6 create-addr",
                           store_file=False)
            expect_fail(w, ["create-if", "veth2"], "create-if with EIO at commit")
            check("veth2" not in rl.show_if(w.root, ns=e.ns),
                  "veth2 known after a failed create-if: %r" % rl.show_if(w.root, ns=e.ns))
        w.create(*C)                          # the next request succeeds
        w.check_absent(*B, what="after the next commit")
        w.check_absent("veth0/b6", "2001:db8::30", 64, "after the next commit")
        w.check_no_stray(what="after EIO")
        w.create(*B)                          # and the failed name is free
        w.check_acked("after the fault")
        w.kill_restart(signal.SIGTERM)
        w.check_acked("after a restart")
        w.check_no_stray(what="after a restart")


def test_commit_eio_then_crash():
    """fsyncgate: a commit whose fdatasync failed was reported as failed; a
    crash right after must not bring it back (its frames are in the WAL)."""
    with Env() as e:
        w = World(e)
        with rl.Injector(w.d.pid, "fdatasync", "error=EIO", path=w.wal):
            expect_fail(w, create_args(*B), "create-addr with EIO at commit", r"I/O error")
        w.check_absent(*B, what="after the failed create-addr")
        w.kill_restart(signal.SIGKILL)
        w.check_acked("after kill -9 + restart")
        w.check_absent(*B, what="after kill -9 + restart (a failed create-addr came back)")
        w.check_no_stray(what="after kill -9 + restart")


def test_wal_write_enospc():
    """pwrite64 of the WAL fails with ENOSPC: exit 1 with a message, nothing
    changed, the next request succeeds, a crash after it changes nothing."""
    with Env() as e:
        w = World(e)
        with rl.Injector(w.d.pid, "pwrite64", "error=ENOSPC", path=w.wal):
            expect_fail(w, create_args(*B), "create-addr with ENOSPC on the WAL",
                        r"full|space|No buffer")
            w.check_absent(*B, what="after ENOSPC")
            w.check_acked("after ENOSPC")
            w.check_no_stray(what="after ENOSPC")
        w.create(*C)
        w.check_acked("after the fault")
        w.kill_restart(signal.SIGKILL)
        w.check_acked("after kill -9 + restart")
        w.check_absent(*B, what="after kill -9 + restart")
        w.check_no_stray(what="after kill -9 + restart")


def test_map_write_enospc():
    """The map mirror (aobjmap.db) cannot be written: create-addr fails and
    undoes its kernel change."""
    with Env() as e:
        w = World(e)
        with rl.Injector(w.d.pid, "pwrite64", "error=ENOSPC", path=w.mapwal):
            expect_fail(w, create_args(*B), "create-addr with ENOSPC on the map mirror")
            w.check_absent(*B, what="after the failed map write")
            w.check_acked("after the failed map write")
        w.check_no_stray(what="after ENOSPC on the map")
        w.create(*C)
        w.kill_restart(signal.SIGKILL)
        w.check_acked("after kill -9 + restart")
        w.check_no_stray(what="after kill -9 + restart")


def test_delete_addr_commit_eio():
    """delete-addr whose store commit fails must change nothing (architecture:
    'a refused request changes nothing'): the object stays, with its kernel
    address, named."""
    with Env() as e:
        w = World(e)
        with rl.Injector(w.d.pid, "fdatasync", "error=EIO", path=w.wal):
            expect_fail(w, ["delete-addr", "veth0/a4"], "delete-addr with EIO at commit")
        rows = w.rows()
        check("veth0/a4" in rows, "veth0/a4 no longer shown after a FAILED delete-addr")
        eq(rows["veth0/a4"]["state"], "ok",
           "state of veth0/a4 after a FAILED delete-addr (kernel has it: %s)"
           % (BASE_P["veth0/a4"] in w.kernel()))
        w.check_acked("after the failed delete-addr")
        w.check_no_stray(what="after the failed delete-addr")


def test_delete_addr_map_enospc():
    """delete-addr whose map write fails must change nothing either."""
    with Env() as e:
        w = World(e)
        with rl.Injector(w.d.pid, "pwrite64", "error=ENOSPC", path=w.mapwal):
            expect_fail(w, ["delete-addr", "veth0/a4"], "delete-addr with ENOSPC on the map")
        w.check_acked("after the failed delete-addr")
        w.check_no_stray(what="after the failed delete-addr")


def outcome(w, name, addr, plen):
    """What a request in flight at a kill left of name: a label."""
    rows, k, st = w.rows(), w.kernel(), w.store()
    key = (rl.norm_addr(addr), plen)
    r = rows.get(name)
    unnamed = [x for x in rl.show_addr(w.root, ns=w.e.ns)
               if x["addrobj"] == "veth0/?" and rl.split_addr(x["addr"]) == key]
    if r is None and name not in st["addrs"] and key not in k:
        return "not applied"
    if r is None and name not in st["addrs"] and key in k and unnamed:
        return "kernel only (IF/?)"
    if r is not None and r["state"] in ("ok", "tentative") and key in k:
        return "complete" if name in st["addrs"] else "kernel+map (temporary)"
    raise TestFailure("%s after the kill: show-addr %r, kernel %s, store %r"
                      % (name, r, key in k, st["addrs"].get(name)))


def sigkill_case(syscall, path_attr, allowed):
    with Env() as e:
        w = World(e)
        with rl.Injector(w.d.pid, syscall, "signal=SIGKILL", path=getattr(w, path_attr)):
            rc, out, err = w.cli(*create_args(*B))
            eq(rc, 1, "create-addr killed at %s (stderr %r)" % (syscall, err))
            wait_for(lambda: not w.d.alive(), timeout=10, what="daemon killed by strace")
        w.kill_restart()
        got = outcome(w, *B)
        print("  SIGKILL at %s(%s) during create-addr: %s"
              % (syscall, os.path.basename(getattr(w, path_attr)), got))
        check(got in allowed, "outcome %r not in %r" % (got, allowed))
        w.check_acked("after the kill")
        w.check_no_stray(allowed_unnamed={(B[1], B[2])}, allowed_names={B[0]},
                         what="after the kill")
        # whatever is left can be removed, and the name reused
        if got in ("complete", "kernel+map (temporary)"):
            w.ok("delete-addr", B[0])
        elif got == "kernel only (IF/?)":
            w.e.nsexec("ip", "addr", "del", "%s/%d" % B[1:], "dev", "veth0", check=True)
        w.check_absent(*B, what="after clean-up")
        w.create(*B)
        w.check_acked("after re-creating %s" % B[0])


def test_sigkill_at_store_commit():
    # the frames (commit record included) are in the WAL: recovery keeps them
    sigkill_case("fdatasync", "wal", ("complete",))


def test_sigkill_at_store_write():
    # killed at the first WAL frame: store lacks it; reconcile -> temporary
    sigkill_case("pwrite64", "wal", ("kernel+map (temporary)",))


def test_sigkill_at_map_write():
    # killed after the kernel change, before the map: the address has no name
    sigkill_case("pwrite64", "mapwal", ("kernel only (IF/?)",))


def test_sigkill_create_if_at_store_write():
    """create-if killed between the map and the store: after the restart the
    interface must behave as what show-if says it is (architecture: reconcile
    drops PERSIST flags the store does not back): temporary, so a persistent
    create-addr on it is refused as on any temporary interface, and a
    temporary one works."""
    with Env() as e:
        w = World(e)
        e.nsexec("ip", "link", "add", "veth2", "type", "veth", "peer", "name", "veth3",
                 check=True)
        with rl.Injector(w.d.pid, "pwrite64", "signal=SIGKILL", path=w.wal):
            rc, out, err = w.cli("create-if", "veth2")
            eq(rc, 1, "create-if killed at the store write (stderr %r)" % err)
        w.kill_restart()
        ifs = rl.show_if(w.root, ns=e.ns)
        st = w.store()
        check("veth2" not in st["ifs"], "veth2 in the store: %r" % st["ifs"].get("veth2"))
        check("veth2" in ifs, "veth2 not shown after the kill: %r" % ifs)
        eq(ifs["veth2"]["persistent"], "---",
           "show-if PERSISTENT of veth2 (not in the store): %r" % ifs["veth2"])
        # a temporary interface: persistent create-addr refused like on any
        # other temporary interface (compare with a genuine one)
        e.nsexec("ip", "link", "add", "veth4", "type", "veth", "peer", "name", "veth5",
                 check=True)
        w.ok("create-if", "-t", "veth4")
        err_ref = expect_fail(w, create_args("veth4/p", "198.51.100.4", 24),
                              "persistent create-addr on a temporary interface")
        err = expect_fail(w, create_args("veth2/p", "198.51.100.2", 24),
                          "persistent create-addr on veth2 (temporary after the kill)")
        eq(err.split(":")[-1].strip(), err_ref.split(":")[-1].strip(),
           "error of a persistent create-addr on veth2 vs on a temporary interface")
        w.ok(*create_args("veth2/t", "198.51.100.3", 24, temp=True))


def test_sigkill_up_addr_at_map_write():
    """up-addr killed after its kernel change, before the map write: the
    restarted daemon shows the object with the kernel address; down-addr and
    delete-addr must then remove that address."""
    with Env() as e:
        w = World(e)
        w.create("veth0/d4", "198.18.1.40", 24)
        w.ok("down-addr", "-t", "veth0/d4")
        key = ("198.18.1.40", 24)
        check(key not in w.kernel(), "down-addr left the address")
        with rl.Injector(w.d.pid, "pwrite64", "signal=SIGKILL", path=w.mapwal):
            rc, out, err = w.cli("up-addr", "-t", "veth0/d4")
            eq(rc, 1, "up-addr killed at the map write (stderr %r)" % err)
        w.kill_restart()
        r = w.rows().get("veth0/d4")
        in_k = key in w.kernel()
        print("  after the kill: show-addr veth0/d4 %s, kernel has it: %s"
              % (r and r["state"], in_k))
        check(r is not None, "veth0/d4 vanished")
        eq(r["state"] in rl.KERNEL_STATES, in_k, "show-addr state %r vs kernel %s"
           % (r["state"], in_k))
        w.ok("down-addr", "-t", "veth0/d4")
        r = w.rows().get("veth0/d4")
        eq((r["state"], key in w.kernel()), ("down", False),
           "down-addr acknowledged: (show-addr state, address in the kernel)")
        w.ok("delete-addr", "veth0/d4")
        w.check_absent("veth0/d4", *key, what="delete-addr acknowledged")


# ------------------------------------------------- rename: copy-back of /etc

def readonly_world(e):
    """Store with one persistent object (veth0/a4) whose last commit is still
    in the WAL (daemon killed -9, no checkpoint), then a daemon on read-only
    /etc working on the copy, where veth0/b4 is created. Returns (w, d)."""
    w = World(e, baseline=False)
    w.ok("create-if", "veth0")
    w.create("veth0/a4", "192.0.2.10", 24)
    w.d.kill(signal.SIGKILL)
    check(os.path.getsize(w.wal) > 0, "the WAL of the real store is empty")
    d = rl.readonly_etc_daemon(w.root, e.ns, log=e.daemon_log)
    d.start()
    w.d = d
    check(rl.etc_readonly_for(d.pid, w.root), "etc/ipadm not read-only for the daemon")
    copy = os.path.join(w.root, "run", "ipadm", "ipadm.db")
    w.store_file = copy
    check(os.path.exists(copy), "no copy in run/ipadm")
    w.create(*B)
    return w, copy


def test_copy_back_rename_eio():
    """The rename of the copy-back fails once (EIO): the daemon keeps working
    on the copy, loses nothing, and a later tick succeeds. Meanwhile a reboot
    (run/ wiped) must not lose what the real store had."""
    with Env() as e:
        w, copy = readonly_world(e)
        real_before = rl.store_snapshot(rl.store_path(w.root))
        check("veth0/a4" in real_before["addrs"], "a4 not in the real store")
        with rl.Injector(w.d.pid, "rename,renameat,renameat2", "error=EIO"):
            rl.remount_etc(w.d, rw=True)
            time.sleep(6.5)   # one tick (5 s) has tried and failed
            check(os.path.exists(copy), "copy gone although the rename failed")
            w.check_acked("after the failed copy-back")
            real = rl.store_snapshot(rl.store_path(w.root))
            check(real is not None and real["integrity"] == "ok",
                  "real store after the failed copy-back: %r" % real)
            lost = set(real_before["addrs"]) - set(real.get("addrs", {}))
            print("  real store after the failed copy-back: %s" % sorted(real.get("addrs", {})))
            check(not lost, "the real store lost %s after a failed copy-back "
                  "(its WAL was removed before the rename)" % sorted(lost))
        wait_for(lambda: not os.path.exists(copy), timeout=12, what="copy-back after retry")
        w.store_file = rl.store_path(w.root)
        st = w.store()
        eq(set(st["addrs"]), {"veth0/a4", B[0]}, "real store after the copy-back")
        w.check_acked("after the copy-back")


def test_copy_back_rename_sigkill_then_reboot():
    """Killed at the rename of the copy-back, then a reboot (run/ wiped, new
    namespaces): what the real store had before must still be there."""
    with Env() as e:
        w, copy = readonly_world(e)
        with rl.Injector(w.d.pid, "rename,renameat,renameat2", "signal=SIGKILL"):
            rl.remount_etc(w.d, rw=True)
            wait_for(lambda: not w.d.alive(), timeout=12, what="daemon killed at rename")
        w.d.kill()
        # a plain restart (no reboot) would find the copy; a reboot does not
        e.reboot(start=False)
        w.d = rl.Daemon(w.root, ns=e.ns, log=e.daemon_log)
        w.d.start()
        w.store_file = rl.store_path(w.root)
        st = w.store()
        check("veth0/a4" in st["addrs"],
              "veth0/a4 (acknowledged, in the real store before the copy-back) lost after "
              "kill at rename + reboot; store has %r" % sorted(st["addrs"]))


def test_copy_back_rename_sigkill_restart():
    """Killed at the rename of the copy-back, then a plain restart: the copy
    (newest) wins and is copied back; nothing lost, no temp file left."""
    with Env() as e:
        w, copy = readonly_world(e)
        with rl.Injector(w.d.pid, "rename,renameat,renameat2", "signal=SIGKILL"):
            rl.remount_etc(w.d, rw=True)
            wait_for(lambda: not w.d.alive(), timeout=12, what="daemon killed at rename")
        w.d.kill()
        w.d = rl.Daemon(w.root, ns=e.ns, log=e.daemon_log)
        w.d.start()
        w.store_file = rl.store_path(w.root)
        check(not os.path.exists(copy), "copy still there after a read-write start")
        st = w.store()
        eq(set(st["addrs"]), {"veth0/a4", B[0]}, "store after restart")
        left = [f for f in os.listdir(os.path.dirname(rl.store_path(w.root)))
                if f.endswith(".new")]
        eq(left, [], "temporary files left in etc/ipadm")
        w.check_acked("after restart")
        w.check_no_stray(what="after restart")


if __name__ == "__main__":
    for tool in ("strace", "nsenter", "unshare"):
        if subprocess.run(["which", tool], stdout=subprocess.DEVNULL).returncode != 0:
            print("SKIP: %s not installed" % tool)
            sys.exit(77)
    main([
        test_commit_syscalls,
        test_commit_eio,
        test_commit_eio_then_crash,
        test_wal_write_enospc,
        test_map_write_enospc,
        test_delete_addr_commit_eio,
        test_delete_addr_map_enospc,
        test_sigkill_at_store_commit,
        test_sigkill_at_store_write,
        test_sigkill_at_map_write,
        test_sigkill_create_if_at_store_write,
        test_sigkill_up_addr_at_map_write,
        test_copy_back_rename_eio,
        test_copy_back_rename_sigkill_restart,
        test_copy_back_rename_sigkill_then_reboot,
    ])
