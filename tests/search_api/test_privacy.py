"""Privacy by attack (issue 15): everything a member of staff can see of an archive, gathered
as a determined insider would, must neither show an ID number whole nor let one be rebuilt,
and no search or highlight may answer a question about a hidden digit.

The archive: generated scans read by the real pipeline, saved under the names bureaus give
them (`<ID>-<name>.png`), and records whose page text holds the numbers in the ways the mask
used to miss (full-width digits, a Latin letter against them, a line break inside, an OCR
lookalike), with a correction note that quotes one."""

from __future__ import annotations

import hashlib
import itertools
import re
import shutil
import unicodedata
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest
from fastapi.testclient import TestClient
from rapidocr_onnxruntime import RapidOCR

from archive.domain import Role
from archive.idnumber import check_char
from archive.search.backends import make_backend
from archive.search.feed import drain
from archive.settings import Settings
from archive.store import Store
from archive.store.audit import AuditLog, AuditQuery
from archive.store.keys import KeyStore
from ingest.pipeline import IngestOptions, IngestRun
from scripts.samplegen.generate import SampleFile
from search_api.app import create_app
from tests.archive.records import document, field, page
from tests.conftest import TEST_DPI

# People of the hand-made records: (ID, name, birth date, gender, how page text writes the ID).
WRITTEN = {
    how: (first17 + check_char(first17), name, birth, gender)
    for how, first17, name, birth, gender in (
        ("full_width", "34012119480604223", "于小明", "1948-06-04", "男"),
        ("latin_letter", "13042419720727409", "赵刚", "1972-07-27", "男"),
        ("line_break", "11010519491231002", "王伟", "1949-12-31", "男"),
        ("lookalike", "32010219650315002", "钱芳", "1965-03-15", "女"),
    )
}


def _written(how: str, number: str) -> str:
    if how == "full_width":
        return "公民身份号码" + "".join(chr(ord(c) + 0xFEE0) for c in number)
    if how == "latin_letter":
        return f"ID{number}A 身份证"
    if how == "line_break":
        return f"身份证号码：{number[:10]}\n{number[10:]}"
    return "身份证号" + number[:8] + "O" + number[9:]  # OCR read the 0 as O


@dataclass
class Insider:
    client: TestClient
    keys: dict[str, str]
    truth: dict[int, tuple[str, str, str, str]]  # document id -> (ID, name, birth, gender)
    data_dir: Path

    def get(self, url: str, who: str = "staff", **kw: Any) -> Any:
        return self.client.get(url, headers={"Authorization": f"Bearer {self.keys[who]}"}, **kw)


def _twin(number: str) -> str:
    """The same person with other hidden digits: the sequence moved by an even step, so the
    gender it encodes stays."""
    first17 = number[:14] + f"{(int(number[14:17]) + 246) % 1000:03d}"
    return first17 + check_char(first17)


def _hand_made(store: Store, twin: bool = False) -> dict[int, tuple[str, str, str, str]]:
    made = {}
    for how, (number, name, birth, gender) in WRITTEN.items():
        number = _twin(number) if twin else number
        sha = hashlib.sha256(how.encode()).hexdigest()
        doc, result = document(
            sha, [replace(page(1), text=_written(how, number) + "\n出生" + birth)]
        )
        values = {"name": name, "id_number": number, "birth_date": birth, "gender": gender}
        doc = replace(
            doc,
            source_name=f"{number}-{name}.pdf",
            fields=[field(k, v) for k, v in values.items()],
        )
        [saved] = store.save_documents(store.start_job({}), [(doc, result)])
        assert saved.document_id is not None
        made[saved.document_id] = (number, name, birth, gender)
    return made


def _settings(root: Path) -> Settings:
    return Settings(data_dir=root / "data", workers=2, pdf_dpi=TEST_DPI, _env_file=None)  # type: ignore[call-arg]


@contextmanager
def _serving(
    settings: Settings, store: Store, truth: dict[int, tuple[str, str, str, str]]
) -> Iterator[Insider]:
    drain(store, make_backend(settings, store))
    keys = {r.value: KeyStore(store).create(r.value, r)[1] for r in Role}
    store.close()
    with TestClient(create_app(settings), base_url="https://testserver") as client:
        yield Insider(client, keys, truth, settings.data_dir)


