"""Preprocessing on generated pages with known skew and rotation."""

from __future__ import annotations

import random

import cv2
import numpy as np
import pytest

from ocr.geometry import map_box
from ocr.orientation import orient
from ocr.preprocess import (
    PreprocessOptions,
    dark_border_box,
    estimate_skew,
    preprocess,
    remove_rules,
    remove_specks_and_blobs,
)
from ocr.tesseract import TesseractEngine
from ocr.types import Box
from scripts.samplegen.people import make_veteran
from scripts.samplegen.render import render_approval, render_register_form

DPI = 100


def _page(kind: str = "text") -> np.ndarray:
    rng = random.Random(5)
    v = make_veteran(rng, 1)
    page = (
        render_approval(v, rng, DPI, "song")
        if kind == "text"
        else render_register_form(v, rng, DPI, ("song", "song"), False)
    )
    return np.asarray(page.image.convert("RGB"))


def _rotate(image: np.ndarray, angle: float) -> np.ndarray:
    h, w = image.shape[:2]
    m = cv2.getRotationMatrix2D(((w - 1) / 2, (h - 1) / 2), angle, 1.0)
    return cv2.warpAffine(image, m, (w, h), borderValue=(255, 255, 255))


@pytest.mark.parametrize("angle", [-14.0, -6.3, -0.7, 0.0, 2.2, 9.9, 15.0])
@pytest.mark.parametrize("kind", ["text", "form"])
def test_skew_is_measured_within_a_fifth_of_a_degree(angle: float, kind: str) -> None:
    gray = cv2.cvtColor(_rotate(_page(kind), angle), cv2.COLOR_RGB2GRAY)
    _, ink = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    measured, _ = estimate_skew(ink, 15.0)
    assert abs(measured - angle) <= 0.2


@pytest.mark.parametrize("turns", [1, 3])
@pytest.mark.parametrize("kind", ["text", "form"])
def test_sideways_pages_are_turned_upright_or_flipped(turns: int, kind: str) -> None:
    """Without OSD the line direction alone gets a sideways page to 0 or 180."""
    image = np.ascontiguousarray(np.rot90(_page(kind), k=-turns))
    result = preprocess(image, PreprocessOptions(dpi=DPI))
    assert result.rotation in (90, 270)
    assert result.image.shape[0] > result.image.shape[1]  # portrait again


def test_upright_page_is_left_alone_and_steps_are_recorded() -> None:
    result = preprocess(_page("form"), PreprocessOptions(dpi=DPI))
    assert result.rotation == 0
    assert abs(result.skew_deg) < 0.1
    names = [s.name for s in result.steps]
    assert names == [
        "gray",
        "border_crop",
        "line_direction",
        "deskew",
        "resolution",
        "binarize",
        "clean",
    ]
    assert set(np.unique(result.image)) <= {0, 255}


