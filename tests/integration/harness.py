"""Shared helpers of the integration tests (run as root, own network namespaces).

Every test gets an Env: a pair of network namespaces
    ipadmt-<pid>-<n>-a   the "main" namespace, where ipmgmtd runs (veth0)
    ipadmt-<pid>-<n>-b   the peer namespace (veth1, up)
joined by a veth pair, lo up in both, and a fresh temp root directory for the
daemon (-R ROOT: ROOT/etc/ipadm/ipadm.db, ROOT/run/ipadm/{aobjmap.db,ipmgmt.sock}).

Oracles are the kernel's own views: `ip -j addr` / `ip -j link` inside the
namespace and /proc/sys/net read through `ip netns exec`, never only ipadm's
output.  Only processes started here are ever signalled, and only by PID.

Environment: IPADM_BIN, IPMGMTD_BIN (default: build/ipadm, build/ipmgmtd of
the repository).  Exit status of a test file: 0 all passed, 1 a failure,
77 skipped (not root).
"""

import atexit
import ipaddress
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
IPADM = os.path.abspath(os.environ.get("IPADM_BIN") or os.path.join(REPO, "build", "ipadm"))
IPMGMTD = os.path.abspath(os.environ.get("IPMGMTD_BIN") or os.path.join(REPO, "build", "ipmgmtd"))

NS_PREFIX = "ipadmt-%d-" % os.getpid()
_seq = [0]
_live_ns = []          # namespaces this process created and not yet deleted
_live_procs = []       # Popen objects this process started
_envs = []             # Env objects not yet closed

# Variables that make ipmgmtd believe it runs under a service manager.
SERVICE_VARS = ("NOTIFY_SOCKET", "INVOCATION_ID", "IPMGMTD_SERVICE", "IPADM_ROOT")


class TestFailure(AssertionError):
    pass


def clean_env(**extra):
    env = {k: v for k, v in os.environ.items() if k not in SERVICE_VARS}
    env.update(extra)
    return env


def run(cmd, check=True, timeout=60, env=None, input=None):
    """Runs cmd (a list); returns (rc, stdout, stderr) as text."""
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                       timeout=timeout, env=env or clean_env(), input=input)
    if check and p.returncode != 0:
        raise TestFailure("command failed (rc=%d): %s\nstdout: %s\nstderr: %s"
                          % (p.returncode, " ".join(cmd), p.stdout, p.stderr))
    return p.returncode, p.stdout, p.stderr


def check(cond, msg):
    if not cond:
        raise TestFailure(msg)


def eq(got, want, what=""):
    if got != want:
        raise TestFailure("%s: expected %r, got %r" % (what or "value", want, got))


def wait_for(pred, timeout=10.0, interval=0.05, what="condition"):
    deadline = time.monotonic() + timeout
    last = None
    while True:
        last = pred()
        if last:
            return last
        if time.monotonic() > deadline:
            raise TestFailure("timed out after %.1fs waiting for %s" % (timeout, what))
        time.sleep(interval)


# ---------------------------------------------------------------- namespaces

def _ns_add(name):
    check(name.startswith("ipadmt-"), "refusing to create namespace " + name)
    run(["ip", "netns", "add", name])
    _live_ns.append(name)
    run(["ip", "-n", name, "link", "set", "lo", "up"])


