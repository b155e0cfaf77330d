#!/usr/bin/env python3
"""Load: N concurrent clients (default 256) doing mixed reads and writes for
D seconds (default 60) against a real ipmgmtd in its own network namespace,
then checks that every acknowledged change is the final state and that the
store, the daemon's map and the kernel agree.

Each client is a thread running the real `ipadm` CLI back to back on its
own address objects (veth0/cIkK, one /32 each): create-addr (70 %
persistent, 30 % -t), delete-addr, down-addr/up-addr, and reads (show-addr,
show-if, show-addr of one object, export). Any non-zero exit is an error.

Final oracles:
  acked   what the clients' acknowledged requests leave, per object
  map     `ipadm show-addr -p -o addrobj,addr,state,persistent`
  kernel  `ip -n NS -j addr show dev veth0` (IPv4, global)
  store   `ipadm export` (address objects)
  acked == map (address, up/down); kernel == addresses of the map's
  objects that are up; store == the acked persistent objects.

Usage: tests/soak/load.py [--clients N] [--duration S]   (root)
One line of result; exit status 0 pass, 1 fail, 77 not root."""

import argparse
import os
import random
import re
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
import harness  # noqa: E402
from harness import IPADM, Env  # noqa: E402


def addr_of(i, k):
    return "10.%d.%d.%d" % (i, (k // 250) % 250, k % 250 + 1)


class Client(threading.Thread):
    def __init__(self, i, root, stop, seed):
        super().__init__(daemon=True)
        self.i, self.root, self.stop, self.rng = i, root, stop, random.Random(seed + i)
        self.live = {}        # aobj -> [addr, persistent, up]
        self.k = 0
        self.requests = 0
        self.errors = []

    def ipadm(self, *args):
        p = subprocess.run([IPADM, "-R", self.root] + list(args), stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True, env=harness.clean_env())
        self.requests += 1
        if p.returncode != 0:
            self.errors.append("client %d: ipadm %s: rc %d: %s"
                               % (self.i, " ".join(args), p.returncode, p.stderr.strip()))
        return p.returncode == 0

    def run(self):
        while not self.stop.is_set():
            r = self.rng.random()
            if r < 0.25 or not self.live:
                if len(self.live) >= 4:
                    continue
                self.k += 1
                aobj, a = "veth0/c%dk%d" % (self.i, self.k), addr_of(self.i, self.k)
                persist = self.rng.random() < 0.7
                args = ["create-addr"] + ([] if persist else ["-t"]) + \
                       ["-T", "static", "-a", a + "/32", aobj]
                if self.ipadm(*args):
                    self.live[aobj] = [a, persist, True]
            elif r < 0.40:
                aobj = self.rng.choice(sorted(self.live))
                if self.ipadm("delete-addr", aobj):
                    del self.live[aobj]
            elif r < 0.50:
                aobj = self.rng.choice(sorted(self.live))
                o = self.live[aobj]
                # -t for a temporary object (a persistent down/up on it is refused)
                t = [] if o[1] else ["-t"]
                verb = "down-addr" if o[2] else "up-addr"
                if self.ipadm(verb, *t, aobj):
                    o[2] = not o[2]
            elif r < 0.70:
                self.ipadm("show-addr")
            elif r < 0.85:
                self.ipadm("show-if")
            elif r < 0.97:
                self.ipadm("show-addr", self.rng.choice(sorted(self.live)))
            else:
                self.ipadm("export")


def final_check(e, clients):
    """Returns a list of mismatches (empty = consistent)."""
    bad = []
    acked = {}
    for c in clients:
        for aobj, (a, persist, up) in c.live.items():
            acked[aobj] = (a, up)
    rc, out, err = e.ipadm("show-addr", "-p", "-o", "addrobj,addr,state,persistent")
    if rc != 0:
        return ["show-addr: %s" % err]
    shown = {}
    for line in out.splitlines():
        f = harness.split_parsable(line)
        if len(f) == 4 and f[0].startswith("veth0/c"):
            shown[f[0]] = (f[1].split("/")[0], f[2] != "down")
    if shown != acked:
        missing = sorted(set(acked) - set(shown))[:5]
        extra = sorted(set(shown) - set(acked))[:5]
        diff = sorted(k for k in set(acked) & set(shown) if acked[k] != shown[k])[:5]
        bad.append("map != acked: missing %s extra %s differ %s"
                   % (missing, extra, [(k, acked[k], shown[k]) for k in diff]))
    kernel = {a["local"] for a in e.addr_info("veth0")
              if a["family"] == "inet" and a["local"].startswith("10.")}
    want = {a for a, up in shown.values() if up}
    if kernel != want:
        bad.append("kernel != map: only kernel %s, only map %s"
                   % (sorted(kernel - want)[:5], sorted(want - kernel)[:5]))
    rc, out, err = e.ipadm("export")
    if rc != 0:
        return bad + ["export: %s" % err]
    stored = set(re.findall(r"_aobjname=(veth0/c\d+k\d+);_ipv4addr", out))
    want_store = {aobj for c in clients for aobj, (_, persist, _) in c.live.items() if persist}
    if stored != want_store:
        bad.append("store != acked: only store %s, only acked %s"
                   % (sorted(stored - want_store)[:5], sorted(want_store - stored)[:5]))
    return bad


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--clients", type=int, default=256)
    ap.add_argument("--duration", type=float, default=60.0)
    ap.add_argument("--seed", type=int, default=int(time.time()))
    o = ap.parse_args()
    if os.geteuid() != 0:
        print("load: SKIP (needs root)")
        return 77
    with Env() as e:
        e.start_daemon(extra=["-u", "nobody"])
        e.ipadm_ok("create-if", "veth0")
        stop = threading.Event()
        clients = [Client(i, e.root, stop, o.seed) for i in range(o.clients)]
        t0 = time.monotonic()
        for c in clients:
            c.start()
        time.sleep(o.duration)
        stop.set()
        for c in clients:
            c.join()
        dt = time.monotonic() - t0
        reqs = sum(c.requests for c in clients)
        errors = [x for c in clients for x in c.errors]
        alive = e.daemon.poll() is None
        bad = final_check(e, clients) if alive else ["daemon died"]
        objs = sum(len(c.live) for c in clients)
        ok = not errors and not bad and alive
        print("load: %d clients %.0f s (seed %d): %d requests (%.0f/s), %d errors, "
              "%d objects at the end, acked == map == kernel, store == acked: %s -> %s"
              % (o.clients, dt, o.seed, reqs, reqs / dt, len(errors), objs,
                 "yes" if not bad else "NO", "PASS" if ok else "FAIL"))
        for x in errors[:10] + bad:
            print("  " + x)
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
