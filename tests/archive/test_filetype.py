import pytest

from archive.domain import MediaType
from archive.filetype import describe_unknown, sniff


@pytest.mark.parametrize(
    ("head", "media"),
    [
        (b"%PDF-1.7\n...", MediaType.PDF),
        (b"\xef\xbb\xbf junk before %PDF-1.4", MediaType.PDF),
        (b"II*\x00\x08\x00", MediaType.TIFF),
        (b"MM\x00*\x00\x00", MediaType.TIFF),
        (b"\xff\xd8\xff\xe1", MediaType.JPEG),
        (b"\x89PNG\r\n\x1a\n\x00", MediaType.PNG),
        (b"GIF89a", None),
        (b"hello", None),
        (b"", None),
    ],
)
def test_type_comes_from_content(head: bytes, media: MediaType | None) -> None:
    assert sniff(head) is media


def test_unknown_content_is_described() -> None:
    assert describe_unknown("一段文字".encode()) == "looks like plain text"
    assert describe_unknown(b"<!DOCTYPE html>") == "looks like an HTML page"
    assert describe_unknown(b"\x00\x01\x02\xff\xfe").startswith("binary, starts with 00 01")
