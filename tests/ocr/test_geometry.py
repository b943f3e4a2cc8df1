import numpy as np
import pytest

from ocr import geometry
from ocr.types import Box


@pytest.mark.parametrize("turns", [0, 1, 2, 3])
def test_quarter_turn_matrix_matches_numpy_rotation(turns: int) -> None:
    image = np.zeros((5, 8), np.uint8)
    image[1, 6] = 255  # (x=6, y=1)
    turned = np.rot90(image, k=-turns)
    ys, xs = np.nonzero(turned)
    mapped = geometry.quarter_turns_cw(turns, 8, 5) @ np.array([6, 1, 1.0])
    assert (round(mapped[0]), round(mapped[1])) == (xs[0], ys[0])


def test_rotation_about_centre_round_trips_a_box() -> None:
    matrix, (w, h) = geometry.rotation_about_centre(7.5, 400, 300)
    assert w > 400 and h > 300
    box = Box(100, 100, 140, 120)
    back = geometry.map_box(np.linalg.inv(matrix), geometry.map_box(matrix, box))
    # The box around a rotated box grows; the centre stays put within a pixel.
    assert abs((back.x0 + back.x1) / 2 - 120) <= 1
    assert abs((back.y0 + back.y1) / 2 - 110) <= 1


def test_map_box_clips_to_bounds() -> None:
    box = geometry.map_box(geometry.translation(-50, -50), Box(10, 10, 100, 100), (30, 30))
    assert box == Box(0, 0, 30, 30)
