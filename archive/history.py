"""Service history (服役经历): the lines of appraisals and registration forms that give a
period and the unit served in then ("1978.03—1981.02 66325部队 战士", "1981年3月至1985年10月
在第27集团军80师238团任班长"). A file whose person was transferred or re-enlisted names more
than one unit; the overlap check needs each with its own dates.

Found by what a line says, not by the label above it: any line that reads as a period
followed by a unit designation ``archive.units`` understands is one. Pure: lines in,
periods out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from archive.catalogues import Period, period
from archive.text import fold
from archive.units import Unit, parse_unit

_DATE = r"\d{4}(?:[.\-/年]\d{1,2}(?:月|[.\-/]\d{1,2}日?|月\d{1,2}日)?)?年?"
_LINE = re.compile(
    rf"(?P<start>{_DATE})\s*(?:[—\-－~～]*\s*(?P<now>至今)|(?:[—\-－~～至到]+)\s*(?P<end>{_DATE}))"
    r"\s*[，,：:]?\s*在?(?P<rest>.+)"
)
# Where a unit designation may end: the longest prefix of the rest that parses is the unit.
_UNIT_END = re.compile(r"(?:部队|集团军|军|师|旅|团|营|连)")


@dataclass(frozen=True, slots=True)
class ServicePeriod:
    unit_text: str
    unit: Unit
    start: Period
    end: Period | None  # None: 至今, or the line gave no end


def _unit_at_start(rest: str) -> tuple[str, Unit] | None:
    ends = [m.end() for m in _UNIT_END.finditer(rest)]
    for end in reversed(ends):
        unit = parse_unit(rest[:end])
        if unit is not None:
            return rest[:end], unit
    return None


def service_period(line: str) -> ServicePeriod | None:
    """The period and unit one line states, or None when it states none."""
    m = _LINE.search(fold(line))
    if m is None:
        return None
    start = period(m["start"].rstrip("年"))
    end = period(m["end"].rstrip("年")) if m["end"] else None
    if start is None or (m["now"] is None and end is None):
        return None
    if end is not None and start.first > end.last:
        return None
    found = _unit_at_start(m["rest"])
    if found is None:
        return None
    return ServicePeriod(found[0], found[1], start, end)
