"""The date forms seen on veterans' papers, to ISO."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from archive.text import fold

# 〇 as OCR reads it too: a circle, a letter O or Q, a zero; and a year in Chinese numerals
# read partly as digits ("200七" for 二〇〇七) is the same year.
_CN_DIGITS = (
    {c: i for i, c in enumerate("〇一二三四五六七八九")}
    | dict.fromkeys("零○OoQ", 0)
    | {str(i): i for i in range(10)}
)


@dataclass(frozen=True, slots=True)
class ParsedDate:
    year: int
    month: int
    day: int | None
    two_digit_year: bool  # "85年3月": the century is a guess the validator may revise

    def iso(self) -> str:
        if self.day is None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    def in_century(self, century: int) -> ParsedDate:
        return ParsedDate(century + self.year % 100, self.month, self.day, self.two_digit_year)


def _hanzi_number(text: str) -> int | None:
    """一九八五 -> 1985 (digit by digit); 十二 / 二十三 / 三十 -> 12 / 23 / 30."""
    if not text:
        return None
    if "十" in text:
        tens, _, units = text.partition("十")
        t = _CN_DIGITS.get(tens, -1) if tens else 1
        u = _CN_DIGITS.get(units, -1) if units else 0
        return None if t < 0 or u < 0 or len(tens) > 1 or len(units) > 1 else t * 10 + u
    digits = [_CN_DIGITS.get(c) for c in text]
    if any(d is None for d in digits):
        return None
    return int("".join(str(d) for d in digits))


def _number(text: str) -> int | None:
    return int(text) if text.isdigit() else _hanzi_number(text)


_HAN = "〇一二三四五六七八九十零○OoQ0-9"
# Year, month and optional day, separated by 年月日, dots, dashes or slashes. A year in
# Chinese numerals is written out in full (一九八五); two of them are two characters lost.
# A day follows 月 or a separator: "1983.079" is a misread, not the 9th of July.
_NUM = rf"(?:\d{{1,2}}|[{_HAN}]{{1,3}})"
_PARTS = re.compile(
    rf"^(?P<y>\d{{4}}|\d{{2}}|[{_HAN}]{{4}})[年.\-/:](?P<m>{_NUM})"
    rf"(?:月(?:(?P<d>{_NUM})日)?|[.\-/:](?P<d2>{_NUM})日?)?$"
)


# Digits whose separators OCR lost (all, or the first): "195110", "19671220", "196712.20".
_COMPACT = re.compile(r"^(?P<y>\d{4})(?P<m>\d{2})(?:[.\-/:]?(?P<d>\d{2})|[.\-/:](?P<d2>\d))?$")


def parse_date(text: str, pivot: int = 30) -> ParsedDate | None:
    """A date as printed (1985年3月, 1985.03, 1985-03-12, 一九八五年三月, 85年3月) or None.

    A two-digit year at or below ``pivot`` is read as 20yy, above it as 19yy.
    """
    folded = fold(text)
    m = _PARTS.match(folded) or _COMPACT.match(folded)
    if m is None:
        return None
    year, month = _number(m["y"]), _number(m["m"])
    day_text = m["d"] or m["d2"]
    day = _number(day_text) if day_text else None
    if year is None or month is None or not 1 <= month <= 12:
        return None
    two_digit = len(m["y"]) == 2
    if two_digit:
        year += 2000 if year <= pivot else 1900
    elif year < 1000:
        return None
    if day is not None:
        try:
            date(year, month, day)
        except ValueError:
            return None
    return ParsedDate(year, month, day, two_digit)
