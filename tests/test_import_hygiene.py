"""`import prefect_compat` must not pull in heavy optional libraries (R9; structural, untimed)."""

from __future__ import annotations

import json

from tests.fixtures.fresh import fresh_python

HEAVY = (
    "boto3",
    "botocore",
    "google.cloud",
    "dask",
    "distributed",
    "pandas",
    "pendulum",
    "libcst",
    "rich",
    "click",
)

PROBE = (
    "import json, sys; import prefect_compat; "
    f"print(json.dumps([m for m in {list(HEAVY)!r} if m in sys.modules]))"
)


def test_import_loads_no_heavy_optional_modules(tmp_path):
    assert json.loads(fresh_python(PROBE, tmp_path)[-1]) == []


def test_the_probe_detects_a_heavy_import(tmp_path):
    """The guard can fail: a heavy module present in `sys.modules` shows up in the list."""
    code = "import sys; sys.modules['rich'] = sys; " + PROBE
    assert json.loads(fresh_python(code, tmp_path)[-1]) == ["rich"]
