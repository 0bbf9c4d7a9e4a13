"""Shared pytest fixtures for the whole suite (tests/ holds only tests)."""

from __future__ import annotations

import os
import shutil
import tempfile

import pytest

# Nothing the suite runs may write to the user's ~/.prefect: the 1.x home (default
# results, the run journal) and the 2.x PREFECT_HOME (default storage, block registry)
# point into one temp dir for the whole session, set before the package loads its
# configuration so that subprocesses and Dask workers started by fixtures inherit
# them. Tests that need their own home still set one (tests/v2/conftest.py).
_SUITE_HOME = tempfile.mkdtemp(prefix="prefect-compat-tests-home-")
os.environ["PREFECT__HOME_DIR"] = os.path.join(_SUITE_HOME, "home")
os.environ["PREFECT_HOME"] = os.path.join(_SUITE_HOME, "prefect2")
# The run journal is on by default: every flow run of the suite is recorded in a
# journal of its own; tests of the journal itself point it elsewhere.
_JOURNAL_DIR = os.path.join(_SUITE_HOME, "journal")
os.environ["PREFECT__JOURNAL__PATH"] = os.path.join(_JOURNAL_DIR, "journal.db")

import prefect_compat  # noqa: E402 - after the environment above

pytest_plugins = ["tests.fixtures.servers"]


@pytest.fixture(scope="session", autouse=True)
def _suite_journal():
    yield
    from prefect_compat import _journal

    _journal.flush()
    shutil.rmtree(_SUITE_HOME, ignore_errors=True)


@pytest.fixture(autouse=True)
def _isolated_context():
    """Each test starts and ends with the base context: no keys leak between tests."""
    with prefect_compat.context():
        yield
