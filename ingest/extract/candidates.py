"""Where values are on a page: the cell beside or below a label, a label and value on one line,
and sentences of running text. Each candidate keeps the words it was read from."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from rapidfuzz.distance import Levenshtein

from archive.domain import PageRecord, WordRecord
from archive.page_words import box_around
from archive.text import closed_up, fold
from ingest.extract.assign import strong_label
from ingest.extract.runs import segment
from ingest.extract.spec import SEPARATORS, FieldSpec, default_other_labels
from ingest.extract.values import normalise

_SEPARATOR_CHARS = set(SEPARATORS.strip("[]"))
# Each character as read, with the word it came from.
Chars = list[tuple[str, WordRecord]]


@dataclass(frozen=True, slots=True)
class Candidate:
    key: str
    raw: str  # as read, width folded
    page: int
    words: tuple[WordRecord, ...]  # the words the value was read from
    source: str  # "table" | "line" | "pair" (a label fields.toml does not word so) | "sentence"
    doubt: str | None = None  # why the value may belong to another field

    @property
    def box(self) -> list[int]:
        """The value's box on the original page image."""
        return box_around(self.words)

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
    text = _strip_separators(closed_up(fold(text)))
    if not text:
        return None
    for spec in specs:
        if text in spec.labels:
            return spec.key
    if text in default_other_labels():
        return None  # a label of something else, however close (入党时间, 入伍时间)
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
    for fields whose label is not on the page already, in places no label gives a value to.
    A value a field may take is never one: 汉族 is one character from 民族 too."""
    present = {k for k in keys.values() if k is not None}
    values = {v for spec in specs for v in spec.values}
    for i, text in texts.items():
        if keys[i] is None and i not in excluded and text not in values:
            key = label_key(text, specs, short=True)
            if key is not None and key not in present:
                keys[i] = key
                present.add(key)


def _label_prefix(chars: Chars, specs: tuple[FieldSpec, ...]) -> tuple[str, int] | None:
    """(field, where its value starts) when the characters start with a label followed by a
    separator ("姓名：张三") or by a gap of most of a character ("姓名   张三", a form whose
    rules were lost)."""
    text = "".join(ch for ch, _ in chars)
    best: tuple[str, int, int] | None = None  # key, label length, value start
    for spec in specs:
        for label in spec.labels:
            n = len(label)
            if not text.startswith(label) or len(text) <= n:
                continue
            if text[n] in _SEPARATOR_CHARS:
                start = n + 1
                if start == len(text):
                    continue
            else:
                before, after = chars[n - 1][1], chars[n][1]
                height = before.box[3] - before.box[1]
                if after is before or after.box[0] - before.box[2] < 0.8 * height:
                    continue
                start = n
            if best is None or n > best[1]:
                best = (spec.key, n, start)
    return None if best is None else (best[0], best[2])


def _label_starts(text: str, specs: tuple[FieldSpec, ...]) -> list[tuple[int, int, str]]:
    """(start, end, field) of every label printed in ``text``, longest label first."""
    labels = sorted(
        ((label, spec.key) for spec in specs for label in spec.labels), key=lambda x: -len(x[0])
    )
    found = []
    i = 0
    while i < len(text):
        hit = next(((label, key) for label, key in labels if text.startswith(label, i)), None)
        if hit is None:
            i += 1
        else:
            found.append((i, i + len(hit[0]), hit[1]))
            i += len(hit[0])
    return found


def _misread_label_at(
    head: str, specs: tuple[FieldSpec, ...], present: set[str]
) -> tuple[str, int] | None:
    """(field, label length) when ``head`` starts with a label misread by one character and a
    value follows ("主名姚国强" before 性别男…), when exactly one field not already on the
    row fits."""
    near = {
        (spec.key, len(label))
        for spec in specs
        for label in spec.labels
        if len(head) > len(label) and Levenshtein.distance(head[: len(label)], label) == 1
    }
    fits = {(key, n) for key, n in near if key not in present}
    return fits.pop() if len(fits) == 1 else None


def _labelled_values(
    chars: Chars, specs: tuple[FieldSpec, ...], after_value: bool = False
) -> list[tuple[str, int, int]]:
    """(field, value start, value end) for text that starts with a label: every label and the
    text up to the next one when it holds two or more ("入伍时间2003.01退伍时间2012.11", a row
    whose rules were lost) or follows another label's value, else the one label's value as
    ``_label_prefix`` finds it. Where that leaves a value that is none of its field's, and for
    labels fields.toml does not word, the run is cut as places all of it."""
    text = "".join(ch for ch, _ in chars)
    found = _known_labelled_values(chars, text, specs, after_value)
    by_key = {s.key: s for s in specs}
    if found and all(normalise(text[a:b], by_key[k]).valid for k, a, b in found):
        return found
    cut = segment(text, specs)
    return [(k, a, b) for k, a, b in cut if k] if cut else found


def _known_labelled_values(
    chars: Chars, text: str, specs: tuple[FieldSpec, ...], after_value: bool
) -> list[tuple[str, int, int]]:
    starts = _label_starts(text, specs)
    if starts and starts[0][0] > 0:
        misread = _misread_label_at(text[: starts[0][0]], specs, {k for _, _, k in starts})
        if misread is not None:
            starts.insert(0, (0, misread[1], misread[0]))
    if starts and starts[0][0] == 0 and (len(starts) >= 2 or after_value):
        found = []
        ends = [start for start, _, _ in starts[1:]] + [len(text)]
        for (_, value, key), end in zip(starts, ends, strict=True):
            while value < end and text[value] in _SEPARATOR_CHARS:
                value += 1
            if _strip_separators(text[value:end]):
                found.append((key, value, end))
        return found
    prefix = _label_prefix(chars, specs)
    return [] if prefix is None else [(prefix[0], prefix[1], len(text))]


def _before_labels(
    chars: Chars, specs: tuple[FieldSpec, ...], key: str | None = None
) -> tuple[Chars, Chars]:
    """A value cut where another label starts in it (a lost rule joined two cells): the
    value, and the rest, which the caller reads as labels and values of their own. Where that
    leaves no value of ``key``'s field, the run is cut as places all of it (a label fields.toml
    does not word may follow: "土家族生日52年6月")."""
    text = "".join(ch for ch, _ in chars)
    starts = _label_starts(text, specs)
    cut = starts[0][0] if starts else len(chars)
    spec = next((s for s in specs if s.key == key), None)
    if spec is not None and not normalise(text[:cut], spec).valid:
        segments = segment(text, specs, first=spec.key)
        if segments:
            cut = segments[0][2]
    return chars[:cut], chars[cut:]


def chars_of(words: list[WordRecord]) -> Chars:
    """Each folded character with the word it came from."""
    return [(ch, w) for w in words for ch in fold(w.text)]


def words_of(chars: Chars) -> tuple[WordRecord, ...]:
    seen: dict[int, WordRecord] = {}
    for _, w in chars:
        seen.setdefault(id(w), w)
    return tuple(seen.values())


@dataclass(frozen=True, slots=True)
class Slot:
    """A place on a page that holds a label or a value: a table cell, empty or not, or a line
    read outside any cell (its rules faded, or cut off by the scan)."""

    box: list[int]  # on the processed page
    chars: Chars

    @property
    def text(self) -> str:
        return "".join(ch for ch, _ in self.chars)


def slots(page: PageRecord) -> list[Slot]:
    words_in: dict[int, list[WordRecord]] = {}
    free = []
    for line in page.lines:
        if line.cell is None:
            free.append(Slot(line.box, chars_of(line.words)))
        else:
            words_in.setdefault(line.cell, []).extend(line.words)
    cells = [Slot(c.box, chars_of(words_in.get(i, []))) for i, c in enumerate(page.cells)]
    return cells + free


def _overlap(a0: int, a1: int, b0: int, b1: int) -> int:
    return min(a1, b1) - max(a0, b0)


def beside(label: Slot, slots: list[Slot]) -> int | None:
    """The nearest slot to the right of ``label`` on its row."""
    x1, top, bottom = label.box[2], label.box[1], label.box[3]
    right = [
        i
        for i, s in enumerate(slots)
        if s.box[0] >= x1 - 2
        and _overlap(top, bottom, s.box[1], s.box[3])
        >= 0.5 * min(bottom - top, s.box[3] - s.box[1])
    ]
    return min(right, key=lambda i: slots[i].box[0], default=None)


def below(label: Slot, slots: list[Slot]) -> int | None:
    """The nearest slot under ``label``, sharing most of the narrower one's width, starting
    within one and a half of the label's heights under it."""
    x0, _, x1, y1 = label.box
    height = label.box[3] - label.box[1]
    under = [
        i
        for i, s in enumerate(slots)
        if y1 - 10 <= s.box[1] <= y1 + 1.5 * height
        and _overlap(x0, x1, s.box[0], s.box[2]) > 0.5 * min(x1 - x0, s.box[2] - s.box[0])
    ]
    return min(under, key=lambda i: slots[i].box[1], default=None)


