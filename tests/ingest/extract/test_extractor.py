"""Fields from tables and running text, checked against each other, with evidence."""

from __future__ import annotations

from dataclasses import replace

from archive.domain import FIELD_KEYS, ExtractedField, LineRecord, WordRecord
from ingest.extract.extractor import extract
from tests.ingest.extract.pages import page

ID = "34012319470518365X"  # born 1947-05-18, male
REGISTER = [
    ["姓名", "任克己", "性别", "男", "民族", "汉族"],
    ["出生年月", "1947年5月", "公民身份号码", ID],
    ["籍贯", "安徽省肥西县"],
    ["入伍时间", "1965.03", "退出现役时间", "一九八五年八月"],
    ["部队番号", "81044部队", "军衔", "中尉"],
    ["安置方式", "安排工作", "档案编号", "340123-TY-30010008"],
    ["立功受奖情况", "嘉奖一次"],
    ["伤残等级", "无", "参战参试情况", "参加对越自卫还击作战"],
]
APPROVAL = [
    "任克己同志，男，公民身份号码34012319470518365X，军衔中尉。经审核，",
    "批准该同志于1985-08退出现役，安置方式为安排工作。",
    "档案编号：340123-TY-30010008",
]


def _by_key(fields: list[ExtractedField]) -> dict[str, ExtractedField]:
    return {f.key: f for f in fields}


def _replace(table: list[list[str]], old: str, new: str) -> list[list[str]]:
    return [[new if cell == old else cell for cell in row] for row in table]


def test_a_register_form_gives_every_field_normalised_with_evidence() -> None:
    fields = extract([page(REGISTER)])
    assert [f.key for f in fields] == list(FIELD_KEYS)
    got = _by_key(fields)
    assert {k: f.value for k, f in got.items()} == {
        "name": "任克己",
        "gender": "男",
        "ethnicity": "汉族",
        "birth_date": "1947-05",
        "id_number": ID,
        "native_place": "安徽省肥西县",
        "enlistment_date": "1965-03",
        "discharge_date": "1985-08",
        "unit": "81044部队",
        "rank": "中尉",
        "discharge_type": "安排工作",
        "awards": "嘉奖一次",
        "disability_grade": "无",
        "combat_or_test": "参加对越自卫还击作战",
        "file_number": "340123-TY-30010008",
    }
    assert not any(f.needs_review for f in fields)
    name = got["name"]
    assert name.evidence is not None and name.evidence.page == 1
    assert name.evidence.text == "任克己" and name.evidence.box == [305, 110, 363, 140]
    assert 0.9 < name.confidence <= 1


def test_labels_above_values_and_label_synonyms_are_read() -> None:
    card = [
        ["姓名", "出生日期", "服役单位"],
        ["张三", "1962.10.01", "中国人民解放军55919部队"],
        ["身份证号", "退伍时间", "职务"],
        ["", "1990年3月", "班长"],
    ]
    got = _by_key(extract([page(card)]))
    assert got["name"].value == "张三"
    assert got["birth_date"].value == "1962-10-01"
    assert got["unit"].value == "中国人民解放军55919部队"
    assert got["discharge_date"].value == "1990-03"
    assert got["rank"].value == "班长"
    # An empty value cell is not found, and says so; the label beside it is not its value.
    assert got["id_number"].value is None and got["id_number"].needs_review


def test_running_text_states_the_facts_in_sentences() -> None:
    appraisal = [
        "士兵服役期间鉴定",
        "罗树林同志，62年12月出生，于1984年9月入伍，在77218部队服",
        "役。该同志服役期间荣立个人三等功一次。曾参加老山轮战。经研究，同意该同志退出现役。",
    ]
    got = _by_key(extract([page(text=appraisal), page(text=APPROVAL, number=2)]))
    assert got["name"].value == "罗树林"
    assert got["birth_date"].value == "1962-12"
    assert got["enlistment_date"].value == "1984-09"
    assert got["unit"].value == "77218部队"  # read across a line break
    assert got["awards"].value == "个人三等功一次"
    assert got["combat_or_test"].value == "参加老山轮战"
    assert got["discharge_date"].value == "1985-08"
    assert got["discharge_type"].value == "安排工作"
    assert got["file_number"].value == "340123-TY-30010008"
    assert got["gender"].value == "男" and got["rank"].value == "中尉"


