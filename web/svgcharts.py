"""Small server-side charts as inline SVG (no chart library, no JavaScript).

Each function returns ``Markup`` with ``role="img"``, a ``<title>`` and an ``aria-label``; every
label is escaped. Pages show the numbers in a table next to each chart as well.
"""

from __future__ import annotations

from markupsafe import Markup

#: Colour-blind-safe palette (Okabe-Ito).
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000")


def _fmt(value: float, percent: bool) -> str:
    if percent:
        return f"{value * 100:.0f}%"
    return f"{value:g}" if value != int(value) else str(int(value))


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        if value <= step:
            return float(step)
    return float(value)


def line_chart(labels: list[str], series: list[tuple[str, list[float | None]]], *, title: str,
               percent: bool = False, width: int = 640, height: int = 240) -> Markup:
    """Lines over shared x ``labels``; ``None`` values leave a gap. ``percent``: values in 0..1."""
    left, right, top, bottom = 48, 28, 12, 44
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [v for _, vs in series for v in vs if v is not None]
    y_max = 1.0 if percent else _nice_max(max(values, default=0))
    n = max(len(labels), 1)

    def x(i):
        return left + (plot_w * (i / (n - 1)) if n > 1 else plot_w / 2)

    def y(v):
        return top + plot_h * (1 - v / y_max)

    parts = [Markup('<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" '
                    'width="{w}" height="{h}" role="img" aria-label="{t}"><title>{t}</title>')
             .format(w=width, h=height, t=title)]
    for k in range(5):  # grid and y axis labels
        v = y_max * k / 4
        parts.append(Markup('<line x1="{}" x2="{}" y1="{:.1f}" y2="{:.1f}" stroke="#e3e7ec"/>'
                            '<text x="{}" y="{:.1f}" text-anchor="end" font-size="11" fill="#5b6776">{}</text>')
                     .format(left, width - right, y(v), y(v), left - 6, y(v) + 4, _fmt(v, percent)))
    every = max(1, len(labels) // 8)
    for i, label in enumerate(labels):
        if i % every == 0 or i == len(labels) - 1:
            parts.append(Markup('<text x="{:.1f}" y="{}" text-anchor="middle" font-size="11" fill="#5b6776">{}</text>')
                         .format(x(i), height - bottom + 16, label[5:] if len(label) == 10 else label))
    for s, (name, vs) in enumerate(series):
        colour = PALETTE[s % len(PALETTE)]
        runs, run = [], []
        for i, v in enumerate(vs):
            if v is None:
                if run:
                    runs.append(run)
                run = []
            else:
                run.append((x(i), y(v)))
        if run:
            runs.append(run)
        for run in runs:
            points = " ".join(f"{px:.1f},{py:.1f}" for px, py in run)
            parts.append(Markup('<polyline fill="none" stroke="{}" stroke-width="2" points="{}"/>').format(colour, points))
            for px, py in run:
                parts.append(Markup('<circle cx="{:.1f}" cy="{:.1f}" r="2.5" fill="{}"/>').format(px, py, colour))
    legend_x = left
    for s, (name, _) in enumerate(series):  # legend under the axis labels
        colour = PALETTE[s % len(PALETTE)]
        parts.append(Markup('<rect x="{}" y="{}" width="10" height="10" fill="{}"/>'
                            '<text x="{}" y="{}" font-size="11" fill="#1c2430">{}</text>')
                     .format(legend_x, height - 14, colour, legend_x + 14, height - 5, name))
        legend_x += 24 + 7 * len(str(name))
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)


def bar_chart(items: list[tuple[str, float]], *, title: str, percent: bool = False, width: int = 640,
              bar_height: int = 20) -> Markup:
    """Horizontal bars, one per ``(label, value)``, in the given order."""
    label_w, right, gap = 220, 56, 6
    height = max(1, len(items)) * (bar_height + gap) + gap
    v_max = 1.0 if percent else _nice_max(max((v for _, v in items), default=0))
    plot_w = width - label_w - right
    parts = [Markup('<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" '
                    'width="{w}" height="{h}" role="img" aria-label="{t}"><title>{t}</title>')
             .format(w=width, h=height, t=title)]
    for i, (label, value) in enumerate(items):
        top = gap + i * (bar_height + gap)
        length = plot_w * (value / v_max) if v_max else 0
        text = str(label)
        short = text if len(text) <= 32 else text[:31] + "…"
        parts.append(Markup('<text x="{}" y="{}" text-anchor="end" font-size="12" fill="#1c2430">{}</text>'
                            '<rect x="{}" y="{}" width="{:.1f}" height="{}" fill="{}"/>'
                            '<text x="{:.1f}" y="{}" font-size="12" fill="#1c2430">{}</text>')
                     .format(label_w - 8, top + bar_height - 5, short, label_w, top, max(length, 1), bar_height,
                             PALETTE[0], label_w + length + 6, top + bar_height - 5, _fmt(value, percent)))
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)