def value_slot(
    label: int,
    all_slots: list[Slot],
    labels: set[int],
    beside_labels: set[int],
    fits: Callable[[str], bool] | None = None,
) -> int | None:
    """Where a label's value is: the next slot to its right, unless that is itself a label (a
    form with labels above values) or there is none; then the slot below it, unless that is
    the value beside another label (the value of this one was lost). An empty cell beside a
    label is a blank value, not a reason to look further. With ``fits`` (whether a text is a
    valid value of the label's field): text on the right that does not fit, over text below
    that does, is a label the reading could not place (籍 of 籍貫 in a row of labels), and the
    value is below."""
    right = beside(all_slots[label], all_slots)
    under = below(all_slots[label], all_slots)
    if under in labels or under in beside_labels:
        under = None
    if right is None or right in labels:
        return under
    if (
        fits is not None
        and under is not None
        and all_slots[right].chars
        and not fits(all_slots[right].text)
        and fits(all_slots[under].text)
    ):
        return under
    return right


def _fits(spec: FieldSpec, text: str) -> bool:
    return normalise(text, spec).valid


def _candidate(key: str, chars: Chars, page: int, source: str) -> Candidate:
    return Candidate(key, "".join(ch for ch, _ in chars), page, words_of(chars), source)


def form_candidates(page: PageRecord, specs: tuple[FieldSpec, ...]) -> list[Candidate]:
    """Labels of a form and the values beside or below them, in cells or in lines whose cell
    the layout did not find; and labels with their values written in one cell."""
    all_slots = slots(page)
    texts = {i: s.text for i, s in enumerate(all_slots) if s.chars}
    keys = {i: label_key(t, specs) for i, t in texts.items()}
    # Text that starts with a label is never another label's value, nor is a label fields.toml
    # words otherwise (生日 beside 姓名 on a card form: the name is below).
    others = default_other_labels()
    led = {
        i
        for i, t in texts.items()
        if ((starts := _label_starts(t, specs)) and not starts[0][0])
        or strong_label(t, specs, others)
    }
    labels = {i for i, key in keys.items() if key is not None}
    taken = {v for i in labels if (v := value_slot(i, all_slots, labels | led, set())) is not None}
    _misread_short_labels(texts, keys, taken, specs)
    labels = {i for i, key in keys.items() if key is not None}
    beside_labels = {
        b for i in labels if (b := beside(all_slots[i], all_slots)) is not None
    } - labels
    by_key = {s.key: s for s in specs}
    found = []
    for i in texts:
        key = keys[i]
        if key is not None:
            fits = partial(_fits, by_key[key])
            target = value_slot(i, all_slots, labels | led, beside_labels, fits)
            if target is None:
                continue
            value, rest = _before_labels(all_slots[target].chars, specs, key)
            source = "table" if max(i, target) < len(page.cells) else "line"
            if value:
                found.append(_candidate(key, value, page.number, source))
        elif i < len(page.cells):
            source, rest = "table", all_slots[i].chars
        else:
            continue  # a free line's own labels are text_candidates' to read
        found += [
            _candidate(k, rest[start:end], page.number, source)
            for k, start, end in _labelled_values(rest, specs, after_value=key is not None)
        ]
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
    stream: Chars = []
    line_starts = []
    for line in page.lines:
        if line.cell is not None:
            continue
        chars = chars_of(line.words)
        found += [
            _candidate(key, chars[start:end], page.number, "line")
            for key, start, end in _labelled_values(chars, specs)
            if not _text_between(page, chars[start - 1][1], chars[start][1])
        ]
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
                found.append(_candidate(spec.key, span, page.number, "sentence"))
    return found


