"""The GB 11643 check digit of resident ID numbers, shared by the extractor and the API."""

from __future__ import annotations

import re

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
_SHAPE = re.compile(r"^\d{17}[\dX]$")


def check_char(first17: str) -> str:
    total = sum(int(c) * w for c, w in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARS[total % 11]


def well_formed(number: str) -> bool:
    """18 characters, digits but for a final X, and the check digit right."""
    return bool(_SHAPE.match(number)) and check_char(number[:17]) == number[17]
