"""Pages as the world hands them over (scripts/samplegen/capture.py), through the real pipeline
and the default engine: the pipeline never reads less than the engine alone would."""

from __future__ import annotations

from functools import cache

import numpy as np
import pytest

from ocr.engine import Engine
from ocr.engines import EngineSpec
from ocr.pipeline import PageReading, read_page
from ocr.preprocess import PreprocessOptions
from ocr.types import Box
from scripts.ocr_metrics import cer, recall
from scripts.samplegen import capture

A4_SHORT_SIDE_IN = 8.27


@cache
def engine() -> Engine:
    return EngineSpec("rapidocr").build()


def _read(page: capture.Captured) -> tuple[np.ndarray, PageReading]:
    image = np.asarray(page.image.convert("RGB"))
    # As ingest judges an image's resolution: an A4 page (ingest.page.dpi_of).
    dpi = max(72, round(min(image.shape[:2]) / A4_SHORT_SIDE_IN))
    return image, read_page(image, engine(), PreprocessOptions(dpi=dpi))


def _step(reading: PageReading, name: str) -> dict[str, float | int | str | bool]:
    return next(s.params for s in reading.steps if s.name == name)


@pytest.mark.parametrize("kind", capture.KINDS)
def test_the_pipeline_reads_at_least_what_the_engine_alone_reads(kind: str) -> None:
    page = capture.capture(kind, seed=2026)
    image, reading = _read(page)
    truth = "".join(page.lines)
    plain = engine().recognize(image).text
    assert recall(truth, reading.text) >= recall(truth, plain) - 0.02, (
        reading.text,
        plain,
        reading.steps,
    )
    harm = _step(reading, "do_no_harm")
    assert float(harm["recall_after"]) >= float(harm["recall_before"])


def test_a_low_resolution_page_is_enlarged_and_keeps_its_text() -> None:
    page = next(p for s in range(40) if (p := capture.capture("lowres", s)).dpi == 72)
    _, reading = _read(page)
    resolution = _step(reading, "resolution")
    assert float(resolution["upscale"]) > 1
    assert abs(int(resolution["estimated_dpi"]) - 72) <= 72 * 0.3
    assert recall("".join(page.lines), reading.text) >= 0.95


def test_text_in_two_columns_is_read_column_by_column() -> None:
    page = capture.capture("columns", seed=11)
    _, reading = _read(page)
    assert cer("".join(page.lines), reading.text) <= 0.1, reading.text


def test_a_photographed_page_is_flattened_by_its_outline() -> None:
    page = next(
        p for s in range(20) if (p := capture.capture("photo", s)).params and _outline_found(p)
    )
    _, reading = _read(page)
    flat = _step(reading, "perspective")
    assert flat["flattened"] is True
    corners = np.array([[float(v) for v in c.split(",")] for c in str(flat["corners"]).split()])
    assert np.abs(corners - np.array(page.params["corners"])).max() < 40
    assert recall("".join(page.lines), reading.text) >= 0.95


def _outline_found(page: capture.Captured) -> bool:
    from ocr.perspective import page_outline
    from ocr.preprocess import to_gray

    return page_outline(to_gray(np.asarray(page.image.convert("RGB")))) is not None


@pytest.mark.parametrize("seed", [71, 72])
def test_photos_and_drawings_on_a_page_produce_no_invented_text(seed: int) -> None:
    # Seeds where the default engine, unguarded, reads a sketch's circles as O and C and an ID
    # photo as 二 (measured while building ocr.pictures).
    page = capture.capture("pictures", seed)
    _, reading = _read(page)
    pictures = [Box(*b) for b in page.params["pictures"]]
    invented = [
        w.text
        for line in reading.lines
        for w in line.words
        if any(p.holds_centre_of(w.box_original) for p in pictures)
    ]
    assert invented == []
    step = _step(reading, "pictures")
    assert int(step["count"]) >= 1 and int(step["dropped"]) >= 1, step
    # The caption under the photo and the text round the pictures are kept.
    assert "入伍时照片" in reading.text
    assert recall("".join(page.lines), reading.text) >= 0.95
