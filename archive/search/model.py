"""What goes into a search index and what comes out: one model for every backend."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from archive import text
from archive.search import tokens

# Which tokens an index holds: bump it whenever tokens(), the plan or archive.text folds
# differently. The embedded index rebuilds itself when it finds another; Elasticsearch says so
# (``stale``) until `archive reindex` runs. 2: every digit lookalike of ID repair folded.
# 3: ID numbers in page text indexed masked (archive.masking).
TOKENS_VERSION = 4
FACETS = ("discharge_type", "enlistment_year", "unit")
# Field values every backend keeps beside the tokens, to filter, facet and show.
INDEXED_FIELDS = (
    "name",
    "gender",
    "id_number",
    "unit",
    "birth_date",
    "enlistment_date",
    "discharge_date",
    "discharge_type",
)
DATE_FIELDS = ("birth_date", "enlistment_date", "discharge_date")


class SearchUnavailable(Exception):
    """The search backend did not answer or refused; its own message is kept."""


FACET_SIZE = 20


@dataclass(frozen=True, slots=True)
class IndexDocument:
    """One source file as search sees it: its current field values and its page texts."""

    document_id: int
    source: str
    fields: dict[str, str | None]
    pages: list[str]

    def value(self, key: str) -> str:
        return self.fields.get(key) or ""

    @property
    def enlistment_year(self) -> str:
        return self.value("enlistment_date")[:4]

    def tokens(self) -> dict[str, list[str]]:
        """Every token column, computed once here so all backends match alike."""
        plain = text.letters_and_digits
        name, unit = plain(self.value("name")), plain(text.skeleton(self.value("unit")))
        skeleton = plain(text.skeleton(name))
        page_text = "".join(plain(p) for p in self.pages)
        return {
            "name_tokens": sorted(
                {name, *tokens.bigrams(name), *tokens.name_characters(name)} - {""}
            ),
            "skeleton_tokens": sorted({skeleton, *tokens.bigrams(skeleton)} - {""}),
            "pinyin_tokens": tokens.pinyin_tokens(name),
            "unit_tokens": sorted({unit, *tokens.bigrams(unit)} - {""}),
            "id_tokens": tokens.id_tokens(self.value("id_number")),
            "text_tokens": sorted(set(tokens.bigrams(page_text))),
        }


@dataclass(frozen=True, slots=True)
class SearchQuery:
    q: str = ""  # any text on the pages
    name: str = ""
    unit: str = ""
    id: str = ""  # the whole ID number, or its last 4 to 6 characters
    # Whether the last 4-6 characters find an ID: not for one who may not see them, for whom
    # each answer would tell hidden digits (DESIGN, security: no search is an oracle).
    id_tails: bool = True
    discharge_type: str = ""
    enlistment_year: str = ""
    # Inclusive ISO bounds ("1960", "1960-05", "1960-05-01" all work: compared as text).
    birth_from: str = ""
    birth_to: str = ""
    enlistment_from: str = ""
    enlistment_to: str = ""
    discharge_from: str = ""
    discharge_to: str = ""
    size: int = 20
    offset: int = 0

    @classmethod
    def of(cls, params: Mapping[str, str], size: int = 20, offset: int = 0) -> SearchQuery:
        """The query from conditions named as the API names them (absent ones empty)."""
        get = params.get
        return cls(
            q=get("q", ""),
            name=get("name", ""),
            unit=get("unit", ""),
            id=get("id", ""),
            discharge_type=get("discharge_type", ""),
            enlistment_year=get("enlistment_year", ""),
            birth_from=get("birth_from", ""),
            birth_to=get("birth_to", ""),
            enlistment_from=get("enlistment_from", ""),
            enlistment_to=get("enlistment_to", ""),
            discharge_from=get("discharge_from", ""),
            discharge_to=get("discharge_to", ""),
            size=size,
            offset=offset,
        )

    def is_empty(self) -> bool:
        return not any(
            (self.q, self.name, self.unit, self.id, self.discharge_type, self.enlistment_year)
        ) and not any(lo or hi for lo, hi in self.date_bounds().values())

    def date_bounds(self) -> dict[str, tuple[str, str]]:
        return {
            "birth_date": (self.birth_from, self.birth_to),
            "enlistment_date": (self.enlistment_from, self.enlistment_to),
            "discharge_date": (self.discharge_from, self.discharge_to),
        }


@dataclass(frozen=True, slots=True)
class Highlight:
    page: int  # 1-based
    snippet: str  # with the matched text between 【 and 】


@dataclass(frozen=True, slots=True)
class SearchHit:
    document_id: int
    source: str
    score: float
    fields: dict[str, str | None]
    highlights: list[Highlight] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class SearchResult:
    total: int
    hits: list[SearchHit]
    facets: dict[str, dict[str, int]]


class SearchBackend(Protocol):
    """What every backend does; the contract tests hold each one to the same answers."""

    name: str

    def upsert(self, docs: list[IndexDocument]) -> None: ...

    def delete(self, document_ids: list[int]) -> None: ...

    def search(self, query: SearchQuery) -> SearchResult: ...

    def count(self) -> int: ...

    def health(self) -> str | None:
        """None when the backend answers, else why not."""
        ...

    def rebuild(self, docs: Iterable[IndexDocument]) -> None:
        """Replace everything indexed with ``docs`` while searches keep answering."""
        ...

    def stale(self) -> str | None:
        """None when the index holds this program's tokens (TOKENS_VERSION), else why not."""
        ...
