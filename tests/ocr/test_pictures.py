"""What a recogniser reads into a picture is dropped; writing, even over a picture, is kept."""

import numpy as np

from ocr.pictures import not_pictures, picture_boxes
from ocr.types import Box, Word

DPI = 300


def _page() -> tuple[np.ndarray, np.ndarray]:
    binary = np.full((1200, 1000), 255, np.uint8)
    # A sketch: one winding stroke an inch and a half across, and a small circle inside.
    for x in range(200, 650):
        y = 300 + int(150 * np.sin(x / 60))
        binary[y : y + 4, x] = 0
    # A character-sized mark well away from it.
    binary[1000:1040, 100:140] = 0
    shaded = binary.copy()
    # A photo: an area of solid dark tone, with a light face in it.
    shaded[700:950, 600:900] = 60
    shaded[750:850, 680:820] = 230
    return binary, shaded


def test_big_strokes_and_dark_tone_are_pictures_and_writing_is_not() -> None:
    binary, shaded = _page()
    boxes = picture_boxes(binary, shaded, DPI)
    assert len(boxes) == 2
    sketch, photo = sorted(boxes, key=lambda b: b.y0)
    assert sketch.x0 <= 200 and sketch.x1 >= 650 and sketch.y0 <= 160 and sketch.y1 >= 450
    assert photo.x0 <= 600 and photo.x1 >= 900 and photo.y0 <= 700 and photo.y1 >= 950
    assert not any(b.holds_centre_of(Box(100, 1000, 140, 1040)) for b in boxes)


def test_a_ruled_frame_round_a_picture_widens_it() -> None:
    binary, shaded = _page()
    frame = Box(150, 100, 700, 560)
    sketch = min(picture_boxes(binary, shaded, DPI, (frame,)), key=lambda b: b.y0)
    assert sketch.union(frame) == sketch


def test_shapes_read_in_a_picture_are_dropped_and_sure_writing_kept() -> None:
    binary, shaded = _page()
    words = [
        Word("O", Box(400, 280, 440, 320), 0.98),  # a circle of the sketch
        Word("二", Box(700, 760, 800, 840), 0.62),  # a face
        Word("北", Box(300, 330, 340, 370), 0.97),  # a label written on the sketch
        Word("1", Box(100, 1000, 140, 1040), 0.40),  # unsure, but outside every picture
        Word("口", Box(50, 460, 250, 660), 0.7),  # a "character" two-thirds of an inch big
    ]
    kept, step = not_pictures(words, binary, shaded, DPI)
    assert [w.text for w in kept] == ["北", "1"]
    assert step.name == "pictures"
    assert step.params == {"count": 2, "dropped": 3, "text": "O 二 口"}


def test_a_page_of_writing_has_no_pictures() -> None:
    binary = np.full((1200, 1000), 255, np.uint8)
    for row in range(100, 1100, 60):  # lines of character-sized marks, in bold
        for col in range(100, 900, 45):
            binary[row : row + 36, col : col + 36] = 0
    shaded = binary.copy()
    assert picture_boxes(binary, shaded, DPI) == []


def test_rules_that_clean_up_missed_are_no_picture() -> None:
    binary = np.full((1200, 1000), 255, np.uint8)
    # A table's double border and one inner rule, left on the page, with digits in it.
    for edge in (100, 108):
        binary[edge : edge + 3, 100:900] = 0
        binary[1100 - edge : 1103 - edge, 100:900] = 0
        binary[100:1003, edge : edge + 3] = 0
        binary[100:1003, 1000 - edge : 1003 - edge] = 0
    binary[500:503, 100:900] = 0
    assert picture_boxes(binary, binary.copy(), DPI) == []
