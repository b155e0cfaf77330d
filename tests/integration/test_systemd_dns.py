#!/usr/bin/env python3
"""Learned DNS under a real systemd as PID 1 with systemd-resolved running
(issue 13 item 2): the oracle is `resolvectl dns veth0` in the container.

The container is test_systemd_boot.py's (an overlay of this machine's root
on a tmpfs, booted by systemd-nspawn in a namespace of the test's), with
the ipadm package and systemd-resolved installed by dpkg INSIDE the overlay
(the .deb fetched with `apt-get download`; nothing is installed on the
machine). veth1 goes to a peer namespace of the test's, where dnsmasq hands
out DHCPv4 leases with two name servers (option 6) and a domain (15).

ipmgmtd starts before D-Bus and resolved, so the check is also that the
sink is chosen when the first DNS is learned. Exit status: 0 passed,
1 failed, 77 skipped (not root; nspawn, cpack, dpkg, apt-get or dnsmasq
missing; systemd-resolved cannot be downloaded)."""

import glob
import os
import shutil
import signal
import subprocess
import sys
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import IPADM, build_deb, check, clean_env, eq, wait_for  # noqa: E402
from test_systemd_boot import MACHINE, NS, Container, sh  # noqa: E402

BUILD = os.path.dirname(IPADM)
PEER = "ipadmt-sdp-%d" % os.getpid()


def fetch_resolved(out_dir):
    """systemd-resolved's .deb for this machine's systemd, or None."""
    os.makedirs(out_dir, exist_ok=True)
    os.chmod(out_dir, 0o755)
    p = subprocess.run(["apt-get", "download", "systemd-resolved"], cwd=out_dir,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                       timeout=300, env=clean_env())
    debs = glob.glob(os.path.join(out_dir, "systemd-resolved_*.deb"))
    if p.returncode != 0 or len(debs) != 1:
        print("apt-get download systemd-resolved: %s" % p.stdout[-500:])
        return None
    return debs[0]


def install_in_container(c, deb):
    shutil.copy(deb, os.path.join(c.root, "root/resolved.deb"))
    p = sh(["systemd-nspawn", "-q", "-D", c.root, "--register=no", "--keep-unit",
            "--link-journal=no", "-M", MACHINE, "dpkg", "-i", "/root/resolved.deb"],
           timeout=300)
    print("  dpkg -i systemd-resolved in the container:", p.stdout.strip().splitlines()[-1:])