def test_boxes_map_back_to_the_scan() -> None:
    """A point on the processed image lands where it was on the skewed, bordered scan."""
    clean = _page("text")
    scan = cv2.copyMakeBorder(
        _rotate(clean, 4.0), 30, 30, 30, 30, cv2.BORDER_CONSTANT, value=(20, 20, 20)
    )
    result = preprocess(scan, PreprocessOptions(dpi=DPI))
    # The title's ink on the processed page, mapped back, should cover the title on the scan.
    ys, xs = np.nonzero(255 - result.image[: result.image.shape[0] // 6])
    on_scan = map_box(
        result.to_original,
        Box(int(xs.min()), int(ys.min()), int(xs.max()), int(ys.max())),
        result.original_size,
    )
    gray = cv2.cvtColor(scan, cv2.COLOR_RGB2GRAY)
    region = gray[on_scan.y0 : on_scan.y1, on_scan.x0 : on_scan.x1]
    assert region.size and (region < 100).mean() > 0.01  # ink is there


def test_dark_border_is_found() -> None:
    gray = np.full((200, 100), 255, np.uint8)
    gray[:12] = 10
    gray[:, 90:] = 10
    assert dark_border_box(gray) == (0, 12, 90, 200)


def test_the_bed_beside_a_skewed_page_is_not_cropped_with_the_text_in_its_corner() -> None:
    gray = np.full((200, 100), 255, np.uint8)
    gray[:120, 85:] = 10  # the bed, above where the page's edge leaves the image
    gray[150:160, 88:98] = 0  # a character in the page's corner below it
    assert dark_border_box(gray) == (0, 0, 100, 200)


def test_rules_and_binder_holes_are_erased_but_glyph_strokes_stay() -> None:
    binary = np.full((400, 400), 255, np.uint8)
    binary[100:103, 20:380] = 0  # a table rule
    cv2.circle(binary, (40, 300), 14, 0, -1)  # a binder hole, 0.28 in at 100 dpi
    binary[200:215, 200:202] = 0  # a short stroke of a glyph
    no_rules, rules = remove_rules(binary, DPI)
    cleaned, _, blobs = remove_specks_and_blobs(no_rules, DPI)
    assert blobs == 1
    assert rules[101, 200] == 255 and rules[207, 200] == 0
    assert cleaned[101, 200] == 255 and cleaned[300, 40] == 255
    assert cleaned[207, 200] == 0


def test_a_dotted_rule_of_a_dithered_scan_is_erased_but_a_row_of_glyphs_is_not() -> None:
    binary = np.full((300, 400), 255, np.uint8)
    binary[100, 20:380:2] = 0  # a pale rule, dithered into every other pixel
    binary[101, 21:380:3] = 0
    for x in range(20, 380, 30):  # a line of glyphs whose top strokes share a row
        binary[200, x : x + 22] = 0
        binary[200:220, x + 10] = 0
    cleaned, rules = remove_rules(binary, DPI)
    assert rules[100, 200] == 255 and cleaned[100, 200] == 255
    assert np.count_nonzero(rules[190:230]) == 0 and cleaned[200, 25] == 0


def test_clean_removes_lone_specks_but_keeps_thin_strokes_and_glyph_dots() -> None:
    binary = np.full((200, 200), 255, np.uint8)
    binary[50, 20:60] = 0  # a one-pixel horizontal stroke
    binary[55:57, 62:64] = 0  # a dot right beside it (part of the glyph)
    binary[150:152, 150:152] = 0  # a lone speck
    cleaned, specks, blobs = remove_specks_and_blobs(binary, DPI)
    assert (specks, blobs) == (1, 0)
    assert cleaned[50, 40] == 0 and cleaned[55, 62] == 0 and cleaned[150, 150] == 255


@pytest.mark.parametrize("turns", [0, 1, 2, 3])
@pytest.mark.parametrize("kind", ["text", "form"])
def test_orientation_with_the_engine_names_how_the_scan_was_turned(turns: int, kind: str) -> None:
    rng = random.Random(8)
    v = make_veteran(rng, 2)
    page = (
        render_approval(v, rng, 150, "hei")
        if kind == "text"
        else render_register_form(v, rng, 150, ("song", "hei"), False)
    )
    scan = np.ascontiguousarray(np.rot90(np.asarray(page.image.convert("RGB")), k=-turns))
    options = PreprocessOptions(dpi=150)
    result = orient(preprocess(scan, options), TesseractEngine(), options)
    assert result.rotation == 90 * turns
    assert [s.name for s in result.steps][-1] == "orientation"


def test_a_blank_page_is_not_turned() -> None:
    """No ink, no evidence of skew: the page stays as it was scanned (it was once turned by
    the whole search range, 15°, and came out larger than it went in)."""
    result = preprocess(np.full((800, 600, 3), 250, np.uint8), PreprocessOptions(dpi=DPI))
    assert result.skew_deg == 0.0 and result.image.shape == (800, 600)


def test_faint_text_on_a_skewed_page_survives_the_scanner_bed_around_it() -> None:
    """The bed's dark corners, turned inside the page by deskew, must not drag the threshold
    below pale ink."""
    clean = _page("form")
    faint = (255 - (255 - clean.astype(np.float32)) * 0.3).astype(np.uint8)
    h, w = faint.shape[:2]
    m = cv2.getRotationMatrix2D(((w - 1) / 2, (h - 1) / 2), 4.0, 0.9)
    scan = cv2.warpAffine(faint, m, (w, h), borderValue=(25, 25, 25))
    result = preprocess(scan, PreprocessOptions(dpi=DPI))
    upright = preprocess(faint, PreprocessOptions(dpi=DPI))
    assert abs(result.skew_deg - 4.0) <= 0.3
    kept = np.count_nonzero(result.image == 0) / np.count_nonzero(upright.image == 0)
    assert kept > 0.6


@pytest.mark.parametrize("turns", [1, 3])
@pytest.mark.parametrize("kind", ["text", "form"])
def test_skew_of_a_sideways_page_is_measured_along_its_lines(turns: int, kind: str) -> None:
    image = np.ascontiguousarray(np.rot90(_rotate(_page(kind), 3.5), k=-turns))
    result = preprocess(image, PreprocessOptions(dpi=DPI))
    assert abs(result.skew_deg - 3.5) <= 0.3
