"""Find records: the search contract of DESIGN on whichever backend is configured, one page
of hits as the actor may see them, and every search audited."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from archive import text
from archive.domain import Actor
from archive.idnumber import as_18
from archive.search.model import Highlight, SearchHit, SearchQuery, SearchUnavailable
from archive.text import is_iso_date
from archive.usecases import cursor
from archive.usecases.context import Archive
from archive.usecases.errors import Invalid, Unavailable
from archive.usecases.views import Masker

MAX_PARAM_CHARS = 200  # the longest condition the API's own parameters take (q)
MAX_WINDOW = 10_000  # deepest result a cursor may reach (Elasticsearch's default window)
DATE_PARAMS = tuple(
    f"{d}_{end}" for d in ("birth", "enlistment", "discharge") for end in ("from", "to")
)
SEARCH_PARAMS = ("q", "name", "unit", "id", "discharge_type", "enlistment_year", *DATE_PARAMS)


def _query(
    given: Mapping[str, str], size: int, after: str | None, sees_ids: bool
) -> tuple[dict[str, str], SearchQuery]:
    """The conditions, stripped and checked, and the query for them from the offset the cursor
    stands for; by ID tails only for one who ``sees_ids``."""
    params = {k: str(given.get(k, "")).strip() for k in SEARCH_PARAMS}
    for key, value in params.items():
        if len(value) > MAX_PARAM_CHARS:
            raise Invalid(
                "too_long",
                f"{key}：检索条件至多 {MAX_PARAM_CHARS} 个字符",
                f"{key}: a search condition has at most {MAX_PARAM_CHARS} characters",
            )
    for key in DATE_PARAMS:
        if params[key] and not is_iso_date(params[key], month_required=False):
            raise Invalid(
                "invalid_parameters",
                f"{key}：日期应为 yyyy、yyyy-mm 或 yyyy-mm-dd",
                f"{key}: a date must be yyyy, yyyy-mm or yyyy-mm-dd",
            )
    # An old 15-digit number finds the files under its 18-digit form (GB 11643).
    params["id"] = as_18(text.fold(params["id"]).upper()) if params["id"] else ""
    offset = cursor.decode(after, {**params, "size": size})
    query = SearchQuery.of(params, size=min(size, MAX_WINDOW - offset), offset=offset)
    if not sees_ids:
        if params["id"] and len(text.letters_and_digits(params["id"])) < 15:
            raise Invalid(
                "whole_id_required",
                "按身份证号检索需输入完整号码（无权查看身份证号的角色不能按尾号检索）",
                "a role that may not see ID numbers searches by the whole number only",
            )
        query = replace(query, id_tails=False)
    if query.is_empty():
        raise Invalid("empty_query", "请至少给出一个检索条件", "give at least one search condition")
    if offset >= MAX_WINDOW:
        raise Invalid(
            "too_deep",
            f"最多翻到第 {MAX_WINDOW} 条，请缩小条件",
            f"results beyond {MAX_WINDOW} are not served; narrow the query",
        )
    return params, query


@dataclass(frozen=True, slots=True)
class Found:
    """One page of hits, every field and snippet as the actor may see it."""

    total: int
    hits: list[SearchHit]
    facets: dict[str, dict[str, int]]
    next: str | None  # the cursor of the next page; None on the last


def _masked(h: SearchHit, m: Masker) -> SearchHit:
    return replace(
        h,
        source=m.text(h.source),
        fields={k: m.value(k, v) for k, v in h.fields.items()},
        highlights=[Highlight(x.page, m.text(x.snippet)) for x in h.highlights],
    )


def find_records(
    archive: Archive,
    actor: Actor,
    given: Mapping[str, str],
    size: int = 20,
    after: str | None = None,
) -> Found:
    """One page of hits for the conditions ``given`` (keys of SEARCH_PARAMS), continuing from
    the cursor ``after``."""
    params, query = _query(given, size, after, actor.sees_id_numbers)
    try:
        result = archive.search.search(query)
    except SearchUnavailable as exc:
        raise Unavailable(
            "search_unavailable", "检索服务暂不可用", f"search backend unavailable: {exc}"
        ) from exc
    m = Masker(actor)
    hits = [_masked(h, m) for h in result.hits]
    end = query.offset + len(hits)
    more = end < min(result.total, MAX_WINDOW) and bool(hits)
    archive.audit.record(
        actor,
        "search",
        {**{k: v for k, v in params.items() if v}, "offset": query.offset},
        [h.document_id for h in hits],
    )
    return Found(
        total=result.total,
        hits=hits,
        facets=result.facets,
        next=cursor.encode(end, {**params, "size": size}) if more else None,
    )
