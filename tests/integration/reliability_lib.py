"""Helpers of the reliability tests (test_crash_loop, test_fault_injection,
test_readonly, test_instances, test_privileges); see docs/reliability.md.

Built on harness.py (namespaces, cleanup, runner); what harness.py does not
offer lives here:

  Daemon         one ipmgmtd started by us (-f -u nobody), optionally in a
                 network namespace through nsenter (the mount namespace of the
                 caller is kept), or wrapped (strace ...); killed only by PID.
  cli()          the ipadm binary, directly or through nsenter.
  kernel_addrs() `ip -j addr show dev IF`, the kernel's view.
  show_addr()    `ipadm show-addr -p`, the daemon's view.
  store_snapshot()  a copy of a SQLite store (db + WAL) opened read-only:
                 PRAGMA integrity_check, foreign_key_check, the rows.
  proc_status()  /proc/PID/status as a dict.
"""

import ipaddress
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import tempfile
import time

from harness import (IPADM, IPMGMTD, TestFailure, _live_procs, clean_env,  # noqa: F401
                     split_parsable)

DAEMON_USER = ["-u", "nobody"]          # exercise the privilege drop everywhere
KERNEL_STATES = ("ok", "tentative", "duplicate", "inaccessible")
ADDR_FIELDS = ["addrobj", "type", "state", "current", "persistent", "addr"]
IF_FIELDS = ["ifname", "state", "current", "persistent"]


def open_root(root):
    """The daemon runs as nobody: it must be able to traverse ROOT."""
    os.chmod(root, 0o755)


def ns_prefix(ns):
    """Command prefix entering only the network namespace of ns (keeps the
    caller's mount namespace, unlike `ip netns exec`)."""
    return ["nsenter", "--net=/run/netns/" + ns] if ns else []


def cli(root, *args, ns=None, timeout=60, user=None):
    """Runs `ipadm -R root args`; returns (rc, stdout, stderr)."""
    cmd = ns_prefix(ns)
    if user:
        cmd += ["setpriv"] + list(user)
    cmd += [IPADM, "-R", root] + [str(a) for a in args]
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                       timeout=timeout, env=clean_env())
    return p.returncode, p.stdout, p.stderr


def cli_ok(root, *args, ns=None, timeout=60):
    rc, out, err = cli(root, *args, ns=ns, timeout=timeout)
    if rc != 0:
        raise TestFailure("ipadm %s: rc=%d\nstdout: %s\nstderr: %s"
                          % (" ".join(map(str, args)), rc, out, err))
    return out


def show_addr(root, ns=None):
    """show-addr -p rows as dicts (ADDR_FIELDS)."""
    out = cli_ok(root, "show-addr", "-p", "-o", ",".join(ADDR_FIELDS), ns=ns)
    return [dict(zip(ADDR_FIELDS, split_parsable(l))) for l in out.splitlines() if l]


def show_if(root, ns=None):
    out = cli_ok(root, "show-if", "-p", "-o", ",".join(IF_FIELDS), ns=ns)
    return {r["ifname"]: r for r in
            (dict(zip(IF_FIELDS, split_parsable(l))) for l in out.splitlines() if l)}


def ip_cmd(ns=None):
    return ["ip", "-n", ns] if ns else ["ip"]


def kernel_addrs(ifname, ns=None):
    """{(local, prefixlen): addr_info} of ifname ({} if the link is gone)."""
    p = subprocess.run(ip_cmd(ns) + ["-j", "addr", "show", "dev", ifname],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=30)
    if p.returncode != 0 or not p.stdout.strip():
        return {}
    j = json.loads(p.stdout)
    if not j:
        return {}
    return {(norm_addr(a["local"]), a["prefixlen"]): a for a in j[0].get("addr_info", [])}


def link_flags(ifname, ns=None):
    p = subprocess.run(ip_cmd(ns) + ["-j", "link", "show", "dev", ifname],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=30)
    if p.returncode != 0 or not p.stdout.strip():
        return None
    return json.loads(p.stdout)[0].get("flags", [])


def norm_addr(a):
    return str(ipaddress.ip_address(a))


