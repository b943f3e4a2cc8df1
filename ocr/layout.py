"""Layout: the cells of ruled tables, and the reading order of what the engine read.

Cells are found from the rules preprocessing took off the page: the paper enclosed by rules,
away from the page edge, and rectangular. Reading order then follows the grid (rows top to
bottom, cells left to right, so a label comes before its value) with each cell's words kept
together as one line; text outside any table is read in rows, top to bottom.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from ocr.types import Box, Line, Recognition, Word
from ocr.words import line_of, reading_order, text_rows


@dataclass(frozen=True, slots=True)
class Cell:
    box: Box  # the paper inside the cell's rules, on the processed image
    row: int  # grid row of the cell's top edge, 0-based over the page
    col: int  # grid column of the cell's left edge


def _cluster(values: list[int], tolerance: int) -> dict[int, int]:
    """Each value -> index of its cluster, clusters in ascending order (gaps > tolerance)."""
    index: dict[int, int] = {}
    previous: int | None = None
    current = -1
    for v in sorted(set(values)):
        if previous is None or v - previous > tolerance:
            current += 1
        index[v] = current
        previous = v
    return index


def find_cells(rules: np.ndarray, dpi: int) -> tuple[Cell, ...]:
    """Cells of the ruled tables on a page, in reading order, from its rule mask (ink = 255)."""
    # Rules broken by fading or a scan dropout would merge two cells: bridge short gaps.
    gap = max(3, dpi // 25) | 1  # odd: a centred kernel moves no edge
    closed = cv2.morphologyEx(rules, cv2.MORPH_CLOSE, np.ones((1, gap), np.uint8))
    closed = cv2.morphologyEx(closed, cv2.MORPH_CLOSE, np.ones((gap, 1), np.uint8))
    count, _, stats, _ = cv2.connectedComponentsWithStats(cv2.bitwise_not(closed), connectivity=4)
    h, w = rules.shape
    min_w, min_h = max(8, int(0.15 * dpi)), max(6, int(0.1 * dpi))
    boxes = []
    for i in range(1, count):
        x, y, bw, bh, area = (int(v) for v in stats[i])
        if x == 0 or y == 0 or x + bw == w or y + bh == h:
            continue  # the paper around the tables, not a cell
        if bw < min_w or bh < min_h or area < 0.8 * bw * bh or bw * bh > 0.5 * w * h:
            continue  # a sliver between double rules, a glyph's counter, or not a rectangle
        boxes.append(Box(x, y, x + bw, y + bh))
    tolerance = max(2, dpi // 20)
    rows = _cluster([b.y0 for b in boxes], tolerance)
    cols = _cluster([b.x0 for b in boxes], tolerance)
    cells = [Cell(b, rows[b.y0], cols[b.x0]) for b in boxes]
    return tuple(sorted(cells, key=lambda c: (c.row, c.col)))


def cell_of(word: Word, cells: tuple[Cell, ...]) -> int | None:
    """The index of the cell the word's centre falls in, if any."""
    return next((i for i, cell in enumerate(cells) if cell.box.holds_centre_of(word.box)), None)


def split_by_cell(
    words: list[Word], cells: tuple[Cell, ...]
) -> tuple[dict[int, list[Word]], list[Word]]:
    """Words by the cell they fall in, each cell's in reading order; and the words outside
    every cell, in the order given."""
    in_cell: dict[int, list[Word]] = {}
    free: list[Word] = []
    for word in words:
        index = cell_of(word, cells)
        if index is None:
            free.append(word)
        else:
            in_cell.setdefault(index, []).append(word)
    return {index: reading_order(found) for index, found in in_cell.items()}, free


def arrange(engine: str, words: list[Word], cells: tuple[Cell, ...]) -> Recognition:
    """Words in reading order: one line per table cell, in grid order, and rows of free text
    around the tables, everything sorted top to bottom."""
    in_cell, free = split_by_cell(words, cells)
    # Blocks to sort: each grid row of cells, each row of free text; keyed by their top.
    grid_rows: dict[int, tuple[int, list[Line]]] = {}
    for index in sorted(in_cell, key=lambda i: (cells[i].row, cells[i].col)):
        cell = cells[index]
        _, lines = grid_rows.setdefault(cell.row, (cell.box.y0, []))
        lines.append(line_of(in_cell[index], index))
    blocks = list(grid_rows.values())
    # Keys never go back up: a second column's rows follow the first's, not interleave.
    key = 0
    for row in text_rows(free):
        key = max(key, min(w.box.y0 for w in row))
        blocks.append((key, [line_of(row)]))
    blocks.sort(key=lambda block: block[0])
    return Recognition(engine, tuple(line for _, lines in blocks for line in lines))
