"""The field specifications of fields.toml: labels, sentences and allowed values, as types."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Literal

from archive.domain import FIELD_KEYS
from archive.text import fold

Kind = Literal["text", "name", "gender", "date", "id", "unit", "place", "choice", "list"]
KINDS = ("text", "name", "gender", "date", "id", "unit", "place", "choice", "list")
# Between a label and its value, or between clauses, OCR reads any of these.
SEPARATORS = "[，,：:;；、.．·]"


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


def parse_specs(text: str) -> tuple[FieldSpec, ...]:
    """Specs in FIELD_KEYS order; a missing field, unknown kind or bad regex is an error."""
    data = tomllib.loads(text)["fields"]
    unknown = set(data) - set(FIELD_KEYS)
    missing = set(FIELD_KEYS) - set(data)
    if unknown or missing:
        raise ValueError(f"fields.toml: unknown {sorted(unknown)}, missing {sorted(missing)}")
    specs = []
    for key in FIELD_KEYS:
        entry = data[key]
        kind = entry["kind"]
        if kind not in KINDS:
            raise ValueError(f"fields.toml: {key} has unknown kind {kind!r}")
        if kind == "choice" and not entry.get("values"):
            raise ValueError(f"fields.toml: choice field {key} lists no values")
        if kind == "list" and not entry.get("item"):
            raise ValueError(f"fields.toml: list field {key} has no item pattern")
        specs.append(
            FieldSpec(
                key=key,
                labels=tuple(fold(label) for label in entry["labels"]),
                kind=kind,
                sentences=tuple(Sentence.parse(s) for s in entry.get("sentences", ())),
                values=tuple(entry.get("values", ())),
                pattern=re.compile(entry["pattern"]) if "pattern" in entry else None,
                item=re.compile(entry["item"]) if "item" in entry else None,
            )
        )
    return tuple(specs)


@lru_cache(maxsize=1)
def default_specs() -> tuple[FieldSpec, ...]:
    return parse_specs(resources.files("ingest.extract").joinpath("fields.toml").read_text("utf-8"))
