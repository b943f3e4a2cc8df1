"""Fields extracted from generated scans through the real pipeline, against their truth."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from archive.domain import ExtractedField
from archive.settings import Settings
from archive.store import Store
from ingest.pipeline import IngestOptions, IngestRun
from scripts.bench_extract import Tally, compare
from scripts.samplegen.generate import SampleFile


@pytest.fixture(scope="module")
def tallies(
    samples: list[SampleFile],
    clean_samples: list[SampleFile],
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[str, Tally]:
    data = tmp_path_factory.mktemp("e2e") / "data"
    settings = Settings(data_dir=data, workers=2, pdf_dpi=150, _env_file=None)  # type: ignore[call-arg]
    store = Store.open(settings.resolved_database_url)
    files = samples + clean_samples
    IngestRun(store, data, IngestOptions.from_settings(settings)).run([f.path for f in files])
    found: dict[str, list[ExtractedField]] = {
        d.document.source_name: d.fields for d in store.iter_documents(with_fields=True)
    }
    store.close()
    truths = {
        f.path.name: json.loads(Path(f.truth_path).read_text(encoding="utf-8")) for f in files
    }
    assert sorted(found) == sorted(truths)
    return compare(found, truths)


def test_every_field_is_read_right_on_most_files(tallies: dict[str, Tally]) -> None:
    right = sum(t.right for t in tallies.values())
    total = sum(t.total for t in tallies.values())
    assert right / total >= 0.95, {k: t.examples for k, t in tallies.items() if t.wrong}
    for key in ("id_number", "name"):
        assert tallies[key].wrong == 0, tallies[key].examples


def test_wrong_values_are_flagged_for_review(tallies: dict[str, Tally]) -> None:
    wrong = sum(t.wrong for t in tallies.values())
    flagged = sum(t.wrong_flagged for t in tallies.values())
    assert flagged >= 0.8 * wrong, {k: t.examples for k, t in tallies.items() if t.wrong}
