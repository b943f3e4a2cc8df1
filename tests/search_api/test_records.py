"""Search, records, persons and corrections through the API, masking and audit included."""

from __future__ import annotations

from typing import Any

from archive.domain import Evidence, Extraction, OtherItem
from archive.store import Store
from tests.search_api.conftest import LI_ID, WANG_ID, Api


def _json(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def test_search_masks_id_numbers_for_staff_only_and_pages_by_cursor(api: Api) -> None:
    staff = _json(api.get("/api/v1/records/search?name=王伟&size=2", "staff"))
    assert staff["total"] == 3 and len(staff["hits"]) == 2 and staff["next"]
    assert {h["id_number"] for h in staff["hits"]} == {"110105************"}
    rest = _json(
        api.get(f"/api/v1/records/search?name=王伟&size=2&cursor={staff['next']}", "staff")
    )
    assert len(rest["hits"]) == 1 and rest["next"] is None
    seen = {h["document_id"] for h in staff["hits"] + rest["hits"]}
    assert seen == {api.ids["wang"], api.ids["wang2"], api.ids["other_wang"]}
    archivist = _json(api.get("/api/v1/records/search?id=002X", "archivist"))
    assert {h["id_number"] for h in archivist["hits"]} == {WANG_ID}
    assert set(archivist["facets"]) == {"discharge_type", "enlistment_year", "unit"}
    # A cursor belongs to its query.
    wrong = _json(api.get(f"/api/v1/records/search?name=李强&cursor={staff['next']}"), 422)
    assert wrong["error"]["code"] == "invalid_cursor"
    infinite = "eyJwIjogSW5maW5pdHksICJxIjogIngifQ"  # {"p": Infinity, "q": "x"}
    forged = _json(api.get(f"/api/v1/records/search?name=李强&cursor={infinite}"), 422)
    assert forged["error"]["code"] == "invalid_cursor"
    assert _json(api.get("/api/v1/records/search"), 422)["error"]["code"] == "empty_query"


def test_a_record_shows_every_field_with_evidence_and_staff_see_no_id(api: Api) -> None:
    doc = api.ids["wang"]
    record = _json(api.get(f"/api/v1/records/{doc}", "archivist"))
    assert record["fields"]["name"]["value"] == "王伟"
    assert record["fields"]["name"]["evidence"] == {
        "page": 1,
        "bbox": [10, 20, 60, 40],
        "text": "王伟",
    }
    assert record["fields"]["awards"]["value"] is None  # every key present
    assert [p["number"] for p in record["pages"]] == [1, 2]
    assert record["pages"][0]["image_url"] == f"/api/v1/documents/{doc}/pages/1/image"
    staff = _json(api.get(f"/api/v1/records/{doc}", "staff"))
    id_field = staff["fields"]["id_number"]
    assert (
        id_field["value"] == "110105************"
        and id_field["evidence"]["text"] == "110105************"
    )
    assert WANG_ID not in str(staff)
    assert _json(api.get("/api/v1/records/999999"), 404)["error"]["code"] == "not_found"


def test_a_correction_keeps_the_machine_value_and_search_follows_at_once(api: Api) -> None:
    doc = api.ids["wang2"]
    body = {"value": "53021部队", "note": "原件为数字0"}
    fixed = _json(
        api.client.patch(
            f"/api/v1/records/{doc}/fields/unit", json=body, headers=api.headers("archivist")
        )
    )
    assert fixed["value"] == "53021部队" and fixed["machine_value"] == "53O21部队"
    assert (
        fixed["corrected_by"] == "archivist"
        and not fixed["needs_review"]
        and fixed["confidence"] == 1.0
    )
    assert [h["note"] for h in fixed["history"]] == ["原件为数字0"]
    found = _json(api.get("/api/v1/records/search?unit=53021", "staff"))
    assert doc in {h["document_id"] for h in found["hits"]}
    bad = api.client.patch(
        f"/api/v1/records/{doc}/fields/id_number",
        json={"value": "110105194912310021"},
        headers=api.headers("archivist"),
    )
    assert _json(bad, 422)["error"]["code"] == "invalid_value"
    bad_date = api.client.patch(
        f"/api/v1/records/{doc}/fields/birth_date",
        json={"value": "1949-13"},
        headers=api.headers("admin"),
    )
    assert _json(bad_date, 422)["error"]["code"] == "invalid_value"
    unknown = api.client.patch(
        f"/api/v1/records/{doc}/fields/salary", json={"value": "1"}, headers=api.headers("admin")
    )
    assert _json(unknown, 422)["error"]["code"] == "invalid_parameters"
    huge = api.client.patch(
        f"/api/v1/records/{doc}/fields/awards",
        json={"value": "三等功" * 70_000},
        headers=api.headers("admin"),
    )
    assert _json(huge, 422)["error"]["code"] == "invalid_parameters"


def test_a_person_merges_documents_and_shows_conflicts(api: Api) -> None:
    person = _json(api.get(f"/api/v1/persons/{WANG_ID}", "archivist"))
    assert [d["document_id"] for d in person["documents"]] == [api.ids["wang"], api.ids["wang2"]]
    assert person["fields"]["name"] == {
        "value": "王伟",
        "agreed": True,
        "values": [
            {
                "value": "王伟",
                "document_ids": [api.ids["wang"], api.ids["wang2"]],
                "confidence": 0.98,
                "needs_review": False,
            }
        ],
    }
    assert set(person["conflicts"]) == {"birth_date", "unit"}
    assert (
        person["fields"]["unit"]["value"] is None and len(person["fields"]["unit"]["values"]) == 2
    )
    staff = _json(api.get(f"/api/v1/persons/{WANG_ID.lower()}", "staff"))
    assert staff["id_number"] == "110105************"
    assert (
        _json(api.get("/api/v1/persons/110105194912310021"), 422)["error"]["code"]
        == "invalid_id_number"
    )
    assert _json(api.get("/api/v1/persons/110105194912310038"), 404)["error"]["code"] == "not_found"


def test_lookup_answers_each_query_in_order(api: Api) -> None:
    queries = [
        {"id_number": LI_ID},
        {"name": "王伟", "birth_date": "1949-12"},  # two people born that month
        {"name": "王伟", "birth_date": "1949-12-31"},  # one of them, and a month-only record of his
        {"id_number": "110105194912310038"},
        {"name": "李强", "birth_date": "1985-07-15"},
    ]
    results = _json(
        api.client.post("/api/v1/lookup", json={"queries": queries}, headers=api.headers("service"))
    )["results"]
    assert [r["status"] for r in results] == ["exact", "ambiguous", "exact", "none", "exact"]
    assert [r["document_id"] for r in results[0]["records"]] == [api.ids["li"]]
    li = results[0]["records"][0]["fields"]
    assert (
        li["id_number"]["value"] == LI_ID
        and li["name"]["needs_review"]
        and li["name"]["confidence"] == 0.6
    )
    assert li["name"]["evidence"]["page"] == 1
    assert {r["document_id"] for r in results[1]["records"]} == {
        api.ids["wang"],
        api.ids["wang2"],
        api.ids["other_wang"],
    }
    assert {r["document_id"] for r in results[2]["records"]} == {api.ids["wang"], api.ids["wang2"]}
    too_many = api.client.post(
        "/api/v1/lookup",
        json={"queries": [{"id_number": LI_ID}] * 1001},
        headers=api.headers("service"),
    )
    assert _json(too_many, 422)["error"]["code"] == "invalid_parameters"
    both = api.client.post(
        "/api/v1/lookup",
        json={"queries": [{"id_number": LI_ID, "name": "李强", "birth_date": "1985-07"}]},
        headers=api.headers("service"),
    )
    assert _json(both, 422)["error"]["code"] == "invalid_parameters"


def test_a_name_misread_by_one_character_is_a_probable_match_not_none(api: Api) -> None:
    def ask(*queries: dict[str, str]) -> list[dict[str, Any]]:
        answer = api.client.post(
            "/api/v1/lookup", json={"queries": list(queries)}, headers=api.headers("service")
        )
        return list(_json(answer)["results"])

    # 李强 misread: the record says 李强, the caller asks for 李弦 (one character apart).
    [probable] = ask({"name": "李弦", "birth_date": "1985-07"})
    assert probable["status"] == "probable"
    [candidate] = probable["records"]
    assert candidate["document_id"] == api.ids["li"]
    assert any("只差一字" in r for r in candidate["reasons"])
    assert "出生日期相同" in candidate["reasons"]
    assert "身份证号与出生日期、性别一致" in candidate["reasons"]
    # Another surname, another birth month, another gender: no one.
    assert ask({"name": "张强", "birth_date": "1985-07"})[0]["status"] == "none"
    assert ask({"name": "李弦", "birth_date": "1985-08"})[0]["status"] == "none"
    assert ask({"name": "李弦", "birth_date": "1985-07", "gender": "女"})[0]["status"] == "none"
    # An old 15-digit number finds the files under the 18-digit one.
    old = LI_ID[:6] + LI_ID[8:17]
    [by_old] = ask({"id_number": old})
    assert by_old["status"] == "exact" and by_old["records"][0]["document_id"] == api.ids["li"]


def test_every_look_at_a_person_is_audited(api: Api) -> None:
    doc = api.ids["li"]
    api.get("/api/v1/records/search?name=李强", "staff")
    api.get(f"/api/v1/records/{doc}", "staff")
    api.client.post(
        "/api/v1/lookup", json={"queries": [{"id_number": LI_ID}]}, headers=api.headers("service")
    )
    api.get(f"/api/v1/documents/{doc}/pages/1/image", "staff")
    entries = _json(api.get("/api/v1/audit?limit=3"))["entries"]
    assert [e["action"] for e in entries] == ["view_image", "lookup", "view_record"]
    assert entries[1]["key_name"] == "service" and entries[1]["role"] == "service"
    assert entries[1]["record_ids"] == [doc] and entries[1]["query"] == {
        "queries": [{"id_number": LI_ID}]
    }
    searches = _json(api.get("/api/v1/audit?action=search"))["entries"]
    assert searches[0]["query"] == {"name": "李强", "offset": 0} and searches[0]["record_ids"] == [
        doc
    ]
    older = _json(api.get(f"/api/v1/audit?limit=3&before={entries[-1]['id']}"))["entries"]
    assert older and all(e["id"] < entries[-1]["id"] for e in older)


def test_stats_count_files_pages_persons_and_reviews(api: Api) -> None:
    api.client.patch(
        f"/api/v1/records/{api.ids['li']}/fields/name",
        json={"value": "李强"},
        headers=api.headers("archivist"),
    )
    total = _json(api.get("/api/v1/stats?by=day", "staff"))["total"]
    assert total == {
        "files": 4,
        "pages": 5,
        "flagged": 2,
        "reviewed": 1,
        "corrected": 0,
        "confirmed_share": 1.0,
        "persons": 3,
        "files_without_id": 0,
    }


def test_other_items_are_shown_with_the_record_and_masked_like_the_rest(api: Api) -> None:
    store = Store.open(api.settings.resolved_database_url)
    doc = api.ids["li"]
    spouse = OtherItem("配偶身份证号", LI_ID, Evidence(1, [1, 2, 3, 4], LI_ID))
    store.replace_fields({doc: Extraction(store.current_fields(doc), [spouse])})
    store.close()
    whole = _json(api.get(f"/api/v1/records/{doc}", "archivist"))["other_items"]
    assert whole == [
        {
            "label": "配偶身份证号",
            "value": LI_ID,
            "evidence": {"page": 1, "bbox": [1, 2, 3, 4], "text": LI_ID},
        }
    ]
    [masked] = _json(api.get(f"/api/v1/records/{doc}", "staff"))["other_items"]
    assert LI_ID not in str(masked) and masked["value"] == "340123************"


def test_a_lone_surrogate_in_any_text_is_a_clear_422_not_a_500(api: Api) -> None:
    """JSON may escape half of a UTF-16 pair ("\\ud800"); no database or index can hold it."""

    def send(method: str, url: str, body: str, who: str) -> Any:
        headers = {**api.headers(who), "Content-Type": "application/json"}
        return api.client.request(method, url, content=body.encode(), headers=headers)

    # Every text a client writes is length-limited, so pydantic's own JSON reader checks it and
    # calls it invalid before any handler sees it: a 422 all the same.
    for query in ('{"name": "\\ud800", "birth_date": "1949-12"}', '{"id_number": "\\udc80"}'):
        refused = send("POST", "/api/v1/lookup", f'{{"queries": [{query}]}}', "service")
        assert _json(refused, 422)["error"]["code"] == "invalid_parameters"
    doc = api.ids["wang2"]
    refused = send("PATCH", f"/api/v1/records/{doc}/fields/unit", '{"value": "5\\ud800"}', "admin")
    assert _json(refused, 422)["error"]["code"] == "invalid_parameters"
    # Nothing was written: the field reads as before.
    record = _json(api.get(f"/api/v1/records/{doc}", "admin"))
    assert record["fields"]["unit"]["value"] == "53O21部队"
