"""Progress figures from the real store: totals, periods, persons, the pass rate."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from archive.store import Store
from archive.store.stats import progress
from archive.usecases.views import progress_dict
from tests.archive.records import save

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_figures_count_files_pages_persons_and_reviews(store: Store) -> None:
    a = save(store, "a", {"id_number": "11010519491231002X", "name?": "王伟"}, pages=3)
    b = save(store, "b", {"id_number": "11010519491231002X", "unit?": "53O21部队"}, pages=2)
    save(store, "c", {"id_number": None, "name": "李强"})
    store.correct_field(a, "name", "王伟", by="档案员甲")  # confirmed unchanged
    store.correct_field(b, "unit", "53021部队", by="档案员甲")  # corrected
    store.correct_field(b, "unit", "53021部队", by="档案员乙")  # the same field again: once
    found = progress(store, "day", SHANGHAI)
    assert (found.total.files, found.total.pages) == (3, 6)
    assert (found.total.flagged, found.total.reviewed, found.total.corrected) == (2, 2, 1)
    assert found.total.confirmed_share == 0.5
    assert (found.persons, found.files_without_id) == (1, 1)
    [(day, figures)] = found.periods.items()
    assert len(day) == 10 and figures == found.total
    as_json = progress_dict(progress(store, "month", SHANGHAI), "month")
    assert as_json["total"] == {
        "files": 3,
        "pages": 6,
        "flagged": 2,
        "reviewed": 2,
        "corrected": 1,
        "confirmed_share": 0.5,
        "persons": 1,
        "files_without_id": 1,
    }
    assert [p["period"] for p in as_json["periods"]] == [day[:7]]  # type: ignore[union-attr]


def test_an_empty_archive_has_no_pass_rate(store: Store) -> None:
    found = progress(store, "month", SHANGHAI)
    assert found.total.files == 0 and found.total.confirmed_share is None and found.periods == {}
