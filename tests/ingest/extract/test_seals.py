"""A seal's text is the page's 印章 text, never a field value nor the body text: a real page
through the real pipeline, the default engine and the extractor."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

from archive.domain import MediaType
from ingest.extract.extractor import extract
from ingest.page import read_and_keep
from ingest.scans import ScanLimits
from ocr.engines import EngineSpec
from scripts.samplegen.render import font

RED = (205, 35, 35)


def _certified_page(path: Path) -> None:
    """Name and discharge date on a letter, the bureau's seal over the name: its ring, its
    star and the bureau's name in a straight line across the value."""
    image = Image.new("RGB", (1240, 1000), "white")
    draw = ImageDraw.Draw(image)
    face = font("hei", 40)
    draw.text((80, 100), "士兵退出现役批准书", font=face, fill=(0, 0, 0))
    draw.text((80, 300), "姓名：张卫国", font=face, fill=(0, 0, 0))
    draw.text((80, 420), "退役时间：2020年3月", font=face, fill=(0, 0, 0))
    cx, cy, r = 330, 320, 170
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=RED, width=10)
    draw.regular_polygon((cx, cy - 60, 40), 5, fill=RED)
    draw.text((cx - 140, cy + 30), "退役军人事务局", font=font("hei", 40), fill=RED)
    image.save(path, dpi=(300, 300))


def test_the_seal_text_is_kept_apart_and_never_enters_a_field(tmp_path: Path) -> None:
    scan = tmp_path / "seal.png"
    _certified_page(scan)
    page = read_and_keep(
        scan,
        MediaType.PNG,
        1,
        ScanLimits(300, 10, 100_000_000),
        EngineSpec("rapidocr").build(),
        tmp_path,
        "0" * 64,
    )
    seals = next(s for s in page.steps if s["step"] == "seals")
    assert seals["count"] == 1
    assert "事务局" in str(seals["text"])
    body = "".join(line.text for line in page.lines)
    assert "张卫国" in body and "事务局" not in body
    fields = {f.key: f.value for f in extract([page])}
    assert fields["name"] == "张卫国"
    assert fields["discharge_date"] is not None and fields["discharge_date"].startswith("2020-")
    assert not any("事务" in (v or "") for v in fields.values())
