"""An API over a real store and the embedded search backend, with a key for every role."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from archive.domain import Role
from archive.search.backends import make_backend
from archive.search.feed import drain
from archive.settings import Settings
from archive.store import Store
from archive.store.keys import KeyStore
from search_api.app import create_app
from tests.archive.records import save

WANG_ID = "11010519491231002X"
LI_ID = "340123198507151233"


@dataclass
class Api:
    client: TestClient
    settings: Settings
    keys: dict[str, str]  # role (or "revoked") -> secret
    ids: dict[str, int]  # sample name -> document id

    def headers(self, who: str | None) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.keys[who]}"} if who else {}

    def get(self, url: str, who: str | None = "admin", **kw: Any) -> Any:
        return self.client.get(url, headers=self.headers(who), **kw)


def fill(settings: Settings) -> tuple[dict[str, str], dict[str, int]]:
    store = Store.open(settings.resolved_database_url)
    ids = {
        "wang": save(
            store,
            "wang",
            {
                "name": "王伟",
                "gender": "男",
                "id_number": WANG_ID,
                "birth_date": "1949-12-31",
                "unit": "53021部队",
                "enlistment_date": "1968-03",
                "discharge_type": "复员",
            },
            pages=2,
        ),
        "wang2": save(
            store,
            "wang2",
            {"name": "王伟", "id_number": WANG_ID, "birth_date": "1949-12", "unit?": "53O21部队"},
        ),
        "other_wang": save(
            store,
            "other",
            {"name": "王伟", "id_number": "110105194912310089", "birth_date": "1949-12-02"},
        ),
        "li": save(
            store,
            "li",
            {"name?": "李强", "id_number": LI_ID, "birth_date": "1985-07-15", "unit": "第27集团军"},
        ),
    }
    drain(store, make_backend(settings, store))
    keys = KeyStore(store)
    secrets = {role.value: keys.create(role.value, role)[1] for role in Role}
    secrets["revoked"] = keys.create("revoked", Role.ADMIN)[1]
    keys.revoke("revoked")
    store.close()
    pages = settings.data_dir / "p"
    pages.mkdir(parents=True, exist_ok=True)
    for n in (1, 2):
        Image.new("RGB", (800, 1100), "white").save(pages / f"{n}.jpg")
        Image.new("L", (800, 1100), 255).save(pages / f"{n}.png")
    return secrets, ids


@pytest.fixture
def api(settings: Settings) -> Iterator[Api]:
    secrets, ids = fill(settings)
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        yield Api(client, settings, secrets, ids)


@pytest.fixture
def data_dir(settings: Settings) -> Path:
    return settings.data_dir
