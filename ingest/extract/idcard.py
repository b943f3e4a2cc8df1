"""Resident ID numbers (GB 11643-1999): check digit, embedded birth date and gender, repair."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from archive.idnumber import check_char
from archive.text import DIGIT_LOOKALIKES, fold

# A letter read in an ID number (archive.text.DIGIT_LOOKALIKES) shows where the error is, and
# the check digit then picks the one digit it stood for. A digit misread as another digit could
# be at any of 18 places, and some other single change passes the check as often as the true
# one does: such a digit is only changed where something else shows its place (see ``repair``).


# The first two digits name the province (GB/T 2260); 81-83: Hong Kong, Macao and Taiwan.
_PROVINCE_CODES = (*range(11, 16), *range(21, 24), *range(31, 38), *range(41, 47), *range(50, 55))
PROVINCES = frozenset(str(code) for code in (*_PROVINCE_CODES, *range(61, 66), 71, 81, 82, 83))


def clean(text: str) -> str:
    """Width folded, spaces removed, a lower-case or multiplication-sign X made upper-case."""
    return fold(text).replace("x", "X").replace("×", "X")


def birth_date(number: str) -> date | None:
    try:
        return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None


def gender(number: str) -> str:
    return "男" if int(number[16]) % 2 else "女"


def problems(number: str) -> list[str]:
    """Why ``number`` is not a valid 18-character ID number; empty when it is."""
    if len(number) != 18:
        return [f"长度为{len(number)}，应为18位"]
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        return ["含有数字以外的字符"]
    found = []
    if number[:2] not in PROVINCES:
        found.append(f"地区码{number[:2]}不是省级行政区代码")
    if birth_date(number) is None:
        found.append("出生日期段无效")
    if check_char(number[:17]) != number[17]:
        found.append("校验位不符")
    return found


def is_valid(number: str) -> bool:
    return not problems(number)


@dataclass(frozen=True, slots=True)
class Repair:
    value: str
    position: int  # 0-based
    read: str  # the character as read
    replaced_by: str


def _changes(number: str, born: str | None) -> list[tuple[int, str]]:
    """Single changes worth trying: a look-alike letter to the digit it stands for; a digit of
    a province code that names no province; the one digit of the birth segment that differs
    from the birth date read elsewhere (``born``: 1977-07 or 1977-07-12)."""
    changes = []
    for i, ch in enumerate(number):
        allowed = "0123456789X" if i == 17 else "0123456789"
        changes += [(i, c) for c, looks in DIGIT_LOOKALIKES.items() if ch in looks and c in allowed]
    if number[:2].isdigit() and number[:2] not in PROVINCES:
        changes += [(i, c) for i in (0, 1) for c in "0123456789" if c != number[i]]
    if born:
        segment = born.replace("-", "")
        differ = [i for i, c in enumerate(segment, start=6) if number[i] != c]
        if len(differ) == 1:
            changes.append((differ[0], segment[differ[0] - 6]))
    return changes


def repair(
    number: str, accept: Callable[[str], bool] | None = None, born: str | None = None
) -> list[Repair]:
    """Every single change among ``_changes`` that makes ``number`` a valid ID; ``accept``
    adds the checks from the other fields (birth date, gender)."""
    if len(number) != 18:
        return []
    found = {}
    for i, c in _changes(number, born):
        candidate = number[:i] + c + number[i + 1 :]
        if is_valid(candidate) and (accept is None or accept(candidate)):
            found[candidate] = Repair(candidate, i, number[i], c)
    return list(found.values())
