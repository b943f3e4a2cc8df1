"""The fictional demo catalogue: reproducible, importable, and with people in and out of it."""

from __future__ import annotations

import random

from archive.catalogues import parse_catalogue
from scripts.samplegen.catalogue import catalogue_csv, demo_catalogue, truth
from scripts.samplegen.people import make_veteran


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
