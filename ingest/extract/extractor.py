"""A document's key fields from its pages: candidates from every page, normalised, merged,
checked against each other, repaired only where provable, and flagged where unsure."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from archive.domain import (
    FIELD_KEYS,
    Alternative,
    Evidence,
    ExtractedField,
    Extraction,
    OtherItem,
    PageRecord,
)
from archive.page_words import box_around
from archive.text import DIGIT_LOOKALIKES, fold
from archive.units import parse_unit
from ingest.extract import idcard
from ingest.extract.assign import assign, with_synonyms
from ingest.extract.candidates import Candidate, label_key, page_candidates
from ingest.extract.normalize import parse_date
from ingest.extract.pairs import Pair, page_pairs
from ingest.extract.spec import FieldSpec, default_other_labels, default_specs
from ingest.extract.values import Normalised, normalise

# Ages at enlistment seen in the files: volunteers from 16, officers and cadres up to 35.
ENLIST_AGE = (16, 35)


@dataclass(frozen=True, slots=True)
class ExtractOptions:
    # OCR confidence under which a value goes to a person: at 0.9, one field in thirty on the
    # extraction benchmark, and every wrong value it did not catch otherwise.
    review_below: float = 0.9
    # Sources in order of trust when pages disagree: a form's cell over a sentence; a label
    # worded as fields.toml words it over one placed by its cues.
    trust: tuple[str, ...] = ("table", "line", "pair", "sentence")
    # A bureau's file numbering (a regular expression), when it has said what it looks like:
    # a number under a file-number label is kept as read otherwise.
    file_number_pattern: str | None = None
    # (field, label) of the labels a bureau's admins accepted for its forms (field_synonyms):
    # read as the field's own labels.
    synonyms: tuple[tuple[str, str], ...] = ()


@dataclass
class _Reading:
    candidate: Candidate
    norm: Normalised


@dataclass
class _Field:
    key: str
    chosen: _Reading | None
    others: list[_Reading] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    repair: str | None = None
    value: str | None = None

    def flag(self, reason: str) -> None:
        if reason not in self.reasons:
            self.reasons.append(reason)


def _same(a: Normalised, b: Normalised) -> bool:
    """Equal values; a date given to the month agrees with the same date given to the day;
    two printings of one unit (中国人民解放军66325部队, 66325部队) agree."""
    if a.value == b.value:
        return True
    if a.value and b.value and (unit := parse_unit(a.value)) is not None:
        return unit == parse_unit(b.value)
    if a.date is not None and b.date is not None and a.value and b.value:
        return a.value.startswith(b.value) or b.value.startswith(a.value)
    return False


def _pick(readings: list[_Reading], options: ExtractOptions) -> _Field | None:
    """The reading to report: valid before invalid, then most trusted source, then surest."""
    if not readings:
        return None

    def rank(r: _Reading) -> tuple[bool, int, int, float]:
        precise = len(r.norm.value or "")
        trust = options.trust.index(r.candidate.source)
        return (not r.norm.valid, trust, -precise, -r.candidate.ocr_confidence)

    ordered = sorted(readings, key=rank)
    # A date given to the day on another page is the same date, told more precisely.
    chosen = max(
        (r for r in ordered if r.norm.valid and _same(r.norm, ordered[0].norm)),
        key=lambda r: len(r.norm.value or ""),
        default=ordered[0],
    )
    ordered.remove(chosen)
    ordered.insert(0, chosen)
    merged = _Field(chosen.candidate.key, chosen, ordered[1:], list(chosen.norm.reasons))
    if chosen.candidate.doubt:
        merged.flag(chosen.candidate.doubt)
    merged.repair = chosen.norm.repair
    merged.value = chosen.norm.value
    for other in ordered[1:]:
        if other.norm.valid and chosen.norm.valid and not _same(other.norm, chosen.norm):
            merged.flag(
                f"第{chosen.candidate.page}页为“{chosen.norm.value}”，"
                f"第{other.candidate.page}页为“{other.norm.value}”，不一致"
            )
    return merged


def _repair_id(fields: dict[str, _Field]) -> None:
    """A single misread ID character, put right only when exactly one candidate passes the
    check digit and agrees with the birth date and gender read elsewhere."""
    f = fields.get("id_number")
    if f is None or f.chosen is None or f.chosen.norm.valid or f.value is None:
        return
    birth = fields.get("birth_date")
    born = birth.value if birth and birth.chosen and birth.chosen.norm.valid else None
    gender = fields.get("gender")

    def agrees(number: str) -> bool:
        if born and not f"{number[6:10]}-{number[10:12]}-{number[12:14]}".startswith(born):
            return False
        return not (
            gender and gender.value in ("男", "女") and idcard.gender(number) != gender.value
        )

    repairs = idcard.repair(f.value, agrees, born)
    if len(repairs) == 1:
        r = repairs[0]
        f.repair = (
            f"第{r.position + 1}位“{r.read}”改为“{r.replaced_by}”："
            "唯一通过校验位且与出生日期、性别一致的读法"
        )
        f.value = r.value
        f.reasons = [x for x in f.reasons if not x.startswith("身份证号")]
    elif len(repairs) > 1:
        f.flag(f"身份证号有{len(repairs)}种一字之差的有效读法，无法确定")


def _check_against_id(fields: dict[str, _Field]) -> None:
    ident = fields.get("id_number")
    if ident is None or ident.value is None or not idcard.is_valid(ident.value):
        return
    born = idcard.birth_date(ident.value)
    birth = fields.get("birth_date")
    if born and birth and birth.value and birth.chosen and birth.chosen.norm.date:
        parsed = birth.chosen.norm.date
        if parsed.two_digit_year and not born.isoformat().startswith(birth.value):
            fixed = parsed.in_century(born.year // 100 * 100)
            if born.isoformat().startswith(fixed.iso()):
                birth.value = fixed.iso()
                birth.repair = f"两位年份按身份证号取{fixed.year}年"
        if not born.isoformat().startswith(birth.value):
            agreeing = [
                o
                for o in birth.others
                if o.norm.valid and o.norm.value and born.isoformat().startswith(o.norm.value)
            ]
            if agreeing:
                # Pages disagree (already flagged): the reading the ID confirms goes first.
                best = max(agreeing, key=lambda o: len(o.norm.value or ""))
                birth.others = [birth.chosen, *(o for o in birth.others if o is not best)]
                birth.chosen, birth.value = best, best.norm.value
                birth.repair = f"取第{best.candidate.page}页的读法：与身份证号中的出生日期相符"
            else:
                reason = f"出生日期{birth.value}与身份证号中的{born.isoformat()}不符"
                birth.flag(reason)
                ident.flag(reason)
    gender = fields.get("gender")
    expected = idcard.gender(ident.value)
    if gender is None:  # not read anywhere: the ID states it
        fields["gender"] = _Field("gender", ident.chosen, value=expected)
        fields["gender"].repair = f"未读到性别，按身份证号第17位得出“{expected}”"
        return
    if gender.value is None or gender.value not in ("男", "女"):
        if gender.chosen is not None:
            gender.repair = f"“{gender.value}”按身份证号第17位改为“{expected}”"
            gender.value = expected
            gender.reasons = []
    elif gender.value != expected:
        reason = f"性别{gender.value}与身份证号（{expected}）不符"
        gender.flag(reason)
        ident.flag(reason)


def _as_date(value: str | None) -> date | None:
    if not value:
        return None
    parts = [int(p) for p in value.split("-")]
    return date(parts[0], parts[1], parts[2] if len(parts) > 2 else 1)


_YEAR_AND_REST = re.compile(r"^(?P<year>[^年.\-/:]{3,4})(?P<rest>[年.\-/:].+)$")
_HAN_DIGITS = "〇一二三四五六七八九"
_SPLIT_YEAR = re.compile(r"^(?:\d[.\-/:]?){3}\d(?=[年.\-/:]\d)")


def _year_readings(year: str) -> list[str]:
    """What a misread year may have been: a letter in place of one digit ("H964"), or one
    character lost ("982", "九八九": the thin leading 1 or 一 is the one a cell edge cuts)."""
    digits = _HAN_DIGITS if any(ch in _HAN_DIGITS for ch in year) else "0123456789"
    if len(year) == 4:
        odd = [i for i, ch in enumerate(year) if ch not in digits]
        if len(odd) != 1:
            return []
        return [year[: odd[0]] + d + year[odd[0] + 1 :] for d in digits]
    if all(ch in digits for ch in year):
        return [year[:i] + d + year[i:] for i in range(4) for d in digits]
    return []


def _plausible_years(key: str, born: int) -> range:
    """Years a date of this kind can fall in for someone born in ``born``."""
    if key == "birth_date":
        return range(born, born + 1)
    if key == "enlistment_date":
        return range(born + ENLIST_AGE[0], born + ENLIST_AGE[1] + 1)
    return range(born + ENLIST_AGE[0] + 1, born + 80)


def _date_readings(raw: str) -> list[list[tuple[str, str]]]:
    """(reading, what was changed) for a date that does not parse, in rounds: first a speck read
    as a separator inside it ("199.7-07"), which invents nothing; then its year misread by one
    character, which guesses a digit."""
    specks = [
        (raw[:i] + raw[i + 1 :], f"去掉多出的“{ch}”")
        for i, ch in enumerate(raw)
        if ch in ".-/:" and 0 < i < len(raw) - 1
    ]
    split_year = _SPLIT_YEAR.match(raw)  # "1:99.7-07": specks between all four digits
    if split_year is not None:
        year = re.sub(r"\D", "", split_year[0])
        specks.append((year + raw[split_year.end() :], f"年份“{split_year[0]}”读作“{year}”"))
    m = _YEAR_AND_REST.match(raw)
    if m is None:
        return [specks]
    read = m["year"]
    years = [(year + m["rest"], f"年份“{read}”读作“{year}”") for year in _year_readings(read)]
    return [specks, years]


def _repair_years(fields: dict[str, _Field]) -> None:
    """A date misread by one character, put right when exactly one reading gives a year the
    person's age allows: the birth year from a valid ID."""
    ident = fields.get("id_number")
    if ident is None or not ident.value or not idcard.is_valid(ident.value):
        return
    born_on = idcard.birth_date(ident.value)
    assert born_on is not None  # a valid ID has a valid birth date
    for key in ("birth_date", "enlistment_date", "discharge_date"):
        f = fields.get(key)
        if f is None or f.chosen is None or f.chosen.norm.valid:
            continue
        for readings in _date_readings(fold(f.chosen.candidate.raw)):
            fits = {}
            for reading, change in readings:
                parsed = parse_date(reading)
                if parsed and parsed.year in _plausible_years(key, born_on.year):
                    fits[parsed.iso()] = (change, parsed)
            if len(fits) == 1:
                change, parsed = next(iter(fits.values()))
                f.value = parsed.iso()
                f.repair = f"{change}：唯一与身份证号中的出生年份相合的读法"
                f.reasons = []
                f.chosen = _Reading(f.chosen.candidate, Normalised(parsed.iso(), True, date=parsed))
            if fits:
                break


