"""A drawn box read on its own by the real PP-OCR engine: on scans turned a quarter, upside
down and skewed, the box is given on the scan as scanned and read upright."""

from __future__ import annotations

import threading

import numpy as np
import pytest
from PIL import Image, ImageDraw

from ocr import Box, Recognition, Word
from ocr.rapid import RapidOcrEngine
from ocr.region import SharedEngine, read_region, upright_region
from ocr.words import line_of
from scripts.samplegen.render import font
from tests.fakes.engines import READ_TEXT, FakeEngine

TEXT = "陆军第二十七集团军"


def _scan(rotation: int, skew: float) -> tuple[np.ndarray, tuple[int, int, int, int]]:
    """A page with one line of text, turned ``rotation`` degrees clockwise and skewed by
    ``skew`` (counter-clockwise), and the line's box on the turned scan."""
    page = Image.new("L", (1000, 700), 255)
    ImageDraw.Draw(page).text((260, 320), TEXT, font=font("song", 40), fill=0)
    page = page.rotate(skew, resample=Image.Resampling.BICUBIC, fillcolor=255)
    scan = np.asarray(page.rotate(-rotation, expand=True))
    ys, xs = np.nonzero(scan < 128)
    margin = 10
    box = (int(xs.min()) - margin, int(ys.min()) - margin, int(xs.max()) + margin, int(ys.max()))
    return scan, (box[0], box[1], box[2], box[3] + margin)


@pytest.mark.parametrize(("rotation", "skew"), [(0, 0.0), (90, 0.0), (180, 0.0), (270, 3.0)])
def test_a_box_on_a_turned_scan_is_read_upright(rotation: int, skew: float) -> None:
    scan, box = _scan(rotation, skew)
    region = upright_region(scan, box, rotation, skew)
    assert region.shape[1] > region.shape[0]  # the line runs across, as on the upright page
    read = read_region(RapidOcrEngine(), region)
    assert read.text == TEXT
    assert 0.5 < read.confidence <= 1


def test_a_box_round_blank_paper_reads_as_nothing() -> None:
    blank = np.full((300, 300), 255, np.uint8)
    read = read_region(RapidOcrEngine(), upright_region(blank, (50, 50, 200, 90), 0, 0.0))
    assert (read.text, read.confidence) == ("", 0.0)


def test_a_small_box_is_enlarged_and_padded_for_the_detector() -> None:
    region = upright_region(np.zeros((100, 100), np.uint8), (10, 10, 30, 20), 0, 0.0)
    assert region.shape == (40 + 32, 80 + 32)
    assert region[0].min() == 255 and region[-1].min() == 255  # the margin is white


class _Counting(FakeEngine):
    """Reads every region as the fake text; counts how often it was built and how many
    threads are inside it at once."""

    built = 0
    inside = 0
    most_inside = 0

    def __init__(self) -> None:
        type(self).built += 1

    def recognize(self, image: np.ndarray) -> Recognition:
        cls = type(self)
        cls.inside += 1
        cls.most_inside = max(cls.most_inside, cls.inside)
        threading.Event().wait(0.01)
        cls.inside -= 1
        return Recognition("fake", (line_of([Word(READ_TEXT, Box(0, 0, 10, 10), 0.9)]),))


class _Factory:
    name = "fake"

    def build(self) -> _Counting:
        return _Counting()


def test_the_shared_engine_is_built_when_first_asked_once_and_used_by_one_thread_at_a_time() -> (
    None
):
    shared = SharedEngine(_Factory())
    assert _Counting.built == 0  # a server never asked to read a region loads no model
    region = np.full((60, 200), 255, np.uint8)
    threads = [threading.Thread(target=shared.read, args=(region,)) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert _Counting.built == 1 and _Counting.most_inside == 1
    assert shared.read(region).text == READ_TEXT
