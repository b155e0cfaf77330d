#!/usr/bin/env python3
"""Crash consistency under kill -9 (reliability plan (a)1, docs/reliability.md).

At least 300 iterations on one long-lived namespace pair. In each, two client
threads issue random WRITE requests back to back (create-addr static v4/v6,
persistent or temporary, unique names and addresses; delete-addr; down-addr
and up-addr with and without -t; create-if/delete-if of a second veth) while
a timer thread SIGKILLs ipmgmtd at a random moment. The daemon is restarted
and the oracles of docs/reliability.md are checked:

  * every acknowledged change is there (kernel, show-addr, store), every
    acknowledged delete is absent everywhere;
  * the requests in flight at the kill ended in one of the allowed outcomes
    (per request kind, see docs/reliability.md), never anything else;
  * no managed address shows as IF/? unless it is the address of a create-addr
    that was in flight; store objects are all known to the map (no 'disabled'
    objects except from an in-flight request);
  * the map agrees with the kernel both ways;
  * PRAGMA integrity_check is ok on ipadm.db and aobjmap.db (read on a copy);
  * the restart itself changed no kernel address (ip -j addr right after the
    kill == right after the daemon is ready).
Objects touched by an in-flight request are then deleted (delete-addr must
succeed and remove the address) so that every iteration starts clean.

The loop runs inside the namespace (`ip netns exec NS python3 THIS --inner`)
so that every client call is a plain exec of the ipadm binary.
Environment: IPADM_CRASH_ITERATIONS (default 300), IPADM_CRASH_SEED.
"""

import collections
import ctypes
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import harness  # noqa: E402
from harness import (Env, TestFailure, check, clean_env, daemons_with_root,  # noqa: E402
                     main, run)
import reliability_lib as rl  # noqa: E402

ITERATIONS = int(os.environ.get("IPADM_CRASH_ITERATIONS", "300"))
SEED = int(os.environ.get("IPADM_CRASH_SEED", str(int(time.time()) % 100000)))
CLIENTS = 2
MAX_OBJS_PER_CLIENT = 30
MAX_DELETES_KEPT = 5000      # see Model.forget_old_deletes
KILL_DELAY = (0.0, 0.4)      # seconds after the clients start


# ====================================================================== inner

class Obj:
    __slots__ = ("name", "local", "plen", "persist", "up", "store_up", "owner")

    def __init__(self, name, local, plen, persist, owner):
        self.name, self.local, self.plen = name, local, plen
        self.persist, self.owner = persist, owner
        self.up = True
        self.store_up = True if persist else None

    def key(self):
        return (self.local, self.plen)

    def copy(self):
        o = Obj(self.name, self.local, self.plen, self.persist, self.owner)
        o.up, o.store_up = self.up, self.store_up
        return o


class Op:
    def __init__(self, kind, args, obj=None, prev=None, temp=False, owner=0):
        self.kind = kind          # create delete down up create-if delete-if
        self.args = args
        self.obj = obj            # Obj (create: the new one; others: the target)
        self.prev = prev          # state before the op (copy), or iface state
        self.temp = temp          # -t
        self.owner = owner
        self.start = self.end = None
        self.rc = None
        self.err = ""

    def name(self):
        return self.obj.name if self.obj else "veth2"

    def describe(self, t0=0.0):
        return "%s %s rc=%s t=[%+.3f,%+.3f] %s" % (
            self.kind, " ".join(self.args), self.rc, (self.start or 0) - t0,
            (self.end or 0) - t0, self.err.strip().replace("\n", " | "))


class Model:
    def __init__(self):
        self.lock = threading.Lock()
        self.objs = {}            # name -> Obj (acknowledged state)
        self.deleted = {}         # name -> (local, plen): acknowledged deletes,
                                  # the last MAX_DELETES_KEPT (insertion order)
        self.iface = None         # veth2: None | "persist" | "temp"
        self.counter = 0

    def forget_old_deletes(self):
        """Keeps the check of deletes O(1) per iteration in long loops and
        lets the 65,536 IPv4 subnets of choose_op wrap around: a delete is
        checked for MAX_DELETES_KEPT more deletes, then forgotten."""
        while len(self.deleted) >= MAX_DELETES_KEPT:
            del self.deleted[next(iter(self.deleted))]

    def next_id(self):
        with self.lock:
            self.counter += 1
            return self.counter


