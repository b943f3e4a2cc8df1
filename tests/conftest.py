"""Shared fixtures: settings on a temporary data dir, an open store, generated sample scans."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from archive.settings import Settings
from archive.store import Store
from scripts.samplegen.generate import SampleFile, generate

# Small pages keep real OCR fast in tests; the benchmarks use full resolution.
TEST_DPI = 150


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        data_dir=tmp_path / "data",
        workers=2,
        pdf_dpi=TEST_DPI,
        commit_every_s=0.2,
        _env_file=None,  # type: ignore[call-arg]
    )


@pytest.fixture
def store(settings: Settings) -> Iterator[Store]:
    s = Store.open(settings.resolved_database_url)
    yield s
    s.close()


@pytest.fixture(scope="session")
def samples(tmp_path_factory: pytest.TempPathFactory) -> list[SampleFile]:
    """One file of each format (PDF, TIFF, JPEG, PNG), mildly degraded."""
    out = tmp_path_factory.mktemp("samples")
    return generate(out, count=4, seed=11, dpi=TEST_DPI, levels=("mild",))


@pytest.fixture(scope="session")
def clean_samples(tmp_path_factory: pytest.TempPathFactory) -> list[SampleFile]:
    out = tmp_path_factory.mktemp("clean")
    return generate(out, count=4, seed=12, dpi=TEST_DPI, levels=("clean",))
