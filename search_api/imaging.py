"""Page images as they are shown: ID numbers painted over for whoever may not see them,
scaled, cropped round a piece of evidence. Pure: an image file in, an image out."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image, ImageDraw


def painted(path: Path, hidden: list[list[int]], width: int | None = None) -> Image.Image:
    """The page, ``hidden`` boxes painted over (a margin round each: a box read by OCR may sit
    a little inside the ink); decoded smaller when only ``width`` is wanted."""
    with Image.open(path) as scan:
        if width and not hidden:
            scan.draft("L" if scan.mode == "L" else "RGB", (width, width * 4))  # decodes smaller
        image = scan.convert("L" if scan.mode in ("1", "L") else "RGB")
    if hidden:
        draw = ImageDraw.Draw(image)
        for x0, y0, x1, y1 in hidden:
            pad = max(2, (y1 - y0) // 4)
            draw.rectangle((x0 - pad, y0 - pad, x1 + pad, y1 + pad), fill=0)
    return image


def scaled(image: Image.Image, width: int | None) -> Image.Image:
    if width and image.width > width:
        height = max(1, round(image.height * width / image.width))
        return image.resize((width, height), Image.Resampling.LANCZOS)
    return image


def cropped(image: Image.Image, box: list[int], scale: float = 1.0) -> Image.Image:
    """The evidence box with room round it to read it in its place (``scale``: how the image
    was scaled from the scan the box is on)."""
    x0, y0, x1, y1 = (round(v * scale) for v in box)
    pad_x, pad_y = max(40, (x1 - x0) // 3), max(20, (y1 - y0))
    area = (
        max(0, x0 - pad_x),
        max(0, y0 - pad_y),
        min(image.width, x1 + pad_x),
        min(image.height, y1 + pad_y),
    )
    if area[2] <= area[0] or area[3] <= area[1]:
        return image.crop((0, 0, min(image.width, 200), min(image.height, 60)))
    piece = image.crop(area).convert("RGB")
    ImageDraw.Draw(piece).rectangle(
        (x0 - area[0] - 3, y0 - area[1] - 3, x1 - area[0] + 3, y1 - area[1] + 3),
        outline=(200, 30, 30),
        width=3,
    )
    return piece


def jpeg(image: Image.Image, quality: int = 80) -> bytes:
    out = io.BytesIO()
    image.convert("L" if image.mode in ("1", "L") else "RGB").save(out, "JPEG", quality=quality)
    return out.getvalue()
