"""The words in a pointed box, and the label beside a value, by layout alone: on the value's
own line ("label：value"), in the cell to its left, or over it; nothing where no label is."""

from __future__ import annotations

from archive.domain import LineRecord, PageRecord, WordRecord
from archive.page_words import box_around, label_beside, segments, words_in


def _line(text: str, x: int, y: int, width: int = 40, confidence: float = 0.95) -> LineRecord:
    """A line of one-character words, ``width`` pixels each, from (x, y); a space leaves a
    gap of a character."""
    words = [
        WordRecord(ch, confidence, [x + i * width, y, x + (i + 1) * width, y + 40], [])
        for i, ch in enumerate(text)
    ]
    words = [WordRecord(w.text, w.confidence, w.box, w.box) for w in words if not w.text.isspace()]
    box = [x, y, x + len(text) * width, y + 40]
    return LineRecord(text.replace(" ", ""), confidence, box, box, words)


def _page(*lines: LineRecord) -> PageRecord:
    return PageRecord(
        number=2,
        width=1200,
        height=1600,
        original_image="o.png",
        processed_image="p.png",
        rotation=0,
        skew_deg=0.0,
        engine="rapidocr",
        text="\n".join(line.text for line in lines),
        mean_confidence=0.9,
        lines=list(lines),
        steps=[],
    )


def _box_of(line: LineRecord, first: int, last: int) -> list[int]:
    a, b = line.words[first].box_original, line.words[last].box_original
    return [a[0], a[1], b[2], b[3]]


def test_the_label_before_the_value_on_its_own_line() -> None:
    line = _line("姓名：张三 祖居地：安徽省长丰县", 100, 300)
    page = _page(line)
    value = _box_of(line, 9, 14)  # 安徽省长丰县 (the space is no word)
    found = label_beside(page, value)
    assert found is not None and found.text == "祖居地" and found.page == 2
    assert found.box == _box_of(line, 5, 7)


def test_the_label_in_the_cell_to_the_left_and_not_the_one_further_away() -> None:
    far, near, value = _line("备注", 100, 500), _line("原属单位", 400, 505), _line("某部", 700, 500)
    found = label_beside(_page(far, near, value), value.box_original)
    assert found is not None and found.text == "原属单位"


def test_the_label_over_the_value() -> None:
    label, value = _line("入伍地点", 300, 400), _line("湖北省武汉市", 300, 470)
    found = label_beside(_page(label, value), value.box_original)
    assert found is not None and found.text == "入伍地点"


def test_no_label_where_none_reads_as_one() -> None:
    number, value = _line("1985", 100, 300), _line("安徽", 400, 300)
    assert label_beside(_page(number, value), value.box_original) is None
    alone = _line("安徽省长丰县", 300, 700)
    assert label_beside(_page(alone), alone.box_original) is None


def test_the_words_in_a_box_are_the_stored_reading_with_its_least_sure_confidence() -> None:
    sure, unsure = _line("入伍", 100, 100), _line("时间", 180, 100, confidence=0.6)
    found = words_in(_page(sure, unsure), [90, 90, 270, 150])
    assert found is not None
    assert (found.text, found.confidence, found.box) == ("入伍时间", 0.6, [100, 100, 260, 140])
    assert words_in(_page(sure), [500, 500, 600, 600]) is None


def test_what_may_be_pointed_at_is_each_line_cut_at_its_separators_and_blanks() -> None:
    page = _page(_line("姓名：张三 祖居地：安徽省长丰县", 100, 300), _line("备注", 100, 400))
    assert [s.text for s in segments(page)] == ["姓名", "张三", "祖居地", "安徽省长丰县", "备注"]


def _upside_down(line: LineRecord, width: int = 1200, height: int = 1600) -> LineRecord:
    """The line as it stands on a scan fed in upside down: the reading (``box``) upright, the
    scan's boxes (``box_original``) turned half round."""

    def turned(b: list[int]) -> list[int]:
        return [width - b[2], height - b[3], width - b[0], height - b[1]]

    words = [WordRecord(w.text, w.confidence, w.box, turned(w.box)) for w in line.words]
    return LineRecord(line.text, line.confidence, line.box, turned(line.box), words)


def test_on_a_scan_turned_upside_down_left_and_row_are_the_upright_pages() -> None:
    line = _upside_down(_line("籍贯：安徽省 男女", 100, 300))
    page = _page(line)
    value = box_around(line.words[3:6])  # 安徽省, on the scan
    found = label_beside(page, value)
    assert found is not None and found.text == "籍贯"
    assert [s.text for s in segments(page)] == ["籍贯", "安徽省", "男女"]