def _check_dates(fields: dict[str, _Field]) -> None:
    """Born before enlisted before discharged, and of an age to enlist."""
    keys = ("birth_date", "enlistment_date", "discharge_date")
    found = {k: fields[k] for k in keys if k in fields and fields[k].value}
    dates = {k: _as_date(f.value) for k, f in found.items() if f.chosen and f.chosen.norm.date}
    # A two-digit year may belong to the other century: take the one that puts them in order.
    for k, d in list(dates.items()):
        f = found[k]
        parsed = f.chosen.norm.date if f.chosen else None
        if d is None or parsed is None or not parsed.two_digit_year or f.repair:
            continue
        alt = parsed.in_century(2000 if d.year < 2000 else 1900)
        trial = dict(dates) | {k: _as_date(alt.iso())}
        if _order_problems(trial) < _order_problems(dates):
            f.value, dates[k] = alt.iso(), trial[k]
            f.repair = f"两位年份取{alt.year}年，使出生、入伍、退役的先后合理"
    born, enlisted, discharged = (dates.get(k) for k in keys)
    if born and enlisted:
        age = enlisted.year - born.year
        if not ENLIST_AGE[0] <= age <= ENLIST_AGE[1]:
            reason = f"入伍时{age}岁，不合常理"
            found["birth_date"].flag(reason)
            found["enlistment_date"].flag(reason)
    if enlisted and discharged and not enlisted < discharged:
        reason = "退役时间不晚于入伍时间"
        found["enlistment_date"].flag(reason)
        found["discharge_date"].flag(reason)
    if born and discharged and not born < discharged:
        found["discharge_date"].flag("退役时间早于出生日期")


