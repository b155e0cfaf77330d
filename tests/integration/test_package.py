#!/usr/bin/env python3
"""The Debian package (packaging/, CMakeLists.txt "install"): builds it with
`cpack -G DEB` from the existing build directory into a temp dir, checks its
contents and control data, validates the systemd units, sysusers.d and
tmpfiles.d files, extracts it into a temp root with `dpkg -x` (never installs
it on the host) and starts the extracted ipmgmtd the way a non-systemd
service manager would (IPMGMTD_SERVICE=1, forking) inside a private network
namespace, asks the extracted ipadm, and stops the daemon by PID.

Environment: IPADM_BIN (<build>/ipadm; the build directory is its dirname).
Exit status: 0 passed, 1 failed, 77 skipped (not root, or cpack, dpkg-deb or
dpkg missing)."""

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import build_deb, pid_alive, proc_cmdlines  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
IPADM = os.path.abspath(os.environ.get("IPADM_BIN") or os.path.join(REPO, "build", "ipadm"))
BUILD = os.path.dirname(IPADM)
NS = "ipadmt-pkg-%d" % os.getpid()
SERVICE_VARS = ("NOTIFY_SOCKET", "INVOCATION_ID", "IPMGMTD_SERVICE", "IPADM_ROOT")

# What the package must contain (paths as dpkg-deb -c prints them, without "./").
EXPECTED = [
    "usr/sbin/ipmgmtd",
    "usr/sbin/ipadm",
    "usr/lib/systemd/system/ipmgmtd.service",
    "usr/lib/systemd/system/ipadm-restore.service",
    "usr/lib/systemd/system/ipadm-wait-online.service",
    "usr/share/bash-completion/completions/ipadm",
    "usr/lib/sysusers.d/ipadm.conf",
    "usr/lib/tmpfiles.d/ipadm.conf",
    "usr/share/man/man8/ipmgmtd.8",
    "usr/share/man/man8/ipadm.8",
    "usr/include/ipadm/client.h",
]
LIBRARY = re.compile(r"^usr/lib/(?:[^/]+/)?libipadm\.so\.1$")
RUNTIME_LIBS = ("libmnl0", "libsqlite3-0", "libprotobuf-lite32", "libsystemd0", "libcap-ng0")
CAP_NET_ADMIN, CAP_NET_RAW = 12, 13


class TestFailure(AssertionError):
    pass


def check(cond, msg):
    if not cond:
        raise TestFailure(msg)


def clean_env(**extra):
    env = {k: v for k, v in os.environ.items() if k not in SERVICE_VARS}
    env.update(extra)
    return env


def run(cmd, check_rc=True, timeout=120, env=None, cwd=None):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                       timeout=timeout, env=env or clean_env(), cwd=cwd)
    if check_rc and p.returncode != 0:
        raise TestFailure("command failed (rc=%d): %s\nstdout: %s\nstderr: %s"
                          % (p.returncode, " ".join(cmd), p.stdout[-3000:], p.stderr[-3000:]))
    return p


def skip(msg):
    print("SKIP: " + msg)
    sys.exit(77)


# ---------------------------------------------------------------- processes

def pids_of(binary, root):
    """PIDs (not zombies) whose argv[0] is binary and whose argv names root."""
    return [pid for pid, argv in proc_cmdlines().items()
            if argv and argv[0] == binary and root in argv]


alive = pid_alive


def status_fields(pid):
    out = {}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            k, _, v = line.partition(":")
            out[k] = v.strip()
    return out


def stop_pid(pid, timeout=10.0):
    """SIGTERM to a daemon this test started; SIGKILL if it does not exit."""
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return True
    deadline = time.monotonic() + timeout
    while alive(pid):
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            return False
        time.sleep(0.05)
    return True


# ---------------------------------------------------------------- the test

