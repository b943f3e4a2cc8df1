"""Field extraction benchmark on generated files the tests do not use (a script, not a test).

    .venv/bin/python -m scripts.bench_extract [--files 60] [--seed 2002] [--dpi 200]
                                              [--work DIR] [--reuse]

Generates --files veterans' files (every format and degradation level), ingests them with the
default engine, and compares every extracted field with the truth: accuracy per field and
overall; of the wrong values, the share flagged for review; of the flagged, the share really
wrong. With --reuse and an existing --work, the stored OCR is extracted again without
re-OCR (as `archive extract --all` does), for quick turns on the extractor.
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import dataclass, field
from typing import Any

from archive.domain import FIELD_KEYS, ExtractedField
from archive.store import Store
from ingest.extract.extractor import extract
from scripts.bench_archive import add_options, describe, ingest, work_dir
from scripts.samplegen.generate import generate


def expected_fields(truth: dict[str, Any]) -> dict[str, str | None]:
    """What a reader can recover from the pages: each field as printed, the most precise date
    where one page gives the day and another only the month."""
    best: dict[str, str | None] = dict.fromkeys(FIELD_KEYS)
    for page in truth["pages"]:
        for key, value in page["fields"].items():
            current = best[key]
            if current is None or len(value) > len(current):
                best[key] = value
    return best


@dataclass
class Tally:
    right: int = 0
    wrong: int = 0
    wrong_flagged: int = 0
    right_flagged: int = 0
    examples: list[str] = field(default_factory=list)

    def add(self, ok: bool, flagged: bool, example: str) -> None:
        if ok:
            self.right += 1
            self.right_flagged += flagged
        else:
            self.wrong += 1
            self.wrong_flagged += flagged
            if len(self.examples) < 6:
                self.examples.append(example)

    @property
    def total(self) -> int:
        return self.right + self.wrong


def _pct(a: int, b: int) -> str:
    return f"{a / b:.1%}" if b else "-"


def compare(
    found: dict[str, list[ExtractedField]], truths: dict[str, dict[str, Any]]
) -> dict[str, Tally]:
    tallies = {k: Tally() for k in FIELD_KEYS}
    for source, fields in found.items():
        want = expected_fields(truths[source])
        for f in fields:
            expected = want[f.key]
            ok = f.value == expected
            example = f"{source}: {f.key} read {f.value!r}, truth {expected!r}"
            if f.evidence:
                example += f" (raw {f.evidence.text!r}, p{f.evidence.page})"
            example += ", flagged" if f.needs_review else ", NOT flagged"
            tallies[f.key].add(ok, f.needs_review, example)
    return tallies


def _row(key: str, t: Tally) -> str:
    flagged = t.wrong_flagged + t.right_flagged
    return (
        f"| {key} | {_pct(t.right, t.total)} | {_pct(flagged, t.total)} "
        f"| {_pct(t.wrong - t.wrong_flagged, t.total)} | {_pct(t.wrong_flagged, t.wrong)} "
        f"| {_pct(t.wrong_flagged, flagged)} | {t.total} |"
    )


def report(tallies: dict[str, Tally], show_examples: bool) -> str:
    out = [
        "| field | accuracy | sent to review | wrong, not flagged | wrong flagged "
        "| flagged that are wrong | n |",
        "|---|---|---|---|---|---|---|",
    ]
    total = Tally()
    for key, t in tallies.items():
        out.append(_row(key, t))
        total.right += t.right
        total.wrong += t.wrong
        total.wrong_flagged += t.wrong_flagged
        total.right_flagged += t.right_flagged
    out.append(_row("**overall**", total))
    out.append(
        f"\nflagged for review: {total.wrong_flagged + total.right_flagged} of {total.total} "
        f"fields ({_pct(total.wrong_flagged + total.right_flagged, total.total)})"
    )
    if show_examples:
        out.append("\nwrong values (first few per field):")
        out += [f"- {e}" for t in tallies.values() for e in t.examples]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="field extraction benchmark")
    add_options(parser, files=60, seed=2002)
    args = parser.parse_args(argv)
    work, settings = work_dir(args, "bench-extract-")
    truth_dir = work / "samples" / "truth"
    seconds = 0.0
    if not args.reuse:  # else: the stored OCR extracted again
        files = generate(
            work / "samples", count=args.files, seed=args.seed, dpi=args.dpi, forms=args.forms
        )
        seconds = ingest(settings, files)
    truths = {
        t["source"]: t
        for t in (json.loads(p.read_text(encoding="utf-8")) for p in truth_dir.glob("*.json"))
    }
    store = Store.open(settings.resolved_database_url)
    found: dict[str, list[ExtractedField]] = {}
    start = time.perf_counter()
    for item in store.iter_documents():
        found[item.document.source_name] = extract(store.page_records(item.document.id))
    extract_seconds = time.perf_counter() - start
    store.close()
    print(describe(args, settings, work, len(found)))
    if seconds:
        print(f"ingest (OCR and extraction): {seconds:.0f} s")
    print(
        f"extraction alone over the stored OCR: {extract_seconds / max(1, len(found)):.3f} s/file\n"
    )
    print(report(compare(found, truths), args.examples))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
