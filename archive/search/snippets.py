"""Highlighted snippets naming the page, made the same way whichever backend found the hit."""

from __future__ import annotations

from archive import text
from archive.search.model import Highlight

CONTEXT = 18  # characters either side of the match


def highlights(pages: list[str], query: str, limit: int = 3) -> list[Highlight]:
    """Where on which pages the query text stands: the whole query where it occurs, else its
    first two characters; the match between 【 and 】."""
    needle = text.letters_and_digits(query)
    if not needle:
        return []
    found = []
    for number, page in enumerate(pages, start=1):
        flat = "".join(page.split())
        # Character by character, so positions in the folded text are positions in the page.
        folded = "".join(text.fold_lower(ch)[:1] or " " for ch in flat)
        for probe in (needle, needle[:2]):
            at = folded.find(probe)
            if at >= 0:
                start, end = max(0, at - CONTEXT), min(len(flat), at + len(probe) + CONTEXT)
                snippet = (
                    ("…" if start else "")
                    + flat[start:at]
                    + "【"
                    + flat[at : at + len(probe)]
                    + "】"
                    + flat[at + len(probe) : end]
                    + ("…" if end < len(flat) else "")
                )
                found.append(Highlight(number, snippet))
                break
        if len(found) >= limit:
            break
    return found
