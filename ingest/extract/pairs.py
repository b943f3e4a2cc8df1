"""Every label and its value on a page, whether or not the label is one fields.toml knows: the
cell beside or below a label, "label：value" in one cell or line, a label and a value apart on
one line, a compound label ("入伍/退伍时间" over "1985.03/1989.09") split into its parts."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from archive.domain import PageRecord, WordRecord
from archive.text import label_text
from ingest.extract import places
from ingest.extract.assign import strong_label
from ingest.extract.candidates import (
    Chars,
    Slot,
    below,
    beside,
    chars_of,
    slots,
    value_slot,
    words_of,
)
from ingest.extract.normalize import parse_date
from ingest.extract.spec import FieldSpec, default_other_labels

_CJK = re.compile(r"[\u4e00-\u9fff]")
_COLON = "：:"
_COMPOUND = re.compile(r"[/／]")
# Values that are never labels, however short: answers and empty marks.
_ANSWERS = {"男", "女", "无", "是", "否", "有"}


@dataclass(frozen=True, slots=True)
class Pair:
    label: str  # as read, folded
    value: Chars
    page: int
    source: str  # "table" | "line"
    compound: bool = False  # a part of a compound label ("入伍/退伍时间" over "a/b")

    @property
    def value_text(self) -> str:
        return "".join(ch for ch, _ in self.value)

    @property
    def words(self) -> tuple[WordRecord, ...]:
        return words_of(self.value)


@lru_cache(maxsize=8)
def _endings(specs: tuple[FieldSpec, ...], others: frozenset[str]) -> frozenset[str]:
    """The last characters of every known label (名, 别, 期, 号, 址, 况…): a short text ending
    in one, with no digits, reads as a label."""
    return frozenset(label[-1] for spec in specs for label in spec.labels) | frozenset(
        label[-1] for label in others
    )


def weak_label(text: str, specs: tuple[FieldSpec, ...], others: frozenset[str]) -> bool:
    """A text a label could be: a strong one, or a few Chinese characters ending as labels end,
    that are no value of a field, no answer and no place."""
    if strong_label(text, specs, others):
        return True
    t = label_text(text)
    if not 2 <= len(t) <= 8 or len(_CJK.findall(t)) != len(t) or t in _ANSWERS:
        return False
    if t[-1] not in _endings(specs, others) or _a_value(t, specs):
        return False
    return places.placed(t) is None


def _a_value(text: str, specs: tuple[FieldSpec, ...]) -> bool:
    """Text that value evidence alone places, however much it ends as labels end: a word of a
    field's vocabulary, a date (一九六三年四月 ends as 出生年月 does), a value a field's rule
    describes (二等乙级, as 伤残等级 ends)."""
    return parse_date(text) is not None or any(
        text in spec.values
        or (spec.pattern is not None and spec.pattern.fullmatch(text) is not None)
        or (spec.item is not None and spec.item.fullmatch(text) is not None)
        for spec in specs
    )


def _split_compound(label: str, value: Chars) -> list[tuple[str, Chars]]:
    """ "入伍/退伍时间" over "1985.03/1989.09": each part of the label with its part of the
    value; the last part's trailing word (时间) is shared by the parts before it."""
    parts = _COMPOUND.split(label)
    cuts = [i for i, (ch, _) in enumerate(value) if _COMPOUND.match(ch)]
    if len(parts) < 2 or len(cuts) != len(parts) - 1 or not all(parts):
        return [(label, value)]
    tail = parts[-1][len(parts[0]) :] if len(parts[-1]) > len(parts[0]) else ""
    labels = [p + tail for p in parts[:-1]] + [parts[-1]]
    bounds = [-1, *cuts, len(value)]
    return [(labels[k], value[bounds[k] + 1 : bounds[k + 1]]) for k in range(len(parts))]


def _colon_split(chars: Chars) -> tuple[str, Chars] | None:
    """ "label：value" in one cell or line: the text before the first colon, and after it."""
    text = "".join(ch for ch, _ in chars)
    at = min((text.find(c) for c in _COLON if c in text), default=-1)
    if at <= 0 or at == len(text) - 1:
        return None
    return text[:at], chars[at + 1 :]


def _led_by_label(chars: Chars, specs: tuple[FieldSpec, ...], others: frozenset[str]) -> bool:
    """ "label：value" text: a pair of its own, never the value of the text above or beside
    it (a form's title over "姓名：张三")."""
    split = _colon_split(chars)
    return split is not None and weak_label(split[0], specs, others)