def test_pages_that_disagree_keep_both_values_and_flag_the_field() -> None:
    approval = [APPROVAL[0].replace("任克己", "任克已"), *APPROVAL[1:]]
    got = _by_key(extract([page(REGISTER), page(text=approval, number=2)]))
    name = got["name"]
    assert name.value == "任克己"  # the form's cell is trusted over a sentence
    assert name.needs_review and "不一致" in name.reasons[0]
    assert [(a.value, a.evidence.page) for a in name.alternatives] == [("任克已", 2)]
    assert not got["id_number"].needs_review  # the same on both pages
    # A date to the month on one page and to the day on another is one date, not a conflict.
    more = _replace(REGISTER, "1947年5月", "1947年5月18日")
    got = _by_key(extract([page(more), page(_replace(REGISTER, "x", "x"), number=2)]))
    assert got["birth_date"].value == "1947-05-18" and not got["birth_date"].needs_review
    # Where they disagree on the birth date, the reading the ID confirms goes first, flagged.
    misread = _replace(REGISTER, "1947年5月", "1947年3月")
    appraisal = ["任克己同志，1947年5月18日出生，于1965年3月入伍。"]
    got = _by_key(extract([page(misread), page(text=appraisal, number=2)]))
    born = got["birth_date"]
    assert born.value == "1947-05-18" and born.needs_review and born.repair
    assert [(a.value, a.evidence.page) for a in born.alternatives] == [("1947-03", 1)]


def test_a_letter_misread_in_the_id_is_repaired_and_the_repair_recorded() -> None:
    misread = ID[:10] + "O" + ID[11:]  # '0' of the month read as the letter O
    got = _by_key(extract([page(_replace(REGISTER, ID, misread))]))
    ident = got["id_number"]
    assert ident.value == ID and not ident.needs_review
    assert ident.repair is not None and "第11位" in ident.repair
    assert ident.evidence is not None and ident.evidence.text == misread


def test_a_digit_of_the_id_is_repaired_where_the_province_or_the_birth_date_shows_it() -> None:
    for misread in ("8" + ID[1:], ID[:9] + "1" + ID[10:]):  # 84: no province; born 1941?
        got = _by_key(extract([page(_replace(REGISTER, ID, misread))]))
        assert got["id_number"].value == ID and got["id_number"].repair, misread
        assert not got["id_number"].needs_review


def test_an_id_that_cannot_be_repaired_for_sure_is_flagged() -> None:
    wrong = ID[:3] + "9" + ID[4:]  # a digit read as another digit: the check fails
    got = _by_key(extract([page(_replace(REGISTER, ID, wrong))]))
    assert got["id_number"].value == wrong and got["id_number"].needs_review
    assert got["id_number"].confidence <= 0.5


def test_birth_date_and_gender_are_checked_against_the_id() -> None:
    table = _replace(_replace(REGISTER, "1947年5月", "1948年5月"), "男", "女")
    got = _by_key(extract([page(table)]))
    assert got["birth_date"].needs_review and got["id_number"].needs_review
    assert any("不符" in r for r in got["birth_date"].reasons)
    assert got["gender"].needs_review
    # A gender OCR could not read is taken from a valid ID, and the repair recorded.
    got = _by_key(extract([page(_replace(REGISTER, "男", "田"))]))
    assert got["gender"].value == "男" and got["gender"].repair and not got["gender"].needs_review


