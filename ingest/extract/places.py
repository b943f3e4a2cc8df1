"""Native places checked against the administrative divisions of China (places.tsv): a place
is a province, city and county named in order (安徽省肥西县, 湖北省武汉市新洲区), each within
the one before it."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources


@dataclass(frozen=True, slots=True)
class Gazetteer:
    names: dict[str, str]  # code -> name

    def children(self, parent: str | None) -> list[tuple[str, str]]:
        """(code, name) of the divisions directly or indirectly within ``parent`` (any, if
        None): a county may follow its province with the city left out."""
        if parent is None:
            return list(self.names.items())
        prefix = parent.rstrip("0")
        prefix += "0" * (len(prefix) % 2)  # 110000 -> 11, 340100 -> 3401, 110100 -> 1101
        return [(c, n) for c, n in self.names.items() if c.startswith(prefix) and c != parent]


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    text = resources.files("ingest.extract").joinpath("places.tsv").read_text(encoding="utf-8")
    names = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            code, name = line.split("\t")
            names[code] = name
    return Gazetteer(names)


def readings(text: str, edits: int = 1, places: Gazetteer | None = None) -> set[str]:
    """``text`` as a run of known divisions, each within the one before, with at most
    ``edits`` characters replaced (a misread character); every way that works."""
    places = places or gazetteer()
    found: set[str] = set()

    def walk(i: int, parent: str | None, budget: int, read: str) -> None:
        if i == len(text):
            if parent is not None:
                found.add(read)
            return
        for code, name in places.children(parent):
            piece = text[i : i + len(name)]
            if len(piece) != len(name):
                continue
            misses = sum(a != b for a, b in zip(piece, name, strict=True))
            if misses <= budget:
                walk(i + len(name), code, budget - misses, read + name)

    walk(0, None, edits, "")
    return found