def choose_op(model, k, rng, busy):
    with model.lock:
        mine = [o for o in model.objs.values() if o.owner == k and o.name not in busy]
        iface = model.iface
    if k == 0 and rng.random() < 0.07:
        if iface is None:
            temp = rng.random() < 0.3
            return Op("create-if", ["create-if"] + (["-t"] if temp else []) + ["veth2"],
                      prev=None, temp=temp, owner=k)
        return Op("delete-if", ["delete-if", "veth2"], prev=iface, owner=k)
    ups = [o for o in mine if o.up]
    downs = [o for o in mine if not o.up]
    weights = {
        "create": 45 if len(mine) < MAX_OBJS_PER_CLIENT else 3,
        "delete": (8 + len(mine)) if mine else 0,
        "down": 8 if ups else 0,
        "up": 8 if downs else 0,
    }
    kind = rng.choices(list(weights), weights=list(weights.values()))[0]
    if kind == "create":
        c = model.next_id()
        v6 = rng.random() < 0.4
        persist = rng.random() < 0.65
        if v6:
            local, plen = rl.norm_addr("fd00:1::%x" % c), 64
        else:
            local, plen = "10.%d.%d.1" % ((c >> 8) & 255, c & 255), 24
        name = "veth0/k%dn%d" % (k, c)
        o = Obj(name, local, plen, persist, k)
        return Op("create", ["create-addr"] + ([] if persist else ["-t"])
                  + ["-T", "static", "-a", "%s/%d" % (local, plen), name],
                  obj=o, temp=not persist, owner=k)
    if kind == "delete":
        o = rng.choice(mine)
        return Op("delete", ["delete-addr", o.name], obj=o, prev=o.copy(), owner=k)
    o = rng.choice(ups if kind == "down" else downs)
    temp = (not o.persist) or rng.random() < 0.5
    return Op(kind, [kind + "-addr"] + (["-t"] if temp else []) + [o.name], obj=o,
              prev=o.copy(), temp=temp, owner=k)


def apply_ack(model, op):
    with model.lock:
        if op.kind == "create":
            model.objs[op.obj.name] = op.obj
        elif op.kind == "delete":
            model.objs.pop(op.obj.name, None)
            model.forget_old_deletes()
            model.deleted[op.obj.name] = op.obj.key()
        elif op.kind in ("down", "up"):
            o = model.objs[op.obj.name]
            o.up = op.kind == "up"
            if not op.temp:
                o.store_up = o.up
        elif op.kind == "create-if":
            model.iface = "temp" if op.temp else "persist"
        elif op.kind == "delete-if":
            model.iface = None


class Observed:
    """One consistent look at the three views after a restart."""

    def __init__(self, root):
        self.rows = rl.show_addr(root)
        self.ifs = rl.show_if(root)
        self.k0 = set(rl.kernel_addrs("veth0"))
        self.store = rl.store_snapshot(rl.store_path(root))
        self.vol = rl.store_snapshot(rl.volatile_path(root), with_rows=False)
        self.byname = {}
        self.dups = []
        self.unnamed = {}
        for r in self.rows:
            if r["addrobj"].endswith("/?"):
                if r["addrobj"] == "veth0/?":
                    a, p = rl.split_addr(r["addr"])
                    self.unnamed[(a, p)] = r
                continue
            if r["addrobj"] in self.byname:
                self.dups.append(r["addrobj"])
            self.byname[r["addrobj"]] = r

    def srow(self, name):
        return self.store["addrs"].get(name) if self.store else None