def test_dates_out_of_order_are_flagged_and_two_digit_years_put_in_order() -> None:
    table = _replace(REGISTER, "1965.03", "1990.03")  # after the discharge in 1985
    got = _by_key(extract([page(table)]))
    assert got["enlistment_date"].needs_review and got["discharge_date"].needs_review
    table = _replace(_replace(REGISTER, "一九八五年八月", "05年8月"), "1965.03", "1985.03")
    table = _replace(table, ID, "")  # no ID to settle the birth year
    got = _by_key(extract([page(_replace(table, "1947年5月", "1965年5月"))]))
    assert got["discharge_date"].value == "2005-08" and not got["discharge_date"].needs_review


def test_low_ocr_confidence_and_unknown_vocabulary_go_to_review() -> None:
    got = _by_key(extract([page(REGISTER, confidence={"81044部队": 0.42})]))
    assert got["unit"].needs_review and got["unit"].confidence <= 0.5
    got = _by_key(extract([page(_replace(REGISTER, "中尉", "土尉"))]))  # 上尉 or 中尉?
    assert got["rank"].needs_review
    got = _by_key(extract([page(_replace(REGISTER, "汉族", "汊族"))]))  # 汉族? 满族? 壮族?
    assert got["ethnicity"].needs_review and not got["ethnicity"].repair
    got = _by_key(extract([page(_replace(REGISTER, "汉族", "土家旅"))]))
    assert got["ethnicity"].value == "土家族" and got["ethnicity"].repair


def test_a_label_misread_by_one_character_is_still_a_label() -> None:
    got = _by_key(extract([page(_replace(REGISTER, "公民身份号码", "公民身份号玛"))]))
    assert got["id_number"].value == ID
    # Two-character labels too, where no value can be taken for one: 汉族 stays a value.
    got = _by_key(extract([page(_replace(_replace(REGISTER, "姓名", "生名"), "军衔", "军街"))]))
    assert got["name"].value == "任克己" and got["rank"].value == "中尉"
    assert got["ethnicity"].value == "汉族"


def test_nothing_found_is_null_and_flagged() -> None:
    fields = extract([page(text=["无关的文字"])])
    assert all(f.value is None and f.needs_review and f.evidence is None for f in fields)


def test_a_gender_read_nowhere_is_taken_from_a_valid_id_with_its_evidence() -> None:
    table = [[cell for cell in row if cell not in ("性别", "男")] for row in REGISTER]
    got = _by_key(extract([page(table)]))
    gender = got["gender"]
    assert gender.value == "男" and not gender.needs_review and gender.repair
    assert gender.evidence is not None and gender.evidence.text == ID


def test_label_and_value_on_one_line_apart_are_paired_when_the_rules_are_lost() -> None:
    form = page()
    words = [
        WordRecord(ch, 0.99, [100 + 30 * i, 300, 128 + 30 * i, 330], [0, 0, 1, 1])
        for i, ch in enumerate("姓名")
    ] + [
        WordRecord(ch, 0.99, [300 + 30 * i, 300, 328 + 30 * i, 330], [0, 0, 1, 1])
        for i, ch in enumerate("张三")
    ]
    line = LineRecord("姓名张三", 0.99, [100, 300, 388, 330], [0, 0, 1, 1], words)
    got = _by_key(extract([replace(form, lines=[*form.lines, line])]))
    assert got["name"].value == "张三"
    # A value of one character too ("性别   男").
    sex = replace(line, words=[replace(w, text=ch) for w, ch in zip(words, "性别男", strict=False)])
    got = _by_key(extract([replace(form, lines=[*form.lines, sex])]))
    assert got["gender"].value == "男"
    # Without the gap "姓名张三" is one run of text, not a label and a value.
    close = [replace(w, box=[100 + 30 * i, 300, 128 + 30 * i, 330]) for i, w in enumerate(words)]
    got = _by_key(extract([replace(form, lines=[*form.lines, replace(line, words=close)])]))
    assert got["name"].value is None
    # Nor when other text stands between them (a lost value, then another field's label).
    between = LineRecord(
        "性别",
        0.99,
        [200, 300, 258, 330],
        [0, 0, 1, 1],
        [WordRecord("性别", 0.99, [200, 300, 258, 330], [0, 0, 1, 1])],
    )
    got = _by_key(extract([replace(form, lines=[*form.lines, line, between])]))
    assert got["name"].value is None


