"""Traditional forms folded to the simplified ones the page was written in.

The newer recognisers (PP-OCRv5/v6) carry traditional and simplified characters in one
dictionary and now and then read a printed 贾 as 賈 or 陈 as 陳. Mainland files since the 1956
and 1964 simplification schemes are written in simplified characters and staff search in them,
so a traditional form in the reading is folded to its simplified one (OpenCC's ``t2s`` table,
character by character, never by phrase).

Folded only where the choice is safe: a character inside GB 2312's 6,763 simplified characters
is never changed (乾, 於, 後 are simplified characters in their own right), and a character is
folded only to one inside that set. A rare character outside it (頔, 璡, 赟, often in names) is
kept as read: its simplified form may be one no font or ID system has, and the name on an ID
card is written as the person registered it. The page image stays the evidence either way.
"""

from __future__ import annotations

from collections import Counter
from functools import cache

import opencc

from ocr.types import StepRecord, Word

_T2S = opencc.OpenCC("t2s")


def _common(ch: str) -> bool:
    try:
        ch.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


@cache
def simplified_of(ch: str) -> str:
    if ch.isascii() or _common(ch):
        return ch
    folded = _T2S.convert(ch)
    return folded if len(folded) == 1 and _common(folded) else ch


def fold_traditional(text: str) -> str:
    return "".join(simplified_of(ch) for ch in text)


def fold_words(words: list[Word]) -> tuple[list[Word], StepRecord]:
    """The words with traditional forms folded, and the step that says which were."""
    folded: Counter[str] = Counter()
    out = []
    for word in words:
        text = fold_traditional(word.text)
        if text != word.text:
            folded.update(f"{a}→{b}" for a, b in zip(word.text, text, strict=True) if a != b)
            word = Word(text, word.box, word.confidence)
        out.append(word)
    return out, StepRecord(
        "simplified", {"folded": sum(folded.values()), "forms": " ".join(sorted(folded))}
    )
