#!/usr/bin/env python3
"""restore_summary.py RAW.tsv: median table of bench/restore.sh, ratio to the nlbench floor of the same family and N."""
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
groups = {}
for r in rows:
    groups.setdefault((r["fam"], r["n"], r["tool"]), []).append(r)
floor = {}
for (fam, n, tool), rs in groups.items():
    if tool.startswith("nlbench"):
        floor[(fam, n)] = statistics.median(float(r["seconds"]) for r in rs)
print("| tool | fam | N | runs ok | min s | median s | ratio to floor |")
print("|---|---|---:|---:|---:|---:|---:|")
for (fam, n, tool), rs in sorted(groups.items(), key=lambda k: (k[0][0], int(k[0][1]), k[0][2])):
    vals = [float(r["seconds"]) for r in rs if r["seconds"] not in ("", "NA")]
    okc = sum(r["ok"] == "1" for r in rs)
    if not vals:
        print(f"| {tool} | v{fam} | {n} | {okc}/{len(rs)} | - | - | - |"); continue
    med = statistics.median(vals)
    fl = floor.get((fam, n))
    ratio = f"{med / fl:.2f}" if fl else "-"
    print(f"| {tool} | v{fam} | {n} | {okc}/{len(rs)} | {min(vals):.3f} | {med:.3f} | {ratio} |")
