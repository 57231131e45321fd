"""Inline SVG charts for the report: no script, no fonts or files fetched at view time."""
from __future__ import annotations

from html import escape

PALETTE = {"error": "#c62828", "warning": "#ef8f00", "hint": "#8aa4b8", "budget": "#9bb7d4", "actual": "#1f5f99",
           "执行率 rate": "#1f5f99", "other": "#777"}
FONT = 'font-family="Noto Sans CJK SC, Microsoft YaHei, PingFang SC, sans-serif"'


def _fmt(v: float) -> str:
    return f"{v:,.2f}".rstrip("0").rstrip(".") if abs(v) < 1e6 else f"{v:,.0f}"


def hbar(title: str, rows: list[tuple[str, list[tuple[str, float]]]], stacked: bool = True, unit: str = "",
         width: int = 760) -> str:
    """Horizontal bars: one row per label, one segment (stacked) or one bar (grouped) per series."""
    if not rows:
        return ""
    longest = max(len(label) for label, _ in rows)
    label_w, bar_h, gap, top = min(420, 13 * min(longest, 32) + 12), 16, 10, 34
    series = []
    for _, segs in rows:
        for name, _ in segs:
            if name not in series:
                series.append(name)
    per_row = 1 if stacked else max(1, len(series))
    row_h = bar_h * per_row + gap
    totals = [sum(v for _, v in segs) if stacked else max((v for _, v in segs), default=0) for _, segs in rows]
    vmax = max(totals + [1e-9])
    plot_w = width - label_w - 80
    height = top + row_h * len(rows) + 28
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" {FONT} font-size="12">',
           f'<title>{escape(title)}</title><text x="0" y="16" font-size="14" font-weight="bold">{escape(title)}</text>']
    for i, (label, segs) in enumerate(rows):
        y = top + i * row_h
        out.append(f'<text x="{label_w - 6}" y="{y + bar_h * per_row / 2 + 4}" text-anchor="end">{escape(label if len(label) <= 32 else label[:31] + "…")}</text>')
        x = label_w
        for k, (name, v) in enumerate(segs):
            w = plot_w * v / vmax if vmax else 0
            color = PALETTE.get(name, PALETTE["other"])
            by = y if stacked else y + k * bar_h
            out.append(f'<rect x="{x:.1f}" y="{by}" width="{max(w, 0):.1f}" height="{bar_h - 2}" fill="{color}">'
                       f'<title>{escape(label)} · {escape(name)}: {_fmt(v)}{unit}</title></rect>')
            if not stacked:
                out.append(f'<text x="{x + max(w, 0) + 4:.1f}" y="{by + bar_h - 5}">{_fmt(v)}</text>')
            if stacked:
                x += w
        if stacked:
            out.append(f'<text x="{x + 4:.1f}" y="{y + bar_h - 4}">{_fmt(totals[i])}{unit}</text>')
    lx = label_w
    for name in series:
        out.append(f'<rect x="{lx}" y="{height - 16}" width="12" height="12" fill="{PALETTE.get(name, PALETTE["other"])}"/>'
                   f'<text x="{lx + 16}" y="{height - 6}">{escape(name)}</text>')
        lx += 24 + 8 * len(name)
    out.append("</svg>")
    return "".join(out)


def scatter(title: str, points: list[tuple[float, float, str, str]], x_label: str, y_labels: list[str],
            width: int = 760, height: int = 300) -> str:
    """Points (x, y index, tooltip, colour); y is categorical (e.g. grades), x numeric (score)."""
    if not points:
        return ""
    left, right, top, bottom = 60, 20, 34, 40
    xs = [p[0] for p in points]
    xmin, xmax = min(xs + [60.0]), max(xs + [100.0])
    span = (xmax - xmin) or 1
    plot_w, plot_h = width - left - right, height - top - bottom
    step = plot_h / max(1, len(y_labels))
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" {FONT} font-size="12">',
           f'<title>{escape(title)}</title><text x="0" y="16" font-size="14" font-weight="bold">{escape(title)}</text>']
    for k, lab in enumerate(y_labels):
        y = top + step * (k + 0.5)
        out.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#eee"/>'
                   f'<text x="{left - 8}" y="{y + 4:.1f}" text-anchor="end">{escape(lab)}</text>')
    for tick in range(int(xmin // 10 * 10), int(xmax) + 1, 10):
        x = left + plot_w * (tick - xmin) / span
        if left <= x <= width - right:
            out.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top}" y2="{top + plot_h}" stroke="#f2f2f2"/>'
                       f'<text x="{x:.1f}" y="{height - bottom + 16}" text-anchor="middle">{tick}</text>')
    out.append(f'<text x="{left + plot_w / 2}" y="{height - 6}" text-anchor="middle">{escape(x_label)}</text>')
    for x, yi, tip, color in points:
        px = left + plot_w * (x - xmin) / span
        py = top + step * (yi + 0.5)
        out.append(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="6" fill="{color}" fill-opacity="0.75" stroke="#333">'
                   f'<title>{escape(tip)}</title></circle>')
    out.append("</svg>")
    return "".join(out)
