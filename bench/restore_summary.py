#!/usr/bin/env python3
"""restore_summary.py RAW.tsv: median table of bench/restore.sh.

"ratio" is the row's median over the median of the floor row
("nlbench down+up (floor)") of the same family and N. "paired" is the median,
over the repetitions, of the row's time over the floor's time of the same
repetition (the two ran one after the other, so drift in machine load hits
both alike)."""
import csv, statistics, sys
FLOOR = "nlbench down+up (floor)"
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
groups = {}
for r in rows:
    groups.setdefault((r["fam"], r["n"], r["tool"]), []).append(r)
def secs(r):
    return None if r["seconds"] in ("", "NA") else float(r["seconds"])
floor, floor_rep = {}, {}
for (fam, n, tool), rs in groups.items():
    if tool == FLOOR:
        floor[(fam, n)] = statistics.median(s for s in map(secs, rs) if s is not None)
        floor_rep[(fam, n)] = {r["rep"]: secs(r) for r in rs}
print("| tool | fam | N | runs ok | min s | median s | ratio to floor | paired ratio |")
print("|---|---|---:|---:|---:|---:|---:|---:|")
for (fam, n, tool), rs in sorted(groups.items(), key=lambda k: (k[0][0], int(k[0][1]), k[0][2])):
    vals = [s for s in map(secs, rs) if s is not None]
    okc = sum(r["ok"] == "1" for r in rs)
    if not vals:
        print(f"| {tool} | v{fam} | {n} | {okc}/{len(rs)} | - | - | - | - |"); continue
    med = statistics.median(vals)
    fl = floor.get((fam, n))
    ratio = f"{med / fl:.2f}" if fl else "-"
    pr = [secs(r) / floor_rep[(fam, n)][r["rep"]] for r in rs
          if secs(r) is not None and floor_rep.get((fam, n), {}).get(r["rep"])]
    paired = f"{statistics.median(pr):.2f}" if pr and tool != FLOOR else "-"
    print(f"| {tool} | v{fam} | {n} | {okc}/{len(rs)} | {min(vals):.3f} | {med:.3f} | {ratio} | {paired} |")
