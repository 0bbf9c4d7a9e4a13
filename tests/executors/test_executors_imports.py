"""dask and distributed load only when a Dask executor is built (R9; subprocess guards)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

PROBE = """
import json, sys
{setup}
import prefect_compat.executors, prefect_compat.engine.executors
cls = prefect_compat.executors.{name}
loaded = [m for m in ("dask", "distributed") if m in sys.modules]
try:
    cls()
    error = None
except ImportError as exc:
    error = str(exc)
print(json.dumps({{"loaded_before_build": loaded, "error": error,
                  "loaded_after_build": [m for m in ("dask", "distributed") if m in sys.modules]}}))
"""

# Python refuses `import x` when sys.modules["x"] is None: dask is really missing here.
WITHOUT_DASK = "sys.modules['dask'] = None; sys.modules['distributed'] = None"


def probe(name: str, setup: str, tmp_path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT__")}
    proc = subprocess.run(
        [sys.executable, "-c", PROBE.format(setup=setup, name=name)],
        env=env,
        cwd=str(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.splitlines()[-1])


def test_importing_executors_and_reading_the_classes_loads_no_dask(tmp_path):
    found = probe("DaskExecutor", "", tmp_path)
    assert found["loaded_before_build"] == []
    assert found["error"] is None
    assert found["loaded_after_build"] == ["dask", "distributed"]


def test_local_dask_executor_loads_dask_only_when_built(tmp_path):
    found = probe("LocalDaskExecutor", "", tmp_path)
    assert found["loaded_before_build"] == []
    assert "dask" in found["loaded_after_build"]


def test_missing_dask_names_the_extra(tmp_path):
    for name in ("LocalDaskExecutor", "DaskExecutor"):
        found = probe(name, WITHOUT_DASK, tmp_path)
        assert found["error"] is not None, name
        assert name in found["error"]
        assert "pip install 'prefect-compat[dask]'" in found["error"]
