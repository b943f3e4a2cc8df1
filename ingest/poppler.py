"""The one place that runs poppler (pdfinfo, and pdftoppm through pdf2image).

Its failures become IngestError with poppler's own message kept.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from pdf2image import convert_from_path
from pdf2image.exceptions import PDFInfoNotInstalledError, PDFPageCountError, PDFSyntaxError

from ingest.errors import IngestError

_PAGES_RE = re.compile(r"^Pages:\s+(\d+)", re.M)
_SIZE_RE = re.compile(r"^Page\s+(\d+)\s+size:\s+([\d.]+)\s+x\s+([\d.]+)", re.M)
_PASSWORD_HINTS = ("Incorrect password", "password")


@dataclass(frozen=True, slots=True)
class PdfInfo:
    pages: int
    page_sizes_pt: tuple[tuple[float, float], ...]  # (width, height) of each page in points


def pdf_info(path: Path, *, timeout_s: float = 60.0, max_pages: int) -> PdfInfo:
    """Page count and every page's size, without rendering anything."""
    try:
        first = _run(["pdfinfo", str(path)], timeout_s)
        count_match = _PAGES_RE.search(first)
        if count_match is None:
            raise IngestError("corrupt_pdf", "pdfinfo reported no page count")
        count = int(count_match.group(1))
        if count == 0:
            raise IngestError("corrupt_pdf", "the PDF has no pages")
        if count > max_pages:
            raise IngestError("too_many_pages", f"{count} pages, limit {max_pages}")
        sized = _run(["pdfinfo", "-f", "1", "-l", str(count), str(path)], timeout_s)
    except FileNotFoundError as exc:
        raise IngestError("ocr_unavailable", "poppler-utils (pdfinfo) is not installed") from exc
    sizes = tuple((float(w), float(h)) for _, w, h in _SIZE_RE.findall(sized))
    return PdfInfo(count, sizes)


def _run(args: list[str], timeout_s: float) -> str:
    try:
        done = subprocess.run(args, capture_output=True, timeout=timeout_s, check=False)
    except subprocess.TimeoutExpired as exc:
        raise IngestError("corrupt_pdf", f"{args[0]} did not finish in {timeout_s:.0f} s") from exc
    stderr = done.stderr.decode("utf-8", "replace").strip()
    if done.returncode != 0:
        if any(hint in stderr for hint in _PASSWORD_HINTS):
            raise IngestError("encrypted_pdf", stderr.splitlines()[-1] if stderr else "")
        raise IngestError(
            "corrupt_pdf", stderr.splitlines()[-1] if stderr else f"exit {done.returncode}"
        )
    return done.stdout.decode("utf-8", "replace")


def render_page(path: Path, number: int, *, dpi: int, timeout_s: float = 300.0) -> np.ndarray:
    """One page (1-based) as an RGB array; only that page is rasterised."""
    try:
        images = convert_from_path(
            str(path),
            dpi=dpi,
            first_page=number,
            last_page=number,
            fmt="ppm",
            timeout=int(timeout_s),
        )
    except PDFInfoNotInstalledError as exc:
        raise IngestError("ocr_unavailable", "poppler-utils is not installed") from exc
    except (PDFPageCountError, PDFSyntaxError) as exc:
        raise IngestError("corrupt_pdf", str(exc).strip(), page=number) from exc
    except subprocess.TimeoutExpired as exc:
        raise IngestError(
            "corrupt_pdf", f"pdftoppm did not finish in {timeout_s:.0f} s", page=number
        ) from exc
    if not images:
        raise IngestError("corrupt_pdf", "pdftoppm rendered nothing", page=number)
    with images[0] as image:
        return np.asarray(image.convert("RGB"))