def column_candidates(page: PageRecord, specs: tuple[FieldSpec, ...]) -> list[Candidate]:
    """A row of labels read as one line and its values as the line under it (a card form
    whose rules were all lost: "姓名性别民族" over "薛光明男汉族"): each value word goes to
    the label it starts under, as a person reading down the columns would take it."""
    found = []
    free = [Slot(line.box, chars_of(line.words)) for line in page.lines if line.cell is None]
    for line in free:
        starts = _label_starts(line.text, specs)
        spans = [(start, end) for start, end, _ in starts]
        whole = [0] + [end for _, end in spans] == [start for start, _ in spans] + [len(line.text)]
        under = below(line, free) if len(starts) >= 2 and whole else None
        if under is None:
            continue
        height = line.box[3] - line.box[1]
        lefts = [line.chars[start][1].box[0] - height // 2 for start, _, _ in starts]
        columns: list[Chars] = [[] for _ in starts]
        for ch, word in free[under].chars:
            starts_left = [i for i, left in enumerate(lefts) if left <= word.box[0]]
            if starts_left:
                columns[starts_left[-1]].append((ch, word))
        found += [
            _candidate(key, column, page.number, "line")
            for (_, _, key), column in zip(starts, columns, strict=True)
            if column
        ]
    return found


def page_candidates(page: PageRecord, specs: tuple[FieldSpec, ...]) -> list[Candidate]:
    return (
        form_candidates(page, specs) + column_candidates(page, specs) + text_candidates(page, specs)
    )
