"""A person corrects or confirms a field: appended to its history, the machine's value kept,
the search index told at once."""

from __future__ import annotations

import re

import structlog
from rapidfuzz.distance import Levenshtein

from archive.domain import FIELD_KEYS, Actor
from archive.idnumber import as_18, well_formed
from archive.store import StoreError
from archive.text import fold, is_iso_date
from archive.usecases.context import Archive
from archive.usecases.errors import Conflict, Invalid, NotFound
from archive.usecases.index import sync_index
from archive.usecases.pointing import PointAt, resolve
from archive.usecases.synonyms import propose
from archive.usecases.views import FieldOut, Masker, field_out

log = structlog.get_logger(__name__)


# A date as a form prints it in figures (1985年3月, 1985.03.12, 1985/3): what a person takes by
# pointing at it. Dates in Chinese numerals are typed.
_PRINTED_DATE = re.compile(r"(\d{4})[年.．/-](\d{1,2})月?(?:[.．/-]?(\d{1,2})日?)?")


def _as_iso(value: str) -> str:
    found = _PRINTED_DATE.fullmatch(value)
    if found is None:
        return value
    year, month, day = found.groups()
    return f"{year}-{int(month):02d}" + (f"-{int(day):02d}" if day else "")


def _supported(key: str, value: str, read: str) -> bool:
    """Whether the text read where the person pointed bears the value out: close to it (a
    character or two put right), or, for a date, holding its numbers."""
    read = "".join(fold(read).split())
    if Levenshtein.normalized_similarity(fold(value), read) >= 0.5:
        return True
    if key.endswith("_date"):
        numbers = [int(n) for n in re.findall(r"\d+", value)]
        written = [int(n) for n in re.findall(r"\d+", read)]
        return numbers == written or not written  # not written: in Chinese numerals
    return False


def normalised(key: str, value: str | None) -> str | None:
    """A person's value in the form DESIGN's field table gives; refused when it cannot be."""
    if value is None:
        return None
    value = "".join(value.split())
    if not value:
        return None
    if key == "id_number":
        value = as_18(value.upper())
        if not well_formed(value):
            raise Invalid(
                "invalid_value",
                "身份证号须为 18 位且校验位正确",
                "an ID number must be 18 characters with a valid check digit",
            )
    elif key.endswith("_date") and not is_iso_date(value := _as_iso(value)):
        raise Invalid(
            "invalid_value",
            "日期须为 yyyy-mm 或 yyyy-mm-dd",
            "a date must be yyyy-mm or yyyy-mm-dd",
        )
    elif key == "gender" and value not in ("男", "女"):
        raise Invalid("invalid_value", "性别须为 男 或 女", "gender must be 男 or 女")
    return value


# Limits on what a person may write into a record: the longest true value (a list of awards,
# a unit's full designation) is a few hundred characters; a note is a sentence or two.
MAX_VALUE_CHARS = 1000
MAX_NOTE_CHARS = 500


def correct_field(
    archive: Archive,
    actor: Actor,
    document_id: int,
    key: str,
    value: str | None,
    note: str | None = None,
    at: PointAt | None = None,
) -> FieldOut:
    """Sets the field to ``value``; the same value as the machine's confirms it. ``at``: where
    on the page the person found it (the value keeps that evidence); filling a field the
    machine did not find that way proposes the label beside it as the field's."""
    store = archive.store
    if key not in FIELD_KEYS:
        raise Invalid("invalid_parameters", f"没有字段 {key}", f"no field {key!r}")
    limits = ((value, MAX_VALUE_CHARS, "值", "value"), (note, MAX_NOTE_CHARS, "备注", "note"))
    for text, limit, zh, en in limits:
        if text is not None and len(text) > limit:
            raise Invalid(
                "too_long",
                f"{zh}不能超过 {limit} 个字符（收到 {len(text)} 个）",
                f"{en} longer than {limit} characters",
            )
    if store.document(document_id) is None:
        raise NotFound.of("这份档案", "record")
    value = normalised(key, value)
    current = {f.key: f for f in store.current_fields(document_id)}
    if key not in current:
        raise Conflict(
            "no_machine_reading",
            "这份档案尚未提取字段，请先运行 archive extract --all",
            "the record has no extracted fields yet",
        )
    pointed = resolve(archive, document_id, at) if at is not None else None
    if pointed is not None and (value is None or not _supported(key, value, pointed.evidence.text)):
        raise Invalid(
            "value_not_there",
            f"所指之处读到的是“{pointed.evidence.text}”，与所填的值不符；请核对，或不指出处直接输入",
            "the text read where you pointed does not bear the value out",
        )
    now = store.correct_field(document_id, key, value, by=actor.name, note=note, pointed=pointed)
    query: dict[str, object] = {"document_id": document_id, "key": key, "value": value}
    machine = current[key].machine_value if current[key].corrected_by else current[key].value
    if pointed is not None and value is not None and machine is None:
        try:
            proposed = propose(archive, actor, document_id, key, pointed, value)
        except StoreError:  # the correction stands and is audited; the next filling proposes
            log.warning("synonym.propose_failed", document_id=document_id, key=key, exc_info=True)
            proposed = None
        if proposed is not None:
            query["proposed_label"] = proposed.label
    if pointed is not None:
        query["pointed"] = {"how": pointed.how, "page": pointed.evidence.page}
    archive.audit.record(actor, "correct", query, [document_id])
    # The outbox keeps the update if the index is down: `archive index sync`, or the next
    # write, sends it.
    sync_index(archive)
    return field_out(now, store.corrections(document_id), Masker(actor))
