"""A row whose rules were lost, read as one run ("民族土家族生日1952.06.27身份证件号码3401…"):
cut into labels and values the way that places the most of it, by the same evidence as a pair
(what each label says, and whether what follows it is a value of that field)."""

from __future__ import annotations

from functools import cache

from archive.text import label_text
from ingest.extract.assign import assign, strong_label
from ingest.extract.spec import SEPARATORS, FieldSpec, default_other_labels
from ingest.extract.values import normalise

_SEPARATOR_CHARS = SEPARATORS.strip("[]")
_LONGEST_LABEL = 12
Segment = tuple[str | None, int, int]  # field (None: a form's other label), value start, end
_OTHER_SCORE = 0.3  # a form's other label and its value: placed, but as no field


def _label_ends(
    text: str, i: int, specs: tuple[FieldSpec, ...], others: frozenset[str]
) -> list[int]:
    """Where a label starting at ``i`` may end: a label fields.toml words, or one a cue or a
    form's other label names."""
    ends = []
    for j in range(i + 2, min(len(text), i + _LONGEST_LABEL) + 1):
        if _is_label(text[i:j], specs, others):
            ends.append(j)
    return ends


def _value_score(key: str, value: str, specs: tuple[FieldSpec, ...]) -> float | None:
    """1 for a value of the field, None for none, or for a label (姓名性别出生年月 is a row of
    labels, not 姓名 and its value)."""
    spec = next(s for s in specs if s.key == key)
    if not normalise(value, spec).valid or _is_label(value, specs, default_other_labels()):
        return None
    return 1.0


def _is_label(text: str, specs: tuple[FieldSpec, ...], others: frozenset[str]) -> bool:
    return any(text in spec.labels for spec in specs) or strong_label(text, specs, others)


# What alone is too little to cut a run by: almost any few characters are a name or a note, so
# a run of one label and such a value ("姓名张三" in running text) is no pair without a gap.
_WEAK_ALONE = {"name", "text"}


def segment(
    text: str, specs: tuple[FieldSpec, ...], first: str | None = None
) -> list[Segment] | None:
    """The run cut into (field, value) segments, each value up to the next label, the cut
    that places every value and scores best; ``first``: the run starts with that field's value
    (its label stood in the cell before). None when no cut places all of it."""
    others = default_other_labels()
    n = len(text)
    starts = {i: ends for i in range(n) if (ends := _label_ends(text, i, specs, others))}
    stops = sorted({*starts, n})

    def value_start(j: int) -> int:
        while j < n and text[j] in _SEPARATOR_CHARS:
            j += 1
        return j

    def ends_after(v0: int) -> list[int]:
        return [k for k in stops if k > v0]

    @cache
    def best(i: int) -> tuple[float, tuple[Segment, ...]] | None:
        if i == n:
            return 0.0, ()
        found = []
        for j in starts.get(i, []):
            v0 = value_start(j)
            label = text[i:j]
            for k in ends_after(v0):
                rest = best(k)
                if rest is None:
                    continue
                if label_text(label) in others:
                    found.append((_OTHER_SCORE + rest[0], ((None, v0, k), *rest[1])))
                elif (
                    placed := assign(label, text[v0:k], specs, others)
                ) is not None and _value_score(placed.key, text[v0:k], specs) is not None:
                    # A shorter label before the same value is the likelier cut: the value
                    # is what the label did not take (入伍前户籍｜河南省巩义市).
                    score = placed.score - 0.01 * len(label)
                    found.append((score + rest[0], ((placed.key, v0, k), *rest[1])))
        return max(found, default=None)

    if first is None:
        result = best(0)
    else:
        options = []
        for k in ends_after(value_start(0)):
            score = _value_score(first, text[:k], specs)
            rest = best(k)
            if score is not None and rest is not None:
                options.append((score + rest[0], ((first, 0, k), *rest[1])))
        result = max(options, default=None)
    if result is None:
        return None
    segments = list(result[1])
    kinds = {s.key: s.kind for s in specs}
    if len(segments) == 1 and first is None and kinds.get(segments[0][0] or "") in _WEAK_ALONE:
        return None
    return segments
