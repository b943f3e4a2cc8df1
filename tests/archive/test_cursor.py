"""Page cursors: only what the search wrote comes back as a position; anything else is a
clear 422 (a forged cursor holding Infinity once became a 500)."""

from __future__ import annotations

import base64
import json

import pytest

from archive.usecases import Invalid
from archive.usecases.cursor import _binding, decode, encode

QUERY: dict[str, object] = {"name": "王伟", "size": 2}


def _forged(raw: str) -> str:
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def test_a_cursor_gives_back_its_position_for_its_own_query_only() -> None:
    assert decode(encode(40, QUERY), QUERY) == 40
    assert decode(None, QUERY) == 0
    with pytest.raises(Invalid, match="another query"):
        decode(encode(40, QUERY), {"name": "李强"})


@pytest.mark.parametrize(
    "position", ["Infinity", "-Infinity", "NaN", "1e400", "2.5", "true", '"7"', "null", "-1"]
)
def test_a_forged_position_is_an_invalid_cursor(position: str) -> None:
    cursor = _forged(f'{{"p": {position}, "q": {json.dumps(_binding(QUERY))}}}')
    with pytest.raises(Invalid) as refused:
        decode(cursor, QUERY)
    assert refused.value.code == "invalid_cursor"


@pytest.mark.parametrize("cursor", ["not-base64!", _forged("[]"), _forged('{"p": 1}'), "ZZZ"])
def test_a_malformed_cursor_is_an_invalid_cursor(cursor: str) -> None:
    with pytest.raises(Invalid) as refused:
        decode(cursor, QUERY)
    assert refused.value.code == "invalid_cursor"
