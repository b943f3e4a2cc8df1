from pathlib import Path

import pytest
from pydantic import ValidationError

from archive.settings import Settings


def test_settings_come_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("ARCHIVE_DATA_DIR", str(tmp_path / "d"))
    monkeypatch.setenv("ARCHIVE_WORKERS", "3")
    s = Settings(_env_file=None)  # type: ignore[call-arg]
    assert s.data_dir == tmp_path / "d" and s.workers == 3 and s.es_url is None
    assert s.resolved_database_url == f"sqlite:///{(tmp_path / 'd' / 'archive.db').resolve()}"


def test_a_database_url_overrides_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARCHIVE_DATABASE_URL", "postgresql://archive@localhost/archive")
    assert Settings(_env_file=None).resolved_database_url.startswith("postgresql://")  # type: ignore[call-arg]


def test_nonsense_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARCHIVE_WORKERS", "0")
    with pytest.raises(ValidationError):
        Settings(_env_file=None)  # type: ignore[call-arg]
