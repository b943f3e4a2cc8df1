"""Search normalisation, computed once in Python and fed to every backend alike: width folding,
CJK bigrams, an OCR-confusion skeleton of names and units, and toneless pinyin."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Characters OCR mistakes for one another, and people for OCR: each group maps to its first.
CONFUSION_GROUPS = (
    "己已巳",
    "未末",
    "士土",
    "人入八",
    "日曰",
    "戊戌戍",
    "王玉主",
    "大太犬",
    "刀力",
    "千干于",
    "木本",
    "田由甲申",
    "贝见",
    "白自",
    "天夭",
    "东车",
    "兵乒",
    "0od",  # after lower-casing: O and D read for 0
    "1li|",
    "5s",
    "8b",
    "2z",
)
_SKELETON = {ch: group[0] for group in CONFUSION_GROUPS for ch in group}
_ASCII_WORD = re.compile(r"[a-z]+")


def fold(text: str) -> str:
    """NFKC (full-width to half-width), lower case, whitespace removed."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", text).lower() if not ch.isspace())


def skeleton(text: str) -> str:
    """The text with every confusable character replaced by its group's first."""
    return "".join(_SKELETON.get(ch, ch) for ch in fold(text))


def letters_and_digits(text: str) -> str:
    """The folded text without punctuation or symbols, which no one searches by."""
    return "".join(ch for ch in fold(text) if unicodedata.category(ch)[0] in "LN")


def bigrams(text: str) -> list[str]:
    """Every two consecutive letters or digits of the folded text; a single one stands alone."""
    t = letters_and_digits(text)
    if len(t) < 2:
        return [t] if t else []
    return [t[i : i + 2] for i in range(len(t) - 1)]


@lru_cache(maxsize=65536)
def pinyin(name: str) -> tuple[str, ...]:
    """Toneless syllables of a name (王伟 -> wang, wei); names read the common way."""
    from pypinyin import Style, lazy_pinyin

    return tuple(s for s in lazy_pinyin(fold(name), style=Style.NORMAL, errors="ignore") if s)


def pinyin_tokens(name: str) -> list[str]:
    """What a name is found by in pinyin: each syllable, and all of them run together."""
    syllables = pinyin(name)
    return sorted({*syllables, "".join(syllables)}) if syllables else []


def pinyin_query(text: str) -> str | None:
    """The letters of a query typed in pinyin ("wang wei", "Wang Wei", "wangwei") run
    together, or None when the query is not pinyin."""
    letters = re.sub(r"[\s'-]", "", fold(text))
    return letters if letters and _ASCII_WORD.fullmatch(letters) else None


def id_tokens(number: str) -> list[str]:
    """The whole ID number and its last 4, 5 and 6 characters (as t4…, t5…, t6…): how people
    look one up. Letters and digits only, so every backend keeps each one a single token."""
    n = letters_and_digits(number)
    if not n:
        return []
    return sorted({n, *(f"t{k}{n[-k:]}" for k in (4, 5, 6) if len(n) > k)})
