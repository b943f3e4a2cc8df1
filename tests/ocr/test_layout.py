"""Table cells from rules, and reading order by the grid."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np

from archive.filetype import sniff
from ingest.scans import ScanLimits, load_page
from ocr.engines import EngineSpec
from ocr.layout import Cell, arrange, find_cells
from ocr.pipeline import read_page
from ocr.preprocess import PreprocessOptions
from ocr.refine import PageState, confirm_digits, missed_lines, read_missed_lines, second_look
from ocr.types import Box, Line, Recognition, Word
from ocr.words import line_of, rows_from_words
from scripts.ocr_metrics import normalise
from scripts.samplegen.generate import generate
from tests.fakes.engines import FakeEngine

DPI = 150


def _grid(rows: list[int], cols: list[int], size: tuple[int, int] = (1000, 800)) -> np.ndarray:
    mask = np.zeros((size[1], size[0]), np.uint8)
    for y in rows:
        mask[y : y + 3, cols[0] : cols[-1] + 3] = 255
    for x in cols:
        mask[rows[0] : rows[-1] + 3, x : x + 3] = 255
    return mask


def test_cells_are_the_paper_enclosed_by_rules_in_grid_order() -> None:
    mask = _grid([100, 160, 220], [50, 250, 500, 900])
    mask[163:220, 500:503] = 0  # the second row's last two cells are one, merged
    cells = find_cells(mask, DPI)
    assert [(c.row, c.col) for c in cells] == [(0, 0), (0, 1), (0, 2), (1, 0), (1, 1)]
    assert cells[0].box == Box(53, 103, 250, 160)
    assert cells[4].box.x0 == 253 and cells[4].box.x1 == 900


def test_a_rule_broken_by_a_dropout_still_closes_its_cells() -> None:
    mask = _grid([100, 160, 220], [50, 250, 900])
    mask[100:103, 400:405] = 0  # a 5-pixel gap in the top rule
    mask[160:220, 250:253][20:24] = 0  # and in a vertical one
    assert len(find_cells(mask, DPI)) == 4


def test_no_rules_no_cells_and_the_page_margin_is_not_a_cell() -> None:
    assert find_cells(np.zeros((600, 400), np.uint8), DPI) == ()
    mask = np.zeros((600, 400), np.uint8)
    mask[300:303, :] = 255  # one rule across the page: two halves, both touch the edge
    assert find_cells(mask, DPI) == ()


def _word(text: str, x0: int, y0: int, conf: float = 0.9) -> Word:
    return Word(text, Box(x0, y0, x0 + 30 * len(text), y0 + 30), conf)


def test_rows_from_words_groups_by_height_overlap_and_sorts_left_to_right() -> None:
    words = [_word("张三", 300, 102), _word("姓名", 10, 100), _word("性别", 10, 200)]
    assert [[w.text for w in row] for row in rows_from_words(words)] == [
        ["姓名", "张三"],
        ["性别"],
    ]


def test_arrange_reads_cells_row_by_row_label_before_value_and_free_text_around() -> None:
    cells = (
        Cell(Box(50, 100, 250, 160), 0, 0),
        Cell(Box(250, 100, 600, 160), 0, 1),
        Cell(Box(50, 160, 250, 220), 1, 0),
        Cell(Box(250, 160, 600, 220), 1, 1),
    )
    # The engine read a whole row as one line, value first, and the title last.
    engine_lines = [
        Line(
            "张三姓名",
            Box(60, 110, 400, 140),
            0.9,
            (_word("张三", 300, 110), _word("姓名", 60, 110)),
        ),
        Line(
            "男性别", Box(60, 170, 330, 200), 0.9, (_word("男", 300, 170), _word("性别", 60, 170))
        ),
        Line("登记表", Box(200, 20, 290, 50), 0.9, (_word("登记表", 200, 20),)),
        Line("备注", Box(60, 300, 120, 330), 0.9, (_word("备注", 60, 300),)),
    ]
    words = [w for line in engine_lines for w in line.words]
    arranged = arrange("test", words, cells)
    assert [(line.text, line.cell) for line in arranged.lines] == [
        ("登记表", None),
        ("姓名", 0),
        ("张三", 1),
        ("性别", 2),
        ("男", 3),
        ("备注", None),
    ]


def test_generated_forms_read_cell_by_cell(tmp_path: Path) -> None:
    """Every label and value of a mildly degraded form comes back as its own cell's line."""
    sample = generate(tmp_path, count=1, seed=21, dpi=DPI, formats=("png",), levels=("mild",))[0]
    truth = json.loads(sample.truth_path.read_text(encoding="utf-8"))["pages"][0]
    image = load_page(
        sample.path, sniff(sample.path.read_bytes()[:64]), 1, ScanLimits(DPI, 10, 10**8)
    )
    reading = read_page(image, EngineSpec("rapidocr").build(), PreprocessOptions(dpi=DPI))
    wanted = [normalise(i["text"]) for i in truth["items"] if i["role"] in ("label", "value")]
    read = [normalise(line.text) for line in reading.lines if line.cell is not None]
    assert len(reading.cells) == len(wanted)
    matched = sum(1 for a, b in zip(wanted, read, strict=False) if a == b)
    assert matched >= 0.9 * len(wanted), str(list(zip(wanted, read, strict=False)))


