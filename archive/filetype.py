"""A scan's type from its first bytes, never from its name."""

from __future__ import annotations

from archive.domain import MediaType

_MAGIC: tuple[tuple[bytes, MediaType], ...] = (
    (b"%PDF-", MediaType.PDF),
    (b"II*\x00", MediaType.TIFF),
    (b"MM\x00*", MediaType.TIFF),
    (b"II+\x00", MediaType.TIFF),  # BigTIFF
    (b"MM\x00+", MediaType.TIFF),
    (b"\xff\xd8\xff", MediaType.JPEG),
    (b"\x89PNG\r\n\x1a\n", MediaType.PNG),
)


def sniff(head: bytes) -> MediaType | None:
    """The media type whose signature ``head`` starts with; a PDF may have junk before its
    header (the format allows 1024 bytes), the others may not."""
    for magic, media in _MAGIC:
        if head.startswith(magic):
            return media
    if b"%PDF-" in head[:1024]:
        return MediaType.PDF
    return None


def describe_unknown(head: bytes) -> str:
    """A short hint of what an unsupported file looks like, for the error message."""
    if not head:
        return "empty"
    sample = head[:512]
    try:
        text = sample.decode("utf-8")
    except UnicodeDecodeError:
        return f"binary, starts with {sample[:8].hex(' ')}"
    if text.lstrip().lower().startswith(("<!doctype html", "<html")):
        return "looks like an HTML page"
    return "looks like plain text"
