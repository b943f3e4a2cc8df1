"""PP-OCR through rapidocr-onnxruntime, for real: models from inside its wheel."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from ocr.engine import make_engine
from ocr.preprocess import PreprocessOptions, preprocess
from ocr.rapid import RapidOcrEngine, rows_from_boxes
from ocr.types import Box
from scripts.samplegen.render import font


def test_boxes_are_grouped_into_rows_and_read_left_to_right() -> None:
    items = [
        (Box(300, 102, 400, 130), "张三", 0.9),
        (Box(10, 100, 100, 128), "姓名", 0.8),
        (Box(10, 200, 100, 228), "性别", 0.7),
        (Box(300, 205, 340, 230), "男", 0.6),
    ]
    lines = rows_from_boxes(items)
    assert [line.text for line in lines] == ["姓名张三", "性别男"]
    assert lines[0].box == Box(10, 100, 400, 130)
    assert abs(lines[1].confidence - 0.65) < 1e-9


def test_models_ship_inside_the_installed_package() -> None:
    import rapidocr_onnxruntime

    models = Path(rapidocr_onnxruntime.__file__).parent / "models"
    assert {p.name for p in models.glob("*.onnx")} >= {
        "ch_PP-OCRv4_det_infer.onnx",
        "ch_PP-OCRv4_rec_infer.onnx",
    }


def test_pp_ocr_reads_a_printed_chinese_line() -> None:
    image = Image.new("L", (900, 160), 255)
    ImageDraw.Draw(image).text(
        (40, 50), "退役军人信息登记表 1985年3月", font=font("song", 48), fill=0
    )
    result = make_engine("rapidocr").recognize(np.asarray(image))
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
    result = preprocess(scan, PreprocessOptions(dpi=150), reader=RapidOcrEngine())
    assert result.rotation == 180
