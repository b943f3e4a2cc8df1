"""Small OCR'd pages built by hand: tables of cells and lines of running text."""

from __future__ import annotations

from archive.domain import CellRecord, LineRecord, PageRecord, WordRecord

CELL_W, CELL_H = 200, 50


def _words(text: str, x: int, y: int, confidence: float) -> list[WordRecord]:
    return [
        WordRecord(
            ch,
            confidence,
            [x + 20 * i, y, x + 20 * i + 18, y + 30],
            [x + 20 * i, y, x + 20 * i + 18, y + 30],
        )
        for i, ch in enumerate(text)
    ]


def _line(text: str, x: int, y: int, confidence: float, cell: int | None) -> LineRecord:
    words = _words(text, x, y, confidence)
    box = [x, y, x + 20 * len(text), y + 30]
    return LineRecord(text, confidence, box, box, words, cell)


def page(
    table: list[list[str]] | None = None,
    text: list[str] | None = None,
    number: int = 1,
    confidence: dict[str, float] | None = None,
    lost: frozenset[str] = frozenset(),
) -> PageRecord:
    """A page with ``table`` (rows of cell texts; "" is an empty cell) under a title, then the
    lines of ``text``. ``confidence`` lowers the OCR confidence of the cells or lines named;
    the cells of the texts in ``lost`` were not found (their rules faded): their text is a
    line outside any cell."""
    confidence = confidence or {}
    cells: list[CellRecord] = []
    lines = [_line("登记表", 300, 20, 0.99, None)]
    for r, row in enumerate(table or []):
        for c, cell_text in enumerate(row):
            x, y = 100 + c * CELL_W, 100 + r * CELL_H
            conf = confidence.get(cell_text, 0.99)
            if cell_text in lost:
                lines.append(_line(cell_text, x + 5, y + 10, conf, None))
                continue
            box = [x, y, x + CELL_W, y + CELL_H]
            cells.append(CellRecord(r, c, box, box))
            if cell_text:
                lines.append(_line(cell_text, x + 5, y + 10, conf, len(cells) - 1))
    top = 100 + CELL_H * len(table or []) + 50
    for i, line in enumerate(text or []):
        lines.append(_line(line, 100, top + 40 * i, confidence.get(line, 0.99), None))
    return PageRecord(
        number=number,
        width=1000,
        height=1400,
        original_image="o.jpg",
        processed_image="p.png",
        rotation=0,
        skew_deg=0.0,
        engine="test",
        text="\n".join(line.text for line in lines),
        mean_confidence=0.99,
        lines=lines,
        steps=[],
        cells=cells,
    )
