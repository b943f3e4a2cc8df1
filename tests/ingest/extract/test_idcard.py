"""GB 11643 check digit, embedded birth date and gender, and single-character repair."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from archive.idnumber import as_18, upgraded
from archive.text import DIGIT_LOOKALIKES
from ingest.extract import idcard
from ingest.extract.spec import default_specs
from ingest.extract.values import normalise

VALID = "34012319470518365X"


@st.composite
def id_numbers(draw: st.DrawFn) -> str:
    region = draw(st.sampled_from(["340123", "110101", "510722", "420117"]))
    born = draw(st.dates(min_value=date(1920, 1, 1), max_value=date(2010, 12, 31)))
    seq = draw(st.integers(0, 999))
    first17 = f"{region}{born:%Y%m%d}{seq:03d}"
    return first17 + idcard.check_char(first17)


def test_a_known_number_is_valid_and_embeds_birth_and_gender() -> None:
    assert idcard.is_valid(VALID)
    assert idcard.birth_date(VALID) == date(1947, 5, 18)
    assert idcard.gender(VALID) == "男"
    assert idcard.clean("34012319470518365x") == VALID
    assert idcard.clean("３４０１２３１９４７０５１８３６５Ｘ") == VALID


def test_problems_are_named() -> None:
    assert idcard.problems(VALID[:-1]) == ["长度为17，应为18位"]
    assert idcard.problems(VALID[:-1] + "1") == ["校验位不符"]
    assert "出生日期段无效" in idcard.problems("340123194713183659")
    assert idcard.problems("3401231947O518365X") == ["含有数字以外的字符"]


@given(id_numbers())
def test_generated_numbers_round_trip_through_the_check(number: str) -> None:
    assert idcard.is_valid(number)


@given(id_numbers(), st.integers(0, 16), st.integers(1, 9))
def test_the_check_digit_catches_every_single_substitution(
    number: str, position: int, shift: int
) -> None:
    digit = str((int(number[position]) + shift) % 10)
    assert not idcard.is_valid(number[:position] + digit + number[position + 1 :])


@given(id_numbers(), st.integers(0, 16))
def test_a_letter_misread_for_a_digit_is_repaired_to_the_one_valid_reading(
    number: str, position: int
) -> None:
    digit = number[position]
    lookalike = DIGIT_LOOKALIKES[digit][0]
    misread = number[:position] + lookalike + number[position + 1 :]
    [repaired] = idcard.repair(misread)
    assert repaired.value == number
    assert repaired.position == position and repaired.read == lookalike


def test_only_misreads_that_show_where_they_are_are_repaired() -> None:
    # 'B' stands for 3 or 8; the check digit takes 3. A digit read as another digit is not
    # repaired: some other single change would pass the check just as well.
    assert [r.value for r in idcard.repair(VALID[:14] + "B" + VALID[15:])] == [VALID]
    assert idcard.repair(VALID[:14] + "8" + VALID[15:]) == []
    assert idcard.repair(VALID[:17]) == []  # a dropped character is not a substitution
    # The other fields must agree too: here the repaired number is a woman's.
    assert idcard.repair(VALID[:14] + "B" + VALID[15:], lambda n: idcard.gender(n) == "女") == []


def test_a_digit_misread_for_a_digit_is_repaired_where_another_check_shows_its_place() -> None:
    # A province code that names no province: only its two digits are tried.
    misread = "8" + VALID[1:]  # 84: no province
    assert "地区码84不是省级行政区代码" in idcard.problems(misread)
    assert [r.value for r in idcard.repair(misread)] == [VALID]
    # The birth date read elsewhere differs from the ID's in one digit: only that one is tried.
    misread = VALID[:9] + "1" + VALID[10:]  # 1941 for 1947
    assert idcard.repair(misread) == []
    [repaired] = idcard.repair(misread, born="1947-05")
    assert repaired.value == VALID and repaired.position == 9 and repaired.read == "1"
    # Two digits apart from the birth date: nothing shows which one is wrong.
    assert idcard.repair(misread, born="1947-06") == []


@given(id_numbers(), st.integers(0, 1), st.integers(1, 9))
def test_a_province_digit_is_never_repaired_to_a_number_that_fails_a_check(
    number: str, position: int, shift: int
) -> None:
    digit = str((int(number[position]) + shift) % 10)
    misread = number[:position] + digit + number[position + 1 :]
    assert all(idcard.is_valid(r.value) for r in idcard.repair(misread))
    if misread[:2] not in idcard.PROVINCES:
        assert number in [r.value for r in idcard.repair(misread)]


@given(id_numbers())
def test_an_old_15_digit_number_upgrades_to_its_18_digit_form(number: str) -> None:
    if number[6:8] != "19":
        return  # 15-digit numbers were issued only to people born in the 1900s
    old = number[:6] + number[8:17]
    assert upgraded(old) == number
    assert as_18(old) == number and as_18(number) == number


def test_what_is_no_old_number_is_not_upgraded() -> None:
    assert upgraded("34012347131812") is None  # 14 digits
    assert upgraded("340123471318123") is None  # 13th month
    assert upgraded(VALID) is None


def test_an_old_number_read_is_stored_in_its_18_digit_form_and_says_so() -> None:
    spec = next(s for s in default_specs() if s.key == "id_number")
    read = normalise("340123470518365", spec)
    assert read.valid and read.value == VALID and read.repair and "15位" in read.repair
