"""`SQLiteQuery` / `SQLiteScript`: run SQL against a SQLite file with `sqlite3`.

A query returns `cursor.fetchall()` (a list of row tuples; `[]` for statements that
return no rows); a script returns None. Each run opens its own connection and closes
it, so the tasks are safe to map and to run on threads.

Deliberate difference: `SQLiteQuery` commits what its statement changed, as Prefect
0.13 did; Prefect 1.4.1 closes the connection without committing, so an INSERT or
UPDATE run through it is silently lost (docs/compat-notes.md).
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from typing import Any

from prefect_compat.core.task import Task
from prefect_compat.utilities.tasks import defaults_from_attrs

__all__ = ["SQLiteQuery", "SQLiteScript"]


def _require(value: Any, message: str, fix: str) -> None:
    if not value:
        raise ValueError(f"{message}: {fix}")


class SQLiteQuery(Task):
    """Run one SQL statement (with `?` placeholders filled from `data`) and return its rows."""

    def __init__(
        self,
        db: str | None = None,
        query: str | None = None,
        data: tuple[Any, ...] = (),
        **kwargs: Any,
    ) -> None:
        self.db = db
        self.query = query
        self.data = data
        super().__init__(**kwargs)

    @defaults_from_attrs("db", "query", "data")
    def run(  # type: ignore[override]  # run() takes the task's inputs
        self, db: str | None = None, query: str | None = None, data: tuple[Any, ...] = ()
    ) -> list[tuple[Any, ...]]:
        """The rows the statement returns; changes it makes are committed."""
        _require(db, "The db must be specified", "pass db='path/to/file.db' (or ':memory:')")
        _require(query, "The query string must be specified", "pass query='SELECT ...'")
        # `with connection` commits on success and rolls back on error
        with closing(sqlite3.connect(db)) as connection, connection:  # type: ignore[arg-type]
            return connection.execute(query, data or ()).fetchall()  # type: ignore[arg-type]


class SQLiteScript(Task):
    """Run a script of `;`-separated SQL statements (`executescript`); returns None."""

    def __init__(self, db: str | None = None, script: str | None = None, **kwargs: Any) -> None:
        self.db = db
        self.script = script
        super().__init__(**kwargs)

    @defaults_from_attrs("db", "script")
    def run(self, db: str | None = None, script: str | None = None) -> None:  # type: ignore[override]
        """Execute the whole script and commit."""
        _require(db, "The db must be specified", "pass db='path/to/file.db' (or ':memory:')")
        _require(
            script, "The query script string must be specified", "pass script='CREATE ...; ...'"
        )
        with closing(sqlite3.connect(db)) as connection:  # type: ignore[arg-type]
            connection.executescript(script)  # type: ignore[arg-type]
            connection.commit()