def _gap_segments(chars: Chars) -> list[Chars]:
    """A line cut where a gap wider than most of a character separates two words: a label and
    its value, set apart with spaces on a form without rules."""
    segments: list[Chars] = [[]]
    for k, (ch, word) in enumerate(chars):
        if k and word is not chars[k - 1][1]:
            before = chars[k - 1][1]
            height = before.box[3] - before.box[1]
            if word.box[0] - before.box[2] >= 0.8 * height:
                segments.append([])
        segments[-1].append((ch, word))
    return [s for s in segments if s]


def _line_pairs(
    chars: Chars, page: int, specs: tuple[FieldSpec, ...], others: frozenset[str]
) -> list[Pair]:
    """Pairs on a line read outside any cell: label, gap, value, gap, label, gap, value…; or
    label：value."""
    found = []
    segments = _gap_segments(chars)
    k = 0
    while k < len(segments):
        text = "".join(ch for ch, _ in segments[k])
        split = _colon_split(segments[k])
        if split is not None and weak_label(split[0], specs, others):
            found.append(Pair(split[0], split[1], page, "line"))
        elif k + 1 < len(segments) and weak_label(text, specs, others):
            found.append(Pair(text, segments[k + 1], page, "line"))
            k += 1
        k += 1
    return found


def _in_rows_of_labels(
    all_slots: list[Slot],
    texts: dict[int, str],
    labels: set[int],
    strong: set[int],
    specs: tuple[FieldSpec, ...],
) -> set[int]:
    """Cells that are labels by where they stand, however they read: in a row of labels that
    say plainly what they are, each over its value, and over a value itself (籍 where 籍貫
    lost a character). A few Chinese characters only, and nothing a value could be."""
    right_of = {i: b for i in texts if (b := beside(all_slots[i], all_slots)) is not None}
    left_of = {b: i for i, b in right_of.items()}
    found = set()
    for i, t in texts.items():
        if i in labels or not 1 <= len(t) <= 8 or len(_CJK.findall(t)) != len(t):
            continue
        if t in _ANSWERS or _a_value(t, specs) or places.placed(t) is not None:
            continue
        row = [n for n in (left_of.get(i), right_of.get(i)) if n is not None]
        if (
            row
            and all(n in strong for n in row)
            and all(
                (under := below(all_slots[n], all_slots)) is not None and under not in labels
                for n in (i, *row)
            )
        ):  # labels over values, this one's too: not a value beside a label (张力 beside 姓名)
            found.add(i)
    return found


def _table_pairs(
    all_slots: list[Slot],
    cells: int,
    page: int,
    specs: tuple[FieldSpec, ...],
    others: frozenset[str],
) -> list[Pair]:
    """A label in a cell (or a line that is one label) and the slot beside or below it."""
    texts = {
        i: s.text
        for i, s in enumerate(all_slots)
        if s.chars and (i < cells or len(_gap_segments(s.chars)) == 1)
    }
    found = []
    for i in [i for i in texts if i < cells]:  # "label：value" in one cell
        split = _colon_split(all_slots[i].chars)
        if split is not None and weak_label(split[0], specs, others):
            found.append(Pair(split[0], split[1], page, "table"))
            del texts[i]
    labels = {i for i, t in texts.items() if weak_label(t, specs, others)}
    strong = {i for i in labels if strong_label(texts[i], specs, others)}
    # A weak label beside a strong one is the strong one's value (张力 beside 姓名).
    labels -= {b for i in strong if (b := beside(all_slots[i], all_slots)) is not None} - strong
    labels |= _in_rows_of_labels(all_slots, texts, labels, strong, specs)
    for i in sorted(labels):
        target = value_slot(i, all_slots, labels, set())
        if (
            target is not None
            and all_slots[target].chars
            and target not in labels
            and not _led_by_label(all_slots[target].chars, specs, others)
        ):
            source = "table" if max(i, target) < cells else "line"
            found.append(Pair(texts[i], all_slots[target].chars, page, source))
    return found


def page_pairs(page: PageRecord, specs: tuple[FieldSpec, ...]) -> list[Pair]:
    """Every label-and-value pair on the page, compound labels split into their parts."""
    others = default_other_labels()
    all_slots = slots(page)
    found = _table_pairs(all_slots, len(page.cells), page.number, specs, others)
    for line in page.lines:
        if line.cell is None:
            found += _line_pairs(chars_of(line.words), page.number, specs, others)
    out = []
    for pair in found:
        parts = _split_compound(pair.label, pair.value)
        out += [
            Pair(label, value, pair.page, pair.source, len(parts) > 1)
            for label, value in parts
            if value
        ]
    return out
