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


@pytest.mark.parametrize(
    "read", ["四川省巴县", "台", "河北省成安县中", "北京市朝阳区**乡", "安徽省巢县"]
)
def test_an_unknown_or_cut_place_goes_to_review_unchanged(read: str) -> None:
    # 巴县 (an old name, now 巴南区) is one character from eight counties of Sichuan, 巢县 from
    # 巢湖: more likely misread than old. 中 after a county is no town.
    got = normalise(read, NATIVE_PLACE)
    assert not got.valid and got.value == read and got.reasons


@pytest.mark.parametrize(
    "place",
    [
        "河北石家庄正定县",  # without 省 and 市, as people write it
        "江苏南京秦淮区",
        "安徽省肥西",
        "山东省平原县王凤楼镇水务村",  # below the county, as a 兵役证 holder's was written
        "湖北省武汉市新洲区阳逻街道",
        "四川省崇庆县",  # an old county (now 崇州市) no division is one character from
    ],
)
def test_short_forms_towns_and_old_names_are_kept_as_written(place: str) -> None:
    got = normalise(place, NATIVE_PLACE)
    assert got.valid and not got.reasons and got.value == place
