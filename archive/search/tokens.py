"""The tokens every backend indexes and queries alike: CJK bigrams, pinyin syllables, and the
ways an ID number is looked up (archive.text does the folding)."""

from __future__ import annotations

from archive.text import letters_and_digits, pinyin


def bigrams(text: str) -> list[str]:
    """Every two consecutive letters or digits of the folded text; a single one stands alone."""
    t = letters_and_digits(text)
    if len(t) < 2:
        return [t] if t else []
    return [t[i : i + 2] for i in range(len(t) - 1)]


def name_characters(name: str) -> list[str]:
    """A name's surname (``s`` and its first character) and each of its characters (``c``
    and the character): how a search for a single character (张, 伟) finds it, a surname
    first. Marked, so a single character never matches a whole one-character token by chance."""
    return [f"s{name[0]}", *sorted({f"c{ch}" for ch in name})] if len(name) >= 2 else []


def pinyin_tokens(name: str) -> list[str]:
    """What a name is found by in pinyin: each syllable, and all of them run together."""
    syllables = pinyin(name)
    return sorted({*syllables, "".join(syllables)}) if syllables else []


def id_tokens(number: str) -> list[str]:
    """The whole ID number and its last 4, 5 and 6 characters (as t4…, t5…, t6…): how people
    look one up. Letters and digits only, so every backend keeps each one a single token."""
    n = letters_and_digits(number)
    if not n:
        return []
    return sorted({n, *(f"t{k}{n[-k:]}" for k in (4, 5, 6) if len(n) > k)})
