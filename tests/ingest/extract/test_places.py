"""Native places against the administrative divisions: known, put right, or sent to review."""

from __future__ import annotations

import pytest

from ingest.extract.places import gazetteer, readings
from ingest.extract.spec import default_specs
from ingest.extract.values import normalise

NATIVE_PLACE = next(s for s in default_specs() if s.key == "native_place")


@pytest.mark.parametrize(
    "place", ["安徽省肥西县", "湖北省武汉市新洲区", "北京市朝阳区", "江苏省丰县"]
)
def test_divisions_named_in_order_are_known(place: str) -> None:
    assert readings(place, edits=0) == {place}
    got = normalise(place, NATIVE_PLACE)
    assert got.valid and not got.reasons and got.value == place


def test_a_division_outside_the_one_before_it_is_not_a_place() -> None:
    assert readings("四川省肥西县", edits=0) == set()  # 肥西县 is in 安徽
    assert gazetteer().names["340123"] == "肥西县"


def test_one_misread_character_is_put_right_when_only_one_place_is_that_close() -> None:
    got = normalise("湖北省武又市新洲区", NATIVE_PLACE)
    assert got.value == "湖北省武汉市新洲区" and got.repair and got.reasons  # still reviewed
    got = normalise("河北省成安,县", NATIVE_PLACE)  # a speck read as a comma
    assert got.value == "河北省成安县" and got.repair and got.reasons


@pytest.mark.parametrize("read", ["四川省巴县", "台", "安徽省肥西"])
def test_an_unknown_or_cut_place_goes_to_review_unchanged(read: str) -> None:
    # 巴县 (an old name, now 巴南区) is one character from eight counties of Sichuan.
    got = normalise(read, NATIVE_PLACE)
    assert not got.valid and got.value == read and got.reasons
