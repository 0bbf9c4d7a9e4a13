"""SQLiteQuery / SQLiteScript against a real SQLite file in a temporary directory."""

from __future__ import annotations

import inspect
import sqlite3

import pytest

from prefect_compat import Flow
from prefect_compat.engine.state import Failed, Success
from prefect_compat.tasks.database import SQLiteQuery, SQLiteScript
from prefect_compat.tasks.database.sqlite import SQLiteQuery as QueryFromModule

SCHEMA = """
CREATE TABLE people (id INTEGER, name TEXT);
INSERT INTO people VALUES (1, 'ada');
INSERT INTO people VALUES (2, 'grace');
"""


@pytest.fixture
def db(tmp_path):
    return str(tmp_path / "test.db")


def rows(db, sql):
    with sqlite3.connect(db) as connection:
        return connection.execute(sql).fetchall()


def test_signatures_are_prefects():
    assert QueryFromModule is SQLiteQuery
    assert list(inspect.signature(SQLiteQuery.__init__).parameters)[1:] == [
        "db",
        "query",
        "data",
        "kwargs",
    ]
    assert list(inspect.signature(SQLiteQuery.run).parameters)[1:] == ["db", "query", "data"]
    assert list(inspect.signature(SQLiteScript.run).parameters)[1:] == ["db", "script"]


def test_script_then_queries_in_one_flow(db):
    with Flow("sqlite") as flow:
        made = SQLiteScript(db=db, script=SCHEMA)()
        everyone = SQLiteQuery(db=db, query="SELECT * FROM people ORDER BY id")(
            upstream_tasks=[made]
        )
        one = SQLiteQuery(db=db)(
            query="SELECT name FROM people WHERE id = ?", data=(2,), upstream_tasks=[made]
        )
    state = flow.run()
    assert isinstance(state, Success)
    assert state.result[made].result is None
    assert state.result[everyone].result == [(1, "ada"), (2, "grace")]
    assert state.result[one].result == [("grace",)]


def test_a_query_that_changes_data_commits_it(db):
    SQLiteScript(db=db, script=SCHEMA).run()
    assert SQLiteQuery(db=db, query="INSERT INTO people VALUES (3, 'edsger')").run() == []
    assert rows(db, "SELECT count(*) FROM people") == [(3,)]


def test_a_failing_statement_fails_the_task_and_rolls_back(db):
    SQLiteScript(db=db, script=SCHEMA).run()
    with Flow("bad sql") as flow:
        bad = SQLiteQuery(db=db, query="SELECT * FROM missing")()
    state = flow.run().result[bad]
    assert isinstance(state, Failed)
    assert isinstance(state.result, sqlite3.OperationalError)
    assert "no such table: missing" in str(state.result)


def test_only_one_statement_per_query(db):
    # Python's sqlite3 raises ProgrammingError for it from 3.10 on, a Warning before
    with pytest.raises((sqlite3.ProgrammingError, sqlite3.Warning), match="one statement at a"):
        SQLiteQuery(db=db, query="SELECT 1; SELECT 2").run()


def test_in_memory_database():
    assert SQLiteQuery(db=":memory:", query="SELECT 40 + 2").run() == [(42,)]


@pytest.mark.parametrize(
    ("task", "message"),
    [
        (SQLiteQuery(query="SELECT 1"), "The db must be specified"),
        (SQLiteQuery(db="x.db"), "The query string must be specified"),
        (SQLiteScript(script="SELECT 1"), "The db must be specified"),
        (SQLiteScript(db="x.db"), "The query script string must be specified"),
    ],
)
def test_missing_arguments_are_named(task, message, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ValueError, match=message):
        task.run()
    assert not (tmp_path / "x.db").exists()
