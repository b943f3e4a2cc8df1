"""Which field a label and value belong to, for labels worded as no form in fields.toml words
them: scored by what the label says (its wording, or a cue word anywhere in it) and by what
the value is (a date, a valid ID, a word of the field's vocabulary, a place)."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

from rapidfuzz.distance import Levenshtein

from archive.text import fold, label_text
from ingest.extract.normalize import parse_date
from ingest.extract.spec import SEPARATORS, FieldSpec
from ingest.extract.values import normalise

_CJK = re.compile(r"[\u4e00-\u9fff/／]+")  # a compound label holds a slash
_SEPARATOR_CHARS = SEPARATORS.strip("[]")
# What a value proves about its field, by kind: a check digit or a closed vocabulary says a
# great deal; a date fits three fields alike; almost any text is a possible unit or note.
_VALUE_WEIGHT = {
    "id": 1.0,
    "gender": 1.0,
    "choice": 1.0,
    "unit": 1.0,
    "place": 0.8,
    "list": 0.8,
    "date": 0.6,
    "name": 0.4,
    "text": 0.3,
}
# A field is taken when its score reaches this, and its label, on its own, says enough.
ASSIGN_AT = 1.0
LABEL_AT = 0.6
SURE_LABEL = 0.9  # one of the field's labels, or one inside it
# Two fields within this of each other: the pair is ambiguous, and a person decides.
AMBIGUOUS_WITHIN = 0.15


@lru_cache(maxsize=8)
def with_synonyms(
    specs: tuple[FieldSpec, ...], synonyms: tuple[tuple[str, str], ...]
) -> tuple[FieldSpec, ...]:
    """The specs with a bureau's accepted labels added to their fields' own, as read and as
    matched (入伍（参加工作）时间 and 入伍时间; 籍貫 and 籍贯)."""
    if not synonyms:
        return specs
    owner = {known: s.key for s in specs for known in s.labels}
    extra: dict[str, list[str]] = {}
    for key, label in synonyms:
        for form in (fold(label), label_text(label)):
            # A label fields.toml gives another field stays that field's: which would the
            # extractor read it as?
            if owner.get(form, key) == key:
                extra.setdefault(key, []).append(form)
    return tuple(
        replace(s, labels=tuple(dict.fromkeys((*s.labels, *extra[s.key])))) if s.key in extra else s
        for s in specs
    )


def label_score(label: str, spec: FieldSpec) -> float:
    """How surely ``label`` (as ``label_text`` gives it) names the field: 1 for one of its
    labels; 0.9 for a label inside it, or it inside a label and half of it (退役时军衔 holds
    军衔); 0.75 for one of its cue words anywhere in it (批准退伍日期 holds 退伍); 0.6 for a
    label one character off (a misread one, for labels of three characters or more)."""
    if not label:
        return 0.0
    if label in spec.labels:
        return 1.0
    for known in spec.labels:
        if known in label or (label in known and 2 * len(label) >= len(known)):
            return 0.9
    if any(cue in label for cue in spec.cues):
        return 0.75
    if len(label) >= 3 and any(
        len(known) >= 3 and Levenshtein.distance(label, known) == 1 for known in spec.labels
    ):
        return 0.6
    return 0.0


def value_score(value: str, spec: FieldSpec) -> float:
    """How well the value fits the field: its kind's weight when valid, nothing when not; a
    date or a number is no text of a field that takes words (参战时间: 1979.02 is no 参战
    情况)."""
    found = normalise(value, spec)
    if not found.valid:
        return 0.0
    if spec.kind == "text" and spec.key != "file_number":
        folded = fold(value)
        if parse_date(folded) is not None or sum(ch.isdigit() for ch in folded) > len(folded) / 2:
            return 0.0
    weight = _VALUE_WEIGHT[spec.kind]
    return weight * (0.5 if found.reasons else 1.0)


def strong_label(text: str, specs: tuple[FieldSpec, ...], others: frozenset[str]) -> bool:
    """A text that names a field (by its wording or a cue in it), names something a form asks
    that is no field, or ends with a colon; never a value a field may take (复员 holds the cue
    of 复员时间, and is a way of discharge)."""
    t = label_text(text)
    if len(t) < 2 or not _CJK.fullmatch(t) or any(t in spec.values for spec in specs):
        return False
    return (
        t in others
        or text.rstrip().endswith(("：", ":"))
        or any(label_score(t, spec) >= LABEL_AT for spec in specs)
    )


@dataclass(frozen=True, slots=True)
class Assignment:
    key: str
    score: float
    rival: str | None  # another field scored within AMBIGUOUS_WITHIN


def assign(
    label: str, value: str, specs: tuple[FieldSpec, ...], others: frozenset[str]
) -> Assignment | None:
    """The field a pair belongs to, if any: the best total of label and value evidence, when
    the label says enough on its own; none for a label of something else (``others``)."""
    text = label_text(label)
    if text in others:
        return None
    scored = []
    for spec in specs:
        by_label = label_score(text, spec)
        if by_label >= LABEL_AT:
            total = by_label + value_score(value, spec)
            # A label that says it plainly takes its value even when that reads wrong (a
            # speck in it): the value goes to review as any invalid one does.
            scored.append((max(total, ASSIGN_AT) if by_label >= SURE_LABEL else total, spec.key))
    scored.sort(reverse=True)
    if not scored or scored[0][0] < ASSIGN_AT:
        return None
    best, key = scored[0]
    rival = next(
        (k for score, k in scored[1:] if score >= ASSIGN_AT and best - score < AMBIGUOUS_WITHIN),
        None,
    )
    return Assignment(key, best, rival)