def split_addr(text):
    """'ADDR/PLEN' as shown by show-addr -> (normalized addr, plen or None)."""
    if "/" in text:
        a, p = text.split("/", 1)
        return norm_addr(a), int(p)
    return norm_addr(text), None


# ---------------------------------------------------------------- store

def store_snapshot(db_path, with_rows=True):
    """Copies db (+ -wal; the -shm is rebuilt) into a temp dir and reads the
    copy: {'integrity': str, 'fk': [...], 'ifs': {ifname: row},
    'addrs': {aobjname: row}, 'props': [...]} or None if there is no db.
    The live files are never opened, so the daemon's locks are untouched."""
    if not os.path.exists(db_path):
        return None
    tmp = tempfile.mkdtemp(prefix="ipadmt-dbcopy-")
    try:
        dst = os.path.join(tmp, os.path.basename(db_path))
        shutil.copyfile(db_path, dst)
        if os.path.exists(db_path + "-wal"):
            shutil.copyfile(db_path + "-wal", dst + "-wal")
        con = sqlite3.connect("file:%s?mode=ro" % dst, uri=True)
        try:
            con.row_factory = sqlite3.Row
            res = {
                "integrity": "; ".join(r[0] for r in con.execute("PRAGMA integrity_check")),
                "fk": [tuple(r) for r in con.execute("PRAGMA foreign_key_check")],
            }
            if with_rows:
                tables = {r[0] for r in con.execute(
                    "SELECT name FROM sqlite_master WHERE type='table'")}
                res["tables"] = tables
                if "interfaces" in tables:
                    res["ifs"] = {r["ifname"]: dict(r) for r in
                                  con.execute("SELECT * FROM interfaces ORDER BY seq")}
                    res["addrs"] = {r["aobjname"]: dict(r) for r in
                                    con.execute("SELECT * FROM addrs ORDER BY seq")}
                    res["props"] = [dict(r) for r in con.execute("SELECT * FROM props")]
                elif "ifs" in tables:  # aobjmap.db
                    res["ifs"] = {r["ifname"]: dict(r) for r in
                                  con.execute("SELECT * FROM ifs ORDER BY seq")}
                    res["addrs"] = {r["aobjname"]: dict(r) for r in
                                    con.execute("SELECT * FROM addrs ORDER BY seq")}
            return res
        finally:
            con.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def store_path(root):
    return os.path.join(root, "etc", "ipadm", "ipadm.db")


def volatile_path(root):
    return os.path.join(root, "run", "ipadm", "aobjmap.db")


def check_store_integrity(root, what=""):
    """integrity_check == ok and no foreign-key violation, for both dbs."""
    for p in (store_path(root), volatile_path(root)):
        s = store_snapshot(p, with_rows=False)
        if s is None:
            continue
        if s["integrity"] != "ok":
            raise TestFailure("%s%s: integrity_check: %s" % (what and what + ": ", p,
                                                             s["integrity"]))
        if s["fk"]:
            raise TestFailure("%s%s: foreign_key_check: %r" % (what and what + ": ", p, s["fk"]))


def file_digest(path):
    """Bytes of a db file and its WAL (None if absent) for 'unchanged' checks."""
    out = []
    for p in (path, path + "-wal"):
        try:
            with open(p, "rb") as f:
                out.append(f.read())
        except FileNotFoundError:
            out.append(None)
    return tuple(out)


# ---------------------------------------------------------------- daemon

