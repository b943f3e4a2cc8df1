"""Do no harm, region by region, and seals kept apart: pure functions on made-up readings."""

from __future__ import annotations

import cv2
import numpy as np

from ocr.fallback import LOST_INK_SQ_INCH, PlainLines, covered, keep_better, lost_ink, plain_lines
from ocr.seals import not_seal_ink, outside, seal_boxes
from ocr.types import Box, Word


def _line(text: str, x: int, y: int, confidence: float = 0.95) -> list[Word]:
    return [
        Word(ch, Box(x + 40 * i, y, x + 40 * i + 36, y + 40), confidence)
        for i, ch in enumerate(text)
    ]


def test_a_line_the_processed_page_lost_comes_from_the_plain_page() -> None:
    kept_line = _line("姓名张卫国", 100, 100)
    lost = _line("服役期间荣立三等功一次", 100, 300)
    partly = _line("一次", 100 + 40 * 9, 300)  # what was left over a highlighter
    plain = PlainLines(2, [(Box(100, 300, 100 + 40 * 11, 340), lost)], detected=True)
    result = keep_better(kept_line + partly, plain)
    assert "".join(w.text for w in result.words) == "姓名张卫国服役期间荣立三等功一次"
    assert result.step.params["lines_from_plain"] == 1
    assert (
        float(result.step.params["recall_before"])
        < float(result.step.params["recall_after"])
        == 1.0
    )


def test_a_line_read_as_well_after_preprocessing_stays_as_it_was() -> None:
    processed = _line("入伍时间1985年3月", 100, 100, 0.99)
    # The plain page reads a rule as "1" and one character less sure: no gain of two.
    plain_words = _line("入伍时间1985年3月1", 100, 100, 0.9)
    plain = PlainLines(1, [(Box(100, 100, 100 + 40 * 12, 140), plain_words)], detected=True)
    result = keep_better(processed, plain)
    assert result.words == processed
    assert result.step.params["lines_from_plain"] == 0


def test_coverage_is_the_share_of_a_line_its_words_span() -> None:
    box = Box(100, 100, 500, 140)
    assert covered(box, _line("一二三四五六七八九十", 100, 100)) > 0.85
    assert covered(box, _line("一二", 100, 100)) < 0.25
    assert covered(box, _line("一二", 100, 400)) == 0.0


def _page_with_seal() -> np.ndarray:
    page = np.full((600, 800, 3), 255, np.uint8)
    cv2.circle(page, (400, 300), 120, (210, 40, 40), 8)
    cv2.putText(page, "SEAL", (330, 320), cv2.FONT_HERSHEY_SIMPLEX, 2, (210, 40, 40), 6)
    cv2.putText(page, "2020", (300, 250), cv2.FONT_HERSHEY_SIMPLEX, 2, (20, 20, 20), 6)
    cv2.line(page, (50, 550), (750, 550), (210, 40, 40), 4)  # a red rule is no seal
    return page


def test_a_seal_is_found_by_its_red_ink_and_its_round_shape() -> None:
    boxes = seal_boxes(_page_with_seal(), dpi=300)
    assert len(boxes) == 1
    b = boxes[0]
    assert b.x0 < 290 and b.x1 > 510 and b.y0 < 190 and b.y1 > 410


def test_words_in_the_seals_ink_are_dropped_and_black_text_under_it_stays() -> None:
    page = _page_with_seal()
    seals = seal_boxes(page, dpi=300)
    red_word = Word("SEAL", Box(330, 280, 480, 325), 0.9)
    black_word = Word("2020", Box(300, 210, 450, 255), 0.9)
    elsewhere = Word("OK", Box(20, 20, 80, 60), 0.9)
    assert not_seal_ink([red_word, black_word, elsewhere], seals, page) == [black_word, elsewhere]
    assert outside([red_word, black_word, elsewhere], seals) == [elsewhere]


def test_a_character_read_otherwise_and_surer_on_the_plain_page_is_taken_in_doubt() -> None:
    processed = _line("性别另", 100, 100, 0.99)
    processed[2] = Word("另", processed[2].box, 0.63)
    plain_words = _line("性别男", 100, 102, 0.99)
    plain_words[2] = Word("男", plain_words[2].box, 0.77)
    result = keep_better(
        processed, PlainLines(1, [(Box(100, 100, 220, 140), plain_words)], detected=True)
    )
    assert [w.text for w in result.words] == ["性", "别", "男"]
    # Two readings disagreed: the value goes to a person, however sure the better one was.
    assert result.words[2].confidence == 0.5
    assert result.words[:2] == processed[:2]
    assert result.step.params["chars_from_plain"] == 1


def _two_lines() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A plain page with a table rule and two lines of character-sized marks; its processed
    binary (ink 0) with the rule taken off into a mask."""
    plain = np.full((900, 1200, 3), 250, np.uint8)
    plain[600:604, 50:1150] = 30  # a rule
    for y in (200, 400):
        for x in range(100, 1000, 48):
            plain[y : y + 40, x : x + 6] = 40  # the strokes of a character
            plain[y + 17 : y + 23, x : x + 40] = 40
    binary = np.where(plain[:, :, 0] < 128, 0, 255).astype(np.uint8)
    rules = np.zeros_like(binary)
    rules[598:606, 50:1150] = 255
    binary[rules > 0] = 255
    return plain, binary, rules


def test_ink_the_clean_up_took_outside_every_word_is_lost_text() -> None:
    plain, binary, rules = _two_lines()
    first_line = [Word("一", Box(100, 200, 1000, 240), 0.95)]
    # Everything kept: the rule explains its own ink, the marks are on the processed page.
    assert lost_ink(plain, binary, rules, 300, []) == 0.0
    # The second line wiped by the clean-up, the first read: the second is lost.
    wiped = binary.copy()
    wiped[380:460] = 255
    assert lost_ink(plain, wiped, rules, 300, first_line) > LOST_INK_SQ_INCH
    # Wiped too, but under a word read all the same: nothing lost.
    under = [*first_line, Word("二", Box(100, 400, 1000, 440), 0.9)]
    assert lost_ink(plain, wiped, rules, 300, under) == 0.0


class _CountingDetector:
    """Finds the one line it is built with; counts how often it is asked to find lines."""

    name = "fake"
    reads_binary = False

    def __init__(self, line: Box) -> None:
        self.line, self.detections = line, 0

    def detect(self, image: np.ndarray) -> tuple[Box, ...]:
        self.detections += 1
        return (self.line,)

    def read_boxes(self, image: np.ndarray, boxes: object) -> list[list[Word]]:
        return [_line("服役", self.line.x0, self.line.y0)]

    def recognize(self, image: np.ndarray) -> object:
        raise AssertionError("a detecting engine reads only the lines it picks")


def test_shared_line_boxes_spare_the_plain_page_a_detection() -> None:
    line = Box(100, 100, 180, 140)
    unsure = [Word("服", Box(100, 100, 136, 140), 0.5), Word("役", Box(140, 100, 176, 140), 0.99)]
    engine = _CountingDetector(line)
    page = np.full((300, 300), 255, np.uint8)
    shared = plain_lines(engine, page, unsure, shared=(line,))  # type: ignore[arg-type]
    assert engine.detections == 0 and not shared.detected
    assert [w.text for _, ws in shared.read for w in ws] == ["服", "役"]  # the unsure line
    found = plain_lines(engine, page, unsure)  # type: ignore[arg-type]
    assert engine.detections == 1 and found.detected
