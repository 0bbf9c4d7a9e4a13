"""Fixtures for the run journal tests: a journal and a checkpoint directory per test."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from prefect_compat import _journal
from prefect_compat._journal import store
from prefect_compat.utilities.configuration import set_temporary_config


class Journal:
    """The test's journal file, read the way `prefect-compat runs` reads it."""

    def __init__(self, path: Path, results: Path) -> None:
        self.path = path
        self.results = results

    def runs(self, flow_name: str | None = None) -> list[store.RunInfo]:
        _journal.flush()
        conn = store.open_read(str(self.path))
        try:
            return store.list_runs(conn, flow_name, limit=None)
        finally:
            conn.close()

    def last(self) -> store.RunInfo:
        return self.runs()[0]

    def task_runs(self, run: store.RunInfo | None = None) -> dict[str, tuple]:
        """{'slug' or 'slug[i]': record} of a run (default: the newest)."""
        run = run or self.last()
        conn = store.open_read(str(self.path))
        try:
            rows = store.task_rows(conn, run.num)
        finally:
            conn.close()
        slugs = run.slugs()
        return {
            (slugs[r[0]] if r[1] < 0 else f"{slugs[r[0]]}[{r[1]}]"): dict(zip(store.FIELDS, r))
            for r in rows
        }

    def sql(self, query: str, *args):
        conn = sqlite3.connect(str(self.path))
        try:
            return conn.execute(query, args).fetchall()
        finally:
            conn.close()


@pytest.fixture
def journal(tmp_path):
    path = tmp_path / "journal.db"
    results = tmp_path / "results"
    results.mkdir()
    settings = {"journal.path": str(path), "journal.enabled": True, "flows.checkpointing": True}
    with set_temporary_config(settings):
        yield Journal(path, results)
    _journal.flush()
