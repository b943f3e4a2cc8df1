"""Date forms and width folding."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from archive.text import fold
from ingest.extract.normalize import parse_date
from scripts.samplegen.people import format_date, truth_date


@pytest.mark.parametrize(
    ("printed", "iso"),
    [
        ("1985年3月", "1985-03"),
        ("1985.03", "1985-03"),
        ("1985-03-12", "1985-03-12"),
        ("1985.3.12", "1985-03-12"),
        ("1985/03/12", "1985-03-12"),
        ("1952:10.01", "1952-10-01"),
        ("1985年3月12日", "1985-03-12"),
        ("一九八五年三月", "1985-03"),
        ("一九八五年十二月", "1985-12"),
        ("二〇〇八年十月", "2008-10"),
        ("二Q〇六年七月", "2006-07"),
        ("二0O六年七月", "2006-07"),
        ("200七年十二月", "2007-12"),  # 二 and 〇 read as digits
        ("85年3月", "1985-03"),
        ("05年11月", "2005-11"),
        ("１９８５年３月", "1985-03"),
        (" 1985 年 3 月 ", "1985-03"),
        ("195110", "1951-10"),  # separators lost in reading
        ("19671220", "1967-12-20"),
        ("196712.20", "1967-12-20"),
    ],
)
def test_every_printed_form_becomes_iso(printed: str, iso: str) -> None:
    parsed = parse_date(printed)
    assert parsed is not None and parsed.iso() == iso


@pytest.mark.parametrize(
    "printed",
    [
        "1985年13月",
        "1985-02-30",
        "85",
        "张三",
        "",
        "1985年",
        "十九八五年三月",
        "二O年六月",
        "1983.079",
        "1985年3月12",
        "198513",
        "1967122",
    ],
)
def test_what_is_not_a_date_is_refused(printed: str) -> None:
    assert parse_date(printed) is None


@given(
    st.dates(min_value=date(1931, 1, 1), max_value=date(2030, 12, 31)),
    st.sampled_from(["cn", "dot", "dash", "hanzi"]),
    st.booleans(),
)
def test_dates_round_trip_through_every_printed_style(d: date, style: str, with_day: bool) -> None:
    parsed = parse_date(format_date(d, style, with_day))
    assert parsed is not None and parsed.iso() == truth_date(d, style, with_day)


@given(st.dates(min_value=date(1931, 1, 1), max_value=date(2030, 12, 31)))
def test_two_digit_years_keep_the_year_in_the_century(d: date) -> None:
    parsed = parse_date(format_date(d, "short", False))
    assert parsed is not None and parsed.two_digit_year
    assert parsed.year % 100 == d.year % 100 and parsed.month == d.month
    assert parsed.in_century(d.year // 100 * 100).iso() == f"{d:%Y-%m}"


def test_fold_turns_full_width_into_half_width_and_drops_spaces() -> None:
    assert fold("５５９１９部队　（ＡＢ） ") == "55919部队(AB)"
