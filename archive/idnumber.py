"""The GB 11643 check digit of resident ID numbers, shared by the extractor and the API."""

from __future__ import annotations

import re
from datetime import date

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
_SHAPE = re.compile(r"^\d{17}[\dX]$")


def check_char(first17: str) -> str:
    total = sum(int(c) * w for c, w in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARS[total % 11]


def well_formed(number: str) -> bool:
    """18 characters, digits but for a final X, and the check digit right."""
    return bool(_SHAPE.match(number)) and check_char(number[:17]) == number[17]


_OLD_SHAPE = re.compile(r"^\d{15}$")


def upgraded(number: str) -> str | None:
    """The 18-digit number of a 15-digit one issued before 1999 (GB 11643-1999, 附录: the
    birth year's "19" put in after the 6-digit region, the check digit added), or None when
    ``number`` is no 15-digit number with a real birth date."""
    if not _OLD_SHAPE.match(number):
        return None
    first17 = number[:6] + "19" + number[6:]
    try:
        date(int(first17[6:10]), int(first17[10:12]), int(first17[12:14]))
    except ValueError:
        return None
    return first17 + check_char(first17)


def as_18(number: str) -> str:
    """A number as asked for: a 15-digit one as its 18-digit form, anything else unchanged, so
    the files of one person under either number are one person's."""
    return upgraded(number) or number
