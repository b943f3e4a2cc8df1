"""Generated bad inputs, one per case DESIGN names, each with the reason code it must get."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

from PIL import Image
from pypdf import PdfWriter


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))


def png_bomb(path: Path, side: int = 40_000) -> None:
    """A tiny PNG whose header claims side x side pixels (1.6 billion at the default)."""
    ihdr = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    idat = zlib.compress(b"\x00" * (side // 8 + 1) * 16)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", ihdr)
        + _png_chunk(b"IDAT", idat)
        + _png_chunk(b"IEND", b"")
    )


def pdf(path: Path, pages: int = 1, size_pt: tuple[float, float] = (595, 842)) -> None:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(*size_pt)
    with path.open("wb") as f:
        writer.write(f)


def encrypted_pdf(path: Path) -> None:
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    with path.open("wb") as f:
        writer.write(f)


def truncated(source: Path, path: Path, keep: float = 0.5) -> None:
    data = source.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])


def write_all(folder: Path, good_pdf: Path, good_tiff: Path, good_jpeg: Path) -> dict[str, str]:
    """Every bad input in ``folder``; returns file name -> expected reason code."""
    folder.mkdir(parents=True, exist_ok=True)
    expected: dict[str, str] = {}

    (folder / "empty.pdf").write_bytes(b"")
    expected["empty.pdf"] = "empty_file"
    (folder / "notes.pdf").write_text("这不是扫描件，只是一段文字。\n" * 20, encoding="utf-8")
    expected["notes.pdf"] = "unsupported_type"
    (folder / "page.html.png").write_text("<!DOCTYPE html><html></html>", encoding="utf-8")
    expected["page.html.png"] = "unsupported_type"
    truncated(good_pdf, folder / "cut.pdf")
    expected["cut.pdf"] = "truncated_pdf"
    # Header and trailer intact, the body replaced by noise: poppler cannot find any page.
    (folder / "garbled.pdf").write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 40 + b"\n%%EOF\n")
    expected["garbled.pdf"] = "corrupt_pdf"
    encrypted_pdf(folder / "locked.pdf")
    expected["locked.pdf"] = "encrypted_pdf"
    truncated(good_tiff, folder / "cut.tif", keep=0.3)
    expected["cut.tif"] = "corrupt_image"
    truncated(good_jpeg, folder / "cut.jpg", keep=0.4)
    expected["cut.jpg"] = "corrupt_image"
    (folder / "garbage.jpg").write_bytes(b"\xff\xd8\xff\xe0" + b"\x13\x37" * 500)
    expected["garbage.jpg"] = "corrupt_image"
    png_bomb(folder / "bomb.png")
    expected["bomb.png"] = "decompression_bomb"
    pdf(folder / "poster.pdf", size_pt=(14_400, 14_400))  # 200 x 200 inches
    expected["poster.pdf"] = "decompression_bomb"
    return expected


def tiny_tiff(path: Path) -> None:
    Image.new("L", (50, 50), 255).save(path, "TIFF")
