#!/usr/bin/env python3
"""serving_report.py RAW.tsv OUTDIR: bench/serving.sh's raw data as
OUTDIR/serving-summary.md (markdown tables) and two SVG plots:
  show-addr.svg       median listing time vs N (log-log), one line per tool
  rpc-throughput.svg  requests/s vs concurrent clients, ipadm and echo, per
                      address count on the interface
RAW columns: part n tool clients rep value p50_us p99_us, where value is
seconds (parts listing, restart) or requests/s (part rpc). RPC rows: medians
over the runs; ipadm / echo is the median of the runs' paired ratios. Standard library
only: the SVG is written by hand."""
import csv, os, statistics, sys

from svgplot import line_plot


def load(raw):
    data = {}
    for r in csv.DictReader(open(raw), delimiter="\t"):
        key = (r["part"], int(r["n"]), r["tool"], int(r["clients"]))
        data.setdefault(key, []).append(r)
    return data


def med(rows, field="value"):
    return statistics.median(float(r[field]) for r in rows)


def main(raw, outdir):
    d = load(raw)
    md = []
    # listings
    sizes = sorted({n for p, n, _, _ in d if p == "listing"})
    tools = ["ip -j addr show", "ipadm show-addr", "ipadm show-addr -p"]
    if sizes:
        md += ["| objects | `ip -j addr show` s | `ipadm show-addr` s | ratio | `show-addr -p -o addrobj,type,state,addr` s | ratio | runs |",
               "|---:|---:|---:|---:|---:|---:|---:|"]
        for n in sizes:
            ref = med(d[("listing", n, tools[0], 1)])
            h = med(d[("listing", n, tools[1], 1)])
            p = med(d[("listing", n, tools[2], 1)])
            md.append(f"| {n:,} | {ref:.4f} | {h:.4f} | {h / ref:.2f} | {p:.4f} | {p / ref:.2f} | {len(d[('listing', n, tools[0], 1)])} |")
        line_plot(os.path.join(outdir, "show-addr.svg"), "listing all addresses: median time vs objects",
                  "address objects (log)", "seconds (log)",
                  [(t, [(n, med(d[("listing", n, t, 1)])) for n in sizes]) for t in tools])
    # rpc
    rpc = sorted({(n, c) for p, n, _, c in d if p == "rpc"})
    if rpc:
        md += ["", "| addresses on the link | clients | echo req/s | echo p50 / p99 us | ipadm req/s | p50 / p99 us | ipadm / echo | runs |",
               "|---:|---:|---:|---:|---:|---:|---:|---:|"]
        series = []
        for n, c in rpc:
            e, i = d[("rpc", n, "echo", c)], d[("rpc", n, "ipadm", c)]
            by_rep = {r["rep"]: float(r["value"]) for r in e}
            ratio = statistics.median(float(r["value"]) / by_rep[r["rep"]] for r in i if r["rep"] in by_rep)
            md.append(f"| {n:,} | {c} | {med(e):,.0f} | {med(e, 'p50_us'):.0f} / {med(e, 'p99_us'):.0f} | "
                      f"{med(i):,.0f} | {med(i, 'p50_us'):.0f} / {med(i, 'p99_us'):.0f} | {ratio:.0%} | {len(i)} |")
        for n in sorted({n for n, _ in rpc}):
            for tool in ("echo", "ipadm"):
                series.append((f"{tool}, {n:,} addrs" if tool == "ipadm" else f"raw echo ({n:,} run)",
                               [(c, med(d[("rpc", n, tool, c)])) for nn, c in rpc if nn == n]))
        line_plot(os.path.join(outdir, "rpc-throughput.svg"), "read RPC (show-if): requests/s vs clients",
                  "concurrent clients (log)", "requests/s (log)", series)
    # restart
    for (p, n, t, c), rows in sorted(d.items()):
        if p == "restart":
            v = sorted(float(r["value"]) for r in rows)
            md += ["", "| restart | objects | runs | median s | min s | max s | kernel changes |",
                   "|---|---:|---:|---:|---:|---:|---:|",
                   f"| {t} | {n:,} | {len(v)} | {statistics.median(v):.3f} | {v[0]:.3f} | {v[-1]:.3f} | 0 (checked) |"]
    open(os.path.join(outdir, "serving-summary.md"), "w").write("\n".join(md) + "\n")
    print("\n".join(md))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