def _order_problems(dates: dict[str, date | None]) -> int:
    born, enlisted, discharged = (
        dates.get(k) for k in ("birth_date", "enlistment_date", "discharge_date")
    )
    count = 0
    if born and enlisted and not ENLIST_AGE[0] <= enlisted.year - born.year <= ENLIST_AGE[1]:
        count += 1
    if enlisted and discharged and not enlisted < discharged:
        count += 1
    if born and discharged and not born < discharged:
        count += 1
    return count


def _repair_unit_code(fields: dict[str, _Field]) -> None:
    """A unit code with a misread digit, put right by another reading of it in the document
    that differs only there, by a character OCR confuses with that digit."""
    f = fields.get("unit")
    if f is None or f.chosen is None or f.chosen.norm.valid or not f.value:
        return
    for other in f.others:
        good = other.norm.value
        if not other.norm.valid or good is None or len(good) != len(f.value):
            continue
        diffs = [i for i, (a, b) in enumerate(zip(f.value, good, strict=True)) if a != b]
        if len(diffs) == 1:
            i = diffs[0]
            read, digit = f.value[i], good[i]
            if read in DIGIT_LOOKALIKES.get(digit, ""):
                f.repair = f"“{read}”改为“{digit}”：与第{other.candidate.page}页的读法相符"
                f.value = good
                f.reasons = [r for r in f.reasons if "格式不符" not in r]
                return


