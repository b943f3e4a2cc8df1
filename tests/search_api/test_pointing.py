"""Review by pointing and learning a bureau's labels, through the API on pages read by the real
pipeline: a form printed with a label no lexicon holds (祖居地 for the native place) leaves the
field 未找到; an archivist fills it by pointing at the pair the extractor kept, or at a box the
engine reads there and then; the value keeps that evidence, the label is proposed, an admin
accepts it, and the next ingest and `archive extract --all` read the field by it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from PIL import Image, ImageDraw

from archive.domain import Evidence, Role
from archive.settings import Settings
from archive.store import Store
from archive.store.keys import KeyStore
from archive.store.synonyms import SynonymStore
from ingest.extract.extractor import ExtractOptions
from ingest.extract.learned import learned
from ingest.pipeline import IngestOptions, IngestRun
from ingest.reextract import reextract
from scripts.samplegen.render import font
from search_api.app import create_app

LABEL = "祖居地"  # in no lexicon: a bureau's own wording


def _form(path: Path, name: str, place: str, enlisted: str) -> Path:
    lines = [
        "士兵退出现役登记表",
        f"姓名：{name}",
        "性别：男",
        f"{LABEL}：{place}",
        f"入伍时间：{enlisted}",
    ]
    image = Image.new("L", (1240, 1000), 255)
    draw = ImageDraw.Draw(image)
    for i, text in enumerate(lines):
        draw.text((120, 80 + i * 110), text, font=font("hei", 40), fill=0)
    image.save(path, dpi=(300, 300))
    return path


def _ingest(settings: Settings, *paths: Path) -> list[int]:
    store = Store.open(settings.resolved_database_url)
    try:
        report = IngestRun(store, settings.data_dir, IngestOptions.from_settings(settings)).run(
            list(paths)
        )
    finally:
        store.close()
    by_path = {r.path: r.document_id for r in report.results}
    ids = [by_path[str(p)] for p in paths]  # in the order given, whichever finished first
    assert all(ids), report.results
    return [i for i in ids if i is not None]


@dataclass
class Desk:
    client: TestClient
    settings: Settings
    keys: dict[str, str]
    ids: list[int]
    tmp: Path

    def call(self, method: str, url: str, who: str = "archivist", **kw: Any) -> Any:
        headers = {"Authorization": f"Bearer {self.keys[who]}"}
        return self.client.request(method, url, headers=headers, **kw)


@pytest.fixture
def desk(settings: Settings, tmp_path: Path) -> Iterator[Desk]:
    ids = _ingest(
        settings,
        _form(tmp_path / "a.png", "张卫国", "安徽省长丰县", "1985年3月"),
        _form(tmp_path / "b.png", "李建华", "江苏省丰县", "1990年12月"),
    )
    store = Store.open(settings.resolved_database_url)
    keys = {r.value: KeyStore(store).create(r.value, r)[1] for r in Role}
    store.close()
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        yield Desk(client, settings, keys, ids, tmp_path)


def _item(desk: Desk, document_id: int) -> dict[str, Any]:
    record = desk.call("GET", f"/api/v1/records/{document_id}").json()
    assert record["fields"]["native_place"]["value"] is None  # the label is no field's
    [item] = [i for i in record["other_items"] if i["label"] == LABEL]
    return item


def test_filling_a_field_from_a_pair_keeps_its_evidence_and_proposes_the_label(
    desk: Desk,
) -> None:
    first = desk.ids[0]
    item = _item(desk, first)
    pointed = {"page": 1, "bbox": item["evidence"]["bbox"], "how": "item"}
    answer = desk.call(
        "PATCH",
        f"/api/v1/records/{first}/fields/native_place",
        json={"value": "安徽长丰县", "pointed": pointed},
    )
    assert answer.status_code == 200, answer.text
    field = answer.json()
    assert field["value"] == "安徽长丰县" and field["corrected_by"] == "archivist"
    # The evidence is where the person pointed, its text the stored reading's.
    assert field["evidence"]["text"] == "安徽省长丰县"
    assert field["evidence"]["bbox"] == item["evidence"]["bbox"]
    [done] = field["history"]
    assert done["pointed"]["how"] == "item" and 0.5 < done["pointed"]["confidence"] <= 1
    [proposal] = desk.call("GET", "/api/v1/admin/synonyms", who="admin").json()
    assert (proposal["key"], proposal["label"], proposal["status"]) == (
        "native_place",
        LABEL,
        "proposed",
    )
    assert proposal["bureau"] == "本局" and proposal["proposed_by"] == "archivist"
    assert proposal["value_text"] == "安徽长丰县" and proposal["document_id"] == first
    x0, _, x1, _ = proposal["label_evidence"]["bbox"]
    assert x1 <= item["evidence"]["bbox"][0] + 5 and x0 < x1  # the label, left of the value
    # An archivist proposes by filling; only an admin sees and decides.
    assert desk.call("GET", "/api/v1/admin/synonyms").status_code == 403
    decide = f"/api/v1/admin/synonyms/{proposal['id']}"
    assert desk.call("POST", decide, json={"accept": True}).status_code == 403


def test_an_accepted_label_is_read_at_the_next_ingest_and_by_extract_all(desk: Desk) -> None:
    first, second = desk.ids
    item = _item(desk, first)
    pointed = {"page": 1, "bbox": item["evidence"]["bbox"], "how": "item"}
    desk.call(
        "PATCH",
        f"/api/v1/records/{first}/fields/native_place",
        json={"value": "安徽长丰县", "pointed": pointed},
    )
    [proposal] = desk.call("GET", "/api/v1/admin/synonyms", who="admin").json()
    accepted = desk.call(
        "POST", f"/api/v1/admin/synonyms/{proposal['id']}", who="admin", json={"accept": True}
    ).json()
    assert accepted["status"] == "accepted" and accepted["decided_by"] == "admin"
    audit = desk.call("GET", "/api/v1/audit?action=decide_synonym", who="admin").json()
    assert [e["key_name"] for e in audit["entries"]] == ["admin"]
    # The next ingest reads the field by the label.
    [third] = _ingest(
        desk.settings, _form(desk.tmp / "c.png", "王志远", "湖北省武汉市新洲区", "1978年3月")
    )
    fields = desk.call("GET", f"/api/v1/records/{third}").json()["fields"]
    assert fields["native_place"]["value"] == "湖北省武汉市新洲区"
    # A document ingested before the label was accepted reads it once extracted again.
    store = Store.open(desk.settings.resolved_database_url)
    try:
        assert store.current_fields(second)[5].value is None
        reextract(store, learned(ExtractOptions(), store, "本局"))
        by_key = {f.key: f for f in store.current_fields(second)}
        assert by_key["native_place"].value == "江苏省丰县"
        assert by_key["native_place"].evidence is not None
        assert by_key["native_place"].evidence.text == "江苏省丰县"
        # Another bureau's ingest does not apply this bureau's labels.
        assert learned(ExtractOptions(), store, "另一局").synonyms == ()
    finally:
        store.close()


def test_a_rejected_label_stays_rejected_when_proposed_again(desk: Desk) -> None:
    for document_id in desk.ids:
        item = _item(desk, document_id)
        pointed = {"page": 1, "bbox": item["evidence"]["bbox"], "how": "item"}
        desk.call(
            "PATCH",
            f"/api/v1/records/{document_id}/fields/native_place",
            json={"value": item["value"], "pointed": pointed},
        )
        if document_id == desk.ids[0]:
            [proposal] = desk.call("GET", "/api/v1/admin/synonyms", who="admin").json()
            url = f"/api/v1/admin/synonyms/{proposal['id']}"
            rejected = desk.call("POST", url, who="admin", json={"accept": False}).json()
            assert rejected["status"] == "rejected"
    [again] = desk.call("GET", "/api/v1/admin/synonyms", who="admin").json()
    assert again["status"] == "rejected" and again["proposals"] == 2
    store = Store.open(desk.settings.resolved_database_url)
    try:
        assert SynonymStore(store).accepted("本局") == ()
    finally:
        store.close()


def test_a_label_is_accepted_for_one_field_only(desk: Desk) -> None:
    store = Store.open(desk.settings.resolved_database_url)
    try:
        synonyms = SynonymStore(store)
        item = _item(desk, desk.ids[0])
        label = Evidence(1, item["evidence"]["bbox"], LABEL)
        a = synonyms.propose("本局", "native_place", label, desk.ids[0], "安徽长丰县", "甲")
        b = synonyms.propose("本局", "unit", label, desk.ids[0], "安徽长丰县", "乙")
    finally:
        store.close()
    ok = desk.call("POST", f"/api/v1/admin/synonyms/{a.id}", who="admin", json={"accept": True})
    assert ok.status_code == 200
    taken = desk.call("POST", f"/api/v1/admin/synonyms/{b.id}", who="admin", json={"accept": True})
    assert taken.status_code == 409 and taken.json()["error"]["code"] == "label_taken"
    missing = desk.call("POST", "/api/v1/admin/synonyms/999", who="admin", json={"accept": True})
    assert missing.status_code == 404


def test_a_drawn_box_is_read_by_the_engine_and_becomes_the_values_evidence(desk: Desk) -> None:
    first = desk.ids[0]
    item = _item(desk, first)
    box = item["evidence"]["bbox"]
    read = desk.call("POST", f"/api/v1/records/{first}/pages/1/read", json={"bbox": box})
    assert read.status_code == 200, read.text
    assert read.json()["text"] == "安徽省长丰县" and read.json()["confidence"] > 0.5
    # Whatever the client claims, the evidence is the server's own reading of the box.
    answer = desk.call(
        "PATCH",
        f"/api/v1/records/{first}/fields/native_place",
        json={"value": "安徽长丰县", "pointed": {"page": 1, "bbox": box, "how": "region"}},
    )
    field = answer.json()
    assert field["evidence"] == {"page": 1, "bbox": box, "text": "安徽省长丰县"}
    assert field["history"][0]["pointed"]["how"] == "region"
    audit = desk.call("GET", "/api/v1/audit?action=read_region", who="admin").json()
    assert audit["entries"][0]["query"]["bbox"] == box


@pytest.mark.parametrize(
    ("url_page", "body", "status", "code"),
    [
        (1, {"bbox": [5, 5, 60, 40]}, 200, None),  # blank paper: read as nothing, not an error
        (1, {"bbox": [5000, 5000, 6000, 6000]}, 422, "invalid_box"),  # off the page
        (1, {"bbox": [60, 40, 5, 5]}, 422, "invalid_box"),  # back to front
        (1, {"bbox": [1, 2, 3]}, 422, "invalid_parameters"),
        (1, {"bbox": [-1, 2, 30, 40]}, 422, "invalid_parameters"),
        (7, {"bbox": [5, 5, 60, 40]}, 404, "not_found"),
    ],
)
def test_a_bad_box_is_refused_clearly(
    desk: Desk, url_page: int, body: dict[str, Any], status: int, code: str | None
) -> None:
    answer = desk.call("POST", f"/api/v1/records/{desk.ids[0]}/pages/{url_page}/read", json=body)
    assert answer.status_code == status, answer.text
    if code:
        assert answer.json()["error"]["code"] == code
    else:
        assert answer.json()["text"] == ""


def test_pointing_at_paper_with_no_reading_is_refused_and_changes_nothing(desk: Desk) -> None:
    first = desk.ids[0]
    for how, code in (("word", "nothing_there"), ("region", "nothing_read")):
        answer = desk.call(
            "PATCH",
            f"/api/v1/records/{first}/fields/native_place",
            json={
                "value": "安徽长丰县",
                "pointed": {"page": 1, "bbox": [5, 5, 60, 40], "how": how},
            },
        )
        assert answer.status_code == 422 and answer.json()["error"]["code"] == code
    record = desk.call("GET", f"/api/v1/records/{first}").json()
    assert record["fields"]["native_place"]["history"] == []
    assert desk.call("GET", "/api/v1/admin/synonyms", who="admin").json() == []


def test_staff_may_not_read_regions(desk: Desk) -> None:
    url = f"/api/v1/records/{desk.ids[0]}/pages/1/read"
    assert desk.call("POST", url, who="staff", json={"bbox": [5, 5, 60, 40]}).status_code == 403


def _signed_in(desk: Desk, role: str) -> TestClient:
    # Secure cookies travel over https only, so this client speaks it.
    client = TestClient(desk.client.app, base_url="https://testserver")
    signed = client.post(
        "/login", data={"key": desk.keys[role], "next": "/"}, follow_redirects=False
    )
    assert signed.status_code == 303
    return client


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf-token" content="([^"]+)"', html)
    assert found
    return found.group(1)


def test_the_review_page_lays_the_reading_over_the_scan_and_takes_a_pointed_value(
    desk: Desk,
) -> None:
    first = desk.ids[0]
    client = _signed_in(desk, "archivist")
    page = client.get("/review").text
    # Through the queue, skipping, to this file's native place.
    while f'name="document_id" value="{first}"' not in page or "<h1>籍贯</h1>" not in page:
        skip = re.search(r'href="([^"]+)" id="skip"', page)
        assert skip, page
        page = client.get(skip.group(1).replace("&amp;", "&")).text
    piece = re.search(r'class="take piece"[^>]*data-box="([\d,]+)" data-text="安徽省长丰县"', page)
    assert piece, "the value's words are a piece to click"
    assert ">archivist</a><span>（档案员）" in page  # who is signed in, by the key's name
    assert "机器没有找到这一项" in page and f"{LABEL}：安徽省长丰县" in page  # the pair listed
    csrf = _csrf(page)
    read = client.post(
        "/review/read",
        data={"document_id": first, "page": 1, "bbox": piece.group(1), "csrf": csrf},
    )
    assert read.status_code == 200 and read.json()["text"] == "安徽省长丰县"
    assert (
        client.post(
            "/review/read", data={"document_id": first, "page": 1, "bbox": "1,2,3", "csrf": csrf}
        ).status_code
        == 422
    )
    sent = client.post(
        "/review",
        data={
            "document_id": first,
            "key": "native_place",
            "value": "安徽长丰县",
            "csrf": csrf,
            "pointed_page": "1",
            "pointed_bbox": piece.group(1),
            "pointed_how": "word",
        },
        follow_redirects=False,
    )
    assert sent.status_code == 303, sent.text
    field = desk.call("GET", f"/api/v1/records/{first}").json()["fields"]["native_place"]
    assert field["value"] == "安徽长丰县" and field["evidence"]["text"] == "安徽省长丰县"
    # The admin sees the proposal on the admin page, and accepts it there.
    assert client.get("/admin/synonyms").status_code == 403
    admin = _signed_in(desk, "admin")
    listed = admin.get("/admin/synonyms").text
    assert LABEL in listed and "待定" in listed
    [proposal] = desk.call("GET", "/api/v1/admin/synonyms", who="admin").json()
    decided = admin.post(
        f"/admin/synonyms/{proposal['id']}",
        data={"accept": "1", "csrf": _csrf(listed)},
        follow_redirects=False,
    )
    assert decided.status_code == 303
    assert "已采纳（admin）" in admin.get("/admin/synonyms").text


@pytest.mark.parametrize(
    ("bbox", "page"),
    [("1,2,3,²", "1"), ("1,2,3", "1"), ("a,b,c,d", "1"), ("5,5,60,40", "²"), ("9" * 30, "1")],
)
def test_a_malformed_pointing_from_the_page_is_refused_on_the_page(
    desk: Desk, bbox: str, page: str
) -> None:
    client = _signed_in(desk, "archivist")
    csrf = _csrf(client.get("/review").text)
    read = client.post(
        "/review/read",
        data={"document_id": desk.ids[0], "page": 1, "bbox": bbox, "csrf": csrf},
    )
    assert read.status_code == (200 if bbox == "5,5,60,40" else 422), read.text
    sent = client.post(
        "/review",
        data={
            "document_id": desk.ids[0],
            "key": "native_place",
            "value": "安徽长丰县",
            "csrf": csrf,
            "pointed_page": page,
            "pointed_bbox": bbox,
            "pointed_how": "word",
        },
    )
    assert sent.status_code == 422 and "重新" in sent.text


def test_a_pointed_value_must_be_borne_out_by_what_is_read_there(desk: Desk) -> None:
    first = desk.ids[0]
    item = _item(desk, first)
    url = f"/api/v1/records/{first}/fields/native_place"
    pointed = {"page": 1, "bbox": item["evidence"]["bbox"], "how": "item"}
    for value in ("张三", None):  # another value than the one there, or none at all
        refused = desk.call("PATCH", url, json={"value": value, "pointed": pointed})
        assert refused.status_code == 422 and refused.json()["error"]["code"] == "value_not_there"
    assert desk.call("GET", "/api/v1/admin/synonyms", who="admin").json() == []
    # A date taken as printed (1985年3月) is the date, and what is read there bears it out.
    enlisted = desk.call("GET", f"/api/v1/records/{first}").json()["fields"]["enlistment_date"]
    taken = desk.call(
        "PATCH",
        f"/api/v1/records/{first}/fields/enlistment_date",
        json={
            "value": "1985年3月",
            "pointed": {"page": 1, "bbox": enlisted["evidence"]["bbox"], "how": "word"},
        },
    )
    assert taken.status_code == 200, taken.text
    assert taken.json()["value"] == "1985-03"


def test_odd_review_requests_are_answered_without_a_server_error(desk: Desk) -> None:
    client = _signed_in(desk, "archivist")
    page = client.get("/review")
    csrf = _csrf(page.text)
    for after in ("²:unit", "9" * 30 + ":unit", ":"):
        assert client.get("/review", params={"after": after}).status_code == 200
    form = {"key": "nosuch", "value": "x", "csrf": csrf, "pointed_how": "zz"}
    assert client.post("/review", data={**form, "document_id": 1}).status_code == 422
    huge = {**form, "key": "unit", "document_id": str(2**63)}
    assert client.post("/review", data=huge).status_code == 422
