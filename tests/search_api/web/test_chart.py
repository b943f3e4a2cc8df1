"""The progress charts: bars in proportion, the pass rate where there is one, text escaped."""

from __future__ import annotations

import re

from search_api.web.chart import progress_chart


def _period(name: str, pages: int, reviewed: int, share: float | None) -> dict[str, object]:
    return {"period": name, "pages": pages, "reviewed": reviewed, "confirmed_share": share}


def test_bars_follow_the_figures_and_the_rate_line_skips_periods_without_reviews() -> None:
    svg = str(
        progress_chart({"periods": [_period("2026-10", 50, 0, None), _period("<b>", 100, 4, 0.75)]})
    )
    assert svg.count("<svg") == 2
    heights = [float(h) for h in re.findall(r'height="([\d.]+)" class="bar"', svg)]
    assert heights[1] == 2 * heights[0] and heights[2] == 0  # pages 50:100, reviews 0:4
    assert svg.count('class="dot"') == 1 and "&lt;b&gt;" in svg and "<b>" not in svg


def test_no_periods_no_chart() -> None:
    assert str(progress_chart({"periods": []})) == ""
