"""Page preprocessing: pure functions from a scan to a straight, clean image.

Every step records what it chose (StepRecord) and the composed transform maps processed
coordinates back to the original scan. Which way up the page stands is left to the engine
(ocr.orientation): preprocessing only narrows it down to the turns its line direction allows.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import cv2
import numpy as np

from ocr import geometry
from ocr.geometry import Affine
from ocr.perspective import corner_angles, page_outline, rectify
from ocr.types import StepRecord


@dataclass(frozen=True, slots=True)
class PreprocessOptions:
    dpi: int = 300
    max_skew_deg: float = 15.0
    # Tesseract OSD confidence: at or above "strong" it decides alone; between the two it
    # decides only when reading the page both ways does not.
    strong_osd_confidence: float = 5.0
    min_osd_confidence: float = 2.0
    # How much better (mean character confidence) one way up must read to be believed.
    min_reading_margin: float = 0.1
    # A page whose lines run across it, read as it stands with at least this mean character
    # confidence, is taken to stand upright without reading it upside down too.
    sure_upright: float = 0.85


@dataclass(frozen=True, slots=True)
class Preprocessed:
    image: np.ndarray  # uint8, single channel, black text on white
    shaded: np.ndarray  # the same page in shades of gray, cleaned just as ``image``
    rules: np.ndarray  # the table rules erased from ``image``: 255 where one was, same frame
    from_original: Affine  # original scan (x, y) -> processed (x, y)
    to_original: Affine  # processed (x, y) -> original scan (x, y)
    original_size: tuple[int, int]  # (width, height) of the scan
    turns: int  # clockwise quarter-turns applied to the scan so far
    skew_deg: float  # skew measured after the quarter-turn (CCW degrees); turned back by as much
    steps: tuple[StepRecord, ...]
    dpi: int  # the resolution the page is processed at: the scan's, or more when enlarged
    # The further clockwise quarter-turns that may make the page upright, given which way its
    # lines run, and the pair among them its lines lean towards (ocr.orientation decides).
    turn_candidates: tuple[int, ...] = (0, 1, 2, 3)
    turn_axis: tuple[int, int] = (0, 2)

    @property
    def rotation(self) -> int:
        """How the scan was turned, clockwise from upright: 0, 90, 180 or 270."""
        return (4 - self.turns) % 4 * 90

    def turned(self, turns_cw: int, record: StepRecord) -> Preprocessed:
        """The page turned a further ``turns_cw`` quarter-turns, with ``record`` appended."""
        if turns_cw % 4 == 0:
            return replace(self, steps=(*self.steps, record))
        image, forward = _turn(self.image, turns_cw, self.from_original)
        return replace(
            self,
            image=image,
            shaded=rotate_quarter(self.shaded, turns_cw),
            rules=rotate_quarter(self.rules, turns_cw),
            from_original=forward,
            to_original=np.linalg.inv(forward),
            turns=self.turns + turns_cw,
            steps=(*self.steps, record),
        )


def to_gray(image: np.ndarray) -> np.ndarray:
    """Single channel; for colour scans the brighter of red and green at each pixel. Black and
    blue ink are dark in both; red seals, yellowed or coloured paper and every highlighter ink
    (yellow, green, pink, orange, blue) are bright in one of them, so they fade, where the red
    channel alone kept a green or blue highlighter as a dark band that took its text with it."""
    if image.ndim == 2:
        return image.astype(np.uint8, copy=False)
    # Arrays are RGB throughout this package.
    return np.ascontiguousarray(np.maximum(image[:, :, 0], image[:, :, 1]))


# The ink height of a line of text set at 12 pt, the size of most form labels and values
# (a CJK glyph's ink fills about 0.9 of its em): the inch the estimated resolution is taken by.
TEXT_HEIGHT_IN = 12 / 72 * 0.9
# Text lower than this many pixels is too coarse for the clean-up (its strokes are specks)
# and for the recogniser; such pages are enlarged to about UPSCALED_TEXT_PX first.
MIN_TEXT_PX = 16
UPSCALED_TEXT_PX = 32


def text_height(gray: np.ndarray, max_side: int = 1400, strips: int = 24) -> float | None:
    """Median ink height, in pixels of ``gray`` (a straightened page), of its lines of text;
    None when the page holds too little text to tell.

    The page is cut into narrow upright strips; in each, the rows holding ink form runs, one
    per line of text crossing the strip (white line spacing parts them). Table rules are
    taken out first, specks do not run on into the next strip, and narrow strips keep a
    leftover skew from making the runs taller than the text."""
    h, w = gray.shape
    scale = min(1.0, max_side / max(h, w))
    _, text_ink = _ink_masks(gray, max_side)  # table rules taken out: runs of their own
    # Specks and noise make short runs of their own: only pieces of some size count.
    _, labels, stats, _ = cv2.connectedComponentsWithStats(text_ink, connectivity=8)
    ink = ((stats[:, cv2.CC_STAT_AREA] >= 12)[labels] & (labels > 0)).astype(np.uint8)
    # A faded glyph's strokes leave blank rows inside it: bridged, its line is one run again.
    ink = cv2.morphologyEx(ink, cv2.MORPH_CLOSE, np.ones((5, 1), np.uint8))
    width = max(8, ink.shape[1] // strips)
    inked = [
        np.concatenate([[0], ink[:, x : x + width].any(axis=1).astype(np.int8), [0]])
        for x in range(0, ink.shape[1] - width + 1, width)
    ]
    sums = [np.cumsum(rows) for rows in inked]
    runs: list[int] = []
    for k, rows in enumerate(inked):
        edges = np.flatnonzero(np.diff(rows))
        for a, b in zip(edges[::2], edges[1::2], strict=True):
            # A line of text runs on into the next strip; a speck does not.
            beside = [sums[j][b] - sums[j][a] for j in (k - 1, k + 1) if 0 <= j < len(sums)]
            if max(beside, default=0) * 2 >= b - a:
                runs.append(int(b - a))
    lines = np.sort([r for r in runs if 4 <= r <= ink.shape[0] // 10])
    if len(lines) < 10:
        return None
    # The median of the inked rows, not of the runs: a dotted rule or a speck a strip's edge
    # cut in two makes many short runs, a line of text fewer and taller ones.
    weight = np.cumsum(lines)
    return float(lines[np.searchsorted(weight, weight[-1] / 2)] / scale)


def _resolution(
    gray: np.ndarray, dpi: int, steps: list[StepRecord]
) -> tuple[np.ndarray, Affine, int]:
    """The page's resolution judged by its text, recorded; a page whose text is too small to
    clean and read is enlarged (cubic), and the resolution it is then processed at returned."""
    height = text_height(gray)
    estimated = round(height / TEXT_HEIGHT_IN) if height else 0
    factor = 1.0
    # Small text on a page whose size says it is scanned fine (estimate under half the
    # assumed resolution: 5 pt type) is more likely dirt the estimate took for text.
    if height is not None and height < MIN_TEXT_PX and estimated >= dpi / 2:
        factor = min(3.0, UPSCALED_TEXT_PX / height)
    steps.append(
        StepRecord(
            "resolution",
            {
                "assumed_dpi": dpi,
                "text_height_px": round(height, 1) if height else 0.0,
                "estimated_dpi": estimated,
                "upscale": round(factor, 3),
            },
        )
    )
    if factor == 1.0:
        return gray, geometry.identity(), dpi
    h, w = gray.shape
    size = (round(w * factor), round(h * factor))
    big = cv2.resize(gray, size, interpolation=cv2.INTER_CUBIC)
    scale = np.diag([size[0] / w, size[1] / h, 1.0])
    return big, scale, round(dpi * factor)


def dark_border_box(gray: np.ndarray, dark: int = 80, share: float = 0.9) -> tuple[int, ...]:
    """Rows/columns at the edges that are nearly all dark (scanner lid, shadow) ->
    (x0, y0, x1, y1). A column only half dark is the bed beside a skewed page, whose corner
    may hold text: ``paint_scanner_bed`` whitens that part instead."""
    mask = gray < dark
    rows, cols = mask.mean(axis=1), mask.mean(axis=0)
    h, w = gray.shape
    y0 = 0
    while y0 < h // 4 and rows[y0] > share:
        y0 += 1
    y1 = h
    while y1 > h - h // 4 and rows[y1 - 1] > share:
        y1 -= 1
    x0 = 0
    while x0 < w // 4 and cols[x0] > share:
        x0 += 1
    x1 = w
    while x1 > w - w // 4 and cols[x1 - 1] > share:
        x1 -= 1
    return x0, y0, x1, y1


def paint_scanner_bed(gray: np.ndarray, dark: int = 80) -> np.ndarray:
    """Very dark regions connected to the image edge (the scanner bed around a skewed page)
    painted as paper. Left in, they pull Otsu's threshold down between bed and paper, and the
    faded text of a low-contrast page falls on the paper side."""
    _, labels = cv2.connectedComponents((gray < dark).astype(np.uint8), connectivity=4)
    edge = np.unique(np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]]))
    edge = edge[edge > 0]
    if len(edge) == 0:
        return gray
    out = gray.copy()
    out[np.isin(labels, edge)] = 255
    return out


def _ink_masks(gray: np.ndarray, max_side: int = 1400) -> tuple[np.ndarray, np.ndarray]:
    """Downscaled ink masks of a page with its scanner bed painted: all of it, and without long
    rules (grid lines)."""
    h, w = gray.shape
    scale = min(1.0, max_side / max(h, w))
    small = cv2.resize(gray, (round(w * scale), round(h * scale)), interpolation=cv2.INTER_AREA)
    _, ink = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    sh, sw = ink.shape
    horizontal = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((1, max(sw // 12, 10)), np.uint8))
    vertical = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((max(sh // 12, 10), 1), np.uint8))
    return ink, cv2.subtract(ink, cv2.bitwise_or(horizontal, vertical))


def line_direction_votes(ink: np.ndarray) -> tuple[int, int]:
    """(pieces after a horizontal smear, pieces after a vertical smear) of the ink.

    Glyphs in a line sit closer than the lines do, so smearing along the reading direction merges
    far more of them: the smaller count names the direction the text runs.
    """
    _, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    all_sides = np.maximum(stats[:, 2], stats[:, 3])
    glyphish = (all_sides >= 4) & (all_sides <= max(ink.shape) // 10)
    glyphish[0] = False
    sides = all_sides[glyphish]
    if len(sides) < 10:
        return 0, 0
    # Specks would count as one piece either way and drown the difference: leave them out.
    keep = glyphish & (all_sides >= np.median(sides) * 0.3)
    ink = keep[labels].astype(np.uint8) * 255
    reach = max(3, int(np.median(sides) * 0.6))
    horizontal = cv2.dilate(ink, np.ones((1, reach), np.uint8))
    vertical = cv2.dilate(ink, np.ones((reach, 1), np.uint8))
    return (
        cv2.connectedComponents(horizontal, connectivity=8)[0] - 1,
        cv2.connectedComponents(vertical, connectivity=8)[0] - 1,
    )


def _profile_scores(ink: np.ndarray, angles: np.ndarray) -> np.ndarray:
    """Sharpness of the row projection of the ink after rotating by each angle (degrees, CCW)."""
    ys, xs = np.nonzero(ink)
    if len(xs) < 50:
        return np.zeros(len(angles))
    if len(xs) > 80_000:  # enough points for a stable histogram; bounds the cost
        step = len(xs) // 80_000 + 1
        xs, ys = xs[::step], ys[::step]
    xs = xs.astype(np.float64) - ink.shape[1] / 2
    ys = ys.astype(np.float64) - ink.shape[0] / 2
    scores = np.empty(len(angles))
    for i, angle in enumerate(np.radians(angles)):
        # Row of each ink point once the image is turned CCW by `angle` (y axis points down).
        rows = -xs * np.sin(angle) + ys * np.cos(angle)
        hist = np.bincount((rows - rows.min()).astype(np.int64))
        scores[i] = float(np.dot(hist, hist)) / len(xs)
    return scores


def estimate_skew(ink: np.ndarray, max_deg: float) -> tuple[float, float]:
    """(angle, score): how far the text rows are turned counter-clockwise, within ±max_deg."""
    best, span, step = 0.0, max_deg, 1.0
    score = 0.0
    for _ in range(3):  # coarse to fine: 1°, 0.1°, 0.01°
        angles = np.arange(best - span, best + span + step / 2, step)
        scores = _profile_scores(ink, angles)
        if scores.max() <= scores.min():
            break  # no angle reads better than another (a blank page): nothing to turn back
        best, score = float(angles[int(np.argmax(scores))]), float(scores.max())
        span, step = step, step / 10
    return -best, score


def rotate_quarter(image: np.ndarray, turns_cw: int) -> np.ndarray:
    return np.ascontiguousarray(np.rot90(image, k=-(turns_cw % 4)))


def _turn(image: np.ndarray, turns_cw: int, forward: Affine) -> tuple[np.ndarray, Affine]:
    """The image turned, and the original-to-current transform turned with it."""
    h, w = image.shape[:2]
    return rotate_quarter(image, turns_cw), geometry.quarter_turns_cw(turns_cw, w, h) @ forward


def rotate_deg(image: np.ndarray, matrix: Affine, size: tuple[int, int]) -> np.ndarray:
    return cv2.warpAffine(
        image,
        matrix[:2],
        size,
        flags=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=255,
    )


def normalise_background(gray: np.ndarray, dpi: int) -> np.ndarray:
    """Divide by a smooth estimate of the paper so yellowing, shadows and low contrast even out.

    The estimate closes over anything smaller than a third of an inch, wider than any glyph.
    Paper varies slowly, so it is estimated at a quarter of the resolution: same result,
    a sixteenth of the work.
    """
    h, w = gray.shape
    small = cv2.resize(gray, (max(1, w // 4), max(1, h // 4)), interpolation=cv2.INTER_AREA)
    k = max(3, (dpi // 12) | 1)
    background = cv2.morphologyEx(small, cv2.MORPH_CLOSE, np.ones((k, k), np.uint8))
    background = cv2.medianBlur(background, 5)
    background = cv2.resize(background, (w, h), interpolation=cv2.INTER_LINEAR)
    # Otsu, which follows, is indifferent to a linear stretch, so none is done here.
    flat: np.ndarray = cv2.divide(gray, np.maximum(background, 1), scale=255)
    return flat


def remove_rules(
    binary: np.ndarray, dpi: int, faint: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Erase table rules: long thin runs of ink that make the engine drop the text between them.

    Rules are looked for in ``faint`` when given: the page thresholded nearer the paper, where
    a pale rule that ``binary`` broke into dashes is still whole. Returns the page without them
    and the mask of what was erased (255), which layout reads the table cells from."""
    ink = 255 - (binary if faint is None else faint)
    length = max(20, dpi // 3)  # a third of an inch: longer than any glyph stroke
    # A pale rule on a dithered (bilevel) scan is a row of dots: with gaps of a pixel or two
    # bridged it is a rule again. Bridged, the strokes of a line of text can line up too, over
    # a few characters but not over an inch: a bridged run must be that long to count.
    gap = max(3, dpi // 50)

    def runs(kernel: tuple[int, int], bridge: tuple[int, int] | None = None) -> np.ndarray:
        source = (
            ink
            if bridge is None
            else cv2.morphologyEx(ink, cv2.MORPH_CLOSE, np.ones(bridge, np.uint8))
        )
        return cv2.morphologyEx(source, cv2.MORPH_OPEN, np.ones(kernel, np.uint8))

    horizontal = runs((1, length)) | runs((1, dpi), (1, gap))
    vertical = runs((length, 1)) | runs((dpi, 1), (gap, 1))
    rules = cv2.dilate(cv2.bitwise_or(horizontal, vertical), np.ones((3, 3), np.uint8))
    return cv2.bitwise_or(binary, rules), rules


def remove_specks_and_blobs(binary: np.ndarray, dpi: int) -> tuple[np.ndarray, int, int]:
    """Erase what no glyph looks like, in one connected-components pass: (image, specks, blobs).

    Specks: tiny components with no other ink within about 3 mm (a dot of a glyph always
    has strokes close by, and a full-width comma or full stop sits within half a glyph of the
    character before it: within 1.5 mm, the commas of 11 pt text went; a median filter would
    also wipe out the one-pixel horizontal strokes of light Song faces at 150-200 dpi).
    Blobs: solid dark shapes (binder holes) and dark masses on the edge (what is left of a
    scanner border after deskew).
    """
    ink = (binary == 0).astype(np.uint8)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    if count <= 1:
        return binary, 0, 0
    h, w = binary.shape
    x, y, bw, bh, area = (stats[:, i].astype(np.int64) for i in range(5))
    filled = area / np.maximum(bw * bh, 1)
    # A binder hole is a disc (fill pi/4) a quarter inch across; a glyph blurred into a
    # lump is smaller, and its strokes leave gaps.
    min_side = int(0.12 * dpi)
    solid = (filled >= 0.7) & (bw >= 1.5 * min_side) & (bh >= 1.5 * min_side)
    touches_edge = (x == 0) | (y == 0) | (x + bw == w) | (y + bh == h)
    blobs = solid | (touches_edge & (filled >= 0.5) & (area >= min_side * min_side))
    max_speck = max(4, round((dpi / 100) ** 2 * 6))
    small = area <= max_speck
    blobs[0] = small[0] = False  # label 0 is the paper
    # Ink in a window around each small component, from an integral image: any more than
    # the component itself means it has neighbours.
    reach = max(3, dpi // 8)
    total = cv2.integral(ink)
    x0, y0 = np.clip(x - reach, 0, w), np.clip(y - reach, 0, h)
    x1, y1 = np.clip(x + bw + reach, 0, w), np.clip(y + bh + reach, 0, h)
    around = total[y1, x1] - total[y0, x1] - total[y1, x0] + total[y0, x0]
    specks = small & (around == area)
    out = binary.copy()
    for i in np.flatnonzero(specks | blobs):
        sx, sy, sw, sh = int(x[i]), int(y[i]), int(bw[i]), int(bh[i])
        window = out[sy : sy + sh, sx : sx + sw]
        window[labels[sy : sy + sh, sx : sx + sw] == i] = 255
    return out, int(specks.sum()), int(blobs.sum())


def _flatten_photo(gray: np.ndarray, steps: list[StepRecord]) -> tuple[np.ndarray, Affine]:
    """A photographed page (its outline's corners off square by more than ``2°``) warped
    flat; anything else, a scan, left as it is."""
    quad = page_outline(gray)
    if quad is None:
        return gray, geometry.identity()
    off_square = max(abs(a - 90) for a in corner_angles(quad))
    flat = off_square > 2.0
    steps.append(
        StepRecord(
            "perspective",
            {
                "corners": " ".join(f"{x:.0f},{y:.0f}" for x, y in quad),
                "off_square_deg": round(off_square, 2),
                "flattened": flat,
            },
        )
    )
    if not flat:
        return gray, geometry.identity()
    return rectify(gray, quad)


def _crop_border(
    gray: np.ndarray, forward: Affine, steps: list[StepRecord]
) -> tuple[np.ndarray, Affine]:
    """The scanner's dark edges cut off, and the bed around a skewed page painted as paper;
    with the original-to-current transform."""
    h, w = gray.shape
    x0, y0, x1, y1 = dark_border_box(gray)
    if (x0, y0, x1, y1) != (0, 0, w, h):
        gray = gray[y0:y1, x0:x1]
        forward = geometry.translation(-x0, -y0) @ forward
    steps.append(StepRecord("border_crop", {"x0": x0, "y0": y0, "x1": x1, "y1": y1}))
    # Painted before deskew: turned with the page, the bed's corners would no longer touch the
    # image edge, and would stay dark enough to drag Otsu's threshold below faint text.
    return paint_scanner_bed(gray), forward


@dataclass(frozen=True, slots=True)
class _Lean:
    """Which way the text lines run, and how far they are turned from it."""

    sideways: bool  # the lines run down the page: it was scanned turned a quarter
    upright_or_flipped: bool  # the lines clearly run across the page
    along_rows: int
    along_columns: int
    skew: float


def _lean(gray: np.ndarray, options: PreprocessOptions, steps: list[StepRecord]) -> _Lean:
    ink, text_ink = _ink_masks(gray)
    along_rows, along_columns = line_direction_votes(text_ink)
    sideways = along_columns < along_rows * 0.8
    upright_or_flipped = along_rows < along_columns * 0.8
    steps.append(
        StepRecord(
            "line_direction",
            {"pieces_rows": along_rows, "pieces_columns": along_columns, "sideways": sideways},
        )
    )
    # With rules kept: a form's long rules peak only at the true angle, while its text rows,
    # label and value set in different faces, are offset by a few pixels and would tilt it.
    skew, sharpness = estimate_skew(
        rotate_quarter(ink, 1) if sideways else ink, options.max_skew_deg
    )
    if not sideways and not upright_or_flipped:
        # The lines lean neither way clearly: the rows of text (or rules) are along the axis
        # whose projection is sharper. Rotations commute, so either angle applies as it is.
        across, across_sharpness = estimate_skew(rotate_quarter(ink, 1), options.max_skew_deg)
        if across_sharpness > sharpness:
            skew = across
    return _Lean(sideways, upright_or_flipped, along_rows, along_columns, skew)


def _straighten(
    gray: np.ndarray, forward: Affine, lean: _Lean, steps: list[StepRecord]
) -> tuple[np.ndarray, Affine]:
    """A sideways page turned a quarter, then the skew turned back."""
    if lean.sideways:
        gray, forward = _turn(gray, 1, forward)
    if abs(lean.skew) >= 0.05:
        h, w = gray.shape
        matrix, size = geometry.rotation_about_centre(-lean.skew, w, h)
        gray = rotate_deg(gray, matrix, size)
        forward = matrix @ forward
    steps.append(StepRecord("deskew", {"angle_deg": round(lean.skew, 3)}))
    return gray, forward


def _clean(
    gray: np.ndarray, dpi: int, steps: list[StepRecord]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(binary page, the same page clean in shades of gray, the rules taken off)."""
    flat = normalise_background(gray, dpi)
    threshold, thresholded = cv2.threshold(flat, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    # A quarter of the way from the ink threshold to white paper: pale rules stay unbroken,
    # while the paler strokes of a red seal (a ring whose sides look like short rules) do not
    # come in yet; halfway took them in.
    _, faint = cv2.threshold(flat, threshold + (255 - threshold) / 4, 255, cv2.THRESH_BINARY)
    binary, rules = remove_rules(thresholded, dpi, faint)
    steps.append(
        StepRecord(
            "binarize",
            {"otsu_threshold": float(threshold), "rule_pixels": int(np.count_nonzero(rules))},
        )
    )
    binary, specks, blobs = remove_specks_and_blobs(binary, dpi)
    steps.append(StepRecord("clean", {"specks": specks, "blobs": blobs}))
    # The same clean page in shades of gray, for engines that read faint strokes better from
    # gray than from what survived the threshold: whatever the clean-up erased, painted paper.
    # (Painting everything paler than the faint threshold too would take the seals out, but
    # costs the glyphs their soft edges, and PP-OCR then misreads more than it gains.)
    erased = cv2.dilate(cv2.bitwise_xor(thresholded, binary), np.ones((3, 3), np.uint8))
    shaded = np.where(erased > 0, np.uint8(255), flat)
    return binary, shaded, rules


def preprocess(image: np.ndarray, options: PreprocessOptions | None = None) -> Preprocessed:
    """Scan (RGB or gray uint8) -> straight, cleaned single-channel image, turned a quarter when
    its lines run down the page; whether it is upside down is ocr.orientation's to decide."""
    options = options or PreprocessOptions()
    original_h, original_w = image.shape[:2]
    gray = to_gray(image)
    steps = [StepRecord("gray", {"channel": "max(red, green)" if image.ndim == 3 else "gray"})]
    gray, forward = _flatten_photo(gray, steps)
    gray, forward = _crop_border(gray, forward, steps)
    if not geometry.is_affine(forward):  # flattened by its outline: straight within a little
        options = replace(options, max_skew_deg=min(options.max_skew_deg, 3.0))
    lean = _lean(gray, options, steps)
    gray, forward = _straighten(gray, forward, lean, steps)
    gray, scale, dpi = _resolution(gray, options.dpi, steps)
    forward = scale @ forward
    binary, shaded, rules = _clean(gray, dpi, steps)
    settled = lean.sideways or lean.upright_or_flipped
    return Preprocessed(
        image=binary,
        shaded=shaded,
        rules=rules,
        from_original=forward,
        to_original=np.linalg.inv(forward),
        original_size=(original_w, original_h),
        turns=1 if lean.sideways else 0,
        skew_deg=lean.skew,
        steps=tuple(steps),
        dpi=dpi,
        turn_candidates=(0, 2) if settled else (0, 1, 2, 3),
        turn_axis=(0, 2) if lean.sideways or lean.along_rows <= lean.along_columns else (1, 3),
    )
