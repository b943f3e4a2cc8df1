"""The fictional demo catalogue: reproducible, importable, and with people in and out of it."""

from __future__ import annotations

import random
from dataclasses import replace

from archive.catalogues import parse_catalogue
from scripts.samplegen.catalogue import Row, catalogue_csv, demo_catalogue, truth
from scripts.samplegen.people import Posting, make_veteran, with_transfers


def test_the_demo_catalogue_imports_cleanly_and_splits_the_veterans() -> None:
    rng = random.Random(5)
    veterans = [make_veteran(rng, i) for i in range(40)]
    rows = demo_catalogue(veterans, 5)
    assert rows == demo_catalogue(veterans, 5)
    parsed = parse_catalogue(catalogue_csv(rows), "catalogue.csv")
    assert not parsed.errors and len(parsed.rows) == len(rows)
    listed = [truth(v, rows, has_certificate=True)["nuclear"] for v in veterans]
    assert 0 < sum(listed) < len(veterans)
    assert not any(truth(v, rows, has_certificate=False)["nuclear"] for v in veterans)


def test_a_transferred_person_is_listed_by_the_unit_of_the_time() -> None:
    rng = random.Random(5)
    v = next(m for i in range(200) if (m := with_transfers(make_veteran(rng, i), rng)).history)
    first, last = v.history[0], v.history[-1]
    assert last.unit == v.unit and first.unit != last.unit

    def met(row: Row) -> bool:
        return truth(v, [row], has_certificate=True)["nuclear"]

    assert met(Row(first.unit, first.start, first.start))
    assert not met(Row(last.unit, first.start, first.start))  # before the person came
    assert met(Row(last.unit, last.end, last.end))
    assert Posting(v.unit, v.enlistment_date, v.discharge_date) not in v.postings()


def test_the_catalogue_sets_traps_for_transferred_people() -> None:
    rng = random.Random(3003)
    veterans = [with_transfers(make_veteran(rng, i), rng) for i in range(60)]
    moved = [v for v in veterans if v.history]
    rows = demo_catalogue(veterans, 3003)
    by_posting = [truth(v, rows, True)["nuclear"] for v in moved]
    whole = [truth(replace(v, history=()), rows, True)["nuclear"] for v in moved]
    # Read as the last unit for the whole service, some would be granted and some refused
    # wrongly: the benchmark measures whether the checker reads the 服役经历.
    assert any(w and not p for w, p in zip(whole, by_posting, strict=True))
    assert any(p and not w for w, p in zip(whole, by_posting, strict=True))
