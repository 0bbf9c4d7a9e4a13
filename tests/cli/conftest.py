"""Fixtures for the CLI tests (helpers live in tests/cli/helpers.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.helpers import CLI


@pytest.fixture
def cli(tmp_path: Path) -> CLI:
    return CLI(tmp_path)
