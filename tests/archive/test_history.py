"""Service history lines: a period and the unit of it, however the line writes them."""

from __future__ import annotations

import pytest

from archive.history import service_period


@pytest.mark.parametrize(
    ("line", "unit", "start", "end"),
    [
        ("1978.03—1981.02 66325部队 战士", "66325部队", "1978-03", "1981-02"),
        (
            "1981年3月至1985年10月在第27集团军80师238团任班长",
            "第27集团军80师238团",
            "1981-03",
            "1985-10",
        ),
        ("1978.03-1981.02　中国人民解放军66325部队", "66325部队", "1978-03", "1981-02"),
        ("1985年10月至今 陆军第二十七集团军第八十师", "第27集团军80师", "1985-10", None),
        ("１９７８．０３～１９８１．０２，６６３２５部队", "66325部队", "1978-03", "1981-02"),
    ],
)
def test_a_period_and_its_unit(line: str, unit: str, start: str, end: str | None) -> None:
    found = service_period(line)
    assert found is not None
    assert (found.unit.key, found.start.text, found.end.text if found.end else None) == (
        unit,
        start,
        end,
    )


@pytest.mark.parametrize(
    "line",
    [
        "1978年入伍",
        "1983年3月—1985年10月 某部 班长",
        "1979.02-1979.03 参加对越自卫还击作战",
        "1985.10—1981.02 66325部队",  # ends before it starts
        "王建国同志服役期间荣立个人三等功一次。",
    ],
)
def test_lines_that_state_no_period_in_a_unit(line: str) -> None:
    assert service_period(line) is None