def check_invariants(model, obs, inflight):
    """The oracles of docs/reliability.md; returns a list of violations."""
    v = []
    st = obs.store
    if st is None:
        return ["store file missing"]
    if st["integrity"] != "ok":
        v.append("ipadm.db integrity_check: %s" % st["integrity"])
    if st["fk"]:
        v.append("ipadm.db foreign_key_check: %r" % st["fk"])
    if obs.vol is not None and obs.vol["integrity"] != "ok":
        v.append("aobjmap.db integrity_check: %s" % obs.vol["integrity"])
    if obs.dups:
        v.append("names shown twice by show-addr: %r" % obs.dups)
    fly_names = {op.obj.name for op in inflight if op.obj is not None}
    fly_addrs = {op.obj.key() for op in inflight if op.kind == "create"}
    fly_if = any(op.kind in ("create-if", "delete-if") for op in inflight)

    # acknowledged objects
    for name, o in model.objs.items():
        if name in fly_names:
            continue
        r = obs.byname.get(name)
        if r is None:
            v.append("acknowledged %s (%s/%d) missing from show-addr" % (name, o.local, o.plen))
            continue
        shown = rl.split_addr(r["addr"])
        if shown != o.key():
            v.append("%s: show-addr ADDR %r, expected %s/%d" % (name, r["addr"], o.local, o.plen))
        if o.up:
            if o.key() not in obs.k0:
                v.append("acknowledged %s is up but %s/%d is not in the kernel"
                         % (name, o.local, o.plen))
            if r["state"] not in ("ok", "tentative", "duplicate"):
                v.append("acknowledged %s (up): state %r" % (name, r["state"]))
        else:
            if o.key() in obs.k0:
                v.append("acknowledged %s is down but %s/%d is in the kernel"
                         % (name, o.local, o.plen))
            if r["state"] != "down":
                v.append("acknowledged %s (down): state %r" % (name, r["state"]))
        s = obs.srow(name)
        if o.persist:
            if s is None:
                v.append("acknowledged persistent %s missing from the store" % name)
            else:
                if (rl.norm_addr(s["local"]), s["prefixlen"]) != o.key():
                    v.append("%s: store has %s/%s" % (name, s["local"], s["prefixlen"]))
                if bool(s["up"]) != o.store_up:
                    v.append("%s: store up=%s, acknowledged %s" % (name, s["up"], o.store_up))
        elif s is not None:
            v.append("temporary %s is in the store" % name)

    # acknowledged deletes
    for name, key in model.deleted.items():
        if name in fly_names:
            continue
        if name in obs.byname:
            v.append("deleted %s is shown again (%s)" % (name, obs.byname[name]["state"]))
        if obs.srow(name) is not None:
            v.append("deleted %s is back in the store" % name)
        if key in obs.k0:
            v.append("deleted %s: %s/%d is in the kernel again" % (name, key[0], key[1]))

    # map <-> kernel, both ways (veth0)
    for name, r in obs.byname.items():
        if not name.startswith("veth0/"):
            continue
        if r["state"] in rl.KERNEL_STATES and rl.split_addr(r["addr"]) not in obs.k0:
            v.append("show-addr %s %s state %s, but the kernel does not have it"
                     % (name, r["addr"], r["state"]))
        if name not in model.objs and name not in fly_names:
            v.append("unknown object %s shown (%s)" % (name, r["state"]))
        if r["state"] == "disabled" and name not in fly_names:
            v.append("%s is 'disabled' (store without map) but no request on it was in flight"
                     % name)
    shown_keys = {rl.split_addr(r["addr"]) for n, r in obs.byname.items()
                  if n.startswith("veth0/") and r["state"] in rl.KERNEL_STATES}
    for key in obs.k0:
        if key not in shown_keys and key not in obs.unnamed:
            v.append("kernel address %s/%d on veth0 not shown by show-addr" % key)
    for key, r in obs.unnamed.items():
        if key not in fly_addrs:
            v.append("veth0/? %s/%d: a managed-range address without a name, and no "
                     "create-addr of it was in flight" % key)

    # store subset of map or disabled (only in flight)
    for name in st["addrs"]:
        if name not in obs.byname:
            v.append("store object %s not shown by show-addr" % name)
        elif name not in model.objs and name not in fly_names:
            v.append("store object %s is neither acknowledged nor in flight" % name)

    # interfaces
    if "veth0" not in st["ifs"]:
        v.append("veth0 missing from the store")
    if obs.ifs.get("veth0", {}).get("state") not in ("ok", "down"):  # down: no address
        v.append("show-if veth0: %r" % obs.ifs.get("veth0"))
    if not fly_if:
        row = obs.ifs.get("veth2")
        if model.iface is None:
            if row is not None:
                v.append("veth2 deleted but shown: %r" % row)
            if "veth2" in st["ifs"]:
                v.append("veth2 deleted but in the store")
        else:
            # "down": plumbed with no address up, as illumos says
            if row is None or row["state"] not in ("ok", "down"):
                v.append("veth2 (%s) acknowledged, show-if: %r" % (model.iface, row))
            if ("veth2" in st["ifs"]) != (model.iface == "persist"):
                v.append("veth2 (%s): in store = %s" % (model.iface, "veth2" in st["ifs"]))
            fl = rl.link_flags("veth2") or []
            if "UP" not in fl:
                v.append("veth2 (%s) acknowledged but the link is down" % model.iface)
    return v