class PackageTest:
    def __init__(self):
        self.tmp = tempfile.mkdtemp(prefix="ipadmt-pkg-")
        # The daemon drops to netadm (if that user exists): it must be able to
        # reach ROOT/etc/ipadm and ROOT/run/ipadm; mkdtemp makes 0700.
        os.chmod(self.tmp, 0o755)
        self.out = os.path.join(self.tmp, "out")
        self.root = os.path.join(self.tmp, "root")
        self.deb = None
        self.ns_made = False
        self.daemon_bin = os.path.join(self.root, "usr", "sbin", "ipmgmtd")
        self.ipadm_bin = os.path.join(self.root, "usr", "sbin", "ipadm")

    def close(self):
        if os.path.isdir(self.root):
            for pid in pids_of(self.daemon_bin, self.root):
                stop_pid(pid)
        if self.ns_made:
            subprocess.run(["ip", "netns", "del", NS], stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
            self.ns_made = False
        shutil.rmtree(self.tmp, ignore_errors=True)

    # -- 1. build
    def build(self):
        t0 = time.monotonic()
        self.deb = build_deb(BUILD, self.out)
        name = os.path.basename(self.deb)
        check(name.startswith("ipadm-linux_"), "package file name: " + name)
        print("  built %s (%.0f kB, %.1fs)" % (name, os.path.getsize(self.deb) / 1024,
                                              time.monotonic() - t0))

    # -- 2. contents and control data
    def contents(self):
        listing = run(["dpkg-deb", "-c", self.deb]).stdout
        paths = set()
        for line in listing.splitlines():
            # "-rwxr-xr-x root/root  123 2025-01-01 00:00 ./usr/sbin/ipmgmtd[ -> target]"
            name = line.split(None, 5)[5].split(" -> ")[0]
            paths.add(name[2:] if name.startswith("./") else name)
        missing = [p for p in EXPECTED if p not in paths]
        check(not missing, "missing from the package: %r\nlisting:\n%s" % (missing, listing))
        check(any(LIBRARY.match(p) for p in paths), "libipadm.so.1 missing:\n" + listing)
        for line in listing.splitlines():
            if line.endswith("./usr/sbin/ipmgmtd") or line.endswith("./usr/sbin/ipadm"):
                check(line.startswith("-rwxr-xr-x root/root"), "binary mode/owner: " + line)
        check(not any(p.startswith("usr/local") for p in paths), "files under usr/local")

        fields = {}
        for f in ("Package", "Version", "Architecture", "Depends", "Maintainer"):
            fields[f] = run(["dpkg-deb", "-f", self.deb, f]).stdout.strip()
        check(fields["Package"] == "ipadm-linux", "Package: %r" % fields["Package"])
        for lib in RUNTIME_LIBS:
            check(re.search(r"(^|[ ,])%s([ ,(]|$)" % re.escape(lib), fields["Depends"]),
                  "Depends lacks %s: %r" % (lib, fields["Depends"]))

        ctl = os.path.join(self.tmp, "control")
        run(["dpkg-deb", "-e", self.deb, ctl])
        for s in ("postinst", "prerm", "postrm"):
            p = os.path.join(ctl, s)
            check(os.path.isfile(p), "control script %s missing" % s)
            check(os.stat(p).st_mode & 0o111, "control script %s not executable" % s)
            run(["sh", "-n", p])
        with open(os.path.join(ctl, "triggers")) as f:
            check("activate-noawait ldconfig" in f.read(), "no ldconfig trigger")
        with open(os.path.join(ctl, "shlibs")) as f:
            check(f.read().startswith("libipadm 1 ipadm-linux"), "shlibs of libipadm.so.1")

    # -- 3. unit files, sysusers.d, tmpfiles.d
    def validate_config(self):
        sa = shutil.which("systemd-analyze")
        if not sa:
            print("  systemd-analyze missing: unit verification skipped")
        else:
            # The units name /usr/sbin/...; point them at the extracted binaries.
            udir = os.path.join(self.tmp, "units")
            os.makedirs(udir)
            units = ("ipmgmtd.service", "ipadm-restore.service", "ipadm-wait-online.service")
            for u in units:
                with open(os.path.join(self.root, "usr/lib/systemd/system", u)) as f:
                    text = f.read()
                check("ExecStart=/usr/sbin/" in text, u + ": ExecStart is not /usr/sbin/...")
                text = text.replace("ExecStart=/usr/sbin/",
                                    "ExecStart=" + os.path.join(self.root, "usr/sbin") + "/")
                with open(os.path.join(udir, u), "w") as f:
                    f.write(text)
            p = run([sa, "verify", "--man=no"] + ["./" + u for u in units],
                    check_rc=False, cwd=udir)
            msg = (p.stdout + p.stderr).strip()
            if p.returncode != 0 and re.search(r"not been booted with systemd|Failed to connect "
                                               r"to bus|Failed to initialize manager", msg):
                print("  systemd-analyze verify cannot run here (no systemd): skipped\n    "
                      + msg.replace("\n", "\n    "))
            else:
                check(p.returncode == 0 and not msg,
                      "systemd-analyze verify (rc=%d):\n%s" % (p.returncode, msg))
                print("  systemd-analyze verify: units OK")

        su = shutil.which("systemd-sysusers")
        if su:
            sroot = os.path.join(self.tmp, "sysusers-root")
            os.makedirs(os.path.join(sroot, "etc"))
            run([su, "--root=" + sroot,
                 os.path.join(self.root, "usr/lib/sysusers.d/ipadm.conf")])
            with open(os.path.join(sroot, "etc/passwd")) as f:
                pw = [l.split(":") for l in f.read().splitlines() if l.startswith("netadm:")]
            with open(os.path.join(sroot, "etc/group")) as f:
                gr = [l.split(":") for l in f.read().splitlines() if l.startswith("netadm:")]
            check(len(pw) == 1 and len(gr) == 1, "sysusers: netadm user/group not created")
            check(pw[0][3] == gr[0][2], "netadm's primary group is not netadm")
            check(pw[0][5] == "/nonexistent", "netadm home: %r" % pw[0][5])
            tf = shutil.which("systemd-tmpfiles")
            if tf:
                run([tf, "--root=" + sroot, "--create",
                     os.path.join(self.root, "usr/lib/tmpfiles.d/ipadm.conf")])
                uid, gid = int(pw[0][2]), int(gr[0][2])
                for d in ("run/ipadm", "etc/ipadm"):
                    st = os.stat(os.path.join(sroot, d))
                    check((st.st_uid, st.st_gid, st.st_mode & 0o7777) == (uid, gid, 0o755),
                          "tmpfiles: %s is %d:%d %o" % (d, st.st_uid, st.st_gid, st.st_mode))
            print("  sysusers.d and tmpfiles.d: OK")

    # -- 4. run the extracted daemon
    def extract(self):
        run(["dpkg", "-x", self.deb, self.root])
        os.chmod(self.root, 0o755)
        for b in (self.daemon_bin, self.ipadm_bin):
            check(os.access(b, os.X_OK), b + " not extracted")

    def run_daemon(self):
        run(["ip", "netns", "add", NS])
        self.ns_made = True
        run(["ip", "-n", NS, "link", "set", "lo", "up"])
        env = clean_env(IPMGMTD_SERVICE="1")
        # Forking start: the parent exits 0 only once the socket accepts.
        p = run(["ip", "netns", "exec", NS, self.daemon_bin, "-R", self.root],
                check_rc=False, env=env, timeout=60)
        check(p.returncode == 0, "ipmgmtd start: rc=%d stderr=%r" % (p.returncode, p.stderr))
        sock = os.path.join(self.root, "run", "ipadm", "ipmgmt.sock")
        check(os.path.exists(sock), "no socket at " + sock)

        pids = pids_of(self.daemon_bin, self.root)
        check(len(pids) == 1, "expected one daemon, found %r" % pids)
        pid = pids[0]
        # The same PID through the socket: ss inside the namespace.
        ss = run(["ip", "netns", "exec", NS, "ss", "-xlpn"], check_rc=False).stdout
        for line in ss.splitlines():
            if sock in line:
                m = re.search(r"pid=(\d+)", line)
                if m:
                    check(int(m.group(1)) == pid, "ss names pid %s, /proc %d"
                          % (m.group(1), pid))

        # Privileges after the start-up: CAP_NET_ADMIN + CAP_NET_RAW only, no-new-privs.
        st = status_fields(pid)
        check(int(st["CapEff"], 16) == (1 << CAP_NET_ADMIN) | (1 << CAP_NET_RAW),
              "CapEff of the daemon: " + st["CapEff"])
        check(st.get("NoNewPrivs") == "1", "NoNewPrivs: %r" % st.get("NoNewPrivs"))
        uid = int(st["Uid"].split()[0])
        try:
            import pwd
            want = pwd.getpwnam("netadm").pw_uid
        except KeyError:
            want = 0
        check(uid == want, "daemon uid %d, expected %d" % (uid, want))

        p = run(["ip", "netns", "exec", NS, self.ipadm_bin, "-R", self.root, "show-if"],
                check_rc=False, timeout=30)
        check(p.returncode == 0, "show-if: rc=%d stderr=%r" % (p.returncode, p.stderr))
        check(re.search(r"^lo\s", p.stdout, re.M), "show-if does not list lo:\n" + p.stdout)
        print("  extracted ipmgmtd (pid %d, uid %d) answers show-if" % (pid, uid))

        check(stop_pid(pid), "ipmgmtd did not exit on SIGTERM")
        check(not os.path.exists(sock), "socket left behind after SIGTERM")
        check(os.path.isfile(os.path.join(self.root, "etc", "ipadm", "ipadm.db")),
              "no store created under the root")


def main():
    if os.geteuid() != 0:
        skip("needs root (network namespaces)")
    for tool in ("cpack", "dpkg-deb", "dpkg"):
        if not shutil.which(tool):
            skip(tool + " not found")
    if not os.path.isfile(os.path.join(BUILD, "CPackConfig.cmake")):
        print("FAIL: %s has no CPackConfig.cmake (configure the build first)" % BUILD)
        sys.exit(1)
    signal.signal(signal.SIGTERM, lambda s, f: sys.exit(128 + s))
    t = PackageTest()
    failed = None
    t0 = time.monotonic()
    try:
        for step in (t.build, t.contents, t.extract, t.validate_config, t.run_daemon):
            s0 = time.monotonic()
            step()
            print("PASS %s (%.1fs)" % (step.__name__, time.monotonic() - s0))
            sys.stdout.flush()
    except Exception:  # noqa: BLE001 - report every kind of failure
        failed = step.__name__
        print("FAIL %s" % failed)
        traceback.print_exc(file=sys.stdout)
    finally:
        t.close()
    print("test_package: %s (%.1fs)" % ("FAILED at " + failed if failed else "passed",
                                        time.monotonic() - t0))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
