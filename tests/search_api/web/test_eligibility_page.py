"""The staff page of an eligibility check and its printed 核查单: the PDF is rendered to PNG
and its text read back, its font checked embedded; staff see no ID number on either."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from archive.settings import Settings
from archive.store import Store
from archive.store.audit import AuditLog, AuditQuery
from search_api.app import create_app
from tests.search_api.conftest import WANG_ID, fill
from tests.search_api.web.test_pages import _sign_in

ASK = f"/eligibility?programme=preferential_card&id_number={WANG_ID}"


@pytest.fixture
def site(settings: Settings) -> Iterator[tuple[TestClient, dict[str, str]]]:
    keys, _ = fill(settings)
    with TestClient(create_app(settings), base_url="https://testserver") as client:
        yield client, keys


def test_staff_run_a_check_and_see_each_condition_with_its_evidence(
    site: tuple[TestClient, dict[str, str]], settings: Settings
) -> None:
    client, keys = site
    _sign_in(client, keys["staff"])
    form = client.get("/eligibility")
    assert form.status_code == 200 and "涉核人员身份核查" in form.text
    page = client.get(ASK)
    assert page.status_code == 200
    assert "退役军人优待证申领核查" in page.text and "不满足" in page.text  # no certificate page
    assert 'data-status="met"' in page.text and "复员" in page.text
    # The number staff typed stays in their form and links; the page shows none of its own.
    shown = page.text.replace(f'value="{WANG_ID}"', "").replace(f"id_number={WANG_ID}", "")
    assert WANG_ID not in shown and WANG_ID[6:14] not in shown
    crop = page.text.split('class="crop" alt="第1页的依据" src="')[1].split('"')[0]
    image = client.get(crop.replace("&amp;", "&"))
    assert image.status_code == 200 and image.headers["content-type"] == "image/jpeg"
    store = Store.open(settings.resolved_database_url)
    [entry] = AuditLog(store).entries(AuditQuery(action="eligibility"))
    store.close()
    assert entry.role == "staff" and entry.query["programme"] == "preferential_card"
    bad = client.get("/eligibility?programme=preferential_card&name=王伟&birth_date=1949-13")
    assert bad.status_code == 422 and "出生日期" in bad.text


def test_the_checksheet_is_a_pdf_with_its_font_embedded_and_its_text_readable(
    site: tuple[TestClient, dict[str, str]], tmp_path: Path
) -> None:
    client, keys = site
    _sign_in(client, keys["staff"])
    answer = client.get(ASK.replace("/eligibility?", "/eligibility/checksheet.pdf?"))
    assert answer.status_code == 200 and answer.headers["content-type"] == "application/pdf"
    pdf = tmp_path / "sheet.pdf"
    pdf.write_bytes(answer.content)
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    for words in (
        "资格核查单",
        "退役军人优待证申领核查",
        "不满足",
        "退役方式：复员",
        "核查人：staff",
    ):
        assert words in text.replace(" ", ""), words
    assert WANG_ID not in text and WANG_ID[6:14] not in text
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True)
    [font_line] = [line for line in fonts.stdout.splitlines() if "WenQuanYi" in line]
    assert " yes " in font_line  # embedded (and subset)
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), str(tmp_path / "p")], check=True)
    [png] = sorted(tmp_path.glob("p*.png"))[:1]
    with Image.open(png) as rendered:
        gray = rendered.convert("L")
        assert gray.getextrema()[0] < 80  # ink on the page: the text was drawn
        assert gray.width > 400


def test_archivists_may_run_a_check_and_a_missing_font_is_a_clear_answer(
    site: tuple[TestClient, dict[str, str]], settings: Settings
) -> None:
    client, keys = site
    _sign_in(client, keys["archivist"])
    assert client.get(ASK).status_code == 200
    broken = settings.model_copy(update={"checksheet_font": Path("/nonexistent/font.ttc")})
    with TestClient(create_app(broken), base_url="https://testserver") as other:
        _sign_in(other, keys["staff"])
        answer = other.get(ASK.replace("/eligibility?", "/eligibility/checksheet.pdf?"))
        assert answer.status_code == 503 and "中文字体" in answer.text