def classify(op, obs):
    """Outcome of a request that was in flight at the kill: a label from
    docs/reliability.md, or 'VIOLATION: ...'."""
    if op.kind in ("create-if", "delete-if"):
        row = obs.ifs.get("veth2")
        in_s = "veth2" in obs.store["ifs"]
        if op.kind == "create-if":
            if row is None and not in_s:
                return "not applied"
            if row is not None and in_s and not op.temp:
                return "complete"
            if row is not None and not in_s:
                return "complete" if op.temp else "applied, store commit lost (temporary)"
            return "VIOLATION: veth2 row %r, in store %s" % (row, in_s)
        was_p = op.prev == "persist"
        if row is None and not in_s:
            return "complete"
        if row is not None and in_s == was_p:
            return ("not applied" if row["state"] in ("ok", "down")
                    else "partly (%s)" % row["state"])
        return "VIOLATION: veth2 row %r, in store %s (was %s)" % (row, in_s, op.prev)

    o = op.obj
    name = o.name
    r = obs.byname.get(name)
    in_k = o.key() in obs.k0
    s = obs.srow(name)
    state = r["state"] if r else None
    if r is not None and rl.split_addr(r["addr"]) != o.key():
        return "VIOLATION: %s shows %r, expected %s/%d" % (name, r["addr"], o.local, o.plen)
    kstate = state in ("ok", "tentative", "duplicate")
    desc = "shown=%s kernel=%s store=%s" % (state, in_k, dict(s) if s else None)

    if op.kind == "create":
        if r is None and s is None and not in_k:
            return "not applied"
        if r is None and s is None and in_k and o.key() in obs.unnamed:
            return "kernel only (IF/?)"
        if r is not None and kstate and in_k and s is None:
            return "complete" if op.temp else "kernel+map, store commit lost (temporary)"
        if r is not None and kstate and in_k and s is not None and not op.temp and s["up"] == 1:
            return "complete"
        return "VIOLATION: create %s: %s" % (name, desc)

    p = op.prev
    if op.kind == "delete":
        if r is None and s is None and not in_k:
            return "complete"
        if (s is not None) != p.persist:
            return "VIOLATION: delete %s: store row %s for persist=%s: %s" % (
                name, s is not None, p.persist, desc)
        if r is not None and p.up and kstate and in_k:
            return "not applied"
        if r is not None and not p.up and state == "down" and not in_k:
            return "not applied"
        if r is not None and p.up and state == "down" and not in_k:
            return "kernel removed, map kept"
        if r is not None and state == "disabled" and not in_k and p.persist:
            return "kernel+map removed, store kept (disabled)"
        return "VIOLATION: delete %s: %s" % (name, desc)

    # down / up
    if r is None:
        return "VIOLATION: %s %s: object vanished: %s" % (op.kind, name, desc)
    if (s is not None) != p.persist:
        return "VIOLATION: %s %s: store row %s for persist=%s" % (op.kind, name, s is not None,
                                                                 p.persist)
    want_up = op.kind == "up"
    new_store = p.store_up if op.temp else want_up
    ok_store = {p.store_up, new_store}
    if s is not None and bool(s["up"]) not in ok_store:
        return "VIOLATION: %s %s: store up=%s not in %s" % (op.kind, name, s["up"], ok_store)
    if kstate and in_k:
        return "complete" if want_up else "not applied"
    if state == "down" and not in_k:
        return "not applied" if want_up else "complete"
    return "VIOLATION: %s %s: %s" % (op.kind, name, desc)


