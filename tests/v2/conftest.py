"""Fixtures for the 2.x results tests: an isolated PREFECT_HOME for every test."""

from __future__ import annotations

import pytest

from prefect_compat import settings
from prefect_compat.settings import PREFECT_HOME, PREFECT_LOCAL_STORAGE_PATH, temporary_settings


@pytest.fixture(autouse=True)
def prefect_home(tmp_path, monkeypatch):
    """PREFECT_HOME (and so the default storage and the block registry) under tmp_path."""
    home = tmp_path / "prefect-home"
    for name in (
        "PREFECT_LOCAL_STORAGE_PATH",
        "PREFECT_RESULTS_PERSIST_BY_DEFAULT",
        "PREFECT_RESULTS_DEFAULT_SERIALIZER",
        "PREFECT_PROFILE",
        "PREFECT_PROFILES_PATH",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PREFECT_HOME", str(home))
    settings.reload_settings()
    yield home
    monkeypatch.undo()
    settings.reload_settings()


@pytest.fixture
def home(tmp_path):
    """PREFECT_HOME and the local storage path set under tmp_path/home through
    `temporary_settings` (what a script does); modules ask for it with `usefixtures`."""
    root = tmp_path / "home"
    with temporary_settings(
        updates={PREFECT_HOME: str(root), PREFECT_LOCAL_STORAGE_PATH: str(root / "storage")}
    ):
        yield root
