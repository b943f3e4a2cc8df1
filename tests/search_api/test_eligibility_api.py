"""POST /api/v1/eligibility and GET /api/v1/eligibility/programmes: who may ask, what a bad
request gets, and the shape other systems rely on."""

from __future__ import annotations

from typing import Any

from tests.search_api.conftest import LI_ID, WANG_ID, Api


def _post(api: Api, body: dict[str, Any], role: str = "service") -> Any:
    return api.client.post("/api/v1/eligibility", json=body, headers=api.headers(role))


def test_service_and_admin_may_check_staff_and_archivists_may_not(api: Api) -> None:
    body = {"programme": "preferential_card", "persons": [{"id_number": WANG_ID}]}
    for role in ("service", "admin"):
        assert _post(api, body, role).status_code == 200
    for role in ("staff", "archivist"):
        assert _post(api, body, role).status_code == 403
    assert api.client.post("/api/v1/eligibility", json=body).status_code == 401


def test_a_check_answers_each_person_in_order_with_evidence(api: Api) -> None:
    body = {
        "programme": "preferential_card",
        "persons": [
            {"id_number": WANG_ID},
            {"id_number": LI_ID},
            {"name": "王玮", "birth_date": "1949-12-31"},
        ],
    }
    out = _post(api, body).json()
    assert out["programme"]["id"] == "preferential_card" and out["checked_by"] == "service"
    wang, li, probable = out["results"]
    assert wang["match"] == "exact" and set(wang["document_ids"]) == {
        api.ids["wang"],
        api.ids["wang2"],
    }
    discharge = wang["conditions"][0]
    assert discharge["status"] == "met"
    [used] = discharge["evidence"]
    assert used["value"] == "复员" and used["page"] == 1 and used["bbox"] == [10, 20, 60, 40]
    assert li["conditions"][0]["status"] == "unproven"  # no discharge type read
    assert probable["match"] == "probable" and probable["verdict"] == "unproven"
    assert probable["candidates"][0]["reasons"]


def test_bad_requests_get_clear_errors(api: Api) -> None:
    def code(body: dict[str, Any]) -> tuple[int, str]:
        r = _post(api, body)
        return r.status_code, r.json()["error"]["code"]

    one = [{"id_number": WANG_ID}]
    assert code({"programme": "no_such", "persons": one}) == (404, "not_found")
    assert code({"programme": "nuclear", "persons": []})[0] == 422
    assert code({"programme": "nuclear", "persons": one * 1001})[0] == 422
    assert code({"programme": "nuclear", "persons": one, "as_of": "2026-13-01"})[0] == 422
    # No catalogue imported yet: the catalogue condition cannot be proven, nothing fails.
    out = _post(api, {"programme": "nuclear", "persons": one}).json()
    assert out["results"][0]["conditions"][0]["status"] == "unproven"
    assert "尚未导入" in out["results"][0]["conditions"][0]["reason"]


def test_the_programmes_are_listed_from_the_data_dir(api: Api) -> None:
    r = api.client.get("/api/v1/eligibility/programmes", headers=api.headers("service"))
    ids = {p["id"] for p in r.json()}
    assert {"nuclear", "combat", "preferential_card", "self_employed_subsidy"} <= ids
    assert (api.settings.data_dir / "programmes" / "nuclear.toml").is_file()
