"""Eligibility benchmark on generated files the tests do not use (a script, not a test).

    .venv/bin/python -m scripts.bench_eligibility [--files 40] [--seed 3003] [--dpi 200]
                                                  [--forms seen|dev|test] [--work DIR] [--reuse]

Generates --files veterans' files, ingests them with the default engine (the real pipeline),
imports a fictional catalogue made for them (scripts/samplegen/catalogue.py), and checks
everyone against the shipped example programmes by their true ID number. Against the
generator's truth, per programme: verdicts right, false grants (``met`` where the truth is
not: must be 0), false denials (``not_met`` where it is), and the share ``unproven``. Then
lookup recall by name and birth date where the name asked differs by one character from the
name read (as when OCR reads a rare character as a common one): the share answered
``probable`` with the right file among the candidates, and the share of wrong candidates.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from dataclasses import replace
from datetime import date
from typing import Any

from archive.domain import Actor, Role
from archive.usecases import Archive
from archive.usecases.catalogues import import_catalogue
from archive.usecases.correct import correct_field
from archive.usecases.eligibility import check_eligibility
from archive.usecases.matching import LookupQuery, match_persons
from scripts.bench_archive import add_options, describe, ingest, work_dir
from scripts.bench_extract import expected_fields
from scripts.samplegen.catalogue import (
    CATALOGUE,
    CERTIFICATE_KINDS,
    DOC_NUMBER,
    EFFECTIVE,
    catalogue_csv,
    demo_catalogue,
    truth,
)
from scripts.samplegen.generate import generate
from scripts.samplegen.people import Posting, Veteran

PROGRAMMES = ("nuclear", "preferential_card", "self_employed_subsidy")
# Characters of names that OCR reads as a commoner one of like shape (the query has the rare
# one): 玮/伟, 琰/炎, 喆/哲, 堃/坤, 燚, 淼, 翀, 昇.
RARE = "玮琰喆堃燚淼翀昇珺彧"
BENCH = Actor("bench", Role.ADMIN)
REVIEWER = Actor("bench-archivist", Role.ARCHIVIST)


def _veteran(truth: dict[str, Any]) -> Veteran:
    dated = {"birth_date", "enlistment_date", "discharge_date"}
    values: dict[str, Any] = {
        k: date.fromisoformat(v) if k in dated else v for k, v in truth["fields"].items()
    }
    history = tuple(
        Posting(p["unit"], date.fromisoformat(p["start"]), date.fromisoformat(p["end"]))
        for p in truth["history"]
    )
    return Veteran(**values, history=history)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="eligibility benchmark")
    add_options(parser, files=40, seed=3003)
    parser.add_argument(
        "--old-ids", type=int, default=4, help="older files of some persons, 15-digit ID"
    )
    parser.add_argument(
        "--after-review",
        action="store_true",
        help="then settle every flagged field the programmes use as an archivist would (to the "
        "truth, as read on the original) and check again",
    )
    args = parser.parse_args(argv)
    work, settings = work_dir(args, "bench-eligibility-")
    seconds = 0.0
    if not args.reuse:
        # PDF and TIFF only: a file of several pages holds the discharge approval page.
        files = generate(
            work / "samples",
            args.files,
            args.seed,
            args.dpi,
            ("pdf", "tiff"),
            forms=args.forms,
            old_ids=args.old_ids,
        )
        seconds = ingest(settings, files)
    every = [
        json.loads(p.read_text(encoding="utf-8"))
        for p in sorted((work / "samples" / "truth").glob("*.json"))
    ]
    truths = [t for t in every if "same_person_as" not in t]
    # A form of another bureau prints its own value for some fields (the discharge type of
    # its era): the truth of a file is what its pages print.
    printed = [expected_fields(t) for t in truths]
    veterans = [
        replace(_veteran(t), discharge_type=p["discharge_type"] or "")
        for t, p in zip(truths, printed, strict=True)
    ]
    certificate = [any(p["kind"] in CERTIFICATE_KINDS for p in t["pages"]) for t in truths]
    rows = demo_catalogue(veterans, args.seed)
    archive = Archive.open(settings)
    if not args.reuse:
        import_catalogue(
            archive,
            BENCH,
            data=catalogue_csv(rows),
            file_name="catalogue.csv",
            catalogue=CATALOGUE,
            doc_number=DOC_NUMBER,
            effective_date=EFFECTIVE,
        )
    expected = [truth(v, rows, c) for v, c in zip(veterans, certificate, strict=True)]
    print(describe(args, settings, work, len(every)))
    if seconds:
        print(f"ingest (OCR and extraction): {seconds:.0f} s")
    queries = [LookupQuery(id_number=v.id_number) for v in veterans]
    wrong = _verdicts(archive, queries, veterans, expected)
    if args.after_review:
        settled = _review(archive, veterans)
        print(f"\nafter review ({settled} flagged fields settled by an archivist):")
        wrong = _verdicts(archive, queries, veterans, expected)
    _names(archive, args.seed)
    _old_numbers(archive, [t for t in every if "same_person_as" in t])
    archive.close()
    if args.examples:
        print("\nverdicts not right (first 20):")
        print("\n".join(f"- {w}" for w in wrong[:20]))
    return 0


USED = ("unit", "enlistment_date", "discharge_date", "discharge_type")


def _review(archive: Archive, veterans: list[Veteran]) -> int:
    """Every flagged field a programme uses set to what the original shows (the truth)."""
    by_id = {v.id_number: v for v in veterans}
    settled = 0
    for doc_id in archive.store.document_ids():
        fields = {f.key: f for f in archive.store.current_fields(doc_id)}
        number = fields.get("id_number")
        v = by_id.get(number.value or "") if number else None
        if v is None:
            continue
        truth_values = v.as_json()  # the discharge type as printed (see main)
        for key in USED:
            f = fields.get(key)
            if f is not None and f.needs_review:
                value = truth_values[key]
                if key.endswith("_date"):  # to the month, unless the reading gave the day
                    value = value[: max(7, len(f.value or ""))]
                correct_field(archive, REVIEWER, doc_id, key, value, "对照原件")
                settled += 1
    return settled


def _verdicts(
    archive: Archive,
    queries: list[LookupQuery],
    veterans: list[Veteran],
    expected: list[dict[str, bool]],
) -> list[str]:
    print(
        "\n| programme | truth met | right | false grants | false denials | unproven "
        "| unproven where truly met | right, transferred persons | s/check |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    wrong: list[str] = []
    for programme in PROGRAMMES:
        start = time.perf_counter()
        out = check_eligibility(archive, BENCH, programme, queries)
        per = (time.perf_counter() - start) / len(queries)
        right = grants = denials = unproven = unproven_met = right_moved = 0
        for v, result, want in zip(veterans, out.results, expected, strict=True):
            met = want[programme]
            got = result.verdict
            ok = (got == "met") == met and got != "unproven"
            right += ok
            right_moved += ok and bool(v.history)
            grants += got == "met" and not met
            denials += got == "not_met" and met
            unproven += got == "unproven"
            unproven_met += got == "unproven" and met
            if ((got == "met") != met and got != "unproven") or (got == "unproven" and met):
                reasons = "; ".join(f"{c.status}: {c.reason}" for c in result.conditions)
                wrong.append(f"{programme} {v.name} truth {met}, got {got}: {reasons}")
        n, moved = len(queries), sum(bool(v.history) for v in veterans)
        print(
            f"| {programme} | {sum(w[programme] for w in expected)} | {right}/{n} "
            f"| {grants} | {denials} | {unproven / n:.0%} | {unproven_met} "
            f"| {right_moved}/{moved} | {per:.3f} |"
        )
    return wrong


def _names(archive: Archive, seed: int) -> None:
    # Names one character away from the name read, by the right birth date.
    rng = random.Random(seed)
    asked: list[tuple[LookupQuery, int]] = []
    values = archive.store.evidence_values(archive.store.document_ids())
    for doc_id, fields in sorted(values.items()):
        name, born = fields.get("name"), fields.get("birth_date")
        if not name or not name.value or not born or not born.value or len(name.value) < 2:
            continue
        place = rng.randrange(1, len(name.value))  # a given-name character
        misread = name.value[:place] + rng.choice(RARE) + name.value[place + 1 :]
        if misread != name.value:
            asked.append((LookupQuery(name=misread, birth_date=born.value[:7]), doc_id))
    matched = match_persons(archive, [q for q, _ in asked])
    found = sum(
        m.status == "probable" and doc in m.document_ids
        for m, (_, doc) in zip(matched.matches, asked, strict=True)
    )

    # A candidate is wrong when it is another person's file (a person may have two files).
    def person(doc: int) -> str | None:
        number = values.get(doc, {}).get("id_number")
        return number.value if number else None

    others = sum(
        len([d for d in m.document_ids if d != doc and person(d) != person(doc)])
        for m, (_, doc) in zip(matched.matches, asked, strict=True)
    )
    candidates = sum(len(m.document_ids) for m in matched.matches)
    print(
        f"\nname with one character misread: {found}/{len(asked)} found as probable "
        f"({found / max(1, len(asked)):.0%}); wrong candidates {others} of {candidates}"
    )


def _old_numbers(archive: Archive, old: list[dict[str, Any]]) -> None:
    """Each older file, under the 15-digit number, found with the person's other file by
    either number."""
    ids = {item.document.source_name: item.document.id for item in archive.store.iter_documents()}
    asked = [
        (LookupQuery(id_number=number), {ids.get(t["source"]), ids.get(t["same_person_as"])})
        for t in old
        for number in (t["fields"]["id_number"], t["printed_id_number"])
    ]
    matched = match_persons(archive, [q for q, _ in asked])
    linked = sum(
        m.status == "exact" and set(m.document_ids) == want
        for m, (_, want) in zip(matched.matches, asked, strict=True)
    )
    print(
        f"\nolder files under the 15-digit number: {linked}/{len(asked)} lookups (by the 18- "
        "and the 15-digit number) found both of the person's files, and only those"
    )


if __name__ == "__main__":
    raise SystemExit(main())
