"""Files written whole or not at all: into a temporary name beside the target, flushed to
disk, then renamed over it, so a crash at any moment leaves the old file or the new one."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO


@contextmanager
def atomic_file(target: Path) -> Iterator[BinaryIO]:
    """A file to write ``target`` through; it takes the target's place only if the block ends
    without an exception, and is removed otherwise."""
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        with tmp.open("wb") as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def atomic_write(target: Path, data: bytes) -> None:
    with atomic_file(target) as out:
        out.write(data)
