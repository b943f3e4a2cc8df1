"""The tesseract engine, for real: recognition, timeouts, missing language data."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw

from ocr import EngineTimeout, EngineUnavailable
from ocr.engines import EngineSpec
from ocr.tesseract import TesseractEngine, check_available, lines_from_tesseract_data
from ocr.words import join_words
from scripts.samplegen.render import font


def _line_image(text: str, px: int = 40) -> np.ndarray:
    image = Image.new("L", (px * (len(text) + 4), px * 3), 255)
    ImageDraw.Draw(image).text((px, px), text, font=font("song", px), fill=0)
    return np.asarray(image)


def test_join_words_spaces_only_between_latin_neighbours() -> None:
    assert join_words(["退", "役", "军", "人"]) == "退役军人"
    assert join_words(["ID", "number", "号", "X"]) == "ID number号X"


def test_lines_keep_tesseract_grouping_and_skip_empty_words() -> None:
    data = {
        "text": ["姓", "名", "", "张"],
        "conf": [90, 80, -1, 70],
        "left": [0, 20, 0, 0],
        "top": [0, 0, 0, 40],
        "width": [18, 18, 0, 18],
        "height": [20, 20, 0, 20],
        "block_num": [1, 1, 1, 1],
        "par_num": [1, 1, 1, 1],
        "line_num": [1, 1, 1, 2],
    }
    lines = lines_from_tesseract_data(data)
    assert [line.text for line in lines] == ["姓名", "张"]
    assert lines[0].box.as_list() == [0, 0, 38, 20]
    assert lines[0].confidence == pytest.approx(0.85)


def test_tesseract_reads_a_printed_chinese_line() -> None:
    result = TesseractEngine().recognize(_line_image("退役军人信息登记表"))
    assert result.text.replace(" ", "") == "退役军人信息登记表"
    assert all(0.0 <= w.confidence <= 1.0 for line in result.lines for w in line.words)


def test_timeout_becomes_engine_timeout() -> None:
    big = np.tile(_line_image("退役军人档案数字化"), (12, 3))
    with pytest.raises(EngineTimeout):
        TesseractEngine(timeout_s=0.01).recognize(big)


def test_missing_language_becomes_engine_unavailable() -> None:
    with pytest.raises(EngineUnavailable):
        TesseractEngine(lang="xyz_nolang").recognize(_line_image("测试"))
    assert check_available("xyz_nolang") is not None
    assert check_available("chi_sim") is None
    assert TesseractEngine(lang="xyz_nolang").check_available() is not None


def test_unknown_engine_name_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown OCR engine"):
        EngineSpec("nosuch")


def test_colour_pages_reach_tesseract_in_their_own_colours() -> None:
    """Red text on white would vanish into the red channel if the channels were swapped."""
    from ocr.tesseract import _as_file

    image = np.zeros((4, 4, 3), np.uint8)
    image[..., 0] = 200  # red
    with _as_file(image) as path, Image.open(path) as written:
        assert written.convert("RGB").getpixel((0, 0)) == (200, 0, 0)
