"""A scan file's pages: cheap inspection up front, then one page at a time as an RGB array."""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from archive.domain import MediaType
from ingest import poppler
from ingest.errors import IngestError

# Pillow's fixed limit is replaced by ours (configurable), checked before anything is decoded.
Image.MAX_IMAGE_PIXELS = None
PDF_TRAILER_WINDOW = 2048
# What Pillow's decoders raise on damaged files; all of them mean "this image is corrupt".
_DECODE_ERRORS = (
    UnidentifiedImageError,
    OSError,
    SyntaxError,
    ValueError,
    EOFError,
    TypeError,
    KeyError,
    IndexError,
    struct.error,
)


@dataclass(frozen=True, slots=True)
class ScanLimits:
    pdf_dpi: int
    max_pages: int
    max_page_pixels: int


@dataclass(frozen=True, slots=True)
class ScanInfo:
    media_type: MediaType
    pages: int


def _check_pixels(width: int, height: int, limits: ScanLimits, page: int) -> None:
    if width * height > limits.max_page_pixels:
        raise IngestError(
            "decompression_bomb",
            f"{width}x{height} = {width * height:,} pixels, limit {limits.max_page_pixels:,}",
            page=page,
        )


def inspect(path: Path, media: MediaType, limits: ScanLimits) -> ScanInfo:
    """Page count and sizes from headers only; refuses what cannot or must not be decoded."""
    if media is MediaType.PDF:
        with path.open("rb") as f:
            f.seek(max(0, path.stat().st_size - PDF_TRAILER_WINDOW))
            if b"%%EOF" not in f.read():
                raise IngestError("truncated_pdf", "no %%EOF marker at the end of the file")
        info = poppler.pdf_info(path, max_pages=limits.max_pages)
        for number, (w_pt, h_pt) in enumerate(info.page_sizes_pt, start=1):
            scale = limits.pdf_dpi / 72
            _check_pixels(round(w_pt * scale), round(h_pt * scale), limits, number)
        return ScanInfo(media, info.pages)
    try:
        with Image.open(path) as image:
            frames = getattr(image, "n_frames", 1) if media is MediaType.TIFF else 1
            if frames > limits.max_pages:
                raise IngestError("too_many_pages", f"{frames} frames, limit {limits.max_pages}")
            for index in range(frames):
                image.seek(index)
                _check_pixels(image.width, image.height, limits, index + 1)
    except IngestError:
        raise
    except _DECODE_ERRORS as exc:
        raise IngestError("corrupt_image", str(exc) or type(exc).__name__) from exc
    return ScanInfo(media, frames)


def load_page(path: Path, media: MediaType, number: int, limits: ScanLimits) -> np.ndarray:
    """Page ``number`` (1-based) as RGB uint8, EXIF orientation applied."""
    if media is MediaType.PDF:
        return poppler.render_page(path, number, dpi=limits.pdf_dpi)
    try:
        with Image.open(path) as image:
            image.seek(number - 1)
            _check_pixels(image.width, image.height, limits, number)
            image.load()
            upright = ImageOps.exif_transpose(image) if media is MediaType.JPEG else image
            rgb = upright if upright.mode == "RGB" else upright.convert("RGB")
            return np.asarray(rgb)
    except IngestError:
        raise
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        EOFError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ) as exc:
        raise IngestError("corrupt_image", str(exc), page=number) from exc