@pytest.fixture(scope="module")
def insider(
    tmp_path_factory: pytest.TempPathFactory, samples: list[SampleFile]
) -> Iterator[Insider]:
    root = tmp_path_factory.mktemp("privacy")
    settings = _settings(root)
    inbox = root / "inbox"
    inbox.mkdir()
    for s in samples:
        v = s.veteran
        shutil.copy(s.path, inbox / f"{v.id_number}-{v.name}{s.path.suffix}")
    store = Store.open(settings.resolved_database_url)
    IngestRun(store, settings.data_dir, IngestOptions.from_settings(settings)).run(
        sorted(inbox.iterdir())
    )
    truth = _hand_made(store)
    for item in store.iter_documents(with_fields=True):
        if item.document.id in truth:
            continue
        v = next(
            s.veteran for s in samples if item.document.source_name.startswith(s.veteran.id_number)
        )
        truth[item.document.id] = (v.id_number, v.name, v.birth_date.isoformat(), v.gender)
    with _serving(settings, store, truth) as found:
        # An archivist's correction note quoting the number (notes used to be shown whole).
        doc = next(iter(truth))
        note = {"value": truth[doc][1], "note": f"与身份证{truth[doc][0]}核对无误"}
        response = found.client.patch(
            f"/api/v1/records/{doc}/fields/name",
            json=note,
            headers={"Authorization": f"Bearer {found.keys['archivist']}"},
        )
        assert response.status_code == 200, response.text
        yield found


@pytest.fixture(scope="module")
def twins(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Insider, Insider]]:
    """Two archives of the same people that differ only in the hidden digits of their IDs."""
    with ExitStack() as stack:
        pair = []
        for twin in (False, True):
            settings = _settings(tmp_path_factory.mktemp("twin"))
            store = Store.open(settings.resolved_database_url)
            pair.append(stack.enter_context(_serving(settings, store, _hand_made(store, twin))))
        yield pair[0], pair[1]


def _seen_by_staff(insider: Insider) -> list[str]:
    """Every response a member of staff can get by browsing, API and pages alike."""
    seen = []
    for doc, (_, name, birth, _) in insider.truth.items():
        for url in (
            f"/api/v1/records/search?name={name}",
            f"/api/v1/records/search?q={name}",
            f"/api/v1/records/search?q=身份证&birth_from={birth}&birth_to={birth}",
            f"/api/v1/records/{doc}",
        ):
            response = insider.get(url)
            assert response.status_code == 200, (url, response.text)
            seen.append(response.text)
    seen.append(insider.get("/api/v1/stats").text)
    # The pages, signed in with the staff key.
    client = insider.client
    client.cookies.clear()
    assert client.post("/login", data={"key": insider.keys["staff"]}).status_code in (200, 303)
    for doc, (_, name, *_) in insider.truth.items():
        for url in (f"/?q={name}", "/?q=身份证号", f"/records/{doc}"):
            response = client.get(url)
            assert response.status_code == 200, (url, response.text[:300])
            seen.append(response.text)
    seen.append(client.get("/progress").text)
    client.cookies.clear()
    return seen


def _flat(text: str) -> str:
    """The text as an attacker reads it: widths folded, marks, tags and spaces taken out, and
    OCR's letter lookalikes read as the digits they stand for."""
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"<[^>]+>|\\n|[【】\s\-]", "", text)
    return text.translate(str.maketrans("OoIl", "0011"))


def _candidates(number: str, seen: str, birth: str, gender: str) -> int:
    """How many valid ID numbers agree with everything staff saw: every masked form of this
    number in the responses (its region and whatever other characters it shows), the birth
    date and the gender (the parity of the 17th digit)."""
    known: dict[int, str] = {i: d for i, d in enumerate(birth.replace("-", ""), start=6)}
    for form in re.findall(number[:6] + r"[0-9Xx*]{9,12}", seen):
        for i, ch in enumerate(form):
            if ch != "*":
                known.setdefault(i, ch)
    free = [i for i in range(6, 17) if i not in known]
    count = 0
    for digits in itertools.product("0123456789", repeat=len(free)):
        guess = {**known, **dict(zip(free, digits, strict=True))}
        first17 = number[:6] + "".join(guess[i] for i in range(6, 17))
        if int(first17[16]) % 2 != (gender == "男"):
            continue
        if 17 in known and known[17].upper() != check_char(first17):
            continue
        count += 1
    return count


def test_nothing_staff_see_together_shows_or_rebuilds_an_id_number(insider: Insider) -> None:
    seen = _flat("\n".join(_seen_by_staff(insider)))
    for number, name, birth, gender in insider.truth.values():
        assert number[6:] not in seen, f"{name}: the hidden part of the number is shown"
        # Nothing past the region shows: 1000 sequences, halved by the gender.
        assert _candidates(number, seen, birth, gender) >= 500, name
    # What the attack would read if the mask still showed the last four.
    number, _, birth, gender = next(iter(insider.truth.values()))
    assert _candidates(number, number[:6] + "*" * 8 + number[-4:], birth, gender) == 1