def _result(f: _Field | None, key: str, options: ExtractOptions) -> ExtractedField:
    if f is None or f.chosen is None:
        return ExtractedField(key, None, 0.0, True, None, ["未找到"])
    c = f.chosen.candidate
    confidence = c.ocr_confidence
    if confidence < options.review_below:
        f.flag(f"识别置信度{confidence:.2f}偏低")
    if f.reasons:
        confidence = min(confidence, 0.5)
    elif f.repair:
        confidence *= 0.95
    alternatives = [
        Alternative(o.norm.value, Evidence(o.candidate.page, o.candidate.box, o.candidate.raw))
        for o in f.others
        if not _same(o.norm, f.chosen.norm)
    ]
    return ExtractedField(
        key=key,
        value=f.value,
        confidence=round(confidence, 4),
        needs_review=bool(f.reasons),
        evidence=Evidence(c.page, c.box, c.raw),
        reasons=f.reasons,
        repair=f.repair,
        alternatives=alternatives,
    )


def _evidence(pair: Pair) -> Evidence:
    return Evidence(pair.page, box_around(pair.words), pair.value_text)


def _placed_pairs(
    page: PageRecord, specs: tuple[FieldSpec, ...]
) -> tuple[list[Candidate], list[OtherItem]]:
    """The page's pairs whose label fields.toml does not word (a known one is read already):
    the ones whose label and value place them, as candidates; the rest as other items."""
    candidates, items = [], []
    others = default_other_labels()
    for pair in page_pairs(page, specs):
        if not pair.compound and label_key(pair.label, specs) is not None:
            continue  # the label fields.toml words: the value is read already
        placed = assign(pair.label, pair.value_text, specs, others)
        if placed is None:
            items.append(OtherItem(pair.label, pair.value_text, _evidence(pair)))
            continue
        doubt = None
        if placed.rival is not None:
            doubt = f"标签“{pair.label}”也可能是{placed.rival}，请核对"
        candidates.append(
            Candidate(placed.key, pair.value_text, page.number, pair.words, "pair", doubt)
        )
    return candidates, items


def _specs(specs: tuple[FieldSpec, ...] | None, options: ExtractOptions) -> tuple[FieldSpec, ...]:
    """The specifications in use: with a bureau's accepted labels, and its own file numbering
    in place of none."""
    chosen = with_synonyms(specs or default_specs(), options.synonyms)
    if options.file_number_pattern is None:
        return chosen
    pattern = re.compile(options.file_number_pattern)
    return tuple(replace(s, pattern=pattern) if s.key == "file_number" else s for s in chosen)


def extract_document(
    pages: Sequence[PageRecord],
    specs: tuple[FieldSpec, ...] | None = None,
    options: ExtractOptions | None = None,
) -> Extraction:
    """A document's fields and its other items."""
    options = options or ExtractOptions()
    specs = _specs(specs, options)
    by_key = {s.key: s for s in specs}
    readings: dict[str, list[_Reading]] = {}
    items: list[OtherItem] = []
    for page in pages:
        placed, unplaced = _placed_pairs(page, specs)
        items += unplaced
        for c in page_candidates(page, specs) + placed:
            readings.setdefault(c.key, []).append(_Reading(c, normalise(c.raw, by_key[c.key])))
    fields = {k: f for k in FIELD_KEYS if (f := _pick(readings.get(k, []), options)) is not None}
    _repair_id(fields)
    _check_against_id(fields)
    _repair_years(fields)
    _check_dates(fields)
    _repair_unit_code(fields)
    return Extraction([_result(fields.get(k), k, options) for k in FIELD_KEYS], items)


def extract(
    pages: Sequence[PageRecord],
    specs: tuple[FieldSpec, ...] | None = None,
    options: ExtractOptions | None = None,
) -> list[ExtractedField]:
    """Every field of FIELD_KEYS, in that order, found or not."""
    return extract_document(pages, specs, options).fields
