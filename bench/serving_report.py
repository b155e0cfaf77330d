#!/usr/bin/env python3
"""serving_report.py RAW.tsv OUTDIR: bench/serving.sh's raw data as
OUTDIR/serving-summary.md (markdown tables) and two SVG plots:
  show-addr.svg       median listing time vs N (log-log), one line per tool
  rpc-throughput.svg  requests/s vs concurrent clients, ipadm and echo, per
                      address count on the interface
RAW columns: part n tool clients rep value p50_us p99_us, where value is
seconds (parts listing, restart) or requests/s (part rpc). Standard library
only: the SVG is written by hand."""
import csv, math, os, statistics, sys

COLORS = ["#4c72b0", "#dd8452", "#55a868", "#c44e52", "#8172b3", "#937860"]


def load(raw):
    data = {}
    for r in csv.DictReader(open(raw), delimiter="\t"):
        key = (r["part"], int(r["n"]), r["tool"], int(r["clients"]))
        data.setdefault(key, []).append(r)
    return data


def med(rows, field="value"):
    return statistics.median(float(r[field]) for r in rows)


def line_plot(path, title, xlabel, ylabel, series, logx=True, logy=True):
    """series: [(label, [(x, y), ...])]; log axes in powers of 10 (y) / the x values."""
    W, H, L, R, T, B = 720, 380, 70, 170, 30, 50
    xs = sorted({x for _, pts in series for x, _ in pts})
    ys = [y for _, pts in series for _, y in pts if y > 0]
    if not xs or not ys:
        return
    f = (lambda v: math.log10(v)) if logy else (lambda v: v)
    ylo, yhi = (math.floor(f(min(ys))), math.ceil(f(max(ys)))) if logy else (0, max(ys) * 1.1)
    if ylo == yhi:
        yhi += 1
    gx = (lambda v: math.log10(v)) if logx else (lambda v: v)
    xlo, xhi = gx(xs[0]), gx(xs[-1])
    if xlo == xhi:
        xhi += 1
    px = lambda x: L + (W - L - R) * (gx(x) - xlo) / (xhi - xlo)
    py = lambda y: T + (H - T - B) * (1 - (f(y) - ylo) / (yhi - ylo))
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" font-family="sans-serif" font-size="11">',
           f'<rect width="{W}" height="{H}" fill="#fff"/>',
           f'<text x="{(W - R + L) / 2}" y="18" text-anchor="middle" font-size="13">{title}</text>',
           f'<text x="{(W - R + L) / 2}" y="{H - 8}" text-anchor="middle">{xlabel}</text>',
           f'<text x="14" y="{(H - B + T) / 2}" text-anchor="middle" transform="rotate(-90 14 {(H - B + T) / 2})">{ylabel}</text>']
    ticks = [10 ** e for e in range(ylo, yhi + 1)] if logy else [yhi * i / 5 for i in range(6)]
    for t in ticks:
        out.append(f'<line x1="{L}" x2="{W - R}" y1="{py(t):.1f}" y2="{py(t):.1f}" stroke="#ddd"/>'
                   f'<text x="{L - 6}" y="{py(t) + 4:.1f}" text-anchor="end">{t:g}</text>')
    for x in xs:
        out.append(f'<line x1="{px(x):.1f}" x2="{px(x):.1f}" y1="{T}" y2="{H - B}" stroke="#eee"/>'
                   f'<text x="{px(x):.1f}" y="{H - B + 14}" text-anchor="middle">{x:,}</text>')
    for i, (label, pts) in enumerate(series):
        c = COLORS[i % len(COLORS)]
        pts = sorted(p for p in pts if p[1] > 0)
        out.append(f'<polyline fill="none" stroke="{c}" stroke-width="2" points="' +
                   " ".join(f"{px(x):.1f},{py(y):.1f}" for x, y in pts) + '"/>')
        out += [f'<circle cx="{px(x):.1f}" cy="{py(y):.1f}" r="3" fill="{c}"/>' for x, y in pts]
        ly = T + 10 + i * 16
        out.append(f'<rect x="{W - R + 10}" y="{ly - 8}" width="10" height="10" fill="{c}"/>'
                   f'<text x="{W - R + 24}" y="{ly + 1}">{label}</text>')
    out.append("</svg>")
    open(path, "w").write("\n".join(out) + "\n")


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
        md += ["", "| addresses on the link | clients | echo req/s | echo p50 / p99 us | ipadm req/s | p50 / p99 us | ipadm / echo |",
               "|---:|---:|---:|---:|---:|---:|---:|"]
        series = []
        for n, c in rpc:
            e, i = d[("rpc", n, "echo", c)][0], d[("rpc", n, "ipadm", c)][0]
            md.append(f"| {n:,} | {c} | {float(e['value']):,.0f} | {e['p50_us']} / {e['p99_us']} | "
                      f"{float(i['value']):,.0f} | {i['p50_us']} / {i['p99_us']} | {float(i['value']) / float(e['value']):.0%} |")
        for n in sorted({n for n, _ in rpc}):
            for tool in ("echo", "ipadm"):
                series.append((f"{tool}, {n:,} addrs" if tool == "ipadm" else f"raw echo ({n:,} run)",
                               [(c, float(d[("rpc", n, tool, c)][0]["value"])) for nn, c in rpc if nn == n]))
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
