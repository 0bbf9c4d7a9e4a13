"""docs/results-v2.md, flows-and-tasks half: every Python example runs as written and its
assertions hold (the storage half's examples are i13r's, tested in test_filesystems.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from prefect_compat.settings import PREFECT_HOME, PREFECT_LOCAL_STORAGE_PATH, temporary_settings
from tests.v2.examples import python_blocks, run_example

DOC = Path(__file__).resolve().parents[2] / "docs" / "results-v2.md"
BLOCKS = python_blocks(DOC, until="## Storage, serializers and settings")


def test_the_page_has_examples():
    assert len(BLOCKS) >= 6


@pytest.mark.parametrize("index", range(len(BLOCKS)))
def test_example_runs(index, tmp_path):
    home = tmp_path / "home"
    with temporary_settings(
        updates={PREFECT_HOME: str(home), PREFECT_LOCAL_STORAGE_PATH: str(home / "storage")}
    ):
        run_example(BLOCKS[index], label=f"docs/results-v2.md example {index + 1}")
