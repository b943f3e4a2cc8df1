"""A query as token clauses, the same for every backend: each clause is a set of alternatives,
an alternative matches when its column holds all of its tokens, and a document's score is the
sum of the boosts of the alternatives it matches. Backends only execute the plan."""

from __future__ import annotations

from dataclasses import dataclass

from archive import text
from archive.search import tokens
from archive.search.model import SearchQuery


@dataclass(frozen=True, slots=True)
class Alternative:
    column: str
    tokens: tuple[str, ...]
    boost: float


@dataclass(frozen=True, slots=True)
class Clause:
    """Matches when any of its alternatives does; an empty clause matches nothing."""

    what: str
    alternatives: tuple[Alternative, ...]


@dataclass(frozen=True, slots=True)
class Plan:
    clauses: tuple[Clause, ...]
    equals: dict[str, str]  # column -> value
    ranges: dict[str, tuple[str, str]]  # column -> inclusive (low, high), "" = open


def _name_clause(name: str) -> Clause:
    folded = text.letters_and_digits(name)
    if len(folded) == 1 and not folded.isascii():
        # One character: a surname (ranked first) or any character of a given name.
        return Clause(
            "name",
            (
                Alternative("name_tokens", (f"s{folded}",), 8.0),
                Alternative("name_tokens", (f"c{folded}",), 4.0),
            ),
        )
    alternatives = [
        Alternative("name_tokens", (folded,), 8.0),  # the whole name
        Alternative("name_tokens", tuple(tokens.bigrams(folded)), 4.0),  # any two in a row
        # As OCR may have read it, or the person typed it: 任克已 finds 任克己.
        Alternative("skeleton_tokens", tuple(tokens.bigrams(text.skeleton(folded))), 2.0),
    ]
    letters = text.pinyin_letters(name)
    if letters:
        alternatives = [Alternative("pinyin_tokens", (letters,), 1.0)]
    return Clause("name", tuple(a for a in alternatives if a.tokens))


def _unit_clause(unit: str) -> Clause:
    folded = text.letters_and_digits(text.skeleton(unit))
    return Clause(
        "unit",
        tuple(
            a
            for a in (
                Alternative("unit_tokens", (folded,), 4.0),
                Alternative("unit_tokens", tuple(tokens.bigrams(folded)), 2.0),
            )
            if a.tokens
        ),
    )


def _id_clause(number: str, tails: bool) -> Clause:
    folded = text.letters_and_digits(number)
    if len(folded) >= 15:
        return Clause("id", (Alternative("id_tokens", (folded,), 8.0),))
    if tails and 4 <= len(folded) <= 6:
        return Clause("id", (Alternative("id_tokens", (f"t{len(folded)}{folded}",), 8.0),))
    return Clause("id", ())  # 1-3 or 7-14 characters identify no one


def _any_clause(q: str, id_tails: bool) -> Clause:
    """One search box for everything: a name, a unit, an ID or its tail, or any text on the
    pages; a name or unit match ranks above the same characters found in running text."""
    alternatives = [
        *_name_clause(q).alternatives,
        *_unit_clause(q).alternatives,
        *_id_clause(q, id_tails).alternatives,
    ]
    grams = tuple(tokens.bigrams(q))
    if grams:
        alternatives.append(Alternative("text_tokens", grams, 1.0))
    return Clause("q", tuple(alternatives))


def plan(query: SearchQuery) -> Plan:
    clauses = []
    if query.name.strip():
        clauses.append(_name_clause(query.name))
    if query.unit.strip():
        clauses.append(_unit_clause(query.unit))
    if query.id.strip():
        clauses.append(_id_clause(query.id, query.id_tails))
    if query.q.strip():
        clauses.append(_any_clause(query.q, query.id_tails))
    equals = {
        k: v
        for k, v in (
            ("discharge_type", query.discharge_type),
            ("enlistment_year", query.enlistment_year),
        )
        if v
    }
    ranges = {k: (lo, hi) for k, (lo, hi) in query.date_bounds().items() if lo or hi}
    return Plan(tuple(clauses), equals, ranges)


def upper_bound(high: str) -> str:
    """An exclusive upper bound for ISO text, so "1960" or "1960-05" includes all of it:
    "~" sorts after every digit and "-"."""
    return high + "~"
