"""One value as read -> its normalised form, whether it is valid, and why not."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from rapidfuzz.distance import Levenshtein

from archive.idnumber import upgraded
from archive.text import fold
from archive.units import parse_unit
from ingest.extract import idcard, places
from ingest.extract.normalize import ParsedDate, parse_date
from ingest.extract.spec import FieldSpec

_CJK = r"[\u4e00-\u9fff]"
# No veteran's date falls outside these years.
EARLIEST_YEAR, LATEST_YEAR = 1900, 2100
_NAME = re.compile(rf"^{_CJK}{{2,4}}$|^{_CJK}+·{_CJK}+$")
# A letter between digits ("3001C008") is almost always a misread digit; one that starts a
# number (J045-12-0308) or ends it is a series letter as often as not.
_LETTER_IN_DIGITS = re.compile(r"\d[A-Za-z]\d")
# Punctuation and specks OCR reads at the ends of a value; none belongs to one.
_TRAILING = "，,。.；;：:、·•'\"|_-—~`“”‘’?？!！*#+"
# What a date can start with: a digit, a Chinese numeral, or what OCR reads for 〇.
_DATE_START = re.compile(r"^[0-9〇零○一二三四五六七八九OoQ]")
# Between the items of a list OCR reads 、 (or 丶, a stroke like it) or a comma, or drops the
# small 、 altogether.
_LIST_SEPARATORS = re.compile(r"[，,、丶;；:：]")


UPGRADE_NOTE = "15位旧号码按GB 11643升为18位（年份补19，加校验位）"


@dataclass
class Normalised:
    value: str | None
    valid: bool
    reasons: list[str] = field(default_factory=list)
    repair: str | None = None
    date: ParsedDate | None = None


def _choice(raw: str, spec: FieldSpec) -> Normalised:
    """A word of the field's domain is kept as read, whatever other word it resembles (离休 is
    one character from 退休, and a different benefit status). A value that is no such word is
    read as the one word one character away, if exactly one is, and a person always looks:
    the word may be one the vocabulary lacks."""
    if raw in spec.values:
        return Normalised(raw, True)
    if raw + "族" in spec.values:  # an ethnic group written short (汉 for 汉族)
        return Normalised(raw + "族", True)
    near = [v for v in spec.values if Levenshtein.distance(raw, v) <= 1]
    if len(near) == 1 and len(near[0]) >= 2:
        return Normalised(
            near[0],
            True,
            [f"“{raw}”不在词表中，按词表读作“{near[0]}”（只差一字），请核对"],
            repair=f"“{raw}”按词表改为“{near[0]}”（唯一相差一字）",
        )
    return Normalised(raw, False, [f"“{raw}”不在{spec.key}的词表中"])


def _list(raw: str, spec: FieldSpec) -> Normalised:
    if raw == "无":
        return Normalised(raw, True)
    assert spec.item is not None
    joined = _LIST_SEPARATORS.sub("", raw)
    items = [m.group(0) for m in spec.item.finditer(joined)]
    if "".join(items) != joined:
        return Normalised(raw, False, [f"“{raw}”中有无法识别的条目"])
    return Normalised("、".join(items), True)


def _without_speck(raw: str, fits: Callable[[str], bool], problem: str) -> Normalised:
    """A value that fits its field's form once one mark inside it is taken out
    ("河北省成安,县", "第82集团军124师110.团"): a speck read as punctuation. The value without
    it is given, and a person looks, since the speck may have hidden a stroke."""
    readings = {
        raw[:i] + raw[i + 1 :]: ch
        for i, ch in enumerate(raw)
        if ch in _TRAILING and 0 < i < len(raw) - 1 and fits(raw[:i] + raw[i + 1 :])
    }
    if len(readings) != 1:
        return Normalised(raw, False, [problem])
    value, ch = next(iter(readings.items()))
    return Normalised(
        value, True, [f"{problem}，去掉其中的“{ch}”后相符，请核对"], repair=f"去掉多出的“{ch}”"
    )


def _within_county(raw: str) -> bool:
    """A known county (or a city without counties) followed by places within it: the part
    that can be checked is, and the town or village after it is kept as written."""
    head = places.placed(raw)
    return (
        head is not None
        and places.is_county_level(head[1])
        and (head[0] == len(raw) or bool(places.BELOW_COUNTY.fullmatch(raw[head[0] :])))
    )


def _historic(raw: str) -> bool:
    """A known province or city followed by division names the gazetteer lacks (an old county
    since merged), none of them one character from a division there (a misread one)."""
    head = places.placed(raw)
    if head is None or head[0] == len(raw):
        return False
    rest = raw[head[0] :]
    names = [m.group(0) for m in re.finditer(r"[\u4e00-\u9fff]+?(?:县|市|区|旗|州|盟)", rest)]
    return bool(places.DIVISION.fullmatch(rest)) and not any(
        places.near_division(n, head[1]) for n in names
    )


def _place(raw: str) -> Normalised:
    """A native place as known divisions, in full or short, with the towns and villages within
    a county kept as written; one misread character put right when exactly one known place is
    that close, and a person looks. An old name the gazetteer lacks, under a known province,
    is kept as written; a place no part of which can be placed goes to review."""
    if places.readings(raw, edits=0) or _within_county(raw) or _historic(raw):
        return Normalised(raw, True)
    problem = f"“{raw}”不是地名表中的行政区划（旧地名可加入 places.tsv）"
    without = _without_speck(raw, _within_county, problem)
    if without.valid:
        return without
    near = places.readings(raw, edits=1)
    if len(near) != 1:
        return Normalised(raw, False, [problem])
    [place] = near
    return Normalised(
        place, True, [f"{problem}，按地名表读作“{place}”，请核对"], repair=f"按地名表改为“{place}”"
    )


def _unit(raw: str) -> Normalised:
    """A designation ``archive.units`` understands, kept as printed (a check compares units by
    their parsed form). A four-digit code is real (8341部队) but rare, and is what a five-digit
    one becomes when a digit is lost: a person looks."""
    unit = parse_unit(raw)
    if unit is None:
        return _without_speck(raw, lambda v: parse_unit(v) is not None, f"部队番号“{raw}”格式不符")
    if unit.parts[0][0] == "code" and unit.parts[0][1] < 10_000:
        return Normalised(raw, True, [f"部队代号“{raw}”只有四位，少见，可能漏读一位"])
    return Normalised(raw, True)


def normalise(raw: str, spec: FieldSpec) -> Normalised:
    """Normalise one value read for ``spec``; checks that need other fields come later."""
    folded = fold(raw)
    raw = folded.strip(_TRAILING)
    if not raw:
        return Normalised(None, False, ["值为空"])
    kind = spec.kind
    if kind == "name":
        ok = bool(_NAME.match(raw))
        return Normalised(raw, ok, [] if ok else [f"“{raw}”不像姓名"])
    if kind == "gender":
        ok = raw in ("男", "女")
        return Normalised(raw, ok, [] if ok else [f"性别“{raw}”应为男或女"])
    if kind == "date":
        parsed = parse_date(raw)
        reasons: list[str] = []
        repair = None
        if parsed is None and len(raw) > 1 and not _DATE_START.match(raw):
            # One stray character read before the year ("中1976-04"): the rest is the date,
            # but a person looks, since the stray one may have hidden a digit.
            parsed = parse_date(raw[1:])
            if parsed is not None:
                repair = f"去掉开头多出的“{raw[0]}”"
                reasons.append(f"“{raw}”开头多出“{raw[0]}”，已去掉，请核对")
        if parsed is None:
            return Normalised(raw, False, [f"“{raw}”不是可识别的日期"])
        if "年" in raw and not raw.endswith(("月", "日")):
            # "一九六七年十": 十 may have been 十一 or 十二, cut off with the 月 after it.
            reasons.append(f"“{raw}”写了“年”却不以“月”或“日”结尾，可能没有读全")
        if not EARLIEST_YEAR <= parsed.year <= LATEST_YEAR:
            return Normalised(parsed.iso(), False, [f"年份{parsed.year}不可能"], date=parsed)
        return Normalised(parsed.iso(), True, reasons, repair, date=parsed)
    if kind == "id":
        number = idcard.clean(raw)
        new = upgraded(number)
        if new is not None and not idcard.problems(new):
            # Stored in the 18-digit form, so the person's files under either number link.
            return Normalised(
                new, True, repair="15位旧号码按GB 11643升为18位（年份补19，加校验位）"
            )
        problems = idcard.problems(number)
        return Normalised(number, not problems, [f"身份证号{p}" for p in problems])
    if kind == "unit":
        return _unit(raw)
    if kind == "place":
        return _place(raw)
    if kind == "choice":
        return _choice(raw, spec)
    if kind == "list":
        listed = _list(raw, spec)
        if listed.valid and _LIST_SEPARATORS.search(folded[len(folded.rstrip(_TRAILING)) :]):
            # "个人二等功一次、" and then nothing: the rest of the list was not read.
            listed.reasons.append(f"“{folded}”以分隔符结尾，后面的条目可能没有读到")
        return listed
    letters = [f"“{raw}”的数字中夹有字母，可能误识"] if _LETTER_IN_DIGITS.search(raw) else []
    if spec.pattern is not None and not spec.pattern.match(raw):
        pattern = spec.pattern
        read = _without_speck(raw, lambda v: bool(pattern.match(v)), f"“{raw}”格式不符")
        return Normalised(
            read.value, read.valid and not letters, read.reasons + letters, read.repair
        )
    return Normalised(raw, not letters, letters)