def repair(root, model, inflight, obs):
    """Deletes what in-flight requests left, so each iteration starts from
    acknowledged state only. Returns a list of violations."""
    v = []
    for op in inflight:
        if op.kind in ("create-if", "delete-if"):
            if "veth2" in obs.ifs:
                rc, out, err = rl.cli(root, "delete-if", "veth2")
                if rc != 0:
                    v.append("repair: delete-if veth2 rc=%d %s" % (rc, err.strip()))
            with model.lock:
                model.iface = None
            continue
        o = op.obj
        if o.name in obs.byname:
            rc, out, err = rl.cli(root, "delete-addr", o.name)
            if rc != 0:
                v.append("repair: delete-addr %s after %s: rc=%d %s"
                         % (o.name, op.kind, rc, err.strip()))
            elif o.key() in rl.kernel_addrs("veth0"):
                v.append("delete-addr %s (shown %s after a kill during %s) left %s/%d in the "
                         "kernel" % (o.name, obs.byname[o.name]["state"], op.kind, o.local,
                                     o.plen))
                subprocess.run(["ip", "addr", "del", "%s/%d" % o.key(), "dev", "veth0"])
        elif o.key() in obs.unnamed:
            subprocess.run(["ip", "addr", "del", "%s/%d" % o.key(), "dev", "veth0"],
                           check=True)
        with model.lock:
            model.objs.pop(o.name, None)
            model.forget_old_deletes()
            model.deleted[o.name] = o.key()
    return v


def violation_class(msg):
    """A violation message without names and addresses, to group them."""
    msg = re.sub(r"veth0/k\d+n\d+", "NAME", msg)
    msg = re.sub(r"[0-9a-f:.]+/\d+", "ADDR", msg)
    msg = re.sub(r"\(.*", "", msg)
    return msg.strip()


def reset_world(d, root, model):
    """After a violation: start over from an empty store and kernel, so one
    finding does not cascade into the following iterations."""
    if d.alive():
        d.kill()
    for sub in ("etc", "run"):
        shutil.rmtree(os.path.join(root, sub), ignore_errors=True)
    subprocess.run(["ip", "addr", "flush", "dev", "veth0"])
    for ifn in ("veth0", "veth2"):
        subprocess.run(["ip", "link", "set", ifn, "down"])
    d.start()
    rl.cli_ok(root, "create-if", "veth0")
    with model.lock:
        model.objs.clear()
        model.deleted.clear()
        model.iface = None


