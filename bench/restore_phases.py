#!/usr/bin/env python3
"""restore_phases.py STRACE FDMAP: split one `ipadm restore` request, as seen
by `strace -f -tt -T -p <ipmgmtd>`, into phases by file descriptor.

FDMAP lines are "FD TARGET" (readlink of /proc/PID/fd/*). For each class of
fd (store db, map mirror db, netlink socket, other), prints the first and
last syscall time relative to the accept() of the client, the number of
syscalls, and the time spent inside them (-T). Times are inflated by strace;
use them for proportions only."""
import re, sys
from collections import defaultdict

def cls(target):
    if target.endswith("ipadm.db"): return "store ipadm.db"
    if "ipadm.db-" in target: return "store ipadm.db (wal/journal)"
    if target.endswith("aobjmap.db"): return "map mirror aobjmap.db"
    if "aobjmap.db-" in target: return "map mirror (wal/journal)"
    if "NETLINK" in target or "netlink" in target: return "netlink"
    return target

fdmap = {}
for line in open(sys.argv[2]):
    parts = line.split(None, 1)
    if len(parts) == 2: fdmap[parts[0]] = parts[1].strip()

pat = re.compile(r'^(\d+)\s+(\d+):(\d+):(\d+\.\d+)\s+(\w+)\((\d+)?(.*?)(?:<([\d.]+)>)?$')
ev = []
for line in open(sys.argv[1]):
    m = pat.match(line.strip())
    if not m: continue
    t = int(m.group(2)) * 3600 + int(m.group(3)) * 60 + float(m.group(4))
    ev.append((t, m.group(5), m.group(6), float(m.group(8) or 0), line.strip()))
if not ev: sys.exit("no events")
# fds opened during the request: learn from openat results
for t, name, fd, dur, line in ev:
    mm = re.search(r'openat\(AT_FDCWD, "([^"]+)".*= (\d+)', line)
    if mm: fdmap.setdefault(mm.group(2), mm.group(1))
start = next((t for t, n, *_ in ev if n in ("accept4", "accept")), ev[0][0])
end = ev[-1][0]
agg = defaultdict(lambda: [None, None, 0, 0.0, defaultdict(int)])
for t, name, fd, dur, line in ev:
    if t < start: continue
    c = cls(fdmap.get(fd, "fd " + fd)) if fd is not None else "(no fd) " + name
    a = agg[c]
    a[0] = t if a[0] is None else a[0]
    a[1] = t
    a[2] += 1
    a[3] += dur
    a[4][name] += 1
print(f"request window (accept .. last syscall): {end - start:.4f} s under strace")
print("| fd class | first at s | last at s | syscalls | s inside syscalls | calls |")
print("|---|---:|---:|---:|---:|---|")
for c, (f, l, n, d, names) in sorted(agg.items(), key=lambda kv: kv[1][0]):
    top = ", ".join(f"{k} {v}" for k, v in sorted(names.items(), key=lambda kv: -kv[1])[:4])
    print(f"| {c} | {f - start:.4f} | {l - start:.4f} | {n} | {d:.4f} | {top} |")
