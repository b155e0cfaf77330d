#!/usr/bin/env python3
"""restore_plot.py RAW.tsv OUT.svg [TIMES.svg]: bench/restore.sh's ratios as a
bar chart, and (TIMES.svg) the median time of each tool against N, one line
per tool and family (IPv6 dashed), log-log.

One group of bars per (family, N); one bar per tool: the median time over
the median of the kernel floor ("nlbench down+up (floor)") of the same family
and N, on a log scale (networkd is 10-30x). Rows whose runs did not all pass
their count check are hatched (their time is not the time of a correct
result). Standard library only: the SVG is written by hand."""
import csv, math, statistics, sys

from svgplot import line_plot

FLOOR = "nlbench down+up (floor)"
COLORS = ["#4c72b0", "#dd8452", "#55a868", "#c44e52", "#8172b3", "#937860"]


def main(raw, out):
    rows = list(csv.DictReader(open(raw), delimiter="\t"))
    med, ok = {}, {}
    for r in rows:
        if r["seconds"] in ("", "NA"):
            continue
        tool = r["tool"].split(" (")[0] if r["tool"] != FLOOR else FLOOR  # "networkd (8192 = ...)"
        key = (r["fam"], int(r["n"]), tool)
        med.setdefault(key, []).append(float(r["seconds"]))
        ok[key] = ok.get(key, True) and r["ok"] == "1"
    groups = sorted({(f, n) for f, n, _ in med})
    tools = sorted({t for _, _, t in med if t != FLOOR and "reference" not in t})
    tools = [t for t in tools if not t.startswith("nlbench")] + [FLOOR]
    W, H, L, B, T = 760, 360, 60, 60, 30
    gw = (W - L - 20) / max(1, len(groups))
    bw = gw * 0.8 / max(1, len(tools))
    lo, hi = 0.25, 64.0
    y = lambda r: T + (H - T - B) * (1 - (math.log2(r) - math.log2(lo)) / (math.log2(hi) - math.log2(lo)))
    svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" font-family="sans-serif" font-size="11">',
           '<defs><pattern id="h" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
           '<line x1="0" y1="0" x2="0" y2="6" stroke="#000" stroke-width="2"/></pattern></defs>',
           f'<text x="{W/2}" y="18" text-anchor="middle" font-size="13">boot restore: time / kernel floor (log scale; hatched = some runs lost addresses)</text>']
    r = lo
    while r <= hi:
        svg.append(f'<line x1="{L}" x2="{W-20}" y1="{y(r):.1f}" y2="{y(r):.1f}" stroke="#ddd"/>'
                   f'<text x="{L-6}" y="{y(r)+4:.1f}" text-anchor="end">{r:g}x</text>')
        r *= 2
    for gi, (fam, n) in enumerate(groups):
        floor = statistics.median(med.get((fam, n, FLOOR), [float("nan")]))
        for ti, tool in enumerate(tools):
            vals = med.get((fam, n, tool))
            if not vals or not floor or math.isnan(floor):
                continue
            ratio = min(max(statistics.median(vals) / floor, lo), hi)
            x = L + gi * gw + gw * 0.1 + ti * bw
            svg.append(f'<rect x="{x:.1f}" y="{y(ratio):.1f}" width="{bw*0.9:.1f}" height="{y(lo)-y(ratio):.1f}" fill="{COLORS[ti % len(COLORS)]}"/>')
            if not ok[(fam, n, tool)]:
                svg.append(f'<rect x="{x:.1f}" y="{y(ratio):.1f}" width="{bw*0.9:.1f}" height="{y(lo)-y(ratio):.1f}" fill="url(#h)" opacity="0.5"/>')
            svg.append(f'<text x="{x+bw*0.45:.1f}" y="{y(ratio)-3:.1f}" text-anchor="middle" font-size="9">{ratio:.2f}</text>')
        svg.append(f'<text x="{L+gi*gw+gw/2:.1f}" y="{H-B+16}" text-anchor="middle">IPv{fam}, {n:,}</text>')
    for ti, tool in enumerate(tools):
        x = L + ti * 170
        svg.append(f'<rect x="{x}" y="{H-22}" width="10" height="10" fill="{COLORS[ti % len(COLORS)]}"/>'
                   f'<text x="{x+14}" y="{H-13}">{tool}</text>')
    svg.append("</svg>")
    open(out, "w").write("\n".join(svg) + "\n")


def times(raw, out):
    """Median seconds vs N per (tool, family); networkd's capped rows are
    plotted at the N they ran with (8,192)."""
    med = {}
    for r in csv.DictReader(open(raw), delimiter="\t"):
        if r["seconds"] in ("", "NA") or "reference" in r["tool"]:
            continue
        tool = r["tool"].split(" (")[0] if r["tool"] != FLOOR else "kernel floor (nlbench)"
        n = int(r["n"])
        if tool == "systemd-networkd" and "8192" in r["tool"]:
            n = 8192
        med.setdefault((tool, r["fam"]), {}).setdefault(n, []).append(float(r["seconds"]))
    tools = sorted({t for t, _ in med})
    series = [(f"{tool}, IPv{fam}", [(n, statistics.median(v)) for n, v in sorted(pts.items())],
               fam == "6", tools.index(tool)) for (tool, fam), pts in sorted(med.items())]
    line_plot(out, "boot restore: median time vs addresses", "addresses restored (log)",
              "seconds (log)", series)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
    if len(sys.argv) > 3:
        times(sys.argv[1], sys.argv[3])