def test_a_letter_in_a_year_is_repaired_when_only_one_digit_fits_the_age() -> None:
    got = _by_key(extract([page(_replace(REGISTER, "1965.03", "H965.03"))]))
    enlisted = got["enlistment_date"]
    assert enlisted.value == "1965-03" and not enlisted.needs_review
    assert enlisted.repair is not None and "H" in enlisted.repair
    # The leading 1 or 一 cut off by the cell edge; a speck read as a dot inside the year.
    for misread in ("965.03", "九六五年三月", "196.5.03"):
        got = _by_key(extract([page(_replace(REGISTER, "1965.03", misread))]))
        assert got["enlistment_date"].value == "1965-03", misread
    # Without a valid ID to give the birth year, nothing proves the digit: flagged instead.
    table = _replace(_replace(REGISTER, "1965.03", "H965.03"), ID, "")
    got = _by_key(extract([page(table)]))
    assert got["enlistment_date"].needs_review and got["enlistment_date"].repair is None


def test_a_label_read_where_a_value_should_be_is_not_taken_for_one() -> None:
    for read in ("性别'", "性别·", "性别男"):  # a speck after it; a lost rule
        got = _by_key(extract([page(_replace(REGISTER, "任克己", read))]))
        assert got["name"].value is None and got["name"].needs_review


def test_a_stray_character_before_a_date_is_removed_and_the_date_flagged() -> None:
    got = _by_key(extract([page(_replace(REGISTER, "1965.03", "中1965.03"))]))
    enlisted = got["enlistment_date"]
    assert enlisted.value == "1965-03" and enlisted.needs_review and enlisted.repair


def test_a_native_place_cut_short_or_with_a_speck_inside_goes_to_review() -> None:
    for read in ("台", "安徽省肥西,县"):
        got = _by_key(extract([page(_replace(REGISTER, "安徽省肥西县", read))]))
        assert got["native_place"].needs_review, read
    assert not _by_key(extract([page(REGISTER)]))["native_place"].needs_review


def test_a_speck_read_as_a_mark_inside_a_value_is_taken_out_and_the_value_flagged() -> None:
    table = _replace(_replace(REGISTER, "安徽省肥西县", "安徽省肥西,县"), "81044部队", "81044.部队")
    got = _by_key(extract([page(table)]))
    for key, value in (("native_place", "安徽省肥西县"), ("unit", "81044部队")):
        assert got[key].value == value and got[key].needs_review and got[key].repair, key
    # Inside a date's year too, when only one reading then fits the age the ID gives.
    got = _by_key(extract([page(_replace(REGISTER, "1965.03", "1:96.5-03"))]))
    assert got["enlistment_date"].value == "1965-03" and got["enlistment_date"].repair


def test_labels_and_values_whose_cells_were_lost_are_still_paired() -> None:
    # A value read outside its cell, beside its label; a label outside its cell, beside its
    # value; a misread label (族) beside a value one character from 民族 (汉族).
    table = _replace(REGISTER, "民族", "族")
    got = _by_key(extract([page(table, lost=frozenset({"任克己", "族", "籍贯"}))]))
    assert got["name"].value == "任克己"
    assert got["ethnicity"].value == "汉族"
    assert got["native_place"].value == "安徽省肥西县"
    # Labels above values: the value under a label whose cell was lost, cell or not.
    card = [["姓名", "出生日期", "服役单位"], ["张三", "1962.10.01", "55919部队"]]
    got = _by_key(extract([page(card, lost=frozenset({"姓名", "张三", "出生日期"}))]))
    assert got["name"].value == "张三" and got["birth_date"].value == "1962-10-01"
    assert got["unit"].value == "55919部队"


