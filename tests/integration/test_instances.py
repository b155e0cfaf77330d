#!/usr/bin/env python3
"""Several ipmgmtd instances side by side (docs/reliability.md).

Three daemons, each in its own network namespace pair with its own root
prefix (-R) and its own veth pair -- with the SAME interface names (veth0)
in each. Addresses are created in all three concurrently (one thread per
instance, started together). Each instance's show-addr shows only its own
objects, each kernel only its own addresses, each store only its own
objects; killing one instance leaves the others working, and the killed one
comes back with exactly its own state.
"""

import os
import signal
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Env, check, eq, main  # noqa: E402
import reliability_lib as rl  # noqa: E402

N = 3
PER = 12          # addresses per instance and round


def addr_of(i, j, rnd):
    """(name, local, plen) of object j of instance i in round rnd; every IPv4
    object in its own subnet."""
    if j % 3 == 2:
        return ("veth0/r%di%dn%d" % (rnd, i, j), "fd00:%d:%d::%x" % (i + 1, rnd, j + 1), 64)
    return ("veth0/r%di%dn%d" % (rnd, i, j), "10.%d.%d.1" % (i + 1, rnd * 64 + j), 24)


class Instance:
    def __init__(self, i):
        self.i = i
        self.e = Env()
        rl.open_root(self.e.root)
        rl.setup_fast_dad("veth0", self.e.ns)
        self.d = rl.Daemon(self.e.root, ns=self.e.ns, log=self.e.daemon_log)
        self.objs = {}           # name -> (local, plen, persist)
        self.errors = []

    def cli(self, *args):
        return rl.cli(self.e.root, *args, ns=self.e.ns)

    def create_many(self, rnd, barrier):
        try:
            barrier.wait(timeout=30)
            for j in range(PER):
                name, local, plen = addr_of(self.i, j, rnd)
                temp = j % 4 == 3
                rc, out, err = self.cli("create-addr", *(["-t"] if temp else []), "-T",
                                        "static", "-a", "%s/%d" % (local, plen), name)
                if rc != 0:
                    self.errors.append("instance %d: create-addr %s: %s" % (self.i, name, err))
                    continue
                self.objs[name] = (rl.norm_addr(local), plen, not temp)
            # and delete one of its own
            victim = sorted(n for n in self.objs if n.startswith("veth0/r%d" % rnd))[0]
            rc, out, err = self.cli("delete-addr", victim)
            if rc != 0:
                self.errors.append("instance %d: delete-addr %s: %s" % (self.i, victim, err))
            else:
                del self.objs[victim]
        except Exception as ex:  # noqa: BLE001
            self.errors.append("instance %d: %r" % (self.i, ex))

    def verify(self, what):
        rows = rl.show_addr(self.e.root, ns=self.e.ns)
        named = {r["addrobj"]: r for r in rows if not r["addrobj"].endswith("/?")}
        eq(set(named), set(self.objs), "%s: instance %d show-addr names" % (what, self.i))
        unnamed = [r for r in rows if r["addrobj"] == "veth0/?"]
        eq(unnamed, [], "%s: instance %d unnamed addresses on veth0" % (what, self.i))
        k = set(rl.kernel_addrs("veth0", ns=self.e.ns))
        eq(k, {(a, p) for a, p, _ in self.objs.values()},
           "%s: instance %d kernel addresses on veth0" % (what, self.i))
        for n, (a, p, _) in self.objs.items():
            eq(rl.split_addr(named[n]["addr"]), (a, p), "%s: %s ADDR" % (what, n))
            check(named[n]["state"] in ("ok", "tentative"), "%s: %s state %r"
                  % (what, n, named[n]["state"]))
        st = rl.store_snapshot(rl.store_path(self.e.root))
        eq(st["integrity"], "ok", "%s: instance %d integrity_check" % (what, self.i))
        eq(set(st["addrs"]), {n for n, v in self.objs.items() if v[2]},
           "%s: instance %d store objects" % (what, self.i))
        eq(set(st["ifs"]), {"veth0"}, "%s: instance %d store interfaces" % (what, self.i))


def run_round(insts, rnd):
    barrier = threading.Barrier(len(insts))
    ts = [threading.Thread(target=x.create_many, args=(rnd, barrier)) for x in insts]
    for t in ts:
        t.start()
    for t in ts:
        t.join(timeout=120)
    errs = [err for x in insts for err in x.errors]
    eq(errs, [], "errors of round %d" % rnd)


def test_three_instances():
    insts = [Instance(i) for i in range(N)]
    try:
        for x in insts:
            x.d.start()
            rl.cli_ok(x.e.root, "create-if", "veth0", ns=x.e.ns)
        # distinct daemons, network namespaces, sockets
        nets = {os.readlink("/proc/%d/ns/net" % x.d.pid) for x in insts}
        eq(len(nets), N, "network namespaces of the daemons")
        eq(len({x.d.sock for x in insts}), N, "sockets")

        run_round(insts, 0)
        for x in insts:
            x.e.wait_dad()
            x.verify("round 0")

        # kill one; the others keep working, concurrently
        victim = insts[1]
        k_victim = set(rl.kernel_addrs("veth0", ns=victim.e.ns))
        victim.d.kill(signal.SIGKILL)
        rc, _, err = victim.cli("show-addr")
        eq(rc, 1, "show-addr of the killed instance (stderr %r)" % err)
        others = [x for x in insts if x is not victim]
        run_round(others, 1)
        for x in others:
            x.e.wait_dad()
            x.verify("round 1, instance 1 killed")
            eq(x.d.alive(), True, "instance %d alive" % x.i)
        eq(set(rl.kernel_addrs("veth0", ns=victim.e.ns)), k_victim,
           "kernel of the killed instance while it is down")

        # the killed one comes back with exactly its own state
        victim.d.start()
        for x in insts:
            x.verify("after restarting instance 1")
        run_round(insts, 2)
        for x in insts:
            x.e.wait_dad()
            x.verify("round 2")
        for x in insts:
            eq(x.d.kill(signal.SIGTERM), 0, "instance %d exit status" % x.i)
    finally:
        for x in insts:
            if x.d.alive():
                x.d.kill()
            x.e.close()


if __name__ == "__main__":
    main([test_three_instances])