def _ns_del(name):
    if not name.startswith(NS_PREFIX):
        raise RuntimeError("refusing to delete namespace " + name)
    subprocess.run(["ip", "netns", "del", name], stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    if name in _live_ns:
        _live_ns.remove(name)


def _kill_proc(p, sig=signal.SIGKILL):
    if p.poll() is None:
        try:
            os.kill(p.pid, sig)
        except ProcessLookupError:
            pass
        try:
            p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.kill(p.pid, signal.SIGKILL)
            p.wait(timeout=10)


def _cleanup_all():
    for p in list(_live_procs):
        _kill_proc(p)
        _live_procs.remove(p)
    for e in list(_envs):
        e.close()
    for ns in list(_live_ns):
        _ns_del(ns)


atexit.register(_cleanup_all)


def _on_signal(signum, frame):
    raise SystemExit(128 + signum)


signal.signal(signal.SIGTERM, _on_signal)
signal.signal(signal.SIGHUP, _on_signal)


# ---------------------------------------------------------------- Env

class Env:
    """One test's world: netns pair + veth, a temp root, at most one daemon."""

    def __init__(self, peer_v4="192.0.2.1/24", peer_v6="2001:db8::1/64"):
        _seq[0] += 1
        self.n = _seq[0]
        self.ns = "%s%d-a" % (NS_PREFIX, self.n)
        self.peer = "%s%d-b" % (NS_PREFIX, self.n)
        self.peer_v4 = peer_v4
        self.peer_v6 = peer_v6
        self.root = tempfile.mkdtemp(prefix="ipadmt-root-")
        os.chmod(self.root, 0o755)  # the daemon drops to its own user (-u, netadm)
        self.daemon = None
        self.daemon_log = os.path.join(self.root, "ipmgmtd.log")
        self._log_fh = None
        _envs.append(self)
        self.make_netns()

    # -- context manager
    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is not None and os.path.exists(self.daemon_log):
            try:
                with open(self.daemon_log) as f:
                    txt = f.read()[-4000:]
                if txt:
                    sys.stdout.write("---- ipmgmtd log (%s) ----\n%s\n----\n" % (self.root, txt))
            except OSError:
                pass
        self.close()
        return False

    def make_netns(self):
        """Creates the namespace pair: veth0 (main ns, left DOWN as at boot)
        <-> veth1 (peer ns, up, with the peer addresses)."""
        _ns_add(self.ns)
        _ns_add(self.peer)
        run(["ip", "-n", self.ns, "link", "add", "veth0", "type", "veth", "peer", "name",
             "veth1", "netns", self.peer])
        if self.peer_v4:
            run(["ip", "-n", self.peer, "addr", "add", self.peer_v4, "dev", "veth1"])
        if self.peer_v6:
            run(["ip", "-n", self.peer, "addr", "add", self.peer_v6, "dev", "veth1", "nodad"])
        run(["ip", "-n", self.peer, "link", "set", "veth1", "up"])

    def delete_netns(self):
        _ns_del(self.ns)
        _ns_del(self.peer)

    def close(self):
        if self.daemon is not None:
            _kill_proc(self.daemon)
            if self.daemon in _live_procs:
                _live_procs.remove(self.daemon)
            self.daemon = None
        if self._log_fh:
            self._log_fh.close()
            self._log_fh = None
        self.delete_netns()
        if self.root and os.path.isdir(self.root):
            shutil.rmtree(self.root, ignore_errors=True)
        if self in _envs:
            _envs.remove(self)

    # -- paths
    @property
    def sock(self):
        return os.path.join(self.root, "run", "ipadm", "ipmgmt.sock")

    @property
    def store_db(self):
        return os.path.join(self.root, "etc", "ipadm", "ipadm.db")

    # -- commands in the namespace
    def nsexec(self, *cmd, check=False, timeout=60, env=None, ns=None, input=None):
        return run(["ip", "netns", "exec", ns or self.ns] + [str(c) for c in cmd],
                   check=check, timeout=timeout, env=env, input=input)

    def ipadm(self, *args, user=None, timeout=60, env=None):
        """Runs `ipadm -R ROOT args` inside the main ns; returns (rc, out, err).
        user: None (root) or a list of setpriv arguments."""
        cmd = []
        if user is not None:
            cmd += ["setpriv"] + list(user)
        cmd += [IPADM, "-R", self.root] + [str(a) for a in args]
        return self.nsexec(*cmd, timeout=timeout, env=env)

    def ipadm_ok(self, *args, **kw):
        rc, out, err = self.ipadm(*args, **kw)
        if rc != 0:
            raise TestFailure("ipadm %s: rc=%d\nstdout: %s\nstderr: %s"
                              % (" ".join(map(str, args)), rc, out, err))
        return out

    def ipadm_fail(self, args, msg=None, rc=1):
        """Expects ipadm to fail with exit status rc and msg (a string or a
        tuple of alternatives, case-insensitive) in stderr."""
        got_rc, out, err = self.ipadm(*args)
        check(got_rc == rc, "ipadm %s: expected exit %d, got %d\nstdout: %s\nstderr: %s"
              % (" ".join(map(str, args)), rc, got_rc, out, err))
        if msg is not None:
            alts = (msg,) if isinstance(msg, str) else tuple(msg)
            check(any(m.lower() in err.lower() for m in alts),
                  "ipadm %s: expected %r in stderr, got %r" % (" ".join(map(str, args)), alts, err))
        return out, err

    # -- daemon
    def start_daemon(self, extra=(), timeout=15.0, env=None):
        check(self.daemon is None or self.daemon.poll() is not None, "daemon already running")
        self._log_fh = open(self.daemon_log, "a")
        self._log_fh.write("==== start %s\n" % time.strftime("%H:%M:%S"))
        self._log_fh.flush()
        p = subprocess.Popen(["ip", "netns", "exec", self.ns, IPMGMTD, "-f", "-R", self.root]
                             + list(extra),
                             stdout=self._log_fh, stderr=subprocess.STDOUT,
                             env=clean_env(**(env or {})))
        _live_procs.append(p)
        self.daemon = p
        self.wait_ready(timeout)
        return p

    def wait_ready(self, timeout=15.0):
        p = self.daemon
        deadline = time.monotonic() + timeout
        while True:
            if p is not None and p.poll() is not None:
                raise TestFailure("ipmgmtd exited with %d during start-up; log:\n%s"
                                  % (p.returncode, self.log_text()))
            if os.path.exists(self.sock):
                rc, _, _ = self.ipadm("show-if", timeout=10)
                if rc == 0:
                    return
            if time.monotonic() > deadline:
                raise TestFailure("ipmgmtd not ready after %.0fs; log:\n%s"
                                  % (timeout, self.log_text()))
            time.sleep(0.05)

    def stop_daemon(self, sig=signal.SIGTERM, timeout=15.0):
        """Signals our daemon by PID and reaps it; returns its exit status."""
        p = self.daemon
        check(p is not None, "no daemon to stop")
        if p.poll() is None:
            os.kill(p.pid, sig)
        try:
            rc = p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.kill(p.pid, signal.SIGKILL)
            p.wait(timeout=10)
            raise TestFailure("ipmgmtd did not exit %.0fs after signal %d" % (timeout, sig))
        if p in _live_procs:
            _live_procs.remove(p)
        self.daemon = None
        if self._log_fh:
            self._log_fh.close()
            self._log_fh = None
        return rc

    def log_text(self):
        try:
            with open(self.daemon_log) as f:
                return f.read()[-4000:]
        except OSError:
            return ""

    def reboot(self, start=True):
        """Simulated reboot: stop the daemon, delete and re-create the
        namespace pair (same names), wipe ROOT/run, keep ROOT/etc, restart."""
        if self.daemon is not None:
            self.stop_daemon()
        self.delete_netns()
        shutil.rmtree(os.path.join(self.root, "run"), ignore_errors=True)
        self.make_netns()
        if start:
            self.start_daemon()

    # -- real peers (dnsmasq, radvd) in the peer namespace
    def start_peer(self, *cmd, log_name="peer"):
        """Starts cmd (a foreground server) in the peer namespace; its output
        goes to ROOT/<log_name>.log. Stopped by PID (stop_peer, or at the
        end of the test)."""
        fh = open(os.path.join(self.root, log_name + ".log"), "a")
        p = subprocess.Popen(["ip", "netns", "exec", self.peer] + [str(c) for c in cmd],
                             stdout=fh, stderr=subprocess.STDOUT, env=clean_env())
        fh.close()
        _live_procs.append(p)
        return p

    def stop_peer(self, p):
        _kill_proc(p, signal.SIGTERM)
        if p in _live_procs:
            _live_procs.remove(p)

    def no_tx_checksum(self):
        """Checksum offload off on both veth ends: udhcpc reads replies on a
        raw socket and drops the ones a veth leaves with partial checksums."""
        self.nsexec("ethtool", "-K", "veth0", "tx", "off", check=True)
        self.nsexec("ethtool", "-K", "veth1", "tx", "off", check=True, ns=self.peer)

    def start_dnsmasq(self, extra=()):
        """A DHCPv4 server on veth1: 192.0.2.50-60/24, router 192.0.2.1,
        2-minute leases, lease file ROOT/dnsmasq.leases."""
        self.dnsmasq_leases = os.path.join(self.root, "dnsmasq.leases")
        return self.start_peer(
            "dnsmasq", "--no-daemon", "--conf-file=/dev/null", "--port=0",
            "--interface=veth1", "--bind-interfaces", "--dhcp-authoritative",
            "--dhcp-range=192.0.2.50,192.0.2.60,255.255.255.0,2m",
            "--dhcp-option=3,192.0.2.1", "--dhcp-leasefile=" + self.dnsmasq_leases,
            "--pid-file=", "--log-dhcp", *extra, log_name="dnsmasq")

    def leases(self):
        """dnsmasq's lease file: list of (address, hostname)."""
        try:
            with open(self.dnsmasq_leases) as f:
                return [(l.split()[2], l.split()[3]) for l in f if len(l.split()) >= 4]
        except (OSError, AttributeError):
            return []

    # -- kernel oracles
    def ip_j(self, *args, ns=None):
        _, out, _ = run(["ip", "-n", ns or self.ns, "-j"] + list(args))
        return json.loads(out) if out.strip() else []

    def link(self, ifname="veth0", ns=None):
        rc, out, _ = run(["ip", "-n", ns or self.ns, "-j", "link", "show", "dev", ifname],
                         check=False)
        if rc != 0:
            return None
        j = json.loads(out)
        return j[0] if j else None

    def link_up(self, ifname="veth0"):
        l = self.link(ifname)
        return l is not None and "UP" in l.get("flags", [])

    def addr_info(self, ifname="veth0", ns=None):
        """The kernel's addresses of ifname: list of addr_info dicts."""
        rc, out, _ = run(["ip", "-n", ns or self.ns, "-j", "addr", "show", "dev", ifname],
                         check=False)
        if rc != 0 or not out.strip():
            return []
        j = json.loads(out)
        return j[0].get("addr_info", []) if j else []

    def kaddrs(self, ifname="veth0", family=None):
        """Set of (local, prefixlen) on ifname; family "inet"/"inet6"/None."""
        return {(a["local"], a["prefixlen"]) for a in self.addr_info(ifname)
                if family is None or a["family"] == family}

    def kaddr(self, local, ifname="veth0"):
        for a in self.addr_info(ifname):
            if a["local"] == local:
                return a
        return None

    def all_kernel_addrs(self):
        """Every (ifname, local, prefixlen, peer) in the main namespace."""
        out = set()
        for l in self.ip_j("addr", "show"):
            for a in l.get("addr_info", []):
                out.add((l["ifname"], a["local"], a["prefixlen"], a.get("address")))
        return out

    def sysctl(self, path):
        _, out, _ = self.nsexec("cat", "/proc/sys/" + path, check=True)
        return out.strip()

    def wait_dad(self, ifname="veth0", timeout=10.0):
        """Waits until no address of ifname is tentative."""
        wait_for(lambda: not any(a.get("tentative") for a in self.addr_info(ifname)),
                 timeout=timeout, what="DAD on " + ifname)

    def wait_running(self, ifname="veth0", timeout=10.0):
        """Waits for carrier (LOWER_UP) and operstate UP (IFF_RUNNING)."""
        def running():
            l = self.link(ifname) or {}
            return "LOWER_UP" in l.get("flags", []) and l.get("operstate") == "UP"
        wait_for(running, timeout=timeout, what=ifname + " running")

    def settle(self, ifname="veth0", timeout=10.0):
        """Waits until the states ipadm derives from the kernel stop moving:
        link running, show-if state ok (or down: no address yet, as
        illumos), no tentative address."""
        self.wait_running(ifname, timeout)
        wait_for(lambda: self.show_if_map().get(ifname, {}).get("state") in ("ok", "down"),
                 timeout=timeout, what="show-if %s state ok" % ifname)
        self.wait_dad(ifname, timeout)

    # -- ipadm output helpers
    def show_addr_rows(self, *args):
        """show-addr -p -o addrobj,type,state,current,persistent,addr -> list
        of dicts (parsable output, ':' escapes undone)."""
        fields = ["addrobj", "type", "state", "current", "persistent", "addr"]
        out = self.ipadm_ok("show-addr", "-p", "-o", ",".join(fields), *args)
        return [dict(zip(fields, split_parsable(line))) for line in out.splitlines() if line]

    def show_addr_map(self, *args):
        """{addrobj: row} of managed objects (unnamed '?' rows excluded)."""
        return {r["addrobj"]: r for r in self.show_addr_rows(*args)
                if not r["addrobj"].endswith("/?")}

    def show_if_rows(self, *args):
        fields = ["ifname", "state", "current", "persistent"]
        out = self.ipadm_ok("show-if", "-p", "-o", ",".join(fields), *args)
        return [dict(zip(fields, split_parsable(line))) for line in out.splitlines() if line]

    def show_if_map(self, *args):
        return {r["ifname"]: r for r in self.show_if_rows(*args)}

    def wait_addr_state(self, aobj, state, timeout=10.0):
        def ok():
            r = self.show_addr_map().get(aobj)
            return r is not None and r["state"] == state
        wait_for(ok, timeout=timeout, what="%s in state %s" % (aobj, state))


def split_parsable(line):
    """Splits a libofmt parsable line on unescaped ':' and removes the
    backslash escapes."""
    fields, cur, i = [], [], 0
    while i < len(line):
        c = line[i]
        if c == "\\" and i + 1 < len(line):
            cur.append(line[i + 1])
            i += 2
            continue
        if c == ":":
            fields.append("".join(cur))
            cur = []
        else:
            cur.append(c)
        i += 1
    fields.append("".join(cur))
    return fields


def human_rows(out):
    """Human output -> (header tokens, list of token lists)."""
    lines = [l for l in out.splitlines() if l.strip()]
    if not lines:
        return [], []
    return lines[0].split(), [l.split() for l in lines[1:]]


def norm_v6(a):
    return str(ipaddress.ip_address(a))


# ---------------------------------------------------------------- procs

def proc_cmdlines():
    """{pid: [argv]} of every process (zombies excluded)."""
    out = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/cmdline" % d, "rb") as f:
                raw = f.read()
            with open("/proc/%s/stat" % d) as f:
                stat = f.read()
        except OSError:
            continue
        state = stat[stat.rfind(")") + 2:].split()[0] if ")" in stat else "?"
        if not raw or state == "Z":
            continue
        out[int(d)] = [x.decode(errors="replace") for x in raw.split(b"\0") if x]
    return out


def daemons_with_root(root):
    """PIDs of ipmgmtd processes whose command line names root."""
    pids = []
    for pid, argv in proc_cmdlines().items():
        if argv and os.path.basename(argv[0]) == os.path.basename(IPMGMTD) and root in argv:
            pids.append(pid)
    return pids


def pid_alive(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            stat = f.read()
    except OSError:
        return False
    return stat[stat.rfind(")") + 2:].split()[0] != "Z"


def socket_accepts(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    try:
        s.connect(path)
        return True
    except OSError:
        return False
    finally:
        s.close()


# ---------------------------------------------------------------- package

def build_deb(build_dir, out_dir, timeout=900):
    """Builds the Debian package with `cpack -G DEB` from build_dir into
    out_dir (cpack first builds the "all" target: a no-op after
    `cmake --build`). Returns the .deb's path; TestFailure with the tail of
    cpack's logs if it fails."""
    os.makedirs(out_dir, exist_ok=True)
    p = subprocess.run(["cpack", "-G", "DEB", "-B", out_dir], cwd=build_dir,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                       timeout=timeout, env=clean_env())
    if p.returncode != 0:
        tails = ""
        for d, _, files in os.walk(out_dir):
            for f in files:
                if f.endswith("Output.log"):
                    with open(os.path.join(d, f), errors="replace") as fh:
                        tails += "\n---- %s (tail) ----\n%s" % (f, fh.read()[-3000:])
        raise TestFailure("cpack failed (rc=%d)\nstdout: %s\nstderr: %s%s"
                          % (p.returncode, p.stdout[-3000:], p.stderr[-3000:], tails))
    debs = [f for f in os.listdir(out_dir) if f.endswith(".deb")]
    check(len(debs) == 1, "cpack made %r in %s" % (debs, out_dir))
    return os.path.join(out_dir, debs[0])


# ---------------------------------------------------------------- runner

def main(tests):
    """Runs the test functions in order; prints PASS/FAIL; exits 0/1/77."""
    if os.geteuid() != 0:
        print("SKIP: integration tests need root (network namespaces)")
        sys.exit(77)
    for b in (IPADM, IPMGMTD):
        if not os.access(b, os.X_OK):
            print("FAIL: binary not found: %s (build first, or set IPADM_BIN/IPMGMTD_BIN)" % b)
            sys.exit(1)
    only = sys.argv[1:]
    failed = []
    t_all = time.monotonic()
    for fn in tests:
        if only and fn.__name__ not in only:
            continue
        t0 = time.monotonic()
        try:
            fn()
        except Exception:  # noqa: BLE001 - report every kind of failure
            failed.append(fn.__name__)
            print("FAIL %s (%.1fs)" % (fn.__name__, time.monotonic() - t0))
            traceback.print_exc(file=sys.stdout)
        else:
            print("PASS %s (%.1fs)" % (fn.__name__, time.monotonic() - t0))
        sys.stdout.flush()
        _cleanup_all()
    print("%d test(s), %d failed (%.1fs)%s" % (
        len([t for t in tests if not only or t.__name__ in only]), len(failed),
        time.monotonic() - t_all, (": " + ", ".join(failed)) if failed else ""))
    sys.exit(1 if failed else 0)
