"""The staff pages in a real browser (Debian's headless Chromium through Selenium) against a
real `archive serve`, on scans that went through the real OCR: sign in, find a veteran by a
misread name, open the record and see the box on the page, correct a field in the review
queue by keyboard alone, find the record by the corrected value; a staff key has no review
queue. Screenshots of each step go to test-artifacts/ (not committed)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import httpx2 as httpx
import pytest
from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support import expected_conditions as ready
from selenium.webdriver.support.ui import WebDriverWait

from archive.domain import Extraction, Role
from archive.search.backends import make_backend
from archive.search.feed import drain
from archive.settings import Settings
from archive.store import Store
from archive.store.keys import KeyStore
from archive.store.users import UserStore
from archive.text import CONFUSABLE_CHARACTERS
from ingest.pipeline import IngestOptions, IngestRun
from scripts.samplegen.generate import SampleFile
from tests.archive_cli.test_main import ARCHIVE
from tests.conftest import TEST_DPI
from tests.search_api.test_server import _free_port

PASSWORD = "浏览器测试用的密码-2026"
ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts" / "browser"
SWAP = {
    ch: other for group in CONFUSABLE_CHARACTERS for ch in group for other in group if other != ch
}


def _misread(name: str) -> str:
    for i, ch in enumerate(name):
        if ch in SWAP:
            return name[:i] + SWAP[ch] + name[i + 1 :]
    return name


@pytest.fixture
def server(settings: Settings, samples: list[SampleFile]) -> Iterator[tuple[str, dict[str, str]]]:
    store = Store.open(settings.resolved_database_url)
    report = IngestRun(store, settings.data_dir, IngestOptions.from_settings(settings)).run(
        [s.path for s in samples]
    )
    assert all(r.document_id for r in report.results)
    # One field in the review queue, whatever the OCR was unsure of: the first file's unit.
    ids = [r.document_id for r in report.results if r.document_id is not None]
    store.replace_fields(
        {
            doc: Extraction(
                [
                    replace(f, needs_review=doc == ids[0] and f.key == "unit")
                    for f in store.current_fields(doc)
                ]
            )
            for doc in ids
        }
    )
    drain(store, make_backend(settings, store))
    keys = {
        role: KeyStore(store).create(role.value, role)[1] for role in (Role.STAFF, Role.ARCHIVIST)
    }
    # People sign in to the pages with their own accounts (the keys serve the API calls).
    for role in keys:
        user, first = UserStore(store).create(f"p-{role.value}", role)
        UserStore(store).change_password(user.id, first, PASSWORD)
    store.close()
    with _serving(settings) as url:
        yield url, {**{role.value: key for role, key in keys.items()}, "reviewed": str(ids[0])}


@contextmanager
def _serving(settings: Settings) -> Iterator[str]:
    """A real `archive serve` on the data dir, until the block ends."""
    port = _free_port()
    env = {
        **os.environ,
        "ARCHIVE_DATA_DIR": str(settings.data_dir),
        "ARCHIVE_PDF_DPI": str(TEST_DPI),
    }
    process = subprocess.Popen([str(ARCHIVE), "serve", "--port", str(port)], env=env)
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if httpx.get(f"{url}/readyz", timeout=1).status_code == 200:
                break
        except httpx.TransportError:
            time.sleep(0.2)
    try:
        yield url
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


@pytest.fixture
def browser() -> Iterator[WebDriver]:
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--window-size=1400,1000",
        "--lang=zh-CN",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(
        service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"), options=options
    )
    driver.implicitly_wait(5)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    yield driver
    driver.quit()


def _shot(driver: WebDriver, name: str) -> None:
    driver.save_screenshot(str(ARTIFACTS / f"{name}.png"))


def _until_text(driver: WebDriver, by: str, what: str, text: str, timeout_s: float = 10) -> None:
    """Waits for ``text`` in the element, across a page load: an element read while its page
    is replaced is gone (Chrome says "does not belong to the document"), and is read again."""
    WebDriverWait(driver, timeout_s, ignored_exceptions=(WebDriverException,)).until(
        ready.text_to_be_present_in_element((by, what), text)
    )


def _sign_in(driver: WebDriver, url: str, role: str) -> None:
    """Signs in as the person of the role, with their user name and password."""
    driver.delete_all_cookies()
    driver.get(f"{url}/login")
    driver.find_element(By.ID, "username").send_keys(f"p-{role}")
    driver.find_element(By.ID, "password").send_keys(PASSWORD, Keys.ENTER)
    WebDriverWait(driver, 10).until(
        ready.presence_of_element_located((By.CSS_SELECTOR, "form.search"))
    )


@pytest.mark.slow
def test_find_open_review_and_find_again(
    server: tuple[str, dict[str, str]], browser: WebDriver, samples: list[SampleFile]
) -> None:
    url, keys = server
    _sign_in(browser, url, "archivist")
    _shot(browser, "1-signed-in")
    target = next(s for s in samples if _misread(s.veteran.name) != s.veteran.name)
    box = browser.find_element(By.NAME, "q")
    box.send_keys(_misread(target.veteran.name), Keys.ENTER)
    WebDriverWait(browser, 10).until(ready.presence_of_element_located((By.CLASS_NAME, "total")))
    _shot(browser, "2-search-misread-name")
    link = WebDriverWait(browser, 10).until(
        ready.element_to_be_clickable((By.LINK_TEXT, target.veteran.name))
    )
    assert "q=" in browser.current_url  # the query is in the URL, to bookmark and share
    _shot(browser, "2-search-misread-name")
    link.click()
    name_box = WebDriverWait(browser, 10).until(
        ready.visibility_of_element_located((By.ID, "box-name"))
    )
    assert name_box.size["width"] > 5 and name_box.size["height"] > 5
    image = browser.find_element(By.CSS_SELECTOR, ".sheet img")
    assert (
        browser.execute_script("return arguments[0].complete && arguments[0].naturalWidth", image)
        > 100
    )
    _shot(browser, "3-record-with-boxes")

    browser.get(f"{url}/review")
    value = browser.find_element(By.ID, "value")
    assert browser.switch_to.active_element == value  # ready for the keyboard
    scan = browser.find_element(By.CSS_SELECTOR, ".frame:not([hidden]) .sheet img")
    assert browser.execute_script("return arguments[0].naturalWidth", scan) > 100
    _shot(browser, "4-review-queue")
    value.send_keys(Keys.CONTROL, "a")
    value.send_keys("第88888部队", Keys.ENTER)
    _until_text(browser, By.TAG_NAME, "main", "没有待复核的字段了")
    browser.get(f"{url}/?unit=88888")
    hit = browser.find_element(By.CSS_SELECTOR, ".hit h2 a")
    assert hit.get_attribute("href").endswith(f"/records/{keys['reviewed']}")
    assert "共 1 条" in browser.find_element(By.CLASS_NAME, "total").text
    _shot(browser, "5-found-by-corrected-unit")

    # Upload: a file chosen in the page goes up with the page's CSRF token, and its row
    # follows the job (a copy of a stored scan: skipped, and says which record has it).
    browser.get(f"{url}/upload")
    browser.find_element(By.ID, "files").send_keys(str(samples[0].path))
    _until_text(browser, By.ID, "job", "已跳过", timeout_s=60)
    assert "duplicate" in browser.find_element(By.ID, "job").text
    _shot(browser, "6-upload-progress")
    browser.get(f"{url}/progress")
    assert "已数字化档案 4 份" in browser.find_element(By.CLASS_NAME, "summary").text
    assert browser.find_elements(By.CSS_SELECTOR, "svg.chart rect.bar")
    _shot(browser, "7-progress")

    _sign_in(browser, url, "staff")
    browser.get(f"{url}/review")
    assert "无权" in browser.find_element(By.TAG_NAME, "main").text
    assert not browser.find_elements(By.LINK_TEXT, "复核")
    _shot(browser, "8-staff-has-no-review")


@pytest.mark.slow
def test_review_by_pointing_a_click_takes_a_reading_and_a_drawn_box_is_read(
    server: tuple[str, dict[str, str]], browser: WebDriver
) -> None:
    url, keys = server
    _sign_in(browser, url, "archivist")
    browser.get(f"{url}/review")
    value = browser.find_element(By.ID, "value")
    machine = value.get_attribute("value")
    assert machine  # the unit the machine read, flagged
    # A click on the piece of the reading that holds the unit takes it, keyboard focus kept.
    pieces = browser.find_elements(By.CSS_SELECTOR, ".frame:not([hidden]) .piece")
    assert len(pieces) > 10  # the whole page's reading is laid over it
    piece = next(p for p in pieces if p.get_attribute("data-text") == machine)
    value.send_keys(Keys.CONTROL, "a", Keys.DELETE)
    ActionChains(browser).click(piece).perform()
    assert value.get_attribute("value") == machine
    assert browser.switch_to.active_element == value
    assert browser.find_element(By.NAME, "pointed_how").get_attribute("value") == "word"
    _shot(browser, "9-review-clicked")
    # A box dragged round the machine's evidence is read by the engine on the spot.
    evidence = browser.find_element(By.CSS_SELECTOR, ".frame:not([hidden]) .box")
    w, h = evidence.size["width"], evidence.size["height"]
    ActionChains(browser).move_to_element_with_offset(
        evidence, -w // 2 - 8, -h // 2 - 8
    ).click_and_hold().move_by_offset(w // 2, h // 2).move_by_offset(
        w // 2 + 16, h // 2 + 16
    ).release().perform()
    _until_text(browser, By.ID, "from", "框选识别", timeout_s=60)
    read = value.get_attribute("value")
    assert read and browser.find_element(By.NAME, "pointed_how").get_attribute("value") == (
        "region"
    )
    drawn = browser.find_element(By.CSS_SELECTOR, ".frame:not([hidden]) .drawn")
    assert drawn.is_displayed() and drawn.size["width"] >= w
    _shot(browser, "10-review-drawn-box-read")
    value.send_keys(Keys.ENTER)
    _until_text(browser, By.TAG_NAME, "main", "没有待复核的字段了")
    record = httpx.get(
        f"{url}/api/v1/records/{keys['reviewed']}",
        headers={"Authorization": f"Bearer {keys['archivist']}"},
    ).json()
    unit = record["fields"]["unit"]
    assert unit["value"] == "".join(read.split())
    [done] = unit["history"]
    assert done["pointed"]["how"] == "region" and done["pointed"]["evidence"]["text"] == read


@pytest.mark.slow
def test_the_api_docs_render_from_the_apps_own_files(
    settings: Settings, browser: WebDriver
) -> None:
    """Swagger UI and ReDoc, with no internet and under the CSP (no inline script): each shows
    the operations of the schema."""
    with _serving(settings) as url:
        browser.get(f"{url}/docs")
        _until_text(browser, By.CSS_SELECTOR, "#swagger-ui", "/api/v1/records/search", 30)
        _shot(browser, "docs-swagger")
        browser.get(f"{url}/redoc")
        _until_text(browser, By.TAG_NAME, "body", "检索档案", 30)
        _shot(browser, "docs-redoc")
