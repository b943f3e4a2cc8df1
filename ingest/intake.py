"""Finding the files of a batch, fingerprinting them, and keeping each original by content."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from archive.files import atomic_file
from ingest.errors import IngestError

# Files an OS or a scanner drops into folders; never archive material.
_JUNK_NAMES = {"thumbs.db", "desktop.ini", ".ds_store"}
_HEAD_BYTES = 2048


@dataclass(frozen=True, slots=True)
class Candidate:
    path: Path
    source_name: str


@dataclass(frozen=True, slots=True)
class Fingerprint:
    sha256: str
    size: int
    head: bytes


def discover(paths: Iterable[Path]) -> tuple[list[Candidate], list[Path]]:
    """Files named and files under folders named (recursive, hidden files and OS litter left
    out, symlinked folders not followed); also the named paths that do not exist."""
    found: list[Candidate] = []
    missing: list[Path] = []
    seen: set[Path] = set()

    def add(path: Path) -> None:
        resolved = path.resolve()
        if resolved not in seen:
            seen.add(resolved)
            found.append(Candidate(path, path.name))

    for root in paths:
        if root.is_file():
            add(root)
        elif root.is_dir():
            for dirpath, dirnames, filenames in os.walk(root):
                dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
                for name in sorted(filenames):
                    if name.startswith(".") or name.lower() in _JUNK_NAMES:
                        continue
                    full = Path(dirpath) / name
                    if full.is_file():
                        add(full)
        else:
            missing.append(root)
    return found, missing


def fingerprint(path: Path, max_bytes: int) -> Fingerprint:
    try:
        size = path.stat().st_size
        if size == 0:
            raise IngestError("empty_file")
        if size > max_bytes:
            raise IngestError("too_large", f"{size:,} bytes, limit {max_bytes:,}")
        digest = hashlib.sha256()
        with path.open("rb") as f:
            head = f.read(_HEAD_BYTES)
            digest.update(head)
            while chunk := f.read(1 << 20):
                digest.update(chunk)
    except FileNotFoundError as exc:
        raise IngestError("not_found", str(path)) from exc
    except OSError as exc:
        raise IngestError("io_error", str(exc)) from exc
    return Fingerprint(digest.hexdigest(), size, head)


def original_relpath(sha256: str, extension: str) -> Path:
    return Path("originals") / sha256[:2] / f"{sha256}.{extension}"


def keep_original(source: Path, data_dir: Path, sha256: str, extension: str) -> Path:
    """Copies the file to its content address (once; atomically) and returns the relative path.

    The copy is hashed again: a file that changed between fingerprint and copy is refused
    rather than stored under the wrong address.
    """
    rel = original_relpath(sha256, extension)
    target = data_dir / rel
    if target.exists():
        return rel
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    try:
        with source.open("rb") as src, atomic_file(target) as dst:
            while chunk := src.read(1 << 20):
                digest.update(chunk)
                dst.write(chunk)
            if digest.hexdigest() != sha256:
                raise IngestError("io_error", "the file changed while it was being read")
    except OSError as exc:
        raise IngestError("io_error", f"cannot keep the original: {exc}") from exc
    return rel
