"""Unit designations (部队番号) in one canonical form, for extraction, catalogues and checks.

A unit is printed in many ways: 66325部队, 中国人民解放军66325部队; 第27集团军80师238团,
陆军第二十七集团军第八十师第二三八团. Extraction, a catalogue's import and an eligibility check
all read a designation with ``parse_unit``, so a catalogue row and a form's value that name
one unit compare equal however each was written.

Two kinds are understood: a unit code (番号代号, 4 or 5 digits before 部队) and a chain of
formations (集团军 / 军 / 师 / 旅 / 团 / 营 / 连), each numbered in Arabic or Chinese numerals.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from archive.text import fold

# Who the unit belongs to, printed before its designation and not part of it.
_PREFIXES = (
    "中国人民解放军",
    "中国人民武装警察部队",
    "解放军",
    "武警部队",
    "武警",
    "陆军",
    "海军",
    "空军",
)
LEVELS = ("集团军", "军", "师", "旅", "团", "营", "连")
_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "○": 0, "两": 2}
_HAN_NUMBER = "〇一二三四五六七八九十百零○两"
_NUMBER = rf"(?:\d{{1,3}}|[{_HAN_NUMBER}]{{1,5}})"
_CODE = re.compile(rf"^(?P<n>\d{{4,5}}|[{_HAN_NUMBER}]{{4,5}})部队$")
_STEP = re.compile(rf"第?(?P<n>{_NUMBER})(?P<level>集团军|军|师|旅|团|营|连)")


def chinese_number(text: str) -> int | None:
    """二十七 / 八十 / 一百二十三 (positional) or 二三八 / 八三四一 (digit by digit)."""
    if text.isdigit():
        return int(text)
    if not text or any(c not in _HAN_NUMBER for c in text):
        return None
    if "十" not in text and "百" not in text:
        return int("".join(str(_DIGITS[c]) for c in text))
    total, current = 0, 0
    for c in text:
        if c == "百":
            total, current = total + (current or 1) * 100, 0
        elif c == "十":
            total, current = total + (current or 1) * 10, 0
        elif c in ("零", "〇", "○"):
            current = 0
        else:
            current = _DIGITS[c]
    return total + current


@dataclass(frozen=True, slots=True, order=True)
class Unit:
    """A designation reduced to its parts: ``(("code", 66325),)`` for 66325部队, or the chain
    ``(("集团军", 27), ("师", 80), ("团", 238))``."""

    parts: tuple[tuple[str, int], ...]

    @property
    def key(self) -> str:
        """The canonical text: 66325部队, 第27集团军80师238团."""
        if self.parts[0][0] == "code":
            return f"{self.parts[0][1]}部队"
        head, *rest = self.parts
        return f"第{head[1]}{head[0]}" + "".join(f"{n}{level}" for level, n in rest)

    def within(self, other: Unit) -> bool:
        """This unit is ``other`` or one of its subunits (a regiment of a listed division)."""
        return self.parts[: len(other.parts)] == other.parts

    def __str__(self) -> str:
        return self.key


def parse_unit(text: str) -> Unit | None:
    """The unit ``text`` designates, or None when it is no designation of the known kinds."""
    rest = fold(text)
    stripped = True
    while stripped:
        stripped = False
        for prefix in _PREFIXES:
            if rest.startswith(prefix) and len(rest) > len(prefix):
                rest, stripped = rest[len(prefix) :], True
    code = _CODE.match(rest)
    if code:
        n = chinese_number(code["n"])
        return Unit((("code", n),)) if n is not None and n >= 1000 else None
    parts: list[tuple[str, int]] = []
    at = 0
    while at < len(rest):
        step = _STEP.match(rest, at)
        if step is None:
            return None
        n = chinese_number(step["n"])
        level = step["level"]
        # Each level at most once and in order, down the chain: 师 after 团 is no unit.
        if n is None or n == 0 or (parts and LEVELS.index(level) <= LEVELS.index(parts[-1][0])):
            return None
        parts.append((level, n))
        at = step.end()
    return Unit(tuple(parts)) if parts else None