def _answer(insider: Insider, url: str, who: str = "staff") -> object:
    response = insider.get(url, who)
    if response.status_code != 200:
        return response.status_code, response.json()["error"]["code"]
    body = response.json()
    return body["total"], [(h["document_id"], h["highlights"]) for h in body["hits"]]


def test_no_search_or_highlight_tells_a_hidden_digit(twins: tuple[Insider, Insider]) -> None:
    """The attack of the issue: extend what is known (region, birth date) one digit at a time
    and watch hits and highlights. Whatever staff ask short of a whole number, the two
    archives, which differ only in hidden digits, must answer alike."""
    one, other = twins
    for number, name, birth, _ in one.truth.values():
        known = number[:6] + birth.replace("-", "")
        for at in (14, 15, 16):  # each hidden digit, with the ones before it given away
            for probe in (
                "/api/v1/records/search?q={known}{before}{d}",
                "/api/v1/records/search?name={name}&q={tail}{before}{d}",
                "/api/v1/records/search?name={name}&q={d}{after}",
                "/api/v1/records/search?name={name}&id={d}{after}",
            ):
                for d in "0123456789":
                    url = probe.format(
                        known=known,
                        name=name,
                        tail=known[-4:],
                        before=number[14:at],
                        after=number[at + 1 :],
                        d=d,
                    )
                    assert _answer(one, url) == _answer(other, url), url
    # The answers were worth comparing: the same probes, asked by one who sees the numbers,
    # do tell the archives apart.
    number, name, *_ = next(iter(one.truth.values()))
    url = f"/api/v1/records/search?name={name}&id={number[-4:]}"
    assert _answer(one, url, "admin") != _answer(other, url, "admin")


def test_tails_are_for_roles_that_see_the_numbers(insider: Insider) -> None:
    number, *_ = next(iter(insider.truth.values()))
    assert _answer(insider, f"/api/v1/records/search?id={number[-4:]}") == (
        422,
        "whole_id_required",
    )
    admin = insider.get(f"/api/v1/records/search?id={number[-4:]}", "admin").json()
    assert number in {h["id_number"] for h in admin["hits"]}


def test_a_whole_number_is_an_audited_exact_lookup_hit_or_miss(insider: Insider) -> None:
    number, *_ = next(iter(insider.truth.values()))
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    assert insider.get(f"/api/v1/records/search?q={number}").json()["total"] >= 1
    assert insider.get(f"/api/v1/persons/{number}").status_code == 200
    miss = number[:14] + "999"
    miss += check_char(miss)
    assert insider.get(f"/api/v1/persons/{miss}").status_code == 404
    assert insider.get(f"/api/v1/persons/{wrong}").status_code == 422  # a wrong check digit
    store = Store.open(Settings(data_dir=insider.data_dir, _env_file=None).resolved_database_url)
    try:
        entries = AuditLog(store).entries(AuditQuery(key_name="staff", limit=1000))
    finally:
        store.close()
    persons = [(e.query["id_number"], e.record_ids) for e in entries if e.action == "view_person"]
    assert (miss, []) in persons and any(q == number and ids for q, ids in persons)
    assert any(e.action == "search" and e.query.get("q") == number for e in entries)
    # The audit (admin only) holds what was asked whole; staff's own view stays masked.
    assert number not in insider.get(f"/api/v1/persons/{number}").text
    assert number in insider.get("/api/v1/audit?action=view_person", "admin").text


def test_the_page_images_staff_see_have_the_numbers_painted_over(insider: Insider) -> None:
    """The scan itself is what staff could read an ID from: the engine reads the page as
    staff get it, and must find no hidden digit; an admin gets the scan as it is."""
    engine = RapidOCR(intra_op_num_threads=1, inter_op_num_threads=1)

    def read(url: str, who: str) -> str:
        response = insider.get(url, who)
        assert response.status_code == 200, response.text
        image = cv2.imdecode(np.frombuffer(response.content, np.uint8), cv2.IMREAD_COLOR)
        found, _ = engine(image)
        return "".join(str(r[1]) for r in found or []).replace(" ", "")

    checked = 0
    for doc, (number, name, *_) in insider.truth.items():
        record = insider.get(f"/api/v1/records/{doc}", "admin").json()
        evidence = record["fields"]["id_number"]["evidence"]
        if not evidence or not record["pages"][0]["width"] > 200:  # hand-made: no scan
            continue
        url = f"/api/v1/documents/{doc}/pages/{evidence['page']}/image"
        assert number[6:] in read(url, "admin"), name  # the engine can read it whole
        staff = read(url, "staff")
        assert number[6:] not in staff and number[-8:] not in staff, (name, staff)
        thumb = insider.get(f"{url}?width=400").headers["ETag"]
        assert thumb != insider.get(f"{url}?width=400", "admin").headers["ETag"]
        checked += 1
    assert checked >= 3
