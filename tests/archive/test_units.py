"""Unit designations compare by their parsed form however each was printed."""

from __future__ import annotations

import pytest

from archive.units import chinese_number, parse_unit


@pytest.mark.parametrize(
    ("printed", "canonical"),
    [
        ("66325部队", "66325部队"),
        ("中国人民解放军66325部队", "66325部队"),
        ("中国人民解放军６６３２５部队", "66325部队"),
        ("第27集团军80师238团", "第27集团军80师238团"),
        ("陆军第二十七集团军第八十师第二三八团", "第27集团军80师238团"),
        ("27集团军80师238团", "第27集团军80师238团"),
        ("第十二军三十四师一〇五团", "第12军34师105团"),
        ("八三四一部队", "8341部队"),
    ],
)
def test_one_unit_however_printed(printed: str, canonical: str) -> None:
    unit = parse_unit(printed)
    assert unit is not None and unit.key == canonical


@pytest.mark.parametrize("text", ["团238", "第80师27集团军", "某部", "123部队", "第0师", "部队"])
def test_what_is_no_designation_is_refused(text: str) -> None:
    assert parse_unit(text) is None


def test_a_regiment_is_within_its_division_not_the_other_way() -> None:
    regiment, division = parse_unit("第27集团军80师238团"), parse_unit("第二十七集团军第八十师")
    assert regiment and division
    assert regiment.within(division) and not division.within(regiment)
    other = parse_unit("第27集团军81师")
    assert other and not regiment.within(other)


@pytest.mark.parametrize(
    ("text", "n"), [("二十七", 27), ("八十", 80), ("二三八", 238), ("一百二十三", 123), ("十", 10)]
)
def test_chinese_numbers(text: str, n: int) -> None:
    assert chinese_number(text) == n