class Peer:
    """The peer namespace with veth1 and dnsmasq."""

    def __init__(self):
        self.made = False
        self.dnsmasq = None

    def make(self, tmp):
        sh(["ip", "netns", "add", PEER])
        self.made = True
        sh(["ip", "-n", NS, "link", "set", "veth1", "netns", PEER])
        sh(["ip", "-n", PEER, "addr", "add", "192.0.2.1/24", "dev", "veth1"])
        sh(["ip", "-n", PEER, "link", "set", "veth1", "up"])
        # udhcpc drops replies a veth leaves with partial checksums.
        sh(["ip", "netns", "exec", PEER, "ethtool", "-K", "veth1", "tx", "off"])
        sh(["ip", "netns", "exec", NS, "ethtool", "-K", "veth0", "tx", "off"])
        self.log = open(os.path.join(tmp, "dnsmasq.log"), "w")
        self.dnsmasq = subprocess.Popen(
            ["ip", "netns", "exec", PEER, "dnsmasq", "--no-daemon", "--conf-file=/dev/null",
             "--port=0", "--interface=veth1", "--bind-interfaces", "--dhcp-authoritative",
             "--dhcp-range=192.0.2.50,192.0.2.60,255.255.255.0,2m",
             "--dhcp-option=6,192.0.2.53,192.0.2.54", "--dhcp-option=15,corp.test",
             "--dhcp-leasefile=" + os.path.join(tmp, "dnsmasq.leases"), "--pid-file=",
             "--log-dhcp"],
            stdout=self.log, stderr=subprocess.STDOUT, env=clean_env())

    def close(self):
        if self.dnsmasq and self.dnsmasq.poll() is None:
            self.dnsmasq.send_signal(signal.SIGTERM)
            try:
                self.dnsmasq.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.dnsmasq.kill()
                self.dnsmasq.wait(timeout=10)
        if self.made:
            subprocess.run(["ip", "netns", "del", PEER], stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
            self.made = False


def link_dns(c):
    """The servers `resolvectl dns veth0` shows (after 'Link N (veth0):')."""
    out = c.run(["resolvectl", "dns", "veth0"], check_rc=False).stdout
    return out.split(":", 1)[1].split() if ":" in out else None


def link_domains(c):
    out = c.run(["resolvectl", "domain", "veth0"], check_rc=False).stdout
    return out.split(":", 1)[1].split() if ":" in out else None


def test_dns_through_resolved(c):
    c.boot()
    d = c.run(["systemctl", "is-active", "systemd-resolved.service", "ipmgmtd.service"],
              check_rc=False).stdout.split()
    eq(d, ["active", "active"], "systemd-resolved and ipmgmtd active")
    c.run(["ipadm", "create-addr", "-T", "dhcp", "-w", "30", "veth0/dh"])
    want = ["192.0.2.53", "192.0.2.54"]
    try:
        wait_for(lambda: link_dns(c) == want, timeout=20, what="resolvectl dns veth0")
    except AssertionError:
        log = c.run(["journalctl", "-b", "-u", "ipmgmtd.service", "--no-pager"],
                    check_rc=False).stdout
        raise AssertionError("resolvectl dns veth0: %r, want %r\nipmgmtd log:\n%s"
                             % (link_dns(c), want, log[-2500:]))
    eq(link_domains(c), ["corp.test"], "resolvectl domain veth0")
    print("  resolvectl dns veth0: %s; domain: %s" % (" ".join(want), "corp.test"))
    log = c.run(["journalctl", "-b", "-u", "ipmgmtd.service", "--no-pager"]).stdout
    check("learned DNS goes to systemd-resolved" in log, "sink in the log: %s" % log[-800:])
    check(not os.path.exists(os.path.join(c.root, "run/ipadm/resolv.conf")),
          "no resolv.conf of ipmgmtd's own while resolved runs")
    c.run(["ipadm", "delete-addr", "veth0/dh"])
    wait_for(lambda: link_dns(c) == [], timeout=10, what="resolvectl dns veth0 empty")
    eq(link_domains(c), [], "resolvectl domain veth0 after delete-addr")
    print("  after delete-addr: resolvectl dns veth0 empty")
    c.poweroff()


def main():
    if os.geteuid() != 0:
        print("SKIP: needs root")
        sys.exit(77)
    for tool in ("systemd-nspawn", "cpack", "dpkg", "nsenter", "apt-get", "dnsmasq"):
        if not shutil.which(tool):
            print("SKIP: %s not found (scripts/deps.sh installs it)" % tool)
            sys.exit(77)
    signal.signal(signal.SIGTERM, lambda s, f: sys.exit(128 + s))
    c = Container()
    peer = Peer()
    t0 = time.monotonic()
    failed = False
    try:
        resolved = fetch_resolved(os.path.join(c.tmp, "apt"))
        if not resolved:
            print("SKIP: systemd-resolved could not be downloaded")
            c.close()
            sys.exit(77)
        deb = build_deb(BUILD, os.path.join(c.tmp, "out"))
        c.make(deb)
        install_in_container(c, resolved)
        peer.make(c.tmp)
        test_dns_through_resolved(c)
    except Exception:  # noqa: BLE001 - report every kind of failure
        failed = True
        traceback.print_exc(file=sys.stdout)
        print("---- nspawn output (tail) ----\n" + c.read_log())
    finally:
        peer.close()
        c.close()
    print("%s test_dns_through_resolved (%.1fs)" % ("FAIL" if failed else "PASS",
                                                     time.monotonic() - t0))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