def test_labels_and_values_run_together_are_cut_at_the_labels() -> None:
    # A row whose rules were all lost, read as one line; a value cell joined to the next.
    lines = ["主名陈静性别男民族满族", "入伍时间2003.01退伍时间2012.11", "伤残等级无参战参试情况无"]
    table = [["出生年月", "1984.03公民身份号码340122198403216278"]]
    got = _by_key(extract([page(table, text=lines)]))
    assert got["name"].value == "陈静" and got["ethnicity"].value == "满族"  # 主名: 姓名
    assert got["enlistment_date"].value == "2003-01"
    assert got["discharge_date"].value == "2012-11"
    assert got["disability_grade"].value == "无" and got["combat_or_test"].value == "无"
    assert got["birth_date"].value == "1984-03"
    assert got["id_number"].value == "340122198403216278"
    assert not any(got[k].needs_review for k in ("birth_date", "id_number", "discharge_date"))


def test_a_date_cut_short_after_its_month_goes_to_review() -> None:
    got = _by_key(extract([page(_replace(REGISTER, "一九八五年八月", "一九八五年十"))]))
    assert got["discharge_date"].value == "1985-10" and got["discharge_date"].needs_review


def test_list_items_are_joined_with_the_separator_however_it_was_read() -> None:
    for read in ("嘉奖一次丶个人三等功一次", "嘉奖一次，个人三等功一次", "嘉奖一次个人三等功一次"):
        got = _by_key(extract([page(_replace(REGISTER, "嘉奖一次", read))]))
        assert got["awards"].value == "嘉奖一次、个人三等功一次", read
        assert not got["awards"].needs_review


def test_a_list_read_up_to_a_separator_goes_to_review() -> None:
    got = _by_key(extract([page(_replace(REGISTER, "嘉奖一次", "嘉奖一次、"))]))
    assert got["awards"].value == "嘉奖一次" and got["awards"].needs_review


def test_the_value_beside_one_label_is_not_taken_for_the_lost_value_above_it() -> None:
    table = [["姓名", "任克己", "公民身份号码"], ["民族", "籍贯", "安徽省肥西县"]]
    got = _by_key(extract([page(table)]))
    assert got["id_number"].value is None and got["id_number"].needs_review
    assert got["native_place"].value == "安徽省肥西县"


def _free_line(pieces: list[tuple[int, str]], y: int) -> LineRecord:
    """One line read outside any cell, its pieces of text starting at the x given."""
    words = [
        WordRecord(ch, 0.99, [x + 20 * i, y, x + 20 * i + 18, y + 30], [0, 0, 1, 1])
        for x, text in pieces
        for i, ch in enumerate(text)
    ]
    text = "".join(t for _, t in pieces)
    return LineRecord(
        text, 0.99, [words[0].box[0], y, words[-1].box[2], y + 30], [0, 0, 1, 1], words
    )


def test_a_card_form_whose_rules_were_all_lost_is_read_down_its_columns() -> None:
    labels = _free_line([(100, "姓名"), (300, "性别"), (500, "出生年月")], 100)
    values = _free_line([(100, "张三"), (300, "男"), (500, "1962.10")], 150)
    form = page()
    got = _by_key(extract([replace(form, lines=[*form.lines, labels, values])]))
    assert got["name"].value == "张三" and got["gender"].value == "男"
    assert got["birth_date"].value == "1962-10"


def test_sentences_whose_commas_were_not_read_still_state_their_facts() -> None:
    lines = ["王国强同志1963-07-06出生于1983.02入伍在82782部队服役。", "王国强同志男公民身份号码"]
    got = _by_key(extract([page(text=lines)]))
    assert got["birth_date"].value == "1963-07-06" and got["gender"].value == "男"
    assert got["enlistment_date"].value == "1983-02" and got["unit"].value == "82782部队"
