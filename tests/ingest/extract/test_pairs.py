"""Labels and values found whatever the label's wording, and placed by what label and value
say: beside, below, with a colon, apart on a line, compound; unknown labels by their cue words;
other labels kept as other items; no word of a field's domain turned into another."""

from __future__ import annotations

import pytest

from ingest.extract.assign import assign
from ingest.extract.extractor import extract_document
from ingest.extract.pairs import page_pairs
from ingest.extract.spec import default_other_labels, default_specs
from ingest.extract.values import normalise
from tests.ingest.extract.pages import page

SPECS = default_specs()
OTHERS = default_other_labels()
ID = "340122196503123571"  # the check digit right


def _pairs(**kw: object) -> dict[str, str]:
    return {p.label: p.value_text for p in page_pairs(page(**kw), SPECS)}  # type: ignore[arg-type]


def test_pairs_beside_below_with_a_colon_and_apart_on_a_line() -> None:
    assert _pairs(table=[["生日", "1965.03", "去向", "自主就业"]]) == {
        "生日": "1965.03",
        "去向": "自主就业",
    }
    below = _pairs(table=[["姓名", "生日", "民族"], ["张大勇", "1965.03", "汉族"]])
    assert below == {"姓名": "张大勇", "生日": "1965.03", "民族": "汉族"}
    assert _pairs(table=[["文化程度：高中", ""]])["文化程度"] == "高中"
    assert _pairs(text=["政治面貌：中共党员"]) == {"政治面貌": "中共党员"}
    apart = _pairs(text=["婚姻状况  已婚  户籍类别  农业"])
    assert apart == {"婚姻状况": "已婚", "户籍类别": "农业"}


def test_a_compound_label_is_split_with_its_value() -> None:
    found = _pairs(table=[["入伍/退伍时间", "1983.11/1988.03"]])
    assert found == {"入伍时间": "1983.11", "退伍时间": "1988.03"}


@pytest.mark.parametrize(
    ("label", "value", "key"),
    [
        ("生日", "1965年3月", "birth_date"),  # a cue word
        ("批准退伍日期", "1988.03", "discharge_date"),  # 退伍, not 日期, decides
        ("入伍（参加工作）时间", "1983.11", "enlistment_date"),  # the aside dropped
        ("参軍時間", "1983.11", "enlistment_date"),  # traditional characters
        ("退役时军衔", "上士", "rank"),  # a label inside it
        ("职务（级别", "中士", "rank"),  # the aside's closing bracket lost by the reading
        ("原部队代号", "81044部队", "unit"),
        ("身份证件号码", ID, "id_number"),
        ("档号", "J045-12-0308", "file_number"),
        ("残疾等级", "五级因病", "disability_grade"),
        ("去向", "自主就业", "discharge_type"),
    ],
)
def test_a_label_fields_toml_does_not_word_is_placed_by_cue_and_value(
    label: str, value: str, key: str
) -> None:
    placed = assign(label, value, SPECS, OTHERS)
    assert placed is not None and placed.key == key and placed.rival is None


@pytest.mark.parametrize(
    ("label", "value"),
    [
        ("入党时间", "1986年7月"),  # a form's label that is no field: not 入伍时间
        ("家庭住址", "安徽省肥东县店埠镇"),
        ("联系电话", "13905512345"),
        ("参战时间", "1979.02"),  # a cue, but a date is no 参战参试情况
        ("现居住地", "江苏省丰县华山镇"),
    ],
)
def test_other_labels_are_no_field(label: str, value: str) -> None:
    assert assign(label, value, SPECS, OTHERS) is None


def test_a_document_keeps_what_is_no_field_as_other_items() -> None:
    read = extract_document(
        [
            page(
                table=[
                    ["姓名", "张大勇", "文化程度", "高中"],
                    ["生日", "1965.03", "入党时间", "1986.07"],
                ]
            )
        ]
    )
    fields = {f.key: f for f in read.fields}
    assert fields["name"].value == "张大勇" and fields["birth_date"].value == "1965-03"
    assert fields["enlistment_date"].value is None
    assert {(i.label, i.value) for i in read.items} == {
        ("文化程度", "高中"),
        ("入党时间", "1986.07"),
    }


@pytest.mark.parametrize("spec", [s for s in SPECS if s.kind == "choice"], ids=lambda s: s.key)
def test_no_word_of_a_fields_domain_is_turned_into_another(spec: object) -> None:
    """离休 is one character from 退休, and another benefit status: every vocabulary word is
    read as itself, with no repair; a word one character from exactly one other is not a word
    of the domain, and its repair goes to review."""
    for word in spec.values:  # type: ignore[attr-defined]
        got = normalise(word, spec)  # type: ignore[arg-type]
        assert got.valid and got.value == word and got.repair is None and not got.reasons
    got = normalise("自主就亚", next(s for s in SPECS if s.key == "discharge_type"))
    assert got.value == "自主就业" and got.repair and got.reasons


def test_in_a_row_of_labels_over_values_a_cell_is_a_label_however_little_of_it_was_read() -> None:
    # 籍貫 read as 籍: a label by where it stands, placed by its value.
    card = [["姓名", "公民身份号码", "籍"], ["张大勇", ID, "安徽长丰县"]]
    found = extract_document([page(table=card)]).fields
    by_key = {f.key: f.value for f in found}
    assert by_key["id_number"] == ID and by_key["native_place"] == "安徽长丰县"
    # Beside a label, in a table of label|value rows, a name stays a value (张力 beside 姓名).
    rows = [["姓名", "张力", "性别", "男"], ["民族", "汉族", "生日", "1965.03"]]
    assert _pairs(table=rows)["姓名"] == "张力"


def test_text_a_value_rule_describes_is_no_label_however_it_ends() -> None:
    # 一九六三年四月 ends as 出生年月 does, 二等乙级 as 伤残等级: values, under their labels.
    card = [["出生年月", "伤残等级", "参军时间"], ["一九六三年四月", "二等乙级", "一九八五年四月"]]
    assert _pairs(table=card) == {
        "出生年月": "一九六三年四月",
        "伤残等级": "二等乙级",
        "参军时间": "一九八五年四月",
    }


def test_a_spaced_label_read_with_a_middle_dot_is_its_label() -> None:
    # On a card, 性·别 beside 姓名 is a label, not the name.
    card = [["姓名", "性·别"], ["赵超", "男"]]
    by_key = {f.key: f.value for f in extract_document([page(table=card)]).fields}
    assert (by_key["name"], by_key["gender"]) == ("赵超", "男")
    named = extract_document([page(table=[["姓·名", "阿依·买买提"]])]).fields
    assert named[0].value == "阿依·买买提"  # a name keeps its dot


def test_a_title_over_a_label_and_its_value_is_no_pair() -> None:
    found = _pairs(text=["士兵退出现役登记表", "姓名：张卫国"])
    assert found == {"姓名": "张卫国"}


def test_a_value_that_does_not_fit_beside_a_label_gives_way_to_one_below_that_does() -> None:
    # A speck read beside the label of a card whose values are below.
    card = [["出生年月", "公民身份号码", "1"], ["1965.03", ID, ""]]
    by_key = {f.key: f.value for f in extract_document([page(table=card)]).fields}
    assert by_key["id_number"] == ID