def inner(cfg_path):
    with open(cfg_path) as f:
        cfg = json.load(f)
    root = cfg["root"]
    rng = random.Random(cfg["seed"])
    d = rl.Daemon(root)
    d.start()
    rl.cli_ok(root, "create-if", "veth0")
    model = Model()
    stats = collections.Counter()
    outcomes = collections.Counter()
    violations = collections.Counter()    # class -> count
    examples = {}                         # class -> first full report
    t_start = time.monotonic()
    try:
        for it in range(cfg["iterations"]):
            ops = []
            ops_lock = threading.Lock()
            killed = threading.Event()
            kill_at = [None]
            busy = set()
            delay = rng.uniform(*KILL_DELAY)
            crng = [random.Random(rng.random()) for _ in range(CLIENTS)]

            def client(k):
                r = crng[k]
                while not killed.is_set():
                    op = choose_op(model, k, r, busy)
                    op.start = time.monotonic()
                    op.rc, _, op.err = rl.cli(root, *op.args)
                    op.end = time.monotonic()
                    with ops_lock:
                        ops.append(op)
                    if op.rc == 0:
                        apply_ack(model, op)
                    elif not killed.is_set():
                        # a failure while the daemon is alive: must not be
                        # a crash artefact; checked below
                        pass

            def killer():
                time.sleep(delay)
                kill_at[0] = time.monotonic()
                os.kill(d.pid, signal.SIGKILL)
                killed.set()

            threads = [threading.Thread(target=client, args=(k,), daemon=True)
                       for k in range(CLIENTS)]
            kt = threading.Thread(target=killer, daemon=True)
            for t in threads:
                t.start()
            kt.start()
            kt.join()
            for t in threads:
                t.join()
            d.proc.wait()
            if d.proc in harness._live_procs:
                harness._live_procs.remove(d.proc)
            t_kill = kill_at[0]
            k_before = {ifn: set(rl.kernel_addrs(ifn)) for ifn in ("veth0", "veth2")}
            l_before = {ifn: "UP" in (rl.link_flags(ifn) or []) for ifn in ("veth0", "veth2")}

            d.start()
            k_after = {ifn: set(rl.kernel_addrs(ifn)) for ifn in ("veth0", "veth2")}
            l_after = {ifn: "UP" in (rl.link_flags(ifn) or []) for ifn in ("veth0", "veth2")}

            acked = [op for op in ops if op.rc == 0]
            failed = [op for op in ops if op.rc != 0 and op.end < t_kill]
            inflight = [op for op in ops if op.rc != 0 and op.end >= t_kill]
            stats["iterations"] += 1
            stats["requests"] += len(ops)
            stats["acknowledged"] += len(acked)
            stats["in flight at the kill"] += len(inflight)
            mid = [op for op in inflight if op.start < t_kill]
            if mid:
                stats["kills mid-request"] += 1
            reached = [op for op in inflight if "receive" in op.err]
            stats["in-flight requests that had reached the daemon"] += len(reached)

            v = []
            for op in failed:
                v.append("request failed while the daemon was alive: " + op.describe(t_kill))
            for ifn in ("veth0", "veth2"):
                if k_before[ifn] != k_after[ifn]:
                    v.append("restart changed the kernel addresses of %s: removed %s, added %s"
                             % (ifn, sorted(k_before[ifn] - k_after[ifn]),
                                sorted(k_after[ifn] - k_before[ifn])))
                if l_before[ifn] != l_after[ifn]:
                    v.append("restart changed link UP of %s: %s -> %s"
                             % (ifn, l_before[ifn], l_after[ifn]))
            obs = Observed(root)
            v += check_invariants(model, obs, inflight)
            for op in inflight:
                label = classify(op, obs)
                fam = "" if op.obj is None else (" v6" if ":" in op.obj.local else " v4")
                outcomes["%s%s: %s" % (op.kind, fam, label.split(":")[0] if label.startswith(
                    "VIOLATION") else label)] += 1
                if label.startswith("VIOLATION"):
                    v.append("in flight %s -> %s" % (op.describe(t_kill), label))
            if not v:
                v += repair(root, model, inflight, obs)
            if v:
                stats["iterations with violations"] += 1
                msg = ["iteration %d (seed %d, kill after %.3fs): %d violation(s)"
                       % (it, cfg["seed"], delay, len(v))]
                msg += ["  " + x for x in v]
                msg.append("  requests of this iteration (times relative to the kill):")
                msg += ["    " + op.describe(t_kill) for op in sorted(ops, key=lambda o: o.start)]
                msg.append("  show-addr: %r" % [(r["addrobj"], r["state"], r["addr"])
                                               for r in obs.rows])
                msg.append("  kernel veth0: %r" % sorted(obs.k0))
                for x in v:
                    cls = violation_class(x)
                    violations[cls] += 1
                    if cls not in examples:
                        examples[cls] = "\n".join(msg)
                print("\n".join(msg[:1 + len(v)]))
                sys.stdout.flush()
                reset_world(d, root, model)
        stats["final SIGTERM exit status"] = d.kill(signal.SIGTERM)
        check(stats["final SIGTERM exit status"] == 0, "exit status after SIGTERM")
    finally:
        if d.alive():
            d.kill()
        stats["seconds"] = round(time.monotonic() - t_start, 1)
        with open(cfg["summary"], "w") as f:
            json.dump({"stats": stats, "outcomes": outcomes, "seed": cfg["seed"],
                       "violations": violations, "examples": examples}, f,
                      indent=1, sort_keys=True)


# ====================================================================== outer