def _state(
    binary: np.ndarray, cells: tuple[Cell, ...], words: list[Word], page: np.ndarray | None = None
) -> PageState:
    return PageState(binary if page is None else page, binary, cells, DPI, tuple(words))


def _lines(state: PageState) -> tuple[Line, ...]:
    """The page's lines in reading order, as the pipeline arranges them after the passes."""
    return arrange("x", list(state.words), state.cells).lines


class _CropOnlyReader(FakeEngine):
    """Reads nothing on a whole page, and one glyph on any small crop: stands in for a text
    detector that misses a lone character, to show where the second look puts what it reads."""

    name = "crop-only"

    def recognize(self, image: np.ndarray) -> Recognition:
        if image.shape[0] > 300:
            return Recognition(self.name, ())
        return Recognition(self.name, (line_of([Word("无", Box(20, 10, 40, 30), 0.9)]),))


def test_a_cell_with_ink_but_no_text_is_read_again_on_its_own() -> None:
    inset, pad = max(2, DPI // 60), DPI // 10
    binary = np.full((600, 800), 255, np.uint8)
    # A glyph in the second cell only, where the reader finds it in the cell's crop.
    binary[100 + inset - pad + 10 : 100 + inset - pad + 30, 262:282] = 0
    cells = (Cell(Box(50, 100, 250, 160), 0, 0), Cell(Box(250, 100, 600, 160), 0, 1))
    read = second_look(_state(binary, cells, []), _CropOnlyReader())
    [line] = _lines(read)
    assert line.text == "无" and line.cell == 1
    assert line.box == Box(
        250 + inset - pad + 20,
        100 + inset - pad + 10,
        250 + inset - pad + 40,
        100 + inset - pad + 30,
    )


def test_a_cell_read_unsure_is_read_again_and_the_surer_reading_stands() -> None:
    binary = np.full((600, 800), 255, np.uint8)
    cells = (Cell(Box(50, 100, 250, 160), 0, 0), Cell(Box(250, 100, 600, 160), 0, 1))
    unsure = Word("天", Box(300, 110, 320, 130), 0.4)
    sure = Word("性别", Box(60, 110, 100, 130), 0.95)
    again = second_look(_state(binary, cells, [sure, unsure]), _CropOnlyReader())
    assert [(line.text, line.cell) for line in _lines(again)] == [("性别", 0), ("无", 1)]
    # A re-reading no surer than the first leaves the first in place.
    doubtful = _state(binary, cells, [replace(unsure, confidence=0.95)])
    kept = second_look(doubtful, _CropOnlyReader(), unsure_below=0.99)
    assert kept == doubtful


class _FixedReader(FakeEngine):
    """Reads the given words (boxes in page coordinates) on any crop of the cell at x 250, y 100:
    stands in for an engine whose crop reading differs from its page reading."""

    name = "fixed"

    def __init__(self, words: list[Word]) -> None:
        inset, pad = max(2, DPI // 60), DPI // 10
        dx, dy = 250 + inset - pad, 100 + inset - pad
        self.words = [
            replace(w, box=Box(w.box.x0 - dx, w.box.y0 - dy, w.box.x1 - dx, w.box.y1 - dy))
            for w in words
        ]

    def recognize(self, image: np.ndarray) -> Recognition:
        return Recognition(self.name, (line_of(self.words),))


def test_a_reading_that_leaves_ink_unread_yields_to_one_that_reads_it_all() -> None:
    binary = np.full((600, 800), 255, np.uint8)
    binary[120:140, 300:320] = 0  # two glyphs in the second cell
    binary[120:140, 400:420] = 0
    cells = (Cell(Box(50, 100, 250, 160), 0, 0), Cell(Box(250, 100, 600, 160), 0, 1))
    first, second = Box(300, 120, 320, 140), Box(400, 120, 420, 140)
    # The page reading saw only the second glyph, surely; read alone, the cell gives both.
    part = _state(binary, cells, [Word("月", second, 0.99)])
    both = _FixedReader([Word("三", first, 0.85), Word("月", second, 0.85)])
    again = second_look(part, both)
    assert [line.text for line in _lines(again)] == ["三月"]
    # A surer reading that drops a glyph the first one read does not replace it.
    unsure = _state(binary, cells, [Word("三", first, 0.6), Word("月", second, 0.9)])
    kept = second_look(unsure, _FixedReader([Word("月", second, 0.99)]))
    assert kept == unsure


class _SealBlindReader(_FixedReader):
    """Reads both glyphs only where no grey is left (the binary page): a seal's faint ring
    across them spoils the grey one."""

    def __init__(self, words: list[Word]) -> None:
        super().__init__(words)
        self.grey_words = self.words[1:]

    def recognize(self, image: np.ndarray) -> Recognition:
        grey = bool(np.any((image > 0) & (image < 255)))
        return Recognition(self.name, (line_of(self.grey_words if grey else self.words),))


def test_a_cell_is_read_again_from_the_binary_page_too() -> None:
    binary = np.full((600, 800), 255, np.uint8)
    binary[120:140, 300:320] = 0
    binary[120:140, 400:420] = 0
    grey = binary.copy()
    grey[110:150, 290:430] = np.minimum(grey[110:150, 290:430], 200)  # the seal's ring
    cells = (Cell(Box(50, 100, 250, 160), 0, 0), Cell(Box(250, 100, 600, 160), 0, 1))
    first, second = Box(300, 120, 320, 140), Box(400, 120, 420, 140)
    part = _state(binary, cells, [Word("月", second, 0.99)], page=grey)
    reader = _SealBlindReader([Word("三", first, 0.85), Word("月", second, 0.85)])
    again = second_look(part, reader)
    assert [line.text for line in _lines(again)] == ["三月"]


class _NarrowOnlyReader(FakeEngine):
    """Reads a glyph only on a crop no wider than 100 px, at its middle: stands in for a
    detector that misses a lone glyph in a wide cell."""

    name = "narrow-only"

    def recognize(self, image: np.ndarray) -> Recognition:
        h, w = image.shape[:2]
        if w > 100:
            return Recognition(self.name, ())
        box = Box(w // 2 - 10, h // 2 - 10, w // 2 + 10, h // 2 + 10)
        return Recognition(self.name, (line_of([Word("女", box, 0.99)]),))


def test_a_lone_glyph_the_cell_reading_misses_is_read_from_its_ink_cut_tight() -> None:
    binary = np.full((600, 800), 255, np.uint8)
    binary[120:140, 300:320] = 0
    cells = (Cell(Box(250, 100, 600, 160), 0, 0),)
    read = second_look(_state(binary, cells, []), _NarrowOnlyReader())
    [line] = _lines(read)
    assert line.text == "女" and line.cell == 0 and line.box == Box(300, 120, 320, 140)


def test_text_outside_any_cell_that_no_word_covers_is_found_and_read() -> None:
    binary = np.full((600, 800), 255, np.uint8)
    for x in range(300, 420, 24):  # five glyphs of a line the page reading missed
        binary[400:420, x : x + 18] = 0
    binary[200:204, 600:604] = 0  # a speck
    binary[120:140, 300:320] = 0  # a glyph inside a cell: the second look's to read
    binary[500:520, 100:118] = 0  # a glyph already read
    cells = (Cell(Box(250, 100, 600, 160), 0, 0),)
    read = [Word("男", Box(100, 500, 118, 520), 0.99)]
    assert missed_lines(binary, cells, read, DPI) == [Box(300, 400, 414, 420)]
    found = read_missed_lines(_state(binary, cells, read), _CropOnlyReader())
    assert [(line.text, line.cell) for line in _lines(found)] == [("无", None), ("男", None)]


class _SpeckReader(FakeEngine):
    """Reads nothing on a whole cell; on a tighter crop, the speck at its left edge as "+"
    and the text after it again."""

    name = "speck"

    def recognize(self, image: np.ndarray) -> Recognition:
        pad = DPI // 10
        if image.shape[1] > 250:
            return Recognition(self.name, ())
        speck = Word("+", Box(pad, pad, pad + 6, pad + 6), 0.99)
        text = Word("部队", Box(pad + 20, pad - 5, pad + 100, pad + 15), 0.99)
        return Recognition(self.name, (line_of([speck, text]),))


def test_specks_beside_a_value_are_not_read_into_it() -> None:
    binary = np.full((600, 800), 255, np.uint8)
    binary[120:140, 320:400] = 0  # the value, read already
    binary[125:131, 300:306] = 0  # specks on either side of it
    binary[125:131, 420:426] = 0
    cells = (Cell(Box(250, 100, 600, 160), 0, 0),)
    read = _state(binary, cells, [Word("部队", Box(320, 120, 400, 140), 0.95)])
    again = second_look(read, _SpeckReader())
    assert [line.text for line in _lines(again)] == ["部队"]


def test_digits_two_readings_disagree_on_lose_their_confidence() -> None:
    page = np.full((600, 800), 255, np.uint8)
    cells = (Cell(Box(50, 100, 250, 160), 0, 0), Cell(Box(250, 100, 600, 160), 0, 1))
    date = Word("1976.01", Box(300, 120, 370, 140), 1.0)
    label = Word("入伍时间", Box(60, 120, 140, 140), 1.0)
    read = _state(page, cells, [label, date])
    again = confirm_digits(read, _FixedReader([replace(date, text="1976.04")]))
    assert [(line.text, line.confidence) for line in _lines(again)] == [
        ("入伍时间", 1.0),
        ("1976.01", 0.5),
    ]
    # Read the same way twice, the digits keep the confidence they had.
    assert confirm_digits(read, _FixedReader([date])) == read
