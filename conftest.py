"""Shared pytest fixtures for the whole suite (tests/ holds only tests)."""

from __future__ import annotations

import pytest

import prefect_compat

pytest_plugins = ["tests.fixtures.servers"]


@pytest.fixture(autouse=True)
def _isolated_context():
    """Each test starts and ends with the base context: no keys leak between tests."""
    with prefect_compat.context():
        yield
