"""Eligibility checks against a real store: catalogue import (all rows or none), every kind of
condition, ``unproven`` wherever the evidence needs review, and the audit entry."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from openpyxl import Workbook

from archive.domain import Actor, Role
from archive.settings import Settings
from archive.store.audit import AuditQuery
from archive.usecases import Archive
from archive.usecases.catalogues import CatalogueRejected, import_catalogue
from archive.usecases.eligibility import check_eligibility
from archive.usecases.errors import Conflict, Invalid, NotFound
from archive.usecases.matching import LookupQuery
from tests.archive.records import line, save

ADMIN = Actor("admin-1", Role.ADMIN)
STAFF = Actor("staff-1", Role.STAFF)
# Fictional numbers, valid under GB 11643.
IN_UNIT = "340123196503071235"
OUT_UNIT = "340123196504081231"
FLAGGED = "340123196505091230"
REGIMENT = "340123196506101235"
LATE = "340123196507111232"
CATALOGUE = (
    "部队番号,起始时间,截止时间,任务\n"
    "中国人民解放军89800部队,1964-10,1980-12,核试验\n"
    "第二十七集团军第八十师,1979,1979,参战\n"
).encode()
CERTIFICATE = {2: [line("士兵退出现役批准书"), line("经审核，批准该同志退出现役。")]}


def _person(
    archive: Archive, seed: str, number: str, unit: str, enlisted: str, discharged: str, **more: str
) -> int:
    values = {
        "name": more.pop("name", "张三"),
        "id_number": number,
        "birth_date": f"{number[6:10]}-{number[10:12]}-{number[12:14]}",
        "gender": "男",
        "enlistment_date": enlisted,
        "discharge_date": discharged,
        more.pop("unit_key", "unit"): unit,
        **more,
    }
    return save(archive.store, seed, values, pages=2, lines=CERTIFICATE)


@pytest.fixture
def archive(settings: Settings) -> Iterator[Archive]:
    settings.data_dir.mkdir(parents=True)
    a = Archive.open(settings)
    import_catalogue(
        a,
        ADMIN,
        data=CATALOGUE,
        file_name="涉核.csv",
        catalogue="涉核部队目录",
        doc_number="示例〔2026〕1号",
        effective_date="2026-01-01",
    )
    _person(a, "in", IN_UNIT, "89800部队", "1978-03", "1983-10")
    _person(a, "out", OUT_UNIT, "66325部队", "1978-03", "1983-10")
    _person(a, "flagged", FLAGGED, "89800部队", "1978-03", "1983-10", unit_key="unit?")
    _person(a, "regiment", REGIMENT, "第27集团军80师238团", "1978-03", "1979-02")
    _person(a, "late", LATE, "89800部队", "1981-03", "1985-10")
    yield a
    a.close()


def _check(archive: Archive, programme: str, *numbers: str, actor: Actor = ADMIN) -> Any:
    return check_eligibility(archive, actor, programme, [LookupQuery(id_number=n) for n in numbers])


def test_a_catalogue_check_names_its_row_version_and_evidence(archive: Archive) -> None:
    out = _check(
        archive, "nuclear", IN_UNIT, OUT_UNIT, FLAGGED, REGIMENT, LATE, "11010519491231002X"
    )
    verdicts = [r.verdict for r in out.results]
    assert verdicts == ["met", "not_met", "unproven", "met", "not_met", "unproven"]
    served = out.results[0].conditions[0]
    assert served.status == "met"
    assert served.catalogue and served.catalogue.row_number == 2
    assert served.catalogue.doc_number == "示例〔2026〕1号"
    assert served.catalogue.unit == "89800部队"
    [unit, enlisted, discharged] = served.evidence
    assert (unit.key, unit.value, unit.page, unit.bbox) == (
        "unit",
        "89800部队",
        1,
        [10, 20, 60, 40],
    )
    assert enlisted.value == "1978-03" and discharged.value == "1983-10"
    page = out.results[0].conditions[1]
    assert page.status == "met" and page.evidence[0].page == 2
    assert "不在" in out.results[1].conditions[0].reason
    flagged = out.results[2].conditions[0]
    assert flagged.status == "unproven" and flagged.evidence[0].needs_review
    regiment = out.results[3].conditions[0]  # a regiment of a listed division, in 1979
    assert regiment.status == "met" and regiment.catalogue and regiment.catalogue.row_number == 3
    assert "不重叠" in out.results[4].conditions[0].reason  # 1981-85: after the row's 1980
    assert out.results[5].match == "none"


def test_a_period_given_to_the_month_that_straddles_a_bound_is_unproven(archive: Archive) -> None:
    edge = "340123196508121239"
    _person(archive, "edge", edge, "第27集团军80师", "1977-03", "1979-01")
    # The division's row is 1979 (a year): service ends in 1979-01, some day of it; overlap is
    # certain. A row of a single day inside that month would not be.
    assert _check(archive, "nuclear", edge).results[0].verdict == "met"
    dated = "部队番号,起始时间,截止时间\n第27集团军80师,1979-01-15,1979-03-01\n".encode()
    import_catalogue(
        archive,
        ADMIN,
        data=dated,
        file_name="b.csv",
        catalogue="涉核部队目录",
        doc_number="示例〔2026〕2号",
        effective_date="2026-06-01",
    )
    out = _check(archive, "nuclear", edge)
    served = out.results[0].conditions[0]
    assert served.status == "unproven" and served.catalogue
    assert served.catalogue.doc_number == "示例〔2026〕2号"
    # As of a day before the new version took effect, the old one decides.
    old = check_eligibility(
        archive, ADMIN, "nuclear", [LookupQuery(id_number=edge)], as_of=date(2026, 3, 1)
    )
    assert old.results[0].verdict == "met"
    assert old.results[0].conditions[0].catalogue.doc_number == "示例〔2026〕1号"  # type: ignore[union-attr]


def test_value_date_and_disability_conditions(archive: Archive) -> None:
    a = archive
    _person(
        a, "s1", "340123197001011230", "66325部队", "2008-12", "2013-12", discharge_type="自主就业"
    )
    _person(
        a, "s2", "340123197001021234", "66325部队", "2005-12", "2010-12", discharge_type="自主就业"
    )
    _person(
        a, "s3", "340123197001031239", "66325部队", "2008-12", "2013-12", discharge_type="安排工作"
    )
    _person(
        a, "s4", "340123197001041235", "66325部队", "2008-12", "2011", discharge_type="自主就业"
    )
    _person(
        a, "s5", "340123197001051230", "66325部队", "2008-12", "2013", discharge_type="自主就业"
    )
    out = _check(
        a,
        "self_employed_subsidy",
        "340123197001011230",
        "340123197001021234",
        "340123197001031239",
        "340123197001041235",
        "340123197001051230",
    )
    assert [r.verdict for r in out.results] == ["met", "not_met", "not_met", "unproven", "met"]
    # Discharged in 2011: before or after the 1st of November? Given to the month (2013-12, or
    # 2011-11 itself), a date is known to be on or after it.
    assert out.results[3].conditions[1].status == "unproven"
    d = "340123197002011236"
    _person(a, "d1", d, "66325部队", "1978", "1983", disability_grade="六级因战")
    _person(a, "d2", "340123197002021232", "66325部队", "1978", "1983", disability_grade="八级因病")
    _person(a, "d3", "340123197002031237", "66325部队", "1978", "1983", disability_grade="无")
    _person(a, "d4", "340123197002041233", "66325部队", "1978", "1983", disability_grade="七级")
    out = _check(
        a, "disability", d, "340123197002021232", "340123197002031237", "340123197002041233"
    )
    assert [r.verdict for r in out.results] == ["met", "not_met", "not_met", "unproven"]


def test_a_missing_certificate_page_and_a_faint_one(archive: Archive) -> None:
    bare = "340123197003011231"
    save(archive.store, "bare", {"id_number": bare, "discharge_type": "复员"}, pages=1)
    faint = "340123197003021235"
    save(
        archive.store,
        "faint",
        {"id_number": faint, "discharge_type": "复员"},
        pages=1,
        lines={1: [line("退出现役证", 0.41)]},
    )
    out = _check(archive, "preferential_card", bare, faint)
    assert [c.status for c in out.results[0].conditions] == ["met", "not_met"]
    assert [c.status for c in out.results[1].conditions] == ["met", "unproven"]


def test_files_that_disagree_prove_nothing(archive: Archive) -> None:
    save(archive.store, "second", {"id_number": IN_UNIT, "unit": "66325部队"})
    served = _check(archive, "nuclear", IN_UNIT).results[0].conditions[0]
    assert served.status == "unproven" and "不一致" in served.reason
    assert len(served.evidence) == 2


def test_a_probable_person_is_unproven_with_candidates(archive: Archive) -> None:
    out = check_eligibility(
        archive, ADMIN, "nuclear", [LookupQuery(name="张叁", birth_date="1965-03-07")]
    )
    [result] = out.results
    assert result.match == "probable" and result.verdict == "unproven"
    assert result.candidates and "只差一字" in result.candidates[0].reasons[0]


def test_a_check_is_audited_and_masked_for_staff(archive: Archive) -> None:
    out = _check(archive, "nuclear", IN_UNIT, actor=STAFF)
    assert IN_UNIT not in out.model_dump_json()
    [entry] = archive.audit.entries(AuditQuery(action="eligibility"))
    assert entry.key_name == "staff-1" and entry.record_ids
    assert entry.query["programme"] == "nuclear" and entry.query["verdicts"] == ["met"]
    assert entry.query["catalogue_versions"] == [1]


def test_an_unknown_programme_and_a_broken_rule_file(archive: Archive, settings: Settings) -> None:
    with pytest.raises(NotFound):
        _check(archive, "no_such", IN_UNIT)
    (settings.data_dir / "programmes" / "bad.toml").write_text(
        'id = "bad"\nname = "坏"\n[[conditions]]\nkind = "value_in"\nfield = "no_field"\n'
        'values = ["x"]\ntitle = "t"\n',
        encoding="utf-8",
    )
    with pytest.raises(Conflict) as caught:
        _check(archive, "nuclear", IN_UNIT)
    assert "bad.toml" in caught.value.message and "no_field" in caught.value.message


def _import(archive: Archive, data: bytes, name: str = "c.csv", **more: str) -> Any:
    args = {
        "catalogue": "参战部队目录",
        "doc_number": "示例〔2026〕9号",
        "effective_date": "2026-01-01",
    }
    return import_catalogue(archive, ADMIN, data=data, file_name=name, **(args | more))


def test_catalogue_import_reports_every_bad_row_and_takes_none(archive: Archive) -> None:
    bad = (
        "番号,起,止\n"
        "66325部队,1979-02,1979-03\n"
        ",1979,1979\n"
        "某某部,1979,1979\n"
        "66326部队,1979年13月,1980\n"
        "66327部队,1981,1980\n"
        "中国人民解放军66325部队,1979-03,1979-04\n"
    ).encode()
    with pytest.raises(CatalogueRejected) as caught:
        _import(archive, bad)
    errors = {e.number: e.message for e in caught.value.errors}
    assert set(errors) == {3, 4, 5, 6, 7}
    assert "为空" in errors[3] and "不是可识别的部队番号" in errors[4]
    assert "不是日期" in errors[5] and "晚于" in errors[6] and "第 2 行" in errors[7]
    assert not [v for v in _versions(archive) if v.catalogue == "参战部队目录"]


def test_catalogue_versions_overlapping_or_repeated_are_refused(archive: Archive) -> None:
    with pytest.raises(Conflict):  # the same day as the version already imported
        _import(archive, "番号\n66325部队\n".encode(), catalogue="涉核部队目录")
    _import(archive, "番号\n66325部队\n".encode())
    with pytest.raises(Conflict):  # the same file again
        _import(archive, "番号\n66325部队\n".encode(), effective_date="2026-02-01")
    with pytest.raises(Invalid):
        _import(archive, "名称\n66325部队\n".encode(), effective_date="2026-03-01")
    with pytest.raises(Invalid):
        _import(archive, b"\xff\xfe\x00garbage", effective_date="2026-03-01")
    with pytest.raises(Invalid):
        _import(archive, "番号\n66325部队\n".encode(), effective_date="2026-3-1")
    with pytest.raises(Invalid):
        _import(archive, "番号\n66325部队\n".encode(), doc_number=" ")


def test_an_xlsx_catalogue_with_spreadsheet_dates(archive: Archive) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["部队番号", "开始时间", "结束时间"])
    sheet.append(["陆军第二十七集团军第八十师第二三八团", date(1979, 2, 17), date(1979, 3, 16)])
    buffer = io.BytesIO()
    book.save(buffer)
    version = _import(archive, buffer.getvalue(), name="参战.xlsx")
    assert version.row_count == 1
    from archive.usecases.catalogues import rows_of

    [row] = rows_of(archive.store, version.id)
    assert (row.unit_key, row.start, row.end) == ("第27集团军80师238团", "1979-02-17", "1979-03-16")
    # Discharged some day of 1979-02: maybe before the campaign's 17th, maybe after.
    served = _check(archive, "combat", REGIMENT).results[0].conditions[0]
    assert served.status == "unproven" and "无法确定" in served.reason


def _versions(archive: Archive) -> list[Any]:
    from archive.usecases.catalogues import list_versions

    return list_versions(archive)


def test_a_transferred_person_is_checked_unit_by_unit_by_the_service_history(
    archive: Archive,
) -> None:
    """Served in 66325部队 1975-1978, then in 89800部队 from 1981: the unit field (the last
    unit) with the whole service's dates would overlap the row's 1964-1980; the history does
    not, and decides."""
    moved = "340123195501011236"
    history = {
        2: [
            line("服役经历"),
            line("1975.03—1980.12 66325部队 战士"),
            line("1981年1月至1985年10月在中国人民解放军89800部队任班长"),
        ]
    }
    save(
        archive.store,
        "moved",
        {
            "id_number": moved,
            "unit": "89800部队",
            "enlistment_date": "1975-03",
            "discharge_date": "1985-10",
        },
        pages=2,
        lines=history,
    )
    served = _check(archive, "nuclear", moved).results[0].conditions[0]
    assert served.status == "unproven"  # the history says no, the unit field yes
    assert "不一致" in served.reason
    keys = {e.key for e in served.evidence}
    assert keys == {"service_history", "unit", "enlistment_date", "discharge_date"}
    # Served in the listed unit during the listed period, by the history: met, on that line.
    early = "340123195502021232"
    save(
        archive.store,
        "early",
        {"id_number": early, "unit": "66325部队"},
        pages=1,
        lines={1: [line("1970.03—1972.12 89800部队 战士"), line("1973.01—1976.12 66325部队")]},
    )
    served = _check(archive, "nuclear", early).results[0].conditions[0]
    assert served.status == "met" and served.catalogue and served.catalogue.row_number == 2
    [used] = served.evidence
    assert used.key == "service_history" and used.value == "1970-03至1972-12 89800部队"
    # The same line read faintly proves nothing.
    faint = "340123195503031237"
    save(
        archive.store,
        "faint-history",
        {"id_number": faint},
        pages=1,
        lines={1: [line("1970.03—1972.12 89800部队 战士", 0.5)]},
    )
    assert _check(archive, "nuclear", faint).results[0].conditions[0].status == "unproven"


def test_a_certificate_is_a_page_titled_so_not_a_sentence_that_mentions_it(
    archive: Archive,
) -> None:
    appraisal = "340123197004011238"
    save(
        archive.store,
        "appraisal",
        {"id_number": appraisal, "discharge_type": "复员"},
        pages=1,
        lines={1: [line("士兵服役期间鉴定"), line("经研究，同意该同志退出现役。")]},
    )
    [_, page] = _check(archive, "preferential_card", appraisal).results[0].conditions
    assert page.status == "not_met" and "标题" in page.reason
