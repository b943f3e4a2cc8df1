"""ID numbers as a role may see them: whole, or 340123********1234 (DESIGN, security)."""

from __future__ import annotations

import re

# A 15- or 18-character ID number anywhere in text, highlight marks 【】 allowed inside it.
_ID_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])[0-9【】]{14,}[0-9Xx](?![0-9A-Za-z])")


def mask_id(value: str | None) -> str | None:
    if not value:
        return value
    if len(value) <= 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def _mask_span(match: re.Match[str]) -> str:
    span = match.group(0)
    chars = sum(c not in "【】" for c in span)
    if chars not in (15, 18):
        return span
    out, seen = [], 0
    for c in span:
        if c in "【】":
            out.append(c)
            continue
        out.append("*" if 6 <= seen < chars - 4 else c)
        seen += 1
    return "".join(out)


def mask_ids_in_text(text: str) -> str:
    return _ID_IN_TEXT.sub(_mask_span, text)
