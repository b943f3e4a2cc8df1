"""The progress charts as inline SVG: drawn on the server, so they print and need no script."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup, escape

WIDTH, HEIGHT, PAD = 720, 220, 40


def _bars(periods: list[dict[str, Any]], key: str, unit: str, title: str, rate: bool) -> str:
    top = max(max(p[key] for p in periods), 1)
    step = (WIDTH - 2 * PAD) / len(periods)
    base = HEIGHT - PAD
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{title}">',
        f'<line x1="{PAD}" y1="{base}" x2="{WIDTH - PAD}" y2="{base}" class="axis"/>',
        f'<text x="{PAD}" y="{PAD - 14}" class="legend">■ {title}（最多 {top}{unit}）'
        + ("　— 确认无误率（0–100%）" if rate else "")
        + "</text>",
    ]
    points = []
    for i, p in enumerate(periods):
        x = PAD + i * step
        h = (HEIGHT - 2 * PAD) * p[key] / top
        label = escape(p["period"])
        parts.append(
            f'<rect x="{x + step * 0.15:.1f}" y="{base - h:.1f}" width="{step * 0.7:.1f}"'
            f' height="{h:.1f}" class="bar"><title>{label}：{p[key]}{unit}</title></rect>'
            f'<text x="{x + step / 2:.1f}" y="{base + 16}" class="tick">{label}</text>'
        )
        if rate and p["confirmed_share"] is not None:
            y = PAD + (HEIGHT - 2 * PAD) * (1 - p["confirmed_share"])
            points.append(f"{x + step / 2:.1f},{y:.1f}")
            parts.append(f'<circle cx="{x + step / 2:.1f}" cy="{y:.1f}" r="3" class="dot"/>')
    if points:
        parts.append(f'<polyline points="{" ".join(points)}" class="rate"/>')
    parts.append("</svg>")
    return "".join(parts)


def progress_chart(figures: dict[str, Any]) -> Markup:
    """Pages digitised per period; fields reviewed per period with the pass rate."""
    periods: list[dict[str, Any]] = figures["periods"][-24:]
    if not periods:
        return Markup("")
    return Markup(
        _bars(periods, "pages", " 页", "数字化页数", rate=False)
        + _bars(periods, "reviewed", " 个", "已复核字段", rate=True)
    )
