"""Native places checked against the administrative divisions of China (places.tsv): a place
is a province, city and county named in order (安徽省肥西县, 湖北省武汉市新洲区), each within
the one before it, each in full or without its 省/市/县 (河北石家庄正定县), as people write them;
what follows a county (a town, a village) is kept as written."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

# The endings of division names, longest first: a name without its ending is how it is written
# in short (河北 for 河北省), as long as two characters are left.
_ENDINGS = (
    "特别行政区",
    "维吾尔自治区",
    "壮族自治区",
    "回族自治区",
    "自治区",
    "自治州",
    "自治县",
    "地区",
    "省",
    "市",
    "县",
    "区",
    "盟",
    "旗",
)
# Below a county: towns, townships, streets, villages, and the groups within them.
BELOW_COUNTY = re.compile(
    r"(?:[\u4e00-\u9fff]{1,8}?(?:镇|乡|街道|街道办事处|办事处|村|社区|居委会|村委会|组|屯|寨|庄|农场|林场))+"
)
# A division's name the gazetteer may not have (an old county): a name and a division ending.
DIVISION = re.compile(r"(?:[\u4e00-\u9fff]{1,6}?(?:县|市|区|旗|州|盟))+")


def short_name(name: str) -> str | None:
    for ending in _ENDINGS:
        if name.endswith(ending) and len(name) - len(ending) >= 2:
            return name[: -len(ending)]
    return None


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


def is_county_level(code: str) -> bool:
    """A county, a district, or a city with no districts (中山市 stands where counties do)."""
    return code[4:6] != "00" or code[2:4] != "00"


def _walk(text: str, edits: int, places: Gazetteer, whole: bool) -> set[tuple[str, int, str]]:
    """Readings of ``text`` (all of it, or a start of it when not ``whole``) as a run of
    divisions, each within the one before, in full or short, with at most ``edits`` characters
    replaced: (the names in full, characters read, the last division's code)."""
    found: set[tuple[str, int, str]] = set()

    def walk(i: int, parent: str | None, budget: int, read: str) -> None:
        if parent is not None and (i == len(text) or not whole):
            found.add((read, i, parent))
            if i == len(text):
                return
        for code, name in places.children(parent):
            for written in {name, short_name(name) or name}:
                piece = text[i : i + len(written)]
                if len(piece) != len(written):
                    continue
                misses = sum(a != b for a, b in zip(piece, written, strict=True))
                if misses <= budget:
                    walk(i + len(written), code, budget - misses, read + name)

    walk(0, None, edits, "")
    return found


def readings(text: str, edits: int = 1, places: Gazetteer | None = None) -> set[str]:
    """``text`` as a run of known divisions, each within the one before, with at most
    ``edits`` characters replaced (a misread character); every way that works, in full."""
    return {read for read, _, _ in _walk(text, edits, places or gazetteer(), whole=True)}


def placed(text: str, places: Gazetteer | None = None) -> tuple[int, str] | None:
    """(characters, last code) of the longest start of ``text`` that reads exactly as known
    divisions; None when not even its first division is known."""
    found = _walk(text, 0, places or gazetteer(), whole=False)
    return max(((i, code) for _, i, code in found), default=None)


def near_division(name: str, parent: str, places: Gazetteer | None = None) -> bool:
    """Whether ``name`` is one character from a division within ``parent``: then it is more
    likely a misread one than an old name the gazetteer lacks."""
    for _, known in (places or gazetteer()).children(parent):
        for written in {known, short_name(known) or known}:
            if (
                len(written) == len(name)
                and sum(a != b for a, b in zip(written, name, strict=True)) == 1
            ):
                return True
    return False
