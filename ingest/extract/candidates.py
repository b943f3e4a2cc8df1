"""Where values are on a page: the cell beside or below a label, a label and value on one line,
and sentences of running text. Each candidate keeps the words it was read from."""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein

from archive.domain import CellRecord, PageRecord, WordRecord
from ingest.extract.normalize import fold
from ingest.extract.spec import SEPARATORS, FieldSpec

_SEPARATOR_CHARS = set(SEPARATORS.strip("[]"))


@dataclass(frozen=True, slots=True)
class Candidate:
    key: str
    raw: str  # as read, width folded
    page: int
    words: tuple[WordRecord, ...]  # the words the value was read from
    source: str  # "table" | "line" | "sentence"

    @property
    def box(self) -> list[int]:
        """The value's box on the original page image."""
        boxes = [w.box_original for w in self.words]
        return [
            min(b[0] for b in boxes),
            min(b[1] for b in boxes),
            max(b[2] for b in boxes),
            max(b[3] for b in boxes),
        ]

    @property
    def ocr_confidence(self) -> float:
        """The least sure character decides: one misread digit makes the value wrong."""
        return min(w.confidence for w in self.words)


def _strip_separators(text: str) -> str:
    return text.strip("".join(_SEPARATOR_CHARS))


def label_key(text: str, specs: tuple[FieldSpec, ...], short: bool = False) -> str | None:
    """The field whose label ``text`` is: exactly, or within one misread character when exactly
    one field is that close. Two-character labels only with ``short``: one misread character
    turns 民族 into a value (汉族), so the caller must rule that out first."""
    text = _strip_separators(fold(text))
    if not text:
        return None
    for spec in specs:
        if text in spec.labels:
            return spec.key
    shortest = 2 if short else 3
    near = {
        spec.key
        for spec in specs
        for label in spec.labels
        if len(label) >= shortest and Levenshtein.distance(text, label) <= 1
    }
    return near.pop() if len(near) == 1 else None


def _misread_short_labels(
    texts: dict[int, str],
    keys: dict[int, str | None],
    excluded: set[int],
    specs: tuple[FieldSpec, ...],
) -> None:
    """Fill in ``keys`` for two-character labels misread by one character (生名 for 姓名),
    for fields whose label is not on the page already, in places no label gives a value to."""
    present = {k for k in keys.values() if k is not None}
    for i, text in texts.items():
        if keys[i] is None and i not in excluded:
            key = label_key(text, specs, short=True)
            if key is not None and key not in present:
                keys[i] = key


def _label_prefix(
    chars: list[tuple[str, WordRecord]], specs: tuple[FieldSpec, ...]
) -> tuple[str, int] | None:
    """(field, where its value starts) when the characters start with a label followed by a
    separator ("姓名：张三") or by a gap of most of a character ("姓名   张三", a form whose
    rules were lost)."""
    text = "".join(ch for ch, _ in chars)
    best: tuple[str, int, int] | None = None  # key, label length, value start
    for spec in specs:
        for label in spec.labels:
            n = len(label)
            if not text.startswith(label) or len(text) <= n + 1:
                continue
            if text[n] in _SEPARATOR_CHARS:
                start = n + 1
            else:
                before, after = chars[n - 1][1], chars[n][1]
                height = before.box[3] - before.box[1]
                if after is before or after.box[0] - before.box[2] < 0.8 * height:
                    continue
                start = n
            if best is None or n > best[1]:
                best = (spec.key, n, start)
    return None if best is None else (best[0], best[2])


def _chars(words: list[WordRecord]) -> list[tuple[str, WordRecord]]:
    """Each folded character with the word it came from."""
    return [(ch, w) for w in words for ch in fold(w.text)]


def _words_of(chars: list[tuple[str, WordRecord]]) -> tuple[WordRecord, ...]:
    seen: dict[int, WordRecord] = {}
    for _, w in chars:
        seen.setdefault(id(w), w)
    return tuple(seen.values())


def _value_cell(label: CellRecord, cells: list[CellRecord], labels: set[int]) -> int | None:
    """The value of a label cell: the next cell to its right in its row, unless that is itself
    a label (a form with labels above values); then the cell below it."""
    right = [i for i, c in enumerate(cells) if c.row == label.row and c.col > label.col]
    if right:
        nearest = min(right, key=lambda i: cells[i].col)
        if nearest not in labels:
            return nearest
    x0, _, x1, y1 = label.box
    below = [
        i
        for i, c in enumerate(cells)
        if c.row > label.row
        and min(x1, c.box[2]) - max(x0, c.box[0]) > 0.5 * (x1 - x0)
        and c.box[1] >= y1 - 10
    ]
    return min(below, key=lambda i: cells[i].row) if below else None