def die_with_parent():
    """In the child before exec: SIGTERM when this test process dies (e.g.
    killed by a ctest timeout), so the inner loop stops and kills its daemon."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(1, signal.SIGTERM)   # PR_SET_PDEATHSIG

def run_loop(iterations, seed, timeout=1200):
    """One crash loop of `iterations` iterations in a fresh namespace pair;
    prints the per-violation reports and the outcome table, returns
    (exit status of the inner loop, summary dict). Used by test_crash_loop
    and by tests/soak/kill_loop.py (the long SIGKILL loop)."""
    with Env() as e:
        rl.open_root(e.root)
        run(["ip", "-n", e.ns, "link", "add", "veth2", "type", "veth", "peer", "name", "veth3"])
        run(["ip", "-n", e.ns, "link", "set", "veth3", "up"])
        rl.setup_fast_dad("veth0", e.ns)
        cfg = os.path.join(e.root, "crash-loop.json")
        summary = os.path.join(e.root, "crash-loop-summary.json")
        with open(cfg, "w") as f:
            json.dump({"root": e.root, "iterations": iterations, "seed": seed,
                       "summary": summary}, f)
        print("crash loop: %d iterations, seed %d" % (iterations, seed))
        sys.stdout.flush()
        try:
            p = subprocess.run(["ip", "netns", "exec", e.ns, sys.executable,
                                os.path.abspath(__file__), "--inner", cfg],
                               timeout=timeout, env=clean_env(), preexec_fn=die_with_parent)
        finally:
            for pid in daemons_with_root(e.root):   # only if the inner loop died
                os.kill(pid, signal.SIGKILL)
        s = {"stats": {}, "violations": {}, "outcomes": {}}
        if os.path.exists(summary):
            with open(summary) as f:
                s = json.load(f)
            print("summary: " + ", ".join("%s %s" % (k, v) for k, v in
                                          sorted(s["stats"].items())))
            print("in-flight outcomes:")
            for k, n in sorted(s["outcomes"].items()):
                print("  %5d  %s" % (n, k))
            if s["violations"]:
                print("VIOLATIONS (class: count; first example below):")
                for k, n in sorted(s["violations"].items()):
                    print("  %5d  %s" % (n, k))
                for k, ex in sorted(s["examples"].items()):
                    print("---- first example of: %s\n%s" % (k, ex))
        if p.returncode != 0:
            sys.stdout.write("---- ipmgmtd log tail ----\n")
            try:
                with open(os.path.join(e.root, "ipmgmtd.log")) as f:
                    sys.stdout.write(f.read()[-3000:])
            except OSError:
                pass
        return p.returncode, s


def test_crash_loop():
    rc, s = run_loop(ITERATIONS, SEED)
    check(rc == 0, "crash loop failed (seed %d)" % SEED)
    stats = s["stats"]
    check(stats["iterations"] >= ITERATIONS, "only %d iterations" % stats["iterations"])
    if s["violations"]:
        raise TestFailure("%d violation(s) in %d iteration(s) (seed %d)"
                          % (sum(s["violations"].values()),
                             stats.get("iterations with violations", 0), SEED))


def test_delete_keeps_other_objects():
    """Why the loop gives every IPv4 object a subnet of its own: removing one
    object's address must not remove another acknowledged object's address.
    Linux deletes all secondary addresses of a subnet together with the
    primary unless net.ipv4.conf.IF.promote_secondaries=1."""
    with Env() as e:
        rl.open_root(e.root)
        d = rl.Daemon(e.root, ns=e.ns, log=e.daemon_log)
        d.start()
        rl.cli_ok(e.root, "create-if", "veth0", ns=e.ns)
        for verb in ("delete-addr", "down-addr"):
            rl.cli_ok(e.root, "create-addr", "-T", "static", "-a", "192.0.2.10/24", "veth0/p",
                      ns=e.ns)
            rl.cli_ok(e.root, "create-addr", "-T", "static", "-a", "192.0.2.11/24", "veth0/s",
                      ns=e.ns)
            rl.cli_ok(e.root, verb, "veth0/p", ns=e.ns)
            rows = {r["addrobj"]: r for r in rl.show_addr(e.root, ns=e.ns)}
            k = set(rl.kernel_addrs("veth0", ns=e.ns))
            check(("192.0.2.11", 24) in k and rows.get("veth0/s", {}).get("state") == "ok",
                  "%s veth0/p (192.0.2.10/24, primary) also removed veth0/s (192.0.2.11/24): "
                  "kernel has it: %s, show-addr veth0/s: %r"
                  % (verb, ("192.0.2.11", 24) in k, rows.get("veth0/s")))
            for n in ("veth0/p", "veth0/s"):
                rl.cli(e.root, "delete-addr", n, ns=e.ns)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--inner":
        try:
            inner(sys.argv[2])
        except Exception:  # noqa: BLE001
            traceback.print_exc(file=sys.stdout)
            sys.exit(1)
        sys.exit(0)
    main([test_crash_loop, test_delete_keeps_other_objects])
