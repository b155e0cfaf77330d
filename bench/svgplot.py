#!/usr/bin/env python3
"""svgplot.py: the line plot of the bench scripts (serving_report.py,
restore_plot.py), written by hand as SVG. Standard library only."""
import math

COLORS = ["#4c72b0", "#dd8452", "#55a868", "#c44e52", "#8172b3", "#937860", "#da8bc3",
          "#8c8c8c"]


def line_plot(path, title, xlabel, ylabel, series, logx=True, logy=True):
    """series: [(label, [(x, y), ...])], optionally (label, points, dashed,
    color_index); y in powers of 10 when logy, x ticks at the x values given."""
    W, H, L, R, T, B = 760, 380, 70, 210, 30, 50
    xs = sorted({x for _, pts, *_ in series for x, _ in pts})
    ys = [y for _, pts, *_ in series for _, y in pts if y > 0]
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
                   f'<text x="{L - 6}" y="{py(t) + 4:.1f}" text-anchor="end">{f"{t:,.0f}" if t >= 1 else f"{t:g}"}</text>')
    for x in xs:
        out.append(f'<line x1="{px(x):.1f}" x2="{px(x):.1f}" y1="{T}" y2="{H - B}" stroke="#eee"/>'
                   f'<text x="{px(x):.1f}" y="{H - B + 14}" text-anchor="middle">{x:,}</text>')
    for i, (label, pts, *style) in enumerate(series):
        c = COLORS[(style[1] if len(style) > 1 else i) % len(COLORS)]
        dash = ' stroke-dasharray="6 4"' if style and style[0] else ""
        pts = sorted(p for p in pts if p[1] > 0)
        out.append(f'<polyline fill="none" stroke="{c}" stroke-width="2"{dash} points="' +
                   " ".join(f"{px(x):.1f},{py(y):.1f}" for x, y in pts) + '"/>')
        out += [f'<circle cx="{px(x):.1f}" cy="{py(y):.1f}" r="3" fill="{c}"/>' for x, y in pts]
        ly = T + 10 + i * 16
        out.append(f'<line x1="{W - R + 6}" x2="{W - R + 22}" y1="{ly - 3}" y2="{ly - 3}" stroke="{c}" stroke-width="2"{dash}/>'
                   f'<text x="{W - R + 24}" y="{ly + 1}">{label}</text>')
    out.append("</svg>")
    open(path, "w").write("\n".join(out) + "\n")