def table_candidates(page: PageRecord, specs: tuple[FieldSpec, ...]) -> list[Candidate]:
    words_in: dict[int, list[WordRecord]] = {}
    for line in page.lines:
        if line.cell is not None:
            words_in.setdefault(line.cell, []).extend(line.words)
    texts = {i: "".join(fold(w.text) for w in ws) for i, ws in words_in.items()}
    keys = {i: label_key(t, specs) for i, t in texts.items()}
    labels = {i for i, key in keys.items() if key is not None}
    values = {_value_cell(page.cells[i], page.cells, labels) for i in labels}
    _misread_short_labels(texts, keys, {v for v in values if v is not None}, specs)
    labels = {i for i, key in keys.items() if key is not None}
    found = []
    for i, key in keys.items():
        if key is None:
            continue
        target = _value_cell(page.cells[i], page.cells, labels)
        if target is None or target in labels:
            continue
        value_words = words_in.get(target, [])
        chars = _chars(value_words)
        if chars:
            raw = "".join(ch for ch, _ in chars)
            found.append(Candidate(key, raw, page.number, _words_of(chars), "table"))
    for i in texts:  # "姓名：张三" in one cell
        chars = _chars(words_in[i])
        prefix = None if keys[i] else _label_prefix(chars, specs)
        if prefix is not None:
            chars = chars[prefix[1] :]
            raw = "".join(ch for ch, _ in chars)
            found.append(Candidate(prefix[0], raw, page.number, _words_of(chars), "table"))
    return found


def _text_between(page: PageRecord, left: WordRecord, right: WordRecord) -> bool:
    """Whether other text on the page stands on the same row between two words: then they are
    not a label and its value, however the line was put together."""
    x0, x1 = left.box[2], right.box[0]
    top, bottom = left.box[1], left.box[3]
    return any(
        w.box[0] >= x0 and w.box[2] <= x1 and min(bottom, w.box[3]) > max(top, w.box[1])
        for line in page.lines
        for w in line.words
        if w is not left and w is not right
    )


def text_candidates(page: PageRecord, specs: tuple[FieldSpec, ...]) -> list[Candidate]:
    """Lines outside tables: "label：value" lines, and the sentences of fields.toml, matched
    across line breaks (a printed line may break inside a value or a cue word)."""
    found = []
    stream: list[tuple[str, WordRecord]] = []
    line_starts = []
    for line in page.lines:
        if line.cell is not None:
            continue
        chars = _chars(line.words)
        prefix = _label_prefix(chars, specs)
        if prefix is not None and not _text_between(
            page, chars[prefix[1] - 1][1], chars[prefix[1]][1]
        ):
            value = chars[prefix[1] :]
            raw = "".join(ch for ch, _ in value)
            found.append(Candidate(prefix[0], raw, page.number, _words_of(value), "line"))
        line_starts.append(len(stream))
        stream += chars
    text = "".join(ch for ch, _ in stream)
    for spec in specs:
        for sentence in spec.sentences:
            if sentence.at_line_start:
                matches = [m for i in line_starts if (m := sentence.pattern.match(text, i))]
            else:
                matches = list(sentence.pattern.finditer(text))
            for match in matches:
                span = stream[match.start("v") : match.end("v")]
                raw = "".join(ch for ch, _ in span)
                found.append(Candidate(spec.key, raw, page.number, _words_of(span), "sentence"))
    return found


def beside_candidates(page: PageRecord, specs: tuple[FieldSpec, ...]) -> list[Candidate]:
    """A label read outside any cell (its rules faded, or cut off by the scan) takes the text
    just to its right on the same row: what a person reading the form would take."""
    found = []
    texts = {i: line.text for i, line in enumerate(page.lines)}
    keys = {i: label_key(text, specs) for i, text in texts.items()}
    in_cells = {i for i, line in enumerate(page.lines) if line.cell is not None}
    _misread_short_labels(texts, keys, in_cells, specs)
    for i, line in enumerate(page.lines):
        key = keys[i]
        if key is None or line.cell is not None:
            continue
        x1, top, bottom = line.box[2], line.box[1], line.box[3]
        beside = [
            other
            for other in page.lines
            if other.box[0] >= x1 - 2
            and min(bottom, other.box[3]) - max(top, other.box[1])
            >= 0.5 * min(bottom - top, other.box[3] - other.box[1])
        ]
        if not beside:
            continue
        value = min(beside, key=lambda other: other.box[0])
        if label_key(value.text, specs) is None:
            chars = _chars(value.words)
            raw = "".join(ch for ch, _ in chars)
            found.append(Candidate(key, raw, page.number, _words_of(chars), "line"))
    return found


def page_candidates(page: PageRecord, specs: tuple[FieldSpec, ...]) -> list[Candidate]:
    return (
        table_candidates(page, specs)
        + beside_candidates(page, specs)
        + text_candidates(page, specs)
    )
