"""Opaque page cursors: the next offset, bound to the query it continues."""

from __future__ import annotations

import base64
import hashlib
import json

from archive.usecases.errors import Invalid


def _binding(params: dict[str, object]) -> str:
    return hashlib.sha256(
        json.dumps(params, sort_keys=True, ensure_ascii=False).encode()
    ).hexdigest()[:16]


def encode(position: int, params: dict[str, object]) -> str:
    raw = json.dumps({"p": position, "q": _binding(params)}).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(cursor: str | None, params: dict[str, object]) -> int:
    """The position a cursor stands for; 0 without one. A cursor from another query is refused:
    it would silently skip or repeat results."""
    if not cursor:
        return 0
    try:
        raw = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        position, binding = raw["p"], str(raw["q"])
    except (ValueError, KeyError, TypeError):
        position = binding = None
    # Only the whole number this module wrote: JSON also spells Infinity, 1e400 and true,
    # which int() turns into an OverflowError or a position no one issued.
    if type(position) is not int:
        raise Invalid("invalid_cursor", "游标无效", "invalid cursor")
    if binding != _binding(params) or position < 0:
        raise Invalid("invalid_cursor", "游标不属于这个查询", "cursor belongs to another query")
    return position