class Daemon:
    """One ipmgmtd process started by this test, killed only by its PID.

    ns:      network namespace entered with nsenter (None: the caller's).
    wrapper: command prefix run inside the namespace (e.g. strace ...); the
             daemon is then a child of the wrapper, found by its argv.
    execs:   the wrapper exec()s the daemon (unshare, sh -c 'exec ...'): the
             process we start IS the daemon.
    """

    def __init__(self, root, ns=None, extra=(), user=DAEMON_USER, log=None, wrapper=(),
                 execs=False):
        self.root = root
        self.ns = ns
        self.extra = list(extra)
        self.user = list(user)
        self.log = log or os.path.join(root, "ipmgmtd.log")
        self.wrapper = list(wrapper)
        self.execs = execs
        self.proc = None      # Popen: the daemon, or the wrapper
        self.pid = None       # the daemon's own pid
        self.starts = 0

    @property
    def sock(self):
        return os.path.join(self.root, "run", "ipadm", "ipmgmt.sock")

    def argv(self):
        return [IPMGMTD, "-f", "-R", self.root] + self.user + self.extra

    def start(self, wait=True, timeout=15.0):
        if self.proc is not None and self.proc.poll() is None:
            raise TestFailure("daemon already running (pid %s)" % self.pid)
        with open(self.log, "a") as f:
            f.write("==== start %d %s\n" % (self.starts + 1, time.strftime("%H:%M:%S")))
        fh = open(self.log, "a")
        try:
            self.proc = subprocess.Popen(ns_prefix(self.ns) + self.wrapper + self.argv(),
                                         stdout=fh, stderr=subprocess.STDOUT, env=clean_env())
        finally:
            fh.close()
        _live_procs.append(self.proc)
        self.starts += 1
        self.pid = self.proc.pid if (self.execs or not self.wrapper) else None
        if wait:
            self.wait_ready(timeout)
        return self

    def _find_pid(self):
        """The daemon under a wrapper: our wrapper's descendant running IPMGMTD."""
        for d in os.listdir("/proc"):
            if not d.isdigit():
                continue
            try:
                with open("/proc/%s/cmdline" % d, "rb") as f:
                    argv = [x.decode() for x in f.read().split(b"\0") if x]
                with open("/proc/%s/status" % d) as f:
                    ppid = int([l for l in f if l.startswith("PPid:")][0].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            if argv[:len(self.argv())] == self.argv() and ppid == self.proc.pid:
                return int(d)
        return None

    def wait_ready(self, timeout=15.0):
        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                raise TestFailure("ipmgmtd exited with %d during start-up; log:\n%s"
                                  % (self.proc.returncode, self.log_text()))
            if self.pid is None and self.wrapper:
                self.pid = self._find_pid()
            if self.pid is not None and os.path.exists(self.sock):
                rc, _, _ = cli(self.root, "show-if", ns=self.ns, timeout=10)
                if rc == 0:
                    return
            if time.monotonic() > deadline:
                raise TestFailure("ipmgmtd not ready after %.0fs; log:\n%s"
                                  % (timeout, self.log_text()))
            time.sleep(0.01)

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def kill(self, sig=signal.SIGKILL, timeout=15.0):
        """Signals the daemon (by PID) and reaps it (or its wrapper); returns
        the exit status of the process we started."""
        if self.proc is None:
            return None
        if self.proc.poll() is None and self.pid is not None:
            try:
                os.kill(self.pid, sig)
            except ProcessLookupError:
                pass
        try:
            rc = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            if self.pid is not None:
                os.kill(self.pid, signal.SIGKILL)
            if self.proc.poll() is None:
                os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)
            raise TestFailure("ipmgmtd did not exit %.0fs after signal %d" % (timeout, sig))
        if self.proc in _live_procs:
            _live_procs.remove(self.proc)
        return rc

    def log_text(self, tail=4000):
        try:
            with open(self.log) as f:
                return f.read()[-tail:]
        except OSError:
            return ""


# ---------------------------------------------------------------- /proc

def proc_status(pid):
    out = {}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            k, _, v = line.partition(":")
            out[k.strip()] = v.strip()
    return out


def tracer_pids(pid):
    """TracerPid of every thread of pid."""
    out = []
    for t in os.listdir("/proc/%d/task" % pid):
        try:
            with open("/proc/%d/task/%s/status" % (pid, t)) as f:
                for line in f:
                    if line.startswith("TracerPid:"):
                        out.append(int(line.split()[1]))
        except OSError:
            pass
    return out


def setup_fast_dad(ifname, ns=None):
    """Makes IPv6 DAD on ifname take ~20 ms (one probe, no random initial
    delay) so that v6 create-addr requests (which wait for DAD) stay short."""
    for k, v in (("conf.%s.dad_transmits", "1"), ("neigh.%s.retrans_time_ms", "20"),
                 ("conf.%s.router_solicitation_delay", "0")):
        subprocess.run((["ip", "netns", "exec", ns] if ns else [])
                       + ["sysctl", "-q", "-w", "net.ipv6.%s=%s" % (k % ifname, v)],
                       check=True, stdout=subprocess.DEVNULL, timeout=30)


