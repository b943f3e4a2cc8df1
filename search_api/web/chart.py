"""The progress chart as inline SVG: drawn on the server, so it prints and needs no script."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup, escape

WIDTH, HEIGHT, PAD = 720, 260, 40


def progress_chart(figures: dict[str, Any]) -> Markup:
    """Bars: pages digitised per period; line: the pass rate (share confirmed unchanged)."""
    periods: list[dict[str, Any]] = figures["periods"][-24:]
    if not periods:
        return Markup("")
    top = max(max(p["pages"] for p in periods), 1)
    step = (WIDTH - 2 * PAD) / len(periods)
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="进度图">',
        f'<line x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH - PAD}" y2="{HEIGHT - PAD}"'
        ' class="axis"/>',
    ]
    points = []
    for i, p in enumerate(periods):
        x = PAD + i * step
        h = (HEIGHT - 2 * PAD) * p["pages"] / top
        parts.append(
            f'<rect x="{x + step * 0.15:.1f}" y="{HEIGHT - PAD - h:.1f}" width="{step * 0.7:.1f}"'
            f' height="{h:.1f}" class="bar"><title>{escape(p["period"])}：{p["pages"]} 页，'
            f"{p['files']} 份</title></rect>"
        )
        parts.append(
            f'<text x="{x + step / 2:.1f}" y="{HEIGHT - PAD + 16}" class="tick">'
            f"{escape(p['period'])}</text>"
        )
        if p["confirmed_share"] is not None:
            y = PAD + (HEIGHT - 2 * PAD) * (1 - p["confirmed_share"])
            points.append(f"{x + step / 2:.1f},{y:.1f}")
    if points:
        parts.append(f'<polyline points="{" ".join(points)}" class="rate"/>')
    parts.append(
        f'<text x="{PAD}" y="{PAD - 12}" class="legend">■ 页数（最多 {top}）　— 确认无误率</text>'
    )
    parts.append("</svg>")
    return Markup("".join(parts))
