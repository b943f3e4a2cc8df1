"""The masking rule: only an ID number's region shows, however the number was written or read."""

from __future__ import annotations

import pytest

from archive.masking import mask_id, mask_ids_in_text

ID = "340121194806042239"


def test_a_field_value_shows_only_its_region() -> None:
    assert mask_id(ID) == "340121************"
    assert mask_id("340121480604223") == "340121*********"  # an old 15-digit number
    assert mask_id("3401211948") == "34********"  # too short to be whole: 8 stay hidden
    assert mask_id(None) is None and mask_id("") == ""


@pytest.mark.parametrize(
    ("written", "shown"),
    [
        (f"身份证号{ID}出生", "身份证号340121************出生"),
        ("３４０１２１１９４８０６０４２２３９", "３４０１２１************"),
        (f"ID{ID}A", "ID340121*************"),  # letters against it, the A read for a 4
        ("3401【2119480604】2239", "3401【21********】****"),  # a highlight through it
        ("3401211948\n06042239", "340121****\n********"),  # a line break inside
        ("3401 2119 4806 0422 39", "3401 21** **** **** **"),  # written in groups
        ("34012l194806O42239", "34012l************"),  # OCR's l for 1 and O for 0
        (f"{ID}-于明.png", "340121************-于明.png"),  # a file name
        ("340121480604223", "340121*********"),
    ],
)
def test_text_hides_every_id_number_however_written(written: str, shown: str) -> None:
    assert mask_ids_in_text(written) == shown
    assert mask_ids_in_text(shown) == shown  # masking twice changes nothing


@pytest.mark.parametrize(
    "kept",
    [
        "1968年3月入伍 66325部队",
        "53021部队 1968 1972 1975",  # years in a row are not a number
        "电话 13912345678",  # 11 digits: not an ID number
        "19480604",
    ],
)
def test_text_without_id_numbers_is_left_alone(kept: str) -> None:
    assert mask_ids_in_text(kept) == kept