class Injector:
    """strace attached to a running daemon (all threads, and every thread it
    creates: one per connection) injecting a fault:

        with Injector(d.pid, "fdatasync", "error=EIO", path=WAL):
            ...   # the first fdatasync on WAL of every new thread fails

    Counters (when=N) are per syscall AND per thread, so when=1 hits the
    first matching call of each request. -P path restricts both tracing and
    injection to calls on that file. Note: `-e trace=none` turns injection
    off (strace 6.1): the traced set must contain the injected syscalls.
    Leaving the block detaches strace (SIGINT); the daemon keeps running.
    """

    def __init__(self, pid, syscalls, action, when="1", path=None, log=None):
        self.pid = pid
        self.cmd = ["strace", "-f", "-qq", "-p", str(pid), "-o", log or "/dev/null",
                    "-e", "trace=" + syscalls]
        if log:
            self.cmd += ["-y", "-tt"]
        if action:   # None: only trace (to log)
            self.cmd += ["-e", "inject=%s:%s:when=%s" % (syscalls, action, when)]
        if path:
            self.cmd += ["-P", path]
        self.proc = None

    def __enter__(self):
        self.proc = subprocess.Popen(self.cmd, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE, text=True)
        _live_procs.append(self.proc)
        deadline = time.monotonic() + 10
        while True:
            tp = tracer_pids(self.pid)
            if tp and all(t == self.proc.pid for t in tp):
                return self
            if self.proc.poll() is not None:
                raise TestFailure("strace exited %d: %s" % (self.proc.returncode,
                                                            self.proc.stderr.read()))
            if time.monotonic() > deadline:
                raise TestFailure("strace did not attach to %d: TracerPid %r" % (self.pid, tp))
            time.sleep(0.02)

    def detach(self):
        if self.proc is None:
            return
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGINT)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)
        if self.proc in _live_procs:
            _live_procs.remove(self.proc)
        self.proc = None
        try:
            deadline = time.monotonic() + 10
            while any(tracer_pids(self.pid)) and time.monotonic() < deadline:
                time.sleep(0.02)
        except FileNotFoundError:
            pass  # the daemon is gone (signal=SIGKILL)

    def __exit__(self, *exc):
        self.detach()
        return False


def readonly_etc_daemon(root, ns, log=None, extra=()):
    """A Daemon that starts in a private mount namespace (unshare -m
    --propagation private) where ROOT/etc/ipadm is bind-mounted onto itself
    read-only, and in network namespace ns through nsenter --net (which,
    unlike `ip netns exec`, keeps that mount namespace). The mount namespace
    lives as long as the daemon; remount_etc() changes it from outside."""
    etc = os.path.join(root, "etc", "ipadm")
    script = ('mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" && '
              'exec nsenter --net=/run/netns/%s "$@"' % ns)
    return Daemon(root, ns=None, log=log, extra=extra,
                  wrapper=["unshare", "-m", "--propagation", "private", "sh", "-c", script, etc],
                  execs=True)


def remount_etc(d, rw=True):
    """Remounts the daemon's private bind mount of ROOT/etc/ipadm."""
    etc = os.path.join(d.root, "etc", "ipadm")
    p = subprocess.run(["nsenter", "--mount=/proc/%d/ns/mnt" % d.pid, "mount", "-o",
                        "remount,bind," + ("rw" if rw else "ro"), etc],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=30)
    if p.returncode != 0:
        raise TestFailure("remount %s: %s" % (etc, p.stderr))


def etc_readonly_for(pid, root):
    """True if ROOT/etc/ipadm is read-only in the mount namespace of pid."""
    etc = os.path.join(root, "etc", "ipadm")
    ro = False
    with open("/proc/%d/mountinfo" % pid) as f:
        for line in f:
            parts = line.split()
            if parts[4] == etc:          # the last (top) mount on etc wins
                ro = "ro" in parts[5].split(",")
    return ro
