from pathlib import Path

import pytest

from ingest.errors import IngestError
from ingest.intake import discover, fingerprint, keep_original


def test_discover_walks_folders_and_leaves_out_litter(tmp_path: Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "2.pdf").write_bytes(b"x")
    (tmp_path / "a" / "1.pdf").write_bytes(b"x")
    (tmp_path / "a" / ".hidden.pdf").write_bytes(b"x")
    (tmp_path / "a" / "Thumbs.db").write_bytes(b"x")
    (tmp_path / "a" / ".git").mkdir()
    (tmp_path / "a" / ".git" / "x.pdf").write_bytes(b"x")
    found, missing = discover([tmp_path / "a", tmp_path / "a" / "1.pdf", tmp_path / "nope"])
    assert [c.path.name for c in found] == ["1.pdf", "2.pdf"]
    assert missing == [tmp_path / "nope"]


def test_fingerprint_refuses_empty_and_oversized(tmp_path: Path) -> None:
    empty = tmp_path / "e.pdf"
    empty.write_bytes(b"")
    with pytest.raises(IngestError) as exc:
        fingerprint(empty, 100)
    assert exc.value.failure.code == "empty_file"
    big = tmp_path / "b.pdf"
    big.write_bytes(b"x" * 101)
    with pytest.raises(IngestError) as exc:
        fingerprint(big, 100)
    assert exc.value.failure.code == "too_large"
    assert "文件超过允许的大小" in str(exc.value)


def test_original_is_kept_once_by_content(tmp_path: Path) -> None:
    src = tmp_path / "扫描 1.pdf"
    src.write_bytes(b"%PDF-1.4 content")
    fp = fingerprint(src, 1000)
    rel = keep_original(src, tmp_path / "data", fp.sha256, "pdf")
    assert rel.parts[0] == "originals" and rel.name == f"{fp.sha256}.pdf"
    assert (tmp_path / "data" / rel).read_bytes() == src.read_bytes()
    assert keep_original(src, tmp_path / "data", fp.sha256, "pdf") == rel
    assert not list((tmp_path / "data").rglob("*.tmp"))


def test_a_file_that_changed_after_fingerprint_is_not_stored(tmp_path: Path) -> None:
    src = tmp_path / "x.pdf"
    src.write_bytes(b"one")
    fp = fingerprint(src, 1000)
    src.write_bytes(b"two")
    with pytest.raises(IngestError) as exc:
        keep_original(src, tmp_path / "data", fp.sha256, "pdf")
    assert exc.value.failure.code == "io_error"
    assert not list((tmp_path / "data").rglob("*.pdf"))
