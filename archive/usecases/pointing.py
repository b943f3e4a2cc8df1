"""A person points at the page instead of typing: a word or an item of the page's reading, or
a box drawn around ink the reading missed, which the engine reads there and then. Whatever the
browser sends, the evidence is taken from the stored reading or read again here: a value's
evidence is never what a client says it is."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image, UnidentifiedImageError

from archive.domain import Actor, Evidence, PageRecord, Pointed, PointedHow
from archive.page_words import segments, words_in
from archive.usecases.context import Archive
from archive.usecases.errors import Gone, Invalid, NotFound, Unavailable
from archive.usecases.views import Masker, RegionOut
from ocr.errors import EngineUnavailable, OcrError
from ocr.region import RegionText, upright_region

# A box narrower or lower than this holds no character at any scanning resolution we take.
MIN_SIDE = 4


@dataclass(frozen=True, slots=True)
class PointAt:
    """Where a person pointed: a page, a box on its scan as scanned, and what they pointed at."""

    page: int
    box: tuple[int, int, int, int]
    how: PointedHow


@dataclass(frozen=True, slots=True)
class Pointable:
    """A piece of a page's reading a person may take as a value: a line's run of words
    between separators and blanks (archive.page_words.segments)."""

    page: int
    text: str
    box: list[int]
    confidence: float


def pointables(archive: Archive, actor: Actor, document_id: int) -> list[Pointable]:
    """Every piece of every page's reading, for the review page to lay over the scan; its
    text masked as the record's is (the record view that shows them is audited)."""
    m = Masker(actor)
    return [
        Pointable(page.number, m.text(s.text), s.box, s.confidence)
        for page in archive.store.page_records(document_id)
        for s in segments(page)
    ]


def stored_page(archive: Archive, document_id: int, number: int) -> PageRecord:
    if archive.store.document(document_id) is None:
        raise NotFound.of("这份档案", "record")
    page = next((p for p in archive.store.page_records(document_id) if p.number == number), None)
    if page is None:
        raise NotFound.of("这一页", "page")
    return page


def _within(page: PageRecord, box: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
    """The box clipped to the page; refused when it is back to front, or too small to hold
    a character once clipped."""
    x0, y0, x1, y1 = box
    x0, y0 = max(0, x0), max(0, y0)
    x1, y1 = min(page.width, x1), min(page.height, y1)
    if x1 - x0 < MIN_SIDE or y1 - y0 < MIN_SIDE:
        raise Invalid(
            "invalid_box",
            f"所框区域须在页面内，且宽、高至少 {MIN_SIDE} 像素",
            f"the box must lie on the page and be at least {MIN_SIDE} pixels each way",
        )
    return x0, y0, x1, y1


def _read(archive: Archive, page: PageRecord, box: tuple[int, int, int, int]) -> RegionText:
    path = archive.data_dir / page.original_image
    try:
        with Image.open(path) as image:
            scan = np.asarray(image.convert("RGB") if image.mode not in ("L", "RGB") else image)
    except (OSError, UnidentifiedImageError) as exc:
        raise Gone(
            "image_missing",
            "页面图像文件已不在数据目录中或已损坏",
            f"the page image cannot be read: {exc}",
        ) from exc
    try:
        return archive.reader.read(upright_region(scan, box, page.rotation, page.skew_deg))
    except EngineUnavailable as exc:
        raise Unavailable(
            "ocr_unavailable", f"识别引擎不可用：{exc}", f"the OCR engine is unavailable: {exc}"
        ) from exc
    except OcrError as exc:  # the engine ran and failed on this region: say so, keep serving
        raise Invalid(
            "unreadable_region", f"识别引擎未能读取所框区域：{exc}", f"the engine failed: {exc}"
        ) from exc


def read_region(
    archive: Archive, actor: Actor, document_id: int, number: int, box: tuple[int, int, int, int]
) -> RegionOut:
    """What the engine reads in a box drawn on a page; audited as a view of the record."""
    page = stored_page(archive, document_id, number)
    box = _within(page, box)
    read = _read(archive, page, box)
    archive.audit.record(
        actor,
        "read_region",
        {"document_id": document_id, "page": number, "bbox": list(box)},
        [document_id],
    )
    return RegionOut(
        page=number, bbox=list(box), text=Masker(actor).text(read.text), confidence=read.confidence
    )


def resolve(archive: Archive, document_id: int, at: PointAt) -> Pointed:
    """The evidence of what the person pointed at: the stored words in the box for a word or
    an item, a fresh reading of the box for a region."""
    page = stored_page(archive, document_id, at.page)
    box = _within(page, at.box)
    if at.how == "region":
        read = _read(archive, page, box)
        if not read.text:
            raise Invalid(
                "nothing_read",
                "识别引擎在所框区域内没有读出文字，请直接输入",
                "the engine read nothing in the box; type the value",
            )
        return Pointed("region", Evidence(at.page, list(box), read.text), read.confidence)
    found = words_in(page, box)
    if found is None:
        raise Invalid(
            "nothing_there",
            "所指之处没有识别出的文字",
            "the page's reading has no words there",
        )
    return Pointed(at.how, Evidence(at.page, found.box, found.text), found.confidence)
