"""`import prefect_compat` must not pull in heavy optional libraries (R9; structural, untimed)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

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
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT__")}
    proc = subprocess.run(
        [sys.executable, "-c", PROBE],
        env=env,
        cwd=str(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == []


def test_the_probe_detects_a_heavy_import(tmp_path):
    """The guard can fail: a heavy module present in `sys.modules` shows up in the list."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT__")}
    proc = subprocess.run(
        [sys.executable, "-c", "import sys; sys.modules['rich'] = sys; " + PROBE],
        env=env,
        cwd=str(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == ["rich"]
