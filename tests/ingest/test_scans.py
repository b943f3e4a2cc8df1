"""Each bad input DESIGN names is refused by inspection or page loading with its own code."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from archive.domain import MediaType
from archive.filetype import sniff
from ingest.errors import IngestError
from ingest.scans import ScanLimits, inspect, load_page
from tests.ingest import bad_inputs

LIMITS = ScanLimits(pdf_dpi=100, max_pages=50, max_page_pixels=90_000_000)


def _code(path: Path, limits: ScanLimits = LIMITS) -> str:
    media = sniff(path.read_bytes()[:2048])
    assert media is not None
    try:
        info = inspect(path, media, limits)
        for number in range(1, info.pages + 1):
            load_page(path, media, number, limits)
    except IngestError as exc:
        return exc.failure.code
    return "ok"


def test_pdf_pages_are_counted_and_rendered_one_at_a_time(tmp_path: Path) -> None:
    path = tmp_path / "three.pdf"
    bad_inputs.pdf(path, pages=3)
    assert inspect(path, MediaType.PDF, LIMITS).pages == 3
    page = load_page(path, MediaType.PDF, 3, LIMITS)
    assert page.shape == (math.ceil(842 / 72 * 100), math.ceil(595 / 72 * 100), 3)


def test_too_many_pages(tmp_path: Path) -> None:
    path = tmp_path / "long.pdf"
    bad_inputs.pdf(path, pages=6)
    assert _code(path, ScanLimits(100, 5, 90_000_000)) == "too_many_pages"


def test_a_500_page_pdf_is_inspected_without_rendering(tmp_path: Path) -> None:
    path = tmp_path / "500.pdf"
    bad_inputs.pdf(path, pages=500)
    assert inspect(path, MediaType.PDF, ScanLimits(300, 2000, 90_000_000)).pages == 500
    assert load_page(path, MediaType.PDF, 500, LIMITS).ndim == 3


def test_tiff_frames_and_exif_orientation(tmp_path: Path) -> None:
    frames = [Image.new("RGB", (40, 60), (i * 60, 0, 0)) for i in range(3)]
    tif = tmp_path / "multi.tif"
    frames[0].save(tif, save_all=True, append_images=frames[1:])
    assert inspect(tif, MediaType.TIFF, LIMITS).pages == 3
    assert load_page(tif, MediaType.TIFF, 3, LIMITS)[0, 0, 0] == 120

    jpg = tmp_path / "rotated.jpg"
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90 CW to view"
    Image.new("RGB", (60, 40), "white").save(jpg, exif=exif)
    assert load_page(jpg, MediaType.JPEG, 1, LIMITS).shape[:2] == (60, 40)


@pytest.fixture(scope="module")
def bad_dir(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    folder = tmp_path_factory.mktemp("bad")
    good_pdf, good_tif, good_jpg = folder / "g.pdf", folder / "g.tif", folder / "g.jpg"
    image = Image.fromarray(np.random.default_rng(0).integers(0, 255, (300, 200, 3), np.uint8))
    image.save(good_pdf, "PDF")
    image.save(good_tif, "TIFF", save_all=True, append_images=[image, image])
    image.save(good_jpg, "JPEG", quality=90)
    expected = bad_inputs.write_all(folder / "cases", good_pdf, good_tif, good_jpg)
    return folder / "cases", expected


def test_every_bad_input_gets_its_own_reason(bad_dir: tuple[Path, dict[str, str]]) -> None:
    folder, expected = bad_dir
    for name, code in expected.items():
        if code in ("empty_file", "unsupported_type"):
            continue  # refused before inspection (intake): covered by the pipeline test
        assert _code(folder / name) == code, name
