"""The field specifications of fields.toml: labels, sentences and allowed values, as types."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Literal

from archive.domain import FIELD_KEYS
from archive.text import SEPARATOR_CHARS, fold

Kind = Literal["text", "name", "gender", "date", "id", "unit", "place", "choice", "list"]
KINDS = ("text", "name", "gender", "date", "id", "unit", "place", "choice", "list")
# Between a label and its value, or between clauses, OCR reads any of these.
SEPARATORS = f"[{SEPARATOR_CHARS}]"


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence pattern; a leading ^ means it must start where a printed line starts."""

    pattern: re.Pattern[str]
    at_line_start: bool

    @classmethod
    def parse(cls, source: str) -> Sentence:
        anchored = source.startswith("^")
        body = source.removeprefix("^").replace("{sep}", SEPARATORS)
        return cls(re.compile(body), anchored)


@dataclass(frozen=True, slots=True)
class FieldSpec:
    key: str
    labels: tuple[str, ...]  # width folded
    kind: Kind
    sentences: tuple[Sentence, ...] = ()
    values: tuple[str, ...] = ()
    pattern: re.Pattern[str] | None = None  # what a valid value looks like, when there is a rule
    item: re.Pattern[str] | None = None  # one item of a list field
    cues: tuple[str, ...] = ()  # words that mark a label as this field's, wherever they stand


def _words(entries: list[object], sources: dict[str, str], where: str) -> list[str]:
    """Labels given as plain strings or {text, source}, values as {source, words}: the words,
    each named source checked to exist."""
    words: list[str] = []
    for entry in entries:
        if isinstance(entry, str):
            words.append(entry)
            continue
        if not isinstance(entry, dict):
            raise ValueError(f"fields.toml: {where}: {entry!r} is neither a word nor a table")
        source = entry.get("source")
        if source is not None and source not in sources:
            raise ValueError(f"fields.toml: {where}: unknown source {source!r}")
        if "text" in entry:
            words.append(str(entry["text"]))
        else:
            words += [str(w) for w in entry.get("words", [])]
    return words


def parse_specs(text: str) -> tuple[FieldSpec, ...]:
    """Specs in FIELD_KEYS order; a missing field, unknown kind or source, or a bad regex is
    an error."""
    data = tomllib.loads(text)
    fields, sources = data["fields"], data.get("sources", {})
    unknown = set(fields) - set(FIELD_KEYS)
    missing = set(FIELD_KEYS) - set(fields)
    if unknown or missing:
        raise ValueError(f"fields.toml: unknown {sorted(unknown)}, missing {sorted(missing)}")
    specs = []
    for key in FIELD_KEYS:
        entry = fields[key]
        kind = entry["kind"]
        if kind not in KINDS:
            raise ValueError(f"fields.toml: {key} has unknown kind {kind!r}")
        values = tuple(dict.fromkeys(_words(entry.get("values", []), sources, f"{key}.values")))
        if kind == "choice" and not values:
            raise ValueError(f"fields.toml: choice field {key} lists no values")
        if kind == "list" and not entry.get("item"):
            raise ValueError(f"fields.toml: list field {key} has no item pattern")
        labels = _words(entry["labels"], sources, f"{key}.labels")
        specs.append(
            FieldSpec(
                key=key,
                labels=tuple(fold(label) for label in labels),
                kind=kind,
                sentences=tuple(Sentence.parse(s) for s in entry.get("sentences", ())),
                values=values,
                pattern=re.compile(entry["pattern"]) if "pattern" in entry else None,
                item=re.compile(entry["item"]) if "item" in entry else None,
                cues=tuple(fold(cue) for cue in entry.get("cues", ())),
            )
        )
    return tuple(specs)


def parse_other_labels(text: str) -> frozenset[str]:
    """The labels of fields.toml's [other_labels]: printed on forms, and none of the fields."""
    data = tomllib.loads(text)
    entries = data.get("other_labels", {}).get("labels", [])
    return frozenset(fold(w) for w in _words(entries, data.get("sources", {}), "other_labels"))


def _fields_toml() -> str:
    return resources.files("ingest.extract").joinpath("fields.toml").read_text("utf-8")


@lru_cache(maxsize=1)
def default_specs() -> tuple[FieldSpec, ...]:
    return parse_specs(_fields_toml())


@lru_cache(maxsize=1)
def default_other_labels() -> frozenset[str]:
    return parse_other_labels(_fields_toml())
