"""The whole ingest on generated scans with real tesseract, poppler and SQLite."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from archive.domain import Outcome
from archive.settings import Settings
from archive.store import Store
from ingest.pipeline import IngestOptions, IngestReport, IngestRun
from scripts.samplegen.generate import SampleFile
from tests.ingest import bad_inputs


def _run(store: Store, settings: Settings, paths: list[Path]) -> IngestReport:
    return IngestRun(store, settings.data_dir, IngestOptions.from_settings(settings)).run(paths)


def _char_recall(truth: str, text: str) -> float:
    """Share of the truth's characters (with multiplicity, spaces ignored) found in the text."""
    want = Counter(truth.replace(" ", ""))
    got = Counter(text.replace(" ", ""))
    return sum(min(n, got[ch]) for ch, n in want.items()) / max(1, sum(want.values()))


def test_a_batch_lands_whole_with_text_boxes_and_images(
    clean_samples: list[SampleFile], settings: Settings, store: Store
) -> None:
    report = _run(store, settings, [clean_samples[0].path.parent])
    assert [r.outcome for r in report.results] == [Outcome.OK] * 4
    assert report.pages == sum(s.pages for s in clean_samples)
    job = store.job(report.job_id)
    assert job is not None and job.status == "finished"
    by_name = {d.document.source_name: d.document for d in store.iter_documents()}
    for sample in clean_samples:
        truth = json.loads(sample.truth_path.read_text(encoding="utf-8"))
        doc = by_name[sample.path.name]
        assert doc.page_count == sample.pages
        assert (settings.data_dir / doc.original_path).read_bytes() == sample.path.read_bytes()
        for page, page_truth in zip(store.page_records(doc.id), truth["pages"], strict=True):
            truth_text = "".join(line["text"] for line in page_truth["lines"])
            assert _char_recall(truth_text, page.text) >= 0.8, (sample.path.name, page.number)
            assert page.rotation == 0 and abs(page.skew_deg) < 0.3
            with Image.open(settings.data_dir / page.original_image) as original:
                assert original.size == (page.width, page.height)
            with Image.open(settings.data_dir / page.processed_image) as processed:
                assert set(np.unique(np.asarray(processed))) <= {0, 255}
            for line in page.lines:
                x0, y0, x1, y1 = line.box_original
                assert 0 <= x0 < x1 <= page.width and 0 <= y0 < y1 <= page.height
                assert all(0 <= w.confidence <= 1 for w in line.words)
                assert line.cell is None or 0 <= line.cell < len(page.cells)
            boxed = [i for i in page_truth["items"] if i["role"] in ("label", "value")]
            in_table = page_truth["kind"].startswith("form")
            assert len(page.cells) == (len(boxed) if in_table else 0)


def test_rotated_and_skewed_pages_are_straightened(
    samples: list[SampleFile], settings: Settings, store: Store
) -> None:
    _run(store, settings, [s.path for s in samples])
    by_name = {d.document.source_name: d.document for d in store.iter_documents()}
    checked = 0
    for sample in samples:
        truth = json.loads(sample.truth_path.read_text(encoding="utf-8"))
        for page, page_truth in zip(
            store.pages_of(by_name[sample.path.name].id), truth["pages"], strict=True
        ):
            deg = page_truth["degradation"]
            assert page.rotation == 90 * deg.get("quarter_turns", 0) % 360, sample.path.name
            assert abs(page.skew_deg - deg.get("skew_deg", 0.0)) <= 0.3, sample.path.name
            checked += 1
    assert checked == sum(s.pages for s in samples)


def test_rerun_and_renamed_copies_are_skipped_not_duplicated(
    samples: list[SampleFile], settings: Settings, store: Store, tmp_path: Path
) -> None:
    folder = samples[0].path.parent
    first = _run(store, settings, [folder])
    assert first.count(Outcome.OK) == 4
    copy = tmp_path / "改名的副本.pdf"
    shutil.copy(samples[0].path, copy)
    second = _run(store, settings, [folder, copy])
    assert second.count(Outcome.SKIPPED) == 5 and second.pages == 0
    renamed = next(r for r in second.results if r.path == str(copy))
    assert renamed.reason_code == "duplicate" and samples[0].path.name in (renamed.message or "")
    assert store.count_documents() == 4


def test_the_same_content_twice_in_one_batch_lands_once(
    samples: list[SampleFile], settings: Settings, store: Store, tmp_path: Path
) -> None:
    a, b = tmp_path / "a.jpg", tmp_path / "b.jpg"
    jpeg = next(s for s in samples if s.path.suffix == ".jpg")
    shutil.copy(jpeg.path, a)
    shutil.copy(jpeg.path, b)
    report = _run(store, settings, [a, b])
    assert [r.outcome for r in report.results] == [Outcome.SKIPPED, Outcome.OK]
    assert store.count_documents() == 1


def test_bad_files_fail_alone_and_the_rest_land(
    samples: list[SampleFile], settings: Settings, store: Store, tmp_path: Path
) -> None:
    by_suffix = {s.path.suffix: s.path for s in samples}
    batch = tmp_path / "batch"
    expected = bad_inputs.write_all(batch, by_suffix[".pdf"], by_suffix[".tif"], by_suffix[".jpg"])
    for s in samples:
        shutil.copy(s.path, batch / s.path.name)
    report = _run(store, settings, [batch, tmp_path / "missing.pdf"])
    outcomes = {Path(r.path).name: r for r in report.results}
    assert outcomes["missing.pdf"].reason_code == "not_found"
    for name, code in expected.items():
        assert outcomes[name].outcome is Outcome.FAILED, name
        assert outcomes[name].reason_code == code, name
        assert outcomes[name].message  # a sentence for staff, not only a code
    for s in samples:
        assert outcomes[s.path.name].outcome is Outcome.OK
    recorded = {Path(r.path).name: r.reason_code for r in store.job_files(report.job_id)}
    assert all(recorded[name] == code for name, code in expected.items())
    assert store.count_documents() == len(samples)


def test_a_page_that_times_out_fails_its_file_only(
    samples: list[SampleFile], settings: Settings, store: Store
) -> None:
    # The timeout is tesseract's: it runs as a program that can be stopped.
    slow = settings.model_copy(update={"ocr_timeout_s": 0.001, "engine": "tesseract"})
    options = IngestOptions.from_settings(slow)
    report = IngestRun(store, settings.data_dir, options).run([samples[2].path])
    assert report.results[0].reason_code == "ocr_timeout"
    assert "超时" in (report.results[0].message or "")


@pytest.mark.parametrize("workers", [1])
def test_single_worker_gives_the_same_text(
    clean_samples: list[SampleFile], settings: Settings, store: Store, workers: int
) -> None:
    jpeg = next(s for s in clean_samples if s.path.suffix == ".jpg")
    single = settings.model_copy(update={"workers": workers})
    _run(store, single, [jpeg.path])
    doc = next(store.iter_documents(with_text=True))
    other = Store.open(f"sqlite:///{settings.data_dir}/other.db")
    _run(other, settings, [jpeg.path])
    assert next(other.iter_documents(with_text=True)).page_text == doc.page_text
    other.close()
