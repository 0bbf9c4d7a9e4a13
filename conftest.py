"""Shared pytest fixtures for the whole suite (tests/ holds only tests)."""

from __future__ import annotations

import os
import shutil
import tempfile

import pytest

import prefect_compat

pytest_plugins = ["tests.fixtures.servers"]

# The run journal is on by default at <home_dir>/journal.db: every flow run of the suite
# is recorded in a journal of its own, never in the user's ~/.prefect. Subprocesses
# inherit the variable; tests of the journal itself point it elsewhere.
_JOURNAL_DIR = tempfile.mkdtemp(prefix="prefect-compat-tests-journal-")
os.environ["PREFECT__JOURNAL__PATH"] = os.path.join(_JOURNAL_DIR, "journal.db")
prefect_compat.config.journal.path = os.environ["PREFECT__JOURNAL__PATH"]


@pytest.fixture(scope="session", autouse=True)
def _suite_journal():
    yield
    from prefect_compat import _journal

    _journal.flush()
    shutil.rmtree(_JOURNAL_DIR, ignore_errors=True)


@pytest.fixture(autouse=True)
def _isolated_context():
    """Each test starts and ends with the base context: no keys leak between tests."""
    with prefect_compat.context():
        yield
