"""PP-OCR through rapidocr-onnxruntime, for real: models from inside its wheel."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from ocr.engines import DEFAULT_PPOCR, PPOCR_MODELS, EngineSpec
from ocr.orientation import orient
from ocr.preprocess import PreprocessOptions, preprocess
from ocr.rapid import MODEL_SETS, RapidOcrEngine, split_reading
from ocr.types import Box
from scripts.samplegen.render import font


def test_a_line_read_across_a_removed_rule_splits_at_each_character() -> None:
    # "退出现役时间2009-04": six Chinese characters, then a date, 100 output columns over 500 px.
    text = "退出现役时间 2009-04"
    columns = [2, 10, 18, 26, 34, 42, 48, 54, 57, 60, 63, 66, 69, 72]
    confidences = [0.9] * 6 + [1.0] + [0.8] * 7
    words = split_reading(text, columns, confidences, 100, Box(100, 10, 600, 40))
    assert [w.text for w in words] == [*"退出现役时间", "2009-04"]
    assert all(a.box.x1 <= b.box.x0 + 5 for a, b in itertools.pairwise(words))
    assert words[0].box.x0 >= 100 and words[-1].box.x1 <= 600
    assert words[-1].box.x0 > 100 + 5 * 48 and abs(words[-1].confidence - 0.8) < 1e-9
    assert all(w.box.y0 == 10 and w.box.y1 == 40 for w in words)


@pytest.mark.parametrize("models", PPOCR_MODELS)
def test_every_model_set_ships_inside_an_installed_wheel(models: str) -> None:
    """Found and loaded from the installed packages alone: nothing is fetched (the suite runs
    with no route to a model hub, and the engine is never given a download URL)."""
    chosen = MODEL_SETS[models]
    for inside in chosen.files:
        path = Path(chosen.path(inside))
        assert path.is_file() and path.stat().st_size > 0, path
    engine = RapidOcrEngine(models)
    assert engine.check_available() is None
    image = Image.new("L", (700, 120), 255)
    ImageDraw.Draw(image).text((30, 35), "退役军人事务局", font=font("hei", 44), fill=0)
    assert engine.recognize(np.asarray(image)).text == "退役军人事务局"


def test_plain_rapidocr_names_the_default_model_set() -> None:
    assert EngineSpec("rapidocr").build().name == f"rapidocr-{DEFAULT_PPOCR}"
    assert EngineSpec("rapidocr-v4").build().name == "rapidocr-v4"


def test_pp_ocr_reads_a_printed_chinese_line() -> None:
    image = Image.new("L", (900, 160), 255)
    ImageDraw.Draw(image).text(
        (40, 50), "退役军人信息登记表 1985年3月", font=font("song", 48), fill=0
    )
    result = RapidOcrEngine().recognize(np.asarray(image))
    assert result.text.replace(" ", "") == "退役军人信息登记表1985年3月"
    assert all(0 < w.confidence <= 1 for line in result.lines for w in line.words)


def test_a_blank_page_reads_as_nothing() -> None:
    assert RapidOcrEngine().recognize(np.full((400, 300), 255, np.uint8)).lines == ()


def test_an_upside_down_page_is_turned_by_reading_it_both_ways() -> None:
    image = Image.new("L", (1240, 600), 255)
    draw = ImageDraw.Draw(image)
    for i, text in enumerate(
        ["士兵退出现役批准书", "经审核批准该同志退出现役", "安置方式为自主就业"]
    ):
        draw.text((80, 60 + i * 150), text, font=font("hei", 60), fill=0)
    scan = np.ascontiguousarray(np.rot90(np.asarray(image), 2))
    options = PreprocessOptions(dpi=150)
    result = orient(preprocess(scan, options), RapidOcrEngine(), options)
    assert result.rotation == 180


def test_pp_ocr_says_it_can_run_without_loading_its_models() -> None:
    assert RapidOcrEngine().check_available() is None
